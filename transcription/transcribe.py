"""Transcribing a call: per channel (per party), window by window, merged in time order."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from .align import snap_to_speech
from .audio import SAMPLE_RATE, SILENCE_DBFS, loudest_dbfs
from .calls import Call
from . import faster_whisper_backend
from .loops import cover_speech, mark_loops
from .models import resolve_model
from .options import TranscriptionOptions
from .speakers import label_turns, split_turns, turn_prints
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


def transcribe_call(call: Call, options: TranscriptionOptions | None = None) -> Transcript:
    """Transcribe a call into one Transcript; raises BadAudio or ModelNotAvailable.

    Memory stays bounded however long the call (``windows``): each channel is transcribed in
    windows of at most ``options.window_seconds`` (two minutes), cut in pauses.

    >>> transcript = transcribe_call(call, TranscriptionOptions())  # doctest: +SKIP
    """
    options = options or TranscriptionOptions()
    scans = scan_call(call)
    segments: list[Segment] = []
    for index, scan in enumerate(scans):
        if scan.loudest_dbfs < SILENCE_DBFS:
            continue  # a silent leg (e.g. the customer's line while on hold) holds no speech
        segments.extend(_transcribe_channel(call, scan, index, options))
    segments.sort(key=lambda s: (s.start, s.channel))

    return Transcript(
        call_id=call.call_id,
        segments=tuple(replace(s, id=i) for i, s in enumerate(segments)),
        duration=round(max(s.samples for s in scans) / SAMPLE_RATE, 3),
        backend=options.backend,
        model=backend_for(options).engine_version(resolve_model(options.model)),
        channels=tuple(scan.speaker for scan in scans),
    )


def _transcribe_channel(call: Call, scan: ChannelScan, index: int, options: TranscriptionOptions) -> list[Segment]:
    backend = backend_for(options)
    speech = scan.speech  # per 10 ms frame
    mono = scan.speaker == UNKNOWN and options.mono_speakers
    heard: list[Segment] = []
    turns: list[Segment] = []
    prints: list[np.ndarray | None] = []
    for offset, audio in channel_windows(call, scan, options.window_seconds):
        if loudest_dbfs(audio) < SILENCE_DBFS:
            continue  # a silent stretch (hold, or the other party talking at length)
        at = offset / SAMPLE_RATE
        window = [_shifted(s, at) for s in backend.transcribe_channel(audio, options, scan.speaker, index)]
        if options.align_words:
            window = snap_to_speech(window, speech)
        if mono:  # voice prints need the audio: taken now, labelled once the whole call is heard
            window_turns = split_turns(window)
            turns.extend(window_turns)
            prints.extend(turn_prints(window_turns, audio, at))
        heard.extend(window)
    if mono:
        heard = label_turns(heard, turns, prints)  # agent or customer per turn, by voice and role
    return cover_speech([mark_loops(s) for s in heard], speech)


def _shifted(segment: Segment, seconds: float) -> Segment:
    if not seconds:
        return segment
    words = tuple(replace(w, start=round(w.start + seconds, 3), end=round(w.end + seconds, 3)) for w in segment.words)
    return replace(segment, start=round(segment.start + seconds, 3), end=round(segment.end + seconds, 3), words=words)
