"""One call through every stage: transcribe → redact → score → store. Plain Python, no Prefect.

Raw (unredacted) text and audio exist only inside ``transcribe_and_redact``. Anything that goes
wrong in there is re-raised as a ``StageFailed`` whose message is built from our own error
types only: a library exception's message could quote what was said, so it is dropped (with
its traceback chain) and replaced by its type and where it happened.
"""

from __future__ import annotations

import shutil
import time
import traceback
import uuid
from pathlib import Path

from audit_store import AlreadyStored, AuditStore, CallIdInUse
from redaction import RedactedTranscript, RedactionOptions, VerificationFailed, redact_and_verify
from scoring import Rubric, score_call
from transcription import BadAudio, BadMetadata, Call, ModelNotAvailable, NumericsError, TranscriptionOptions, transcribe_call
from transcription.calls import load_known_values

from .outcome import CallOutcome

SAFE_ERRORS = (BadAudio, BadMetadata, ModelNotAvailable, NumericsError, VerificationFailed)  # our messages: file names and reasons only
TRANSIENT_MESSAGES = ("database is locked", "database is busy", "could not connect", "connection refused", "server closed the connection",
                      "connection reset", "terminating connection", "timeout", "timed out")  # fmt: skip


class StageFailed(Exception):
    """A stage failed for one call; ``error_type`` and the message are safe to store and log."""

    def __init__(self, error_type: str, message: str) -> None:
        self.error_type = error_type
        super().__init__(message)


def internal_error(call: Call, e: Exception) -> StageFailed:
    """A library or internal exception as a StageFailed that says where, not what: its message
    could quote what was said, so it is withheld (with its traceback chain)."""
    frame = traceback.extract_tb(e.__traceback__)[-1]
    where = f"{Path(frame.filename).name}:{frame.lineno}"
    return StageFailed(type(e).__name__, f"{call.name}: internal error {type(e).__name__} at {where} (message withheld: it may hold call content)")


def is_transient(exc: BaseException) -> bool:
    """Whether a failure is worth retrying: the store busy or unreachable, a connection or a
    worker lost. Bad audio, bad metadata and a missing model are permanent (quarantined at once);
    so is anything else, so a bug is not retried into a loop."""
    from sqlalchemy.exc import DBAPIError, OperationalError
    from sqlalchemy.exc import TimeoutError as PoolTimeout

    if isinstance(exc, StageFailed):
        return False
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    if isinstance(exc, OperationalError):
        return any(m in str(exc.orig).lower() for m in TRANSIENT_MESSAGES)
    if type(exc).__name__ in ("KilledWorker", "CommClosedError"):  # dask: the worker running the call was lost
        return True
    return isinstance(exc, (PoolTimeout, ConnectionError, TimeoutError))


def transcribe_and_redact(
    call: Call, transcription: TranscriptionOptions, redaction: RedactionOptions, audio_dir: Path
) -> tuple[RedactedTranscript, list[Path], dict[str, float]]:
    """The only place raw text and audio exist. Returns the redacted transcript, the redacted
    audio files (written into ``audio_dir``) and the seconds each stage took."""
    timings: dict[str, float] = {}
    try:
        t0 = time.perf_counter()
        known = load_known_values(call)  # read here from the sidecar: the customer's values never travel with the call
        transcript = transcribe_call(call, transcription)
        t1 = time.perf_counter()
        redacted, audio, check = redact_and_verify(call, transcript, known, redaction, transcription, audio_dir)
        del transcript, known  # raw text goes no further
        t3 = time.perf_counter()
    except SAFE_ERRORS as e:
        shutil.rmtree(audio_dir, ignore_errors=True)
        raise StageFailed(type(e).__name__, str(e)) from None
    except Exception as e:  # noqa: BLE001 - anything else may quote raw text in its message
        shutil.rmtree(audio_dir, ignore_errors=True)
        raise internal_error(call, e) from None
    timings.update(transcribe=t1 - t0, verify=check.seconds, redact=t3 - t1 - check.seconds)
    return redacted, audio, timings


def process_call(
    call: Call,
    store: AuditStore,
    rubric: Rubric,
    transcription: TranscriptionOptions,
    redaction: RedactionOptions,
    audio_dir: Path,
    run_id: str | None = None,
) -> CallOutcome:
    """Process one call end to end and store it in one transaction; failures are quarantined.

    Redacted audio goes to a folder of its own per attempt (``audio_dir/CALL_ID/ATTEMPT``), so a
    retry or a concurrent run never overwrites files another stored record points to; folders
    no record points to (a crash before the commit) are removed by ``sweep_orphaned_audio``."""
    attempt_dir = audio_dir / call.call_id / uuid.uuid4().hex[:12]
    try:
        redacted, audio, timings = transcribe_and_redact(call, transcription, redaction, attempt_dir)
        t0 = time.perf_counter()
        try:
            score = score_call(redacted, rubric)
        except Exception as e:  # noqa: BLE001 - a scoring bug quarantines this call, not the batch
            raise internal_error(call, e) from None
        t1 = time.perf_counter()
    except StageFailed as e:
        shutil.rmtree(attempt_dir, ignore_errors=True)
        store.append_quarantine(
            source=", ".join(s.path.name for s in call.sources), audio_sha256=call.audio_sha256,
            error_type=e.error_type, reason=str(e), run_id=run_id,
        )  # fmt: skip
        return CallOutcome(call.name, call.call_id, "quarantined", reason=str(e), error_type=e.error_type)
    meta = call.metadata
    try:
        store.append_call(
            call_id=call.call_id,
            audio_sha256=call.audio_sha256,
            sources=[s.path.name for s in call.sources],
            agent_id=meta.agent_id,
            team=meta.team,
            started_at=meta.started_at.isoformat() if meta.started_at else None,
            transcript=redacted,
            score=score,
            redacted_audio=audio,
            run_id=run_id,
        )
    except AlreadyStored:  # another run stored this recording first: ours is not needed
        shutil.rmtree(attempt_dir, ignore_errors=True)
        return CallOutcome(call.name, call.call_id, "skipped", reason="stored by a concurrent run")
    except CallIdInUse as e:  # another recording took this call id first
        shutil.rmtree(attempt_dir, ignore_errors=True)
        store.append_quarantine(source=", ".join(s.path.name for s in call.sources), audio_sha256=call.audio_sha256,
                                error_type="CallIdInUse", reason=str(e), run_id=run_id)  # fmt: skip
        return CallOutcome(call.name, call.call_id, "quarantined", reason=str(e), error_type="CallIdInUse")
    except BaseException:  # nothing was stored (one transaction), so no record points to these files
        shutil.rmtree(attempt_dir, ignore_errors=True)
        raise
    timings.update(score=t1 - t0, store=time.perf_counter() - t1)
    return CallOutcome(
        call.name, call.call_id, "stored", total=score.total, passed=score.passed, auto_fail=score.auto_fail,
        entities=redacted.entity_counts(), findings=len(redacted.findings),
        seconds={k: round(v, 3) for k, v in timings.items()}, audio_seconds=redacted.duration, audio_check=audio_check(redacted),
    )  # fmt: skip


def audio_check(redacted: RedactedTranscript) -> str:
    """The verification's outcome in a word or two, for the batch table."""
    check = redacted.verification or {}
    leaks = len(check.get("leaks", []))
    return f"{check.get('outcome', 'not verified')}{f' {leaks}' if leaks else ''}"


def sweep_orphaned_audio(store: AuditStore, audio_dir: Path) -> int:
    """Remove redacted audio that no stored call points to (left by a crash before its call's
    transaction committed). Run it only while no batch is writing to ``audio_dir``; returns the
    number of files removed."""
    if not audio_dir.is_dir():
        return 0
    kept = {Path(p).resolve() for p in store.redacted_audio_paths()}
    removed = 0
    for path in sorted(audio_dir.rglob("*"), reverse=True):  # files before their folders
        if path.is_file() and path.resolve() not in kept:
            path.unlink()
            removed += 1
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return removed
