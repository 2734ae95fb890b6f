"""A progress bar on stderr for long runs, shown only to a person watching.

A run that takes more than about a second (a large inventory, many years,
many scenarios) draws a rich progress bar on stderr when stderr is a
terminal; piped or redirected, and for short runs, nothing is drawn, so
scripts and logs see only the output and the errors.
"""

from __future__ import annotations

import contextlib
import sys
import threading
from collections.abc import Callable, Iterator
from typing import TextIO

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
    """A ``progress(done, total)`` callback for a run, with a bar on ``stream`` (stderr)
    once the run has lasted ``delay`` seconds, if ``stream`` is a terminal.

    The bar appears on time even while the run reports nothing (reading a file,
    say): it pulses until the first report, then counts. It is cleared when the
    block ends.
    """
    stream = sys.stderr if stream is None else stream
    if not stream.isatty():
        yield _nothing
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn
    from rich.progress import Progress as Bar

    bar = Bar(
        TextColumn(description, markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=Console(file=stream),
        transient=True,
    )
    task = bar.add_task(description, total=None, start=False)
    lock = threading.Lock()
    state = {"shown": False, "ended": False}

    def show() -> None:
        with lock:
            if not state["ended"]:
                bar.start()
                state["shown"] = True

    timer = threading.Timer(delay, show)
    timer.daemon = True
    if delay > 0:
        timer.start()
    else:
        show()

    def progress(done: int, total: int) -> None:
        bar.update(task, completed=done, total=total)
        if not bar.tasks[0].started:
            bar.start_task(task)

    try:
        yield progress
    finally:
        timer.cancel()
        with lock:
            state["ended"] = True
            if state["shown"]:
                bar.stop()
