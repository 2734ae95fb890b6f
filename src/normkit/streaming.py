"""Large inventories as a stream: a CSV inventory in, CSV or JSON Lines out.

``normkit assess big.csv --format csv|jsonl`` reads the CSV into columns
(:class:`UnitColumns`: a few lists, no model object per unit), assesses it
one facility at a time with the code :func:`normkit.assess` uses
(:class:`~normkit.assessment.AssessmentRun`), and writes each facility's
units as soon as they are assessed. Units of a facility that no norm entry
names share one computed row per bed type and number of beds, so a unit
costs a lookup and a written line.

The output is the same, byte for byte, as rendering :func:`normkit.assess`'s
result (tests assert it on the examples and on generated inventories). A
file the columnar reader does not take as it is (dated staffing, a number
written as "1 234" or "60 %", and every error) is read by
:func:`normkit.load_inventory` instead, so its errors and results are the
usual ones; only its memory is not flat.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TextIO, TypeVar

from .assessment import (
    Assessment,
    AssessmentRun,
    UnitAssessment,
    assess,
    facility_sum,
)
from .bed_types import BedType
from .csvfiles import read_table
from .errors import InventoryError
from .escaping import lookalike
from .inventory import CSV_COLUMNS, Facility, Inventory, Unit, load_inventory
from .limits import DEFAULT, Limits
from .municipality import MunicipalityInfo
from .normset import ResolvedNormSet

#: what the columnar reader takes as it is; any other number goes the usual way
_BEDS = re.compile(r"[0-9]{1,15}")
_FTE = re.compile(r"[0-9]{1,9}(?:[.,][0-9]{1,9})?")


@dataclass
class UnitColumns:
    """A CSV inventory of undated units and staffing, as columns.

    ``units_of[f]`` maps the unit names of the ``f``-th facility, as
    :func:`~normkit.escaping.lookalike` reads them (in order of first
    appearance), to their rows, indices into the unit columns.
    ``staffed[i]`` is the unit's staffing (FTE, undated; ``None`` when it has
    none); a unit with more than one record has them all in ``more_staffing``.
    """

    name: str
    facilities: list[str] = field(default_factory=list)
    units_of: list[dict[str, int]] = field(default_factory=list)
    facility_staffing: list[list[float]] = field(default_factory=list)
    unit: list[str] = field(default_factory=list)
    bed_type: list[str] = field(default_factory=list)
    beds: list[int] = field(default_factory=list)
    staffed: list[float | None] = field(default_factory=list)
    more_staffing: dict[int, list[float]] = field(default_factory=dict)
    note: list[str | None] = field(default_factory=list)

    def staffing(self, row: int) -> list[float]:
        """The unit's staffing records (FTE), none or more."""
        if row in self.more_staffing:
            return self.more_staffing[row]
        staffed = self.staffed[row]
        return [] if staffed is None else [staffed]

    def facility_model(self, index: int, bed_types: Any) -> Facility:
        """The facility as a validated model (for a facility a norm entry names)."""
        data = {
            "name": self.facilities[index],
            "staffing": [{"fte": fte} for fte in self.facility_staffing[index]],
            "units": [self._unit_data(row) for row in self.units_of[index].values()],
        }
        context = {"bed_types": bed_types} if bed_types is not None else None
        return Facility.model_validate(data, context=context)

    def unit_model(self, row: int) -> Unit:
        return Unit.model_validate(self._unit_data(row))

    def _unit_data(self, row: int) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": self.unit[row],
            "bed_type": self.bed_type[row],
            "beds": self.beds[row],
            "staffing": [{"fte": fte} for fte in self.staffing(row)],
        }
        if self.note[row] is not None:
            data["note"] = self.note[row]
        return data


def read_unit_columns(
    path: Path,
    bed_types: Iterable[str] | Mapping[str, BedType] | None = None,
    limits: Limits = DEFAULT,
) -> UnitColumns | None:
    """The CSV inventory as columns, or ``None`` when it needs the usual reader.

    The usual reader (:func:`normkit.load_inventory`) takes the file when a
    row has dated staffing, a number in another form than plain digits with
    a decimal point or comma, or anything it would refuse: then its error,
    with file, line and column, is the one the user sees.
    """
    table = read_table(path, InventoryError, limits, CSV_COLUMNS)
    header = table.header
    if not {"facility", "unit", "bed_type", "beds"} <= set(header):
        return None
    column = {name: index for index, name in enumerate(header) if name}
    width = len(header)  # a column the file lacks reads as the empty cell added at the end
    f_at, u_at, t_at, b_at, fte_at, from_at, to_at, note_at = (
        column.get(name, width) for name in CSV_COLUMNS
    )
    known = None if bed_types is None else frozenset(bed_types)
    out = UnitColumns(name=path.stem)
    facility_index: dict[str, int] = {}
    interned: dict[str, str] = {}
    beds_match, fte_match = _BEDS.fullmatch, _FTE.fullmatch
    units, bed_types_, beds_, staffed_, notes = (
        out.unit,
        out.bed_type,
        out.beds,
        out.staffed,
        out.note,
    )
    for _line, cells in table.records():
        cells.append("")
        facility, unit, bed_type, beds, fte = (
            cells[f_at],
            cells[u_at],
            cells[t_at],
            cells[b_at],
            cells[fte_at],
        )
        if not facility or cells[from_at] or cells[to_at] or (fte and not fte_match(fte)):
            return None
        # Names as a reader sees them (cells are trimmed, so an ASCII name is its own):
        # two spellings of one name are the usual reader's error to give.
        key = facility if facility.isascii() else lookalike(facility)
        f = facility_index.get(key)
        if f is None:
            f = facility_index[key] = len(out.facilities)
            out.facilities.append(facility)
            out.units_of.append({})
            out.facility_staffing.append([])
        elif out.facilities[f] != facility:
            return None
        unit_key = unit if unit.isascii() else lookalike(unit)
        staffed = float(fte.replace(",", ".")) if fte else None
        rows = out.units_of[f]
        if not (bed_type or beds):  # a row of staffing only
            if staffed is None:
                return None
            if not unit:
                out.facility_staffing[f].append(staffed)
                continue
            row = rows.get(unit_key)
            if row is None or units[row] != unit:
                return None
            records = out.more_staffing.get(row)
            if records is not None:
                records.append(staffed)
            elif staffed_[row] is None:
                staffed_[row] = staffed
            else:
                out.more_staffing[row] = [staffed_[row], staffed]  # type: ignore[list-item]
            continue
        if not (unit and bed_type and beds and beds_match(beds)):
            return None
        if (known is not None and bed_type not in known) or unit_key in rows:
            return None
        rows[unit_key] = len(units)
        units.append(unit)
        bed_types_.append(interned.setdefault(bed_type, bed_type))
        beds_.append(int(beds))
        staffed_.append(staffed)
        notes.append(cells[note_at] or None)
    return out


class _Writer(Protocol):
    """How the stream writes: a unit from its shared row, a whole row, the end."""

    def unit(
        self,
        template: UnitAssessment,
        facility: str,
        unit: str,
        staffed: float | None,
        gap: float | None,
        own_note: str | None,
    ) -> None: ...

    def row(self, unit: UnitAssessment) -> None: ...

    def finish(self, assessment: Assessment) -> None: ...


class _CsvWriter:
    def __init__(
        self, out: TextIO, municipality: MunicipalityInfo | None, formula_guard: bool, lang: str
    ) -> None:
        from .render.csv import AssessmentCsv, style_for

        self.csv = AssessmentCsv(out, municipality, formula_guard, style_for(lang))
        self.cell = self.csv.number
        # id(row) -> the row and its cells
        self._cells: dict[int, tuple[UnitAssessment, tuple[str, ...]]] = {}
        self._numbers: dict[float | None, str] = {}  # staffed and gap figures recur
        self._texts: dict[str, str] = {}
        self._facility = ("", "")

    def _number(self, value: float | None) -> str:
        text = self._numbers.get(value)
        if text is None:
            if len(self._numbers) > _KEPT:
                self._numbers.clear()
            text = self._numbers[value] = self.cell(value)
        return text

    def unit(
        self,
        template: UnitAssessment,
        facility: str,
        unit: str,
        staffed: float | None,
        gap: float | None,
        own_note: str | None,
    ) -> None:
        csv = self.csv
        cells = _per_row(self._cells, template, self._shared_cells)
        if self._facility[0] != facility:
            self._facility = (facility, csv.text(facility))
        note = cells[5]
        if own_note:  # as unit_note(): the assessment's note, then the unit's own
            note = csv.text(f"{template.note}; {own_note}" if template.note else own_note)
        number = self._number
        csv.escaped(
            [
                "unit",
                self._facility[1],
                self._text(unit),
                cells[0],
                cells[1],
                cells[2],
                cells[3],
                cells[4],
                number(staffed),
                number(gap),
                note,
                cells[6],
            ]
        )

    def _shared_cells(self, template: UnitAssessment) -> tuple[str, ...]:
        """The cells every unit sharing ``template`` has alike."""
        text, cell = self.csv.text, self.cell
        return (
            text(template.bed_type or ""),
            cell(template.beds),
            text(template.status),
            cell(template.norm_fte),
            cell(template.required_fte),
            text(template.note or ""),
            cell(template.norm_hours_per_week),
        )

    def _text(self, value: str) -> str:
        """A text cell made safe, remembered: unit names recur across facilities."""
        text = self._texts.get(value)
        if text is None:
            if len(self._texts) > _KEPT:
                self._texts.clear()
            text = self._texts[value] = self.csv.text(value)
        return text

    def row(self, unit: UnitAssessment) -> None:
        self.csv.unit(unit)

    def finish(self, assessment: Assessment) -> None:
        for f in assessment.facilities:
            self.csv.facility(f)
        self.csv.total(assessment)


class _JsonlWriter:
    def __init__(self, out: TextIO) -> None:
        from .render.jsonl import AssessmentJsonl

        self.jsonl = AssessmentJsonl(out)
        # id(row) -> the row and its JSON fields
        self._fields: dict[int, tuple[UnitAssessment, dict[str, Any]]] = {}

    def unit(
        self,
        template: UnitAssessment,
        facility: str,
        unit: str,
        staffed: float | None,
        gap: float | None,
        own_note: str | None,
    ) -> None:
        fields = _per_row(self._fields, template, _json_fields)
        self.jsonl.record(
            "unit",
            {
                **fields,
                "facility": facility,
                "unit": unit,
                "staffed_fte": staffed,
                "gap_fte": gap,
                "unit_note": own_note,
            },
        )

    def row(self, unit: UnitAssessment) -> None:
        self.jsonl.record("unit", unit.model_dump(mode="json"))

    def finish(self, assessment: Assessment) -> None:
        for f in assessment.facilities:
            self.jsonl.facility(f)
        self.jsonl.end(assessment)


#: rows a writer keeps laid out before it starts again (each kind of unit has one)
_KEPT = 100_000

T = TypeVar("T")


def _per_row(
    kept: dict[int, tuple[UnitAssessment, T]],
    row: UnitAssessment,
    make: Callable[[UnitAssessment], T],
) -> T:
    """``make(row)``, made once per shared row while ``kept`` holds it (at most _KEPT)."""
    found = kept.get(id(row))
    if found is not None and found[0] is row:
        return found[1]
    if len(kept) > _KEPT:
        kept.clear()
    value = make(row)
    # The row is kept with its value: an id is unique only while its object lives.
    kept[id(row)] = (row, value)
    return value


def _json_fields(row: UnitAssessment) -> dict[str, Any]:
    return row.model_dump(mode="json")


#: the formats :func:`assess_csv_to` streams
STREAM_FORMATS = ("csv", "jsonl")


def writer_for(
    format: str,
    out: TextIO,
    municipality: MunicipalityInfo | None,
    formula_guard: bool,
    lang: str = "en",
) -> _Writer:
    if format == "csv":
        return _CsvWriter(out, municipality, formula_guard, lang)
    if format == "jsonl":
        return _JsonlWriter(out)
    raise ValueError(f"cannot stream {format!r}; streams are {STREAM_FORMATS}")


def assess_csv_to(
    path: Path,
    normset: ResolvedNormSet,
    out: TextIO,
    format: str = "csv",
    *,
    explain: bool = False,
    municipality: MunicipalityInfo | None = None,
    bed_types: Iterable[str] | Mapping[str, BedType] | None = None,
    limits: Limits = DEFAULT,
    formula_guard: bool = True,
    lang: str = "en",
    progress: Callable[[int, int], None] | None = None,
) -> Assessment:
    """Assess a CSV inventory and write it to ``out`` as ``format`` (``csv`` or ``jsonl``)
    while it is assessed; returns the assessment without its units (they were written).
    ``lang="nb"`` writes the CSV for a spreadsheet set to Norwegian (as ``--lang nb``).

    ``progress(done, total)`` is called as facilities are done.
    """
    from .render.locale import locale

    lang = locale(lang).lang  # "NB" is "nb"; a language normkit does not write is refused
    # Read before writing: a file refused is refused before a line of output.
    columns = read_unit_columns(path, bed_types, limits)
    if columns is None:  # the usual reader takes it: its errors, or a dated inventory
        inventory = load_inventory(path, bed_types, limits)
        result = assess(
            inventory, normset, explain=explain, municipality=municipality, progress=progress
        )
        writer = writer_for(format, out, municipality, formula_guard, lang)
        for unit in result.units:
            writer.row(unit)
        writer.finish(result)
        return result.model_copy(update={"units": []})
    writer = writer_for(format, out, municipality, formula_guard, lang)
    run = AssessmentRun(normset, Inventory(name=columns.name), explain, municipality)
    templates = run.templates
    total = len(columns.facilities)
    step = max(1, total // 200)
    for index, name in enumerate(columns.facilities):
        if progress is not None and index % step == 0:
            progress(index, total)
        if name in templates.named:
            for row in run.facility(columns.facility_model(index, bed_types)):
                writer.row(row)
            continue
        _stream_facility(columns, index, run, writer)
    if progress is not None:
        progress(total, total)
    result = run.finish([])
    writer.finish(result)
    return result


def _stream_facility(columns: UnitColumns, index: int, run: AssessmentRun, writer: _Writer) -> None:
    """One facility that no norm entry names: its units from shared rows, then its sum."""
    name = columns.facilities[index]
    templates = run.templates
    cached, write = templates.cached, writer.unit
    unit_names, bed_types, beds_of, staffed_of = (
        columns.unit,
        columns.bed_type,
        columns.beds,
        columns.staffed,
    )
    more, notes = columns.more_staffing, columns.note
    shared: list[UnitAssessment] = []
    names: list[str] = []
    unit_staffed: list[float] = []
    needless_staffed = False  # staffing recorded for a unit with no known need
    beds = 0
    for row in columns.units_of[index].values():
        template = cached(bed_types[row], beds_of[row])
        if template is None:
            template = templates.template(
                Facility.model_construct(name=name), columns.unit_model(row)
            )
            assert template is not None  # the facility is not a named one
        # As the usual path: the sum of a unit's records (one record is its own sum).
        staffed = staffed_of[row] if row not in more else math.fsum(more[row])
        required = template.required_fte
        gap = None if required is None or staffed is None else required - staffed
        unit = unit_names[row]
        write(template, name, unit, staffed, gap, notes[row])
        shared.append(template)
        names.append(unit)
        beds += beds_of[row]
        if staffed is not None:
            unit_staffed.append(staffed)
            needless_staffed = needless_staffed or (required is None and staffed > 0)
    own = columns.facility_staffing[index]
    # As facility_staffed: nothing recorded is not known, never 0.
    if own or unit_staffed:
        staffed_total: float | None = math.fsum(own) + math.fsum(unit_staffed)
        note = None
    else:
        staffed_total, note = None, "no staffing recorded"
    # As the usual path: staffing that may serve places with no known need leaves the gap unknown.
    needless = any(t.required_fte is None for t in shared)
    mixed = needless and (math.fsum(own) > 0 or needless_staffed)
    run.add(shared, names, facility_sum(name, beds, shared, staffed_total, note, mixed))
