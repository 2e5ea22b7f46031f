"""The stored audio has every redacted span silenced, in the original format."""

import numpy as np
import soundfile as sf

from redaction import redact_audio


def test_redacted_spans_are_silent_and_format_is_kept(tmp_path, sample_calls, redacted_samples):
    call = sample_calls["NW-20261121-0001"]
    redacted = redacted_samples["NW-20261121-0001"]
    [out] = redact_audio(call, redacted, tmp_path)
    src_info, out_info = sf.info(str(call.sources[0].path)), sf.info(str(out))
    assert (out_info.samplerate, out_info.channels, out_info.format, out_info.subtype) == (
        src_info.samplerate, src_info.channels, src_info.format, src_info.subtype,
    )
    original, rate = sf.read(str(call.sources[0].path))
    data, _ = sf.read(str(out))
    for e in redacted.entities:
        if e.entity_type in ("CREDIT_CARD", "CVV", "CARD_EXPIRY"):
            a, b = int(e.start * rate), int(e.end * rate)
            assert np.abs(original[a:b, e.channel]).max() > 0.05  # there was speech
            assert np.abs(data[a:b, e.channel]).max() == 0.0  # and it is gone
    agent_greeting = redacted.segments[0]
    a, b = int(agent_greeting.start * rate), int(agent_greeting.end * rate)
    assert np.abs(data[a:b, 0]).max() > 0.05  # unredacted speech is kept
    assert not list(tmp_path.rglob("*.partial"))


def test_pair_legs_are_written_separately(tmp_path, sample_calls, redacted_samples):
    call = sample_calls["NW-20261121-0003"]
    out = redact_audio(call, redacted_samples["NW-20261121-0003"], tmp_path)
    assert [p.name for p in out] == ["refund_readback_agent.flac", "refund_readback_customer.flac"]


def test_spans_across_read_blocks_are_silenced_in_long_recordings(tmp_path):
    """Recordings are redacted 30 s at a time: a span over a block edge is silenced on both
    sides of it, on its own channel only, and every sample outside the spans is kept bit for bit."""
    from redaction.types import Entity, RedactedTranscript
    from transcription import discover_calls

    rate = 8000  # telephone audio, written back at its own rate
    noise = np.random.default_rng(7).uniform(-0.5, 0.5, (rate * 70, 2))
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    sf.write(str(inbox / "long.wav"), noise, rate, subtype="PCM_16")
    [call], _ = discover_calls(inbox)
    spans = [(1, 29.8, 30.4), (0, 59.9, 60.05)]  # (channel, start, end) over the 30 s and 60 s block edges
    entities = tuple(Entity("CVV", 0, "customer", ch, 0, 3, a, b, "CvvRecognizer", 0.9) for ch, a, b in spans)
    redacted = RedactedTranscript(call.call_id, (), entities, (), 70.0, "faster-whisper", "tiny.en")
    [out] = redact_audio(call, redacted, tmp_path / "out")
    original, _ = sf.read(str(inbox / "long.wav"))
    data, out_rate = sf.read(str(out))
    assert out_rate == rate and data.shape == original.shape
    expected = original.copy()
    for ch, a, b in spans:
        lo, hi = int((a - 0.15) * rate), int((b + 0.15) * rate)
        assert np.abs(data[lo:hi, ch]).max() == 0.0
        assert np.abs(data[lo:hi, 1 - ch]).max() > 0.1  # the other party's channel is untouched
        expected[lo:hi, ch] = 0
    np.testing.assert_array_equal(data, expected)
