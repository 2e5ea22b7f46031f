"""A two-channel recording whose metadata does not say which channel is the agent (issue #20):
the roles are inferred for scoring, and redaction applies the customer's rules to both channels.

The tester's call had the customer on channel 0, which callaudit took for the agent, and the
customer's number was stored under the agent's laxer rules."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf

from redaction import redact_transcript
from tests.speech_synth import RATE, speak
from transcription import AGENT, CUSTOMER, UNKNOWN, discover_calls, transcribe_call

TURNS = [  # (channel, words): the customer is on channel 0, the agent on channel 1
    (1, "Thank you for calling Northwind Energy, this is Sam, how can I help you today?"),
    (0, "Hello, I would like to check my bill please. My reference is four eight two nine one seven three."),
    (1, "Thank you. For security, can I take your date of birth please?"),
    (0, "Yes, it is the fourth of May nineteen eighty."),
    (1, "Thank you, that is verified. Is there anything else I can help with?"),
    (0, "No, that is all, goodbye."),
]


def _two_channel_call(folder: Path) -> Path:
    pieces: list[list[np.ndarray]] = [[], []]
    for channel, words in TURNS:
        audio = speak(words)
        gap = np.zeros(int(0.6 * RATE), np.float32)
        pieces[channel] += [audio, gap]
        pieces[1 - channel] += [np.zeros(len(audio), np.float32), gap]
    stereo = np.stack([np.concatenate(pieces[0]), np.concatenate(pieces[1])], axis=1)
    path = folder / "unlabelled.wav"
    sf.write(str(path), stereo, RATE, subtype="PCM_16")
    return path


def test_unknown_channel_roles_are_inferred_and_both_redacted_as_the_customers(tmp_path: Path):
    _two_channel_call(tmp_path)  # no sidecar: nothing says which channel is the agent
    [call], _ = discover_calls(tmp_path)
    transcript = transcribe_call(call)
    assert transcript.channels == (UNKNOWN, UNKNOWN)  # everyone downstream knows the roles were inferred
    speakers = {s.channel: s.speaker for s in transcript.segments}
    assert speakers == {0: CUSTOMER, 1: AGENT}  # the channel that greets and asks for security is the agent
    redacted = redact_transcript(transcript)
    said = " ".join(s.text for s in redacted.segments if s.channel == 0)
    assert "482" not in said.replace(" ", "").replace(",", "").replace("-", ""), said  # 7 digits: the customer's threshold (6), not the agent's (12)
    phases = {e.channel for e in redacted.entities if e.entity_type.endswith("_PHASE")}
    assert phases == {0, 1}  # in a sensitive phase both channels are silenced: either may be the customer
