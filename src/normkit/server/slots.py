"""How many computations a server runs in worker threads, and how they stop.

A thread cannot be stopped from outside. A request past the time limit is
answered 503 at once; its computation stops at the next step it reports to
the kit's ``progress`` callback (:func:`stop_if_answered`: a facility
assessed, a date of a plan), or before its answer is written, and keeps one
of the server's ``max_running`` slots until then. A request that finds every
slot taken is answered 503 at once. So a client sending slow requests cannot
start any number of threads.

Parts report no steps: reading the request, applying a plan's scenarios and
comparing its runs, a comparison of norm sets, and writing an answer in a format
made whole (JSON is made a piece at a time, with a check between pieces). One
answered in such a part runs on to its end, within the size limits; with the
largest inputs that has been measured at up to a minute, its slot held.
"""

from __future__ import annotations

import contextvars
import math
import threading
from collections.abc import Callable
from typing import Literal, TypeVar

Answer = TypeVar("Answer")


class Unanswered(Exception):
    """A request answered 503 without its result: ``code``, ``message``, ``hint``."""

    def __init__(
        self, message: str, *, code: str, hint: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.code, self.message, self.hint, self.headers = code, message, hint, headers


def too_slow(timeout_seconds: float) -> Unanswered:
    return Unanswered(
        f"the request took longer than the limit of {timeout_seconds:g} s",
        code="request.too-slow",
        hint="give a smaller inventory or fewer dates",
    )


def busy(max_running: int, timeout_seconds: float) -> Unanswered:
    # The earliest a place may be free: a computation running is answered by then. One
    # in a step that reports nothing runs on (see the module's docstring).
    retry = str(math.ceil(timeout_seconds))
    return Unanswered(
        f"the server computes as many requests as it may at once ({max_running})",
        code="request.busy",
        hint="try again in a few seconds",
        headers={"Retry-After": retry},
    )


class Answered(Exception):
    """Raised in a worker thread to end a computation whose request has its answer."""


#: the slot of the computation this worker thread runs (none on the server's loop)
_RUNNING: contextvars.ContextVar[Slot | None] = contextvars.ContextVar(
    "normkit_server_slot", default=None
)


def stop_if_answered(done: int = 0, total: int = 0) -> None:
    """A ``progress`` callback for the kit: ends a computation in a worker thread once
    its request has been answered (past the time limit). Also called before the answer
    is written."""
    slot = _RUNNING.get()
    if slot is not None and slot.answered:
        raise Answered


class Slot:
    """One of a server's ``max_running`` slots: taken before a computation is handed to
    a thread, given back when it ends, or at once if it never began."""

    def __init__(self, slots: threading.BoundedSemaphore) -> None:
        self._slots = slots
        self._lock = threading.Lock()
        self._state: Literal["waiting", "running", "given up"] = "waiting"
        #: whether the request has its answer: a running computation stops at its next step
        self.answered = False

    def run(self, work: Callable[[], Answer]) -> Answer:
        """In the worker thread: ``work()``, unless its request was answered before it began."""
        with self._lock:
            if self._state == "given up":  # nobody waits for it; its slot is back already
                raise Answered
            self._state = "running"
        token = _RUNNING.set(self)
        try:
            return work()
        finally:
            _RUNNING.reset(token)
            self._slots.release()

    def give_up(self) -> None:
        """On the loop, when the request has its answer: the slot back if the work never
        began (a running one gives its slot back when it ends, at its next step)."""
        with self._lock:
            self.answered = True
            if self._state == "waiting":
                self._state = "given up"
                self._slots.release()
