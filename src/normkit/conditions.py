"""Conditions: a predicate evaluated on each GP list or GP centre, raising an alert.

Trondheim: act when a GP contract is still unsold 12 months after notice;
Bergen: GP centres should have at least 6 GPs. The condition is a predicate
rule (``compare``, ``all_of``...) over the record's attributes, listed in
:data:`ATTRIBUTES`; the alert names the record and explains the condition.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import Field, model_validator

from .errors import NormSetError, RuleError
from .inventory import GPCentre, GPList, Inventory
from .model import Model
from .provenance import Source
from .rules.base import BOOLEAN, RuleRef
from .rules.threshold import Alert, AlertSeverity

Over = Literal["gp_list", "gp_centre"]

ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "gp_list": (
        "cap",
        "listed",
        "free_places",
        "vacant",
        "locum",
        "unsold",
        "full_months_since_notice",
    ),
    "gp_centre": ("gps", "gps_previous", "district"),
}


def whole_months(start: dt.date, end: dt.date) -> int:
    """Whole calendar months from ``start`` to ``end`` (2023-05-15 → 2024-05-14 is 11).

    2024-02-29 → 2025-02-28 is 12: a month ends on the same day of the month,
    or on the last day of a month too short to have that day.
    """
    months = (end.year - start.year) * 12 + (end.month - start.month)
    last_day_of_end_month = end == dt.date.max or (end + dt.timedelta(days=1)).month != end.month
    # A month is complete on the same day of the month, or on the last day of a
    # shorter month (notice on 31 January: one month on 28 or 29 February).
    if end.day < start.day and not last_day_of_end_month:
        months -= 1
    return months


def gp_list_attributes(gp_list: GPList, at: dt.date) -> dict[str, Any]:
    notice = gp_list.notice_date
    taken_over = gp_list.taken_over
    return {
        "cap": gp_list.cap,
        "listed": gp_list.listed,
        "free_places": gp_list.free_places,
        "vacant": gp_list.vacant,
        "locum": gp_list.locum,
        "unsold": notice is not None and notice <= at and (taken_over is None or taken_over > at),
        "full_months_since_notice": whole_months(notice, at) if notice and notice <= at else None,
    }


def gp_centre_attributes(centre: GPCentre, at: dt.date) -> dict[str, Any]:
    return {"gps": centre.gps, "gps_previous": centre.gps_previous, "district": centre.district}


class Condition(Model):
    """Raise an alert for every record ``over`` which ``when`` holds."""

    error_class = NormSetError

    id: str = Field(min_length=1)
    over: Over
    when: RuleRef
    message: str = Field(min_length=1)
    action: str = Field(min_length=1)
    severity: AlertSeverity = "warning"
    source: Source | None = None

    @model_validator(mode="after")
    def _predicate_on_known_attributes(self) -> Condition:
        check_predicate(self)
        return self

    def run(self, inventory: Inventory, at: dt.date) -> tuple[list[Alert], list[str]]:
        """Alerts for the records the condition holds for, and notes for those it could
        not be decided on (an attribute the record does not give)."""
        records: list[tuple[str, dict[str, Any]]]
        if self.over == "gp_list":
            records = [(g.id, gp_list_attributes(g, at)) for g in inventory.gp_lists]
        else:
            records = [(c.name, gp_centre_attributes(c, at)) for c in inventory.gp_centres]
        alerts: list[Alert] = []
        notes: list[str] = []
        for name, attributes in records:
            needed = {k: v for k, v in attributes.items() if k in self.when.inputs()}
            try:
                fires = self.when.evaluate(needed)
            except RuleError as exc:
                notes.append(
                    f"condition '{self.id}' not decided for {self.over} {name}: {exc.message}"
                )
                continue
            if fires is None:
                unknown = ", ".join(sorted(k for k, v in needed.items() if v is None))
                notes.append(
                    f"condition '{self.id}' not decided for {self.over} {name}: "
                    f"{unknown} not recorded"
                )
                continue
            if fires:
                step = self.when.explain(needed)
                alerts.append(
                    Alert(
                        id=self.id,
                        severity=self.severity,
                        indicator=f"{self.over} {name}",
                        value=1.0,
                        condition=step.text,
                        message=f"{name}: {self.message}",
                        action=self.action,
                        source=self.source,
                    )
                )
        return alerts, notes


def check_predicate(condition: Condition) -> None:
    """'when' is a yes/no rule over attributes the records have."""
    if condition.when.output_unit() != BOOLEAN:
        raise NormSetError(
            "'when' must be a condition (compare, all_of, any_of, not)",
            code="condition.not-a-predicate",
        )
    unknown = sorted(condition.when.inputs() - set(ATTRIBUTES[condition.over]))
    if unknown:
        raise NormSetError(
            f"'when' uses {', '.join(unknown)}, which a {condition.over} does not have; "
            f"attributes: {', '.join(ATTRIBUTES[condition.over])}",
            code="condition.unknown-attribute",
        )
