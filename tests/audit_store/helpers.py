"""Filling a store with the real redacted sample calls."""

from __future__ import annotations

from audit_store import AuditStore
from scoring import find_rubric, score_call

TEAMS = {"NW-20261121-0001": "billing", "NW-20261121-0002": "customer-care", "NW-20261121-0003": "billing", "WB-20261121-0104": "collections"}


def fill(store: AuditStore, redacted_samples: dict, audio_dir=None, started_at: dict[str, str] | None = None) -> AuditStore:  # noqa: ANN001
    rubric = find_rubric("core-contact-centre")
    for i, (cid, r) in enumerate(sorted(redacted_samples.items())):
        audio = []
        if audio_dir is not None:
            audio_dir.mkdir(parents=True, exist_ok=True)
            path = audio_dir / f"{cid}.flac"
            path.write_bytes(f"redacted audio of {cid}".encode())
            audio = [path]
        store.append_call(
            call_id=cid, audio_sha256=f"{i:064d}", sources=[f"{cid}.flac"], agent_id=f"agent{i}", team=TEAMS[cid],
            started_at=(started_at or {}).get(cid), transcript=r, score=score_call(r, rubric), redacted_audio=audio,
        )  # fmt: skip
    return store
