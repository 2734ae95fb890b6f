"""Fuzzing the documented loaders and assess: a NormkitError or a valid, finite result.

Every strategy runs the profile's number of examples: 500 by default (the
test command CI runs), 10 000 with ``HYPOTHESIS_PROFILE=long`` (see
docs/reference/testing.md). Properties checked on every result: need never
falls as beds rise, totals equal the sum of the units, JSON round-trips.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import normkit
from normkit import NormkitError, Q
from normkit.assessment import Assessment, assess
from normkit.normset import resolve
from normkit.planning.scenario import CHANGE_KINDS
from normkit.testing import inventories, normsets

AT = dt.date(2020, 4, 1)
BED_TYPES = [
    "long_term",
    "short_term",
    "rehabilitation",
    "dementia_special",
    "palliative",
    "respite",
    "municipal_acute",
]
FUZZ = settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def loads_or_refuses(path: Path) -> normkit.Inventory | None:
    try:
        return normkit.load_inventory(path, BED_TYPES)
    except NormkitError as error:
        assert error.code and str(error), error
        return None


@FUZZ
@given(data=st.binary(max_size=3000), suffix=st.sampled_from([".csv", ".yaml", ".json", ".toml"]))
def test_any_bytes(tmp_path_factory: Any, data: bytes, suffix: str) -> None:
    path = tmp_path_factory.mktemp("fuzz") / f"input{suffix}"
    path.write_bytes(data)
    loads_or_refuses(path)


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(
        [
            "010",
            "1:30",
            "yes",
            "0x1F",
            "1_000",
            ".inf",
            "2020-02-30",
            "31.03.2020",
            "60 %",
            "0,6",
            "long_term",
            "",
            "~",
        ]
    ),
)
documents = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5),
        st.dictionaries(
            st.sampled_from(
                [
                    "facilities",
                    "name",
                    "units",
                    "bed_type",
                    "beds",
                    "staffing",
                    "fte",
                    "valid_to",
                    "note",
                    "figures",
                    "as_of",
                    "x",
                ]
            ),
            inner,
            max_size=5,
        ),
    ),
    max_leaves=40,
)


@FUZZ
@given(document=documents, form=st.sampled_from(["yaml", "json"]))
def test_any_document_shape(tmp_path_factory: Any, document: Any, form: str) -> None:
    path = tmp_path_factory.mktemp("fuzz") / f"input.{form}"
    try:
        text = (
            yaml.safe_dump(document, allow_unicode=True)
            if form == "yaml"
            else json.dumps(document, allow_nan=True)
        )
    except (ValueError, yaml.YAMLError):
        return
    path.write_text(text, encoding="utf-8")
    loads_or_refuses(path)


cells = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        [
            "long_term",
            "palliative",
            "12",
            "0,5",
            "1 000",
            "60 %",
            "-1",
            "31.03.2020",
            "=1+1",
            '"',
            "",
            "Home",
            "U",
        ]
    ),
)


@FUZZ
@given(
    header=st.permutations(["facility", "unit", "bed_type", "beds", "staffed_fte", "note"]),
    rows=st.lists(st.lists(cells, min_size=0, max_size=7), max_size=8),
    separator=st.sampled_from([",", ";", "\t"]),
    encoding=st.sampled_from(["utf-8", "cp1252", "utf-16"]),
)
def test_any_csv(
    tmp_path_factory: Any, header: list[str], rows: list[list[str]], separator: str, encoding: str
) -> None:
    text = "\n".join(separator.join(r) for r in [header, *rows])
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        return
    path = tmp_path_factory.mktemp("fuzz") / "input.csv"
    path.write_bytes(data)
    loads_or_refuses(path)


@FUZZ
@given(
    text=st.one_of(
        st.text(max_size=40), st.from_regex(r"[0-9.eE+*/ -]{1,12} ?[a-zA-Z%/*^ 0-9]{0,20}")
    )
)
def test_any_quantity_text(text: str) -> None:
    try:
        quantity = Q.parse(text)
    except normkit.QuantityError:
        return
    assert math.isfinite(quantity.magnitude)


KIT = normkit.Kit(autoload=False)


@FUZZ
@given(
    inventory=inventories(BED_TYPES, max_beds=10**6),
    normset=st.one_of(
        st.just("national"),
        normsets(BED_TYPES),  # type: ignore[arg-type]
    ),
)
def test_assess_gives_finite_figures_that_hold_together(
    inventory: normkit.Inventory, normset: str | normkit.NormSet
) -> None:
    resolved = (
        KIT.resolve(normset, AT) if isinstance(normset, str) else resolve(normset, AT, KIT.normset)
    )
    result = assess(inventory, resolved, explain=True)
    figures = [
        v
        for row in [*result.units, *result.facilities, result.totals]
        for v in (row.norm_fte, row.required_fte, row.staffed_fte, row.gap_fte)
        if v is not None
    ]
    assert all(math.isfinite(v) and abs(v) < 1e30 for v in figures)
    known = [u.required_fte for u in result.units if u.required_fte is not None]
    if known:
        assert math.isclose(result.totals.required_fte or 0, math.fsum(known), rel_tol=1e-12)
    text = result.model_dump_json()
    assert Assessment.model_validate_json(text).model_dump_json() == text
    grown = inventory.model_copy(
        update={
            "facilities": tuple(
                f.model_copy(
                    update={
                        "units": tuple(u.model_copy(update={"beds": u.beds + 1}) for u in f.units)
                    }
                )
                for f in inventory.facilities
            )
        }
    )
    after = assess(grown, resolved, explain=False)
    for old, new in zip(result.units, after.units, strict=True):
        if old.required_fte is not None and new.required_fte is not None:
            assert new.required_fte >= old.required_fte - 1e-9


change_fields = st.dictionaries(
    st.sampled_from(
        [
            "valid_from",
            "valid_to",
            "facility",
            "unit",
            "bed_type",
            "beds",
            "fte",
            "figure",
            "value",
            "normset",
            "salary",
            "employer_cost_factor",
            "id",
            "type",
            "amount",
            "stated",
            "count",
            "years",
            "staffing",
            "extra",
        ]
    ),
    st.one_of(
        scalars,
        st.sampled_from(
            [
                "2021-01-01",
                "2019-12-31",
                "Borgen",
                "Valaskjold",
                "Kurland",
                "Nowhere",
                "dementia_special",
                "cost",
                "grant",
                "national",
                "100000 NOK/year",
                "800000 NOK/year/FTE",
                "9**9**9 NOK/year",
                "1e999 NOK/year",
                "public_health_fte",
            ]
        ),
        st.integers(-3, 1000),
    ),
    max_size=8,
)
scenario_changes = st.lists(
    st.builds(
        lambda kind, fields: {"kind": kind, **fields},
        st.sampled_from([*CHANGE_KINDS, "no_such_kind"]),
        change_fields,
    ),
    max_size=6,
)
PLAN_KIT = normkit.Kit(autoload=False)
PLAN_BASE = normkit.load_inventory(normkit.EXAMPLE_INVENTORY)


@FUZZ
@given(changes=scenario_changes, form=st.sampled_from(["yaml", "json"]))
def test_any_scenario_plans_or_is_refused(tmp_path_factory: Any, changes: Any, form: str) -> None:
    document = {"id": "fuzz", "title": "fuzz", "changes": changes}
    try:
        text = (
            yaml.safe_dump(document, allow_unicode=True)
            if form == "yaml"
            else json.dumps(document, allow_nan=True, default=str)
        )
    except (ValueError, yaml.YAMLError):
        return
    path = tmp_path_factory.mktemp("fuzz") / f"scenario.{form}"
    path.write_text(text, encoding="utf-8")
    before = PLAN_BASE.model_dump_json()
    try:
        plan = PLAN_KIT.plan(
            PLAN_BASE,
            "national",
            [dt.date(2020, 1, 1), AT, dt.date(2022, 1, 1)],
            PLAN_KIT.load_scenarios([path]),
        )
    except NormkitError as error:
        assert error.code and str(error), error
        return
    finally:
        assert PLAN_BASE.model_dump_json() == before
    json.loads(plan.model_dump_json())  # finite, serialisable
    for period in plan.scenarios[0].periods:
        for value in (period.required_fte, period.staffed_fte, period.measures_cost_nok_per_year):
            assert value is None or math.isfinite(value)


population_cells = st.one_of(
    st.text(max_size=10),
    st.sampled_from(
        ["2024", "0000", "9999", "..", "1 234", "80 år eller eldre", "I alt", "-3", "A"]
    ),
)


@FUZZ
@given(
    header=st.lists(
        st.sampled_from(
            ["region", "alder", "kjønn", "år", "personer", "Personer 2024", "2030", "x"]
        ),
        min_size=1,
        max_size=5,
    ),
    rows=st.lists(st.lists(population_cells, max_size=6), max_size=6),
    title=st.booleans(),
)
def test_any_population_csv(
    tmp_path_factory: Any, header: list[str], rows: list[list[str]], title: bool
) -> None:
    lines = (['"a title"', ""] if title else []) + [";".join(header)] + [";".join(r) for r in rows]
    path = tmp_path_factory.mktemp("fuzz") / "population.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    try:
        records = normkit.read_population_csv(path)
    except NormkitError as error:
        assert error.code and str(error), error
        return
    for record in records:
        assert record.inhabitants >= 0 and record.at is not None
        assert 1900 <= record.at.year <= 2200
