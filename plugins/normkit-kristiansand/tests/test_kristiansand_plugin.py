"""Kristiansand's GP measures and staffing through the installed plugin."""

from __future__ import annotations

import datetime as dt

import pytest

import normkit

AT = dt.date(2023, 9, 1)


@pytest.fixture(scope="module")
def kit() -> normkit.Kit:
    return normkit.Kit(allow=["kristiansand"])


@pytest.mark.parametrize(("listed", "grant"), [(1000, 330_000), (800, 0), (801, 264_330)])
def test_extra_basis_grant_over_800(kit: normkit.Kit, listed: int, grant: int) -> None:
    rule = kit.resolve("kristiansand-gp", AT).rule("extra_basis_grant")
    assert rule.evaluate({"listed_patients": listed}) == grant


def test_start_grant_for_two_years(kit: normkit.Kit) -> None:
    resolved = kit.resolve("kristiansand-gp", AT)
    assert resolved.rule("start_grant").evaluate({}) == 200_000
    eligible = resolved.rule("start_grant_eligible")
    assert eligible.evaluate({"new_gp": True, "years_since_contract_start": 1.5}) is True
    assert eligible.evaluate({"new_gp": True, "years_since_contract_start": 2}) is False


def test_targets_and_caps(kit: normkit.Kit) -> None:
    resolved = kit.resolve("kristiansand-gp", AT)
    assert str(resolved.parameter("course_days_max").value) == "10 day/year"
    assert str(resolved.parameter("new_contracts_needed").value) == "3 contract/year"

    def alerts(contracts: int) -> list[str]:
        inventory = normkit.Inventory(figures={"new_gp_contracts_per_year": contracts})
        return [a.id for a in kit.assess(inventory, "kristiansand-gp", AT).alerts]

    assert alerts(2) == ["new-gp-contracts"]
    assert alerts(3) == []


def test_staffing_table(kit: normkit.Kit) -> None:
    inventory = kit.load_inventory(kit.example("kristiansand-staffing-2023")[1])
    fte = {s.name: s.fte for s in inventory.services}
    assert fte["Legevakt"] == 12 and fte["Child health clinics (helsestasjon)"] == 4.14
    salaried = sum(v for k, v in fte.items() if v is not None and not k.startswith("ALIS"))
    assert salaried == pytest.approx(32.12)
    assert inventory.figures["physician_fte_stated"] == 152
    assert sum(p.inhabitants for p in inventory.populations) == 115_000
    assert (inventory.figures["gp_contracts"], inventory.figures["gp_centres"]) == (110, 19)
