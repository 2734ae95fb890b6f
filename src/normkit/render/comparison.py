"""A comparison of two norm sets as a report: each side per unit, the difference, why."""

from __future__ import annotations

from typing import Any

from ..assessment import FacilityAssessment, Totals, UnitAssessment
from ..planning.compare import Comparison, ComparisonSide, reason
from .document import Block, Chart, Lines, Num, Report, Row, Series, Table
from .locale import Locale
from .reports import (
    MAX_CHART_CATEGORIES,
    ROUNDING,
    by_facility,
    describe,
    municipality_label,
    need_state,
    normset_label,
    sources,
    step_lines,
    sum_state,
    unit_cites,
)


def _side_label(s: ComparisonSide, locale: Locale) -> str:
    label = municipality_label(s.municipality, s.at, locale)
    whose = locale.t(" for {municipality}", municipality=label) if label else ""
    return locale.t(
        "{normset}{whose} on {date}",
        normset=normset_label(s.normset),
        whose=whose,
        date=locale.date(s.at),
    )


def comparison_heading(c: Comparison, locale: Locale) -> str:
    text = locale.t(
        "{left} vs {right}", left=_side_label(c.left, locale), right=_side_label(c.right, locale)
    )
    return f"{c.inventory} — {text}" if c.inventory else text


def sides(c: Comparison) -> tuple[str, str]:
    """Short names of the two sides, told apart when the norm sets are the same."""
    left, right = c.left, c.right
    if left.normset.id != right.normset.id:
        return left.normset.id, right.normset.id
    if left.at != right.at:  # one norm set on two dates
        return f"{left.normset.id} {left.at.isoformat()}", f"{right.normset.id} {right.at}"
    return f"{left.normset.id} (left)", f"{right.normset.id} (right)"


def _side_num(u: UnitAssessment | None) -> Num | str:
    if u is None:
        return ""
    return Num(u.required_fte, "fte", need_state(u))


def comparison_report(c: Comparison, locale: Locale) -> Report:
    t = locale.t
    left, right = sides(c)
    columns = (
        t("Facility"),
        t("Unit"),
        t("Bed type"),
        t("Beds"),
        t("{side} FTE", side=left),
        t("{side} FTE", side=right),
        t("Difference FTE"),
        t("Why"),
    )
    rows: list[Row] = []
    units = by_facility(c.units)
    lid, rid = c.left.normset.id, c.right.normset.id
    for f in c.facilities:
        for u in units.get(f.facility, []):
            explanation: list[str] = []
            for label, side in ((left, u.left), (right, u.right)):
                if side is None:
                    explanation.append(f"{label}: " + t("no such row"))
                elif side.explanation is None:
                    explanation.append(f"{label}: {side.note}")
                else:
                    explanation.append(f"{label}:")
                    explanation.extend(step_lines(side.explanation, 1))
            rows.append(
                Row(
                    (
                        u.facility,
                        u.unit,
                        u.bed_type or "",
                        "" if u.beds is None else Num(u.beds, "count"),
                        _side_num(u.left),
                        _side_num(u.right),
                        Num(u.difference_fte, "signed_fte", "not_comparable"),
                        reason(lid, u.left, rid, u.right, cite=False),
                    ),
                    explanation=tuple(explanation)
                    if (u.left and u.left.explanation) or (u.right and u.right.explanation)
                    else (),
                    label=f"{u.facility} › {u.unit}",
                )
            )
        rows.append(
            _sums_row(
                f.facility, t("(facility total)"), f.left, f.right, f.difference_fte, "subtotal"
            )
        )
    tot = c.totals
    rows.append(_sums_row(t("Total"), "", tot.left, tot.right, tot.difference_fte, "total"))
    legend = t(
        "Difference = {right} − {left}: negative means {right} requires less.",
        left=left,
        right=right,
    )
    blocks: list[Block] = [
        Table(
            t("Need per unit, side by side"),
            columns,
            tuple(rows),
            f"{legend} {t(ROUNDING)}",
            t("Comparison"),
        ),
        Table(
            t("Gap and its cost"),
            (t("Norm set"), t("Gap FTE"), t("Gap cost NOK/yr"), t("Basis")),
            tuple(
                Row(
                    (
                        label,
                        Num(side.gap_fte, "fte", "not_known"),
                        Num(side.gap_cost_nok_per_year, "nok", "not_known"),
                        side.gap_cost_basis
                        or (
                            t("no gap: the need or the staffing is not known")
                            if side.gap_fte is None
                            else t("not costed: the norm set gives no salary")
                        ),
                    )
                )
                for label, side in ((left, tot.left), (right, tot.right))
            ),
            sheet=t("Gap"),
        ),
    ]
    if c.notes:
        blocks.append(Lines(t("Notes"), tuple(c.notes), "notes"))
    named = list(c.facilities)
    if named and len(named) <= MAX_CHART_CATEGORIES:
        # A bar whose sides cover different places or needs is marked, as its row's note
        # says: set side by side, the two would read as like for like.
        unlike = {u.facility for u in c.units if u.left is None or u.right is None}
        unlike |= {f.facility for f in named if _covers(f.left) != _covers(f.right)}
        categories = tuple(f.facility + (" *" if f.facility in unlike else "") for f in named)
        series = (
            Series(
                left,
                tuple(f.left.required_fte for f in named),
                tuple(sum_state(f.left) for f in named),
            ),
            Series(
                right,
                tuple(f.right.required_fte for f in named),
                tuple(sum_state(f.right) for f in named),
            ),
        )
        title = t("Required FTE per facility")
        said = describe(categories, series, locale)
        if unlike:
            caveat = t(
                "* not like for like: one side leaves out places it has no norm for, or has "
                "a facility-level need the other has not (see the notes)"
            )
            title = f"{title} ({caveat})"  # the image's text and its alt text both say it
        blocks.append(Chart(title, "bars", categories, series, t("FTE"), said, "required"))
    normsets = [c.left.normset.source.cite(), c.right.normset.source.cite()]
    assessed = (side for u in c.units for side in (u.left, u.right) if side is not None)
    cites = sources(normsets, unit_cites(assessed))
    return Report(comparison_heading(c, locale), tuple(blocks), cites, locale.lang)


def _covers(side: FacilityAssessment) -> tuple[int, int]:
    """The places a side's sum leaves out: without a norm, and of an unknown norm."""
    return side.places_without_norm, side.places_unknown


def _sums_row(
    first: str,
    second: str,
    left: FacilityAssessment | Totals,
    right: FacilityAssessment | Totals,
    difference: float | None,
    level: Any,
) -> Row:
    return Row(
        (
            first,
            second,
            "",
            Num(left.beds, "count"),
            Num(left.required_fte, "fte", sum_state(left)),
            Num(right.required_fte, "fte", sum_state(right)),
            Num(difference, "signed_fte", "not_comparable"),
            "",
        ),
        level=level,
    )
