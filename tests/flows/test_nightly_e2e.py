"""The nightly batch end to end through the CLI: samples plus bad files, then a rerun.

Asserts what an operator and a compliance officer rely on: every good call stored exactly once
with a score and evidence; bad files quarantined with a reason while the batch goes on; the exit
code says something failed; and no planted card number, security code, expiry, phone number,
email or customer's surname appears in the store, the logs, Prefect's home, the temp folder or the program's output.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from sqlalchemy import select

from audit_store import AccessLogRecord, AuditStore, CalibrationRunRecord, CallRecord, QuarantineRecord, ScoreRecord, User
from tests.flows.helpers import callaudit as run_cli
from tests.leaks import find_leaks

GOOD_CALLS = {"NW-20261121-0001", "NW-20261121-0002", "NW-20261121-0003", "PM-20261121-0040", "WB-20261121-0104"}


def callaudit(home: Path, tmp: Path, *args: str):  # noqa: ANN201
    return run_cli(home, *args, tmp=tmp)


def yesterday() -> str:
    """Export periods start a day back, so a run that crosses midnight still finds its calls."""
    from datetime import date, timedelta

    return (date.today() - timedelta(days=1)).isoformat()


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    root = tmp_path_factory.mktemp("e2e")
    home, tmp, inbox = root / "home", root / "tmp", root / "inbox"
    tmp.mkdir()
    import shutil

    shutil.copytree(Path(__file__).resolve().parents[2] / "samples", inbox, ignore=shutil.ignore_patterns("licenses"))
    before = sorted(p.name for p in inbox.iterdir())
    # the README's demo: the samples alone (verbose: Prefect's INFO logs reach its database, which the leak test searches)
    first = callaudit(home, tmp, "-v", "run", "--inbox", str(inbox))
    after_first = sorted(p.name for p in inbox.iterdir())
    (inbox / "empty.wav").write_bytes(b"")
    (inbox / "corrupt.wav").write_bytes(b"RIFF\x00\x00\x00\x00WAVEfmt " + os.urandom(2048))
    (inbox / "notes.txt").write_text("not a call")
    sf.write(str(inbox / "silent.wav"), np.zeros((16000 * 5, 2), np.float32), 16000)
    second = callaudit(home, tmp, "run", "--inbox", str(inbox))  # bad files: quarantined, the batch goes on
    third = callaudit(home, tmp, "run", "--inbox", str(inbox))  # and tried again
    return {"home": home, "tmp": tmp, "first": first, "second": second, "third": third, "store": AuditStore(f"sqlite:///{home / 'store.db'}"),
            "inbox_before": before, "inbox_after_first": after_first}  # fmt: skip


def normalised_batch_output(text: str) -> str:
    """A batch's table and summary line, with what differs from run to run (run id, wall time,
    workers, folders) replaced."""
    start = text.index("Batch ")
    end = text.index("\n", text.index("\nstored ", start) + 1)
    out = text[start:end]
    out = re.sub(r"^Batch \S+", "Batch <run>", out, flags=re.M)
    out = re.sub(r" in \d\d:\d\d\.\d \(\d+ workers", " in <time> (<n> workers", out)
    out = re.sub(r"; inbox .*$", "; inbox <inbox>", out, flags=re.M)
    return "\n".join(line.rstrip() for line in out.splitlines())


def test_the_readme_shows_what_the_demo_prints(batch):
    """The README's demo table is what `callaudit run` prints for the samples (docs cannot drift)."""
    demo = batch["first"]
    assert demo.returncode == 0, demo.stderr[-3000:]
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    block = re.search(r"<!-- demo-output -->\n```\n(.*?)```", readme, re.S)
    assert block, "README.md: the demo's output block (after <!-- demo-output -->) is missing"
    assert normalised_batch_output(block.group(1)) == normalised_batch_output(demo.stdout), demo.stdout


def test_batch_exit_code_says_some_calls_failed(batch):
    first, second = batch["first"], batch["second"]
    assert first.returncode == 0, first.stderr[-3000:]
    assert "stored 5, already stored 0, quarantined 0" in first.stdout
    for call_id in GOOD_CALLS:
        assert call_id in first.stdout
    assert second.returncode == 1, second.stderr[-3000:]
    assert "stored 0, already stored 0, quarantined 4" in second.stdout


def test_every_good_call_stored_once_with_score_and_evidence(batch):
    store: AuditStore = batch["store"]
    with store.session() as s:
        calls = list(s.scalars(select(CallRecord)))
        scores = list(s.scalars(select(ScoreRecord)))
    assert sorted(c.call_id for c in calls) == sorted(GOOD_CALLS)
    assert sorted(s.call_id for s in scores) == sorted(GOOD_CALLS)
    for call_id in GOOD_CALLS:
        content = store.read_call(User(name="qa", role="qa_lead"), call_id).score.to_dict()
        assert content["total"] is not None
        assert any(c["evidence"] for c in content["criteria"])
    for call in calls:
        for audio in json.loads(call.redacted_audio):
            assert Path(audio["path"]).is_file() and str(batch["home"]) in audio["path"] and len(audio["sha256"]) == 64


def test_bad_files_are_quarantined_with_reasons(batch):
    with batch["store"].session() as s:
        rows = list(s.scalars(select(QuarantineRecord)))
    first_run = {r.source: r.reason for r in rows if r.run_id == rows[0].run_id}
    assert "empty" in first_run["empty.wav"]
    assert "not a readable audio file" in first_run["corrupt.wav"]
    assert "not an audio file" in first_run["notes.txt"]
    assert "silent" in first_run["silent.wav"]


def test_originals_of_stored_calls_are_deleted_and_recorded(batch):
    assert batch["inbox_after_first"] == []
    assert sorted(p.name for p in (batch["home"].parent / "inbox").iterdir()) == ["corrupt.wav", "empty.wav", "notes.txt", "silent.wav"]  # quarantined files stay
    gone = set(batch["inbox_before"]) - set(batch["inbox_after_first"])
    originals = batch["store"].originals()
    assert {o.source for o in originals} == gone and len(originals) == len(gone)
    assert {o.action for o in originals} == {"deleted"} and all(len(o.source_sha256) == 64 for o in originals)
    assert {o.call_id for o in originals} == GOOD_CALLS


def test_rerun_processes_nothing_twice_and_retries_failures(batch):
    third = batch["third"]
    assert third.returncode == 1
    assert "stored 0, already stored 0, quarantined 4" in third.stdout
    assert batch["store"].count(CallRecord) == 5
    assert batch["store"].count(QuarantineRecord) == 8  # the failures were tried again


def test_runs_shows_each_batch_summary_and_prefect_has_the_artifact(batch):
    home, tmp, store = batch["home"], batch["tmp"], batch["store"]
    runs = store.batch_runs()
    assert len(runs) == 3
    first, second = json.loads(runs[2].counts), json.loads(runs[1].counts)
    assert first["counts"] == {"stored": 5, "skipped": 0, "quarantined": 0, "failed": 0}
    assert first["audio_seconds"] > 400 and first["stage_seconds"]["transcribe"] > 0 and first["stage_seconds"]["verify"] > 0 and first["wall_seconds"] > 0
    assert second["counts"] == {"stored": 0, "skipped": 0, "quarantined": 4, "failed": 0}
    assert second["failures"] == {"BadAudio": 3, "NotAudio": 1} and second["retries"] == 0  # permanent: never retried
    listed = callaudit(home, tmp, "runs")
    assert listed.returncode == 0 and runs[1].run_id[:8] in listed.stdout and "BadAudio 3" in listed.stdout
    detail = callaudit(home, tmp, "runs", runs[1].run_id[:8])
    assert detail.returncode == 0 and "corrupt.wav" in detail.stdout
    assert "transcribe" in callaudit(home, tmp, "runs", runs[2].run_id[:8]).stdout
    assert callaudit(home, tmp, "runs", "nosuchrun").returncode == 2
    import sqlite3

    artifacts = sqlite3.connect(home / "prefect" / "prefect.db").execute("select data from artifact where key = 'nightly-batch-summary'").fetchall()
    assert len(artifacts) == 3 and any("| 5 | 0 | 0 | 0 | 0 |" in a[0] for a in artifacts) and any("| 0 | 0 | 4 | 0 | 0 |" in a[0] for a in artifacts)
    batch["extra_output"] = batch.get("extra_output", "") + listed.stdout + detail.stdout


def test_show_is_access_logged_allowed_and_denied(batch):
    home, tmp, store = batch["home"], batch["tmp"], batch["store"]
    before = store.count(AccessLogRecord)
    shown = callaudit(home, tmp, "show", "NW-20261121-0001", "--as", "coach.billing", "--purpose", "coaching")
    assert shown.returncode == 0, shown.stderr
    assert "[CREDIT_CARD]" in shown.stdout and "identity_verification" in shown.stdout
    denied = callaudit(home, tmp, "show", "PM-20261121-0040", "--as", "coach.billing")
    assert denied.returncode == 2 and "team" in denied.stderr
    with store.session() as s:
        rows = list(s.scalars(select(AccessLogRecord).where(AccessLogRecord.id > before).order_by(AccessLogRecord.id)))
    assert [(r.actor, r.outcome, r.object_id) for r in rows] == [
        ("coach.billing", "allowed", "NW-20261121-0001"),
        ("coach.billing", "denied", "PM-20261121-0040"),
    ]
    batch["extra_output"] = shown.stdout + shown.stderr + denied.stdout + denied.stderr


def test_store_verifies_after_the_runs(batch):
    verified = callaudit(batch["home"], batch["tmp"], "verify")
    assert verified.returncode == 0 and "every chain verifies" in verified.stdout


def test_rescore_with_another_rubric_is_append_only(batch):
    home, tmp, store = batch["home"], batch["tmp"], batch["store"]
    before = store.count(ScoreRecord)
    out = callaudit(home, tmp, "score", "--rubric", "collections", "--as", "qa.lead")
    assert out.returncode == 0, out.stderr
    assert re.search(r"WB-20261121-0104 +collections v2: - -> 100\n", out.stdout), out.stdout
    assert store.count(ScoreRecord) == before + 5
    again = callaudit(home, tmp, "score", "--rubric", "collections", "--as", "qa.lead", "WB-20261121-0104")
    assert again.returncode == 0 and "collections v2: 100 -> 100" in again.stdout
    with store.session() as s:
        latest = s.scalars(select(ScoreRecord).where(ScoreRecord.call_id == "WB-20261121-0104", ScoreRecord.rubric_id == "collections").order_by(ScoreRecord.id.desc())).first()
    assert latest.supersedes is not None and store.count(ScoreRecord) == before + 6  # the old row stays
    shown = callaudit(home, tmp, "show", "WB-20261121-0104", "--as", "qa.lead", "--rubric", "collections")
    assert shown.returncode == 0 and "mini_miranda" in shown.stdout
    assert callaudit(home, tmp, "score", "--rubric", "collections", "--as", "coach.billing", "WB-20261121-0104").returncode == 2
    batch["extra_output"] = batch.get("extra_output", "") + out.stdout + shown.stdout


def test_calibration_promotes_and_flags_criteria_below_target(batch):
    home, tmp, store = batch["home"], batch["tmp"], batch["store"]
    shipped = Path(__file__).resolve().parents[1] / "data" / "calibration_grades.csv"
    # graders who disagree with the machine on empathy, whatever it heard: that criterion must fall short and be flagged
    grades = tmp / "grades.csv"
    grades.write_text("".join(
        line.replace(",empathy,yes", ",empathy,TMP").replace(",empathy,no", ",empathy,yes").replace(",empathy,TMP", ",empathy,no")
        for line in shipped.read_text().splitlines(keepends=True)
    ))  # fmt: skip
    out = callaudit(home, tmp, "calibrate", "--rubric", "core-contact-centre", "--grades", str(grades), "--as", "qa.lead", "--out", str(home / "cal"))
    assert out.returncode == 0, out.stderr[-3000:]
    # which criteria fall short depends on what the decoder heard; that they are reported, flagged
    # and shown as such does not
    below = set(re.findall(r"^(\w+) +kappa [-+]?[\d.]+ -> [-+]?[\d.]+ \(held out; target [\d.]+\) BELOW TARGET", out.stdout, re.M))
    assert re.search(r"^greeting +kappa [-+][\d.]+ -> [-+][\d.]+ \(held out; target 0.7\)", out.stdout, re.M), out.stdout
    assert "empathy" in below and "no_card_read_back" not in below, out.stdout  # the critical criteria meet their target
    assert "verdict: promote" in out.stdout and (home / "rubrics" / "core-contact-centre.v4.yaml").is_file()
    assert (home / "cal" / "calibration.html").read_text().count("data:image/png;base64") == 2
    import pandas as pd

    stats = pd.read_csv(home / "cal" / "calibration.csv").set_index("criterion")
    assert set(stats.index[~stats["meets_target"].astype(bool)]) == below
    with store.session() as s:
        run = s.scalars(select(CalibrationRunRecord)).one()
    assert (run.verdict, run.rubric_version, run.promoted_version, run.calls, run.graders) == ("promote", 3, 4, 5, 3)
    info = callaudit(home, tmp, "info")
    assert "core-contact-centre v4" in info.stdout  # nightly runs now score with the calibrated version
    assert callaudit(home, tmp, "score", "--rubric", "core-contact-centre", "--as", "qa.lead", "NW-20261121-0001").returncode == 0
    shown = callaudit(home, tmp, "show", "NW-20261121-0001", "--as", "qa.lead")
    assert "v4" in shown.stdout and "(needs human review)" in shown.stdout
    from datetime import date

    today, since = date.today().isoformat(), yesterday()
    exported = callaudit(home, tmp, "export", "--from", since, "--to", today, "--by", "processed", "--format", "json", "--as", "compliance",
                         "--out", str(home / "exports" / "cal"))  # fmt: skip
    assert exported.returncode == 0
    criteria = pd.read_json(home / "exports" / "cal" / "criteria.json")
    latest = criteria[criteria["score_id"] == criteria["score_id"].max()].set_index("criterion_id")
    flagged = set(latest.index[latest["needs_review"].astype(bool)])
    assert below <= flagged and "no_card_read_back" not in flagged
    shipped_run = callaudit(home, tmp, "calibrate", "--rubric", "core-contact-centre", "--grades", str(shipped), "--as", "qa.lead",
                            "--out", str(home / "cal-shipped"), "--no-promote")  # fmt: skip
    assert "verdict: promote" in shipped_run.stdout, shipped_run.stdout  # the README's example: the gate passes with the shipped grades
    refused = callaudit(home, tmp, "calibrate", "--rubric", "core-contact-centre", "--grades", str(grades), "--as", "coach.billing")
    assert refused.returncode == 2
    batch["extra_output"] = batch.get("extra_output", "") + out.stdout + shown.stdout


def test_coaching_report_for_a_team_traces_to_the_store_and_renders(batch):
    from datetime import date

    from tests.flows.browser import distinct_colours, render

    home, tmp, store = batch["home"], batch["tmp"], batch["store"]
    today = date.today().isoformat()
    page = home / "reports" / "billing.html"
    before = store.count(AccessLogRecord)
    out = callaudit(home, tmp, "coach", "--team", "billing", "--from", "2026-11-01", "--to", today, "--as", "coach.billing", "--out", str(page))
    assert out.returncode == 0, out.stderr
    assert store.count(AccessLogRecord) == before + 1  # one row per report generation
    html_text = page.read_text()
    for agent, call_id in (("a.khan", "NW-20261121-0001"), ("m.lee", "NW-20261121-0003")):
        total, _, _ = store.score_total(call_id, "core-contact-centre")
        shown = re.search(rf'id="agent-{re.escape(agent)}".*?class="agent-mean">([\d.]+)<', html_text, re.S)
        assert shown and float(shown.group(1)) == round(total, 1), agent  # one call each: its total, as the page rounds it
    assert "Critical failures" in html_text and "no_card_read_back" in html_text  # m.lee's read-back
    assert "j.osei" not in html_text  # another team's agent
    dom = render(page, tmp / "coaching.png")
    assert "<title>Coaching report — team billing" in dom
    assert distinct_colours(tmp / "coaching.png") > 50  # text, plot and colours, not a blank page
    denied = callaudit(home, tmp, "coach", "--team", "collections", "--from", "2026-11-01", "--to", today, "--as", "coach.billing")
    assert denied.returncode == 2 and "team" in denied.stderr
    with store.session() as s:
        last = s.scalars(select(AccessLogRecord).order_by(AccessLogRecord.id.desc())).first()
    assert (last.action, last.outcome, last.object_id) == ("coaching_report", "denied", "collections")
    assert callaudit(home, tmp, "coach", "--agent", "m.lee", "--from", "2026-11-01", "--to", today, "--as", "a.khan").returncode == 2


def test_compliance_export_access_log_and_purge_through_the_cli(batch):
    from datetime import date

    home, tmp, store = batch["home"], batch["tmp"], batch["store"]
    today, since = date.today().isoformat(), yesterday()
    out = home / "exports" / "today"
    # the samples started on 21 November (their sidecars); by default a period holds the calls that started in it
    exported = callaudit(home, tmp, "export", "--from", "2026-11-01", "--to", today, "--format", "parquet", "--as", "compliance", "--out", str(out))
    assert exported.returncode == 0, exported.stderr
    import pandas as pd

    assert sorted(pd.read_parquet(out / "calls.parquet")["call_id"]) == sorted(GOOD_CALLS)
    from audit_store.identity import os_account

    accounts = set(pd.read_parquet(out / "access_log.parquet")["os_account"].dropna())
    assert accounts == {os_account()}  # the compliance officer sees which OS account made each request
    assert callaudit(home, tmp, "verify", "--export", str(out)).returncode == 0
    from tests.flows.browser import distinct_colours, render

    dom = render(out / "summary.html", tmp / "audit.png")
    assert "<title>Compliance audit report" in dom
    assert '<b id="calls-processed">5</b>' in dom and '<b id="calls-quarantined">8</b>' in dom and 'id="chain" class="ok">verified' in dom
    assert distinct_colours(tmp / "audit.png") > 50
    refused = callaudit(home, tmp, "export", "--from", since, "--to", today, "--as", "coach.billing")
    assert refused.returncode == 2 and "may not export" in refused.stderr
    log = callaudit(home, tmp, "access-log", "--as", "compliance", "--from", since)
    assert log.returncode == 0
    # who claimed it, who ran it, and what they asked for in plain words
    assert re.search(r"denied +coach\.billing \(coach\) as OS account \S+: export the audit report for \S+", log.stdout), log.stdout
    assert re.search(r"\[\S+ callaudit\[\d+\]", log.stdout)  # origination: host and process
    assert callaudit(home, tmp, "access-log", "--as", "a.khan").returncode == 2
    assert callaudit(home, tmp, "purge", "--as", "qa.lead").returncode == 2
    purged = callaudit(home, tmp, "purge", "--as", "admin")
    assert purged.returncode == 0 and "purged 0 items" in purged.stdout  # nothing is old enough
    with store.session() as s:
        rows = [(r.actor, r.action, r.outcome) for r in s.scalars(select(AccessLogRecord).order_by(AccessLogRecord.id))][-7:]
    assert rows == [
        ("compliance", "export", "allowed"),
        ("compliance", "read_access_log", "allowed"),  # an export includes the access log
        ("coach.billing", "export", "denied"),
        ("compliance", "read_access_log", "allowed"),
        ("a.khan", "read_access_log", "denied"),
        ("qa.lead", "purge", "denied"),  # purges are logged too (issue #20)
        ("admin", "purge", "allowed"),
    ]
    batch["extra_output"] = batch.get("extra_output", "") + exported.stdout + exported.stderr + log.stdout


def test_no_planted_value_leaks_anywhere(batch, planted):
    outputs = {
        f"{name} {stream}": getattr(batch[name], stream)
        for name in ("first", "second", "third")
        for stream in ("stdout", "stderr")
    }
    outputs["show output"] = batch.get("extra_output", "")
    import sqlite3

    prefect_db = batch["home"] / "prefect" / "prefect.db"
    assert sqlite3.connect(prefect_db).execute("select count(*) from log").fetchone()[0] > 0  # the logs are there to search
    leaks = find_leaks(batch["home"], planted, outputs) + find_leaks(batch["tmp"], planted)
    assert leaks == []
