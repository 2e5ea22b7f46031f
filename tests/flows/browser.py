"""Rendering pages in headless Chromium (Debian's package, installed by scripts/test)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--hide-scrollbars"]  # fmt: skip


def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed in CI: scripts/test installs Debian's chromium")
        pytest.skip("chromium not installed (apt-get install chromium)")
    return path


def render(page: Path, png: Path, width: int = 1100, height: int = 1600) -> str:
    """Screenshot the page to ``png`` and return its DOM after scripts ran."""
    with tempfile.TemporaryDirectory() as profile:
        args = [chromium(), *FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}"]
        subprocess.run([*args, f"--screenshot={png}", page.resolve().as_uri()], capture_output=True, timeout=120, check=True)
        dom = subprocess.run([*args, "--dump-dom", page.resolve().as_uri()], capture_output=True, text=True, timeout=120, check=True)
    return dom.stdout


def distinct_colours(png: Path) -> int:
    import matplotlib.image as mpimg
    import numpy as np

    pixels = (mpimg.imread(str(png))[..., :3] * 255).astype("uint8").reshape(-1, 3)
    return len(np.unique(pixels[:: max(1, len(pixels) // 200000)], axis=0))
