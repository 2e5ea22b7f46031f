"""`callaudit verify`: everything that can be checked about a store, each failure with what was
expected and what was found (docs/audit-store.md says what is detected and what is not).

In order: the schema version and tables (a reset ``alembic_version`` or a dropped table), the
append-only triggers (and on PostgreSQL that PUBLIC holds no UPDATE/DELETE/TRUNCATE), every hash
chain and content digest, references (every row's call is in ``calls``), tombstones (each
removes content of its own call, no sooner than the retention period it states and the config's
minimum, or is an erasure the access log shows was allowed), and, given an export, that the store
still passes through the chain heads the export recorded (a rollback or a truncated tail).
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from .chain import ChainHead, verify_chain
from .errors import AuditStoreError, ChainBroken
from .migrate import alembic_config, current_revision
from .schema import (
    CHAINED_TABLES, AccessLogRecord, Base, CallRecord, EntityRecord, FindingRecord, OriginalRecord, ScoreRecord, TombstoneRecord,
    TranscriptRecord,
)  # fmt: skip

RETENTION_REASON = re.compile(r"^retention: .* kept (\d+) days$")
ERASURE_REASON = "erasure: "  # the prefix of an erasure tombstone's reason (``AuditStore.erase``)
REFERRING = (TranscriptRecord, EntityRecord, FindingRecord, ScoreRecord, OriginalRecord, TombstoneRecord)
RETENTION_FIELD = {"transcript": "transcripts_days", "score": "scores_days", "redacted_audio": "redacted_audio_days"}


class StoreInvalid(AuditStoreError):
    """The store is not what callaudit wrote: a check other than a hash link failed."""

    def __init__(self, what: str, expected: str, actual: str, reason: str) -> None:
        self.what, self.expected, self.actual, self.reason = what, expected, actual, reason
        super().__init__(f"{what}: {reason} (expected {expected}, found {actual})")


def verify_url(url: str, *, against: Path | None = None, retention=None) -> list[ChainHead]:  # noqa: ANN001 - Retention
    """Open the store at ``url`` without repairing anything and run ``verify_store``. A new
    (empty) store is created first; one at an older callaudit revision is upgraded, as opening it
    would; anything else (a reset or unknown revision) is reported as it is."""
    from .migrate import upgrade
    from .store import AuditStore

    try:
        store = AuditStore(url, migrate=False)
        revision = current_revision(store.engine)
        script = ScriptDirectory.from_config(alembic_config())
        if not inspect(store.engine).get_table_names() or (revision is not None and revision in {r.revision for r in script.walk_revisions()}):
            upgrade(store.engine)
    except SQLAlchemyError as e:
        raise StoreInvalid("database", "a callaudit store", type(e).__name__, f"the store could not be opened: {_first_line(e)}") from None
    try:
        return verify_store(store, against=against, retention=retention)
    finally:
        store.engine.dispose()


def verify_store(store, *, against: Path | None = None, retention=None) -> list[ChainHead]:  # noqa: ANN001 - AuditStore, Retention
    """Run every check; return the chain heads, or raise StoreInvalid / ChainBroken /
    ManifestMismatch. A database error is a StoreInvalid too, never a traceback."""
    try:
        check_schema(store.engine)
        check_append_only(store.engine)
        with store.session() as s:
            heads = verify_chain(s)
            check_references(s)
            check_tombstones(s, retention)
        if against is not None:
            check_against_export(heads, store, Path(against))
        return heads
    except (StoreInvalid, ChainBroken):
        raise
    except SQLAlchemyError as e:
        raise StoreInvalid("database", "the callaudit schema", type(e).__name__, f"the store could not be read: {_first_line(e)}") from None


def check_schema(engine) -> None:  # noqa: ANN001 - Engine
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    revision = current_revision(engine)
    if revision != head:
        raise StoreInvalid("alembic_version", f"revision {head}", f"revision {revision}",
                           "the schema version was reset or changed outside callaudit")  # fmt: skip
    present = set(inspect(engine).get_table_names())
    missing = sorted(set(Base.metadata.tables) - present)
    if missing:
        raise StoreInvalid("tables", "every callaudit table", "missing " + ", ".join(missing), "a table was dropped")


def check_append_only(engine) -> None:  # noqa: ANN001 - Engine
    """The triggers that refuse UPDATE and DELETE on every chained table are in place (and, on
    PostgreSQL, the TRUNCATE triggers and PUBLIC's revoked privileges)."""
    tables = [m.__tablename__ for m in CHAINED_TABLES]
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            found = set(conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars())
            wanted = {f"{t}_no_{e}" for t in tables for e in ("update", "delete")}
        elif engine.dialect.name == "postgresql":
            found = set(conn.execute(text("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgenabled <> 'D'")).scalars())
            wanted = {f"{t}_{e}" for t in tables for e in ("no_change", "no_truncate")}
            granted = list(conn.execute(text(
                "SELECT table_name, privilege_type FROM information_schema.table_privileges "
                "WHERE grantee = 'PUBLIC' AND privilege_type IN ('UPDATE', 'DELETE', 'TRUNCATE') AND table_name = ANY(:t)"
            ), {"t": tables}))  # fmt: skip
            if granted:
                shown = ", ".join(f"{p} on {t}" for t, p in granted)
                raise StoreInvalid("privileges", "no UPDATE, DELETE or TRUNCATE for PUBLIC", shown, "append-only privileges were granted back")
        else:
            return
    missing = sorted(wanted - found)
    if missing:
        raise StoreInvalid("triggers", "the append-only triggers of every chained table", "missing (or disabled) " + ", ".join(missing),
                           "append-only enforcement was removed; rows could have been changed without a trace in the chain's own checks")  # fmt: skip


def check_references(s: Session) -> None:
    """Every row that names a call names one in ``calls`` (a call erased or purged keeps its row)."""
    calls = set(s.scalars(select(CallRecord.call_id)))
    for model in REFERRING:
        for row_id, call_id in s.execute(select(model.id, model.call_id).order_by(model.id)):
            if call_id not in calls:
                raise StoreInvalid(f"{model.__tablename__} row {row_id}", f"call {call_id} in calls", "no such call",
                                   "a row points at a call that is not in the store (its calls row was deleted from the end of the chain?)")  # fmt: skip


def check_tombstones(s: Session, retention=None) -> None:  # noqa: ANN001 - Retention | None
    """Each tombstone removes content of its own call, and no sooner than allowed."""
    calls = {c.call_id: c for c in s.scalars(select(CallRecord))}
    erased: dict[str, str] = {}  # call id -> when its first allowed erasure was logged
    for r in s.scalars(select(AccessLogRecord).where(AccessLogRecord.action == "erase", AccessLogRecord.outcome == "allowed").order_by(AccessLogRecord.id)):
        erased.setdefault(r.object_id, r.at)
    for t in s.scalars(select(TombstoneRecord).order_by(TombstoneRecord.id)):
        where = f"tombstones row {t.id}"
        call = calls.get(t.call_id)
        if call is None:
            continue  # check_references reports it
        if not _is_content_of(s, t, call):
            raise StoreInvalid(where, f"a {t.kind} of call {t.call_id}", f"{t.target_sha256[:16]}…, which is not one",
                               "a tombstone for content its call never had (forged)")  # fmt: skip
        if t.reason.startswith(ERASURE_REASON):
            if t.call_id not in erased or erased[t.call_id] > t.purged_at:
                raise StoreInvalid(where, f"an allowed erase of {t.call_id} in the access log", "none",
                                   "an erasure tombstone without the erasure that allowed it (forged)")  # fmt: skip
            continue
        if t.kind == "original":
            continue  # a vaulted original at expiry: checked by _is_content_of
        m = RETENTION_REASON.match(t.reason)
        if m is None:
            raise StoreInvalid(where, "a retention or erasure reason", repr(t.reason[:80]), "a tombstone callaudit did not write (forged)")
        stated = int(m.group(1))
        age = datetime.fromisoformat(t.purged_at) - datetime.fromisoformat(call.processed_at)
        if age < timedelta(days=stated) or stated < 1:
            raise StoreInvalid(where, f"removed {stated} days or more after call {t.call_id} was processed", f"after {age.total_seconds() / 86400:.2f} days",
                               "content removed before its retention period ended (forged tombstone)")  # fmt: skip
        minimum = getattr(retention, RETENTION_FIELD[t.kind], None) if retention is not None and t.kind in RETENTION_FIELD else None
        if minimum is not None and stated < minimum:
            raise StoreInvalid(where, f"a retention period of at least retention.{RETENTION_FIELD[t.kind]} = {minimum} days", f"{stated} days",
                               "a tombstone shorter than the configured retention (forged, or the period was lengthened since)")  # fmt: skip


def _is_content_of(s: Session, t: TombstoneRecord, call: CallRecord) -> bool:
    if t.kind == "transcript":
        return t.target_sha256 in set(s.scalars(select(TranscriptRecord.content_sha256).where(TranscriptRecord.call_id == t.call_id)))
    if t.kind == "score":
        return t.target_sha256 in set(s.scalars(select(ScoreRecord.content_sha256).where(ScoreRecord.call_id == t.call_id)))
    if t.kind == "redacted_audio":
        return t.target_sha256 in {a["sha256"] for a in json.loads(call.redacted_audio)}
    if t.kind == "original":
        rows = s.scalars(select(OriginalRecord).where(OriginalRecord.call_id == t.call_id, OriginalRecord.source_sha256 == t.target_sha256))
        return any(r.action == "vaulted" and (t.reason.startswith(ERASURE_REASON) or (r.expires_at or "9") <= t.purged_at) for r in rows)
    return False


def check_against_export(heads: list[ChainHead], store, export_dir: Path) -> None:  # noqa: ANN001 - AuditStore
    """The store still holds, at the same place in each chain, the head an export recorded: no
    rollback to an older copy, no truncated tail, no rewritten history before the export."""
    from .export import verify_manifest

    manifest_path = export_dir / "manifest.json"
    if not manifest_path.is_file():
        raise StoreInvalid("export", f"{manifest_path}", "no such file", "not an export folder (it has no manifest.json)")
    verify_manifest(manifest_path)  # the anchor itself is what the export wrote
    manifest = json.loads(manifest_path.read_text())
    recorded = _recorded_heads(manifest, export_dir)
    now = {h.table: h for h in heads}
    models = {m.__tablename__: m for m in CHAINED_TABLES}
    with store.session() as s:
        for table, (rows, head) in sorted(recorded.items()):
            current = now.get(table)
            if current is None or table not in models:
                raise StoreInvalid(table, f"{rows} rows ending in {head[:16]}…", "no such chain", "a chain the export recorded is gone")
            if current.rows < rows:
                raise StoreInvalid(table, f"at least {rows} rows (the export of {manifest['generated_at']})", f"{current.rows} rows",
                                   "rows were removed since the export: a rollback to an older copy or a truncated tail")  # fmt: skip
            if rows == 0:
                continue
            model = models[table]
            at = s.scalars(select(model.row_hash).where(model.id == rows)).first()
            if at != head:
                raise StoreInvalid(table, f"row {rows} with hash {head}", f"hash {at}",
                                   "the chain no longer passes through the head the export recorded: history before it was replaced")  # fmt: skip


def _recorded_heads(manifest: dict, export_dir: Path) -> dict[str, tuple[int, str]]:
    if "chain_rows" in manifest:
        return {t: (manifest["chain_rows"][t], h) for t, h in manifest["chain_heads"].items()}
    chain = json.loads((export_dir / "chain.json").read_text())  # exports before chain_rows: chain.json (its hash is in the manifest)
    return {h["table"]: (h["rows"], h["head"]) for h in chain["heads"]}


def _first_line(e: Exception) -> str:
    return str(getattr(e, "orig", e)).splitlines()[0][:200]
