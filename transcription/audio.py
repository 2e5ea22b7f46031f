"""Loading recordings and checking that they hold usable speech.

soundfile (libsndfile) reads wav, flac, ogg and mp3 without a system ffmpeg; anything else
goes through PyAV (bundled with faster-whisper). Every failure is a ``BadAudio`` whose message
says what is wrong with the file, so the flow can quarantine the call with a reason.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from math import gcd
from pathlib import Path

import numpy as np
import soundfile as sf

from .errors import BadAudio

SAMPLE_RATE = 16000  # Hz, what Whisper models expect
AUDIO_EXTENSIONS = (".wav", ".flac", ".mp3", ".ogg", ".oga", ".opus", ".m4a")
MIN_DURATION = 0.5  # seconds; shorter is not a call
SILENCE_DBFS = -55.0  # dBFS; a channel whose loudest 100 ms stays below this holds no speech
MIN_SAMPLE_RATE = 4000  # Hz; below this a header is not a call recording's (telephone audio is 8000)
MAX_SAMPLE_RATE = 384000  # Hz


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
        raise _no_frames(path)
    return _checked_info(AudioInfo(path, info.samplerate, info.channels, info.frames, info.format, info.subtype))


def _checked_info(info: AudioInfo) -> AudioInfo:
    """A header that no recording has (a sample rate of 1 Hz makes 96 kB a 13-hour call, and
    resampling it takes minutes and gigabytes) is refused before anything is decoded."""
    if not MIN_SAMPLE_RATE <= info.sample_rate <= MAX_SAMPLE_RATE:
        raise BadAudio(f"{info.path.name}: the header gives a sample rate of {info.sample_rate} Hz; a call recording has "
                       f"{MIN_SAMPLE_RATE}-{MAX_SAMPLE_RATE} Hz (8000 or 16000 for telephone audio): the file is corrupt or not a recording")  # fmt: skip
    return info


def _read_info_with_av(path: Path, sf_error: Exception) -> AudioInfo:
    try:
        import av

        with av.open(str(path)) as container:
            streams = container.streams.audio
            if not streams:
                raise BadAudio(f"{path.name}: the file has no audio stream")
            stream = streams[0]
            frames = int((stream.duration or 0) * (stream.time_base or 0) * stream.rate) if stream.duration else 0
            return _checked_info(AudioInfo(path, stream.rate, stream.channels, frames, container.format.name.upper(), ""))
    except BadAudio:
        raise
    except Exception as e:
        raise BadAudio(
            f"{path.name}: not a readable audio file ({type(sf_error).__name__}: {_first_line(sf_error)}); "
            f"supported: {', '.join(AUDIO_EXTENSIONS)}"
        ) from e


BLOCK_SECONDS = 30.0  # audio is read, resampled and redacted in blocks this long


def load_channels(path: Path, sample_rate: int = SAMPLE_RATE) -> list[np.ndarray]:
    """Decode a whole recording into one float32 mono array per channel at ``sample_rate``.
    For short clips and tests; calls are read in blocks (``resampled_blocks``).

    >>> [agent, customer] = load_channels(Path("call.wav"))  # doctest: +SKIP
    """
    data = np.concatenate(list(resampled_blocks(path, sample_rate)))
    return [np.ascontiguousarray(data[:, c]) for c in range(data.shape[1])]


def open_blocks(path: Path, dtype: str = "float32", block_seconds: float = BLOCK_SECONDS) -> tuple[int, int, Iterator[np.ndarray]]:
    """(sample rate, channels, blocks): the recording at its own rate as arrays of shape
    (frames, channels), read ``block_seconds`` at a time, so memory does not grow with the call.
    Raises BadAudio, when opening or while reading, with what is wrong with the file.
    """
    path = Path(path)
    info = read_audio_info(path)
    try:
        handle = sf.SoundFile(str(path))
    except Exception:
        return info.sample_rate, info.channels, _av_blocks(path, dtype, block_seconds)
    return handle.samplerate, handle.channels, _sf_blocks(handle, path, dtype, block_seconds)


def _sf_blocks(handle: sf.SoundFile, path: Path, dtype: str, block_seconds: float) -> Iterator[np.ndarray]:
    frames = max(1, int(handle.samplerate * block_seconds))
    total = 0
    with handle:
        while True:
            try:
                block = handle.read(frames, dtype=dtype, always_2d=True)
            except Exception as e:
                raise _corrupt(path, e) from e
            if len(block) == 0:
                break
            total += len(block)
            yield _checked(block, path)
    if total == 0:
        raise _no_frames(path)


def _av_blocks(path: Path, dtype: str, block_seconds: float) -> Iterator[np.ndarray]:
    """Formats libsndfile cannot read (m4a, opus), decoded with PyAV in order."""
    try:
        import av

        container = av.open(str(path))
    except Exception as e:
        raise _corrupt(path, e) from e
    pending: list[np.ndarray] = []
    waiting = total = 0  # frames decoded and not yet given out; frames given out
    with container:
        stream = container.streams.audio[0]
        frames = max(1, int(stream.rate * block_seconds))
        try:
            for frame in container.decode(stream):
                raw = frame.to_ndarray()
                data = raw.T.astype(dtype) if raw.ndim == 2 else raw.reshape(-1, 1).astype(dtype)
                if frame.format.is_planar is False and raw.ndim == 2 and raw.shape[0] == 1 and stream.channels > 1:
                    data = raw.reshape(-1, stream.channels).astype(dtype)  # packed samples, interleaved
                if np.issubdtype(raw.dtype, np.integer):
                    data /= float(np.iinfo(raw.dtype).max)
                pending.append(data)
                waiting += len(data)
                if waiting >= frames:
                    block = np.concatenate(pending)
                    pending, waiting, total = [], 0, total + len(block)
                    yield _checked(block, path)
        except BadAudio:
            raise
        except Exception as e:
            raise _corrupt(path, e) from e
    if pending:
        block = np.concatenate(pending)
        total += len(block)
        yield _checked(block, path)
    if total == 0:
        raise _no_frames(path)


def _corrupt(path: Path, e: Exception) -> BadAudio:
    return BadAudio(f"{path.name}: the audio could not be decoded ({type(e).__name__}); the file is corrupt")


def _no_frames(path: Path) -> BadAudio:
    return BadAudio(f"{path.name}: the file holds no audio frames (truncated or empty recording)")


def _checked(block: np.ndarray, path: Path) -> np.ndarray:
    if not np.all(np.isfinite(block)):
        raise BadAudio(f"{path.name}: the audio holds invalid samples (NaN or infinity); the file is corrupt")
    return block


def resampled_blocks(path: Path, sample_rate: int = SAMPLE_RATE) -> Iterator[np.ndarray]:
    """The recording as float32 blocks of shape (frames, channels) at ``sample_rate``.

    Each block is resampled with enough of its neighbours around it that the result equals
    resampling the whole recording at once (polyphase filter, scipy), so 8 kHz telephone
    audio is not aliased and block edges leave no trace.
    """
    rate, _channels, blocks = open_blocks(path)
    if rate == sample_rate:
        yield from blocks
        return
    g = gcd(rate, sample_rate)
    up, down = sample_rate // g, rate // g
    # resample_poly's filter reaches 10 * max(up, down) / up input samples either side
    pad = down * -(-(10 * max(up, down) // up + 2) // down)
    buffer: np.ndarray | None = None
    start = done = 0  # source index of buffer[0]; source samples already resampled and given out
    for block in blocks:
        buffer = block if buffer is None else np.concatenate([buffer, block])
        end = start + len(buffer)
        limit = (end - pad) // down * down  # resample up to here: the filter has its right context
        if limit > done:
            out = _resample(buffer[: limit + pad - start], up, down)
            skip = (done - start) * up // down
            yield out[skip : skip + (limit - done) * up // down]
            done = limit
            keep = max(0, done - pad)
            buffer, start = buffer[keep - start :], keep
    if buffer is not None and start + len(buffer) > done:
        out = _resample(buffer, up, down)
        yield out[(done - start) * up // down :]


def _resample(audio: np.ndarray, up: int, down: int) -> np.ndarray:
    from scipy.signal import resample_poly

    return resample_poly(audio, up, down, axis=0).astype(np.float32)


def frame_power(audio: np.ndarray, sample_rate: int = SAMPLE_RATE) -> np.ndarray:
    """The mean power (mean square) of each whole 10 ms frame, in float64."""
    hop = sample_rate // 100
    n = len(audio) // hop
    return np.mean(audio[: n * hop].reshape(n, hop).astype(np.float64) ** 2, axis=1)


def loudest_dbfs(audio: np.ndarray, sample_rate: int = SAMPLE_RATE) -> float:
    """The RMS level, in dBFS, of the loudest 100 ms window."""
    return loudest_of(frame_power(audio, sample_rate))


def loudest_of(power: np.ndarray) -> float:
    """``loudest_dbfs`` from the 10 ms frame powers: the loudest 10 consecutive frames."""
    n = len(power) // 10
    level = float(power[: n * 10].reshape(n, 10).mean(axis=1).max()) if n else float(power.mean()) if len(power) else 0.0
    return 10 * np.log10(level) if level > 0 else float("-inf")


def _first_line(e: Exception) -> str:
    return str(e).strip().splitlines()[0][:200] if str(e).strip() else ""
