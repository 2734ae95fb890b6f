"""A plan as a report: a table per run and date, figures, measures, differences, charts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..planning.projection import Plan, PlanPeriod, ScenarioDifference, ScenarioRun
from ..planning.projection import other_indicators as _other_indicators
from .document import Block, Chart, Kind, Lines, Num, Report, Row, Series, State, Table
from .locale import Locale
from .plan_lines import change_lines, difference_lines, run_lines
from .reports import (
    assessment_cites,
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


def run_name(run_id: str, locale: Locale) -> str:
    """A run's id as shown: the base in the report's language, a scenario as its id."""
    return locale.t("base") if run_id == "base" else run_id


def run_title(run: ScenarioRun, locale: Locale) -> str:
    if run.id == "base":
        return locale.t("base (the inventory as given)")  # names the run once, as scenarios do
    chain = f" ({' → '.join(run.chain)})" if len(run.chain) > 1 else ""
    return f"{run.id}: {run.title}{chain}"


def _keep(cells: Sequence[Any], drop: frozenset[int]) -> tuple[Any, ...]:
    return tuple(c for i, c in enumerate(cells) if i not in drop)


def _run_row(p: PlanPeriod, locale: Locale, drop: frozenset[int]) -> Row:
    # A date without a norm set has no need; with one, a null need is a unit without a norm.
    need: State = "none_in_force" if p.normset is None else "not_known"
    cells = (
        p.at,
        p.normset or locale.state("none_in_force"),
        Num(p.norm_fte, "fte", need),
        Num(p.required_fte, "fte", need),
        Num(p.staffed_fte, "fte", "not_recorded"),
        Num(p.gap_fte, "fte", "not_known"),
        Num(p.gap_cost_nok_per_year, "nok", "not_known"),
        Num(p.measures_cost_nok_per_year, "nok", "not_known"),
        Num(p.grants_nok_per_year, "nok", "not_known"),
        # No norm set in force: no threshold was checked, so no count of alerts is known.
        Num(None if p.normset is None else len(p.alerts), "count", "none_in_force"),
    )
    return Row(_keep(cells, drop))


def _difference_row(p: Any, locale: Locale, drop: frozenset[int]) -> Row:
    cells = (
        p.at,
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
    figures = [_other_indicators(p) for p in run.periods]
    names: list[str] = []
    for found in figures:
        names.extend(n for n in found if n not in names)
    if not names:
        return None

    def kind(name: str) -> Kind:
        # A figure with a fraction on any date has two decimals on every date: 2.50, 3.00.
        values = [f[name] for f in figures if f.get(name) is not None]
        return "decimal" if any(not float(v).is_integer() for v in values) else "figure"

    kinds = {n: kind(n) for n in names}
    rows = tuple(
        Row((p.at, *(Num(found.get(n), kinds[n], "not_known") for n in names)))
        for p, found in zip(run.periods, figures, strict=True)
    )
    title = locale.t("{run}: figures", run=run_name(run.id, locale))
    return Table(title, (locale.t("Date"), *names), rows, sheet=title)


def _measure_table(run: ScenarioRun, locale: Locale) -> Table | None:
    """Each measure's yearly money on each date, with the figure the source states."""
    t = locale.t
    rows = []
    for p in run.periods:
        for m in p.measures:
            rows.append(
                Row(
                    (
                        p.at,
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
    title = t("{run}: measures", run=run_name(run.id, locale))
    return Table(title, columns, tuple(rows), sheet=title)


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
    for run in runs:
        rows = tuple(_run_row(p, locale, run_drop) for p in run.periods)
        sheet = run_name(run.id, locale)
        blocks.append(
            Table(
                run_title(run, locale),
                _keep([t(c) for c in RUN_COLUMNS], run_drop),
                rows,
                sheet=sheet,
            )
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
            blocks.append(
                Lines(
                    t("{run}: changes and notes", run=run_name(run.id, locale)),
                    tuple(lines),
                    "notes",
                )
            )
    for d in plan.differences:
        blocks.append(_difference_table(d, locale, diff_drop))
        lines = difference_lines(d, plan.dates, units)
        if lines:
            title = f"{run_name(d.scenario, locale)} − {run_name(d.against, locale)}"
            blocks.append(Lines(title, tuple(lines), "plain"))
    if plan.notes:
        blocks.append(Lines(t("Notes"), tuple(plan.notes), "notes"))
    blocks.extend(_plan_charts(plan, units, locale))
    changes = [c.source.cite() for r in runs for c in r.changes if c.source is not None]
    assessed = [
        x
        for r in runs
        for p in r.periods
        if p.assessment is not None
        for x in assessment_cites(p.assessment)
    ]
    return Report(
        plan_heading(plan, locale), tuple(blocks), sources(changes, assessed), locale.lang
    )


def _difference_table(d: ScenarioDifference, locale: Locale, drop: frozenset[int]) -> Table:
    rows = tuple(_difference_row(p, locale, drop) for p in d.periods)
    columns = _keep([locale.t(c) for c in DIFFERENCE_COLUMNS], drop)
    title = f"{run_name(d.scenario, locale)} − {run_name(d.against, locale)}"
    return Table(title, columns, rows, sheet=title)


def _plan_charts(plan: Plan, units: bool, locale: Locale) -> list[Chart]:
    t = locale.t
    runs = (plan.base, *plan.scenarios)
    dates = tuple(locale.date(d) for d in plan.dates)
    charts = []

    def chart(
        title: str, name: str, unit: str, series: tuple[Series, ...], kind: Kind = "fte"
    ) -> None:
        if any(v is not None for s in series for v in s.values):
            text = describe(dates, series, locale)
            charts.append(
                Chart(title, "lines", dates, series, unit, text, name, kind, tuple(plan.dates))
            )

    if units:
        chart(
            t("Need and staffing per year"),
            "need-staffed",
            t("FTE"),
            tuple(
                s
                for r in runs
                for s in (
                    Series(
                        f"{run_name(r.id, locale)}: {t('Required FTE')}",
                        tuple(p.required_fte for p in r.periods),
                    ),
                    Series(
                        f"{run_name(r.id, locale)}: {t('Staffed FTE')}",
                        tuple(p.staffed_fte for p in r.periods),
                    ),
                )
            ),
        )
        chart(
            t("Gap per year"),
            "gap",
            t("FTE"),
            tuple(
                Series(run_name(r.id, locale), tuple(p.gap_fte for p in r.periods)) for r in runs
            ),
        )
    chart(
        t("Cost of measures per year"),
        "measures",
        t("NOK/yr"),
        tuple(
            Series(run_name(r.id, locale), tuple(p.measures_cost_nok_per_year for p in r.periods))
            for r in runs
        ),
        "nok",  # kroner: a workbook's chart data says kr; the axis label says it once
    )
    return charts
