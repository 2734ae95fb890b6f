"""CSV inventories: every error names its line and column, with the code, message and hint.

Messages are part of the interface (the docs promise the file, the line, the
field and a hint), so each error path of the CSV reader is asserted whole.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import normkit

H = "facility,unit,bed_type,beds,staffed_fte,staffed_valid_from,staffed_valid_to,note\n"
ALL_COLUMNS = (
    "columns are: facility, unit, bed_type, beds, staffed_fte, staffed_valid_from, "
    "staffed_valid_to, note"
)
ROW_HINT = "fill in 'unit', or leave bed_type and beds empty and give staffed_fte"
UNIT_HINT = "a row defining a unit needs bed_type and beds (a whole number)"


@pytest.mark.parametrize(
    ("text", "error"),
    [
        (
            "facility,bed_type\nH,long_term\n",
            {
                "code": "csv.header",
                "message": "missing column(s) unit, beds",
                "line": 1,
                "hint": ALL_COLUMNS,
            },
        ),
        (
            "facility,unit,bed_type,beds,colour\nH,U,long_term,3,red\n",
            {
                "code": "csv.header",
                "message": "unknown column(s) 'colour'",
                "line": 1,
                "hint": ALL_COLUMNS + "; the file is separated by commas",
            },
        ),
        (
            H + ",U,long_term,3,,,,\n",
            {
                "code": "csv.empty-cell",
                "message": "'facility' is empty",
                "line": 2,
                "field": "facility",
            },
        ),
        (
            H + "H,,long_term,,,,,\n",
            {
                "code": "csv.row",
                "message": "a row without 'unit' must only record facility staffing",
                "line": 2,
                "field": "unit",
                "hint": ROW_HINT,
            },
        ),
        (
            H + "H,U,long_term,3,,,,\nH,,,,,,,note only\n",
            {
                "code": "csv.row",
                "message": "a row without 'unit' must only record facility staffing",
                "line": 3,
                "field": "unit",
                "hint": ROW_HINT,
            },
        ),
        (
            H + "H,U,,3,,,,\n",
            {
                "code": "csv.empty-cell",
                "message": "'bed_type' is empty",
                "line": 2,
                "field": "bed_type",
                "hint": UNIT_HINT,
            },
        ),
        (
            H + "H,U,long_term,,,,,\n",
            {
                "code": "csv.empty-cell",
                "message": "'beds' is empty",
                "line": 2,
                "field": "beds",
                "hint": UNIT_HINT,
            },
        ),
        (
            H + "H,U,long_term,3,,,,\nH,U,long_term,4,,,,\n",
            {
                "code": "inventory.duplicate",
                "message": "unit 'U' appears twice in facility 'H'",
                "line": 3,
                "field": "unit",
            },
        ),
        (  # the note was dropped, without a word
            H + "H,U,long_term,3,,,,\nH,U,,,,,,orphan note\n",
            {
                "code": "csv.row",
                "message": "the row names unit 'U' again but gives no staffing, so its note "
                "belongs to nothing",
                "line": 3,
                "field": "unit",
                "hint": "give staffed_fte to add a staffing record; a unit's own note goes on "
                "the row that defines it",
            },
        ),
        (  # a row that says nothing was read as nothing
            H + "H,U,long_term,3,,,,\nH,U,,,,,,\n",
            {
                "code": "csv.row",
                "message": "the row names unit 'U' again but gives no staffing",
                "line": 3,
                "field": "unit",
                "hint": "give staffed_fte to add a staffing record; a unit's own note goes on "
                "the row that defines it",
            },
        ),
        (
            H + "H,U,,,0.5,,,\n",
            {
                "code": "csv.row",
                "message": "unit 'U' has no bed_type and beds, and was not defined above",
                "line": 2,
                "field": "bed_type",
            },
        ),
        (
            H + "H,U,long_term,3,,,,\nH,,,,lots,,,\n",
            {
                "code": "value.not-a-number",
                "message": "expected a number, got 'lots'",
                "line": 3,
                "field": "staffed_fte",
                "hint": "write digits with a decimal point or comma, e.g. 12 or 0,6",
            },
        ),
        (
            H + "H,U,long_term,3,,,,\nH,U,,,0.5,,31.02.2020,\n",
            {
                "code": "value.not-a-date",
                "message": "'31.02.2020' is not a real date (day is out of range for month)",
                "line": 3,
                "field": "staffed_valid_to",
            },
        ),
        (
            H + "H,U,long_term,3,,2020-01-01,,\n",
            {
                "code": "csv.empty-cell",
                "message": "'staffed_fte' is empty, but the row gives the staffing's dates",
                "line": 2,
                "field": "staffed_fte",
                "hint": "give the FTE of the post, or leave its dates empty",
            },
        ),
        (
            H + "A,U,long_term,3,,,,\nB,V,long_term,-2,,,,\n",
            {
                "code": "field.range",
                "message": "got -2, but it must be at least 0",
                "line": 3,
                "field": "beds",
            },
        ),
        (
            H + "A,U,long_term,3,,,,\nA,U,,,0.4,2020-06-01,2020-01-01,\n",
            {
                "code": "validity.order",
                "message": "valid_to 2020-01-01 is before valid_from 2020-06-01",
                "line": 3,
                "field": "staffed_valid_to",
                "hint": "valid_to is the last day in force",
            },
        ),
        (
            H + "A,U,long_term,3,,,,\nB,W,hospice,3,,,,\n",
            {"code": "inventory.bed-type", "line": 3, "field": "bed_type"},
        ),
        (
            H + "A,U,long_term,3,,,,\nA,V,long_term,3,,,,\nA,,,,0.5,,,x\nA,,,,0.5,,xx,\n",
            {"code": "value.not-a-date", "line": 5, "field": "staffed_valid_to"},
        ),
    ],
)
def test_csv_errors(raw: Callable[..., Path], text: str, error: dict[str, Any]) -> None:
    path = raw("units.csv", text)
    with pytest.raises(normkit.InventoryError) as caught:
        normkit.Kit(autoload=False).load_inventory(path)
    got = caught.value.to_dict()
    assert got.pop("file") == str(path)
    if "message" not in error:
        got = {k: got[k] for k in error}
    assert got == error


def test_what_a_good_csv_gives(raw: Callable[..., Path]) -> None:
    path = raw(
        "units.csv",
        H
        + "Tingvoll,Tingvoll long-term,long_term,50,,,,\n"
        + "Tingvoll,Tingvoll dementia,dementia_special,12,0.1,,,the dementia unit\n"
        + "Tingvoll,,,,0.6,2020-01-01,,home total\n"
        + "Valaskjold,Valaskjold,long_term,32,0.4,,2020-03-31,\n"
        + "Valaskjold,Valaskjold,,,0.2,2020-04-01,,new post\n",
    )
    inventory = normkit.load_inventory(path)
    assert inventory.name == "units"
    tingvoll, valaskjold = inventory.facilities
    assert [u.name for u in tingvoll.units] == ["Tingvoll long-term", "Tingvoll dementia"]
    assert tingvoll.units[0].staffing == ()
    assert tingvoll.units[1].note == "the dementia unit"
    assert [(s.fte, s.note) for s in tingvoll.units[1].staffing] == [(0.1, None)]
    (home,) = tingvoll.staffing
    assert (home.fte, home.valid_from.isoformat(), home.note) == (0.6, "2020-01-01", "home total")
    records = valaskjold.units[0].staffing
    assert [(r.fte, r.valid_to and r.valid_to.isoformat(), r.note) for r in records] == [
        (0.4, "2020-03-31", None),
        (0.2, None, "new post"),
    ]
