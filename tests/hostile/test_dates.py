"""Dates at the ends of what a date can name (0001-01-01 and 9999-12-31).

Arithmetic on such a day (the day before, a year after) has no answer in
Python's dates; a file that reaches it gets an error that names its field, or
the answer the rule gives without the arithmetic, never an OverflowError.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

import normkit
from normkit.conditions import whole_months

from .conftest import one_error_line


def test_a_population_counted_in_the_last_year_is_used(raw: Callable[..., Path]) -> None:
    path = raw(
        "pop.yaml",
        "facilities: []\npopulations:\n"
        "  - {area: X, inhabitants: 56000, at: 2020-01-01}\n"
        "  - {area: X, inhabitants: 57000, at: 9999-01-01}\n",
    )
    inventory = normkit.load_inventory(path)
    for day, inhabitants in [("9999-06-01", 57000), ("9999-12-31", 57000), ("2021-01-01", 56000)]:
        (population,) = inventory.on(dt.date.fromisoformat(day)).populations
        assert population.inhabitants == inhabitants, day


def test_whole_months_to_the_last_day() -> None:
    assert whole_months(dt.date(9999, 11, 30), dt.date.max) == 1
    assert whole_months(dt.date(9999, 12, 31), dt.date.max) == 0


@pytest.mark.parametrize(
    ("change", "field", "said"),
    [
        (
            "{kind: measure, valid_from: 9999-06-01, id: x, type: cost, amount: 100 NOK/year, "
            "years: 5}",
            "measure.years",
            "5 years from 9999-06-01 end after 9999-12-31",
        ),
        (
            "{kind: set_staffing, valid_from: 0001-01-01, facility: Borgen, fte: 1}",
            "set_staffing.valid_from",
            "cannot start on 0001-01-01",
        ),
    ],
)
def test_a_scenario_change_beyond_the_calendar(
    raw: Callable[..., Path], change: str, field: str, said: str
) -> None:
    scenario = raw("edge.yaml", f"id: edge\ntitle: Edge\nchanges:\n  - {change}\n")
    line = one_error_line(
        "plan", str(normkit.EXAMPLE_INVENTORY), "--scenario", str(scenario), "--years", "2020-2021"
    )
    assert f"field 'changes[0].{field}'" in line and said in line
