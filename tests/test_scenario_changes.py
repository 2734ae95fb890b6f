"""Scenario changes: how each reads to a planner, and what each does on the dates at its edges.

Figures are worked out here from the changes' own numbers (a salary, a growth
rate, a measure's length), never read back from a result.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

import normkit

Write = Callable[[str, str], Path]

EVERY_KIND = """
id: all
title: every kind
changes:
  - {kind: add_unit, valid_from: 2021-01-01, facility: New, unit: N1, bed_type: long_term, beds: 9}
  - {kind: remove_unit, valid_from: 2021-01-01, facility: A, unit: a2}
  - {kind: convert_unit, valid_from: 2021-01-01, facility: A, unit: a1, bed_type: short_term}
  - {kind: convert_unit, valid_from: 2022-01-01, facility: A, unit: a1, beds: 12}
  - {kind: add_staffing, valid_from: 2021-01-01, facility: A, unit: a1, fte: 0.5, valid_to: 2021-12-31}
  - {kind: add_staffing, valid_from: 2021-01-01, facility: A, fte: 0.25}
  - {kind: set_staffing, valid_from: 2021-01-01, facility: A, unit: a1, fte: 1}
  - {kind: set_figure, valid_from: 2021-01-01, figure: x, value: 3}
  - {kind: population_path, valid_from: 2021-01-01, inhabitants: {2021: 100, 2022: 110, 2023: 120, 2024: 130}}
  - {kind: population_path, valid_from: 2021-01-01, age_group: 80+, inhabitants: {2021: 10, 2022: 11, 2023: 12}}
  - {kind: population_growth, valid_from: 2025-01-01, percent_per_year: 10, until: 2026}
  - {kind: adopt_normset, valid_from: 2021-01-01, normset: national}
  - {kind: fte_cost, valid_from: 2021-01-01, salary: 1000 NOK/year/FTE, employer_cost_factor: 1}
  - {kind: measure, id: m, type: grant, valid_from: 2024-02-29, years: 1, amount: 5 NOK/year}
"""


def test_each_change_in_a_planners_words(write: Write) -> None:
    changes = normkit.load_scenario(write("all.yaml", EVERY_KIND)).changes
    assert [c.describe() for c in changes] == [
        "New › N1 opens: 9 long_term places",
        "A › a2 closes",
        "A › a1 becomes short_term places",
        "A › a1 becomes 12 places",
        "A › a1: +0.5 FTE until 2021-12-31",
        "A (facility staffing): +0.25 FTE",
        "A › a1: staffing becomes 1 FTE",
        "figure x becomes 3",
        # the first three years and, past them, the last
        "population (all): 2021: 100, 2022: 110, 2023: 120, … 2024: 130",
        "population 80+: 2021: 10, 2022: 11, 2023: 12",
        "population (all) grows 10 % a year until 2026 (rounded to whole inhabitants)",
        "norm set 'national' adopted",
        "an FTE of gap priced at FTE × 1 000 NOK/year/FTE × 1 (employer costs)",
        "grant 'm' (m): 5 NOK/year until 2025-02-27",
    ]


def test_a_measure_of_years_from_29_february_ends_the_day_before_28_february(
    write: Write,
) -> None:
    """A year from 29 February 2024 runs to the day before its anniversary, 28 February
    2025 (the year has no 29th): 365 days, as a year from 1 March does."""
    measure = normkit.load_scenario(write("all.yaml", EVERY_KIND)).changes[-1]
    assert isinstance(measure, normkit.Measure)
    assert measure.last_day == dt.date(2025, 2, 27)
    assert measure.in_force(dt.date(2025, 2, 27)) and not measure.in_force(dt.date(2025, 2, 28))
    assert (measure.last_day - measure.valid_from).days + 1 == 365
    four = measure.model_copy(update={"years": 4})  # to the next 29 February
    assert four.last_day == dt.date(2028, 2, 28)


def _changes(write: Write, *changes: str) -> normkit.Scenario:
    """Scenario 's' of these changes (a YAML flow mapping each), read from its file."""
    lines = "".join(f"  {change}\n" for change in changes)
    return normkit.load_scenario(write("s.yaml", f"id: s\ntitle: t\nchanges:\n{lines}"))


def _base() -> normkit.Inventory:
    return normkit.Inventory.model_validate(
        {
            "facilities": [
                {
                    "name": "H",
                    "units": [{"name": "L", "bed_type": "long_term", "beds": 90}],
                    "staffing": 0.5,
                },
                {"name": "K", "units": [{"name": "S", "bed_type": "short_term", "beds": 20}]},
            ],
            "figures": {"x": [{"value": 1, "valid_from": "2021-01-01"}]},
            "populations": [
                {"inhabitants": 1000, "at": "2019-01-01"},
                {"inhabitants": 2000, "at": "2022-01-01"},
                {"inhabitants": 500, "at": "2025-01-01"},
            ],
        }
    )


def test_the_latest_price_of_an_fte_in_force_is_used(write: Write) -> None:
    """Two prices of an FTE, each from its own date. H needs 1 FTE (90 long-term places at
    one FTE per 90) and has 0.5: its gap costs half a salary."""
    s = _changes(
        write,
        "- {kind: fte_cost, valid_from: 2021-01-01, salary: 1000 NOK/year/FTE, employer_cost_factor: 1}",
        "- {kind: fte_cost, valid_from: 2022-01-01, salary: 2000 NOK/year/FTE, employer_cost_factor: 1}",
        "- {kind: adopt_normset, valid_from: 2021-01-01, normset: national}",
    )
    kit = normkit.Kit(autoload=False)
    full = _base()
    base = full.model_copy(update={"facilities": full.facilities[:1]})
    days = [dt.date(2021, 6, 1), dt.date(2022, 6, 1)]
    costs = [
        p.gap_cost_nok_per_year for p in kit.plan(base, "national", days, [s]).scenarios[0].periods
    ]
    assert costs == [pytest.approx(500), pytest.approx(1000)]


def test_a_figure_set_on_the_day_a_value_starts_replaces_it(write: Write) -> None:
    s = _changes(
        write,
        "- {kind: set_figure, valid_from: 2021-01-01, figure: x, value: 5}",
    )
    applied = normkit.apply_scenario(_base(), s).inventory
    for day in (dt.date(2021, 1, 1), dt.date(2030, 1, 1)):
        assert applied.on(day).figures["x"] == 5


def test_growth_starts_from_the_latest_population_and_a_path_replaces_its_dates(
    write: Write,
) -> None:
    """Growth from 2023 starts from the 2022 record (2 000), the latest on or before it,
    not the earlier 1 000 nor the later 500; the path's 2025 figure replaces the base's."""
    s = _changes(
        write,
        "- {kind: population_growth, valid_from: 2023-01-01, percent_per_year: 10, until: 2024}",
        "- {kind: population_path, valid_from: 2025-01-01, inhabitants: {2025: 3000}}",
    )
    applied = normkit.apply_scenario(_base(), s).inventory

    def inhabitants(year: int) -> float:
        return applied.on(dt.date(year, 6, 1)).indicators()["inhabitants"]

    assert [inhabitants(y) for y in (2022, 2023, 2024, 2025)] == [2000, 2000, 2200, 3000]


def test_a_measure_keeps_the_scenario_that_defines_it(write: Write) -> None:
    write(
        "parent.yaml",
        """
        id: parent
        title: p
        changes:
          - {kind: measure, id: m, type: grant, valid_from: 2021-01-01, amount: 5 NOK/year}
        """,
    )
    child = write("child.yaml", "id: child\ntitle: c\nextends: parent.yaml\n")
    sibling = write("sibling.yaml", "id: sibling\ntitle: s\nextends: parent\n")
    # One extends the parent by its file, the other by its id: both find it.
    scenarios = normkit.load_scenarios([child, sibling])
    kit = normkit.Kit(autoload=False)
    plan = kit.plan(_base(), "national", [dt.date(2021, 6, 1)], scenarios)
    for run in plan.scenarios:
        (measure,) = run.periods[0].measures
        assert (run.id, measure.id, measure.scenario) == (run.id, "m", "parent")


def test_extending_a_scenario_not_given_says_which_are(write: Write) -> None:
    lone = normkit.load_scenario(write("lone.yaml", "id: lone\ntitle: l\nextends: ghost\n"))
    kit = normkit.Kit(autoload=False)
    with pytest.raises(normkit.ScenarioError) as caught:
        kit.plan(_base(), "national", [dt.date(2021, 6, 1)], [lone])
    error = caught.value
    assert error.code == "scenario.extends-unknown"
    assert error.message == "scenario 'lone' extends 'ghost', which is not given"
    assert error.hint == "scenarios given: lone"
    assert (error.location.line, error.location.field) == (3, "extends")


def test_a_base_with_an_unknown_bed_type_is_refused_when_a_scenario_is_applied() -> None:
    base = normkit.Inventory.model_validate(
        {"facilities": [{"name": "A", "units": [{"name": "a", "bed_type": "langtid", "beds": 3}]}]}
    )
    kit = normkit.Kit(autoload=False)
    with pytest.raises(normkit.ScenarioError) as caught:
        normkit.apply_scenario(base, normkit.Scenario(id="s", title="t"), None, kit.bed_types)
    assert "unknown bed type 'langtid'" in caught.value.message
    assert caught.value.hint == "did you mean 'long_term' (langtidsplass)?"


@pytest.mark.parametrize(
    ("text", "error"),
    [
        (
            "id: s\ntitle: t\nchanges:\n"
            "  - {kind: remove_unit, valid_from: 2021-01-01, facility: A, unit: a}\n",
            "scenario.unknown-facility | s.yaml:4, field 'changes[0]': scenario 's': facility "
            "'A' does not exist on 2021-01-01 (hint: facilities then: none)",
        ),
        (
            "id: s\ntitle: t\nchanges:\n  - {kind: population_growth, valid_from: 2021-01-01, "
            "percent_per_year: 1, until: 2022}\n",
            "scenario.unknown-population | s.yaml:4, field 'changes[0]': scenario 's': "
            "population (all) has no record on or before 2021-01-01 to grow from (hint: give "
            "the population (or a population_path) first)",
        ),
        (
            "id: s\ntitle: t\nextends: missing.yaml\n",
            "scenario.extends-unknown | s.yaml:3, field 'extends': scenario 's' extends "
            "'missing.yaml', which is not a file (hint: give a path relative to the "
            "scenario's own file, or a scenario id)",
        ),
    ],
)
def test_a_change_to_nothing_says_where_and_what_is_there(
    tmp_path: Path, text: str, error: str
) -> None:
    """Against an empty inventory: no facility to change, no population to grow from."""
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(normkit.ScenarioError) as caught:
        (scenario,) = normkit.load_scenarios([path])
        normkit.apply_scenario(normkit.Inventory(), scenario)
    shown = str(caught.value).replace(str(path), "s.yaml")
    assert f"{caught.value.code} | {shown}" == error


def test_scenarios_extending_each_other_name_the_cycle_at_the_extends_line(write: Write) -> None:
    first = write("a.yaml", "id: a\ntitle: t\nextends: b\n")
    second = write("b.yaml", "id: b\ntitle: t\nextends: a\n")
    with pytest.raises(normkit.ScenarioError) as caught:
        normkit.load_scenarios([first, second])
    error = caught.value
    assert (error.code, error.message) == (
        "scenario.extends-cycle",
        "scenarios extend each other in a cycle: a → b → a",
    )
    assert (error.location.file, error.location.line, error.location.field) == (
        str(second),
        3,
        "extends",
    )
