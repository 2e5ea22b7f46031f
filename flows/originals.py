"""The originals policy: what happens to an unredacted recording once its call is stored.

PCI DSS 3.3.1 forbids keeping sensitive authentication data (the card security code) after
authorisation, and the PCI SSC says recordings are included. So by default an original recording
and its sidecar (which may hold the customer's name and phone number) are deleted as soon as the
call's redacted results are committed. The other choices are to move them to an owner-only vault
folder, which `callaudit purge` empties after a set number of days, or to keep them in place,
for inboxes that hold copies another system governs. Every disposition is a chained row in the
store's ``originals`` table.

Originals are only touched after their call's transaction commits, so a crash never loses a
recording that is not yet stored. Each file's fate is recorded before it is carried out, once:
if a run dies between the commit and the disposition (or between the record and the deletion),
the next run finds the call "already stored" with files still in the inbox and finishes the job
without recording it twice.

A row says only what happened: before anything is recorded, each file must still be the regular
file that was processed (not a symbolic link, no other hard links for delete or vault, the
recordings' content unchanged since the batch found them); otherwise nothing is recorded or
touched and ``OriginalNotDisposed`` says why (the call stays stored; the next run tries again).
"""

from __future__ import annotations

import os
import shutil
import stat
from datetime import datetime, timedelta, timezone
from pathlib import Path

from audit_store import AuditStore
from transcription import Call
from transcription.calls import sha256_file, sha256_files


class OriginalNotDisposed(OSError):
    """An original is not the file that was processed (a link, or changed); it is left alone."""


def dispose_originals(call: Call, store: AuditStore, policy: str, vault_dir: Path, vault_days: int, run_id: str | None = None) -> str:
    """Apply ``policy`` ("delete", "vault" or "keep") to the call's recordings and sidecar, and
    record each file's fate; returns the action taken. Only for calls already stored."""
    files = [s.path for s in call.sources]
    if call.metadata_path is not None:
        files.append(call.metadata_path)
    action = {"delete": "deleted", "vault": "vaulted", "keep": "kept"}[policy]
    expires = (datetime.now(timezone.utc) + timedelta(days=vault_days)).isoformat(timespec="seconds") if policy == "vault" else None
    recorded = {(o.source_sha256, o.action) for o in store.originals(call.call_id)}
    _check_is_what_was_processed(call, files, policy)
    present = [(path, sha256_file(path)) for path in files if path.exists()]
    # Every file's fate is recorded before any is carried out: a crash between two deletions (one
    # leg of a pair gone, the other still there) leaves files the next run knows by their SHA-256
    # as originals of a stored call (``original_of``), never as a new call.
    for path, digest in present:
        target = vault_dir / call.call_id / path.name if policy == "vault" else None
        if (digest, action) not in recorded:
            store.append_original(call_id=call.call_id, source=path.name, source_sha256=digest, action=action,
                                  vault_path=str(target) if target else None, expires_at=expires, run_id=run_id)  # fmt: skip
    for path, _digest in present:
        target = vault_dir / call.call_id / path.name if policy == "vault" else None
        if policy == "vault":
            target.parent.mkdir(parents=True, exist_ok=True)
            os.chmod(vault_dir, 0o700)
            os.chmod(target.parent, 0o700)
            shutil.move(str(path), target)
            os.chmod(target, 0o600)
        elif policy == "delete":
            path.unlink()
    return action


def _check_is_what_was_processed(call: Call, files: list[Path], policy: str) -> None:
    for path in files:
        if path.is_symlink():
            raise OriginalNotDisposed(0, "a symbolic link replaced the original after it was processed; nothing done", str(path))
        if not path.exists():
            continue
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):
            raise OriginalNotDisposed(0, "not a regular file; nothing done", str(path))
        if policy != "keep" and st.st_nlink > 1:
            raise OriginalNotDisposed(0, f"{st.st_nlink} hard links: removing this one would leave the recording; nothing done", str(path))
    sources = [s.path for s in call.sources]
    if all(p.exists() for p in sources) and sha256_files(sources) != call.audio_sha256:
        raise OriginalNotDisposed(0, "the recording changed after it was processed; nothing done", str(sources[0]))



def finish_lone_sidecars(inbox: Path, used: set[Path], store: AuditStore) -> list[Path]:
    """Sidecars left alone in the inbox by a disposal that was interrupted after its recording
    went (a sidecar may hold the customer's name and phone number, and its row already says
    "deleted" or "vaulted"): carry out what was recorded. ``used``: the sidecars of the calls
    found in the inbox (they are disposed of with their call). Returns the files handled."""
    done = []
    for path in sorted(inbox.glob("*.json")):
        if path in used or path.is_symlink() or not path.is_file():
            continue
        row = store.original_of(sha256_file(path))
        if row is None or row.action == "kept":
            continue
        if row.action == "vaulted" and row.vault_path:
            target = Path(row.vault_path)
            target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            shutil.move(str(path), target)
            os.chmod(target, 0o600)
        else:
            path.unlink()
        done.append(path)
    return done
