"""Plans over years: records with validity, scenarios as dated changes, projections.

The figures are computed here from the national norm's rates (Legeforeningen
2012, as quoted in § 3.1 of Sarpsborg's plan: one FTE per 90 long-term, 20
short-term, 60 special-dementia places) and the bundled example's inventory
(Table 3), never read back from the scenario files the tests write.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

import normkit
from normkit.cli import app

from .conftest import EXAMPLE

Write = Callable[[str, str], Path]

PER_FTE = {"long_term": 90, "short_term": 20, "dementia_special": 60}
Y2020, Y2021, Y2022, Y2023 = (dt.date(y, 1, 1) for y in (2020, 2021, 2022, 2023))


def national_need(units: list[tuple[str, int]]) -> float:
    return sum(beds / PER_FTE[bed_type] for bed_type, beds in units)


TABLE_3 = [
    ("long_term", 112),
    ("long_term", 50),
    ("dementia_special", 12),
    ("long_term", 17),
    ("short_term", 13),
    ("long_term", 48),
    ("dementia_special", 16),
    ("dementia_special", 70),
    ("long_term", 32),
]
STAFFED_APRIL_2020 = 1.0 + 0.6 + 0.2 + 0.8 + 0.8  # Table 3 without Valaskjold's ended post


def scenario(write: Write, text: str, name: str = "s.yaml") -> normkit.Scenario:
    return normkit.load_scenario(write(name, text))


# -- validity on inventory records --------------------------------------------


def test_a_unit_counts_only_while_it_exists(kit: normkit.Kit) -> None:
    inventory = normkit.Inventory(
        facilities=[
            {
                "name": "Home",
                "units": [
                    {"name": "A", "bed_type": "long_term", "beds": 90},
                    {"name": "B", "bed_type": "short_term", "beds": 20, "valid_from": "2021-01-01"},
                    {"name": "C", "bed_type": "long_term", "beds": 45, "valid_to": "2020-12-31"},
                ],
            }
        ]
    )
    before = kit.assess(inventory, "national", dt.date(2020, 12, 31))
    after = kit.assess(inventory, "national", Y2021)
    assert [u.unit for u in before.units] == ["A", "C"]
    assert before.totals.norm_fte == pytest.approx(1.0 + 45 / 90)
    assert [u.unit for u in after.units] == ["A", "B"]
    assert after.totals.norm_fte == pytest.approx(2.0)
    assert inventory.facilities[0].units[1].valid_from == Y2021  # the inventory is unchanged


def test_a_facility_counts_only_while_open(kit: normkit.Kit) -> None:
    inventory = normkit.Inventory(
        facilities=[
            {
                "name": "Old",
                "valid_to": "2020-12-31",
                "units": [{"name": "A", "bed_type": "long_term", "beds": 90}],
            },
            {
                "name": "New",
                "valid_from": "2021-01-01",
                "units": [{"name": "A", "bed_type": "long_term", "beds": 180}],
            },
        ]
    )
    assert [f.facility for f in kit.assess(inventory, "national", Y2020).facilities] == ["Old"]
    assert kit.assess(inventory, "national", Y2021).totals.norm_fte == pytest.approx(2.0)


def test_one_name_over_two_periods_is_one_unit_over_time() -> None:
    converted = normkit.Facility(
        name="Home",
        units=[
            {"name": "A", "bed_type": "long_term", "beds": 30, "valid_to": "2021-12-31"},
            {"name": "A", "bed_type": "dementia_special", "beds": 30, "valid_from": "2022-01-01"},
        ],
    )
    assert [u.bed_type for u in converted.on(Y2022).units] == ["dementia_special"]
    with pytest.raises(normkit.InventoryError, match="in periods that overlap") as caught:
        normkit.Facility(
            name="Home",
            units=[
                {"name": "A", "bed_type": "long_term", "beds": 30, "valid_to": "2022-01-01"},
                {
                    "name": "A",
                    "bed_type": "dementia_special",
                    "beds": 30,
                    "valid_from": "2022-01-01",
                },
            ],
        )
    assert caught.value.code == "inventory.duplicate"
    assert caught.value.location.field == "units[1].name"


def test_a_dated_figure_has_its_value_on_each_day(kit: normkit.Kit) -> None:
    inventory = normkit.Inventory(
        figures={
            "public_health_fte": [
                {"value": 2.5, "valid_to": "2020-12-31"},
                {"value": 3.0, "valid_from": "2021-01-01"},
            ]
        }
    )
    assert inventory.on(Y2020).indicators() == {"public_health_fte": 2.5}
    assert inventory.on(Y2021).indicators() == {"public_health_fte": 3.0}
    with pytest.raises(normkit.InventoryError) as caught:
        inventory.indicators()
    assert caught.value.code == "inventory.dated-figure"
    with pytest.raises(normkit.InventoryError, match="two values at once") as overlap:
        normkit.Inventory(
            figures={
                "x": [
                    {"value": 1, "valid_to": "2021-01-01"},
                    {"value": 2, "valid_from": "2021-01-01"},
                ]
            }
        )
    assert overlap.value.code == "inventory.duplicate"


def test_a_population_series_counts_its_latest_record() -> None:
    series = normkit.Inventory(
        populations=[
            {"area": "A", "inhabitants": 100, "at": "2020-01-01"},
            {"area": "A", "inhabitants": 120, "at": "2022-01-01"},
            {"area": "B", "inhabitants": 7, "at": "2030-01-01"},
        ]
    )
    assert series.on(dt.date(2021, 6, 1)).indicators()["inhabitants"] == 100 + 7
    assert series.on(dt.date(2022, 12, 31)).indicators()["inhabitants"] == 120 + 7
    # The last count holds for its year; after that the series has no value, none carried on.
    assert series.on(Y2023).indicators()["inhabitants"] == 7
    # Before its first record a series has no value: nothing is carried backwards.
    assert series.on(dt.date(2019, 1, 1)).indicators()["inhabitants"] == 7
    # An area's total and its age groups are one population, not two.
    total_and_old = normkit.Inventory(
        populations=[
            {"area": "A", "inhabitants": 100},
            {"area": "A", "age_group": "80 år eller eldre", "inhabitants": 9},
        ]
    )
    assert total_and_old.indicators() == {"inhabitants": 100, "inhabitants_80+": 9}


@pytest.mark.parametrize(
    ("records", "field", "said"),
    [
        (  # one age group written two ways (it crashed the assessment: Populations sorted)
            [
                {"area": "X", "age_group": "80+", "inhabitants": 5000, "at": "2024-01-01"},
                {"area": "X", "age_group": "80 år eller eldre", "inhabitants": 100},
            ],
            "populations[1].age_group",
            "the age groups '80 år eller eldre' and '80+' of area 'X' overlap",
        ),
        (  # groups sharing ages 75-79
            [
                {"age_group": "67-79 år", "inhabitants": 5},
                {"age_group": "90 år eller eldre", "inhabitants": 1},
                {"age_group": "75-84 år", "inhabitants": 5},
            ],
            "populations[2].age_group",
            "the age groups '67-79 år' and '75-84 år' of the municipality overlap",
        ),
        (  # one record on one date given twice: one of the two won, by its place in the file
            [
                {"area": "X", "inhabitants": 5000, "at": "2024-01-01"},
                {"area": "X", "inhabitants": 100, "at": "2024-01-01"},
            ],
            "populations[1]",
            "the population of area 'X', every age on 2024-01-01 is given twice (first in "
            "populations[0])",
        ),
        (  # undated: the two were added up; 'I alt' is every age, as no age group is
            [
                {"area": "X", "inhabitants": 5000},
                {"area": "X", "age_group": "I alt", "inhabitants": 1},
            ],
            "populations[1]",
            "the population of area 'X', every age is given twice",
        ),
    ],
)
def test_people_counted_twice_are_refused(
    records: list[dict[str, object]], field: str, said: str
) -> None:
    with pytest.raises(normkit.InventoryError) as refused:
        normkit.Inventory(populations=records)
    assert refused.value.code == "inventory.duplicate"
    assert refused.value.location is not None and refused.value.location.field == field
    assert refused.value.message.startswith(said)
    assert refused.value.hint == (
        "write each age group one way, and let an area's age groups cover separate ages"
        if "overlap" in said
        else "give each area, age group and date once"
    )
    # a population file given to a plan is checked the same way
    with pytest.raises(normkit.InventoryError) as again:
        normkit.Inventory().with_populations(normkit.Population.model_validate(r) for r in records)
    assert again.value.message.startswith(said)


def test_a_path_for_every_age_replaces_a_record_of_i_alt(write: Write) -> None:
    """'I alt' and no age group are both every age: the path's 2027 replaces the record."""
    base = normkit.Inventory(
        populations=[{"age_group": "I alt", "inhabitants": 5000, "at": "2027-01-01"}]
    )
    path = scenario(
        write,
        "id: s\ntitle: t\nchanges:\n"
        "  - {kind: population_path, valid_from: 2027-01-01, inhabitants: {2027: 5100}}\n",
    )
    applied = normkit.apply_scenario(base, path)
    on = applied.inventory.on(dt.date(2027, 6, 1)).indicators()
    assert on["inhabitants"] == 5100
    # one series, whatever the day: 'I alt' in 2026 and no age group from 2027 (the
    # two were each counted, 10 100 in 2027), and growth from an 'I alt' record
    later = normkit.Inventory(
        populations=[
            {"age_group": "I alt", "inhabitants": 5000, "at": "2026-01-01"},
            {"inhabitants": 5100, "at": "2027-01-01"},
        ]
    )
    assert later.on(dt.date(2027, 6, 1)).indicators()["inhabitants"] == 5100
    assert later.on(dt.date(2026, 6, 1)).indicators()["inhabitants"] == 5000
    grow = scenario(
        write,
        "id: g\ntitle: t\nchanges:\n  - {kind: population_growth, valid_from: 2026-01-01, "
        "percent_per_year: 10, until: 2028}\n",
        "g.yaml",
    )
    grown = normkit.apply_scenario(later, grow).inventory
    assert grown.on(dt.date(2028, 6, 1)).indicators()["inhabitants"] == round(5000 * 1.1**2)


def test_age_groups_that_meet_and_one_series_over_time_are_not_people_counted_twice() -> None:
    inventory = normkit.Inventory(
        populations=[
            {"area": "X", "age_group": "67-79 år", "inhabitants": 50, "at": "2024-01-01"},
            {"area": "X", "age_group": "67-79 år", "inhabitants": 60, "at": "2025-01-01"},
            {"area": "X", "age_group": "80-89 år", "inhabitants": 20},
            {"area": "X", "age_group": "90 år eller eldre", "inhabitants": 4},
            {"area": "Y", "age_group": "67+", "inhabitants": 7},
        ]
    )
    on = inventory.on(dt.date(2025, 6, 1)).indicators()
    assert on["inhabitants_67+"] == 60 + 20 + 4 + 7
    assert "inhabitants_80+" not in on  # area Y's 67+ straddles 80: left out, not guessed


def test_inventories_are_put_together_and_their_clashes_named() -> None:
    homes = normkit.load_inventory(EXAMPLE)
    figures = normkit.Inventory(name="figures", figures={"public_health_fte": 2.5})
    both = normkit.combine_inventories([homes, figures])
    assert both.name == f"{homes.name} + figures"
    assert both.facilities == homes.facilities
    assert both.figures == {"public_health_fte": 2.5}
    with pytest.raises(normkit.InventoryError, match="appears twice") as twice:
        normkit.combine_inventories([homes, homes])
    assert twice.value.code == "inventory.duplicate"
    other = normkit.Inventory(name="other", figures={"public_health_fte": 3.0})
    with pytest.raises(normkit.InventoryError, match="stated differently") as clash:
        normkit.combine_inventories([figures, other])
    assert clash.value.code == "inventory.figure-conflict"


# -- scenarios: each kind of change ---------------------------------------------


def applied(write: Write, changes: str, base: normkit.Inventory | None = None) -> normkit.Applied:
    s = scenario(write, f"id: s\ntitle: test\nchanges:\n{changes}")
    return normkit.apply_scenario(base or normkit.load_inventory(EXAMPLE), s)


def units_on(a: normkit.Applied, day: dt.date, facility: str) -> list[tuple[str, str, int]]:
    (f,) = [f for f in a.inventory.on(day).facilities if f.name == facility]
    return [(u.name, u.bed_type, u.beds) for u in f.units]


def test_add_unit_opens_a_unit_and_a_new_facility(write: Write) -> None:
    a = applied(
        write,
        """
  - {kind: add_unit, valid_from: 2022-01-01, facility: Borgen, unit: Wing, bed_type: dementia_special, beds: 20}
  - {kind: add_unit, valid_from: 2023-01-01, facility: New home, unit: One, bed_type: long_term, beds: 30, staffing: 0.3}
""",
    )
    assert units_on(a, dt.date(2021, 12, 31), "Borgen") == [("Borgen", "dementia_special", 70)]
    assert units_on(a, Y2022, "Borgen")[-1] == ("Wing", "dementia_special", 20)
    assert "New home" not in [f.name for f in a.inventory.on(Y2022).facilities]
    assert units_on(a, Y2023, "New home") == [("One", "long_term", 30)]


def test_remove_and_convert_units(write: Write) -> None:
    a = applied(
        write,
        """
  - {kind: remove_unit, valid_from: 2022-01-01, facility: Valaskjold, unit: Valaskjold}
  - {kind: convert_unit, valid_from: 2021-07-01, facility: Tingvoll, unit: Tingvoll long-term, bed_type: dementia_special, beds: 40}
""",
    )
    assert units_on(a, dt.date(2021, 12, 31), "Valaskjold") == [("Valaskjold", "long_term", 32)]
    assert units_on(a, Y2022, "Valaskjold") == []
    assert units_on(a, dt.date(2021, 6, 30), "Tingvoll")[0] == (
        "Tingvoll long-term",
        "long_term",
        50,
    )
    assert units_on(a, dt.date(2021, 7, 1), "Tingvoll")[-1] == (
        "Tingvoll long-term",
        "dementia_special",
        40,
    )


def test_a_converted_unit_keeps_its_staffing(write: Write, kit: normkit.Kit) -> None:
    base = normkit.Inventory(
        facilities=[
            {
                "name": "Home",
                "units": [{"name": "A", "bed_type": "long_term", "beds": 60, "staffing": 0.5}],
            }
        ]
    )
    a = applied(
        write,
        "  - {kind: convert_unit, valid_from: 2022-01-01, facility: Home, unit: A, bed_type: dementia_special}\n",
        base,
    )
    after = kit.assess(a.inventory, "national", Y2022)
    (unit,) = after.units
    assert (unit.bed_type, unit.staffed_fte, unit.norm_fte) == ("dementia_special", 0.5, 1.0)


def test_staffing_changes(write: Write, kit: normkit.Kit) -> None:
    a = applied(
        write,
        """
  - {kind: add_staffing, valid_from: 2021-01-01, facility: Kurland, fte: 0.25, valid_to: 2021-12-31}
  - {kind: set_staffing, valid_from: 2022-01-01, facility: Borgen, fte: "110 %"}
  - {kind: add_staffing, valid_from: 2022-01-01, facility: Haugvoll, fte: "0,1"}
""",
    )

    def staffed(day: dt.date, facility: str) -> float | None:
        result = kit.assess(a.inventory, "national", day)
        return next(f.staffed_fte for f in result.facilities if f.facility == facility)

    assert staffed(dt.date(2020, 12, 31), "Kurland") == 1.0
    assert staffed(Y2021, "Kurland") == pytest.approx(1.25)
    assert staffed(Y2022, "Kurland") == 1.0
    assert staffed(dt.date(2021, 12, 31), "Borgen") == 0.8
    assert staffed(Y2022, "Borgen") == pytest.approx(1.1)
    assert staffed(Y2022, "Haugvoll") == pytest.approx(0.9)


def test_set_staffing_on_a_unit_replaces_a_record_that_starts_that_day(write: Write) -> None:
    a = applied(
        write,
        """
  - {kind: add_staffing, valid_from: 2022-01-01, facility: Kurland, unit: Kurland, fte: 0.5}
  - {kind: set_staffing, valid_from: 2022-01-01, facility: Kurland, unit: Kurland, fte: 0.7}
""",
    )
    (unit,) = a.inventory.on(Y2022).facilities[0].units
    assert [(s.fte, s.valid_from) for s in unit.staffing] == [(0.7, Y2022)]


def test_set_figure_holds_until_a_later_value(write: Write) -> None:
    base = normkit.Inventory(
        figures={
            "f": [{"value": 1, "valid_to": "2021-12-31"}, {"value": 5, "valid_from": "2023-01-01"}]
        }
    )
    a = applied(
        write, "  - {kind: set_figure, valid_from: 2021-06-01, figure: f, value: 2}\n", base
    )
    values = [a.inventory.on(day).indicators().get("f") for day in (Y2021, Y2022, Y2023)]
    assert values == [1, 2, 5]
    fresh = applied(
        write, "  - {kind: set_figure, valid_from: 2022-01-01, figure: g, value: 3}\n", base
    )
    assert "g" not in fresh.inventory.on(Y2021).indicators()
    assert fresh.inventory.on(Y2022).indicators()["g"] == 3


def test_norm_set_price_and_measures_are_dated(write: Write) -> None:
    a = applied(
        write,
        """
  - {kind: adopt_normset, valid_from: 2022-01-01, normset: other}
  - {kind: fte_cost, valid_from: 2021-01-01, salary: 800000 NOK/year/FTE, employer_cost_factor: 1.35}
  - {kind: measure, id: grant, type: grant, valid_from: 2021-03-01, amount: 200000 NOK/year, years: 2, count: 3}
  - {kind: measure, id: gp, type: cost, valid_from: 2021-01-01, valid_to: 2021-12-31, fte: 0.5, salary: 900000 NOK/year/FTE, employer_cost_factor: 1.3, stated: 600000 NOK/year}
""",
    )
    assert a.normset_on(Y2021) is None
    adopted = a.normset_on(Y2022)
    assert adopted is not None and adopted.normset == "other"
    cost = a.fte_cost_on(Y2021)
    assert cost is not None and cost.rule.evaluate({"fte": 1.0}) == pytest.approx(800_000 * 1.35)
    measures = {m.id: m for m in a.measures}
    grant, gp = measures["grant"], measures["gp"]
    assert grant.per_year == 3 * 200_000
    assert grant.last_day == dt.date(2023, 2, 28)  # two years from 1 March 2021
    assert [m.id for m in a.measures_on(dt.date(2023, 2, 28))] == ["grant"]
    assert a.measures_on(dt.date(2023, 3, 1)) == []
    assert gp.per_year == pytest.approx(0.5 * 900_000 * 1.3)
    assert "an employer-cost factor of 1.333" in gp.basis()  # 600 000 / (0.5 × 900 000)


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ("{kind: measure, id: m, type: cost, valid_from: 2021-01-01}", "scenario.measure-amount"),
        # fte: null once reached a constraint check as None and ended in a TypeError
        (
            "{kind: measure, id: m, type: cost, valid_from: 2021-01-01, fte: null}",
            "scenario.measure-amount",
        ),
        (
            "{kind: measure, id: m, type: cost, valid_from: 2021-01-01, amount: 1 NOK/year, fte: 1}",
            "scenario.measure-amount",
        ),
        (
            "{kind: measure, id: m, type: cost, valid_from: 2021-01-01, amount: 1 NOK/year, stated: 1 NOK/year}",
            "scenario.measure-amount",
        ),
        (
            "{kind: measure, id: m, type: cost, valid_from: 2021-01-01, amount: 1 NOK/year, years: 1, valid_to: 2022-01-01}",
            "scenario.measure-end",
        ),
        (
            "{kind: measure, id: m, type: cost, valid_from: 2021-01-01, amount: 1 NOK/year, years: 0}",
            "scenario.measure-end",
        ),
        (
            "{kind: measure, id: m, type: cost, valid_from: 2021-01-01, amount: 1 NOK/year, valid_to: 2020-01-01}",
            "validity.order",
        ),
        (
            "{kind: measure, id: m, type: cost, valid_from: 2021-01-01, amount: 1 FTE}",
            "quantity.dimension",
        ),
        (
            "{kind: convert_unit, valid_from: 2021-01-01, facility: A, unit: B}",
            "scenario.convert-nothing",
        ),
        ("{kind: add_staffing, valid_from: 2021-01-01, facility: A, fte: 0}", "field.range"),
        ("{kind: add_staff, valid_from: 2021-01-01}", "scenario.unknown-kind"),
    ],
)
def test_a_bad_change_is_named_with_its_line(write: Write, change: str, code: str) -> None:
    path = write(
        "bad.yaml",
        f"id: s\ntitle: t\nchanges:\n  - {{kind: remove_unit, valid_from: 2021-01-01, facility: A, unit: B}}\n  - {change}\n",
    )
    with pytest.raises(normkit.NormkitError) as caught:
        normkit.load_scenario(path)
    assert caught.value.location.file == str(path)
    assert caught.value.location.line == 5
    assert caught.value.code == code


@pytest.mark.parametrize(
    ("change", "code", "message"),
    [
        (
            "{kind: remove_unit, valid_from: 2021-01-01, facility: Nowhere, unit: A}",
            "scenario.unknown-facility",
            "Borgen",
        ),
        (
            "{kind: remove_unit, valid_from: 2021-01-01, facility: Borgen, unit: Wing}",
            "scenario.unknown-unit",
            "its units then: Borgen",
        ),
        (
            "{kind: add_staffing, valid_from: 2021-01-01, facility: Borgen, unit: Wing, fte: 1}",
            "scenario.unknown-unit",
            "Wing",
        ),
        (
            "{kind: add_unit, valid_from: 2021-01-01, facility: Borgen, unit: Borgen, bed_type: long_term, beds: 1}",
            "scenario.invalid-result",
            "appears twice",
        ),
    ],
)
def test_a_change_to_what_the_base_lacks_is_named(
    write: Write, change: str, code: str, message: str
) -> None:
    path = write("s.yaml", f"id: s\ntitle: t\nchanges:\n  - {change}\n")
    with pytest.raises(normkit.ScenarioError, match=message) as caught:
        normkit.apply_scenario(normkit.load_inventory(EXAMPLE), normkit.load_scenario(path))
    assert caught.value.code == code
    assert caught.value.location.file == str(path)


def test_a_removed_unit_cannot_be_changed_after_it_closed(write: Write) -> None:
    with pytest.raises(normkit.ScenarioError, match="no unit 'Valaskjold' on 2023-01-01"):
        applied(
            write,
            """
  - {kind: remove_unit, valid_from: 2022-01-01, facility: Valaskjold, unit: Valaskjold}
  - {kind: add_staffing, valid_from: 2023-01-01, facility: Valaskjold, unit: Valaskjold, fte: 1}
""",
        )


def test_a_new_bed_type_must_be_known(write: Write, kit: normkit.Kit) -> None:
    s = scenario(
        write,
        "id: s\ntitle: t\nchanges:\n  - {kind: add_unit, valid_from: 2021-01-01, facility: A, unit: B, bed_type: langtid, beds: 1}\n",
    )
    with pytest.raises(normkit.ScenarioError, match="did you mean 'long_term'"):
        normkit.apply_scenario(normkit.load_inventory(EXAMPLE), s, None, kit.bed_types)


# -- extends ------------------------------------------------------------------


def test_a_scenario_extends_another_by_file_or_id(write: Write, kit: normkit.Kit) -> None:
    write(
        "parent.yaml",
        "id: parent\ntitle: p\nchanges:\n  - {kind: add_staffing, valid_from: 2021-01-01, facility: Kurland, fte: 0.5}\n",
    )
    child_path = write(
        "child.yaml",
        "id: child\ntitle: c\nextends: parent.yaml\nchanges:\n  - {kind: set_staffing, valid_from: 2022-01-01, facility: Kurland, fte: 2}\n",
    )
    (child,) = kit.load_scenarios([child_path])  # the parent is read with it
    assert normkit.apply_scenario(normkit.load_inventory(EXAMPLE), child).chain == (
        "parent",
        "child",
    )
    orphan = normkit.Scenario(id="orphan", title="t", extends="parent")
    with pytest.raises(normkit.ScenarioError, match="extends 'parent', which is not given") as no:
        normkit.apply_scenario(normkit.load_inventory(EXAMPLE), orphan)
    assert no.value.code == "scenario.extends-unknown"
    plan = kit.plan(
        normkit.load_inventory(EXAMPLE),
        "national",
        [Y2021, Y2022],
        kit.load_scenarios([child_path]),
    )
    (run,) = plan.scenarios
    assert run.chain == ["parent", "child"]
    staffed = [
        next(f.staffed_fte for f in p.assessment.facilities if f.facility == "Kurland")
        for p in run.periods
        if p.assessment
    ]
    assert staffed == [pytest.approx(1.5), 2.0]
    by_id = write("by-id.yaml", "id: grandchild\ntitle: g\nextends: child\n")
    loaded = kit.load_scenarios([child_path, by_id])
    assert [s.id for s in loaded] == ["child", "grandchild"]


def test_scenarios_that_extend_each_other_in_a_cycle_are_refused(
    write: Write, kit: normkit.Kit
) -> None:
    a = write("a.yaml", "id: a\ntitle: a\nextends: b.yaml\n")
    write("b.yaml", "id: b\ntitle: b\nextends: a.yaml\n")
    with pytest.raises(normkit.ScenarioError, match="cycle: ") as caught:
        kit.load_scenarios([a])
    assert caught.value.code == "scenario.extends-cycle"
    missing = write("c.yaml", "id: c\ntitle: c\nextends: nowhere.yaml\n")
    with pytest.raises(normkit.ScenarioError, match="not a file") as absent:
        kit.load_scenarios([missing])
    assert absent.value.location.line == 3


def test_parents_of_one_name_in_two_folders_are_two_scenarios(
    write: Write, kit: normkit.Kit, tmp_path: Path
) -> None:
    """Each 'extends: parent.yaml' is the file beside its own scenario; one file extended
    twice is read once; two files giving one id are refused."""
    adds = (
        "changes:\n  - {{kind: add_staffing, valid_from: 2021-01-01, facility: Kurland, fte: {}}}\n"
    )
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    write("a/parent.yaml", "id: pa\ntitle: pa\n" + adds.format(1))
    write("b/parent.yaml", "id: pb\ntitle: pb\n" + adds.format(5))
    ca = write("a/child.yaml", "id: ca\ntitle: ca\nextends: parent.yaml\n")
    cb = write("b/child.yaml", "id: cb\ntitle: cb\nextends: parent.yaml\n")
    again = write("b/again.yaml", "id: cc\ntitle: cc\nextends: ../a/parent.yaml\n")
    scenarios = kit.load_scenarios([ca, cb, again])
    plan = kit.plan(normkit.load_inventory(EXAMPLE), "national", [Y2021], scenarios)
    assert [run.chain for run in plan.scenarios] == [["pa", "ca"], ["pb", "cb"], ["pa", "cc"]]

    def kurland(run: Any) -> float:
        (period,) = run.periods
        return next(f.staffed_fte for f in period.assessment.facilities if f.facility == "Kurland")

    added = [kurland(run) - kurland(plan.base) for run in plan.scenarios]
    assert added == pytest.approx([1, 5, 1])
    assert scenarios[0]._parent is scenarios[2]._parent  # a/parent.yaml, read once
    write("b/same-id.yaml", "id: pa\ntitle: another pa\n")
    cd = write("b/cd.yaml", "id: cd\ntitle: cd\nextends: same-id.yaml\n")
    with pytest.raises(normkit.ScenarioError, match="two scenario files give the id 'pa'") as two:
        kit.load_scenarios([ca, cd])
    assert two.value.code == "plan.duplicate-scenario"


def test_a_measure_defined_twice_is_refused(write: Write, kit: normkit.Kit) -> None:
    m = "  - {kind: measure, id: m, type: cost, valid_from: 2021-01-01, amount: 1 NOK/year}\n"
    write("p.yaml", f"id: p\ntitle: p\nchanges:\n{m}")
    child = write("c.yaml", f"id: c\ntitle: c\nextends: p.yaml\nchanges:\n{m}")
    with pytest.raises(normkit.ScenarioError, match="measure 'm' is defined twice"):
        kit.plan(normkit.load_inventory(EXAMPLE), "national", [Y2021], kit.load_scenarios([child]))


# -- the base is never changed (property) ---------------------------------------

FACILITIES = ["Kurland", "Tingvoll", "Borgen", "Valaskjold", "New"]
days = st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31))
change = st.one_of(
    st.builds(
        lambda d, f, n: {
            "kind": "add_unit",
            "valid_from": d,
            "facility": f,
            "unit": f"W{n}",
            "bed_type": "long_term",
            "beds": n,
        },
        days,
        st.sampled_from(FACILITIES),
        st.integers(1, 99),
    ),
    st.builds(
        lambda d, f, x: {"kind": "add_staffing", "valid_from": d, "facility": f, "fte": x},
        days,
        st.sampled_from(FACILITIES[:4]),
        st.integers(1, 300).map(lambda n: n / 100),
    ),
    st.builds(
        lambda d, f, x: {"kind": "set_staffing", "valid_from": d, "facility": f, "fte": x},
        days,
        st.sampled_from(FACILITIES[:4]),
        st.integers(0, 300).map(lambda n: n / 100),
    ),
    st.builds(
        lambda d, x: {"kind": "set_figure", "valid_from": d, "figure": "f", "value": x},
        days,
        st.integers(0, 9),
    ),
    st.builds(
        lambda d: {
            "kind": "convert_unit",
            "valid_from": d,
            "facility": "Borgen",
            "unit": "Borgen",
            "beds": 60,
        },
        days,
    ),
    st.builds(
        lambda d: {
            "kind": "remove_unit",
            "valid_from": d,
            "facility": "Valaskjold",
            "unit": "Valaskjold",
        },
        days,
    ),
)


NATIONAL = normkit.Kit(autoload=False)


def figures(inventory: normkit.Inventory, day: dt.date) -> list[tuple[object, ...]]:
    result = NATIONAL.assess(inventory, "national", day, explain=False)
    return [
        (u.facility, u.unit, u.bed_type, u.beds, u.required_fte, u.staffed_fte)
        for u in result.units
    ] + [(f.facility, f.staffed_fte, f.gap_fte) for f in result.facilities]


@given(st.lists(change, max_size=8))
def test_applying_a_scenario_never_changes_its_base(changes: list[dict[str, object]]) -> None:
    base = normkit.load_inventory(EXAMPLE)
    before = base.model_dump_json()
    s = normkit.Scenario(id="s", title="t", changes=changes)
    try:
        result = normkit.apply_scenario(base, s)
    except normkit.ScenarioError:
        result = None  # a change to a unit already closed: refused, and still nothing changed
    assert base.model_dump_json() == before
    if result is not None:
        # Before the first change, the scenario's inventory is the base's.
        first = min((c["valid_from"] for c in changes), default=dt.date(2031, 1, 1))
        day = first - dt.timedelta(days=1)  # type: ignore[operator]
        assert figures(result.inventory, day) == figures(base, day)


# -- projection ------------------------------------------------------------------


@given(day=st.dates(dt.date(2012, 1, 1), dt.date(2040, 12, 31)), explain=st.booleans())
def test_a_plan_of_one_date_is_the_assessment_of_that_date(day: dt.date, explain: bool) -> None:
    kit = normkit.Kit(autoload=False)
    inventory = normkit.load_inventory(EXAMPLE)
    plan = kit.plan(inventory, "national", [day], explain=explain)
    (period,) = plan.base.periods
    assert period.assessment == kit.assess(inventory, "national", day, explain)
    assert period.gap_fte == period.assessment.totals.gap_fte


def test_a_plan_over_years_follows_staffing_and_units(write: Write, kit: normkit.Kit) -> None:
    s = scenario(
        write,
        """
id: wing
title: a new dementia wing and its physician
changes:
  - {kind: add_unit, valid_from: 2022-01-01, facility: Borgen, unit: Wing, bed_type: dementia_special, beds: 30}
  - {kind: add_staffing, valid_from: 2022-01-01, facility: Borgen, fte: 0.5}
  - {kind: measure, id: wing-physician, type: cost, valid_from: 2022-01-01, fte: 0.5, salary: 800000 NOK/year/FTE, employer_cost_factor: 1.35}
  - {kind: measure, id: start, type: grant, valid_from: 2022-01-01, amount: 200000 NOK/year, years: 1}
""",
    )
    plan = kit.plan(
        normkit.load_inventory(EXAMPLE), "national", normkit.plan_dates(range(2020, 2024)), [s]
    )
    need = national_need(TABLE_3)
    base = [p.norm_fte for p in plan.base.periods]
    assert base == [pytest.approx(need)] * 4
    assert [p.staffed_fte for p in plan.base.periods] == [
        pytest.approx(STAFFED_APRIL_2020 + 0.4),  # Valaskjold's post runs to 2020-03-31
        *[pytest.approx(STAFFED_APRIL_2020)] * 3,
    ]
    wing = plan.scenarios[0].periods
    assert [p.norm_fte for p in wing] == [pytest.approx(need)] * 2 + [pytest.approx(need + 0.5)] * 2
    assert [p.measures_cost_nok_per_year for p in wing] == [
        0,
        0,
        pytest.approx(540_000),
        pytest.approx(540_000),
    ]
    assert [p.grants_nok_per_year for p in wing] == [0, 0, 200_000, 0]
    (difference,) = plan.differences
    d2022 = difference.periods[2]
    assert d2022.norm_fte.difference == pytest.approx(0.5)
    assert d2022.staffed_fte.difference == pytest.approx(0.5)
    assert d2022.gap_fte.difference == pytest.approx(0.0)
    assert [(u.unit, u.base, u.required_fte.difference) for u in d2022.units] == [
        ("Wing", None, None)
    ]
    assert (
        d2022.units[0].reason
        == "only in wing: norm 'dementia_special'; " + d2022.units[0].scenario.source.cite()
    )  # type: ignore[union-attr]
    assert difference.periods[0].units == []


def test_no_norm_stays_null_through_a_plan_and_its_differences(
    write: Write, kit: normkit.Kit
) -> None:
    base = normkit.Inventory(
        name="respite",
        facilities=[
            {
                "name": "Home",
                "units": [{"name": "R", "bed_type": "respite", "beds": 10}],
                "staffing": 0.2,
            }
        ],
    )
    s = scenario(
        write,
        "id: more\ntitle: more respite\nchanges:\n  - {kind: convert_unit, valid_from: 2021-01-01, facility: Home, unit: R, beds: 14}\n",
    )
    plan = kit.plan(base, "national", [Y2020, Y2021], [s])
    for run in (plan.base, plan.scenarios[0]):
        for period in run.periods:
            assert (
                period.norm_fte,
                period.required_fte,
                period.gap_fte,
                period.gap_cost_nok_per_year,
            ) == (None,) * 4
            assert period.staffed_fte == 0.2
            assert period.assessment is not None and period.assessment.units[0].status == "no_norm"
    d2021 = plan.differences[0].periods[1]
    assert d2021.required_fte.difference is None
    assert (
        d2021.required_fte.reason
        == "base: no unit has a required figure; more: no unit has a required figure"
    )
    assert d2021.staffed_fte.difference == 0.0
    (unit,) = d2021.units  # the beds changed, the figure stays unknown on both sides
    assert unit.required_fte.difference is None
    assert "not comparable" in unit.reason and "no rule for bed type 'respite'" in unit.reason


def test_a_date_without_a_norm_set_in_force_has_no_figures_and_says_why(
    kit: normkit.Kit, write: Write
) -> None:
    old = write(
        "old.yaml",
        """
id: short-lived
title: a norm set of one year
valid_from: 2020-01-01
valid_to: 2020-12-31
source: {document: test}
needs:
  - {id: long_term, bed_types: [long_term], rule: {kind: rate, amount: 1 FTE, per: 90 place}}
""",
    )
    plan = kit.plan(normkit.load_inventory(EXAMPLE), kit.load_normset(old), [Y2020, Y2021])
    first, second = plan.base.periods
    assert first.required_fte == pytest.approx(
        national_need([t for t in TABLE_3 if t[0] == "long_term"])
    )
    assert second.assessment is None and second.required_fte is None
    assert (
        second.problem
        == "norm set 'short-lived' is in force 2020-01-01 to 2020-12-31, not on 2021-01-01"
    )
    assert plan.notes == [f"base, 2021-01-01: no assessment: {second.problem}"]


def test_a_scenario_can_adopt_a_norm_set_and_price_the_gap(write: Write, kit: normkit.Kit) -> None:
    none = write(
        "none.yaml",
        """
id: none
title: nothing but an FTE price
source: {document: test}
extends: national
fte_cost: {kind: fte_cost, salary: 1000000 NOK/year/FTE, employer_cost_factor: 1.0}
""",
    )
    kit_with = normkit.Kit(autoload=False, plugins=[_normset_plugin(none)])
    s = scenario(
        write,
        "id: priced\ntitle: t\nchanges:\n  - {kind: adopt_normset, valid_from: 2021-01-01, normset: none}\n  - {kind: fte_cost, valid_from: 2022-01-01, salary: 500000 NOK/year/FTE, employer_cost_factor: 2}\n",
    )
    plan = kit_with.plan(normkit.load_inventory(EXAMPLE), "national", [Y2020, Y2021, Y2022], [s])
    periods = plan.scenarios[0].periods
    assert [p.normset for p in periods] == ["national", "none", "none"]
    gap = national_need(TABLE_3) - STAFFED_APRIL_2020
    assert periods[0].gap_cost_nok_per_year is None  # national prices no FTE
    assert periods[1].gap_cost_nok_per_year == pytest.approx(gap * 1_000_000)
    assert periods[2].gap_cost_nok_per_year == pytest.approx(gap * 500_000 * 2)
    assert (
        periods[2].gap_cost_basis is not None
        and "scenario, from 2022-01-01" in periods[2].gap_cost_basis
    )
    reason = plan.differences[0].periods[1].gap_cost_nok_per_year.reason
    assert reason == "base: norm set 'national' gives no price of an FTE (fte_cost)"


def _normset_plugin(path: Path) -> object:
    class Plugin:
        __name__ = "test-normsets"

        @normkit.hookimpl
        def normkit_register_normsets(self, register: Callable[..., None]) -> None:
            register(path)

    return Plugin()


def test_plan_limits_and_ids(kit: normkit.Kit, write: Write) -> None:
    inventory = normkit.load_inventory(EXAMPLE)
    with pytest.raises(normkit.NormkitError) as none:
        kit.plan(inventory, "national", [])
    assert none.value.code == "plan.no-dates"
    small = normkit.Kit(
        autoload=False, limits=normkit.Limits(max_plan_dates=2, max_plan_unit_assessments=20)
    )
    with pytest.raises(normkit.NormkitError, match="3 dates, more than the limit of 2"):
        small.plan(inventory, "national", [Y2020, Y2021, Y2022])
    with pytest.raises(normkit.NormkitError, match="assess 36 units") as large:
        small.plan(inventory, "national", [Y2020, Y2021], [normkit.Scenario(id="s", title="t")])
    assert large.value.code == "plan.too-large"
    with pytest.raises(normkit.NormkitError, match="'base'") as base:
        kit.plan(inventory, "national", [Y2020], [normkit.Scenario(id="base", title="t")])
    assert base.value.code == "plan.duplicate-scenario"


def test_a_plan_too_large_is_refused_before_its_other_scenarios_are_applied(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Applying a scenario to a large inventory takes a second: the count of unit
    assessments is checked after each, not after all of them."""
    from normkit.planning import projection

    inventory = normkit.load_inventory(EXAMPLE)  # 9 units
    applied: list[str] = []
    apply = projection.apply_scenario

    def counted(inventory: Any, scenario: Any, *args: Any) -> Any:
        applied.append(scenario.id)
        return apply(inventory, scenario, *args)

    monkeypatch.setattr(projection, "apply_scenario", counted)
    small = normkit.Kit(autoload=False, limits=normkit.Limits(max_plan_unit_assessments=20))
    scenarios = [normkit.Scenario(id=f"s{i}", title="t") for i in range(5)]
    with pytest.raises(normkit.NormkitError, match=r"assess at least 36 units \(") as large:
        small.plan(inventory, "national", [Y2020, Y2021], scenarios)  # 9 × 2 = 18 a run
    assert large.value.code == "plan.too-large" and applied == ["s0"]
    with pytest.raises(normkit.NormkitError, match=r"assess at least 27 units"):
        small.plan(inventory, "national", [Y2020, Y2021, Y2022], scenarios)  # the base: 27
    assert applied == ["s0"]  # none more: the base alone was over the limit


def test_plan_dates() -> None:
    assert normkit.plan_dates([2021, 2020], [dt.date(2020, 4, 1), Y2020]) == [
        Y2020,
        dt.date(2020, 4, 1),
        Y2021,
    ]
    assert normkit.plan_dates([2024], month=2, day=29) == [dt.date(2024, 2, 29)]
    with pytest.raises(normkit.NormkitError, match="2023 has no 02-29"):
        normkit.plan_dates([2023], month=2, day=29)


# -- the command line --------------------------------------------------------------

runner = CliRunner()


@pytest.fixture
def wing(write: Write) -> Path:
    return write(
        "wing.yaml",
        """
id: wing
title: a new wing
changes:
  - {kind: add_unit, valid_from: 2022-01-01, facility: Borgen, unit: Wing, bed_type: dementia_special, beds: 30}
  - {kind: measure, id: "=cost", label: "=HYPERLINK(1)", type: cost, valid_from: 2022-01-01, amount: 100000 NOK/year}
""",
    )


def plan_cli(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(
        app, ["plan", *args], env={"NORMKIT_DISABLE_PLUGIN_AUTOLOAD": "1", "COLUMNS": "200"}
    )
    return result.exit_code, result.stdout, result.stderr


def test_cli_plan_table(wing: Path) -> None:
    code, out, err = plan_cli(
        "--scenario", str(wing), "--years", "2021-2022", "--date", "2020-04-01"
    )
    assert code == 0, err
    assert "plan with norm set national, 3 date(s), 2020-04-01 to 2022-01-01" in out
    assert out.count("│ 2021-01-01 │") == 3  # the base, the scenario and the difference table
    need = national_need(TABLE_3)
    assert f" {need:.2f} │" in out and f" {need + 0.5:.2f} │" in out
    assert "wing − base" in out
    assert (
        "2022-01-01: Borgen › Wing: need: no difference figure — only in wing: norm 'dementia_special'"
        in out
    )
    assert "change from 2022-01-01: Borgen › Wing opens: 30 dementia_special places" in out


def test_cli_plan_json_csv_markdown(wing: Path) -> None:
    code, out, _ = plan_cli("--scenario", str(wing), "--years", "2021,2022", "--format", "json")
    data = json.loads(out)
    assert code == 0
    assert set(data) == {
        "inventory",
        "normset",
        "dates",
        "baseline",
        "base",
        "scenarios",
        "differences",
        "notes",
    }
    assert (
        data["differences"][0]["periods"][1]["measures_cost_nok_per_year"]["difference"] == 100_000
    )
    code, out, _ = plan_cli("--scenario", str(wing), "--years", "2022", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["scenario"] for r in rows] == ["base", "wing"]
    assert rows[1]["difference_required_fte"] == repr(30 / 60)
    assert rows[0]["difference_required_fte"] == ""
    code, out, _ = plan_cli("--scenario", str(wing), "--years", "2022", "--format", "markdown")
    assert "### wing − base" in out
    assert "| 2022-01-01 | national |" in out


def test_cli_plan_markdown_keeps_names_as_text(write: Write) -> None:
    homes = write(
        "homes.yaml",
        "facilities:\n  - name: 'A | <b>B</b>'\n    units: [{name: U, bed_type: long_term, beds: 9}]\n",
    )
    s = write(
        "s.yaml",
        "id: s\ntitle: '*bold* | pipe'\nchanges:\n  - {kind: remove_unit, valid_from: 2022-01-01, facility: 'A | <b>B</b>', unit: U}\n",
    )
    code, out, _ = plan_cli(
        str(homes), "--scenario", str(s), "--years", "2022", "--format", "markdown"
    )
    assert code == 0
    assert "### s: \\*bold\\* \\| pipe" in out
    assert "A \\| \\<b\\>B\\</b\\> › U: need: no difference figure" in out
    assert "<b>" not in out.replace("\\<b\\>", "")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "give the dates to plan for"),
        (["--years", "2026-2020"], "first year first"),
        (["--years", "soon"], "is not a year or a range"),
        (["--years", "2020-"], "'2020-' is not a year or a range"),  # it planned 2020 alone
        (["--years", "2_020"], "'2_020' is not a year or a range"),  # int() reads both
        (["--years", "\uff12\uff10\uff12\uff10"], "is not a year or a range"),
        (["--years", "2020", "--day", "13-01"], "is not a day of the year"),
        (["--years", "2020", "--day", "1_0-01"], "'1_0-01' is not a day of the year"),
        (["--years", "2020", "--explain"], "--explain is available with --format json only"),
        (["--years", "2020", "--scenario", "nowhere"], "unknown scenario example 'nowhere'"),
        (["--years", "2020", "--date", "1.1.20"], "--date"),
    ],
)
def test_cli_plan_errors_are_one_line(args: list[str], message: str) -> None:
    code, out, err = plan_cli(*args)
    assert code == 1
    assert out == ""
    assert err.startswith("error: ") and message in err and err.count("\n") == 1


# -- populations: SSB-layout CSV, age groups, paths ---------------------------------

SSB_WIDE = (
    '"13600: Framskrevet folkemengde 1. januar, etter region, alder, statistikkvariabel og år"\n'
    "\n"
    '"region";"alder";"Personer 2024";"Personer 2025"\n'
    '"4204 Kristiansand";"0-66 år";98000;98500\n'
    '"4204 Kristiansand";"67-79 år";12000;12400\n'
    '"4204 Kristiansand";"80 år eller eldre";5000;5 200\n'
)


def test_a_population_csv_in_ssb_wide_layout(write: Write) -> None:
    records = normkit.read_population_csv(write("wide.csv", SSB_WIDE))
    assert len(records) == 6
    assert {r.area for r in records} == {"4204 Kristiansand"}
    assert [r.age_group for r in records[:2]] == ["0-66 år", "0-66 år"]
    inventory = normkit.Inventory(populations=records)
    assert inventory.on(dt.date(2024, 6, 1)).indicators() == {
        "inhabitants": 98000 + 12000 + 5000,
        "inhabitants_67+": 12000 + 5000,
        "inhabitants_80+": 5000,
    }  # 90+ is left out: "80 år eller eldre" cannot be split at 90
    assert inventory.on(dt.date(2025, 1, 1)).indicators()["inhabitants_80+"] == 5200
    assert inventory.on(dt.date(2023, 12, 31)).populations == ()


def test_a_population_csv_in_ssb_long_layout_adds_up_the_sexes(write: Write) -> None:
    path = write(
        "long.csv",
        "region,kjønn,alder,år,personer\n"
        "Agder,Menn,080-089 år,2024,2000\nAgder,Kvinner,080-089 år,2024,2500\n"
        "Agder,Menn,090 år eller eldre,2024,300\nAgder,Kvinner,090 år eller eldre,2024,700\n",
    )
    (day,) = {r.at for r in normkit.read_population_csv(path)}
    inventory = normkit.Inventory(populations=normkit.read_population_csv(path))
    assert day == dt.date(2024, 1, 1)
    assert inventory.indicators() == {"inhabitants_80+": 5500, "inhabitants_90+": 1000}
    # The file starts at 80: neither everyone nor the 67+ can be told from it.


def test_a_population_csv_without_ages_or_regions(write: Write) -> None:
    (record,) = normkit.read_population_csv(write("p.csv", "år;personer\n2030;1 234\n"))
    assert (record.area, record.age_group, record.at, record.inhabitants) == (
        None,
        None,
        dt.date(2030, 1, 1),
        1234,
    )


@pytest.mark.parametrize(
    ("text", "code", "line"),
    [
        ("region;alder;2024\nA;80 år;..\n", "population.missing", 2),
        ("region;alder;2024\nA;80 år;12.5\n", "population.value", 2),
        ("title only\n\n", "population.header", 1),
        ("region;alder;kommune;2024\nA;1;2;3\n", "csv.duplicate-column", 1),
        ("region;alder;år;2024\nA;1;2024;3\n", "population.header", 1),
        ("region;alder;weight;2024\nA;1;2;3\n", "csv.header", 1),
        ("region;alder;år;personer\nA;80 år;soon;3\n", "population.year", 2),
        # Year 0 once ended in date arithmetic's ValueError, an internal error.
        ("region;year;personer\nA;0000;3\n", "population.year", 2),
        ("region;Personer 2024;Personer 3000\nA;1;2\n", "population.year", 1),
        # A record separator (\x1e) once split the lines differently from the csv reader.
        ("region\n\x1e0;0\n", "population.header", 2),
        ('a;"b\n', "csv.syntax", 1),
        (
            "region;statistikkvariabel;2030\nA;Hovedalternativet (MMMM);1\nA;Lav nasjonal vekst (LLML);1\n",
            "population.alternatives",
            3,
        ),
        ("region;kjønn;2030\nA;Begge kjønn;3\nA;Menn;1\n", "population.total-and-parts", 3),
        # A figure given twice would be added up: the same row, or one kjønn twice.
        ("region;alder;Personer 2024\nX;0-66 år;100\nX;0-66 år;100\n", "population.duplicate", 3),
        (
            "region;kjønn;alder;år;personer\nX;Menn;80 år;2024;1\nX;menn;80 år;2024;1\n",
            "population.duplicate",
            3,
        ),
        ("region;alder;Personer 2024;Personer 2024\nX;0-66 år;1;2\n", "csv.duplicate-column", 1),
        ("region;alder;2024;Personer 2024\nX;0-66 år;1;2\n", "csv.duplicate-column", 1),
        (
            "region;alder;2030\nA;I alt;3\nA;80 år eller eldre;1\n",
            "population.total-and-parts",
            None,
        ),
    ],
)
def test_a_bad_population_csv_is_named_with_its_line(
    write: Write, text: str, code: str, line: int | None
) -> None:
    path = write("p.csv", text)
    with pytest.raises(normkit.InventoryError) as caught:
        normkit.read_population_csv(path)
    assert caught.value.code == code
    assert caught.value.location.line == line
    assert caught.value.location.file == str(path)


def test_population_errors_name_the_column_and_the_total(write: Write) -> None:
    with pytest.raises(normkit.InventoryError) as missing:
        normkit.read_population_csv(write("m.csv", "region;alder;Personer 2024\nA;80 år;..\n"))
    assert missing.value.location.field == "Personer 2024"
    with pytest.raises(normkit.InventoryError) as long:
        normkit.read_population_csv(write("l.csv", "region;år;personer\nA;2024;many\n"))
    assert long.value.location.field == "personer"
    with pytest.raises(normkit.InventoryError) as total:
        normkit.read_population_csv(
            write("t.csv", "region;alder;2030\nA;I alt;3\nA;80 år eller eldre;1\n")
        )
    assert total.value.message == (
        "A, 2030: 'I alt' is given beside age groups; added up they would count everyone twice"
    )


@pytest.mark.parametrize(
    ("label", "span"),
    [
        ("080-084 år", (80, 84)),
        ("90 år eller eldre", (90, None)),
        ("80+", (80, None)),
        ("067 år", (67, 67)),
        ("I alt", None),
        ("84-80 år", None),
    ],
)
def test_age_labels(label: str, span: tuple[int, int | None] | None) -> None:
    assert normkit.age_span(label) == span


def test_populations_change_by_path_and_growth(write: Write) -> None:
    base = normkit.Inventory(
        populations=[
            {"area": "K", "inhabitants": 1000},
            {"area": "K", "age_group": "80+", "inhabitants": 100, "at": "2024-01-01"},
        ]
    )
    a = applied(
        write,
        """
  - {kind: population_path, valid_from: 2026-01-01, area: K, inhabitants: {2026: 1100, 2027: 1150}}
  - {kind: population_growth, valid_from: 2025-01-01, area: K, age_group: 80+, percent_per_year: 10, until: 2027}
""",
        base,
    )
    totals = [a.inventory.on(dt.date(y, 1, 1)).indicators() for y in (2025, 2026, 2027)]
    assert [t["inhabitants"] for t in totals] == [1000, 1100, 1150]  # the undated 1000 until 2026
    assert [t["inhabitants_80+"] for t in totals] == [100, 110, 121]
    assert "grows 10 % a year until 2027 (rounded to whole inhabitants)" in a.changes[0].change
    with pytest.raises(normkit.ScenarioError, match="no record on or before") as none:
        applied(
            write,
            "  - {kind: population_growth, valid_from: 2025-01-01, area: Z, percent_per_year: 1, until: 2030}\n",
            base,
        )
    assert none.value.code == "scenario.unknown-population"
    with pytest.raises(normkit.ScenarioError) as late:
        scenario(
            write,
            "id: s\ntitle: t\nchanges:\n  - {kind: population_path, valid_from: 2026-02-01, inhabitants: {2026: 1}}\n",
        )
    assert late.value.code == "scenario.population-years"


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("p.json", '{"2027": 5400, "2027.0": 9999}'),  # read as one year: one value lost
        ("p.toml", '{2027 = 5400, "02027" = 9999}'),
        ("p.json", '{"2_027": 5400}'),
        ("p.json", '{" 2027 ": 5400}'),
        ("p.json", '{"+2027": 5400}'),
    ],
)
def test_a_population_paths_years_are_years_as_written(
    write: Write, kit: normkit.Kit, name: str, text: str
) -> None:
    changes = "{kind = 'population_path', valid_from = 2027-01-01, inhabitants = %s}"
    if name.endswith(".json"):
        document = (
            '{"id": "s", "title": "t", "changes": [{"kind": "population_path", '
            f'"valid_from": "2027-01-01", "inhabitants": {text}}}]}}'
        )
    else:
        document = "id = 's'\ntitle = 't'\nchanges = [" + changes % text + "]\n"
    path = write(name, document)
    with pytest.raises(normkit.ScenarioError) as refused:
        kit.load_scenarios([path])
    assert refused.value.location is not None
    assert refused.value.location.field == "changes[0].population_path.inhabitants"
    assert refused.value.message.endswith("is not a year: write it as 2027")
    fine = document.replace(
        text,
        '{"2027": 5400, "2028": 5500}'
        if name.endswith(".json")
        else '{2027 = 5400, "2028" = 5500}',
    )
    (loaded,) = kit.load_scenarios([write(name, fine)])
    assert loaded.changes[0].inhabitants == {2027: 5400, 2028: 5500}


def test_cli_plan_with_a_population_file(write: Write) -> None:
    path = write("wide.csv", SSB_WIDE)
    code, out, err = plan_cli("--population", str(path), "--years", "2024-2025", "--format", "json")
    assert code == 0, err
    periods = json.loads(out)["base"]["periods"]
    assert [p["indicators"]["inhabitants_80+"] for p in periods] == [5000, 5200]
    code, out, err = plan_cli("--population", "nowhere", "--years", "2024")
    assert code == 1 and "unknown population example 'nowhere'" in err


def test_a_measure_paid_per_gp_list(write: Write, kit: normkit.Kit) -> None:
    base = normkit.Inventory(
        gp_lists=[
            {"id": "a", "listed": 1200},
            {"id": "b", "listed": 800},
            {"id": "c", "listed": 950, "valid_from": "2025-01-01"},
        ]
    )
    s = scenario(
        write,
        """
id: supplement
title: +330 per patient on lists over 800
changes:
  - kind: measure
    id: supplement
    type: cost
    valid_from: 2024-01-01
    per_list: {kind: grant_above_list_length, rate: 330 NOK/patient/year, above: 800 patient}
""",
    )
    plan = kit.plan(
        base,
        "national",
        [Y2023 := dt.date(2023, 1, 1), dt.date(2024, 1, 1), dt.date(2025, 1, 1)],
        [s],
    )
    periods = plan.scenarios[0].periods
    assert [p.measures_cost_nok_per_year for p in periods] == [0, 330 * 1200, 330 * (1200 + 950)]
    assert "1 of 2 lists, 1 200 patients paid for" in periods[1].measures[0].basis
    assert periods[0].at == Y2023
    no_lists = kit.plan(normkit.Inventory(), "national", [dt.date(2024, 1, 1)], [s])
    (period,) = no_lists.scenarios[0].periods
    assert period.measures_cost_nok_per_year is None
    assert period.measures[0].nok_per_year is None
    reason = no_lists.differences[0].periods[0].measures_cost_nok_per_year.reason
    assert (
        reason == "supplement: measure(s) supplement paid per GP list, and no GP list is in force"
    )
    with pytest.raises(normkit.ScenarioError) as both:
        scenario(
            write,
            "id: s\ntitle: t\nchanges:\n  - {kind: measure, id: m, type: cost, valid_from: 2024-01-01, amount: 1 NOK/year, per_list: {kind: grant_above_list_length, rate: 1 NOK/patient/year, above: 1 patient}}\n",
        )
    assert both.value.code == "scenario.measure-amount"


def test_two_scenarios_side_by_side_with_a_baseline(write: Write, kit: normkit.Kit) -> None:
    write(
        "wing.yaml",
        "id: wing\ntitle: a wing\nchanges:\n  - {kind: add_unit, valid_from: 2022-01-01, facility: Borgen, unit: Wing, bed_type: dementia_special, beds: 30}\n",
    )
    staffed = write(
        "staffed.yaml",
        "id: staffed\ntitle: the wing and its physician\nextends: wing.yaml\nchanges:\n  - {kind: add_staffing, valid_from: 2022-01-01, facility: Borgen, fte: 0.5}\n",
    )
    wing = write("w.yaml", "id: wing-only\ntitle: t\nextends: wing.yaml\n")
    scenarios = kit.load_scenarios([wing, staffed])
    plan = kit.plan(
        normkit.load_inventory(EXAMPLE), "national", [Y2022], scenarios, baseline="wing-only"
    )
    assert plan.baseline == "wing-only"
    assert [(d.scenario, d.against) for d in plan.differences] == [
        ("base", "wing-only"),
        ("staffed", "wing-only"),
    ]
    base_vs, staffed_vs = (d.periods[0] for d in plan.differences)
    assert base_vs.norm_fte.difference == pytest.approx(-0.5)  # the base lacks the wing
    assert staffed_vs.norm_fte.difference == 0
    assert staffed_vs.staffed_fte.difference == pytest.approx(0.5)
    (wing_row,) = base_vs.units
    assert wing_row.scenario is None and wing_row.base is not None
    assert wing_row.reason.startswith("only in wing-only: norm 'dementia_special'")
    with pytest.raises(normkit.NormkitError) as unknown:
        kit.plan(normkit.load_inventory(EXAMPLE), "national", [Y2022], scenarios, baseline="nope")
    assert unknown.value.code == "plan.baseline"
    code, out, err = plan_cli(
        "--scenario",
        str(wing),
        "--scenario",
        str(staffed),
        "--years",
        "2022",
        "--baseline",
        "wing-only",
        "--format",
        "csv",
    )
    assert code == 0, err
    rows = {r["scenario"]: r for r in csv.DictReader(io.StringIO(out))}
    assert rows["wing-only"]["difference_against"] == ""
    assert rows["base"]["difference_against"] == "wing-only"
    assert float(rows["staffed"]["difference_staffed_fte"]) == pytest.approx(0.5)


def test_spans_of_years_are_bounded(write: Write) -> None:
    # A trillion years once ended in date arithmetic's ValueError.
    with pytest.raises(normkit.ScenarioError) as years:
        scenario(
            write,
            "id: s\ntitle: t\nchanges:\n  - {kind: measure, id: m, type: cost, valid_from: 2021-01-01, amount: 1 NOK/year, years: 1000000000000}\n",
        )
    assert years.value.code == "scenario.measure-end"
    with pytest.raises(normkit.ScenarioError) as span:
        scenario(
            write,
            "id: s\ntitle: t\nchanges:\n  - {kind: population_growth, valid_from: 2000-01-01, percent_per_year: 1, until: 2201}\n",
        )
    assert span.value.code == "scenario.population-years"
    # 50 % a year for 179 years runs past any count normkit accepts: an error, not a crash.
    base = normkit.Inventory(populations=[{"area": "K", "inhabitants": 100}])
    with pytest.raises(normkit.ScenarioError) as huge:
        applied(
            write,
            "  - {kind: population_growth, valid_from: 2021-01-01, area: K, percent_per_year: 50, until: 2200}\n",
            base,
        )
    assert huge.value.code == "scenario.invalid-result"


# -- capacity from population (rule kind per_population) ------------------------------


@pytest.mark.parametrize(
    ("amount", "per", "population", "expected", "unit"),
    [
        ("150 place", "1000 inhabitant", 5000, 750, "place"),
        ("1 contract", "1000 inhabitant", 115_000, 115, "contract"),
        ("1 physician", "10000 inhabitant", 186_000, 18.6, "physician"),
        ("1 FTE", "10000 inhabitant", 12_000, 1.2, "FTE"),
    ],
)
def test_capacity_per_population(
    amount: str, per: str, population: int, expected: float, unit: str
) -> None:
    rule = normkit.PerPopulation(amount=amount, per=per)
    assert rule.output_unit() == unit
    assert rule.evaluate({"inhabitants": population}) == pytest.approx(expected)
    assert rule.evaluate_array({"inhabitants": [population, 0]}).tolist() == [
        pytest.approx(expected),
        0,
    ]
    assert rule.explain({"inhabitants": population}).value == pytest.approx(expected)
    assert rule.inputs() == {"inhabitants"}


@pytest.mark.parametrize(
    ("amount", "per", "field", "code", "message"),
    [
        (
            "150 hour/week",
            "1000 inhabitant",
            "amount",
            "quantity.dimension",
            "'amount' must be places, contracts, physicians or FTE, got '150 hour/week'",
        ),
        (
            "-1 place",
            "1000 inhabitant",
            "amount",
            "quantity.negative",
            "'amount' must not be negative, got '-1 place'",
        ),
        (
            "150 place",
            "1000 place",
            "per",
            "quantity.dimension",
            "'per' must count inhabitants, got '1000 place'",
        ),
        (
            "150 place",
            "0 inhabitant",
            "per",
            "quantity.negative",
            "'per' must be more than 0 inhabitants, got '0 inhabitant'",
        ),
    ],
)
def test_capacity_per_population_checks_its_units(
    amount: str, per: str, field: str, code: str, message: str
) -> None:
    with pytest.raises(normkit.QuantityError) as caught:
        normkit.PerPopulation(amount=amount, per=per)
    assert (caught.value.location.field, caught.value.code, caught.value.message) == (
        field,
        code,
        message,
    )


def test_capacity_per_population_explains_itself() -> None:
    source = normkit.Source(document="a plan", section="3")
    rule = normkit.PerPopulation(
        amount="150 place", per="1000 inhabitant", label="places", source=source
    )
    step = rule.explain({"inhabitants": 5000})
    assert step.text == "5 000 inhabitants × 150 place per 1000 inhabitant = 750 places"
    assert (step.value, step.unit, step.rule, step.source) == (750, "place", "places", source)
    fte = normkit.PerPopulation(amount="1 FTE", per="10000 inhabitant").explain(
        {"inhabitants": 12000}
    )
    assert fte.text == "12 000 inhabitants × 1 FTE per 10000 inhabitant = 1.2 FTE"
    with pytest.raises(normkit.NormkitError) as missing:
        rule.evaluate({"places": 3})
    assert (
        missing.value.message == "rule 'places' needs the input 'inhabitants', which was not given"
    )


def test_places_for_the_80_plus_over_years(write: Write, kit: normkit.Kit) -> None:
    norms = write(
        "norms.yaml",
        """
id: places-80
title: places for the 80+
extends: national
source: {document: test}
indicators:
  - id: places_needed
    label: places at 150 per 1000 inhabitants aged 80+
    rule: {kind: per_population, amount: 150 place, per: 1000 inhabitant}
    inputs: {inhabitants: inhabitants_80+}
""",
    )
    populations = normkit.read_population_csv(write("p.csv", SSB_WIDE))
    inventory = normkit.load_inventory(EXAMPLE).with_populations(populations)
    plan = kit.plan(inventory, kit.load_normset(norms), [dt.date(2024, 1, 1), dt.date(2025, 1, 1)])
    assert [p.indicators["places_needed"] for p in plan.base.periods] == [
        pytest.approx(5000 * 0.15),
        pytest.approx(5200 * 0.15),
    ]


def test_a_post_that_has_not_started_is_not_yet_staffing(kit: normkit.Kit) -> None:
    inventory = normkit.Inventory(
        facilities=[
            {
                "name": "H",
                "units": [{"name": "U", "bed_type": "long_term", "beds": 90}],
                "staffing": [{"fte": 0.5, "valid_from": "2025-07-01"}],
            }
        ]
    )
    before = kit.assess(inventory, "national", dt.date(2025, 1, 1))
    (facility,) = before.facilities
    assert (facility.staffed_fte, facility.gap_fte) == (None, None)
    assert facility.staffing_note == "no staffing recorded"
    after = kit.assess(inventory, "national", dt.date(2025, 7, 1))
    assert after.facilities[0].staffed_fte == 0.5


def test_staffing_is_known_on_a_date_without_a_norm_set(write: Write, kit: normkit.Kit) -> None:
    old = write(
        "old.yaml",
        "id: short\ntitle: t\nvalid_from: 2020-01-01\nvalid_to: 2020-12-31\nsource: {document: d}\n",
    )
    plan = kit.plan(normkit.load_inventory(EXAMPLE), kit.load_normset(old), [Y2021])
    (period,) = plan.base.periods
    assert period.assessment is None and period.required_fte is None
    assert period.staffed_fte == pytest.approx(STAFFED_APRIL_2020)


def test_an_unknown_change_kind_is_named_in_a_planners_words(write: Write) -> None:
    path = write("s.yaml", "id: s\ntitle: t\nchanges:\n  - {kind: add_staff, facility: A}\n")
    with pytest.raises(normkit.ScenarioError) as caught:
        normkit.load_scenario(path)
    assert caught.value.message == "unknown change kind 'add_staff'"
    assert caught.value.hint is not None and caught.value.hint.startswith(
        "did you mean 'add_staffing'?"
    )
    assert caught.value.location.line == 4


# -- semantics the mutation run found untested ---------------------------------------


def test_a_plan_checks_a_new_units_bed_type_with_the_kits_names(
    write: Write, kit: normkit.Kit
) -> None:
    s = scenario(
        write,
        "id: s\ntitle: t\nchanges:\n  - {kind: add_unit, valid_from: 2021-01-01, facility: A, unit: B, bed_type: langtid, beds: 1}\n",
    )
    with pytest.raises(normkit.ScenarioError) as caught:
        kit.plan(normkit.load_inventory(EXAMPLE), "national", [Y2021], [s])
    assert caught.value.code == "inventory.bed-type"
    assert caught.value.hint == "did you mean 'long_term' (langtidsplass)?"
    assert (caught.value.location.line, caught.value.location.field) == (4, "changes[0].bed_type")


def test_unit_differences_keep_both_figures_and_say_why_one_is_missing(
    write: Write, kit: normkit.Kit
) -> None:
    s = scenario(
        write,
        """
id: s
title: t
changes:
  - {kind: convert_unit, valid_from: 2021-01-01, facility: Valaskjold, unit: Valaskjold, bed_type: respite}
  - {kind: add_unit, valid_from: 2021-01-01, facility: Borgen, unit: Wing, bed_type: long_term, beds: 45}
""",
    )
    plan = kit.plan(normkit.load_inventory(EXAMPLE), "national", [Y2021], [s])
    rows = {u.unit: u for u in plan.differences[0].periods[0].units}
    converted, wing = rows["Valaskjold"], rows["Wing"]
    assert converted.required_fte.base == pytest.approx(32 / 90)
    assert converted.required_fte.scenario is None
    assert converted.required_fte.reason == f"not comparable: {converted.reason}"
    assert converted.reason.startswith("not comparable: s: no norm: 'national' has no rule")
    assert (wing.required_fte.base, wing.required_fte.scenario) == (None, pytest.approx(0.5))
    assert wing.required_fte.reason == f"no figure: {wing.reason}"
    assert wing.reason.startswith("only in s: norm 'long_term'")
    gap = plan.differences[0].periods[0].gap_fte
    assert gap.difference == pytest.approx(0.5 - 32 / 90)


def test_why_a_total_is_missing(write: Write, kit: normkit.Kit) -> None:
    respite = normkit.Inventory(
        facilities=[
            {
                "name": "H",
                "units": [{"name": "R", "bed_type": "respite", "beds": 5}],
                "staffing": 0.1,
            }
        ]
    )
    s = scenario(write, "id: s\ntitle: t\n")
    (d,) = kit.plan(respite, "national", [Y2021], [s]).differences[0].periods
    assert (
        d.gap_fte.reason == "base: no unit has a required figure; s: no unit has a required figure"
    )
    assert (
        d.norm_fte.reason
        == "base: no unit has a pure-norm figure; s: no unit has a pure-norm figure"
    )
    assert d.staffed_fte.difference == 0
    unstaffed = normkit.Inventory(
        facilities=[{"name": "H", "units": [{"name": "L", "bed_type": "long_term", "beds": 9}]}]
    )
    (d,) = kit.plan(unstaffed, "national", [Y2021], [s]).differences[0].periods
    assert d.gap_fte.reason == "base: no staffing recorded; s: no staffing recorded"
    assert (
        d.gap_cost_nok_per_year.reason
        == "base: no gap is known, so it has no cost; s: no gap is known, so it has no cost"
    )


def test_plan_limits_are_inclusive_and_known_scenarios_are_used(kit: normkit.Kit) -> None:
    inventory = normkit.load_inventory(EXAMPLE)
    at_limit = normkit.Kit(autoload=False, limits=normkit.Limits(max_plan_unit_assessments=18))
    assert len(at_limit.plan(inventory, "national", [Y2020, Y2021]).dates) == 2  # 9 units × 2
    parent = normkit.Scenario(
        id="parent",
        title="p",
        changes=[
            {"kind": "add_staffing", "valid_from": "2021-01-01", "facility": "Kurland", "fte": 1}
        ],
    )
    child = normkit.Scenario(id="child", title="c", extends="parent")
    plan = kit.plan(inventory, "national", [Y2021], [child], known=[parent])
    assert plan.scenarios[0].chain == ["parent", "child"]
    assert plan.differences[0].periods[0].staffed_fte.difference == pytest.approx(1)


def test_conversions_keep_a_units_end_and_the_staffing_still_in_force(write: Write) -> None:
    base = normkit.Inventory(
        facilities=[
            {
                "name": "H",
                "units": [
                    {
                        "name": "U",
                        "bed_type": "long_term",
                        "beds": 30,
                        "valid_to": "2030-12-31",
                        "staffing": [
                            {"fte": 0.1, "valid_to": "2021-12-31"},
                            {"fte": 0.2, "valid_to": "2022-01-01"},
                            {"fte": 0.3},
                        ],
                    }
                ],
            }
        ]
    )
    a = applied(
        write,
        "  - {kind: convert_unit, valid_from: 2022-01-01, facility: H, unit: U, beds: 20, note: smaller}\n"
        "  - {kind: add_unit, valid_from: 2022-01-01, facility: H, unit: V, bed_type: respite, beds: 2, valid_to: 2023-12-31}\n",
        base,
    )
    old, new, added = a.inventory.facilities[0].units
    assert (old.valid_to, new.valid_from, new.valid_to) == (
        dt.date(2021, 12, 31),
        Y2022,
        dt.date(2030, 12, 31),
    )
    assert [s.fte for s in new.staffing] == [
        0.2,
        0.3,
    ]  # the post ending on the day itself goes along
    assert (new.beds, new.note) == (20, "smaller")
    assert added.valid_to == dt.date(2023, 12, 31)
    assert [u.name for u in a.inventory.on(dt.date(2024, 1, 1)).facilities[0].units] == ["U"]


def test_a_measure_defined_twice_names_the_scenario(write: Write, kit: normkit.Kit) -> None:
    m = "  - {kind: measure, id: m, type: cost, valid_from: 2021-01-01, amount: 1 NOK/year}\n"
    path = write("twice.yaml", f"id: twice\ntitle: t\nchanges:\n{m}{m}")
    with pytest.raises(normkit.ScenarioError) as caught:
        kit.plan(normkit.load_inventory(EXAMPLE), "national", [Y2021], kit.load_scenarios([path]))
    assert caught.value.code == "scenario.duplicate-measure"
    assert (caught.value.location.file, caught.value.location.line) == (str(path), 3)


def test_the_messages_of_records_over_time() -> None:
    with pytest.raises(normkit.InventoryError) as overlap:
        normkit.Inventory(figures={"x": [{"value": 1}, {"value": 2, "valid_from": "2021-01-01"}]})
    assert overlap.value.location.field == "figures.x[1].valid_from"
    assert (
        overlap.value.message
        == "figure 'x' has two values at once (1 for … to …, 2 for 2021-01-01 to …)"
    )
    assert (
        overlap.value.hint
        == "one value per period: end the earlier one the day before the next starts"
    )
    dated = normkit.Inventory(figures={"x": [{"value": 1, "valid_to": "2020-12-31"}]})
    with pytest.raises(normkit.InventoryError) as undated:
        dated.indicators()
    assert undated.value.message == "figure 'x' changes over time: it has no value without a date"
    assert undated.value.location.field == "figures.x"
    assert undated.value.hint == "take the inventory on a date first (inventory.on(day))"
    unit = {"name": "A", "bed_type": "long_term", "beds": 1}
    with pytest.raises(normkit.InventoryError) as plain:
        normkit.Facility(name="H", units=[unit, unit])
    assert plain.value.message == "unit 'A' appears twice in facility 'H'"
    assert plain.value.hint is None
    with pytest.raises(normkit.InventoryError) as timed:
        normkit.Facility(name="H", units=[unit, {**unit, "valid_from": "2020-01-01"}])
    assert timed.value.hint == "one name may be used again only for a period that does not overlap"


def test_centres_and_lists_count_only_while_they_exist() -> None:
    inventory = normkit.Inventory(
        gp_centres=[{"name": "C", "gps": 3, "valid_to": "2020-12-31"}],
        gp_lists=[{"id": "L", "listed": 9, "valid_from": "2021-01-01"}],
        services=[{"name": "S", "fte": 1, "valid_from": "2021-01-01"}],
    )
    assert [c.name for c in inventory.on(Y2020).gp_centres] == ["C"]
    assert inventory.on(Y2021).gp_centres == ()
    assert inventory.on(Y2020).gp_lists == () and inventory.on(Y2020).services == ()
    assert [g.id for g in inventory.on(Y2021).gp_lists] == ["L"]


def test_put_together_keeps_the_municipality_and_names_the_clash() -> None:
    homes = normkit.load_inventory(EXAMPLE)
    figures = normkit.Inventory(name="f", figures={"x": [{"value": 1, "valid_to": "2020-12-31"}]})
    both = normkit.combine_inventories([homes, figures])
    assert both.municipality == "Sarpsborg"
    assert both.figures == figures.figures
    other = normkit.Inventory(name="o", figures={"x": 2})
    with pytest.raises(normkit.InventoryError) as clash:
        normkit.combine_inventories([figures, other])
    assert clash.value.location.field == "figures.x"
    assert (
        clash.value.message
        == "figure 'x' is stated differently in two inventories ('o' and an earlier one)"
    )


def test_normkit_check_reads_a_scenario_file_as_a_scenario(write: Write) -> None:
    good = write(
        "good.yaml",
        "id: s\ntitle: t\nchanges:\n  - {kind: add_staffing, valid_from: 2021-01-01, facility: A, fte: 1}\n",
    )
    bad = write(
        "bad.yaml",
        "id: s\ntitle: t\nchanges:\n  - {kind: add_unit, valid_from: 2021-01-01, facility: A, unit: U, bed_type: nowhere, beds: 1}\n",
    )
    typo = write("typo.yaml", "id: s\ntitle: t\nchanges:\n  - {kind: add_staf, facility: A}\n")
    env = {"NORMKIT_DISABLE_PLUGIN_AUTOLOAD": "1"}
    result = runner.invoke(app, ["check", str(good), "--format", "json"], env=env)
    assert result.exit_code == 0 and json.loads(result.stdout) == []
    result = runner.invoke(app, ["check", str(bad), "--format", "json"], env=env)
    (found,) = json.loads(result.stdout)
    assert result.exit_code == 1
    assert (found["code"], found["line"], found["field"]) == (
        "inventory.bed-type",
        4,
        "changes[0].bed_type",
    )
    result = runner.invoke(app, ["check", str(typo), "--format", "json"], env=env)
    (found,) = json.loads(result.stdout)
    assert (
        found["code"] == "scenario.unknown-kind" and "did you mean 'add_staffing'" in found["hint"]
    )


def test_differences_keep_each_sides_figure(write: Write, kit: normkit.Kit) -> None:
    s = scenario(
        write,
        """
id: s
title: t
changes:
  - {kind: set_figure, valid_from: 2021-01-01, figure: new_one, value: 3}
  - {kind: fte_cost, valid_from: 2021-01-01, salary: 1000 NOK/year/FTE, employer_cost_factor: 1}
  - {kind: measure, id: m, label: the label, type: grant, valid_from: 2021-01-01, amount: 5 NOK/year}
""",
    )
    base = normkit.load_inventory(EXAMPLE).model_copy(update={"figures": {"old_one": 1.0}})
    plan = kit.plan(base, "national", [Y2021], [s])
    assert plan.base.title == "base (the inventory as given)"
    (d,) = plan.differences[0].periods
    assert d.indicators["new_one"] == normkit.Difference(
        base=None, scenario=3, difference=None, reason="base: not given on this date"
    )
    assert d.indicators["old_one"].difference == 0
    gap = national_need(TABLE_3) - STAFFED_APRIL_2020
    assert d.gap_cost_nok_per_year.base is None
    assert d.gap_cost_nok_per_year.scenario == pytest.approx(gap * 1000)
    assert d.grants_nok_per_year == normkit.Difference(
        base=0, scenario=5, difference=5, reason=None
    )
    (measure,) = plan.scenarios[0].periods[0].measures
    assert (measure.label, measure.type, measure.scenario) == ("the label", "grant", "s")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            "{kind: population_growth, valid_from: 2021-01-01, percent_per_year: 60, until: 2022}",
            "got 60, but it must be at most 50",
        ),
        (
            "{kind: population_growth, valid_from: 2021-01-01, percent_per_year: -60, until: 2022}",
            "got -60, but it must be at least -50",
        ),
        (
            "{kind: add_staffing, valid_from: 2021-01-01, facility: Borgen, fte: 0}",
            "got 0, but it must be more than 0",
        ),
    ],
)
def test_a_figure_out_of_range_says_what_it_got_and_its_bound(
    write: Write, change: str, message: str
) -> None:
    with pytest.raises(normkit.ScenarioError) as caught:
        scenario(write, f"id: s\ntitle: t\nchanges:\n  - {change}\n")
    assert caught.value.message == message and caught.value.code == "field.range"
