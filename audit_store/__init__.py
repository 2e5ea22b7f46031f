"""The audit store: append-only, hash-chained, access-logged."""

from .access import Action, Origin, Role, User, check_access, is_allowed
from .chain import ChainHead, canonical_json, verify_chain
from .errors import AccessDenied, AlreadyStored, AppendOnlyViolation, AuditStoreError, CallIdInUse, ChainBroken, NotFound
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
from .files import FolderTooOpen
from .export import FORMATS, ExportResult, ManifestMismatch, export_period, verify_manifest
from .schema import CalibrationRunRecord, ContentRecord, OriginalRecord, TombstoneRecord
from .store import AuditStore, CallView, Erasure, Retention, utc_now

__all__ = [
    "AccessDenied",
    "AccessLogRecord",
    "AlreadyStored",
    "Action",
    "AppendOnlyViolation",
    "AuditStore",
    "AuditStoreError",
    "BatchRunRecord",
    "CallIdInUse",
    "CallRecord",
    "CallView",
    "CalibrationRunRecord",
    "ContentRecord",
    "Erasure",
    "ExportResult",
    "FORMATS",
    "FolderTooOpen",
    "ManifestMismatch",
    "OriginalRecord",
    "Retention",
    "TombstoneRecord",
    "export_period",
    "utc_now",
    "verify_manifest",
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
