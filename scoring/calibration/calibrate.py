"""A calibration run: machine against human graders, per criterion and on totals; fitted
parameters; the gate; and the calibrated rubric version it would promote."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

from ..context import CallContext
from ..evaluators import evaluate
from ..rubric import Rubric
from ..scorer import total_from_answers
from .grades import GradeSet, by_grader
from .stats import cohen_kappa, fleiss_kappa, icc, krippendorff_alpha, mae_and_bias
from .tuning import NA, Fit, fit_criterion, machine_answer


@dataclass
class Disagreement:
    call_id: str
    machine: str
    consensus: str
    start: float | None
    quote: str | None


@dataclass
class CriterionCalibration:
    criterion_id: str
    critical: bool
    target_kappa: float
    fit: Fit
    machine_vs_graders: dict[str, float]  # kappa per grader (weighted for ordinal scales)
    graders_vs_consensus: dict[str, float]  # each grader against the others' consensus
    graders_alpha: float  # Krippendorff's alpha among the human graders
    graders_fleiss: float | None  # Fleiss' kappa, when every call has the same number of grades
    confusion: dict[str, dict[str, int]]  # machine answer -> consensus answer -> count
    disagreements: list[Disagreement]
    passed: bool

    @property
    def kappa(self) -> float:
        return self.fit.kappa_after


@dataclass
class CalibrationResult:
    rubric_id: str
    rubric_version: int
    rubric_hash: str
    calls: list[str]
    graders: list[str]
    criteria: list[CriterionCalibration]
    totals: dict[str, object]
    verdict: str  # "promote" or "refuse"
    reasons: list[str] = field(default_factory=list)
    calibrated_rubric: Rubric | None = None

    def to_dict(self) -> dict:
        d = asdict(self)
        d["calibrated_rubric"] = None if self.calibrated_rubric is None else {
            "id": self.calibrated_rubric.id, "version": self.calibrated_rubric.version, "hash": self.calibrated_rubric.content_hash,
        }  # fmt: skip
        return d


def calibrate(rubric: Rubric, contexts: dict[str, CallContext], grades: GradeSet) -> CalibrationResult:
    """Compare, fit and judge. ``contexts`` holds a CallContext per call in the calibration set."""
    consensus = grades.consensus(rubric)
    graders = grades.graders
    per_grader = by_grader(grades)
    calls = sorted(c for c in grades.calls if c in contexts)
    results = []
    fitted_params: dict[str, tuple[str, float]] = {}
    for _, criterion in rubric.criteria():
        human = {c: _label(consensus[(c, criterion.id)]) for c in calls if (c, criterion.id) in consensus}
        if not human:
            continue
        fit = fit_criterion(criterion, contexts, human)
        method = criterion.method.model_copy(update={fit.parameter: fit.fitted}) if fit.parameter else criterion.method
        machine = {c: machine_answer(criterion, contexts[c], method) for c in human}
        ordinal = len(criterion.scale) > 2
        weights = "linear" if ordinal else None
        order = [NA, *sorted(criterion.scale, key=criterion.scale.get)]
        vs_graders = {
            g: cohen_kappa([machine[c] for c in human if (c, criterion.id) in per_grader[g]],
                           [_label(per_grader[g][(c, criterion.id)]) for c in human if (c, criterion.id) in per_grader[g]],
                           weights, order if ordinal else None)
            for g in graders
        }  # fmt: skip
        vs_consensus = {}
        for g in graders:
            others = GradeSet({k: {o: a for o, a in by.items() if o != g} for k, by in grades.answers.items() if k[1] == criterion.id and len(by) > 1})
            rest = others.consensus(rubric)
            keys = [(c, criterion.id) for c in human if (c, criterion.id) in per_grader[g] and (c, criterion.id) in rest]
            vs_consensus[g] = cohen_kappa([_label(per_grader[g][k]) for k in keys], [_label(rest[k]) for k in keys], weights, order if ordinal else None)
        matrix = [[_label(per_grader[g][(c, criterion.id)]) if (c, criterion.id) in per_grader[g] else None for c in human] for g in graders]
        alpha = krippendorff_alpha(matrix, "nominal") if len(graders) > 1 else math.nan
        counts = [[sum(1 for g in graders if (c, criterion.id) in per_grader[g] and _label(per_grader[g][(c, criterion.id)]) == a) for a in order] for c in human]
        fleiss = fleiss_kappa(counts) if len(graders) > 1 and len({sum(r) for r in counts}) == 1 else None
        confusion: dict[str, dict[str, int]] = {}
        for c in human:
            confusion.setdefault(machine[c], {}).setdefault(human[c], 0)
            confusion[machine[c]][human[c]] += 1
        disagreements = []
        for c in human:
            if machine[c] != human[c]:
                ev = evaluate(method, contexts[c]).evidence if machine[c] != NA else ()
                disagreements.append(Disagreement(c, machine[c], human[c], ev[0].start if ev else None, ev[0].quote if ev else None))
        value = fit.kappa_after
        passed = value >= criterion.target_kappa if not math.isnan(value) else fit.agreement_after == 1.0
        results.append(CriterionCalibration(criterion.id, criterion.critical, criterion.target_kappa, fit, vs_graders, vs_consensus, alpha, fleiss, confusion, disagreements, passed))
        if fit.parameter:
            fitted_params[criterion.id] = (fit.parameter, fit.fitted)

    totals = _totals(rubric, contexts, calls, grades, consensus)
    failed_critical = [r.criterion_id for r in results if r.critical and not r.passed]
    verdict = "refuse" if failed_critical or not results else "promote"
    reasons = [f"critical criterion {c!r} below its kappa target" for c in failed_critical] or ([] if results else ["no graded criterion"])
    reasons += [f"{r.criterion_id}: kappa {r.kappa:.2f} below target {r.target_kappa:g}: flagged 'needs human review'" for r in results if not r.passed and not r.critical]
    calibrated = _calibrated(rubric, fitted_params, {r.criterion_id for r in results if not r.passed}) if verdict == "promote" else None
    return CalibrationResult(rubric.id, rubric.version, rubric.content_hash, calls, graders, results, totals, verdict, reasons, calibrated)


def _label(answer: str | None) -> str:
    return NA if answer is None else answer


def _totals(rubric: Rubric, contexts: dict[str, CallContext], calls: list[str], grades: GradeSet, consensus) -> dict[str, object]:  # noqa: ANN001
    from ..scorer import score_call

    machine = {c: score_call(contexts[c].transcript, rubric).total for c in calls}
    human = {c: total_from_answers(rubric, {crit: a for (call, crit), a in consensus.items() if call == c}) for c in calls}
    rows = [(c, machine[c], human[c]) for c in calls if machine[c] is not None and human[c] is not None]
    if len(rows) < 2:
        return {"per_call": rows}
    mae, bias = mae_and_bias([m for _, m, _ in rows], [h for _, _, h in rows])
    return {"per_call": rows, "mae": round(mae, 3), "bias": round(bias, 3), "icc": {k: round(v, 4) for k, v in icc([[m, h] for _, m, h in rows]).items()}}


def _calibrated(rubric: Rubric, params: dict[str, tuple[str, float]], needs_review: set[str]) -> Rubric:
    data = rubric.model_dump(mode="json")
    data["version"] = rubric.version + 1
    data["description"] = (data.get("description") or "").strip() + f" Calibrated from version {rubric.version} (sha256 {rubric.content_hash[:12]})."
    for section in data["sections"]:
        for c in section["criteria"]:
            if c["id"] in params:
                param, value = params[c["id"]]
                c["method"][param] = value
            c["needs_review"] = c["id"] in needs_review
    return Rubric.model_validate(data)
