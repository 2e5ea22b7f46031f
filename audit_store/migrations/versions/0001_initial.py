"""Initial schema: chained append-only tables, purgeable contents, database-enforced append-only.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

CHAINED = ["calls", "transcripts", "entities", "findings", "scores", "quarantine", "access_log", "batch_runs", "tombstones"]


def _chained(name: str, *columns: sa.Column) -> None:
    op.create_table(
        name,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        *columns,
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("row_hash", sa.String(64), nullable=False),
    )


def upgrade() -> None:
    s, t, f, i, b = sa.String, sa.Text, sa.Float, sa.Integer, sa.Boolean
    _chained(
        "calls",
        sa.Column("call_id", s(200), nullable=False, index=True),
        sa.Column("audio_sha256", s(64), nullable=False, unique=True),
        sa.Column("sources", t, nullable=False),
        sa.Column("agent_id", s(200), index=True),
        sa.Column("team", s(200), index=True),
        sa.Column("started_at", s(40)),
        sa.Column("duration", f, nullable=False),
        sa.Column("processed_at", s(40), nullable=False, index=True),
        sa.Column("redacted_audio", t, nullable=False),
        sa.Column("run_id", s(64)),
    )
    op.create_table(
        "contents",
        sa.Column("sha256", s(64), primary_key=True),
        sa.Column("kind", s(20), nullable=False),
        sa.Column("body", t, nullable=False),
    )
    _chained("transcripts", sa.Column("call_id", s(200), nullable=False, index=True), sa.Column("content_sha256", s(64), nullable=False))
    _chained(
        "entities",
        sa.Column("call_id", s(200), nullable=False, index=True),
        sa.Column("entity_type", s(40), nullable=False),
        sa.Column("speaker", s(20), nullable=False),
        sa.Column("segment_id", i),
        sa.Column("start", f, nullable=False),
        sa.Column("end", f, nullable=False),
        sa.Column("recognizer", s(80), nullable=False),
        sa.Column("score", f, nullable=False),
    )
    _chained(
        "findings",
        sa.Column("call_id", s(200), nullable=False, index=True),
        sa.Column("kind", s(40), nullable=False),
        sa.Column("entity_type", s(40), nullable=False),
        sa.Column("speaker", s(20), nullable=False),
        sa.Column("segment_id", i, nullable=False),
        sa.Column("start", f, nullable=False),
        sa.Column("end", f, nullable=False),
        sa.Column("detail", t, nullable=False),
    )
    _chained(
        "scores",
        sa.Column("call_id", s(200), nullable=False, index=True),
        sa.Column("rubric_id", s(100), nullable=False),
        sa.Column("rubric_version", i, nullable=False),
        sa.Column("rubric_hash", s(64), nullable=False),
        sa.Column("total", f),
        sa.Column("passed", b, nullable=False),
        sa.Column("auto_fail", b, nullable=False),
        sa.Column("content_sha256", s(64), nullable=False),
        sa.Column("supersedes", i),
        sa.Column("created_at", s(40), nullable=False),
    )
    op.create_index("ix_scores_call_rubric", "scores", ["call_id", "rubric_id"])
    _chained(
        "quarantine",
        sa.Column("source", t, nullable=False),
        sa.Column("audio_sha256", s(64), nullable=False, index=True),
        sa.Column("error_type", s(80), nullable=False),
        sa.Column("reason", t, nullable=False),
        sa.Column("run_id", s(64)),
        sa.Column("created_at", s(40), nullable=False),
    )
    _chained(
        "access_log",
        sa.Column("at", s(40), nullable=False, index=True),
        sa.Column("actor", s(200), nullable=False),
        sa.Column("role", s(40), nullable=False),
        sa.Column("action", s(40), nullable=False),
        sa.Column("object_type", s(40), nullable=False),
        sa.Column("object_id", s(200), nullable=False),
        sa.Column("outcome", s(20), nullable=False),
        sa.Column("purpose", t),
        sa.Column("host", s(200), nullable=False),
        sa.Column("process", s(200), nullable=False),
        sa.Column("correlation_id", s(64)),
        sa.Column("detail", t),
    )
    _chained(
        "batch_runs",
        sa.Column("run_id", s(64), nullable=False),
        sa.Column("started_at", s(40), nullable=False),
        sa.Column("finished_at", s(40), nullable=False),
        sa.Column("inbox", t, nullable=False),
        sa.Column("counts", t, nullable=False),
    )
    _chained(
        "tombstones",
        sa.Column("kind", s(20), nullable=False),
        sa.Column("call_id", s(200), nullable=False, index=True),
        sa.Column("target", t, nullable=False),
        sa.Column("target_sha256", s(64), nullable=False, index=True),
        sa.Column("purged_at", s(40), nullable=False),
        sa.Column("reason", t, nullable=False),
        sa.Column("actor", s(200), nullable=False),
    )
    _enforce_append_only()


def _enforce_append_only() -> None:
    """The database itself refuses UPDATE and DELETE (and TRUNCATE) on every chained table."""
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for table in CHAINED:
            for event in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {event} refused; a correction is a new row'); END"
                )
    elif dialect == "postgresql":
        op.execute(
            "CREATE FUNCTION callaudit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "RAISE EXCEPTION '% is append-only: % refused; a correction is a new row', TG_TABLE_NAME, TG_OP "
            "USING ERRCODE = 'insufficient_privilege'; END $$"
        )
        for table in CHAINED:
            op.execute(f"CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table} FOR EACH ROW EXECUTE FUNCTION callaudit_refuse_change()")
            op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} FOR EACH STATEMENT EXECUTE FUNCTION callaudit_refuse_change()")
            op.execute(f"REVOKE UPDATE, DELETE, TRUNCATE ON {table} FROM PUBLIC")


def downgrade() -> None:
    raise NotImplementedError("the audit store is append-only; it is never downgraded")
