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
    with pytest.raises(ModelNotAvailable, match=r"'large-v3' is not installed \(installed: tiny.en.*\); run scripts/install"):
        resolve_model("large-v3")
    with pytest.raises(ModelNotAvailable, match="model.bin"):
        resolve_model(str(tmp_path))


@pytest.mark.parametrize("kwargs, message", [
    ({"beam_size": 0}, "beam_size"), ({"backend": "whisper.cpp"}, "backend"), ({"threads": -1}, "threads"),
    ({"batch_size": 4, "backend": "openai-whisper"}, "faster-whisper option"), ({"batch_size": 4, "vad": False}, "needs vad"),
    ({"window_seconds": 10}, "window_seconds"),
])  # fmt: skip
def test_bad_options_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        TranscriptionOptions(**kwargs)


def test_batched_decoding_hears_the_call_on_its_timeline(sample_calls, synthetic_transcripts):
    """faster-whisper's batched pipeline (``batch_size``): the same call, the same speakers, the
    card number heard, and the words where the sequential decoder puts them."""
    from transcription import transcribe_call
    from transcription.metrics import word_error_rate

    sequential = synthetic_transcripts["NW-20261121-0001"]
    batched = transcribe_call(sample_calls["NW-20261121-0001"], TranscriptionOptions(batch_size=4))
    assert batched.channels == sequential.channels and {s.speaker for s in batched.segments} == {AGENT, CUSTOMER}
    for speaker in (AGENT, CUSTOMER):
        a = " ".join(s.text for s in sequential.segments if s.speaker == speaker)
        b = " ".join(s.text for s in batched.segments if s.speaker == speaker)
        assert word_error_rate(a, b) <= 0.2
    assert "4532" in "".join(s.text for s in batched.segments).replace(",", "").replace(" ", "")
    heard: dict[tuple[str, str], list[float]] = {}
    for s in sequential.segments:
        for w in s.words:
            heard.setdefault((s.speaker, w.text.strip(",. ").lower()), []).append(w.start)
    offsets = [min(abs(w.start - t) for t in heard[(s.speaker, w.text.strip(",. ").lower())])
               for s in batched.segments for w in s.words if (s.speaker, w.text.strip(",. ").lower()) in heard]  # fmt: skip
    assert len(offsets) > 50 and sum(d < 0.5 for d in offsets) >= 0.9 * len(offsets)
