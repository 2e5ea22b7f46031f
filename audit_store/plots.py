"""Plots for the HTML reports: matplotlib (Agg) figures inlined as PNG data URIs, so a report
is one self-contained file that prints as it shows."""

from __future__ import annotations

import base64
import io
from collections.abc import Callable


def inline_plot(draw: Callable, size: tuple[float, float] = (9, 3.6)) -> str:
    """Draw on a fresh axes and return an <img> tag holding the PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=size, dpi=110)
    draw(ax)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return f'<img alt="plot" src="data:image/png;base64,{base64.b64encode(buf.getvalue()).decode()}">'
