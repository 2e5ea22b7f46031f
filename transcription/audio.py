"""Loading recordings and checking that they hold usable speech.

soundfile (libsndfile) reads wav, flac, ogg and mp3 without a system ffmpeg; anything else
goes through PyAV (bundled with faster-whisper). Every failure is a ``BadAudio`` whose message
says what is wrong with the file, so the flow can quarantine the call with a reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

from .errors import BadAudio

SAMPLE_RATE = 16000  # Hz, what Whisper models expect
AUDIO_EXTENSIONS = (".wav", ".flac", ".mp3", ".ogg", ".oga", ".opus", ".m4a")
MIN_DURATION = 0.5  # seconds; shorter is not a call
SILENCE_DBFS = -55.0  # dBFS; a channel whose loudest 100 ms stays below this holds no speech


@dataclass(frozen=True)
class AudioInfo:
    """What a recording is, read from its header."""

    path: Path
    sample_rate: int  # Hz
    channels: int
    frames: int
    format: str  # soundfile format, e.g. "WAV"
    subtype: str  # soundfile subtype, e.g. "PCM_16"

    @property
    def duration(self) -> float:
        return self.frames / self.sample_rate if self.sample_rate else 0.0


def read_audio_info(path: Path) -> AudioInfo:
    """Read a recording's header, raising BadAudio with the reason when it is not usable audio."""
    path = Path(path)
    if not path.exists():
        raise BadAudio(f"{path.name}: file not found")
    if path.stat().st_size == 0:
        raise BadAudio(f"{path.name}: the file is empty (0 bytes); re-export the recording")
    try:
        info = sf.info(str(path))
    except Exception as e:  # libsndfile's errors are plain RuntimeErrors/LibsndfileErrors
        return _read_info_with_av(path, e)
    if info.frames <= 0 or info.samplerate <= 0:
        raise BadAudio(f"{path.name}: the file holds no audio frames (truncated or empty recording)")
    return AudioInfo(path, info.samplerate, info.channels, info.frames, info.format, info.subtype)


def _read_info_with_av(path: Path, sf_error: Exception) -> AudioInfo:
    try:
        import av

        with av.open(str(path)) as container:
            streams = container.streams.audio
            if not streams:
                raise BadAudio(f"{path.name}: the file has no audio stream")
            stream = streams[0]
            frames = int((stream.duration or 0) * (stream.time_base or 0) * stream.rate) if stream.duration else 0
            return AudioInfo(path, stream.rate, stream.channels, frames, container.format.name.upper(), "")
    except BadAudio:
        raise
    except Exception as e:
        raise BadAudio(
            f"{path.name}: not a readable audio file ({type(sf_error).__name__}: {_first_line(sf_error)}); "
            f"supported: {', '.join(AUDIO_EXTENSIONS)}"
        ) from e


def load_channels(path: Path, sample_rate: int = SAMPLE_RATE) -> list[np.ndarray]:
    """Decode a recording into one float32 mono array per channel at ``sample_rate``.

    >>> [agent, customer] = load_channels(Path("call.wav"))  # doctest: +SKIP
    """
    path = Path(path)
    read_audio_info(path)
    try:
        data, rate = sf.read(str(path), dtype="float32", always_2d=True)
    except Exception:
        data, rate = _decode_with_av(path)
    if data.shape[0] == 0:
        raise BadAudio(f"{path.name}: the file holds no audio frames (truncated or empty recording)")
    if not np.all(np.isfinite(data)):
        raise BadAudio(f"{path.name}: the audio holds invalid samples (NaN or infinity); the file is corrupt")
    channels = [np.ascontiguousarray(data[:, c]) for c in range(data.shape[1])]
    if rate != sample_rate:
        channels = [resample(c, rate, sample_rate) for c in channels]
    return channels


def _decode_with_av(path: Path) -> tuple[np.ndarray, int]:
    try:
        import av

        with av.open(str(path)) as container:
            stream = container.streams.audio[0]
            rate = stream.rate
            chunks = [frame.to_ndarray() for frame in container.decode(stream)]
    except Exception as e:
        raise BadAudio(f"{path.name}: the audio could not be decoded ({type(e).__name__}); the file is corrupt") from e
    if not chunks:
        raise BadAudio(f"{path.name}: the file holds no audio frames (truncated or empty recording)")
    data = np.concatenate(chunks, axis=1).T.astype(np.float32)
    if np.issubdtype(chunks[0].dtype, np.integer):
        data /= float(np.iinfo(chunks[0].dtype).max)
    return data, rate


def resample(audio: np.ndarray, rate: int, target: int) -> np.ndarray:
    """Resample with a polyphase filter (scipy) so 8 kHz telephone audio is not aliased."""
    from math import gcd

    from scipy.signal import resample_poly

    g = gcd(rate, target)
    return resample_poly(audio, target // g, rate // g).astype(np.float32)


def loudest_dbfs(audio: np.ndarray, sample_rate: int = SAMPLE_RATE) -> float:
    """The RMS level, in dBFS, of the loudest 100 ms window."""
    win = max(1, sample_rate // 10)
    n = len(audio) // win
    if n == 0:
        rms = float(np.sqrt(np.mean(audio**2))) if len(audio) else 0.0
    else:
        frames = audio[: n * win].reshape(n, win)
        rms = float(np.sqrt((frames**2).mean(axis=1)).max())
    return 20 * np.log10(rms) if rms > 0 else float("-inf")


def check_speech_present(channels: list[np.ndarray], name: str, sample_rate: int = SAMPLE_RATE) -> None:
    """Raise BadAudio when the recording is too short or every channel is silent."""
    duration = len(channels[0]) / sample_rate if channels else 0.0
    if duration < MIN_DURATION:
        raise BadAudio(f"{name}: the recording is {duration:.2f} s long; a call needs at least {MIN_DURATION} s")
    levels = [loudest_dbfs(c, sample_rate) for c in channels]
    if max(levels) < SILENCE_DBFS:
        raise BadAudio(
            f"{name}: the recording is silent (loudest level {max(levels):.1f} dBFS, "
            f"below {SILENCE_DBFS} dBFS on every channel); check the recorder's input"
        )


def _first_line(e: Exception) -> str:
    return str(e).strip().splitlines()[0][:200] if str(e).strip() else ""
