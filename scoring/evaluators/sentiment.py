"""Tone from sentiment: the agent's overall tone, and where the customer ends up."""

from __future__ import annotations

from statistics import fmean

from ..context import CallContext
from ..rubric import SentimentMethod
from ..types import Outcome
from .phrase import evidence_of


def sentiment_value(method: SentimentMethod, ctx: CallContext) -> tuple[float | None, list]:
    """The metric's value, and the segments it was computed from."""
    scores = ctx.sentiment
    speaker = "agent" if method.metric == "agent_mean" else "customer"
    turns = [s for s in ctx.segments if s.speaker in (speaker, "unknown") and s.id in scores]
    if not turns:
        return None, []
    if method.metric == "agent_mean":
        return round(fmean(scores[s.id] for s in turns), 4), turns
    last = turns[-method.turns :]
    end = fmean(scores[s.id] for s in last)
    if method.metric == "customer_end":
        return round(end, 4), last
    first = turns[: method.turns]
    return round(end - fmean(scores[s.id] for s in first), 4), first + [s for s in last if s not in first]


def evaluate_sentiment(method: SentimentMethod, ctx: CallContext) -> Outcome:
    value, used = sentiment_value(method, ctx)
    if value is None:
        return Outcome("no", 0.3, (), f"no {method.metric.split('_')[0]} speech to judge")
    ordered = sorted(used, key=lambda s: ctx.sentiment[s.id]) if method.metric == "agent_mean" else used
    evidence = tuple(evidence_of(s) for s in ordered[:3])
    confidence = round(min(0.9, 0.5 + abs(value - method.threshold)), 3)
    answer = "yes" if value >= method.threshold else "no"
    return Outcome(answer, confidence, evidence, f"{method.metric.replace('_', ' ')} sentiment {value:+.2f} ({'≥' if answer == 'yes' else '<'} {method.threshold:+.2f})")
