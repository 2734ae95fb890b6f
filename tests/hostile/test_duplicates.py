"""Silent coercions end: duplicate keys and columns are errors in every format."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

import normkit
from normkit.files import read_document


def test_duplicate_json_key_names_its_line(raw: Callable[..., Path]) -> None:
    path = raw(
        "inv.json",
        '{"facilities": [\n  {"name": "A", "units": []},\n  {"name": "B",\n   "name": "C"}\n]}',
    )
    with pytest.raises(normkit.InventoryError) as caught:
        normkit.load_inventory(path)
    assert caught.value.code == "file.duplicate-key"
    assert caught.value.message == "key 'name' appears twice in the same object"
    assert caught.value.location.line == 4


def test_same_key_in_different_objects_is_fine(raw: Callable[..., Path]) -> None:
    path = raw("inv.json", '{"facilities": [{"name": "A"}, {"name": "B"}]}')
    assert [f.name for f in normkit.load_inventory(path).facilities] == ["A", "B"]


def test_duplicate_toml_key(raw: Callable[..., Path]) -> None:
    with pytest.raises(normkit.InventoryError) as caught:
        normkit.load_inventory(raw("inv.toml", 'name = "a"\nname = "b"\n'))
    assert caught.value.code == "file.syntax" and caught.value.location.line == 2


def test_duplicate_yaml_key(raw: Callable[..., Path]) -> None:
    with pytest.raises(normkit.InventoryError) as caught:
        normkit.load_inventory(raw("inv.yaml", "name: a\nas_of: 2020-01-01\nname: b\n"))
    assert caught.value.code == "file.duplicate-key"
    assert (caught.value.location.line, caught.value.location.field) == (3, "name")


def test_a_key_two_merged_mappings_give_is_refused(raw: Callable[..., Path]) -> None:
    """YAML says the first of '<<: [a, b]' wins; PyYAML kept the last: beds 9, not 7."""
    units = "    units:\n      - {<<: [*small, *large], name: U, bed_type: long_term}\n"
    text = "x: [&small {beds: 7}, &large {beds: 9}]\nfacilities:\n  - name: H\n" + units
    with pytest.raises(normkit.InventoryError) as caught:
        normkit.load_inventory(raw("inv.yaml", text))
    assert caught.value.code == "file.syntax" and caught.value.location.line == 5
    assert "key 'beds' is given by two of the mappings merged with '<<'" in caught.value.message
    # the mapping's own key over a merged one, and merged mappings apart: as YAML says
    own = "    units:\n      - {<<: [*small, *name], beds: 3, bed_type: long_term}\n"
    text = "x: [&small {beds: 7}, &name {name: U}]\nfacilities:\n  - name: H\n" + own
    data, _ = read_document(raw("ok.yaml", text), normkit.InventoryError)
    assert data["facilities"][0]["units"][0] == {"beds": 3, "name": "U", "bed_type": "long_term"}


@pytest.mark.parametrize("first", ["+2027", "2027", "'2027'"])
def test_one_number_written_two_ways_is_one_key(raw: Callable[..., Path], first: str) -> None:
    """A population path's years: '+2027: 5400' beside '2027: 9999' kept 9999, unsaid."""
    text = "id: s\ntitle: t\nchanges:\n  - kind: population_path\n    valid_from: 2027-01-01\n"
    text += f"    inhabitants: {{{first}: 5400, 2027: 9999}}\n"
    with pytest.raises(normkit.ScenarioError) as caught:
        normkit.Kit(autoload=False).load_scenarios([raw("s.yaml", text)])
    assert caught.value.code == "file.duplicate-key"
    assert caught.value.message == "key '2027' appears twice in the same mapping"


def test_a_key_tagged_int_that_is_no_number_is_an_error_not_a_crash(
    raw: Callable[..., Path],
) -> None:
    with pytest.raises(normkit.InventoryError) as caught:
        normkit.load_inventory(
            raw("inv.yaml", "as_of: 2020-01-01\n!!int 0x10: 1\nfacilities: []\n")
        )
    assert caught.value.code == "file.syntax" and caught.value.location.line == 2
    assert "'0x10' is not a plain decimal whole number" in caught.value.message


def test_duplicate_csv_header(raw: Callable[..., Path]) -> None:
    path = raw("units.csv", "facility,unit,bed_type,beds,Beds\nHome,U,long_term,1,2\n")
    with pytest.raises(normkit.InventoryError) as caught:
        normkit.load_inventory(path)
    assert caught.value.code == "csv.duplicate-column"
    assert "column 'beds' appears twice in the header (columns 4 and 5)" in caught.value.message


def test_notes_on_csv_staffing_rows_are_kept(raw: Callable[..., Path]) -> None:
    path = raw(
        "units.csv",
        "facility,unit,bed_type,beds,staffed_fte,staffed_valid_to,note\n"
        "Valaskjold,Valaskjold,long_term,32,,,the whole home\n"
        "Valaskjold,Valaskjold,,,0.4,31.03.2020,post funded by NAV until 01.04.2020\n"
        "Valaskjold,,,,0.1,,facility-level supervision\n",
    )
    facility = normkit.load_inventory(path).facilities[0]
    assert facility.units[0].note == "the whole home"
    assert facility.units[0].staffing[0].note == "post funded by NAV until 01.04.2020"
    assert facility.staffing[0].note == "facility-level supervision"


def _homes(*names: str) -> str:
    facilities = [
        {"name": n, "units": [{"name": "A", "bed_type": "long_term", "beds": 30}]} for n in names
    ]
    return json.dumps({"facilities": facilities})


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Tingvoll", "Tingvoll "),  # CSV trims cells, so only JSON and YAML could hold both
        ("\u00a0Tingvoll", "Tingvoll"),
        ("Ho\u200bme", "Home"),  # a zero-width space
        ("Ha\u030a", "H\u00e5"),  # 'Hå' decomposed and composed
        ("Valaskjold\u202e", "Valaskjold"),
        ("Valaskjold", "Valaskjold\u202e"),  # the name the message quotes first
    ],
)
def test_names_that_look_the_same_are_one_name(
    raw: Callable[..., Path], first: str, second: str
) -> None:
    """Two facilities a reader cannot tell apart would be two rows of one name, 60 places."""
    with pytest.raises(normkit.InventoryError) as caught:
        normkit.load_inventory(raw("homes.json", _homes(first, second)))
    assert caught.value.code == "inventory.duplicate"
    assert caught.value.location.field == "facilities[1].name"
    assert "look the same in every report" in caught.value.message
    # every name in the message is shown escaped, the first quote too
    for character in ("\u200b", "\u202e"):
        assert character not in caught.value.message


def test_a_quantity_that_does_not_read_is_shown_escaped() -> None:
    with pytest.raises(normkit.NormkitError) as caught:
        normkit.Rate(amount="1\u200b FTE", per="1 place")
    assert caught.value.code == "quantity.syntax"
    assert "'1\\u200b FTE'" in caught.value.message and "\u200b" not in caught.value.message


@pytest.mark.parametrize("name", [" ", "\t", "\u00a0", "\u200b", ""])
def test_a_name_that_shows_as_nothing(raw: Callable[..., Path], name: str) -> None:
    with pytest.raises(normkit.InventoryError) as caught:
        normkit.load_inventory(raw("homes.json", _homes(name)))
    assert caught.value.code == ("field.length" if name == "" else "inventory.blank-name")
    assert caught.value.location.field == "facilities[0].name"
