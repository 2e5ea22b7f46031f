"""The nightly batch as a Prefect flow: every call in the inbox, each in its own task.

No task persists its result or caches on its inputs: a task's inputs are a Call (paths and
metadata) and its result is a CallOutcome (ids, numbers, reasons), and raw text never leaves
the task that transcribes and redacts. Logs carry ids and counts only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run

from audit_store import AuditStore
from scoring import find_rubric
from transcription import Call, discover_calls

from .config import Home
from .pipeline import CallOutcome, process_call

# The CLI subscribes here to draw its progress bar; a function, so it is not a flow parameter.
PROGRESS_LISTENERS: list[Callable[[str, int, int, CallOutcome | None], None]] = []


@dataclass
class BatchSummary:
    """What a batch did: one outcome per call or rejected file."""

    run_id: str | None
    inbox: str
    started_at: str
    outcomes: list[CallOutcome] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        counts = {"stored": 0, "skipped": 0, "quarantined": 0}
        for o in self.outcomes:
            counts[o.status] = counts.get(o.status, 0) + 1
        return counts

    @property
    def failed(self) -> bool:
        return any(o.status == "quarantined" for o in self.outcomes)


@lru_cache(maxsize=4)
def get_store(url: str) -> AuditStore:
    """One store (engine and connection pool) per process."""
    return AuditStore(url)


@task(name="process-call", persist_result=False, cache_policy=NO_CACHE, log_prints=False)
def process_call_task(call: Call, home_dir: str, run_id: str | None) -> CallOutcome:
    home = Home.resolve(home_dir)
    config = home.load_config()
    outcome = process_call(
        call,
        get_store(home.store_url),
        find_rubric(config.rubric, home.root),
        config.transcription_options(),
        config.redaction_options(),
        home.audio_dir,
        run_id,
    )
    logger = get_run_logger()
    if outcome.status == "stored":
        logger.info("call %s stored: score %s, %d redactions, %d findings", outcome.call_id, outcome.total, sum(outcome.entities.values()), outcome.findings)
    else:
        logger.warning("call %s quarantined (%s)", outcome.call_id, outcome.error_type)
    return outcome


@flow(name="nightly-batch", persist_result=False, log_prints=False)
def nightly_batch(inbox: str | None = None, home: str | None = None) -> BatchSummary:
    """Process every new call in the inbox; quarantine what cannot be processed.

    >>> summary = nightly_batch(inbox="samples")  # doctest: +SKIP
    >>> summary.counts()  # doctest: +SKIP
    {'stored': 4, 'skipped': 0, 'quarantined': 0}
    """
    logger = get_run_logger()
    data = Home.resolve(home)
    config = data.load_config()
    inbox_dir = Path(inbox).expanduser().resolve() if inbox else config.inbox
    find_rubric(config.rubric, data.root)  # a broken rubric stops the batch before any call
    store = get_store(data.store_url)
    run_id = str(flow_run.id) if flow_run.id else None
    summary = BatchSummary(run_id, str(inbox_dir), datetime.now(timezone.utc).isoformat(timespec="seconds"))

    calls, rejected = discover_calls(inbox_dir, config.default_agent_channel)
    total = len(calls) + len(rejected)
    logger.info("inbox %s: %d calls, %d files that are not calls", inbox_dir, len(calls), len(rejected))
    done = 0
    for bad in rejected:
        store.append_quarantine(source=bad.path.name, audio_sha256=bad.sha256, error_type="NotAudio", reason=bad.reason, run_id=run_id)
        outcome = CallOutcome(bad.path.name, None, "quarantined", reason=bad.reason, error_type="NotAudio")
        summary.outcomes.append(outcome)
        done += 1
        _notify(bad.path.name, done, total, outcome)
    for call in calls:
        _notify(call.name, done, total, None)
        existing = store.processed_call(call.audio_sha256)
        if existing is not None:
            stored = store.score_total(existing.call_id)
            total_score, passed, auto_fail = stored if stored else (None, None, False)
            outcome = CallOutcome(call.name, existing.call_id, "skipped", total=total_score, passed=passed, auto_fail=auto_fail, reason="already stored")
        else:
            outcome = process_call_task(call, str(data.root), run_id)
        summary.outcomes.append(outcome)
        done += 1
        _notify(call.name, done, total, outcome)

    store.append_batch_run(run_id=run_id or "local", started_at=summary.started_at, inbox=str(inbox_dir), counts=summary.counts())
    logger.info("batch done: %s", summary.counts())
    return summary


def _notify(name: str, done: int, total: int, outcome: CallOutcome | None) -> None:
    for listener in PROGRESS_LISTENERS:
        listener(name, done, total, outcome)
