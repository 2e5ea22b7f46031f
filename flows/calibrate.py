"""`callaudit calibrate` as a Prefect flow, so calibration runs appear with the nightly ones."""

from __future__ import annotations

from pathlib import Path

from prefect import flow
from prefect.runtime import flow_run

from audit_store.store import get_store

from .calibration import CalibrationOutcome, run_calibration
from .config import Home


@flow(name="calibration", persist_result=False, log_prints=False)
def calibration_flow(rubric: str, grades: str, user: str | None = None, out: str | None = None, home: str | None = None, promote: bool = True) -> CalibrationOutcome:
    """``user``: which of the callaudit users the OS account running the flow may act as (see
    audit_store/identity.py); a name is never enough on its own."""
    from audit_store.identity import act_as

    data = Home.resolve(home)
    config = data.load_config()
    who = act_as(config.user_models(), user, data.root, correlation_id=str(flow_run.id) if flow_run.id else None)
    out_dir = Path(out) if out else data.root / "calibration" / f"{rubric}-{flow_run.id or 'local'}"
    return run_calibration(get_store(data.store_url), data.root, who.user, rubric, Path(grades), out_dir, promote=promote, actor_name=who.name)
