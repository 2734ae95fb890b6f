"""The DataFrame entry point gives, row by row, what the per-unit path gives that unit.

Every expected figure comes from :func:`normkit.assess` on an inventory built
from the same rows (each row one unit of its facility, staffing one undated
figure), never from typed numbers. Each frame library is tried with text bed
types and with its own codes (pandas Categorical; polars Categorical and Enum;
Arrow dictionary).
"""

from __future__ import annotations

import datetime as dt
import math
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import normkit as nk
from normkit.frames import MAX_BED_TYPES, RESULT_COLUMNS, frame_totals

APRIL_2020 = dt.date(2020, 4, 1)
FIGURES = RESULT_COLUMNS[:4]
# (facility, unit, bed type, beds, staffed FTE): one unit
Row = tuple[str, str, str, int, float | None]


@pytest.fixture(scope="module")
def kit() -> nk.Kit:
    """The built-in norms and the five municipal plugins (installed with the dev tools)."""
    return nk.Kit()


# -- the per-unit path, and frames of the same rows ------------------------------


def per_unit(rows: list[Row], normset: nk.ResolvedNormSet) -> list[nk.UnitAssessment]:
    """:func:`normkit.assess` of the rows as an inventory, in the rows' order."""
    facilities: dict[str, list[dict[str, Any]]] = {}
    for facility, unit, bed_type, beds, staffed in rows:
        record: dict[str, Any] = {"name": unit, "bed_type": bed_type, "beds": beds}
        if staffed is not None:
            record["staffing"] = staffed
        facilities.setdefault(facility, []).append(record)
    inventory = nk.Inventory.model_validate(
        {"facilities": [{"name": n, "units": u} for n, u in facilities.items()]}
    )
    assessed = nk.assess(inventory, normset, explain=False)
    by_unit = {(u.facility, u.unit): u for u in assessed.units if u.beds is not None}
    return [by_unit[(facility, unit)] for facility, unit, *_ in rows]


def columns_of(rows: list[Row]) -> dict[str, list[Any]]:
    return {
        "facility": [r[0] for r in rows],
        "unit": [r[1] for r in rows],
        "bed_type": [r[2] for r in rows],
        "beds": [r[3] for r in rows],
        "staffed_fte": [r[4] for r in rows],
    }


def pandas_frame(data: dict[str, list[Any]]) -> pd.DataFrame:
    types = {"facility": "str", "unit": "str", "bed_type": "str"}
    types |= {"beds": "int64", "staffed_fte": "float64"}
    return pd.DataFrame({k: pd.Series(v, dtype=types[k]) for k, v in data.items()})


def polars_frame(data: dict[str, list[Any]]) -> pl.DataFrame:
    types = {"facility": pl.String, "unit": pl.String, "bed_type": pl.String}
    types |= {"beds": pl.Int64, "staffed_fte": pl.Float64}
    return pl.DataFrame(data, schema={k: types[k] for k in data})


def arrow_table(data: dict[str, list[Any]]) -> pa.Table:
    types = {"facility": pa.string(), "unit": pa.string(), "bed_type": pa.string()}
    types |= {"beds": pa.int64(), "staffed_fte": pa.float64()}
    return pa.table({k: pa.array(v, types[k]) for k, v in data.items()})


def two_chunks(table: pa.Table) -> pa.Table:
    """The table in two record batches, so a column has two chunks (and two dictionaries)."""
    half = table.num_rows // 2
    return pa.Table.from_batches(
        [*table.slice(0, half).to_batches(), *table.slice(half).to_batches()], table.schema
    )


def arrow_dictionary(table: pa.Table) -> pa.Table:
    index = table.column_names.index("bed_type")
    chunked = two_chunks(table)
    encoded = pa.chunked_array(
        [pc.dictionary_encode(c) for c in chunked.column(index).chunks],
        pa.dictionary(pa.int32(), pa.string()),
    )
    return chunked.set_column(index, "bed_type", encoded)


#: every kind of frame, built from the same columns
KINDS: dict[str, Callable[[dict[str, list[Any]]], Any]] = {
    "pandas-text": pandas_frame,
    "pandas-categorical": lambda d: pandas_frame(d).astype({"bed_type": "category"}),
    "polars-text": polars_frame,
    "polars-categorical": lambda d: polars_frame(d).with_columns(
        pl.col("bed_type").cast(pl.Categorical)
    ),
    # an Enum lists every bed type of the rows and more besides (in its own order)
    "polars-enum": lambda d: polars_frame(d).with_columns(
        pl.col("bed_type").cast(
            pl.Enum(sorted({b for b in d["bed_type"] if b is not None} | {"zz", "aa"}))
        )
    ),
    "arrow-text": lambda d: two_chunks(arrow_table(d)),
    "arrow-dictionary": lambda d: arrow_dictionary(arrow_table(d)),
}


def as_lists(frame: Any) -> dict[str, list[Any]]:
    """Each column as Python values, null (NaN in pandas) as None."""
    if isinstance(frame, pd.DataFrame):
        out: dict[str, list[Any]] = {}
        for name in frame.columns:
            column = frame[name].astype(object)
            out[name] = [None if pd.isna(v) else v for v in column]
        return out
    if isinstance(frame, pl.DataFrame):
        return {name: frame.get_column(name).to_list() for name in frame.columns}
    return {name: frame.column(name).to_pylist() for name in frame.column_names}


def assert_same(result: Any, expected: list[nk.UnitAssessment]) -> None:
    """Exactly the per-unit figures and statuses, nulls in the same rows."""
    got = as_lists(result)
    for name in FIGURES:
        want = [getattr(u, name) for u in expected]
        assert got[name] == want, name
        assert all(v is None or type(v) is float for v in got[name]), name
    assert [str(s) for s in got["status"]] == [u.status for u in expected]


def assert_kind(result: Any, source: Any) -> None:
    """A frame of the input's kind: its columns as they were, the results added as typed."""
    assert type(result) is type(source)
    before, after = as_lists(source), as_lists(result)
    for name, values in before.items():
        if name != "staffed_fte":
            assert after[name] == values, name
    assert list(after)[: len(before)] == list(before)
    assert set(after) == set(before) | set(RESULT_COLUMNS)
    if isinstance(result, pd.DataFrame):
        assert isinstance(result["status"].dtype, pd.CategoricalDtype)
        assert list(result["status"].cat.categories) == ["norm", "adopted", "no_norm", "unknown"]
        assert all(result[n].dtype == np.float64 for n in FIGURES)
    elif isinstance(result, pl.DataFrame):
        assert result.schema["status"] == pl.Enum(["norm", "adopted", "no_norm", "unknown"])
        assert all(result.schema[n] == pl.Float64 for n in FIGURES)
    else:
        assert pa.types.is_dictionary(result.schema.field("status").type)
        assert all(result.schema.field(n).type == pa.float64() for n in FIGURES)


def check_rows(rows: list[Row], normset: nk.ResolvedNormSet, **options: Any) -> None:
    expected = per_unit(rows, normset)
    data = columns_of(rows)
    totals = frame_totals(nk.assess_frame(pandas_frame(data), normset, **options))
    assert_totals(totals, expected)
    for kind, build in KINDS.items():
        frame = build(data)
        result = nk.assess_frame(frame, normset, **options)
        assert_kind(result, frame)
        try:
            assert_same(result, expected)
            assert frame_totals(result) == totals
        except AssertionError as exc:
            raise AssertionError(f"{kind}: {exc}") from exc


def assert_totals(totals: nk.FrameTotals, expected: list[nk.UnitAssessment]) -> None:
    def fsum(name: str) -> float | None:
        known = [getattr(u, name) for u in expected if getattr(u, name) is not None]
        return math.fsum(known) if known else None

    assert totals.units == len(expected)
    assert totals.beds == sum(u.beds or 0 for u in expected)
    for name in FIGURES:
        assert getattr(totals, name) == fsum(name), name
    without = [u for u in expected if u.norm_fte is None and u.status != "unknown"]
    unknown = [u for u in expected if u.status == "unknown"]
    assert (totals.units_without_norm, totals.places_without_norm) == (
        len(without),
        sum(u.beds or 0 for u in without),
    )
    assert (totals.units_unknown, totals.places_unknown) == (
        len(unknown),
        sum(u.beds or 0 for u in unknown),
    )


# -- the bundled example and the plugins' examples --------------------------------


def rows_of(inventory: nk.Inventory, at: dt.date) -> list[Row]:
    """An inventory's units as rows, on ``at``.

    What a row cannot hold is left out: a facility's own staffing (the bundled
    example records staffing per home) and dated staffing records; a unit's one
    undated staffing figure is kept.
    """
    rows: list[Row] = []
    for facility in inventory.on(at).facilities:
        for unit in facility.units:
            records = unit.staffing
            undated = len(records) == 1 and records[0].valid_from is records[0].valid_to is None
            staffed = records[0].fte if undated else None
            rows.append((facility.name, unit.name, unit.bed_type, unit.beds, staffed))
    return rows


def with_staffing(rows: list[Row]) -> list[Row]:
    """The rows with a staffed figure on every other unit (inputs, not norm figures)."""
    return [
        (f, u, b, beds, round(0.1 * i, 2) if i % 2 else None)
        for i, (f, u, b, beds, _) in enumerate(rows)
    ]


@pytest.mark.parametrize("normset_id", ["national", "sarpsborg-physicians"])
def test_the_bundled_example(kit: nk.Kit, normset_id: str) -> None:
    inventory = kit.load_inventory(nk.EXAMPLE_INVENTORY)
    normset = kit.resolve(normset_id, APRIL_2020)
    rows = rows_of(inventory, APRIL_2020)
    assert len(rows) == 9
    check_rows(rows, normset)
    check_rows(with_staffing(rows), normset)


def plugin_examples() -> list[tuple[str, str]]:
    """(example, norm set) for every plugin example with units, under the norm set of its
    municipality and the national norm.

    Bergen's, Kristiansand's and Trondheim's examples (and the services and GP
    examples) hold GP lists, services and figures but no units: nothing a row expresses.
    """
    kit = nk.Kit()
    found = []
    for municipality in kit.municipalities.values():
        for example in municipality.examples:
            if example.kind != "inventory":
                continue
            inventory = kit.load_inventory(example.path)
            if not any(f.units for f in inventory.facilities):
                continue
            for normset_id in (*municipality.normsets, "national"):
                found.append((example.id, normset_id))
    return found


PLUGIN_EXAMPLES = plugin_examples()


def test_the_plugins_examples_are_all_there() -> None:
    names = {e for e, _ in PLUGIN_EXAMPLES}
    assert names == {
        "sarpsborg-helsehuset-2020",
        "sarpsborg-nursing-homes-2020",
        "sarpsborg-nursing-homes-2020-respite",
        "stavanger-nursing-homes-2023",
    }


@pytest.mark.parametrize(("example_id", "normset_id"), PLUGIN_EXAMPLES)
def test_the_plugins_examples(kit: nk.Kit, example_id: str, normset_id: str) -> None:
    _, path = kit.example(example_id)
    inventory = kit.load_inventory(path)
    at = inventory.as_of
    assert at is not None
    rows = rows_of(inventory, at)
    normset = kit.resolve(normset_id, at)
    check_rows(rows, normset)
    check_rows(with_staffing(rows), normset)
    with_kit = kit.assess_frame(pandas_frame(columns_of(rows)), normset_id, at)
    assert_same(with_kit, per_unit(rows, normset))


def test_statuses_cover_every_kind(kit: nk.Kit) -> None:
    """The examples above meet every status: adopted, no_norm, unknown and norm."""
    seen = set()
    for example_id, normset_id in PLUGIN_EXAMPLES:
        _, path = kit.example(example_id)
        inventory = kit.load_inventory(path)
        assert inventory.as_of is not None
        normset = kit.resolve(normset_id, inventory.as_of)
        rows = rows_of(inventory, inventory.as_of)
        seen |= set(as_lists(nk.assess_frame(pandas_frame(columns_of(rows)), normset))["status"])
    assert seen == {"norm", "adopted", "no_norm", "unknown"}


# -- generated inventories --------------------------------------------------------

SARPSBORG_HOMES = ["Kurland", "Tingvoll", "Kruseløkka", "Haugvoll", "Borgen", "Helsehuset"]
UNIT_NAMES = ["Kurland", "Tingvoll long-term", "Tingvoll dementia", "Borgen", "A", "B 2"]
BED_TYPES = [
    "long_term",
    "short_term",
    "dementia_special",
    "palliative",
    "rehabilitation",
    "municipal_acute",  # no norm (KAD); Helsehuset's is overridden
    "respite",  # no norm, by decision
    "old_age_home",
    "assisted_living",
    "nursing_home_unspecified",
]
rows_strategy = st.lists(
    st.tuples(
        st.sampled_from([*SARPSBORG_HOMES, "Elsewhere", "Øst"]),
        st.sampled_from(UNIT_NAMES),
        st.sampled_from(BED_TYPES),
        st.integers(0, 500),
        st.none() | st.integers(0, 500).map(lambda n: n / 100),
    ),
    min_size=1,
    max_size=25,
    unique_by=lambda r: (r[0], r[1]),
)


@settings(max_examples=40, deadline=None)
@given(rows=rows_strategy)
def test_generated_inventories(kit: nk.Kit, rows: list[Row]) -> None:
    for normset_id in ("national", "sarpsborg-physicians"):
        check_rows(rows, kit.resolve(normset_id, APRIL_2020))


@settings(max_examples=25, deadline=None)
@given(rows=rows_strategy)
def test_named_facilities_without_unit_names(kit: nk.Kit, rows: list[Row]) -> None:
    """Without a unit column, no unit-specific override can match: the per-unit path
    with names no override uses gives the same."""
    normset = kit.resolve("sarpsborg-physicians", APRIL_2020)
    rows = [(f, f"unit {i}", b, beds, s) for i, (f, _, b, beds, s) in enumerate(rows)]
    expected = per_unit(rows, normset)
    data = columns_of(rows)
    del data["unit"]
    for build in KINDS.values():
        assert_same(nk.assess_frame(build(data), normset), expected)


@settings(max_examples=25, deadline=None)
@given(
    homes=st.lists(
        st.tuples(
            st.sampled_from([*SARPSBORG_HOMES, "Elsewhere", "Øst", "Vest"]),
            st.lists(st.none() | st.integers(0, 500), min_size=3, max_size=3),
        ),
        min_size=1,
        max_size=8,
        unique_by=lambda h: h[0],
    )
)
def test_the_wide_layout(kit: nk.Kit, homes: list[tuple[str, list[int | None]]]) -> None:
    """A facility per row, places per bed type; each cell with places a unit named after
    its bed type; a null cell no unit."""
    wide_types = ["long_term", "municipal_acute", "short_term"]
    data: dict[str, list[Any]] = {"facility": [h[0] for h in homes]}
    for index, bed_type in enumerate(wide_types):
        data[bed_type] = [h[1][index] for h in homes]
    rows: list[Row] = [
        (facility, bed_type, bed_type, beds, None)
        for facility, places in homes
        for bed_type, beds in zip(wide_types, places, strict=True)
        if beds is not None
    ]
    for normset_id in ("national", "sarpsborg-physicians"):
        normset = kit.resolve(normset_id, APRIL_2020)
        expected = per_unit(rows, normset) if rows else []
        frames = [
            pd.DataFrame(data).astype({t: "Int64" for t in wide_types}),
            pl.DataFrame(
                data, schema={"facility": pl.String} | dict.fromkeys(wide_types, pl.Int64)
            ),
            pa.table(
                {
                    k: pa.array(v, pa.string() if k == "facility" else pa.int64())
                    for k, v in data.items()
                }
            ),
        ]
        for frame in frames:
            result = nk.assess_frame(frame, normset, layout="wide")
            assert type(result) is type(frame)
            assert_same(result, expected)
            got = as_lists(result)
            assert list(got) == ["facility", "bed_type", "beds", *RESULT_COLUMNS]
            assert got["facility"] == [r[0] for r in rows]
            assert [str(b) for b in got["bed_type"]] == [r[2] for r in rows]
            assert got["beds"] == [r[3] for r in rows]
            same = kit.assess_frame(frame, normset_id, APRIL_2020, layout="wide")
            assert as_lists(same) == got


def test_the_wide_layout_picks_bed_type_columns(kit: nk.Kit) -> None:
    normset = kit.resolve("national", APRIL_2020)
    frame = pd.DataFrame({"home": ["A"], "code": [3105], "long_term": [90], "other": [1]})
    result = nk.assess_frame(frame, normset, layout="wide")
    assert list(result.columns) == ["home", "code", "other", "bed_type", "beds", *RESULT_COLUMNS]
    explicit = nk.assess_frame(frame, normset, layout="wide", bed_types=["long_term", "other"])
    assert list(explicit["bed_type"].astype(str)) == ["long_term", "other"]
    assert explicit["status"].astype(str).tolist() == ["norm", "no_norm"]
    with pytest.raises(nk.InventoryError) as caught:
        kit.assess_frame(frame, "national", APRIL_2020, layout="wide", bed_types=["other"])
    assert caught.value.code == "inventory.bed-type"


# -- nulls, codes, empty frames ---------------------------------------------------


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_null_bed_type_has_no_norm(kit: nk.Kit, kind: str) -> None:
    normset = kit.resolve("national", APRIL_2020)
    data = {"bed_type": ["long_term", None, "long_term"], "beds": [90, 10, 3]}
    data |= {"staffed_fte": [1.0, 0.5, None]}
    result = as_lists(nk.assess_frame(KINDS[kind](data), normset))
    assert [str(s) for s in result["status"]] == ["norm", "no_norm", "norm"]
    assert result["norm_fte"][1] is result["required_fte"][1] is result["gap_fte"][1] is None
    assert result["staffed_fte"] == [1.0, 0.5, None]
    assert result["gap_fte"][2] is None


@pytest.mark.parametrize("kind", list(KINDS))
def test_an_empty_frame(kit: nk.Kit, kind: str) -> None:
    normset = kit.resolve("sarpsborg-physicians", APRIL_2020)
    frame = KINDS[kind](columns_of([]))
    result = nk.assess_frame(frame, normset)
    assert_kind(result, frame)
    assert all(v == [] for v in as_lists(result).values())
    assert frame_totals(result) == nk.FrameTotals(0, 0, None, None, None, None, 0, 0, 0, 0)


def test_columns_of_nothing_but_nulls(kit: nk.Kit) -> None:
    normset = kit.resolve("national", APRIL_2020)
    frames = [
        pd.DataFrame({"bed_type": [None, None], "beds": [1, 2], "staffed_fte": [None, None]}),
        pl.DataFrame({"bed_type": [None, None], "beds": [1, 2], "staffed_fte": [None, None]}),
        pa.table({"bed_type": [None, None], "beds": [1, 2], "staffed_fte": [None, None]}),
    ]
    for frame in frames:
        result = as_lists(nk.assess_frame(frame, normset))
        assert [str(s) for s in result["status"]] == ["no_norm", "no_norm"]
        assert result["staffed_fte"] == [None, None]


def test_categories_nobody_uses_cost_nothing(kit: nk.Kit) -> None:
    """A Categorical of more categories than a frame may use, two of them used, assesses
    two bed types."""
    normset = kit.resolve("national", APRIL_2020)
    many = 2 * MAX_BED_TYPES
    categories = [f"type {i}" for i in range(many)] + ["long_term"]
    column = pd.Categorical.from_codes([many, 5, -1], categories=categories)
    result = nk.assess_frame(pd.DataFrame({"bed_type": column, "beds": [90, 4, 1]}), normset)
    assert result["status"].astype(str).tolist() == ["norm", "no_norm", "no_norm"]
    expected = per_unit([("F", "U", "long_term", 90, None)], normset)[0].norm_fte
    assert result["norm_fte"].iloc[0] == expected


def test_names_are_data(kit: nk.Kit) -> None:
    """Any text is a bed type or a name; one no norm set knows has no norm."""
    normset = kit.resolve("sarpsborg-physicians", APRIL_2020)
    odd = ["=1+1", "long_term ", "'; DROP TABLE", "\x1b[31m", "x" * 10_000, ""]
    frame = pl.DataFrame(
        {"facility": ["Kurland", *odd], "unit": [*odd, "Kurland"], "bed_type": [*odd, "x"]}
        | {"beds": list(range(7))}
    )
    result = nk.assess_frame(frame, normset)
    assert result.get_column("status").to_list() == ["no_norm"] * 7
    with pytest.raises(nk.InventoryError) as caught:
        kit.assess_frame(frame, "sarpsborg-physicians", APRIL_2020)
    assert caught.value.code == "inventory.bed-type"
    assert caught.value.location.field == "bed_type"


def test_columns_under_other_names(kit: nk.Kit) -> None:
    normset = kit.resolve("sarpsborg-physicians", APRIL_2020)
    rows: list[Row] = [("Borgen", "Borgen", "dementia_special", 70, 0.8)]
    frame = pd.DataFrame(
        {"sykehjem": ["Borgen"], "avdeling": ["Borgen"], "type": ["dementia_special"]}
        | {"plasser": [70], "årsverk": [0.8]}
    )
    result = nk.assess_frame(
        frame,
        normset,
        bed_type="type",
        beds="plasser",
        staffed_fte="årsverk",
        facility="sykehjem",
        unit="avdeling",
    )
    assert_same(result, per_unit(rows, normset))
    assert list(result.columns) == [*frame.columns, *RESULT_COLUMNS]
    ignored = nk.assess_frame(
        frame.rename(columns={"type": "bed_type", "plasser": "beds"}), normset, facility=None
    )
    assert ignored["status"].tolist() == ["norm"]  # Borgen's override not looked for


# -- hostile input ------------------------------------------------------------------

FRAME_BUILDERS = {
    "pandas": lambda d: pd.DataFrame(d),
    "polars": lambda d: pl.DataFrame(d, strict=False),
    "arrow": lambda d: pa.table(d),
}
HOSTILE: list[tuple[str, dict[str, Any], dict[str, Any], str, str]] = [
    ("no beds", {"bed_type": ["long_term"]}, {}, "frame.column", "beds"),
    ("no bed type", {"beds": [1]}, {}, "frame.column", "bed_type"),
    ("beds as text", {"bed_type": ["long_term"], "beds": ["12"]}, {}, "frame.dtype", "beds"),
    ("beds as yes/no", {"bed_type": ["long_term"], "beds": [True]}, {}, "frame.dtype", "beds"),
    ("a fraction", {"bed_type": ["long_term"] * 2, "beds": [1.0, 2.5]}, {}, "frame.value", "beds"),
    ("negative", {"bed_type": ["long_term"], "beds": [-3]}, {}, "frame.value", "beds"),
    ("NaN beds", {"bed_type": ["a", "b"], "beds": [1.0, float("nan")]}, {}, "frame.null", "beds"),
    ("null beds", {"bed_type": ["a", "b"], "beds": [1, None]}, {}, "frame.null", "beds"),
    ("infinite", {"bed_type": ["a"], "beds": [float("inf")]}, {}, "frame.value", "beds"),
    ("too many", {"bed_type": ["a"], "beds": [1e16]}, {}, "frame.value", "beds"),
    ("numeric bed types", {"bed_type": [1, 2], "beds": [1, 2]}, {}, "frame.dtype", "bed_type"),
    (
        "staffing as text",
        {"bed_type": ["a"], "beds": [1], "staffed_fte": ["0,8"]},
        {},
        "frame.dtype",
        "staffed_fte",
    ),
    (
        "negative staffing",
        {"bed_type": ["a"], "beds": [1], "staffed_fte": [-0.5]},
        {},
        "frame.value",
        "staffed_fte",
    ),
    (
        "infinite staffing",
        {"bed_type": ["a"], "beds": [1], "staffed_fte": [float("-inf")]},
        {},
        "frame.value",
        "staffed_fte",
    ),
    (
        "staffing too small to be real",
        {"bed_type": ["a"], "beds": [1], "staffed_fte": [1e-12]},
        {},
        "frame.value",
        "staffed_fte",
    ),
    (
        "a result column there already",
        {"bed_type": ["a"], "beds": [1], "status": ["x"]},
        {},
        "frame.result-column",
        "status",
    ),
    (
        "a column named on purpose that is not there",
        {"bed_type": ["a"], "beds": [1]},
        {"staffed_fte": "fte"},
        "frame.column",
        "fte",
    ),
    ("an unknown layout", {"bed_type": ["a"], "beds": [1]}, {"layout": "tall"}, "frame.layout", ""),
    ("wide, no bed types", {"home": ["a"], "beds": [1]}, {"layout": "wide"}, "frame.layout", ""),
    (
        "wide, with staffing",
        {"long_term": [1], "staffed_fte": [1.0]},
        {"layout": "wide"},
        "frame.layout",
        "staffed_fte",
    ),
    (
        "wide, a fraction",
        {"long_term": [1.5]},
        {"layout": "wide"},
        "frame.value",
        "long_term",
    ),
    (
        "wide, output there already",
        {"long_term": [1], "beds": [2]},
        {"layout": "wide"},
        "frame.result-column",
        "beds",
    ),
    (
        "facility names as numbers",
        {"facility": [1], "bed_type": ["a"], "beds": [1]},
        {},
        "frame.dtype",
        "facility",
    ),
]


@pytest.mark.parametrize(
    "dtype", ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"]
)
def test_places_of_every_integer_type_are_checked_at_their_edges(kit: nk.Kit, dtype: str) -> None:
    national = kit.resolve("national", APRIL_2020)
    top = min(np.iinfo(dtype).max, 10**15)
    whole = pd.DataFrame({"bed_type": ["long_term"] * 3, "beds": np.array([0, 7, top], dtype)})
    needs = nk.assess_frame(whole, national)["norm_fte"].tolist()
    assert needs == pytest.approx([0.0, 7 / 90, top / 90])
    if np.iinfo(dtype).min < 0:
        wrong = np.array([5, np.iinfo(dtype).min, -1], dtype)
        expected = f"has {np.iinfo(dtype).min} in the row at position 1"
    elif np.iinfo(dtype).max > 10**15:
        wrong = np.array([5, 10**15 + 1, 3], dtype)
        expected = f"has {10**15 + 1} in the row at position 1"
    else:
        return  # every value of the type is a number of places
    with pytest.raises(nk.InventoryError, match=expected) as caught:
        nk.assess_frame(pd.DataFrame({"bed_type": ["long_term"] * 3, "beds": wrong}), national)
    assert caught.value.code == "frame.value"


@pytest.mark.parametrize("dtype", ["UInt64", "uint64[pyarrow]"])
def test_places_past_the_signed_range_are_named_as_given(kit: nk.Kit, dtype: str) -> None:
    frame = pd.DataFrame({"bed_type": ["long_term"] * 2, "beds": pd.array([3, 2**64 - 1], dtype)})
    with pytest.raises(nk.InventoryError, match=f"has {2**64 - 1} in the row at position 1"):
        nk.assess_frame(frame, kit.resolve("national", APRIL_2020))


@pytest.mark.parametrize("library", list(FRAME_BUILDERS))
@pytest.mark.parametrize(
    ("what", "data", "options", "code", "field"), HOSTILE, ids=[h[0] for h in HOSTILE]
)
def test_hostile_frames(
    kit: nk.Kit,
    library: str,
    what: str,
    data: dict[str, Any],
    options: dict[str, Any],
    code: str,
    field: str,
) -> None:
    normset = kit.resolve("sarpsborg-physicians", APRIL_2020)  # names facilities
    frame = FRAME_BUILDERS[library](data)
    with pytest.raises(nk.InventoryError) as caught:
        nk.assess_frame(frame, normset, **options)
    assert caught.value.code == code, str(caught.value)
    if field:
        assert caught.value.location.field == field
        assert f"'{field}'" in caught.value.message


@pytest.mark.parametrize("library", ["pandas", "arrow"])
def test_duplicate_columns(kit: nk.Kit, library: str) -> None:
    normset = kit.resolve("national", APRIL_2020)
    if library == "pandas":
        frame: Any = pd.DataFrame([["long_term", 1, 2]], columns=["bed_type", "beds", "beds"])
        harmless: Any = pd.DataFrame(
            [["long_term", 1, 2, 3]], columns=["bed_type", "beds", "x", "x"]
        )
    else:
        frame = pa.Table.from_arrays(
            [pa.array(["long_term"]), pa.array([1]), pa.array([2])], ["bed_type", "beds", "beds"]
        )
        harmless = pa.Table.from_arrays(
            [pa.array(["long_term"]), pa.array([1]), pa.array([2]), pa.array([3])],
            ["bed_type", "beds", "x", "x"],
        )
    with pytest.raises(nk.InventoryError) as caught:
        nk.assess_frame(frame, normset)
    assert caught.value.code == "frame.duplicate-column"
    assert caught.value.location.field == "beds"
    result = nk.assess_frame(harmless, normset)  # columns it neither reads nor writes
    status = result["status"].tolist() if library == "pandas" else result["status"].to_pylist()
    assert status == ["norm"]


def test_categories_that_are_not_text(kit: nk.Kit) -> None:
    normset = kit.resolve("national", APRIL_2020)
    frames = [
        pd.DataFrame({"bed_type": pd.Categorical([1, 2]), "beds": [1, 2]}),
        pd.DataFrame({"bed_type": ["long_term", 3], "beds": [1, 2]}),
        pa.table({"bed_type": pc.dictionary_encode(pa.array([1, 2])), "beds": [1, 2]}),
    ]
    for frame in frames:
        with pytest.raises(nk.InventoryError) as caught:
            nk.assess_frame(frame, normset)
        assert caught.value.code == "frame.dtype"
        assert caught.value.location.field == "bed_type"


def test_codes_outside_their_categories(kit: nk.Kit) -> None:
    """Codes made without the library's own check are refused, never read past the end."""
    normset = kit.resolve("national", APRIL_2020)
    many = [f"t{i}" for i in range(100)]  # more than a few: the unused-categories path
    bad = {
        "pandas": pd.DataFrame(
            {"bed_type": pd.Categorical.from_codes([0, 1], ["long_term"], validate=False)}
        ),
        "pandas, many categories": pd.DataFrame(
            {"bed_type": pd.Categorical.from_codes([0, 100], many, validate=False)}
        ),
        "Arrow, past the end": pa.table(
            {
                "bed_type": pa.DictionaryArray.from_arrays(
                    pa.array([None, 7], pa.int8()), pa.array(["long_term"]), safe=False
                )
            }
        ),
        "Arrow, negative": pa.table(
            {
                "bed_type": pa.DictionaryArray.from_arrays(
                    pa.array([0, -5], pa.int8()), pa.array(["long_term"]), safe=False
                )
            }
        ),
    }
    for name, frame in bad.items():
        if isinstance(frame, pd.DataFrame):
            frame = frame.assign(beds=[1, 2])
        else:
            frame = frame.append_column("beds", pa.array([1, 2]))
        with pytest.raises(nk.InventoryError) as caught:
            nk.assess_frame(frame, normset)
        assert caught.value.code == "frame.value", name
        assert (caught.value.location.field, caught.value.location.row) == ("bed_type", 1), name


def test_too_many_bed_types(kit: nk.Kit) -> None:
    normset = kit.resolve("national", APRIL_2020)
    names = [f"t{i}" for i in range(MAX_BED_TYPES + 1)]
    frame = pd.DataFrame({"bed_type": names, "beds": 1})
    with pytest.raises(nk.InventoryError) as caught:
        nk.assess_frame(frame, normset)
    assert caught.value.code == "frame.too-many-bed-types"
    assert caught.value.location.field == "bed_type"


def test_what_is_not_a_frame(kit: nk.Kit) -> None:
    normset = kit.resolve("national", APRIL_2020)
    for thing in (
        {"bed_type": ["long_term"], "beds": [1]},
        pd.Series([1]),
        pl.DataFrame({"bed_type": ["long_term"], "beds": [1]}).lazy(),
        pa.record_batch({"bed_type": ["long_term"], "beds": [1]}),
        np.zeros(3),
    ):
        with pytest.raises(nk.InventoryError) as caught:
            nk.assess_frame(thing, normset)
        assert caught.value.code == "frame.kind"
    with pytest.raises(nk.InventoryError) as caught:
        nk.assess_dask(pd.DataFrame({"beds": [1]}), normset)
    assert caught.value.code == "frame.kind"


@pytest.mark.filterwarnings("error")
def test_a_frame_of_other_number_types(kit: nk.Kit) -> None:
    """Nullable and Arrow-backed numbers, unsigned and 32-bit ones, read as numbers."""
    normset = kit.resolve("national", APRIL_2020)
    rows: list[Row] = [("F", "a", "long_term", 90, 0.5), ("F", "b", "short_term", 13, None)]
    expected = per_unit(rows, normset)
    frames = [
        pd.DataFrame({"bed_type": ["long_term", "short_term"]})
        .assign(beds=pd.array([90, 13], dtype="UInt16"))
        .assign(staffed_fte=pd.array([0.5, None], dtype="Float64")),
        pd.DataFrame({"bed_type": ["long_term", "short_term"]})
        .assign(beds=pd.array([90, 13], dtype="int32[pyarrow]"))
        .assign(staffed_fte=pd.array([0.5, None], dtype="double[pyarrow]")),
        pd.DataFrame({"bed_type": ["long_term", "short_term"], "beds": [90.0, 13.0]}).assign(
            staffed_fte=[0.5, np.nan]
        ),
        pd.DataFrame(  # float16 cannot hold the bound 10^15: read without numpy's warning
            {"bed_type": ["long_term", "short_term"]}
        ).assign(
            beds=np.array([90, 13], dtype=np.float16),
            staffed_fte=np.array([0.5, np.nan], dtype=np.float16),
        ),
        pl.DataFrame(
            {"bed_type": ["long_term", "short_term"], "beds": [90, 13], "staffed_fte": [0.5, None]},
            schema={"bed_type": pl.String, "beds": pl.UInt32, "staffed_fte": pl.Float32},
        ),
        pa.table(
            {
                "bed_type": pa.array(["long_term", "short_term"], pa.large_string()),
                "beds": pa.array([90, 13], pa.uint8()),
                "staffed_fte": pa.array([0.5, None], pa.float32()),
            }
        ),
    ]
    for frame in frames:
        assert_same(nk.assess_frame(frame, normset), expected)


def test_totals_of_a_frame_that_is_no_result(kit: nk.Kit) -> None:
    with pytest.raises(nk.InventoryError) as caught:
        frame_totals(pd.DataFrame({"bed_type": ["long_term"], "beds": [1]}))
    assert caught.value.code == "frame.column"
    assert caught.value.location.field == "norm_fte"


def test_import_normkit_imports_no_frame_library() -> None:
    code = (
        "import sys, normkit, normkit.frames; "
        "print([m for m in ('pandas', 'polars', 'pyarrow', 'dask') if m in sys.modules])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_a_norm_set_id_where_a_resolved_one_is_needed_says_how_to_resolve_it() -> None:
    import pandas as pd

    frame = pd.DataFrame({"bed_type": ["long_term"], "beds": [3]})
    with pytest.raises(nk.NormSetError) as caught:
        nk.assess_frame(frame, "national")  # type: ignore[arg-type]
    assert caught.value.code == "frame.normset"
    assert "kit.resolve" in (caught.value.hint or "")


def test_a_bad_row_is_in_the_location_as_well_as_the_message(kit: nk.Kit) -> None:
    resolved = kit.resolve("national", dt.date(2020, 4, 1))
    beds = np.ones(40_000)
    beds[35_000] = 2.5  # past the first slice the check reads
    frame = pd.DataFrame({"bed_type": ["long_term"] * beds.size, "beds": beds})
    with pytest.raises(nk.InventoryError) as caught:
        nk.assess_frame(frame, resolved)
    assert (caught.value.location.field, caught.value.location.row) == ("beds", 35_000)
    assert "position 35000" in caught.value.message
    beds[35_000], beds[3] = 1.0, np.nan
    with pytest.raises(nk.InventoryError) as caught:
        nk.assess_frame(
            pd.DataFrame({"bed_type": ["long_term"] * beds.size, "beds": beds}), resolved
        )
    assert caught.value.to_dict()["row"] == 3 and caught.value.code == "frame.null"


def test_a_pandas_result_column_written_to_changes_no_other(kit: nk.Kit) -> None:
    # With copy on write, equal columns (the need and the adopted need; staffing and
    # gap, all null) may share one array: pandas copies a shared one before writing.
    national = kit.resolve("national", dt.date(2020, 4, 1))
    result = nk.assess_frame(
        pd.DataFrame({"bed_type": ["long_term", "respite"], "beds": [30, 4]}), national
    )
    assert result["required_fte"].tolist() == pytest.approx([1 / 3, math.nan], nan_ok=True)
    result.loc[0, "norm_fte"] = 99.0
    result.loc[1, "staffed_fte"] = 0.5
    result["gap_fte"] = result["gap_fte"].fillna(-1.0)
    assert result.loc[0, "required_fte"] == pytest.approx(1 / 3)
    assert math.isnan(result.loc[0, "staffed_fte"]) and result.loc[1, "gap_fte"] == -1.0
    assert result["gap_fte"].tolist() == [-1.0, -1.0]
    assert math.isnan(result.loc[0, "staffed_fte"]) and result.loc[1, "staffed_fte"] == 0.5
    # A column's data as numpy cannot be written behind pandas' back while shared.
    shared = nk.assess_frame(pd.DataFrame({"bed_type": ["long_term"], "beds": [30]}), national)
    view = shared["norm_fte"].to_numpy()
    if not view.flags.writeable:  # pandas with copy on write
        with pytest.raises(ValueError):
            view[0] = 5.0
    else:
        view[0] = 5.0
    assert shared.loc[0, "required_fte"] == pytest.approx(1 / 3)


def _unstaffed(kit: nk.Kit) -> Any:
    national = kit.resolve("national", dt.date(2020, 4, 1))
    return nk.assess_frame(
        pd.DataFrame({"bed_type": ["long_term"] * 3, "beds": [30] * 3}), national
    )


# Writes a user makes into the null staffing and gap of a result, each after the
# other column is gone or in one step over both: with a read-only column (one NaN
# seen by every row, tried once) pandas wrote into it and failed.
WRITES_INTO_NULLS: dict[str, Callable[[Any], Any]] = {
    "into one column of a selection": lambda r: _set(r[["bed_type", "gap_fte"]], (0, "gap_fte")),
    "after dropping the other": lambda r: _set(r.drop(columns="staffed_fte"), (0, "gap_fte")),
    "into a column taken out": lambda r: _iset(r["gap_fte"], 0),
    "fillna in place on a column taken out": lambda r: r["gap_fte"].fillna(1.0, inplace=True),
    "over both columns at once": lambda r: _set(r, (slice(None), ["staffed_fte", "gap_fte"])),
    "fillna in place over both": lambda r: r.fillna(
        {"gap_fte": 1.0, "staffed_fte": 1.0}, inplace=True
    ),
    "a row written whole": lambda r: _set(r, 0, ["long_term", 30, 1.0, 1.0, 1.0, 1.0, "norm"]),
}


def _set(frame: Any, where: Any, value: Any = 1.0) -> None:
    frame.loc[where] = value
    assert (frame.loc[where] == value).all(axis=None)


def _iset(series: Any, row: int) -> None:
    series.iloc[row] = 1.0
    assert series.iloc[row] == 1.0


@pytest.mark.parametrize("write", list(WRITES_INTO_NULLS))
def test_a_pandas_results_null_columns_take_writes(kit: nk.Kit, write: str) -> None:
    WRITES_INTO_NULLS[write](_unstaffed(kit))
    fresh = _unstaffed(kit)  # what another result holds is untouched
    assert fresh["staffed_fte"].isna().all() and fresh["gap_fte"].isna().all()


def test_a_pandas_result_without_staffing_holds_nulls_that_behave_as_any_column(
    kit: nk.Kit,
) -> None:
    import pickle

    result = _unstaffed(kit)
    assert result["staffed_fte"].isna().all() and result["gap_fte"].isna().all()
    again = pickle.loads(pickle.dumps(result))
    pd.testing.assert_frame_equal(again, result)
    assert pa.Table.from_pandas(result).column("gap_fte").null_count == 3
    result.loc[2, "staffed_fte"] = 1.0
    result["gap_fte"] = result["required_fte"] - result["staffed_fte"]
    assert result["staffed_fte"].isna().tolist() == [True, True, False]
    assert result.loc[2, "gap_fte"] == pytest.approx(30 / 90 - 1.0)
    assert again["staffed_fte"].isna().all()


def test_a_pandas_result_keeps_the_frames_metadata(kit: nk.Kit) -> None:
    frame = pd.DataFrame({"bed_type": ["long_term"], "beds": [30]})
    frame.attrs["source"] = "Sarpsborg 2020"
    frame.columns.name = "fields"
    result = nk.assess_frame(frame, kit.resolve("national", dt.date(2020, 4, 1)))
    assert result.attrs == {"source": "Sarpsborg 2020"} and result.columns.name == "fields"
    assert list(result.columns) == ["bed_type", "beds", *RESULT_COLUMNS]
