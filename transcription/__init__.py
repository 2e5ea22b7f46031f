"""Transcription: recordings in, Transcripts (segments with speakers and word timestamps) out."""

from .audio import AUDIO_EXTENSIONS, SAMPLE_RATE, load_channels, read_audio_info
from .calls import AudioSource, Call, CallMetadata, Rejected, discover_calls, sha256_file
from .errors import BadAudio, BadMetadata, ModelNotAvailable, TranscriptionError
from .models import InstalledModel, list_models, resolve_model
from .options import TranscriptionOptions
from .transcribe import UNKNOWN, split_call_channels, transcribe_call
from .types import AGENT, CUSTOMER, Segment, Transcript, Word

__all__ = [
    "AGENT",
    "AUDIO_EXTENSIONS",
    "AudioSource",
    "BadAudio",
    "BadMetadata",
    "CUSTOMER",
    "Call",
    "CallMetadata",
    "InstalledModel",
    "ModelNotAvailable",
    "Rejected",
    "SAMPLE_RATE",
    "Segment",
    "Transcript",
    "TranscriptionError",
    "TranscriptionOptions",
    "UNKNOWN",
    "Word",
    "discover_calls",
    "list_models",
    "load_channels",
    "read_audio_info",
    "resolve_model",
    "sha256_file",
    "split_call_channels",
    "transcribe_call",
]
