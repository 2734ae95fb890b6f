"""Kristiansand's GP measures and staffing through the installed plugin."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

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


# -- GP contracts over years (normkit plan) ---------------------------------------

# The plan's figures: 115 000 inhabitants in 2022, about 137 000 in 2050, 110 GP
# contracts; "at least three new GP contracts a year"; a start grant of
# NOK 200 000 a year for two years per new GP.
INHABITANTS_2022, INHABITANTS_2050, CONTRACTS = 115_000, 137_000, 110
NEW_PER_YEAR, GRANT, GRANT_YEARS = 3, 200_000, 2
YEARS = range(2023, 2031)


def straight_line(year: int) -> int:
    """The illustration's path: the plan gives only its two ends."""
    return round(INHABITANTS_2022 + (INHABITANTS_2050 - INHABITANTS_2022) * (year - 2022) / 28)


@pytest.fixture
def gp_plan(normkit_kit: normkit.Kit) -> normkit.Plan:
    _, scenario = normkit_kit.find_example("kristiansand-gp-contracts", "scenario")
    (base_id,) = scenario.base
    base = normkit_kit.load_inventory(normkit_kit.example(base_id)[1])
    population = normkit_kit.load_population(
        normkit_kit.example("kristiansand-population-illustration", "population")[1]
    )
    return normkit_kit.plan(
        base.with_populations(population),
        "kristiansand-gp",
        normkit.plan_dates(YEARS),
        normkit_kit.load_scenarios([scenario.path]),
    )


def test_gp_contracts_keep_up_with_the_population(gp_plan: normkit.Plan) -> None:
    base, run = gp_plan.base.periods, gp_plan.scenarios[0].periods
    assert [p.indicators["inhabitants"] for p in base] == [straight_line(y) for y in YEARS]
    contracts = [CONTRACTS + NEW_PER_YEAR * max(0, min(y, 2027) - 2023) for y in YEARS]
    assert [p.indicators["gp_contracts"] for p in run] == contracts
    assert [p.indicators["inhabitants_per_gp_contract"] for p in base] == [
        pytest.approx(straight_line(y) / CONTRACTS) for y in YEARS
    ]
    assert [p.indicators["inhabitants_per_gp_contract"] for p in run] == [
        pytest.approx(straight_line(y) / c) for y, c in zip(YEARS, contracts, strict=True)
    ]
    # The plan's alert: fewer than three new contracts a year, once the example stops.
    fired = [any(a.id == "new-gp-contracts" for a in p.alerts) for p in run]
    assert fired == [y >= 2028 for y in YEARS]
    # Contracts needed at a mean list length: the plan gives none, so the base cannot
    # compute it; the scenario assumes 2022's 115 000 / 110 and says so.
    assert all("gp_contracts_needed" not in p.indicators for p in base)
    assert any("needs mean_list_length" in n for n in base[0].assessment.notes)  # type: ignore[union-attr]
    length = 1045
    assert [p.indicators["gp_contracts_needed"] for p in run] == [
        pytest.approx(straight_line(y) / length) for y in YEARS
    ]
    assert round(INHABITANTS_2022 / CONTRACTS) == length


def test_start_grants_per_year(gp_plan: normkit.Plan) -> None:
    run = gp_plan.scenarios[0].periods
    cohorts = [
        sum(1 for start in range(2024, 2028) if start <= y < start + GRANT_YEARS) for y in YEARS
    ]
    assert [p.measures_cost_nok_per_year for p in run] == [
        c * NEW_PER_YEAR * GRANT for c in cohorts
    ]
    difference = gp_plan.differences[0].periods[YEARS.index(2025)]
    assert difference.measures_cost_nok_per_year.difference == 2 * NEW_PER_YEAR * GRANT
    assert difference.indicators["gp_contracts"].difference == 2 * NEW_PER_YEAR


SUPPLEMENT, OVER = 330, 800  # NOK per listed patient a year, on lists longer than 800


def test_the_supplement_is_not_known_without_lists(normkit_kit: normkit.Kit) -> None:
    """The plan gives no list lengths: the supplement is said to be unknown, never 0."""
    _, scenario = normkit_kit.find_example("kristiansand-gp-supplement", "scenario")
    (base_id,) = scenario.base
    base = normkit_kit.load_inventory(normkit_kit.example(base_id)[1])
    plan = normkit_kit.plan(
        base,
        "kristiansand-gp",
        normkit.plan_dates(YEARS),
        normkit_kit.load_scenarios([scenario.path]),
    )
    run = plan.scenarios[0]
    assert run.chain == ["kristiansand-gp-contracts", "kristiansand-gp-supplement"]
    for period in run.periods:
        (supplement,) = [m for m in period.measures if m.id == "supplement-330"]
        assert supplement.nok_per_year is None and "no GP list in force" in supplement.basis
        assert period.measures_cost_nok_per_year is None
    difference = plan.differences[0].periods[0].measures_cost_nok_per_year
    assert difference.difference is None and "paid per GP list" in (difference.reason or "")


def test_the_supplement_is_costed_from_the_users_lists(
    normkit_kit: normkit.Kit, tmp_path: Path
) -> None:
    """docs/how-to/plan-gp-contracts.md: the user's own lists beside the example."""
    listed = [1200, 750, 900, 801, 800]
    lists = tmp_path / "lists.yaml"
    lists.write_text(
        "gp_lists:\n" + "".join(f"  - {{id: L{i}, listed: {n}}}\n" for i, n in enumerate(listed)),
        encoding="utf-8",
    )
    _, scenario = normkit_kit.find_example("kristiansand-gp-supplement", "scenario")
    staffing = normkit_kit.load_inventory(normkit_kit.example("kristiansand-staffing-2023")[1])
    inventory = normkit.combine_inventories([staffing, normkit_kit.load_inventory(lists)])
    plan = normkit_kit.plan(
        inventory,
        "kristiansand-gp",
        normkit.plan_dates(YEARS),
        normkit_kit.load_scenarios([scenario.path]),
    )
    per_year = SUPPLEMENT * sum(n for n in listed if n > OVER)
    run = plan.scenarios[0].periods
    cohorts = [
        sum(1 for start in range(2024, 2028) if start <= y < start + GRANT_YEARS) for y in YEARS
    ]
    assert [p.measures_cost_nok_per_year for p in run] == [
        per_year + c * NEW_PER_YEAR * GRANT for c in cohorts
    ]
    (supplement,) = [m for m in run[0].measures if m.id == "supplement-330"]
    assert "3 of 5 lists, 2 901 patients paid for" in supplement.basis


def test_the_how_to_command_prints_what_the_docs_show() -> None:
    """docs/how-to/plan-gp-contracts.md, run as written."""
    from click.testing import CliRunner

    from normkit.cli import app

    args = (
        "plan --norms Kristiansand --scenario kristiansand-gp-contracts "
        "--population kristiansand-population-illustration --years 2023-2030 --format markdown"
    )
    result = CliRunner().invoke(app, args.split(), env={"NORMKIT_PLUGINS": "kristiansand"})
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "| 2025-01-01 | 117 357 | 116 | 19 | 152 | 1 045 | 1 011.70 | 112.30 | 3 |" in out
    assert "| 2025-01-01 | kristiansand-gp | 1 200 000 | 0 | 0 |" in out
    assert "Δ inhabitants\\_per\\_gp\\_contract: 1 066.88 → 1 011.70 (-55.18)" in out
