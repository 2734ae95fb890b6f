"""An assessment's unit rows (``Assessment.units``): each unit's own row, made as it is read."""

from __future__ import annotations

import datetime as dt
import gc
import pickle
from pathlib import Path

import pytest

import normkit
from normkit.assessment import UnitAssessment, UnitRows, assess_unit

DATA = Path(__file__).parent / "data"
NEW_YEAR_2020 = dt.date(2020, 1, 1)


def _helsehuset_and_homes(kit: normkit.Kit) -> normkit.Inventory:
    """Helsehuset (named by Table 1's norm set: its own rows and a medical lead row) between
    homes that norm set does not name, whose units of one kind share a computed row."""
    helsehuset = kit.load_inventory(DATA / "helsehuset-2020.yaml").facilities[0]
    homes = [
        {
            "name": f"Home {i}",
            "units": [
                {"name": f"H{i} short", "bed_type": "short_term", "beds": 12, "staffing": 0.1 * i},
                {"name": f"H{i} long", "bed_type": "long_term", "beds": 30, "note": f"n{i}"},
                {"name": f"H{i} KAD", "bed_type": "municipal_acute", "beds": 3},
            ],
        }
        for i in range(3)
    ]
    return normkit.Inventory.model_validate(
        {"facilities": [homes[0], helsehuset.model_dump(), *homes[1:]]}
    )


@pytest.fixture
def table_1(kit: normkit.Kit) -> tuple[normkit.Assessment, normkit.ResolvedNormSet]:
    resolved = kit.resolve(normkit.load_normset(DATA / "table1-norms.yaml"), NEW_YEAR_2020)
    inventory = _helsehuset_and_homes(kit)
    return normkit.assess(inventory, resolved), resolved


def test_each_row_is_the_units_own(
    kit: normkit.Kit, table_1: tuple[normkit.Assessment, normkit.ResolvedNormSet]
) -> None:
    """Every row is what the per-unit path gives that unit alone, names, staffing and gap
    included; each facility's own needs (Helsehuset's medical lead) follow its units."""
    result, resolved = table_1
    expected: list[UnitAssessment] = []
    for facility in _helsehuset_and_homes(kit).facilities:
        expected.extend(
            assess_unit(facility, u, resolved, NEW_YEAR_2020, True) for u in facility.units
        )
        if facility.name == "Helsehuset":
            expected.append(next(r for r in result.units if r.need == "medical_lead"))
    assert [r.model_dump() for r in result.units] == [r.model_dump() for r in expected]
    home_2 = [r for r in result.units if r.facility == "Home 2"]
    assert [r.unit for r in home_2] == ["H2 short", "H2 long", "H2 KAD"]
    assert home_2[0].staffed_fte == pytest.approx(0.2)
    assert home_2[0].gap_fte == pytest.approx(home_2[0].required_fte - 0.2)
    assert home_2[1].unit_note == "n2" and home_2[1].staffed_fte is None
    lead = [i for i, r in enumerate(result.units) if r.need == "medical_lead"]
    assert lead == [7]  # Home 0's three units, Helsehuset's four, then its lead


def test_rows_by_index_slice_and_iteration_agree(
    table_1: tuple[normkit.Assessment, normkit.ResolvedNormSet],
) -> None:
    units = table_1[0].units
    assert isinstance(units, UnitRows)
    rows = list(units)
    assert len(units) == len(rows) == 3 * 3 + 4 + 1
    assert [units[i] for i in range(len(rows))] == rows
    assert [units[i] for i in range(-len(rows), 0)] == rows
    for part in (slice(None), slice(2, 9), slice(1, None, 3), slice(None, None, -2), slice(20, 30)):
        assert units[part] == rows[part]
    for outside in (len(rows), -len(rows) - 1):
        with pytest.raises(IndexError, match=r"^unit row index out of range$"):
            units[outside]
    assert units.index(rows[8]) == 8 and rows[8] in units
    assert list(reversed(units)) == rows[::-1]
    assert bool(units) and repr(units) == repr(rows)


def test_rows_compare_copy_and_serialise_as_a_list(
    table_1: tuple[normkit.Assessment, normkit.ResolvedNormSet],
) -> None:
    result = table_1[0]
    rows = list(result.units)
    assert result.units == rows and rows == result.units and result.units != tuple(rows)
    assert result.units != rows[:-1] and result.units != [*rows[:-1], rows[0]]
    assert result.units != "not rows"
    with pytest.raises(TypeError):
        hash(result.units)
    dumped = result.model_dump()
    assert isinstance(dumped["units"], list) and dumped["units"] == [r.model_dump() for r in rows]
    read_back = normkit.Assessment.model_validate_json(result.model_dump_json())
    assert isinstance(read_back.units, list)
    assert read_back == result and result == read_back
    assert read_back.model_dump_json() == result.model_dump_json()
    assert pickle.loads(pickle.dumps(result)) == result
    assert normkit.Assessment.model_validate(result).units is result.units
    assert result.model_copy(update={"units": []}).units == []


def test_a_fixed_override_names_each_unit_of_rows_shared(kit: normkit.Kit) -> None:
    """The units an override sets are named by their own names, not by the name of the
    unit whose row they share."""
    normset = normkit.NormSet.model_validate(
        {
            "id": "fixed-short",
            "title": "t",
            "extends": "national",
            "source": {"document": "d"},
            "overrides": [
                {
                    "id": "short",
                    "bed_types": ["short_term"],
                    "replaces": "short_term",
                    "rule": {"kind": "fixed", "amount": "1 FTE"},
                    "reason": "r",
                }
            ],
        }
    )
    result = kit.assess(_helsehuset_and_homes(kit), normset, NEW_YEAR_2020)
    assert (
        "override 'short' gives its fixed 1 FTE to each of the 4 units it targets "
        "(H0 short, Short-term, H1 short, H2 short)"
    ) in " ".join(result.notes)


def test_an_assessment_keeps_no_row_per_unit(kit: normkit.Kit) -> None:
    """Units of a kind share their computed row until one is read: an assessment of 2 000
    units of two kinds keeps a handful of rows, not 2 000 copies, and none of the
    inventory's unit objects."""
    inventory = normkit.Inventory.model_validate(
        {
            "facilities": [
                {
                    "name": f"Home {f}",
                    "units": [
                        {
                            "name": f"U{u}",
                            "bed_type": ("long_term", "short_term")[u % 2],
                            "beds": 20,
                        }
                        for u in range(10)
                    ],
                    "staffing": 1.0,
                }
                for f in range(200)
            ]
        }
    )

    def alive(kind: type) -> int:
        gc.collect()
        return sum(isinstance(o, kind) for o in gc.get_objects())

    rows_before, units_before = alive(UnitAssessment), alive(normkit.Unit)
    result = kit.assess(inventory, "national", dt.date(2020, 4, 1))
    assert alive(UnitAssessment) - rows_before < 10
    del inventory  # an app keeping the result: the inventory's units are not held by it
    assert alive(normkit.Unit) - units_before < 10
    assert len(result.units) == 2000 and len({r.unit for r in result.units}) == 10
    assert {(r.facility, r.unit) for r in result.units} == {
        (f"Home {f}", f"U{u}") for f in range(200) for u in range(10)
    }


def test_a_row_kept_from_an_earlier_assessment_is_not_taken_as_this_units(
    kit: normkit.Kit,
) -> None:
    """Shared rows outlive an assessment (kept with the resolved norm set): a unit of the
    same names in another inventory still gets its own note and staffing."""
    resolved = kit.resolve("national", dt.date(2020, 4, 1))

    def home(note: str, staffing: float) -> normkit.Inventory:
        unit = {"name": "U", "bed_type": "long_term", "beds": 30, "note": note}
        return normkit.Inventory.model_validate(
            {"facilities": [{"name": "Home", "units": [{**unit, "staffing": staffing}]}]}
        )

    first = normkit.assess(home("first", 0.5), resolved).units[0]  # the row kept
    second = normkit.assess(home("first", 0.25), resolved).units[0]
    third = normkit.assess(home("third", 0.5), resolved).units[0]
    assert (first.staffed_fte, second.staffed_fte, third.staffed_fte) == (0.5, 0.25, 0.5)
    assert (first.unit_note, second.unit_note, third.unit_note) == ("first", "first", "third")
    assert second.gap_fte == pytest.approx(30 / 90 - 0.25)  # long-term: a FTE per 90 places


def test_pydantic_writes_the_rows_as_it_writes_a_list(
    table_1: tuple[normkit.Assessment, normkit.ResolvedNormSet],
) -> None:
    """Everything pydantic offers a list field holds for the rows: the JSON Schema of
    both modes, include and exclude by index (negative too), serialize_as_any (where the
    rows' own type is asked how to write them), and pydantic_core's encoders."""
    import pydantic_core

    result = table_1[0]
    rows = [r.model_dump() for r in result.units]
    for mode in ("validation", "serialization"):
        schema = normkit.Assessment.model_json_schema(mode=mode)  # type: ignore[arg-type]
        assert schema["properties"]["units"]["type"] == "array"
        assert schema["properties"]["units"]["items"] == {"$ref": "#/$defs/UnitAssessment"}
    assert result.model_dump(include={"units": {-1: True}})["units"] == rows[-1:]
    assert result.model_dump(exclude={"units": {0}})["units"] == rows[1:]
    assert result.model_dump(serialize_as_any=True)["units"] == rows
    assert result.model_dump_json(serialize_as_any=True) == result.model_dump_json()
    assert pydantic_core.to_jsonable_python(result.units, round_trip=True) == [
        r.model_dump(mode="json") for r in result.units
    ]


def test_rows_given_as_any_sequence_are_read_as_a_list_and_pickle_in_every_protocol(
    table_1: tuple[normkit.Assessment, normkit.ResolvedNormSet],
) -> None:
    result = table_1[0]
    fields = dict(result)
    for given in (tuple(result.units), (u for u in result.units)):
        read = normkit.Assessment.model_validate({**fields, "units": given})
        assert isinstance(read.units, list) and read == result
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        assert pickle.loads(pickle.dumps(result, protocol=protocol)) == result


class _PlainList(normkit.Assessment):
    """The assessment as it was, its rows a plain list field: what pydantic makes of it is
    what the rows must give."""

    units: list[UnitAssessment]  # type: ignore[assignment]


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"mode": "json"},
        {"exclude_none": True},
        {"exclude_defaults": True, "by_alias": True},
        {"round_trip": True, "mode": "json"},
        {"include": {"units": {0, -1}, "totals": True}},
        {"exclude": {"units": {"__all__": {"explanation", "source"}}}},
        {"exclude": {"units": {1: True, -2: {"note"}}}, "mode": "json"},
        {"include": {"units": {"__all__": {"unit", "gap_fte"}}}, "exclude_none": True},
        {"serialize_as_any": True},
        {"exclude": {"units": {0}}, "exclude_defaults": True},
    ],
)
def test_rows_are_written_as_a_list_field_would_be(
    table_1: tuple[normkit.Assessment, normkit.ResolvedNormSet], options: dict[str, object]
) -> None:
    result = table_1[0]
    plain = _PlainList.model_validate({**dict(result), "units": list(result.units)})
    assert result.model_dump(**options) == plain.model_dump(**options)  # type: ignore[arg-type]
    json_options = {k: v for k, v in options.items() if k != "mode"}
    assert result.model_dump_json(**json_options) == plain.model_dump_json(**json_options)  # type: ignore[arg-type]
