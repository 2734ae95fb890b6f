"""Inventories: what a municipality has, loaded from YAML, JSON or CSV.

Facilities hold units (a bed type and a number of beds); staffed FTE is
recorded per unit or per facility, each record with its own validity (a post
"until 01.04.2020" ends on 2020-03-31). Populations and GP lists complete the
picture. Every problem is reported with file, line and field; nothing is
dropped, rounded or defaulted.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from .errors import InventoryError, Location
from .files import LineMap, Path_, convert_validation_error, read_document
from .provenance import Source
from .validity import Validity

FTE_SCHEMA: dict[str, Any] = {
    "description": "FTE as a number (0.6), with a decimal comma ('0,6') or as a post ('60 %')",
    "anyOf": [
        {"type": "number", "minimum": 0},
        {"type": "string", "pattern": r"^\s*\d+([.,]\d+)?\s*%?\s*$"},
    ],
}
STAFFING_SCHEMA: dict[str, Any] = {
    "description": "staffing records, or one undated FTE figure",
    "anyOf": [
        # schema.json_schema points the items at the Staffing definition.
        {"type": "array", "items": {"type": "object"}},
        *FTE_SCHEMA["anyOf"],
    ],
}


class Staffing(BaseModel):
    """Staffed physician FTE, in force from ``valid_from`` to ``valid_to`` (inclusive)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    fte: Annotated[float, WithJsonSchema(FTE_SCHEMA)] = Field(ge=0, allow_inf_nan=False)
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    note: str | None = None

    @field_validator("fte", mode="before")
    @classmethod
    def _percent_or_decimal_comma(cls, value: Any) -> Any:
        return read_fte(value)

    @model_validator(mode="after")
    def _ordered(self) -> Staffing:
        Validity(valid_from=self.valid_from, valid_to=self.valid_to)
        return self

    def in_force(self, on: dt.date) -> bool:
        return Validity(valid_from=self.valid_from, valid_to=self.valid_to).in_force(on)


_PERCENT = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*%\s*$")
_DECIMAL_COMMA = re.compile(r"^\s*\d+,\d+\s*$")


def read_fte(value: Any) -> Any:
    """FTE as the plans write it: 0.6, "0,6" or "60 %" (a "60 % stilling") all give 0.6."""
    if isinstance(value, str):
        percent = _PERCENT.match(value)
        if percent:
            return float(percent.group(1).replace(",", ".")) / 100
        if _DECIMAL_COMMA.match(value):
            return value.replace(",", ".").strip()
    return value


def _staffing_list(value: Any) -> Any:
    # A bare number (or "60 %") is one undated record: "staffing: 0.8".
    if isinstance(value, int | float | str) and not isinstance(value, bool):
        return [{"fte": value}]
    return value


class Unit(BaseModel):
    """A unit of a facility: one bed type, a number of beds, optional staffing."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1)
    bed_type: str
    beds: int = Field(ge=0)
    staffing: Annotated[tuple[Staffing, ...], WithJsonSchema(STAFFING_SCHEMA)] = ()
    note: str | None = None

    @field_validator("staffing", mode="before")
    @classmethod
    def _bare_number(cls, value: Any) -> Any:
        return _staffing_list(value)

    @field_validator("bed_type")
    @classmethod
    def _known_bed_type(cls, value: str, info: ValidationInfo) -> str:
        known = (info.context or {}).get("bed_types")
        if known is not None and value not in known:
            raise ValueError(
                f"unknown bed type '{value}'; known bed types: {', '.join(sorted(known))}"
            )
        return value


class Facility(BaseModel):
    """A nursing home or health house, its units and facility-level staffing."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1)
    units: tuple[Unit, ...] = ()
    staffing: Annotated[tuple[Staffing, ...], WithJsonSchema(STAFFING_SCHEMA)] = ()
    note: str | None = None

    @field_validator("staffing", mode="before")
    @classmethod
    def _bare_number(cls, value: Any) -> Any:
        return _staffing_list(value)

    @model_validator(mode="after")
    def _unique_units(self) -> Facility:
        seen: set[str] = set()
        for index, unit in enumerate(self.units):
            if unit.name in seen:
                raise InventoryError(
                    f"unit '{unit.name}' appears twice in facility '{self.name}'",
                    Location(field=f"units[{index}].name"),
                )
            seen.add(unit.name)
        return self

    @property
    def beds(self) -> int:
        return sum(u.beds for u in self.units)


class Population(BaseModel):
    """Inhabitants of an area (optionally one age group) on a date."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    area: str | None = None
    inhabitants: int = Field(ge=0)
    at: dt.date | None = None
    age_group: str | None = None


class GPList(BaseModel):
    """A GP contract (a list): its cap, listed patients, and vacancy."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(min_length=1)
    gp: str | None = None
    cap: int | None = Field(default=None, ge=0)
    listed: int = Field(ge=0)
    vacant: bool = False
    locum: bool = False
    notice_date: dt.date | None = Field(
        default=None, description="date the GP gave notice, for a contract up for sale"
    )
    taken_over: dt.date | None = Field(
        default=None, description="date a new GP took the contract over after the notice"
    )

    @property
    def free_places(self) -> int | None:
        return None if self.cap is None else self.cap - self.listed


class GPCentre(BaseModel):
    """A GP centre (legesenter) and its number of GPs, now and before."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1)
    district: str | None = None
    gps: int = Field(ge=0)
    gps_previous: int | None = Field(default=None, ge=0)


class Service(BaseModel):
    """Physician staffing of a service that is not bed-based (legevakt, helsestasjon...)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1)
    physicians: int | None = Field(default=None, ge=0)
    fte: float | None = Field(default=None, ge=0, allow_inf_nan=False)
    note: str | None = None


class Inventory(BaseModel):
    """Everything assessed: facilities, populations and GP lists."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str | None = None
    municipality: str | None = None
    as_of: dt.date | None = None
    source: Source | None = None
    facilities: tuple[Facility, ...] = ()
    populations: tuple[Population, ...] = ()
    gp_lists: tuple[GPList, ...] = ()
    gp_centres: tuple[GPCentre, ...] = ()
    services: tuple[Service, ...] = ()
    figures: dict[str, float] = Field(
        default_factory=dict,
        description="figures a source states directly, e.g. free_list_places: 494",
    )

    @model_validator(mode="after")
    def _unique(self) -> Inventory:
        for label, group, key, names in (
            ("facility", "facilities", "name", [f.name for f in self.facilities]),
            ("GP list", "gp_lists", "id", [g.id for g in self.gp_lists]),
            ("GP centre", "gp_centres", "name", [c.name for c in self.gp_centres]),
            ("service", "services", "name", [s.name for s in self.services]),
        ):
            seen: set[str] = set()
            for index, name in enumerate(names):
                if name in seen:
                    raise InventoryError(
                        f"{label} '{name}' appears twice", Location(field=f"{group}[{index}].{key}")
                    )
                seen.add(name)
        self.indicators()  # stated figures must agree with the records
        return self

    def indicators(self) -> dict[str, float]:
        """Figures thresholds can watch: places, free list places, inhabitants..."""
        out: dict[str, float] = {}
        if self.facilities:
            out["beds"] = float(sum(f.beds for f in self.facilities))
        if self.gp_lists:
            out["listed_patients"] = float(sum(g.listed for g in self.gp_lists))
            out["vacant_lists"] = float(sum(g.vacant for g in self.gp_lists))
            if all(g.cap is not None for g in self.gp_lists):
                out["list_caps"] = float(sum(g.cap or 0 for g in self.gp_lists))
                out["free_list_places"] = out["list_caps"] - out["listed_patients"]
        if self.populations:
            out["inhabitants"] = float(sum(p.inhabitants for p in self.populations))
        for name, value in self.figures.items():
            if name in out and out[name] != value:
                raise InventoryError(
                    f"figure '{name}' is stated as {value:g} but the inventory's records "
                    f"give {out[name]:g}",
                    Location(field=f"figures.{name}"),
                    "state a figure only when the records that would give it are absent",
                )
            out[name] = float(value)
        return out


def parse_inventory(data: Any, lines: LineMap, bed_types: Iterable[str] | None = None) -> Inventory:
    """Validate inventory data; ``bed_types`` (when given) are the only ones accepted."""
    if not isinstance(data, dict):
        raise InventoryError("an inventory must be a mapping", Location(lines.file, 1))
    context = {"bed_types": frozenset(bed_types)} if bed_types is not None else None
    try:
        return Inventory.model_validate(data, context=context)
    except ValidationError as exc:
        raise convert_validation_error(exc, lines, InventoryError) from None


def load_inventory(path: str | Path, bed_types: Iterable[str] | None = None) -> Inventory:
    """Read an inventory from ``.yaml``/``.yml``, ``.json``, ``.toml`` or ``.csv``."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in {".csv", ".yaml", ".yml", ".json", ".toml"}:
        raise InventoryError(
            f"unsupported file type '{suffix or path.name}'",
            Location(str(path)),
            "use .csv, .yaml, .yml, .toml or .json",
        )
    if suffix != ".csv":
        data, lines = read_document(path, InventoryError)
        return parse_inventory(data, lines, bed_types)
    data, lines = _read_csv(path)
    try:
        return parse_inventory(data, lines, bed_types)
    except InventoryError as error:
        # Name the CSV column, not the path inside the inventory model.
        last = str(error.location.field or "").rsplit(".", 1)[-1]
        staffing = ".staffing[" in str(error.location.field or "")
        column = _CSV_COLUMN.get((last, staffing), last)
        raise InventoryError(
            error.message, Location(error.location.file, error.location.line, column), error.hint
        ) from None


_CSV_COLUMN = {
    ("fte", True): "staffed_fte",
    ("valid_from", True): "staffed_valid_from",
    ("valid_to", True): "staffed_valid_to",
    ("staffing", True): "staffed_fte",
    ("staffing", False): "staffed_fte",
    ("name", False): "unit",
}


CSV_COLUMNS = (
    "facility",
    "unit",
    "bed_type",
    "beds",
    "staffed_fte",
    "staffed_valid_from",
    "staffed_valid_to",
    "note",
)
_CSV_REQUIRED = ("facility", "unit", "bed_type", "beds")


def _read_csv(path: Path) -> tuple[dict[str, Any], LineMap]:
    """One row per unit; a row without unit/bed_type/beds adds a staffing record.

    A row with only ``facility`` and ``staffed_*`` records facility-level
    staffing; a row naming an existing ``unit`` without ``bed_type``/``beds``
    adds a (dated) staffing record to it.
    """
    file = str(path)
    try:
        # utf-8-sig: spreadsheets often start the file with a byte-order mark.
        handle = path.open(newline="", encoding="utf-8-sig")
    except FileNotFoundError:
        raise InventoryError("file not found", Location(file)) from None
    except OSError as exc:
        raise InventoryError(f"cannot read file: {exc}", Location(file)) from None
    lines: dict[Path_, int] = {}
    facilities: dict[str, dict[str, Any]] = {}
    units: dict[tuple[str, str], dict[str, Any]] = {}
    with handle:
        first = handle.readline()
        handle.seek(0)
        # Norwegian spreadsheet exports separate with ';' (the comma is the decimal mark).
        delimiter = ";" if first.count(";") > first.count(",") else ","
        reader = csv.DictReader(handle, delimiter=delimiter)
        header = reader.fieldnames or []
        unknown = [c for c in header if c not in CSV_COLUMNS]
        missing = [c for c in _CSV_REQUIRED if c not in header]
        if unknown or missing:
            problem = "; ".join(
                p
                for p in (
                    f"unknown column(s) {', '.join(unknown)}" if unknown else "",
                    f"missing column(s) {', '.join(missing)}" if missing else "",
                )
                if p
            )
            raise InventoryError(
                problem, Location(file, 1), f"columns are: {', '.join(CSV_COLUMNS)}"
            )
        for row in reader:
            line = reader.line_num
            if None in row:
                raise InventoryError("row has more cells than the header", Location(file, line))
            cells = {k: (v or "").strip() for k, v in row.items()}
            facility_name = cells["facility"]
            if not facility_name:
                raise InventoryError("'facility' is empty", Location(file, line, "facility"))
            f_index = (
                list(facilities).index(facility_name)
                if facility_name in facilities
                else len(facilities)
            )
            facility = facilities.setdefault(
                facility_name, {"name": facility_name, "units": [], "staffing": []}
            )
            lines.setdefault(("facilities", f_index), line)
            record = _csv_staffing(cells)
            unit_name = cells["unit"]
            defines_unit = bool(cells["bed_type"] or cells["beds"])
            if not unit_name:
                if defines_unit or record is None:
                    raise InventoryError(
                        "a row without 'unit' must only record facility staffing",
                        Location(file, line, "unit"),
                        "fill in 'unit', or leave bed_type and beds empty and give staffed_fte",
                    )
                _at(lines, ("facilities", f_index, "staffing", len(facility["staffing"])), line)
                facility["staffing"].append(record)
                continue
            key = (facility_name, unit_name)
            if defines_unit:
                for column in ("bed_type", "beds"):
                    if not cells[column]:
                        raise InventoryError(
                            f"'{column}' is empty",
                            Location(file, line, column),
                            "a row defining a unit needs bed_type and beds (a whole number)",
                        )
                if key in units:
                    raise InventoryError(
                        f"unit '{unit_name}' appears twice in facility '{facility_name}'",
                        Location(file, line, "unit"),
                    )
                u_index = len(facility["units"])
                unit: dict[str, Any] = {
                    "name": unit_name,
                    "bed_type": cells["bed_type"],
                    "beds": cells["beds"],
                    "staffing": [],
                }
                if cells.get("note"):
                    unit["note"] = cells["note"]
                units[key] = unit
                facility["units"].append(unit)
                _at(lines, ("facilities", f_index, "units", u_index), line)
            elif key not in units:
                raise InventoryError(
                    f"unit '{unit_name}' has no bed_type and beds, and was not defined above",
                    Location(file, line, "bed_type"),
                )
            if record is not None:
                target = units[key]
                u_index = facility["units"].index(target)
                _at(
                    lines,
                    ("facilities", f_index, "units", u_index, "staffing", len(target["staffing"])),
                    line,
                )
                target["staffing"].append(record)
    return {"name": path.stem, "facilities": list(facilities.values())}, LineMap(file, lines)


def _at(lines: dict[Path_, int], path: Path_, line: int) -> None:
    lines[path] = line
    for child in ("name", "bed_type", "beds", "fte", "valid_from", "valid_to", "staffing"):
        lines[(*path, child)] = line


def _csv_staffing(cells: dict[str, str]) -> dict[str, Any] | None:
    fte = cells.get("staffed_fte", "")
    start = cells.get("staffed_valid_from", "")
    end = cells.get("staffed_valid_to", "")
    if not fte:
        if start or end:
            return {"fte": None}  # dates without an FTE: reported by validation
        return None
    record: dict[str, Any] = {"fte": fte}
    if start:
        record["valid_from"] = start
    if end:
        record["valid_to"] = end
    return record


def staffed_on(records: Iterable[Staffing], on: dt.date) -> float:
    """FTE in force on a date (0.0 when every record has ended)."""
    return math.fsum(r.fte for r in records if r.in_force(on))
