"""The calibration report a QA lead brings to the calibration meeting: one self-contained HTML
page (plots inline) and a CSV of the per-criterion statistics."""

from __future__ import annotations

import html
import math
from pathlib import Path

import pandas as pd

from scoring.calibration import CalibrationResult

from audit_store.files import csv_text, private_folder, write_private
from audit_store.plots import inline_plot


def write_report(result: CalibrationResult, out_dir: Path) -> tuple[Path, Path]:
    private_folder(out_dir, "calibration report folder")
    table = criteria_table(result)
    csv_path = write_private(out_dir / "calibration.csv", csv_text(table))  # formulas neutralised
    html_path = write_private(out_dir / "calibration.html", _page(result, table))
    return html_path, csv_path


def criteria_table(result: CalibrationResult) -> pd.DataFrame:
    rows = []
    for c in result.criteria:
        rows.append({
            "criterion": c.criterion_id, "critical": c.critical, "target_kappa": c.target_kappa,
            "kappa_before": _r(c.fit.kappa_before), "agreement_before": _r(c.fit.agreement_before),
            "kappa_after_held_out": _r(c.fit.kappa_after), "agreement_after_held_out": _r(c.fit.agreement_after),
            "parameter": c.fit.parameter or "", "default": c.fit.default, "fitted": c.fit.fitted, "folds": c.fit.folds,
            "graders_alpha": _r(c.graders_alpha), "graders_fleiss": _r(c.graders_fleiss) if c.graders_fleiss is not None else None,
            **{f"kappa_vs_{g}": _r(k) for g, k in c.machine_vs_graders.items()},
            **{f"{g}_vs_consensus": _r(k) for g, k in c.graders_vs_consensus.items()},
            "disagreements": len(c.disagreements), "meets_target": c.passed,
        })  # fmt: skip
    return pd.DataFrame(rows)


def _r(x: float | None) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else round(x, 3)


def _page(result: CalibrationResult, table: pd.DataFrame) -> str:
    import numpy as np

    names = list(table["criterion"])
    x = np.arange(len(names))

    def before_after(ax) -> None:  # noqa: ANN001
        ax.bar(x - 0.2, table["kappa_before"].fillna(0), 0.4, label="before (default parameters)", color="#9aa5b1")
        ax.bar(x + 0.2, table["kappa_after_held_out"].fillna(0), 0.4, label="after (fitted, held-out folds)", color="#2f6fb3")
        ax.plot(x, table["target_kappa"], "r_", markersize=18, label="target")
        ax.set_xticks(x, names, rotation=30, ha="right", fontsize=8)
        ax.set_ylabel("Cohen's kappa vs consensus")
        ax.set_ylim(-1, 1.05)
        ax.legend(fontsize=7, loc="lower left")

    def graders(ax) -> None:  # noqa: ANN001
        cols = [c for c in table.columns if c.endswith("_vs_consensus")]
        width = 0.8 / max(len(cols), 1)
        for i, col in enumerate(cols):
            ax.bar(x - 0.4 + width * (i + 0.5), table[col].fillna(0), width, label=col.removesuffix("_vs_consensus"))
        ax.set_xticks(x, names, rotation=30, ha="right", fontsize=8)
        ax.set_ylabel("kappa: grader vs the others")
        ax.set_ylim(-1, 1.05)
        ax.legend(fontsize=7, loc="lower left")

    verdict = "PROMOTED" if result.verdict == "promote" else "REFUSED"
    promoted = f" as version {result.calibrated_rubric.version} (sha256 {result.calibrated_rubric.content_hash[:12]}…)" if result.calibrated_rubric else ""
    reasons = "".join(f"<li>{html.escape(r)}</li>" for r in result.reasons) or "<li>every criterion meets its target</li>"
    dis_rows = "".join(
        f"<tr><td>{html.escape(c.criterion_id)}</td><td>{html.escape(d.call_id)}</td><td>{html.escape(d.machine)}</td><td>{html.escape(d.consensus)}</td>"
        f"<td>{'' if d.start is None else f'{d.start:.1f} s'}</td><td>{html.escape(d.quote or '')}</td></tr>"
        for c in result.criteria for d in c.disagreements
    )  # fmt: skip
    totals = result.totals
    icc_rows = "".join(f"<tr><td>{k}</td><td>{v}</td></tr>" for k, v in (totals.get("icc") or {}).items())
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Calibration {html.escape(result.rubric_id)} v{result.rubric_version}</title>
<style>body{{font:14px/1.45 system-ui,sans-serif;max-width:1100px;margin:2em auto;color:#222}}table{{border-collapse:collapse;margin:.5em 0 1.5em}}
td,th{{padding:.25em .6em;border-bottom:1px solid #ddd;text-align:left;vertical-align:top;font-size:13px}}th{{background:#f4f4f4}}
.promote{{color:#176b2c}}.refuse{{color:#b00}}img{{max-width:100%}}</style></head><body>
<h1>Calibration: {html.escape(result.rubric_id)} v{result.rubric_version}</h1>
<p>{len(result.calls)} calls, graders {html.escape(', '.join(result.graders))}. Rubric sha256 <code>{result.rubric_hash}</code>.</p>
<h2 class="{result.verdict}">Verdict: {verdict}{html.escape(promoted)}</h2><ul>{reasons}</ul>
<h2>Agreement per criterion, before and after tuning</h2>
<p>"After" is measured only on calls each fold's parameters were not fitted on (k-fold cross-validation).</p>
{inline_plot(before_after)}
<h2>Each grader against the consensus of the others</h2>
<p>How consistent the human graders are with each other; the machine's kappa against each grader is in the table below.</p>{inline_plot(graders)}
<h2>Statistics</h2>{table.to_html(index=False, border=0, na_rep="n/a")}
<h2>Total scores</h2><p>Mean absolute error {totals.get('mae', 'n/a')}, bias (machine minus consensus) {totals.get('bias', 'n/a')}.</p>
<table><tr><th>Shrout-Fleiss ICC (machine, consensus)</th><th></th></tr>{icc_rows}</table>
<h2>Disagreements with the consensus</h2>
<table><tr><th>criterion</th><th>call</th><th>machine</th><th>consensus</th><th>at</th><th>evidence (redacted)</th></tr>{dis_rows}</table>
</body></html>
"""
