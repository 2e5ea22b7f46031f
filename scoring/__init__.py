"""Scoring: rubrics as versioned data, evaluators that cite their evidence.

The public names load on first use (PEP 562): importing one light module (the types, the
access rules) does not pull in Presidio, spaCy, torch or pandas.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "Criterion": "rubric",
    "CriterionResult": "types",
    "Evidence": "types",
    "Outcome": "types",
    "Rubric": "rubric",
    "RubricError": "errors",
    "RubricNotFound": "errors",
    "Score": "types",
    "ScoringError": "errors",
    "Section": "rubric",
    "SectionScore": "types",
    "find_rubric": "rubric",
    "load_rubric": "rubric",
    "rubric_dirs": "rubric",
    "score_call": "scorer",
}  # fmt: skip

__all__ = [
    "Criterion",
    "CriterionResult",
    "Evidence",
    "Outcome",
    "Rubric",
    "RubricError",
    "RubricNotFound",
    "Score",
    "ScoringError",
    "Section",
    "SectionScore",
    "find_rubric",
    "load_rubric",
    "rubric_dirs",
    "score_call",
]

if TYPE_CHECKING:  # for type checkers and readers: the same names, imported eagerly
    from .errors import RubricError, RubricNotFound, ScoringError
    from .rubric import Criterion, Rubric, Section, find_rubric, load_rubric, rubric_dirs
    from .scorer import score_call
    from .types import CriterionResult, Evidence, Outcome, Score, SectionScore


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'scoring' has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value
