"""Long calls in bounded memory: a channel is scanned once, then heard window by window.

A 60-minute two-channel call is 460 MB of 16 kHz float32 samples, and Whisper's features and
the engine's buffers for all of it come on top. Nothing here holds a whole call:

1. ``scan_call`` reads each recording once, in blocks, and keeps per channel only the mean
   power of every 10 ms frame (100 numbers a second). From those come the checks a call must
   pass (length, silence, the two legs of a pair belonging together), the speech/pause map that
   word alignment uses, and where to cut the channel into windows.
2. ``channel_windows`` reads the recording again and yields one window at a time, at most
   ``TranscriptionOptions.window_seconds`` long (two minutes by default). Each cut is placed in the quietest 200 ms of the last
   ``CUT_SEARCH_SECONDS`` before the window's end, so no word is cut in two.

Memory then depends on the window, not on the call (benchmarks/transcription: peak RSS as
calls grow from 5 to 60 minutes).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from .align import speech_frames
from .audio import MIN_DURATION, SAMPLE_RATE, SILENCE_DBFS, frame_power, loudest_of, read_audio_info, resampled_blocks
from .calls import Call
from .errors import BadAudio
from .types import AGENT, CUSTOMER

UNKNOWN = "unknown"  # a mono recording's speech before speaker attribution
CUT_SEARCH_SECONDS = 30.0  # a window ends in the quietest moment of its last 30 s
FRAME = SAMPLE_RATE // 100  # samples per 10 ms frame
QUIET_FRAMES = 20  # the quiet stretch a cut is placed in the middle of (200 ms)


@dataclass(frozen=True)
class ChannelScan:
    """One channel of a call, as the scan found it: who speaks on it, where it is read from,
    and the mean power (mean square of the samples) of each 10 ms frame."""

    source: int  # index into Call.sources
    column: int | None  # channel within that file; None = all its channels mixed (one party's leg)
    speaker: str  # AGENT, CUSTOMER or UNKNOWN (mono, attributed later)
    samples: int  # at 16 kHz
    power: np.ndarray  # float64, one per whole 10 ms frame

    @property
    def duration(self) -> float:
        return self.samples / SAMPLE_RATE

    @property
    def loudest_dbfs(self) -> float:
        """The RMS level, in dBFS, of the loudest 100 ms."""
        return loudest_of(self.power)

    @property
    def speech(self) -> np.ndarray:
        """Speech or pause, per 10 ms frame (``align.speech_frames``)."""
        return speech_frames(self.power)

    def cuts(self, window: float, search: float = CUT_SEARCH_SECONDS) -> list[int]:
        """Sample positions where windows of at most ``window`` seconds end (the last window
        ends with the channel)."""
        frames_per_window, frames_searched = int(window * 100), int(search * 100)
        kernel = np.ones(QUIET_FRAMES) / QUIET_FRAMES
        cuts, start = [], 0
        while self.samples - start * FRAME > window * SAMPLE_RATE:
            low = start + frames_per_window - frames_searched
            region = self.power[low : start + frames_per_window]
            quiet = np.convolve(region, kernel, mode="same")  # mean power of the 200 ms around each frame
            start = low + int(np.argmin(quiet))
            cuts.append(start * FRAME)
        return cuts


def scan_call(call: Call, max_seconds: float | None = None) -> list[ChannelScan]:
    """Scan a call's recordings (see the module's description); raises BadAudio when the call
    cannot be transcribed: unreadable, too short, silent, longer than ``max_seconds`` (checked
    from every header before anything is decoded, and again while decoding), or a pair of
    unequal length. A two-channel recording whose agent channel is not known
    (``call.agent_channel`` None) has both channels UNKNOWN: their roles are inferred later, and
    redaction treats both as the customer's."""
    layouts = []
    for source in call.sources:
        info = read_audio_info(source.path)
        if max_seconds is not None and info.duration > max_seconds:
            raise BadAudio(f"{source.path.name}: the header says the recording lasts {spoken_duration(info.duration)}; calls longer than "
                           f"{spoken_duration(max_seconds)} are refused (transcription.max_call_seconds in the config)")  # fmt: skip
        if source.role is not None:
            layouts.append([(None, source.role)])
        elif info.channels == 1:
            layouts.append([(0, UNKNOWN)])
        elif info.channels == 2:
            known = call.agent_channel is not None
            layouts.append([(c, (AGENT if c == call.agent_channel else CUSTOMER) if known else UNKNOWN) for c in (0, 1)])
        else:
            raise BadAudio(f"{source.path.name}: {info.channels} channels; a call recording has one or two")
    scans: list[ChannelScan] = []
    for index, (source, layout) in enumerate(zip(call.sources, layouts, strict=True)):
        samples, power = _frame_power(source.path, [column for column, _ in layout], max_seconds)
        scans.extend(ChannelScan(index, column, speaker, samples, p) for (column, speaker), p in zip(layout, power, strict=True))
    lengths = [s.samples for s in scans]
    if max(lengths) - min(lengths) > SAMPLE_RATE:
        raise BadAudio(
            f"{call.name}: the party recordings differ in length by "
            f"{(max(lengths) - min(lengths)) / SAMPLE_RATE:.1f} s; the pair does not belong to one call"
        )
    duration = scans[0].duration
    if duration < MIN_DURATION:
        raise BadAudio(f"{call.name}: the recording is {duration:.2f} s long; a call needs at least {MIN_DURATION} s")
    loudest = max(s.loudest_dbfs for s in scans)
    if loudest < SILENCE_DBFS:
        raise BadAudio(
            f"{call.name}: the recording is silent (loudest level {loudest:.1f} dBFS, "
            f"below {SILENCE_DBFS} dBFS on every channel); check the recorder's input"
        )
    return scans


def spoken_duration(seconds: float) -> str:
    """A duration as a person reads it: "13.3 hours", "1.2 minutes", "45 s"."""
    if seconds >= 3600:
        return f"{seconds / 3600:.1f}".removesuffix(".0") + " hours"
    if seconds >= 60:
        return f"{seconds / 60:.1f}".removesuffix(".0") + " minutes"
    return f"{seconds:.0f} s"


def channel_windows(call: Call, scan: ChannelScan, window: float) -> Iterator[tuple[int, np.ndarray]]:
    """(offset in samples, 16 kHz float32 audio) for each window of one channel, in order;
    each at most ``window`` seconds long."""
    ends = [*scan.cuts(window), scan.samples]
    pending: list[np.ndarray] = []
    have = offset = 0  # samples pending; the sample index where the pending audio starts
    for block in resampled_blocks(call.sources[scan.source].path):
        pending.append(_pick(block, scan.column))
        have += len(block)
        while ends and offset + have >= ends[0]:
            audio = np.concatenate(pending)
            size = ends.pop(0) - offset
            yield offset, audio[:size]
            pending, offset, have = [audio[size:]], offset + size, have - size
            del audio
            give_back_memory()
    if have and ends:  # the decoded length fell short of the scan's (it never should)
        yield offset, np.concatenate(pending)


def give_back_memory() -> None:
    """Return the heap freed by the last window to the OS (glibc's ``malloc_trim``).

    A window's features and engine buffers are tens of MB of many-sized allocations; glibc keeps
    freed heap and, once a large block has been freed, serves blocks that size from the heap
    rather than fresh mappings, so without this the resident size creeps up window after window
    (measured: 536 against 487 MB peak on a 20-minute call). Elsewhere than glibc it does nothing.
    """
    if _libc is not None:
        _libc.malloc_trim(0)


M_ARENA_MAX = -8  # glibc's mallopt parameter: how many heaps (arenas) threads may spread over


def share_heap() -> None:
    """Have all threads allocate from one glibc heap; call at the start of a process that
    transcribes (the CLI's ``run`` and ``serve`` do).

    glibc gives threads heaps of their own (up to 8 per core). Windows decoded side by side then
    each keep their thread's high-water mark apart, and the features of a 2-minute window are
    tens of MB. Measured ad hoc (two runs each) on the 3-minute benchmark call: peak RSS
    693–717 MB with a heap per thread, 472–490 MB with one, and no slower. ``MALLOC_ARENA_MAX`` in the environment wins.
    Elsewhere than glibc it does nothing.
    """
    if _libc is not None and "MALLOC_ARENA_MAX" not in os.environ:
        _libc.mallopt(M_ARENA_MAX, 1)


def _load_libc():  # noqa: ANN202 - a ctypes library or None
    import ctypes
    import ctypes.util
    import platform

    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return None
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return None


_libc = _load_libc()


def _pick(block: np.ndarray, column: int | None) -> np.ndarray:
    if column is not None:
        return np.ascontiguousarray(block[:, column])
    return block[:, 0].copy() if block.shape[1] == 1 else block.mean(axis=1, dtype=np.float32)


def _frame_power(path, columns: list[int | None], max_seconds: float | None = None) -> tuple[int, list[np.ndarray]]:  # noqa: ANN001 - a Path
    """Total samples (16 kHz) and the mean power of each 10 ms frame, for each column; BadAudio
    as soon as the audio runs past ``max_seconds`` (a header may not give the length)."""
    samples = 0
    rest: list[np.ndarray] = [np.zeros(0, np.float32) for _ in columns]
    powers: list[list[np.ndarray]] = [[] for _ in columns]
    for block in resampled_blocks(path):
        samples += len(block)
        if max_seconds is not None and samples > max_seconds * SAMPLE_RATE:
            raise BadAudio(f"{path.name}: the recording runs past {spoken_duration(max_seconds)}; longer calls are refused "
                           "(transcription.max_call_seconds in the config)")  # fmt: skip
        for i, column in enumerate(columns):
            audio = np.concatenate([rest[i], _pick(block, column)])
            whole = len(audio) // FRAME * FRAME
            powers[i].append(frame_power(audio[:whole]))
            rest[i] = audio[whole:]
    return samples, [np.concatenate(p) if p else np.zeros(0) for p in powers]
