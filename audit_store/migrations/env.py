"""Alembic environment: run by ``audit_store.migrate.upgrade`` with a live connection."""

from alembic import context

from audit_store.schema import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
