"""Access log: the OS account that ran each request (issue #20: identity is proven, not claimed).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02

Rows written before this migration have no OS account (NULL); their hashes do not cover the
column (``AccessLogRecord.HASH_OPTIONAL``), so every chain still verifies. SQLite's
append-only triggers are BEFORE UPDATE/DELETE triggers and do not stop ALTER TABLE ADD COLUMN.
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("access_log", sa.Column("os_account", sa.String(200), nullable=True))


def downgrade() -> None:
    raise NotImplementedError("the audit store is append-only; it is never downgraded")
