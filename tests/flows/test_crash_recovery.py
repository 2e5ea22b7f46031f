"""Kill the batch (SIGKILL) mid-run; the next run completes the rest, every call is stored
exactly once, nothing is half-written, no redacted audio is orphaned, and the chains verify."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from audit_store import AuditStore, CallRecord, ScoreRecord, TranscriptRecord
from tests.conftest import SAMPLES
from tests.flows.helpers import ORCHESTRATION, callaudit, configure

SYNTHETIC = ["payment_northwind", "contact_update", "collections_plan", "refund_readback_agent", "refund_readback_customer"]


def test_sigkill_mid_batch_then_rerun_stores_every_call_exactly_once(tmp_path: Path):
    home, inbox = tmp_path / "home", tmp_path / "inbox"
    inbox.mkdir()
    configure(home, **ORCHESTRATION)
    for name in SYNTHETIC:
        shutil.copy(SAMPLES / f"{name}.flac", inbox)
        sidecar = SAMPLES / f"{name.removesuffix('_agent').removesuffix('_customer')}.json"
        shutil.copy(sidecar, inbox)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "CALLAUDIT_"))}
    env["CALLAUDIT_HOME"] = str(home)
    proc = subprocess.Popen([sys.executable, "-m", "flows.cli", "run", "--inbox", str(inbox)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)  # fmt: skip
    store_path = home / "store.db"
    stored = 0
    deadline = time.monotonic() + 300
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            if store_path.exists():
                stored = AuditStore(f"sqlite:///{store_path}").count(CallRecord)
                if stored >= 1:
                    break
            time.sleep(0.2)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the whole group: the CLI and Prefect's temporary server
        proc.wait()
    assert 1 <= stored < 4, f"the kill came too late to test anything ({stored} calls stored)"

    rerun = callaudit(home, "run", "--inbox", str(inbox))
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    store = AuditStore(f"sqlite:///{store_path}")
    with store.session() as s:
        ids = [c.call_id for c in s.query(CallRecord)]
        assert sorted(ids) == sorted(set(ids)) and len(ids) == 4
        assert s.query(TranscriptRecord).count() == 4 and s.query(ScoreRecord).count() == 4
    store.verify()
    assert sorted(p.name for p in (home / "audio").iterdir()) == sorted(ids)
    on_disk = {p.resolve() for p in (home / "audio").rglob("*") if p.is_file()}
    assert on_disk == {Path(p).resolve() for p in store.redacted_audio_paths()}  # none orphaned, none missing
    assert not list(home.rglob("*.partial"))
    assert sorted(p.name for p in inbox.iterdir()) == []  # every original deleted once its call was stored...
    assert len({o.source for o in store.originals()}) == len(store.originals()) == 2 * len(SYNTHETIC) - 1  # ...and recorded once
