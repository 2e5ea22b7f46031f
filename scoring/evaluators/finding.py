"""Forbidden events found by redaction (e.g. the agent reading card data back)."""

from __future__ import annotations

from ..context import CallContext
from ..rubric import FindingMethod
from ..types import QUOTE_CHARS, Evidence, Outcome

# Redaction's "maybe" for a finding: evidence for a person to check, never a violation alone.
POSSIBLE = {"PCI_READ_BACK": "POSSIBLE_READ_BACK"}


def evaluate_no_finding(method: FindingMethod, ctx: CallContext) -> Outcome:
    transcript = ctx.transcript
    segments = {s.id: s for s in transcript.segments}

    def evidence(found) -> tuple[Evidence, ...]:  # noqa: ANN001
        return tuple(
            Evidence(f.segment_id, f.start, f.end, f.speaker, segments[f.segment_id].text[:QUOTE_CHARS] if f.segment_id in segments else "")
            for f in found[:3]
        )

    hits = [f for f in transcript.findings if f.kind in method.findings]
    if hits:
        return Outcome("no", 0.95, evidence(hits), "; ".join(sorted({f.detail for f in hits})))
    maybe = {POSSIBLE[k] for k in method.findings if k in POSSIBLE}
    possible = [f for f in transcript.findings if f.kind in maybe]
    if possible:
        return Outcome("yes", 0.4, evidence(possible), "uncertain: " + "; ".join(sorted({f.detail for f in possible})), uncertain=True)
    return Outcome("yes", 0.9, (), f"no {', '.join(method.findings)} finding")
