"""Two norm sets on one inventory: figures side by side, differences, reasons, nulls kept null.

The national side is computed here from the 2012 norm's hours a week per
place (§ 3.1 of Sarpsborg's plan, 30 hours a week per FTE); the other side is
Table 1's adopted figures (tests/data/table1-norms.yaml), which are decisions.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

import normkit
from normkit.cli import app
from normkit.planning.compare import basis, reason

DATA = Path(__file__).parent / "data"
JAN_2020 = dt.date(2020, 1, 1)
BASIS = 30  # hours a week in one FTE


def national(hours_per_place: float, places: int) -> float:
    return places * hours_per_place / BASIS


@pytest.fixture
def helsehuset(kit: normkit.Kit) -> normkit.Comparison:
    inventory = kit.load_inventory(DATA / "helsehuset-2020.yaml")
    table1 = normkit.load_normset(DATA / "table1-norms.yaml")
    return kit.compare_normsets(inventory, "national", table1, JAN_2020)


def rows(comparison: normkit.Comparison) -> dict[str, normkit.UnitComparison]:
    return {u.unit: u for u in comparison.units}


def test_difference_is_right_minus_left_unit_by_unit(helsehuset: normkit.Comparison) -> None:
    by_unit = rows(helsehuset)
    palliative = by_unit["Palliative"]
    assert palliative.left is not None and palliative.right is not None
    assert palliative.left.required_fte == pytest.approx(national(5, 4))
    assert palliative.right.required_fte == 0.8
    assert palliative.difference_fte == pytest.approx(0.8 - national(5, 4))
    short = by_unit["Short-term"]
    assert short.difference_fte == pytest.approx(3.8 - national(1.5, 67))
    rehab = by_unit["Rehabilitation"]
    assert rehab.difference_fte == 0
    assert rehab.reason.startswith("same figure on the same basis (norm 'rehabilitation'")


def test_reasons_name_each_side_its_basis_and_source(helsehuset: normkit.Comparison) -> None:
    short = rows(helsehuset)["Short-term"]
    assert short.reason.startswith("national: norm 'short_term'; Legeforeningens")
    # This override gives no source of its own: the norm set's (in the heading) is its source.
    assert short.reason.endswith(
        "| test-helsehuset: adopted (override 'short-term'): mean stay is 11 days, not the 3–4 "
        "weeks the norm assumes"
    )


def test_no_norm_stays_null_and_says_which_side(helsehuset: normkit.Comparison) -> None:
    kad = rows(helsehuset)["KAD"]
    assert kad.left is not None and kad.left.status == "no_norm"
    assert kad.right is not None and kad.right.required_fte == 1.0
    assert kad.difference_fte is None
    assert kad.reason == (
        "not comparable: national: no norm: 'national' has no rule for bed type 'municipal_acute'"
    )
    assert helsehuset.notes == [
        "national has no figure for 8 places in 1 unit(s) that test-helsehuset gives one for "
        "(Helsehuset › KAD): the difference of totals includes them on one side only",
        "only test-helsehuset has the facility-level need(s) Helsehuset › medical lead "
        "(medisinskfaglig ansvar): test-helsehuset's total includes them",
    ]


def test_a_facility_need_on_one_side_only_is_kept(helsehuset: normkit.Comparison) -> None:
    lead = rows(helsehuset)["medical lead (medisinskfaglig ansvar)"]
    assert lead.left is None and lead.right is not None
    assert lead.beds is None and lead.difference_fte is None
    assert (
        lead.reason
        == "only test-helsehuset has this facility-level need: adopted: Angitt ut fra behov"
    )
    assert [u.unit for u in helsehuset.units] == [
        "KAD",
        "Rehabilitation",
        "Palliative",
        "Short-term",
        "medical lead (medisinskfaglig ansvar)",
    ]


def test_totals_and_facilities_are_each_sides_own(helsehuset: normkit.Comparison) -> None:
    left = national(3, 6) + national(5, 4) + national(1.5, 67)
    right = 1.0 + 0.6 + 0.8 + 3.8 + 0.2  # Table 1: adopted 6.4 FTE
    t = helsehuset.totals
    assert t.left.required_fte == pytest.approx(left)
    assert t.right.required_fte == pytest.approx(right)
    assert t.difference_fte == pytest.approx(right - left)
    assert t.left.staffed_fte == t.right.staffed_fte == 5.8
    assert t.right.gap_fte == pytest.approx(right - 5.8)
    (facility,) = helsehuset.facilities
    assert facility.difference_fte == pytest.approx(right - left)
    assert t.gap_cost_difference_nok_per_year is None  # neither side gives a salary


def test_sides_say_which_norm_set_and_date(helsehuset: normkit.Comparison) -> None:
    assert helsehuset.left.normset.id == "national"
    assert helsehuset.right.normset.id == "test-helsehuset"
    assert helsehuset.right.normset.extends == ["national"]
    assert helsehuset.left.at == helsehuset.right.at == JAN_2020
    assert helsehuset.inventory == "Helsehuset 2020"


def test_two_inventories_are_not_compared(kit: normkit.Kit, example: normkit.Inventory) -> None:
    other = kit.load_inventory(DATA / "helsehuset-2020.yaml")
    with pytest.raises(normkit.NormkitError) as caught:
        normkit.compare_assessments(
            kit.assess(example, "national", JAN_2020), kit.assess(other, "national", JAN_2020)
        )
    assert caught.value.code == "compare.different-inventories"
    assert caught.value.message == (
        "the two assessments are not of the same inventory "
        "('Sarpsborg nursing homes 2020' and 'Helsehuset 2020')"
    )


def test_different_dates_are_noted(kit: normkit.Kit, example: normkit.Inventory) -> None:
    result = normkit.compare_assessments(
        kit.assess(example, "national", JAN_2020),
        kit.assess(example, "national", dt.date(2020, 4, 1)),
    )
    assert result.notes == [
        "the sides are assessed on different dates (2020-01-01 and 2020-04-01): "
        "staffing may differ too"
    ]
    assert all(u.difference_fte == 0 for u in result.units)


@given(st.sampled_from(["national", "table1"]))
def test_a_norm_set_compared_with_itself_differs_nowhere(which: str) -> None:
    kit = normkit.Kit(autoload=False)
    inventory = kit.load_inventory(DATA / "helsehuset-2020.yaml")
    norms = "national" if which == "national" else normkit.load_normset(DATA / "table1-norms.yaml")
    a = kit.assess(inventory, norms, JAN_2020)
    result = normkit.compare_assessments(a, a)
    for u in result.units:
        assert u.difference_fte == (None if u.left and u.left.required_fte is None else 0)
        assert u.reason.startswith(("same figure on the same basis", "not comparable"))
    assert result.totals.difference_fte == 0
    assert result.notes == []


def test_basis_short_form_leaves_sources_out(helsehuset: normkit.Comparison) -> None:
    short = rows(helsehuset)["Short-term"]
    assert short.right is not None
    assert basis(short.right, cite=False) == (
        "adopted: mean stay is 11 days, not the 3–4 weeks the norm assumes"
    )
    assert reason("a", short.left, "b", short.right, cite=False) == (
        "a: norm 'short_term' | b: adopted: mean stay is 11 days, not the 3–4 weeks the norm "
        "assumes"
    )


# -- the command --------------------------------------------------------------

runner = CliRunner()


@pytest.fixture(autouse=True)
def _only_builtin_plugins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NORMKIT_DISABLE_PLUGIN_AUTOLOAD", "1")


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


HELSEHUSET = ("compare", str(DATA / "helsehuset-2020.yaml"), "--against")
TABLE1 = str(DATA / "table1-norms.yaml")


def test_cli_table_shows_both_sides_and_the_difference() -> None:
    code, out, err = run(*HELSEHUSET, TABLE1)
    assert code == 0, err
    flat = " ".join(out.split())
    assert "Helsehuset 2020 — national 2012 on 2020-01-01 vs test-helsehuset on 2020-01-01" in flat
    short = next(line for line in out.splitlines() if "Short-term" in line)
    assert "3.35" in short and "3.80" in short and "+0.45" in short
    kad = next(line for line in out.splitlines() if "KAD" in line)
    assert "no norm" in kad and "not comparable" in kad
    total = next(line for line in out.splitlines() if "Total" in line)
    assert "4.62" in total and "6.40" in total and "+1.78" in total
    gap = next(line for line in out.splitlines() if line.startswith("│ test-helsehuset"))
    assert "0.60" in gap and "not known" in gap
    assert "not costed: the norm set gives no salary" in out


def test_cli_json_is_the_comparison_model() -> None:
    code, out, _ = run(*HELSEHUSET, TABLE1, "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert normkit.Comparison.model_validate(data).totals.right.required_fte == pytest.approx(6.4)
    assert set(data) == {"inventory", "left", "right", "units", "facilities", "totals", "notes"}


def test_cli_csv_has_nulls_as_empty_cells_and_numbers_as_numbers() -> None:
    code, out, _ = run(*HELSEHUSET, TABLE1, "--format", "csv")
    assert code == 0
    table = list(csv.DictReader(io.StringIO(out)))
    kad = next(r for r in table if r["unit"] == "KAD")
    assert kad["left_status"] == "no_norm" and kad["left_required_fte"] == ""
    assert kad["right_required_fte"] == "1" and kad["difference_fte"] == ""
    total = table[-1]
    assert total["level"] == "total"
    # CSV figures are written at 4 decimals (JSON keeps full precision)
    assert float(total["difference_fte"]) == pytest.approx(6.4 - 4.616666666666667, abs=5e-5)
    assert "national has no figure for 8 places" in total["reason"]


def test_cli_escapes_names_in_every_format(tmp_path: Path) -> None:
    inventory = tmp_path / "inv.yaml"
    inventory.write_text(
        textwrap.dedent(
            """
            name: "Pipes | and [links](x)"
            facilities:
              - name: "=HYPERLINK(\\"x\\") | <b>"
                units: [{name: "[bold]A[/bold]", bed_type: long_term, beds: 90}]
            """
        ),
        encoding="utf-8",
    )
    code, out, _ = run("compare", str(inventory), "--against", "national", "--at", "2020-04-01")
    assert code == 0
    assert "[bold]A[/bold]" in out  # shown as written, not taken as markup
    on = ("--against", "national", "--at", "2020-04-01")
    code, out, _ = run("compare", str(inventory), *on, "--format", "markdown")
    assert code == 0
    assert '| =HYPERLINK("x") \\| \\<b\\> | \\[bold\\]A\\[/bold\\] | long\\_term |' in out
    code, out, _ = run("compare", str(inventory), *on, "--format", "csv")
    assert "'=HYPERLINK" in out


def test_cli_against_is_required_and_must_exist() -> None:
    code, _, err = run("compare")
    assert code == 1
    assert err.startswith("error: give the norm set to compare with: --against")
    code, _, err = run("compare", "--against", "Nowhere")
    assert code == 1
    assert "error: 'Nowhere' is neither a norm set nor a municipality" in err
    assert "norm sets: national, national-emergency-duty" in err


def test_cli_explain_shows_both_sides() -> None:
    code, out, _ = run(*HELSEHUSET, TABLE1, "--explain")
    assert code == 0
    assert "\n\nExplanations\n" in out and "\\x" not in out  # a blank line, not its escape
    text = out.split("Explanations", 1)[1]
    assert "Helsehuset › Short-term:" in text
    assert "  national:" in text and "  test-helsehuset:" in text
    assert "adopted 3.8 FTE by override 'short-term' [test-helsehuset] (pure norm 3.35 FTE)" in text
    code, _, err = run(*HELSEHUSET, TABLE1, "--explain", "--format", "csv")
    assert code == 1 and "--explain is not available with --format csv" in err


def test_explanations_follow_the_explain_flag(kit: normkit.Kit, example: normkit.Inventory) -> None:
    explained = kit.compare_normsets(example, "national", "national", JAN_2020)
    assert all(u.left and u.left.explanation for u in explained.units)
    assert all(u.right and u.right.explanation for u in explained.units)
    bare = kit.compare_normsets(example, "national", "national", JAN_2020, explain=False)
    assert all(u.left and u.left.explanation is None for u in bare.units)
    assert all(u.right and u.right.explanation is None for u in bare.units)


def test_each_side_is_assessed_for_its_own_municipality(example: normkit.Inventory) -> None:
    class Two:
        __name__ = "two"

        @normkit.hookimpl
        def normkit_register_municipalities(self, register: object) -> None:
            for slug, code in (("east", "3991"), ("west", "3992")):
                register(  # type: ignore[operator]
                    normkit.Municipality(
                        id=slug,
                        name=slug.title(),
                        codes=(normkit.MunicipalityCode(code=code),),
                        normsets=("national",),
                    )
                )

    kit = normkit.Kit([Two()], autoload=False)
    both = kit.compare_normsets(
        example,
        "national",
        "national",
        JAN_2020,
        left_municipality="East",
        right_municipality="3992",
    )
    assert both.left.municipality == normkit.MunicipalityInfo(
        id="east", name="East", kommunenummer="3991"
    )
    assert both.right.municipality == normkit.MunicipalityInfo(
        id="west", name="West", kommunenummer="3992"
    )
    neither = kit.compare_normsets(example, "national", "national", JAN_2020)
    assert neither.left.municipality is None and neither.right.municipality is None


def test_same_figure_from_another_source_is_not_the_same_basis(
    kit: normkit.Kit, example: normkit.Inventory
) -> None:
    # The national long-term rate (1/3 hour a week per place), restated by a local plan.
    local = normkit.NormSet(
        id="local",
        title="Local",
        extends="national",
        source=normkit.Source(document="Our plan"),
        needs=(
            normkit.Need(
                id="long_term",
                bed_types=("long_term",),
                rule=normkit.Rate(
                    amount="1 hour/week", per="3 place", fte_basis="30 hour/week/FTE"
                ),
                reason="restated in our plan",
                source=normkit.Source(document="Our plan", section="2"),
            ),
        ),
    )
    result = kit.compare_normsets(example, "national", local, JAN_2020, explain=False)
    kurland = rows(result)["Kurland"]
    assert kurland.difference_fte == pytest.approx(0)
    assert not kurland.reason.startswith("same figure")
    short = reason("national", kurland.left, "local", kurland.right, cite=False)
    assert short == "national: norm 'long_term' | local: norm 'long_term'"


def test_one_norm_set_on_both_sides_is_labelled_left_and_right(
    kit: normkit.Kit, tmp_path: Path
) -> None:
    from normkit.render.locale import Locale
    from normkit.render.reports import to_report

    path = tmp_path / "unstaffed.yaml"
    path.write_text(
        "facilities:\n  - name: Home\n    units:\n"
        "      - {name: A, bed_type: long_term, beds: 90}\n",
        encoding="utf-8",
    )
    inventory = kit.load_inventory(path)
    same = kit.compare_normsets(inventory, "national", "national", JAN_2020, explain=False)
    units, gaps = to_report(same, Locale("en")).tables()[:2]
    assert units.columns[4:6] == ("national (left) FTE", "national (right) FTE")
    # No staffing recorded: there is no gap to cost, and the row says why.
    left = gaps.rows[0].cells
    assert left[0] == "national (left)"
    assert left[3] == "no gap: the need or the staffing is not known"


def test_two_inventories_of_one_name_are_not_compared(kit: normkit.Kit) -> None:
    def inventory(unit: str) -> normkit.Inventory:
        return normkit.Inventory.model_validate(
            {
                "name": "Homes",
                "facilities": [
                    {"name": "H", "units": [{"name": unit, "bed_type": "long_term", "beds": 9}]}
                ],
            }
        )

    with pytest.raises(normkit.NormkitError) as caught:
        normkit.compare_assessments(
            kit.assess(inventory("A"), "national", JAN_2020),
            kit.assess(inventory("B"), "national", JAN_2020),
        )
    assert caught.value.code == "compare.different-inventories"
