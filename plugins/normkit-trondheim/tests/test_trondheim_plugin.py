"""Trondheim's measures through the installed plugin."""

from __future__ import annotations

import datetime as dt

import pytest

import normkit
from normkit.inventory import GPCentre, GPList
from normkit.testing import UNKNOWN, all_checks, assert_unit

pytestmark = pytest.mark.normkit_plugins("trondheim")

NOTICE = dt.date(2023, 5, 15)


def test_every_check_passes(normkit_kit: normkit.Kit) -> None:
    # normkit check, sources, need never falls, no negative FTE, figures and
    # explanations add up, JSON round trip.
    all_checks(normkit_kit, "trondheim-physicians", dt.date(2024, 2, 1), plugins=["trondheim"])


def alerts_on(kit: normkit.Kit, day: dt.date, **list_fields: object) -> list[str]:
    fields = {
        "id": "L-17",
        "cap": 1200,
        "listed": 950,
        "vacant": True,
        "notice_date": NOTICE,
        **list_fields,
    }
    inventory = normkit.Inventory(gp_lists=(GPList.model_validate(fields),))
    return [a.id for a in kit.assess(inventory, "trondheim-physicians", day).alerts]


def test_unsold_contract_alert_fires_at_12_months_not_a_day_before(
    normkit_kit: normkit.Kit,
) -> None:
    # "ikke solgt 12 måneder etter oppsigelse": 12 whole months after 2023-05-15.
    assert alerts_on(normkit_kit, dt.date(2024, 5, 14)) == []
    assert alerts_on(normkit_kit, dt.date(2024, 5, 15)) == ["unsold-contract-12-months"]
    assert alerts_on(normkit_kit, dt.date(2024, 5, 15), taken_over=dt.date(2024, 3, 1)) == []


def test_stimulus_grant_for_centres_growing_to_5(normkit_kit: normkit.Kit) -> None:
    inventory = normkit.Inventory(
        gp_centres=(
            GPCentre(name="Grew", gps=5, gps_previous=4),
            GPCentre(name="Still small", gps=4, gps_previous=3),
            GPCentre(name="Was large", gps=7, gps_previous=6),
            GPCentre(name="No history", gps=5),
            GPCentre(name="Small, no history", gps=3),
        )
    )
    result = normkit_kit.assess(inventory, "trondheim-physicians", dt.date(2024, 2, 1))
    assert [a.message for a in result.alerts] == [
        "Grew: small centre that has grown to at least 5 GPs"
    ]
    # Unknown history decides nothing for a centre of 5, but a centre of 3 is
    # not eligible whatever its history.
    undecided = [n for n in result.notes if "not decided" in n]
    assert len(undecided) == 1 and "gp_centre No history" in undecided[0]


def test_nursing_home_norm_is_unknown(normkit_kit: normkit.Kit) -> None:
    inventory = normkit.Inventory.model_validate(
        {
            "facilities": [
                {"name": "Home", "units": [{"name": "Long", "bed_type": "long_term", "beds": 40}]}
            ]
        }
    )
    result = normkit_kit.assess(inventory, "trondheim-physicians", dt.date(2024, 2, 1))
    assert_unit(result, "Long", norm=UNKNOWN, required=UNKNOWN, status="unknown")
    assert "tidligere vedtatt norm" in (result.units[0].note or "")
