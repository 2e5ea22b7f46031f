"""Transcription: recordings in, Transcripts (segments with speakers and word timestamps) out.

The public names load on first use (PEP 562), so that importing ``transcription.numerics``
(which must happen before NumPy is imported) or a light module costs nothing.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "AUDIO_EXTENSIONS": "audio", "SAMPLE_RATE": "audio", "load_channels": "audio", "read_audio_info": "audio",
    "AudioSource": "calls", "Call": "calls", "CallMetadata": "calls", "Rejected": "calls", "discover_calls": "calls", "sha256_file": "calls",
    "BadAudio": "errors", "BadMetadata": "errors", "ModelNotAvailable": "errors", "TranscriptionError": "errors",
    "InstalledModel": "models", "list_models": "models", "resolve_model": "models",
    "NumericsError": "numerics", "pin_numerics": "numerics", "numerics_profile": "numerics",
    "TranscriptionOptions": "options",
    "UNKNOWN": "transcribe", "split_call_channels": "transcribe", "transcribe_call": "transcribe",
    "AGENT": "types", "CUSTOMER": "types", "Segment": "types", "Transcript": "types", "Word": "types",
}  # fmt: skip

__all__ = sorted(_EXPORTS)

if TYPE_CHECKING:  # for type checkers and readers: the same names, imported eagerly
    from .audio import AUDIO_EXTENSIONS, SAMPLE_RATE, load_channels, read_audio_info
    from .calls import AudioSource, Call, CallMetadata, Rejected, discover_calls, sha256_file
    from .errors import BadAudio, BadMetadata, ModelNotAvailable, TranscriptionError
    from .models import InstalledModel, list_models, resolve_model
    from .numerics import NumericsError, numerics_profile, pin_numerics
    from .options import TranscriptionOptions
    from .transcribe import UNKNOWN, split_call_channels, transcribe_call
    from .types import AGENT, CUSTOMER, Segment, Transcript, Word


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'transcription' has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value
