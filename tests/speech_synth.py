"""Speech whose word timing is known: each word synthesised alone with espeak-ng, trimmed to
where its sound starts and ends, and concatenated with chosen gaps (tests and benchmarks)."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import numpy as np
import soundfile as sf
from scipy.signal import resample_poly

RATE = 16000


def speak(text: str, voice: str = "en-us", speed: int = 160) -> np.ndarray:
    """``text`` said by espeak-ng, as 16 kHz float32."""
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "w.wav"
        subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-w", str(wav), text], check=True, capture_output=True)
        audio, rate = sf.read(str(wav), dtype="float32")
    return resample_poly(audio, RATE, rate).astype(np.float32) if rate != RATE else audio


def synthesize_word(word: str, voice: str = "en-us", speed: int = 160) -> np.ndarray:
    """One word at 16 kHz, trimmed to the samples above -40 dB of its peak (its true extent)."""
    audio = speak(word, voice, speed)
    envelope = np.convolve(np.abs(audio), np.ones(80) / 80, mode="same")
    loud = np.flatnonzero(envelope > envelope.max() * 0.01)
    return audio[loud[0] : loud[-1] + 1]


def words_with_gaps(words: list[str], gaps: list[float], voice: str = "en-us", lead: float = 0.5,
                    telephone: bool = False) -> tuple[np.ndarray, list[tuple[str, float, float]]]:  # fmt: skip
    """The words with ``gaps[i]`` seconds of silence after word i; returns the audio and each
    word's true (start, end). ``telephone``: through 8 kHz and back, as a phone line would."""
    pieces, truth, t = [np.zeros(int(lead * RATE), np.float32)], [], lead
    for word, gap in zip(words, gaps, strict=True):
        audio = synthesize_word(word, voice)
        truth.append((word, t, t + len(audio) / RATE))
        pieces += [audio, np.zeros(int(gap * RATE), np.float32)]
        t += len(audio) / RATE + int(gap * RATE) / RATE
    signal = np.concatenate(pieces)
    if telephone:
        signal = resample_poly(resample_poly(signal, 1, 2), 2, 1).astype(np.float32)[: len(signal)]
    return signal, truth
