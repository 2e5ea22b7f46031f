"""The audit store: append-only, hash-chained, access-logged.

The public names load on first use (PEP 562): importing one light module (the types, the
access rules) does not pull in Presidio, spaCy, torch or pandas.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "FolderTooOpen": "files",
    "Erasure": "store",
    "CallIdInUse": "errors",
    "AccessDenied": "errors",
    "AccessLogRecord": "schema",
    "Action": "access",
    "AlreadyStored": "errors",
    "AppendOnlyViolation": "errors",
    "AuditStore": "store",
    "AuditStoreError": "errors",
    "BatchRunRecord": "schema",
    "CalibrationRunRecord": "schema",
    "CallRecord": "schema",
    "CallView": "store",
    "ChainBroken": "errors",
    "ChainHead": "chain",
    "ContentRecord": "schema",
    "EntityRecord": "schema",
    "ExportResult": "export",
    "FORMATS": "export",
    "FindingRecord": "schema",
    "ManifestMismatch": "export",
    "NotFound": "errors",
    "Origin": "access",
    "OriginalRecord": "schema",
    "QuarantineRecord": "schema",
    "Retention": "store",
    "Role": "access",
    "ScoreRecord": "schema",
    "TombstoneRecord": "schema",
    "TranscriptRecord": "schema",
    "User": "access",
    "canonical_json": "chain",
    "check_access": "access",
    "export_period": "export",
    "is_allowed": "access",
    "utc_now": "store",
    "verify_chain": "chain",
    "verify_manifest": "export",
}  # fmt: skip

__all__ = [  # noqa: RUF022 - as _EXPORTS
    "FolderTooOpen",
    "Erasure",
    "CallIdInUse",
    "AccessDenied",
    "AccessLogRecord",
    "Action",
    "AlreadyStored",
    "AppendOnlyViolation",
    "AuditStore",
    "AuditStoreError",
    "BatchRunRecord",
    "CalibrationRunRecord",
    "CallRecord",
    "CallView",
    "ChainBroken",
    "ChainHead",
    "ContentRecord",
    "EntityRecord",
    "ExportResult",
    "FORMATS",
    "FindingRecord",
    "ManifestMismatch",
    "NotFound",
    "Origin",
    "OriginalRecord",
    "QuarantineRecord",
    "Retention",
    "Role",
    "ScoreRecord",
    "TombstoneRecord",
    "TranscriptRecord",
    "User",
    "canonical_json",
    "check_access",
    "export_period",
    "is_allowed",
    "utc_now",
    "verify_chain",
    "verify_manifest",
]

if TYPE_CHECKING:  # for type checkers and readers: the same names, imported eagerly
    from .access import Action, Origin, Role, User, check_access, is_allowed
    from .chain import ChainHead, canonical_json, verify_chain
    from .errors import AccessDenied, AlreadyStored, AppendOnlyViolation, AuditStoreError, CallIdInUse, ChainBroken, NotFound
    from .files import FolderTooOpen
    from .export import FORMATS, ExportResult, ManifestMismatch, export_period, verify_manifest
    from .schema import (
        AccessLogRecord,
        BatchRunRecord,
        CalibrationRunRecord,
        CallRecord,
        ContentRecord,
        EntityRecord,
        FindingRecord,
        OriginalRecord,
        QuarantineRecord,
        ScoreRecord,
        TombstoneRecord,
        TranscriptRecord,
    )
    from .store import AuditStore, CallView, Erasure, Retention, utc_now


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'audit_store' has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value
