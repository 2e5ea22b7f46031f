"""Transcribing a call: per channel (per party), merged in time order."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from .align import snap_words
from .speakers import attribute_speakers
from .audio import SAMPLE_RATE, SILENCE_DBFS, check_speech_present, load_channels, loudest_dbfs
from .calls import Call
from .errors import BadAudio
from . import faster_whisper_backend
from .loops import mark_loops
from .models import resolve_model
from .options import TranscriptionOptions
from .types import AGENT, CUSTOMER, Segment, Transcript

UNKNOWN = "unknown"  # a mono recording's speech before speaker attribution


def split_call_channels(call: Call) -> list[tuple[np.ndarray, str]]:
    """Decode a call into (16 kHz mono audio, speaker) per channel, in the order of
    ``Call.sources`` and their channels: the global channel index used by segments and redaction."""
    channels: list[tuple[np.ndarray, str]] = []
    for source in call.sources:
        data = load_channels(source.path)
        if source.role is not None:
            mono = data[0] if len(data) == 1 else np.mean(np.stack(data), axis=0).astype(np.float32)
            channels.append((mono, source.role))
        elif len(data) == 1:
            channels.append((data[0], UNKNOWN))
        elif len(data) == 2:
            for idx, audio in enumerate(data):
                channels.append((audio, AGENT if idx == call.agent_channel else CUSTOMER))
        else:
            raise BadAudio(f"{source.path.name}: {len(data)} channels; a call recording has one or two")
    lengths = {len(a) for a, _ in channels}
    if len(lengths) > 1 and max(lengths) - min(lengths) > SAMPLE_RATE:
        raise BadAudio(
            f"{call.name}: the party recordings differ in length by "
            f"{(max(lengths) - min(lengths)) / SAMPLE_RATE:.1f} s; the pair does not belong to one call"
        )
    check_speech_present([a for a, _ in channels], call.name)
    return channels


def backend_for(options: TranscriptionOptions):  # noqa: ANN201 - a backend module
    """The backend module for ``options.backend``; each has ``transcribe_channel`` and
    ``engine_version`` and returns the same Segment and Word types."""
    if options.backend == "openai-whisper":
        from . import openai_whisper_backend

        return openai_whisper_backend
    return faster_whisper_backend


def transcribe_call(call: Call, options: TranscriptionOptions | None = None) -> Transcript:
    """Transcribe a call into one Transcript; raises BadAudio or ModelNotAvailable.

    >>> transcript = transcribe_call(call, TranscriptionOptions())  # doctest: +SKIP
    """
    options = options or TranscriptionOptions()
    backend = backend_for(options)
    channels = split_call_channels(call)
    segments: list[Segment] = []
    for index, (audio, speaker) in enumerate(channels):
        if loudest_dbfs(audio) < SILENCE_DBFS:
            continue  # a silent leg (e.g. the customer's line while on hold) holds no speech
        heard = backend.transcribe_channel(audio, options, speaker, index)
        if options.align_words:
            heard = snap_words(heard, audio)
        if speaker == UNKNOWN and options.mono_speakers:
            heard = attribute_speakers(heard, audio)  # agent or customer per turn, by voice and role
        segments.extend(mark_loops(s) for s in heard)
    segments.sort(key=lambda s: (s.start, s.channel))

    duration = max(len(a) for a, _ in channels) / SAMPLE_RATE
    return Transcript(
        call_id=call.call_id,
        segments=tuple(replace(s, id=i) for i, s in enumerate(segments)),
        duration=round(duration, 3),
        backend=options.backend,
        model=backend.engine_version(resolve_model(options.model)),
        channels=tuple(speaker for _, speaker in channels),
    )
