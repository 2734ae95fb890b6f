"""A progress bar on stderr for long runs, shown only to a person watching.

A run that takes more than about a second (a large inventory, many years,
many scenarios) draws a rich progress bar on stderr when stderr is a
terminal; piped or redirected, and for short runs, nothing is drawn, so
scripts and logs see only the output and the errors.
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any, TextIO

Progress = Callable[[int, int], None]
"""``progress(done, total)``: how far a run has come, in whatever it counts."""

#: seconds a run goes before its bar is drawn: a quick run draws nothing
DELAY = 1.0


def _nothing(done: int, total: int) -> None:
    """The progress of a run nobody watches."""


@contextlib.contextmanager
def progress_bar(
    description: str, *, stream: TextIO | None = None, delay: float = DELAY
) -> Iterator[Progress]:
    """A ``progress(done, total)`` callback drawing a bar on ``stream`` (stderr) once the
    run has lasted ``delay`` seconds, if ``stream`` is a terminal; the bar is cleared
    when the block ends."""
    stream = sys.stderr if stream is None else stream
    if not stream.isatty():
        yield _nothing
        return
    started = time.monotonic()
    shown: list[Any] = []  # the rich Progress and its task, once drawn

    def progress(done: int, total: int) -> None:
        if not shown:
            if time.monotonic() - started < delay:
                return
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

            bar = Progress(
                f"[progress.description]{description}",
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=Console(file=stream),
                transient=True,
            )
            bar.start()
            shown.extend([bar, bar.add_task(description, total=total)])
        bar, task = shown
        bar.update(task, completed=done, total=total)

    try:
        yield progress
    finally:
        if shown:
            shown[0].stop()
