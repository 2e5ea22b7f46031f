"""Scoring a redacted transcript against a rubric: per criterion, section and call."""

from __future__ import annotations

from importlib import metadata

from redaction import RedactedTranscript

from .context import CallContext
from .evaluators import evaluate, find_phrases
from .rubric import Criterion, NoEntities, NoPhrase, Rubric
from .types import CriterionResult, Score, SectionScore


def score_call(transcript: RedactedTranscript, rubric: Rubric, needs_review: frozenset[str] = frozenset()) -> Score:
    """Score one call. Deterministic: the same transcript and rubric version give the same Score.

    ``needs_review`` names criteria whose calibration is below target: their results are marked.

    >>> score = score_call(redacted, find_rubric("core-contact-centre"))  # doctest: +SKIP
    >>> score.total, [c.answer for c in score.criteria]  # doctest: +SKIP
    """
    ctx = CallContext(transcript, rubric.knowledge_base)
    results: list[CriterionResult] = []
    unread = unread_language(transcript, rubric)
    for section, criterion in rubric.criteria():
        if unread:  # its phrases and exemplars are English: a person scores the call
            results.append(
                CriterionResult(criterion.id, section.id, criterion.question, None, 0.0, 0.0, False, criterion.critical, 0.0, (), unread, True, True)
            )
            continue
        na_reason = not_applicable(criterion, transcript)
        if na_reason:
            results.append(
                CriterionResult(criterion.id, section.id, criterion.question, None, 0.0, 0.0, True, criterion.critical, 1.0, (), na_reason, criterion.id in needs_review or criterion.needs_review)
            )
            continue
        outcome = evaluate(criterion.method, ctx)
        # An uncertain answer counts for nothing either way until a person gives it: it is left
        # out of the total, and a critical criterion never auto-fails the call on it.
        points, max_points = (0.0, 0.0) if outcome.uncertain else (criterion.points_for(outcome.answer), criterion.max_points)
        results.append(
            CriterionResult(
                criterion.id, section.id, criterion.question, outcome.answer, points, max_points, False, criterion.critical,
                outcome.confidence, outcome.evidence, outcome.explanation,
                outcome.uncertain or criterion.id in needs_review or criterion.needs_review, outcome.uncertain,
            )
        )  # fmt: skip

    sections, total, auto_fail, failed_critical = aggregate(rubric, results)
    return Score(
        call_id=transcript.call_id,
        rubric_id=rubric.id,
        rubric_version=rubric.version,
        rubric_hash=rubric.content_hash,
        total=total,
        passed=total is not None and total >= rubric.pass_mark and not auto_fail,
        auto_fail=auto_fail,
        auto_fail_reasons=tuple(f"critical criterion '{r.criterion_id}' failed: {r.explanation}" for r in failed_critical),
        sections=tuple(sections),
        criteria=tuple(results),
        models={"asr": transcript.model, **transcript.redaction, **ctx.models, "scoring": f"callaudit {metadata.version('callaudit')}"},
    )


def unread_language(transcript: RedactedTranscript, rubric: Rubric) -> str | None:
    """Why the call cannot be scored by the machine, when a channel speaks a language the rubric
    is not written in (transcription/languages.py), else None."""
    from transcription.languages import NAMES

    other = [lang for lang in transcript.languages if lang["language"] not in rubric.languages]
    if not other:
        return None
    heard = ", ".join(f"{lang['speaker']}: {NAMES.get(lang['language'], lang['language'])} ({lang['language']}, {lang['how']})" for lang in other)
    return f"needs human review: the call is in another language than this rubric's ({', '.join(rubric.languages)}): {heard}"


def aggregate(rubric: Rubric, results: list[CriterionResult]) -> tuple[list[SectionScore], float | None, bool, list[CriterionResult]]:
    """Section scores, the total (percent), whether the call auto-fails, and the failed critical
    criteria. Used for machine scores and for human graders' totals alike."""
    failed_critical = [r for r in results if r.critical and not r.na and not r.uncertain and r.points == 0]
    sections = []
    for section in rubric.sections:
        rs = [r for r in results if r.section_id == section.id and not r.na]
        points, max_points = sum(r.points for r in rs), sum(r.max_points for r in rs)
        auto_failed = rubric.auto_fail_scope == "section" and any(r.section_id == section.id for r in failed_critical)
        score = None if max_points == 0 else (0.0 if auto_failed else round(100 * points / max_points, 2))
        sections.append(SectionScore(section.id, section.title, section.weight, score, round(points, 4), round(max_points, 4), auto_failed))
    scored = [s for s in sections if s.score is not None]
    total = round(sum(s.score * s.weight for s in scored) / sum(s.weight for s in scored), 2) if scored else None
    auto_fail = rubric.auto_fail_scope == "call" and bool(failed_critical)
    return sections, (0.0 if auto_fail else total), auto_fail, failed_critical


def total_from_answers(rubric: Rubric, answers: dict[str, str | None]) -> float | None:
    """The total a set of answers earns (criterion id -> answer, None = N/A): a human grader's
    total is computed exactly as the machine's."""
    results = []
    for section, c in rubric.criteria():
        answer = answers.get(c.id)
        na = answer is None
        results.append(
            CriterionResult(c.id, section.id, c.question, answer, 0.0 if na else c.points_for(answer), 0.0 if na else c.max_points, na, c.critical, 1.0, (), "")
        )
    return aggregate(rubric, results)[1]


def not_applicable(criterion: Criterion, transcript: RedactedTranscript) -> str | None:
    condition = criterion.na_when
    if isinstance(condition, NoEntities):
        present = {e.entity_type for e in transcript.entities}
        if not present & set(condition.no_entities):
            return f"N/A: no {' / '.join(condition.no_entities)} in the call"
    if isinstance(condition, NoPhrase) and not find_phrases(condition.no_phrase, transcript):
        return "N/A: the situation this criterion covers did not occur"
    return None
