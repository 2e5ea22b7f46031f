"""What a batch reports per call: light enough for terminal output to import without the models'
libraries (flows/pipeline.py, which makes these, imports Presidio and the speech engines)."""

from __future__ import annotations

from dataclasses import dataclass, field

STAGES = ("transcribe", "redact", "verify", "score", "store")  # CallOutcome.seconds keys, in order


@dataclass
class CallOutcome:
    """What happened to one call in a batch (ids, numbers and reasons only: no content)."""

    name: str
    call_id: str | None
    status: str  # "stored", "skipped" (already stored), "quarantined", "failed" (transient; next run retries)
    total: float | None = None
    passed: bool | None = None
    auto_fail: bool = False
    reason: str | None = None
    error_type: str | None = None
    entities: dict[str, int] = field(default_factory=dict)
    findings: int = 0
    seconds: dict[str, float] = field(default_factory=dict)  # per stage
    audio_seconds: float = 0.0
    attempts: int = 1
    audio_check: str | None = None  # the verification of the redacted audio: "clean", "re-redacted 2", "not verified"
