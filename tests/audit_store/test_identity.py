"""Proven identity (issue #20, finding 1): a command acts as the OS account running it; `--as`
chooses only among the users that account is mapped to; every refusal is logged with the OS
account that tried."""

from __future__ import annotations

from pathlib import Path

import pytest

from audit_store import AccessDenied, AccessLogRecord, AuditStore, Retention, User
from audit_store.chain import compute_hash
from audit_store.identity import act_as, os_account, resolve_principal

ME = os_account()
USERS = {
    "qa": User(name="qa", role="qa_lead", os_accounts=(ME,)),
    "coach": User(name="coach", role="coach", team="billing", os_accounts=("@owner",)),
    "admin": User(name="admin", role="admin", os_accounts=("someone-else",)),
    ME: User(name=ME, role="agent"),  # no os_accounts: the OS account with the user's name
}


@pytest.mark.parametrize(
    "users, claimed, user, refusal",
    [
        ({"qa": USERS["qa"]}, None, "qa", None),  # the one user this account may act as
        ({"qa": USERS["qa"]}, "qa", "qa", None),
        (USERS, "coach", "coach", None),  # "@owner": this account owns the data directory
        (USERS, ME, ME, None),
        (USERS, "admin", None, f"OS account {ME!r} may not act as 'admin'"),  # the tester's `--as admin`
        (USERS, "mallory", None, "unknown user"),
        (USERS, None, None, "choose one with --as"),
        ({"admin": USERS["admin"]}, None, None, "is not mapped to any callaudit user"),
    ],
)  # fmt: skip
def test_who_a_command_acts_as(tmp_path: Path, users, claimed, user, refusal):
    who = resolve_principal(users, claimed, tmp_path)
    assert (who.user.name if who.user else None) == user and who.os_account == ME
    assert (refusal is None and who.refusal is None) or refusal in who.refusal


def test_a_refused_claim_is_logged_with_the_os_account_and_a_correlation_id(store: AuditStore, tmp_path: Path):
    who = act_as(USERS, "admin", tmp_path)
    with pytest.raises(AccessDenied, match="may not act as 'admin'"):
        store.read_access_log(who.user, actor_name=who.name)
    with store.session() as s:
        [row] = s.query(AccessLogRecord).all()
    assert (row.actor, row.outcome, row.os_account) == ("admin", "denied", ME)
    assert row.correlation_id and row.host and str(__import__("os").getpid()) in row.process
    assert "may not act as 'admin'" in row.detail
    store.verify()


def test_purge_is_logged_allowed_or_denied(store: AuditStore, tmp_path: Path):
    qa = act_as(USERS, "qa", tmp_path)
    with pytest.raises(AccessDenied, match="role qa_lead does not grant purge"):
        store.purge(qa.user, Retention(), actor_name=qa.name)
    assert store.purge(User(name="root", role="admin"), Retention()) == []
    with store.session() as s:
        rows = [(r.actor, r.action, r.outcome) for r in s.query(AccessLogRecord).order_by(AccessLogRecord.id)]
    assert rows == [("qa", "purge", "denied"), ("root", "purge", "allowed")]


def test_changes_to_the_users_are_recorded_once(store: AuditStore):
    assert store.record_users({"qa": USERS["qa"]}).object_type == "users"
    assert store.record_users({"qa": USERS["qa"]}) is None  # unchanged
    row = store.record_users({"qa": User(name="qa", role="admin", os_accounts=(ME,)), "coach": USERS["coach"]})
    import json

    change = json.loads(row.detail)
    assert (change["added"], change["changed"], change["removed"]) == (["coach"], ["qa"], [])
    assert row.os_account == ME and row.action == "change_users"
    store.verify()


def test_rows_written_before_the_os_account_column_keep_their_hashes():
    row = AccessLogRecord(id=1, prev_hash="0" * 64, at="t", actor="a", role="admin", action="export", object_type="export", object_id="x",
                          outcome="allowed", purpose=None, host="h", process="p", correlation_id=None, detail=None)  # fmt: skip
    before = compute_hash(row)
    row.os_account = None
    assert compute_hash(row) == before  # a NULL in the new column is not part of the hash
    row.os_account = "alice"
    assert compute_hash(row) != before  # a set one is: it cannot be changed afterwards
