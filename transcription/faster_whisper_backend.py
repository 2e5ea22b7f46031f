"""The faster-whisper (CTranslate2) backend: one channel of audio in, segments with words out."""

from __future__ import annotations

import os
from functools import lru_cache
from importlib import metadata

import numpy as np

from .loops import token_budget
from .models import InstalledModel, resolve_model
from .numerics import PORTABLE, engines_loaded, pin_numerics
from .options import TranscriptionOptions
from .types import Segment, Word

# Whisper's decoding guards: a window whose text compresses too well is a repetition loop; we
# cap the tokens a segment may produce (loops.py). Whisper's own remedy, decoding it again at a
# higher temperature, samples at random (nothing seeds CTranslate2's sampler per decoding), so
# one recording transcribed differently from run to run: decoding is beam search at temperature
# 0 only, and loops are cut and marked instead (loops.py).
COMPRESSION_RATIO_THRESHOLD = 2.4
TEMPERATURES = (0.0,)  # no sampling fallback: the same audio gives the same words
PAUSE_SPLIT = 1.0  # seconds; a pause this long between words starts a new segment (a new turn)


@lru_cache(maxsize=4)
def get_whisper_model(model_path: str, compute_type: str, threads: int, workers: int = 1, cpu_isa: str = PORTABLE):  # -> faster_whisper.WhisperModel
    """Load a model once per process (cached), under the CPU kernels ``cpu_isa`` names
    (numerics.py). ``workers`` replicas share one copy of the weights, so that many threads can
    transcribe at once."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # a local folder never needs the hub
    pin_numerics(cpu_isa)
    from faster_whisper import WhisperModel

    model = WhisperModel(model_path, device="cpu", compute_type=compute_type, cpu_threads=threads, num_workers=workers, local_files_only=True)
    engines_loaded()
    return model


def engine_version(model: InstalledModel) -> str:
    return f"faster-whisper {metadata.version('faster-whisper')}; model {model.name} ({model.source})"


MAX_NEW_TOKENS = 400  # Whisper's context is 448 tokens, the prompt included


def detect_language(audio: np.ndarray, options: TranscriptionOptions) -> tuple[str, float]:
    """The most probable language of the speech in ``audio`` (16 kHz), among the allowed ones."""
    model = resolve_model(options.model)
    engine = get_whisper_model(str(model.path), options.engine_compute_type, options.engine_threads, options.engine_workers, options.cpu_isa)
    language, probability, everything = engine.detect_language(audio=audio, vad_filter=options.vad, language_detection_segments=2)
    allowed = options.allowed_languages
    if allowed:
        language, probability = max(((code, p) for code, p in everything if code in allowed), key=lambda cp: cp[1], default=(allowed[0], 0.0))
    return language, round(float(probability), 4)


def transcribe_channel(audio: np.ndarray, options: TranscriptionOptions, speaker: str, channel: int, language: str = "en") -> list[Segment]:
    """Transcribe one channel (16 kHz float32 mono) into segments with word timestamps; the
    decoder's tokens per window are capped by the audio's length (``loops.token_budget``).

    Segment ids are set by the caller when channels are merged.
    """
    model = resolve_model(options.model)
    engine = get_whisper_model(str(model.path), options.engine_compute_type, options.engine_threads, options.engine_workers, options.cpu_isa)
    common = dict(language=language, beam_size=options.beam_size, word_timestamps=True, vad_filter=options.vad, temperature=TEMPERATURES,
                  compression_ratio_threshold=COMPRESSION_RATIO_THRESHOLD, max_new_tokens=token_budget(len(audio) / 16000, MAX_NEW_TOKENS),
                  hotwords=", ".join(options.vocabulary) or None)  # fmt: skip
    if options.batch_size:  # speech chunks decoded side by side: 1.35x the throughput in 120 s windows (benchmarks/transcription)
        from faster_whisper import BatchedInferencePipeline

        pieces, _info = BatchedInferencePipeline(model=engine).transcribe(audio, batch_size=options.batch_size, **common)
    else:
        pieces, _info = engine.transcribe(audio, condition_on_previous_text=False, **common)  # one loop does not seed the next window
    segments: list[Segment] = []
    for piece in pieces:
        words = tuple(
            Word(w.word, round(float(w.start), 3), round(float(w.end), 3), round(float(w.probability), 4)) for w in (piece.words or [])
        )
        for part in split_on_pauses(words):
            segments.append(Segment(-1, speaker, channel, part[0].start, part[-1].end, "".join(w.text for w in part), part))
    return segments


def split_on_pauses(words: tuple[Word, ...], pause: float = PAUSE_SPLIT) -> list[tuple[Word, ...]]:
    """Whisper's segments follow its 30 s windows and VAD chunks, not turns: a segment can span
    a long silence (while the other party speaks). Split where words are ``pause`` s apart, so
    segment times say when a party was speaking."""
    parts: list[list[Word]] = []
    for w in words:
        if parts and w.start - parts[-1][-1].end < pause:
            parts[-1].append(w)
        else:
            parts.append([w])
    return [tuple(p) for p in parts if p]
