"""`callaudit serve`: the nightly batch as a Prefect deployment with a cron schedule.

Prefect's temporary (ephemeral) server has no scheduler: a deployment served against it never
runs. So unless PREFECT_API_URL names a Prefect server, `serve` starts one on localhost (its
database under Prefect's home in the data directory), waits for it, serves the deployment, and
stops the server when it is stopped.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

from .config import Config, Home

DEPLOYMENT_NAME = "nightly"
SERVER_START_TIMEOUT = 120  # seconds


class ServerError(Exception):
    """The local Prefect server could not be started or reached."""


def _healthy(api_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{api_url}/health", timeout=2) as response:  # noqa: S310 - localhost only
            return response.status == 200
    except OSError:
        return False


@contextmanager
def prefect_server(home: Home, port: int) -> Iterator[str]:
    """Yield the API URL of a Prefect server: PREFECT_API_URL if set, one already answering on
    ``port``, or one started here (and stopped on exit). Call before importing prefect."""
    if os.environ.get("PREFECT_API_URL"):
        yield os.environ["PREFECT_API_URL"]
        return
    api_url = f"http://127.0.0.1:{port}/api"
    if _healthy(api_url):
        os.environ["PREFECT_API_URL"] = api_url
        yield api_url
        return
    log_path = home.root / "prefect-server.log"
    with open(log_path, "ab") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)],
            stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "PREFECT_API_URL": ""},
        )  # fmt: skip
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while not _healthy(api_url):
            if server.poll() is not None or time.monotonic() > deadline:
                raise ServerError(f"the Prefect server did not start on port {port}; see {log_path}, or set PREFECT_API_URL to a running server")
            time.sleep(0.5)
        os.environ["PREFECT_API_URL"] = api_url
        yield api_url
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


def serve_nightly(home: Home, config: Config, cron: str | None = None) -> None:
    """Register the nightly batch with its schedule and serve it until interrupted.

    The schedule's time zone is the config's, or this machine's local zone.
    """
    import tzlocal
    from prefect.flows import EntrypointType
    from prefect.schedules import Cron

    from .nightly import nightly_batch

    timezone = config.schedule.timezone or tzlocal.get_localzone_name()
    nightly_batch.serve(
        name=DEPLOYMENT_NAME,
        schedules=[Cron(cron or config.schedule.cron, timezone=timezone)],
        parameters={"home": str(home.root)},
        description="Transcribe, redact, score and store the day's calls.",
        tags=["callaudit"],
        entrypoint_type=EntrypointType.MODULE_PATH,  # runs import flows.nightly, so package imports work
    )
