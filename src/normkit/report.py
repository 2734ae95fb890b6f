"""Rendering an assessment as a table, Markdown or CSV (JSON is the model's own).

Names and notes come from inputs: each format escapes them its own way
(:mod:`normkit.escaping`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from typing import Any, Protocol, TypeVar

from . import escaping
from .assessment import Assessment, FacilityAssessment, Totals, UnitAssessment
from .municipality import MunicipalityInfo
from .planning.compare import Comparison, ComparisonSide, reason
from .rules.base import fmt


class _InFacility(Protocol):
    @property
    def facility(self) -> str: ...


R = TypeVar("R", bound=_InFacility)

NO_NORM = "no norm"
UNKNOWN = "unknown"


def _fte(value: float | None, status: str | None = None) -> str:
    if value is None:
        if status == "no_norm":
            return NO_NORM
        if status == "unknown":
            return UNKNOWN
        return "—"
    return f"{value:.2f}"


def by_facility(rows: Iterable[R]) -> dict[str, list[R]]:
    """Rows grouped by their facility, in order: one pass, whatever the number of facilities."""
    grouped: dict[str, list[R]] = {}
    for row in rows:
        grouped.setdefault(row.facility, []).append(row)
    return grouped


def unit_rows(assessment: Assessment) -> list[list[str]]:
    """One row per unit and a subtotal per facility, as strings for tables."""
    rows: list[list[str]] = []
    units = by_facility(assessment.units)
    for facility in assessment.facilities:
        for u in units.get(facility.facility, []):
            rows.append(
                [
                    facility.facility,
                    u.unit,
                    u.bed_type or "",
                    "" if u.beds is None else str(u.beds),
                    _fte(u.norm_fte, u.status),
                    _fte(u.required_fte, u.status),
                    _fte(u.staffed_fte),
                    _fte(u.gap_fte),
                    "; ".join(n for n in (u.note, u.unit_note) if n),
                ]
            )
        extra = []
        if facility.places_without_norm:
            extra.append(f"{facility.places_without_norm} places with no norm")
        if facility.places_unknown:
            extra.append(f"{facility.places_unknown} places unknown")
        if facility.staffing_note:
            extra.append(facility.staffing_note)
        rows.append(
            [
                facility.facility,
                "(facility total)",
                "",
                str(facility.beds),
                _fte(facility.norm_fte),
                _fte(facility.required_fte),
                _fte(facility.staffed_fte),
                _fte(facility.gap_fte),
                "; ".join(extra),
            ]
        )
    return rows


ROUNDING = (
    "FTE figures are rounded to 2 decimals; totals are summed before rounding. "
    "Gap = need − staffed: positive is a shortfall."
)
_SHOWN_IN_TABLE = {"beds", "norm_fte", "required_fte", "staffed_fte", "gap_fte"}


def service_lines(assessment: Assessment) -> list[str]:
    """Services that are not bed-based (legevakt, helsestasjon...), one line each."""
    if not assessment.services:
        return []
    lines = ["Services:"]
    for s in assessment.services:
        parts = [
            p
            for p in (
                f"{s.physicians} physicians" if s.physicians is not None else "",
                fmt(s.fte, "FTE") if s.fte is not None else "FTE not given",
            )
            if p
        ]
        lines.append(f"  {s.name}: {', '.join(parts)}" + (f" ({s.note})" if s.note else ""))
    return lines


def indicator_lines(assessment: Assessment) -> list[str]:
    """The inventory's other figures (list capacity, population...), one line each."""
    rows = [(k, v) for k, v in assessment.indicators.items() if k not in _SHOWN_IN_TABLE]
    if not rows:
        return service_lines(assessment)
    return [
        *service_lines(assessment),
        "Figures:",
        *(
            f"  {name}: {value:,.2f}".replace(",", " ").rstrip("0").rstrip(".")
            for name, value in rows
        ),
    ]


HEADERS = [
    "Facility",
    "Unit",
    "Bed type",
    "Beds",
    "Norm FTE",
    "Required FTE",
    "Staffed FTE",
    "Gap FTE",
    "Note",
]


def total_row(assessment: Assessment) -> list[str]:
    t = assessment.totals
    note = []
    if t.units_without_norm:
        note.append(f"{t.places_without_norm} places in {t.units_without_norm} unit(s) had no norm")
    if t.units_unknown:
        note.append(f"{t.places_unknown} places in {t.units_unknown} unit(s) unknown")
    if t.gap_cost_nok_per_year is not None:
        note.append(f"gap costs {fmt(t.gap_cost_nok_per_year, 'NOK/year')} ({t.gap_cost_basis})")
    return [
        "Total",
        "",
        "",
        str(t.beds),
        _fte(t.norm_fte),
        _fte(t.required_fte),
        _fte(t.staffed_fte),
        _fte(t.gap_fte),
        "; ".join(note),
    ]


def municipality_label(m: MunicipalityInfo | None, at: dt.date) -> str:
    """'Sarpsborg (kommunenummer 3003)', or '' when no municipality was named."""
    if m is None:
        return ""
    code = m.kommunenummer or f"no kommunenummer on {at.isoformat()}"
    return f"{m.name} (kommunenummer {code})" if m.kommunenummer else f"{m.name} ({code})"


def heading(assessment: Assessment) -> str:
    n = assessment.normset
    version = f" {n.version}" if n.version else ""
    extends = f", extending {', '.join(n.extends)}" if n.extends else ""
    what = f"{assessment.inventory} — " if assessment.inventory else ""
    label = municipality_label(assessment.municipality, assessment.at)
    whose = f" for {label}" if label else ""
    return (
        f"{what}norm set {n.id}{version} ({n.title}{extends}){whose} on {assessment.at.isoformat()}"
    )


def alert_lines(assessment: Assessment) -> list[str]:
    return [
        f"[{a.severity}] {a.message} → {a.action}" + (f" ({a.source.cite()})" if a.source else "")
        for a in assessment.alerts
    ]


def markdown(assessment: Assessment, explain: bool = False) -> str:
    md = escaping.markdown
    out = [f"## {md(heading(assessment))}", ""]
    if assessment.units:
        out.append("| " + " | ".join(HEADERS) + " |")
        out.append("|" + "|".join("---" for _ in HEADERS) + "|")
        for row in [*unit_rows(assessment), total_row(assessment)]:
            out.append("| " + " | ".join(md(c) for c in row) + " |")
        out.extend(["", ROUNDING])
    for line in indicator_lines(assessment):
        out.extend([f"- {md(line.strip())}"] if line.startswith(" ") else ["", md(line)])
    if assessment.alerts:
        out.extend(["", "Alerts:"])
        out.extend(f"- {md(line)}" for line in alert_lines(assessment))
    if assessment.notes:
        out.extend(["", "Notes:"])
        out.extend(f"- {md(n)}" for n in assessment.notes)
    if explain:
        out.extend(["", "### Explanations", ""])
        # An indented code block shows its text literally; only controls need escaping.
        for text in explanation_lines(assessment):
            out.append(f"    {escaping.terminal(text)}")
    return "\n".join(out) + "\n"


def explanation_lines(assessment: Assessment) -> list[str]:
    lines: list[str] = []
    for unit in assessment.units:
        lines.append(f"{unit.facility} › {unit.unit}:")
        if unit.explanation is None:
            lines.append(f"  {unit.note}")
            continue
        lines.extend(_step_lines(unit.explanation, 1))
    return lines


def _step_lines(step: dict[str, Any], depth: int) -> list[str]:
    pad = "  " * depth
    lines = [pad + step["text"]]
    source = step.get("source")
    if source:
        from .provenance import Source

        lines.append(pad + "  source: " + Source.model_validate(source).cite())
    for child in step.get("children", []):
        lines.extend(_step_lines(child, depth + 1))
    return lines


# Columns (counted after municipality and kommunenummer) that hold numbers.
_NUMERIC = frozenset({4, 6, 7, 8, 9})

CSV_HEADERS = [
    "municipality",
    "kommunenummer",
    "level",
    "facility",
    "unit",
    "bed_type",
    "beds",
    "status",
    "norm_fte",
    "required_fte",
    "staffed_fte",
    "gap_fte",
    "note",
]


def cell(value: float | int | None) -> str:
    """A CSV cell of a number: empty for null, floats at full precision."""
    return "" if value is None else repr(value) if isinstance(value, float) else str(value)


def to_csv(assessment: Assessment, formula_guard: bool = True) -> str:
    """Units, facility totals and the grand total; empty cells where a figure is null.

    Every row names the municipality and its kommunenummer (empty when the
    norm set was not chosen for one). Text cells that a spreadsheet would run
    as a formula are prefixed with ``'`` unless ``formula_guard`` is off
    (for programs that read the CSV, not people).
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_HEADERS)
    m = assessment.municipality
    whose = [m.name if m else "", (m.kommunenummer or "") if m else ""]

    def row(values: list[Any]) -> None:
        writer.writerow(
            [escaping.csv_cell(v, formula_guard) if isinstance(v, str) else v for v in whose]
            + [
                v if i in _NUMERIC else escaping.csv_cell(v, formula_guard)
                for i, v in enumerate(values)
            ]
        )

    for u in assessment.units:
        row(
            [
                "unit",
                u.facility,
                u.unit,
                u.bed_type or "",
                cell(u.beds),
                u.status,
                cell(u.norm_fte),
                cell(u.required_fte),
                cell(u.staffed_fte),
                cell(u.gap_fte),
                "; ".join(n for n in (u.note, u.unit_note) if n),
            ]
        )
    for f in assessment.facilities:
        row(
            [
                "facility",
                f.facility,
                "",
                "",
                cell(f.beds),
                "",
                cell(f.norm_fte),
                cell(f.required_fte),
                cell(f.staffed_fte),
                cell(f.gap_fte),
                f.staffing_note or "",
            ]
        )
    t = assessment.totals
    row(
        [
            "total",
            "",
            "",
            "",
            cell(t.beds),
            "",
            cell(t.norm_fte),
            cell(t.required_fte),
            cell(t.staffed_fte),
            cell(t.gap_fte),
            total_row(assessment)[-1],
        ]
    )
    return buffer.getvalue()


# -- comparisons (normkit compare) ---------------------------------------


def comparison_heading(comparison: Comparison) -> str:
    def side(s: ComparisonSide) -> str:
        n = s.normset
        version = f" {n.version}" if n.version else ""
        label = municipality_label(s.municipality, s.at)
        whose = f" for {label}" if label else ""
        return f"{n.id}{version}{whose} on {s.at.isoformat()}"

    what = f"{comparison.inventory} — " if comparison.inventory else ""
    return f"{what}{side(comparison.left)} vs {side(comparison.right)}"


def _sides(comparison: Comparison) -> tuple[str, str]:
    left, right = comparison.left, comparison.right
    if left.normset.id != right.normset.id:
        return left.normset.id, right.normset.id
    if left.at != right.at:  # one norm set on two dates
        return (f"{left.normset.id} {left.at.isoformat()}", f"{right.normset.id} {right.at}")
    return f"{left.normset.id} (left)", f"{right.normset.id} (right)"


def comparison_headers(comparison: Comparison) -> list[str]:
    left, right = _sides(comparison)
    return ["Facility", "Unit", "Bed type", "Beds", f"{left} FTE", f"{right} FTE", DIFF, "Why"]


DIFF = "Difference FTE"
NOT_COMPARABLE = "not comparable"


def _difference(value: float | None) -> str:
    if value is None:
        return NOT_COMPARABLE
    shown = f"{value:+.2f}"
    return "0.00" if shown in ("+0.00", "-0.00") else shown


def _side_fte(u: UnitAssessment | None) -> str:
    return "" if u is None else _fte(u.required_fte, u.status)


def comparison_rows(comparison: Comparison) -> list[list[str]]:
    """Unit rows and a subtotal per facility, then the total, as strings for tables."""
    left, right = comparison.left.normset.id, comparison.right.normset.id
    rows: list[list[str]] = []
    units = by_facility(comparison.units)
    for f in comparison.facilities:
        for u in units.get(f.facility, []):
            rows.append(
                [
                    u.facility,
                    u.unit,
                    u.bed_type or "",
                    "" if u.beds is None else str(u.beds),
                    _side_fte(u.left),
                    _side_fte(u.right),
                    _difference(u.difference_fte),
                    reason(left, u.left, right, u.right, cite=False),
                ]
            )
        rows.append(_sums_row(f.facility, "(facility total)", f.left, f.right, f.difference_fte))
    t = comparison.totals
    rows.append(_sums_row("Total", "", t.left, t.right, t.difference_fte))
    return rows


def _sums_row(
    first: str,
    second: str,
    left: FacilityAssessment | Totals,
    right: FacilityAssessment | Totals,
    difference: float | None,
) -> list[str]:
    return [
        first,
        second,
        "",
        str(left.beds),
        _fte(left.required_fte),
        _fte(right.required_fte),
        _difference(difference),
        "",
    ]


def comparison_lines(comparison: Comparison) -> list[str]:
    """What the table cannot hold: each side's gap and its cost, then the notes."""
    left, right = _sides(comparison)
    t = comparison.totals

    def gap(label: str, totals: Totals) -> str:
        if totals.gap_fte is None:
            return f"{label}: no gap (the need or the staffing is not known)"
        cost = (
            f", costing {fmt(totals.gap_cost_nok_per_year, 'NOK/year')} ({totals.gap_cost_basis})"
            if totals.gap_cost_nok_per_year is not None
            else ", not costed (the norm set gives no salary)"
        )
        return f"{label}: gap {_fte(totals.gap_fte)} FTE{cost}"

    lines = [
        f"Difference = {right} − {left}: negative means {right} requires less. " + ROUNDING,
        gap(left, t.left),
        gap(right, t.right),
    ]
    if t.gap_cost_difference_nok_per_year is not None:
        lines.append(
            f"difference in the cost of the gap: "
            f"{fmt(t.gap_cost_difference_nok_per_year, 'NOK/year')}"
        )
    lines.extend(f"note: {n}" for n in comparison.notes)
    return lines


def comparison_explanation_lines(comparison: Comparison) -> list[str]:
    left, right = _sides(comparison)
    lines: list[str] = []
    for u in comparison.units:
        lines.append(f"{u.facility} › {u.unit}:")
        for label, side in ((left, u.left), (right, u.right)):
            if side is None:
                lines.append(f"  {label}: no such row")
            elif side.explanation is None:
                lines.append(f"  {label}: {side.note}")
            else:
                lines.append(f"  {label}:")
                lines.extend(_step_lines(side.explanation, 2))
    return lines


def comparison_markdown(comparison: Comparison, explain: bool = False) -> str:
    md = escaping.markdown
    headers = comparison_headers(comparison)
    out = [f"## {md(comparison_heading(comparison))}", ""]
    out.append("| " + " | ".join(md(h) for h in headers) + " |")
    out.append("|" + "|".join("---" for _ in headers) + "|")
    out.extend("| " + " | ".join(md(c) for c in row) + " |" for row in comparison_rows(comparison))
    out.append("")
    out.extend(f"- {md(line)}" for line in comparison_lines(comparison))
    if explain:
        out.extend(["", "### Explanations", ""])
        out.extend(f"    {escaping.terminal(t)}" for t in comparison_explanation_lines(comparison))
    return "\n".join(out) + "\n"


COMPARISON_CSV_HEADERS = [
    "level",
    "facility",
    "unit",
    "bed_type",
    "beds",
    "left_normset",
    "left_status",
    "left_required_fte",
    "right_normset",
    "right_status",
    "right_required_fte",
    "difference_fte",
    "reason",
    "left_municipality",
    "left_kommunenummer",
    "right_municipality",
    "right_kommunenummer",
]
# Columns that hold numbers (never formula-guarded).
_COMPARISON_NUMERIC = frozenset({4, 7, 10, 11})


def comparison_csv(comparison: Comparison, formula_guard: bool = True) -> str:
    """Units, facility totals and the total; empty cells where a figure is null."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COMPARISON_CSV_HEADERS)
    left, right = comparison.left, comparison.right
    whose = [
        part
        for side in (left, right)
        for part in (
            side.municipality.name if side.municipality else "",
            (side.municipality.kommunenummer or "") if side.municipality else "",
        )
    ]

    def row(values: list[str]) -> None:
        writer.writerow(
            [
                v if i in _COMPARISON_NUMERIC else escaping.csv_cell(v, formula_guard)
                for i, v in enumerate([*values, *whose])
            ]
        )

    ids = (left.normset.id, right.normset.id)

    Sums = FacilityAssessment | Totals

    def figures(level: str, name: str, lf: Sums, rf: Sums, d: float | None, note: str) -> None:
        values = [cell(lf.beds), ids[0], "", cell(lf.required_fte), ids[1], ""]
        row([level, name, "", "", *values, cell(rf.required_fte), cell(d), note])

    for u in comparison.units:
        row(
            [
                "unit",
                u.facility,
                u.unit,
                u.bed_type or "",
                cell(u.beds),
                ids[0],
                u.left.status if u.left else "",
                cell(u.left.required_fte if u.left else None),
                ids[1],
                u.right.status if u.right else "",
                cell(u.right.required_fte if u.right else None),
                cell(u.difference_fte),
                u.reason,
            ]
        )
    for f in comparison.facilities:
        figures("facility", f.facility, f.left, f.right, f.difference_fte, "")
    t = comparison.totals
    figures("total", "", t.left, t.right, t.difference_fte, "; ".join(comparison.notes))
    return buffer.getvalue()
