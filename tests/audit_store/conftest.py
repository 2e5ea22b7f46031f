"""Every audit-store test runs on SQLite and on a real PostgreSQL server (scripts/start-postgres,
started by scripts/test). Locally, without one, the PostgreSQL cases are skipped; in CI they fail."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from audit_store import AuditStore

PG_URL = os.environ.get("CALLAUDIT_TEST_PG_URL")


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path: Path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    if not PG_URL:
        if os.environ.get("CI"):
            pytest.fail("CALLAUDIT_TEST_PG_URL is not set in CI: scripts/test starts PostgreSQL with scripts/start-postgres")
        pytest.skip("no PostgreSQL server: run scripts/start-postgres and set CALLAUDIT_TEST_PG_URL")
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    name = f"callaudit_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def store(store_url: str) -> AuditStore:
    s = AuditStore(store_url)
    yield s
    s.engine.dispose()
