"""Finding calls in an inbox: two-channel files, per-party pairs, sidecars, rejects."""

import json
import os
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
    from transcription.calls import load_known_values

    assert call.metadata.known_values() == {}  # not carried by the call: read where it is processed
    assert load_known_values(call) == {"PERSON": "Laura Perez", "BANK_ACCOUNT": "99887766"}


def test_missing_inbox_is_a_clear_error(tmp_path: Path):
    with pytest.raises(FileNotFoundError, match="--inbox"):
        discover_calls(tmp_path / "nope")


# --- a hostile inbox (issue #20) -------------------------------------------------------------


def test_a_symlink_in_the_inbox_is_rejected_and_what_it_points_to_is_not_read(tmp_path: Path):
    elsewhere, inbox = tmp_path / "elsewhere", tmp_path / "inbox"
    elsewhere.mkdir()
    inbox.mkdir()
    shutil.copy(SAMPLES / "payment_northwind.flac", elsewhere / "secret.flac")
    (inbox / "linked.flac").symlink_to(elsewhere / "secret.flac")
    (inbox / "linked.json").symlink_to(elsewhere / "secret.flac")
    shutil.copy(SAMPLES / "contact_update.flac", inbox / "real.flac")
    calls, rejected = discover_calls(inbox)
    assert [c.name for c in calls] == ["real.flac"]
    reasons = {r.path.name: r.reason for r in rejected}
    assert set(reasons) == {"linked.flac", "linked.json"}
    assert "symbolic link" in reasons["linked.flac"] and "copy or move the file into the inbox" in reasons["linked.flac"]
    from transcription.calls import sha256_file

    assert sha256_file(elsewhere / "secret.flac") not in {r.sha256 for r in rejected}  # the target was never read


def test_a_recording_with_other_hard_links_is_rejected(tmp_path: Path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(SAMPLES / "payment_northwind.flac", tmp_path / "kept-elsewhere.flac")
    os.link(tmp_path / "kept-elsewhere.flac", inbox / "c.flac")
    calls, rejected = discover_calls(inbox)
    assert calls == [] and len(rejected) == 1 and "2 hard links" in rejected[0].reason
    calls, rejected = discover_calls(inbox, refuse_hard_links=False)  # originals.policy: keep
    assert len(calls) == 1 and rejected == []


@pytest.mark.parametrize(
    "sidecar, message",
    [
        ("[" * 100_000 + "]" * 100_000, "bytes"),  # the tester's RecursionError
        ('{"call_id": "C-1", "x": ' + "[" * 500 + "]" * 500 + "}", "nested more than 4 deep"),
        ('{"call_id": "C-1", "pad": "' + "x" * 70_000 + '"}', "bytes"),
        ("[1, 2]", "one JSON object"),
    ],
)
def test_a_hostile_sidecar_is_rejected_and_every_other_call_is_still_found(tmp_path: Path, sidecar: str, message: str):
    shutil.copy(SAMPLES / "payment_northwind.flac", tmp_path / "bad.flac")
    (tmp_path / "bad.json").write_text(sidecar)
    shutil.copy(SAMPLES / "contact_update.flac", tmp_path / "good.flac")
    calls, rejected = discover_calls(tmp_path)
    assert [c.call_id for c in calls] == ["good"]
    assert [r.path.name for r in rejected] == ["bad.flac"] and message in rejected[0].reason


@pytest.mark.parametrize(
    "stem",
    ["a" * 240, "<b onmouseover=alert(1)>x", "caf\u00e9", "evil\u202egnp", "[bold]x", "-rf", "x y"],
)
def test_call_ids_taken_from_file_names_are_validated(tmp_path: Path, stem: str):
    shutil.copy(SAMPLES / "payment_northwind.flac", tmp_path / f"{stem}.flac")
    calls, rejected = discover_calls(tmp_path)
    assert calls == [] and len(rejected) == 1
    assert "not a valid call id" in rejected[0].reason and "sidecar" in rejected[0].reason
    assert rejected[0].reason.isascii() and rejected[0].reason.isprintable()


@pytest.mark.parametrize("call_id", ["..", ".", "../../etc", "a/b", "x" * 65, "<i>x</i>", "caf\u00e9"])
def test_call_ids_in_sidecars_are_validated(tmp_path: Path, call_id: str):
    shutil.copy(SAMPLES / "payment_northwind.flac", tmp_path / "c.flac")
    (tmp_path / "c.json").write_text(json.dumps({"call_id": call_id}))
    calls, rejected = discover_calls(tmp_path)
    assert calls == [] and "call_id" in rejected[0].reason


@pytest.mark.parametrize("field", ["agent_id", "team"])
def test_agent_and_team_ids_are_validated(tmp_path: Path, field: str):
    shutil.copy(SAMPLES / "payment_northwind.flac", tmp_path / "c.flac")
    (tmp_path / "c.json").write_text(json.dumps({"call_id": "C-1", field: "[bold red]x[/]"}))
    calls, rejected = discover_calls(tmp_path)
    assert calls == [] and field in rejected[0].reason


def test_a_second_recording_with_the_same_call_id_is_rejected(tmp_path: Path):
    for name, sample in (("a", "payment_northwind"), ("b", "contact_update")):
        shutil.copy(SAMPLES / f"{sample}.flac", tmp_path / f"{name}.flac")
        (tmp_path / f"{name}.json").write_text(json.dumps({"call_id": "DUP-1"}))
    shutil.copy(SAMPLES / "payment_northwind.flac", tmp_path / "copy_of_a.flac")  # the same recording again: no conflict
    (tmp_path / "copy_of_a.json").write_text(json.dumps({"call_id": "DUP-1"}))
    calls, rejected = discover_calls(tmp_path)
    assert sorted(c.name for c in calls) == ["a.flac", "copy_of_a.flac"]
    assert [r.path.name for r in rejected] == ["b.flac"]
    assert "call_id DUP-1 is also the call_id of a.flac" in rejected[0].reason


def test_customer_values_do_not_travel_with_the_call(tmp_path: Path):
    """What a task receives (and Dask pickles to another process) holds no known value; the
    values are read from the sidecar where the call is processed."""
    import pickle

    from transcription.calls import load_known_values

    shutil.copy(SAMPLES / "payment_northwind.flac", tmp_path / "c.flac")
    (tmp_path / "c.json").write_text(json.dumps({"call_id": "C-1", "customer_name": "Laura Perez", "customer_phone": "07700 900123"}))
    [call], _ = discover_calls(tmp_path)
    wire = pickle.dumps(call)
    assert b"Laura" not in wire and b"900123" not in wire
    assert load_known_values(call) == {"PERSON": "Laura Perez", "PHONE_NUMBER": "07700 900123"}
    (tmp_path / "c.json").write_text(json.dumps({"call_id": "C-1", "customer_name": "Someone Else"}))
    from transcription import BadMetadata

    with pytest.raises(BadMetadata, match="changed after the batch found it"):
        load_known_values(call)
