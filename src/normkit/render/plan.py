"""A plan as a report: a table per run and date, figures, measures, differences, charts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..planning.projection import Plan, PlanPeriod, ScenarioDifference, ScenarioRun
from ..planning.projection import other_indicators as _other_indicators
from .document import Block, Chart, Lines, Num, Report, Row, Series, State, Table
from .locale import Locale
from .plan_lines import change_lines, difference_lines, run_lines
from .reports import (
    describe,
    sources,
)

RUN_COLUMNS = (
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
)
DIFFERENCE_COLUMNS = (
    "Date",
    "Δ Norm FTE",
    "Δ Required FTE",
    "Δ Staffed FTE",
    "Δ Gap FTE",
    "Δ Gap cost NOK/yr",
    "Δ Measures NOK/yr",
    "Δ Grants NOK/yr",
)
#: the columns of need, staffing and gap: left out of a plan that assessed no units
_FTE_RUN_COLUMNS = frozenset(range(2, 7))  # need, staffing, gap and the gap's cost
_FTE_DIFFERENCE_COLUMNS = frozenset(range(1, 6))
LEGEND = (
    "FTE rounded to 2 decimals, NOK to the krone; figures are yearly rates on each date. "
    "Gap = need − staffed: positive is a shortfall. Δ = scenario − baseline."
)
NO_UNITS = (
    "The inventory has no units on any date, so the tables leave out need, staffing and gap "
    "(FTE): the plan is of figures and money."
)


def plan_heading(plan: Plan, locale: Locale) -> str:
    first, last = locale.date(plan.dates[0]), locale.date(plan.dates[-1])
    span = first if first == last else locale.t("{first} to {last}", first=first, last=last)
    text = locale.t(
        "plan with norm set {normset}, {count} date(s), {span}",
        normset=plan.normset,
        count=len(plan.dates),
        span=span,
    )
    return f"{plan.inventory} — {text}" if plan.inventory else text


def run_title(run: ScenarioRun) -> str:
    chain = f" ({' → '.join(run.chain)})" if len(run.chain) > 1 else ""
    return f"{run.id}: {run.title}{chain}"


def _keep(cells: Sequence[Any], drop: frozenset[int]) -> tuple[Any, ...]:
    return tuple(c for i, c in enumerate(cells) if i not in drop)


def _run_row(p: PlanPeriod, locale: Locale, drop: frozenset[int]) -> Row:
    # A date without a norm set has no need; with one, a null need is a unit without a norm.
    need: State = "none_in_force" if p.normset is None else "not_known"
    cells = (
        locale.date(p.at),
        p.normset or locale.state("none_in_force"),
        Num(p.norm_fte, "fte", need),
        Num(p.required_fte, "fte", need),
        Num(p.staffed_fte, "fte", "not_recorded"),
        Num(p.gap_fte, "fte", "not_known"),
        Num(p.gap_cost_nok_per_year, "nok", "not_known"),
        Num(p.measures_cost_nok_per_year, "nok", "not_known"),
        Num(p.grants_nok_per_year, "nok", "not_known"),
        Num(len(p.alerts), "count"),
    )
    return Row(_keep(cells, drop))


def _difference_row(p: Any, locale: Locale, drop: frozenset[int]) -> Row:
    cells = (
        locale.date(p.at),
        Num(p.norm_fte.difference, "signed_fte", "not_known"),
        Num(p.required_fte.difference, "signed_fte", "not_known"),
        Num(p.staffed_fte.difference, "signed_fte", "not_known"),
        Num(p.gap_fte.difference, "signed_fte", "not_known"),
        Num(p.gap_cost_nok_per_year.difference, "signed_nok", "not_known"),
        Num(p.measures_cost_nok_per_year.difference, "signed_nok", "not_known"),
        Num(p.grants_nok_per_year.difference, "signed_nok", "not_known"),
    )
    return Row(_keep(cells, drop))


def _figure_table(run: ScenarioRun, locale: Locale) -> Table | None:
    names: list[str] = []
    for p in run.periods:
        names.extend(n for n in _other_indicators(p) if n not in names)
    if not names:
        return None
    rows = tuple(
        Row(
            (
                locale.date(p.at),
                *(Num(_other_indicators(p).get(n), "figure", "not_known") for n in names),
            )
        )
        for p in run.periods
    )
    title = locale.t("{run}: figures", run=run.id)
    return Table(title, (locale.t("Date"), *names), rows, sheet=f"{run.id} figures")


def _measure_table(run: ScenarioRun, locale: Locale) -> Table | None:
    """Each measure's yearly money on each date, with the figure the source states."""
    t = locale.t
    rows = []
    for p in run.periods:
        for m in p.measures:
            rows.append(
                Row(
                    (
                        locale.date(p.at),
                        m.id,
                        m.label or "",
                        t("grant") if m.type == "grant" else t("cost"),
                        Num(m.nok_per_year, "nok", "not_known"),
                        m.basis,
                    )
                )
            )
    if not rows:
        return None
    columns = (t("Date"), t("Measure"), t("Label"), t("Type"), t("NOK/yr"), t("Basis"))
    return Table(t("{run}: measures", run=run.id), columns, tuple(rows), sheet=f"{run.id} measures")


def has_units(plan: Plan) -> bool:
    """Whether any date of any run assessed units (else the FTE columns say nothing)."""
    runs = (plan.base, *plan.scenarios)
    return any(p.assessment is not None and p.assessment.units for r in runs for p in r.periods)


def plan_report(plan: Plan, locale: Locale) -> Report:
    t = locale.t
    units = has_units(plan)
    run_drop = frozenset() if units else _FTE_RUN_COLUMNS
    diff_drop = frozenset() if units else _FTE_DIFFERENCE_COLUMNS
    blocks: list[Block] = [Lines("", (t(LEGEND),) + (() if units else (t(NO_UNITS),)))]
    runs = (plan.base, *plan.scenarios)
    for i, run in enumerate(runs):
        rows = tuple(_run_row(p, locale, run_drop) for p in run.periods)
        sheet = run.id if i else t("base")
        blocks.append(
            Table(run_title(run), _keep([t(c) for c in RUN_COLUMNS], run_drop), rows, sheet=sheet)
        )
        figures = _figure_table(run, locale)
        if figures is not None:
            blocks.append(figures)
        measures = _measure_table(run, locale)
        if measures is not None:
            blocks.append(measures)
        changes = [f"{t('change')} {line}" for line in change_lines(run)]
        lines = changes + run_lines(run, plan.dates)
        if lines:
            blocks.append(Lines(t("{run}: changes and notes", run=run.id), tuple(lines), "notes"))
    for d in plan.differences:
        blocks.append(_difference_table(d, locale, diff_drop))
        lines = difference_lines(d, plan.dates, units)
        if lines:
            blocks.append(Lines(f"{d.scenario} − {d.against}", tuple(lines), "plain"))
    if plan.notes:
        blocks.append(Lines(t("Notes"), tuple(plan.notes), "notes"))
    blocks.extend(_plan_charts(plan, units, locale))
    cites = [c.source.cite() for r in runs for c in r.changes if c.source is not None]
    alerts = [
        a.source.cite() for r in runs for p in r.periods for a in p.alerts if a.source is not None
    ]
    return Report(plan_heading(plan, locale), tuple(blocks), sources(cites, alerts), locale.lang)


def _difference_table(d: ScenarioDifference, locale: Locale, drop: frozenset[int]) -> Table:
    rows = tuple(_difference_row(p, locale, drop) for p in d.periods)
    columns = _keep([locale.t(c) for c in DIFFERENCE_COLUMNS], drop)
    return Table(f"{d.scenario} − {d.against}", columns, rows, sheet=f"{d.scenario} diff")


def _plan_charts(plan: Plan, units: bool, locale: Locale) -> list[Chart]:
    t = locale.t
    runs = (plan.base, *plan.scenarios)
    dates = tuple(locale.date(d) for d in plan.dates)
    charts = []

    def chart(title: str, name: str, unit: str, series: tuple[Series, ...]) -> None:
        if any(v is not None for s in series for v in s.values):
            charts.append(
                Chart(title, "lines", dates, series, unit, describe(dates, series, locale), name)
            )

    if units:
        chart(
            t("Need and staffing per year"),
            "need-staffed",
            "FTE",
            tuple(
                s
                for r in runs
                for s in (
                    Series(
                        f"{r.id}: {t('Required FTE')}", tuple(p.required_fte for p in r.periods)
                    ),
                    Series(f"{r.id}: {t('Staffed FTE')}", tuple(p.staffed_fte for p in r.periods)),
                )
            ),
        )
        chart(
            t("Gap per year"),
            "gap",
            "FTE",
            tuple(Series(r.id, tuple(p.gap_fte for p in r.periods)) for r in runs),
        )
    chart(
        t("Cost of measures per year"),
        "measures",
        "NOK/yr",
        tuple(Series(r.id, tuple(p.measures_cost_nok_per_year for p in r.periods)) for r in runs),
    )
    return charts
