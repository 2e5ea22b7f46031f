"""Hash chains: each row carries the SHA-256 of the previous row's hash and its own content.

Editing a row changes its content hash; deleting or inserting a row breaks the link of the row
after it. ``verify_chain`` recomputes every table's chain and reports the first broken link.
What it cannot detect: rows cut off the end of a table (the tail) unless the head hash was
recorded elsewhere (an export's anchor), and a rewrite of a whole chain by someone who can also
recompute every hash (keep the exported anchors outside the database).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from .errors import ChainBroken
from .schema import CHAINED_TABLES, GENESIS, CalibrationRunRecord, Chained, ContentRecord, ScoreRecord, TombstoneRecord, TranscriptRecord

HASH_EXCLUDED = ("row_hash",)


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def canonical_json(value: object) -> str:
    """The one JSON form that is hashed and stored: sorted keys, no spaces, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def row_content(row: Chained) -> dict[str, object]:
    """What a row's hash covers: every column but its own hash. A column a migration added
    (a model's ``HASH_OPTIONAL``) counts only when set, so rows written before it existed keep
    their hashes."""
    mapper = inspect(type(row))
    optional = getattr(type(row), "HASH_OPTIONAL", frozenset())
    content = {c.key: getattr(row, c.key) for c in mapper.column_attrs if c.key not in HASH_EXCLUDED}
    return {k: v for k, v in content.items() if not (k in optional and v is None)}


def compute_hash(row: Chained) -> str:
    payload = f"{type(row).__tablename__}\n{canonical_json(row_content(row))}"
    return hashlib.sha256(payload.encode()).hexdigest()


def append_row(session: Session, row: Chained) -> None:
    """Link a new row into its table's chain (id, previous hash, own hash) and add it to the
    session. Call inside a write transaction (``AuditStore.writing``)."""
    model = type(row)
    with session.no_autoflush:
        last = session.execute(select(model.id, model.row_hash).order_by(model.id.desc()).limit(1)).first()
    pending = [o for o in session.new if type(o) is model]
    if pending:
        top = max(pending, key=lambda o: o.id)
        last = (top.id, top.row_hash) if last is None or top.id > last[0] else last
    row.id = (last[0] + 1) if last else 1
    row.prev_hash = last[1] if last else GENESIS
    row.row_hash = compute_hash(row)
    session.add(row)


@dataclass(frozen=True)
class ChainHead:
    """A table's row count and last hash: the anchor an export carries."""

    table: str
    rows: int
    head: str


def verify_chain(session: Session) -> list[ChainHead]:
    """Recompute every table's chain; raise ChainBroken at the first bad link, else return the heads."""
    heads = []
    for model in CHAINED_TABLES:
        table = model.__tablename__
        prev, expected_id, count = GENESIS, 1, 0
        for row in session.scalars(select(model).order_by(model.id)):
            if row.id != expected_id:
                raise ChainBroken(table, row.id, f"row id {expected_id}", f"row id {row.id}", "a row is missing (deleted) before this one")
            if row.prev_hash != prev:
                raise ChainBroken(table, row.id, prev, row.prev_hash, "the link to the previous row does not match (a row was deleted or inserted)")
            actual = compute_hash(row)
            if actual != row.row_hash:
                raise ChainBroken(table, row.id, row.row_hash, actual, "the row's content was changed after it was written")
            prev, expected_id, count = row.row_hash, expected_id + 1, count + 1
        heads.append(ChainHead(table, count, prev))
    verify_contents(session)
    return heads


def verify_contents(session: Session) -> None:
    """Every transcript and score body must match the digest its chained row holds, or have
    been purged with a tombstone."""
    tombstoned = set(session.scalars(select(TombstoneRecord.target_sha256)))
    for model in (TranscriptRecord, ScoreRecord, CalibrationRunRecord):
        for row in session.scalars(select(model).order_by(model.id)):
            content = session.get(ContentRecord, row.content_sha256)
            if content is None:
                if row.content_sha256 not in tombstoned:
                    raise ChainBroken("contents", row.id, row.content_sha256, "nothing", f"the {model.__tablename__} row's content was deleted without a retention tombstone")
                continue
            actual = hashlib.sha256(content.body.encode()).hexdigest()
            if actual != row.content_sha256:
                raise ChainBroken("contents", row.id, row.content_sha256, actual, f"the {model.__tablename__} row's content was changed after it was written")
