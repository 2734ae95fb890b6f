"""What a planner reads when an SSB population file is refused: the whole message.

Each error names the file, its line and column where one is at fault, what is
wrong and how to export the file instead; a change to any part of it is a
change a planner sees, so the texts are pinned here whole.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import normkit


def _refused(tmp_path: Path, text: str, limits: normkit.Limits | None = None) -> str:
    path = tmp_path / "p.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(normkit.InventoryError) as caught:
        normkit.read_population_csv(path, limits or normkit.Limits())
    return f"{caught.value.code} | {str(caught.value).replace(str(path), 'p.csv')}"


@pytest.mark.parametrize(
    ("text", "error"),
    [
        (
            "region;alder;2024\nA;80 år;..\n",
            "population.missing | p.csv:2, field '2024': the figure is missing ('..') (hint: "
            "SSB marks a missing figure with '.', '..' or ':'; normkit does not guess one: give "
            "the figure or leave the year out)",
        ),
        (  # more inhabitants than a 12-digit figure is no count of people
            "region;alder;2024\nA;80 år;1234567890123\n",
            "population.value | p.csv:2, field '2024': '1234567890123' is not a number of "
            "inhabitants (a whole number)",
        ),
        (
            "title only\n\n",
            "population.header | p.csv:1: no header with two or more columns in the first 10 "
            "lines (hint: the header names the columns: region, alder, and a column per year "
            "(or år and a value column))",
        ),
        (
            "region;Personer 2024;Folk 2024\nA;1;2\n",
            "csv.duplicate-column | p.csv:1, field 'Folk 2024': columns 'Personer 2024' and "
            "'Folk 2024' both give 2024",
        ),
        (
            "region;alder;kommune;2024\nA;1;2;3\n",
            "csv.duplicate-column | p.csv:1, field 'kommune': columns 'region' and 'kommune' "
            "both give region",
        ),
        (
            "region;alder;år;2024\nA;1;2024;3\n",
            "population.header | p.csv:1: the header has both an 'år' column and columns per year",
        ),
        (
            "region;alder;weight;2024\nA;1;2;3\n",
            "csv.header | p.csv:1: unknown column(s) 'weight' (hint: besides region, kjønn, "
            "alder and statistikkvariabel, every column is a year (its name ends in the year))",
        ),
        (
            "region;alder\nA;1\n",
            "population.header | p.csv:1: the header gives neither columns per year nor an 'år' "
            "column and one value column (hint: SSB's statbank exports either; e.g. "
            "region;alder;2024;2025 or region;alder;år;personer)",
        ),
        (
            "region;alder;2024\nA;80 år;1\nA;old;2\n",
            "population.age | p.csv:3, field 'alder': 'old' is not an age group normkit can "
            "place (hint: write ages as SSB does: '067 år', '080-084 år', '90 år eller eldre' "
            "(or '80+'), or 'I alt' for every age)",
        ),
        (  # the line where the second region first appears
            "region;alder;2024\nA;80 år;1\nB;80 år;2\nA;67 år;3\n",
            "population.regions | p.csv:3: the file gives several regions ('A', 'B'): a plan's "
            "population is one municipality's (hint: export the municipality's own region)",
        ),
        (
            "region;kjønn;2030\nA;Begge kjønn;3\nA;Menn;1\n",
            "population.total-and-parts | p.csv:3: the file gives both sexes together and each "
            "sex: added up, they would count everyone twice (hint: export either 'Begge kjønn' "
            "or the two sexes)",
        ),
        (
            "region;alder;2024\nA;80 år;1;9\n",
            "csv.row-length | p.csv:2: row has 4 cells but the header has 3 columns (hint: the "
            "file is separated by semicolons; a decimal comma in a comma-separated file must "
            "be quoted)",
        ),
        (
            "region;alder;2024\nA;I alt;3\nA;80 år eller eldre;1\n",
            "population.total-and-parts | p.csv: A, 2024: 'I alt' is given beside age groups; "
            "added up they would count everyone twice (hint: export either the total or the "
            "age groups)",
        ),
        (
            "region;kjønn;alder;2024\nX;Menn;0-66 år;1\nX;Menn;0-66 år;1\n",
            "population.duplicate | p.csv:3, field '2024': the population of 'X', 'menn', "
            "'0-66 år' in 2024 is given again (first on line 2): added up, it would be counted "
            "twice (hint: give each region, sex, age group and year once)",
        ),
        (  # one age group written two ways: '067-079 år' and '67-79 år' are the same ages
            "region;alder;2024\nX;067-079 år;1\nX;80 år eller eldre;2\nX;67-79 år;3\n",
            "population.duplicate | p.csv:4, field 'alder': the age groups '067-079 år' (line 2) "
            "and '67-79 år' (line 4) of 'X' overlap: added up, some people would be counted "
            "twice (hint: export age groups that do not overlap (one of SSB's groupings))",
        ),
        (  # groups that share some ages, in different years
            "region;alder;år;personer\nX;75-84 år;2024;1\nX;67-79 år;2025;3\n",
            "population.duplicate | p.csv:3, field 'alder': the age groups '67-79 år' (line 3) "
            "and '75-84 år' (line 2) of 'X' overlap: added up, some people would be counted "
            "twice (hint: export age groups that do not overlap (one of SSB's groupings))",
        ),
        (
            "år;personer\n2030;1\n2030;2\n",
            "population.duplicate | p.csv:3, field 'personer': the population of the "
            "municipality in 2030 is given again (first on line 2): added up, it would be "
            "counted twice (hint: give each region, sex, age group and year once)",
        ),
    ],
)
def test_a_refused_population_file_says_where_what_and_how(
    tmp_path: Path, text: str, error: str
) -> None:
    assert _refused(tmp_path, text) == error


def test_more_populations_than_the_limit_says_how_to_raise_it(tmp_path: Path) -> None:
    """One row of two years is two populations: the limit counts populations, not rows."""
    error = _refused(tmp_path, "region;alder;2024;2025\nA;80 år;1;2\n", normkit.Limits(max_units=1))
    assert error == (
        "inventory.too-many-units | p.csv: the file gives 2 populations (region, age group and "
        "year), more than the limit of 1 (hint: raise the limit (normkit.Limits(max_units=...) "
        "or NORMKIT_MAX_UNITS))"
    )


def test_a_file_of_totals_only_and_one_saved_with_two_byte_order_marks_are_read(
    tmp_path: Path,
) -> None:
    """'I alt' alone is everyone, not a total beside its parts; a second byte order mark
    (a file saved twice by a tool that adds one) is not part of the first column's name."""
    path = tmp_path / "p.csv"
    path.write_text("region;alder;2030\nA;I alt;3\n", encoding="utf-8")
    (everyone,) = normkit.read_population_csv(path)
    assert (everyone.age_group, everyone.inhabitants) == ("I alt", 3)
    path.write_bytes(b"\xef\xbb\xbf\xef\xbb\xbfregion;alder;2024\nA;80 \xc3\xa5r;1\n")
    (old,) = normkit.read_population_csv(path)
    assert (old.area, old.age_group, old.inhabitants) == ("A", "80 år", 1)
