"""Redaction: payment and personal data out of transcripts and audio, failing closed."""

from .audio import redact_audio
from .engine import get_analyzer
from .normalize import normalize_spoken
from .redact import redact_transcript
from .types import PCI_ENTITIES, Entity, Finding, RedactedSegment, RedactedTranscript, RedactionOptions

__all__ = [
    "Entity",
    "Finding",
    "PCI_ENTITIES",
    "RedactedSegment",
    "RedactedTranscript",
    "RedactionOptions",
    "get_analyzer",
    "normalize_spoken",
    "redact_audio",
    "redact_transcript",
]
