"""Retention: expired content is removed, a tombstone says what, when and why, chains verify."""

from datetime import datetime, timedelta, timezone

import pytest

from audit_store import AuditStore, Retention, TombstoneRecord, User
from tests.audit_store.helpers import fill


def test_purge_leaves_tombstones_and_the_store_still_verifies(store: AuditStore, redacted_samples, tmp_path):
    fill(store, redacted_samples, audio_dir=tmp_path / "audio")
    later = datetime.now(timezone.utc) + timedelta(days=400)
    tombstones = store.purge_expired(Retention(redacted_audio_days=90, transcripts_days=365, scores_days=730), actor="admin", now=later)
    kinds = sorted({t.kind for t in tombstones})
    assert kinds == ["redacted_audio", "transcript"]  # scores are kept 730 days
    assert not list((tmp_path / "audio").iterdir())
    store.verify()
    view = store.read_call(User(name="qa", role="qa_lead"), "NW-20261121-0001")
    assert view.transcript is None and view.score is not None
    assert {t.kind for t in view.purged} == {"transcript", "redacted_audio"}
    again = store.purge_expired(Retention(), actor="admin", now=later)
    assert again == [] and store.count(TombstoneRecord) == len(tombstones)


def test_nothing_is_purged_before_its_time(store: AuditStore, redacted_samples):
    fill(store, redacted_samples)
    assert store.purge_expired(Retention(), actor="admin") == []


def test_access_log_retention_cannot_be_below_twelve_months():
    with pytest.raises(ValueError, match="365"):
        Retention(access_log_days=180)
