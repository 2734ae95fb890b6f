"""Many periods of one name: the duplicate checks take n log n, not n², time.

A reviewer's 60 KB upload of 1 000 one-day values of one figure took 5.5 s to
load, and 80 000 (within the 5 MiB request limit) would have taken hours: each
record was compared with every earlier one. 20 000 records of each kind load
here in a second or two; compared pairwise they would outlast CI's timeout on
this folder many times over.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import normkit
from normkit.validity import Dated, first_overlap

MANY = 20_000
START = dt.date(2000, 1, 1)


def days(count: int) -> list[dict[str, str]]:
    """One-day periods, one after another."""
    return [
        {"valid_from": str(START + dt.timedelta(i)), "valid_to": str(START + dt.timedelta(i))}
        for i in range(count)
    ]


def inventory(group: str, periods: list[dict[str, str]]) -> dict[str, Any]:
    if group == "figures":
        return {"figures": {"x": [{"value": 1, **p} for p in periods]}}
    if group == "units":
        units = [{"name": "U", "bed_type": "long_term", "beds": 1, **p} for p in periods]
        return {"facilities": [{"name": "F", "units": units}]}
    if group == "facilities":
        return {"facilities": [{"name": "F", "units": [], **p} for p in periods]}
    return {"gp_lists": [{"id": "L", "listed": 1, **p} for p in periods]}


GROUPS = ["figures", "units", "facilities", "gp_lists"]
WHERE = {
    "figures": f"figures.x[{MANY}].valid_from",
    "units": f"facilities[0].units[{MANY}].name",
    "facilities": f"facilities[{MANY}].name",
    "gp_lists": f"gp_lists[{MANY}].id",
}


@pytest.mark.parametrize("group", GROUPS)
def test_many_periods_of_one_name_load(raw: Callable[..., Path], group: str) -> None:
    path = raw("many.json", json.dumps(inventory(group, days(MANY))))
    assert normkit.load_inventory(path).dated()


def test_the_overlap_named_is_the_first_a_reader_meets(raw: Callable[..., Path]) -> None:
    """In file order: the third record overlaps the second, before the fourth overlaps
    the first (a sweep by date alone met the fourth first)."""
    periods = ["2000-01-01/2000-12-31", "2010-01-01/2010-12-31", "2010-06-01/2010-06-30"]
    periods.append("2000-06-01/2000-06-30")
    facilities = [
        {"name": "A", "units": [], "valid_from": p[:10], "valid_to": p[11:]} for p in periods
    ]
    path = raw("homes.json", json.dumps({"facilities": facilities}))
    with pytest.raises(normkit.InventoryError) as caught:
        normkit.load_inventory(path)
    assert caught.value.location.field == "facilities[2].name"
    assert "(2010-01-01 to 2010-12-31 and 2010-06-01 to 2010-06-30)" in caught.value.message


@pytest.mark.parametrize("group", GROUPS)
def test_an_overlap_after_many_periods_is_found_and_named(
    raw: Callable[..., Path], group: str
) -> None:
    periods = days(MANY)
    periods.append({"valid_from": "2010-01-01", "valid_to": "2010-01-01"})  # day 3 653 again
    path = raw("many.json", json.dumps(inventory(group, periods)))
    with pytest.raises(normkit.InventoryError) as caught:
        normkit.load_inventory(path)
    assert caught.value.code == "inventory.duplicate"
    assert caught.value.location.field == WHERE[group]
    assert "2010-01-01 to 2010-01-01" in caught.value.message


def periods() -> st.SearchStrategy[list[Dated]]:
    day = st.none() | st.integers(0, 30).map(lambda i: START + dt.timedelta(i))

    def ordered(ends: tuple[dt.date | None, dt.date | None]) -> Dated:
        low, high = ends
        if low is not None and high is not None and high < low:
            low, high = high, low
        return Dated(valid_from=low, valid_to=high)

    return st.lists(st.tuples(day, day).map(ordered), max_size=12)


@given(periods())
def test_an_overlap_is_found_exactly_when_two_periods_overlap(records: list[Dated]) -> None:
    pairs = [
        (i, j)
        for j in range(len(records))
        for i in range(j)
        if records[i].validity.overlaps(records[j].validity)
    ]
    # the first record, in the file's order, that overlaps an earlier one, and the
    # first of those: as a reader going down the file meets it
    later = min((j for _, j in pairs), default=None)
    earlier = min((i for i, j in pairs if j == later), default=None)
    assert first_overlap(records) == (None if later is None else (earlier, later))
