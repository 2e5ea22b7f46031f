"""Semantic criteria: did the agent say something that means this (or, forbidden, that)?

Decided by contrast, not by one similarity threshold. Each agent sentence is compared with the
criterion's exemplars (what it means: "I'm sorry to hear that") and, when the rubric gives them,
with its contrast exemplars (what it does not mean though it sounds close: "That's not my
problem", or the true version of a wrong claim). A sentence's value is its best similarity to the
exemplars minus its best similarity to the contrasts (or the similarity alone without contrasts);
the call's value is its best sentence's. It is "said" at ``threshold + margin`` or above, "not
said" below ``threshold - margin``, and in between the machine does not guess: the answer is
uncertain, for a person to give ("needs review"), with its confidence. ``threshold`` is what
calibration fits on labelled calls (scoring/calibration/tuning.py).

Each sentence is embedded once per call; an exemplar list once per process.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..context import CallContext
from ..embeddings import exemplar_embeddings
from ..rubric import PhraseMethod, SemanticMethod
from ..types import Outcome
from .phrase import evidence_of, segments_in_window

MAX_EVIDENCE = 3


@dataclass(frozen=True)
class Match:
    value: float  # similarity to the exemplars, minus that to the contrasts when there are any
    similarity: float  # best similarity to an exemplar
    contrast: float | None  # best similarity to a contrast exemplar
    sentence: int  # index into ctx.sentences


def best_matches(method: SemanticMethod, ctx: CallContext) -> list[Match]:
    """Every sentence of the speaker in the window, best value first."""
    exemplars = tuple(method.exemplars or ctx.knowledge_base[method.exemplars_from])
    contrasts = tuple(method.contrasts or (ctx.knowledge_base[method.contrasts_from] if method.contrasts_from else ()))
    window = PhraseMethod(type="phrase", speaker=method.speaker, patterns=["."], within_first=method.within_first, within_last=method.within_last)
    allowed = {s.id for s in segments_in_window(window, ctx.transcript)}
    idx = [i for i, s in enumerate(ctx.sentences) if s.segment.id in allowed]
    if not idx:
        return []
    vectors = ctx.sentence_embeddings[idx]
    similarity = (vectors @ exemplar_embeddings(exemplars).T).max(axis=1)
    contrast = (vectors @ exemplar_embeddings(contrasts).T).max(axis=1) if contrasts else None
    value = similarity - contrast if contrast is not None else similarity
    order = np.argsort(-value, kind="stable")
    return [
        Match(round(float(value[k]), 4), round(float(similarity[k]), 4), None if contrast is None else round(float(contrast[k]), 4), idx[k])
        for k in order
    ]


def evaluate_semantic(method: SemanticMethod, ctx: CallContext) -> Outcome:
    matches = best_matches(method, ctx)
    top = matches[0] if matches else None
    value = top.value if top else float("-inf")
    high, low = method.threshold + method.margin, method.threshold - method.margin
    distance = abs(value - method.threshold) if top else 1.0
    confidence = round(min(0.95, 0.5 + distance * 2), 3)
    said = value >= high
    unsure = top is not None and low <= value < high
    hits = [m for m in matches if m.value >= high]
    evidence = _evidence(ctx, hits or matches[:1])
    how = _describe(top, method) if top else "nothing said in the window"
    if unsure:
        guess = "no" if not method.forbidden else "yes"
        what = "a forbidden statement" if method.forbidden else "what the criterion asks for"
        return Outcome(guess, round(0.5 - distance, 3), evidence, f"uncertain: close to {what} ({how}); listen to decide", uncertain=True)
    if method.forbidden:
        if said:
            return Outcome("no", confidence, evidence, f"said something close to a forbidden statement ({how})")
        return Outcome("yes", confidence, evidence, f"nothing close to a forbidden statement ({how})")
    if said:
        return Outcome("yes", confidence, evidence, f"said with similar meaning ({how})")
    return Outcome("no", confidence, evidence, f"nothing with similar meaning ({how})")


def _describe(m: Match, method: SemanticMethod) -> str:
    if m.contrast is None:
        return f"best similarity {m.similarity:.2f}; said at {method.threshold + method.margin:.2f}, not said below {method.threshold - method.margin:.2f}"
    return (f"best sentence {m.similarity:.2f} to the exemplars, {m.contrast:.2f} to the contrasts: {m.value:+.2f}; "
            f"said at {method.threshold + method.margin:+.2f}, not said below {method.threshold - method.margin:+.2f}")  # fmt: skip


def _evidence(ctx: CallContext, matches: list[Match]):  # noqa: ANN202
    seen, out = set(), []
    for m in matches:
        seg = ctx.sentences[m.sentence].segment
        if seg.id not in seen:
            seen.add(seg.id)
            out.append(evidence_of(seg))
        if len(out) == MAX_EVIDENCE:
            break
    return tuple(out)
