"""An assessment as a report: units with subtotals per facility, figures, alerts, charts."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from ..assessment import Assessment, FacilityAssessment, UnitAssessment
from .document import Block, Chart, Lines, Num, Report, Row, Series, State, Table
from .locale import Locale
from .reports import (
    MAX_CHART_CATEGORIES,
    ROUNDING,
    SharedSteps,
    assessment_cites,
    by_facility,
    describe,
    municipality_label,
    need_state,
    normset_label,
    sources,
    step_lines,
    sum_state,
    surplus_not_costed,
)

ASSESSMENT_COLUMNS = (
    "Facility",
    "Unit",
    "Bed type",
    "Beds",
    "Norm FTE",
    "Required FTE",
    "Staffed FTE",
    "Gap FTE",
)


def assessment_heading(a: Assessment, locale: Locale) -> str:
    n = a.normset
    extends = locale.t(", extending {names}", names=", ".join(n.extends)) if n.extends else ""
    label = municipality_label(a.municipality, a.at, locale)
    fields = {
        "normset": normset_label(n),
        "title": n.title + extends,
        "date": locale.date(a.at),
    }
    text = (
        locale.t(
            "norm set {normset} ({title}) for {municipality} on {date}",
            municipality=label,
            **fields,
        )
        if label
        else locale.t("norm set {normset} ({title}) on {date}", **fields)
    )
    return f"{a.inventory} — {text}" if a.inventory else text


def _unit_row(u: UnitAssessment, staffed_state: State, lines: SharedSteps[tuple[str, ...]]) -> Row:
    need: State = need_state(u)
    gap_state: State = need if u.required_fte is None else staffed_state
    # The cells already say "no norm": the note keeps only why.
    notes = (n.replace("no norm: ", "") for n in (u.note, u.unit_note) if n)
    return Row(
        (
            u.facility,
            u.unit,
            u.bed_type or "",
            "" if u.beds is None else Num(u.beds, "count"),
            Num(u.norm_fte, "fte", need),
            Num(u.required_fte, "fte", need),
            Num(u.staffed_fte, "fte", staffed_state),
            Num(u.gap_fte, "fte", gap_state),
            "; ".join(notes),
        ),
        explanation=lines(u.explanation),
        label=f"{u.facility} › {u.unit}",
    )


def _explanation_lines(step: dict[str, Any] | None) -> tuple[str, ...]:
    """How a unit's figure was computed, one line per step, with its sources."""
    return () if step is None else tuple(step_lines(step, 0))


def _sum_state(rows: Sequence[UnitAssessment]) -> State:
    """Why a facility's (or the total's) need is not known: its units' state."""
    if rows and all(r.status == "unknown" for r in rows):
        return "unknown"
    return "no_norm" if rows else "not_known"


def _facility_row(
    f: FacilityAssessment, rows: Sequence[UnitAssessment], hours: bool, locale: Locale
) -> Row:
    need = _sum_state(rows)
    extra = []
    if f.places_without_norm:
        extra.append(locale.t("{count} places with no norm", count=f.places_without_norm))
    if f.places_unknown:
        extra.append(locale.t("{count} places unknown", count=f.places_unknown))
    if f.staffing_note and f.staffing_note != "no staffing recorded":
        extra.append(f.staffing_note)
    # A gap is absent for want of staffing, of a need, or (both present) because the
    # staffing may serve places with no known need: then it is not known, not "no norm".
    gap_state: State = (
        "not_recorded" if f.staffed_fte is None else need if f.required_fte is None else "not_known"
    )
    cells: list[Any] = [
        f.facility,
        locale.t("(facility total)"),
        "",
        Num(f.beds, "count"),
        Num(f.norm_fte, "fte", need),
        Num(f.required_fte, "fte", need),
        Num(f.staffed_fte, "fte", "not_recorded"),
        Num(f.gap_fte, "fte", gap_state),
    ]
    if hours:
        # no hours because no unit has a norm: that, as the need says; else a norm not in hours
        cells.append(
            Num(f.norm_hours_per_week, "decimal", "not_known" if f.norm_fte is not None else need)
        )
    cells.append("; ".join(extra))
    return Row(tuple(cells), level="subtotal")


def _hours_state(u: UnitAssessment) -> State:
    """Why a unit has no hours: no norm, or a norm that is not written in hours."""
    return "not_in_hours" if u.norm_fte is not None else need_state(u)


def total_note(a: Assessment, locale: Locale) -> str:
    """What the total row adds: the gap's yearly cost (places without a norm are a note)."""
    t = a.totals
    if t.gap_cost_nok_per_year is None:
        return ""
    cost = locale.number(Num(t.gap_cost_nok_per_year, "nok"))
    said = (
        "gap costs {cost} per year: staffing exceeds the need, and a surplus is not costed"
        if surplus_not_costed(t)
        else "gap costs {cost} per year"
    )
    return locale.t(said, cost=cost) + f" ({t.gap_cost_basis})"


def assessment_report(a: Assessment, locale: Locale) -> Report:
    """Units with a subtotal per facility and the total; figures, alerts, notes; charts."""
    t = locale.t
    every_row = list(a.units)  # read once: an assessment makes a unit's row as it is read
    hours = any(u.norm_hours_per_week is not None for u in every_row)
    columns = [t(c) for c in ASSESSMENT_COLUMNS]
    if hours:
        columns.append(t("Norm hours/week"))
    columns.append(t("Note"))
    units = by_facility(every_row)
    rows: list[Row] = []
    lines = SharedSteps(_explanation_lines)
    for f in a.facilities:
        own = units.get(f.facility, [])
        # Staffing kept for the whole facility leaves its units' cells empty for a reason:
        # all of it, or the part no unit records (0.5 FTE for the home beside a unit's 0.3).
        on_units = [u.staffed_fte for u in own if u.staffed_fte is not None]
        at_facility = f.staffed_fte is not None and (
            not on_units or f.staffed_fte - math.fsum(on_units) > 1e-9
        )
        for u in own:
            row = _unit_row(u, "at_facility" if at_facility else "not_recorded", lines)
            if hours:
                cells = row.cells
                hours_cell = Num(u.norm_hours_per_week, "decimal", _hours_state(u))
                row = Row(
                    (*cells[:-1], hours_cell, cells[-1]), row.level, row.explanation, row.label
                )
            rows.append(row)
        rows.append(_facility_row(f, own, hours, locale))
    tot = a.totals
    total_cells: list[Any] = [
        t("Total"),
        "",
        "",
        Num(tot.beds, "count"),
        Num(tot.norm_fte, "fte", _sum_state(every_row)),
        Num(tot.required_fte, "fte", _sum_state(every_row)),
        Num(tot.staffed_fte, "fte", "not_recorded"),
        Num(tot.gap_fte, "fte", "not_known"),
    ]
    if hours:
        total_cells.append(Num(tot.norm_hours_per_week, "decimal", "not_known"))
    total_cells.append(total_note(a, locale))
    rows.append(Row(tuple(total_cells), level="total"))
    blocks: list[Block] = []
    if every_row:
        blocks.append(
            Table(t("Need, staffing and gap"), tuple(columns), tuple(rows), t(ROUNDING), t("Units"))
        )
    blocks.extend(_figure_blocks(a, locale))
    if a.alerts:
        blocks.append(Lines(t("Alerts"), tuple(alert_lines(a)), "alerts"))
    if a.notes:
        blocks.append(Lines(t("Notes"), tuple(a.notes), "notes"))
    blocks.extend(_assessment_charts(a, locale))
    return Report(
        assessment_heading(a, locale),
        tuple(blocks),
        sources(assessment_cites(a)),
        locale.lang,
    )


def alert_lines(a: Assessment) -> list[str]:
    return [
        f"[{x.severity}] {x.message} → {x.action}" + (f" ({x.source.cite()})" if x.source else "")
        for x in a.alerts
    ]


_SHOWN_IN_TABLE = {"beds", "norm_fte", "required_fte", "staffed_fte", "gap_fte"}


def _figure_blocks(a: Assessment, locale: Locale) -> list[Block]:
    t = locale.t
    blocks: list[Block] = []
    if a.services:
        rows = tuple(
            Row(
                (
                    s.name,
                    Num(s.physicians, "count", "not_known"),
                    Num(s.fte, "fte", "not_known"),
                    s.note or "",
                )
            )
            for s in a.services
        )
        columns = (t("Service"), t("Physicians"), t("FTE"), t("Note"))
        blocks.append(Table(t("Services"), columns, rows, sheet=t("Services")))
    figures = [(k, v) for k, v in a.indicators.items() if k not in _SHOWN_IN_TABLE]
    if figures:
        rows = tuple(
            Row(
                (name, Num(value, "figure")),
                explanation=_explanation_lines(a.indicator_explanations.get(name)),
                label=name,
            )
            for name, value in figures
        )
        blocks.append(Table(t("Figures"), (t("Figure"), t("Value")), rows, sheet=t("Figures")))
    return blocks


def _assessment_charts(a: Assessment, locale: Locale) -> list[Chart]:
    t = locale.t
    facilities = [
        f for f in a.facilities if f.required_fte is not None or f.staffed_fte is not None
    ]
    if not facilities or len(facilities) > MAX_CHART_CATEGORIES:
        return []
    names = tuple(f.facility for f in facilities)
    # a missing value said as the table says it: no norm, unknown, not recorded
    need = Series(
        t("Required FTE"),
        tuple(f.required_fte for f in facilities),
        tuple(sum_state(f) for f in facilities),
    )
    staffed = Series(
        t("Staffed FTE"),
        tuple(f.staffed_fte for f in facilities),
        tuple("not_recorded" for _ in facilities),
    )
    gap = Series(t("Gap FTE"), tuple(f.gap_fte for f in facilities))
    return [
        Chart(
            t("Need and staffing per facility"),
            "bars",
            names,
            (need, staffed),
            t("FTE"),
            describe(names, (need, staffed), locale),
            "need-staffed",
        ),
        Chart(
            t("Gap per facility"),
            "bars",
            names,
            (gap,),
            t("FTE"),
            describe(names, (gap,), locale),
            "gap",
        ),
    ]
