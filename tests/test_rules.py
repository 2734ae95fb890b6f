"""Each rule kind: value, explanation, units checked at build, JSON round-trip."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter

import normkit
from normkit import (
    AllOf,
    AnyOf,
    Compare,
    Fixed,
    Floor,
    FteCost,
    GrantAboveListLength,
    GrantAsIfList,
    Maximum,
    Minimum,
    Not,
    PerPopulation,
    Rate,
    Ratio,
    Round,
    Scale,
    Sum,
    Threshold,
)
from normkit.rules import BUILTIN_RULE_KINDS, Rule, RuleRef

NATIONAL = "30 hour/week/FTE"
LONG_TERM = Rate(amount="1 hour/week", per="3 place", fte_basis=NATIONAL)
DEMENTIA = Rate(amount="1 hour/week", per="2 place", fte_basis=NATIONAL)


def test_borgen_explanation_chain() -> None:
    step = DEMENTIA.explain({"places": 70})
    assert step.value == pytest.approx(70 / 60)
    assert step.text == (
        "70 places × 0.5 hour/week per place (norm: 1 hour/week per 2 places) "
        "= 35 hour/week ÷ 30 hour/week/FTE = 1.17 FTE"
    )


def test_missing_input_is_named() -> None:
    with pytest.raises(ValueError, match="needs the input 'places'"):
        DEMENTIA.evaluate({"inhabitants": 3})


def test_fixed_medical_lead() -> None:
    lead = Fixed(amount="0.2 FTE", label="medical lead")
    assert lead.evaluate({}) == 0.2
    assert lead.explain({}).text == "fixed 0.2 FTE"


def test_fixed_rejects_other_units() -> None:
    with pytest.raises(ValueError, match="must be in FTE or NOK/year"):
        Fixed(amount="3 place")


def test_sum_scale_min_max_floor() -> None:
    inputs = {"places": 90}
    total = Sum(terms=[LONG_TERM, Fixed(amount="0.2 FTE")])
    assert total.evaluate(inputs) == pytest.approx(1.2)
    assert Scale(rule=LONG_TERM, factor=1.5).evaluate(inputs) == pytest.approx(1.5)
    assert Minimum(rules=[LONG_TERM, Fixed(amount="0.5 FTE")]).evaluate(inputs) == 0.5
    assert Maximum(rules=[LONG_TERM, Fixed(amount="0.5 FTE")]).evaluate(inputs) == 1.0
    assert Floor(rule=LONG_TERM, at_least="0.2 FTE").evaluate({"places": 9}) == 0.2


def test_sum_refuses_mixed_units() -> None:
    with pytest.raises(ValueError, match="different units"):
        Sum(terms=[LONG_TERM, Fixed(amount="100 NOK/year")])


@pytest.mark.parametrize(
    ("mode", "value", "expected"),
    [
        ("up", 1.11, 1.2),
        ("down", 1.19, 1.1),
        ("nearest", 1.15, 1.2),
        ("nearest", 1.14, 1.1),
        ("up", 1.3, 1.3),  # 1.3 / 0.1 is 13.000000000000002 in floats: not 1.4
    ],
)
def test_round_to_a_stated_step(mode: str, value: float, expected: float) -> None:
    rule = Round(rule=Rate(amount="1 FTE", per="1 place"), step="0.1 FTE", mode=mode)
    assert rule.evaluate({"places": value}) == pytest.approx(expected)
    import numpy as np

    assert rule.evaluate_array({"places": np.array([value])})[0] == pytest.approx(expected)


def test_kristiansand_grant_above_800() -> None:
    grant = GrantAboveListLength(rate="330 NOK/patient/year", above="800 patient")
    assert grant.evaluate({"listed_patients": 1000}) == 330_000
    assert grant.evaluate({"listed_patients": 800}) == 0
    assert grant.evaluate({"listed_patients": 801}) == 330 * 801


def test_bergen_grant_as_if_700() -> None:
    rate = "1000 NOK/patient/year"  # the plan gives no rate: it is a parameter
    grant = GrantAsIfList(as_if="700 patient", rate=rate)
    assert grant.covered_patients(450) == 250
    assert grant.evaluate({"listed_patients": 450}) == 250_000
    assert grant.evaluate({"listed_patients": 701}) == 0


def test_fte_cost_with_stated_employer_factor() -> None:
    cost = FteCost(salary="800000 NOK/year/FTE", employer_cost_factor=1.35)
    assert cost.evaluate({"fte": 1.1}) == pytest.approx(1_188_000)
    with pytest.raises(ValueError):
        FteCost(salary="800000 NOK/year/FTE", employer_cost_factor=0.9)


def test_threshold_below_1000_fires_at_999_not_1000() -> None:
    rule = Threshold(
        id="new-list", indicator="free_list_places", below=1000, action="open a new GP list"
    )
    assert rule.check(1000) is None
    alert = rule.check(999)
    assert alert is not None
    assert alert.action == "open a new GP list"
    assert alert.condition == "free_list_places < 1000"


def test_threshold_needs_exactly_one_limit() -> None:
    with pytest.raises(ValueError, match="exactly one of"):
        Threshold(id="x", indicator="y", below=1, above=2, action="z")


QUALIFIED = AllOf(
    conditions=[
        AnyOf(
            conditions=[
                Compare(attribute="specialist_general_practice", op="==", value=True),
                Compare(attribute="months_since_graduation", op=">=", value=30),
            ]
        ),
        AnyOf(
            conditions=[
                Compare(attribute="out_of_hours_shifts", op=">=", value=40),
                Compare(attribute="years_municipal_service", op=">=", value=1),
            ]
        ),
    ]
)


@pytest.mark.parametrize(
    ("months", "shifts", "qualified"), [(29, 40, False), (30, 40, True), (30, 39, False)]
)
def test_emergency_duty_competence(months: int, shifts: int, qualified: bool) -> None:
    physician = {
        "specialist_general_practice": False,
        "months_since_graduation": months,
        "out_of_hours_shifts": shifts,
        "years_municipal_service": 0,
    }
    assert QUALIFIED.evaluate(physician) is qualified
    assert Not(condition=QUALIFIED).evaluate(physician) is not qualified
    assert QUALIFIED.explain(physician).value is qualified


def test_predicate_names_a_missing_attribute() -> None:
    with pytest.raises(ValueError, match="needs the attribute 'months_since_graduation'"):
        QUALIFIED.evaluate({"specialist_general_practice": True})


ALL_RULES: list[Rule] = [
    LONG_TERM,
    DEMENTIA,
    Fixed(amount="0.2 FTE"),
    Sum(terms=[LONG_TERM, DEMENTIA]),
    Scale(rule=LONG_TERM, factor=1.1, reason="short stays"),
    Minimum(rules=[LONG_TERM]),
    Maximum(rules=[LONG_TERM]),
    Floor(rule=LONG_TERM, at_least="0.1 FTE"),
    Round(rule=LONG_TERM, step="0.05 FTE", mode="nearest"),
    GrantAboveListLength(rate="330 NOK/patient/year", above="800 patient"),
    GrantAsIfList(as_if="700 patient", rate="500 NOK/patient/year"),
    FteCost(salary="950000 NOK/year/FTE", employer_cost_factor=1.35),
    QUALIFIED,
    Not(condition=Compare(attribute="gps", op=">=", value=5)),
    Ratio(
        numerator="legevakt_fte",
        denominator="inhabitants",
        per=10_000,
        reports_in="FTE per 10 000 inhabitants",
    ),
    PerPopulation(amount="150 place", per="1000 inhabitant"),
]


def test_every_builtin_kind_is_exercised() -> None:
    assert {r.kind for r in ALL_RULES} | {"compare", "any_of"} == set(BUILTIN_RULE_KINDS)


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.kind)
def test_json_round_trip_is_exact(rule: Rule) -> None:
    adapter: TypeAdapter[Rule] = TypeAdapter(RuleRef)
    text = adapter.dump_json(rule)
    back = adapter.validate_json(text)
    assert back == rule
    assert adapter.dump_json(back) == text
    assert json.loads(text)["kind"] == rule.kind


def test_unknown_kind_lists_known_kinds() -> None:
    with pytest.raises(ValueError, match="unknown rule kind 'magic'; known kinds: all_of"):
        TypeAdapter(RuleRef).validate_python({"kind": "magic"})


def test_rules_are_immutable() -> None:
    with pytest.raises(ValueError):
        LONG_TERM.label = "changed"  # type: ignore[misc]


places = st.integers(min_value=0, max_value=100_000)


@given(a=places, b=places)
def test_more_beds_never_means_fewer_fte(a: int, b: int) -> None:
    low, high = sorted((a, b))
    for rule in (LONG_TERM, DEMENTIA, Round(rule=LONG_TERM, step="0.1 FTE", mode="up")):
        assert rule.evaluate({"places": low}) <= rule.evaluate({"places": high})


@given(
    # Magnitudes below 10^-9 are refused when read (see normkit.values).
    amount=st.one_of(st.just(0.0), st.floats(min_value=1e-6, max_value=1000)),
    per=st.integers(min_value=1, max_value=500),
    basis=st.floats(min_value=1, max_value=80, allow_nan=False),
)
def test_rate_json_round_trip_property(amount: float, per: int, basis: float) -> None:
    rule = Rate(
        amount=f"{amount!r} hour/week", per=f"{per} place", fte_basis=f"{basis!r} hour/week/FTE"
    )
    back = Rate.model_validate_json(rule.model_dump_json())
    assert back == rule
    assert back.fte_per_unit == rule.fte_per_unit


def test_ratio_per_10000_inhabitants() -> None:
    # Stavanger legevakt: 13.5 FTE for about 186 000 people.
    ratio = Ratio(
        numerator="legevakt_fte",
        denominator="inhabitants",
        per=10_000,
        reports_in="FTE per 10 000 inhabitants",
    )
    inputs = {"legevakt_fte": 13.5, "inhabitants": 186_000}
    assert ratio.evaluate(inputs) == pytest.approx(0.7258, abs=1e-4)
    assert ratio.explain(inputs).text == (
        "legevakt_fte 13.5 ÷ inhabitants 186 000 × 10 000 = 0.7258 FTE per 10 000 inhabitants"
    )
    with pytest.raises(ValueError, match="'inhabitants' is 0"):
        ratio.evaluate({"legevakt_fte": 1, "inhabitants": 0})


# -- pinned by the full mutation run ------------------------------------------


def test_a_rate_explained_for_one_place_says_place() -> None:
    rate = normkit.Rate(amount="1 hour/week", per="1 place", fte_basis="30 hour/week/FTE")
    assert rate.explain({"places": 1}).text == (
        "1 place × 1 hour/week per place = 1 hour/week ÷ 30 hour/week/FTE = 0.03 FTE"
    )
    per_three = normkit.Rate(amount="1 hour/week", per="3 place", fte_basis="30 hour/week/FTE")
    assert "(norm: 1 hour/week per 3 places)" in per_three.explain({"places": 6}).text
    in_fte = normkit.Rate(amount="1 FTE", per="90 place")
    assert in_fte.explain({"places": 1}).text.startswith("1 place × 1 FTE per 90 places = ")


def test_a_rate_amount_without_a_time_base_is_refused() -> None:
    with pytest.raises(normkit.QuantityError) as caught:
        normkit.Rate(amount="50 percent", per="1 place")
    assert caught.value.message == (
        "'amount' must be FTE or hours per week, got '50 percent' (dimension dimensionless)"
    )


def test_a_missing_input_names_the_rule_and_what_was_given() -> None:
    rate = normkit.Rate(amount="1 FTE", per="90 place")
    with pytest.raises(normkit.RuleError) as caught:
        rate.explain({})
    assert caught.value.to_dict() == {
        "code": "rule.missing-input",
        "message": "rule 'rate' needs the input 'places', which was not given",
        "hint": "inputs given: none",
    }
    with pytest.raises(normkit.RuleError) as caught:
        rate.explain({"patients": 1.0, "beds": 2.0})
    assert caught.value.hint == "inputs given: beds, patients"


def test_finite_names_the_rule_and_what_it_was_for() -> None:
    from normkit.rules.base import finite

    rate = normkit.Rate(amount="1 FTE", per="90 place")
    assert finite(1.5, rate) == 1.5
    with pytest.raises(normkit.RuleError) as caught:
        finite(math.inf, rate)
    assert caught.value.message == "rule 'rate' gives inf, not a finite number"
    with pytest.raises(normkit.RuleError) as caught:
        finite(math.nan, rate, "Borgen")
    assert caught.value.message == "rule 'rate' gives nan for Borgen, not a finite number"


def test_override_specificity_is_as_documented() -> None:
    fixed = normkit.Fixed(amount="1 FTE")
    assert (
        normkit.Override(id="u", facility="F", unit="U", rule=fixed, reason="r").specificity() == 3
    )
    assert normkit.Override(id="f", facility="F", rule=fixed, reason="r").specificity() == 2
    assert normkit.Override(id="b", bed_types=("x",), rule=fixed, reason="r").specificity() == 1
    assert normkit.Override(id="a", rule=fixed, reason="r").specificity() == 0


def test_a_money_amount_in_the_wrong_unit_names_its_field() -> None:
    with pytest.raises(normkit.QuantityError) as caught:
        normkit.FteCost(salary="5 FTE", employer_cost_factor=1.3)
    assert caught.value.location.field == "salary"
    assert caught.value.code == "quantity.dimension"


def test_a_need_reading_more_than_places_names_every_extra_input() -> None:
    both = normkit.Sum(
        terms=(
            normkit.Rate(amount="1 FTE", per="100 patient"),
            normkit.Rate(amount="1 FTE", per="10000 inhabitant"),
        )
    )
    with pytest.raises(normkit.NormSetError) as caught:
        normkit.Need(id="a", bed_types=("x",), rule=both)
    assert caught.value.message == (
        "a need's rule may read only 'places', but this one reads inhabitants, listed_patients"
    )


def test_a_per_written_in_the_plural_is_counted_in_the_singular() -> None:
    rate = normkit.Rate(amount="1 FTE", per="10000 inhabitants")
    assert rate.per.unit == "inhabitant"
    assert rate.describe().startswith("1 FTE per 10 000 inhabitants")
    assert "inhabitantss" not in rate.explain({"inhabitants": 5000}).text
