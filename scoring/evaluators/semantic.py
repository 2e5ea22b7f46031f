"""Semantic similarity: did the agent say something that means this (or, forbidden, that)?

Each agent sentence is embedded once per call; an exemplar list once per process. The answer
rests on the best cosine similarity between a sentence and an exemplar against ``threshold``,
the parameter calibration tunes.
"""

from __future__ import annotations

import numpy as np

from ..context import CallContext
from ..embeddings import exemplar_embeddings
from ..rubric import PhraseMethod, SemanticMethod
from ..types import Outcome
from .phrase import evidence_of, segments_in_window

MAX_EVIDENCE = 3


def best_matches(method: SemanticMethod, ctx: CallContext) -> list[tuple[float, int]]:
    """(similarity, sentence index) for the speaker's sentences in the window, best first."""
    exemplars = tuple(method.exemplars or ctx.knowledge_base[method.exemplars_from])
    window = PhraseMethod(type="phrase", speaker=method.speaker, patterns=["."], within_first=method.within_first, within_last=method.within_last)
    allowed = {s.id for s in segments_in_window(window, ctx.transcript)}
    idx = [i for i, s in enumerate(ctx.sentences) if s.segment.id in allowed]
    if not idx:
        return []
    sims = ctx.sentence_embeddings[idx] @ exemplar_embeddings(exemplars).T
    best = sims.max(axis=1)
    order = np.argsort(-best, kind="stable")
    return [(round(float(best[k]), 4), idx[k]) for k in order]


def evaluate_semantic(method: SemanticMethod, ctx: CallContext) -> Outcome:
    matches = best_matches(method, ctx)
    hits = [(sim, i) for sim, i in matches if sim >= method.threshold]
    top = matches[0][0] if matches else 0.0
    margin = abs(top - method.threshold)
    confidence = round(min(0.95, 0.55 + margin * 2), 3)
    evidence = _evidence(ctx, hits or matches[:1])
    if method.forbidden:
        if hits:
            return Outcome("no", confidence, evidence, f"said something close to a forbidden statement (similarity {top:.2f} ≥ {method.threshold:g})")
        return Outcome("yes", confidence, evidence, f"nothing close to a forbidden statement (best similarity {top:.2f} < {method.threshold:g})")
    if hits:
        return Outcome("yes", confidence, evidence, f"said with similar meaning (similarity {top:.2f} ≥ {method.threshold:g})")
    return Outcome("no", confidence, evidence, f"nothing with similar meaning (best similarity {top:.2f} < {method.threshold:g})")


def _evidence(ctx: CallContext, matches: list[tuple[float, int]]):  # noqa: ANN202
    seen, out = set(), []
    for _sim, i in matches:
        seg = ctx.sentences[i].segment
        if seg.id not in seen:
            seen.add(seg.id)
            out.append(evidence_of(seg))
        if len(out) == MAX_EVIDENCE:
            break
    return tuple(out)
