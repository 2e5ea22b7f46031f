"""Mono recordings come out with agent and customer turns: measured on mono mixes of two-channel
calls whose truth is known (each word's speaker is the channel that was loud under it)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from tests.conftest import SAMPLES
from transcription import AGENT, CUSTOMER, UNKNOWN, discover_calls, load_channels, transcribe_call


def mono_mix(tmp_path: Path, agent: np.ndarray, customer: np.ndarray, rate: int = 16000) -> tuple[Path, np.ndarray, np.ndarray]:
    from scipy.signal import resample_poly

    n = min(len(agent), len(customer))
    agent, customer = agent[:n], customer[:n]
    folder = tmp_path / "inbox"
    folder.mkdir()
    mix = (agent + customer) / 2
    sf.write(str(folder / "call.wav"), mix if rate == 16000 else resample_poly(mix, rate, 16000), rate)  # 8000: a phone line
    return folder, agent, customer


def accuracy(transcript, agent: np.ndarray, customer: np.ndarray) -> float:  # noqa: ANN001
    right = total = 0
    for seg in transcript.segments:
        for w in seg.words:
            a, b = int(w.start * 16000), max(int(w.end * 16000), int(w.start * 16000) + 1)
            truth = AGENT if np.mean(agent[a:b] ** 2) >= np.mean(customer[a:b] ** 2) else CUSTOMER
            right += seg.speaker == truth
            total += 1
    return right / total


@pytest.mark.parametrize(
    "name, agent_file, customer_file, rate",
    [
        ("a real call (AWS sample, two voices on one line)", "auto_repairs_agent.wav", "auto_repairs_caller.wav", 16000),
        ("the real call at 8 kHz", "auto_repairs_agent.wav", "auto_repairs_caller.wav", 8000),
        ("a synthetic payment call", ("payment_northwind.flac", 0), ("payment_northwind.flac", 1), 16000),
    ],
)
def test_mono_mix_is_attributed_to_agent_and_customer(tmp_path: Path, name, agent_file, customer_file, rate):  # noqa: ANN001
    def channel(spec):  # noqa: ANN001, ANN202
        path, index = (spec, 0) if isinstance(spec, str) else spec
        return load_channels(SAMPLES / path)[index]

    folder, agent, customer = mono_mix(tmp_path, channel(agent_file), channel(customer_file), rate)
    [call], _ = discover_calls(folder)
    transcript = transcribe_call(call)
    assert transcript.channels == (UNKNOWN,)  # the transcript says its speakers were inferred
    assert {s.speaker for s in transcript.segments} == {AGENT, CUSTOMER}
    assert accuracy(transcript, agent, customer) >= 0.95, name
    first_agent = next(s for s in transcript.segments if s.speaker == AGENT)
    assert first_agent.start <= min(s.start for s in transcript.segments) + 0.5  # the agent opens the call


def test_attribution_can_be_turned_off(tmp_path: Path):
    from transcription import TranscriptionOptions

    ch = load_channels(SAMPLES / "refund_readback_agent.flac")[0], load_channels(SAMPLES / "refund_readback_customer.flac")[0]
    folder, _, _ = mono_mix(tmp_path, *ch)
    [call], _ = discover_calls(folder)
    transcript = transcribe_call(call, TranscriptionOptions(mono_speakers=False))
    assert {s.speaker for s in transcript.segments} == {UNKNOWN}
