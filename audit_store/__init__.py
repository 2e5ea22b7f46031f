"""The audit store: append-only, hash-chained, access-logged."""

from .access import Action, Origin, Role, User, check_access, is_allowed
from .chain import ChainHead, canonical_json, verify_chain
from .errors import AccessDenied, AppendOnlyViolation, AuditStoreError, ChainBroken, NotFound
from .schema import (
    AccessLogRecord,
    BatchRunRecord,
    CallRecord,
    EntityRecord,
    FindingRecord,
    QuarantineRecord,
    ScoreRecord,
    TranscriptRecord,
)
from .store import AuditStore, CallView

__all__ = [
    "AccessDenied",
    "AccessLogRecord",
    "Action",
    "AppendOnlyViolation",
    "AuditStore",
    "AuditStoreError",
    "BatchRunRecord",
    "CallRecord",
    "CallView",
    "ChainBroken",
    "ChainHead",
    "EntityRecord",
    "FindingRecord",
    "NotFound",
    "Origin",
    "QuarantineRecord",
    "Role",
    "ScoreRecord",
    "TranscriptRecord",
    "User",
    "canonical_json",
    "check_access",
    "is_allowed",
    "verify_chain",
]
