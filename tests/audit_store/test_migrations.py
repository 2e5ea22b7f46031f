"""The Alembic migrations create exactly the schema the ORM maps, and reopening is a no-op."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from audit_store import AuditStore
from audit_store.migrate import alembic_config, current_revision
from audit_store.schema import Base


def test_migrated_schema_matches_the_models(store: AuditStore):
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_reopening_keeps_data_and_revision(store_url: str, redacted_samples):
    from tests.audit_store.helpers import fill

    first = fill(AuditStore(store_url), redacted_samples)
    head = current_revision(first.engine)
    first.engine.dispose()
    second = AuditStore(store_url)
    assert current_revision(second.engine) == head
    heads = {h.table: h.rows for h in second.verify()}
    assert heads["calls"] == 4 and len(heads) == 11
    from alembic.script import ScriptDirectory

    assert head == ScriptDirectory.from_config(alembic_config()).get_current_head()
    second.engine.dispose()
