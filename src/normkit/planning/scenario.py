"""Scenarios: named lists of dated changes to a base inventory.

A scenario never changes its base: :func:`apply_scenario` returns a new
inventory in which each change is a dated record (a unit that opens on a day,
a post that ends the day before another starts), plus what is not inventory
data (the norm set adopted from a day, the price of an FTE, measures with
costs and grants). A scenario may ``extends`` another, whose changes apply
first, as a norm set extends its parent.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar, get_args

from pydantic import (
    BeforeValidator,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from ..bed_types import BedType
from ..errors import InventoryError, Location, NormkitError
from ..files import LineMap, check_shape, convert_validation_error, read_document, split_path
from ..inventory import Inventory, StaffingRecords, age_group_key, check_bed_type, read_fte
from ..limits import DEFAULT, Limits
from ..model import Model
from ..provenance import Source
from ..quantities import Quantity
from ..rules.base import NOK_PER_YEAR, fmt
from ..rules.money import FteCost, GrantAboveListLength, non_negative
from ..values import MAX_MAGNITUDE, Count, Date, Number, read_number

#: the longest span, in years, of a measure or a population growth (a plan covers at most
#: 200 dates; longer spans would only make numbers overflow)
MAX_YEARS = 200


class ScenarioError(NormkitError):
    """A scenario file is malformed, or a change names what its base does not have."""

    code = "scenario"


class _Change(Model):
    error_class = ScenarioError

    valid_from: Date = Field(description="the first day the change is in force")
    note: str | None = None
    source: Source | None = None

    @model_validator(mode="after")
    def _a_day_before(self) -> _Change:
        # A change ends what was there the day before it starts: that day must exist.
        if self.valid_from == dt.date.min:
            raise ScenarioError(
                f"a change cannot start on {dt.date.min.isoformat()}: what it replaces would "
                "end the day before, which no date can name",
                Location(field="valid_from"),
                code="scenario.change-date",
            )
        return self

    def describe(self) -> str:
        """The change in one line, without its date, note or source."""
        raise NotImplementedError


class AddUnit(_Change):
    """A unit opens (in a new facility, if ``facility`` is not in the base yet)."""

    kind: Literal["add_unit"]
    facility: str = Field(min_length=1)
    unit: str = Field(min_length=1)
    bed_type: str
    beds: Count
    staffing: StaffingRecords = ()
    valid_to: Date | None = Field(default=None, description="the last day the unit exists")

    def describe(self) -> str:
        places = f"{self.beds} {self.bed_type} places"
        return f"{self.facility} › {self.unit} opens: {places}{_until(self.valid_to)}"


class RemoveUnit(_Change):
    """A unit closes: ``valid_from`` is its first day closed."""

    kind: Literal["remove_unit"]
    facility: str = Field(min_length=1)
    unit: str = Field(min_length=1)

    def describe(self) -> str:
        return f"{self.facility} › {self.unit} closes"


class ConvertUnit(_Change):
    """A unit changes bed type and/or number of beds; its staffing stays with it."""

    kind: Literal["convert_unit"]
    facility: str = Field(min_length=1)
    unit: str = Field(min_length=1)
    bed_type: str | None = None
    beds: Count | None = None

    @model_validator(mode="after")
    def _changes_something(self) -> ConvertUnit:
        if self.bed_type is None and self.beds is None:
            raise ScenarioError(
                "convert_unit needs bed_type, beds or both",
                code="scenario.convert-nothing",
            )
        return self

    def describe(self) -> str:
        to = [str(self.beds) if self.beds is not None else "", self.bed_type or ""]
        return f"{self.facility} › {self.unit} becomes {' '.join(t for t in to if t)} places"


class AddStaffing(_Change):
    """A post is added (to a unit, or to the facility when ``unit`` is left out)."""

    kind: Literal["add_staffing"]
    facility: str = Field(min_length=1)
    unit: str | None = None
    fte: Annotated[float, BeforeValidator(read_fte), Field(gt=0)]
    valid_to: Date | None = Field(default=None, description="the post's last day")

    def describe(self) -> str:
        return f"{_holder(self.facility, self.unit)}: +{fmt(self.fte)} FTE{_until(self.valid_to)}"


class SetStaffing(_Change):
    """From ``valid_from`` the staffing is ``fte``; the records in force then end the day before."""

    kind: Literal["set_staffing"]
    facility: str = Field(min_length=1)
    unit: str | None = None
    fte: Annotated[float, BeforeValidator(read_fte), Field(ge=0)]

    def describe(self) -> str:
        return f"{_holder(self.facility, self.unit)}: staffing becomes {fmt(self.fte)} FTE"


class SetFigure(_Change):
    """A stated figure (``public_health_fte``, ``free_list_places``…) takes a new value."""

    kind: Literal["set_figure"]
    figure: str = Field(min_length=1)
    value: Number

    def describe(self) -> str:
        return f"figure {self.figure} becomes {fmt(self.value)}"


#: a year as a JSON or TOML key writes it
_YEAR = re.compile(r"[0-9]{4}")


class PopulationPath(_Change):
    """Inhabitants of an area and age group on 1 January of each year given.

    ``valid_from`` is the first year's 1 January; the numbers are the user's
    (a projection, a municipality's own path), never made up by normkit.
    """

    kind: Literal["population_path"]
    area: str | None = None
    age_group: str | None = None
    inhabitants: dict[int, Count] = Field(
        min_length=1, description="inhabitants by year, e.g. {2027: 5400, 2028: 5650}"
    )

    @field_validator("inhabitants", mode="before")
    @classmethod
    def _year_keys(cls, value: Any) -> Any:
        """A year as written: 2027 (a YAML number) or "2027" (a JSON or TOML key), never
        "2027.0", "02027" or "2_027", which would read as 2027 and so could give one
        year twice, one value silently lost."""
        if not isinstance(value, dict):
            return value
        for key in value:
            if isinstance(key, bool) or not (
                isinstance(key, int) or (isinstance(key, str) and _YEAR.fullmatch(key))
            ):
                raise ValueError(f"{key!r} is not a year: write it as 2027")
        return value

    @model_validator(mode="after")
    def _years(self) -> PopulationPath:
        first = min(self.inhabitants)
        if dt.date(first, 1, 1) != self.valid_from or max(self.inhabitants) > 2200:
            raise ScenarioError(
                f"valid_from must be 1 January of the first year ({first}-01-01), and years "
                "at most 2200",
                Location(field="valid_from"),
                code="scenario.population-years",
            )
        return self

    def describe(self) -> str:
        years = sorted(self.inhabitants)
        path = ", ".join(f"{y}: {self.inhabitants[y]}" for y in years[:3])
        more = f", … {years[-1]}: {self.inhabitants[years[-1]]}" if len(years) > 3 else ""
        return f"population {_group(self.area, self.age_group)}: {path}{more}"


class PopulationGrowth(_Change):
    """An area's (age group's) population grows by ``percent_per_year`` from ``valid_from``.

    It starts from the latest record on or before ``valid_from`` and adds a
    record on 1 January of each year up to ``until``, rounded to whole
    inhabitants (the description says so).
    """

    kind: Literal["population_growth"]
    area: str | None = None
    age_group: str | None = None
    percent_per_year: Annotated[float, BeforeValidator(read_number), Field(ge=-50, le=50)]
    until: int = Field(description="the last year given a record")

    @model_validator(mode="after")
    def _years(self) -> PopulationGrowth:
        if self.valid_from != dt.date(self.valid_from.year, 1, 1):
            raise ScenarioError(
                "valid_from must be a 1 January: populations are counted on 1 January",
                Location(field="valid_from"),
                code="scenario.population-years",
            )
        if not self.valid_from.year < self.until <= min(2200, self.valid_from.year + MAX_YEARS):
            raise ScenarioError(
                f"until ({self.until}) must be a year after valid_from's, at most 2200 and "
                f"{MAX_YEARS} years on",
                Location(field="until"),
                code="scenario.population-years",
            )
        return self

    def describe(self) -> str:
        return (
            f"population {_group(self.area, self.age_group)} grows {fmt(self.percent_per_year)} % "
            f"a year until {self.until} (rounded to whole inhabitants)"
        )


def _group(area: str | None, age_group: str | None) -> str:
    return " ".join(p for p in (area, age_group) if p) or "(all)"


class AdoptNormSet(_Change):
    """From ``valid_from`` the scenario is assessed with another norm set."""

    kind: Literal["adopt_normset"]
    normset: str = Field(min_length=1, description="a registered norm-set id")

    def describe(self) -> str:
        return f"norm set '{self.normset}' adopted"


class SetFteCost(_Change):
    """From ``valid_from`` one FTE of gap is priced at ``salary`` × ``employer_cost_factor``."""

    kind: Literal["fte_cost"]
    salary: Quantity
    employer_cost_factor: Annotated[float, BeforeValidator(read_number), Field(ge=1.0)]

    _rule: FteCost = PrivateAttr()

    @model_validator(mode="after")
    def _build(self) -> SetFteCost:
        self._rule = FteCost(salary=self.salary, employer_cost_factor=self.employer_cost_factor)
        return self

    @property
    def rule(self) -> FteCost:
        return self._rule

    def describe(self) -> str:
        return f"an FTE of gap priced at {self._rule.describe()}"


class Measure(_Change):
    """A measure with a yearly cost or grant, in force from ``valid_from``.

    The yearly amount is stated (``amount: 200000 NOK/year``), priced from
    FTE (``fte``, ``salary`` and ``employer_cost_factor``), or paid per GP
    list (``per_list``: a ``grant_above_list_length`` rule, evaluated on each
    GP list in force on the date; unknown when there are none). With
    ``stated`` beside a priced amount, the plan's own figure is kept and the
    factor it implies is shown. ``years`` (or ``valid_to``) ends it: a start
    grant "NOK 200 000 a year for two years" is ``amount: 200000 NOK/year,
    years: 2, type: grant``. ``count`` multiplies it (three new GPs, each
    with the grant).
    """

    kind: Literal["measure"]
    id: str = Field(min_length=1)
    label: str | None = None
    type: Literal["cost", "grant"] = Field(
        description="a cost the municipality pays, or a grant it receives"
    )
    amount: Quantity | None = Field(
        default=None, description="NOK per year, e.g. '200000 NOK/year'"
    )
    fte: Annotated[float, BeforeValidator(read_number), Field(gt=0)] | None = None
    salary: Quantity | None = Field(default=None, description="NOK per year per FTE")
    employer_cost_factor: Annotated[float, BeforeValidator(read_number), Field(ge=1.0)] | None = (
        None
    )
    stated: Quantity | None = Field(
        default=None, description="the source's own yearly figure for an amount priced from FTE"
    )
    per_list: GrantAboveListLength | None = Field(
        default=None,
        description="paid per GP list: e.g. {kind: grant_above_list_length, rate: "
        "330 NOK/patient/year, above: 800 patient}",
    )
    count: Count = 1
    years: Count | None = Field(default=None, description="years in force from valid_from")
    valid_to: Date | None = Field(default=None, description="the measure's last day")

    _per_year: float = PrivateAttr()
    _stated: float | None = PrivateAttr(default=None)
    _salary: float | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _check(self) -> Measure:
        priced = (self.fte, self.salary, self.employer_cost_factor)
        ways = sum(
            [self.amount is not None, any(p is not None for p in priced), self.per_list is not None]
        )
        if ways > 1:
            raise ScenarioError(
                "give one of amount, fte with salary and employer_cost_factor, or per_list",
                Location(field="amount"),
                "with the source's own figure beside a priced amount, use stated",
                code="scenario.measure-amount",
            )
        if self.per_list is not None:
            self._per_year = 0.0  # computed on each date, from the GP lists in force
        elif self.amount is not None:
            self._per_year = non_negative(self.amount, NOK_PER_YEAR, "amount")
        elif all(p is not None for p in priced):
            assert self.fte is not None and self.salary is not None
            self._salary = non_negative(self.salary, "NOK/year/FTE", "salary")
            self._per_year = self.fte * self._salary * (self.employer_cost_factor or 1.0)
        else:
            raise ScenarioError(
                "a measure needs amount, fte with salary and employer_cost_factor, or per_list",
                Location(field="amount"),
                code="scenario.measure-amount",
            )
        if self.stated is not None and (self.fte is None or self.per_list is not None):
            raise ScenarioError(
                "stated goes with an amount priced from FTE",
                Location(field="stated"),
                code="scenario.measure-amount",
            )
        if self.stated is not None:
            self._stated = non_negative(self.stated, NOK_PER_YEAR, "stated")
        if self._per_year * self.count > MAX_MAGNITUDE:
            # Each figure is bounded; their product is a cost too, and a plan adds it up
            # over the years, so it is bounded the same way rather than shown as float noise.
            raise ScenarioError(
                f"the measure comes to {self._per_year * self.count:.3g} NOK a year, more than "
                "normkit accepts (at most 10^15)",
                Location(field="count" if self.count > 1 else "amount"),
                code="value.too-large",
            )
        if self.years is not None and self.valid_to is not None:
            raise ScenarioError(
                "give years or valid_to, not both",
                Location(field="years"),
                code="scenario.measure-end",
            )
        if self.years is not None and not 1 <= self.years <= MAX_YEARS:
            raise ScenarioError(
                f"years must be from 1 to {MAX_YEARS}",
                Location(field="years"),
                code="scenario.measure-end",
            )
        if self.years is not None and self.valid_from.year + self.years > dt.MAXYEAR:
            raise ScenarioError(
                f"{self.years} years from {self.valid_from.isoformat()} end after "
                f"{dt.date.max.isoformat()}, the last day a date can name",
                Location(field="years"),
                hint="give valid_to, or leave the end out for a measure with no end",
                code="scenario.measure-end",
            )
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise ScenarioError(
                f"valid_to {self.valid_to} is before valid_from {self.valid_from}",
                Location(field="valid_to"),
                code="validity.order",
            )
        return self

    @property
    def last_day(self) -> dt.date | None:
        if self.years is not None:
            return _years_after(self.valid_from, self.years) - dt.timedelta(days=1)
        return self.valid_to

    def in_force(self, day: dt.date) -> bool:
        end = self.last_day
        return self.valid_from <= day and (end is None or day <= end)

    @property
    def per_year(self) -> float:
        """NOK per year while in force (the amount × ``count``); 0 for a ``per_list`` measure,
        whose amount depends on the lists (:meth:`on_lists`)."""
        return self._per_year * self.count

    def on_lists(self, listed: Sequence[int]) -> tuple[float | None, str]:
        """A ``per_list`` measure's NOK per year on GP lists of ``listed`` patients, and how."""
        assert self.per_list is not None
        if not listed:
            return None, "not known: no GP list in force"
        paid = [self.per_list.paid_patients(n) for n in listed]
        value = math.fsum(self.per_list.evaluate({"listed_patients": n}) for n in listed)
        value *= self.count
        lists = sum(1 for p in paid if p > 0)
        text = f"{lists} of {len(listed)} lists, {fmt(math.fsum(paid))} patients paid for"
        return value, text

    def describe(self) -> str:
        label = self.label or self.id
        return f"{self.type} '{self.id}' ({label}): {self._amount_text()}{_until(self.last_day)}"

    def basis(self) -> str:
        """How the yearly amount is made up, and its period."""
        start = self.valid_from.isoformat()
        return f"{self._amount_text()} from {start}{_until(self.last_day)}"

    def _amount_text(self) -> str:
        if self.per_list is not None:
            what = f"per GP list, {self.per_list.describe()}"
        elif self.amount is not None:
            what = fmt(self._per_year, NOK_PER_YEAR)
        else:
            salary = fmt(self._salary, "NOK/year/FTE")
            what = f"{fmt(self.fte)} FTE × {salary} × {self.employer_cost_factor:g}"
            if self._stated is not None and self.fte and self._salary:
                implied = self._stated / (self.fte * self._salary)
                what += (
                    f" (the source states {fmt(self._stated, NOK_PER_YEAR)}, "
                    f"an employer-cost factor of {implied:.3f})"
                )
        return what + (f" × {self.count}" if self.count != 1 else "")


def _until(day: dt.date | None) -> str:
    return f" until {day.isoformat()}" if day else ""


def _holder(facility: str, unit: str | None) -> str:
    return f"{facility} › {unit}" if unit is not None else f"{facility} (facility staffing)"


def _years_after(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a year without one
        return day.replace(year=day.year + years, day=28)


Change = Annotated[
    AddUnit
    | RemoveUnit
    | ConvertUnit
    | AddStaffing
    | SetStaffing
    | SetFigure
    | PopulationPath
    | PopulationGrowth
    | AdoptNormSet
    | SetFteCost
    | Measure,
    Field(discriminator="kind"),
]


class Scenario(Model):
    """A named list of dated changes to a base (see the module's docstring)."""

    error_class = ScenarioError

    id: str = Field(min_length=1, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
    title: str = Field(min_length=1)
    description: str | None = None
    extends: str | None = Field(
        default=None,
        description="a scenario this one builds on: its id (given in the same run) or its "
        "file, relative to this one",
    )
    source: Source | None = None
    changes: tuple[Change, ...] = ()

    _origin: LineMap | None = PrivateAttr(default=None)
    #: the scenario ``extends`` names, when it was read with it (load_scenarios)
    _parent: Scenario | None = PrivateAttr(default=None)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and self.__dict__ == other.__dict__

    def __hash__(self) -> int:
        return hash(self.id)

    @property
    def origin(self) -> LineMap | None:
        """The file and lines the scenario was read from, if it was."""
        return self._origin

    def locate(self, field: str | None) -> Location:
        if self._origin is None:
            return Location(field=field)
        return self._origin.locate(split_path(field) if field else ())


def parse_scenario(data: Any, lines: LineMap) -> Scenario:
    """Validate a scenario read from a file."""
    if not isinstance(data, dict):
        raise ScenarioError(
            "a scenario must be a mapping", Location(lines.file, 1), code="scenario.not-a-mapping"
        )
    _check_kinds(data.get("changes"), lines)
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise convert_validation_error(exc, lines, ScenarioError) from None
    scenario._origin = lines
    return scenario


#: the change kinds a scenario file may use, read off the ``Change`` union
CHANGE_KINDS: tuple[str, ...] = tuple(
    kind
    for model in get_args(get_args(Change)[0])
    for kind in get_args(model.model_fields["kind"].annotation)
)


def _check_kinds(changes: Any, lines: LineMap) -> None:
    """Name an unknown change kind in a planner's words, with the kinds there are."""
    if not isinstance(changes, list):
        return
    for index, change in enumerate(changes):
        kind = change.get("kind") if isinstance(change, dict) else None
        if not isinstance(kind, str) or kind in CHANGE_KINDS:
            continue
        close = difflib.get_close_matches(kind, CHANGE_KINDS, n=1)
        raise ScenarioError(
            f"unknown change kind '{kind}'",
            lines.locate(("changes", index, "kind")),
            (f"did you mean '{close[0]}'? " if close else "") + f"kinds: {', '.join(CHANGE_KINDS)}",
            code="scenario.unknown-kind",
        )


def load_scenario(path: str | Path, limits: Limits = DEFAULT) -> Scenario:
    """Read a scenario from a ``.yaml``/``.yml``, ``.json`` or ``.toml`` file."""
    data, lines = read_document(Path(path), ScenarioError, limits)
    return parse_scenario(data, lines)


def load_scenarios(paths: Iterable[str | Path], limits: Limits = DEFAULT) -> list[Scenario]:
    """Read scenario files and the files they extend; the ones asked for first, in order.

    An ``extends`` that names a file (relative to the scenario's own file) is
    read too, once per file however many scenarios extend it; one that names
    an id must be among the scenarios read. Two files read that give one id
    are refused: an ``extends`` by that id could mean either.
    """
    asked = [load_scenario(p, limits) for p in paths]
    by_file: dict[Path, Scenario] = {}
    for scenario in asked:
        if scenario.origin and scenario.origin.file:
            by_file.setdefault(Path(scenario.origin.file).resolve(), scenario)
    found: dict[str, Scenario] = {}
    pending = list(asked)
    while pending:
        scenario = pending.pop()
        parent = scenario.extends
        if parent is None or not parent.lower().endswith(_SUFFIXES):
            continue
        here = Path(scenario.origin.file) if scenario.origin and scenario.origin.file else None
        path = (here.parent / parent) if here is not None else Path(parent)
        if not path.is_file():
            raise ScenarioError(
                f"scenario '{scenario.id}' extends '{parent}', which is not a file",
                scenario.locate("extends"),
                "give a path relative to the scenario's own file, or a scenario id",
                code="scenario.extends-unknown",
            )
        # By the file itself, not by how it is named: 'parent.json' next to two
        # scenarios in two folders is two files.
        key = path.resolve()
        loaded = by_file.get(key)
        if loaded is None:
            loaded = by_file[key] = load_scenario(path, limits)
            pending.append(loaded)
        scenario._parent = loaded
    for scenario in [*asked, *(s for s in by_file.values() if s not in asked)]:
        first = found.setdefault(scenario.id, scenario)
        if first is not scenario and scenario not in asked:
            raise ScenarioError(
                f"two scenario files give the id '{scenario.id}': "
                f"{_file_of(first)} and {_file_of(scenario)}",
                scenario.locate("id"),
                "give each scenario its own id",
                code="plan.duplicate-scenario",
            )
    return _linked(asked, found)


def _file_of(scenario: Scenario) -> str:
    return scenario.origin.file if scenario.origin and scenario.origin.file else "(no file)"


def _linked(asked: list[Scenario], found: Mapping[str, Scenario]) -> list[Scenario]:
    """``asked``, each scenario tied to the one it extends (a file's is tied already);
    every extends must resolve, without a cycle."""
    for scenario in found.values():
        if scenario.extends is not None and scenario._parent is None:
            scenario._parent = found.get(scenario.extends)
    chains = ScenarioSet(found)
    for scenario in asked:
        chains.chain(scenario)
    return asked


def parse_scenarios(documents: Sequence[Any], limits: Limits = DEFAULT) -> list[Scenario]:
    """Scenarios given as data (an HTTP request's), each checked like a file.

    ``extends`` may name another of the given scenarios by id, never a file:
    data from a request does not reach the file system.
    """
    scenarios = []
    for i, document in enumerate(documents):
        where = f"scenarios[{i}]"
        check_shape(document, where, ScenarioError, limits)
        scenario = parse_scenario(document, LineMap(where))
        if scenario.extends is not None and scenario.extends.lower().endswith(_SUFFIXES):
            raise ScenarioError(
                f"scenario '{scenario.id}' extends the file '{scenario.extends}'",
                Location(where, field="extends"),
                "here, extends names another scenario of the same request by its id",
                code="scenario.extends-unknown",
            )
        scenarios.append(scenario)
    return _linked(scenarios, {s.id: s for s in scenarios})


_SUFFIXES = (".yaml", ".yml", ".json", ".toml")


class ScenarioSet:
    """Scenarios by id (and by the file name an ``extends`` uses), to follow ``extends``."""

    def __init__(self, known: Mapping[str, Scenario]):
        self._known = dict(known)

    def chain(self, scenario: Scenario) -> list[Scenario]:
        """The scenario and its ancestors, root first."""
        chain = [scenario]
        while chain[-1].extends is not None:
            parent_id = chain[-1].extends
            assert parent_id is not None
            # a file's parent is tied to the scenario when read; an id is looked up
            parent = chain[-1]._parent or self._known.get(parent_id)
            if parent is None:
                raise ScenarioError(
                    f"scenario '{chain[-1].id}' extends '{parent_id}', which is not given",
                    chain[-1].locate("extends"),
                    f"scenarios given: {', '.join(sorted(self._known)) or 'none'}",
                    code="scenario.extends-unknown",
                )
            if parent in chain:
                cycle = " → ".join(s.id for s in [*chain, parent])
                raise ScenarioError(
                    f"scenarios extend each other in a cycle: {cycle}",
                    chain[-1].locate("extends"),
                    code="scenario.extends-cycle",
                )
            chain.append(parent)
        return chain[::-1]


class ChangeMade(Model):
    """One change as applied: when, by which scenario, what, and on what grounds."""

    valid_from: dt.date
    scenario: str
    kind: str
    change: str
    note: str | None = None
    source: Source | None = None


class Applied(Model):
    """A scenario applied to a base: the dated inventory and what is not inventory data."""

    scenario: Scenario
    chain: tuple[str, ...] = Field(description="the scenario ids applied, root first")
    inventory: Inventory
    normsets: tuple[AdoptNormSet, ...] = ()
    fte_costs: tuple[SetFteCost, ...] = ()
    measures: tuple[Measure, ...] = ()
    measure_owners: dict[str, str] = Field(
        default_factory=dict, description="the scenario that defines each measure, by id"
    )
    changes: tuple[ChangeMade, ...] = Field(default=(), description="every change, in date order")

    def owner_of(self, measure_id: str) -> str:
        return self.measure_owners.get(measure_id, self.scenario.id)

    def normset_on(self, day: dt.date) -> AdoptNormSet | None:
        """The latest norm-set adoption in force on ``day``, if any."""
        return _latest(self.normsets, day)

    def fte_cost_on(self, day: dt.date) -> SetFteCost | None:
        return _latest(self.fte_costs, day)

    def measures_on(self, day: dt.date) -> list[Measure]:
        return [m for m in self.measures if m.in_force(day)]


_C = TypeVar("_C", bound=_Change)


def _latest(changes: Sequence[_C], day: dt.date) -> _C | None:
    started = [c for c in changes if c.valid_from <= day]
    return max(started, key=lambda c: c.valid_from) if started else None


def apply_scenario(
    base: Inventory,
    scenario: Scenario,
    scenarios: Mapping[str, Scenario] | None = None,
    bed_types: Iterable[str] | Mapping[str, BedType] | None = None,
) -> Applied:
    """Apply ``scenario`` (after the scenarios it extends) to a copy of ``base``.

    ``scenarios`` holds the ones it may extend, by id; ``bed_types`` (when
    given) are the only bed types a change may use.
    """
    chain = ScenarioSet({scenario.id: scenario, **(scenarios or {})}).chain(scenario)
    data = _editable(base.model_dump(mode="python", exclude_none=True))
    normsets: list[AdoptNormSet] = []
    fte_costs: list[SetFteCost] = []
    measures: list[Measure] = []
    owners: dict[str, str] = {}
    made: list[ChangeMade] = []
    for step in chain:
        ordered = sorted(enumerate(step.changes), key=lambda item: item[1].valid_from)
        for index, change in ordered:
            where = step.locate(f"changes[{index}]")
            made.append(
                ChangeMade(
                    valid_from=change.valid_from,
                    scenario=step.id,
                    kind=change.kind,
                    change=change.describe(),
                    note=change.note,
                    source=change.source,
                )
            )
            if isinstance(change, AdoptNormSet):
                normsets.append(change)
            elif isinstance(change, SetFteCost):
                fte_costs.append(change)
            elif isinstance(change, Measure):
                measures.append(change)
                owners.setdefault(change.id, step.id)
            else:
                bed_type = getattr(change, "bed_type", None)
                if bed_type is not None and bed_types is not None:
                    try:
                        check_bed_type(bed_type, bed_types)
                    except InventoryError as error:
                        raise ScenarioError(
                            error.message,
                            step.locate(f"changes[{index}].bed_type"),
                            error.hint,
                            code=error.code,
                        ) from None
                _apply(data, change, where, step.id)
    known = (
        bed_types if isinstance(bed_types, Mapping) or bed_types is None else frozenset(bed_types)
    )
    try:
        inventory = Inventory.model_validate(
            data, context={"bed_types": known} if known is not None else None
        )
    except ValidationError as exc:
        problem = convert_validation_error(exc, LineMap(None, {}), ScenarioError)
        raise ScenarioError(
            f"scenario '{scenario.id}' gives an invalid inventory: {problem.message}",
            scenario.locate("changes"),
            problem.hint,
            code="scenario.invalid-result",
        ) from None
    ids = [m.id for m in measures]
    twice = sorted({i for i in ids if ids.count(i) > 1})
    if twice:
        raise ScenarioError(
            f"measure '{twice[0]}' is defined twice in scenario '{scenario.id}' or what it extends",
            scenario.locate("changes"),
            code="scenario.duplicate-measure",
        )
    return Applied(
        scenario=scenario,
        chain=tuple(s.id for s in chain),
        inventory=inventory,
        normsets=tuple(normsets),
        fte_costs=tuple(fte_costs),
        measures=tuple(measures),
        measure_owners=owners,
        changes=tuple(sorted(made, key=lambda c: c.valid_from)),
    )


# -- changes to inventory data (plain dicts, a deep copy of the base) -----------

_DAY = dt.timedelta(days=1)


def _editable(value: Any) -> Any:
    """A dump with lists where the models have tuples, so changes can append."""
    if isinstance(value, dict):
        return {k: _editable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_editable(v) for v in value]
    return value


def _in_force(record: Mapping[str, Any], day: dt.date) -> bool:
    start, end = record.get("valid_from"), record.get("valid_to")
    return (start is None or start <= day) and (end is None or day <= end)


def _end_before(record: dict[str, Any], day: dt.date) -> None:
    record["valid_to"] = day - _DAY


def _facility(
    data: dict[str, Any], name: str, day: dt.date, where: Location, scenario: str, create: bool
) -> dict[str, Any]:
    facilities: list[dict[str, Any]] = data.setdefault("facilities", [])
    for facility in facilities:
        if facility["name"] == name and _in_force(facility, day):
            return facility
    if create:
        facility = {"name": name, "units": [], "valid_from": day}
        facilities.append(facility)
        return facility
    known = sorted({f["name"] for f in facilities if _in_force(f, day)})
    raise ScenarioError(
        f"scenario '{scenario}': facility '{name}' does not exist on {day.isoformat()}",
        where,
        f"facilities then: {', '.join(known) or 'none'}",
        code="scenario.unknown-facility",
    )


def _unit(
    facility: dict[str, Any], name: str, day: dt.date, where: Location, scenario: str
) -> dict[str, Any]:
    units: list[dict[str, Any]] = facility.setdefault("units", [])
    for unit in units:
        if unit["name"] == name and _in_force(unit, day):
            return unit
    known = sorted({u["name"] for u in units if _in_force(u, day)})
    raise ScenarioError(
        f"scenario '{scenario}': facility '{facility['name']}' has no unit '{name}' on "
        f"{day.isoformat()}",
        where,
        f"its units then: {', '.join(known) or 'none'}",
        code="scenario.unknown-unit",
    )


def _apply(data: dict[str, Any], change: Any, where: Location, scenario: str) -> None:
    day: dt.date = change.valid_from
    if isinstance(change, SetFigure):
        _set_figure(data.setdefault("figures", {}), change)
        return
    if isinstance(change, PopulationPath | PopulationGrowth):
        _population(data.setdefault("populations", []), change, where, scenario)
        return
    facility = _facility(
        data, change.facility, day, where, scenario, create=isinstance(change, AddUnit)
    )
    if isinstance(change, AddUnit):
        unit: dict[str, Any] = {
            "name": change.unit,
            "bed_type": change.bed_type,
            "beds": change.beds,
            "staffing": [s.model_dump(exclude_none=True) for s in change.staffing],
            "valid_from": day,
        }
        if change.valid_to is not None:
            unit["valid_to"] = change.valid_to
        if change.note:
            unit["note"] = change.note
        facility.setdefault("units", []).append(unit)
    elif isinstance(change, RemoveUnit):
        _end_before(_unit(facility, change.unit, day, where, scenario), day)
    elif isinstance(change, ConvertUnit):
        old = _unit(facility, change.unit, day, where, scenario)
        new = {k: v for k, v in old.items() if k != "valid_to"}
        new["staffing"] = [
            dict(s)
            for s in old.get("staffing", [])
            if s.get("valid_to") is None or s["valid_to"] >= day
        ]
        new["valid_from"] = day
        if "valid_to" in old:
            new["valid_to"] = old["valid_to"]
        if change.bed_type is not None:
            new["bed_type"] = change.bed_type
        if change.beds is not None:
            new["beds"] = change.beds
        if change.note:
            new["note"] = change.note
        _end_before(old, day)
        facility["units"].append(new)
    else:
        holder = (
            _unit(facility, change.unit, day, where, scenario)
            if change.unit is not None
            else facility
        )
        records: list[dict[str, Any]] = holder.setdefault("staffing", [])
        if isinstance(change, SetStaffing):
            # A record that starts that very day is replaced; one in force ends the day before.
            records[:] = [r for r in records if r.get("valid_from") != day]
            for old_record in records:
                if _in_force(old_record, day):
                    _end_before(old_record, day)
        post: dict[str, Any] = {"fte": change.fte, "valid_from": day}
        if isinstance(change, AddStaffing) and change.valid_to is not None:
            post["valid_to"] = change.valid_to
        if change.note:
            post["note"] = change.note
        records.append(post)


def _set_figure(figures: dict[str, Any], change: SetFigure) -> None:
    """From its day the figure has the new value, until a value already set for later."""
    day = change.valid_from
    current = figures.get(change.figure)
    if current is None:
        records: list[dict[str, Any]] = []
    elif isinstance(current, list | tuple):
        records = [dict(r) for r in current]
    else:
        records = [{"value": current}]
    later = [r["valid_from"] for r in records if r.get("valid_from") and r["valid_from"] > day]
    for record in records:
        if _in_force(record, day):
            if record.get("valid_from") == day:
                record["replaced"] = True
            else:
                _end_before(record, day)
    entry: dict[str, Any] = {"value": change.value, "valid_from": day}
    if later:
        entry["valid_to"] = min(later) - _DAY
    if change.note:
        entry["note"] = change.note
    kept = [r for r in records if not r.pop("replaced", False)]
    figures[change.figure] = [*kept, entry]


def _population(
    records: list[dict[str, Any]],
    change: PopulationPath | PopulationGrowth,
    where: Location,
    scenario: str,
) -> None:
    """Records on 1 January of each year; a record the path gives for that day is replaced."""
    # One population: the same area and ages ("I alt" and no age group are both every age)
    same = [
        r
        for r in records
        if r.get("area") == change.area
        and age_group_key(r.get("age_group")) == age_group_key(change.age_group)
    ]
    if isinstance(change, PopulationPath):
        path = {dt.date(y, 1, 1): n for y, n in change.inhabitants.items()}
    else:
        before = [r for r in same if r.get("at") is None or r["at"] <= change.valid_from]
        if not before:
            raise ScenarioError(
                f"scenario '{scenario}': population {_group(change.area, change.age_group)} has "
                f"no record on or before {change.valid_from.isoformat()} to grow from",
                where,
                "give the population (or a population_path) first",
                code="scenario.unknown-population",
            )
        start = max(before, key=lambda r: r.get("at") or dt.date.min)["inhabitants"]
        factor = 1 + change.percent_per_year / 100
        first = change.valid_from.year
        # On valid_from the population is the latest known; each year after, it grows.
        path = {
            dt.date(y, 1, 1): round(start * factor ** (y - first))
            for y in range(first, change.until + 1)
        }
    records[:] = [r for r in records if not (r in same and r.get("at") in path)]
    for day, inhabitants in sorted(path.items()):
        record: dict[str, Any] = {"inhabitants": inhabitants, "at": day}
        if change.area is not None:
            record["area"] = change.area
        if change.age_group is not None:
            record["age_group"] = change.age_group
        records.append(record)
