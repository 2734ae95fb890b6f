"""Validity periods: the days something is in force, both ends inclusive.

``valid_to`` is the last day in force (a post "until 01.04.2020" is
``valid_to: 2020-03-31``). ``None`` means open-ended.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, model_validator


class Validity(BaseModel):
    """A period ``[valid_from, valid_to]``; either end may be open."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    valid_from: dt.date | None = None
    valid_to: dt.date | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Validity:
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValueError(f"valid_to {self.valid_to} is before valid_from {self.valid_from}")
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
