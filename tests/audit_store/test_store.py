"""Append-only, hash-chained, access-logged: with raw SQL as the attacker."""

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from audit_store import (
    AccessDenied,
    AccessLogRecord,
    AppendOnlyViolation,
    AuditStore,
    CallIdInUse,
    CallRecord,
    ChainBroken,
    NotFound,
    User,
)
from scoring import find_rubric, score_call
from tests.audit_store.helpers import fill


@pytest.fixture
def filled(store: AuditStore, redacted_samples) -> AuditStore:
    return fill(store, redacted_samples)


def test_content_edit_and_silent_deletion_are_detected(filled: AuditStore):
    tamper(filled, "UPDATE contents SET body = replace(body, '[CREDIT_CARD]', '[REMOVED]') WHERE kind = 'transcript'", disable_guards=False)
    with pytest.raises(ChainBroken, match="content was changed"):
        filled.verify()


def test_content_deleted_without_tombstone_is_detected(filled: AuditStore):
    tamper(filled, "DELETE FROM contents WHERE kind = 'score'", disable_guards=False)
    with pytest.raises(ChainBroken, match="without a retention tombstone"):
        filled.verify()


def tamper(store: AuditStore, sql: str, *, disable_guards: bool = True) -> None:
    """Run raw SQL as an attacker with database access would, optionally disabling the triggers first."""
    with store.engine.connect() as conn, conn.begin():
        if disable_guards:
            if conn.dialect.name == "sqlite":
                for (name,) in conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).fetchall():
                    conn.execute(text(f"DROP TRIGGER {name}"))
            else:
                for table in ("calls", "transcripts", "entities", "findings", "scores", "quarantine", "access_log", "tombstones"):
                    conn.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
        conn.execute(text(sql))


def test_clean_store_verifies(filled: AuditStore):
    heads = {h.table: h for h in filled.verify()}
    assert heads["calls"].rows == 4 and heads["scores"].rows == 4 and heads["entities"].rows > 10


@pytest.mark.parametrize("sql", ["UPDATE scores SET total = 100", "DELETE FROM entities WHERE id = 1", "UPDATE access_log SET outcome = 'allowed'"])
def test_database_refuses_updates_and_deletes(filled: AuditStore, sql: str):
    filled.read_call(User(name="qa", role="qa_lead"), "NW-20261121-0001")  # one access-log row
    with pytest.raises(DBAPIError, match="append-only"):
        tamper(filled, sql, disable_guards=False)


def test_orm_refuses_updates(filled: AuditStore):
    with filled.session() as s:
        call = s.scalars(select(CallRecord)).first()
        call.team = "other"
        with pytest.raises(AppendOnlyViolation):
            s.flush()


def test_edited_row_is_detected_with_expected_and_actual_hash(filled: AuditStore):
    tamper(filled, "UPDATE scores SET total = 100 WHERE call_id = 'NW-20261121-0003'")
    with pytest.raises(ChainBroken) as e:
        filled.verify()
    assert e.value.table == "scores" and e.value.expected != e.value.actual and "changed" in e.value.reason


def test_deleted_row_is_detected(filled: AuditStore):
    tamper(filled, "DELETE FROM findings WHERE id = 1")
    with pytest.raises(ChainBroken, match="findings"):
        filled.verify()


def test_inserted_row_is_detected(filled: AuditStore):
    tamper(filled, "INSERT INTO quarantine (id, prev_hash, row_hash, source, audio_sha256, error_type, reason, created_at) "
                   "VALUES (1, 'x', 'y', 'forged.wav', 'z', 'BadAudio', 'forged', '2026-01-01')")
    with pytest.raises(ChainBroken, match="quarantine"):
        filled.verify()


def _log_count(store: AuditStore) -> int:
    return store.count(AccessLogRecord)


def test_each_read_writes_exactly_one_access_log_row(filled: AuditStore):
    qa = User(name="qa.lead", role="qa_lead")
    before = _log_count(filled)
    view = filled.read_call(qa, "NW-20261121-0001", purpose="calibration")
    assert view.score is not None and view.transcript.segments
    assert _log_count(filled) == before + 1
    with filled.session() as s:
        row = s.scalars(select(AccessLogRecord).order_by(AccessLogRecord.id.desc())).first()
    assert (row.actor, row.role, row.action, row.outcome, row.object_id, row.purpose) == (
        "qa.lead", "qa_lead", "read_call", "allowed", "NW-20261121-0001", "calibration",
    )
    assert row.host and row.process and row.at.endswith("+00:00")


def test_coach_sees_only_their_team_and_denials_are_logged(filled: AuditStore):
    coach = User(name="coach.billing", role="coach", team="billing")
    filled.read_call(coach, "NW-20261121-0001")
    before = _log_count(filled)
    with pytest.raises(AccessDenied, match="team"):
        filled.read_call(coach, "NW-20261121-0002")
    assert _log_count(filled) == before + 1
    with filled.session() as s:
        row = s.scalars(select(AccessLogRecord).order_by(AccessLogRecord.id.desc())).first()
    assert row.outcome == "denied" and row.actor == "coach.billing"
    filled.verify()


def test_agent_sees_only_own_calls_and_unknown_users_are_denied(filled: AuditStore):
    with pytest.raises(AccessDenied):
        filled.read_call(User(name="agent0", role="agent"), "NW-20261121-0002")
    with pytest.raises(AccessDenied, match="unknown user"):
        filled.read_call(None, "NW-20261121-0001", actor_name="mallory")
    assert filled.read_call(User(name="x", role="agent", agent_id="agent0"), "NW-20261121-0001")


def test_rescore_supersedes_and_keeps_the_old_score(filled: AuditStore, redacted_samples):
    rubric = find_rubric("core-contact-centre")
    new = filled.append_score(score_call(redacted_samples["NW-20261121-0001"], rubric))
    assert new.supersedes is not None and filled.count(type(new)) == 5
    filled.verify()


def test_missing_call_is_logged_as_not_found_and_tells_a_scoped_user_nothing(filled: AuditStore):
    """Issue #22: `show` of a call that does not exist was logged as "allowed"."""
    before = _log_count(filled)
    with pytest.raises(NotFound, match=r"no call 'nope' in the store at \S+"):
        filled.read_call(User(name="a", role="admin"), "nope")
    with pytest.raises(NotFound):
        filled.read_transcript(User(name="qa", role="qa_lead"), "nope")
    # a coach may see only their team's calls: a missing one is denied like another team's, so
    # the answer does not tell them which call ids exist
    coach = User(name="coach.billing", role="coach", team="billing")
    with pytest.raises(AccessDenied) as missing:
        filled.read_call(coach, "nope")
    with pytest.raises(AccessDenied) as other_team:
        filled.read_call(coach, "NW-20261121-0002")
    assert str(missing.value) == "coach.billing (coach) may not read call nope: a coach sees only team 'billing'"
    assert str(other_team.value) == str(missing.value).replace("nope", "NW-20261121-0002")
    with filled.session() as s:
        rows = [(r.actor, r.action, r.outcome, r.detail) for r in s.scalars(select(AccessLogRecord).where(AccessLogRecord.id > before).order_by(AccessLogRecord.id))]
    assert [r[:3] for r in rows] == [("a", "read_call", "not found"), ("qa", "read_transcript", "not found"),
                                     ("coach.billing", "read_call", "denied"), ("coach.billing", "read_call", "denied")]  # fmt: skip
    assert rows[0][3] == "no such object" and "this call belongs to team" in rows[3][3]  # the compliance officer sees whose it was
    filled.verify()


def test_denials_say_what_was_refused_in_plain_words(filled: AuditStore, tmp_path):
    from datetime import date

    from audit_store.export import export_period
    from audit_store.store import Retention

    with pytest.raises(AccessDenied, match=r"^coach.billing \(coach\) may not export the audit report for 2026-11-01\.\.2026-11-30: role coach does not grant export$"):
        export_period(filled, User(name="coach.billing", role="coach", team="billing"), date(2026, 11, 1), date(2026, 11, 30), "csv", tmp_path / "out")
    with pytest.raises(AccessDenied, match="may not purge what is past its retention period"):
        filled.purge(User(name="qa", role="qa_lead"), Retention())


def test_a_second_recording_under_a_stored_call_id_is_refused(filled: AuditStore, redacted_samples):
    """Issue #20: two recordings stored under one call_id mixed two agents' calls in a report."""
    r = redacted_samples["NW-20261121-0001"]
    with pytest.raises(CallIdInUse, match="NW-20261121-0001 is already the id of another stored recording"):
        filled.append_call(call_id="NW-20261121-0001", audio_sha256="f" * 64, sources=["other.flac"], agent_id="someone", team="sales",
                           started_at=None, transcript=r, score=score_call(r, find_rubric("core-contact-centre")), redacted_audio=[])  # fmt: skip
    assert filled.count(CallRecord) == len(redacted_samples)
    filled.verify()


@pytest.mark.parametrize("call_id", ["..", "../audio", "x" * 65, "[red]x[/]"])
def test_an_invalid_call_id_is_never_stored(store: AuditStore, redacted_samples, call_id: str):
    r = redacted_samples["NW-20261121-0001"]
    with pytest.raises(ValueError, match="not a valid call id"):
        store.append_call(call_id=call_id, audio_sha256="e" * 64, sources=["x.flac"], agent_id=None, team=None, started_at=None,
                          transcript=r, score=score_call(r, find_rubric("core-contact-centre")), redacted_audio=[])  # fmt: skip
