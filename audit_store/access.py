"""Roles, users and the one access check every read goes through.

Every read of a transcript, score, audio file, export or of the access log itself, and every
purge, erasure, calibration and re-score, calls ``check_access``, which writes exactly one
access-log row (allowed or denied) with the PCI DSS 10.2.2 fields: who (the callaudit user and
the OS account that ran the request), role, what event, when (UTC), outcome, where from (host,
process, correlation id: the flow run id, else one id per CLI command), which object, and the
purpose when given.

Who is acting is set once per command or flow run (``set_acting``, a context variable, like
django-auditlog's ``set_actor``); ``audit_store/identity.py`` proves it from the OS account.
"""

from __future__ import annotations

import os
import socket
import sys
from contextvars import ContextVar
from dataclasses import dataclass
from typing import ClassVar
from datetime import datetime, timezone
from enum import Enum

from pydantic import BaseModel, ConfigDict, model_validator
from sqlalchemy.orm import Session

from .chain import append_row
from .errors import AccessDenied
from .schema import AccessLogRecord, CallRecord


class Role(str, Enum):
    AGENT = "agent"  # their own calls
    COACH = "coach"  # their team's calls
    QA_LEAD = "qa_lead"  # all scores and transcripts, calibration
    COMPLIANCE_OFFICER = "compliance_officer"  # exports and the access log, and every call
    ADMIN = "admin"  # everything


class Action(str, Enum):
    READ_CALL = "read_call"  # transcript and score together (`callaudit show`)
    READ_TRANSCRIPT = "read_transcript"
    READ_SCORE = "read_score"
    READ_AUDIO = "read_audio"
    EXPORT = "export"
    READ_ACCESS_LOG = "read_access_log"
    CALIBRATE = "calibrate"  # run a calibration and promote a rubric version
    COACHING_REPORT = "coaching_report"  # an agent's or a team's scores with evidence
    RESCORE = "rescore"  # score stored transcripts again with a rubric
    PURGE = "purge"  # remove content past its retention period
    ERASE = "erase"  # remove one call's content and audio on a data subject's request
    CHANGE_USERS = "change_users"  # the users: section changed (recorded when next seen)
    ACT_AS = "act_as"  # an OS account tried to act as a callaudit user it is not mapped to


# What each action is, in the words a compliance officer reads in an error or the access log.
_ACTION_WORDS = {
    Action.READ_CALL: "read call {id}",
    Action.READ_TRANSCRIPT: "read the transcript of call {id}",
    Action.READ_SCORE: "read the score of call {id}",
    Action.READ_AUDIO: "listen to call {id}",
    Action.EXPORT: "export the audit report for {id}",
    Action.READ_ACCESS_LOG: "read the access log for {id}",
    Action.CALIBRATE: "calibrate rubric {id}",
    Action.COACHING_REPORT: "see the coaching report of {type} {id}",
    Action.RESCORE: "re-score calls with rubric {id}",
    Action.PURGE: "purge what is past its retention period",
    Action.ERASE: "erase call {id}",
    Action.CHANGE_USERS: "change the users: section",
    Action.ACT_AS: "act as {id}",
}


def describe(action: Action | str, object_type: str, object_id: str) -> str:
    """``action`` on the object in plain words: "export the audit report for 2026-12-01..2026-12-02"."""
    try:
        words = _ACTION_WORDS[Action(action)]
    except ValueError:
        return f"{action} {object_type} {object_id}"  # an action this version does not know (a newer writer)
    return words.format(type=object_type, id=object_id)


CALL_ACTIONS = {Action.READ_CALL, Action.READ_TRANSCRIPT, Action.READ_SCORE, Action.READ_AUDIO}
GLOBAL_GRANTS = {
    Role.ADMIN: set(Action),
    Role.COMPLIANCE_OFFICER: set(Action) - {Action.CALIBRATE, Action.RESCORE, Action.PURGE},
    Role.QA_LEAD: CALL_ACTIONS | {Action.CALIBRATE, Action.COACHING_REPORT, Action.RESCORE},
    Role.COACH: set(),
    Role.AGENT: set(),
}


class User(BaseModel):
    """A user from the config file's ``users:`` section."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    role: Role
    team: str | None = None  # required for a coach
    agent_id: str | None = None  # for an agent; defaults to the user name
    # The OS accounts that may act as this user ("@owner": the owner of the data directory);
    # none given: the OS account with the user's name.
    os_accounts: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _check(self) -> "User":
        if self.role is Role.COACH and not self.team:
            raise ValueError(f"user {self.name!r} is a coach and needs a team, e.g. {{role: coach, team: billing}}")
        return self


@dataclass(frozen=True)
class Acting:
    """Who is acting in this command or flow run: the OS account that runs it, the callaudit
    user it proved it may act as (None if it could not), and why not."""

    os_account: str
    correlation_id: str | None = None
    refusal: str | None = None  # why the claimed user was not granted (logged with the denial)


_ACTING: ContextVar[Acting | None] = ContextVar("callaudit_acting", default=None)


def set_acting(acting: Acting) -> None:
    """Set who is acting, once per command or flow run; every access-log row takes it."""
    _ACTING.set(acting)


def current_acting() -> Acting | None:
    return _ACTING.get()


@dataclass(frozen=True)
class Origin:
    """Where a request came from (PCI DSS 10.2.2: origination)."""

    host: str
    process: str
    correlation_id: str | None = None  # the Prefect flow run id, when inside a flow
    os_account: str | None = None

    PROGRAM: ClassVar[str | None] = None  # set by the CLI; else the script name

    @classmethod
    def here(cls, correlation_id: str | None = None) -> "Origin":
        from .identity import os_account

        program = cls.PROGRAM or (os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else "python")
        acting = current_acting()
        correlation_id = correlation_id or (acting.correlation_id if acting else None)
        return cls(socket.gethostname(), f"{program}[{os.getpid()}]", correlation_id, os_account())


def is_allowed(user: User, action: Action, call: CallRecord | None, scope: dict[str, str | None] | None = None) -> bool:
    if action in GLOBAL_GRANTS[user.role]:
        return True
    if action is Action.COACHING_REPORT and scope is not None:
        if user.role is Role.COACH:
            return scope.get("team") is not None and scope.get("team") == user.team
        if user.role is Role.AGENT:
            return scope.get("agent") is not None and scope.get("agent") == (user.agent_id or user.name)
        return False
    if call is None or action not in CALL_ACTIONS:
        return False
    if user.role is Role.COACH:
        return call.team is not None and call.team == user.team
    if user.role is Role.AGENT:
        return call.agent_id is not None and call.agent_id == (user.agent_id or user.name)
    return False


def check_access(
    session: Session,
    user: User | None,
    action: Action,
    object_type: str,
    object_id: str,
    call: CallRecord | None = None,
    purpose: str | None = None,
    origin: Origin | None = None,
    actor_name: str | None = None,
    scope: dict[str, str | None] | None = None,
    missing: bool = False,
) -> bool:
    """Log the request and raise AccessDenied if the user may not do it.

    ``scope`` names the team and/or agent a report covers (a coach may report on their team,
    an agent on themselves). ``missing``: the object does not exist; a user whose role would
    allow it gets the outcome "not found" (and False back: the caller says so), one whose
    access depends on the object is denied, which tells them nothing about what exists.

    The access-log row is written in ``session`` (a write transaction); a denial is committed
    before AccessDenied is raised, so it is never rolled back.
    """
    origin = origin or Origin.here()
    allowed = user is not None and is_allowed(user, action, call, scope)
    outcome = ("not found" if missing else "allowed") if allowed else "denied"
    record = AccessLogRecord(
        at=datetime.now(timezone.utc).isoformat(timespec="microseconds"),
        actor=user.name if user else (actor_name or "unknown"),
        role=user.role.value if user else "none",
        action=action.value,
        object_type=object_type,
        object_id=object_id,
        outcome=outcome,
        purpose=purpose,
        host=origin.host,
        process=origin.process,
        correlation_id=origin.correlation_id,
        os_account=origin.os_account,
        detail=("no such object" if missing else None) if allowed else _denial_reason(user, action, call) + _whose(user, call),
    )
    append_row(session, record)
    if not allowed:
        session.commit()  # ends the caller's transaction: the denial must survive the exception
        raise AccessDenied(f"{record.actor} ({record.role}) may not {describe(action, object_type, object_id)}: {_denial_reason(user, action, call)}")
    return not missing


def _whose(user: User | None, call: CallRecord | None) -> str:
    """For the access log only: whose call a coach was refused. The requester is told the same
    for a call of another team and for a call id that does not exist."""
    if user is not None and user.role is Role.COACH and call is not None:
        return f"; this call belongs to team {call.team!r}"
    return ""


def _denial_reason(user: User | None, action: Action, call: CallRecord | None) -> str:
    acting = current_acting()
    if user is None and acting is not None and acting.refusal:
        return acting.refusal
    if user is None:
        return "unknown user; add the user to the config file's users: section"
    if user.role is Role.COACH and (call is not None or action in CALL_ACTIONS):  # whose call it was: in the log only (_whose)
        return f"a coach sees only team {user.team!r}"
    if user.role is Role.COACH and action is Action.COACHING_REPORT:
        return f"a coach sees only team {user.team!r}"
    if user.role is Role.AGENT and action is Action.COACHING_REPORT:
        return "an agent sees only their own report"
    if user.role is Role.AGENT and (call is not None or action in CALL_ACTIONS):
        return "an agent sees only their own calls"
    return f"role {user.role.value} does not grant {action.value}"
