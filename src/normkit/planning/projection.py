"""Projection: a base and its scenarios assessed on a series of dates.

Each date is an assessment of the inventory as it stands that day (units,
staffing and figures in force), with the norm set in force that day, plus
what money the scenario moves: the yearly cost of the gap, of the measures in
force, and the grants received. Figures are yearly rates on the day, as a
plan's cost lines are ("a yearly cost of NOK 1 190 000"): a change in the
middle of a year shows from the first date on or after it.

A scenario's figures are set beside the base's, date by date: a difference
is ``null`` whenever either side is, with the reason, never a made-up 0.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Literal

from pydantic import Field

from ..assessment import Assessment, UnitAssessment, facility_staffed
from ..bed_types import BedType
from ..errors import NormkitError, NormSetError
from ..inventory import Inventory
from ..limits import DEFAULT, Limits
from ..model import Output
from ..normset import NormSet
from ..rules.base import finite
from ..rules.threshold import Alert
from .compare import basis, reason
from .scenario import Applied, ChangeMade, Measure, Scenario, apply_scenario

#: assesses an inventory with a norm set (an id or a NormSet) on a date
AssessOn = Callable[[Inventory, "str | NormSet", dt.date], Assessment]

BASE = "base"


_Out = Output  # results: frozen, their JSON safe to show


class MeasureInForce(_Out):
    id: str
    label: str | None
    type: Literal["cost", "grant"]
    nok_per_year: float | None = Field(
        description="null for a measure paid per GP list when no list is in force"
    )
    basis: str = Field(description="how the yearly amount is made up, and its period")
    scenario: str = Field(description="the scenario that defines the measure")


class PlanPeriod(_Out):
    """One scenario on one date."""

    at: dt.date
    normset: str | None = Field(description="the norm set assessed with; null if none in force")
    norm_fte: float | None
    required_fte: float | None
    staffed_fte: float | None
    gap_fte: float | None
    gap_cost_nok_per_year: float | None
    gap_cost_basis: str | None
    measures: list[MeasureInForce]
    measures_cost_nok_per_year: float | None = Field(
        description="the costs of the measures in force; null when one of them is not known"
    )
    grants_nok_per_year: float | None = Field(
        description="the grants of the measures in force; null when one of them is not known"
    )
    alerts: list[Alert]
    indicators: dict[str, float]
    problem: str | None = Field(description="why there is no assessment on this date, if none")
    assessment: Assessment | None = Field(description="the full assessment of the date")


class ScenarioRun(_Out):
    id: str
    title: str
    chain: list[str] = Field(description="the scenarios applied, root first (empty for the base)")
    changes: list[ChangeMade] = Field(description="the scenario's changes, in date order")
    periods: list[PlanPeriod]


class Difference(_Out):
    """One figure of a run against the baseline: ``scenario − base`` (``base`` is the
    baseline's figure: the base's, unless the plan names a scenario as its baseline)."""

    base: float | None
    scenario: float | None
    difference: float | None
    reason: str | None = Field(description="why the difference is null, when it is")


class UnitDifference(_Out):
    facility: str
    unit: str
    required_fte: Difference
    staffed_fte: Difference
    reason: str = Field(description="what each side's figure rests on, or which side lacks it")
    base: UnitAssessment | None = Field(description="null when the unit is not in the base then")
    scenario: UnitAssessment | None = Field(description="null when not in the scenario then")


class FacilityDifference(_Out):
    """A facility whose need, staffing or gap differs (staffing is often recorded per home)."""

    facility: str
    required_fte: Difference
    staffed_fte: Difference
    gap_fte: Difference


class PeriodDifference(_Out):
    at: dt.date
    norm_fte: Difference
    required_fte: Difference
    staffed_fte: Difference
    gap_fte: Difference
    gap_cost_nok_per_year: Difference
    measures_cost_nok_per_year: Difference
    grants_nok_per_year: Difference
    units: list[UnitDifference] = Field(
        description="the units whose need, staffing, basis or presence differs"
    )
    facilities: list[FacilityDifference] = Field(
        description="the facilities whose need, staffing or gap differs"
    )
    indicators: dict[str, Difference] = Field(
        description="every indicator either side has, beside the FTE totals above"
    )


class ScenarioDifference(_Out):
    scenario: str = Field(description="the run set beside the baseline")
    against: str = Field(description="the baseline: 'base', or a scenario's id")
    periods: list[PeriodDifference]


class Plan(_Out):
    """The documented JSON of ``normkit plan`` (see docs/reference/json-output.md)."""

    inventory: str | None
    normset: str = Field(description="the base norm set (a scenario may adopt another)")
    dates: list[dt.date]
    baseline: str = Field(description="what every run is set beside: 'base' or a scenario id")
    base: ScenarioRun
    scenarios: list[ScenarioRun]
    differences: list[ScenarioDifference]
    notes: list[str]


#: The years a plan may span, as the command line's --years.
FIRST_YEAR, LAST_YEAR = 1900, 2200


def plan_dates(
    years: Iterable[int] = (), dates: Iterable[dt.date] = (), month: int = 1, day: int = 1
) -> list[dt.date]:
    """The dates a plan evaluates: ``month``/``day`` of each year, and any dates given."""
    chosen = set(dates)
    for year in years:
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise NormkitError(
                f"{year} is not a year from {FIRST_YEAR} to {LAST_YEAR}", code="plan.years"
            )
        try:
            chosen.add(dt.date(year, month, day))
        except ValueError:
            raise NormkitError(
                f"{year} has no {month:02d}-{day:02d}: the day of the year is not a date that year",
                hint="choose a day every year has (29 February is only in leap years)",
                code="plan.date",
            ) from None
    return sorted(chosen)


def project(
    assess_on: AssessOn,
    inventory: Inventory,
    normset: str | NormSet,
    dates: Sequence[dt.date],
    scenarios: Sequence[Scenario] = (),
    *,
    known: Mapping[str, Scenario] | None = None,
    bed_types: Iterable[str] | Mapping[str, BedType] | None = None,
    limits: Limits = DEFAULT,
    baseline: str = BASE,
    notes: Sequence[str] = (),
) -> Plan:
    """Assess ``inventory`` and each scenario applied to it on every date in ``dates``.

    ``known`` holds scenarios the given ones may extend (by id); the base
    inventory is never changed. Every run is set beside ``baseline`` (the
    base, or one of the scenarios, to compare scenarios with each other).
    ``notes`` are the caller's, put first (a population file for another
    municipality, say).
    """
    if not dates:
        raise NormkitError(
            "a plan needs at least one date", hint="give years or dates", code="plan.no-dates"
        )
    dates = sorted(set(dates))
    if len(dates) > limits.max_plan_dates:
        raise NormkitError(
            f"the plan has {len(dates)} dates, more than the limit of {limits.max_plan_dates}",
            hint="raise it with NORMKIT_MAX_PLAN_DATES or Limits(max_plan_dates=...)",
            code="plan.too-many-dates",
        )
    ids = [s.id for s in scenarios]
    if BASE in ids:
        raise NormkitError(
            f"scenario id '{BASE}' is the name of the inventory as given",
            next(s for s in scenarios if s.id == BASE).locate("id"),
            "give the scenario another id",
            code="plan.duplicate-scenario",
        )
    if len(set(ids)) < len(ids):
        twice = next(i for i in ids if ids.count(i) > 1)
        raise NormkitError(
            f"two scenarios have the id '{twice}'",
            next(s for s in scenarios if s.id == twice).locate("id"),
            "each scenario of a plan needs an id of its own",
            code="plan.duplicate-scenario",
        )
    every = {**(known or {}), **{s.id: s for s in scenarios}}
    # Counted as each scenario is applied, and refused as soon as the count is over the
    # limit: applying a scenario to a large inventory takes a second, and twenty of them
    # were applied before a plan too large to assess was refused.
    units = sum(len(f.units) for f in inventory.facilities)
    _within_plan_limit(units, dates, limits, complete=not scenarios)
    applied: list[Applied] = []
    for scenario in scenarios:
        applied.append(apply_scenario(inventory, scenario, every, bed_types))
        units += sum(len(f.units) for f in applied[-1].inventory.facilities)
        _within_plan_limit(units, dates, limits, complete=len(applied) == len(scenarios))
    if baseline != BASE and baseline not in ids:
        raise NormkitError(
            f"the baseline '{baseline}' is neither the base nor one of the scenarios",
            hint=f"scenarios: {', '.join(ids) or 'none'}",
            code="plan.baseline",
        )
    base = _run(assess_on, inventory, normset, dates, None)
    runs = [_run(assess_on, a.inventory, normset, dates, a) for a in applied]
    normset_id = normset if isinstance(normset, str) else normset.id
    against = next(r for r in (base, *runs) if r.id == baseline)
    return Plan(
        inventory=inventory.name,
        normset=normset_id,
        dates=list(dates),
        baseline=baseline,
        base=base,
        scenarios=runs,
        differences=[_differences(against, run) for run in (base, *runs) if run is not against],
        notes=[*notes, *_notes(base, runs)],
    )


def _within_plan_limit(
    units: int, dates: Sequence[dt.date], limits: Limits, *, complete: bool
) -> None:
    """Refuse a plan whose unit assessments (so far, unless ``complete``) pass the limit."""
    count = units * len(dates)
    if count > limits.max_plan_unit_assessments:
        raise NormkitError(
            f"the plan would assess {'' if complete else 'at least '}{count} units (units × "
            f"dates × base and scenarios), more than the limit of "
            f"{limits.max_plan_unit_assessments}",
            hint="fewer dates or scenarios, or raise NORMKIT_MAX_PLAN_UNIT_ASSESSMENTS",
            code="plan.too-large",
        )


def _run(
    assess_on: AssessOn,
    inventory: Inventory,
    normset: str | NormSet,
    dates: Sequence[dt.date],
    applied: Applied | None,
) -> ScenarioRun:
    periods = [_period(assess_on, inventory, normset, day, applied) for day in dates]
    if applied is None:
        title = "base (the inventory as given)"
        return ScenarioRun(id=BASE, title=title, chain=[], changes=[], periods=periods)
    return ScenarioRun(
        id=applied.scenario.id,
        title=applied.scenario.title,
        chain=list(applied.chain),
        changes=list(applied.changes),
        periods=periods,
    )


def _period(
    assess_on: AssessOn,
    inventory: Inventory,
    normset: str | NormSet,
    day: dt.date,
    applied: Applied | None,
) -> PlanPeriod:
    adoption = applied.normset_on(day) if applied is not None else None
    chosen: str | NormSet = adoption.normset if adoption is not None else normset
    listed = [g.listed for g in inventory.on(day).gp_lists]
    in_force = applied.measures_on(day) if applied else []
    measures = [_measure(m, applied, listed) for m in in_force] if applied else []
    # What a period has whether or not a norm set is in force that day.
    money: dict[str, Any] = {
        "at": day,
        "measures": measures,
        "measures_cost_nok_per_year": _sum_measures(measures, "cost"),
        "grants_nok_per_year": _sum_measures(measures, "grant"),
    }
    try:
        if not isinstance(chosen, str) and not chosen.validity.in_force(day):
            # A norm set given as an object is used only in its own period, as an id is.
            raise NormSetError(
                f"norm set '{chosen.id}' is in force {chosen.validity.describe()}, not on "
                f"{day.isoformat()}",
                code="normset.not-in-force",
            )
        assessment = assess_on(inventory, chosen, day)
    except NormSetError as exc:
        if exc.code != "normset.not-in-force":
            raise
        return PlanPeriod(
            **money,
            normset=None,
            norm_fte=None,
            required_fte=None,
            staffed_fte=_staffed(inventory, day),  # a fact of the inventory, norm set or not
            gap_fte=None,
            gap_cost_nok_per_year=None,
            gap_cost_basis=None,
            alerts=[],
            indicators={},
            problem=exc.message,
            assessment=None,
        )
    totals = assessment.totals
    cost, cost_basis = totals.gap_cost_nok_per_year, totals.gap_cost_basis
    priced = applied.fte_cost_on(day) if applied is not None else None
    if priced is not None and totals.gap_fte is not None:
        cost = finite(priced.rule.evaluate({"fte": max(totals.gap_fte, 0.0)}), priced.rule)
        cost_basis = f"{priced.rule.describe()} (scenario, from {priced.valid_from.isoformat()})"
    return PlanPeriod(
        **money,
        normset=assessment.normset.id,
        norm_fte=totals.norm_fte,
        required_fte=totals.required_fte,
        staffed_fte=totals.staffed_fte,
        gap_fte=totals.gap_fte,
        gap_cost_nok_per_year=cost,
        gap_cost_basis=cost_basis,
        alerts=assessment.alerts,
        indicators=assessment.indicators,
        problem=None,
        assessment=assessment,
    )


def _staffed(inventory: Inventory, day: dt.date) -> float | None:
    """Staffed FTE on ``day`` as an assessment would total it, without a norm set."""
    staffed = [facility_staffed(f, day)[0] for f in inventory.on(day).facilities]
    known = [s for s in staffed if s is not None]
    return math.fsum(known) if known else None


def _measure(measure: Measure, applied: Applied, listed: Sequence[int]) -> MeasureInForce:
    value: float | None = measure.per_year
    basis = measure.basis()
    if measure.per_list is not None:
        value, how = measure.on_lists(listed)
        basis = f"{basis}; {how}"
    return MeasureInForce(
        id=measure.id,
        label=measure.label,
        type=measure.type,
        nok_per_year=value,
        basis=basis,
        scenario=applied.owner_of(measure.id),
    )


def _sum_measures(measures: Sequence[MeasureInForce], kind: str) -> float | None:
    values = [m.nok_per_year for m in measures if m.type == kind]
    return None if None in values else math.fsum(v for v in values if v is not None)


#: the figures of a period that are set beside the baseline, in this order
FIGURES = (
    "norm_fte",
    "required_fte",
    "staffed_fte",
    "gap_fte",
    "gap_cost_nok_per_year",
    "measures_cost_nok_per_year",
    "grants_nok_per_year",
)


def _differences(against: ScenarioRun, run: ScenarioRun) -> ScenarioDifference:
    ids = (against.id, run.id)
    periods = []
    for left, right in zip(against.periods, run.periods, strict=True):
        figures = {
            name: _difference(getattr(left, name), getattr(right, name), name, left, right, ids)
            for name in FIGURES
        }
        periods.append(
            PeriodDifference(
                at=left.at,
                units=_unit_differences(left, right, ids),
                facilities=_facility_differences(left, right, ids),
                indicators=_indicator_differences(left, right, ids),
                **figures,
            )
        )
    return ScenarioDifference(scenario=run.id, against=against.id, periods=periods)


def _difference(
    left: float | None,
    right: float | None,
    name: str,
    lp: PlanPeriod,
    rp: PlanPeriod,
    ids: tuple[str, str],
) -> Difference:
    if left is not None and right is not None:
        return Difference(base=left, scenario=right, difference=right - left, reason=None)
    sides = ((ids[0], left, lp), (ids[1], right, rp))
    missing = [(side, p) for side, v, p in sides if v is None]
    why = "; ".join(f"{side}: {_why_missing(name, period)}" for side, period in missing)
    return Difference(base=left, scenario=right, difference=None, reason=why)


#: indicators that repeat the totals, so the differences leave them out
TOTALS = frozenset({"beds", "norm_fte", "required_fte", "staffed_fte", "gap_fte"})


def other_indicators(period: PlanPeriod) -> dict[str, float]:
    """The period's indicators other than the FTE totals (figures, population, ratios)."""
    return {k: v for k, v in period.indicators.items() if k not in TOTALS}


def _indicator_differences(
    lp: PlanPeriod, rp: PlanPeriod, ids: tuple[str, str]
) -> dict[str, Difference]:
    left, right = other_indicators(lp), other_indicators(rp)
    out = {}
    for name in [*left, *(k for k in right if k not in left)]:
        lv, rv = left.get(name), right.get(name)
        if lv is not None and rv is not None:
            out[name] = Difference(base=lv, scenario=rv, difference=rv - lv, reason=None)
            continue
        sides = [side for side, v in ((ids[0], lv), (ids[1], rv)) if v is None]
        why = "; ".join(f"{side}: not given on this date" for side in sides)
        out[name] = Difference(base=lv, scenario=rv, difference=None, reason=why)
    return out


def _why_missing(name: str, period: PlanPeriod) -> str:
    """Why one figure of one period is null."""
    if name in ("measures_cost_nok_per_year", "grants_nok_per_year"):
        unknown = [m.id for m in period.measures if m.nok_per_year is None]
        return f"measure(s) {', '.join(unknown)} paid per GP list, and no GP list is in force"
    if period.problem is not None:
        return period.problem
    a = period.assessment
    assert a is not None
    totals = a.totals
    if name == "gap_cost_nok_per_year":
        if totals.gap_fte is None:
            return "no gap is known, so it has no cost"
        return f"norm set '{a.normset.id}' gives no price of an FTE (fte_cost)"
    if name == "staffed_fte" or (name == "gap_fte" and totals.staffed_fte is None):
        return "no staffing recorded"
    if not a.units:
        return "no units on this date"
    return f"no unit has a {'pure-norm' if name == 'norm_fte' else 'required'} figure"


def _key(u: UnitAssessment) -> tuple[str, str, bool]:
    return (u.facility, u.unit, u.beds is None)


def _unit_differences(lp: PlanPeriod, rp: PlanPeriod, ids: tuple[str, str]) -> list[UnitDifference]:
    """The units whose figure, basis or presence differs between the base and the scenario."""
    if lp.assessment is None or rp.assessment is None:
        return []
    left = {_key(u): u for u in lp.assessment.units}
    right = {_key(u): u for u in rp.assessment.units}
    rows = []
    for key in [*left, *(k for k in right if k not in left)]:
        lu, ru = left.get(key), right.get(key)
        if lu is not None and ru is not None and _same(lu, ru):
            continue
        lv = lu.required_fte if lu is not None else None
        rv = ru.required_fte if ru is not None else None
        if lu is None or ru is None:
            side, u = (ids[1], ru) if lu is None else (ids[0], lu)
            assert u is not None
            why = f"only in {side}: {basis(u)}"
        else:
            why = reason(ids[0], lu, ids[1], ru)
        if lv is None or rv is None:
            gone = "no figure" if (lu is None or ru is None) else "not comparable"
            missing = Difference(base=lv, scenario=rv, difference=None, reason=f"{gone}: {why}")
        else:
            missing = Difference(base=lv, scenario=rv, difference=rv - lv, reason=None)
        ls = lu.staffed_fte if lu is not None else None
        rs = ru.staffed_fte if ru is not None else None
        rows.append(
            UnitDifference(
                facility=key[0],
                unit=key[1],
                required_fte=missing,
                staffed_fte=_pair(ls, rs, (_UNIT_STAFFING,) * 2, ids),
                reason=why,
                base=lu,
                scenario=ru,
            )
        )
    return rows


def _pair(
    left: float | None, right: float | None, why: tuple[str, str], ids: tuple[str, str]
) -> Difference:
    """``right − left``, or null with each missing side's reason (``why`` per side)."""
    if left is not None and right is not None:
        return Difference(base=left, scenario=right, difference=right - left, reason=None)
    missing = [f"{i}: {w}" for i, w, v in zip(ids, why, (left, right), strict=True) if v is None]
    return Difference(base=left, scenario=right, difference=None, reason="; ".join(missing))


_CLOSED = "the facility is not open then"
_UNIT_STAFFING = "no staffing recorded on the unit (it may be the facility's)"


def _facility_differences(
    lp: PlanPeriod, rp: PlanPeriod, ids: tuple[str, str]
) -> list[FacilityDifference]:
    """The facilities whose need, staffing or gap differs, in the order they appear."""
    if lp.assessment is None or rp.assessment is None:
        return []
    left = {f.facility: f for f in lp.assessment.facilities}
    right = {f.facility: f for f in rp.assessment.facilities}
    rows = []
    for name in [*left, *(k for k in right if k not in left)]:
        lf, rf = left.get(name), right.get(name)
        figures = {
            key: _pair(
                getattr(lf, key) if lf is not None else None,
                getattr(rf, key) if rf is not None else None,
                (why if lf is not None else _CLOSED, why if rf is not None else _CLOSED),
                ids,
            )
            for key, why in (
                ("required_fte", "no need known"),
                ("staffed_fte", "no staffing recorded"),
                ("gap_fte", "no gap known"),
            )
        }
        if (
            lf is not None
            and rf is not None
            and all(d.base == d.scenario for d in figures.values())
        ):
            continue
        rows.append(FacilityDifference(facility=name, **figures))
    return rows


def _same(lu: UnitAssessment, ru: UnitAssessment) -> bool:
    return (
        lu.required_fte == ru.required_fte
        and lu.staffed_fte == ru.staffed_fte
        and lu.status == ru.status
        and lu.beds == ru.beds
        and lu.bed_type == ru.bed_type
        and basis(lu) == basis(ru)
    )


def _notes(base: ScenarioRun, runs: Sequence[ScenarioRun]) -> list[str]:
    notes = []
    for run in (base, *runs):
        for period in run.periods:
            if period.problem is not None:
                notes.append(f"{run.id}, {period.at.isoformat()}: no assessment: {period.problem}")
    return notes
