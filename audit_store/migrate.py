"""Bringing a store's schema up to date with the Alembic migrations shipped in this package."""

from __future__ import annotations

from importlib import resources

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Engine

MIGRATION_LOCK = 424243  # PostgreSQL advisory lock: one process migrates at a time


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(resources.files("audit_store") / "migrations"))
    return config


def upgrade(engine: Engine) -> None:
    """Apply every migration the store does not have yet (idempotent)."""
    config = alembic_config()
    head = ScriptDirectory.from_config(config).get_current_head()
    with engine.connect() as conn:
        if MigrationContext.configure(conn).get_current_revision() == head:
            return
    # Two processes opening a new store at once: the write lock makes the second wait, and
    # Alembic then finds the schema at head and does nothing.
    with engine.connect().execution_options(callaudit_write=True) as conn, conn.begin():
        if conn.dialect.name == "postgresql":
            conn.execute(text(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})"))
        config.attributes["connection"] = conn
        command.upgrade(config, "head")


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()
