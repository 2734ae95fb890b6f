"""The sentences under a plan's tables: changes, money, alerts, notes, unit differences.

A line that holds for several dates is said once, with the dates it holds for.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from ..planning.compare import basis, reason
from ..planning.projection import (
    Difference,
    FacilityDifference,
    PlanPeriod,
    ScenarioDifference,
    ScenarioRun,
    UnitDifference,
)
from ..rounding import KEPT_MONEY, rounded
from ..rules.base import fmt

NONE = "not known"


def _signed(value: float | None, money: bool = False) -> str:
    if value is None:
        return NONE
    if money:
        shown = f"{int(rounded(value, 0, KEPT_MONEY)):+,}".replace(",", " ")
    else:
        shown = f"{rounded(value, 2):+.2f}"
    return shown.lstrip("+") if shown in ("+0", "+0.00", "-0", "-0.00") else shown


def _spans(dates: Sequence[dt.date], all_dates: Sequence[dt.date]) -> str:
    """'2021-01-01 to 2026-01-01' for consecutive plan dates, listed otherwise."""
    index = {d: i for i, d in enumerate(all_dates)}
    groups: list[list[dt.date]] = []
    for d in sorted(dates):
        if groups and index[d] == index[groups[-1][-1]] + 1:
            groups[-1].append(d)
        else:
            groups.append([d])
    return ", ".join(
        g[0].isoformat() if len(g) == 1 else f"{g[0].isoformat()} to {g[-1].isoformat()}"
        for g in groups
    )


def _grouped(items: Iterable[tuple[dt.date, str]], all_dates: Sequence[dt.date]) -> list[str]:
    """Each distinct line once, with the dates it holds for, in order of first appearance."""
    dates: dict[str, list[dt.date]] = {}
    for day, line in items:
        dates.setdefault(line, []).append(day)
    if len(all_dates) == 1:
        return list(dates)
    return [f"{_spans(days, all_dates)}: {line}" for line, days in dates.items()]


def change_lines(run: ScenarioRun) -> list[str]:
    """The scenario's changes, dated, each with its note and source."""
    lines = []
    for c in run.changes:
        by = f" [{c.scenario}]" if len(run.chain) > 1 else ""
        note = f" — {c.note}" if c.note else ""
        cite = f" ({c.source.cite()})" if c.source else ""
        lines.append(f"from {c.valid_from.isoformat()}{by}: {c.change}{note}{cite}")
    return lines


def _plus(value: float) -> str:
    return ("+" if value > 0 else "") + fmt(value)


def _figure(value: float | None) -> str:
    """A figure: whole numbers as they are, others with two decimals (one column, one style)."""
    if value is None:
        return NONE
    if float(value).is_integer():
        return fmt(value)
    return f"{rounded(value, 2):,.2f}".replace(",", " ")


def run_lines(run: ScenarioRun, all_dates: Sequence[dt.date]) -> list[str]:
    """What the run's table cannot hold: money bases, measures, figures, alerts and notes."""
    items: list[tuple[dt.date, str]] = []
    for p in run.periods:
        items.extend((p.at, line) for line in _period_lines(p))
    return _grouped(items, all_dates)


def _period_lines(p: PlanPeriod) -> list[str]:
    lines = []
    if p.problem is not None:
        lines.append(f"no assessment: {p.problem}")
    if p.gap_cost_basis is not None:
        lines.append(f"gap priced at {p.gap_cost_basis}")
    for m in p.measures:
        sign = "grant" if m.type == "grant" else "cost"
        label = m.label or m.id
        lines.append(f"{sign} '{m.id}' ({label}): {m.basis} = {fmt(m.nok_per_year, 'NOK/year')}")
    for a in p.alerts:
        cite = f" ({a.source.cite()})" if a.source else ""
        lines.append(f"alert [{a.severity}] {a.message} → {a.action}{cite}")
    if p.assessment is not None:
        lines.extend(f"note: {n}" for n in p.assessment.notes)
    return lines


def difference_lines(
    difference: ScenarioDifference, all_dates: Sequence[dt.date], units: bool = True
) -> list[str]:
    """The unit differences behind a scenario's figures, and why any difference is null."""
    items: list[tuple[dt.date, str]] = []
    scenario = difference.scenario
    for p in difference.periods:
        for name, figure in p.indicators.items():
            if figure.difference is None:
                items.append((p.at, f"Δ {name} not known: {figure.reason}"))
            elif figure.difference != 0:
                was, now = _figure(figure.base), _figure(figure.scenario)
                items.append((p.at, f"Δ {name}: {was} → {now} ({_plus(figure.difference)})"))
        money = ("measures_cost_nok_per_year", "grants_nok_per_year")
        # A plan of figures only (GP lists, population) has no FTE to compare.
        fte = ("required_fte", "staffed_fte", "gap_fte", "gap_cost_nok_per_year") if units else ()
        for name in (*fte, *money):
            d: Difference = getattr(p, name)
            if d.reason is not None:
                items.append((p.at, f"Δ {name} not known: {d.reason}"))
        if not units:
            continue
        for f in p.facilities:
            items.append((p.at, f"{f.facility}: {_changed(f)}"))
        for u in p.units:
            need, staffed = u.required_fte, u.staffed_fte
            parts = ["need: no difference figure"] if need.difference is None else []
            if need.difference:
                parts.append(f"need {_moved(need)}")
            if staffed.difference:
                parts.append(f"staffed {_moved(staffed)}")
            change = "; ".join(parts) or "the same figures"
            why = _why(u, difference.against, scenario)
            items.append((p.at, f"{u.facility} › {u.unit}: {change} — {why}"))
    return _grouped(items, all_dates)


def _fte2(value: float | None) -> str:
    return NONE if value is None else f"{rounded(value, 2):.2f}"


def _moved(d: Difference) -> str:
    """'1.00 → 1.25 (+0.25)', or with the reason where the difference is not known."""
    after = _signed(d.difference) if d.difference is not None else d.reason
    return f"{_fte2(d.base)} → {_fte2(d.scenario)} ({after})"


def _changed(f: FacilityDifference) -> str:
    """What differs at a facility, figure by figure."""
    figures = (("need", f.required_fte), ("staffed", f.staffed_fte), ("gap", f.gap_fte))
    parts = [
        f"{label} {_moved(d)}"
        for label, d in figures
        if d.difference or (d.difference is None and (d.base, d.scenario) != (None, None))
    ]
    return "; ".join(parts) or "the same figures"


def _why(u: UnitDifference, against: str, scenario: str) -> str:
    """A unit difference's reason without the citations (the JSON keeps them)."""
    if u.base is not None and u.scenario is not None:
        return reason(against, u.base, scenario, u.scenario, cite=False)
    side, row = (against, u.base) if u.scenario is None else (scenario, u.scenario)
    assert row is not None
    return f"only in {side}: {basis(row, cite=False)}"
