"""Scoring: rubrics as versioned data, evaluators that cite their evidence."""

from .errors import RubricError, RubricNotFound, ScoringError
from .rubric import Criterion, Rubric, Section, find_rubric, load_rubric, rubric_dirs
from .scorer import score_call
from .types import CriterionResult, Evidence, Outcome, Score, SectionScore

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
