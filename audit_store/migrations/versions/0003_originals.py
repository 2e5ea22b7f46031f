"""Originals: what happened to each original recording after its call was stored.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TABLE = "originals"


def upgrade() -> None:
    s = sa.String
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("call_id", s(200), nullable=False, index=True),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("source_sha256", s(64), nullable=False, index=True),
        sa.Column("action", s(20), nullable=False),
        sa.Column("vault_path", sa.Text),
        sa.Column("expires_at", s(40)),
        sa.Column("at", s(40), nullable=False),
        sa.Column("run_id", s(64)),
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
