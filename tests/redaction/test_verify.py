"""Every call's redacted audio is heard again by another decoder: what it hears that must not be
there is silenced and checked again, and a call that cannot be made clean is never stored."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from redaction import RedactionOptions, VerificationFailed, redact_and_verify
from tests.speech_synth import RATE, speak
from transcription import TranscriptionOptions, discover_calls, transcribe_call
from transcription.calls import load_known_values


def two_party_call(folder: Path, turns: list[tuple[str, str]]) -> Path:
    """A two-channel call (agent on 0) of espeak-ng turns, 0.6 s apart."""
    pieces = [(who, speak(text, "en-us" if who == "agent" else "en-gb")) for who, text in turns]
    total = sum(len(a) for _, a in pieces) + int(0.6 * RATE) * (len(pieces) + 1)
    stereo, t = np.zeros((total, 2), np.float32), int(0.6 * RATE)
    for who, audio in pieces:
        stereo[t : t + len(audio), 0 if who == "agent" else 1] = audio * 0.8
        t += len(audio) + int(0.6 * RATE)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "call.flac"
    sf.write(str(path), stereo, RATE, subtype="PCM_16")
    (folder / "call.json").write_text(json.dumps({"call_id": "VERIFY-1", "agent_channel": 0}))
    return path


@pytest.fixture(scope="module")
def unasked_code(tmp_path_factory):
    """A customer volunteering a security code nobody asked for, with the first pass's own
    fail-closed rules loosened so that the text redaction misses it and the audio keeps it."""
    folder = tmp_path_factory.mktemp("call")
    two_party_call(folder, [
        ("agent", "Thank you for calling, how can I help?"),
        ("customer", "Hello. The code is four eight two nine. I am calling about my bill."),
        ("agent", "Of course, let me look at that for you."),
    ])  # fmt: skip
    [call], _ = discover_calls(folder)
    return call, transcribe_call(call)


LOOSE = RedactionOptions(min_unclaimed_digits=12, payment_window=False)


def test_what_the_second_decoder_hears_is_silenced_and_checked_again(unasked_code, tmp_path):
    call, transcript = unasked_code
    redacted, written, check = redact_and_verify(call, transcript, {}, LOOSE, TranscriptionOptions(), tmp_path)
    assert check.outcome == "re-redacted" and check.rounds == 2, check
    assert {leak.speaker for leak in check.leaks} == {"customer"} and check.leaks[0].round == 1
    first = TranscriptionOptions().model
    assert first not in check.decoder.split(" (")[0] and "beam 1" in check.decoder  # another model than the first, greedy
    assert redacted.verification["outcome"] == "re-redacted"  # stored with the transcript, so chained
    assert any(e.recognizer.startswith("AudioVerification") for e in redacted.entities)
    assert "482" not in "".join(c for s in redacted.segments for c in s.text if c.isdigit())
    leak = check.leaks[0]
    audio, rate = sf.read(str(written[0]))
    assert np.abs(audio[int(leak.start * rate) : int(leak.end * rate), 1]).max() == 0  # silenced on the customer's channel
    assert np.abs(audio[:, 0]).max() > 0.1  # the agent is still there


def test_a_call_that_cannot_be_made_clean_is_not_stored_as_clean(unasked_code, tmp_path):
    call, transcript = unasked_code
    with pytest.raises(VerificationFailed, match=r"still holds UNCLASSIFIED_NUMBER on the customer's channel at [\d.]+ s") as e:
        redact_and_verify(call, transcript, {}, RedactionOptions(min_unclaimed_digits=12, payment_window=False, verify_rounds=1),
                          TranscriptionOptions(), tmp_path)  # fmt: skip
    assert "482" not in str(e.value) and "four" not in str(e.value).lower()


def test_a_clean_call_is_recorded_as_checked_clean(sample_calls, synthetic_transcripts, tmp_path):
    call = sample_calls["NW-20261121-0003"]
    redacted, _, check = redact_and_verify(call, synthetic_transcripts[call.call_id], load_known_values(call), RedactionOptions(),
                                           TranscriptionOptions(), tmp_path)  # fmt: skip
    assert check.outcome in ("clean", "re-redacted") and redacted.verification["decoder"] == check.decoder
    assert check.heard_seconds > 0 and check.seconds > 0


def test_verification_can_be_turned_off_and_says_so(unasked_code, tmp_path):
    call, transcript = unasked_code
    _, _, check = redact_and_verify(call, transcript, {}, RedactionOptions(verify=False), TranscriptionOptions(), tmp_path)
    assert check.outcome == "not verified" and check.rounds == 0
