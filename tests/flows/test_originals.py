"""The originals policy on real sample files and a real store: delete, vault with expiry and
purge, keep, each file's fate recorded in the chained `originals` table."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

from audit_store import AuditStore
from flows.originals import dispose_originals
from tests.conftest import SAMPLES
from transcription import discover_calls
from transcription.calls import sha256_file


def _call(tmp_path: Path):  # noqa: ANN202
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in ("refund_readback_agent.flac", "refund_readback_customer.flac", "refund_readback.json"):
        shutil.copy(SAMPLES / name, inbox)
    [call], _ = discover_calls(inbox)
    return inbox, call, {p.name: sha256_file(p) for p in inbox.iterdir()}


def test_delete_removes_both_recordings_and_the_sidecar(tmp_path: Path):
    inbox, call, digests = _call(tmp_path)
    store = AuditStore(f"sqlite:///{tmp_path / 'store.db'}")
    assert dispose_originals(call, store, "delete", tmp_path / "vault", 30, run_id="r1") == "deleted"
    assert list(inbox.iterdir()) == []
    rows = store.originals(call.call_id)
    assert {(r.source, r.source_sha256, r.action, r.run_id) for r in rows} == {(n, d, "deleted", "r1") for n, d in digests.items()}
    assert not (tmp_path / "vault").exists()
    store.verify()


def test_vault_is_owner_only_and_purge_deletes_after_expiry_with_tombstones(tmp_path: Path):
    inbox, call, digests = _call(tmp_path)
    store = AuditStore(f"sqlite:///{tmp_path / 'store.db'}")
    vault = tmp_path / "vault"
    dispose_originals(call, store, "vault", vault, 30)
    assert list(inbox.iterdir()) == []
    rows = store.originals(call.call_id)
    assert len(rows) == 3 and {r.action for r in rows} == {"vaulted"}
    for r in rows:
        path = Path(r.vault_path)
        assert path.parent == vault / call.call_id and sha256_file(path) == digests[r.source]
        assert oct(path.stat().st_mode)[-3:] == "600" and oct(path.parent.stat().st_mode)[-3:] == "700"
        expires = datetime.fromisoformat(r.expires_at)
        assert timedelta(days=29) < expires - datetime.now(timezone.utc) <= timedelta(days=30)
    from audit_store import Retention

    assert store.purge_expired(Retention(), actor="admin", now=datetime.now(timezone.utc) + timedelta(days=29)) == []
    assert len(list((vault / call.call_id).iterdir())) == 3  # not yet
    tombstones = store.purge_expired(Retention(), actor="admin", now=datetime.now(timezone.utc) + timedelta(days=31))
    assert sorted((t.kind, t.target_sha256) for t in tombstones) == sorted(("original", d) for d in digests.values())
    assert list((vault / call.call_id).iterdir()) == []
    assert store.purge_expired(Retention(), actor="admin", now=datetime.now(timezone.utc) + timedelta(days=32)) == []  # once
    store.verify()


def test_keep_leaves_the_files_and_records_them_once(tmp_path: Path):
    inbox, call, digests = _call(tmp_path)
    store = AuditStore(f"sqlite:///{tmp_path / 'store.db'}")
    dispose_originals(call, store, "keep", tmp_path / "vault", 30)
    dispose_originals(call, store, "keep", tmp_path / "vault", 30)  # the next night's run
    assert sorted(p.name for p in inbox.iterdir()) == sorted(digests)
    assert sorted(r.source for r in store.originals()) == sorted(digests)


def test_a_run_that_died_after_recording_is_finished_without_a_second_record(tmp_path: Path):
    inbox, call, digests = _call(tmp_path)
    store = AuditStore(f"sqlite:///{tmp_path / 'store.db'}")
    name = "refund_readback_agent.flac"
    store.append_original(call_id=call.call_id, source=name, source_sha256=digests[name], action="deleted")  # then SIGKILL
    dispose_originals(call, store, "delete", tmp_path / "vault", 30)
    assert list(inbox.iterdir()) == []
    assert sorted(r.source for r in store.originals()) == sorted(digests)  # one row per file
