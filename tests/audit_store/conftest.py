"""Every audit-store test runs on SQLite and on a real PostgreSQL server (scripts/start-postgres,
started by scripts/test). Locally, without one, the PostgreSQL cases are skipped; in CI they fail."""

from __future__ import annotations

from pathlib import Path

import pytest

from audit_store import AuditStore
from tests.conftest import fresh_postgres_database


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path: Path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    yield from fresh_postgres_database()


@pytest.fixture
def store(store_url: str) -> AuditStore:
    s = AuditStore(store_url)
    yield s
    s.engine.dispose()
