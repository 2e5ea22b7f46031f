"""Re-scoring stored redacted transcripts with another rubric (version). Append-only: the new
score supersedes the call's previous score under the same rubric id; the old one stays."""

from __future__ import annotations

from dataclasses import dataclass

from audit_store import Action, AuditStore, User
from scoring import Rubric, score_call


@dataclass(frozen=True)
class Rescored:
    call_id: str
    total: float | None
    passed: bool
    previous_total: float | None
    superseded: int | None


def rescore_calls(store: AuditStore, user: User | None, rubric: Rubric, call_ids: list[str] | None = None, *, actor_name: str | None = None) -> list[Rescored]:
    """Score the calls (all stored calls when none are named) with ``rubric``; every transcript
    read is access-checked and logged.

    >>> rescore_calls(store, qa_lead, find_rubric("core-contact-centre", version=2), ["NW-1"])  # doctest: +SKIP
    """
    out = []
    purpose = f"re-score with {rubric.id} v{rubric.version}"
    store.check(user, Action.RESCORE, "rubric", f"{rubric.id} v{rubric.version}", purpose=purpose, actor_name=actor_name)  # qa_lead or admin
    for call_id in call_ids or store.call_ids():
        transcript = store.read_transcript(user, call_id, purpose=purpose, actor_name=actor_name)
        previous = store.score_total(call_id, rubric.id)
        row = store.append_score(score_call(transcript, rubric))
        out.append(Rescored(call_id, row.total, row.passed, previous[0] if previous else None, row.supersedes))
    return out


__all__ = ["Rescored", "rescore_calls"]
