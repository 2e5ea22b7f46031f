"""Forbidden events found by redaction (e.g. the agent reading card data back)."""

from __future__ import annotations

from ..context import CallContext
from ..rubric import FindingMethod
from ..types import QUOTE_CHARS, Evidence, Outcome


def evaluate_no_finding(method: FindingMethod, ctx: CallContext) -> Outcome:
    transcript = ctx.transcript
    segments = {s.id: s for s in transcript.segments}
    hits = [f for f in transcript.findings if f.kind in method.findings]
    if not hits:
        return Outcome("yes", 0.9, (), f"no {', '.join(method.findings)} finding")
    evidence = tuple(
        Evidence(f.segment_id, f.start, f.end, f.speaker, segments[f.segment_id].text[:QUOTE_CHARS] if f.segment_id in segments else "")
        for f in hits[:3]
    )
    return Outcome("no", 0.95, evidence, "; ".join(sorted({f.detail for f in hits})))
