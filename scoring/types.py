"""Scores: every point explained by evidence from the redacted transcript."""

from __future__ import annotations

from dataclasses import asdict, dataclass

QUOTE_CHARS = 240  # evidence quotes are cut to this length


@dataclass(frozen=True)
class Evidence:
    """Where in the call an answer comes from: a segment, its time span, who spoke, a redacted quote."""

    segment_id: int | None
    start: float  # seconds
    end: float
    speaker: str
    quote: str  # redacted text only


@dataclass(frozen=True)
class Outcome:
    """What an evaluator concluded for one criterion."""

    answer: str  # "yes" or "no"
    confidence: float  # 0..1
    evidence: tuple[Evidence, ...]
    explanation: str
    uncertain: bool = False  # the evaluator cannot tell (e.g. a near miss of a phrase): a person decides


@dataclass(frozen=True)
class CriterionResult:
    criterion_id: str
    section_id: str
    question: str
    answer: str | None  # None when N/A
    points: float
    max_points: float
    na: bool
    critical: bool
    confidence: float
    evidence: tuple[Evidence, ...]
    explanation: str
    needs_review: bool = False  # shown to reviewers: the answer is uncertain, or the criterion's calibration is below target
    uncertain: bool = False  # the machine could not tell: left out of the total until a person answers it


@dataclass(frozen=True)
class SectionScore:
    section_id: str
    title: str
    weight: float
    score: float | None  # percent; None when every criterion is N/A
    points: float
    max_points: float
    auto_failed: bool


@dataclass(frozen=True)
class Score:
    call_id: str
    rubric_id: str
    rubric_version: int
    rubric_hash: str
    total: float | None  # percent, 0-100
    passed: bool
    auto_fail: bool
    auto_fail_reasons: tuple[str, ...]
    sections: tuple[SectionScore, ...]
    criteria: tuple[CriterionResult, ...]
    models: dict[str, str]

    @property
    def pending_review(self) -> tuple[str, ...]:
        """Criteria the machine could not answer: the total leaves them out until a person does."""
        return tuple(c.criterion_id for c in self.criteria if c.uncertain)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "Score":
        return cls(
            **{k: v for k, v in d.items() if k not in ("sections", "criteria", "auto_fail_reasons")},
            auto_fail_reasons=tuple(d["auto_fail_reasons"]),
            sections=tuple(SectionScore(**s) for s in d["sections"]),
            criteria=tuple(
                CriterionResult(**{**c, "evidence": tuple(Evidence(**e) for e in c["evidence"])}) for c in d["criteria"]
            ),
        )
