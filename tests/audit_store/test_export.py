"""Exports open in pandas, carry the chain head, and their manifest verifies."""

import json
from datetime import date, timedelta

import pandas as pd
import pytest

from audit_store import AccessDenied, AccessLogRecord, AuditStore, ManifestMismatch, User, export_period, verify_manifest
from tests.audit_store.helpers import fill

OFFICER = User(name="compliance", role="compliance_officer")
TODAY = date.today()


@pytest.mark.parametrize("fmt", ["csv", "parquet", "json"])
def test_export_opens_in_pandas_and_matches_the_store(store: AuditStore, redacted_samples, tmp_path, fmt: str):
    fill(store, redacted_samples)
    store.read_call(User(name="coach", role="coach", team="billing"), "NW-20261121-0001")
    result = export_period(store, OFFICER, date.today() - timedelta(days=1), date.today(), fmt, tmp_path / "out")
    read = {"csv": pd.read_csv, "parquet": pd.read_parquet, "json": pd.read_json}[fmt]
    calls = read(tmp_path / "out" / f"calls.{fmt}")
    assert sorted(calls["call_id"]) == sorted(redacted_samples)
    scores = read(tmp_path / "out" / f"scores.{fmt}")
    assert len(scores) == 4 and scores["auto_fail"].sum() == 1
    findings = read(tmp_path / "out" / f"findings.{fmt}")
    assert set(findings["kind"]) == {"PCI_READ_BACK"} and set(findings["team"]) == {"billing"}  # the read-back call
    summary = read(tmp_path / "out" / f"redaction_summary.{fmt}")
    assert summary.set_index("call_id").loc["NW-20261121-0001", "CREDIT_CARD"] == 1
    access = read(tmp_path / "out" / f"access_log.{fmt}")
    assert list(access["action"]) == ["read_call", "export", "read_access_log"]
    chain = json.loads((tmp_path / "out" / "chain.json").read_text())
    manifest = json.loads(result.manifest.read_text())
    assert chain["verified"] and manifest["chain_heads"]["scores"] == next(h["head"] for h in chain["heads"] if h["table"] == "scores")
    verify_manifest(result.manifest)
    page = (tmp_path / "out" / "summary.html").read_text()
    assert '<b id="calls-processed">4</b>' in page and '<b id="pci-findings" class="bad">2</b>' in page
    assert manifest["files"]["calls." + fmt] in page  # the page carries the data files' hashes


def test_tampered_export_file_fails_the_manifest(store: AuditStore, redacted_samples, tmp_path):
    fill(store, redacted_samples)
    result = export_period(store, OFFICER, date.today() - timedelta(days=1), date.today(), "csv", tmp_path / "out")
    scores = tmp_path / "out" / "scores.csv"
    scores.write_text(scores.read_text().replace("True", "False"))
    with pytest.raises(ManifestMismatch, match="scores.csv"):
        verify_manifest(result.manifest)


def test_only_compliance_and_admin_may_export_and_denials_are_logged(store: AuditStore, redacted_samples, tmp_path):
    fill(store, redacted_samples)
    before = store.count(AccessLogRecord)
    with pytest.raises(AccessDenied):
        export_period(store, User(name="qa", role="qa_lead"), TODAY, TODAY, "csv", tmp_path / "out")
    assert store.count(AccessLogRecord) == before + 1
    assert not (tmp_path / "out").exists()


def test_period_excludes_other_days(store: AuditStore, redacted_samples, tmp_path):
    fill(store, redacted_samples)
    export_period(store, OFFICER, TODAY - timedelta(days=10), TODAY - timedelta(days=5), "csv", tmp_path / "out")
    assert pd.read_csv(tmp_path / "out" / "calls.csv").empty
