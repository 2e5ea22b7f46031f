"""Nobody on the machine can steer the orchestration plane (issue #20, finding 2): the servers
callaudit starts need the data directory's secret, and the served flow takes no parameters."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.flows.test_serve import free_port

PROBE = """
import json, os, sys, urllib.error, urllib.request
from pathlib import Path
from flows.config import Home
from flows.deployment import prefect_server, use_api_auth

home = Home(Path(sys.argv[1])); home.ensure()
secret = use_api_auth(home)

def post(headers):
    request = urllib.request.Request(api + "/flows/filter", data=b"{}", method="POST", headers={"Content-Type": "application/json", **headers})
    try:
        with urllib.request.urlopen(request, timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code

import base64
with prefect_server(home, int(sys.argv[2])) as api:
    token = base64.b64encode(secret.encode()).decode()
    print(json.dumps({"api": api, "anonymous": post({}), "wrong": post({"Authorization": "Basic " + base64.b64encode(b"x:y").decode()}),
                      "owner": post({"Authorization": "Basic " + token}), "mode": oct((home.root / "prefect-api-auth").stat().st_mode)[-3:]}))
"""


def test_the_server_callaudit_starts_refuses_requests_without_the_owners_secret(tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "CALLAUDIT_"))}
    env["PREFECT_HOME"] = str(tmp_path / "prefect")
    done = subprocess.run([sys.executable, "-c", PROBE, str(tmp_path / "home"), str(free_port())], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["api"].startswith("http://127.0.0.1:")  # loopback only
    assert (seen["anonymous"], seen["wrong"], seen["owner"]) == (401, 401, 200)
    assert seen["mode"] == "600"


def test_the_served_flow_takes_no_parameters():
    """The tester's create_flow_run(parameters={"inbox": ..., "batch": {"dask_address": ...}}) is
    refused by Prefect before the flow starts."""
    from prefect.exceptions import ParameterBindError, SignatureMismatchError

    from flows.nightly import scheduled_batch

    assert scheduled_batch.parameters.properties == {}
    with pytest.raises((ParameterBindError, SignatureMismatchError, TypeError)):
        scheduled_batch.validate_parameters({"inbox": "/elsewhere", "batch": {"dask_address": "tcp://evil:8786"}})


def test_the_served_flow_reads_its_data_directory_from_the_serving_process_only(monkeypatch):
    from flows.nightly import SERVED_HOME, scheduled_batch

    monkeypatch.delenv(SERVED_HOME, raising=False)
    with pytest.raises(RuntimeError, match="runs only under `callaudit serve`"):
        scheduled_batch.fn()
