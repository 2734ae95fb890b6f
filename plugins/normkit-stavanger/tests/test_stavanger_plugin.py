"""Stavanger's plan figures, and what the plan leaves out, through the installed plugin."""

from __future__ import annotations

import datetime as dt

import pytest

import normkit

AT = dt.date(2024, 4, 22)


@pytest.fixture(scope="module")
def kit() -> normkit.Kit:
    return normkit.Kit(allow=["stavanger"])


def assess(kit: normkit.Kit, example: str) -> normkit.Assessment:
    inventory = kit.load_inventory(kit.example(example)[1])
    return kit.assess(inventory, kit.normset_for("stavanger", AT), AT)


def test_nursing_homes_are_unknown_never_guessed(kit: normkit.Kit) -> None:
    result = assess(kit, "stavanger-nursing-homes-2023")
    assert result.totals.beds == 1011 + 64
    assert sum(u.beds or 0 for u in result.units if u.bed_type == "short_term") == 213
    assert all(u.status == "unknown" and u.required_fte is None for u in result.units)
    assert result.totals.required_fte is None and result.totals.gap_fte is None
    assert result.totals.staffed_fte == pytest.approx(19.75)
    assert result.totals.places_unknown == 1075
    assert "case 119/23" in (result.units[0].note or "")
    increase = kit.resolve("stavanger-physicians", AT).parameter("revised_norm_increase")
    assert str(increase.value) == "5.21 FTE"


def test_gp_capacity(kit: normkit.Kit) -> None:
    result = assess(kit, "stavanger-gp-capacity-2023")
    figures = result.indicators
    assert (
        figures["gps"]
        == 130
        == (
            figures["gp_contracts_private"]
            + figures["gp_contracts_partly_municipal"]
            + figures["gp_contracts_municipal"]
        )
    )
    assert figures["mean_list_cap"] == 1180
    assert figures["listed_from_other_municipalities"] == 11000
    assert figures["list_reduction_per_gp"] == pytest.approx(13.46, abs=0.01)  # plan: about 14
    assert any("unknown: a numeric target for free GP list capacity" in n for n in result.notes)


def test_out_of_hours_per_10000_inhabitants(kit: normkit.Kit) -> None:
    result = assess(kit, "stavanger-services-2023")
    assert result.indicators["out_of_hours_fte_per_10000"] == pytest.approx(0.7258, abs=1e-4)
    rate = kit.resolve("stavanger-physicians", AT).rule("out_of_hours_rate")
    assert rate.evaluate({"inhabitants": 10_000}) == pytest.approx(0.7258, abs=1e-4)


def test_sources_point_to_the_plan(kit: normkit.Kit) -> None:
    ns = kit.normset("stavanger-physicians", AT)
    assert ns.source.case == "32/24"
    for entry in [*ns.unknowns, *ns.parameters, *ns.rules, *ns.indicators]:
        assert entry.source is not None and entry.source.section, entry.id
