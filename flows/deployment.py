"""`callaudit serve`: the nightly batch as a Prefect deployment with a cron schedule.

Prefect's temporary (ephemeral) server has no scheduler: a deployment served against it never
runs. So unless PREFECT_API_URL names a Prefect server, `serve` starts one on localhost (its
database under Prefect's home in the data directory), waits for it, serves the deployment, and
stops the server when it is stopped.

Nobody else on the machine can steer it. The servers callaudit starts (this one, and the
temporary one of every `callaudit run`) listen on 127.0.0.1 only and require Prefect 3's basic
auth (``server.api.auth_string``) with a secret only the data directory's owner can read
(``prefect-api-auth`` in it, 0600; ``use_api_auth``). A server already answering on the port is
used only if it refuses requests without that secret. The deployment's flow takes no parameters
(``flows.nightly.scheduled_batch``). With PREFECT_API_URL pointing at your own server, protecting
it (auth string, reverse proxy) is that server's configuration.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .config import Config, Home

DEPLOYMENT_NAME = "nightly"
SERVER_START_TIMEOUT = 120  # seconds


class ServerError(Exception):
    """The local Prefect server could not be started or reached."""


AUTH_FILE = "prefect-api-auth"  # in the data directory: the basic-auth secret of the servers callaudit starts


def use_api_auth(home: Home) -> str:
    """Make the Prefect servers this process starts, and its clients, use basic auth with the data
    directory's secret (created on first use, 0600); returns it. Call before importing prefect,
    and only when PREFECT_API_URL is not set (someone else's server has its own credentials)."""
    import secrets

    from audit_store.files import write_private

    path = home.root / AUTH_FILE
    if not path.exists():
        write_private(path, f"callaudit:{secrets.token_urlsafe(32)}\n")
    secret = path.read_text().strip()
    os.environ["PREFECT_SERVER_API_AUTH_STRING"] = secret
    os.environ["PREFECT_API_AUTH_STRING"] = secret
    return secret


def _refuses_strangers(api_url: str) -> bool:
    """Whether the server at ``api_url`` answers 401 to a request without credentials."""
    import urllib.error

    request = urllib.request.Request(f"{api_url}/flows/filter", data=b"{}", method="POST", headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=5):  # noqa: S310 - localhost only
            return False
    except urllib.error.HTTPError as e:
        return e.code == 401
    except OSError:
        return False


def _healthy(api_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{api_url}/health", timeout=2) as response:  # noqa: S310 - localhost only
            return response.status == 200
    except OSError:
        return False


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _server_command(port: int, api_url: str, temporary: bool) -> tuple[list[str], dict[str, str]]:
    """The command line and environment of a Prefect server on 127.0.0.1:``port``: the full
    server (scheduler, UI) for `serve`; for a batch run, the API alone as Prefect's own temporary
    server runs it (``SubprocessASGIServer._run_uvicorn_command``, Prefect 3.8)."""
    if not temporary:
        # The UI asks the server at PREFECT_UI_API_URL; unset, it asks port 4200 whatever port the
        # server listens on ("Can't connect to Server API at http://127.0.0.1:4200/api").
        return [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)], {"PREFECT_UI_API_URL": api_url}
    import importlib.util

    package = Path(importlib.util.find_spec("prefect").origin).parent  # without importing prefect (it reads its settings once)
    command = [sys.executable, "-m", "uvicorn", "--app-dir", str(package.parent), "--factory", "prefect.server.api.server:create_app",
               "--host", "127.0.0.1", "--port", str(port), "--log-level", "error", "--lifespan", "on"]  # fmt: skip
    return command, {"PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}


@contextmanager
def prefect_server(home: Home, port: int, *, temporary: bool = False, timeout: float = SERVER_START_TIMEOUT) -> Iterator[str]:
    """Yield the API URL of a Prefect server: PREFECT_API_URL if set, one already answering on
    ``port``, or one started here (and stopped on exit). Call before importing prefect.

    ``temporary``: the API alone, for one batch run, instead of Prefect's own temporary server,
    which outlives a killed batch (it is stopped by an atexit hook); this one is in a session of
    its own (Ctrl-C does not take it down mid-batch) and dies with this process, even a killed one.
    """
    if os.environ.get("PREFECT_API_URL"):
        yield os.environ["PREFECT_API_URL"]
        return
    api_url = f"http://127.0.0.1:{port}/api"
    if not temporary and _healthy(api_url):
        if not _refuses_strangers(api_url):  # not one of ours: anyone on the machine could steer it
            raise ServerError(f"a Prefect server that needs no credentials already answers on port {port}; stop it, or serve on "
                              "another --port (callaudit starts its own, with credentials)")  # fmt: skip
        os.environ["PREFECT_API_URL"] = api_url
        yield api_url
        return
    log_path = home.root / "prefect-server.log"
    command, extra = _server_command(port, api_url, temporary)
    with open(log_path, "ab") as log:
        env = {**os.environ, "PREFECT_API_URL": "", **extra}
        # In a session of its own: Prefect's runner stops a cancelled flow run by signalling its
        # process group, and Ctrl-C signals the terminal's, either of which would take the server
        # down with it. It still dies with this process, even a killed one (Linux's parent-death signal).
        server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True, preexec_fn=die_with_parent)
    try:
        deadline = time.monotonic() + timeout
        while not _healthy(api_url):
            if server.poll() is not None or time.monotonic() > deadline:
                raise ServerError(f"the Prefect server did not start on port {port} within {timeout:g} s; see {log_path}, "
                                  "or set PREFECT_API_URL to a running server")  # fmt: skip
            time.sleep(0.2)
        os.environ["PREFECT_API_URL"] = api_url
        yield api_url
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        if temporary:
            os.environ.pop("PREFECT_API_URL", None)


def die_with_parent() -> None:
    """In a child, before it runs: be sent SIGTERM when the parent dies (Linux; elsewhere nothing)."""
    import ctypes
    import signal

    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, int(signal.SIGTERM))  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def serve_nightly(home: Home, config: Config, cron: str | None = None) -> None:
    """Register the nightly batch with its schedule and serve it until SIGTERM or Ctrl-C.

    The schedule's time zone is the config's, or this machine's local zone. On a signal the
    runner stops polling and cancels a run in progress (its calls not yet committed are
    processed by the next run; originals are only touched after a commit), then returns.
    (``Flow.serve`` installs a SIGTERM handler that never awaits the runner's stop and waits
    for a run in progress to end, which with calls to transcribe can be many minutes.)
    """
    import asyncio
    import signal

    import tzlocal
    from prefect.flows import EntrypointType
    from prefect.runner import Runner
    from prefect.schedules import Cron

    from .nightly import SERVED_HOME, scheduled_batch

    timezone = config.schedule.timezone or tzlocal.get_localzone_name()
    os.environ[SERVED_HOME] = str(home.root)  # not a parameter: a flow run's parameters come from whoever can reach the API
    runner = Runner(name=DEPLOYMENT_NAME, pause_on_shutdown=False)
    runner.add_flow(
        scheduled_batch,
        name=DEPLOYMENT_NAME,
        schedules=[Cron(cron or config.schedule.cron, timezone=timezone)],
        description="Transcribe, redact, score and store the day's calls.",
        tags=["callaudit"],
        entrypoint_type=EntrypointType.MODULE_PATH,  # runs import flows.nightly, so package imports work
    )

    async def serve() -> None:
        loop = asyncio.get_running_loop()

        def stop(*_args: object) -> None:
            end_runs_in_progress()  # first: the runner would wait for them
            loop.call_soon_threadsafe(lambda: loop.create_task(runner.astop()) if runner.started else None)

        runner.handle_sigterm = stop  # type: ignore[method-assign] - Runner.start installs it for SIGTERM
        signal.signal(signal.SIGINT, stop)
        await runner.start()

    # a flow run stopped mid-call leaves a semaphore its resource tracker then warns about
    os.environ.setdefault("PYTHONWARNINGS", "ignore::UserWarning:multiprocessing.resource_tracker")
    try:
        asyncio.run(serve())
    finally:
        end_runs_in_progress()


def end_runs_in_progress(grace: float = 5.0) -> None:
    """Stop the flow runs this process started (Prefect runs each in a child process): SIGTERM,
    then SIGKILL after ``grace`` seconds. A call not yet committed is rolled back (one transaction
    per call) and processed by the next run; its original is untouched."""
    import multiprocessing

    children = multiprocessing.active_children()
    for child in children:
        child.terminate()
    deadline = time.monotonic() + grace
    for child in children:
        child.join(max(0.0, deadline - time.monotonic()))
        if child.is_alive():
            child.kill()
            child.join(5)
