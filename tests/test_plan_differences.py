"""Differences a planner reads: a run beside its baseline, two norm sets side by side, KOSTRA.

Each side's figure is kept, and a missing one says which side lacks it and
why. Figures are worked out here from the national norm's rates (one FTE
per 90 long-term and per 20 short-term places) and the changes' own numbers.
"""

from __future__ import annotations

import datetime as dt

import pytest

import normkit
from normkit.planning.compare import compare_assessments

Y2021 = dt.date(2021, 1, 1)
LONG_TERM, SHORT_TERM = 90, 20  # places per FTE in the national norm


def _homes() -> normkit.Inventory:
    """Three homes, each with staffing; none of them changes in the scenarios below but B."""
    return normkit.Inventory.model_validate(
        {
            "facilities": [
                {
                    "name": name,
                    "units": [{"name": f"{name}1", "bed_type": "long_term", "beds": beds}],
                    "staffing": 0.5,
                }
                for name, beds in (("A", 90), ("B", 45), ("C", 180))
            ]
        }
    )


def _scenario(**changes: object) -> normkit.Scenario:
    return normkit.Scenario.model_validate({"id": "s", "title": "t", **changes})


def _is(
    difference: normkit.Difference,
    base: float | None,
    scenario: float | None,
    change: float | None,
    reason: str | None,
) -> None:
    """Each side's figure and the difference (as pytest.approx compares floats), and the reason."""
    assert difference.model_dump() == {
        "base": None if base is None else pytest.approx(base),
        "scenario": None if scenario is None else pytest.approx(scenario),
        "difference": None if change is None else pytest.approx(change),
        "reason": reason,
    }


NEW_HOME = {"kind": "add_unit", "valid_from": "2021-01-01", "facility": "New", "unit": "N1"}


def test_each_facility_that_differs_is_listed_after_one_that_does_not() -> None:
    """A is the same on both sides and is left out; B (more staffing) and a new home are
    listed, each side's figure kept: the new home has no base figure, as it is not open."""
    s = _scenario(
        changes=[
            {"kind": "add_staffing", "valid_from": "2021-01-01", "facility": "B", "fte": 0.25},
            {**NEW_HOME, "bed_type": "short_term", "beds": 10},
        ]
    )
    kit = normkit.Kit(autoload=False)
    (period,) = kit.plan(_homes(), "national", [Y2021], [s]).differences[0].periods
    rows = {f.facility: f for f in period.facilities}
    assert list(rows) == ["B", "New"]
    _is(rows["B"].staffed_fte, 0.5, 0.75, 0.25, None)
    assert rows["B"].gap_fte.difference == pytest.approx(-0.25)
    new = rows["New"]
    _is(new.required_fte, None, 10 / SHORT_TERM, None, "base: the facility is not open then")
    assert new.staffed_fte.reason == (
        "base: the facility is not open then; s: no staffing recorded"
    )
    assert new.gap_fte.reason == "base: the facility is not open then; s: no gap known"


def test_beside_a_baseline_scenario_the_base_lacks_what_it_adds() -> None:
    """With the scenario as the baseline, the base is the run set beside it: the new home
    and the price of an FTE are the baseline's only, each kept with why the base lacks it."""
    s = _scenario(
        changes=[
            {**NEW_HOME, "bed_type": "long_term", "beds": 90},
            {"kind": "add_staffing", "valid_from": "2021-01-01", "facility": "New", "fte": 0.5},
            {
                "kind": "fte_cost",
                "valid_from": "2021-01-01",
                "salary": "1000 NOK/year/FTE",
                "employer_cost_factor": 1,
            },
        ]
    )
    kit = normkit.Kit(autoload=False)
    plan = kit.plan(_homes(), "national", [Y2021], [s], baseline="s")
    (difference,) = plan.differences
    assert (difference.scenario, difference.against) == ("base", "s")
    (period,) = difference.periods
    (new,) = period.facilities
    assert new.facility == "New"
    _is(new.required_fte, 90 / LONG_TERM, None, None, "base: the facility is not open then")
    # need 1 + 0.5 + 2 + 1 FTE, staffed 4 × 0.5: a gap of 2.5 FTE at 1 000 NOK a year each
    _is(
        period.gap_cost_nok_per_year,
        2500,
        None,
        None,
        "base: norm set 'national' gives no price of an FTE (fte_cost)",
    )


def test_a_unit_difference_keeps_both_sides_staffing_and_names_the_side_without_a_norm() -> None:
    base = normkit.Inventory.model_validate(
        {
            "facilities": [
                {
                    "name": "H",
                    "units": [{"name": "R", "bed_type": "respite", "beds": 9, "staffing": 0.2}],
                }
            ]
        }
    )
    s = _scenario(
        changes=[
            {
                "kind": "convert_unit",
                "valid_from": "2021-01-01",
                "facility": "H",
                "unit": "R",
                "bed_type": "long_term",
            },
            {
                "kind": "set_staffing",
                "valid_from": "2021-01-01",
                "facility": "H",
                "unit": "R",
                "fte": 0.3,
            },
        ]
    )
    kit = normkit.Kit(autoload=False)
    (period,) = kit.plan(base, "national", [Y2021], [s]).differences[0].periods
    (unit,) = period.units
    _is(unit.staffed_fte, 0.2, 0.3, 0.1, None)
    assert unit.reason.startswith("not comparable: base: no norm: 'national' has no rule")
    assert (unit.required_fte.base, unit.required_fte.scenario) == (None, pytest.approx(0.1))


def test_a_total_of_no_units_says_so() -> None:
    s = _scenario(changes=[{**NEW_HOME, "bed_type": "long_term", "beds": 90}])
    kit = normkit.Kit(autoload=False)
    (period,) = kit.plan(normkit.Inventory(), "national", [Y2021], [s]).differences[0].periods
    _is(period.norm_fte, None, 1.0, None, "base: no units on this date")


def _priced(normset_id: str, salary: int, needs: list[dict[str, object]]) -> normkit.NormSet:
    return normkit.NormSet.model_validate(
        {
            "id": normset_id,
            "title": "t",
            "extends": "national",
            "source": {"document": "d"},
            "needs": needs,
            "fte_cost": {
                "kind": "fte_cost",
                "salary": f"{salary} NOK/year/FTE",
                "employer_cost_factor": 1,
            },
        }
    )


RESPITE_NEED = {
    "id": "respite",
    "bed_types": ["respite"],
    "rule": {
        "kind": "rate",
        "amount": "1 hour/week",
        "per": "1 place",
        "fte_basis": "30 hour/week/FTE",
    },
}


def test_two_norm_sets_side_by_side_price_the_gap_and_name_every_unit_one_leaves_out() -> None:
    """H needs 1 FTE (90 long-term places) and has 0.5: a gap of 0.5 FTE, priced at 1 000
    and at 2 000 NOK a year. R's respite places have a norm on the right only (and no
    staffing, so no gap): both its units are named in the note."""
    inventory = normkit.Inventory.model_validate(
        {
            "facilities": [
                {
                    "name": "H",
                    "units": [{"name": "L", "bed_type": "long_term", "beds": 90}],
                    "staffing": 0.5,
                },
                {
                    "name": "R",
                    "units": [
                        {"name": "R1", "bed_type": "respite", "beds": 15},
                        {"name": "R2", "bed_type": "respite", "beds": 15},
                    ],
                },
            ]
        }
    )
    kit = normkit.Kit(autoload=False)
    left, right = _priced("plain", 1000, []), _priced("with-respite", 2000, [RESPITE_NEED])
    comparison = kit.compare_normsets(inventory, left, right, Y2021)
    assert comparison.totals.gap_cost_difference_nok_per_year == pytest.approx(1000 - 500)
    assert (
        "plain has no figure for 30 places in 2 unit(s) that with-respite gives one for "
        "(R › R1, R › R2)"
    ) in " ".join(comparison.notes)


def test_kostra_counts_a_staffed_facility_without_units_as_no_residents() -> None:
    """A facility with staffing and no units (a medical lead's post, say) adds its hours
    and no residents; the note says places stand for residents."""
    inventory = normkit.Inventory.model_validate(
        {
            "facilities": [
                {
                    "name": "A",
                    "units": [{"name": "L", "bed_type": "long_term", "beds": 30}],
                    "staffing": 0.4,
                },
                {"name": "Lead", "staffing": 0.2},
            ]
        }
    )
    kit = normkit.Kit(autoload=False)
    result = kit.kostra(inventory, dt.date(2024, 1, 1))
    assert result.value == pytest.approx((0.4 + 0.2) * 37.5 / 30)
    assert (
        "places are taken as residents, as in full homes; state the figure 'residents' for "
        "the real count"
    ) in result.notes


def test_measures_paid_per_gp_list_without_lists_are_each_named() -> None:
    per_list = {
        "kind": "grant_above_list_length",
        "rate": "330 NOK/patient/year",
        "above": "800 patient",
    }
    s = _scenario(
        changes=[
            {
                "kind": "measure",
                "id": m,
                "type": "cost",
                "valid_from": "2024-01-01",
                "per_list": per_list,
            }
            for m in ("first", "second")
        ]
    )
    kit = normkit.Kit(autoload=False)
    (period,) = (
        kit.plan(normkit.Inventory(), "national", [dt.date(2024, 1, 1)], [s]).differences[0].periods
    )
    assert period.measures_cost_nok_per_year.reason == (
        "s: measure(s) first, second paid per GP list, and no GP list is in force"
    )


def test_norm_sets_whose_totals_cannot_be_compared_say_so_and_name_each_need() -> None:
    """Only respite places: the plain side has no need at all, so no difference of totals;
    a unit of no places counts as none; the other side's two facility-level needs are
    both named."""
    leads = [
        {
            "id": need,
            "label": need,
            "facility": "R",
            "rule": {"kind": "fixed", "amount": "0.1 FTE"},
            "adopted": True,
            "reason": "r",
        }
        for need in ("lead", "deputy")
    ]
    inventory = normkit.Inventory.model_validate(
        {
            "facilities": [
                {
                    "name": "R",
                    "units": [
                        {"name": "R1", "bed_type": "respite", "beds": 15},
                        {"name": "R2", "bed_type": "respite", "beds": 15},
                        {"name": "R3", "bed_type": "respite", "beds": 0},  # closed for now
                    ],
                }
            ]
        }
    )
    kit = normkit.Kit(autoload=False)
    left, right = _priced("plain", 1000, []), _priced("led", 1000, [RESPITE_NEED, *leads])
    comparison = kit.compare_normsets(inventory, left, right, Y2021)
    assert comparison.totals.difference_fte is None
    assert comparison.notes == [
        "plain has no figure for 30 places in 3 unit(s) that led gives one for (R › R1, R › R2, "
        "R › R3): the totals cannot be compared",
        "only led has the facility-level need(s) R › lead, R › deputy: led's total includes them",
    ]


def test_assessments_of_two_inventories_are_refused_with_what_to_do() -> None:
    kit = normkit.Kit(autoload=False)
    unit = {"name": "L", "bed_type": "long_term", "beds": 9}
    inventory = normkit.Inventory.model_validate({"facilities": [{"name": "H", "units": [unit]}]})
    one = kit.assess(inventory, "national", Y2021)
    with pytest.raises(normkit.NormkitError) as caught:
        compare_assessments(one, one.model_copy(update={"inventory": "other"}))
    assert caught.value.code == "compare.different-inventories"
    assert caught.value.hint == "assess one inventory with both norm sets, then compare"
