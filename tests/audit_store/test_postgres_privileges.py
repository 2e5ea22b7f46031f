"""On PostgreSQL, the application's role cannot update, delete, truncate or disable the guards."""

import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from audit_store import AuditStore, User
from tests.audit_store.helpers import fill


def test_app_role_can_append_and_read_but_not_change(store_url: str, redacted_samples):
    if not store_url.startswith("postgresql"):
        pytest.skip("PostgreSQL privileges")
    owner = AuditStore(store_url)  # migrations run as the owner
    role = f"callaudit_app_{uuid.uuid4().hex[:8]}"
    with owner.engine.connect() as conn, conn.begin():
        conn.execute(text(f"CREATE ROLE {role} LOGIN"))
        conn.execute(text(f"GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA public TO {role}"))
        conn.execute(text(f"GRANT DELETE ON contents TO {role}"))  # retention purges content only
    app_url = make_url(store_url).set(username=role).render_as_string(hide_password=False)
    app = fill(AuditStore(app_url), redacted_samples)
    assert app.read_call(User(name="qa", role="qa_lead"), "NW-20261121-0001").score is not None
    app.verify()
    engine = create_engine(app_url)
    for sql in ("UPDATE scores SET total = 100", "DELETE FROM access_log", "TRUNCATE findings", "ALTER TABLE scores DISABLE TRIGGER USER"):
        with engine.connect() as conn, pytest.raises(DBAPIError, match="permission denied|must be owner|append-only"):
            conn.execute(text(sql))
    engine.dispose()
    app.engine.dispose()
    with owner.engine.connect() as conn, conn.begin():
        conn.execute(text(f"REASSIGN OWNED BY {role} TO CURRENT_USER"))
        conn.execute(text(f"DROP OWNED BY {role}"))
        conn.execute(text(f"DROP ROLE {role}"))
    owner.engine.dispose()
