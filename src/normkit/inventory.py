"""Inventories: what a municipality has, loaded from YAML, JSON, TOML or CSV.

Facilities hold units (a bed type and a number of beds); staffed FTE is
recorded per unit or per facility, each record with its own validity (a post
"until 01.04.2020" ends on 2020-03-31). Populations and GP lists complete the
picture. Every problem is reported with file, line and field; nothing is
dropped, rounded or defaulted.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    BeforeValidator,
    Field,
    ValidationError,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from .bed_types import BedType
from .csvfiles import read_table
from .errors import InventoryError, Location
from .escaping import lookalike, terminal
from .files import LineMap, Path_, convert_validation_error, read_document, refuse_folder
from .limits import DEFAULT, Limits
from .model import Model
from .provenance import Source
from .validity import Dated, first_overlap
from .values import Amount, Count, Date, Number, check_magnitude, read_number

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

_PERCENT = re.compile(r"^\s*([0-9]+(?:[.,][0-9]+)?)\s*%\s*$")


def read_fte(value: Any) -> Any:
    """FTE as the plans write it: 0.6, "0,6" or "60 %" (a "60 % stilling") all give 0.6."""
    if isinstance(value, str):
        percent = _PERCENT.match(value)
        if percent:
            return check_magnitude(float(percent.group(1).replace(",", ".")) / 100)
    return read_number(value)


class Staffing(Dated):
    """Staffed physician FTE, in force from ``valid_from`` to ``valid_to`` (inclusive)."""

    error_class = InventoryError

    fte: Annotated[float, BeforeValidator(read_fte), WithJsonSchema(FTE_SCHEMA), Field(ge=0)]
    note: str | None = None


def staffing_list(value: Any) -> Any:
    """A bare number (or "60 %") is one undated record: ``staffing: 0.8``."""
    if isinstance(value, int | float | str) and not isinstance(value, bool):
        return [{"fte": value}]
    return value


StaffingRecords = Annotated[
    tuple[Staffing, ...], BeforeValidator(staffing_list), WithJsonSchema(STAFFING_SCHEMA)
]


class Unit(Dated):
    """A unit of a facility: one bed type, a number of beds, optional staffing.

    ``valid_from``/``valid_to`` say when the unit exists (a new wing opens, a
    unit closes); a unit converted to another bed type is two records of one
    name whose periods do not overlap.
    """

    error_class = InventoryError

    name: str = Field(min_length=1)
    bed_type: str
    beds: Count
    staffing: StaffingRecords = ()
    note: str | None = None

    @field_validator("bed_type")
    @classmethod
    def _known_bed_type(cls, value: str, info: ValidationInfo) -> str:
        check_bed_type(value, (info.context or {}).get("bed_types"))
        return value


def check_bed_type(
    value: str,
    known: Iterable[str] | Mapping[str, BedType] | None,
    where: Location | None = None,
    unit: str | None = None,
) -> None:
    """Refuse a bed type not in ``known`` (None: any), with a suggestion; ``unit``
    (such as 'Home › Unit') is named in the message when given."""
    if known is not None and value not in known:
        named = f" ({terminal(unit)})" if unit else ""
        raise InventoryError(
            f"unknown bed type '{terminal(value)}'{named}; known bed types: "
            f"{', '.join(sorted(known))}",
            where,
            suggest_bed_type(value, known),
            code="inventory.bed-type",
        )


def suggest_bed_type(value: str, known: Iterable[str] | Mapping[str, BedType]) -> str | None:
    """'langtid' → "did you mean 'long_term' (langtidsplass)?", from the Norwegian names too."""
    word = value.strip().casefold()
    if len(word) < 3:
        return None
    types = known if isinstance(known, Mapping) else {k: None for k in known}
    for bed_type_id, bed_type in sorted(types.items()):
        names = [bed_type_id, bed_type_id.replace("_", " ")]
        if bed_type is not None:
            names += [bed_type.label, *re.split(r"\s*/\s*", bed_type.label_nb)]
        for name in (n.casefold() for n in names):
            if name.startswith(word) or (len(name) >= 4 and word.startswith(name)):
                norwegian = f" ({bed_type.label_nb})" if bed_type is not None else ""
                return f"did you mean '{bed_type_id}'{norwegian}?"
    close = difflib.get_close_matches(value, list(types))
    return f"did you mean '{close[0]}'?" if close else None


class Facility(Dated):
    """A nursing home or health house, its units and facility-level staffing.

    ``valid_from``/``valid_to`` say when the facility is open.
    """

    error_class = InventoryError

    name: str = Field(min_length=1)
    units: tuple[Unit, ...] = ()
    staffing: StaffingRecords = ()
    note: str | None = None

    @model_validator(mode="after")
    def _unique_units(self) -> Facility:
        check_unique(
            self.units,
            f"unit '{{}}' appears twice in facility '{self.name}'",
            "units",
            "name",
        )
        return self

    def on(self, day: dt.date) -> Facility:
        """The facility with only the units that exist on ``day``."""
        return self.model_copy(update={"units": tuple(u for u in self.units if u.in_force(day))})

    @property
    def beds(self) -> int:
        return sum(u.beds for u in self.units)


def check_unique(records: Iterable[Any], message: str, group: str, key: str) -> None:
    """Refuse a name used twice at the same time; ``message`` has ``{}`` where the name goes.

    Records of one name whose validity periods do not overlap are one thing
    over time (a unit converted to another bed type), not a duplicate.
    """
    # By shown name, up to the first blank one: a duplicate met before it is said first.
    named: dict[str, list[tuple[int, Any]]] = {}
    blank: tuple[int, Any] | None = None
    for index, record in enumerate(records):
        # 'Tingvoll' and 'Tingvoll ' (or with a zero-width space) are one name to a reader
        shown = lookalike(getattr(record, key))
        if not shown:
            blank = (index, record)
            break
        named.setdefault(shown, []).append((index, record))
    clashes = []
    for entries in named.values():
        pair = first_overlap([record for _, record in entries]) if len(entries) > 1 else None
        if pair is not None:
            clashes.append((entries[pair[0]], entries[pair[1]]))
    if clashes:
        (_, clash), (index, record) = min(clashes, key=lambda c: c[1][0])
        _duplicate(clash, record, index, message, group, key)
    if blank is not None:
        index, record = blank
        raise InventoryError(
            f"the name '{terminal(getattr(record, key))}' shows as nothing: only spaces or "
            "invisible characters",
            Location(field=f"{group}[{index}].{key}"),
            "give a name a reader can see",
            code="inventory.blank-name",
        )


def _duplicate(clash: Any, record: Any, index: int, message: str, group: str, key: str) -> None:
    """The error for ``record`` (at ``index``) whose name and period ``clash`` has already."""
    name, other = getattr(record, key), getattr(clash, key)
    alike = (
        f", written '{terminal(other)}' and '{terminal(name)}': names that differ only "
        "in spaces, invisible characters or Unicode form look the same in every report"
        if other != name
        else ""
    )
    both_dated = any(r.valid_from is not None or r.valid_to is not None for r in (clash, record))
    when = (
        f" in periods that overlap ({clash.validity.describe()} and {record.validity.describe()})"
        if both_dated
        else ""
    )
    raise InventoryError(
        message.format(terminal(name)) + when + alike,
        Location(field=f"{group}[{index}].{key}"),
        "one name may be used again only for a period that does not overlap"
        if both_dated
        else None,
        code="inventory.duplicate",
    )


class Population(Model):
    """Inhabitants of an area (optionally one age group) on a date.

    Records with a date are a series: on a given day the latest record on or
    before it counts (:meth:`Inventory.on`).
    """

    error_class = InventoryError

    area: str | None = None
    inhabitants: Count
    at: Date | None = None
    age_group: str | None = None


class GPList(Dated):
    """A GP contract (a list): its cap, listed patients, and vacancy.

    ``valid_from``/``valid_to`` say when the list exists.
    """

    error_class = InventoryError

    id: str = Field(min_length=1)
    gp: str | None = None
    cap: Count | None = None
    listed: Count
    vacant: bool = False
    locum: bool = False
    notice_date: Date | None = Field(
        default=None, description="date the GP gave notice, for a contract up for sale"
    )
    taken_over: Date | None = Field(
        default=None, description="date a new GP took the contract over after the notice"
    )

    @property
    def free_places(self) -> int | None:
        return None if self.cap is None else self.cap - self.listed


class GPCentre(Dated):
    """A GP centre (legesenter) and its number of GPs, now and before."""

    error_class = InventoryError

    name: str = Field(min_length=1)
    district: str | None = None
    gps: Count
    gps_previous: Count | None = None


class Service(Dated):
    """Physician staffing of a service that is not bed-based (legevakt, helsestasjon...)."""

    error_class = InventoryError

    name: str = Field(min_length=1)
    physicians: Count | None = None
    fte: Amount | None = None
    note: str | None = None


class DatedFigure(Dated):
    """One value of a figure over a period: ``{value: 3.0, valid_from: 2022-01-01}``."""

    error_class = InventoryError

    value: Number
    note: str | None = None


def _figure_records(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


FigureValue = Annotated[Number | tuple[DatedFigure, ...], BeforeValidator(_figure_records)]


class Inventory(Model):
    """Everything assessed: facilities, populations and GP lists.

    Facilities, units, GP lists, GP centres, services, staffing and figures
    may carry validity; :meth:`on` gives the inventory as it stands on a day,
    which is what an assessment on that day sees.
    """

    error_class = InventoryError

    name: str | None = None
    municipality: str | None = None
    as_of: Date | None = None
    source: Source | None = None
    facilities: tuple[Facility, ...] = ()
    populations: tuple[Population, ...] = ()
    gp_lists: tuple[GPList, ...] = ()
    gp_centres: tuple[GPCentre, ...] = ()
    services: tuple[Service, ...] = ()
    figures: dict[str, FigureValue] = Field(
        default_factory=dict,
        description=(
            "figures a source states directly, e.g. free_list_places: 494; a list of "
            "{value, valid_from, valid_to} records gives a figure that changes over time"
        ),
    )

    @model_validator(mode="after")
    def _unique(self) -> Inventory:
        check_unique(self.facilities, "facility '{}' appears twice", "facilities", "name")
        check_unique(self.gp_lists, "GP list '{}' appears twice", "gp_lists", "id")
        check_unique(self.gp_centres, "GP centre '{}' appears twice", "gp_centres", "name")
        check_unique(self.services, "service '{}' appears twice", "services", "name")
        check_populations(self.populations)
        for name, value in self.figures.items():
            if isinstance(value, tuple):
                _one_value_at_a_time(name, value)
        if not self.dated():
            self.indicators()  # stated figures must agree with the records
        return self

    def dated(self) -> bool:
        """Whether anything but staffing changes over time (so :meth:`on` is not a no-op)."""
        records: list[Dated] = [*self.facilities, *self.gp_lists, *self.gp_centres, *self.services]
        records += [u for f in self.facilities for u in f.units]
        return (
            any(r.valid_from is not None or r.valid_to is not None for r in records)
            or any(isinstance(v, tuple) for v in self.figures.values())
            or len({(p.area, age_group_key(p.age_group)) for p in self.populations})
            < len(self.populations)
        )

    def on(self, day: dt.date) -> Inventory:
        """The inventory as it stands on ``day``.

        Facilities, units, GP lists, GP centres and services not in force are
        left out; a dated figure takes its value in force (and is left out when
        none is); of a population series the latest record on or before ``day``
        counts. Staffing records are kept whole: an assessment says which
        were not in force. The inventory itself is not changed.
        """
        figures: dict[str, FigureValue] = {}
        for name, value in self.figures.items():
            if not isinstance(value, tuple):
                figures[name] = value
                continue
            current = [r.value for r in value if r.in_force(day)]
            if current:
                figures[name] = current[0]  # records of one figure never overlap
        return self.model_copy(
            update={
                "facilities": tuple(f.on(day) for f in self.facilities if f.in_force(day)),
                "gp_lists": tuple(g for g in self.gp_lists if g.in_force(day)),
                "gp_centres": tuple(c for c in self.gp_centres if c.in_force(day)),
                "services": tuple(s for s in self.services if s.in_force(day)),
                "populations": populations_on(self.populations, day),
                "figures": figures,
            }
        )

    def with_populations(self, populations: Iterable[Population]) -> Inventory:
        """A copy whose populations are ``populations`` (the inventory's own are replaced)."""
        replaced = tuple(populations)
        check_populations(replaced)
        return self.model_copy(update={"populations": replaced})

    def indicators(self) -> dict[str, float]:
        """Figures thresholds can watch: places, free list places, inhabitants...

        Call it on :meth:`on`'s result when anything is dated: a figure that
        changes over time has no single value.
        """
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
            out.update(population_indicators(self.populations))
        for name, value in self.figures.items():
            if isinstance(value, tuple):
                raise InventoryError(
                    f"figure '{name}' changes over time: it has no value without a date",
                    Location(field=f"figures.{name}"),
                    "take the inventory on a date first (inventory.on(day))",
                    code="inventory.dated-figure",
                )
            if name in out and out[name] != value:
                raise InventoryError(
                    f"figure '{name}' is stated as {value:g} but the inventory's records "
                    f"give {out[name]:g}",
                    Location(field=f"figures.{name}"),
                    "state a figure only when the records that would give it are absent",
                    code="inventory.figure-contradicts-records",
                )
            out[name] = float(value)
        return out


def _one_value_at_a_time(name: str, records: tuple[DatedFigure, ...]) -> None:
    pair = first_overlap(records)
    if pair is not None:
        clash, index = records[pair[0]], pair[1]
        record = records[index]
        raise InventoryError(
            f"figure '{name}' has two values at once ({clash.value:g} for "
            f"{clash.validity.describe()}, {record.value:g} for {record.validity.describe()})",
            Location(field=f"figures.{name}[{index}].valid_from"),
            "one value per period: end the earlier one the day before the next starts",
            code="inventory.duplicate",
        )


_AGE = re.compile(
    r"^\s*(?P<low>\d{1,3})\s*(?:(?:-|–)\s*(?P<high>\d{1,3})\s*)?(?:år)?\s*"
    r"(?P<open>(?:år\s+)?(?:eller eldre|og eldre|\+|or older))?\s*(?:år)?\s*$",
    re.IGNORECASE,
)


def age_span(label: str) -> tuple[int, int | None] | None:
    """The ages an SSB age label covers: '080-084 år' → (80, 84), '90 år eller eldre' →
    (90, None), '067 år' → (67, 67); None for a label that names no ages ('I alt')."""
    match = _AGE.match(label)
    if match is None:
        return None
    low = int(match.group("low"))
    if match.group("open"):
        return (low, None)
    high = int(match.group("high")) if match.group("high") else low
    return (low, high) if high >= low else None


def first_age_overlap(labels: Iterable[str | None]) -> tuple[str, str] | None:
    """Two different age labels whose ages overlap ('80+' and '80 år eller eldre', or
    '67-79 år' and '75-84 år'), if any; totals and labels naming no ages are not compared.
    Counted together, such groups would count some people twice."""
    spans = sorted(
        (span, label)
        for label in {label for label in labels if label is not None and not is_total_age(label)}
        if (span := age_span(label)) is not None
    )
    reach: float = -1  # the highest age covered so far, and the label that covers it
    reaching = ""
    for (low, high), label in spans:
        if low <= reach:
            return reaching, label
        top = math.inf if high is None else high
        if top > reach:
            reach, reaching = top, label
    return None


def check_populations(populations: Sequence[Population]) -> None:
    """Refuse one area's people counted twice: a record of the same area, age group and
    date given again, or two age groups of an area that overlap."""
    seen: dict[tuple[str | None, str | None, dt.date | None], int] = {}
    labels: dict[str | None, dict[str | None, int]] = {}
    for index, p in enumerate(populations):
        first = seen.setdefault((p.area, age_group_key(p.age_group), p.at), index)
        if first != index:
            age = age_group_key(p.age_group) or "every age"
            when = f" on {p.at.isoformat()}" if p.at is not None else ""
            raise InventoryError(
                f"the population of {_area(p.area)}, {age}{when} is given twice (first in "
                f"populations[{first}]): one of the two would be counted or both added up",
                Location(field=f"populations[{index}]"),
                "give each area, age group and date once",
                code="inventory.duplicate",
            )
        labels.setdefault(p.area, {}).setdefault(p.age_group, index)
    for area, indexes in labels.items():
        pair = first_age_overlap(indexes)
        if pair is not None:
            later = max(indexes[pair[0]], indexes[pair[1]])
            raise InventoryError(
                f"the age groups '{pair[0]}' and '{pair[1]}' of {_area(area)} overlap: "
                "counted together, some people would be counted twice",
                Location(field=f"populations[{later}].age_group"),
                "write each age group one way, and let an area's age groups cover separate ages",
                code="inventory.duplicate",
            )


def _area(area: str | None) -> str:
    return "the municipality" if area is None else f"area '{terminal(area)}'"


#: age labels that mean everyone (SSB writes "I alt"; "Alle aldre" in some tables)
TOTAL_AGES = frozenset({"i alt", "alle aldre", "alle", "total", "all"})


def is_total_age(label: str | None) -> bool:
    """Whether an age label means every age: none at all, or a total such as "I alt"."""
    return label is None or label.strip().casefold() in TOTAL_AGES


def age_group_key(label: str | None) -> str | None:
    """An age group as one population: "I alt", "Alle aldre" and none are every age."""
    return None if is_total_age(label) else label


#: ages at which populations are summed for indicators (inhabitants_67+, inhabitants_80+…)
AGE_THRESHOLDS = (67, 80, 90)
#: every figure :meth:`Inventory.indicators` computes from an inventory's records
#: (a stated figure may carry any other name)
COMPUTED_INDICATORS = (
    "beds",
    "listed_patients",
    "vacant_lists",
    "list_caps",
    "free_list_places",
    "inhabitants",
    *(f"inhabitants_{age}+" for age in AGE_THRESHOLDS),
)


def population_indicators(populations: Iterable[Population]) -> dict[str, float]:
    """``inhabitants``, and ``inhabitants_67+``, ``_80+``, ``_90+`` where the ages allow.

    Per area, a record without an age group (or with a total such as "I alt")
    is the area's total; otherwise its age groups add up to it if they cover
    every age from 0. ``inhabitants_80+`` needs age groups that start at 80
    and run without a gap to an open top group ("90 år eller eldre"); an age
    group that straddles 80, or a missing range, leaves the figure out
    rather than guess it.
    """
    by_area: dict[str | None, list[Population]] = {}
    for p in populations:
        by_area.setdefault(p.area, []).append(p)
    sums: dict[str, float | None] = dict.fromkeys(
        ["inhabitants", *(f"inhabitants_{a}+" for a in AGE_THRESHOLDS)], 0.0
    )
    for records in by_area.values():
        spans = [(age_span(p.age_group) if p.age_group else None, p) for p in records]
        totals = [p for span, p in spans if span is None and is_total_age(p.age_group)]
        groups = [(span, p) for span, p in spans if span is not None]
        if len(totals) + len(groups) < len(records):
            # An age label that is neither ages nor a total: its people cannot be placed.
            for name in sums:
                sums[name] = None
            continue
        per_area = {"inhabitants": float(sum(p.inhabitants for p in totals)) if totals else None}
        for age in (0, *AGE_THRESHOLDS):
            value = _aged_at_least(groups, age)
            if age == 0:
                if per_area["inhabitants"] is None:  # no total record: the groups', if whole
                    per_area["inhabitants"] = value
            else:
                per_area[f"inhabitants_{age}+"] = value
        for name, value in per_area.items():
            known = sums[name]
            sums[name] = None if known is None or value is None else known + value
    return {name: value for name, value in sums.items() if value is not None}


def _aged_at_least(
    groups: list[tuple[tuple[int, int | None], Population]], age: int
) -> float | None:
    """Inhabitants aged ``age`` or more, if the age groups cover exactly that, else None."""
    if any(low < age and (high is None or high >= age) for (low, high), _ in groups):
        return None  # a group straddles the age
    # by the ages alone: two records of the same ages are refused when read, and a
    # Population cannot be ordered
    older = sorted(
        (((low, high), p) for (low, high), p in groups if low >= age), key=lambda g: g[0][0]
    )
    expected: int | None = age
    for (low, high), _ in older:
        if expected is None or low != expected:
            return None  # a gap, an overlap, or a group past the open top
        expected = None if high is None else high + 1
    if not older or expected is not None:
        return None  # nothing from that age, or no open top group
    return float(sum(p.inhabitants for _, p in older))


def populations_on(populations: Iterable[Population], day: dt.date) -> tuple[Population, ...]:
    """The population records that count on ``day``.

    A series (several dated records of one area and age group; "I alt" and no
    age group are one) counts its latest record on or before ``day``; its last
    record holds for one year
    (a count of 1 January 2030 is the population of 2030), and nothing is
    carried on after that. Before its first it counts its undated record if it
    has one, else nothing. A record that is alone in its series, dated or
    not, always counts.
    """
    series: dict[tuple[str | None, str | None], list[Population]] = {}
    for p in populations:
        series.setdefault((p.area, age_group_key(p.age_group)), []).append(p)
    kept: list[Population] = []
    for records in series.values():
        dated = [p for p in records if p.at is not None]
        if len(records) == 1 or not dated:
            kept.extend(records)
            continue
        past = [p for p in dated if p.at is not None and p.at <= day]
        if not past:
            kept.extend(p for p in records if p.at is None)
            continue
        latest = max(past, key=lambda p: p.at or dt.date.min)
        last = max(p.at for p in dated if p.at is not None)
        if latest.at != last or last.year == dt.MAXYEAR or day < _a_year_after(last):
            kept.append(latest)
    return tuple(kept)


def _a_year_after(day: dt.date) -> dt.date:
    """The same day a year later (28 February for 29 February); not for the last year."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def combine_inventories(parts: Sequence[Inventory]) -> Inventory:
    """One inventory of several (a health house and the nursing homes, say).

    Facilities, GP lists, centres, services and populations are put together;
    a name in two parts at the same time, or a figure two parts state
    differently, is an error. The parts are not changed.
    """
    if len(parts) == 1:
        return parts[0]
    data: dict[str, Any] = {"name": " + ".join(p.name or "unnamed" for p in parts)}
    for group in ("facilities", "populations", "gp_lists", "gp_centres", "services"):
        data[group] = [r.model_dump(exclude_none=True) for p in parts for r in getattr(p, group)]
    figures: dict[str, Any] = {}
    for part in parts:
        for name, value in part.figures.items():
            if name in figures and figures[name] != value:
                raise InventoryError(
                    f"figure '{name}' is stated differently in two inventories "
                    f"('{part.name}' and an earlier one)",
                    Location(field=f"figures.{name}"),
                    code="inventory.figure-conflict",
                )
            figures[name] = value
    data["figures"] = {
        k: [r.model_dump() for r in v] if isinstance(v, tuple) else v for k, v in figures.items()
    }
    municipalities = {p.municipality for p in parts if p.municipality}
    if len(municipalities) == 1:
        data["municipality"] = municipalities.pop()
    return Inventory(**data)


def count_units(data: dict[str, Any]) -> int:
    """Units in raw inventory data, counted before validation builds them."""
    facilities = data.get("facilities")
    if not isinstance(facilities, list):
        return 0
    return sum(
        len(f["units"])
        for f in facilities
        if isinstance(f, dict) and isinstance(f.get("units"), list)
    )


def parse_inventory(
    data: Any,
    lines: LineMap,
    bed_types: Iterable[str] | Mapping[str, BedType] | None,
    limits: Limits,
) -> Inventory:
    """Validate inventory data; ``bed_types`` (when given) are the only ones accepted.

    Give them as a mapping of id to :class:`BedType` for errors that suggest a
    bed type by its Norwegian name too.
    """
    if not isinstance(data, dict):
        raise InventoryError(
            "the file holds nothing: an inventory is a mapping"
            if data is None
            else "an inventory must be a mapping",
            Location(lines.file, 1),
            "start with 'facilities = [' (an empty inventory is 'facilities = []')"
            if str(lines.file or "").lower().endswith(".toml")
            else "start with 'facilities:' (an empty inventory is 'facilities: []')",
            code="inventory.not-a-mapping",
        )
    units = count_units(data)
    if units > limits.max_units:
        raise InventoryError(
            f"the inventory has {units} units, more than the limit of {limits.max_units}",
            Location(lines.file),
            "raise the limit (normkit.Limits(max_units=...) or NORMKIT_MAX_UNITS)",
            code="inventory.too-many-units",
        )
    known = (
        bed_types if isinstance(bed_types, Mapping) or bed_types is None else frozenset(bed_types)
    )
    context = {"bed_types": known} if known is not None else None
    try:
        return Inventory.model_validate(data, context=context)
    except ValidationError as exc:
        raise convert_validation_error(exc, lines, InventoryError) from None


def load_inventory(
    path: str | Path,
    bed_types: Iterable[str] | Mapping[str, BedType] | None = None,
    limits: Limits = DEFAULT,
    keep: bool = False,
) -> Inventory:
    """Read an inventory from ``.yaml``/``.yml``, ``.json``, ``.toml`` or ``.csv``.

    ``keep``: a YAML file's parse may be kept in normkit's cache for the next run;
    for the examples installed packages ship, never for a user's file.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    refuse_folder(path, InventoryError)
    if suffix not in {".csv", ".yaml", ".yml", ".json", ".toml"}:
        raise InventoryError(
            f"unsupported file type '{suffix or path.name}'",
            Location(str(path)),
            "use .csv, .yaml, .yml, .toml or .json",
            code="file.type",
        )
    if suffix != ".csv":
        data, lines = read_document(path, InventoryError, limits, keep)
        return parse_inventory(data, lines, bed_types, limits)
    data, lines = _read_csv(path, limits)
    try:
        return parse_inventory(data, lines, bed_types, limits)
    except InventoryError as error:
        # Name the CSV column, not the path inside the inventory model.
        field = error.location.field
        if field is None:  # nothing to name a column by
            raise
        last = re.sub(r"\[\d+\]$", "", field.rpartition(".")[2])
        staffing = ".staffing[" in field  # inventory paths start at facilities[i]
        column = _CSV_COLUMN.get((last, staffing), last)
        raise error.relocated(Location(error.location.file, error.location.line, column)) from None


_CSV_COLUMN = {
    ("fte", True): "staffed_fte",
    ("valid_from", True): "staffed_valid_from",
    ("valid_to", True): "staffed_valid_to",
    ("note", True): "note",
    ("staffing", True): "staffed_valid_to",  # a record's dates out of order
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


def _read_csv(path: Path, limits: Limits) -> tuple[dict[str, Any], LineMap]:
    """One row per unit; a row without unit/bed_type/beds adds a staffing record.

    A row with only ``facility`` and ``staffed_*`` records facility-level
    staffing; a row naming an existing ``unit`` without ``bed_type``/``beds``
    adds a (dated) staffing record to it. ``note`` belongs to the unit on a
    row that defines one, and to the staffing record on a row that only
    records staffing.
    """
    table = read_table(path, InventoryError, limits, CSV_COLUMNS)
    file = table.file
    missing = [c for c in _CSV_REQUIRED if c not in table.header]
    if missing:
        raise InventoryError(
            f"missing column(s) {', '.join(missing)}",
            Location(file, 1),
            f"columns are: {', '.join(CSV_COLUMNS)}",
            code="csv.header",
        )
    lines: dict[Path_, int] = {}
    facilities: dict[str, dict[str, Any]] = {}
    facility_index: dict[str, int] = {}
    units: dict[tuple[str, str], tuple[int, dict[str, Any]]] = {}
    for line, cells in table.rows():
        facility_name = cells["facility"]
        if not facility_name:
            raise InventoryError(
                "'facility' is empty", Location(file, line, "facility"), code="csv.empty-cell"
            )
        if facility_name not in facilities:
            facility_index[facility_name] = len(facilities)
            facilities[facility_name] = {"name": facility_name, "units": [], "staffing": []}
        f_index = facility_index[facility_name]
        facility = facilities[facility_name]
        unit_name = cells["unit"]
        defines_unit = bool(cells["bed_type"] or cells["beds"])
        record = _csv_staffing(cells, with_note=not defines_unit, where=Location(file, line))
        if not unit_name:
            if defines_unit or record is None:
                raise InventoryError(
                    "a row without 'unit' must only record facility staffing",
                    Location(file, line, "unit"),
                    "fill in 'unit', or leave bed_type and beds empty and give staffed_fte",
                    code="csv.row",
                )
            lines["facilities", f_index, "staffing", len(facility["staffing"])] = line
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
                        code="csv.empty-cell",
                    )
            if key in units:
                raise InventoryError(
                    f"unit '{unit_name}' appears twice in facility '{facility_name}'",
                    Location(file, line, "unit"),
                    code="inventory.duplicate",
                )
            unit: dict[str, Any] = {
                "name": unit_name,
                "bed_type": cells["bed_type"],
                "beds": cells["beds"],
                "staffing": [],
            }
            if cells.get("note"):
                unit["note"] = cells["note"]
            units[key] = (len(facility["units"]), unit)
            lines["facilities", f_index, "units", len(facility["units"])] = line
            facility["units"].append(unit)
        elif key not in units:
            raise InventoryError(
                f"unit '{unit_name}' has no bed_type and beds, and was not defined above",
                Location(file, line, "bed_type"),
                code="csv.row",
            )
        elif record is None:  # nothing to add: a note here would be lost
            raise InventoryError(
                f"the row names unit '{unit_name}' again but gives no staffing"
                + (", so its note belongs to nothing" if cells.get("note") else ""),
                Location(file, line, "unit"),
                "give staffed_fte to add a staffing record; a unit's own note goes on "
                "the row that defines it",
                code="csv.row",
            )
        if record is not None:
            u_index, target = units[key]
            where = ("facilities", f_index, "units", u_index, "staffing", len(target["staffing"]))
            lines[where] = line
            target["staffing"].append(record)
    return {"name": path.stem, "facilities": list(facilities.values())}, LineMap(file, lines)


def _csv_staffing(cells: dict[str, str], with_note: bool, where: Location) -> dict[str, Any] | None:
    fte = cells.get("staffed_fte")
    start = cells.get("staffed_valid_from")
    end = cells.get("staffed_valid_to")
    if not fte:
        if start or end:
            raise InventoryError(
                "'staffed_fte' is empty, but the row gives the staffing's dates",
                Location(where.file, where.line, "staffed_fte"),
                "give the FTE of the post, or leave its dates empty",
                code="csv.empty-cell",
            )
        return None
    record: dict[str, Any] = {"fte": fte}
    if start:
        record["valid_from"] = start
    if end:
        record["valid_to"] = end
    if with_note and cells.get("note"):
        record["note"] = cells["note"]
    return record


def staffed_on(records: Sequence[Staffing], on: dt.date) -> float:
    """FTE in force on a date (0.0 when every record has ended)."""
    if len(records) == 1:  # the usual case, and the same figure as the sum of one
        record = records[0]
        return record.fte if record.in_force(on) else 0.0
    return math.fsum(r.fte for r in records if r.in_force(on))
