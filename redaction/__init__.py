"""Redaction: payment and personal data out of transcripts and audio, failing closed.

The public names load on first use (PEP 562): importing one light module (the types, the
access rules) does not pull in Presidio, spaCy, torch or pandas.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "Entity": "types",
    "Finding": "types",
    "Leak": "types",
    "PCI_ENTITIES": "types",
    "RedactedSegment": "types",
    "RedactedTranscript": "types",
    "RedactionOptions": "types",
    "Verification": "verify",
    "VerificationFailed": "verify",
    "get_analyzer": "engine",
    "normalize_spoken": "normalize",
    "redact_and_verify": "verify",
    "redact_audio": "audio",
    "redact_transcript": "redact",
}  # fmt: skip

__all__ = [  # noqa: RUF022 - as _EXPORTS
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

if TYPE_CHECKING:  # for type checkers and readers: the same names, imported eagerly
    from .audio import redact_audio
    from .engine import get_analyzer
    from .normalize import normalize_spoken
    from .redact import redact_transcript
    from .types import PCI_ENTITIES, Entity, Finding, Leak, RedactedSegment, RedactedTranscript, RedactionOptions
    from .verify import Verification, VerificationFailed, redact_and_verify


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'redaction' has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value
