"""Inventories from YAML, JSON and CSV; each bad input names file, line and field."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest

import normkit
from normkit import InventoryError

from .conftest import EXAMPLE

BED_TYPES = {"long_term", "short_term", "dementia_special"}


def test_bundled_example_has_the_table_3_places(example: normkit.Inventory) -> None:
    assert sum(f.beds for f in example.facilities) == 370
    dementia = sum(
        u.beds for f in example.facilities for u in f.units if u.bed_type == "dementia_special"
    )
    assert dementia == 98
    valaskjold = next(f for f in example.facilities if f.name == "Valaskjold")
    assert valaskjold.staffing[0].valid_to == dt.date(2020, 3, 31)


def test_json_and_csv_load_the_same_units(tmp_path: Path, example: normkit.Inventory) -> None:
    (tmp_path / "inv.json").write_text(example.model_dump_json(), encoding="utf-8")
    assert normkit.load_inventory(tmp_path / "inv.json") == example
    rows = ["facility,unit,bed_type,beds,staffed_fte,staffed_valid_from,staffed_valid_to,note"]
    for f in example.facilities:
        for u in f.units:
            rows.append(f"{f.name},{u.name},{u.bed_type},{u.beds},,,,")
        for s in f.staffing:
            rows.append(f"{f.name},,,,{s.fte},,{s.valid_to or ''},")
    (tmp_path / "inv.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    from_csv = normkit.load_inventory(tmp_path / "inv.csv")
    assert [(f.name, f.units, [s.fte for s in f.staffing]) for f in from_csv.facilities] == [
        (
            f.name,
            tuple(u.model_copy(update={"note": None}) for u in f.units),
            [s.fte for s in f.staffing],
        )
        for f in example.facilities
    ]


def test_csv_dated_staffing_per_unit(write: Callable[[str, str], Path]) -> None:
    path = write(
        "units.csv",
        """
        facility,unit,bed_type,beds,staffed_fte,staffed_valid_from,staffed_valid_to
        Home,A,long_term,30,0.2,,2020-03-31
        Home,A,,,0.3,2020-04-01,
    """,
    )
    unit = normkit.load_inventory(path).facilities[0].units[0]
    assert [(s.fte, s.valid_from, s.valid_to) for s in unit.staffing] == [
        (0.2, None, dt.date(2020, 3, 31)),
        (0.3, dt.date(2020, 4, 1), None),
    ]


@pytest.mark.parametrize(
    ("text", "line", "field", "message"),
    [
        ("bed_type: hospice", 5, "facilities[0].units[0].bed_type", "unknown bed type 'hospice'"),
        ("beds: -3", 5, "facilities[0].units[0].beds", "got -3, but it must be at least 0"),
        ("bogus: 1", 5, "facilities[0].units[0].bogus", "unknown field"),
    ],
)
def test_yaml_errors(
    write: Callable[[str, str], Path], text: str, line: int, field: str, message: str
) -> None:
    unit = {
        "bed_type: hospice": "{name: A, bed_type: hospice, beds: 3}",
        "beds: -3": "{name: A, bed_type: long_term, beds: -3}",
        "bogus: 1": "{name: A, bed_type: long_term, beds: 3, bogus: 1}",
    }[text]
    path = write(
        "inv.yaml",
        f"""
        facilities:
          - name: Home
            units:
              - {unit}
    """,
    )
    with pytest.raises(InventoryError) as err:
        normkit.load_inventory(path, BED_TYPES)
    assert str(err.value).startswith(f"{path}:{line - 1}, field '{field}': {message}") or (
        str(err.value).startswith(f"{path}:{line - 1}, field '{field}'")
        and message in str(err.value)
    )


def test_duplicate_unit_in_yaml(write: Callable[[str, str], Path]) -> None:
    path = write(
        "inv.yaml",
        """
        facilities:
          - name: Home
            units:
              - {name: A, bed_type: long_term, beds: 3}
              - {name: A, bed_type: long_term, beds: 4}
    """,
    )
    with pytest.raises(
        InventoryError,
        match=r"inv.yaml:5, field 'facilities\[0\].units\[1\].name': unit 'A' appears twice",
    ):
        normkit.load_inventory(path, BED_TYPES)


def test_malformed_date_in_yaml(write: Callable[[str, str], Path]) -> None:
    path = write(
        "inv.yaml",
        """
        facilities:
          - name: Home
            units: []
            staffing:
              - {fte: 0.4, valid_to: 2020-31-03}
    """,
    )
    with pytest.raises(InventoryError) as err:
        normkit.load_inventory(path, BED_TYPES)
    assert str(err.value).startswith(f"{path}:5, field 'facilities[0].staffing[0].valid_to'")
    assert "date" in str(err.value)


@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        ("Home,B,hospice,3,,,", "bed_type", "unknown bed type 'hospice'"),
        ("Home,B,long_term,-1,,,", "beds", "got -1, but it must be at least 0"),
        ("Home,A,long_term,5,,,", "unit", "unit 'A' appears twice in facility 'Home'"),
        ("Home,B,long_term,5,,,2020-02-30", "staffed_valid_to", "date"),
        ("Home,B,long_term,five,,,", "beds", "expected a number, got 'five'"),
    ],
)
def test_csv_errors_name_the_line(
    write: Callable[[str, str], Path], row: str, field: str, message: str
) -> None:
    path = write(
        "units.csv",
        f"""
        facility,unit,bed_type,beds,staffed_fte,staffed_valid_from,staffed_valid_to
        Home,A,long_term,30,0.2,,
        {row}
    """,
    )
    if field == "staffed_valid_to":
        path.write_text(path.read_text().replace(",,,2020-02-30", ",0.1,,2020-02-30"))
    with pytest.raises(InventoryError) as err:
        normkit.load_inventory(path, BED_TYPES)
    text = str(err.value)
    assert text.startswith(f"{path}:3"), text
    assert f"'{field}'" in text or f".{field}'" in text, text
    assert message in text, text


def test_csv_unknown_column(write: Callable[[str, str], Path]) -> None:
    path = write("units.csv", "facility,unit,bed_type,beds,colour\n")
    with pytest.raises(InventoryError, match=r"units.csv:1: unknown column\(s\) 'colour'"):
        normkit.load_inventory(path)


def test_unsupported_suffix_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InventoryError, match=r"unsupported file type '\.xlsx'"):
        (tmp_path / "a.xlsx").write_text("x")
        normkit.load_inventory(tmp_path / "a.xlsx")
    with pytest.raises(InventoryError, match="file not found"):
        normkit.load_inventory(tmp_path / "none.yaml")


def test_invalid_yaml_names_the_line(write: Callable[[str, str], Path]) -> None:
    path = write("inv.yaml", "facilities:\n  - name: [unclosed\n")
    with pytest.raises(InventoryError, match=r"inv.yaml:\d+: invalid YAML"):
        normkit.load_inventory(path)


def test_loading_never_writes_the_input(tmp_path: Path) -> None:
    target = tmp_path / "example.yaml"
    target.write_bytes(EXAMPLE.read_bytes())
    before = target.stat().st_mtime_ns, target.read_bytes()
    normkit.load_inventory(target)
    assert (target.stat().st_mtime_ns, target.read_bytes()) == before


def test_gp_list_indicators(tmp_path: Path) -> None:
    inventory = normkit.Inventory.model_validate(
        {
            "gp_lists": [
                {"id": "a", "cap": 1200, "listed": 1100},
                {"id": "b", "cap": 800, "listed": 801},
            ]
        }
    )
    assert inventory.indicators() == {
        "listed_patients": 1901.0,
        "vacant_lists": 0.0,
        "list_caps": 2000.0,
        "free_list_places": 99.0,
    }
    path = tmp_path / "lists.yaml"
    path.write_text(
        "gp_lists:\n  - {id: a, listed: 0, vacant: true}\nfigures:\n  vacant_lists: 2\n",
        encoding="utf-8",
    )
    with pytest.raises(normkit.InventoryError) as caught:
        normkit.load_inventory(path)
    assert caught.value.to_dict() == {
        "code": "inventory.figure-contradicts-records",
        "message": "figure 'vacant_lists' is stated as 2 but the inventory's records give 1",
        "file": str(path),
        "line": 4,
        "field": "figures.vacant_lists",
        "hint": "state a figure only when the records that would give it are absent",
    }


def test_json_output_of_models_round_trips(example: normkit.Inventory) -> None:
    text = example.model_dump_json()
    assert normkit.Inventory.model_validate(json.loads(text)) == example


def test_csv_from_a_norwegian_spreadsheet(tmp_path: Path) -> None:
    """Byte-order mark, ';' separators, decimal commas and '60 %' posts."""
    path = tmp_path / "export.csv"
    text = (
        "facility;unit;bed_type;beds;staffed_fte;staffed_valid_from;staffed_valid_to\n"
        "Tingvoll;Tingvoll long-term;long_term;50;;;\n"
        "Tingvoll;;;;0,6;;\n"
        "Kurland;Kurland;long_term;112;125 %;;\n"
    )
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    inventory = normkit.load_inventory(path, BED_TYPES)
    assert inventory.facilities[0].staffing[0].fte == 0.6
    assert inventory.facilities[1].units[0].staffing[0].fte == 1.25


def test_csv_empty_beds_is_named(write: Callable[[str, str], Path]) -> None:
    path = write(
        "units.csv",
        """
        facility,unit,bed_type,beds
        Home,A,long_term,
    """,
    )
    with pytest.raises(InventoryError, match=r"units.csv:2, field 'beds': 'beds' is empty"):
        normkit.load_inventory(path, BED_TYPES)


def test_staffing_as_percent_in_yaml(write: Callable[[str, str], Path]) -> None:
    path = write(
        "inv.yaml",
        """
        facilities:
          - name: Kurland
            units: [{name: Kurland, bed_type: long_term, beds: 112}]
            staffing: 100 %
    """,
    )
    assert normkit.load_inventory(path).facilities[0].staffing[0].fte == 1.0


def test_duplicate_yaml_key_is_an_error(write: Callable[[str, str], Path]) -> None:
    path = write(
        "inv.yaml",
        """
        facilities:
          - name: Home
            units:
              - name: A
                bed_type: long_term
                beds: 10
                beds: 20
    """,
    )
    with pytest.raises(
        InventoryError,
        match=r"inv.yaml:7, field 'facilities\[0\].units\[0\].beds': key 'beds' appears twice",
    ):
        normkit.load_inventory(path)


def test_stated_figures_must_agree_with_records(write: Callable[[str, str], Path]) -> None:
    path = write(
        "inv.yaml",
        """
        gp_lists:
          - {id: a, cap: 1200, listed: 1100}
        figures:
          free_list_places: 494
    """,
    )
    with pytest.raises(InventoryError, match="figure 'free_list_places' is stated as 494 but"):
        normkit.load_inventory(path)


NATIONAL_BED_TYPES = normkit.Kit(autoload=False).bed_types


@pytest.mark.parametrize(
    ("written", "labelled", "hint"),
    [
        ("la", True, None),  # too short to guess from
        ("lan", True, "did you mean 'long_term' (langtidsplass)?"),
        ("long_t", True, "did you mean 'long_term' (langtidsplass)?"),
        ("korttidsplasser", True, "did you mean 'short_term' (korttidsplass)?"),
        ("rullering", True, "did you mean 'respite' (avlastning / rullering)?"),
        ("omsorgsbolig", True, "did you mean 'assisted_living' (omsorgsbolig i bokollektiv)?"),
        ("long term care places", False, "did you mean 'long_term'?"),
        ("short_trm", False, "did you mean 'short_term'?"),
        ("xyz", True, None),
        ("korttidsplasser", False, None),  # Norwegian names come with the labels only
    ],
)
def test_an_unknown_bed_type_gets_the_nearest_known_one(
    written: str, labelled: bool, hint: str | None
) -> None:
    from normkit.inventory import suggest_bed_type

    known = NATIONAL_BED_TYPES if labelled else list(NATIONAL_BED_TYPES)
    assert suggest_bed_type(written, known) == hint


def test_a_known_name_of_four_letters_is_found_at_the_start_of_a_longer_one() -> None:
    from normkit.inventory import suggest_bed_type

    assert suggest_bed_type("hall of residence", ["hall", "ward"]) == "did you mean 'hall'?"
    assert suggest_bed_type("kad unit of residence", ["kad", "ward"]) is None


THREE_UNITS = """
facilities:
  - name: H
    units:
      - {name: a, bed_type: long_term, beds: 1}
      - {name: b, bed_type: long_term, beds: 1}
      - {name: c, bed_type: long_term, beds: 1}
"""


def test_the_units_limit_counts_before_building(write: Callable[[str, str], Path]) -> None:
    path = write("three.yml", THREE_UNITS)  # .yml is YAML too
    loaded = normkit.load_inventory(path, limits=normkit.Limits(max_units=3))
    assert [u.name for u in loaded.facilities[0].units] == ["a", "b", "c"]
    for load in (
        lambda p: normkit.load_inventory(p, limits=normkit.Limits(max_units=2)),
        normkit.Kit(autoload=False, limits=normkit.Limits(max_units=2)).load_inventory,
    ):
        with pytest.raises(InventoryError) as caught:
            load(path)
        assert caught.value.to_dict() == {
            "code": "inventory.too-many-units",
            "message": "the inventory has 3 units, more than the limit of 2",
            "file": str(path),
            "hint": "raise the limit (normkit.Limits(max_units=...) or NORMKIT_MAX_UNITS)",
        }


def test_an_inventory_that_is_a_list(write: Callable[[str, str], Path]) -> None:
    path = write("list.yaml", "- a\n- b\n")
    with pytest.raises(InventoryError) as caught:
        normkit.load_inventory(path)
    hint = "start with 'facilities:' (an empty inventory is 'facilities: []')"
    assert caught.value.to_dict() == {
        "code": "inventory.not-a-mapping",
        "message": "an inventory must be a mapping",
        "file": str(path),
        "line": 1,
        "hint": hint,
    }
    # an empty file (or one of comments only) holds nothing, and is said to
    for text in ("", "# facilities to come\n"):
        with pytest.raises(InventoryError) as caught:
            normkit.load_inventory(write("empty.yaml", text))
        assert caught.value.message == "the file holds nothing: an inventory is a mapping"
        assert caught.value.hint == hint
        # in TOML too: it was read as an empty inventory, a wrong file assessed as nothing
        with pytest.raises(InventoryError) as caught:
            normkit.load_inventory(write("empty.toml", text + "\n  \n"))
        assert caught.value.message == "the file holds nothing: an inventory is a mapping"
        assert caught.value.hint == (
            "start with 'facilities = [' (an empty inventory is 'facilities = []')"
        )
    assert normkit.load_inventory(write("none.toml", "facilities = []\n")).facilities == ()


def test_an_inventory_of_a_kind_normkit_does_not_read(write: Callable[[str, str], Path]) -> None:
    path = write("units.xlsx", "not really a workbook")
    with pytest.raises(InventoryError) as caught:
        normkit.load_inventory(path)
    assert caught.value.to_dict() == {
        "code": "file.type",
        "message": "unsupported file type '.xlsx'",
        "file": str(path),
        "hint": "use .csv, .yaml, .yml, .toml or .json",
    }


@pytest.mark.parametrize(
    ("written", "fte"), [("60 %", 0.6), ("12,5 %", 0.125), ("12.5%", 0.125), ("0,6", 0.6)]
)
def test_a_post_written_as_a_percentage(written: str, fte: float) -> None:
    from normkit.inventory import read_fte

    assert read_fte(written) == pytest.approx(fte)


def test_a_facility_named_twice(tmp_path: Path) -> None:
    path = tmp_path / "twice.yaml"
    path.write_text(
        "facilities:\n  - {name: H, units: []}\n  - {name: H, units: []}\n", encoding="utf-8"
    )
    with pytest.raises(normkit.InventoryError) as caught:
        normkit.load_inventory(path)
    assert caught.value.code == "inventory.duplicate"
    assert caught.value.location.field == "facilities[1].name"
    assert "'H'" in caught.value.message


def test_list_caps_count_a_cap_of_zero() -> None:
    inventory = normkit.Inventory.model_validate(
        {
            "gp_lists": [
                {"id": "a", "cap": 1200, "listed": 1100},
                {"id": "closed", "cap": 0, "listed": 0},
            ]
        }
    )
    assert inventory.indicators()["list_caps"] == 1200.0


def test_an_inventory_gives_its_places_as_the_beds_figure() -> None:
    inventory = normkit.load_inventory(EXAMPLE)
    assert inventory.indicators()["beds"] == 370.0  # Table 3's places


def test_an_unknown_bed_type_lists_the_known_ones_and_suggests_by_norwegian_name(
    kit: normkit.Kit, tmp_path: Path
) -> None:
    path = tmp_path / "homes.yaml"
    path.write_text(
        "facilities:\n  - name: Home\n    units:\n      - {name: A, bed_type: langtid, beds: 3}\n",
        encoding="utf-8",
    )
    with pytest.raises(InventoryError) as caught:
        kit.load_inventory(path)
    known = ", ".join(sorted(kit.bed_types))
    assert caught.value.to_dict() == {
        "code": "inventory.bed-type",
        "message": f"unknown bed type 'langtid'; known bed types: {known}",
        "file": str(path),
        "line": 4,
        "field": "facilities[0].units[0].bed_type",
        "hint": "did you mean 'long_term' (langtidsplass)?",
    }
