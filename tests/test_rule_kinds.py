"""Every built-in rule kind: its value, its vectorised value, its words and its explanation.

Explanations and descriptions are what a planner reads (`--explain`,
`normkit show`), so their text is asserted, not only their numbers.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import normkit as nk
from normkit.rules.base import Inputs, Step

LONG_TERM = nk.Rate(amount="1 hour/week", per="3 place", fte_basis="30 hour/week/FTE")


def fixed(fte: float) -> nk.Fixed:
    return nk.Fixed(amount=f"{fte} FTE")


INPUTS: dict[str, Any] = {
    "places": 30,
    "listed_patients": 1000,
    "fte": 1.1,
    "legevakt_fte": 13.5,
    "inhabitants": 186_000,
    "gps": 4,
    "gps_previous": None,
}

CASES: list[tuple[nk.Rule, str, str, float | bool | None]] = [
    (
        nk.Sum(terms=[fixed(0.2), LONG_TERM]),
        "sum of (fixed 0.2 FTE; 1 hour/week per 3 places, 30 hour/week/FTE "
        "(= 1 FTE per 90 places))",
        "0.2 + 0.33 = 0.53 FTE",
        0.2 + 30 / 90,
    ),
    (
        nk.Scale(rule=fixed(1), factor=1.2, reason="short stays"),
        "(fixed 1 FTE) × 1.2 (short stays)",
        "1 × 1.2 = 1.2 FTE (short stays)",
        1.2,
    ),
    (nk.Scale(rule=fixed(1), factor=1.5), "(fixed 1 FTE) × 1.5", "1 × 1.5 = 1.5 FTE", 1.5),
    (
        nk.Minimum(rules=[fixed(0.5), LONG_TERM]),
        "min of (fixed 0.5 FTE; 1 hour/week per 3 places, 30 hour/week/FTE "
        "(= 1 FTE per 90 places))",
        "min(0.5, 0.33) = 0.33 FTE",
        30 / 90,
    ),
    (
        nk.Maximum(rules=[fixed(0.5), LONG_TERM]),
        "max of (fixed 0.5 FTE; 1 hour/week per 3 places, 30 hour/week/FTE "
        "(= 1 FTE per 90 places))",
        "max(0.5, 0.33) = 0.5 FTE",
        0.5,
    ),
    (
        nk.Floor(rule=fixed(0.2), at_least="0.5 FTE"),
        "fixed 0.2 FTE, at least 0.5 FTE",
        "at least 0.5 FTE: max(0.2, 0.5) = 0.5 FTE",
        0.5,
    ),
    (
        nk.Floor(rule=fixed(0.7), at_least="0.5 FTE"),
        "fixed 0.7 FTE, at least 0.5 FTE",
        "at least 0.5 FTE: max(0.7, 0.5) = 0.7 FTE",
        0.7,
    ),
    (
        nk.Round(rule=fixed(0.33), step="0.1 FTE", mode="up"),
        "fixed 0.33 FTE, rounded up to 0.1 FTE",
        "0.33 rounded up to a step of 0.1 FTE = 0.4 FTE",
        0.4,
    ),
    (
        nk.GrantAboveListLength(rate="330 NOK/patient/year", above="800 patient"),
        "330 NOK/patient/year for every listed patient when the list is longer than 800 patient",
        "list of 1 000 is above 800 patient: 1 000 patients × 330 NOK/patient/year "
        "= 330 000 NOK/year",
        330_000,
    ),
    (
        nk.GrantAboveListLength(rate="330 NOK/patient/year", above="800 patient", counts="above"),
        "330 NOK/patient/year for each patient past the limit when the list is longer than "
        "800 patient",
        "list of 1 000 is above 800 patient: 200 patients × 330 NOK/patient/year = 66 000 NOK/year",
        66_000,
    ),
    (
        nk.GrantAsIfList(as_if="1200 patient", rate="500 NOK/patient/year"),
        "500 NOK/patient/year for the patients a list lacks up to 1200 patient",
        "as if the list had 1200 patient: 1 200 − 1 000 = 200 patients × 500 "
        "NOK/patient/year = 100 000 NOK/year",
        100_000,
    ),
    (
        nk.GrantAsIfList(as_if="700 patient", rate="500 NOK/patient/year"),
        "500 NOK/patient/year for the patients a list lacks up to 700 patient",
        "list of 1 000 is at least 700 patient: no grant, 0 NOK/year",
        0,
    ),
    (
        nk.FteCost(salary="800000 NOK/year/FTE", employer_cost_factor=1.35),
        "FTE × 800 000 NOK/year/FTE × 1.35 (employer costs)",
        "1.1 FTE × 800 000 NOK/year/FTE × 1.35 employer-cost factor = 1 188 000 NOK/year",
        1_188_000,
    ),
    (
        nk.Ratio(
            numerator="legevakt_fte",
            denominator="inhabitants",
            per=10_000,
            reports_in="FTE per 10 000 inhabitants",
        ),
        "legevakt_fte ÷ inhabitants × 10 000 (FTE per 10 000 inhabitants)",
        "legevakt_fte 13.5 ÷ inhabitants 186 000 × 10 000 = 0.7258 FTE per 10 000 inhabitants",
        13.5 / 186_000 * 10_000,
    ),
    (
        nk.Rate(amount="13.5 FTE", per="186000 inhabitant"),
        "13.5 FTE per 186 000 inhabitants (= 1 FTE per 13 777.78 inhabitants)",
        "186 000 inhabitants × 13.5 FTE per 186 000 inhabitants = 13.5 FTE",
        13.5,
    ),
    (
        nk.Rate(amount="1.5 hour/week", per="1 place", fte_basis="30 hour/week/FTE"),
        "1.5 hour/week per 1 place, 30 hour/week/FTE (= 1 FTE per 20 places)",
        "30 places × 1.5 hour/week per place = 45 hour/week ÷ 30 hour/week/FTE = 1.5 FTE",
        1.5,
    ),
    (
        nk.Rate(amount="5 FTE", per="7 place"),
        "5 FTE per 7 places (= 1 FTE per 1.4 places)",
        "30 places × 5 FTE per 7 places = 21.43 FTE",
        30 * 5 / 7,
    ),
    (
        # 1.004 is shown as 1, so the noun follows what is shown.
        nk.Rate(amount="1000 FTE", per="1004 place"),
        "1000 FTE per 1 004 places (= 1 FTE per 1 place)",
        "30 places × 1000 FTE per 1 004 places = 29.88 FTE",
        30 * 1000 / 1004,
    ),
    (
        nk.Rate(amount="0 FTE", per="1 place"),
        "0 FTE per 1 place",
        "30 places × 0 FTE per place = 0 FTE",
        0.0,
    ),
    (nk.Fixed(amount="0.2 FTE"), "fixed 0.2 FTE", "fixed 0.2 FTE", 0.2),
    (
        nk.Compare(attribute="gps", op=">=", value=5),
        "gps >= 5",
        "gps = 4 >= 5: no",
        False,
    ),
    (
        nk.Not(condition=nk.Compare(attribute="gps", op=">=", value=5)),
        "not (gps >= 5)",
        "not: yes",
        True,
    ),
    (
        nk.Not(condition=nk.Compare(attribute="gps_previous", op=">=", value=5)),
        "not (gps_previous >= 5)",
        "not: unknown",
        None,
    ),
    (
        nk.Ratio(numerator="legevakt_fte", denominator="gps", reports_in="FTE per GP"),
        "legevakt_fte ÷ gps (FTE per GP)",
        "legevakt_fte 13.5 ÷ gps 4 = 3.375 FTE per GP",
        13.5 / 4,
    ),
    (
        nk.Rate(amount="1 hour/week", per="1 place", fte_basis="1 hour/week/FTE"),
        "1 hour/week per 1 place, 1 hour/week/FTE (= 1 FTE per 1 place)",
        "30 places × 1 hour/week per place = 30 hour/week ÷ 1 hour/week/FTE = 30 FTE",
        30.0,
    ),
    (
        nk.GrantAboveListLength(rate="330 NOK/patient/year", above="999 patient", counts="above"),
        "330 NOK/patient/year for each patient past the limit when the list is longer than "
        "999 patient",
        "list of 1 000 is above 999 patient: 1 patient × 330 NOK/patient/year = 330 NOK/year",
        330,
    ),
    (
        nk.GrantAboveListLength(rate="330 NOK/patient/year", above="1000 patient"),
        "330 NOK/patient/year for every listed patient when the list is longer than 1000 patient",
        "list of 1 000 is not above 1000 patient: no grant, 0 NOK/year",
        0,
    ),
    (
        nk.GrantAsIfList(as_if="1001 patient", rate="500 NOK/patient/year"),
        "500 NOK/patient/year for the patients a list lacks up to 1001 patient",
        "as if the list had 1001 patient: 1 001 − 1 000 = 1 patient × 500 "
        "NOK/patient/year = 500 NOK/year",
        500,
    ),
    (
        nk.AnyOf(
            conditions=[
                nk.Compare(attribute="gps", op=">=", value=5),
                nk.Compare(attribute="gps_previous", op="<", value=5),
            ]
        ),
        "any of (gps >= 5; gps_previous < 5)",
        "any of 2: unknown",
        None,
    ),
    (
        nk.AllOf(
            conditions=[
                nk.Compare(attribute="gps", op=">=", value=5),
                nk.Compare(attribute="gps_previous", op="<", value=5),
            ]
        ),
        "all of (gps >= 5; gps_previous < 5)",
        "all of 2: no",
        False,
    ),
]


@pytest.mark.parametrize(("rule", "words", "explained", "value"), CASES)
def test_value_words_and_explanation(
    rule: nk.Rule, words: str, explained: str, value: float | bool | None
) -> None:
    assert rule.describe() == words
    step = rule.explain(INPUTS)
    assert step.text == explained
    result = rule.evaluate(INPUTS)
    if isinstance(value, bool) or value is None:
        assert result is value and step.value is value
    else:
        assert result == pytest.approx(value) and step.value == pytest.approx(value)


SOURCE = nk.Source(document="Plan", section="3.1")


@pytest.mark.parametrize(("rule", "words", "explained", "value"), CASES)
def test_each_step_names_its_rule_unit_source_and_parts(
    rule: nk.Rule, words: str, explained: str, value: float | bool | None
) -> None:
    labelled = type(rule).model_validate(
        {**rule.model_dump(), "label": "the plan's rule", "source": SOURCE}
    )
    step = labelled.explain(INPUTS)
    assert (step.rule, step.source, step.unit) == (
        "the plan's rule",
        SOURCE,
        labelled.output_unit(),
    )
    assert [c.text for c in step.children] == [c.explain(INPUTS).text for c in rule.children()]


# Parts that come to 0: the explanation shows 0, not a stand-in for a missing value.
ZERO_PLACES: list[tuple[nk.Rule, str, float]] = [
    (nk.Scale(rule=LONG_TERM, factor=1.5), "0 × 1.5 = 0 FTE", 0.0),
    (nk.Sum(terms=[LONG_TERM, LONG_TERM]), "0 + 0 = 0 FTE", 0.0),
    (nk.Maximum(rules=[LONG_TERM, LONG_TERM]), "max(0, 0) = 0 FTE", 0.0),
    (nk.Floor(rule=LONG_TERM, at_least="0.5 FTE"), "at least 0.5 FTE: max(0, 0.5) = 0.5 FTE", 0.5),
    (
        nk.Round(rule=LONG_TERM, step="0.5 FTE", mode="up"),
        "0 rounded up to a step of 0.5 FTE = 0 FTE",
        0.0,
    ),
]


@pytest.mark.parametrize(("rule", "explained", "value"), ZERO_PLACES)
def test_explaining_parts_that_are_zero(rule: nk.Rule, explained: str, value: float) -> None:
    step = rule.explain({"places": 0})
    assert (step.text, step.value) == (explained, value)


@pytest.mark.parametrize(
    ("rule", "missing"),
    [
        (nk.FteCost(salary="1 NOK/year/FTE", employer_cost_factor=1.0), "fte"),
        (nk.GrantAboveListLength(rate="1 NOK/patient/year", above="1 patient"), "listed_patients"),
        (nk.GrantAsIfList(as_if="700 patient", rate="1 NOK/patient/year"), "listed_patients"),
        (nk.Ratio(numerator="a", denominator="b", reports_in="x"), "a"),
        (nk.Ratio(numerator="a", denominator="b", reports_in="x"), "b"),
    ],
    ids=lambda v: v if isinstance(v, str) else v.kind,
)
def test_a_missing_input_names_the_rule(rule: nk.Rule, missing: str) -> None:
    given = {"fte": 1.0, "listed_patients": 10.0, "a": 1.0, "b": 2.0, "places": 3.0}
    del given[missing]
    labelled = type(rule).model_validate({**rule.model_dump(), "label": "R"})
    for call in (labelled.evaluate, labelled.explain):
        with pytest.raises(nk.NormkitError) as caught:
            call(given)
        assert caught.value.to_dict() == {
            "code": "rule.missing-input",
            "message": f"rule 'R' needs the input '{missing}', which was not given",
            "hint": f"inputs given: {', '.join(sorted(given))}",
        }


def test_a_grant_as_if_a_list_without_its_rate() -> None:
    grant = nk.GrantAsIfList(as_if="700 patient")
    assert grant.describe() == "an unknown rate for the patients a list lacks up to 700 patient"
    assert grant.covered_patients(600) == 100
    with pytest.raises(nk.NormkitError) as caught:
        grant.evaluate({"listed_patients": 600})
    assert caught.value.hint == (
        "supply it with .with_rate('… NOK/patient/year'); covered_patients() works without it"
    )


def test_a_comparison_names_the_attributes_it_was_given() -> None:
    rule = nk.Compare(attribute="gps", op=">=", value=5)
    with pytest.raises(nk.NormkitError) as caught:
        rule.evaluate({"inhabitants": 1, "lists": 2})
    assert caught.value.hint == "attributes given: inhabitants, lists"


def test_grants_at_the_list_length_limit_row_by_row() -> None:
    listed = {"listed_patients": np.array([799.0, 800.0, 801.0])}
    for counts in ("all", "above"):
        grant = nk.GrantAboveListLength(
            rate="330 NOK/patient/year", above="800 patient", counts=counts
        )
        rows = [grant.evaluate({"listed_patients": n}) for n in (799, 800, 801)]
        assert grant.evaluate_array(listed).tolist() == rows
        assert rows[1] == 0


def test_a_ratio_over_zero_is_nan_without_a_warning() -> None:
    import warnings

    ratio = nk.Ratio(numerator="a", denominator="b", per=10, reports_in="x")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = ratio.evaluate_array({"a": np.array([1.0, 0.0, 1.0]), "b": np.array([0.0, 0.0, 4.0])})
    assert np.isnan(got[:2]).all() and got[2] == 2.5


def test_a_threshold_alert_cites_its_source() -> None:
    rule = nk.Threshold(id="new-list", indicator="free", at_least=5, action="act", source=SOURCE)
    alert = rule.check(5)
    assert alert is not None and alert.source == SOURCE and alert.condition == "free ≥ 5"


def test_explanations_nest_their_parts_and_cite_sources() -> None:
    source = nk.Source(document="Plan", section="3.1")
    rule = nk.Sum(terms=[fixed(0.2), nk.Scale(rule=fixed(1), factor=2)], source=source)
    step = rule.explain({})
    assert [c.text for c in step.children] == ["fixed 0.2 FTE", "1 × 2 = 2 FTE"]
    assert [c.text for c in step.children[1].children] == ["fixed 1 FTE"]
    assert step.lines() == [
        "0.2 + 2 = 2.2 FTE",
        "  source: Plan, § 3.1",
        "  fixed 0.2 FTE",
        "  1 × 2 = 2 FTE",
        "    fixed 1 FTE",
    ]
    assert step.to_dict()["source"] == {"document": "Plan", "section": "3.1"}


def test_rate_and_sum_are_linear_and_others_are_not() -> None:
    assert LONG_TERM.linear_in() == ("places", pytest.approx(1 / 90))
    assert nk.Sum(terms=[LONG_TERM, LONG_TERM]).linear_in() == ("places", pytest.approx(2 / 90))
    assert nk.Scale(rule=LONG_TERM, factor=3).linear_in() == ("places", pytest.approx(3 / 90))
    assert nk.Sum(terms=[LONG_TERM, fixed(1)]).linear_in() is None
    per_inhabitant = nk.Rate(amount="1 FTE", per="100 inhabitant")
    assert nk.Sum(terms=[LONG_TERM, per_inhabitant]).linear_in() is None
    assert nk.Scale(rule=fixed(1), factor=3).linear_in() is None
    assert fixed(1).linear_in() is None
    cost = nk.FteCost(salary="800000 NOK/year/FTE", employer_cost_factor=1.25)
    assert cost.linear_in() == ("fte", 1_000_000)


def test_inputs_each_kind_reads() -> None:
    grant = nk.GrantAboveListLength(rate="1 NOK/patient/year", above="1 patient")
    assert grant.inputs() == frozenset({"listed_patients"})
    assert nk.GrantAsIfList(as_if="700 patient").inputs() == frozenset({"listed_patients"})
    assert nk.Sum(terms=[LONG_TERM, nk.Rate(amount="1 FTE", per="1 inhabitant")]).inputs() == {
        "places",
        "inhabitants",
    }
    assert fixed(1).inputs() == frozenset()
    assert nk.Sum(terms=[LONG_TERM, fixed(1)]).children() == (LONG_TERM, fixed(1))
    assert nk.Minimum(rules=[fixed(1)]).children() == (fixed(1),)
    junction = nk.AllOf(conditions=[nk.Compare(attribute="a", op="==", value=1)])
    assert junction.children() == (nk.Compare(attribute="a", op="==", value=1),)


ARRAY_KINDS = [
    LONG_TERM,
    fixed(0.7),
    nk.Sum(terms=[fixed(0.2), LONG_TERM]),
    nk.Scale(rule=LONG_TERM, factor=1.7),
    nk.Minimum(rules=[fixed(0.5), LONG_TERM]),
    nk.Maximum(rules=[fixed(0.5), LONG_TERM]),
    nk.Floor(rule=LONG_TERM, at_least="0.4 FTE"),
    nk.Round(rule=LONG_TERM, step="0.25 FTE", mode="nearest"),
    nk.Round(rule=LONG_TERM, step="0.25 FTE", mode="up"),
    nk.Round(rule=LONG_TERM, step="0.25 FTE", mode="down"),
    nk.GrantAboveListLength(rate="330 NOK/patient/year", above="800 patient"),
    nk.GrantAboveListLength(rate="330 NOK/patient/year", above="800 patient", counts="above"),
    nk.GrantAsIfList(as_if="700 patient", rate="500 NOK/patient/year"),
    nk.FteCost(salary="800000 NOK/year/FTE", employer_cost_factor=1.35),
    nk.Ratio(numerator="fte", denominator="places", per=100, reports_in="x"),
]


@pytest.mark.parametrize("rule", ARRAY_KINDS, ids=lambda r: r.kind)
@given(
    rows=st.lists(
        st.tuples(st.integers(0, 3000), st.integers(0, 3000), st.integers(0, 50)),
        min_size=1,
        max_size=8,
    )
)
def test_the_vectorised_value_is_the_value_of_each_row(
    rule: nk.Rule, rows: list[tuple[int, int, int]]
) -> None:
    arrays = {
        "places": np.array([float(r[0]) for r in rows]),
        "listed_patients": np.array([float(r[1]) for r in rows]),
        "fte": np.array([r[2] / 10 for r in rows]),
    }
    got = rule.evaluate_array(arrays)
    for i, (places, listed, tenths) in enumerate(rows):
        one = {"places": places, "listed_patients": listed, "fte": tenths / 10}
        if rule.kind == "ratio" and places == 0:
            assert np.isnan(got[i])
            continue
        assert got[i] == pytest.approx(rule.evaluate(one), rel=1e-12, abs=1e-9)


class Doubling(nk.Rule):
    """A plugin kind without evaluate_array or describe of its own."""

    kind: Literal["doubling"] = "doubling"
    by: float = 2.0
    steps: tuple[int, ...] = (1, 2)
    cap: float | None = None

    def inputs(self) -> frozenset[str]:
        return frozenset({"places"})

    def evaluate(self, inputs: Inputs) -> float:
        return float(inputs["places"]) * self.by

    def explain(self, inputs: Inputs) -> Step:
        return Step("doubled", self.evaluate(inputs), "FTE", self.kind)


def test_a_plugin_kind_gets_a_vectorised_value_and_words_by_default() -> None:
    rule = Doubling(by=3.0, label="triple")
    assert rule.evaluate_array({"places": np.array([1.0, 2.0])}).tolist() == [3.0, 6.0]
    assert rule.describe() == "doubling(by=3.0, steps=[1, 2])"
    cited = Doubling(by=3.0, source=nk.Source(document="d"), cap=9.0)
    assert cited.describe() == "doubling(by=3.0, steps=[1, 2], cap=9.0)"
    assert rule.title() == "triple" and Doubling().title() == "doubling"
    assert rule.linear_in() is None and rule.children() == ()
    assert rule.output_unit() == "FTE"


class Constant(nk.Rule):
    """A plugin kind that reads no input and answers with a whole number."""

    kind: Literal["constant"] = "constant"

    def evaluate(self, inputs: Inputs) -> float:
        return 2  # type: ignore[return-value]  # a plugin may well return an int

    def explain(self, inputs: Inputs) -> Step:
        return Step("two", 2.0, "FTE", self.kind)


def test_a_rule_without_inputs_gives_one_row() -> None:
    got = Constant().evaluate_array({})
    assert got.tolist() == [2.0] and got.dtype == np.float64
    assert fixed(0.7).evaluate_array({}).tolist() == [0.7]
    assert fixed(0.7).evaluate_array({"places": np.zeros(3)}).tolist() == [0.7] * 3


def test_quantities_print_as_written_or_as_a_number_and_unit() -> None:
    assert str(nk.Q.parse("  1.5   hour/week ")) == "1.5 hour/week"
    assert str(nk.Q(1.0, "FTE")) == "1 FTE"
    assert str(nk.Q(0.25, "FTE")) == "0.25 FTE"
    assert str(nk.Q(1e-5, "FTE")) == "1e-05 FTE"
    assert str(nk.Q(1_000_000.0, "NOK/year")) == "1000000 NOK/year"


def test_equal_norm_sets_hash_alike() -> None:
    source = nk.Source(document="d")
    a = nk.NormSet(id="x", title="t", source=source, needs=())
    b = nk.NormSet(id="x", title="other title", source=source)
    assert a != b and hash(a) == hash(b)  # equal id and validity, different content
    assert hash(a) != hash(nk.NormSet(id="y", title="t", source=source))


def test_what_an_override_applies_to() -> None:
    def scope(**target: Any) -> str:
        return nk.Override(id="o", rule=fixed(1), reason="r", **target).scope()

    assert scope() == "all units"
    assert scope(bed_types=("long_term", "short_term")) == "long_term/short_term"
    assert scope(facility="Home", unit="A", bed_types=("palliative",)) == "Home › A › palliative"


def test_a_comparison_with_text_or_a_number() -> None:
    assert nk.Compare(attribute="role", op="==", value="specialist").decide({"role": "specialist"})
    with pytest.raises(nk.NormkitError) as caught:
        nk.Compare(attribute="a", op=">=", value=float("inf"))
    assert caught.value.to_dict() == {
        "code": "field.invalid",
        "message": "the value to compare with must be a finite number, got inf",
        "field": "value",
    }


def test_nouns_in_the_plural() -> None:
    from normkit.rules.rate import plural

    assert [plural("place", n) for n in (0, 1, 2, 1.5)] == ["places", "place", "places", "places"]
    assert plural("hours", 2) == "hours"  # already plural


def test_a_kind_without_a_name_is_refused() -> None:
    from normkit.rules import kind_of

    class Nameless(nk.Rule):
        kind: str  # no default: the kind has no name to be written with

        def evaluate(self, inputs: Inputs) -> float:
            return 0.0

        def explain(self, inputs: Inputs) -> Step:
            return Step("", 0.0, "FTE", "")

    with pytest.raises(TypeError, match=r"^Nameless must give 'kind' a string default$"):
        kind_of(Nameless)


def test_money_amounts_may_be_zero_or_a_fraction_but_not_negative() -> None:
    # A grant with no threshold (above 0) or a salary of 0.5 NOK is odd but valid.
    grant = nk.GrantAboveListLength(rate="0.5 NOK/patient/year", above="0 patient")
    assert grant.evaluate({"listed_patients": 10}) == 5.0
    assert nk.FteCost(salary="0 NOK/year/FTE", employer_cost_factor=1.0).evaluate({"fte": 2}) == 0
    with pytest.raises(nk.NormkitError) as caught:
        nk.FteCost(salary="-1 NOK/year/FTE", employer_cost_factor=1.0)
    assert caught.value.to_dict() == {
        "code": "rule.negative",
        "message": "'salary' must not be negative, got '-1 NOK/year/FTE'",
        "field": "salary",
    }


def test_a_rate_explains_one_place_in_the_singular() -> None:
    rule = nk.Rate(amount="1 FTE", per="90 place")
    assert rule.explain({"places": 1}).text == "1 place × 1 FTE per 90 places = 0.01 FTE"
    assert rule.explain({"places": 2}).text == "2 places × 1 FTE per 90 places = 0.02 FTE"


def test_a_figure_that_is_not_known_is_written_unknown() -> None:
    from normkit.rules.base import fmt

    assert fmt(None) == "unknown"
    assert fmt(None, "FTE") == "unknown"
