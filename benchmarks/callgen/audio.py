"""Speech for a script: every piece said by espeak-ng on its own, trimmed to where its sound
starts and ends, and laid on the speaker's track, so each turn's and each value's span is known
to the sample. A backchannel is laid over the customer's turn away from any value in it; an
interruption starts before the customer has finished; a hold is a gap."""

from __future__ import annotations

import dataclasses
import subprocess
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import soundfile as sf
from scipy.signal import resample_poly

from .builder import has_sound
from .types import CallSpec, Turn, Value, Voice

RATE = 16000  # Hz, the working rate (the line decides the file's rate)
ESPEAK = "espeak-ng"
TRIM_LEVEL = 0.01  # of the piece's peak envelope: below it is espeak's silence
TAIL = 0.8  # seconds of silence after the last turn
MIN_INTERRUPT_LEAD = 0.4  # seconds: an interruption starts at least this far into the turn it interrupts


class SynthesisError(RuntimeError):
    """espeak-ng failed or said nothing."""


@lru_cache(maxsize=1024)
def _synthesize(text: str, voice: Voice) -> np.ndarray:
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "piece.wav"
        cmd = [ESPEAK, "-v", voice.name, "-s", str(voice.speed), "-p", str(voice.pitch), "-w", str(wav), "--stdin"]
        try:
            subprocess.run(cmd, input=text.encode(), check=True, capture_output=True)
        except (OSError, subprocess.CalledProcessError) as e:
            raise SynthesisError(f"espeak-ng failed on {text!r} with voice {voice.name}: {e}; is espeak-ng installed?") from e
        audio, rate = sf.read(str(wav), dtype="float32")
    if rate != RATE:
        g = np.gcd(RATE, rate)
        audio = resample_poly(audio, RATE // g, rate // g).astype(np.float32)
    envelope = np.convolve(np.abs(audio), np.ones(80) / 80, mode="same")
    if not len(envelope) or envelope.max() <= 0:
        raise SynthesisError(f"espeak-ng said nothing for {text!r} with voice {voice.name}")
    loud = np.flatnonzero(envelope > envelope.max() * TRIM_LEVEL)
    out = audio[loud[0] : loud[-1] + 1].copy()
    out.setflags(write=False)
    return out


def synthesize(text: str, voice: Voice) -> np.ndarray:
    """``text`` said by espeak-ng in ``voice``, at RATE, without its leading and trailing silence."""
    return _synthesize(text.strip(), voice)


@dataclass(frozen=True)
class Timeline:
    """The call's two tracks (agent, customer) at RATE and the script with every time filled in."""

    agent: np.ndarray
    customer: np.ndarray
    turns: tuple[Turn, ...]
    values: tuple[Value, ...]
    duration: float  # seconds


def lay_out(spec: CallSpec) -> Timeline:
    """Synthesise every piece and place every turn (times in samples at RATE, reported in seconds)."""
    placed: list[tuple[int, list[tuple[int, np.ndarray, int | None]]]] = []  # per turn: start, [(offset, audio, value)]
    spans: list[tuple[int, int]] = []
    cursor, prev = 0, -1  # end of the conversation so far; index of the last turn that moved it on
    for i, turn in enumerate(spec.turns):
        voice = spec.voices[turn.speaker]
        pieces: list[tuple[int, np.ndarray, int | None]] = []
        at = 0
        for p in turn.pieces:
            if not has_sound(p.text):
                continue
            at += round(p.pause * RATE) if pieces else 0
            audio = synthesize(p.text, voice)
            pieces.append((at, audio, p.value))
            at += len(audio)
        length = at
        if turn.backchannel and turn.overlap_at is not None and prev >= 0:
            start = _over(spans[prev], placed[prev], length, turn.overlap_at)
            if start is None:  # no value-free stretch long enough: say it after the turn
                start = spans[prev][1] + int(0.15 * RATE)
                cursor = max(cursor, start + length)
        else:
            start = cursor + round(turn.offset * RATE)
            if prev >= 0 and turn.offset < 0:
                start = max(start, spans[prev][0] + int(MIN_INTERRUPT_LEAD * RATE))
            start = max(start, round((turn.not_before or 0.0) * RATE), 0)
            cursor = max(cursor, start + length)
            prev = i
        placed.append((start, pieces))
        spans.append((start, start + length))
    total = cursor + int(TAIL * RATE)
    tracks = {"agent": np.zeros(total, np.float32), "customer": np.zeros(total, np.float32)}
    values = list(spec.values)
    turns = []
    agent_channel = spec.agent_channel
    for turn, (start, pieces), (t0, t1) in zip(spec.turns, placed, spans, strict=True):
        track = tracks[turn.speaker]
        for at, audio, value in pieces:
            track[start + at : start + at + len(audio)] += audio
            if value is not None:
                channel = agent_channel if turn.speaker == "agent" else 1 - agent_channel
                values[value] = dataclasses.replace(
                    values[value], start=_s(start + at), end=_s(start + at + len(audio)), channel=channel
                )
        turns.append(dataclasses.replace(turn, start=_s(t0), end=_s(t1)))
    return Timeline(tracks["agent"], tracks["customer"], tuple(turns), tuple(values), total / RATE)


def _over(
    span: tuple[int, int], placed: tuple[int, list[tuple[int, np.ndarray, int | None]]], length: int, at: float
) -> int | None:
    """Where a backchannel of ``length`` samples can go over a turn, near fraction ``at`` of it,
    without touching a value the turn carries."""
    start, pieces = placed
    busy = [(start + o - int(0.1 * RATE), start + o + len(a) + int(0.1 * RATE)) for o, a, v in pieces if v is not None]
    lo, hi = span[0] + int(0.3 * RATE), span[1] - length - int(0.2 * RATE)
    if hi <= lo:
        return None
    want = span[0] + int(at * (span[1] - span[0]))
    candidates = sorted(range(lo, hi, int(0.05 * RATE)), key=lambda s: abs(s - want))
    return next((s for s in candidates if all(s + length <= b0 or s >= b1 for b0, b1 in busy)), None)


def _s(samples: int) -> float:
    return round(samples / RATE, 5)
