"""KOSTRA's physician hours per week per nursing-home resident, from an inventory.

The value is computed here from Table 3 (3.4 FTE staffed on 2020-04-01, 370
places) and SSB's 37.5-hour FTE; the published figures are SSB table 12293's.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

import normkit
from normkit.cli import app

from .conftest import APRIL_2020, EXAMPLE

HOURS_PER_FTE = 37.5  # SSB's convention
TABLE_3_STAFFED, TABLE_3_PLACES = 3.4, 370
MEAN_2020 = 0.56  # national mean, SSB table 12293


def test_table_3_against_the_national_mean(kit: normkit.Kit, example: normkit.Inventory) -> None:
    result = kit.kostra(example, APRIL_2020)
    expected = TABLE_3_STAFFED * HOURS_PER_FTE / TABLE_3_PLACES
    assert result.value == pytest.approx(expected)
    assert result.physician_hours_per_week == pytest.approx(TABLE_3_STAFFED * HOURS_PER_FTE)
    assert result.residents == TABLE_3_PLACES
    (mean,) = [b for b in result.benchmarks if b.year == 2020]
    assert (mean.statistic, mean.value) == ("national mean", MEAN_2020)
    assert mean.difference == pytest.approx(expected - MEAN_2020)
    assert mean.source.cite() == "Statistisk sentralbyrå (SSB), KOSTRA, table 12293"
    assert [b.year for b in result.benchmarks] == sorted(b.year for b in result.benchmarks)
    assert "3.40 FTE staffed × 37.5 hours a week" in result.basis
    assert "370 places taken as residents" in result.basis


def test_respite_places_and_facilities_without_staffing_are_left_out(kit: normkit.Kit) -> None:
    inventory = normkit.Inventory(
        facilities=[
            {
                "name": "A",
                "units": [
                    {"name": "L", "bed_type": "long_term", "beds": 30},
                    {"name": "R", "bed_type": "respite", "beds": 10},
                ],
                "staffing": 0.4,
            },
            {"name": "B", "units": [{"name": "L", "bed_type": "long_term", "beds": 50}]},
        ]
    )
    result = kit.kostra(inventory, dt.date(2024, 1, 1))
    assert result.value == pytest.approx(0.4 * HOURS_PER_FTE / 30)
    assert "(10 respite places left out, as KOSTRA does)" in result.basis
    assert any("left out, no staffing recorded: B" in n for n in result.notes)


def test_stated_figures_win_and_nothing_is_guessed(kit: normkit.Kit) -> None:
    stated = normkit.Inventory(
        facilities=[
            {
                "name": "A",
                "units": [{"name": "L", "bed_type": "long_term", "beds": 30}],
                "staffing": 1,
            }
        ],
        figures={"residents": 27, "physician_hours_per_week": 20},
    )
    result = kit.kostra(stated, dt.date(2024, 1, 1))
    assert result.value == pytest.approx(20 / 27)
    assert (
        result.basis
        == "20 hours a week, as the inventory states ÷ 27 residents, as the inventory states"
    )
    assert result.notes == []
    unstaffed = normkit.Inventory(
        facilities=[{"name": "A", "units": [{"name": "L", "bed_type": "long_term", "beds": 30}]}]
    )
    none = kit.kostra(unstaffed, dt.date(2024, 1, 1))
    assert none.value is None and none.basis == "not known: no facility has staffing recorded"
    assert all(b.difference is None for b in none.benchmarks)


runner = CliRunner()


def cli(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["kostra", *args], env={"NORMKIT_DISABLE_PLUGIN_AUTOLOAD": "1"})
    return result.exit_code, result.stdout, result.stderr


def test_cli_kostra_in_every_format() -> None:
    expected = TABLE_3_STAFFED * HOURS_PER_FTE / TABLE_3_PLACES
    code, out, _ = cli()
    assert code == 0
    assert f"(KOSTRA) on 2020-04-01: {expected:.2f}" in out.replace("\n", " ").replace("   ", " ")
    assert "│ 2020 │ national mean" in out and f"{expected - MEAN_2020:+.2f} │" in out
    code, out, _ = cli("--format", "json")
    (document,) = json.loads(out)
    assert document["value"] == pytest.approx(expected)
    code, out, _ = cli("--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {r["statistic"] for r in rows} >= {"national mean", "national median"}
    assert float(rows[0]["inventory_value"]) == pytest.approx(expected, abs=5e-5)
    code, out, _ = cli("--format", "markdown", "--at", "2020-01-01")
    assert "| 2020 | national mean | 0.56 |" in out
    assert f"on 2020-01-01: {(TABLE_3_STAFFED + 0.4) * HOURS_PER_FTE / TABLE_3_PLACES:.2f}" in out


def test_several_inventories_side_by_side(write: Callable[[str, str], Path]) -> None:
    other = write(
        "other.yaml",
        """
        name: Other homes
        as_of: 2023-01-01
        facilities:
          - name: H
            units: [{name: L, bed_type: long_term, beds: 75}]
            staffing: 1.0
        """,
    )
    code, out, err = cli(str(EXAMPLE), str(other), "--format", "markdown")
    assert code == 0, err
    sarpsborg = TABLE_3_STAFFED * HOURS_PER_FTE / TABLE_3_PLACES
    mean, median = f"{sarpsborg - MEAN_2020:+.2f} | 2020", f"{sarpsborg - 0.45:+.2f} | 2015"
    assert (
        f"| Sarpsborg nursing homes 2020 | 2020-04-01 | {sarpsborg:.2f} | {mean} | {median} |"
        in out
    )
    other_value = 1.0 * HOURS_PER_FTE / 75
    mean, median = f"{other_value - 0.62:+.2f} | 2022", f"{other_value - 0.54:+.2f} | 2022"
    assert f"| Other homes | 2023-01-01 | {other_value:.2f} | {mean} | {median} |" in out
    code, out, _ = cli(str(EXAMPLE), str(other), "--format", "json")
    assert [d["inventory"] for d in json.loads(out)] == [
        "Sarpsborg nursing homes 2020",
        "Other homes",
    ]
    code, out, _ = cli(str(EXAMPLE), str(other), "--format", "csv")
    assert {r["inventory"] for r in csv.DictReader(io.StringIO(out))} == {
        "Sarpsborg nursing homes 2020",
        "Other homes",
    }
    code, _, err = cli(str(other), "--example", "x")
    assert code == 1 and "not both" in err


def test_in_norwegian_every_published_figure_is_named_in_norwegian(
    kit: normkit.Kit, example: normkit.Inventory
) -> None:
    """The statistics and the indicator come from normkit's own file: each has its
    Norwegian name, so the table mixes no English into a Norwegian report."""
    from normkit.render.locale import Locale
    from normkit.render.reports import to_report

    position = kit.kostra(example, dt.date(2022, 12, 31))  # every statistic published by then
    english = {b.statistic for b in position.benchmarks} | {position.label}
    report = to_report([position], Locale("nb"))
    published = report.tables()[-1]
    shown = {Locale("nb").cell(row.cells[1]) for row in published.rows}
    assert len(shown) == len({b.statistic for b in position.benchmarks}) == 4
    assert not shown & english
    assert "legetimer per uke per beboer i sykehjem (KOSTRA)" in published.title
