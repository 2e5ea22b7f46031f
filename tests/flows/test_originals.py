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


def test_an_original_swapped_for_a_link_is_neither_touched_nor_recorded(tmp_path: Path):
    """Issue #20: a symlink was recorded as "deleted" while the recording it pointed to survived."""
    import pytest

    from flows.originals import OriginalNotDisposed

    inbox, call, _ = _call(tmp_path)
    store = AuditStore(f"sqlite:///{tmp_path / 'store.db'}")
    elsewhere = tmp_path / "elsewhere.flac"
    agent = inbox / "refund_readback_agent.flac"
    shutil.move(agent, elsewhere)
    agent.symlink_to(elsewhere)  # after discovery, before disposal
    with pytest.raises(OriginalNotDisposed, match="symbolic link"):
        dispose_originals(call, store, "delete", tmp_path / "vault", 30)
    assert store.originals() == [] and elsewhere.exists() and len(list(inbox.iterdir())) == 3


def test_a_recording_changed_after_processing_is_not_recorded_as_disposed(tmp_path: Path):
    import pytest

    from flows.originals import OriginalNotDisposed

    inbox, call, _ = _call(tmp_path)
    store = AuditStore(f"sqlite:///{tmp_path / 'store.db'}")
    shutil.copy(SAMPLES / "payment_northwind.flac", inbox / "refund_readback_customer.flac")
    with pytest.raises(OriginalNotDisposed, match="changed after it was processed"):
        dispose_originals(call, store, "delete", tmp_path / "vault", 30)
    assert store.originals() == [] and len(list(inbox.iterdir())) == 3


def test_a_sidecar_left_alone_by_an_interrupted_disposal_is_finished(tmp_path: Path):
    """A run killed between deleting a recording and deleting its sidecar left the sidecar (the
    customer's name and phone) in the inbox while its row said "deleted"."""
    from flows.originals import finish_lone_sidecars

    inbox, call, digests = _call(tmp_path)
    store = AuditStore(f"sqlite:///{tmp_path / 'store.db'}")
    for name, digest in digests.items():  # every fate recorded, then SIGKILL after the recordings went
        store.append_original(call_id=call.call_id, source=name, source_sha256=digest, action="deleted")
    for source in call.sources:
        source.path.unlink()
    (inbox / "other.json").write_text('{"call_id": "X-1"}')  # not an original of anything: left alone
    assert finish_lone_sidecars(inbox, set(), store) == [inbox / "refund_readback.json"]
    assert [p.name for p in inbox.iterdir()] == ["other.json"]
