"""The test kit tests itself: every helper and property check fails on input built to break it.

A check that cannot fail proves nothing; each test here builds a norm set,
a rule kind or an inventory that violates exactly what the check is for, and
asserts that the check says so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Literal

import pytest
from pydantic import PlainSerializer

import normkit
from normkit import testing
from normkit.rules.base import Inputs, Step
from normkit.testing import (
    NO_NORM,
    UNKNOWN,
    all_checks,
    assert_every_rule_has_a_source,
    assert_explanations_add_up,
    assert_json_round_trip,
    assert_need_never_falls,
    assert_no_negative_fte,
    assert_plugin_is_clean,
    assert_totals,
    assert_unit,
)

AT = dt.date(2020, 4, 1)
SOURCE = normkit.Source(document="test", section="1")
EXAMPLES = 60


class Shrinking(normkit.Rule):
    """A need that falls as places rise: 10 FTE less a tenth per place (never negative)."""

    kind: Literal["shrinking"] = "shrinking"

    def inputs(self) -> frozenset[str]:
        return frozenset({"places"})

    def evaluate(self, inputs: Inputs) -> float:
        return max(0.0, 10 - float(inputs["places"]) / 10)

    def explain(self, inputs: Inputs) -> Step:
        return Step("shrinking", self.evaluate(inputs), "FTE", self.kind)


class Negative(Shrinking):
    kind: Literal["negative"] = "negative"  # type: ignore[assignment]

    def evaluate(self, inputs: Inputs) -> float:
        return -1.0 if float(inputs["places"]) > 5 else 0.0


class Misexplained(Shrinking):
    kind: Literal["misexplained"] = "misexplained"  # type: ignore[assignment]

    def evaluate(self, inputs: Inputs) -> float:
        return float(inputs["places"]) / 90

    def explain(self, inputs: Inputs) -> Step:
        return Step("a different figure", self.evaluate(inputs) + 1, "FTE", self.kind)


class Lossy(Shrinking):
    """Its JSON rounds the factor: it does not round-trip."""

    kind: Literal["lossy"] = "lossy"  # type: ignore[assignment]
    factor: Annotated[float, PlainSerializer(round, return_type=int)] = 1.0

    def evaluate(self, inputs: Inputs) -> float:
        return float(inputs["places"]) * self.factor / 90


def plugin(*kinds: type[normkit.Rule], normsets: tuple[normkit.NormSet, ...] = ()) -> object:
    class Plugin:
        __name__ = "under-test"

        @normkit.hookimpl
        def normkit_register_rule_kinds(self, register: Callable[[object], None]) -> None:
            for kind in kinds:
                register(kind)

        @normkit.hookimpl
        def normkit_register_normsets(self, register: Callable[[object], None]) -> None:
            for normset in normsets:
                register(normset)

    return Plugin()


def normset_with(
    rule: normkit.Rule, *, facility: str | None = None, source: bool = True, **extra: object
) -> normkit.NormSet:
    need = normkit.Need(
        id="long_term",
        bed_types=("long_term",),
        facility=facility,
        rule=rule,
        source=SOURCE if source else None,
    )
    return normkit.NormSet(
        id="under-test",
        title="t",
        valid_from=dt.date(2020, 1, 1),
        source=SOURCE,
        needs=(need,),
        **extra,  # type: ignore[arg-type]
    )


def kit_with(rule: normkit.Rule, **options: object) -> normkit.Kit:
    normset = normset_with(rule, **options)  # type: ignore[arg-type]
    return normkit.Kit([plugin(type(rule), normsets=(normset,))], autoload=False)


SOUND = normkit.Rate(amount="1 hour/week", per="3 place", fte_basis="30 hour/week/FTE")


@pytest.fixture(scope="module")
def result() -> normkit.Assessment:
    kit = normkit.Kit(autoload=False)
    inventory = normkit.Inventory.model_validate(
        {
            "facilities": [
                {
                    "name": "Home",
                    "staffing": 0.5,
                    "units": [
                        {"name": "Long", "bed_type": "long_term", "beds": 90},
                        {"name": "Respite", "bed_type": "respite", "beds": 6},
                    ],
                },
                {
                    "name": "Other",
                    "staffing": 0.05,
                    "units": [{"name": "Long", "bed_type": "long_term", "beds": 9}],
                },
            ]
        }
    )
    return kit.assess(inventory, "national", AT)


# -- the helpers --------------------------------------------------------------


def test_assert_unit_passes_on_the_right_figures(result: normkit.Assessment) -> None:
    assert_unit(
        result,
        "Long",
        facility="Home",
        norm=1.0,
        required=1.0,
        staffed=None,
        gap=None,
        status="norm",
    )
    assert_unit(result, "Respite", norm=NO_NORM, required=NO_NORM, status="no_norm")


@pytest.mark.parametrize(
    ("arguments", "complaint"),
    [
        ({"norm": 1.1}, "norm_fte: expected 1.1, got 1.0000"),
        ({"required": 0.9}, "required_fte: expected 0.9, got 1.0000"),
        ({"staffed": 0.5}, "staffed_fte: expected 0.5, got null"),
        ({"gap": 0.0}, "gap_fte: expected 0.0, got null"),
        ({"norm": None}, "norm_fte: expected null, got 1.0000"),
        ({"norm": NO_NORM}, "norm_fte: expected NO_NORM, got 1.0000 (status norm)"),
        ({"required": UNKNOWN}, "expected UNKNOWN"),
        ({"status": "adopted"}, "status: expected adopted, got norm"),
        ({"norm": 1.0051}, "norm_fte: expected 1.0051"),
    ],
)
def test_assert_unit_fails_on_a_wrong_expectation(
    result: normkit.Assessment, arguments: dict[str, object], complaint: str
) -> None:
    with pytest.raises(AssertionError) as caught:
        assert_unit(result, "Long", facility="Home", **arguments)  # type: ignore[arg-type]
    assert complaint in str(caught.value)


def test_assert_unit_tells_no_norm_from_unknown(result: normkit.Assessment) -> None:
    with pytest.raises(AssertionError, match="expected UNKNOWN, got null \\(status no_norm\\)"):
        assert_unit(result, "Respite", norm=UNKNOWN)


def test_assert_unit_needs_a_unique_and_existing_unit(result: normkit.Assessment) -> None:
    with pytest.raises(AssertionError, match="no unit 'Nowhere'"):
        assert_unit(result, "Nowhere", norm=1)
    with pytest.raises(AssertionError, match="2 units are named 'Long'"):
        assert_unit(result, "Long", norm=1)


def test_assert_totals_passes_and_fails(result: normkit.Assessment) -> None:
    assert_totals(
        result,
        norm=1.1,
        required=1.1,
        staffed=0.55,
        # Other: 0.1 − 0.05. Home's 0.5 is recorded for the whole home, which has respite
        # places with no norm: which part serves them is not known, so its gap is not either.
        gap=0.05,
        beds=105,
        places_without_norm=6,
        units_without_norm=1,
        places_unknown=0,
    )
    for arguments, complaint in [
        ({"norm": 1.0}, "norm_fte: expected 1.0, got 1.1000"),
        ({"required": 2}, "required_fte"),
        ({"staffed": 0.5}, "staffed_fte"),
        ({"gap": 0.55}, "gap_fte"),
        ({"beds": 104}, "beds: expected 104, got 105"),
        ({"places_without_norm": 0}, "places_without_norm: expected 0, got 6"),
        ({"units_without_norm": 2}, "units_without_norm"),
        ({"places_unknown": 1}, "places_unknown"),
        ({"gap": None}, "gap_fte: expected null, got 0.0500"),
    ]:
        with pytest.raises(AssertionError) as caught:
            assert_totals(result, **arguments)  # type: ignore[arg-type]
        assert complaint in str(caught.value), arguments
    with pytest.raises(TypeError):
        assert_totals(result, norm=NO_NORM)


# -- the property checks --------------------------------------------------------


def test_need_never_falls_catches_a_falling_plugin_kind() -> None:
    kit = kit_with(Shrinking())
    with pytest.raises(AssertionError, match=r"(required|norm)_fte fell from"):
        assert_need_never_falls(kit, "under-test", AT, examples=EXAMPLES)
    assert_need_never_falls(kit_with(SOUND), "under-test", AT, examples=EXAMPLES)


def test_need_never_falls_reaches_the_facilities_a_norm_set_names() -> None:
    # Only units of the facility "Zeta" get the falling need: generated
    # inventories must use that name for the check to see it.
    kit = kit_with(Shrinking(), facility="Zeta")
    with pytest.raises(AssertionError, match="Zeta"):
        assert_need_never_falls(kit, "under-test", AT, examples=EXAMPLES)


def test_no_negative_fte_catches_a_negative_plugin_kind() -> None:
    with pytest.raises(AssertionError, match="negative"):
        assert_no_negative_fte(kit_with(Negative()), "under-test", AT, examples=EXAMPLES)
    assert_no_negative_fte(kit_with(SOUND), "under-test", AT, examples=EXAMPLES)


def test_explanations_must_end_in_the_figure_shown() -> None:
    with pytest.raises(AssertionError, match="explanation ends in"):
        assert_explanations_add_up(kit_with(Misexplained()), "under-test", AT, examples=EXAMPLES)
    assert_explanations_add_up(kit_with(SOUND), "under-test", AT, examples=EXAMPLES)


def test_explanations_check_compares_with_figures_worked_out_independently(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = testing.assess

    def double_the_total(inventory: normkit.Inventory, resolved: object, explain: bool) -> object:
        result = real(inventory, resolved, explain=explain)  # type: ignore[arg-type]
        totals = result.totals.model_copy(
            update={"required_fte": (result.totals.required_fte or 0) * 2 + 1}
        )
        return result.model_copy(update={"totals": totals})

    monkeypatch.setattr(testing, "assess", double_the_total)
    with pytest.raises(AssertionError, match="add up to"):
        assert_explanations_add_up(kit_with(SOUND), "under-test", AT, examples=EXAMPLES)


def test_explanations_check_recomputes_each_unit(monkeypatch: pytest.MonkeyPatch) -> None:
    real = testing.assess

    def shift_units(inventory: normkit.Inventory, resolved: object, explain: bool) -> object:
        result = real(inventory, resolved, explain=explain)  # type: ignore[arg-type]
        units = [
            u.model_copy(update={"required_fte": (u.required_fte or 0) + 1}) for u in result.units
        ]
        return result.model_copy(update={"units": units})

    monkeypatch.setattr(testing, "assess", shift_units)
    with pytest.raises(AssertionError, match="the rules give"):
        assert_explanations_add_up(kit_with(SOUND), "under-test", AT, examples=EXAMPLES)


def test_json_round_trip_catches_a_lossy_kind() -> None:
    kit = kit_with(Lossy(factor=2.5))
    with pytest.raises(AssertionError, match="changes in a JSON round trip"):
        assert_json_round_trip(kit, "under-test", AT, examples=5)
    assert_json_round_trip(kit_with(SOUND), "under-test", AT, examples=5)


def test_every_rule_needs_a_source() -> None:
    with pytest.raises(AssertionError, match="under-test: need 'long_term'"):
        assert_every_rule_has_a_source(kit_with(SOUND, source=False), "under-test", AT)
    assert_every_rule_has_a_source(kit_with(SOUND), "under-test", AT)


def test_plugin_is_clean_fails_on_a_broken_plugin() -> None:
    class Broken:
        __name__ = "broken"

        @normkit.hookimpl
        def normkit_register_normsets(self, register: Callable[[object], None]) -> None:
            register(42)

    kit = normkit.Kit([Broken()], autoload=False)
    with pytest.raises(AssertionError, match="plugin 'broken' failed at normkit_register_normsets"):
        assert_plugin_is_clean(kit, "broken")
    assert_plugin_is_clean(normkit.Kit(autoload=False), "national")


@pytest.mark.parametrize(
    ("rule", "options", "complaint"),
    [
        (SOUND, {"source": False}, "entries without a source"),
        (Shrinking(), {}, "fell from"),
        (Negative(), {}, "negative"),
        (Misexplained(), {}, "explanation ends in"),
    ],
)
def test_all_checks_fails_when_any_check_fails(
    rule: normkit.Rule, options: dict[str, object], complaint: str
) -> None:
    with pytest.raises(AssertionError, match=complaint):
        all_checks(kit_with(rule, **options), "under-test", AT, examples=EXAMPLES)


def test_all_checks_passes_on_the_national_norm() -> None:
    all_checks(normkit.Kit(autoload=False), "national", AT, plugins=["national"], examples=20)
