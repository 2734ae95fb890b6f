"""Bergen's figures through the installed plugin."""

from __future__ import annotations

import datetime as dt

import pytest

import normkit
from normkit.rules import GrantAsIfList

AT = dt.date(2024, 1, 29)


@pytest.fixture(scope="module")
def kit() -> normkit.Kit:
    return normkit.Kit(allow=["bergen"])


def test_gp_fte_shows_both_figures(kit: normkit.Kit) -> None:
    (figure,) = kit.resolve("bergen-gp", AT).figure_results()
    assert figure.computed == pytest.approx(256 * 56 / 37.5)
    assert round(figure.computed) == 382
    assert figure.stated == 384


@pytest.mark.parametrize(("listed", "covered"), [(450, 250), (0, 700), (700, 0), (701, 0)])
def test_operating_grant_as_if_700(kit: normkit.Kit, listed: int, covered: int) -> None:
    grant = kit.resolve("bergen-gp", AT).rule("operating_grant")
    assert isinstance(grant, GrantAsIfList)
    assert grant.covered_patients(listed) == covered
    with pytest.raises(ValueError, match=r"rate of .* is unknown"):
        grant.evaluate({"listed_patients": listed})
    # The rate is a parameter the plan leaves out: with one, the grant follows.
    rate = 500
    assert (
        grant.with_rate(f"{rate} NOK/patient/year").evaluate({"listed_patients": listed})
        == covered * rate
    )


def test_capacity_status(kit: normkit.Kit) -> None:
    inventory = kit.load_inventory(kit.example("bergen-gp-capacity-2024")[1])
    result = kit.assess(inventory, "bergen-gp", AT)
    assert result.indicators["free_list_places"] == 494
    assert result.indicators["vacant_lists"] == 14
    assert result.indicators["vacant_lists_served_by_locums"] == 14
    assert result.indicators["gp_fte"] == pytest.approx(382.29, abs=0.01)


def test_gp_centres_of_at_least_6(kit: normkit.Kit) -> None:
    # Test centres, not from the deck (it names none).
    inventory = normkit.Inventory(
        gp_centres=(
            normkit.inventory.GPCentre(name="Small", gps=4),
            normkit.inventory.GPCentre(name="Six", gps=6),
            normkit.inventory.GPCentre(name="Nine", gps=9),
        )
    )
    alerts = kit.assess(inventory, "bergen-gp", AT).alerts
    assert [a.message for a in alerts] == [
        "Small: smaller than the large centres of 6–9 GPs the strategy wants in every city area"
    ]
