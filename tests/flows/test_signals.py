"""Signals and children (issue #20, finding 7): a killed batch leaves no process behind (its
temporary Prefect server was still listening), and Ctrl-C ends a batch cleanly."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from audit_store.integrity import verify_url
from tests.conftest import SAMPLES
from tests.flows.helpers import ORCHESTRATION, configure
from transcription.calls import sha256_file

CALLS = ("contact_update", "payment_northwind", "collections_plan")


def _processes_of(home: Path) -> list[int]:
    """Every process started for this data directory (they inherit CALLAUDIT_HOME)."""
    needle = f"CALLAUDIT_HOME={home}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if needle in (entry / "environ").read_bytes().split(b"\0"):
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def _start(tmp_path: Path, names=CALLS) -> tuple[subprocess.Popen, Path, Path]:  # noqa: ANN001
    home, inbox = tmp_path / "home", tmp_path / "inbox"
    inbox.mkdir()
    configure(home, **ORCHESTRATION)
    for name in names:
        shutil.copy(SAMPLES / f"{name}.flac", inbox)
        shutil.copy(SAMPLES / f"{name}.json", inbox)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "CALLAUDIT_"))}
    env["CALLAUDIT_HOME"] = str(home)
    log = open(tmp_path / "run.log", "w")  # noqa: SIM115 - the process writes it
    proc = subprocess.Popen([sys.executable, "-m", "flows.cli", "run", "--inbox", str(inbox), "--workers", "1"], env=env, stdout=log, stderr=subprocess.STDOUT)
    return proc, home, inbox


def _stored(home: Path) -> int:
    try:
        with sqlite3.connect(f"file:{home / 'store.db'}?mode=ro", uri=True, timeout=1) as db:
            return db.execute("SELECT count(*) FROM calls").fetchone()[0]
    except sqlite3.Error:
        return 0


def _wait(condition, seconds: float) -> bool:  # noqa: ANN001
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.5)
    return False


def test_a_killed_batch_leaves_no_process_behind(tmp_path: Path):
    proc, home, _ = _start(tmp_path, names=CALLS[:1])
    try:
        assert _wait(lambda: len(_processes_of(home)) >= 2, 240), (tmp_path / "run.log").read_text()[-2000:]  # the CLI and its server
        time.sleep(3)
    finally:
        proc.kill()
        proc.wait()
    assert _wait(lambda: _processes_of(home) == [], 30), f"still running: {_processes_of(home)}"


def test_ctrl_c_ends_the_batch_cleanly(tmp_path: Path):
    proc, home, inbox = _start(tmp_path)
    try:
        assert _wait(lambda: _stored(home) >= 1 or proc.poll() is not None, 600), (tmp_path / "run.log").read_text()[-2000:]
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=600) == 130, (tmp_path / "run.log").read_text()[-2000:]
    finally:
        if proc.poll() is None:
            proc.kill()
    assert _wait(lambda: _processes_of(home) == [], 30), f"still running: {_processes_of(home)}"
    assert 1 <= _stored(home) < len(CALLS)  # the batch stopped: not every call was processed
    verify_url(f"sqlite:///{home / 'store.db'}")
    left = {p.name for p in inbox.iterdir()}
    for name in CALLS:  # each call is either stored (originals deleted) or untouched
        if f"{name}.flac" in left:
            assert sha256_file(inbox / f"{name}.flac") == sha256_file(SAMPLES / f"{name}.flac") and f"{name}.json" in left
    assert len(left) == 2 * (len(CALLS) - _stored(home))
