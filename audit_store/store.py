"""The audit store: append-only results, quarantine, batch runs and the access log.

SQLite by default (WAL mode, so readers never block the nightly writer); any SQLAlchemy URL
otherwise. Append-only is enforced twice: by database triggers that abort UPDATE and DELETE on
every table, and by an ORM guard that refuses to flush a changed or deleted row.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import create_engine, delete, event, func, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from redaction import RedactedTranscript
from scoring import Score
from transcription.ids import CALL_ID_RULE, is_valid_call_id

from .access import Action, Origin, User, check_access
from .chain import ChainHead, append_row, canonical_json, sha256_text, verify_chain
from .errors import AlreadyStored, AppendOnlyViolation, CallIdInUse, NotFound
from .migrate import upgrade
from .schema import (
    AccessLogRecord,
    BatchRunRecord,
    CalibrationRunRecord,
    CallRecord,
    OriginalRecord,
    EntityRecord,
    FindingRecord,
    ContentRecord,
    QuarantineRecord,
    ScoreRecord,
    TombstoneRecord,
    TranscriptRecord,
)

# ms a writer waits for another writer's lock before "database is locked" (a transient failure
# the batch retries with backoff); CALLAUDIT_SQLITE_BUSY_TIMEOUT_MS overrides it.
SQLITE_BUSY_TIMEOUT = int(os.environ.get("CALLAUDIT_SQLITE_BUSY_TIMEOUT_MS", "30000"))
WRITE_OPTION = "callaudit_write"


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


@dataclass(frozen=True)
class CallView:
    """What `callaudit show` displays: the call, its redacted transcript and its current score.
    Content removed by a retention purge is None, and ``purged`` says what and when."""

    call: CallRecord
    transcript: RedactedTranscript | None
    score: Score | None
    purged: tuple[TombstoneRecord, ...] = ()


class AuditStore:
    """Open with a SQLAlchemy URL (``sqlite:///path/store.db``); tables are created on first use.

    >>> store = AuditStore("sqlite:///" + str(Path("~/.callaudit/store.db").expanduser()))  # doctest: +SKIP
    """

    def __init__(self, url: str, *, migrate: bool = True) -> None:
        self.url = url
        self.engine = _make_engine(url)
        if migrate:  # `callaudit verify` opens a store as it is (audit_store/integrity.py)
            upgrade(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def location(self) -> str:
        """Where the store is, for messages: the SQLite file, or the URL without its password."""
        url = self.engine.url
        return url.database if url.get_backend_name() == "sqlite" else url.render_as_string(hide_password=True)

    def session(self) -> Session:
        """A session for reading; the append-only guard refuses any update or delete."""
        session = self._sessions()
        event.listen(session, "before_flush", _refuse_changes)
        return session

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """A write transaction holding the store's write lock, so each chain stays one line."""
        with self.session() as s, s.begin():
            s.connection(execution_options={WRITE_OPTION: True})
            if s.bind.dialect.name == "postgresql":
                s.execute(text("SELECT pg_advisory_xact_lock(424242)"))
            yield s

    # --- writes ---------------------------------------------------------------------------

    def append_call(
        self,
        *,
        call_id: str,
        audio_sha256: str,
        sources: list[str],
        agent_id: str | None,
        team: str | None,
        started_at: str | None,
        transcript: RedactedTranscript,
        score: Score,
        redacted_audio: list[Path],
        run_id: str | None = None,
    ) -> CallRecord:
        """Store one processed call and all its results in one transaction (all or nothing)."""
        if not is_valid_call_id(call_id):  # it names folders and is shown in reports and terminals
            raise ValueError(f"{call_id[:80]!a} is not a valid call id ({CALL_ID_RULE})")
        audio = [{"path": str(p), "sha256": _sha256_file(p)} for p in redacted_audio]
        with self.writing() as s:
            if s.scalars(select(CallRecord.id).where(CallRecord.audio_sha256 == audio_sha256)).first() is not None:
                raise AlreadyStored(call_id)  # a concurrent batch stored this recording first
            other = s.scalars(select(CallRecord).where(CallRecord.call_id == call_id)).first()
            if other is not None:  # another recording with this id: reports would mix the two calls
                raise CallIdInUse(call_id, ", ".join(json.loads(other.sources)))
            call = CallRecord(
                call_id=call_id, audio_sha256=audio_sha256, sources=canonical_json(sources), agent_id=agent_id, team=team,
                started_at=started_at, duration=transcript.duration, processed_at=utc_now(),
                redacted_audio=canonical_json(audio), run_id=run_id,
            )  # fmt: skip
            digest = _put_content(s, "transcript", transcript.to_dict())
            rows: list = [call, TranscriptRecord(call_id=call_id, content_sha256=digest)]
            rows += [
                EntityRecord(call_id=call_id, entity_type=e.entity_type, speaker=e.speaker, segment_id=e.segment_id,
                             start=e.start, end=e.end, recognizer=e.recognizer, score=e.score)
                for e in transcript.entities
            ]  # fmt: skip
            rows += [
                FindingRecord(call_id=call_id, kind=f.kind, entity_type=f.entity_type, speaker=f.speaker,
                              segment_id=f.segment_id, start=f.start, end=f.end, detail=f.detail)
                for f in transcript.findings
            ]  # fmt: skip
            rows.append(_score_row(s, score, supersedes=None))
            for row in rows:
                append_row(s, row)
        return call

    def append_score(self, score: Score) -> ScoreRecord:
        """Store a re-score; it supersedes the call's latest score under the same rubric id."""
        with self.writing() as s:
            previous = self._latest_score_row(s, score.call_id, score.rubric_id)
            row = _score_row(s, score, supersedes=previous.id if previous else None)
            append_row(s, row)
        return row

    def append_quarantine(self, *, source: str, audio_sha256: str, error_type: str, reason: str, run_id: str | None = None) -> QuarantineRecord:
        with self.writing() as s:
            row = QuarantineRecord(source=source, audio_sha256=audio_sha256, error_type=error_type, reason=reason, run_id=run_id, created_at=utc_now())
            append_row(s, row)
        return row

    def append_calibration(self, user: User | None, *, rubric_id: str, rubric_version: int, rubric_hash: str, grades_sha256: str, calls: int,
                           graders: int, verdict: str, promoted_version: int | None, promoted_hash: str | None, content: dict,
                           origin: Origin | None = None, actor_name: str | None = None) -> CalibrationRunRecord:
        """Record a calibration run (its statistics and fitted parameters in ``contents``)."""
        with self.writing() as s:
            check_access(s, user, Action.CALIBRATE, "rubric", f"{rubric_id} v{rubric_version}", purpose="calibration", origin=origin, actor_name=actor_name)
            row = CalibrationRunRecord(
                rubric_id=rubric_id, rubric_version=rubric_version, rubric_hash=rubric_hash, grades_sha256=grades_sha256, calls=calls,
                graders=graders, verdict=verdict, promoted_version=promoted_version, promoted_hash=promoted_hash,
                content_sha256=_put_content(s, "calibration", content), actor=user.name if user else (actor_name or "unknown"), created_at=utc_now(),
            )  # fmt: skip
            append_row(s, row)
        return row

    def check(self, user: User | None, action: Action, object_type: str, object_id: str, *, purpose: str | None = None,
              actor_name: str | None = None, scope: dict[str, str | None] | None = None) -> None:
        """An access check on its own (logged), for actions that read through several calls."""
        with self.writing() as s:
            check_access(s, user, action, object_type, object_id, purpose=purpose, actor_name=actor_name, scope=scope)

    def scored_calls(
        self, since: str, until: str, rubric_id: str, *, agent_id: str | None = None, team: str | None = None, by: str = "started"
    ) -> list[tuple[CallRecord, Score]]:
        """Calls in [since, until) (by ``calls_in_period``'s ``by``) with their current score under
        ``rubric_id`` (for reports; callers check access first)."""
        with self.session() as s:
            out = []
            for call in calls_in_period(s, since, until, by, agent_id=agent_id, team=team):
                row = s.scalars(select(ScoreRecord).where(ScoreRecord.call_id == call.call_id, ScoreRecord.rubric_id == rubric_id).order_by(ScoreRecord.id.desc())).first()
                body = _get_content(s, row.content_sha256) if row else None
                if body:
                    out.append((call, Score.from_dict(body)))
            return out

    def team_of_agent(self, agent_id: str) -> str | None:
        with self.session() as s:
            return s.scalars(select(CallRecord.team).where(CallRecord.agent_id == agent_id).order_by(CallRecord.id.desc())).first()

    def append_batch_run(self, *, run_id: str, started_at: str, inbox: str, summary: dict) -> BatchRunRecord:
        """Record a finished batch. ``summary`` (stored as canonical JSON in the ``counts``
        column): counts by status, audio and wall seconds, seconds per stage, failures by reason."""
        with self.writing() as s:
            row = BatchRunRecord(run_id=run_id, started_at=started_at, finished_at=utc_now(), inbox=inbox, counts=canonical_json(summary))
            append_row(s, row)
        return row

    def append_original(self, *, call_id: str, source: str, source_sha256: str, action: str, vault_path: str | None = None,
                        expires_at: str | None = None, run_id: str | None = None) -> OriginalRecord:  # fmt: skip
        """Record what happened to an original recording (or its sidecar) after its call was stored."""
        if action not in ("deleted", "vaulted", "kept"):
            raise ValueError(f"unknown originals action {action!r}")
        with self.writing() as s:
            row = OriginalRecord(call_id=call_id, source=source, source_sha256=source_sha256, action=action, vault_path=vault_path,
                                 expires_at=expires_at, at=utc_now(), run_id=run_id)  # fmt: skip
            append_row(s, row)
        return row

    def originals(self, call_id: str | None = None) -> list[OriginalRecord]:
        with self.session() as s:
            q = select(OriginalRecord).order_by(OriginalRecord.id)
            return list(s.scalars(q.where(OriginalRecord.call_id == call_id) if call_id else q))

    def original_of(self, source_sha256: str) -> OriginalRecord | None:
        """The latest record of a stored call's original file with this SHA-256 (its fate was
        recorded; a file still in the inbox with it is left over from an interrupted disposal)."""
        with self.session() as s:
            return s.scalars(select(OriginalRecord).where(OriginalRecord.source_sha256 == source_sha256).order_by(OriginalRecord.id.desc())).first()

    def batch_runs(self, limit: int = 20, run_id: str | None = None) -> list[BatchRunRecord]:
        """The latest batch runs, newest first (or the run(s) with this id or id prefix)."""
        with self.session() as s:
            q = select(BatchRunRecord).order_by(BatchRunRecord.id.desc()).limit(limit)
            if run_id:
                q = q.where(BatchRunRecord.run_id.startswith(run_id))
            return list(s.scalars(q))

    # --- reads without content (no access log: they return no transcript, score or audio) --

    def processed_call(self, audio_sha256: str) -> CallRecord | None:
        with self.session() as s:
            return s.scalars(select(CallRecord).where(CallRecord.audio_sha256 == audio_sha256)).first()

    def call_with_id(self, call_id: str) -> CallRecord | None:
        """The stored call with this call id (there is at most one), or None."""
        with self.session() as s:
            return s.scalars(select(CallRecord).where(CallRecord.call_id == call_id)).first()

    def redacted_audio_paths(self) -> list[str]:
        """Every redacted audio file a stored call points to (purged ones included)."""
        with self.session() as s:
            return [a["path"] for raw in s.scalars(select(CallRecord.redacted_audio)) for a in json.loads(raw)]

    def quarantined_in_run(self, run_id: str) -> list[QuarantineRecord]:
        with self.session() as s:
            return list(s.scalars(select(QuarantineRecord).where(QuarantineRecord.run_id == run_id).order_by(QuarantineRecord.id)))

    def quarantined(self, since: str | None = None) -> list[QuarantineRecord]:
        with self.session() as s:
            q = select(QuarantineRecord).order_by(QuarantineRecord.id)
            if since:
                q = q.where(QuarantineRecord.created_at >= since)
            return list(s.scalars(q))

    def count(self, model: type) -> int:
        with self.session() as s:
            return s.scalar(select(func.count()).select_from(model)) or 0

    def score_total(self, call_id: str, rubric_id: str | None = None) -> tuple[float | None, bool, bool] | None:
        """(total, passed, auto_fail) of a call's latest score: for batch summaries only."""
        with self.session() as s:
            q = select(ScoreRecord).where(ScoreRecord.call_id == call_id)
            if rubric_id:
                q = q.where(ScoreRecord.rubric_id == rubric_id)
            row = s.scalars(q.order_by(ScoreRecord.id.desc())).first()
            return (row.total, row.passed, row.auto_fail) if row else None

    # --- reads of content: always through the access check -----------------------------------

    def read_call(
        self, user: User | None, call_id: str, *, rubric_id: str | None = None, purpose: str | None = None,
        origin: Origin | None = None, actor_name: str | None = None,
    ) -> CallView:
        """The call's redacted transcript and current score (under ``rubric_id``, else the latest
        of any rubric), for ``user``; logs the read."""
        with self.writing() as s:
            call = s.scalars(select(CallRecord).where(CallRecord.call_id == call_id).order_by(CallRecord.id.desc())).first()
            found = check_access(s, user, Action.READ_CALL, "call", call_id, call=call, purpose=purpose, origin=origin, actor_name=actor_name, missing=call is None)
        if not found:
            raise NotFound(f"no call {call_id!r} in the store at {self.location}; `callaudit run` processes the inbox")
        with self.session() as s:
            transcript = s.scalars(select(TranscriptRecord).where(TranscriptRecord.call_id == call_id).order_by(TranscriptRecord.id.desc())).first()
            scores = select(ScoreRecord).where(ScoreRecord.call_id == call_id).order_by(ScoreRecord.id.desc())
            score = (s.scalars(scores.where(ScoreRecord.rubric_id == rubric_id)).first() if rubric_id else None) or s.scalars(scores).first()
            transcript_body = _get_content(s, transcript.content_sha256) if transcript else None
            score_body = _get_content(s, score.content_sha256) if score else None
            purged = tuple(s.scalars(select(TombstoneRecord).where(TombstoneRecord.call_id == call_id).order_by(TombstoneRecord.id)))
            return CallView(
                call=call,
                transcript=RedactedTranscript.from_dict(transcript_body) if transcript_body else None,
                score=Score.from_dict(score_body) if score_body else None,
                purged=purged,
            )

    def read_transcript(self, user: User | None, call_id: str, *, purpose: str | None = None, origin: Origin | None = None, actor_name: str | None = None) -> RedactedTranscript:
        """A call's redacted transcript (e.g. to re-score it); logs the read."""
        with self.writing() as s:
            call = s.scalars(select(CallRecord).where(CallRecord.call_id == call_id).order_by(CallRecord.id.desc())).first()
            check_access(s, user, Action.READ_TRANSCRIPT, "transcript", call_id, call=call, purpose=purpose, origin=origin, actor_name=actor_name, missing=call is None)
        with self.session() as s:
            row = s.scalars(select(TranscriptRecord).where(TranscriptRecord.call_id == call_id).order_by(TranscriptRecord.id.desc())).first()
            body = _get_content(s, row.content_sha256) if row else None
        if body is None:
            raise NotFound(f"no transcript for call {call_id!r} (never stored, or purged by retention)")
        return RedactedTranscript.from_dict(body)

    def call_ids(self) -> list[str]:
        with self.session() as s:
            return list(dict.fromkeys(s.scalars(select(CallRecord.call_id).order_by(CallRecord.id))))

    def read_access_log(
        self, user: User | None, *, since: str | None = None, until: str | None = None, purpose: str | None = None, origin: Origin | None = None, actor_name: str | None = None
    ) -> list[AccessLogRecord]:
        """Access-log rows in [since, until); reading the log is itself logged (first)."""
        with self.writing() as s:
            check_access(s, user, Action.READ_ACCESS_LOG, "access_log", f"{since or '-'}..{until or '-'}", purpose=purpose, origin=origin, actor_name=actor_name)
        with self.session() as s:
            q = select(AccessLogRecord).order_by(AccessLogRecord.id)
            if since:
                q = q.where(AccessLogRecord.at >= since)
            if until:
                q = q.where(AccessLogRecord.at < until)
            return list(s.scalars(q))

    def purge(self, user: User | None, retention: "Retention", *, now: datetime | None = None, actor_name: str | None = None) -> list[TombstoneRecord]:
        """``purge_expired`` as ``user`` (an admin); the purge is access-logged, allowed or denied."""
        self.check(user, Action.PURGE, "store", "retention purge", actor_name=actor_name)
        return self.purge_expired(retention, actor=user.name if user else "unknown", now=now)

    def record_users(self, users: dict[str, User]) -> AccessLogRecord | None:
        """Record the config's users (names, roles, teams, OS accounts) if they differ from the
        last recorded set: one ``change_users`` access-log row saying who was added, removed or
        changed, by the OS account that first ran with the new config. None if unchanged."""
        snapshot = {name: u.model_dump(mode="json", exclude={"name"}) for name, u in sorted(users.items())}
        digest = sha256_text(canonical_json(snapshot))
        with self.writing() as s:
            last = s.scalars(select(AccessLogRecord).where(AccessLogRecord.action == Action.CHANGE_USERS.value).order_by(AccessLogRecord.id.desc())).first()
            if last is not None and last.object_id == digest:
                return None
            before = json.loads(last.detail)["users"] if last is not None and last.detail else {}
            change = {
                "added": sorted(set(snapshot) - set(before)),
                "removed": sorted(set(before) - set(snapshot)),
                "changed": sorted(n for n in set(snapshot) & set(before) if snapshot[n] != before[n]),
                "users": snapshot,
            }
            origin = Origin.here()
            row = AccessLogRecord(at=utc_now(), actor=origin.os_account or "unknown", role="os_account", action=Action.CHANGE_USERS.value,
                                  object_type="users", object_id=digest, outcome="allowed", purpose="the config's users: section changed",
                                  host=origin.host, process=origin.process, correlation_id=origin.correlation_id, detail=canonical_json(change),
                                  os_account=origin.os_account)  # fmt: skip
            append_row(s, row)
        return row

    def purge_expired(self, retention: "Retention", *, actor: str, now: datetime | None = None) -> list[TombstoneRecord]:
        """Remove content older than its retention period; leave a tombstone for each removal.

        Transcripts and score details are removed from ``contents``; redacted audio files are
        deleted. The chained rows (calls, scores' totals, entities, findings, access log) stay,
        so every chain still verifies and the tombstones say what went, when and why.
        """
        now = now or datetime.now(timezone.utc)
        tombstones: list[TombstoneRecord] = []
        with self.writing() as s:
            purged = set(s.scalars(select(TombstoneRecord.target_sha256)))
            for call in s.scalars(select(CallRecord).order_by(CallRecord.id)):
                age_days = (now - datetime.fromisoformat(call.processed_at)).total_seconds() / 86400
                if age_days >= retention.transcripts_days:
                    for t in s.scalars(select(TranscriptRecord).where(TranscriptRecord.call_id == call.call_id)):
                        tombstones += _purge_content(s, "transcript", call.call_id, t.content_sha256, purged, retention.transcripts_days, actor, now)
                if age_days >= retention.scores_days:
                    for sc in s.scalars(select(ScoreRecord).where(ScoreRecord.call_id == call.call_id)):
                        tombstones += _purge_content(s, "score", call.call_id, sc.content_sha256, purged, retention.scores_days, actor, now)
                if age_days >= retention.redacted_audio_days:
                    for audio in json.loads(call.redacted_audio):
                        if audio["sha256"] in purged:
                            continue
                        Path(audio["path"]).unlink(missing_ok=True)
                        tombstones.append(_tombstone(s, "redacted_audio", call.call_id, audio["path"], audio["sha256"], retention.redacted_audio_days, actor, now))
                        purged.add(audio["sha256"])
            for original in s.scalars(select(OriginalRecord).where(OriginalRecord.action == "vaulted").order_by(OriginalRecord.id)):
                if original.source_sha256 in purged or not original.expires_at or datetime.fromisoformat(original.expires_at) > now:
                    continue
                Path(original.vault_path).unlink(missing_ok=True)
                tombstones.append(_tombstone(s, "original", original.call_id, original.vault_path, original.source_sha256, 0, actor, now, reason="vault expiry reached"))
                purged.add(original.source_sha256)
        return tombstones

    def erase(self, user: User | None, call_id: str, *, reason: str, actor_name: str | None = None, now: datetime | None = None) -> Erasure:
        """Erase a call on a data subject's request: its redacted transcript and score bodies,
        its redacted audio files and its vaulted originals are removed, each with a tombstone
        (reason "erasure: REASON"); the chained rows (ids, totals, entity types and offsets,
        never values) stay, so every chain still verifies. Access-logged, allowed or denied
        (compliance officers and admins). Originals kept in the inbox (originals.policy: keep)
        belong to the system that governs that inbox: they are listed, not deleted.

        >>> store.erase(officer, "NW-20261121-0001", reason="GDPR art. 17 request #4411")  # doctest: +SKIP
        """
        reason = " ".join(reason.split())
        if not reason:
            raise ValueError("an erasure needs a reason (--reason), e.g. the request's reference")
        why = f"erasure: {reason}"
        with self.writing() as s:
            call = s.scalars(select(CallRecord).where(CallRecord.call_id == call_id)).first()
            found = check_access(s, user, Action.ERASE, "call", call_id, call=call, purpose=reason, actor_name=actor_name, missing=call is None)
        now = now or datetime.now(timezone.utc)  # after the access-log row: a tombstone never predates its erasure
        if not found:
            raise NotFound(f"no call {call_id!r} in the store at {self.location}")
        actor = user.name if user else "unknown"
        tombstones: list[TombstoneRecord] = []
        with self.writing() as s:
            purged = set(s.scalars(select(TombstoneRecord.target_sha256)))
            for model, kind in ((TranscriptRecord, "transcript"), (ScoreRecord, "score")):
                for row in s.scalars(select(model).where(model.call_id == call_id).order_by(model.id)):
                    if row.content_sha256 not in purged:
                        s.execute(delete(ContentRecord).where(ContentRecord.sha256 == row.content_sha256))
                        tombstones.append(_tombstone(s, kind, call_id, row.content_sha256, row.content_sha256, 0, actor, now, reason=why))
                        purged.add(row.content_sha256)
            for audio in json.loads(call.redacted_audio):
                if audio["sha256"] not in purged:
                    Path(audio["path"]).unlink(missing_ok=True)
                    _remove_empty_folders(Path(audio["path"]).parent, levels=2)  # audio/CALL_ID/ATTEMPT
                    tombstones.append(_tombstone(s, "redacted_audio", call_id, audio["path"], audio["sha256"], 0, actor, now, reason=why))
                    purged.add(audio["sha256"])
            kept = []
            for original in s.scalars(select(OriginalRecord).where(OriginalRecord.call_id == call_id).order_by(OriginalRecord.id)):
                if original.action == "vaulted" and original.source_sha256 not in purged:
                    Path(original.vault_path).unlink(missing_ok=True)
                    tombstones.append(_tombstone(s, "original", call_id, original.vault_path, original.source_sha256, 0, actor, now, reason=why))
                    purged.add(original.source_sha256)
                elif original.action == "kept":
                    kept.append(original.source)
        return Erasure(call_id, tuple(tombstones), tuple(dict.fromkeys(kept)))

    def verify(self) -> list[ChainHead]:
        """Recompute every hash chain; raises ChainBroken at the first bad link."""
        with self.session() as s:
            return verify_chain(s)

    @staticmethod
    def _latest_score_row(s: Session, call_id: str, rubric_id: str) -> ScoreRecord | None:
        q = select(ScoreRecord).where(ScoreRecord.call_id == call_id, ScoreRecord.rubric_id == rubric_id)
        return s.scalars(q.order_by(ScoreRecord.id.desc())).first()


@dataclass(frozen=True)
class Erasure:
    """What ``AuditStore.erase`` removed (a tombstone each) and the originals it left in an inbox
    whose policy is keep."""

    call_id: str
    tombstones: tuple[TombstoneRecord, ...]
    kept_originals: tuple[str, ...] = ()


def _remove_empty_folders(folder: Path, levels: int) -> None:
    for _ in range(levels):
        try:
            folder.rmdir()  # only if empty
        except OSError:
            return
        folder = folder.parent


@dataclass(frozen=True)
class Retention:
    """How long each kind of content is kept, in days (``retention:`` in the config)."""

    redacted_audio_days: int = 90
    transcripts_days: int = 365
    scores_days: int = 730
    access_log_days: int = 365  # never purged by callaudit; PCI DSS 10.5.1 asks for 12 months at least

    def __post_init__(self) -> None:
        for name in ("redacted_audio_days", "transcripts_days", "scores_days"):
            if getattr(self, name) < 1:
                raise ValueError(f"retention.{name} must be at least 1 day")
        if self.access_log_days < 365:
            raise ValueError("retention.access_log_days must be at least 365 (PCI DSS 10.5.1 keeps audit logs 12 months)")


def _put_content(s: Session, kind: str, value: dict) -> str:
    body = canonical_json(value)
    digest = sha256_text(body)
    if s.get(ContentRecord, digest) is None:
        s.add(ContentRecord(sha256=digest, kind=kind, body=body))
    return digest


@lru_cache(maxsize=4)
def get_store(url: str) -> AuditStore:
    """One store (engine and connection pool) per process and URL."""
    return AuditStore(url)


CALLS_BY = {
    "started": "calls that started in the period (the recording's start time from its metadata; its processing time when it has none)",
    "processed": "calls callaudit processed in the period",
}


def check_calls_by(by: str) -> str:
    if by not in CALLS_BY:
        raise ValueError(f"calls are selected by {' or '.join(CALLS_BY)}, not {by!r}")
    return by


def call_time(call: CallRecord, by: str = "started") -> datetime:
    """When ``call`` happened for a report selecting ``by`` "started" or "processed", in UTC (a
    start time without an offset is taken as UTC)."""
    t = datetime.fromisoformat(call.started_at if by == "started" and call.started_at else call.processed_at)
    return (t if t.tzinfo else t.replace(tzinfo=timezone.utc)).astimezone(timezone.utc)


def calls_in_period(s: Session, since: str, until: str, by: str = "started", *, agent_id: str | None = None, team: str | None = None) -> list[CallRecord]:
    """The calls whose time (``call_time``) is in [since, until), in the order they were stored.
    Start times keep the offset the recording gave, so the database narrows by a day either side
    and the exact cut is made here."""
    lo, hi = datetime.fromisoformat(since), datetime.fromisoformat(until)
    if check_calls_by(by) == "processed":
        q = select(CallRecord).where(CallRecord.processed_at >= since, CallRecord.processed_at < until)
    else:
        when = func.coalesce(CallRecord.started_at, CallRecord.processed_at)
        q = select(CallRecord).where(when >= (lo - timedelta(days=1)).isoformat(), when < (hi + timedelta(days=1)).isoformat())
    if agent_id:
        q = q.where(CallRecord.agent_id == agent_id)
    if team:
        q = q.where(CallRecord.team == team)
    return [c for c in s.scalars(q.order_by(CallRecord.id)) if lo <= call_time(c, by) < hi]


def _get_content(s: Session, digest: str) -> dict | None:
    row = s.get(ContentRecord, digest)
    return json.loads(row.body) if row else None


def _purge_content(s: Session, kind: str, call_id: str, digest: str, purged: set[str], days: int, actor: str, now: datetime) -> list[TombstoneRecord]:
    if digest in purged:
        return []
    s.execute(delete(ContentRecord).where(ContentRecord.sha256 == digest))
    purged.add(digest)
    return [_tombstone(s, kind, call_id, digest, digest, days, actor, now)]


def _tombstone(s: Session, kind: str, call_id: str, target: str, digest: str, days: int, actor: str, now: datetime, reason: str | None = None) -> TombstoneRecord:
    row = TombstoneRecord(
        kind=kind, call_id=call_id, target=target, target_sha256=digest, purged_at=now.isoformat(timespec="microseconds"),
        reason=reason or f"retention: {kind.replace('_', ' ')} kept {days} days", actor=actor,
    )  # fmt: skip
    append_row(s, row)
    return row


def _sha256_file(path: Path) -> str:
    import hashlib

    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _score_row(s: Session, score: Score, supersedes: int | None) -> ScoreRecord:
    return ScoreRecord(
        call_id=score.call_id, rubric_id=score.rubric_id, rubric_version=score.rubric_version, rubric_hash=score.rubric_hash,
        total=score.total, passed=score.passed, auto_fail=score.auto_fail, content_sha256=_put_content(s, "score", score.to_dict()),
        supersedes=supersedes, created_at=utc_now(),
    )  # fmt: skip


def _make_engine(url: str) -> Engine:
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT / 1000}, hide_parameters=True)

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record) -> None:  # noqa: ANN001
            dbapi_conn.isolation_level = None  # let SQLAlchemy's BEGIN (below) control transactions
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT}")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn) -> None:  # noqa: ANN001
            # A writer takes the lock up front (it reads the chain head before it inserts).
            conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITE_OPTION) else "BEGIN")

        return engine
    return create_engine(url, pool_pre_ping=True, hide_parameters=True)


def _refuse_changes(session: Session, _ctx, _instances) -> None:  # noqa: ANN001
    changed = [o for o in list(session.dirty) + list(session.deleted) if not isinstance(o, ContentRecord) and (o in session.deleted or session.is_modified(o))]
    if changed:
        raise AppendOnlyViolation(
            f"{type(changed[0]).__tablename__} is append-only: rows are never updated or deleted; write a new row that supersedes"
        )
