"""Rendering an assessment as a table, Markdown or CSV (JSON is the model's own).

Names and notes come from inputs: each format escapes them its own way
(:mod:`normkit.escaping`).
"""

from __future__ import annotations

import csv
import io
from typing import Any

from . import escaping
from .assessment import Assessment, UnitAssessment
from .rules.base import fmt

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


def unit_rows(assessment: Assessment) -> list[list[str]]:
    """One row per unit and a subtotal per facility, as strings for tables."""
    rows: list[list[str]] = []
    by_facility: dict[str, list[UnitAssessment]] = {}
    for unit in assessment.units:
        by_facility.setdefault(unit.facility, []).append(unit)
    for facility in assessment.facilities:
        for u in by_facility.get(facility.facility, []):
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


def municipality_label(assessment: Assessment) -> str:
    """'Sarpsborg (kommunenummer 3003)', or '' when no municipality was named."""
    m = assessment.municipality
    if m is None:
        return ""
    code = m.kommunenummer or f"no kommunenummer on {assessment.at.isoformat()}"
    return f"{m.name} (kommunenummer {code})" if m.kommunenummer else f"{m.name} ({code})"


def heading(assessment: Assessment) -> str:
    n = assessment.normset
    version = f" {n.version}" if n.version else ""
    extends = f", extending {', '.join(n.extends)}" if n.extends else ""
    what = f"{assessment.inventory} — " if assessment.inventory else ""
    whose = f" for {municipality_label(assessment)}" if assessment.municipality else ""
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

    def cell(value: float | int | None) -> str:
        return "" if value is None else repr(value) if isinstance(value, float) else str(value)

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
