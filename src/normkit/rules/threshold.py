"""Thresholds: an indicator crossing a limit raises an alert with an action.

Sarpsborg: "open a new GP list when free list places fall below 1000" is
``Threshold(indicator="free_list_places", below=1000, action=...)``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..errors import NormSetError
from ..model import Model
from ..provenance import Source
from ..values import PlainNumber

AlertSeverity = Literal["info", "warning", "critical"]


class Alert(BaseModel):
    """A threshold that fired: what, how far, what to do, and on whose authority."""

    model_config = ConfigDict(frozen=True)

    id: str
    severity: AlertSeverity
    indicator: str
    value: float
    condition: str
    message: str
    action: str
    source: Source | None = None


class Threshold(Model):
    """Fires when ``indicator`` is below / at most / above / at least a limit.

    Exactly one of the four limits is given. ``below: 1000`` fires for 999 and
    not for 1000, as the plan's "below 1000" reads.
    """

    error_class = NormSetError

    id: str = Field(min_length=1)
    indicator: str = Field(min_length=1)
    below: PlainNumber | None = None
    at_most: PlainNumber | None = None
    above: PlainNumber | None = None
    at_least: PlainNumber | None = None
    action: str = Field(min_length=1)
    message: str | None = None
    severity: AlertSeverity = "warning"
    source: Source | None = None

    @model_validator(mode="after")
    def _one_limit(self) -> Threshold:
        check_one_limit(self)
        return self

    def condition(self) -> str:
        words = (("below", "<"), ("at_most", "≤"), ("above", ">"), ("at_least", "≥"))
        # Validated to have exactly one limit.
        ((word, limit),) = [(w, getattr(self, n)) for n, w in words if getattr(self, n) is not None]
        return f"{self.indicator} {word} {limit:g}"

    def fires(self, value: float) -> bool:
        if self.below is not None:
            return value < self.below
        if self.at_most is not None:
            return value <= self.at_most
        if self.above is not None:
            return value > self.above
        assert self.at_least is not None
        return value >= self.at_least

    def check(self, value: float) -> Alert | None:
        """The alert when the threshold fires on ``value``, else None."""
        if not self.fires(value):
            return None
        return Alert(
            id=self.id,
            severity=self.severity,
            indicator=self.indicator,
            value=value,
            condition=self.condition(),
            message=self.message or f"{self.indicator} is {value:g} ({self.condition()})",
            action=self.action,
            source=self.source,
        )


def check_one_limit(threshold: Threshold) -> None:
    given = [n for n in LIMITS if getattr(threshold, n) is not None]
    if len(given) != 1:
        raise NormSetError(
            "a threshold needs exactly one of below, at_most, above, at_least; "
            f"got {', '.join(given) or 'none'}",
            code="threshold.limits",
        )


LIMITS = ("below", "at_most", "above", "at_least")
