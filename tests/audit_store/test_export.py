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


def test_the_period_holds_the_calls_that_started_in_it_and_an_empty_one_says_so(store: AuditStore, redacted_samples, tmp_path):
    """Issue #22: exports and coaching reports selected calls by when they were processed, the
    README's examples by the calls' dates; an empty export read like a clean bill and its
    criteria table had no columns."""
    from audit_store.export import CRITERIA_COLUMNS
    from flows.coaching import build_coaching_report

    starts = {"NW-20261121-0001": "2025-11-21T09:30:00+00:00",
              "NW-20261121-0002": "2025-11-30T23:30:00-05:00",  # 04:30 UTC on 1 December: not November's
              "NW-20261121-0003": "2025-11-01T00:10:00"}  # no offset: UTC. WB-20261121-0104 has no start time: its processing time counts  # fmt: skip
    fill(store, redacted_samples, started_at=starts)
    november = (date(2025, 11, 1), date(2025, 11, 30))
    result = export_period(store, OFFICER, *november, "parquet", tmp_path / "started")
    assert sorted(pd.read_parquet(tmp_path / "started" / "calls.parquet")["call_id"]) == ["NW-20261121-0001", "NW-20261121-0003"] and result.calls == 2
    assert json.loads(result.manifest.read_text())["period"]["calls_by"] == "started"
    assert "calls that started in the period" in (tmp_path / "started" / "summary.html").read_text()
    today = export_period(store, OFFICER, TODAY, TODAY, "parquet", tmp_path / "today")
    assert sorted(pd.read_parquet(tmp_path / "today" / "calls.parquet")["call_id"]) == ["WB-20261121-0104"] and today.calls == 1

    empty = export_period(store, OFFICER, *november, "parquet", tmp_path / "processed", by="processed")  # processed today, not in 2025
    assert empty.calls == 0
    criteria = pd.read_parquet(tmp_path / "processed" / "criteria.parquet")
    assert list(criteria.columns) == CRITERIA_COLUMNS and criteria.empty
    assert str(criteria["points"].dtype) == "float64" and str(pd.read_parquet(tmp_path / "processed" / "calls.parquet")["duration"].dtype) == "float64"
    page = (tmp_path / "processed" / "summary.html").read_text()
    assert 'id="no-calls"' in page and "No criterion failed." not in page and "calls callaudit processed in the period" in page

    coach = User(name="coach.billing", role="coach", team="billing")
    report = build_coaching_report(store, coach, "core-contact-centre", *november, team="billing")
    trend = sorted(day for a in report.agents for day, _, _ in a.trend)
    assert trend == ["2025-11-01", "2025-11-21"] and report.calls_by.startswith("calls that started")  # the axis uses the time the period selected by
    assert build_coaching_report(store, coach, "core-contact-centre", *november, team="billing", by="processed").agents == []
