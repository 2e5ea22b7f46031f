"""Errors of the audit store."""


class AuditStoreError(Exception):
    """Base class for audit-store errors."""


class AppendOnlyViolation(AuditStoreError):
    """Something tried to update or delete an append-only row."""


class ChainBroken(AuditStoreError):
    """A hash chain does not verify: a row was edited, deleted or inserted outside callaudit."""

    def __init__(self, table: str, row_id: int, expected: str, actual: str, reason: str) -> None:
        self.table, self.row_id, self.expected, self.actual, self.reason = table, row_id, expected, actual, reason
        super().__init__(f"{table}: chain broken at row {row_id}: {reason} (expected {expected}, found {actual})")


class AccessDenied(AuditStoreError):
    """The user's role does not allow this read; the denial is in the access log."""


class NotFound(AuditStoreError):
    """No such call (or object) in the store."""


class AlreadyStored(AuditStoreError):
    """The recording is already in the store (another batch stored it first); nothing was written."""

    def __init__(self, call_id: str) -> None:
        self.call_id = call_id
        super().__init__(f"call {call_id} is already stored")


class CallIdInUse(AuditStoreError):
    """Another recording is stored under this call id; nothing was written (one call id, one recording)."""

    def __init__(self, call_id: str, source: str | None = None) -> None:
        self.call_id = call_id
        shown = f" (stored from {source})" if source else ""
        super().__init__(f"call_id {call_id} is already the id of another stored recording{shown}; each recording needs its own call_id "
                         "(set call_id in its sidecar)")  # fmt: skip
