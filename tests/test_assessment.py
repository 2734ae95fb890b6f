"""Assessment figures against the plans' own tables."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import normkit

from .conftest import APRIL_2020

DATA = Path(__file__).parent / "data"


def test_table_3_against_the_national_norm(kit: normkit.Kit, example: normkit.Inventory) -> None:
    result = kit.assess(example, "national", APRIL_2020)
    totals = result.totals
    assert totals.norm_fte == pytest.approx(259 / 90 + 98 / 60 + 13 * 1.5 / 30)
    assert round(totals.norm_fte, 2) == 5.16
    assert totals.required_fte == totals.norm_fte  # the national norm has no overrides
    assert totals.staffed_fte == pytest.approx(3.4)
    assert round(totals.gap_fte, 2) == 1.76
    assert totals.beds == 370
    assert totals.places_without_norm == 0


def test_valaskjold_post_counts_before_april(kit: normkit.Kit, example: normkit.Inventory) -> None:
    january = kit.assess(example, "national", dt.date(2020, 1, 1))
    assert january.totals.staffed_fte == pytest.approx(3.8)
    march_31 = kit.assess(example, "national", dt.date(2020, 3, 31))
    assert march_31.totals.staffed_fte == pytest.approx(3.8)
    valaskjold = next(
        f
        for f in kit.assess(example, "national", APRIL_2020).facilities
        if f.facility == "Valaskjold"
    )
    assert valaskjold.staffed_fte == 0
    assert "0.4 FTE not in force on 2020-04-01" in (valaskjold.staffing_note or "")


def test_borgen_explanation_cites_the_source(kit: normkit.Kit, example: normkit.Inventory) -> None:
    borgen = next(
        u for u in kit.assess(example, "national", APRIL_2020).units if u.unit == "Borgen"
    )
    assert borgen.norm_fte == pytest.approx(70 / 60)
    assert borgen.explanation is not None
    assert "70 places × 0.5 hour/week per place" in borgen.explanation["text"]
    assert "= 35 hour/week ÷ 30 hour/week/FTE = 1.17 FTE" in borgen.explanation["text"]
    assert borgen.explanation["source"]["section"] == "3.1"


def test_respite_is_no_norm_never_zero(kit: normkit.Kit) -> None:
    inventory = normkit.Inventory.model_validate(
        {
            "facilities": [
                {
                    "name": "Home",
                    "units": [
                        {"name": "Respite", "bed_type": "respite", "beds": 13},
                        {"name": "Long", "bed_type": "long_term", "beds": 90},
                    ],
                    "staffing": 1.0,
                }
            ]
        }
    )
    result = kit.assess(inventory, "national", APRIL_2020)
    respite = result.units[0]
    assert respite.status == "no_norm"
    assert respite.norm_fte is None and respite.required_fte is None and respite.gap_fte is None
    assert "no rule for bed type 'respite'" in (respite.note or "")
    assert result.totals.places_without_norm == 13
    assert result.totals.units_without_norm == 1
    assert result.totals.required_fte == pytest.approx(1.0)
    assert any("13 places in 1 unit(s) have no norm" in n for n in result.notes)


def test_table_1_with_overrides(kit: normkit.Kit) -> None:
    """Helsehuset: adopted 6.4, staffed 5.8, gap 0.6; the pure norm beside each unit."""
    ns = normkit.load_normset(DATA / "table1-norms.yaml")
    inventory = kit.load_inventory(DATA / "helsehuset-2020.yaml")
    result = kit.assess(inventory, ns, dt.date(2020, 1, 1))
    rows = {u.unit: u for u in result.units}
    assert rows["KAD"].status == "adopted"
    assert rows["KAD"].norm_fte is None and rows["KAD"].required_fte == 1.0
    assert "Ingen norm for KAD" in (rows["KAD"].note or "")
    assert rows["Rehabilitation"].status == "norm"
    assert rows["Rehabilitation"].required_fte == pytest.approx(0.6)
    assert rows["Palliative"].norm_fte == pytest.approx(4 * 5 / 30)
    assert rows["Palliative"].required_fte == 0.8
    assert rows["Short-term"].norm_fte == pytest.approx(3.35)
    assert rows["Short-term"].required_fte == 3.8
    assert rows["Short-term"].override is not None
    assert rows["Short-term"].override.reason.startswith("mean stay is 11 days")
    lead = rows["medical lead (medisinskfaglig ansvar)"]
    assert lead.required_fte == 0.2 and lead.beds is None
    assert result.totals.required_fte == pytest.approx(6.4)
    assert result.totals.staffed_fte == pytest.approx(5.8)
    assert result.totals.gap_fte == pytest.approx(0.6)
    explanation = rows["Short-term"].explanation
    assert explanation is not None
    assert "pure norm 3.35 FTE" in explanation["text"]
    assert explanation["children"][1]["text"].startswith("short-term places")


def test_threshold_alerts_from_the_inventory(kit: normkit.Kit) -> None:
    ns = normkit.NormSet(
        id="lists",
        title="GP lists",
        valid_from=dt.date(2020, 1, 1),
        source=normkit.Source(document="Sarpsborg handlingsprogram", section="3.1.3"),
        thresholds=(
            normkit.Threshold(
                id="new-list", indicator="free_list_places", below=1000, action="open a new GP list"
            ),
        ),
    )

    def lists(free: int) -> normkit.Inventory:
        return normkit.Inventory.model_validate(
            {"gp_lists": [{"id": "a", "cap": 1000 + free, "listed": 1000}]}
        )

    assert kit.assess(lists(1000), ns, APRIL_2020).alerts == []
    alerts = kit.assess(lists(999), ns, APRIL_2020).alerts
    assert [a.action for a in alerts] == ["open a new GP list"]
    no_lists = kit.assess(normkit.Inventory(), ns, APRIL_2020)
    assert no_lists.notes == [
        "threshold 'new-list' not checked: the inventory gives no 'free_list_places'",
        "the inventory has no facilities, units or figures to assess",
    ]


def test_gap_cost_uses_the_stated_factor(kit: normkit.Kit, example: normkit.Inventory) -> None:
    ns = normkit.NormSet(
        id="costed",
        title="costed",
        valid_from=dt.date(2020, 1, 1),
        extends="national",
        source=normkit.Source(document="test"),
        fte_cost=normkit.FteCost(salary="800000 NOK/year/FTE", employer_cost_factor=1.35),
    )
    totals = kit.assess(example, ns, APRIL_2020).totals
    assert totals.gap_cost_nok_per_year == pytest.approx(totals.gap_fte * 800_000 * 1.35)
    assert totals.gap_cost_basis == ns.fte_cost.describe()  # type: ignore[union-attr]
    # no staffing recorded: no gap, so neither a cost nor its basis
    unstaffed = normkit.Inventory.model_validate(
        {
            "facilities": [
                {"name": "H", "units": [{"name": "U", "bed_type": "long_term", "beds": 9}]}
            ]
        }
    )
    totals = kit.assess(unstaffed, ns, APRIL_2020).totals
    assert (totals.gap_fte, totals.gap_cost_nok_per_year, totals.gap_cost_basis) == (
        None,
        None,
        None,
    )
    assert kit.assess(example, "national", APRIL_2020).totals.gap_cost_basis is None


def test_json_has_the_documented_keys(kit: normkit.Kit, example: normkit.Inventory) -> None:
    import json

    data = json.loads(kit.assess(example, "national", APRIL_2020).model_dump_json())
    assert {"normset", "at", "units", "facilities", "totals", "alerts"} <= set(data)
    assert {
        "facility",
        "unit",
        "bed_type",
        "beds",
        "norm_fte",
        "required_fte",
        "staffed_fte",
        "gap_fte",
    } <= set(data["units"][0])
    assert {"norm_fte", "required_fte", "staffed_fte", "gap_fte"} <= set(data["totals"])
    assert data["at"] == "2020-04-01"


def test_batch_matches_single_assessment(kit: normkit.Kit, example: normkit.Inventory) -> None:
    resolved = kit.resolve("national", APRIL_2020)
    units = [u for f in example.facilities for u in f.units]
    batch = normkit.assess_batch(
        resolved, [u.bed_type for u in units] + ["respite"], [u.beds for u in units] + [13]
    )
    single = kit.assess(example, "national", APRIL_2020, explain=False)
    assert batch.norm_fte[:-1] == pytest.approx([u.norm_fte for u in single.units])
    assert math.isnan(batch.norm_fte[-1])
    assert batch.units_without_norm == 1
    assert batch.total_norm_fte == pytest.approx(single.totals.norm_fte)


def test_batch_with_category_codes(kit: normkit.Kit) -> None:
    resolved = kit.resolve("national", APRIL_2020)
    codes = np.array([0, 1, 2, 1])
    result = normkit.assess_batch(
        resolved,
        codes,
        [90, 60, 4, 0],
        staffed_fte=[1, 1, 0, 0],
        categories=["long_term", "dementia_special", "respite"],
    )
    assert result.norm_fte[:2] == pytest.approx([1.0, 1.0])
    assert math.isnan(result.norm_fte[2])
    assert result.gap_fte is not None and result.gap_fte[0] == pytest.approx(0.0)


unit_strategy = st.fixed_dictionaries(
    {
        "bed_type": st.sampled_from(
            [
                "long_term",
                "short_term",
                "rehabilitation",
                "dementia_special",
                "palliative",
                "respite",
            ]
        ),
        "beds": st.integers(min_value=0, max_value=500),
    }
)


@settings(max_examples=60, deadline=None)
@given(units=st.lists(unit_strategy, min_size=1, max_size=8), extra=st.integers(1, 50))
def test_adding_places_never_lowers_the_need(units: list[dict[str, object]], extra: int) -> None:
    kit = normkit.Kit(autoload=False)

    def need(rows: list[dict[str, object]]) -> float:
        inventory = normkit.Inventory.model_validate(
            {
                "facilities": [
                    {"name": "F", "units": [{"name": f"u{i}", **row} for i, row in enumerate(rows)]}
                ]
            }
        )
        # None when every unit has no norm: nothing known, which is not a lower need.
        return kit.assess(inventory, "national", APRIL_2020, explain=False).totals.norm_fte or 0.0

    grown = [dict(units[0], beds=int(units[0]["beds"]) + extra), *units[1:]]  # type: ignore[call-overload]
    assert need(grown) >= need(units)
    assert need(units) >= 0


@settings(max_examples=40, deadline=None)
@given(units=st.lists(unit_strategy, min_size=1, max_size=6))
def test_explanations_add_up_and_json_round_trips(units: list[dict[str, object]]) -> None:
    kit = normkit.Kit(autoload=False)
    inventory = normkit.Inventory.model_validate(
        {
            "facilities": [
                {"name": "F", "units": [{"name": f"u{i}", **row} for i, row in enumerate(units)]}
            ]
        }
    )
    result = kit.assess(inventory, "national", APRIL_2020)
    for unit in result.units:
        if unit.explanation is not None:
            assert unit.explanation["value"] == pytest.approx(unit.required_fte)
    assert normkit.Assessment.model_validate_json(result.model_dump_json()) == result


def test_facility_with_only_no_norm_units_has_no_figures(kit: normkit.Kit) -> None:
    inventory = normkit.Inventory.model_validate(
        {
            "facilities": [
                {
                    "name": "Respite home",
                    "units": [{"name": "R", "bed_type": "respite", "beds": 10}],
                    "staffing": 0.5,
                }
            ]
        }
    )
    result = kit.assess(inventory, "national", APRIL_2020)
    facility = result.facilities[0]
    assert facility.norm_fte is None and facility.required_fte is None
    assert facility.gap_fte is None  # not -0.5: there is no need to compare with
    assert result.totals.norm_fte is None and result.totals.gap_fte is None


def test_notes_for_adopted_values_that_match_nothing(kit: normkit.Kit) -> None:
    ns = normkit.NormSet(
        id="t",
        title="t",
        valid_from=dt.date(2020, 1, 1),
        extends="national",
        source=normkit.Source(document="test"),
        needs=(normkit.Need(id="lead", facility="Helsehus", rule=normkit.Fixed(amount="0.2 FTE")),),
        overrides=(
            normkit.Override(
                id="typo", facility="Helsehus", rule=normkit.Fixed(amount="1 FTE"), reason="r"
            ),
            normkit.Override(
                id="home",
                facility="Tingvoll",
                rule=normkit.Fixed(amount="0.75 FTE"),
                reason="the home adopts 75 %",
            ),
        ),
    )
    example = normkit.load_inventory(normkit.EXAMPLE_INVENTORY)
    notes = "\n".join(kit.assess(example, ns, APRIL_2020).notes)
    assert (
        "the norm set also has adopted values for Helsehus, which is not in this inventory "
        "(override 'typo', need 'lead')"
    ) in notes
    assert "override 'home' gives its fixed 0.75 FTE to each of the 2 units" in notes


def test_misspelt_facility_gets_a_suggestion(kit: normkit.Kit) -> None:
    ns = normkit.NormSet(
        id="t",
        title="t",
        valid_from=dt.date(2020, 1, 1),
        extends="national",
        source=normkit.Source(document="test"),
        overrides=(
            normkit.Override(
                id="o", facility="Tingvol", rule=normkit.Fixed(amount="1 FTE"), reason="r"
            ),
        ),
    )
    example = normkit.load_inventory(normkit.EXAMPLE_INVENTORY)
    notes = kit.assess(example, ns, APRIL_2020).notes
    assert (
        "override 'o' is for facility 'Tingvol', which this inventory does not have: "
        "did you mean 'Tingvoll'?"
    ) in notes


def test_override_must_give_fte() -> None:
    with pytest.raises(ValueError, match="an override must give FTE; this rule gives NOK/year"):
        normkit.Override(id="o", facility="F", rule=normkit.Fixed(amount="20 NOK/year"), reason="r")


def test_kad_estimate_counts_as_place_without_norm(kit: normkit.Kit) -> None:
    ns = normkit.load_normset(DATA / "table1-norms.yaml")
    result = kit.assess(kit.load_inventory(DATA / "helsehuset-2020.yaml"), ns, dt.date(2020, 1, 1))
    assert result.totals.places_without_norm == 8
    assert any("8 of them have an adopted value" in n for n in result.notes)


def test_kit_batch_refuses_unknown_bed_types(kit: normkit.Kit) -> None:
    with pytest.raises(normkit.InventoryError, match="unknown bed type"):
        kit.assess_batch("national", APRIL_2020, ["long_term", "hospital"], [10, 10])


def test_a_facility_level_need_and_its_override() -> None:
    """A medical lead's time per place, overridden for one home only."""
    source = normkit.Source(document="plan", section="2")
    ns = normkit.NormSet(
        id="lead",
        title="t",
        valid_from=dt.date(2020, 1, 1),
        source=source,
        needs=tuple(
            normkit.Need(
                id=f"lead-{facility}",
                label="medical lead",
                facility=facility,
                rule=normkit.Rate(amount="1 FTE", per="100 place"),
                source=source,
            )
            for facility in ("Home", "Other")
        ),
        overrides=(
            normkit.Override(
                id="home-lead",
                facility="Home",
                replaces="lead-Home",
                rule=normkit.Fixed(amount="0.3 FTE"),
                reason="a larger home",
            ),
        ),
    )
    inventory = normkit.Inventory.model_validate(
        {
            "facilities": [
                {"name": n, "units": [{"name": "U", "bed_type": "respite", "beds": 50}]}
                for n in ("Home", "Other")
            ]
        }
    )
    resolved = normkit.normset.resolve(ns, dt.date(2020, 1, 1), lambda *_: ns)
    result = normkit.assess(inventory, resolved)
    rows = {(u.facility, u.unit): u for u in result.units}
    home, other = rows[("Home", "medical lead")], rows[("Other", "medical lead")]
    assert (home.status, home.norm_fte, home.required_fte) == ("adopted", 0.5, 0.3)
    assert (other.status, other.norm_fte, other.required_fte) == ("norm", 0.5, 0.5)
    assert (home.need, other.need) == ("lead-Home", "lead-Other")
    assert home.source == other.source == source
    assert home.note == "a larger home" and other.note is None
    assert home.override is not None and home.override.id == "home-lead"
    assert other.override is None
    assert home.explanation is not None and other.explanation is not None
    assert "0.3 FTE" in home.explanation["text"] and "0.5 FTE" in home.explanation["text"]
    assert other.explanation["text"] == (
        "medical lead [lead]: 50 places × 1 FTE per 100 places = 0.5 FTE"
    )
    assert result.totals.required_fte == pytest.approx(0.8)


def test_unknowns_are_counted_per_facility_and_in_total() -> None:
    ns = normkit.NormSet(
        id="u",
        title="t",
        valid_from=dt.date(2020, 1, 1),
        source=normkit.Source(document="plan"),
        needs=(
            normkit.Need(
                id="st",
                bed_types=("short_term",),
                rule=normkit.Rate(amount="1 FTE", per="10 place"),
            ),
        ),
        unknowns=(
            normkit.Unknown(id="lt-rate", bed_types=("long_term",), what="the long-term rate"),
            normkit.Unknown(id="general", what="the duty rota's cost"),
        ),
        indicators=(
            normkit.DerivedIndicator(
                id="per_gp",
                label="per GP",
                rule=normkit.Ratio(numerator="fte", denominator="gps", reports_in="FTE per GP"),
            ),
            normkit.DerivedIndicator(
                id="adopted_share",
                label="adopted over norm",
                rule=normkit.Ratio(
                    numerator="required_fte", denominator="norm_fte", reports_in="share"
                ),
            ),
        ),
    )
    inventory = normkit.Inventory.model_validate(
        {
            "facilities": [
                {
                    "name": "Home",
                    "units": [
                        {"name": "A", "bed_type": "long_term", "beds": 10},
                        {"name": "B", "bed_type": "short_term", "beds": 20},
                    ],
                },
                {
                    "name": "Other",
                    "units": [
                        {"name": "C", "bed_type": "long_term", "beds": 5},
                        {"name": "Closed", "bed_type": "long_term", "beds": 0},
                    ],
                },
            ]
        }
    )
    resolved = normkit.normset.resolve(ns, dt.date(2020, 1, 1), lambda *_: ns)
    result = normkit.assess(inventory, resolved)
    assert (result.totals.units_unknown, result.totals.places_unknown) == (3, 15)
    facilities = {f.facility: f for f in result.facilities}
    assert facilities["Home"].places_unknown == 10 and facilities["Other"].places_unknown == 5
    assert result.totals.required_fte == pytest.approx(2.0)
    # a bed type's unknown is shown on its units; only the general one is a note
    unknown_notes = [n for n in result.notes if n.startswith("unknown:")]
    assert unknown_notes == ["unknown: the duty rota's cost"]
    assert (result.totals.units_without_norm, result.totals.places_without_norm) == (0, 0)
    assert (
        "15 places in 3 unit(s) have a norm the source leaves out (unknown); the need totals "
        "leave them out"
    ) in result.notes
    # an indicator about figures the inventory lacks is skipped, the next one computed
    assert "per_gp" not in result.indicators
    assert result.indicators["adopted_share"] == pytest.approx(1.0)


def test_an_adopted_need_on_units_has_no_pure_norm() -> None:
    """A plan's own figure for a bed type: adopted, with its reason, and no norm behind it."""
    ns = normkit.NormSet(
        id="a",
        title="t",
        valid_from=dt.date(2020, 1, 1),
        source=normkit.Source(document="plan"),
        needs=(
            normkit.Need(
                id="kad",
                bed_types=("kad",),
                rule=normkit.Rate(amount="1 FTE", per="4 place"),
                adopted=True,
                reason="the plan's own figure for KAD beds",
                source=normkit.Source(document="plan", section="4"),
            ),
        ),
    )
    inventory = normkit.Inventory.model_validate(
        {"facilities": [{"name": "H", "units": [{"name": "K", "bed_type": "kad", "beds": 6}]}]}
    )
    resolved = normkit.normset.resolve(ns, dt.date(2020, 1, 1), lambda *_: ns)
    (unit,) = normkit.assess(inventory, resolved).units
    assert (unit.status, unit.norm_fte, unit.required_fte) == ("adopted", None, 1.5)
    assert unit.note == "the plan's own figure for KAD beds" and unit.need == "kad"
    assert unit.source == normkit.Source(document="plan", section="4")
    assert unit.explanation is not None
    assert unit.explanation["text"] == "kad [a]: 6 places × 1 FTE per 4 places = 1.5 FTE"


def test_coverage_notes_whole() -> None:
    ns = normkit.NormSet(
        id="c",
        title="t",
        valid_from=dt.date(2020, 1, 1),
        source=normkit.Source(document="plan"),
        needs=(
            normkit.Need(
                id="lt", bed_types=("long_term",), rule=normkit.Rate(amount="1 FTE", per="10 place")
            ),
        ),
        overrides=(
            normkit.Override(
                id="kad-fixed",
                facility="Home",
                bed_types=("kad",),
                rule=normkit.Fixed(amount="0.5 FTE"),
                reason="r",
            ),
            normkit.Override(
                id="other-rate",
                facility="Other",
                bed_types=("long_term",),
                rule=normkit.Rate(amount="1 FTE", per="5 place"),
                reason="r",
            ),
            normkit.Override(
                id="solo-fixed",
                facility="Solo",
                bed_types=("kad",),
                rule=normkit.Fixed(amount="0.4 FTE"),
                reason="r",
            ),
            normkit.Override(
                id="ghost",
                bed_types=("dementia_special",),
                rule=normkit.Fixed(amount="1 FTE"),
                reason="r",
            ),
        ),
    )
    inventory = normkit.Inventory.model_validate(
        {
            "facilities": [
                {
                    "name": "Home",
                    "staffing": 2.0,
                    "units": [
                        {"name": "K1", "bed_type": "kad", "beds": 4},
                        {"name": "K2", "bed_type": "kad", "beds": 6},
                        {"name": "K3", "bed_type": "kad", "beds": 0},
                        {"name": "L", "bed_type": "long_term", "beds": 10},
                    ],
                },
                {"name": "Solo", "units": [{"name": "S", "bed_type": "kad", "beds": 2}]},
                {
                    "name": "Other",
                    "units": [
                        {"name": "O1", "bed_type": "long_term", "beds": 10},
                        {"name": "O2", "bed_type": "long_term", "beds": 10},
                    ],
                },
                {
                    "name": "Respite",
                    "staffing": 0.3,
                    "units": [{"name": "R", "bed_type": "respite", "beds": 5}],
                },
            ]
        }
    )
    resolved = normkit.normset.resolve(ns, dt.date(2020, 1, 1), lambda *_: ns)
    result = normkit.assess(inventory, resolved)
    facilities = {f.facility: f for f in result.facilities}
    assert {name: f.places_without_norm for name, f in facilities.items()} == {
        "Home": 10,
        "Solo": 2,
        "Other": 0,
        "Respite": 5,
    }
    assert facilities["Other"].staffing_note == "no staffing recorded"
    assert facilities["Home"].staffing_note is None
    units = {u.unit: u for u in result.units}
    assert units["K1"].note == "r; no norm: 'c' has no rule for bed type 'kad'"
    assert result.notes == [
        "17 places in 5 unit(s) have no norm: the pure-norm total leaves them out; 12 of them "
        "have an adopted value, which the adopted total includes",
        "Solo: no staffing recorded: the total gap leaves this facility's 0.4 FTE of need out",
        "Other: no staffing recorded: the total gap leaves this facility's 4 FTE of need out",
        "Respite: 0.3 FTE staffed, but no need is known for its places: the total gap leaves "
        "this facility out",
        "override 'kad-fixed' gives its fixed 0.5 FTE to each of the 3 units it targets "
        "(K1, K2, K3); for one figure for a whole facility use a facility need, or one override "
        "per unit",
        "override 'ghost' (dementia_special) applies to no unit of this inventory",
    ]


def test_every_staffing_record_not_in_force_is_named() -> None:
    inventory = normkit.Inventory.model_validate(
        {
            "facilities": [
                {
                    "name": "H",
                    "staffing": [
                        {"fte": 0.4, "valid_to": "2019-12-31", "note": "post ended"},
                        {"fte": 0.6},
                    ],
                    "units": [
                        {
                            "name": "U",
                            "bed_type": "long_term",
                            "beds": 9,
                            "staffing": [{"fte": 0.2, "valid_from": "2021-01-01"}],
                        }
                    ],
                }
            ]
        }
    )
    ns = normkit.NormSet(id="n", title="t", source=normkit.Source(document="d"))
    resolved = normkit.normset.resolve(ns, dt.date(2020, 6, 1), lambda *_: ns)
    (facility,) = normkit.assess(inventory, resolved).facilities
    assert facility.staffed_fte == pytest.approx(0.6)
    assert facility.staffing_note == (
        "0.4 FTE not in force on 2020-06-01 (post ended); 0.2 FTE not in force on 2020-06-01"
    )


@pytest.mark.parametrize(
    ("record", "unit_staffed", "facility_staffed", "note"),
    [
        ({"valid_from": "2020-06-01"}, 0.2, 0.2, None),  # starts on the day: counts
        ({"valid_from": "2020-06-02"}, None, None, "no staffing recorded"),  # not yet
        ({"valid_to": "2020-06-01"}, 0.2, 0.2, None),  # ends on the day: still counts
        ({"valid_to": "2020-05-31"}, 0.0, 0.0, "0.2 FTE not in force on 2020-06-01"),  # ended
    ],
)
def test_a_single_staffing_record_on_the_edges_of_its_period(
    record: dict[str, str], unit_staffed: float | None, facility_staffed: float | None, note: str
) -> None:
    # One record per unit is the usual case, which the assessment reads on a path of its own.
    inventory = normkit.Inventory.model_validate(
        {
            "facilities": [
                {
                    "name": "H",
                    "units": [
                        {
                            "name": "U",
                            "bed_type": "long_term",
                            "beds": 9,
                            "staffing": [{"fte": 0.2, **record}],
                        }
                    ],
                }
            ]
        }
    )
    ns = normkit.NormSet(id="n", title="t", source=normkit.Source(document="d"))
    resolved = normkit.normset.resolve(ns, dt.date(2020, 6, 1), lambda *_: ns)
    result = normkit.assess(inventory, resolved)
    assert result.units[0].staffed_fte == unit_staffed
    assert result.facilities[0].staffed_fte == facility_staffed
    assert result.facilities[0].staffing_note == note


# -- pinned by the full mutation run ------------------------------------------


def test_a_unit_with_its_own_staffing_has_its_own_gap(kit: normkit.Kit) -> None:
    inventory = normkit.Inventory.model_validate(
        {
            "facilities": [
                {
                    "name": "Home",
                    "units": [
                        {"name": "A", "bed_type": "long_term", "beds": 90, "staffing": 0.25},
                        {"name": "B", "bed_type": "long_term", "beds": 45},
                    ],
                }
            ]
        }
    )
    a, b = kit.assess(inventory, "national", APRIL_2020).units
    # 90 places at 1/3 hour a week each, 30 hours a week per FTE: 1 FTE.
    assert a.required_fte == pytest.approx(1.0)
    assert a.staffed_fte == 0.25
    assert a.gap_fte == pytest.approx(1.0 - 0.25)
    assert b.staffed_fte is None and b.gap_fte is None


def test_without_explain_no_unit_carries_an_explanation(kit: normkit.Kit) -> None:
    table1 = normkit.load_normset(DATA / "table1-norms.yaml")
    inventory = kit.load_inventory(DATA / "helsehuset-2020.yaml")
    bare = kit.assess(inventory, table1, dt.date(2020, 1, 1), explain=False)
    assert any(u.override is not None for u in bare.units)  # overrides are applied
    assert all(u.explanation is None for u in bare.units)


def test_an_override_of_a_facility_level_need_is_applied_and_explained(kit: normkit.Kit) -> None:
    source = normkit.Source(document="Plan")
    local = normkit.NormSet(
        id="local",
        title="Local",
        extends="national",
        source=source,
        needs=(
            normkit.Need(
                id="lead",
                facility="Home",
                rule=normkit.Fixed(amount="0.2 FTE"),
                adopted=True,
                reason="a medical lead",
                source=source,
            ),
        ),
        overrides=(
            normkit.Override(
                id="more-lead",
                facility="Home",
                replaces="lead",
                rule=normkit.Rate(amount="1 FTE", per="100 place"),
                reason="the lead grows with the home",
                source=source,
            ),
        ),
    )
    inventory = normkit.Inventory.model_validate(
        {
            "facilities": [
                {"name": "Home", "units": [{"name": "A", "bed_type": "long_term", "beds": 50}]}
            ]
        }
    )
    lead = kit.assess(inventory, local, APRIL_2020).units[-1]
    assert lead.unit == "lead" and lead.status == "adopted"
    assert lead.required_fte == pytest.approx(50 / 100)  # the override reads the facility's places
    assert lead.explanation is not None
    assert lead.explanation["text"].startswith("adopted 0.5 FTE by override 'more-lead' [local]")
    (inner, replaced) = lead.explanation["children"]
    assert inner["text"].startswith("50 places × 1 FTE per 100 places")
    assert replaced["value"] == pytest.approx(0.2)


def test_the_cost_of_a_gap_under_one_fte_is_that_fraction(kit: normkit.Kit) -> None:
    local = normkit.NormSet(
        id="costed",
        title="Costed",
        extends="national",
        source=normkit.Source(document="Plan"),
        fte_cost=normkit.FteCost(salary="800000 NOK/year/FTE", employer_cost_factor=1.35),
    )

    def cost_with(staffed: float) -> float | None:
        inventory = normkit.Inventory.model_validate(
            {
                "facilities": [
                    {
                        "name": "Home",
                        "units": [{"name": "A", "bed_type": "long_term", "beds": 90}],
                        "staffing": staffed,
                    }
                ]
            }
        )
        return kit.assess(inventory, local, APRIL_2020).totals.gap_cost_nok_per_year

    assert cost_with(0.5) == pytest.approx(0.5 * 800_000 * 1.35)  # need 1 FTE, gap 0.5
    assert cost_with(1.25) == 0  # staffed beyond the need: no cost, never a negative one


def _local(**content: object) -> normkit.NormSet:
    return normkit.NormSet(
        id="local",
        title="Local",
        extends="national",
        source=normkit.Source(document="Plan"),
        **content,  # type: ignore[arg-type]
    )


def test_a_facility_name_only_loosely_like_one_in_the_inventory_gets_no_suggestion(
    kit: normkit.Kit, example: normkit.Inventory
) -> None:
    fixed = normkit.Fixed(amount="1 FTE")
    near = _local(overrides=(normkit.Override(id="o", facility="Tingvik", rule=fixed, reason="r"),))
    notes = kit.assess(example, near, APRIL_2020).notes
    # 'Tingvik' is two-thirds like 'Tingvoll': too far for a "did you mean".
    assert (
        "the norm set also has adopted values for Tingvik, which is not in this inventory "
        "(override 'o')" in notes
    )
    typo = _local(overrides=(normkit.Override(id="o", facility="Tingvol", rule=fixed, reason="r"),))
    assert (
        "override 'o' is for facility 'Tingvol', which this inventory does not have: did you "
        "mean 'Tingvoll'?" in kit.assess(example, typo, APRIL_2020).notes
    )


def test_an_unknown_is_noted_only_where_it_concerns_the_inventory(
    kit: normkit.Kit, example: normkit.Inventory
) -> None:
    source = normkit.Source(document="Plan", section="4")
    local = _local(
        unknowns=(
            normkit.Unknown(
                id="list-cap",
                relates_to=("free_list_places",),
                what="the list cap from 2026",
                source=source,
            ),
        )
    )
    assert not any("unknown:" in n for n in kit.assess(example, local, APRIL_2020).notes)
    with_lists = example.model_copy(update={"figures": {"free_list_places": 900.0}})
    assert (
        "unknown: the list cap from 2026 (Plan, § 4)"
        in kit.assess(with_lists, local, APRIL_2020).notes
    )


def test_a_derived_indicator_about_figures_the_inventory_lacks_is_left_out(
    kit: normkit.Kit, example: normkit.Inventory
) -> None:
    local = _local(
        indicators=(
            normkit.DerivedIndicator(
                id="patients_per_gp",
                label="listed patients per GP",
                rule=normkit.Ratio(
                    numerator="listed_patients", denominator="gps", reports_in="patients per GP"
                ),
            ),
        )
    )
    result = kit.assess(example, local, APRIL_2020)
    assert "patients_per_gp" not in result.indicators
    assert not any(n.startswith("not computed") for n in result.notes)


def test_the_assessment_names_the_norm_set_version_and_its_period(kit: normkit.Kit) -> None:
    table1 = normkit.load_normset(DATA / "table1-norms.yaml")
    inventory = kit.load_inventory(DATA / "helsehuset-2020.yaml")
    info = kit.assess(inventory, table1, dt.date(2020, 1, 1)).normset
    assert (info.id, info.valid_from, info.valid_to) == (
        "test-helsehuset",
        dt.date(2020, 1, 1),
        dt.date(2020, 12, 31),
    )
    assert info.extends == ["national"]


def test_entries_for_a_misspelt_facility_are_named_together(
    kit: normkit.Kit, example: normkit.Inventory
) -> None:
    fixed = normkit.Fixed(amount="1 FTE")
    two = _local(
        overrides=(
            normkit.Override(id="a", facility="Tingvol", unit="x", rule=fixed, reason="r"),
            normkit.Override(id="b", facility="Tingvol", unit="y", rule=fixed, reason="r"),
        )
    )
    assert (
        "override 'a', override 'b' are for facility 'Tingvol', which this inventory does not "
        "have: did you mean 'Tingvoll'?" in kit.assess(example, two, APRIL_2020).notes
    )


def test_a_shared_row_copied_is_what_pydantic_would_copy(kit: normkit.Kit) -> None:
    """Units of one kind share a computed row; the fast copy must equal pydantic's."""
    from normkit.assessment import copied

    result = kit.assess(normkit.load_inventory(normkit.EXAMPLE_INVENTORY), "national", APRIL_2020)
    row = result.units[0]
    changes = {"facility": "B", "unit": "U", "staffed_fte": 0.4, "gap_fte": 0.1, "unit_note": "n"}
    fast, usual = copied(row, changes), row.model_copy(update=changes)
    assert fast == usual and fast.model_dump_json() == usual.model_dump_json()
    assert fast.model_fields_set == usual.model_fields_set == set(type(row).model_fields)
    assert row.facility != "B"  # the shared row itself is untouched


@pytest.mark.parametrize("staffed", [False, True])
def test_many_facilities_of_one_kind_of_note_are_counted_in_one(
    kit: normkit.Kit, staffed: bool
) -> None:
    def inventory(count: int) -> normkit.Inventory:
        # long_term has a norm and no staffing; respite has staffing and no norm
        unit = {"name": "U", "bed_type": "respite" if staffed else "long_term", "beds": 30}
        extra = {"staffing": 0.5} if staffed else {}
        return normkit.Inventory.model_validate(
            {"facilities": [{"name": f"Home {i}", "units": [unit], **extra} for i in range(count)]}
        )

    few = kit.assess(inventory(10), "national", APRIL_2020, explain=False).notes
    assert len([n for n in few if n.startswith("Home ")]) == 10  # each named
    many = kit.assess(inventory(11), "national", APRIL_2020, explain=False)
    assert not [n for n in many.notes if n.startswith("Home ")]
    if staffed:  # 11 × 0.5 FTE staffed, no norm for respite
        expected = (
            "11 facilities (Home 0, Home 1, Home 2 and 8 more) have 5.5 FTE staffed in all, "
            "but no need is known for their places: the total gap leaves them out"
        )
    else:  # 11 × 30 places × 1 hour per 3 places ÷ 30 hours per FTE = 11/3 FTE
        expected = (
            "11 facilities (Home 0, Home 1, Home 2 and 8 more) have no staffing recorded: "
            "the total gap leaves their 3.67 FTE of need out"
        )
    assert expected in many.notes
    # each facility's own figures stay in the facilities
    assert len(many.facilities) == 11


def test_a_derived_indicator_is_explained_with_its_inputs_and_the_sources_figure() -> None:
    """Bergen's 256 GPs: the working, where 256 came from, and the slide's 384 beside it."""
    kit = normkit.Kit()
    inventory = kit.load_inventory(kit.example("bergen-gp-capacity-2024")[1])
    resolved = kit.resolve("bergen-gp", dt.date(2024, 1, 29))
    step = normkit.assess(inventory, resolved).indicator_explanations["gp_fte"]
    # 256 GPs × 56 hours a week ÷ 37.5 hours a week per FTE
    assert step["value"] == pytest.approx(256 * 56 / 37.5)
    assert step["text"].endswith("= 382.29 FTE") and "[bergen-gp]" in step["text"]
    assert step["source"]["section"] == "Fastlegeordningen"
    fed, stated = step["children"]
    assert fed["text"] == "gps = 256: as the inventory states it"
    assert stated["value"] == 384 and stated["rule"] == "gp-fte-2024"
    assert stated["text"].endswith(
        f"computed 382.29 FTE, a difference of -1.71 FTE ({256 * 56 / 37.5 / 384 - 1:+.2%})"
    )
    assert normkit.assess(inventory, resolved, explain=False).indicator_explanations == {}


def test_a_sources_figure_for_other_inputs_is_not_set_beside_an_indicator() -> None:
    kit = normkit.Kit()
    inventory = kit.load_inventory(kit.example("bergen-gp-capacity-2024")[1])
    fewer = inventory.model_copy(update={"figures": {**inventory.figures, "gps": 255.0}})
    resolved = kit.resolve("bergen-gp", dt.date(2024, 1, 29))
    step = normkit.assess(fewer, resolved).indicator_explanations["gp_fte"]
    assert [c["text"] for c in step["children"]] == ["gps = 255: as the inventory states it"]


def test_an_indicators_inputs_say_where_each_came_from() -> None:
    """Totals of the assessment, and an indicator derived before, named as such."""
    resolved = _resolved_with(
        normkit.Need(
            id="lt", bed_types=("long_term",), rule=normkit.Rate(amount="1 FTE", per="10 place")
        ),
        indicators=(
            normkit.DerivedIndicator(
                id="fte_per_place",
                label="FTE per place",
                rule=normkit.Ratio(
                    numerator="required_fte", denominator="beds", reports_in="FTE per place"
                ),
            ),
            normkit.DerivedIndicator(
                id="places_per_fte",
                label="places per FTE",
                rule=normkit.Ratio(
                    numerator="one", denominator="fte_per_place", reports_in="places per FTE"
                ),
            ),
        ),
    )
    inventory = normkit.Inventory.model_validate(
        {
            "figures": {"one": 1},
            "facilities": [
                {"name": "Home", "units": [{"name": "A", "bed_type": "long_term", "beds": 20}]}
            ],
        }
    )
    result = normkit.assess(inventory, resolved)
    assert result.indicators["places_per_fte"] == pytest.approx(10.0)
    first = [c["text"] for c in result.indicator_explanations["fte_per_place"]["children"]]
    assert first == [
        "beds = 20: the places of the inventory's units",
        "required_fte = 2: this assessment's total",
    ]
    second = [c["text"] for c in result.indicator_explanations["places_per_fte"]["children"]]
    assert second == [
        "fte_per_place = 0.1: the derived indicator 'fte_per_place'",
        "one = 1: as the inventory states it",
    ]


def test_hours_are_summed_only_where_every_norm_is_in_hours() -> None:
    """A sum of hours that left out a norm written in FTE would read too low: null."""
    resolved = _resolved_with(
        normkit.Need(
            id="lt",
            bed_types=("long_term",),
            rule=normkit.Rate(amount="1 hour/week", per="3 place", fte_basis="30 hour/week/FTE"),
        ),
        normkit.Need(
            id="st",
            bed_types=("short_term",),
            rule=normkit.Rate(amount="1 FTE", per="10 place"),
        ),
    )
    inventory = normkit.Inventory.model_validate(
        {
            "facilities": [
                {"name": "Hours", "units": [{"name": "A", "bed_type": "long_term", "beds": 30}]},
                {
                    "name": "Both",
                    "units": [
                        {"name": "B", "bed_type": "long_term", "beds": 15},
                        {"name": "C", "bed_type": "short_term", "beds": 20},
                        {"name": "R", "bed_type": "respite", "beds": 4},
                    ],
                },
                {"name": "None", "units": [{"name": "R", "bed_type": "respite", "beds": 4}]},
            ]
        }
    )
    result = normkit.assess(inventory, resolved)
    hours = {f.facility: f.norm_hours_per_week for f in result.facilities}
    assert hours == {"Hours": pytest.approx(30 / 3), "Both": None, "None": None}
    assert result.totals.norm_hours_per_week is None  # 'Both' has a norm in FTE
    hours_only = inventory.model_copy(
        update={"facilities": (inventory.facilities[0], inventory.facilities[2])}
    )
    assert normkit.assess(hours_only, resolved).totals.norm_hours_per_week == pytest.approx(10)


def _resolved_with(*needs: normkit.Need, **more: Any) -> normkit.ResolvedNormSet:
    """A norm set of these needs (and indicators...), resolved on 1 January 2020."""
    ns = normkit.NormSet(
        id="t", title="t", source=normkit.Source(document="d"), needs=needs, **more
    )
    return normkit.normset.resolve(ns, dt.date(2020, 1, 1), lambda *_: ns)
