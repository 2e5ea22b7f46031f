"""The audit store's tables (SQLAlchemy 2). The schema itself is created by the Alembic
migrations in ``migrations/``; ``tests/audit_store`` checks that the two agree.

Every table but ``contents`` is append-only and hash-chained. Timestamps are ISO-8601 UTC
strings and JSON is canonical JSON text, so what is hashed is exactly what is stored, on SQLite
and PostgreSQL alike. Purgeable content (redacted transcripts and score details) lives in
``contents``, addressed by its SHA-256: the chained row keeps the digest, so retention can
remove the content, leave a tombstone, and every chain still verifies.
"""

from __future__ import annotations

from typing import ClassVar

from sqlalchemy import Boolean, Float, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

SCHEMA_VERSION = 1
GENESIS = "0" * 64  # prev_hash of a table's first row


class Base(DeclarativeBase):
    pass


class Chained:
    """Columns every append-only row carries: its place in its table's hash chain."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    prev_hash: Mapped[str] = mapped_column(String(64))
    row_hash: Mapped[str] = mapped_column(String(64))


class CallRecord(Chained, Base):
    """A processed call: one row per call, written in the same transaction as its results."""

    __tablename__ = "calls"
    call_id: Mapped[str] = mapped_column(String(200), index=True)
    audio_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    sources: Mapped[str] = mapped_column(Text)  # JSON list of original file names
    agent_id: Mapped[str | None] = mapped_column(String(200), index=True)
    team: Mapped[str | None] = mapped_column(String(200), index=True)
    started_at: Mapped[str | None] = mapped_column(String(40))
    duration: Mapped[float] = mapped_column(Float)
    processed_at: Mapped[str] = mapped_column(String(40), index=True)
    redacted_audio: Mapped[str] = mapped_column(Text)  # JSON list of {"path", "sha256"} under the data directory
    run_id: Mapped[str | None] = mapped_column(String(64))


class ContentRecord(Base):
    """Purgeable content by SHA-256: not chained, deleted only by a retention purge, which
    leaves a tombstone. ``verify`` checks each body against the digest its chained row holds."""

    __tablename__ = "contents"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # "transcript" or "score"
    body: Mapped[str] = mapped_column(Text)


class TranscriptRecord(Chained, Base):
    """The redacted transcript of a call (its body in ``contents``)."""

    __tablename__ = "transcripts"
    call_id: Mapped[str] = mapped_column(String(200), index=True)
    content_sha256: Mapped[str] = mapped_column(String(64))  # canonical JSON of RedactedTranscript


class EntityRecord(Chained, Base):
    """Where a value was redacted: type, place, time, recognizer. Never the value or its hash."""

    __tablename__ = "entities"
    call_id: Mapped[str] = mapped_column(String(200), index=True)
    entity_type: Mapped[str] = mapped_column(String(40))
    speaker: Mapped[str] = mapped_column(String(20))
    segment_id: Mapped[int | None] = mapped_column(Integer)
    start: Mapped[float] = mapped_column(Float)
    end: Mapped[float] = mapped_column(Float)
    recognizer: Mapped[str] = mapped_column(String(80))
    score: Mapped[float] = mapped_column(Float)


class FindingRecord(Chained, Base):
    """A compliance event (e.g. PCI_READ_BACK) found in a call."""

    __tablename__ = "findings"
    call_id: Mapped[str] = mapped_column(String(200), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    entity_type: Mapped[str] = mapped_column(String(40))
    speaker: Mapped[str] = mapped_column(String(20))
    segment_id: Mapped[int] = mapped_column(Integer)
    start: Mapped[float] = mapped_column(Float)
    end: Mapped[float] = mapped_column(Float)
    detail: Mapped[str] = mapped_column(Text)


class ScoreRecord(Chained, Base):
    """A call's score under one rubric version. A re-score is a new row that supersedes."""

    __tablename__ = "scores"
    call_id: Mapped[str] = mapped_column(String(200), index=True)
    rubric_id: Mapped[str] = mapped_column(String(100))
    rubric_version: Mapped[int] = mapped_column(Integer)
    rubric_hash: Mapped[str] = mapped_column(String(64))
    total: Mapped[float | None] = mapped_column(Float)
    passed: Mapped[bool] = mapped_column(Boolean)
    auto_fail: Mapped[bool] = mapped_column(Boolean)
    content_sha256: Mapped[str] = mapped_column(String(64))  # canonical JSON of Score, in contents
    supersedes: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[str] = mapped_column(String(40))


class QuarantineRecord(Chained, Base):
    """A recording that could not be processed, with the reason. Retried on the next run."""

    __tablename__ = "quarantine"
    source: Mapped[str] = mapped_column(Text)  # file name(s)
    audio_sha256: Mapped[str] = mapped_column(String(64), index=True)
    error_type: Mapped[str] = mapped_column(String(80))
    reason: Mapped[str] = mapped_column(Text)
    run_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[str] = mapped_column(String(40))


class AccessLogRecord(Chained, Base):
    """One row per read of a transcript, score, audio file, export or of this log (PCI DSS 10.2.2)."""

    __tablename__ = "access_log"
    at: Mapped[str] = mapped_column(String(40), index=True)  # UTC
    actor: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(40))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str] = mapped_column(String(200))
    outcome: Mapped[str] = mapped_column(String(20))  # "allowed" or "denied"
    purpose: Mapped[str | None] = mapped_column(Text)
    host: Mapped[str] = mapped_column(String(200))
    process: Mapped[str] = mapped_column(String(200))
    correlation_id: Mapped[str | None] = mapped_column(String(64))  # Prefect flow run id, else one id per CLI command
    detail: Mapped[str | None] = mapped_column(Text)
    os_account: Mapped[str | None] = mapped_column(String(200))  # the OS account that ran the request (migration 0004)

    HASH_OPTIONAL: ClassVar[frozenset[str]] = frozenset({"os_account"})  # added later: rows from before hash without it


class BatchRunRecord(Chained, Base):
    """The summary of one batch run."""

    __tablename__ = "batch_runs"
    run_id: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[str] = mapped_column(String(40))
    finished_at: Mapped[str] = mapped_column(String(40))
    inbox: Mapped[str] = mapped_column(Text)
    counts: Mapped[str] = mapped_column(Text)  # canonical JSON


class TombstoneRecord(Chained, Base):
    """What a retention purge removed, when and why."""

    __tablename__ = "tombstones"
    kind: Mapped[str] = mapped_column(String(20))  # "transcript", "score", "redacted_audio" or "original"
    call_id: Mapped[str] = mapped_column(String(200), index=True)
    target: Mapped[str] = mapped_column(Text)  # the content digest, or the audio file's path
    target_sha256: Mapped[str] = mapped_column(String(64), index=True)
    purged_at: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(200))


class CalibrationRunRecord(Chained, Base):
    """A calibration run: statistics and fitted parameters (body in ``contents``), the verdict,
    and the rubric version it promoted, if any."""

    __tablename__ = "calibration_runs"
    rubric_id: Mapped[str] = mapped_column(String(100))
    rubric_version: Mapped[int] = mapped_column(Integer)
    rubric_hash: Mapped[str] = mapped_column(String(64))
    grades_sha256: Mapped[str] = mapped_column(String(64))
    calls: Mapped[int] = mapped_column(Integer)
    graders: Mapped[int] = mapped_column(Integer)
    verdict: Mapped[str] = mapped_column(String(20))  # "promote" or "refuse"
    promoted_version: Mapped[int | None] = mapped_column(Integer)
    promoted_hash: Mapped[str | None] = mapped_column(String(64))
    content_sha256: Mapped[str] = mapped_column(String(64))
    actor: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[str] = mapped_column(String(40))


class OriginalRecord(Chained, Base):
    """What happened to an original (unredacted) recording or its sidecar after its call was
    stored: deleted, moved to the vault until ``expires_at``, or kept in the inbox."""

    __tablename__ = "originals"
    call_id: Mapped[str] = mapped_column(String(200), index=True)
    source: Mapped[str] = mapped_column(Text)  # the file's name in the inbox
    source_sha256: Mapped[str] = mapped_column(String(64), index=True)
    action: Mapped[str] = mapped_column(String(20))  # "deleted", "vaulted" or "kept"
    vault_path: Mapped[str | None] = mapped_column(Text)
    expires_at: Mapped[str | None] = mapped_column(String(40))
    at: Mapped[str] = mapped_column(String(40))
    run_id: Mapped[str | None] = mapped_column(String(64))


CHAINED_TABLES = [
    CallRecord, TranscriptRecord, EntityRecord, FindingRecord, ScoreRecord,
    QuarantineRecord, AccessLogRecord, BatchRunRecord, TombstoneRecord, CalibrationRunRecord, OriginalRecord,
]  # fmt: skip

Index("ix_scores_call_rubric", ScoreRecord.call_id, ScoreRecord.rubric_id)
