"""Errors of the transcription stage. Messages name what failed and how to fix it."""


class TranscriptionError(Exception):
    """Base class for transcription errors."""


class BadAudio(TranscriptionError):
    """The recording cannot be used: empty, corrupt, unsupported, not audio or silent.

    A permanent, per-call failure: the flow quarantines the call with this message as the reason.
    """


class BadMetadata(TranscriptionError):
    """A call's metadata sidecar is not valid JSON or has wrong fields."""


class ModelNotAvailable(TranscriptionError):
    """The configured speech model is not installed; the message says how to install one."""
