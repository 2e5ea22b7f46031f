"""Transcribing a call: per channel (per party), window by window, merged in time order."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import closing
from dataclasses import replace

import numpy as np

from .align import snap_to_speech
from .audio import SAMPLE_RATE, SILENCE_DBFS, loudest_dbfs
from .calls import Call
from .errors import ModelNotAvailable
from .languages import ChannelLanguage, is_multilingual
from . import faster_whisper_backend
from .loops import cover_speech, mark_loops
from .models import resolve_model
from .options import TranscriptionOptions
from .provenance import asr_provenance
from .speakers import label_channels, label_turns, split_turns, turn_prints
from .types import Segment, Transcript
from .windows import UNKNOWN, ChannelScan, channel_windows, scan_call


def split_call_channels(call: Call) -> list[tuple[np.ndarray, str]]:
    """A call decoded whole into (16 kHz mono audio, speaker) per channel, in the global channel
    order used by segments and redaction. For short clips and benchmarks: ``transcribe_call``
    reads long calls a window at a time instead."""
    return [(np.concatenate([audio for _, audio in channel_windows(call, scan, scan.duration + 1)]), scan.speaker) for scan in scan_call(call)]


def backend_for(options: TranscriptionOptions):  # noqa: ANN201 - a backend module
    """The backend module for ``options.backend``; each has ``transcribe_channel`` and
    ``engine_version`` and returns the same Segment and Word types."""
    if options.backend == "openai-whisper":
        from . import openai_whisper_backend

        return openai_whisper_backend
    return faster_whisper_backend


Regions = dict[int, list[tuple[float, float]]]  # channel index -> (start, end) seconds to hear


def transcribe_call(call: Call, options: TranscriptionOptions | None = None, regions: Regions | None = None) -> Transcript:
    """Transcribe a call into one Transcript; raises BadAudio or ModelNotAvailable.

    With ``regions``, only those stretches of the channels named are heard (the rest is taken
    as silence, and channels not named are skipped): redaction's verification re-hears the
    redacted audio where it matters.

    Memory stays bounded however long the call (``windows``): each channel is transcribed in
    windows of at most ``options.window_seconds`` (two minutes), cut in pauses. With
    faster-whisper, ``options.engine_workers`` windows are decoded at once (both channels of a
    call, or the windows of a long one); the result does not depend on how many.

    >>> transcript = transcribe_call(call, TranscriptionOptions())  # doctest: +SKIP
    """
    options = options or TranscriptionOptions()
    scans = scan_call(call, options.max_call_seconds)
    # A silent leg (e.g. the customer's line while on hold) holds no speech.
    mono = len(scans) == 1
    channels = {index: _Channel(scan, options, mono) for index, scan in enumerate(scans) if scan.loudest_dbfs >= SILENCE_DBFS}
    if regions is not None:
        channels = {index: channel for index, channel in channels.items() if regions.get(index)}
    for index, channel in channels.items():
        channel.language = _language_of(call, index, channel.scan, options)
    with closing(_decoded_windows(call, channels, options, regions)) as decoded:
        for index, offset, audio, window in decoded:
            channels[index].add(window, offset, audio)
    heard = {index: channel.finish() for index, channel in channels.items()}
    if not mono and all(scan.speaker == UNKNOWN for scan in scans) and options.mono_speakers:
        heard = label_channels(heard)  # which channel is the agent, inferred by role; the transcript keeps "unknown"
    segments = sorted((s for channel in heard.values() for s in channel), key=lambda s: (s.start, s.channel))

    return Transcript(
        call_id=call.call_id,
        segments=tuple(replace(s, id=i) for i, s in enumerate(segments)),
        duration=round(max(s.samples for s in scans) / SAMPLE_RATE, 3),
        backend=options.backend,
        model=backend_for(options).engine_version(resolve_model(options.model)),
        channels=tuple(scan.speaker for scan in scans),
        provenance=asr_provenance(options),
        languages=tuple(channel.language for channel in channels.values() if channel.language is not None),
    )


def _language_of(call: Call, index: int, scan: ChannelScan, options: TranscriptionOptions) -> ChannelLanguage:
    """The language a channel is decoded in (languages.py): detected from its first window of
    speech when the model is multilingual and more than one language is allowed."""
    model = resolve_model(options.model)
    allowed = options.allowed_languages
    if not is_multilingual(str(model.path)):
        if allowed and "en" not in allowed:
            raise ModelNotAvailable(f"{model.name} is an English-only model and transcription.language is {options.language!r}; use model: base")
        return ChannelLanguage(index, scan.speaker, "en", None, "assumed (English-only model)")
    if allowed and len(allowed) == 1:
        return ChannelLanguage(index, scan.speaker, allowed[0], None, "configured")
    for _offset, audio in channel_windows(call, scan, options.window_seconds):
        if loudest_dbfs(audio) >= SILENCE_DBFS:
            language, probability = backend_for(options).detect_language(audio, options)
            return ChannelLanguage(index, scan.speaker, language, probability, "detected")
    return ChannelLanguage(index, scan.speaker, (allowed or ("en",))[0], None, "assumed (no speech to detect it from)")


def _decoded_windows(
    call: Call, channels: dict[int, _Channel], options: TranscriptionOptions, regions: Regions | None = None
) -> Iterator[tuple[int, int, np.ndarray, list[Segment]]]:
    """(channel index, offset in samples, audio, segments on the window's own clock) for every
    audible window of the call, channel after channel, in order. Up to
    ``options.engine_workers`` windows are decoded at once; no more are read ahead than that."""
    backend = backend_for(options)

    def heard(index: int, channel: _Channel) -> Iterator[tuple[int, np.ndarray]]:
        for window in channel_windows(call, channel.scan, options.window_seconds):
            yield window if regions is None else _only(window, regions[index])

    windows = (
        (index, offset, audio)
        for index, channel in channels.items()
        for offset, audio in heard(index, channel)
        if loudest_dbfs(audio) >= SILENCE_DBFS  # a silent stretch (hold, or the other party talking at length)
    )

    def decode(index: int, audio: np.ndarray) -> list[Segment]:
        language = channels[index].language
        return backend.transcribe_channel(audio, options, channels[index].scan.speaker, index, language.language if language else "en")

    if options.engine_workers == 1:
        for index, offset, audio in windows:
            yield index, offset, audio, decode(index, audio)
        return
    pool = ThreadPoolExecutor(options.engine_workers, thread_name_prefix="callaudit-asr")
    pending: deque[tuple[int, int, np.ndarray, Future[list[Segment]]]] = deque()
    try:
        for index, offset, audio in windows:
            pending.append((index, offset, audio, pool.submit(decode, index, audio)))
            if len(pending) == options.engine_workers:
                index, offset, audio, decoding = pending.popleft()
                yield index, offset, audio, decoding.result()
        for index, offset, audio, decoding in pending:
            yield index, offset, audio, decoding.result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _only(window: tuple[int, np.ndarray], spans: list[tuple[float, float]]) -> tuple[int, np.ndarray]:
    """A window with everything outside ``spans`` (seconds on the call's clock) made silent."""
    offset, audio = window
    keep = np.zeros(len(audio), bool)
    for start, end in spans:
        a, b = max(0, int(start * SAMPLE_RATE) - offset), min(len(audio), int(end * SAMPLE_RATE) - offset)
        if b > a:
            keep[a:b] = True
    return offset, np.where(keep, audio, np.float32(0)) if not keep.all() else audio


class _Channel:
    """One channel's windows as they are heard, put on the call's clock; ``finish`` gives its
    segments (turns labelled for a mono recording, loops marked)."""

    def __init__(self, scan: ChannelScan, options: TranscriptionOptions, mono: bool = True) -> None:
        self.scan, self.options = scan, options
        self.speech = scan.speech  # per 10 ms frame
        self.mono = mono and scan.speaker == UNKNOWN and options.mono_speakers  # both parties on this channel
        self.heard: list[Segment] = []
        self.language: ChannelLanguage | None = None
        self.turns: list[Segment] = []
        self.prints: list[np.ndarray | None] = []

    def add(self, window: list[Segment], offset: int, audio: np.ndarray) -> None:
        at = offset / SAMPLE_RATE
        window = [_shifted(s, at) for s in window]
        if self.options.align_words:
            window = snap_to_speech(window, self.speech)
        if self.mono:  # voice prints need the audio: taken now, labelled once the whole call is heard
            window_turns = split_turns(window)
            self.turns.extend(window_turns)
            self.prints.extend(turn_prints(window_turns, audio, at))
        self.heard.extend(window)

    def finish(self) -> list[Segment]:
        heard = self.heard
        if self.mono:
            heard = label_turns(heard, self.turns, self.prints)  # agent or customer per turn, by voice and role
        return cover_speech([mark_loops(s) for s in heard], self.speech)


def _shifted(segment: Segment, seconds: float) -> Segment:
    if not seconds:
        return segment
    words = tuple(replace(w, start=round(w.start + seconds, 3), end=round(w.end + seconds, 3)) for w in segment.words)
    return replace(segment, start=round(segment.start + seconds, 3), end=round(segment.end + seconds, 3), words=words)
