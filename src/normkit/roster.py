"""Duty rosters: does every physician on an out-of-hours shift meet the competence rule?

The rule itself is data in a norm set (the national one encodes
akuttmedisinforskriften § 7 as ``national-emergency-duty``); this module
applies it to a roster, shift by shift, with the version in force on each
shift's date. A norm set used for rosters gives these named rules:

``emergency_duty_qualified`` (required)
    may be on duty alone, and may be someone's backup (bakvakt).
``emergency_duty_courses`` (optional, usually dated)
    courses every physician on duty must have completed.
``emergency_duty_backup_exempt`` (optional, usually dated)
    a physician who does not qualify yet needs no backup (the temporary
    exception for physicians who completed LIS1).

and, optionally, the parameter ``qualified_on_duty_minimum`` (a number of
physicians): when a norm set states "at least one physician on duty must
qualify", as Sarpsborg's plan words it, a shift passes with that many
qualified physicians on duty. Without it (the regulation), *each* physician on
duty who does not qualify needs a qualified backup, or the exception.

Attributes a roster does not record are unknown, never "no": a shift whose
result depends on one is reported as undecided, naming what is missing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from .errors import InventoryError, NormSetError
from .files import LineMap, convert_validation_error, read_document
from .limits import DEFAULT, Limits
from .model import Model
from .normset import ResolvedNormSet
from .rules.base import Rule, Step
from .rules.predicates import combine, outcome
from .values import Amount, Count, Date

QUALIFIED = "emergency_duty_qualified"
COURSES = "emergency_duty_courses"
EXEMPT = "emergency_duty_backup_exempt"
MINIMUM = "qualified_on_duty_minimum"


class Physician(Model):
    """A physician on a roster, with the facts competence rules read.

    Leave out what is not known: it is then reported as not recorded, and a
    shift that depends on it as undecided.
    """

    error_class = InventoryError

    id: str = Field(min_length=1)
    specialist_general_practice: bool | None = Field(
        default=None, description="approved specialist in general practice (allmennmedisin)"
    )
    approved_gp: bool | None = Field(
        default=None,
        description="approved as a general practitioner (godkjent allmennlege) in Norway, "
        "another EEA country or Switzerland",
    )
    approved_gp_with_supervised_service: bool | None = Field(
        default=None,
        description="'godkjent allmennlege med veiledet tjeneste', as Sarpsborg's plan words it",
    )
    months_clinical_service: Count | None = Field(
        default=None,
        description="whole months of clinical service after cand.med. or Norwegian "
        "authorisation: time working clinically, not time since graduation",
    )
    out_of_hours_shifts: Count | None = Field(
        default=None, description="out-of-hours shifts (legevakter) done"
    )
    years_as_gp_in_municipal_service: Amount | None = Field(
        default=None,
        description="years worked as a GP (allmennlege) in the municipal health and care service",
    )
    years_municipal_service: Amount | None = Field(
        default=None,
        description="years worked in the municipal health and care service in any role "
        "(Sarpsborg's wording)",
    )
    completed_lis1: bool | None = Field(
        default=None, description="has completed LIS1 (the first part of specialist training)"
    )
    course_emergency_medicine: bool | None = Field(
        default=None, description="has passed the course in emergency medicine (akuttmedisinkurs)"
    )
    course_violence_abuse: bool | None = Field(
        default=None,
        description="has passed the course in handling violence and abuse "
        "(volds- og overgrepshåndtering)",
    )

    def attributes(self) -> dict[str, Any]:
        return self.model_dump(exclude={"id"})


class Shift(Model):
    """An out-of-hours shift: who is on duty, and who is the backup (bakvakt), if anyone."""

    error_class = InventoryError

    id: str = Field(min_length=1)
    date: Date
    on_duty: tuple[str, ...] = Field(min_length=1)
    backup: str | None = None


class Roster(Model):
    """Physicians and the shifts they are on."""

    error_class = InventoryError

    physicians: tuple[Physician, ...]
    shifts: tuple[Shift, ...]

    @model_validator(mode="after")
    def _known_physicians(self) -> Roster:
        check_roster_names(self)
        return self


def check_roster_names(roster: Roster) -> None:
    known = {p.id for p in roster.physicians}
    if len(known) != len(roster.physicians):
        raise InventoryError("a physician id appears twice", code="roster.duplicate")
    for shift in roster.shifts:
        for pid in (*shift.on_duty, *((shift.backup,) if shift.backup else ())):
            if pid not in known:
                raise InventoryError(
                    f"shift '{shift.id}' names unknown physician '{pid}'",
                    code="roster.unknown-physician",
                )


class DutyCheck(BaseModel):
    """One physician on a shift: whether they may be on duty as rostered, and why."""

    model_config = ConfigDict(frozen=True)

    physician: str
    qualified: bool | None
    courses: bool | None
    exempt_from_backup: bool | None
    covered: bool | None
    reason: str


class ShiftResult(BaseModel):
    """A shift's verdict: ``covered`` is True, False, or None (undecided: see ``reason``)."""

    model_config = ConfigDict(frozen=True)

    shift: str
    date: dt.date
    normset: str | None
    covered: bool | None
    reason: str
    physicians: list[DutyCheck]
    explanations: dict[str, Any]


class _Rules:
    """The roster rules of one norm-set version, applied with their explanations kept."""

    def __init__(self, resolved: ResolvedNormSet):
        self.label = resolved.normset.label()
        self.qualified: Rule = resolved.rules[QUALIFIED].rule
        self.courses: Rule | None = (
            resolved.rules[COURSES].rule if COURSES in resolved.rules else None
        )
        self.exempt: Rule | None = resolved.rules[EXEMPT].rule if EXEMPT in resolved.rules else None
        minimum = resolved.parameters.get(MINIMUM)
        self.minimum: int | None = (
            int(minimum.value.to("physician"))
            if minimum is not None and minimum.value is not None
            else None
        )

    def test(
        self, rule: Rule | None, physician: Physician, key: str, steps: dict[str, Step]
    ) -> bool | None:
        if rule is None:
            return True
        step = rule.explain(physician.attributes())
        steps[key] = step
        return None if step.value is None else bool(step.value)


def _rules_for(resolved: ResolvedNormSet) -> _Rules | str:
    """The roster rules in force, or why the version in force cannot judge a roster."""
    if QUALIFIED in resolved.rules:
        return _Rules(resolved)
    unknown = "; ".join(u.what for u in resolved.unknowns)
    if unknown:
        return f"{resolved.normset.label()}: unknown: {unknown}"
    raise NormSetError(
        f"norm set '{resolved.normset.id}' has no rule '{QUALIFIED}' in force on "
        f"{resolved.at.isoformat()}",
        hint=f"a roster needs a norm set with '{QUALIFIED}', e.g. national-emergency-duty",
        code="roster.no-rule",
    )


def _describe(pid: str, qualified: bool | None, courses: bool | None) -> str:
    text = f"{pid}: § 7 competence {outcome(qualified)}"
    return text if courses is True else f"{text}, required courses {outcome(courses)}"


def _check_shift(shift: Shift, roster: dict[str, Physician], rules: _Rules) -> ShiftResult:
    steps: dict[str, Step] = {}
    backup_ok: bool | None = False
    if shift.backup is not None:
        backup = roster[shift.backup]
        backup_ok = combine(
            [
                rules.test(rules.qualified, backup, f"backup {backup.id}: competence", steps),
                rules.test(rules.courses, backup, f"backup {backup.id}: courses", steps),
            ],
            False,
        )
    checks: list[DutyCheck] = []
    for pid in shift.on_duty:
        physician = roster[pid]
        qualified = rules.test(rules.qualified, physician, f"on duty {pid}: competence", steps)
        courses = rules.test(rules.courses, physician, f"on duty {pid}: courses", steps)
        exempt = (
            rules.test(rules.exempt, physician, f"on duty {pid}: backup exemption", steps)
            if rules.exempt is not None and qualified is not True
            else False
        )
        # Covered: the courses, and either § 7 itself, the exception or a backup.
        covered = combine([courses, combine([qualified, exempt, backup_ok], True)], False)
        if qualified is True:
            how = "may be on duty alone"
        elif exempt is True:
            how = "needs no backup under the LIS1 exception"
        elif backup_ok is True:
            how = f"has a qualified backup ({shift.backup})"
        elif shift.backup is None:
            how = "needs a qualified backup and has none"
        else:
            how = f"needs a qualified backup; {shift.backup}'s competence is {outcome(backup_ok)}"
        reason = f"{_describe(pid, qualified, courses)}; {how}"
        checks.append(
            DutyCheck(
                physician=pid,
                qualified=qualified,
                courses=courses,
                exempt_from_backup=exempt,
                covered=covered,
                reason=reason,
            )
        )
    if rules.minimum is not None:
        covered = _at_least(rules.minimum, [c.qualified for c in checks], backup_ok)
        summary = (
            f"at least {rules.minimum} qualified physician(s) on duty, or a qualified backup: "
            f"{outcome(covered)}"
        )
    else:
        covered = combine([c.covered for c in checks], False)
        summary = {
            True: "every physician on duty meets the rule",
            False: "not covered: " + "; ".join(c.reason for c in checks if c.covered is False),
            None: "undecided, facts not recorded: "
            + "; ".join(c.reason for c in checks if c.covered is None),
        }[covered]
    return ShiftResult(
        shift=shift.id,
        date=shift.date,
        normset=rules.label,
        covered=covered,
        reason=summary,
        physicians=checks,
        explanations={k: s.to_dict() for k, s in steps.items()},
    )


def _at_least(minimum: int, qualified: list[bool | None], backup_ok: bool | None) -> bool | None:
    """At least ``minimum`` qualified on duty, or a qualified backup, in three-valued logic."""
    sure = sum(1 for q in qualified if q is True)
    possible = sum(1 for q in qualified if q is not False)
    enough: bool | None = True if sure >= minimum else (None if possible >= minimum else False)
    return combine([enough, backup_ok], True)


def assess_roster(
    roster: Roster, rules_on: Callable[[dt.date], ResolvedNormSet]
) -> list[ShiftResult]:
    """One result per shift, judged by the norm set ``rules_on(shift.date)`` gives.

    A date with no version in force, or one whose version says the rule is not
    encoded, gives an undecided result saying so; it never passes a shift.
    """
    physicians = {p.id: p for p in roster.physicians}
    results = []
    cache: dict[dt.date, _Rules | str] = {}
    for shift in roster.shifts:
        if shift.date not in cache:
            try:
                resolved = rules_on(shift.date)
            except NormSetError as error:
                if error.code != "normset.not-in-force":
                    raise
                cache[shift.date] = error.message
            else:
                cache[shift.date] = _rules_for(resolved)
        rules = cache[shift.date]
        if isinstance(rules, str):
            results.append(
                ShiftResult(
                    shift=shift.id,
                    date=shift.date,
                    normset=None,
                    covered=None,
                    reason=f"undecided: {rules}",
                    physicians=[],
                    explanations={},
                )
            )
            continue
        results.append(_check_shift(shift, physicians, rules))
    return results


def load_roster(path: str | Path, limits: Limits = DEFAULT) -> Roster:
    """Read a roster from YAML, TOML or JSON; errors name file, line and field."""
    data, lines = read_document(path, InventoryError, limits)
    return parse_roster(data, lines)


def parse_roster(data: Any, lines: LineMap) -> Roster:
    try:
        return Roster.model_validate(data)
    except ValidationError as exc:
        raise convert_validation_error(exc, lines, InventoryError) from None
