"""The nightly batch in parallel: on threads here and on a Dask LocalCluster with PostgreSQL as
the store (the same stored results), transient store failures retried with backoff, one batch
at a time per data directory, and redacted audio no stored call points to swept away."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from audit_store import AuditStore, CallRecord, User
from flows.config import Home
from flows.nightly import batch_lock
from flows.pipeline import sweep_orphaned_audio
from tests.audit_store.helpers import fill
from tests.conftest import SAMPLES, fresh_postgres_database
from tests.flows.helpers import FAST_VERIFIED, ORCHESTRATION, callaudit, configure

CALLS = ("payment_northwind", "contact_update", "collections_plan")
READER = User(name="qa", role="qa_lead")


def _inbox(root: Path, names=CALLS) -> Path:  # noqa: ANN001
    inbox = root / "inbox"
    inbox.mkdir(parents=True)
    for name in names:
        shutil.copy(SAMPLES / f"{name}.flac", inbox)
        shutil.copy(SAMPLES / f"{name}.json", inbox)
    return inbox


def _results(store: AuditStore) -> dict:
    """What a reader gets back for each call: redacted text, entities, findings, answers."""
    out = {}
    for call_id in store.call_ids():
        view = store.read_call(READER, call_id, rubric_id="core-contact-centre")
        t, score = view.transcript, view.score
        out[call_id] = {
            "segments": [(s.speaker, s.text) for s in t.segments],
            "entities": [(e.entity_type, e.speaker, round(e.start, 2), round(e.end, 2)) for e in t.entities],
            "findings": [(f.kind, f.entity_type) for f in t.findings],
            "score": (score.total, score.passed, [(c.criterion_id, c.answer) for c in score.criteria]),
        }
    return out


@pytest.fixture
def pg_url():
    yield from fresh_postgres_database()


def test_dask_local_cluster_on_postgresql_stores_what_the_local_path_stores(tmp_path: Path, pg_url: str):
    two = ("payment_northwind", "collections_plan")  # one call per worker, both with card data to verify
    inbox, dask_inbox = _inbox(tmp_path / "a", two), _inbox(tmp_path / "b", two)  # each batch deletes its originals
    for name in ("local", "dask"):
        configure(tmp_path / name, **FAST_VERIFIED)
    local = callaudit(tmp_path / "local", "run", "--inbox", str(inbox), "--workers", "2")
    assert local.returncode == 0, local.stderr[-3000:]
    assert "(2 workers, local)" in local.stdout
    dask = callaudit(tmp_path / "dask", "run", "--inbox", str(dask_inbox), "--dask", "--workers", "2", env={"CALLAUDIT_STORE_URL": pg_url})
    assert dask.returncode == 0, dask.stderr[-3000:]
    assert "stored 2" in dask.stdout and "(2 workers, dask)" in dask.stdout
    assert not (tmp_path / "dask" / "store.db").exists()  # the Dask run's store is PostgreSQL
    local_store, pg_store = AuditStore(f"sqlite:///{tmp_path / 'local' / 'store.db'}"), AuditStore(pg_url)
    try:
        expected, got = _results(local_store), _results(pg_store)
        assert sorted(got) == sorted(expected) and len(got) == 2
        for call_id in expected:
            assert got[call_id] == expected[call_id], call_id
        pg_store.verify()
        [run] = pg_store.batch_runs()
        summary = json.loads(run.counts)
        assert summary["task_runner"] == "dask" and summary["workers"] == 2 and summary["counts"]["stored"] == 2
    finally:
        pg_store.engine.dispose()


def test_a_busy_store_is_retried_with_backoff_and_the_call_stored_once(tmp_path: Path):
    home, inbox = tmp_path / "home", _inbox(tmp_path, ("contact_update",))
    Home(home).ensure()
    config = yaml.safe_load(Home(home).config_path.read_text())
    config["batch"].update(retries=3, retry_delay=1)
    for section, values in ORCHESTRATION.items():  # about retries, not what the model hears
        config[section].update(values)
    Home(home).config_path.write_text(yaml.safe_dump(config))
    store_path = home / "store.db"
    AuditStore(f"sqlite:///{store_path}").engine.dispose()  # the schema exists before we lock it
    blocker = sqlite3.connect(store_path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # another writer holds the store
    env = {"CALLAUDIT_SQLITE_BUSY_TIMEOUT_MS": "300", "CALLAUDIT_HOME": str(home)}
    import os

    proc = subprocess.Popen([sys.executable, "-m", "flows.cli", "run", "--inbox", str(inbox)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**{k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "CALLAUDIT_"))}, **env})  # fmt: skip
    prefect_db = home / "prefect" / "prefect.db"
    deadline, retried = time.monotonic() + 300, False
    try:
        while time.monotonic() < deadline and proc.poll() is None and not retried:
            time.sleep(0.5)
            if prefect_db.exists():
                try:
                    rows = sqlite3.connect(prefect_db).execute("select run_count, state_name from task_run").fetchall()
                except sqlite3.OperationalError:
                    continue
                retried = any(n >= 2 or state in ("AwaitingRetry", "Retrying") for n, state in rows)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    out, err = proc.communicate(timeout=300)
    assert retried, "the task was never retried"
    assert proc.returncode == 0, err[-3000:]
    assert "stored 1" in out
    store = AuditStore(f"sqlite:///{store_path}")
    assert store.count(CallRecord) == 1
    summary = json.loads(store.batch_runs()[0].counts)
    assert summary["retries"] >= 1 and summary["counts"] == {"stored": 1, "skipped": 0, "quarantined": 0, "failed": 0}
    on_disk = {p.resolve() for p in (home / "audio").rglob("*") if p.is_file()}
    assert on_disk == {Path(p).resolve() for p in store.redacted_audio_paths()}  # the failed attempt left nothing


def test_one_batch_at_a_time_per_data_directory(tmp_path: Path):
    home = Home(tmp_path / "home")
    home.ensure()
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    with batch_lock(home):
        second = callaudit(home.root, "run", "--inbox", str(inbox))
    assert second.returncode == 2
    assert "another batch is running" in second.stderr and "pid" in second.stderr
    again = callaudit(home.root, "run", "--inbox", str(inbox))  # the lock is free again
    assert again.returncode == 0, again.stderr[-2000:]


def test_sweep_removes_audio_no_stored_call_points_to(tmp_path: Path, redacted_samples):
    audio = tmp_path / "audio"
    store = fill(AuditStore(f"sqlite:///{tmp_path / 'store.db'}"), redacted_samples, audio_dir=audio)
    kept = sorted(audio.iterdir())
    orphan = audio / "NW-20261121-0009" / "0123456789ab"
    orphan.mkdir(parents=True)
    (orphan / "call.flac").write_bytes(b"half-written by a run that crashed")
    (audio / ".x.flac.partial").write_bytes(b"partial")
    assert sweep_orphaned_audio(store, audio) == 2
    assert sorted(audio.iterdir()) == kept and not orphan.parent.exists()
    assert sweep_orphaned_audio(store, audio) == 0
