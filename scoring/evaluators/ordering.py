"""Ordering: one thing before another (identity verified before account details are discussed)."""

from __future__ import annotations

from ..context import CallContext
from ..rubric import OrderingMethod
from ..types import Outcome
from .phrase import evidence_of, find_phrases


def evaluate_ordering(method: OrderingMethod, ctx: CallContext) -> Outcome:
    transcript = ctx.transcript
    firsts = find_phrases(method.first, transcript)
    thens = find_phrases(method.then, transcript)
    if not thens:
        ev = tuple(evidence_of(s) for s in firsts[:1])
        return Outcome("yes", 0.6, ev, "the later step never happened, so nothing came too early")
    then = thens[0]
    before = [s for s in firsts if s.start <= then.start]
    if before:
        return Outcome("yes", 0.85, (evidence_of(before[0]), evidence_of(then)), "done in the required order")
    ev = tuple(evidence_of(s) for s in ([then] + firsts[:1]))
    return Outcome("no", 0.8, ev, "the later step came first" if firsts else "the required first step never happened")
