"""Evaluators: one module per evaluation method; each answers a criterion with evidence."""

from __future__ import annotations

from collections.abc import Callable

from redaction import RedactedTranscript

from ..rubric import FindingMethod, ForbiddenPhraseMethod, OrderingMethod, PhraseMethod
from ..types import Outcome
from .finding import evaluate_no_finding
from .ordering import evaluate_ordering
from .phrase import evaluate_forbidden_phrase, evaluate_phrase, find_phrases

EVALUATORS: dict[type, Callable[..., Outcome]] = {
    PhraseMethod: evaluate_phrase,
    ForbiddenPhraseMethod: evaluate_forbidden_phrase,
    FindingMethod: evaluate_no_finding,
    OrderingMethod: evaluate_ordering,
}


def evaluate(method: object, transcript: RedactedTranscript) -> Outcome:
    """Run the evaluator for a criterion's method."""
    return EVALUATORS[type(method)](method, transcript)


__all__ = ["EVALUATORS", "evaluate", "find_phrases"]
