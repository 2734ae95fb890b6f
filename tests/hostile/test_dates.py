"""Dates at the ends of what a date can name (0001-01-01 and 9999-12-31).

Arithmetic on such a day (the day before, a year after) has no answer in
Python's dates; a file that reaches it gets an error that names its field, or
the answer the rule gives without the arithmetic, never an OverflowError.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

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


def test_a_measure_running_past_the_last_day(raw: Callable[..., Path]) -> None:
    scenario = raw(
        "late.yaml",
        "id: late\ntitle: Late\nchanges:\n"
        "  - {kind: measure, valid_from: 9999-06-01, id: x, label: X, type: cost,\n"
        "     amount: 100 NOK/year, years: 5}\n",
    )
    line = one_error_line(
        "plan", str(normkit.EXAMPLE_INVENTORY), "--scenario", str(scenario), "--years", "2020-2021"
    )
    assert "field 'changes[0].measure.years'" in line
    assert "5 years from 9999-06-01 end after 9999-12-31" in line


def test_a_change_on_the_first_day(raw: Callable[..., Path]) -> None:
    scenario = raw(
        "early.yaml",
        "id: early\ntitle: Early\nchanges:\n"
        "  - {kind: set_staffing, valid_from: 0001-01-01, facility: Borgen, fte: 1}\n",
    )
    line = one_error_line(
        "plan", str(normkit.EXAMPLE_INVENTORY), "--scenario", str(scenario), "--years", "2020-2021"
    )
    assert "field 'changes[0].set_staffing.valid_from'" in line
    assert "cannot start on 0001-01-01" in line
