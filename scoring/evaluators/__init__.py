"""Evaluators: one module per evaluation method; each answers a criterion with evidence."""

from __future__ import annotations

from collections.abc import Callable

from ..context import CallContext
from ..rubric import FindingMethod, ForbiddenPhraseMethod, OrderingMethod, PhraseMethod, SemanticMethod, SentimentMethod, TimingMethod
from ..types import Outcome
from .finding import evaluate_no_finding
from .ordering import evaluate_ordering
from .phrase import evaluate_forbidden_phrase, evaluate_phrase, find_phrases
from .semantic import evaluate_semantic
from .sentiment import evaluate_sentiment
from .timing import evaluate_timing

EVALUATORS: dict[type, Callable[..., Outcome]] = {
    PhraseMethod: evaluate_phrase,
    ForbiddenPhraseMethod: evaluate_forbidden_phrase,
    FindingMethod: evaluate_no_finding,
    OrderingMethod: evaluate_ordering,
    SemanticMethod: evaluate_semantic,
    SentimentMethod: evaluate_sentiment,
    TimingMethod: evaluate_timing,
}


def evaluate(method: object, ctx: CallContext) -> Outcome:
    """Run the evaluator for a criterion's method."""
    return EVALUATORS[type(method)](method, ctx)


__all__ = ["EVALUATORS", "evaluate", "find_phrases"]
