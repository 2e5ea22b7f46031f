"""Terminal output of the CLI (rich): progress, batch summary, call view, info."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import metadata

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from audit_store import CallView
from redaction import PCI_ENTITIES
from scoring import Rubric

from .outcome import STAGES, CallOutcome

console = Console(width=None if Console().is_terminal else 160)


def printable(value: object) -> str:
    """A stored value as a terminal may show it: control characters (an ANSI escape in a
    purpose, a newline forging a second log line) written as escapes."""
    return "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in str(value))


def lit(value: object) -> str:
    """A value from the store or a file, as Rich prints it literally: a call id, agent id, file
    name or reason may hold "[bold]" or "[/]" (Rich markup), which would style or crash the output."""
    return escape(str(value))


def clock(seconds: float) -> str:
    m, s = divmod(seconds, 60)
    return f"{int(m):02d}:{s:04.1f}"


@contextmanager
def progress_bar() -> Iterator:
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("discovering calls", total=None)

        def listener(name: str, done: int, total: int, outcome: CallOutcome | None) -> None:
            progress.update(task, total=total, completed=done, description=f"{'processing' if outcome is None else 'done'} {lit(name)}")

        yield listener


def print_summary(summary) -> None:  # noqa: ANN001 - BatchSummary (flows.nightly imports prefect)
    """The batch's table, one row per recording in name order (the same every run), then counts."""
    table = Table(title=f"Batch {(summary.run_id or 'local')[:8]}", title_justify="left")
    notes = any(o.reason for o in summary.outcomes)
    for col in ("recording", "call id", "status", "score", "result", "redacted", "PCI", "findings", "audio check", *(("note",) if notes else ())):
        table.add_column(col, overflow="fold")
    for o in sorted(summary.outcomes, key=lambda o: o.name):
        score = "-" if o.total is None else f"{o.total:.1f}"
        verdict = "-" if o.passed is None else ("AUTO-FAIL" if o.auto_fail else ("yes" if o.passed else "no"))
        redacted = str(sum(o.entities.values())) if o.status == "stored" else "-"
        pci = str(sum(v for k, v in o.entities.items() if k in PCI_ENTITIES)) if o.status == "stored" else "-"
        style = {"quarantined": "red", "skipped": "dim"}.get(o.status)
        row = (o.name, o.call_id or "-", o.status, score, verdict, redacted, pci, str(o.findings or "-"), o.audio_check or "-",
               *((o.reason or "",) if notes else ()))  # fmt: skip
        table.add_row(*map(lit, row), style=style)
    console.print(table)
    counts = summary.counts()
    failed = f", failed {counts['failed']} (the next run retries them)" if counts["failed"] else ""
    console.print(f"stored {counts['stored']}, already stored {counts['skipped']}, quarantined {counts['quarantined']}{failed}"
                  f" in {clock(summary.wall_seconds)} ({summary.workers} workers, {summary.task_runner}); inbox {lit(summary.inbox)}", highlight=False)


def run_record(row) -> dict:  # noqa: ANN001 - BatchRunRecord
    """A stored batch summary; runs recorded before summaries had more than counts get zeros."""
    data = json.loads(row.counts)
    return data if "counts" in data else {"counts": data}


def print_runs(rows) -> None:  # noqa: ANN001 - list[BatchRunRecord]
    table = Table(title="Batch runs (newest first)", title_justify="left")
    for col in ("run", "started", "stored", "already", "quarantined", "failed", "retries", "audio min", "wall", "audio min / wall min", "failures"):
        table.add_column(col, overflow="fold")
    for row in rows:
        r = run_record(row)
        c = r["counts"]
        speed = r.get("audio_minutes_per_wall_minute")
        failures = ", ".join(f"{k} {v}" for k, v in sorted(r.get("failures", {}).items())) or "-"
        table.add_row(*map(lit, (row.run_id[:8], row.started_at, str(c.get("stored", 0)), str(c.get("skipped", 0)), str(c.get("quarantined", 0)),
                               str(c.get("failed", 0)), str(r.get("retries", 0)), f"{r.get('audio_seconds', 0) / 60:.1f}",
                               clock(r.get("wall_seconds", 0)), "-" if speed is None else f"{speed:.1f}", failures)))  # fmt: skip
    console.print(table)


def print_run(row, quarantined) -> None:  # noqa: ANN001 - BatchRunRecord, list[QuarantineRecord]
    r = run_record(row)
    console.print(f"[bold]Batch {lit(row.run_id)}[/bold]  inbox {lit(row.inbox)}", highlight=False)
    console.print(f"started {lit(row.started_at)}, finished {lit(row.finished_at)}; {lit(r.get('task_runner', '-'))} runner, {lit(r.get('workers', '-'))} workers; "
                  f"{r.get('swept_files', 0)} orphaned audio files removed", highlight=False)
    c = r["counts"]
    console.print(f"stored {c.get('stored', 0)}, already stored {c.get('skipped', 0)}, quarantined {c.get('quarantined', 0)}, "
                  f"failed {c.get('failed', 0)}; retries {r.get('retries', 0)}", highlight=False)
    if r.get("wall_seconds"):
        console.print(f"{r['audio_seconds'] / 60:.1f} min of audio in {clock(r['wall_seconds'])} wall", highlight=False)
    table = Table(title="Seconds per stage (sum over stored calls)", title_justify="left")
    table.add_column("stage")
    table.add_column("seconds", justify="right")
    for k in STAGES:
        if k in r.get("stage_seconds", {}):
            table.add_row(k, f"{r['stage_seconds'][k]:.1f}")
    console.print(table)
    if quarantined:
        q = Table(title="Quarantined in this run", title_justify="left")
        for col in ("recording", "error", "reason"):
            q.add_column(col, overflow="fold")
        for rec in quarantined:
            q.add_row(lit(rec.source), lit(rec.error_type), lit(rec.reason))
        console.print(q)


def print_call(view: CallView) -> None:
    call, transcript, score = view.call, view.transcript, view.score
    console.print(f"[bold]Call {lit(call.call_id)}[/bold]  agent {lit(call.agent_id or '-')}  team {lit(call.team or '-')}  "
                  f"started {lit(call.started_at or '-')}  duration {clock(call.duration)}  processed {lit(call.processed_at)}", highlight=False)
    for t in view.purged:
        console.print(f"[yellow]{lit(t.kind.replace('_', ' '))} purged {lit(t.purged_at)} by {lit(t.actor)} ({lit(t.reason)})[/yellow]", highlight=False)
    if transcript is None:
        console.print("[yellow]transcript: purged (retention)[/yellow]")
    else:
        _print_transcript(transcript)
    if score is None:
        return
    _print_score(score)


def _print_transcript(transcript) -> None:  # noqa: ANN001
    line = f"ASR: {transcript.model}; redaction: {transcript.redaction.get('engine', '')}, {transcript.redaction.get('nlp', '')}"
    console.print(f"[dim]{lit(line)}[/dim]", highlight=False)
    check = transcript.verification or {}
    if check:
        leaks = check.get("leaks", [])
        heard = f"; {len(leaks)} span(s) re-redacted ({', '.join(sorted({leak['entity_type'] for leak in leaks}))})" if leaks else ""
        line = f"audio verified: {check.get('outcome')} by {check.get('decoder')}, {check.get('rounds')} round(s){heard}"
        console.print(f"[dim]{escape(line)}[/dim]", highlight=False)
    console.print()
    for seg in transcript.segments:
        who = "AGENT   " if seg.speaker == "agent" else ("CUSTOMER" if seg.speaker == "customer" else seg.speaker.upper().ljust(8))
        console.print(f"[{clock(seg.start)}] {who} {seg.text}", highlight=False, markup=False)
    if transcript.findings:
        console.print("\n[bold red]Findings[/bold red]")
        for f in transcript.findings:
            console.print(f"  [{clock(f.start)}] {f.kind}: {f.detail} (segment {f.segment_id})", highlight=False, markup=False)


def _print_score(score) -> None:  # noqa: ANN001
    verdict = "AUTO-FAIL" if score.auto_fail else ("PASS" if score.passed else "FAIL")
    console.print(f"\n[bold]Score {score.total if score.total is not None else '-'} ({verdict})[/bold]  rubric {lit(score.rubric_id)} v{score.rubric_version} sha256 {lit(score.rubric_hash[:12])}…", highlight=False)
    for reason in score.auto_fail_reasons:
        console.print(f"  [red]{lit(reason)}[/red]", highlight=False)
    pending = [c.criterion_id for c in score.criteria if getattr(c, "uncertain", False)]
    if pending:
        console.print(f"  [yellow]needs human review (left out of the total until a person answers): {escape(', '.join(pending))}[/yellow]", highlight=False)
    table = Table(show_lines=True)
    for col in ("criterion", "answer", "points", "why", "evidence"):
        table.add_column(col, overflow="fold")
    for c in score.criteria:
        answer = "N/A" if c.na else c.answer
        if c.needs_review:
            answer += " (needs human review)"
        evidence = "\n".join(f"[{clock(e.start)}-{clock(e.end)}] {e.speaker}: {e.quote}" for e in c.evidence) or "-"
        points = "-" if c.na else f"{c.points:g}/{c.max_points:g}"
        table.add_row(*map(lit, (c.criterion_id + (" (critical)" if c.critical else ""), answer, points, c.explanation, evidence)))
    console.print(table)
    for s in score.sections:
        console.print(f"  {lit(s.title)}: {'-' if s.score is None else f'{s.score:.1f}'} (weight {s.weight:g})", highlight=False)


LIBRARIES = ("faster-whisper", "ctranslate2", "onnxruntime", "numpy", "torch", "transformers", "presidio-analyzer", "spacy", "prefect", "sqlalchemy")


def print_info(home, config) -> None:  # noqa: ANN001
    from redaction.engine import nlp_description
    from scoring import find_rubric
    from transcription import ModelNotAvailable, resolve_model

    from transcription.models import model_digest
    from transcription.numerics import numerics_profile
    from transcription.provenance import library_versions

    try:
        model = resolve_model(config.transcription.model, home.models_dir)
        asr = f"{model.name} from {model.source} ({model.path}), sha256 {model_digest(model)}"
    except ModelNotAvailable as e:
        asr = f"MISSING: {e}"
    kernels = numerics_profile()
    pinned = ", ".join(f"{k}={v}" for k, v in kernels.items() if k not in ("cpu_isa", "arch"))
    rubric = find_rubric(config.rubric, home.root)
    rows = [
        ("data directory", str(home.root)),
        ("config", str(home.config_path)),
        ("store", home.store_url),
        ("inbox", str(config.inbox)),
        ("redacted audio", str(home.audio_dir)),
        ("prefect home", str(home.prefect_home)),
        ("schedule", f"{config.schedule.cron} ({config.schedule.timezone or 'local time'})"),
        ("ASR", f"{config.transcription.backend}, model {asr}"),
        ("CPU kernels", f"cpu_isa {config.transcription.cpu_isa} = {kernels['cpu_isa']} on {kernels['arch']} ({pinned or 'nothing pinned'})"),
        ("libraries", ", ".join(f"{k} {v}" for k, v in library_versions(LIBRARIES).items())),
        ("redaction", f"presidio-analyzer {metadata.version('presidio-analyzer')}, {nlp_description(config.redaction.spacy_model)}"),
        ("rubric", f"{rubric.id} v{rubric.version} sha256 {rubric.content_hash}"),
        ("users", ", ".join(f"{n} ({(spec or {}).get('role')})" for n, spec in config.users.items())),
        ("callaudit", metadata.version("callaudit")),
    ]
    for k, v in rows:
        console.print(f"[bold]{k:15s}[/bold] {lit(v)}", highlight=False)


def print_rubric(rubric: Rubric) -> None:
    console.print(f"[bold]{lit(rubric.title)}[/bold]  {lit(rubric.id)} v{rubric.version}  sha256 {rubric.content_hash}", highlight=False)
    console.print(f"pass mark {rubric.pass_mark:g}; a failed critical criterion fails the {lit(rubric.auto_fail_scope)}", highlight=False)
    for section in rubric.sections:
        console.print(f"\n[bold]{lit(section.title)}[/bold] (weight {section.weight:g})", highlight=False)
        for c in section.criteria:
            flags = " [red]critical[/red]" if c.critical else ""
            na = " (N/A rule)" if c.na_when else ""
            console.print(f"  {lit(c.id)}{flags}{na}: {lit(c.question)} — {lit(c.method.type)}, weight {c.weight:g}", highlight=False)
