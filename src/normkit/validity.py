"""Validity periods: the days something is in force, both ends inclusive.

``valid_to`` is the last day in force (a post "until 01.04.2020" is
``valid_to: 2020-03-31``). ``None`` means open-ended.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from pydantic import model_validator

from .errors import Location, NormkitError
from .model import Model
from .values import Date


class Validity(Model):
    """A period ``[valid_from, valid_to]``; either end may be open."""

    valid_from: Date | None = None
    valid_to: Date | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Validity:
        check_order(self.valid_from, self.valid_to)
        return self

    def in_force(self, on: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= on) and (
            self.valid_to is None or on <= self.valid_to
        )

    def overlaps(self, other: Validity) -> bool:
        starts_before_other_ends = (
            self.valid_from is None or other.valid_to is None or self.valid_from <= other.valid_to
        )
        ends_after_other_starts = (
            self.valid_to is None or other.valid_from is None or other.valid_from <= self.valid_to
        )
        return starts_before_other_ends and ends_after_other_starts

    def describe(self) -> str:
        start = self.valid_from.isoformat() if self.valid_from else "…"
        end = self.valid_to.isoformat() if self.valid_to else "…"
        return f"{start} to {end}"


def check_order(valid_from: dt.date | None, valid_to: dt.date | None) -> None:
    """A period must not end before it starts (a one-day period starts and ends on one day)."""
    if valid_from is not None and valid_to is not None and valid_to < valid_from:
        raise NormkitError(
            f"valid_to {valid_to} is before valid_from {valid_from}",
            Location(field="valid_to"),  # its line in a file, after the record's own path
            hint="valid_to is the last day in force",
            code="validity.order",
        )


class Dated(Model):
    """A record in force from ``valid_from`` to ``valid_to`` (both optional, inclusive)."""

    valid_from: Date | None = None
    valid_to: Date | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Dated:
        check_order(self.valid_from, self.valid_to)
        return self

    @property
    def validity(self) -> Validity:
        return Validity(valid_from=self.valid_from, valid_to=self.valid_to)

    def in_force(self, on: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= on) and (
            self.valid_to is None or on <= self.valid_to
        )


def first_overlap(records: Sequence[Dated]) -> tuple[int, int] | None:
    """Positions (earlier, later) of the first record whose period overlaps an earlier
    one's, reading the records in order, and of the first such earlier one; or None.

    A user's file may give thousands of periods of one name, so no record is set
    against every other: a sweep in start order (n log n) says whether the first
    ``count`` records overlap at all, and a binary search over ``count`` finds the
    first record that makes them, as a reader going down the file would meet it.
    """
    if _sweep(records, len(records)) is None:
        return None
    low, high = 2, len(records)  # the shortest start of the file that has an overlap
    while low < high:
        middle = (low + high) // 2
        if _sweep(records, middle) is None:
            low = middle + 1
        else:
            high = middle
    later = low - 1
    earlier = next(i for i in range(later) if _overlaps(records[i], records[later]))
    return earlier, later


def _start(record: Dated) -> dt.date:
    return record.valid_from or dt.date.min


def _end(record: Dated) -> dt.date:
    return record.valid_to or dt.date.max


def _overlaps(a: Dated, b: Dated) -> bool:
    return _start(a) <= _end(b) and _start(b) <= _end(a)


def _sweep(records: Sequence[Dated], count: int) -> tuple[int, int] | None:
    """Two of the first ``count`` records that overlap, or None. Sorted by start, a
    record overlaps an earlier one exactly when it starts on or before the furthest
    end reached so far."""
    reach: int | None = None  # the record reaching furthest so far, in start order
    for i in sorted(range(count), key=lambda i: (_start(records[i]), i)):
        if reach is not None and _start(records[i]) <= _end(records[reach]):
            return (reach, i)
        if reach is None or _end(records[i]) > _end(records[reach]):
            reach = i
    return None
