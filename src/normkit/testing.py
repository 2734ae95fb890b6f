"""The plugin author's test kit, registered with pytest as ``normkit``.

In a plugin's ``pyproject.toml``::

    [tool.pytest.ini_options]
    normkit_plugins = ["testby"]        # the plugin(s) under test

and in its tests::

    from normkit.testing import NO_NORM, all_checks, assert_totals, assert_unit, assess_example

    def test_table_1(normkit_kit):
        result = assess_example(normkit_kit, "testby-example")
        assert_unit(result, "KAD", norm=NO_NORM, required=1.0)
        assert_totals(result, required=6.4, places_without_norm=8)

Fixtures: ``normkit_kit`` (a kit with the built-in national plugin and only
the plugins named in ``normkit_plugins``). Helpers assess an example and
assert figures with readable failures. Hypothesis strategies generate
inventories and norm sets, and the ``assert_*`` property checks are one line
each; :func:`all_checks` runs them all, with ``normkit check``. Hypothesis is
imported only when a strategy or property check is used, so installing
normkit never makes pytest depend on it.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

import pytest

from .assessment import Assessment, UnitAssessment, assess
from .errors import RuleError
from .inventory import Inventory, staffed_on
from .kit import Kit
from .lint import SOURCED, check_plugins, has_errors
from .normset import NormSet, ResolvedNormSet

if TYPE_CHECKING:  # pragma: no cover
    from hypothesis.strategies import SearchStrategy

INI = "normkit_plugins"
ABS = 0.005  # half of the last digit the plans print (two decimals)


class _Expect:
    """A sentinel for what a figure must be when it is not a number."""

    def __init__(self, name: str, statuses: frozenset[str]):
        self.name, self.statuses = name, statuses

    def __repr__(self) -> str:
        return self.name


NO_NORM = _Expect("NO_NORM", frozenset({"no_norm", "adopted"}))
"""``assert_unit(result, "KAD", norm=NO_NORM)``: no pure-norm figure, because no
norm applies (by a decision or for want of a rule), as opposed to unknown."""

UNKNOWN = _Expect("UNKNOWN", frozenset({"unknown"}))
"""``assert_unit(result, "Long", required=UNKNOWN)``: the source leaves the norm out."""

_UNCHECKED: Any = object()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        INI, "normkit plugins the tests load (besides the built-in one)", type="args", default=[]
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{INI}(*names): the plugins the normkit_kit fixture loads for these tests "
        f"(instead of the '{INI}' ini option)",
    )


_KITS = pytest.StashKey[dict[tuple[str, ...], Kit]]()


@pytest.fixture
def normkit_kit(request: pytest.FixtureRequest, pytestconfig: pytest.Config) -> Kit:
    """A kit with the built-in plugin and only the plugins under test.

    The plugins are those named by a ``@pytest.mark.normkit_plugins(...)``
    marker, else by the ``normkit_plugins`` ini option. One kit per set of
    plugins is shared by the session's tests.
    """
    marker = request.node.get_closest_marker(INI)
    names = tuple(marker.args) if marker is not None else tuple(pytestconfig.getini(INI))
    kits = pytestconfig.stash.setdefault(_KITS, {})
    if names not in kits:
        kits[names] = load_kit(*names)
    return kits[names]


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
    label: str,
    actual: float | None,
    expected: Any,
    tolerance: float,
    status: str | None,
    problems: list[str],
) -> None:
    shown = "null" if actual is None else f"{actual:.4f}"
    if expected is _UNCHECKED:
        return
    if isinstance(expected, _Expect):
        if actual is not None or status not in expected.statuses:
            problems.append(f"{label}: expected {expected!r}, got {shown} (status {status})")
    elif expected is None:
        if actual is not None:
            problems.append(f"{label}: expected null, got {shown}")
    elif actual is None or abs(actual - expected) > tolerance:
        problems.append(f"{label}: expected {expected}, got {shown}")


def assert_unit(
    result: Assessment,
    unit: str,
    *,
    facility: str | None = None,
    norm: Any = _UNCHECKED,
    required: Any = _UNCHECKED,
    staffed: Any = _UNCHECKED,
    gap: Any = _UNCHECKED,
    status: str | None = None,
    abs: float = ABS,
) -> None:
    """Assert one unit's figures (to two decimals by default), naming every mismatch.

    A figure left out is not checked; ``None`` asserts it is null; :data:`NO_NORM`
    and :data:`UNKNOWN` assert why it is null. Give ``facility`` when unit names repeat.
    """
    rows = [u for u in result.units if u.unit == unit and facility in (None, u.facility)]
    if not rows:
        raise AssertionError(f"no unit '{unit}'; units: {', '.join(u.unit for u in result.units)}")
    if len(rows) > 1:
        raise AssertionError(
            f"{len(rows)} units are named '{unit}' (in {', '.join(r.facility for r in rows)}): "
            "give facility="
        )
    row = rows[0]
    problems: list[str] = []
    _compare("norm_fte", row.norm_fte, norm, abs, row.status, problems)
    _compare("required_fte", row.required_fte, required, abs, row.status, problems)
    _compare("staffed_fte", row.staffed_fte, staffed, abs, row.status, problems)
    _compare("gap_fte", row.gap_fte, gap, abs, row.status, problems)
    if status is not None and row.status != status:
        problems.append(f"status: expected {status}, got {row.status}")
    if problems:
        raise AssertionError(f"unit '{unit}': " + "; ".join(problems))


def assert_totals(
    result: Assessment,
    *,
    norm: Any = _UNCHECKED,
    required: Any = _UNCHECKED,
    staffed: Any = _UNCHECKED,
    gap: Any = _UNCHECKED,
    beds: int | None = None,
    places_without_norm: int | None = None,
    units_without_norm: int | None = None,
    places_unknown: int | None = None,
    abs: float = ABS,
) -> None:
    """Assert the totals (to two decimals by default), naming every mismatch."""
    t = result.totals
    problems: list[str] = []
    for label, actual, expected in (
        ("norm_fte", t.norm_fte, norm),
        ("required_fte", t.required_fte, required),
        ("staffed_fte", t.staffed_fte, staffed),
        ("gap_fte", t.gap_fte, gap),
    ):
        if isinstance(expected, _Expect):
            raise TypeError(f"{label}: totals are null or a number; give None or a figure")
        _compare(label, actual, expected, abs, None, problems)
    for label, count, wanted in (
        ("beds", t.beds, beds),
        ("places_without_norm", t.places_without_norm, places_without_norm),
        ("units_without_norm", t.units_without_norm, units_without_norm),
        ("places_unknown", t.places_unknown, places_unknown),
    ):
        if wanted is not None and count != wanted:
            problems.append(f"{label}: expected {wanted}, got {count}")
    if problems:
        raise AssertionError("totals: " + "; ".join(problems))


# -- hypothesis strategies ------------------------------------------------


def inventories(
    bed_types: Sequence[str],
    max_facilities: int = 3,
    max_units: int = 5,
    max_beds: int = 400,
    facility_names: Sequence[str] = (),
    unit_names: Sequence[str] = (),
) -> SearchStrategy[Inventory]:
    """Inventories of facilities with units of the given bed types and optional staffing.

    ``facility_names`` and ``unit_names`` are drawn from (beside generated
    ones), so overrides and facility needs that name them are exercised.
    """
    from hypothesis import strategies as st

    def names(given: Sequence[str], prefix: str) -> SearchStrategy[str]:
        generated = st.integers(0, 99).map(lambda i: f"{prefix}{i}")
        return st.one_of(st.sampled_from(list(given)), generated) if given else generated

    staffing: Any = st.one_of(
        st.just([]),
        st.decimals(min_value=0, max_value=20, places=2).map(lambda f: [{"fte": float(f)}]),
        st.tuples(st.decimals(0, 5, places=2), st.dates()).map(
            lambda p: [{"fte": float(p[0]), "valid_to": p[1].isoformat()}]
        ),
    )
    unit: Any = st.fixed_dictionaries(
        {
            "name": names(unit_names, "U"),
            "bed_type": st.sampled_from(list(bed_types)),
            "beds": st.integers(min_value=0, max_value=max_beds),
            "staffing": staffing,
        }
    )
    facility: Any = st.fixed_dictionaries(
        {
            "name": names(facility_names, "F"),
            "units": st.lists(unit, min_size=1, max_size=max_units, unique_by=lambda u: u["name"]),
            "staffing": staffing,
        }
    )
    return st.lists(
        facility, min_size=1, max_size=max_facilities, unique_by=lambda f: f["name"]
    ).map(lambda facilities: Inventory.model_validate({"facilities": facilities}))


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


def targets(resolved: ResolvedNormSet) -> tuple[list[str], list[str]]:
    """The facility and unit names a norm set's overrides and needs single out."""
    facilities = {a.override.facility for a in resolved.overrides if a.override.facility}
    facilities |= {a.need.facility for a in resolved.needs.values() if a.need.facility}
    units = {a.override.unit for a in resolved.overrides if a.override.unit}
    return sorted(facilities), sorted(units)


# -- ready property checks ------------------------------------------------


def assert_plugin_is_clean(kit: Kit, *plugins: str) -> None:
    """``normkit check`` finds no error in these plugins (and says which, if it does)."""
    findings = check_plugins(kit, plugins or None)
    if has_errors(findings):
        lines = [
            f"{f.where()}: {f.message}" + (f" (hint: {f.hint})" if f.hint else "")
            for f in findings
            if f.severity == "error"
        ]
        raise AssertionError("normkit check found errors:\n  " + "\n  ".join(lines))


def _run(
    kit: Kit,
    normset: str | NormSet,
    at: dt.date,
    test: Callable[[ResolvedNormSet, Inventory], None],
    examples: int,
) -> None:
    from hypothesis import HealthCheck, Phase, given, settings

    resolved = kit.resolve(normset, at)
    facilities, units = targets(resolved)

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        # The smallest failing inventory is what a plugin author needs; the
        # "explain" phase (which lines failing cases ran) costs seconds and says
        # nothing about their norms.
        phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
    )
    @given(inventories(sorted(kit.bed_types), facility_names=facilities, unit_names=units))
    def run(inventory: Inventory) -> None:
        try:
            test(resolved, inventory)
        except RuleError as error:
            if error.code == "rule.negative-need":
                raise AssertionError(f"a need is negative: {error.message}") from None
            raise

    run()


def _grown(inventory: Inventory, extra: int) -> Inventory:
    facilities = tuple(
        f.model_copy(
            update={"units": tuple(u.model_copy(update={"beds": u.beds + extra}) for u in f.units)}
        )
        for f in inventory.facilities
    )
    return inventory.model_copy(update={"facilities": facilities})


def assert_need_never_falls(
    kit: Kit, normset: str | NormSet, at: dt.date, examples: int = 50
) -> None:
    """Adding places to every unit never lowers any unit's norm or adopted need."""

    def test(resolved: ResolvedNormSet, inventory: Inventory) -> None:
        before = assess(inventory, resolved, explain=False)
        after = assess(_grown(inventory, 10), resolved, explain=False)
        for old, new in zip(before.units, after.units, strict=True):
            for field in ("norm_fte", "required_fte"):
                a, b = getattr(old, field), getattr(new, field)
                if a is not None and b is not None and b < a - 1e-9:
                    raise AssertionError(
                        f"{old.facility} › {old.unit}: {field} fell from {a:.4f} to {b:.4f} "
                        f"when 10 places were added to every unit"
                    )

    _run(kit, normset, at, test, examples)


def assert_no_negative_fte(
    kit: Kit, normset: str | NormSet, at: dt.date, examples: int = 50
) -> None:
    """No unit ever gets a negative pure-norm or adopted need."""

    def test(resolved: ResolvedNormSet, inventory: Inventory) -> None:
        # Assessment itself refuses a negative need; _run reports that as this failure.
        assess(inventory, resolved, explain=False)

    _run(kit, normset, at, test, examples)


def expected_figures(resolved: ResolvedNormSet, inventory: Inventory) -> list[dict[str, Any]]:
    """Each unit's required and staffed FTE, worked out here from the rules directly.

    An independent reckoning for :func:`assert_explanations_add_up`: it calls
    the rules itself rather than reading the assessment's figures.
    """
    rows: list[dict[str, Any]] = []
    for facility in inventory.facilities:
        for unit in facility.units:
            inputs = {"places": float(unit.beds)}
            applied = resolved.need_for(facility.name, unit.bed_type)
            need_id = applied.need.id if applied else None
            chosen = resolved.override_for(facility.name, unit.name, unit.bed_type, need_id)
            rule = chosen.override.rule if chosen else (applied.need.rule if applied else None)
            rows.append(
                {
                    "facility": facility.name,
                    "unit": unit.name,
                    "required": None if rule is None else float(rule.evaluate(inputs)),
                    "staffed": staffed_on(unit.staffing, resolved.at) if unit.staffing else None,
                }
            )
        for applied in resolved.facility_needs(facility.name):
            inputs = {"places": float(facility.beds)}
            chosen = resolved.override_for(facility.name, None, None, applied.need.id)
            rule = chosen.override.rule if chosen else applied.need.rule
            assert rule is not None
            rows.append(
                {
                    "facility": facility.name,
                    "unit": applied.need.label or applied.need.id,
                    "required": float(rule.evaluate(inputs)),
                    "staffed": None,
                }
            )
    return rows


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def assert_explanations_add_up(
    kit: Kit, normset: str | NormSet, at: dt.date, examples: int = 50
) -> None:
    """Every explanation ends in the figure shown, each figure is what the rules give,
    and the totals are the sums of figures worked out independently."""

    def test(resolved: ResolvedNormSet, inventory: Inventory) -> None:
        result = assess(inventory, resolved, explain=True)
        expected = expected_figures(resolved, inventory)
        if len(expected) != len(result.units):
            raise AssertionError(f"{len(result.units)} rows shown, {len(expected)} expected")
        for row, wanted in zip(result.units, expected, strict=True):
            _check_row(row, wanted)
        required = [w["required"] for w in expected if w["required"] is not None]
        total = math.fsum(required) if required else None
        if not _close(result.totals.required_fte, total):
            raise AssertionError(
                f"the units' required FTE add up to {total}, the total shown is "
                f"{result.totals.required_fte}"
            )
        staffed: dict[str, float] = {
            f.name: staffed_on(f.staffing, resolved.at)
            + math.fsum(staffed_on(u.staffing, resolved.at) for u in f.units)
            for f in inventory.facilities
            if f.staffing or any(u.staffing for u in f.units)
        }
        staffed_total = math.fsum(staffed.values()) if staffed else None
        if not _close(result.totals.staffed_fte, staffed_total):
            raise AssertionError(
                f"staffing records add up to {staffed_total}, the total shown is "
                f"{result.totals.staffed_fte}"
            )
        # The total gap: each facility's need less its own staffing, where both are known
        # and no staffing in force may serve a place with no known need (recorded for the
        # whole facility, or for such a unit): that time would hide the others' shortfall.
        facilities = {f.name: f for f in inventory.facilities}
        gaps = []
        for name, staffing in staffed.items():
            rows = [w for w in expected if w["facility"] == name]
            known = [w["required"] for w in rows if w["required"] is not None]
            facility = facilities[name]
            units = zip(facility.units, rows, strict=False)  # then the facility's own needs
            needless = [u for u, w in units if w["required"] is None]
            mixed = bool(needless) and (
                staffed_on(facility.staffing, resolved.at) > 0
                or any(staffed_on(u.staffing, resolved.at) > 0 for u in needless)
            )
            if known and not mixed:
                gaps.append(math.fsum(known) - staffing)
        gap = math.fsum(gaps) if gaps else None
        if not _close(result.totals.gap_fte, gap):
            raise AssertionError(f"the gap is {gap}, the total shown is {result.totals.gap_fte}")

    _run(kit, normset, at, test, examples)


def _check_row(row: UnitAssessment, wanted: dict[str, Any]) -> None:
    where = f"{row.facility} › {row.unit}"
    if (row.facility, row.unit) != (wanted["facility"], wanted["unit"]):
        raise AssertionError(
            f"{where}: expected the row for {wanted['facility']} › {wanted['unit']}"
        )
    if not _close(row.required_fte, wanted["required"]):
        raise AssertionError(
            f"{where}: required FTE shown {row.required_fte}, the rules give {wanted['required']}"
        )
    if row.explanation is not None and row.required_fte is not None:
        shown = row.explanation["value"]
        if not _close(shown, row.required_fte):
            raise AssertionError(
                f"{where}: explanation ends in {shown}, the figure shown is {row.required_fte}"
            )
    if row.beds is not None and not _close(row.staffed_fte, wanted["staffed"]):
        raise AssertionError(
            f"{where}: staffed FTE shown {row.staffed_fte}, its records give {wanted['staffed']}"
        )


def assert_json_round_trip(
    kit: Kit, normset: str | NormSet, at: dt.date, examples: int = 25
) -> None:
    """The norm set and every assessment survive JSON unchanged."""
    resolved = kit.resolve(normset, at)
    for version in resolved.chain:
        text = version.model_dump_json()
        back = NormSet.model_validate(json.loads(text), context={"rule_kinds": kit.rule_kinds})
        if back != version or back.model_dump_json() != text:
            raise AssertionError(f"norm set '{version.id}' changes in a JSON round trip")

    def test(resolved: ResolvedNormSet, inventory: Inventory) -> None:
        result = assess(inventory, resolved, explain=True)
        text = result.model_dump_json()
        if Assessment.model_validate_json(text).model_dump_json() != text:
            raise AssertionError("an assessment changes in a JSON round trip")

    _run(kit, normset, at, test, examples)


def assert_every_rule_has_a_source(kit: Kit, normset: str | NormSet, at: dt.date) -> None:
    """Every need, override, threshold, rule, condition, figure and stated value has a source."""
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


def all_checks(
    kit: Kit,
    normset: str | NormSet,
    at: dt.date,
    plugins: Iterable[str] = (),
    examples: int = 50,
) -> None:
    """``normkit check`` on the plugins, then every property check; one line in a test."""
    if plugins:
        assert_plugin_is_clean(kit, *plugins)
    assert_every_rule_has_a_source(kit, normset, at)
    assert_need_never_falls(kit, normset, at, examples)
    assert_no_negative_fte(kit, normset, at, examples)
    assert_explanations_add_up(kit, normset, at, examples)
    assert_json_round_trip(kit, normset, at, max(1, examples // 2))
