"""Exports for a compliance officer: what was processed in a period, who saw what, and proof
that nothing was altered.

An export is a folder: one table per file (csv, parquet or json), ``chain.json`` (the
verification result and every chain's head hash, the anchor to keep outside the database),
``summary.html``, and ``manifest.json`` with the SHA-256 of every file. Creating an export is an
access-checked, logged read; because it includes the access log, reading the log is logged too.
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

import pandas as pd
from sqlalchemy import select

from .access import Action, Origin, User, check_access
from .chain import canonical_json
from .errors import AuditStoreError, ChainBroken
from .files import check_private_folder, csv_text, private_folder, write_private
from .schema import (
    AccessLogRecord, CallRecord, ContentRecord, EntityRecord, FindingRecord, OriginalRecord, QuarantineRecord, ScoreRecord, TombstoneRecord,
    TranscriptRecord,
)  # fmt: skip
from .store import CALLS_BY, AuditStore, calls_in_period, check_calls_by, utc_now

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
    calls: int = 0  # calls in the period


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
    by: str = "started",
) -> ExportResult:
    """Export [start, end] (whole UTC days) for a compliance officer: the calls that started in
    the period (``by="processed"``: that were processed in it), and what happened in it.

    >>> export_period(store, officer, date(2026, 11, 1), date(2026, 11, 30), "csv", Path("audit-2026-11"))  # doctest: +SKIP
    """
    if fmt not in FORMATS:
        raise ValueError(f"format {fmt!r} is not supported; use one of {', '.join(FORMATS)}")
    if end < start:
        raise ValueError(f"--to {end} is before --from {start}")
    check_calls_by(by)  # before the export is logged as allowed
    since = datetime.combine(start, time.min, timezone.utc).isoformat(timespec="microseconds")
    until = datetime.combine(end + timedelta(days=1), time.min, timezone.utc).isoformat(timespec="microseconds")
    period = f"{start.isoformat()}..{end.isoformat()}"
    if Path(out_dir).exists():
        check_private_folder(Path(out_dir), "export folder")  # before the export is logged as allowed
    with store.writing() as s:
        check_access(s, user, Action.EXPORT, "export", period, purpose=purpose, origin=origin, actor_name=actor_name)
        check_access(s, user, Action.READ_ACCESS_LOG, "access_log", period, purpose=purpose or "export", origin=origin, actor_name=actor_name)

    try:
        heads = store.verify()
        chain = {"verified": True, "error": None, "heads": [h.__dict__ for h in heads]}
    except ChainBroken as e:
        chain = {"verified": False, "error": str(e), "heads": []}
    chain["verified_at"] = utc_now()

    tables = _tables(store, since, until, by)
    out_dir = private_folder(Path(out_dir), "export folder")
    files = [_write_table(df, out_dir / f"{name}.{fmt}", fmt) for name, df in tables.items()]
    chain_path = out_dir / "chain.json"
    write_private(chain_path, json.dumps(chain, indent=2) + "\n")
    files.append(chain_path)
    summary = out_dir / "summary.html"
    write_private(summary, render_audit_report(period, tables, chain, user.name if user else "unknown", {p.name: _sha256(p) for p in files}, by))
    files.append(summary)
    manifest = out_dir / "manifest.json"
    write_private(
        manifest,
        json.dumps(
            {
                "period": {"from": start.isoformat(), "to": end.isoformat(), "since": since, "until": until, "calls_by": by},
                "generated_at": utc_now(),
                "generated_by": user.name if user else None,
                "format": fmt,
                "chain_verified": chain["verified"],
                "chain_heads": {h["table"]: h["head"] for h in chain["heads"]},
                "chain_rows": {h["table"]: h["rows"] for h in chain["heads"]},  # with the heads: `verify --against` (rollback, truncation)
                "files": {p.name: _sha256(p) for p in files},
            },
            indent=2,
        )
        + "\n"
    )
    return ExportResult(out_dir, tuple(files), manifest, bool(chain["verified"]), chain["error"], len(tables["calls"]))


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


CRITERIA_COLUMNS = ["call_id", "score_id", "rubric_id", "criterion_id", "section_id", "answer", "points", "max_points", "critical", "needs_review",
                    "uncertain", "confidence", "explanation", "evidence_start", "evidence_quote"]  # fmt: skip
CRITERIA_DTYPES = {c: "string" for c in CRITERIA_COLUMNS} | {"score_id": "Int64", "points": "float64", "max_points": "float64", "critical": "boolean",
                                                             "needs_review": "boolean", "uncertain": "boolean", "confidence": "float64", "evidence_start": "float64"}  # fmt: skip
VERIFICATION_DTYPES = {"call_id": "string", "outcome": "string", "decoder": "string", "rounds": "Int64", "spans_re_redacted": "Int64",
                       "types_re_redacted": "string", "seconds_heard": "float64"}  # fmt: skip


def _tables(store: AuditStore, since: str, until: str, by: str = "started") -> dict[str, pd.DataFrame]:
    """The export's tables: the calls of the period (``calls_in_period``, by start or processing
    time) with their scores, redactions and findings; the events of the period (quarantine,
    access log, purges, originals) by when they happened. An empty period has every column."""
    with store.session() as s:
        calls = calls_in_period(s, since, until, by)
        ids = [c.call_id for c in calls]
        scores = list(s.scalars(select(ScoreRecord).where(ScoreRecord.call_id.in_(ids)).order_by(ScoreRecord.id)))
        entities = list(s.scalars(select(EntityRecord).where(EntityRecord.call_id.in_(ids))))
        findings = list(s.scalars(select(FindingRecord).where(FindingRecord.call_id.in_(ids)).order_by(FindingRecord.id)))
        quarantine = list(s.scalars(select(QuarantineRecord).where(QuarantineRecord.created_at >= since, QuarantineRecord.created_at < until).order_by(QuarantineRecord.id)))
        access = list(s.scalars(select(AccessLogRecord).where(AccessLogRecord.at >= since, AccessLogRecord.at < until).order_by(AccessLogRecord.id)))
        tombstones = list(s.scalars(select(TombstoneRecord).where(TombstoneRecord.purged_at >= since, TombstoneRecord.purged_at < until).order_by(TombstoneRecord.id)))
        originals = list(s.scalars(select(OriginalRecord).where(OriginalRecord.at >= since, OriginalRecord.at < until).order_by(OriginalRecord.id)))
        transcripts = list(s.scalars(select(TranscriptRecord).where(TranscriptRecord.call_id.in_(ids)).order_by(TranscriptRecord.id)))
        wanted = [x.content_sha256 for x in scores] + [t.content_sha256 for t in transcripts]
        bodies = {c.sha256: json.loads(c.body) for c in s.scalars(select(ContentRecord).where(ContentRecord.sha256.in_(wanted)))}

    superseded = {x.supersedes for x in scores if x.supersedes}
    criteria_rows = []
    for sc in scores:
        body = bodies.get(sc.content_sha256)
        for c in (body or {}).get("criteria", []):
            first = c["evidence"][0] if c["evidence"] else None
            criteria_rows.append({
                "call_id": sc.call_id, "score_id": sc.id, "rubric_id": sc.rubric_id, "criterion_id": c["criterion_id"],
                "section_id": c["section_id"], "answer": "N/A" if c["na"] else c["answer"], "points": c["points"],
                "max_points": c["max_points"], "critical": c["critical"], "needs_review": c.get("needs_review", False), "uncertain": c.get("uncertain", False),
                "confidence": c["confidence"], "explanation": c["explanation"],
                "evidence_start": first["start"] if first else None, "evidence_quote": first["quote"] if first else None,
            })  # fmt: skip
    verification_rows = []
    for t in transcripts:
        check = (bodies.get(t.content_sha256) or {}).get("verification") or {}
        leaks = check.get("leaks", [])
        verification_rows.append({
            "call_id": t.call_id, "outcome": check.get("outcome", "not recorded"), "decoder": check.get("decoder"),
            "rounds": check.get("rounds"), "spans_re_redacted": len(leaks),
            "types_re_redacted": ", ".join(sorted({leak["entity_type"] for leak in leaks})), "seconds_heard": check.get("heard_seconds"),
        })  # fmt: skip
    by_call = {c.call_id: c for c in calls}
    counts = pd.DataFrame([{"call_id": e.call_id, "entity_type": e.entity_type} for e in entities], columns=["call_id", "entity_type"])
    summary = counts.pivot_table(index="call_id", columns="entity_type", aggfunc="size", fill_value=0).reset_index() if len(counts) else pd.DataFrame({"call_id": pd.Series(ids, dtype="string")})
    return {
        "calls": _frame(calls, ["call_id", "agent_id", "team", "started_at", "processed_at", "duration", "audio_sha256", "run_id", "id", "row_hash"], CallRecord),
        "scores": _frame(scores, ["call_id", "rubric_id", "rubric_version", "rubric_hash", "total", "passed", "auto_fail", "created_at", "supersedes", "id", "row_hash"], ScoreRecord).assign(
            current=lambda df: ~df["id"].isin(superseded) if len(df) else []
        ),
        "criteria": _typed_empty(pd.DataFrame(criteria_rows, columns=CRITERIA_COLUMNS), CRITERIA_DTYPES),
        "findings": _frame(findings, ["call_id", "kind", "entity_type", "speaker", "start", "end", "detail", "id"], FindingRecord).assign(
            team=lambda df: [by_call[c].team for c in df["call_id"]] if len(df) else []
        ),
        "redaction_summary": summary,
        "verification": _typed_empty(pd.DataFrame(verification_rows, columns=list(VERIFICATION_DTYPES)), VERIFICATION_DTYPES),
        "quarantine": _frame(quarantine, ["created_at", "source", "error_type", "reason", "audio_sha256", "run_id", "id"], QuarantineRecord),
        "access_log": _frame(access, ["at", "actor", "role", "os_account", "action", "object_type", "object_id", "outcome", "purpose", "host", "process", "correlation_id", "detail", "id"], AccessLogRecord),
        "tombstones": _frame(tombstones, ["purged_at", "kind", "call_id", "target_sha256", "reason", "actor", "id"], TombstoneRecord),
        "originals": _frame(originals, ["at", "call_id", "source", "source_sha256", "action", "vault_path", "expires_at", "run_id", "id"], OriginalRecord),
    }


_DTYPES = {str: "string", int: "Int64", float: "float64", bool: "boolean"}


def _frame(rows: list, columns: list[str], model: type | None = None) -> pd.DataFrame:
    """``columns`` of the rows; with none, an empty table typed by ``model``'s columns (an empty
    period's Parquet has the same schema as any other's)."""
    df = pd.DataFrame([{c: getattr(r, c) for c in columns} for r in rows], columns=columns)
    if rows or model is None:
        return df
    return df.astype({c: _DTYPES.get(model.__table__.c[c].type.python_type, "object") for c in columns})


def _typed_empty(df: pd.DataFrame, dtypes: dict[str, str]) -> pd.DataFrame:
    return df.astype(dtypes) if not len(df) else df


def _write_table(df: pd.DataFrame, path: Path, fmt: str) -> Path:
    if fmt == "csv":
        return write_private(path, csv_text(df))  # formulas neutralised (audit_store/files.py)
    if fmt == "parquet":
        buffer = io.BytesIO()
        df.to_parquet(buffer, index=False)
        return write_private(path, buffer.getvalue())
    return write_private(path, canonical_json(json.loads(df.to_json(orient="records"))) + "\n")


def _sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def render_audit_report(period: str, tables: dict[str, pd.DataFrame], chain: dict, who: str, file_hashes: dict[str, str], by: str = "started") -> str:
    """The compliance audit report: one self-contained page (inline CSS and plot), printable."""
    from importlib import resources

    from jinja2 import Environment, select_autoescape

    from .plots import inline_plot

    scores, findings, quarantine, access, criteria = tables["scores"], tables["findings"], tables["quarantine"], tables["access_log"], tables["criteria"]
    current = scores[scores["current"]] if len(scores) else scores
    redaction = tables["redaction_summary"].drop(columns=["call_id"], errors="ignore").sum(numeric_only=True).astype(int)
    redactions = sorted(((str(k), int(v)) for k, v in redaction.items() if v), key=lambda kv: -kv[1])
    team_of = dict(zip(tables["calls"]["call_id"], tables["calls"]["team"].fillna("-"), strict=False)) if len(tables["calls"]) else {}
    violations: dict[str, dict[str, int]] = {}
    if len(criteria):
        current_ids = set(current["id"]) if len(current) else set()
        failed = criteria[(criteria["score_id"].isin(current_ids)) & (criteria["answer"] != "N/A") & (criteria["points"] < criteria["max_points"])]
        for _, row in failed.iterrows():
            team = team_of.get(row["call_id"], "-")
            violations.setdefault(row["criterion_id"], {}).setdefault(team, 0)
            violations[row["criterion_id"]][team] += 1
    teams = sorted({t for row in violations.values() for t in row})
    access_summary = []
    if len(access):
        grouped = access.groupby(["actor", "role", "action", "outcome"]).size().unstack("outcome", fill_value=0).reset_index()
        access_summary = [{"actor": r["actor"], "role": r["role"], "action": r["action"], "allowed": int(r.get("allowed", 0)), "denied": int(r.get("denied", 0)),
                           "not_found": int(r.get("not found", 0))} for _, r in grouped.iterrows()]  # fmt: skip

    def draw(ax) -> None:  # noqa: ANN001
        ax.barh([k for k, _ in redactions][::-1], [v for _, v in redactions][::-1], color="#2f6fb3")
        ax.set_xlabel("redactions")

    env = Environment(autoescape=select_autoescape(["html", "j2"]))
    template = env.from_string(resources.files("audit_store").joinpath("templates/audit_report.html.j2").read_text())
    return template.render(
        period=period, generated_at=chain["verified_at"], who=who, chain=chain, calls_by=CALLS_BY[by],
        calls=len(tables["calls"]), quarantined=len(quarantine),
        pci_findings=int((findings["kind"] == "PCI_READ_BACK").sum()) if len(findings) else 0,
        auto_failed=int(current["auto_fail"].sum()) if len(current) else 0,
        findings=findings.to_dict("records"), redactions=redactions,
        redaction_plot=inline_plot(draw, size=(8, 0.4 + 0.35 * max(1, len(redactions)))) if redactions else "",
        violations=sorted(violations.items(), key=lambda kv: -sum(kv[1].values())), teams=teams,
        quarantine=quarantine.to_dict("records"), access=access_summary, files=sorted(file_hashes.items()),
        verification=sorted(tables["verification"]["outcome"].value_counts().items()) if len(tables["verification"]) else [],
        re_redacted=tables["verification"][tables["verification"]["spans_re_redacted"] > 0].to_dict("records") if len(tables["verification"]) else [],
    )  # fmt: skip
