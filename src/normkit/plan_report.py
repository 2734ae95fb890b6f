"""Rendering a plan (``normkit plan``) as tables, Markdown or CSV; JSON is the model's own.

One table per run (the base, then each scenario) with a row per date, then
per scenario a table of differences from the base and the unit differences
behind them, each with its reason. Lines that repeat from date to date are
said once, with the dates they hold for.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence

from . import escaping
from .planning.compare import basis, reason
from .planning.projection import (
    FIGURES,
    Difference,
    FacilityDifference,
    Plan,
    PlanPeriod,
    ScenarioDifference,
    ScenarioRun,
    UnitDifference,
    other_indicators,
)
from .report import cell
from .rules.base import fmt

RUN_HEADERS = [
    "Date",
    "Norm set",
    "Norm FTE",
    "Required FTE",
    "Staffed FTE",
    "Gap FTE",
    "Gap cost NOK/yr",
    "Measures NOK/yr",
    "Grants NOK/yr",
    "Alerts",
]
DIFFERENCE_HEADERS = [
    "Date",
    "Δ Norm FTE",
    "Δ Required FTE",
    "Δ Staffed FTE",
    "Δ Gap FTE",
    "Δ Gap cost NOK/yr",
    "Δ Measures NOK/yr",
    "Δ Grants NOK/yr",
]
NONE = "—"


def _fte(value: float | None) -> str:
    return NONE if value is None else f"{value:.2f}"


def _nok(value: float | None) -> str:
    return NONE if value is None else fmt(round(value))


def _signed(value: float | None, money: bool = False) -> str:
    if value is None:
        return NONE
    shown = f"{round(value):+,}".replace(",", " ") if money else f"{value:+.2f}"
    return shown.lstrip("+") if shown in ("+0", "+0.00", "-0", "-0.00") else shown


def plan_heading(plan: Plan) -> str:
    what = f"{plan.inventory} — " if plan.inventory else ""
    first, last = plan.dates[0].isoformat(), plan.dates[-1].isoformat()
    span = first if first == last else f"{first} to {last}"
    return f"{what}plan with norm set {plan.normset}, {len(plan.dates)} date(s), {span}"


def run_title(run: ScenarioRun) -> str:
    chain = f" (applies {' → '.join(run.chain)})" if len(run.chain) > 1 else ""
    return f"{run.id}: {run.title}{chain}"


def run_rows(run: ScenarioRun) -> list[list[str]]:
    """A row per date: need, staffing, gap and money, as strings for tables."""
    return [
        [
            p.at.isoformat(),
            p.normset or "none in force",
            _fte(p.norm_fte),
            _fte(p.required_fte),
            _fte(p.staffed_fte),
            _fte(p.gap_fte),
            _nok(p.gap_cost_nok_per_year),
            _nok(p.measures_cost_nok_per_year),
            _nok(p.grants_nok_per_year),
            str(len(p.alerts)),
        ]
        for p in run.periods
    ]


#: the columns of need, staffing and gap: left out of a plan that assessed no units
_FTE_RUN_COLUMNS = frozenset(range(2, 7))
_FTE_DIFFERENCE_COLUMNS = frozenset(range(1, 6))


def _keep(
    headers: list[str], rows: list[list[str]], drop: frozenset[int]
) -> tuple[list[str], list[list[str]]]:
    keep = [i for i in range(len(headers)) if i not in drop]
    return [headers[i] for i in keep], [[row[i] for i in keep] for row in rows]


def run_table(run: ScenarioRun, units: bool = True) -> tuple[list[str], list[list[str]]]:
    """The run's headers and rows; without the FTE columns when the plan has no units."""
    return _keep(RUN_HEADERS, run_rows(run), frozenset() if units else _FTE_RUN_COLUMNS)


def difference_table(
    difference: ScenarioDifference, units: bool = True
) -> tuple[list[str], list[list[str]]]:
    drop = frozenset() if units else _FTE_DIFFERENCE_COLUMNS
    return _keep(DIFFERENCE_HEADERS, difference_rows(difference), drop)


def difference_rows(difference: ScenarioDifference) -> list[list[str]]:
    return [
        [
            p.at.isoformat(),
            _signed(p.norm_fte.difference),
            _signed(p.required_fte.difference),
            _signed(p.staffed_fte.difference),
            _signed(p.gap_fte.difference),
            _signed(p.gap_cost_nok_per_year.difference, money=True),
            _signed(p.measures_cost_nok_per_year.difference, money=True),
            _signed(p.grants_nok_per_year.difference, money=True),
        ]
        for p in difference.periods
    ]


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


def figure_table(run: ScenarioRun) -> tuple[list[str], list[list[str]]]:
    """Figures and indicators beside the FTE totals, a column each and a row per date."""
    names: list[str] = []
    for p in run.periods:
        names.extend(n for n in other_indicators(p) if n not in names)
    rows = [
        [p.at.isoformat(), *(_figure(other_indicators(p).get(n)) for n in names)]
        for p in run.periods
    ]
    return (["Date", *names], rows) if names else ([], [])


def _plus(value: float) -> str:
    return ("+" if value > 0 else "") + fmt(value)


def _figure(value: float | None) -> str:
    """A figure: whole numbers as they are, others with two decimals (one column, one style)."""
    if value is None:
        return NONE
    if float(value).is_integer():
        return fmt(value)
    return f"{value:,.2f}".replace(",", " ")


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


def has_units(plan: Plan) -> bool:
    """Whether any date of any run assessed units (else the FTE columns say nothing)."""
    runs = (plan.base, *plan.scenarios)
    return any(p.assessment is not None and p.assessment.units for r in runs for p in r.periods)


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
    return NONE if value is None else f"{value:.2f}"


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


NO_UNITS = (
    "The inventory has no units on any date, so the tables leave out need, staffing and gap "
    "(FTE): the plan is of figures and money."
)
LEGEND = (
    "FTE rounded to 2 decimals, NOK to the krone; figures are yearly rates on each date. "
    "Gap = need − staffed: positive is a shortfall. Δ = scenario − baseline; — = not known."
)


def plan_markdown(plan: Plan) -> str:
    md = escaping.markdown
    out = [f"## {md(plan_heading(plan))}", "", md(LEGEND), ""]

    def table(title: str, headers: list[str], rows: list[list[str]], lines: list[str]) -> None:
        out.extend([f"### {md(title)}", ""])
        out.append("| " + " | ".join(md(h) for h in headers) + " |")
        out.append("|" + "|".join("---" for _ in headers) + "|")
        out.extend("| " + " | ".join(md(c) for c in row) + " |" for row in rows)
        out.append("")
        out.extend(f"- {md(line)}" for line in lines)
        if lines:
            out.append("")

    units = has_units(plan)
    if not units:
        out.extend([md(NO_UNITS), ""])
    for run in (plan.base, *plan.scenarios):
        changes = [f"change {line}" for line in change_lines(run)]
        lines = changes + run_lines(run, plan.dates)
        headers, rows = figure_table(run)
        table(run_title(run), *run_table(run, units), [] if rows else lines)
        if rows:
            table(f"{run.id}: figures", headers, rows, lines)
    for difference in plan.differences:
        table(
            f"{difference.scenario} − {difference.against}",
            *difference_table(difference, units),
            difference_lines(difference, plan.dates, units),
        )
    out.extend(f"- note: {md(n)}" for n in plan.notes)
    return "\n".join(out).rstrip("\n") + "\n"


PLAN_CSV_HEADERS = [
    "scenario",
    "date",
    "normset",
    *FIGURES,
    "difference_against",
    *(f"difference_{name}" for name in FIGURES),
    "alerts",
    "problem",
]
#: columns of text (formula-guarded); the others hold numbers
_TEXT = frozenset(
    i
    for i, name in enumerate(PLAN_CSV_HEADERS)
    if name in {"scenario", "date", "normset", "difference_against", "alerts", "problem"}
)


def plan_csv(plan: Plan, formula_guard: bool = True) -> str:
    """A row per run and date, then a column per figure or indicator (population, GP
    contracts...); the difference columns (against the baseline, named in
    ``difference_against``) are empty on the baseline's rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    runs = (plan.base, *plan.scenarios)
    names: list[str] = []
    for run in runs:
        for p in run.periods:
            names.extend(n for n in other_indicators(p) if n not in names)
    writer.writerow([*PLAN_CSV_HEADERS, *(escaping.csv_cell(n, formula_guard) for n in names)])
    differences = {d.scenario: d for d in plan.differences}
    for run in runs:
        against = differences.get(run.id)
        for i, p in enumerate(run.periods):
            d = against.periods[i] if against is not None else None
            deltas = [cell(getattr(d, n).difference) if d else "" for n in FIGURES]
            figures = other_indicators(p)
            values = [
                run.id,
                p.at.isoformat(),
                p.normset or "",
                *(cell(getattr(p, n)) for n in FIGURES),
                against.against if against is not None else "",
                *deltas,
                " ".join(a.id for a in p.alerts),
                p.problem or "",
            ]
            writer.writerow(
                [
                    escaping.csv_cell(v, formula_guard) if k in _TEXT else v
                    for k, v in enumerate(values)
                ]
                + [cell(figures.get(n)) for n in names]
            )
    return buffer.getvalue()
