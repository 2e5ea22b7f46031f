"""Audio redaction verified by re-transcription: the stored audio of the sample calls, run through
the same ASR again, holds no card number, security code or expiry date."""

import re

import pytest

from redaction import redact_audio
from transcription import AudioSource, Call, transcribe_call


@pytest.mark.parametrize("call_id", ["NW-20261121-0001", "NW-20261121-0003", "WB-20261121-0104"])
def test_redacted_audio_holds_no_payment_data(tmp_path, sample_calls, redacted_samples, planted, call_id):
    call = sample_calls[call_id]
    written = redact_audio(call, redacted_samples[call_id], tmp_path)
    sources = tuple(AudioSource(path, src.role) for path, src in zip(written, call.sources, strict=True))
    again = transcribe_call(Call(call.call_id, sources, call.metadata, "redacted", call.agent_channel))
    text = " ".join(s.text for s in again.segments)
    digits = re.sub(r"\D", "", text)
    for card in planted["card"]:
        for i in range(0, len(card) - 3, 4):  # not even one group of four survives
            assert card[i : i + 4] not in digits, f"card group {i // 4 + 1} audible in {call_id}"
    for value in planted["cvv"] + planted["expiry"]:
        assert not re.search(rf"(?<!\d){value}(?!\d)", re.sub(r"[\s,.\-]", "", text)), f"short value audible in {call_id}"
    assert len(again.segments) >= 5  # the rest of the call is still there to score
