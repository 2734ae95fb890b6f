"""Explanations a planner reads for one unit: the need, what it replaced, the override.

Each test builds a small norm set, assesses one facility and asserts the
explanation whole (text, value, unit, rule, source, parts), so a change in
what `--explain` shows is a decision, not an accident.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

import pytest

import normkit as nk
from normkit.normset import resolve
from normkit.rules.base import Inputs, Step

AT = dt.date(2020, 6, 1)
PLAN = nk.Source(document="Plan", section="3.1")
DECISION = nk.Source(document="Vedtak", section="2")


def normset(nid: str, **content: Any) -> nk.NormSet:
    return nk.NormSet(id=nid, title=nid, source=PLAN, **content)


def one_unit(bed_type: str = "long_term", beds: int = 90) -> nk.Inventory:
    return nk.Inventory.model_validate(
        {
            "facilities": [
                {"name": "Home", "units": [{"name": "A", "bed_type": bed_type, "beds": beds}]}
            ]
        }
    )


def explain(top: nk.NormSet, *parents: nk.NormSet, **inventory: Any) -> dict[str, Any]:
    by_id = {n.id: n for n in (top, *parents)}
    resolved = resolve(top, AT, lambda i, _: by_id[i])
    (unit,) = nk.assess(one_unit(**inventory), resolved).units
    assert unit.explanation is not None
    return unit.explanation


PER_90 = nk.Rate(amount="1 FTE", per="90 place")
PER_60 = nk.Rate(amount="1 FTE", per="60 place")
BASE = normset("base", needs=(nk.Need(id="lt", bed_types=("long_term",), rule=PER_90),))


def test_a_need_that_replaces_an_inherited_one_shows_both() -> None:
    child = normset(
        "child",
        extends="base",
        needs=(
            nk.Need(
                id="lt",
                label="long-term, local",
                bed_types=("long_term",),
                rule=PER_60,
                reason="more frail residents",
                source=DECISION,
            ),
        ),
    )
    assert explain(child, BASE) == {
        "text": "long-term, local [child]: 90 places × 1 FTE per 60 places = 1.5 FTE",
        "value": 1.5,
        "unit": "FTE",
        "rule": "lt",
        "source": {"document": "Vedtak", "section": "2"},
        "children": [
            {
                "text": "replaces 'lt' of 'base': 90 places × 1 FTE per 90 places = 1 FTE "
                "(reason: more frail residents)",
                "value": 1.0,
                "unit": "FTE",
                "rule": "lt",
            }
        ],
    }


def test_a_floor_shows_the_rate_and_places_beneath_it_on_both_sides() -> None:
    """A floor's own line gives only max(0.13, 0.2): the rate it raises, with the unit's
    places, is the step beneath it, in the need and in the need it replaces."""
    hours = nk.Rate(amount="2 hour/week", per="1 place", fte_basis="30 hour/week/FTE")
    floor = nk.Floor(at_least="0.2 FTE", rule=hours)
    base = normset("base", needs=(nk.Need(id="st", bed_types=("short_term",), rule=floor),))
    child = normset(
        "child",
        extends="base",
        needs=(
            nk.Need(
                id="st",
                bed_types=("short_term",),
                rule=nk.Floor(at_least="0.3 FTE", rule=hours),
                reason="stays are short",
            ),
        ),
    )
    top = explain(child, base, bed_type="short_term", beds=2)
    rate = {
        "text": "2 places × 2 hour/week per place = 4 hour/week ÷ 30 hour/week/FTE = 0.13 FTE",
        "value": pytest.approx(4 / 30),
        "unit": "FTE",
        "rule": "rate",
    }
    assert top["text"] == "st [child]: at least 0.3 FTE: max(0.13, 0.3) = 0.3 FTE"
    assert top["children"] == [
        rate,
        {
            "text": "replaces 'st' of 'base': at least 0.2 FTE: max(0.13, 0.2) = 0.2 FTE "
            "(reason: stays are short)",
            "value": 0.2,
            "unit": "FTE",
            "rule": "st",
            "children": [rate],
        },
    ]


def test_an_inherited_need_names_the_decision_that_adopted_it() -> None:
    """Who adopted the figure, and when: the municipality's decision to follow the norm
    it extends, for a need it inherits; none for a need of its own."""
    child = normset(
        "child",
        extends="base",
        extends_decision=DECISION,
        needs=(nk.Need(id="st", bed_types=("short_term",), rule=PER_60),),
    )
    inherited = explain(child, BASE)
    assert inherited["text"] == "lt [base]: 90 places × 1 FTE per 90 places = 1 FTE"
    assert inherited["children"] == [
        {
            "text": "'child' adopts 'base'",
            "value": None,
            "unit": "FTE",
            "rule": "extends",
            "source": {"document": "Vedtak", "section": "2"},
        }
    ]
    assert "children" not in explain(child, BASE, bed_type="short_term", beds=60)


def test_a_need_that_replaces_a_decision_of_no_norm() -> None:
    decided = normset(
        "base",
        needs=(
            nk.Need(
                id="kad",
                bed_types=("municipal_acute",),
                no_norm=True,
                reason="no norm for KAD beds",
                source=DECISION,
            ),
        ),
    )
    child = normset(
        "child",
        extends="base",
        needs=(
            nk.Need(
                id="kad",
                bed_types=("municipal_acute",),
                rule=nk.Rate(amount="1 FTE", per="8 place"),
                reason="a local norm after all",
            ),
        ),
    )
    explanation = explain(child, decided, bed_type="municipal_acute", beds=8)
    assert explanation["source"] == {"document": "Plan", "section": "3.1"}  # the set's own
    assert explanation["children"] == [
        {
            "text": "replaces 'kad' of 'base': kad [base]: no norm, by decision: no norm for KAD "
            "beds (reason: a local norm after all)",
            "value": None,
            "unit": "FTE",
            "rule": "kad",
            "source": {"document": "Vedtak", "section": "2"},
        }
    ]


def test_an_override_shows_what_it_adopts_and_the_pure_norm_beneath() -> None:
    adopted = normset(
        "adopted",
        extends="base",
        overrides=(
            nk.Override(
                id="home",
                facility="Home",
                rule=nk.Rate(amount="1 FTE", per="45 place"),
                reason="the plan's decision",
                source=DECISION,
            ),
        ),
    )
    explanation = explain(adopted, BASE)
    assert {k: v for k, v in explanation.items() if k != "children"} == {
        "text": "adopted 2 FTE by override 'home' [adopted] (pure norm 1 FTE): the plan's decision",
        "value": 2.0,
        "unit": "FTE",
        "rule": "home",
        "source": {"document": "Vedtak", "section": "2"},
    }
    assert [c["text"] for c in explanation["children"]] == [
        "90 places × 1 FTE per 45 places = 2 FTE",
        "lt [base]: 90 places × 1 FTE per 90 places = 1 FTE",
    ]


def test_an_override_of_zero_on_a_unit_without_a_norm() -> None:
    zero = normset(
        "zero",
        extends="base",
        overrides=(
            nk.Override(
                id="none-here",
                facility="Home",
                rule=nk.Fixed(amount="0 FTE"),
                reason="covered by the hospital",
            ),
        ),
    )
    explanation = explain(zero, BASE, bed_type="respite", beds=4)
    assert explanation["text"] == (
        "adopted 0 FTE by override 'none-here' [zero] (no norm for this unit): "
        "covered by the hospital"
    )
    assert explanation["value"] == 0.0
    assert [c["text"] for c in explanation["children"]] == ["fixed 0 FTE"]


class ExplainsBadly(nk.Rule):
    """A plugin kind whose figure is fine but whose explanation raises."""

    kind: Literal["explains_badly"] = "explains_badly"

    def inputs(self) -> frozenset[str]:
        return frozenset({"places"})

    def evaluate(self, inputs: Inputs) -> float:
        return 1.0

    def explain(self, inputs: Inputs) -> Step:
        raise ValueError("no words")


@pytest.mark.parametrize("where", ["need", "replaced", "override"])
def test_a_kind_that_fails_to_explain_is_named_with_the_unit(where: str) -> None:
    bad = ExplainsBadly()
    parent = normset(
        "base",
        needs=(
            nk.Need(id="lt", bed_types=("long_term",), rule=bad if where == "replaced" else PER_90),
        ),
    )
    child = normset(
        "child",
        extends="base",
        needs=(
            nk.Need(
                id="lt",
                bed_types=("long_term",),
                rule=bad if where == "need" else PER_60,
                reason="local",
            ),
        ),
        overrides=(
            (nk.Override(id="o", facility="Home", rule=bad, reason="r"),)
            if where == "override"
            else ()
        ),
    )
    with pytest.raises(nk.NormkitError) as caught:
        explain(child, parent)
    assert caught.value.to_dict() == {
        "code": "rule.failed",
        "message": "rule kind 'explains_badly' failed to explain Home › A: ValueError: no words",
    }


def test_a_kind_that_fails_to_explain_a_facility_override_is_named_with_the_row() -> None:
    lead = normset(
        "lead",
        needs=(nk.Need(id="lead", facility="Home", rule=nk.Fixed(amount="0.2 FTE")),),
        overrides=(
            nk.Override(id="o", facility="Home", replaces="lead", rule=ExplainsBadly(), reason="r"),
        ),
    )
    inventory = nk.Inventory.model_validate(
        {
            "facilities": [
                {"name": "Home", "units": [{"name": "A", "bed_type": "respite", "beds": 3}]}
            ]
        }
    )
    resolved = resolve(lead, AT, lambda *_: lead)
    assert nk.assess(inventory, resolved, explain=False).totals.required_fte == 1.0
    with pytest.raises(nk.NormkitError) as caught:
        nk.assess(inventory, resolved)
    assert caught.value.to_dict() == {
        "code": "rule.failed",
        "message": "rule kind 'explains_badly' failed to explain Home › lead: ValueError: no words",
    }


def test_show_says_which_need_an_override_takes_the_place_of() -> None:
    """'targets: Fjordheim' read as the whole home getting 0.5 FTE a unit; the override
    replaces the long-term need, so it applies to long-term units only."""
    from normkit.show import sections

    child = normset(
        "child",
        extends="base",
        overrides=(
            nk.Override(
                id="far",
                facility="Fjordheim",
                replaces="lt",
                rule=nk.Fixed(amount="0.5 FTE"),
                reason="far from the centre",
            ),
            nk.Override(
                id="kad", facility="Fjordheim", rule=nk.Fixed(amount="1 FTE"), reason="KAD"
            ),
        ),
    )
    resolved = resolve(child, AT, lambda i, _: BASE)
    ((_, headers, rows),) = [s for s in sections(resolved, {}) if s[0].startswith("Overrides")]
    targets = {row[0]: row[headers.index("Targets")] for row in rows}
    assert targets == {"far": "Fjordheim, in place of need 'lt' (long_term)", "kad": "Fjordheim"}
