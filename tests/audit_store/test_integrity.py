"""`verify` finds what the hostile tester did to a store (issue #20, finding 12), and says FAILED
with the expected and the actual value, never a traceback."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from audit_store import AuditStore, ChainBroken, User, export_period
from audit_store.chain import append_row
from audit_store.integrity import StoreInvalid, verify_url
from audit_store.schema import TombstoneRecord, TranscriptRecord
from audit_store.store import Retention, utc_now
from tests.audit_store.helpers import fill

ADMIN = User(name="admin", role="admin")


@pytest.fixture
def filled(tmp_path: Path, redacted_samples) -> str:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    store = fill(AuditStore(url), redacted_samples)
    store.engine.dispose()
    return url


def _sql(url: str, *statements: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement))
    engine.dispose()


def _without_triggers(url: str, table: str, *statements: str) -> None:
    """What the tester did: drop the append-only triggers, change rows, put the triggers back."""
    engine = create_engine(url)
    with engine.begin() as conn:
        triggers = list(conn.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :t"), {"t": table}))
        for name, _ in triggers:
            conn.execute(text(f"DROP TRIGGER {name}"))
        for statement in statements:
            conn.execute(text(statement))
        for _, sql in triggers:
            conn.execute(text(sql))
    engine.dispose()


def test_a_clean_store_verifies_with_every_check(filled: str):
    heads = verify_url(filled, retention=Retention())
    assert {h.table: h.rows for h in heads}["calls"] == 4


def test_a_dropped_trigger_is_detected(filled: str):
    _sql(filled, "DROP TRIGGER scores_no_update")
    with pytest.raises(StoreInvalid, match=r"triggers: .*expected the append-only triggers.*found missing \(or disabled\) scores_no_update"):
        verify_url(filled)


def test_a_store_rolled_back_to_an_older_copy_fails_against_a_later_export(filled: str, tmp_path: Path):
    db = Path(filled.removeprefix("sqlite:///"))
    shutil.copy(db, tmp_path / "older.db")  # the copy the tester rolls back to (WAL checkpointed: the engine was disposed)
    store = AuditStore(filled)
    store.read_call(ADMIN, "NW-20261121-0001", purpose="audit")  # one more access-log row after the copy
    export_period(store, User(name="c", role="compliance_officer"), date.today(), date.today(), "csv", tmp_path / "export")
    store.engine.dispose()
    assert verify_url(filled, against=tmp_path / "export")  # the live store passes through the export's heads
    shutil.copy(tmp_path / "older.db", db)
    verify_url(filled)  # on its own the older copy is a valid store: the chains cannot know
    with pytest.raises(StoreInvalid, match=r"access_log: rows were removed since the export.*expected at least \d+ rows"):
        verify_url(filled, against=tmp_path / "export")


def test_rows_pointing_at_a_deleted_call_are_detected(filled: str):
    _without_triggers(filled, "calls", "DELETE FROM calls WHERE id = (SELECT MAX(id) FROM calls)")  # the tail: the chain still verifies
    with pytest.raises(StoreInvalid, match=r"transcripts row \d+: a row points at a call that is not in the store"):
        verify_url(filled)


def _forge_tombstone(url: str, call_id: str, reason: str) -> None:
    """A tombstone for a call's transcript, correctly chained, and the transcript deleted."""
    store = AuditStore(url)
    with store.writing() as s:
        row = s.query(TranscriptRecord).filter_by(call_id=call_id).one()
        append_row(s, TombstoneRecord(kind="transcript", call_id=row.call_id, target=row.content_sha256, target_sha256=row.content_sha256,
                                      purged_at=utc_now(), reason=reason, actor="mallory"))  # fmt: skip
        s.execute(text("DELETE FROM contents WHERE sha256 = :d"), {"d": row.content_sha256})
    store.engine.dispose()


def test_a_forged_tombstone_is_detected(filled: str):
    _forge_tombstone(filled, "NW-20261121-0001", "retention: transcript kept 365 days")
    with pytest.raises(StoreInvalid, match=r"content removed before its retention period ended .*expected removed 365 days or more"):
        verify_url(filled)


def test_a_tombstone_for_content_the_call_never_had_is_detected(filled: str):
    store = AuditStore(filled)
    with store.writing() as s:
        append_row(s, TombstoneRecord(kind="score", call_id="NW-20261121-0001", target="x", target_sha256="f" * 64, purged_at=utc_now(),
                                      reason="retention: score kept 730 days", actor="admin"))  # fmt: skip
    store.engine.dispose()
    with pytest.raises(StoreInvalid, match="a tombstone for content its call never had"):
        verify_url(filled)


@pytest.mark.parametrize(
    "statements, message",
    [
        (["DELETE FROM alembic_version"], r"alembic_version: the schema version was reset .*expected revision 0004, found revision None"),
        (["UPDATE alembic_version SET version_num = 'zzzz'"], r"alembic_version: .*found revision zzzz"),
        (["DROP TABLE originals"], r"tables: a table was dropped \(expected every callaudit table, found missing originals\)"),
    ],
)
def test_a_reset_schema_version_or_a_dropped_table_is_failed_not_a_traceback(filled: str, statements, message):
    _sql(filled, *statements)
    with pytest.raises(StoreInvalid, match=message):
        verify_url(filled)


def test_an_edited_row_is_still_a_broken_chain(filled: str):
    _without_triggers(filled, "scores", "UPDATE scores SET total = -1 WHERE id = 1")
    with pytest.raises(ChainBroken, match="scores: chain broken at row 1"):
        verify_url(filled)


def test_an_erasure_tombstone_without_an_allowed_erasure_is_detected(filled: str):
    _forge_tombstone(filled, "NW-20261121-0002", "erasure: request #1")
    with pytest.raises(StoreInvalid, match="an erasure tombstone without the erasure that allowed it"):
        verify_url(filled)
