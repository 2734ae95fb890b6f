"""Sarpsborg's plan figures, reproduced by the installed plugin."""

from __future__ import annotations

import datetime as dt

import pytest

import normkit
from normkit.roster import Physician, Roster, Shift, check_roster

AT = dt.date(2020, 4, 1)


@pytest.fixture(scope="module")
def kit() -> normkit.Kit:
    return normkit.Kit(allow=["sarpsborg"])


def example(kit: normkit.Kit, name: str) -> normkit.Inventory:
    return kit.load_inventory(kit.example(name)[1])


def test_registered_with_both_codes(kit: normkit.Kit) -> None:
    assert kit.failures == [] and kit.conflicts == []
    sarpsborg = kit.municipality("3003")
    assert sarpsborg is kit.municipality("3105") is kit.municipality("Sarpsborg")
    assert sarpsborg.code_on(dt.date(2023, 12, 31)) == "3003"
    assert sarpsborg.code_on(dt.date(2024, 1, 1)) == "3105"


def test_table_1_helsehuset(kit: normkit.Kit) -> None:
    inventory = example(kit, "sarpsborg-helsehuset-2020")
    result = kit.assess(
        inventory, kit.normset_for("sarpsborg", dt.date(2020, 1, 1)), dt.date(2020, 1, 1)
    )
    rows = {u.unit: u for u in result.units}
    assert rows["KAD"].norm_fte is None and rows["KAD"].required_fte == 1.0
    assert rows["KAD"].status == "adopted" and "Ingen norm for KAD" in (rows["KAD"].note or "")
    assert rows["Rehabilitation"].norm_fte == pytest.approx(0.6)
    assert rows["Rehabilitation"].required_fte == pytest.approx(0.6)
    assert rows["Palliative"].norm_fte == pytest.approx(0.67, abs=0.005)
    assert rows["Palliative"].required_fte == 0.8
    assert rows["Short-term"].norm_fte == pytest.approx(3.35)
    assert rows["Short-term"].required_fte == 3.8
    assert "mean stay is 11 days" in (rows["Short-term"].note or "")
    lead = rows["medical lead (medisinskfaglig ansvar)"]
    assert (lead.norm_fte, lead.required_fte, lead.status) == (None, 0.2, "adopted")
    assert result.totals.norm_fte == pytest.approx(0.6 + 4 * 5 / 30 + 3.35)  # 4.62: the norm alone
    assert result.totals.required_fte == pytest.approx(6.4)
    assert result.totals.staffed_fte == pytest.approx(5.8)
    assert result.totals.gap_fte == pytest.approx(0.6)


def test_table_3_nursing_homes(kit: normkit.Kit) -> None:
    inventory = example(kit, "sarpsborg-nursing-homes-2020")
    result = kit.assess(inventory, "sarpsborg-physicians", AT)
    adopted = {u.unit: u.required_fte for u in result.units}
    assert adopted == pytest.approx(
        {
            "Kurland": 1.25,
            "Tingvoll long-term": 0.55,
            "Tingvoll dementia": 0.2,
            "Kruseløkka long-term": 0.15,
            "Kruseløkka short-term": 0.2,
            "Haugvoll long-term": 0.5,
            "Haugvoll dementia": 0.25,
            "Borgen": 1.1,
            "Valaskjold": 0.3,
        }
    )
    assert result.totals.norm_fte == pytest.approx(5.161, abs=0.001)
    assert result.totals.required_fte == pytest.approx(4.5)
    assert result.totals.staffed_fte == pytest.approx(3.4)
    assert result.totals.gap_fte == pytest.approx(1.1)
    borgen = next(u for u in result.units if u.unit == "Borgen")
    assert borgen.norm_fte == pytest.approx(70 / 60)
    assert borgen.override is not None and borgen.override.source is not None
    assert borgen.override.source.section == "3.1.2, Tabell 3"


def test_new_gp_list_below_1000_free_places(kit: normkit.Kit) -> None:
    def alerts(free: int) -> list[str]:
        inventory = normkit.Inventory(figures={"free_list_places": free})
        return [a.id for a in kit.assess(inventory, "sarpsborg-physicians", AT).alerts]

    assert "new-gp-list" in alerts(999)
    assert "new-gp-list" not in alerts(1000)


def test_public_health_target(kit: normkit.Kit) -> None:
    inventory = example(kit, "sarpsborg-services-2020")
    alerts = kit.assess(inventory, "sarpsborg-physicians", dt.date(2020, 10, 20)).alerts
    assert [a.id for a in alerts] == ["public-health-physicians"]
    resolved = kit.resolve("sarpsborg-physicians", AT)
    assert str(resolved.parameter("public_health_fte_target").value) == "3.5 FTE"


def test_cost_lines_with_a_stated_factor(kit: normkit.Kit) -> None:
    results = {f.id: f for f in kit.resolve("sarpsborg-physicians", AT).figure_results()}
    assert results["cost-nursing-homes"].computed == pytest.approx(1_188_000)
    assert results["cost-nursing-homes"].stated == 1_190_000
    assert results["cost-helsehuset"].computed == pytest.approx(648_000)
    assert results["cost-public-health"].computed == pytest.approx(1_282_500)
    assert all(abs(r.relative_difference or 0) < 0.02 for r in results.values())


def _roster(months: int, shifts: int, backup: bool) -> Roster:
    physicians = [Physician(id="A", months_since_graduation=months, out_of_hours_shifts=shifts)]
    if backup:
        physicians.append(
            Physician(
                id="B",
                specialist_general_practice=True,
                months_since_graduation=120,
                out_of_hours_shifts=300,
            )
        )
    shift = Shift(
        id="2024-03-01 night",
        date=dt.date(2024, 3, 1),
        on_duty=("A",),
        backup="B" if backup else None,
    )
    return Roster(physicians=tuple(physicians), shifts=(shift,))


@pytest.mark.parametrize(
    ("months", "shifts", "backup", "covered"),
    [(29, 40, False, False), (30, 40, False, True), (30, 39, False, False), (29, 40, True, True)],
)
def test_emergency_duty_competence_on_a_roster(
    kit: normkit.Kit, months: int, shifts: int, backup: bool, covered: bool
) -> None:
    qualified = kit.resolve("sarpsborg-physicians", dt.date(2024, 3, 1)).rule(
        "emergency_duty_qualified"
    )
    (result,) = check_roster(_roster(months, shifts, backup), qualified)
    assert result.covered is covered, result.reason
    if not covered:
        assert result.reason == "no qualified physician on duty and no backup"


def test_every_entry_points_to_the_plan(kit: normkit.Kit) -> None:
    ns = kit.normset("sarpsborg-physicians", AT)
    entries = [*ns.needs, *ns.overrides, *ns.thresholds, *ns.rules, *ns.figures]
    for entry in entries:
        assert entry.source is not None, entry.id
        assert entry.source.document.startswith("Sarpsborg kommune, Handlingsprogram"), entry.id
        assert entry.source.section, entry.id
    assert ns.extends_decision is not None and ns.extends_decision.case == "07/10325"
