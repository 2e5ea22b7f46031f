"""The nightly batch as a Prefect flow: every call in the inbox, each in its own task.

Calls run in parallel on the flow's task runner: threads in this process (``local``, the
default; models are loaded once and the speech engine keeps one replica per worker sharing the
weights) or a Dask cluster through prefect-dask (``dask``: a LocalCluster of worker processes
here, or a scheduler address). Each task retries transient failures (store busy, connection or
worker lost) with exponential backoff; permanent ones (bad audio or metadata, a missing model)
are quarantined at once.

No task persists its result or caches on its inputs: a task's inputs are a Call (paths and
metadata), options and the rubric, and its result is a CallOutcome (ids, numbers, reasons); raw
text never leaves the task that transcribes and redacts. Logs carry ids and counts only.
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.futures import as_completed
from prefect.runtime import flow_run
from prefect.runtime import task_run as task_run_info
from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner
from prefect.tasks import exponential_backoff

from audit_store import AuditStore, CallIdInUse
from audit_store.access import Acting, set_acting
from audit_store.identity import os_account
from audit_store.store import get_store
from redaction import RedactionOptions
from scoring import Rubric, find_rubric
from transcription import Call, TranscriptionOptions, discover_calls
from transcription.numerics import PORTABLE, numerics_env, resolve_isa

from .config import BatchConfig, Config, Home, OriginalsConfig
from .originals import OriginalNotDisposed, dispose_originals, finish_lone_sidecars
from .outcome import STAGES, CallOutcome
from .pipeline import is_transient, process_call, sweep_orphaned_audio

# The CLI subscribes here to draw its progress bar; a function, so it is not a flow parameter.
PROGRESS_LISTENERS: list[Callable[[str, int, int, CallOutcome | None], None]] = []
PAST = {"delete": "deleted", "vault": "moved to the vault", "keep": "kept"}


class BatchAlreadyRunning(Exception):
    """Another batch holds this data directory's batch lock."""


@dataclass
class BatchSummary:
    """What a batch did: one outcome per call or rejected file, and how long it took."""

    run_id: str | None
    inbox: str
    started_at: str
    task_runner: str = "local"
    workers: int = 1
    outcomes: list[CallOutcome] = field(default_factory=list)
    wall_seconds: float = 0.0
    swept_files: int = 0

    def counts(self) -> dict[str, int]:
        counts = {"stored": 0, "skipped": 0, "quarantined": 0, "failed": 0}
        for o in self.outcomes:
            counts[o.status] = counts.get(o.status, 0) + 1
        return counts

    @property
    def failed(self) -> bool:
        return any(o.status in ("quarantined", "failed") for o in self.outcomes)

    def record(self) -> dict:
        """The per-run summary stored in the audit store and shown by `callaudit runs`."""
        stored = [o for o in self.outcomes if o.status == "stored"]
        failures: dict[str, int] = {}
        for o in self.outcomes:
            if o.status in ("quarantined", "failed"):
                failures[o.error_type or "unknown"] = failures.get(o.error_type or "unknown", 0) + 1
        audio = sum(o.audio_seconds for o in stored)
        return {
            "counts": self.counts(),
            "task_runner": self.task_runner,
            "workers": self.workers,
            "wall_seconds": round(self.wall_seconds, 3),
            "audio_seconds": round(audio, 3),
            "audio_minutes_per_wall_minute": round(audio / self.wall_seconds, 3) if self.wall_seconds else None,
            "stage_seconds": {k: round(sum(o.seconds.get(k, 0.0) for o in stored), 3) for k in STAGES},
            "failures": failures,
            "retries": sum(o.attempts - 1 for o in self.outcomes),
            "swept_files": self.swept_files,
        }


def already_stored(name: str, call_id: str, store: AuditStore, rubric_id: str) -> CallOutcome:
    """The summary row of a recording stored before: its score under the batch's rubric (not the
    latest under any rubric: after a re-score with another rubric, that one's)."""
    stored = store.score_total(call_id, rubric_id)
    total, passed, auto_fail = stored if stored else (None, None, False)
    return CallOutcome(name, call_id, "skipped", total=total, passed=passed, auto_fail=auto_fail, reason="already stored")


def _retry_if_transient(_task, _task_run, state) -> bool:  # noqa: ANN001 - Prefect's retry_condition_fn
    exc = state.result(raise_on_failure=False)
    return isinstance(exc, BaseException) and is_transient(exc)


@task(name="process-call", persist_result=False, cache_policy=NO_CACHE, log_prints=False, retry_condition_fn=_retry_if_transient)
def process_call_task(
    call: Call, home_dir: str, rubric: Rubric, transcription: TranscriptionOptions, redaction: RedactionOptions,
    originals: OriginalsConfig, run_id: str | None,
) -> CallOutcome:  # fmt: skip
    home = Home.resolve(home_dir)
    store = get_store(home.store_url)
    outcome = process_call(call, store, rubric, transcription, redaction, home.audio_dir, run_id)
    outcome.attempts = task_run_info.run_count or 1
    if outcome.status in ("stored", "skipped"):
        _dispose(call, store, home, originals, run_id, outcome)
    logger = get_run_logger()
    if outcome.status == "stored":
        logger.info("call %s stored: score %s, %d redactions, %d findings", outcome.call_id, outcome.total, sum(outcome.entities.values()), outcome.findings)
    elif outcome.status == "quarantined":
        logger.warning("call %s quarantined (%s)", outcome.call_id, outcome.error_type)
    return outcome


def task_runner_for(batch: BatchConfig, cpu_isa: str = PORTABLE) -> TaskRunner:
    """The task runner for ``batch``: threads here, or Dask (a scheduler, or a LocalCluster whose
    workers start under the CPU kernels ``cpu_isa`` names; a remote worker pins them itself before
    it loads a model, and refuses a call if it already runs under others)."""
    if batch.task_runner == "dask":
        from prefect_dask import DaskTaskRunner

        if batch.dask_address:
            return DaskTaskRunner(address=batch.dask_address)
        # One call per worker process; each process loads the models once. Dask starts its
        # workers with OMP_NUM_THREADS=1, and Whisper's output depends on the OpenMP thread
        # count at process start (measured: a word changes), so the workers start with this
        # process's value: the Dask path stores what the local path does.
        import dask

        omp = {k: os.environ.get(k, str(os.cpu_count() or 1)) for k in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")}
        # and with this run's CPU kernels, set before the worker imports NumPy (transcription/numerics.py)
        kernels = numerics_env(resolve_isa(cpu_isa))
        dask.config.set({"distributed.nanny.pre-spawn-environ": {**dask.config.get("distributed.nanny.pre-spawn-environ"), **omp, **kernels}})
        cluster = {"n_workers": batch.worker_count(), "threads_per_worker": 1, "processes": True, "dashboard_address": None}
        return DaskTaskRunner(cluster_class="distributed.LocalCluster", cluster_kwargs=cluster)
    return ThreadPoolTaskRunner(max_workers=batch.worker_count())


def run_batch(home: str | None = None, inbox: str | None = None, transcription: dict | None = None, **overrides: object) -> BatchSummary:
    """Run the nightly batch now. ``overrides`` replace keys of the config's ``batch:`` section
    (workers, task_runner, dask_address, retries, retry_delay); ``transcription`` replaces keys
    of its ``transcription:`` section (backend, model, compute_type, beam_size, ...).

    >>> summary = run_batch(inbox="samples", workers=2)  # doctest: +SKIP
    >>> summary.counts()  # doctest: +SKIP
    {'stored': 5, 'skipped': 0, 'quarantined': 0, 'failed': 0}
    """
    asr = {k: v for k, v in (transcription or {}).items() if v is not None}
    return nightly_batch(inbox=inbox, home=home, batch={k: v for k, v in overrides.items() if v is not None}, transcription=asr or None)


@flow(name="nightly-batch", persist_result=False, log_prints=False)
def nightly_batch(inbox: str | None = None, home: str | None = None, batch: dict | None = None, transcription: dict | None = None) -> BatchSummary:
    """Process every new call in the inbox; quarantine what cannot be processed.

    ``batch`` and ``transcription`` override keys of those config sections for this run. The task runner
    is chosen per run from the config (so a served deployment picks up config changes). Run by
    the CLI in its own process (``run_batch``), never served: the served deployment is
    ``scheduled_batch``, which takes no parameters.
    """
    return _batch(inbox, home, batch, transcription)


SERVED_HOME = "CALLAUDIT_SERVED_HOME"  # set by `callaudit serve` in its own environment, inherited by the runs it executes


@flow(name="nightly-batch", persist_result=False, log_prints=False)
def scheduled_batch() -> BatchSummary:
    """The served deployment's flow. It takes no parameters (Prefect refuses a run that passes
    any), so nobody who can reach the Prefect API can point it at another inbox, data directory,
    store or Dask scheduler: all of them come from the config of the data directory that
    ``callaudit serve`` was started with."""
    home = os.environ.get(SERVED_HOME)
    if not home:
        raise RuntimeError(f"{SERVED_HOME} is not set: this flow runs only under `callaudit serve`")
    return _batch(None, home, None, None)


def _batch(inbox: str | None, home: str | None, batch: dict | None, transcription: dict | None) -> BatchSummary:
    logger = get_run_logger()
    data = Home.resolve(home)
    config = data.load_config()
    if transcription:
        config.transcription = config.transcription.model_validate({**config.transcription.model_dump(), **transcription})
    settings = BatchConfig.model_validate({**config.batch.model_dump(), **(batch or {})})  # overrides validated too
    inbox_dir = Path(inbox).expanduser().resolve() if inbox else config.inbox
    rubric = find_rubric(config.rubric, data.root)  # a broken rubric stops the batch before any call; one version for all
    store = get_store(data.store_url)
    run_id = str(flow_run.id) if flow_run.id else None
    set_acting(Acting(os_account(), run_id))  # what the batch logs carries its OS account and flow run id
    started = time.perf_counter()
    summary = BatchSummary(run_id, str(inbox_dir), datetime.now(timezone.utc).isoformat(timespec="seconds"),
                           task_runner=settings.task_runner, workers=settings.worker_count())  # fmt: skip

    with batch_lock(data):
        try:
            store.record_users(config.user_models())  # a changed users: section is in the access log by the next morning
        except Exception as e:  # noqa: BLE001 - a busy store must not stop the batch: the next command or run records it
            if not is_transient(e):
                raise
            logger.warning("the store is busy (%s): the users: section is recorded by the next run", type(e).__name__)
        summary.swept_files = sweep_orphaned_audio(store, data.audio_dir)
        if summary.swept_files:
            logger.warning("removed %d redacted audio files no stored call points to (left by an interrupted run)", summary.swept_files)
        calls, rejected = discover_calls(inbox_dir, config.default_agent_channel, refuse_hard_links=config.originals.policy != "keep")
        used = {c.metadata_path for c in calls if c.metadata_path} | {r.path.with_suffix(".json") for r in rejected}
        for lone in finish_lone_sidecars(inbox_dir, used, store):
            logger.warning("%s: the sidecar of a stored call, left by an interrupted run; disposed of as its row records", lone.name)
        total = len(calls) + len(rejected)
        logger.info("inbox %s: %d calls, %d files that are not calls; %s runner, %d workers", inbox_dir, len(calls), len(rejected), settings.task_runner, summary.workers)
        done = 0

        def finish(name: str, outcome: CallOutcome) -> None:
            nonlocal done
            summary.outcomes.append(outcome)
            done += 1
            _notify(name, done, total, outcome)

        for bad in rejected:
            store.append_quarantine(source=bad.path.name, audio_sha256=bad.sha256, error_type="NotAudio", reason=bad.reason, run_id=run_id)
            finish(bad.path.name, CallOutcome(bad.path.name, None, "quarantined", reason=bad.reason, error_type="NotAudio"))
        todo = []
        for call in calls:
            leftover = _leftover_original(call, store)
            if leftover is not None:  # a leg of a stored call whose disposal a crash interrupted
                outcome = CallOutcome(call.name, leftover.call_id, "skipped", reason=f"left over from the stored call {leftover.call_id}; {PAST[config.originals.policy]} now")
                _dispose(_with_its_sidecar(call, leftover.call_id, store), store, data, config.originals, run_id, outcome)
                finish(call.name, outcome)
                continue
            existing = store.processed_call(call.audio_sha256)
            if existing is None and (taken := store.call_with_id(call.call_id)) is not None:  # checked again as it is stored
                reason = str(CallIdInUse(call.call_id, ", ".join(json.loads(taken.sources))))
                store.append_quarantine(source=", ".join(s.path.name for s in call.sources), audio_sha256=call.audio_sha256,
                                        error_type="CallIdInUse", reason=reason, run_id=run_id)  # fmt: skip
                finish(call.name, CallOutcome(call.name, call.call_id, "quarantined", reason=reason, error_type="CallIdInUse"))
                continue
            if existing is None:
                todo.append(call)
                continue
            outcome = already_stored(call.name, existing.call_id, store, rubric.id)
            _dispose(call, store, data, config.originals, run_id, outcome)  # a run that died before disposing
            finish(call.name, outcome)

        transcription = _transcription_options(config, settings)
        transcription = replace(transcription, vocabulary=(*transcription.vocabulary, *rubric.vocabulary))  # the rubric's names too
        call_task = process_call_task.with_options(retries=settings.retries, retry_delay_seconds=exponential_backoff(settings.retry_delay), retry_jitter_factor=0.2)
        redaction = config.redaction_options()
        with task_runner_for(settings, config.transcription.cpu_isa) if todo else nullcontext() as runner:
            futures = {}
            for call in todo:
                _notify(call.name, done, total, None)
                params = {"call": call, "home_dir": str(data.root), "rubric": rubric, "transcription": transcription, "redaction": redaction,
                          "originals": config.originals, "run_id": run_id}  # fmt: skip
                futures[runner.submit(call_task, parameters=params)] = call
            for future in as_completed(list(futures)):
                call = futures[future]
                try:
                    outcome = future.result()
                except Exception as e:  # noqa: BLE001 - one call's failure never sinks the batch
                    outcome = _failed(call, e, settings.retries)
                    logger.error("call %s failed: %s", call.call_id, outcome.reason)
                finish(call.name, outcome)

    summary.wall_seconds = time.perf_counter() - started
    record = summary.record()
    store.append_batch_run(run_id=run_id or "local", started_at=summary.started_at, inbox=str(inbox_dir), summary=record)
    _publish_artifact(summary, record)
    logger.info("batch done: %s", summary.counts())
    return summary


def _leftover_original(call: Call, store: AuditStore):  # noqa: ANN202 - OriginalRecord | None
    """The original record of a stored call, when every recording of ``call`` was recorded as
    one of its originals (its disposal was interrupted: e.g. one leg of a pair deleted, the
    other not yet), else None."""
    from transcription.calls import sha256_file

    rows = [store.original_of(sha256_file(s.path)) for s in call.sources]
    if rows and all(r is not None for r in rows) and len({r.call_id for r in rows}) == 1:
        return rows[0]
    return None


def _with_its_sidecar(call: Call, call_id: str, store: AuditStore) -> Call:
    """``call`` as the leftover of the stored call ``call_id``, with the pair's sidecar if that
    is a recorded original of it too (a lone leg is discovered without its pair's sidecar)."""
    from transcription.calls import _pair_stem, sha256_file

    sidecar = call.metadata_path
    for source in call.sources:
        candidate = source.path.with_name(f"{_pair_stem(source.path)}.json")
        if sidecar is None and candidate.is_file():
            row = store.original_of(sha256_file(candidate))
            sidecar = candidate if row is not None and row.call_id == call_id else None
    return replace(call, call_id=call_id, metadata_path=sidecar)


def _dispose(call: Call, store: AuditStore, home: Home, originals: OriginalsConfig, run_id: str | None, outcome: CallOutcome) -> None:
    """Apply the originals policy to a stored call. A file that cannot be removed leaves the call
    stored, with a note; the next run tries again."""
    try:
        dispose_originals(call, store, originals.policy, home.vault_dir, originals.vault_days, run_id)
    except OSError as e:
        why = e.strerror if isinstance(e, OriginalNotDisposed) else type(e).__name__
        outcome.reason = f"{outcome.reason + '; ' if outcome.reason else ''}original not {PAST[originals.policy]}: {why} on {Path(e.filename or '').name}"
        get_run_logger().warning("call %s: %s", call.call_id, outcome.reason)


def _transcription_options(config: Config, batch: BatchConfig) -> TranscriptionOptions:
    """How the calls running at once share the cores.

    - local: the calls share one engine in this process, so no more than
      ``transcription.workers`` windows are decoded at once (auto: one per core, at one thread
      each with faster-whisper), whichever calls they belong to. openai-whisper decodes one
      window at a time on all cores.
    - a Dask LocalCluster: ``batch.workers`` processes here, each with its share of the cores.
    - a remote Dask cluster: each worker resolves "auto" on its own machine.
    """
    t = config.transcription
    if batch.task_runner == "dask" and not batch.dask_address:
        share = max(1, (os.cpu_count() or 1) // batch.worker_count())
        threads = t.threads or min(share, config.transcription_options().engine_threads)
        return config.transcription_options(threads=threads, workers=t.workers or max(1, share // threads))
    return config.transcription_options()


def _failed(call: Call, e: Exception, retries: int) -> CallOutcome:
    """A call whose task failed outside the quarantined stages (the store, the cluster). The
    message is not kept: only its type; the next run processes the call again."""
    transient = is_transient(e)
    if transient:
        reason = f"transient {type(e).__name__}, still failing after {retries} retries; the next run processes this call again"
    else:
        reason = f"{type(e).__name__} while storing (see the Prefect task run); the next run processes this call again"
    return CallOutcome(call.name, call.call_id, "failed", reason=reason, error_type=type(e).__name__, attempts=retries + 1 if transient else 1)


@contextmanager
def batch_lock(home: Home) -> Iterator[None]:
    """One batch at a time per data directory (a cron run and a manual run must not both process
    the inbox). The OS releases the lock when the process dies, even on SIGKILL."""
    path = home.root / "batch.lock"
    with open(path, "a+") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            f.seek(0)
            holder = f.read().strip() or "unknown"
            raise BatchAlreadyRunning(f"another batch is running on {home.root} ({holder}); wait for it to finish, or check `callaudit runs`") from None
        f.seek(0)
        f.truncate()
        f.write(f"pid {os.getpid()} since {datetime.now(timezone.utc).isoformat(timespec='seconds')}")
        f.flush()
        try:
            yield
        finally:
            f.truncate(0)
            fcntl.flock(f, fcntl.LOCK_UN)


def summary_markdown(summary: BatchSummary, record: dict) -> str:
    """The run's summary as a markdown table (the Prefect artifact)."""
    c = record["counts"]
    lines = [
        f"### Nightly batch {summary.run_id or ''}",
        f"Inbox `{summary.inbox}`; {summary.task_runner} runner, {summary.workers} workers; "
        f"{record['wall_seconds']:.1f} s wall for {record['audio_seconds'] / 60:.1f} min of audio.",
        "",
        "| stored | already stored | quarantined | failed | retries |",
        "|---:|---:|---:|---:|---:|",
        f"| {c['stored']} | {c['skipped']} | {c['quarantined']} | {c['failed']} | {record['retries']} |",
        "",
        "| stage | seconds (sum over calls) |",
        "|---|---:|",
        *(f"| {k} | {v:.1f} |" for k, v in record["stage_seconds"].items()),
    ]
    if record["failures"]:
        lines += ["", "| failure | calls |", "|---|---:|", *(f"| {k} | {v} |" for k, v in sorted(record["failures"].items()))]
    problems = [o for o in summary.outcomes if o.status in ("quarantined", "failed")]
    if problems:
        lines += ["", "| recording | status | reason |", "|---|---|---|"]
        lines += [f"| {o.name} | {o.status} | {(o.reason or '').replace('|', '/')} |" for o in problems]
    return "\n".join(lines)


def _publish_artifact(summary: BatchSummary, record: dict) -> None:
    create_markdown_artifact(key="nightly-batch-summary", markdown=summary_markdown(summary, record), description="callaudit nightly batch summary")


def _notify(name: str, done: int, total: int, outcome: CallOutcome | None) -> None:
    for listener in PROGRESS_LISTENERS:
        listener(name, done, total, outcome)
