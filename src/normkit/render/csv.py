"""CSV layouts: one row per figure, for programs and spreadsheets.

Each result has its documented columns (docs/reference/json-output.md and
cli.md), named in English whatever ``--lang``, so a program reads every CSV
alike. Numbers are written at :data:`CSV_DECIMALS` decimals, nulls as empty
cells; text a spreadsheet would run as a formula is guarded
(:mod:`normkit.escaping`).

How the cells are written is a :class:`CsvStyle`: commas and decimal points
for programs (``--lang en``); for Norwegian (``--lang nb``), what Excel set to
Norwegian opens as columns of numbers: semicolons between cells, decimal
commas, and a byte-order mark so that æ, ø and å are read as UTF-8.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any, TextIO

from .. import escaping
from ..assessment import Assessment, FacilityAssessment, Totals, UnitAssessment
from ..municipality import MunicipalityInfo
from ..planning.compare import Comparison
from ..planning.kostra import KostraPosition
from ..planning.projection import FIGURES, Plan, other_indicators
from ..rules.base import fmt
from .reports import surplus_not_costed

# Columns (counted after municipality and kommunenummer) that hold numbers.
_NUMERIC = frozenset({4, 6, 7, 8, 9, 11})

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
    # last, after the note, so that the columns before it keep their places
    "norm_hours_per_week",
]


#: Decimals of every number in CSV output: enough for FTE and NOK, short of float
#: noise (0.7000000000000001); JSON keeps full precision.
CSV_DECIMALS = 4


def cell(value: float | int | None) -> str:
    """A CSV cell of a number: empty for null, floats at :data:`CSV_DECIMALS` decimals."""
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    text = f"{value:.{CSV_DECIMALS}f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


@dataclass(frozen=True)
class CsvStyle:
    """How cells are separated and numbers written; column names never change."""

    delimiter: str = ","
    decimal: str = "."
    #: a UTF-8 byte-order mark first, which Excel needs to read the file as UTF-8
    bom: bool = False

    def number(self, value: float | int | None) -> str:
        """:func:`cell` with this style's decimal mark (a number has no other ``.``)."""
        text = cell(value)
        return text if self.decimal == "." else text.replace(".", self.decimal)

    def numeral(self, text: str) -> str:
        """A number already written by :func:`cell`, in this style."""
        return text if self.decimal == "." else text.replace(".", self.decimal)

    def writer(self, out: TextIO) -> Any:
        """A CSV writer on ``out``, the byte-order mark written first."""
        if self.bom:
            out.write("\ufeff")
        return csv.writer(out, delimiter=self.delimiter, lineterminator="\n")


#: for programs: what ``--lang en`` writes
PROGRAMS = CsvStyle()
#: for a spreadsheet set to Norwegian: what ``--lang nb`` writes
NORWEGIAN_SPREADSHEET = CsvStyle(delimiter=";", decimal=",", bom=True)


def style_for(lang: str) -> CsvStyle:
    return NORWEGIAN_SPREADSHEET if lang == "nb" else PROGRAMS


def _total_note(assessment: Assessment) -> str:
    """What the totals leave out, and the gap's cost, in one cell."""
    t = assessment.totals
    note = []
    if t.units_without_norm:
        note.append(f"{t.places_without_norm} places in {t.units_without_norm} unit(s) had no norm")
    if t.units_unknown:
        note.append(f"{t.places_unknown} places in {t.units_unknown} unit(s) unknown")
    if t.gap_cost_nok_per_year is not None:
        surplus = (
            ": staffing exceeds the need, and a surplus is not costed"
            if surplus_not_costed(t)
            else ""
        )
        cost = fmt(t.gap_cost_nok_per_year, "NOK/year")
        note.append(f"gap costs {cost}{surplus} ({t.gap_cost_basis})")
    return "; ".join(note)


class AssessmentCsv:
    """Writes an assessment's CSV rows to a text stream, one call per row, so a large
    assessment can be written as it is made (:mod:`normkit.streaming`).

    Every row names the municipality and its kommunenummer (empty when the
    norm set was not chosen for one). Text cells that a spreadsheet would run
    as a formula are prefixed with ``'`` unless ``formula_guard`` is off
    (for programs that read the CSV, not people).
    """

    def __init__(
        self,
        out: TextIO,
        municipality: MunicipalityInfo | None,
        formula_guard: bool = True,
        style: CsvStyle = PROGRAMS,
    ) -> None:
        self._write = style.writer(out).writerow
        self.guard = formula_guard
        self.style = style
        #: a number cell in this file's style
        self.number = style.number
        m = municipality
        self._whose = [
            escaping.csv_cell(v, formula_guard)
            for v in (m.name if m else "", (m.kommunenummer or "") if m else "")
        ]
        self._write(CSV_HEADERS)

    def text(self, value: str) -> str:
        return escaping.csv_cell(value, self.guard)

    def row(self, values: list[Any]) -> None:
        """A row of :data:`CSV_HEADERS` after the municipality's two cells."""
        guard, numeral = self.guard, self.style.numeral
        self._write(
            self._whose
            + [
                numeral(v) if i in _NUMERIC else escaping.csv_cell(v, guard)
                for i, v in enumerate(values)
            ]
        )

    def escaped(self, cells: list[str]) -> None:
        """A row whose text cells :meth:`text` has already made safe (for a caller that
        writes many rows sharing cells)."""
        self._write(self._whose + cells)

    def unit(self, u: UnitAssessment) -> None:
        self.row(
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
                unit_note(u.note, u.unit_note),
                cell(u.norm_hours_per_week),
            ]
        )

    def facility(self, f: FacilityAssessment) -> None:
        self.row(
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
                cell(f.norm_hours_per_week),
            ]
        )

    def total(self, assessment: Assessment) -> None:
        t = assessment.totals
        self.row(
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
                _total_note(assessment),
                cell(t.norm_hours_per_week),
            ]
        )


def unit_note(note: str | None, own: str | None) -> str:
    """The note cell of a unit row: the assessment's note, then the unit's own."""
    return "; ".join(n for n in (note, own) if n)


def assessment_csv(
    assessment: Assessment, formula_guard: bool = True, style: CsvStyle = PROGRAMS
) -> str:
    """Units, facility totals and the grand total; empty cells where a figure is null."""
    buffer = io.StringIO()
    writer = AssessmentCsv(buffer, assessment.municipality, formula_guard, style)
    for u in assessment.units:
        writer.unit(u)
    for f in assessment.facilities:
        writer.facility(f)
    writer.total(assessment)
    return buffer.getvalue()


# -- comparisons (normkit compare) -------------------------------------------

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


def comparison_csv(
    comparison: Comparison, formula_guard: bool = True, style: CsvStyle = PROGRAMS
) -> str:
    """Units, facility totals and the total; empty cells where a figure is null."""
    buffer = io.StringIO()
    writer = style.writer(buffer)
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
                style.numeral(v)
                if i in _COMPARISON_NUMERIC
                else escaping.csv_cell(v, formula_guard)
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


# -- plans (normkit plan) ----------------------------------------------------

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


def plan_csv(plan: Plan, formula_guard: bool = True, style: CsvStyle = PROGRAMS) -> str:
    """A row per run and date, then a column per figure or indicator (population, GP
    contracts...); the difference columns (against the baseline, named in
    ``difference_against``) are empty on the baseline's rows."""
    buffer = io.StringIO()
    writer = style.writer(buffer)
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
                    escaping.csv_cell(v, formula_guard) if k in _TEXT else style.numeral(v)
                    for k, v in enumerate(values)
                ]
                + [style.number(figures.get(n)) for n in names]
            )
    return buffer.getvalue()


# -- KOSTRA (normkit kostra) -------------------------------------------------

KOSTRA_CSV_HEADERS = [
    "inventory",
    "date",
    "inventory_value",
    "year",
    "statistic",
    "value",
    "difference",
    "source",
]


def kostra_csv(
    results: list[KostraPosition], formula_guard: bool = True, style: CsvStyle = PROGRAMS
) -> str:
    """A row per inventory and published figure, with the value and the difference."""
    buffer = io.StringIO()
    writer = style.writer(buffer)
    writer.writerow(KOSTRA_CSV_HEADERS)
    for result in results:
        for b in result.benchmarks:
            writer.writerow(
                [
                    escaping.csv_cell(result.inventory or "", formula_guard),
                    result.at.isoformat(),
                    style.number(result.value),
                    b.year,
                    escaping.csv_cell(b.statistic, formula_guard),
                    style.number(b.value),
                    style.number(b.difference),
                    escaping.csv_cell(b.source.cite(), formula_guard),
                ]
            )
    return buffer.getvalue()
