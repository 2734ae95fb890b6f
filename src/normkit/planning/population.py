"""Populations by year and age group, read from a CSV as SSB's statbank exports it.

SSB publishes its population projections (table 13600, "Framskrevet
folkemengde 1. januar") and its population counts (07459) in the statbank,
whose CSV export has a title line, then a header naming the dimensions
(``region``, ``kjønn``, ``alder``, ``statistikkvariabel``) and either one
column per year (``Personer 2030``, ``2030``) or an ``år`` column and one
value column. normkit reads both; the user supplies the numbers, and every
row becomes a :class:`~normkit.Population` on 1 January of its year.
Nothing is interpolated or extrapolated: a year the file does not give has
no figure.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

from ..csvfiles import Table, decode, separator
from ..errors import InventoryError, Location
from ..files import read_bytes
from ..inventory import Population, age_span, first_age_overlap, is_total_age
from ..limits import DEFAULT, Limits
from ..values import listing

_YEAR_AT_END = re.compile(r"(?:^|\s)(\d{4})$")
_DIMENSIONS = {
    "region": "region",
    "kommune": "region",
    "area": "region",
    "alder": "alder",
    "age": "alder",
    "age_group": "alder",
    "kjønn": "kjønn",
    "kjonn": "kjønn",
    "sex": "kjønn",
    "statistikkvariabel": "statistikkvariabel",
    "contents": "statistikkvariabel",
    "år": "år",
    "ar": "år",
    "year": "år",
}
#: SSB's symbols for a missing figure: "." not applicable, ".." not available, ":" confidential
_MISSING = {".", "..", ":", "-"}
_TOTALS = {"i alt", "alle aldre", "alle", "begge kjønn", "total", "all"}


def read_population_csv(path: str | Path, limits: Limits = DEFAULT) -> tuple[Population, ...]:
    """Population records from an SSB-layout CSV (see the module's docstring).

    Rows of one region, age group and year are added up over ``kjønn``; a
    figure given twice (the same row again, or two columns of one year) is an
    error, as it would be counted twice. A file that mixes totals ("I alt",
    "Begge kjønn") with their parts, gives several projection alternatives, or
    has a missing figure (``..``) is an error naming the line: a plan never
    counts a total twice or guesses.
    """
    path = Path(path)
    file = str(path)
    text, encoding = decode(
        read_bytes(path, limits.max_csv_bytes, InventoryError), file, InventoryError
    )
    # Lines as the csv module sees them (str.splitlines also breaks at \x1c-\x1e, \x85…).
    lines = io.StringIO(text, newline="").readlines()
    start = _header_line(lines, file)
    delimiter = separator(lines[start])
    buffer = io.StringIO(text, newline="")
    reader = csv.reader(buffer, delimiter=delimiter, strict=True)
    try:
        for _ in range(start):  # the title lines; read, so that line numbers stay the file's
            next(reader)
        raw = next(reader)
    except (csv.Error, StopIteration):
        raise InventoryError(
            "cannot read the header", Location(file, start + 1), code="csv.syntax"
        ) from None
    header = [cell.strip().lstrip("\ufeff") for cell in raw]
    dimensions, years, value_column = _columns(header, file, start + 1)
    table = Table(file, encoding, delimiter, header, reader, buffer, InventoryError, limits)
    totals: dict[tuple[str | None, str | None, int], int] = {}
    # each figure's line by everything that tells it apart: a figure given twice is refused
    given: dict[tuple[str | None, ...], int] = {}
    alternatives: dict[str, int] = {}
    sexes: dict[str, int] = {}
    regions: dict[str | None, int] = {}
    ages: dict[str | None, dict[str | None, int]] = {}  # each region's age labels: first line
    for line, cells in table.rows():
        region = cells.get(dimensions.get("region", ""), "") or None
        age = cells.get(dimensions.get("alder", ""), "") or None
        regions.setdefault(region, line)
        ages.setdefault(region, {}).setdefault(age, line)
        if age is not None and age_span(age) is None and not is_total_age(age):
            raise InventoryError(
                f"'{age}' is not an age group normkit can place",
                Location(file, line, dimensions["alder"]),
                "write ages as SSB does: '067 år', '080-084 år', '90 år eller eldre' "
                "(or '80+'), or 'I alt' for every age",
                code="population.age",
            )
        if "statistikkvariabel" in dimensions:
            alternatives.setdefault(cells[dimensions["statistikkvariabel"]], line)
        if "kjønn" in dimensions:
            sexes.setdefault(cells[dimensions["kjønn"]].casefold(), line)
        if years:
            pairs = [(year, column, cells.get(column, "")) for column, year in years.items()]
        else:
            assert value_column is not None  # the long layout has one
            pairs = [
                (
                    _year(cells[dimensions["år"]], file, line, dimensions["år"]),
                    value_column,
                    cells[value_column],
                )
            ]
        sex = cells[dimensions["kjønn"]].casefold() if "kjønn" in dimensions else None
        # several alternatives are refused below, with their own message
        alternative = (
            cells[dimensions["statistikkvariabel"]] if "statistikkvariabel" in dimensions else None
        )
        for year, column, text_value in pairs:
            count = _count(text_value, file, line, column)
            first = given.setdefault((region, alternative, sex, age, str(year)), line)
            if first != line:
                raise InventoryError(
                    f"the population of {_described(region, sex, age)} in {year} is given "
                    f"again (first on line {first}): added up, it would be counted twice",
                    Location(file, line, column),
                    "give each region, sex, age group and year once",
                    code="population.duplicate",
                )
            key = (region, age, year)
            totals[key] = totals.get(key, 0) + count
    if len(regions) > 1:
        names = ", ".join(f"'{r}'" for r in regions)
        raise InventoryError(
            f"the file gives several regions ({names}): a plan's population is one municipality's",
            Location(file, sorted(regions.values())[1]),
            "export the municipality's own region",
            code="population.regions",
        )
    if len(alternatives) > 1:
        names = ", ".join(f"'{a}'" for a in alternatives)
        raise InventoryError(
            f"the file gives several projection alternatives ({names})",
            Location(file, sorted(alternatives.values())[1]),
            "export one alternative (SSB's main one is MMMM)",
            code="population.alternatives",
        )
    if len(sexes) > 1 and set(sexes) & _TOTALS:
        raise InventoryError(
            "the file gives both sexes together and each sex: added up, they would count "
            "everyone twice",
            Location(file, max(sexes.values())),
            "export either 'Begge kjønn' or the two sexes",
            code="population.total-and-parts",
        )
    if len(totals) > limits.max_units:
        raise InventoryError(
            f"the file gives {len(totals)} populations (region, age group and year), more than "
            f"the limit of {limits.max_units}",
            Location(file),
            "raise the limit (normkit.Limits(max_units=...) or NORMKIT_MAX_UNITS)",
            code="inventory.too-many-units",
        )
    _check_ages(totals, file)
    for region, first_lines in ages.items():
        pair = first_age_overlap(first_lines)
        if pair is not None:
            one, other = (first_lines[label] for label in pair)
            raise InventoryError(
                f"the age groups '{pair[0]}' (line {one}) and '{pair[1]}' (line {other}) of "
                f"{_described(region, None, None)} overlap: added up, some people would be "
                "counted twice",
                Location(file, max(one, other), dimensions["alder"]),
                "export age groups that do not overlap (one of SSB's groupings)",
                code="population.duplicate",
            )
    return tuple(
        Population(area=region, age_group=age, at=dt.date(year, 1, 1), inhabitants=count)
        for (region, age, year), count in totals.items()
    )


def _described(region: str | None, sex: str | None, age: str | None) -> str:
    parts = [f"'{p}'" for p in (region, sex, age) if p is not None]
    return ", ".join(parts) if parts else "the municipality"


def _header_line(lines: list[str], file: str) -> int:
    """The index of the header: SSB puts a title line and a blank line before it."""
    for index, line in enumerate(lines[:10]):
        cells = next(csv.reader([line], delimiter=separator(line)), [])
        if len([c for c in cells if c.strip()]) >= 2:
            return index
    raise InventoryError(
        "no header with two or more columns in the first 10 lines",
        Location(file, 1),
        "the header names the columns: region, alder, and a column per year (or år and a "
        "value column)",
        code="population.header",
    )


def _columns(
    header: list[str], file: str, line: int
) -> tuple[dict[str, str], dict[str, int], str | None]:
    """The dimension columns, the year columns (wide layout) or the value column (long)."""
    dimensions: dict[str, str] = {}
    years: dict[str, int] = {}
    others: list[str] = []
    for name in header:
        if name in years:  # a dimension named twice is caught below
            raise InventoryError(
                f"column '{name}' appears twice in the header",
                Location(file, line, name),
                code="csv.duplicate-column",
            )
        key = _DIMENSIONS.get(name.casefold())
        if key is not None:
            if key in dimensions:
                raise InventoryError(
                    f"columns '{dimensions[key]}' and '{name}' both give {key}",
                    Location(file, line, name),
                    code="csv.duplicate-column",
                )
            dimensions[key] = name
            continue
        year = _YEAR_AT_END.search(name)
        if year is not None:
            years[name] = _check_year(int(year.group(1)), file, line, name)
            same = [other for other, y in years.items() if y == years[name] and other != name]
            if same:
                raise InventoryError(
                    f"columns '{same[0]}' and '{name}' both give {years[name]}",
                    Location(file, line, name),
                    code="csv.duplicate-column",
                )
        elif name:
            others.append(name)
    if years and "år" in dimensions:
        raise InventoryError(
            "the header has both an 'år' column and columns per year",
            Location(file, line),
            code="population.header",
        )
    if years:
        if others:
            raise InventoryError(
                f"unknown column(s) {listing([repr(o) for o in others])}",
                Location(file, line),
                "besides region, kjønn, alder and statistikkvariabel, every column is a year "
                "(its name ends in the year)",
                code="csv.header",
            )
        return dimensions, years, None
    if "år" in dimensions and len(others) == 1:
        return dimensions, {}, others[0]
    raise InventoryError(
        "the header gives neither columns per year nor an 'år' column and one value column",
        Location(file, line),
        "SSB's statbank exports either; e.g. region;alder;2024;2025 or region;alder;år;personer",
        code="population.header",
    )


def _year(text: str, file: str, line: int, column: str) -> int:
    if not re.fullmatch(r"\d{4}", text.strip()):
        raise InventoryError(
            f"'{text}' is not a year", Location(file, line, column), code="population.year"
        )
    return _check_year(int(text), file, line, column)


#: the years a population may be given for (as for a plan's --years)
FIRST_YEAR, LAST_YEAR = 1900, 2200


def _check_year(year: int, file: str, line: int, column: str) -> int:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise InventoryError(
            f"{year} is not a year normkit plans for ({FIRST_YEAR}–{LAST_YEAR})",
            Location(file, line, column),
            code="population.year",
        )
    return year


def _count(text: str, file: str, line: int, column: str) -> int:
    cleaned = re.sub(r"[ \u00a0\u202f]", "", text)
    if cleaned in _MISSING or not cleaned:
        raise InventoryError(
            f"the figure is missing ('{text}')",
            Location(file, line, column),
            "SSB marks a missing figure with '.', '..' or ':'; normkit does not guess one: "
            "give the figure or leave the year out",
            code="population.missing",
        )
    if not (cleaned.isascii() and cleaned.isdigit()) or len(cleaned) > 12:  # not "²"
        raise InventoryError(
            f"'{text}' is not a number of inhabitants (a whole number)",
            Location(file, line, column),
            code="population.value",
        )
    return int(cleaned)


def _check_ages(totals: dict[tuple[str | None, str | None, int], int], file: str) -> None:
    """Refuse an age total ("I alt") given beside age groups of the same region and year."""
    groups: dict[tuple[str | None, int], set[str | None]] = {}
    for region, age, year in totals:
        groups.setdefault((region, year), set()).add(age)
    for (region, year), ages in groups.items():
        named = {a for a in ages if a is not None}
        total = {a for a in named if is_total_age(a)}
        if total and len(named) > len(total):
            raise InventoryError(
                f"{region or 'the file'}, {year}: '{sorted(total)[0]}' is given beside age "
                "groups; added up they would count everyone twice",
                Location(file),
                "export either the total or the age groups",
                code="population.total-and-parts",
            )
