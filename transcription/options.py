"""Transcription options: one frozen dataclass, checked in one place."""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass

from .numerics import CPU_ISAS

BACKENDS = ("faster-whisper", "openai-whisper")
MAX_VOCABULARY_CHARS = 400  # Whisper's prompt is half its 448-token context; names take ~1 token per 3 characters
COMPUTE_TYPES = {  # per backend, on CPU; "auto" = the first
    "faster-whisper": ("int8", "int8_float32", "float32", "default"),
    "openai-whisper": ("float32",),
}


@dataclass(frozen=True)
class TranscriptionOptions:
    """How calls are transcribed; settable from the config file (``transcription:``) and the CLI.

    >>> TranscriptionOptions(model="tiny.en", beam_size=5)
    TranscriptionOptions(backend='faster-whisper', model='tiny.en', compute_type='auto', beam_size=5, vad=True, language='en', threads=0, workers=0, align_words=True, mono_speakers=True, window_seconds=120, batch_size=0, cpu_isa='portable', vocabulary=(), max_call_seconds=14400)
    """

    backend: str = "faster-whisper"
    model: str = "base"  # a model name (see `callaudit models`) or a local model folder
    compute_type: str = "auto"  # auto: int8 for faster-whisper, float32 for openai-whisper
    beam_size: int = 5
    vad: bool = True  # skip silence and hold music (Silero VAD, bundled with faster-whisper)
    language: str = "en"  # a language code (decode as that), "auto" (detect per channel), or the allowed ones: "en,es" (detect among them)
    threads: int = 0  # CPU threads per decoding; 0 = auto (``engine_threads``)
    workers: int = 0  # faster-whisper: windows decoded at once, of one call or of calls running at once; 0 = auto (``engine_workers``)
    align_words: bool = True  # move word boundaries to the pauses in the channel's audio (transcription/align.py)
    mono_speakers: bool = True  # attribute a mono recording's turns to agent and customer (transcription/speakers.py)
    window_seconds: int = 120  # the most audio transcribed at once, cut in a pause: bounds memory on long calls (transcription/windows.py)
    batch_size: int = 0  # faster-whisper: decode this many speech chunks at once (its batched pipeline); 0 = one 30 s window after another
    cpu_isa: str = "portable"  # the CPU kernels every machine decodes with (transcription/numerics.py): portable = AVX2 (x86-64) / NEON (ARM64)
    vocabulary: tuple[str, ...] = ()  # company, product and agent names the decoder is told to expect (faster-whisper hotwords, openai-whisper prompt)
    max_call_seconds: int = 14400  # a recording whose header says it is longer is refused before it is decoded (4 hours)

    def __post_init__(self) -> None:
        _verify_options(self)

    def as_dict(self) -> dict[str, object]:
        return asdict(self)

    @property
    def allowed_languages(self) -> tuple[str, ...] | None:
        """The languages a channel may be detected as (None: any); one language: no detection."""
        if self.language == "auto":
            return None
        return tuple(code.strip() for code in self.language.split(","))

    @property
    def engine_compute_type(self) -> str:
        """The compute type the engine runs ("auto" resolved for the backend)."""
        return COMPUTE_TYPES[self.backend][0] if self.compute_type == "auto" else self.compute_type

    @property
    def engine_threads(self) -> int:
        """CPU threads per decoding ("auto" resolved). faster-whisper: one. CTranslate2 splits
        each of the decoder's matrix products between threads, and tiny.en's are small enough
        that the hand-over costs more than it gives: the benchmark's 3-minute call decodes in
        5.7 s one window at a time on one thread, 7.4 s on two (benchmarks/transcription). The
        cores decode windows side by side instead (``engine_workers``): 3.5 s. openai-whisper
        (torch) gains from threads (22.0 s on two, 34.1 s on one) and decodes one window at a
        time: all cores."""
        if self.threads:
            return self.threads
        return 1 if self.backend == "faster-whisper" else os.cpu_count() or 1

    @property
    def engine_workers(self) -> int:
        """Windows decoded at once ("auto" resolved): faster-whisper keeps this many engine
        replicas, sharing one copy of the weights, and a call's windows (both channels, and the
        windows of a long call) are decoded side by side; calls running at once in one process
        share the replicas, so the engine never runs more than this many decodings whatever the
        number of calls. Auto: the cores ÷ ``engine_threads``. openai-whisper: one."""
        if self.backend != "faster-whisper":
            return 1
        return self.workers or max(1, (os.cpu_count() or 1) // self.engine_threads)


def _verify_options(o: TranscriptionOptions) -> None:
    if o.backend not in BACKENDS:
        raise ValueError(f"transcription backend {o.backend!r} is not supported; use one of {', '.join(BACKENDS)}")
    if o.compute_type != "auto" and o.compute_type not in COMPUTE_TYPES[o.backend]:
        raise ValueError(f"compute_type {o.compute_type!r} is not supported by {o.backend} on CPU; use auto or one of {', '.join(COMPUTE_TYPES[o.backend])}")
    if not 1 <= o.beam_size <= 10:
        raise ValueError(f"beam_size must be between 1 and 10, got {o.beam_size}")
    if o.threads < 0:
        raise ValueError(f"threads must be 0 (auto) or a positive number, got {o.threads}")
    if o.workers < 0:
        raise ValueError(f"workers must be 0 (auto) or a positive number, got {o.workers}")
    if not 60 <= o.window_seconds <= 3600:
        raise ValueError(f"window_seconds must be between 60 and 3600, got {o.window_seconds}")
    if not 0 <= o.batch_size <= 32:
        raise ValueError(f"batch_size must be between 0 (no batching) and 32, got {o.batch_size}")
    if o.batch_size and o.backend != "faster-whisper":
        raise ValueError("batch_size is a faster-whisper option; set it to 0 for openai-whisper")
    if o.batch_size and not o.vad:
        raise ValueError("batch_size needs vad: true (the batches are the speech chunks the VAD finds)")
    from .languages import LANGUAGE_CODES

    unknown = [c for c in (o.allowed_languages or ()) if c not in LANGUAGE_CODES]
    if unknown or not o.language:
        raise ValueError(f"language {o.language!r}: {', '.join(unknown) or 'empty'} is not a Whisper language code; use e.g. en, auto, or en,es")
    if o.cpu_isa not in CPU_ISAS:
        raise ValueError(f"cpu_isa {o.cpu_isa!r} is not known; use one of {', '.join(CPU_ISAS)}")
    if isinstance(o.vocabulary, str) or not all(isinstance(w, str) and w.strip() for w in o.vocabulary):
        raise ValueError(f"vocabulary must be a list of words or names, got {o.vocabulary!r}")
    object.__setattr__(o, "vocabulary", tuple(dict.fromkeys(w.strip() for w in o.vocabulary)))
    if sum(len(w) for w in o.vocabulary) > MAX_VOCABULARY_CHARS:
        raise ValueError(f"vocabulary is {sum(len(w) for w in o.vocabulary)} characters; at most {MAX_VOCABULARY_CHARS} fit in the decoder's prompt")
    if not 60 <= o.max_call_seconds <= 86400:
        raise ValueError(f"max_call_seconds must be between 60 and 86400 (24 hours), got {o.max_call_seconds}")
    if not o.model:
        raise ValueError("model must be a model name such as 'tiny.en' or a local model folder")
