"""One call through every stage: transcribe → redact → score → store. Plain Python, no Prefect.

Raw (unredacted) text and audio exist only inside ``transcribe_and_redact``. Anything that goes
wrong in there is re-raised as a ``StageFailed`` whose message is built from our own error
types only: a library exception's message could quote what was said, so it is dropped (with
its traceback chain) and replaced by its type and where it happened.
"""

from __future__ import annotations

import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from audit_store import AuditStore
from redaction import RedactedTranscript, RedactionOptions, redact_audio, redact_transcript
from scoring import Rubric, score_call
from transcription import BadAudio, BadMetadata, Call, ModelNotAvailable, TranscriptionOptions, transcribe_call

SAFE_ERRORS = (BadAudio, BadMetadata, ModelNotAvailable)  # our messages: file names and reasons only
PERMANENT_ERRORS = ("BadAudio", "BadMetadata", "NotAudio")  # quarantine at once; never retry in-run


class StageFailed(Exception):
    """A stage failed for one call; ``error_type`` and the message are safe to store and log."""

    def __init__(self, error_type: str, message: str) -> None:
        self.error_type = error_type
        super().__init__(message)


@dataclass
class CallOutcome:
    """What happened to one call in a batch (ids, numbers and reasons only: no content)."""

    name: str
    call_id: str | None
    status: str  # "stored", "skipped" (already stored), "quarantined"
    total: float | None = None
    passed: bool | None = None
    auto_fail: bool = False
    reason: str | None = None
    error_type: str | None = None
    entities: dict[str, int] = field(default_factory=dict)
    findings: int = 0
    seconds: dict[str, float] = field(default_factory=dict)  # per stage
    audio_seconds: float = 0.0


def transcribe_and_redact(
    call: Call, transcription: TranscriptionOptions, redaction: RedactionOptions, audio_dir: Path
) -> tuple[RedactedTranscript, list[Path], dict[str, float]]:
    """The only place raw text and audio exist. Returns the redacted transcript, the redacted
    audio files and the seconds each stage took."""
    timings: dict[str, float] = {}
    try:
        t0 = time.perf_counter()
        transcript = transcribe_call(call, transcription)
        t1 = time.perf_counter()
        redacted = redact_transcript(transcript, call.metadata.known_values(), redaction)
        del transcript  # raw text goes no further
        t2 = time.perf_counter()
        audio = redact_audio(call, redacted, audio_dir, redaction)
        t3 = time.perf_counter()
    except SAFE_ERRORS as e:
        raise StageFailed(type(e).__name__, str(e)) from None
    except Exception as e:  # noqa: BLE001 - anything else may quote raw text in its message
        frame = traceback.extract_tb(e.__traceback__)[-1]
        where = f"{Path(frame.filename).name}:{frame.lineno}"
        raise StageFailed(type(e).__name__, f"{call.name}: internal error {type(e).__name__} at {where} (message withheld: it may hold call content)") from None
    timings.update(transcribe=t1 - t0, redact=t2 - t1, redact_audio=t3 - t2)
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
    """Process one call end to end and store it in one transaction; failures are quarantined."""
    try:
        redacted, audio, timings = transcribe_and_redact(call, transcription, redaction, audio_dir)
    except StageFailed as e:
        store.append_quarantine(
            source=", ".join(s.path.name for s in call.sources), audio_sha256=call.audio_sha256,
            error_type=e.error_type, reason=str(e), run_id=run_id,
        )  # fmt: skip
        return CallOutcome(call.name, call.call_id, "quarantined", reason=str(e), error_type=e.error_type)
    t0 = time.perf_counter()
    score = score_call(redacted, rubric)
    t1 = time.perf_counter()
    meta = call.metadata
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
    timings.update(score=t1 - t0, store=time.perf_counter() - t1)
    return CallOutcome(
        call.name, call.call_id, "stored", total=score.total, passed=score.passed, auto_fail=score.auto_fail,
        entities=redacted.entity_counts(), findings=len(redacted.findings),
        seconds={k: round(v, 3) for k, v in timings.items()}, audio_seconds=redacted.duration,
    )  # fmt: skip
