"""Errors of the scoring stage."""


class ScoringError(Exception):
    """Base class for scoring errors."""


class RubricError(ScoringError):
    """A rubric file is invalid; the message names the file, the path inside it and a fix."""


class RubricNotFound(ScoringError):
    """No rubric with the requested id (and version) is installed."""
