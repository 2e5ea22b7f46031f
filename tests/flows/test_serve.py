"""`callaudit serve`: a cron schedule that really creates runs, and a clean stop.

Prefect's temporary server has no scheduler, so this proves the local server `serve` starts
does: with a schedule of every minute, a scheduled run of the nightly batch completes and its
summary lands in the store. Takes about a minute (the next minute boundary).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from audit_store import AuditStore, BatchRunRecord


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


def test_serve_runs_the_batch_on_its_schedule_and_stops_its_server(tmp_path: Path):
    home, port = tmp_path / "home", free_port()
    home.mkdir(mode=0o700)
    (home / "inbox").mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "CALLAUDIT_"))}
    env.update(CALLAUDIT_HOME=str(home), PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS="5")
    log = open(tmp_path / "serve.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "flows.cli", "serve", "--cron", "* * * * *", "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        store_path = home / "store.db"
        deadline = time.monotonic() + 240
        runs = 0
        while time.monotonic() < deadline and proc.poll() is None:
            if store_path.exists():
                runs = AuditStore(f"sqlite:///{store_path}").count(BatchRunRecord)
                if runs:
                    break
            time.sleep(2)
        assert runs >= 1, (tmp_path / "serve.log").read_text()[-3000:]
        assert healthy(port)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
    time.sleep(1)
    assert not healthy(port), "the local Prefect server outlived `callaudit serve`"
