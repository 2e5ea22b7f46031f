"""A spinner for commands that work for more than a second (score, calibrate, export, coach)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def working(message: str) -> Iterator[None]:
    """A spinner and ``message`` on stderr while a command works, on a terminal only (nothing is
    written to a pipe, a log or cron's mail); it disappears when the command prints its result."""
    from rich.console import Console

    err = Console(stderr=True)
    if not err.is_terminal:
        yield
        return
    with err.status(message, spinner="dots"):
        yield
