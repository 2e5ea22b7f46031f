"""Exports for a compliance officer: what was processed in a period, who saw what, and proof
that nothing was altered.

An export is a folder: one table per file (csv, parquet or json), ``chain.json`` (the
verification result and every chain's head hash, the anchor to keep outside the database),
``summary.html``, and ``manifest.json`` with the SHA-256 of every file. Creating an export is an
access-checked, logged read; because it includes the access log, reading the log is logged too.
"""

from __future__ import annotations

import hashlib
import html
import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

import pandas as pd
from sqlalchemy import select

from .access import Action, Origin, User, check_access
from .chain import canonical_json
from .errors import AuditStoreError, ChainBroken
from .schema import AccessLogRecord, CallRecord, ContentRecord, EntityRecord, FindingRecord, QuarantineRecord, ScoreRecord, TombstoneRecord
from .store import AuditStore, utc_now

FORMATS = ("csv", "parquet", "json")


class ManifestMismatch(AuditStoreError):
    """An exported file does not match the SHA-256 in its manifest (or is missing)."""


@dataclass(frozen=True)
class ExportResult:
    directory: Path
    files: tuple[Path, ...]
    manifest: Path
    chain_verified: bool
    chain_error: str | None


def export_period(
    store: AuditStore,
    user: User | None,
    start: date,
    end: date,
    fmt: str,
    out_dir: Path,
    *,
    purpose: str | None = None,
    origin: Origin | None = None,
    actor_name: str | None = None,
) -> ExportResult:
    """Export [start, end] (whole UTC days) for a compliance officer.

    >>> export_period(store, officer, date(2026, 11, 1), date(2026, 11, 30), "csv", Path("audit-2026-11"))  # doctest: +SKIP
    """
    if fmt not in FORMATS:
        raise ValueError(f"format {fmt!r} is not supported; use one of {', '.join(FORMATS)}")
    if end < start:
        raise ValueError(f"--to {end} is before --from {start}")
    since = datetime.combine(start, time.min, timezone.utc).isoformat(timespec="microseconds")
    until = datetime.combine(end + timedelta(days=1), time.min, timezone.utc).isoformat(timespec="microseconds")
    period = f"{start.isoformat()}..{end.isoformat()}"
    with store.writing() as s:
        check_access(s, user, Action.EXPORT, "export", period, purpose=purpose, origin=origin, actor_name=actor_name)
        check_access(s, user, Action.READ_ACCESS_LOG, "access_log", period, purpose=purpose or "export", origin=origin, actor_name=actor_name)

    try:
        heads = store.verify()
        chain = {"verified": True, "error": None, "heads": [h.__dict__ for h in heads]}
    except ChainBroken as e:
        chain = {"verified": False, "error": str(e), "heads": []}
    chain["verified_at"] = utc_now()

    tables = _tables(store, since, until)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    files = [_write_table(df, out_dir / f"{name}.{fmt}", fmt) for name, df in tables.items()]
    chain_path = out_dir / "chain.json"
    chain_path.write_text(json.dumps(chain, indent=2) + "\n")
    summary = out_dir / "summary.html"
    summary.write_text(_summary_html(period, tables, chain, user.name if user else "unknown"))
    files += [chain_path, summary]
    manifest = out_dir / "manifest.json"
    manifest.write_text(
        json.dumps(
            {
                "period": {"from": start.isoformat(), "to": end.isoformat(), "since": since, "until": until},
                "generated_at": utc_now(),
                "generated_by": user.name if user else None,
                "format": fmt,
                "chain_verified": chain["verified"],
                "chain_heads": {h["table"]: h["head"] for h in chain["heads"]},
                "files": {p.name: _sha256(p) for p in files},
            },
            indent=2,
        )
        + "\n"
    )
    return ExportResult(out_dir, tuple(files), manifest, bool(chain["verified"]), chain["error"])


def verify_manifest(manifest: Path) -> None:
    """Raise ManifestMismatch unless every file listed has the SHA-256 the manifest records."""
    data = json.loads(Path(manifest).read_text())
    for name, expected in data["files"].items():
        path = Path(manifest).parent / name
        if not path.exists():
            raise ManifestMismatch(f"{name}: listed in the manifest but missing")
        actual = _sha256(path)
        if actual != expected:
            raise ManifestMismatch(f"{name}: SHA-256 {actual} does not match the manifest's {expected}")


def _tables(store: AuditStore, since: str, until: str) -> dict[str, pd.DataFrame]:
    with store.session() as s:
        calls = list(s.scalars(select(CallRecord).where(CallRecord.processed_at >= since, CallRecord.processed_at < until).order_by(CallRecord.id)))
        ids = [c.call_id for c in calls]
        scores = list(s.scalars(select(ScoreRecord).where(ScoreRecord.call_id.in_(ids)).order_by(ScoreRecord.id)))
        entities = list(s.scalars(select(EntityRecord).where(EntityRecord.call_id.in_(ids))))
        findings = list(s.scalars(select(FindingRecord).where(FindingRecord.call_id.in_(ids)).order_by(FindingRecord.id)))
        quarantine = list(s.scalars(select(QuarantineRecord).where(QuarantineRecord.created_at >= since, QuarantineRecord.created_at < until).order_by(QuarantineRecord.id)))
        access = list(s.scalars(select(AccessLogRecord).where(AccessLogRecord.at >= since, AccessLogRecord.at < until).order_by(AccessLogRecord.id)))
        tombstones = list(s.scalars(select(TombstoneRecord).where(TombstoneRecord.purged_at >= since, TombstoneRecord.purged_at < until).order_by(TombstoneRecord.id)))
        bodies = {c.sha256: json.loads(c.body) for c in s.scalars(select(ContentRecord).where(ContentRecord.sha256.in_([x.content_sha256 for x in scores])))}

    superseded = {x.supersedes for x in scores if x.supersedes}
    criteria_rows = []
    for sc in scores:
        body = bodies.get(sc.content_sha256)
        for c in (body or {}).get("criteria", []):
            first = c["evidence"][0] if c["evidence"] else None
            criteria_rows.append({
                "call_id": sc.call_id, "score_id": sc.id, "rubric_id": sc.rubric_id, "criterion_id": c["criterion_id"],
                "section_id": c["section_id"], "answer": "N/A" if c["na"] else c["answer"], "points": c["points"],
                "max_points": c["max_points"], "critical": c["critical"], "needs_review": c.get("needs_review", False),
                "confidence": c["confidence"], "explanation": c["explanation"],
                "evidence_start": first["start"] if first else None, "evidence_quote": first["quote"] if first else None,
            })  # fmt: skip
    by_call = {c.call_id: c for c in calls}
    counts = pd.DataFrame([{"call_id": e.call_id, "entity_type": e.entity_type} for e in entities], columns=["call_id", "entity_type"])
    summary = counts.pivot_table(index="call_id", columns="entity_type", aggfunc="size", fill_value=0).reset_index() if len(counts) else pd.DataFrame({"call_id": ids})
    return {
        "calls": _frame(calls, ["call_id", "agent_id", "team", "started_at", "processed_at", "duration", "audio_sha256", "run_id", "id", "row_hash"]),
        "scores": _frame(scores, ["call_id", "rubric_id", "rubric_version", "rubric_hash", "total", "passed", "auto_fail", "created_at", "supersedes", "id", "row_hash"]).assign(
            current=lambda df: ~df["id"].isin(superseded) if len(df) else []
        ),
        "criteria": pd.DataFrame(criteria_rows),
        "findings": _frame(findings, ["call_id", "kind", "entity_type", "speaker", "start", "end", "detail", "id"]).assign(
            team=lambda df: [by_call[c].team for c in df["call_id"]] if len(df) else []
        ),
        "redaction_summary": summary,
        "quarantine": _frame(quarantine, ["created_at", "source", "error_type", "reason", "audio_sha256", "run_id", "id"]),
        "access_log": _frame(access, ["at", "actor", "role", "action", "object_type", "object_id", "outcome", "purpose", "host", "process", "correlation_id", "detail", "id"]),
        "tombstones": _frame(tombstones, ["purged_at", "kind", "call_id", "target_sha256", "reason", "actor", "id"]),
    }


def _frame(rows: list, columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame([{c: getattr(r, c) for c in columns} for r in rows], columns=columns)


def _write_table(df: pd.DataFrame, path: Path, fmt: str) -> Path:
    if fmt == "csv":
        df.to_csv(path, index=False)
    elif fmt == "parquet":
        df.to_parquet(path, index=False)
    else:
        path.write_text(canonical_json(json.loads(df.to_json(orient="records"))) + "\n")
    return path


def _sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _summary_html(period: str, tables: dict[str, pd.DataFrame], chain: dict, who: str) -> str:
    scores, findings, quarantine, access = tables["scores"], tables["findings"], tables["quarantine"], tables["access_log"]
    current = scores[scores["current"]] if len(scores) else scores
    verdict = "verified" if chain["verified"] else f"FAILED: {chain['error']}"
    rows = [
        ("Calls processed", len(tables["calls"])),
        ("Calls quarantined", len(quarantine)),
        ("Auto-failed calls", int(current["auto_fail"].sum()) if len(current) else 0),
        ("PCI findings (card data read back)", int((findings["kind"] == "PCI_READ_BACK").sum()) if len(findings) else 0),
        ("Access-log entries (denied)", f"{len(access)} ({int((access['outcome'] == 'denied').sum()) if len(access) else 0})"),
        ("Hash chains", verdict),
    ]
    redaction = tables["redaction_summary"].drop(columns=["call_id"], errors="ignore").sum(numeric_only=True)
    heads = "".join(f"<tr><td>{html.escape(h['table'])}</td><td>{h['rows']}</td><td><code>{h['head']}</code></td></tr>" for h in chain["heads"])
    def table(df: pd.DataFrame) -> str:
        return df.to_html(index=False, border=0, escape=True, na_rep="") if len(df) else "<p>None.</p>"

    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>callaudit export {html.escape(period)}</title>
<style>body{{font:14px/1.45 system-ui,sans-serif;max-width:1100px;margin:2em auto;color:#222}}
table{{border-collapse:collapse;margin:.5em 0 1.5em}}td,th{{padding:.25em .6em;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}}
th{{background:#f4f4f4}}code{{font-size:12px}}.bad{{color:#b00}}</style></head><body>
<h1>callaudit audit export</h1><p>Period {html.escape(period)} (UTC) — generated {html.escape(chain['verified_at'])} for {html.escape(who)}.</p>
<h2>Summary</h2><table>{"".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(str(v))}</td></tr>" for k, v in rows)}</table>
<h2>Redactions by entity type</h2>{table(redaction.rename("count").reset_index().rename(columns={"index": "entity type"}))}
<h2>Findings</h2>{table(findings)}
<h2>Quarantined calls</h2>{table(quarantine)}
<h2>Access log</h2>{table(access)}
<h2>Chain heads (anchor)</h2><p>Keep these outside the database: a later export whose chains do not extend these heads shows tampering.</p>
<table><tr><th>table</th><th>rows</th><th>head SHA-256</th></tr>{heads}</table>
</body></html>
"""
