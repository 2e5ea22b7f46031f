"""Transcription options: one frozen dataclass, checked in one place."""

from __future__ import annotations

from dataclasses import asdict, dataclass

BACKENDS = ("faster-whisper",)
COMPUTE_TYPES = ("int8", "int8_float32", "float32", "default")


@dataclass(frozen=True)
class TranscriptionOptions:
    """How calls are transcribed; settable from the config file (``transcription:``) and the CLI.

    >>> TranscriptionOptions(model="tiny.en", beam_size=5)
    TranscriptionOptions(backend='faster-whisper', model='tiny.en', compute_type='int8', beam_size=5, vad=True, language='en', threads=0)
    """

    backend: str = "faster-whisper"
    model: str = "tiny.en"  # a model name (see `callaudit models`) or a local model folder
    compute_type: str = "int8"
    beam_size: int = 5
    vad: bool = True  # skip silence and hold music (Silero VAD, bundled with faster-whisper)
    language: str = "en"
    threads: int = 0  # CPU threads for the engine; 0 = all cores

    def __post_init__(self) -> None:
        _verify_options(self)

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def _verify_options(o: TranscriptionOptions) -> None:
    if o.backend not in BACKENDS:
        raise ValueError(f"transcription backend {o.backend!r} is not supported; use one of {', '.join(BACKENDS)}")
    if o.compute_type not in COMPUTE_TYPES:
        raise ValueError(f"compute_type {o.compute_type!r} is not supported on CPU; use one of {', '.join(COMPUTE_TYPES)}")
    if not 1 <= o.beam_size <= 10:
        raise ValueError(f"beam_size must be between 1 and 10, got {o.beam_size}")
    if o.threads < 0:
        raise ValueError(f"threads must be 0 (all cores) or a positive number, got {o.threads}")
    if not o.model:
        raise ValueError("model must be a model name such as 'tiny.en' or a local model folder")
