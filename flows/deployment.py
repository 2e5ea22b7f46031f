"""`callaudit serve`: the nightly batch as a Prefect deployment with a cron schedule."""

from __future__ import annotations

from prefect.schedules import Cron

from .config import Config, Home
from .nightly import nightly_batch

DEPLOYMENT_NAME = "nightly"


def serve_nightly(home: Home, config: Config, cron: str | None = None) -> None:
    """Register the nightly batch with its schedule and serve it until interrupted.

    The schedule's time zone is the config's, or this machine's local zone.
    """
    import tzlocal

    timezone = config.schedule.timezone or tzlocal.get_localzone_name()
    nightly_batch.serve(
        name=DEPLOYMENT_NAME,
        schedules=[Cron(cron or config.schedule.cron, timezone=timezone)],
        parameters={"home": str(home.root)},
        description="Transcribe, redact, score and store the day's calls.",
        tags=["callaudit"],
    )
