"""Finding calls in an inbox: two-channel files, per-party pairs, sidecars, rejects."""

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import SAMPLES
from transcription import AGENT, CUSTOMER, discover_calls


def test_samples_are_found_as_five_calls():
    calls, rejected = discover_calls(SAMPLES)
    by_id = {c.call_id: c for c in calls}
    assert set(by_id) == {"NW-20261121-0001", "NW-20261121-0002", "NW-20261121-0003", "PM-20261121-0040", "WB-20261121-0104"}
    assert rejected == []
    pair = by_id["PM-20261121-0040"]
    assert [(s.path.name, s.role) for s in pair.sources] == [("auto_repairs_agent.wav", AGENT), ("auto_repairs_caller.wav", CUSTOMER)]
    assert by_id["NW-20261121-0002"].agent_channel == 1  # from its sidecar
    assert by_id["NW-20261121-0001"].metadata.team == "billing"


def test_identity_is_the_audio_content_not_the_name(tmp_path: Path):
    shutil.copy(SAMPLES / "payment_northwind.flac", tmp_path / "a.flac")
    shutil.copy(SAMPLES / "payment_northwind.flac", tmp_path / "b.flac")
    calls, _ = discover_calls(tmp_path)
    assert len({c.audio_sha256 for c in calls}) == 1
    assert {c.call_id for c in calls} == {"a", "b"}  # no sidecar: the file stem


def test_non_audio_files_are_rejected_with_a_reason(tmp_path: Path):
    (tmp_path / "notes.txt").write_text("hello")
    (tmp_path / ".hidden").write_text("ignored")
    calls, rejected = discover_calls(tmp_path)
    assert calls == []
    assert [r.path.name for r in rejected] == ["notes.txt"]
    assert "not an audio file" in rejected[0].reason


@pytest.mark.parametrize(
    "sidecar, message",
    [
        ("{not json", "not valid JSON"),
        (json.dumps({"call_id": "C 1/2"}), "call_id"),
        (json.dumps({"agent_channel": 3}), "agent_channel"),
        (json.dumps({"colour": "blue"}), "colour"),
    ],
)
def test_bad_sidecar_rejects_the_call_and_says_what_to_fix(tmp_path: Path, sidecar: str, message: str):
    shutil.copy(SAMPLES / "payment_northwind.flac", tmp_path / "c.flac")
    (tmp_path / "c.json").write_text(sidecar)
    calls, rejected = discover_calls(tmp_path)
    assert calls == [] and len(rejected) == 1
    assert message in rejected[0].reason


def test_customer_values_in_metadata_are_not_in_repr(tmp_path: Path):
    shutil.copy(SAMPLES / "payment_northwind.flac", tmp_path / "c.flac")
    (tmp_path / "c.json").write_text(json.dumps({"customer_name": "Laura Perez", "account_number": "99887766"}))
    [call], _ = discover_calls(tmp_path)
    assert "Laura" not in repr(call) and "99887766" not in repr(call.metadata)
    assert call.metadata.known_values() == {"PERSON": "Laura Perez", "BANK_ACCOUNT": "99887766"}


def test_missing_inbox_is_a_clear_error(tmp_path: Path):
    with pytest.raises(FileNotFoundError, match="--inbox"):
        discover_calls(tmp_path / "nope")
