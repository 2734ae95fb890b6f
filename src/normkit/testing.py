"""The plugin author's test kit, registered with pytest as ``normkit``.

In a plugin's ``pyproject.toml``::

    [tool.pytest.ini_options]
    normkit_plugins = ["testby"]        # the plugin(s) under test

and in its tests::

    from normkit.testing import assess_example, assert_totals, check_plugin_is_clean

    def test_clean(normkit_kit):
        check_plugin_is_clean(normkit_kit, "testby")

Fixtures: ``normkit_kit`` (a kit with the built-in national plugin and only
the plugins named in ``normkit_plugins``). Helpers assess an example and
assert figures with readable failures. Hypothesis strategies generate
inventories and norm sets, and the ``check_*`` functions are ready property
checks, one line each. Hypothesis is imported only when a strategy or check
is used, so installing normkit never makes pytest depend on it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import pytest

from .assessment import Assessment
from .check import check_plugins, has_errors
from .kit import Kit
from .normset import NormSet

if TYPE_CHECKING:  # pragma: no cover
    from hypothesis.strategies import SearchStrategy

    from .inventory import Inventory

INI = "normkit_plugins"
ABS = 0.005  # half of the last digit the plans print (two decimals)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        INI, "normkit plugins the tests load (besides the built-in one)", type="args", default=[]
    )


@pytest.fixture
def normkit_kit(pytestconfig: pytest.Config) -> Kit:
    """A kit with the built-in plugin and only the plugins named in ``normkit_plugins``."""
    names = pytestconfig.getini(INI)
    return load_kit(*names)


def load_kit(*plugins: str) -> Kit:
    """A kit with just these installed plugins (and the built-in national one)."""
    return Kit(allow=plugins, strict=False)


def assess_example(
    kit: Kit, example_id: str, normset: str | NormSet | None = None, at: dt.date | None = None
) -> Assessment:
    """Assess an example a plugin ships, with its municipality's norm set by default."""
    municipality, path = kit.example(example_id)
    inventory = kit.load_inventory(path)
    on = at or inventory.as_of or dt.date.today()
    chosen = normset if normset is not None else kit.normset_for(municipality.id, on)
    return kit.assess(inventory, chosen, on)


def _compare(
    label: str, actual: float | None, expected: float | None, tolerance: float, problems: list[str]
) -> None:
    if expected is None:
        return
    if actual is None or abs(actual - expected) > tolerance:
        shown = "null" if actual is None else f"{actual:.4f}"
        problems.append(f"{label}: expected {expected}, got {shown}")


def assert_unit(
    result: Assessment,
    unit: str,
    *,
    norm: float | None = None,
    required: float | None = None,
    staffed: float | None = None,
    gap: float | None = None,
    status: str | None = None,
    abs: float = ABS,
) -> None:
    """Assert one unit's figures (to two decimals by default), naming every mismatch."""
    rows = [u for u in result.units if u.unit == unit]
    if not rows:
        raise AssertionError(f"no unit '{unit}'; units: {', '.join(u.unit for u in result.units)}")
    row = rows[0]
    problems: list[str] = []
    _compare("norm_fte", row.norm_fte, norm, abs, problems)
    _compare("required_fte", row.required_fte, required, abs, problems)
    _compare("staffed_fte", row.staffed_fte, staffed, abs, problems)
    _compare("gap_fte", row.gap_fte, gap, abs, problems)
    if status is not None and row.status != status:
        problems.append(f"status: expected {status}, got {row.status}")
    if problems:
        raise AssertionError(f"unit '{unit}': " + "; ".join(problems))


def assert_totals(
    result: Assessment,
    *,
    norm: float | None = None,
    required: float | None = None,
    staffed: float | None = None,
    gap: float | None = None,
    abs: float = ABS,
) -> None:
    """Assert the totals (to two decimals by default), naming every mismatch."""
    t = result.totals
    problems: list[str] = []
    _compare("norm_fte", t.norm_fte, norm, abs, problems)
    _compare("required_fte", t.required_fte, required, abs, problems)
    _compare("staffed_fte", t.staffed_fte, staffed, abs, problems)
    _compare("gap_fte", t.gap_fte, gap, abs, problems)
    if problems:
        raise AssertionError("totals: " + "; ".join(problems))


# -- hypothesis strategies ------------------------------------------------


def inventories(
    bed_types: Sequence[str], max_facilities: int = 3, max_units: int = 5, max_beds: int = 400
) -> SearchStrategy[Inventory]:
    """Inventories of facilities with units of the given bed types and optional staffing."""
    from hypothesis import strategies as st

    from .inventory import Inventory

    unit = st.fixed_dictionaries(
        {
            "bed_type": st.sampled_from(list(bed_types)),
            "beds": st.integers(min_value=0, max_value=max_beds),
        }
    )
    facility = st.fixed_dictionaries(
        {
            "units": st.lists(unit, min_size=1, max_size=max_units),
            "staffing": st.one_of(
                st.just([]),
                st.floats(min_value=0, max_value=20).map(lambda f: [{"fte": round(f, 2)}]),
            ),
        }
    )

    def build(facilities: list[dict[str, Any]]) -> Inventory:
        return Inventory.model_validate(
            {
                "facilities": [
                    {
                        "name": f"F{i}",
                        "staffing": f["staffing"],
                        "units": [{"name": f"U{j}", **u} for j, u in enumerate(f["units"])],
                    }
                    for i, f in enumerate(facilities)
                ]
            }
        )

    return st.lists(facility, min_size=1, max_size=max_facilities).map(build)


def normsets(
    bed_types: Sequence[str], valid_from: dt.date = dt.date(2020, 1, 1)
) -> SearchStrategy[NormSet]:
    """Norm sets with a rate (hours per week per a number of places) for some bed types."""
    from hypothesis import strategies as st

    rate = st.fixed_dictionaries(
        {
            "hours": st.integers(min_value=0, max_value=20),
            "per": st.integers(min_value=1, max_value=10),
            "basis": st.sampled_from([30, 37.5, 40]),
        }
    )

    def build(rates: dict[str, dict[str, Any]]) -> NormSet:
        return NormSet.model_validate(
            {
                "id": "generated",
                "title": "generated",
                "valid_from": valid_from,
                "source": {"document": "generated by normkit.testing"},
                "needs": [
                    {
                        "id": bed_type,
                        "bed_types": [bed_type],
                        "source": {"document": "generated"},
                        "rule": {
                            "kind": "rate",
                            "amount": f"{r['hours']} hour/week",
                            "per": f"{r['per']} place",
                            "fte_basis": f"{r['basis']} hour/week/FTE",
                        },
                    }
                    for bed_type, r in rates.items()
                ],
            }
        )

    return st.dictionaries(st.sampled_from(list(bed_types)), rate, min_size=1).map(build)


# -- ready property checks ------------------------------------------------


def check_plugin_is_clean(kit: Kit, *plugins: str) -> None:
    """``normkit check`` finds no error in these plugins (and says which, if it does)."""
    findings = check_plugins(kit, plugins or None)
    if has_errors(findings):
        lines = [
            f"{f.where()}: {f.message}" + (f" (hint: {f.hint})" if f.hint else "")
            for f in findings
            if f.severity == "error"
        ]
        raise AssertionError("normkit check found errors:\n  " + "\n  ".join(lines))


def _run(kit: Kit, normset: str | NormSet, at: dt.date, test: Any, examples: int) -> None:
    from hypothesis import HealthCheck, given, settings

    resolved = kit.resolve(normset, at)
    bed_types = sorted(kit.bed_types)

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(inventories(bed_types))
    def run(inventory: Inventory) -> None:
        test(resolved, inventory)

    run()


def check_need_never_falls(
    kit: Kit, normset: str | NormSet, at: dt.date, examples: int = 50
) -> None:
    """Adding places to any unit never lowers its norm or adopted need."""
    from .assessment import assess

    def test(resolved: Any, inventory: Inventory) -> None:
        before = assess(inventory, resolved, explain=False)
        grown = inventory.model_copy(
            update={
                "facilities": tuple(
                    f.model_copy(
                        update={
                            "units": tuple(
                                u.model_copy(update={"beds": u.beds + 10}) for u in f.units
                            )
                        }
                    )
                    for f in inventory.facilities
                )
            }
        )
        after = assess(grown, resolved, explain=False)
        for old, new in zip(before.units, after.units, strict=True):
            for field in ("norm_fte", "required_fte"):
                a, b = getattr(old, field), getattr(new, field)
                if a is not None and b is not None and b < a - 1e-9:
                    raise AssertionError(
                        f"{old.facility} › {old.unit}: {field} fell from {a:.4f} to {b:.4f} "
                        f"when 10 {old.bed_type} places were added"
                    )

    _run(kit, normset, at, test, examples)


def check_no_negative_fte(
    kit: Kit, normset: str | NormSet, at: dt.date, examples: int = 50
) -> None:
    """No unit ever gets a negative pure-norm or adopted need."""
    from .assessment import assess

    def test(resolved: Any, inventory: Inventory) -> None:
        for unit in assess(inventory, resolved, explain=False).units:
            for field in ("norm_fte", "required_fte"):
                value = getattr(unit, field)
                if value is not None and value < 0:
                    raise AssertionError(
                        f"{unit.facility} › {unit.unit}: {field} is negative ({value})"
                    )

    _run(kit, normset, at, test, examples)


def check_explanations_add_up(
    kit: Kit, normset: str | NormSet, at: dt.date, examples: int = 50
) -> None:
    """Every explanation ends in the figure shown, and the totals are the sums shown."""
    from .assessment import assess

    def test(resolved: Any, inventory: Inventory) -> None:
        result = assess(inventory, resolved, explain=True)
        for unit in result.units:
            if unit.explanation is not None and unit.required_fte is not None:
                shown = unit.explanation["value"]
                if abs(shown - unit.required_fte) > 1e-9:
                    raise AssertionError(
                        f"{unit.facility} › {unit.unit}: explanation ends in {shown}, "
                        f"the figure shown is {unit.required_fte}"
                    )
        known = [u.required_fte for u in result.units if u.required_fte is not None]
        total = result.totals.required_fte
        if known and (total is None or abs(sum(known) - total) > 1e-9):
            raise AssertionError(f"units add up to {sum(known)}, the total shown is {total}")

    _run(kit, normset, at, test, examples)


def check_json_round_trip(
    kit: Kit, normset: str | NormSet, at: dt.date, examples: int = 25
) -> None:
    """The norm set and every assessment survive JSON unchanged."""
    from .assessment import assess

    resolved = kit.resolve(normset, at)
    for version in resolved.chain:
        text = version.model_dump_json()
        back = NormSet.model_validate(json.loads(text), context={"rule_kinds": kit.rule_kinds})
        if back != version or back.model_dump_json() != text:
            raise AssertionError(f"norm set '{version.id}' changes in a JSON round trip")

    def test(resolved: Any, inventory: Inventory) -> None:
        result = assess(inventory, resolved, explain=True)
        text = result.model_dump_json()
        if Assessment.model_validate_json(text).model_dump_json() != text:
            raise AssertionError("an assessment changes in a JSON round trip")

    _run(kit, normset, at, test, examples)


def check_every_rule_has_a_source(kit: Kit, normset: str | NormSet, at: dt.date) -> None:
    """Every need, override, threshold, rule, check, figure and stated value has a source."""
    from .check import SOURCED

    missing: list[str] = []
    for version in kit.resolve(normset, at).chain:
        for group in SOURCED:
            for entry in getattr(version, group):
                if getattr(entry, "source", None) is None and not (
                    group == "parameters" and entry.value is None
                ):
                    missing.append(f"{version.id}: {group[:-1]} '{entry.id}'")
    if missing:
        raise AssertionError("entries without a source:\n  " + "\n  ".join(missing))


def all_checks(kit: Kit, normset: str | NormSet, at: dt.date, plugins: Iterable[str] = ()) -> None:
    """Run every ready check; convenient in a single test."""
    if plugins:
        check_plugin_is_clean(kit, *plugins)
    check_every_rule_has_a_source(kit, normset, at)
    check_need_never_falls(kit, normset, at)
    check_no_negative_fte(kit, normset, at)
    check_explanations_add_up(kit, normset, at)
    check_json_round_trip(kit, normset, at)
