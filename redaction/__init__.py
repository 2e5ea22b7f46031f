"""Redaction: payment and personal data out of transcripts and audio, failing closed."""

from .audio import redact_audio
from .engine import get_analyzer
from .normalize import normalize_spoken
from .redact import redact_transcript
from .types import PCI_ENTITIES, Entity, Finding, Leak, RedactedSegment, RedactedTranscript, RedactionOptions
from .verify import Verification, VerificationFailed, redact_and_verify

__all__ = [
    "Entity",
    "Finding",
    "Leak",
    "PCI_ENTITIES",
    "RedactedSegment",
    "RedactedTranscript",
    "RedactionOptions",
    "Verification",
    "VerificationFailed",
    "get_analyzer",
    "normalize_spoken",
    "redact_and_verify",
    "redact_audio",
    "redact_transcript",
]
