"""Duty rosters: is every out-of-hours shift covered by a qualified physician?

The competence rule itself is a predicate in a norm set (the national one
registers akuttmedisinforskriften § 7 as ``emergency_duty_qualified``); this
module applies it to a roster. A shift passes when a physician on duty is
qualified, or its backup (bakvakt) is. A dated exception (physicians who
completed LIS1 needing no backup) is applied only up to the end date the
caller passes, because sources disagree on that date.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from .errors import InventoryError
from .files import LineMap, convert_validation_error, read_document
from .rules.base import Rule, Step


class Physician(BaseModel):
    """A physician on a roster, with the attributes competence rules read."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(min_length=1)
    specialist_general_practice: bool = False
    approved_gp_with_supervised_service: bool = False
    months_since_graduation: int = Field(ge=0)
    out_of_hours_shifts: int = Field(ge=0)
    years_municipal_service: float = Field(default=0, ge=0)
    completed_lis1: bool = False

    def attributes(self) -> dict[str, Any]:
        return self.model_dump(exclude={"id"})


class Shift(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(min_length=1)
    date: dt.date
    on_duty: tuple[str, ...] = Field(min_length=1)
    backup: str | None = None


class Roster(BaseModel):
    """Physicians and the shifts they are on."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    physicians: tuple[Physician, ...]
    shifts: tuple[Shift, ...]

    @model_validator(mode="after")
    def _known_physicians(self) -> Roster:
        known = {p.id for p in self.physicians}
        if len(known) != len(self.physicians):
            raise ValueError("a physician id appears twice")
        for shift in self.shifts:
            for pid in (*shift.on_duty, *((shift.backup,) if shift.backup else ())):
                if pid not in known:
                    raise ValueError(f"shift '{shift.id}' names unknown physician '{pid}'")
        return self


class ShiftResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    shift: str
    date: dt.date
    covered: bool
    reason: str
    explanations: dict[str, Any]


def check_roster(
    roster: Roster,
    qualified: Rule,
    exempt: Rule | None = None,
    exemption_until: dt.date | None = None,
) -> list[ShiftResult]:
    """One result per shift: covered by a qualified physician on duty or as backup.

    ``exempt`` (with ``exemption_until``, the last day it applies) lets a
    physician on duty who meets it work without a qualified backup.
    """
    physicians = {p.id: p for p in roster.physicians}
    results = []
    for shift in roster.shifts:
        steps: dict[str, Step] = {}

        def meets(pid: str, rule: Rule, key: str, steps: dict[str, Step] = steps) -> bool:
            step = rule.explain(physicians[pid].attributes())
            steps[f"{key} {pid}"] = step
            return bool(step.value)

        on_duty_ok = [pid for pid in shift.on_duty if meets(pid, qualified, "on duty")]
        backup_ok = shift.backup is not None and meets(shift.backup, qualified, "backup")
        exempted = []
        if exempt is not None and exemption_until is not None and shift.date <= exemption_until:
            exempted = [pid for pid in shift.on_duty if meets(pid, exempt, "exemption")]
        if on_duty_ok:
            covered, reason = True, f"qualified on duty: {', '.join(on_duty_ok)}"
        elif backup_ok:
            covered, reason = True, f"qualified backup: {shift.backup}"
        elif exempted:
            covered = True
            reason = (
                f"no qualified physician, but {', '.join(exempted)} exempt until {exemption_until}"
            )
        else:
            covered = False
            reason = "no qualified physician on duty" + (
                f" and backup {shift.backup} is not qualified" if shift.backup else " and no backup"
            )
        results.append(
            ShiftResult(
                shift=shift.id,
                date=shift.date,
                covered=covered,
                reason=reason,
                explanations={k: s.to_dict() for k, s in steps.items()},
            )
        )
    return results


def load_roster(path: str | Path) -> Roster:
    """Read a roster from YAML, TOML or JSON; errors name file, line and field."""
    data, lines = read_document(path, InventoryError)
    return parse_roster(data, lines)


def parse_roster(data: Any, lines: LineMap) -> Roster:
    try:
        return Roster.model_validate(data)
    except ValidationError as exc:
        raise convert_validation_error(exc, lines, InventoryError) from None
