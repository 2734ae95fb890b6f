"""Kristiansand's GP measures and staffing through the installed plugin."""

from __future__ import annotations

import datetime as dt

import pytest

import normkit
from normkit.testing import all_checks, assess_example

pytestmark = pytest.mark.normkit_plugins("kristiansand")

AT = dt.date(2023, 9, 1)


def test_every_check_passes(normkit_kit: normkit.Kit) -> None:
    # normkit check, sources, need never falls, no negative FTE, figures and
    # explanations add up, JSON round trip.
    all_checks(normkit_kit, "kristiansand-gp", AT, plugins=["kristiansand"])


@pytest.mark.parametrize("listed", [0, 799, 800, 801, 1000, 1500])
def test_extra_basis_grant_over_800(normkit_kit: normkit.Kit, listed: int) -> None:
    # "kr 330 per listepasient for fastleger med listelengde over 800": every
    # listed patient once the list is longer than 800.
    rule = normkit_kit.resolve("kristiansand-gp", AT).rule("extra_basis_grant")
    expected = 330 * listed if listed > 800 else 0
    assert rule.evaluate({"listed_patients": listed}) == expected


def test_start_grant_for_two_years(normkit_kit: normkit.Kit) -> None:
    resolved = normkit_kit.resolve("kristiansand-gp", AT)
    assert resolved.rule("start_grant").evaluate({}) == 200_000
    eligible = resolved.rule("start_grant_eligible")
    assert eligible.evaluate({"new_gp": True, "years_since_contract_start": 1.5}) is True
    assert eligible.evaluate({"new_gp": True, "years_since_contract_start": 2}) is False
    assert eligible.evaluate({"new_gp": False, "years_since_contract_start": 0}) is False
    # Not knowing when the contract started leaves a new GP's eligibility open.
    assert eligible.evaluate({"new_gp": True, "years_since_contract_start": None}) is None


def test_targets_and_caps(normkit_kit: normkit.Kit) -> None:
    resolved = normkit_kit.resolve("kristiansand-gp", AT)
    course_days = resolved.parameter("course_days_max").value
    assert course_days is not None and course_days.to("day/year") == 10
    contracts = resolved.parameter("new_contracts_needed").value
    assert contracts is not None and contracts.to("contract/year") == 3

    def alerts(new_contracts: int) -> list[str]:
        inventory = normkit.Inventory(figures={"new_gp_contracts_per_year": new_contracts})
        return [a.id for a in normkit_kit.assess(inventory, "kristiansand-gp", AT).alerts]

    assert alerts(2) == ["new-gp-contracts"]
    assert alerts(3) == []


def test_staffing_table(normkit_kit: normkit.Kit) -> None:
    result = assess_example(normkit_kit, "kristiansand-staffing-2023")
    fte = {s.name: s.fte for s in result.services}
    # The salaried services' FTE as the plan lists them; ALIS Sør is regional.
    salaried = [4.14, 0.58, 6.9, 4.8, 0.8, 12, 2.9]
    listed = [v for k, v in fte.items() if v is not None and not k.startswith("ALIS")]
    assert sorted(listed) == sorted(salaried)
    assert sum(listed) == pytest.approx(sum(salaried))
    # "152 legeårsverk" is a reported figure: the rows give no FTE for GPs, LIS1
    # or introduction posts, so it cannot be recomputed.
    assert result.indicators["physician_fte_stated"] == 152
    assert any(s.fte is None for s in result.services if s.name.startswith("GPs"))
