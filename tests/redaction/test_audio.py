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
