"""Fitting a criterion's calibratable parameters to the graders' consensus, with k-fold
cross-validation: agreement is reported on held-out calls only."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..context import CallContext
from ..evaluators import evaluate
from ..evaluators.timing import timing_value
from ..rubric import Criterion, PhraseMethod, SemanticMethod, SentimentMethod, TimingMethod
from ..scorer import not_applicable
from .stats import cohen_kappa, percent_agreement

NA = "N/A"
MAX_FOLDS = 5
PHRASE_WINDOWS = (5.0, 10.0, 15.0, 20.0, 30.0, 45.0, 60.0, 90.0, 120.0)  # seconds


def machine_answer(criterion: Criterion, ctx: CallContext, method: object | None = None) -> str:
    """The machine's answer (N/A as "N/A") with ``method`` in place of the criterion's."""
    if not_applicable(criterion, ctx.transcript):
        return NA
    return evaluate(method or criterion.method, ctx).answer


def candidates(criterion: Criterion, contexts: dict[str, CallContext]) -> list[tuple[str, float]]:
    """(parameter, value) pairs to try for the criterion's method."""
    m = criterion.method
    if isinstance(m, SemanticMethod):
        if m.contrasts or m.contrasts_from:  # a contrast: exemplar similarity minus contrast similarity
            return [("threshold", round(float(v), 3)) for v in np.arange(-0.30, 0.4001, 0.02)]
        return [("threshold", round(float(v), 3)) for v in np.arange(0.30, 0.9001, 0.025)]
    if isinstance(m, SentimentMethod):
        return [("threshold", round(float(v), 3)) for v in np.arange(-0.6, 0.6001, 0.05)]
    if isinstance(m, TimingMethod):
        observed = sorted({timing_value(m, ctx)[0] for ctx in contexts.values()})
        values = sorted(set(observed) | {(a + b) / 2 for a, b in zip(observed, observed[1:], strict=False)})
        return [(bound, round(float(v), 4)) for bound in ("min", "max") if getattr(m, bound) is not None for v in values]
    if isinstance(m, PhraseMethod):
        return [(p, v) for p in ("within_first", "within_last") if getattr(m, p) is not None for v in PHRASE_WINDOWS]
    return []


def agreement(machine: list[str], human: list[str]) -> tuple[float, float]:
    """(kappa, percent agreement); kappa is nan when neither side varies."""
    return cohen_kappa(machine, human), percent_agreement(machine, human)


def _objective(machine: list[str], human: list[str]) -> tuple[float, float]:
    kappa, pa = agreement(machine, human)
    return (pa if math.isnan(kappa) else kappa), pa


@dataclass(frozen=True)
class Fit:
    criterion_id: str
    parameter: str | None  # None: nothing to calibrate
    default: float | None
    fitted: float | None
    kappa_before: float  # default parameters, all calls (nothing fitted)
    agreement_before: float
    kappa_after: float  # pooled held-out predictions, each fold fitted on the others
    agreement_after: float
    folds: int


def _best(criterion: Criterion, contexts: dict[str, CallContext], calls: list[str], consensus: dict[str, str]) -> tuple[str, float] | None:
    """The parameter value that agrees best with the consensus on ``calls``. The default is
    always a candidate and is kept unless another value agrees strictly better: a small or
    unanimous calibration set moves nothing."""
    options = candidates(criterion, contexts)
    if not options:
        return None
    default = {p: getattr(criterion.method, p) for p, _ in options}
    options = [(p, float(v)) for p, v in default.items()] + [o for o in options if o[1] != default[o[0]]]
    best, best_key = None, None
    for param, value in options:
        method = criterion.method.model_copy(update={param: value})
        answers = [machine_answer(criterion, contexts[c], method) for c in calls]
        obj = _objective(answers, [consensus[c] for c in calls])
        key = (round(obj[0], 9), round(obj[1], 9), -abs(value - default[param]))  # ties: the default, then near it
        if best_key is None or key > best_key:
            best, best_key = (param, value), key
    return best


def fit_criterion(criterion: Criterion, contexts: dict[str, CallContext], consensus: dict[str, str]) -> Fit:
    """Fit on all calls (the parameter that will be promoted) and estimate, by k-fold
    cross-validation, the agreement it will have on calls it was not fitted on."""
    calls = sorted(c for c in consensus if c in contexts)
    human = [consensus[c] for c in calls]
    before = [machine_answer(criterion, contexts[c]) for c in calls]
    kb, pb = agreement(before, human)
    final = _best(criterion, contexts, calls, consensus) if len(calls) >= 2 else None
    if final is None:
        return Fit(criterion.id, None, None, None, kb, pb, kb, pb, 0)
    k = min(MAX_FOLDS, len(calls))
    held_out: dict[str, str] = {}
    for fold in range(k):
        test = [c for i, c in enumerate(calls) if i % k == fold]
        train = [c for c in calls if c not in test]
        fitted = _best(criterion, contexts, train, consensus)
        method = criterion.method.model_copy(update={fitted[0]: fitted[1]}) if fitted else criterion.method
        for c in test:
            held_out[c] = machine_answer(criterion, contexts[c], method)
    ka, pa = agreement([held_out[c] for c in calls], human)
    return Fit(criterion.id, final[0], getattr(criterion.method, final[0]), final[1], kb, pb, ka, pa, k)
