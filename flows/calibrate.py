"""`callaudit calibrate` as a Prefect flow, so calibration runs appear with the nightly ones."""

from __future__ import annotations

from pathlib import Path

from prefect import flow
from prefect.runtime import flow_run

from .calibration import CalibrationOutcome, run_calibration
from .config import Home
from .nightly import get_store


@flow(name="calibration", persist_result=False, log_prints=False)
def calibration_flow(rubric: str, grades: str, user: str, out: str | None = None, home: str | None = None, promote: bool = True) -> CalibrationOutcome:
    data = Home.resolve(home)
    config = data.load_config()
    out_dir = Path(out) if out else data.root / "calibration" / f"{rubric}-{flow_run.id or 'local'}"
    return run_calibration(get_store(data.store_url), data.root, config.user(user), rubric, Path(grades), out_dir, promote=promote, actor_name=user)
