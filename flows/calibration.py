"""A calibration run end to end: grades + stored transcripts -> statistics, fitted parameters,
verdict -> report (HTML + CSV), a stored record, and (when the gate passes) the promoted rubric.

Promotion writes the calibrated rubric, one version up, to ``$CALLAUDIT_HOME/rubrics/``, where
it takes precedence over the shipped rubrics: the next nightly run scores with it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import yaml

from audit_store import Action, AuditStore, User
from scoring import find_rubric, load_rubric
from scoring.calibration import CalibrationResult, calibrate, load_grades
from scoring.context import CallContext

from .calibration_report import write_report


@dataclass(frozen=True)
class CalibrationOutcome:
    result: CalibrationResult
    report_html: Path
    report_csv: Path
    promoted_rubric: Path | None
    record_id: int


def run_calibration(
    store: AuditStore, home_root: Path, user: User | None, rubric_id: str, grades_path: Path, out_dir: Path, *,
    promote: bool = True, actor_name: str | None = None,
) -> CalibrationOutcome:
    """Calibrate ``rubric_id`` (its highest installed version) against a grades CSV.

    >>> run_calibration(store, home.root, qa_lead, "core-contact-centre", Path("grades.csv"), Path("report"))  # doctest: +SKIP
    """
    rubric = find_rubric(rubric_id, home_root)
    store.check(user, Action.CALIBRATE, "rubric", f"{rubric.id} v{rubric.version}", purpose="calibration", actor_name=actor_name)
    grades = load_grades(grades_path, rubric, set(store.call_ids()))
    contexts = {
        call_id: CallContext(store.read_transcript(user, call_id, purpose=f"calibration of {rubric.id} v{rubric.version}", actor_name=actor_name), rubric.knowledge_base)
        for call_id in grades.calls
    }
    result = calibrate(rubric, contexts, grades)
    html, csv = write_report(result, Path(out_dir))
    promoted = None
    if promote and result.verdict == "promote" and result.calibrated_rubric is not None:
        promoted = _write_rubric(result, Path(home_root) / "rubrics")
    record = store.append_calibration(
        user, rubric_id=rubric.id, rubric_version=rubric.version, rubric_hash=rubric.content_hash,
        grades_sha256=hashlib.sha256(Path(grades_path).read_bytes()).hexdigest(), calls=len(result.calls), graders=len(result.graders),
        verdict=result.verdict if promoted or result.verdict == "refuse" else "not promoted",
        promoted_version=result.calibrated_rubric.version if promoted else None,
        promoted_hash=result.calibrated_rubric.content_hash if promoted else None,
        content=result.to_dict(), actor_name=actor_name,
    )  # fmt: skip
    return CalibrationOutcome(result, html, csv, promoted, record.id)


def _write_rubric(result: CalibrationResult, rubrics_dir: Path) -> Path:
    rubric = result.calibrated_rubric
    rubrics_dir.mkdir(parents=True, exist_ok=True)
    path = rubrics_dir / f"{rubric.id}.v{rubric.version}.yaml"
    header = (
        f"# Calibrated by callaudit from {result.rubric_id} v{result.rubric_version} (sha256 {result.rubric_hash}).\n"
        f"# Fitted parameters and 'needs_review' flags come from the calibration run; edit and bump version to change.\n"
    )
    path.write_text(header + yaml.safe_dump(rubric.model_dump(mode="json"), sort_keys=False, allow_unicode=True))
    if load_rubric(path).content_hash != rubric.content_hash:  # what nightly will load is what was judged
        path.unlink()
        raise RuntimeError(f"the calibrated rubric did not round-trip through {path}; nothing was promoted")
    return path
