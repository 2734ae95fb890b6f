"""Bergen's strategy through the installed plugin, recomputed from the deck's inputs."""

from __future__ import annotations

import datetime as dt

import pytest

import normkit
from normkit.rules import GrantAsIfList
from normkit.testing import all_checks, assess_example

pytestmark = pytest.mark.normkit_plugins("bergen")

AT = dt.date(2024, 1, 29)


def test_every_check_passes(normkit_kit: normkit.Kit) -> None:
    # normkit check, sources, need never falls, no negative FTE, figures and
    # explanations add up, JSON round trip.
    all_checks(normkit_kit, "bergen-gp", AT, plugins=["bergen"])


def test_gp_fte_shows_both_figures(normkit_kit: normkit.Kit) -> None:
    # "256 fastleger ≈ 384 årsverk, beregnet ut fra 56 timer/uke": 56 h against the
    # 37.5-hour week gives 382.3; the slide's 384 is a reported figure (256 × 1.5).
    (figure,) = normkit_kit.resolve("bergen-gp", AT).figure_results()
    assert figure.computed == pytest.approx(256 * 56 / 37.5)
    assert figure.stated == 384
    assert figure.difference == pytest.approx(256 * 56 / 37.5 - 384)


@pytest.mark.parametrize(("listed", "covered"), [(450, 250), (0, 700), (700, 0), (701, 0)])
def test_operating_grant_as_if_700(normkit_kit: normkit.Kit, listed: int, covered: int) -> None:
    grant = normkit_kit.resolve("bergen-gp", AT).rule("operating_grant")
    assert isinstance(grant, GrantAsIfList)
    assert grant.covered_patients(listed) == max(0, 700 - listed) == covered
    with pytest.raises(normkit.RuleError, match=r"rate of .* is unknown") as caught:
        grant.evaluate({"listed_patients": listed})
    assert caught.value.code == "rule.unknown-rate"
    # The rate is left out by the deck: with one supplied, the grant follows.
    rate = 500
    priced = grant.with_rate(f"{rate} NOK/patient/year")
    assert priced.evaluate({"listed_patients": listed}) == covered * rate


def test_capacity_status(normkit_kit: normkit.Kit) -> None:
    result = assess_example(normkit_kit, "bergen-gp-capacity-2024")
    assert result.indicators["free_list_places"] == 494
    assert result.indicators["vacant_lists"] == 14
    assert result.indicators["gp_fte"] == pytest.approx(result.indicators["gps"] * 56 / 37.5)
    assert result.municipality is not None and result.municipality.name == "Bergen"


def test_gp_centres_of_at_least_6(normkit_kit: normkit.Kit) -> None:
    # Test centres, not from the deck (it names none).
    inventory = normkit.Inventory(
        gp_centres=(
            normkit.GPCentre(name="Five", gps=5),
            normkit.GPCentre(name="Six", gps=6),
            normkit.GPCentre(name="Nine", gps=9),
        )
    )
    alerts = normkit_kit.assess(inventory, "bergen-gp", AT).alerts
    assert [a.message for a in alerts] == [
        "Five: smaller than the large centres of 6–9 GPs the strategy wants in every city area"
    ]
