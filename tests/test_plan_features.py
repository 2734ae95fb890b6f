"""Parameters, checks, figures, derived indicators, rosters and manifest plugins."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

import normkit
from normkit.conditions import whole_months
from normkit.roster import Roster, Shift

from .conftest import APRIL_2020


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        ("2023-05-15", "2024-05-14", 11),
        ("2023-05-15", "2024-05-15", 12),
        ("2023-01-31", "2023-02-27", 0),
        ("2023-01-31", "2023-02-28", 1),
        ("2023-01-31", "2023-03-31", 2),
        ("2024-02-29", "2025-02-27", 11),
        ("2024-02-29", "2025-02-28", 12),
    ],
)
def test_whole_calendar_months(start: str, end: str, months: int) -> None:
    assert whole_months(dt.date.fromisoformat(start), dt.date.fromisoformat(end)) == months


def test_parameter_is_a_value_or_an_explicit_unknown() -> None:
    assert normkit.Parameter(id="p", value="10 day/year").describe() == "10 day/year"
    # thousands spaced from five digits, as figures are shown; decimals kept as written
    for written, shown in (
        ("15000000 NOK", "15 000 000 NOK"),
        ("325000 NOK", "325 000 NOK"),
        ("1200 NOK", "1200 NOK"),
        ("12345.5 NOK", "12 345.5 NOK"),
        ("0.123456 FTE", "0.123456 FTE"),
    ):
        assert normkit.Parameter(id="p", value=written).describe() == shown
    assert normkit.Parameter(id="p", unknown="not in the plan").describe() == (
        "unknown: not in the plan"
    )
    with pytest.raises(ValueError, match="either 'value' or 'unknown'"):
        normkit.Parameter(id="p")


def test_check_needs_a_condition_on_known_attributes() -> None:
    with pytest.raises(ValueError, match="which a gp_list does not have"):
        normkit.Condition(
            id="c",
            over="gp_list",
            message="m",
            action="a",
            when=normkit.Compare(attribute="gps", op=">", value=1),
        )


NATIONAL_AT = dt.date(2024, 6, 1)


def test_roster_names_unknown_physicians() -> None:
    with pytest.raises(ValueError, match="shift 's' names unknown physician 'X'"):
        Roster(physicians=(), shifts=(Shift(id="s", date=NATIONAL_AT, on_duty=("X",)),))


def test_gp_list_limits_are_dated(kit: normkit.Kit) -> None:
    lists = normkit.Inventory(gp_lists=(normkit.GPList(id="big", cap=2600, listed=2500),))
    before = kit.assess(lists, "national-gp-lists", dt.date(2025, 12, 31)).alerts
    assert [a.id for a in before] == ["list-cap-above-2500"]
    after = kit.resolve("national-gp-lists", dt.date(2026, 1, 1))
    assert after.conditions == () and after.parameter("list_maximum").value is None
    assert kit.assess(lists, "national-gp-lists", dt.date(2026, 1, 1)).alerts == []


def test_derived_indicator_and_its_missing_input(kit: normkit.Kit) -> None:
    ns = normkit.NormSet(
        id="d",
        title="d",
        valid_from=dt.date(2020, 1, 1),
        source=normkit.Source(document="t"),
        indicators=(
            normkit.DerivedIndicator(
                id="per_10k",
                label="FTE per 10 000",
                rule=normkit.Ratio(
                    numerator="legevakt_fte",
                    denominator="inhabitants",
                    per=10_000,
                    reports_in="FTE per 10 000 inhabitants",
                ),
            ),
        ),
    )
    full = normkit.Inventory(
        populations=(normkit.Population(inhabitants=186_000),), figures={"legevakt_fte": 13.5}
    )
    assert kit.assess(full, ns, APRIL_2020).indicators["per_10k"] == pytest.approx(0.7258, 1e-3)
    partial = normkit.Inventory(figures={"legevakt_fte": 13.5})
    notes = kit.assess(partial, ns, APRIL_2020).notes
    assert notes == [
        "not computed: indicator 'per_10k' needs inhabitants, which the inventory does not give"
    ]


def test_figures_keep_the_stated_number(kit: normkit.Kit) -> None:
    ns = normkit.NormSet(
        id="f",
        title="f",
        valid_from=dt.date(2020, 1, 1),
        source=normkit.Source(document="t"),
        rules=(
            normkit.NamedRule(
                id="gp_fte",
                rule=normkit.Rate(
                    amount="56 hour/week", per="1 physician", fte_basis="37.5 hour/week/FTE"
                ),
            ),
        ),
        figures=(
            normkit.Figure(
                id="x", label="256 GPs", rule="gp_fte", inputs={"physicians": 256}, stated="384 FTE"
            ),
        ),
    )
    (result,) = kit.resolve(ns, APRIL_2020).figure_results()
    assert (result.stated, round(result.computed, 2)) == (384, 382.29)
    assert result.difference == pytest.approx(-1.7067, abs=1e-4)


def test_manifest_plugin(tmp_path: Path, write: Callable[[str, str], Path]) -> None:
    write(
        "norms.yaml",
        """
        id: testby
        title: Testby
        valid_from: 2020-01-01
        source: {document: Testby plan}
        extends: national
    """,
    )
    write("example.yaml", "facilities: []\n")
    manifest = write(
        "normkit-plugin.yaml",
        """
        municipality:
          id: testby
          name: Testby
          codes: [{code: "9999"}]
          normsets: [testby]
          examples: [{id: testby-x, title: X, path: example.yaml}]
        normsets: [norms.yaml]
    """,
    )
    kit = normkit.Kit([normkit.ManifestPlugin(tmp_path)], autoload=False)
    assert kit.failures == []
    assert kit.normset_for("9999", APRIL_2020).id == "testby"
    assert kit.example("testby-x")[1] == tmp_path / "example.yaml"
    manifest.write_text(manifest.read_text().replace("norms.yaml", "missing.yaml"))
    broken = normkit.Kit([normkit.ManifestPlugin(tmp_path)], autoload=False)
    # Once, with its own code and the manifest's path, not once per hook as "plugin.failed".
    (failure,) = broken.failures
    assert "files named in the manifest are missing" in failure.error
    assert (failure.code, failure.file) == ("plugin.manifest-missing-file", str(manifest))
    assert "testby" not in broken.municipalities
    from normkit.lint import check_plugins

    findings = check_plugins(broken)
    assert [(f.code, f.file) for f in findings] == [("plugin.manifest-missing-file", str(manifest))]
