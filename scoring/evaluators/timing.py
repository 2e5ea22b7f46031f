"""Conversation timing: interruptions, silences, talk ratio and speech rate."""

from __future__ import annotations

from ..context import CallContext
from ..rubric import TimingMethod
from ..types import Evidence, Outcome
from .phrase import evidence_of


def timing_value(method: TimingMethod, ctx: CallContext) -> tuple[float, tuple[Evidence, ...]]:
    segs = [s for s in ctx.segments if not s.unreliable]
    agent = [s for s in segs if s.speaker == "agent"]
    customer = [s for s in segs if s.speaker == "customer"]
    if method.metric == "interruptions":
        hits = [a for a in agent if any(c.start < a.start < c.end and min(c.end, a.end) - a.start >= method.min_overlap for c in customer)]
        return float(len(hits)), tuple(evidence_of(s) for s in hits[:3])
    if method.metric == "longest_silence":
        gap, where, end = 0.0, None, None
        for s in sorted(segs, key=lambda s: s.start):
            if end is not None and s.start - end > gap:
                gap, where = s.start - end, (end, s.start)
            end = s.end if end is None else max(end, s.end)
        ev = (Evidence(None, round(where[0], 3), round(where[1], 3), "none", "(silence)"),) if where else ()
        return round(gap, 3), ev
    if method.metric == "talk_ratio":
        a = sum(s.end - s.start for s in agent)
        c = sum(s.end - s.start for s in customer)
        return round(a / (a + c), 4) if a + c else 0.0, ()
    words = sum(len(s.text.split()) for s in agent)
    minutes = sum(s.end - s.start for s in agent) / 60
    return round(words / minutes, 1) if minutes else 0.0, ()


def evaluate_timing(method: TimingMethod, ctx: CallContext) -> Outcome:
    value, evidence = timing_value(method, ctx)
    low_ok = method.min is None or value >= method.min
    high_ok = method.max is None or value <= method.max
    bounds = f"[{'' if method.min is None else f'{method.min:g}'}, {'' if method.max is None else f'{method.max:g}'}]"
    answer = "yes" if low_ok and high_ok else "no"
    return Outcome(answer, 0.9, evidence, f"{method.metric.replace('_', ' ')} {value:g} {'within' if answer == 'yes' else 'outside'} {bounds}")
