"""Shared fixtures: the sample calls, their planted values, and transcripts made once per session."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
FIXTURES = ROOT.parent / "shared" / "fixtures"


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

    return {cid: redact_transcript(t, sample_calls[cid].metadata.known_values()) for cid, t in synthetic_transcripts.items()}


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    """A copy of samples/ to run batches over."""
    target = tmp_path / "inbox"
    shutil.copytree(SAMPLES, target, ignore=shutil.ignore_patterns("licenses"))
    return target
