"""The telephone line: per channel a level, background noise at a chosen SNR (white, pink or
babble, made with NumPy from the call's seed), a band limit, a codec (mu-law, A-law, GSM 06.10,
AMR-NB, or linear PCM) and the final rate, done by sox without dither (-D), so the same call
always comes out byte for byte the same."""

from __future__ import annotations

import random
import subprocess

import numpy as np

from .types import CODECS, Degradation

SOX = "sox"
SOX_TYPES = {"ulaw": "ul", "alaw": "al", "gsm": "gsm", "amr-nb": "amr-nb", "none": "s16"}
CODEC_DELAY = {"amr-nb": 40}  # samples at 8 kHz the codec delays the signal by (measured with a click)
NARROW_BAND = (300, 3400)  # Hz
WIDE_BAND = (50, 7000)  # Hz
BABBLE_VOICES = 6


class LineError(RuntimeError):
    """sox failed to pass a channel through the line."""


def draw_degradation(rng: random.Random, agent_channel: int) -> Degradation:
    """8 kHz through one of the codecs (most calls), or 16 kHz wideband; noise on some calls,
    mostly at the customer's end; levels per channel."""
    if rng.random() < 0.2:
        rate, codec, band = 16000, "none", WIDE_BAND
    else:
        rate, codec, band = 8000, rng.choice(CODECS), NARROW_BAND
    noise = rng.choice(["none", "none", "white", "pink", "babble"])
    if noise == "none":
        snr: tuple[float | None, float | None] = (None, None)
    else:  # the customer's end is the noisy one, more often than not
        agent = round(rng.uniform(18, 30), 1) if rng.random() < 0.4 else None
        customer = round(rng.uniform(10, 30), 1)
        snr = (agent, customer) if agent_channel == 0 else (customer, agent)
    gains = (round(rng.uniform(-6, 0), 1), round(rng.uniform(-9, 0), 1))
    return Degradation(rate, codec, band, noise, snr, gains if agent_channel == 0 else (gains[1], gains[0]))


def make_noise(kind: str, n: int, rng: np.random.Generator, speech: np.ndarray) -> np.ndarray:
    """``n`` samples of unit-power noise: white, pink (1/f), or babble (several time-reversed,
    shifted copies of the call's own speech: voice-like, but no words)."""
    if kind == "white":
        noise = rng.standard_normal(n)
    elif kind == "pink":
        spectrum = np.fft.rfft(rng.standard_normal(n))
        f = np.arange(len(spectrum), dtype=np.float64)
        f[0] = 1.0
        noise = np.fft.irfft(spectrum / np.sqrt(f), n)
    else:
        source = speech[::-1].astype(np.float64)
        if not len(source) or not np.any(source):
            source = rng.standard_normal(max(n, 1))
        reps = int(np.ceil(n / len(source))) + 1
        tiled = np.tile(source, reps)
        noise = np.zeros(n)
        for _ in range(BABBLE_VOICES):
            shift = int(rng.integers(0, len(source)))
            noise += tiled[shift : shift + n] * rng.uniform(0.5, 1.0)
    power = np.mean(noise**2)
    return (noise / np.sqrt(power)).astype(np.float32) if power > 0 else noise.astype(np.float32)


def add_noise(signal: np.ndarray, active: np.ndarray, snr_db: float, noise: np.ndarray) -> np.ndarray:
    """``signal`` plus ``noise`` scaled to ``snr_db`` below the speech's power (over ``active`` samples)."""
    speech_power = float(np.mean(signal[active] ** 2)) if active.any() else float(np.mean(signal**2))
    scale = np.sqrt(speech_power / 10 ** (snr_db / 10))
    return (signal + noise * scale).astype(np.float32)


def pass_line(signal: np.ndarray, rate_in: int, d: Degradation) -> np.ndarray:
    """``signal`` (float32 at ``rate_in``) band-limited, resampled to ``d.rate``, encoded with the
    codec and decoded back, as float32 of exactly the resampled length."""
    kind = SOX_TYPES[d.codec]
    fmt = ["-t", kind] if kind != "s16" else ["-t", "raw", "-e", "signed", "-b", "16"]
    encode = [
        SOX,
        "-D",
        "-t",
        "f32",
        "-r",
        str(rate_in),
        "-c",
        "1",
        "-",
        *fmt,
        "-r",
        str(d.rate),
        "-c",
        "1",
        "-",
        "sinc",
        f"{d.band[0]}-{d.band[1]}",
    ]
    decode = [SOX, "-D", *fmt, "-r", str(d.rate), "-c", "1", "-", "-t", "f32", "-"]
    try:
        coded = subprocess.run(
            encode, input=np.ascontiguousarray(signal, np.float32).tobytes(), capture_output=True, check=True
        ).stdout
        out = np.frombuffer(subprocess.run(decode, input=coded, capture_output=True, check=True).stdout, np.float32)
    except (OSError, subprocess.CalledProcessError) as e:
        detail = e.stderr.decode(errors="replace").strip() if isinstance(e, subprocess.CalledProcessError) else str(e)
        raise LineError(
            f"sox could not pass the channel through {d.codec} at {d.rate} Hz: {detail} (is libsox-fmt-all installed?)"
        ) from e
    out = out[CODEC_DELAY.get(d.codec, 0) if d.rate == 8000 else 0 :]
    n = round(len(signal) * d.rate / rate_in)
    if len(out) < n:
        out = np.concatenate([out, np.zeros(n - len(out), np.float32)])
    return np.clip(out[:n], -1.0, 1.0)
