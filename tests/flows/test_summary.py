"""The batch summary's rows for recordings stored before (issue #22, 4)."""

from __future__ import annotations

from pathlib import Path

from audit_store import AuditStore
from flows.nightly import already_stored
from scoring import find_rubric, score_call
from tests.audit_store.helpers import fill


def test_a_stored_call_found_again_shows_its_score_under_the_batchs_rubric(tmp_path: Path, redacted_samples):
    """After `score --rubric collections`, a rerun showed every stored call with its collections
    score (the latest under any rubric): a core-rubric call appeared as 0.0 AUTO-FAIL."""
    store = fill(AuditStore(f"sqlite:///{tmp_path / 'store.db'}"), redacted_samples)
    call_id = "NW-20261121-0002"
    core = store.score_total(call_id, "core-contact-centre")
    collections = store.append_score(score_call(redacted_samples[call_id], find_rubric("collections")))
    assert (collections.total, collections.passed) != core[:2]  # the other rubric's score differs, so the test can tell them apart
    row = already_stored("contact_update.flac", call_id, store, "core-contact-centre")
    assert (row.status, row.total, row.passed, row.auto_fail, row.reason) == ("skipped", *core, "already stored")
    never = already_stored("contact_update.flac", call_id, store, "a-rubric-never-used")
    assert (never.total, never.passed) == (None, None)  # shown as "-", not as another rubric's score
