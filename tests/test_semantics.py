"""The semantics a plan's figures depend on, each pinned by a test that fails when it breaks.

Precedence of overrides (unit > facility > bed type; the extending norm set
wins; a tie is a conflict), of needs (facility-specific over general),
extension order, rounding at its halfway points, validity at its edges, and
whole months across month ends.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest

import normkit
from normkit import Fixed, Need, NormSet, Override, Round, Source
from normkit.conditions import whole_months
from normkit.normset import resolve
from normkit.validity import Validity

AT = dt.date(2020, 6, 1)
SOURCE = Source(document="test")


def fixed(fte: float) -> Fixed:
    return Fixed(amount=f"{fte} FTE")


def override(oid: str, fte: float, **target: Any) -> Override:
    return Override(id=oid, rule=fixed(fte), reason=f"reason {oid}", **target)


def normset(nid: str = "base", **content: Any) -> NormSet:
    return NormSet(id=nid, title=nid, source=SOURCE, valid_from=dt.date(2020, 1, 1), **content)


def inventory() -> normkit.Inventory:
    return normkit.Inventory.model_validate(
        {
            "facilities": [
                {
                    "name": "Home",
                    "units": [
                        {"name": "A", "bed_type": "long_term", "beds": 90},
                        {"name": "B", "bed_type": "long_term", "beds": 90},
                    ],
                },
                {"name": "Other", "units": [{"name": "A", "bed_type": "long_term", "beds": 90}]},
            ]
        }
    )


def required(result: normkit.Assessment) -> dict[tuple[str, str], float | None]:
    return {(u.facility, u.unit): u.required_fte for u in result.units}


BASE_NEED = Need(id="long_term", bed_types=("long_term",), rule=fixed(1.0))


def assess(*versions: NormSet) -> normkit.Assessment:
    by_id = {v.id: v for v in versions}
    resolved = resolve(versions[-1], AT, lambda i, _: by_id[i])
    return normkit.assess(inventory(), resolved)


# -- overrides -------------------------------------------------------------


def test_override_precedence_unit_over_facility_over_bed_type() -> None:
    result = assess(
        normset(
            needs=(BASE_NEED,),
            overrides=(
                override("everywhere", 9.0),
                override("by-bed-type", 2.0, bed_types=("long_term",)),
                override("by-facility", 3.0, facility="Home"),
                override("by-unit", 4.0, facility="Home", unit="A"),
            ),
        )
    )
    assert required(result) == {
        ("Home", "A"): 4.0,  # the unit's own
        ("Home", "B"): 3.0,  # the facility's, over the bed type's
        ("Other", "A"): 2.0,  # the bed type's, over everywhere
    }
    chosen = {(u.facility, u.unit): u.override.id for u in result.units if u.override}
    assert chosen[("Other", "A")] == "by-bed-type"


def test_bed_type_override_beats_an_untargeted_one() -> None:
    result = assess(
        normset(
            needs=(BASE_NEED,),
            overrides=(override("everywhere", 9.0), override("lt", 2.0, bed_types=("long_term",))),
        )
    )
    assert set(required(result).values()) == {2.0}


def test_the_extending_norm_set_wins_at_equal_specificity() -> None:
    parent = normset("parent", needs=(BASE_NEED,), overrides=(override("p", 2.0, facility="Home"),))
    child = normset("child", extends="parent", overrides=(override("c", 5.0, facility="Home"),))
    assert required(assess(parent, child))[("Home", "B")] == 5.0
    # ... but a more specific override in the parent still beats the child's broader one.
    parent = normset(
        "parent", needs=(BASE_NEED,), overrides=(override("p", 2.0, facility="Home", unit="A"),)
    )
    result = assess(parent, child)
    assert required(result)[("Home", "A")] == 2.0 and required(result)[("Home", "B")] == 5.0


def test_a_tie_is_a_conflict_never_a_pick() -> None:
    tied = normset(
        needs=(BASE_NEED,),
        overrides=(override("x", 2.0, facility="Home"), override("y", 3.0, facility="Home")),
    )
    with pytest.raises(normkit.OverrideConflict) as caught:
        assess(tied)
    assert caught.value.code == "override.conflict"
    assert "overrides 'x' and 'y'" in caught.value.message
    resolved = resolve(tied, AT, lambda *_: tied)
    assert [c.code for c in resolved.conflicts()] == ["override.conflict"]


def test_a_bed_type_override_and_a_facility_wide_one_can_tie() -> None:
    # Both name the facility (same precedence); the one without bed types covers
    # long_term too, so a long_term unit there would meet both.
    tied = normset(
        needs=(BASE_NEED,),
        overrides=(
            override("x", 2.0, facility="Home", bed_types=("long_term",)),
            override("y", 3.0, facility="Home"),
        ),
    )
    assert [c.code for c in resolve(tied, AT, lambda *_: tied).conflicts()] == ["override.conflict"]


def test_overrides_for_other_units_are_not_a_tie() -> None:
    resolved = resolve(
        normset(
            needs=(BASE_NEED,),
            overrides=(
                override("a", 1.0, facility="Home", unit="A"),
                override("b", 1.0, facility="Home", unit="B"),
                override("c", 1.0, facility="Other"),
                override("d", 1.0, bed_types=("palliative",)),
                override("e", 1.0, bed_types=("long_term",)),
            ),
        ),
        AT,
        lambda *_: normset(),
    )
    assert resolved.conflicts() == []


# -- needs -----------------------------------------------------------------


@pytest.mark.parametrize("specific_first", [True, False])
def test_a_facility_specific_need_beats_a_general_one(specific_first: bool) -> None:
    specific = Need(id="home", bed_types=("long_term",), facility="Home", rule=fixed(7.0))
    needs = (specific, BASE_NEED) if specific_first else (BASE_NEED, specific)
    result = assess(normset(needs=needs))
    assert required(result) == {("Home", "A"): 7.0, ("Home", "B"): 7.0, ("Other", "A"): 1.0}


def test_a_general_need_of_a_child_does_not_beat_a_parents_specific_one() -> None:
    parent = normset(
        "parent",
        needs=(Need(id="home", bed_types=("long_term",), facility="Home", rule=fixed(7.0)),),
    )
    child = normset("child", extends="parent", needs=(BASE_NEED,))
    assert required(assess(parent, child))[("Home", "A")] == 7.0


def test_two_general_needs_for_one_bed_type_conflict() -> None:
    two = normset(
        needs=(BASE_NEED, Need(id="other", bed_types=("long_term", "palliative"), rule=fixed(2.0)))
    )
    with pytest.raises(normkit.NormSetError) as caught:
        assess(two)
    assert caught.value.code == "need.conflict"
    resolved = resolve(two, AT, lambda *_: two)
    assert [c.code for c in resolved.conflicts()] == ["need.conflict"]


def test_the_extending_set_replaces_a_need_by_id_and_keeps_the_old_one_visible() -> None:
    parent = normset("parent", needs=(BASE_NEED,))
    child = normset(
        "child",
        extends="parent",
        needs=(Need(id="long_term", bed_types=("long_term",), rule=fixed(3.0), reason="local"),),
    )
    result = assess(parent, child)
    assert set(required(result).values()) == {3.0}
    explanation = result.units[0].explanation
    assert explanation is not None
    assert "replaces 'long_term' of 'parent'" in explanation["children"][0]["text"]


def test_later_entries_of_the_extending_set_replace_inherited_ones() -> None:
    parameter = normkit.Parameter
    parent = normset("parent", parameters=(parameter(id="p", value="1 FTE", source=SOURCE),))
    child = normset(
        "child", extends="parent", parameters=(parameter(id="p", value="2 FTE", source=SOURCE),)
    )
    resolved = resolve(child, AT, lambda *_: parent)
    assert resolved.parameter("p").value is not None
    assert resolved.parameter("p").value.to("FTE") == 2
    assert [n.id for n in resolved.chain] == ["child", "parent"]


# -- rounding --------------------------------------------------------------


@pytest.mark.parametrize(
    ("mode", "value", "step", "expected"),
    [
        ("nearest", 1.25, "0.1 FTE", 1.3),  # halves up
        ("nearest", 1.35, "0.1 FTE", 1.4),
        ("nearest", 1.45, "0.1 FTE", 1.5),
        ("nearest", 0.05, "0.1 FTE", 0.1),
        ("nearest", 0.5, "1 FTE", 1.0),  # round() would give 0
        ("nearest", 2.5, "1 FTE", 3.0),  # round() would give 2
        ("nearest", 1.2499, "0.1 FTE", 1.2),
        ("nearest", 1.3, "0.1 FTE", 1.3),  # 1.3 / 0.1 is 13.000000000000002
        ("up", 1.21, "0.1 FTE", 1.3),
        ("up", 1.3, "0.1 FTE", 1.3),
        ("up", 0.0, "0.5 FTE", 0.0),
        ("down", 1.29, "0.1 FTE", 1.2),
        ("down", 1.3, "0.1 FTE", 1.3),
        ("nearest", 0.125, "0.25 FTE", 0.25),
    ],
)
def test_rounding_at_its_halfway_points(
    mode: str, value: float, step: str, expected: float
) -> None:
    rule = Round(rule=fixed(value), step=step, mode=mode)  # type: ignore[arg-type]
    assert rule.evaluate({}) == pytest.approx(expected, abs=1e-12)
    assert rule.explain({}).value == pytest.approx(expected, abs=1e-12)
    array = Round(
        rule=normkit.Rate(amount=f"{value} FTE", per="1 place"),
        step=step,
        mode=mode,  # type: ignore[arg-type]
    ).evaluate_array({"places": np.array([1.0])})
    assert array[0] == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize(
    ("mode", "value", "expected"),
    [
        # 5123 × 0.1 is 512.3000000000001: the result is cleaned to 12 decimals
        ("nearest", 512.3, 512.3),
        # 98765.4 / 0.1 is 987653.9999999999: the quotient is cleaned to 9
        # decimals first, or "down" would give 98765.3
        ("down", 98765.4, 98765.4),
    ],
)
def test_rounding_cleans_float_noise_the_same_way_per_unit_and_in_batch(
    mode: str, value: float, expected: float
) -> None:
    rule = Round(rule=fixed(value), step="0.1 FTE", mode=mode)  # type: ignore[arg-type]
    per_unit = rule.evaluate({})
    assert per_unit == pytest.approx(expected, rel=1e-15)
    if value < 1000:
        assert per_unit == expected  # exactly: no noise left in the last digits
    assert rule.evaluate_array({}).tolist() == [per_unit]


# -- validity --------------------------------------------------------------


def test_first_and_last_day_in_force() -> None:
    period = Validity(valid_from=dt.date(2020, 1, 1), valid_to=dt.date(2020, 3, 31))
    assert period.in_force(dt.date(2020, 1, 1)) and period.in_force(dt.date(2020, 3, 31))
    assert not period.in_force(dt.date(2019, 12, 31))
    assert not period.in_force(dt.date(2020, 4, 1))


def test_a_one_day_period() -> None:
    day = Validity(valid_from=dt.date(2020, 2, 29), valid_to=dt.date(2020, 2, 29))
    assert day.in_force(dt.date(2020, 2, 29))
    assert not day.in_force(dt.date(2020, 3, 1)) and not day.in_force(dt.date(2020, 2, 28))


def test_periods_that_touch_on_one_day_overlap_and_adjacent_ones_do_not() -> None:
    a = Validity(valid_from=dt.date(2020, 1, 1), valid_to=dt.date(2020, 12, 31))
    touching = Validity(valid_from=dt.date(2020, 12, 31))
    adjacent = Validity(valid_from=dt.date(2021, 1, 1))
    assert a.overlaps(touching) and touching.overlaps(a)
    assert not a.overlaps(adjacent) and not adjacent.overlaps(a)
    assert Validity().overlaps(a) and a.overlaps(Validity(valid_to=dt.date(2020, 1, 1)))
    assert not a.overlaps(Validity(valid_to=dt.date(2019, 12, 31)))


def test_staffing_ends_on_its_last_day() -> None:
    records = (normkit.Staffing(fte=0.4, valid_to=dt.date(2020, 3, 31)),)
    assert normkit.inventory.staffed_on(records, dt.date(2020, 3, 31)) == 0.4
    assert normkit.inventory.staffed_on(records, dt.date(2020, 4, 1)) == 0.0


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        ("2023-01-31", "2023-02-28", 1),  # the last day of a shorter month completes it
        ("2023-01-31", "2023-02-27", 0),
        ("2024-01-31", "2024-02-29", 1),  # leap year
        ("2024-01-31", "2024-02-28", 0),
        ("2023-03-31", "2023-04-30", 1),
        ("2023-03-30", "2023-04-29", 0),
        ("2023-12-15", "2024-12-15", 12),  # across a year end
        ("2023-12-15", "2024-12-14", 11),
        ("2023-05-15", "2023-05-15", 0),
    ],
)
def test_whole_months_across_month_ends(start: str, end: str, months: int) -> None:
    assert whole_months(dt.date.fromisoformat(start), dt.date.fromisoformat(end)) == months


# -- "no norm", by decision -------------------------------------------------


KAD_DECISION = Need(
    id="kad",
    bed_types=("municipal_acute",),
    no_norm=True,
    reason="no norm exists for KAD beds",
    source=Source(document="Plan", section="3.1.1"),
)


def kad_inventory() -> normkit.Inventory:
    return normkit.Inventory.model_validate(
        {
            "facilities": [
                {
                    "name": "Helsehuset",
                    "units": [
                        {"name": "KAD", "bed_type": "municipal_acute", "beds": 8},
                        {"name": "Long", "bed_type": "long_term", "beds": 90},
                    ],
                }
            ]
        }
    )


def test_no_norm_by_decision_is_reported_with_its_reason_and_source() -> None:
    decided = normset(needs=(BASE_NEED, KAD_DECISION))
    result = normkit.assess(kad_inventory(), resolve(decided, AT, lambda *_: decided))
    kad = result.units[0]
    assert (kad.status, kad.norm_fte, kad.required_fte) == ("no_norm", None, None)
    assert kad.note == "no norm, by decision: no norm exists for KAD beds (Plan, § 3.1.1)"
    assert kad.explanation == {
        "text": "kad [base]: no norm, by decision: no norm exists for KAD beds",
        "value": None,
        "unit": "FTE",
        "rule": "kad",
        "source": {"document": "Plan", "section": "3.1.1"},
    }
    assert result.totals.places_without_norm == 8 and result.totals.units_without_norm == 1
    assert result.totals.norm_fte == 1.0
    labelled = normset(needs=(BASE_NEED, Need(**{**KAD_DECISION.model_dump(), "label": "KAD"})))
    kad = normkit.assess(kad_inventory(), resolve(labelled, AT, lambda *_: labelled)).units[0]
    assert kad.explanation is not None
    assert (
        kad.explanation["text"] == "KAD [base]: no norm, by decision: no norm exists for KAD beds"
    )


def test_an_adopted_value_can_sit_on_a_decision_of_no_norm() -> None:
    decided = normset(
        needs=(BASE_NEED, KAD_DECISION),
        overrides=(override("kad-estimate", 1.0, facility="Helsehuset", replaces="kad"),),
    )
    result = normkit.assess(kad_inventory(), resolve(decided, AT, lambda *_: decided))
    kad = result.units[0]
    assert (kad.status, kad.norm_fte, kad.required_fte) == ("adopted", None, 1.0)
    assert "no norm, by decision" in (kad.note or "")
    assert result.totals.places_without_norm == 8


def test_a_decision_of_no_norm_needs_a_reason_and_a_source() -> None:
    with pytest.raises(normkit.NormSetError) as caught:
        Need(id="kad", bed_types=("municipal_acute",), no_norm=True, reason="because")
    assert caught.value.code == "need.no-norm"
    with pytest.raises(normkit.NormSetError):
        Need(id="kad", bed_types=("municipal_acute",), no_norm=True, source=SOURCE)
    with pytest.raises(normkit.NormSetError):
        Need(
            id="kad",
            bed_types=("municipal_acute",),
            no_norm=True,
            reason="r",
            source=SOURCE,
            rule=fixed(1.0),
        )


def test_the_batch_path_treats_a_decision_of_no_norm_as_no_norm() -> None:
    decided = normset(needs=(BASE_NEED, KAD_DECISION))
    result = normkit.assess_batch(
        resolve(decided, AT, lambda *_: decided), ["municipal_acute", "long_term"], [8, 90]
    )
    assert np.isnan(result.norm_fte[0]) and result.norm_fte[1] == 1.0
