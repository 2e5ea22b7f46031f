"""Erasure on a data subject's request (issue #20, deliverable 9): the call's content and audio
are gone everywhere, tombstones say so, the erasure is access-logged, and every check passes."""

from __future__ import annotations

from pathlib import Path

import pytest

from audit_store import AccessDenied, AccessLogRecord, AuditStore, NotFound, User
from audit_store.integrity import verify_url
from audit_store.store import Retention
from tests.audit_store.helpers import fill

OFFICER = User(name="cora", role="compliance_officer")
CALL = "NW-20261121-0001"


@pytest.fixture
def store(tmp_path: Path, redacted_samples) -> AuditStore:
    return fill(AuditStore(f"sqlite:///{tmp_path / 'store.db'}"), redacted_samples, audio_dir=tmp_path / "audio" / CALL)


def test_erase_removes_the_calls_content_and_audio_and_every_check_still_passes(store: AuditStore, tmp_path: Path):
    audio = tmp_path / "audio" / CALL / f"{CALL}.flac"
    assert audio.exists()
    done = store.erase(OFFICER, CALL, reason="GDPR art. 17 request #4411")
    assert sorted(t.kind for t in done.tombstones) == ["redacted_audio", "score", "transcript"]
    assert all(t.reason == "erasure: GDPR art. 17 request #4411" and t.actor == "cora" for t in done.tombstones)
    assert not audio.exists()
    view = store.read_call(User(name="admin", role="admin"), CALL)
    assert view.transcript is None and view.score is None and {t.kind for t in view.purged} == {"transcript", "score", "redacted_audio"}
    assert store.read_call(User(name="admin", role="admin"), "NW-20261121-0002").transcript is not None  # the others stay
    with store.session() as s:
        erased = s.query(AccessLogRecord).filter_by(action="erase").one()
    assert (erased.actor, erased.outcome, erased.object_id, erased.purpose) == ("cora", "allowed", CALL, "GDPR art. 17 request #4411")
    store.verify()
    verify_url(store.url, retention=Retention())  # erasure tombstones are backed by the access log
    assert store.erase(OFFICER, CALL, reason="again").tombstones == ()  # nothing left to remove


def test_only_compliance_and_admin_may_erase_and_a_denial_removes_nothing(store: AuditStore):
    with pytest.raises(AccessDenied, match="may not erase"):
        store.erase(User(name="qa", role="qa_lead"), CALL, reason="because")
    assert store.read_call(User(name="admin", role="admin"), CALL).transcript is not None
    with store.session() as s:
        assert [(r.actor, r.outcome) for r in s.query(AccessLogRecord).filter_by(action="erase")] == [("qa", "denied")]


def test_erase_needs_a_reason_and_an_existing_call(store: AuditStore):
    with pytest.raises(ValueError, match="needs a reason"):
        store.erase(OFFICER, CALL, reason="  ")
    with pytest.raises(NotFound):
        store.erase(OFFICER, "NO-SUCH-CALL", reason="request #1")
