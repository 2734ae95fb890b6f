"""Stavanger's plan through the installed plugin: what it gives, and what it leaves out.

The plan's figures are "per 1. kvartal 2023" or "per 2023" with no day; the
examples are assessed on the plan's adoption date, 2024-04-22 (bystyret, case
32/24), the first day on which these were the plan's figures. The figures
themselves describe 2023, as each example file says.
"""

from __future__ import annotations

import datetime as dt

import pytest

import normkit
from normkit.testing import UNKNOWN, all_checks, assert_totals, assert_unit

pytestmark = pytest.mark.normkit_plugins("stavanger")

AT = dt.date(2024, 4, 22)


def assess(kit: normkit.Kit, example: str) -> normkit.Assessment:
    inventory = kit.load_inventory(kit.example(example)[1])
    assert inventory.as_of == AT
    return kit.assess(inventory, kit.normset_for("stavanger", AT), AT)


def test_every_check_passes(normkit_kit: normkit.Kit) -> None:
    # normkit check, sources, need never falls, no negative FTE, figures and
    # explanations add up, JSON round trip.
    all_checks(normkit_kit, "stavanger-physicians", AT, plugins=["stavanger"])


def test_nursing_homes_are_unknown_never_guessed(normkit_kit: normkit.Kit) -> None:
    result = assess(normkit_kit, "stavanger-nursing-homes-2023")
    # "Av totalt 1011 sykehjemsplasser er det 213 korttidsplasser" + 64 old-age-home places.
    assert_unit(result, "Short-term places", norm=UNKNOWN, required=UNKNOWN, status="unknown")
    assert_unit(result, "Other places (type not given)", required=UNKNOWN)
    assert_unit(result, "Old-age-home places", required=UNKNOWN, staffed=None)
    assert_totals(result, required=None, gap=None, staffed=19.75, beds=1011 + 64)
    assert result.totals.places_unknown == 1011 + 64
    assert sum(u.beds or 0 for u in result.units if u.bed_type == "short_term") == 213
    assert "case 119/23" in (result.units[0].note or "")
    increase = normkit_kit.resolve("stavanger-physicians", AT).parameter("revised_norm_increase")
    assert increase.value is not None and increase.value.to("FTE") == 5.21


def test_acute_units_in_nursing_homes_are_unknown_too(normkit_kit: normkit.Kit) -> None:
    """§1.3.3 names "øyeblikkelig hjelp-" units among the nursing homes' special units,
    and the revised norm's table is missing: not "no norm", which would say the norm
    gives them nothing. Respite, which the section does not name, keeps the national
    norm's "no norm"."""
    inventory = normkit.Inventory.model_validate(
        {
            "facilities": [
                {
                    "name": "Home",
                    "units": [
                        {"name": "Acute", "bed_type": "municipal_acute", "beds": 6},
                        {"name": "Respite", "bed_type": "respite", "beds": 4},
                    ],
                }
            ]
        }
    )
    result = normkit_kit.assess(inventory, "stavanger-physicians", AT)
    assert_unit(result, "Acute", norm=UNKNOWN, required=UNKNOWN, status="unknown")
    assert_unit(result, "Respite", status="no_norm")


def test_gp_capacity(normkit_kit: normkit.Kit) -> None:
    result = assess(normkit_kit, "stavanger-gp-capacity-2023")
    figures = result.indicators
    # 130 GPs: 117 private + 3 partly municipal + 10 municipal contracts.
    assert figures["gps"] == 130 == 117 + 3 + 10
    assert (
        figures["gp_contracts_private"]
        + figures["gp_contracts_partly_municipal"]
        + figures["gp_contracts_municipal"]
        == figures["gps"]
    )
    assert figures["mean_list_cap"] == 1180
    assert any("unknown: a numeric target for free GP list capacity" in n for n in result.notes)


def test_list_reduction_per_gp_is_computed_and_the_plans_14_is_reported(
    normkit_kit: normkit.Kit,
) -> None:
    # "1750 plasser ... tilsvarer et gjennomsnitt på 14 pasienter per liste": the
    # plan does not say what it divided by. Over its 130 GPs it is 13.46.
    result = assess(normkit_kit, "stavanger-gp-capacity-2023")
    assert result.indicators["list_reduction_per_gp"] == pytest.approx(1750 / 130)
    resolved = normkit_kit.resolve("stavanger-physicians", AT)
    reported = resolved.parameter("list_reduction_per_list_reported")
    assert reported.value is not None and reported.value.to("patient") == 14
    assert reported.source is not None and "14 pasienter per liste" in (reported.source.note or "")


def test_out_of_hours_per_10000_inhabitants(normkit_kit: normkit.Kit) -> None:
    result = assess(normkit_kit, "stavanger-services-2023")
    # 13.5 FTE for about 186 000 people (Stavanger, Sola, Randaberg).
    expected = 13.5 / 186_000 * 10_000
    assert result.indicators["out_of_hours_fte_per_10000"] == pytest.approx(expected)
    rate = normkit_kit.resolve("stavanger-physicians", AT).rule("out_of_hours_rate")
    assert rate.evaluate({"inhabitants": 10_000}) == pytest.approx(expected)
    assert rate.evaluate({"inhabitants": 186_000}) == pytest.approx(13.5)


def test_sources_point_to_the_plan(normkit_kit: normkit.Kit) -> None:
    ns = normkit_kit.normset("stavanger-physicians", AT)
    assert ns.source.case == "32/24"
    for entry in [*ns.unknowns, *ns.parameters, *ns.rules, *ns.indicators]:
        assert entry.source is not None and entry.source.section, entry.id
