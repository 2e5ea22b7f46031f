"""Calibration runs: chained, append-only.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TABLE = "calibration_runs"


def upgrade() -> None:
    s = sa.String
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("rubric_id", s(100), nullable=False),
        sa.Column("rubric_version", sa.Integer, nullable=False),
        sa.Column("rubric_hash", s(64), nullable=False),
        sa.Column("grades_sha256", s(64), nullable=False),
        sa.Column("calls", sa.Integer, nullable=False),
        sa.Column("graders", sa.Integer, nullable=False),
        sa.Column("verdict", s(20), nullable=False),
        sa.Column("promoted_version", sa.Integer),
        sa.Column("promoted_hash", s(64)),
        sa.Column("content_sha256", s(64), nullable=False),
        sa.Column("actor", s(200), nullable=False),
        sa.Column("created_at", s(40), nullable=False),
        sa.Column("prev_hash", s(64), nullable=False),
        sa.Column("row_hash", s(64), nullable=False),
    )
    if op.get_bind().dialect.name == "sqlite":
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {TABLE}_no_{event.lower()} BEFORE {event} ON {TABLE} "
                f"BEGIN SELECT RAISE(ABORT, '{TABLE} is append-only: {event} refused; a correction is a new row'); END"
            )
    elif op.get_bind().dialect.name == "postgresql":
        op.execute(f"CREATE TRIGGER {TABLE}_no_change BEFORE UPDATE OR DELETE ON {TABLE} FOR EACH ROW EXECUTE FUNCTION callaudit_refuse_change()")
        op.execute(f"CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE} FOR EACH STATEMENT EXECUTE FUNCTION callaudit_refuse_change()")
        op.execute(f"REVOKE UPDATE, DELETE, TRUNCATE ON {TABLE} FROM PUBLIC")


def downgrade() -> None:
    raise NotImplementedError("the audit store is append-only; it is never downgraded")
