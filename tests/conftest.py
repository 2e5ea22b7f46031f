"""Shared fixtures: the sample calls, their planted values, and transcripts made once per session."""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

from transcription.numerics import pin_process_numerics

pin_process_numerics()  # before NumPy is imported, as the CLI does: the same kernels as a real run

import pytest  # noqa: E402

os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
FIXTURES = ROOT.parent / "shared" / "fixtures"
PG_URL = os.environ.get("CALLAUDIT_TEST_PG_URL")  # scripts/test starts a server (scripts/start-postgres)


def fresh_postgres_database() -> Iterator[str]:
    """A new, empty database on the test PostgreSQL server (dropped afterwards). Without a
    server the test is skipped locally and fails in CI."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    if not PG_URL:
        if os.environ.get("CI"):
            pytest.fail("CALLAUDIT_TEST_PG_URL is not set in CI: scripts/test starts PostgreSQL with scripts/start-postgres")
        pytest.skip("no PostgreSQL server: run scripts/start-postgres and set CALLAUDIT_TEST_PG_URL")
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    name = f"callaudit_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def planted() -> dict[str, list[str]]:
    """Payment and personal values spoken in the synthetic sample calls (scripts/make_samples.py)."""
    return json.loads((ROOT / "tests" / "data" / "planted_values.json").read_text())


@pytest.fixture(scope="session")
def sample_calls():
    from transcription import discover_calls

    calls, rejected = discover_calls(SAMPLES)
    assert not rejected
    return {c.call_id: c for c in calls}


@pytest.fixture(scope="session")
def synthetic_transcripts(sample_calls):
    """Real faster-whisper transcripts of the four synthetic calls (about 15 s on 2 cores)."""
    from transcription import transcribe_call

    return {cid: transcribe_call(c) for cid, c in sample_calls.items() if not cid.startswith("PM-")}


@pytest.fixture(scope="session")
def redacted_samples(sample_calls, synthetic_transcripts):
    from redaction import redact_transcript
    from transcription.calls import load_known_values

    return {cid: redact_transcript(t, load_known_values(sample_calls[cid])) for cid, t in synthetic_transcripts.items()}


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    """A copy of samples/ to run batches over."""
    target = tmp_path / "inbox"
    shutil.copytree(SAMPLES, target, ignore=shutil.ignore_patterns("licenses"))
    return target


# The longest files first: scripts/test gives each worker whole files, so the end-to-end file
# (a third of the suite's time) starts at once on one worker while the other takes the rest.
LONGEST_FIRST = (
    "tests/flows/test_nightly_e2e.py",
    "tests/flows/test_batch_scale.py",
    "tests/transcription/test_windows.py",
    "tests/transcription/test_openai_backend.py",
    "tests/flows/test_reproducible.py",
)


def pytest_collection_modifyitems(config, items) -> None:  # noqa: ANN001 - pytest's hook
    rank = {path: i for i, path in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], len(rank)))  # stable: the rest keep their order
