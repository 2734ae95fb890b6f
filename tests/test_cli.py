"""The command line, as a planner uses it."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

import normkit
from normkit.cli import app


@pytest.fixture(autouse=True)
def _only_builtin_plugins(monkeypatch: pytest.MonkeyPatch) -> None:
    # Figures below are the national norm's; installed plugins must not change them.
    monkeypatch.setenv("NORMKIT_DISABLE_PLUGIN_AUTOLOAD", "1")


runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_default_example_prints_the_table_3_totals() -> None:
    code, out, _ = run("assess")
    assert code == 0
    assert "2020-04-01" in out
    total = next(line for line in out.splitlines() if "Total" in line)
    # need, adopted need, staffed, gap; then the norm's physician hours per week
    assert re.findall(r"\d+\.\d\d", total) == ["5.16", "5.16", "3.40", "1.76", "154.83"]


def test_staffed_is_3_8_on_new_year() -> None:
    code, out, _ = run("assess", "--at", "2020-01-01", "--format", "json")
    assert code == 0
    assert json.loads(out)["totals"]["staffed_fte"] == pytest.approx(3.8)


def test_json_keys() -> None:
    data = json.loads(run("assess", "--format", "json")[1])
    assert set(data) >= {"normset", "at", "units", "facilities", "totals", "alerts"}
    assert data["normset"]["id"] == "national"
    assert set(data["units"][0]) >= {
        "facility",
        "unit",
        "bed_type",
        "beds",
        "norm_fte",
        "required_fte",
        "staffed_fte",
        "gap_fte",
    }
    assert set(data["totals"]) >= {"norm_fte", "required_fte", "staffed_fte", "gap_fte"}
    assert data["units"][0]["explanation"] is None  # only with --explain


def test_explain_shows_borgen_chain_with_source() -> None:
    code, out, _ = run("assess", "--explain")
    assert code == 0
    lines = out.splitlines()
    at = lines.index("Borgen › Borgen:")
    assert (
        "70 places × 0.5 hour/week per place (norm: 1 hour/week per 2 places) = 35 "
        "hour/week ÷ 30 hour/week/FTE = 1.17 FTE" in lines[at + 1]
    )
    assert lines[at + 2].strip().startswith("source: Legeforeningens anbefalte bemanningsnorm")
    assert "§ 3.1" in lines[at + 2]


@pytest.fixture
def respite_file(write: Callable[[str, str], Path]) -> Path:
    return write(
        "respite.yaml",
        """
        name: Respite test
        as_of: 2020-04-01
        facilities:
          - name: Home
            units:
              - {name: Respite, bed_type: respite, beds: 13}
              - {name: Long, bed_type: long_term, beds: 90}
            staffing: 1.0
    """,
    )


def test_respite_no_norm_in_every_format(respite_file: Path) -> None:
    _, table, _ = run("assess", str(respite_file))
    row = next(line for line in table.splitlines() if "│ respite" in line)
    assert "no norm" in row
    assert "13 places in 1 unit(s) have no norm" in table
    _, md, _ = run("assess", str(respite_file), "--format", "markdown")
    assert "| Home | Respite | respite | 13 | no norm | no norm |" in md
    assert "13 places in 1 unit(s) have no norm" in md
    data = json.loads(run("assess", str(respite_file), "--format", "json")[1])
    unit = data["units"][0]
    assert unit["status"] == "no_norm" and unit["norm_fte"] is None
    assert "no norm" in unit["note"]
    assert data["totals"]["places_without_norm"] == 13
    _, text, _ = run("assess", str(respite_file), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["status"] == "no_norm" and rows[0]["norm_fte"] == ""
    assert "no norm" in rows[-1]["note"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["assess", "missing.yaml"], "error: missing.yaml: file not found"),
        (["assess", "--at", "2020-02-30"], "error: --at: '2020-02-30' is not a real date"),
        (["assess", "--norms", "nope"], "error: 'nope' is neither a norm set nor a municipality"),
        (["assess", "--at", "2011-06-01"], "has no version in force on 2011-06-01"),
        (["assess", "--municipality", "Atlantis"], "error: unknown municipality 'Atlantis'"),
        (["assess", "--norms", "national", "--municipality", "x"], "not both"),
        (["show", "nope"], "error: unknown norm set 'nope'"),
    ],
)
def test_errors_go_to_stderr_without_traceback(args: list[str], message: str) -> None:
    code, out, err = run(*args)
    assert code == 1
    assert message in err
    assert "Traceback" not in err and out == ""


def test_debug_shows_the_traceback() -> None:
    result = runner.invoke(app, ["--debug", "assess", "missing.yaml"])
    assert result.exit_code == 1
    assert result.exception is not None


def test_bad_inventory_names_file_and_line(write: Callable[[str, str], Path]) -> None:
    path = write(
        "bad.yaml",
        """
        facilities:
          - name: Home
            units:
              - {name: A, bed_type: hospital, beds: 3}
    """,
    )
    code, _, err = run("assess", str(path))
    assert code == 1
    assert f"{path}:4, field 'facilities[0].units[0].bed_type': unknown bed type 'hospital'" in err


def test_plugins_norms_show() -> None:
    code, out, _ = run("plugins", "--format", "json")
    assert code == 0
    plugins = json.loads(out)["plugins"]
    assert plugins[0]["plugin"] == "national"
    assert {
        "id": "national",
        "version": "2012",
        "valid_from": "2012-01-01",
        "valid_to": None,
    } in plugins[0]["normsets"]
    code, out, _ = run("norms", "--at", "2020-04-01", "--format", "json")
    assert [r["id"] for r in json.loads(out)] == [
        "national",
        "national-emergency-duty",
        "national-fte-convention",
        "national-gp-lists",
    ]
    code, out, _ = run("show", "national", "--at", "2020-04-01")
    assert code == 0
    assert "1 hour/week per 3 places, 30 hour/week/FTE (= 1 FTE per 90 places)" in out
    assert "Den norske legeforening" in out


def test_console_script_runs(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "normkit", "assess", "--format", "csv"],
        capture_output=True,
        text=True,
        check=False,
        env={"NORMKIT_DISABLE_PLUGIN_AUTOLOAD": "1", "PATH": ""},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1].startswith(",,total,,,,370,,5.16")


def test_norms_from_a_file_and_its_errors(write: Callable[[str, str], Path]) -> None:
    norms = write(
        "mine.yaml",
        """
        id: mine
        title: Our adopted need
        valid_from: 2020-01-01
        extends: national
        source: {document: our plan}
        overrides:
          - id: borgen
            facility: Borgen
            unit: Borgen
            replaces: dementia_special
            rule: {kind: fixed, amount: 1.1 FTE}
            reason: experienced need
    """,
    )
    code, out, err = run("assess", "--norms", str(norms), "--format", "json")
    assert code == 0, err
    borgen = next(u for u in json.loads(out)["units"] if u["unit"] == "Borgen")
    assert (borgen["status"], borgen["required_fte"]) == ("adopted", 1.1)
    norms.write_text(norms.read_text().replace("replaces: dementia_special", "replaces: dementia"))
    code, _, err = run("assess", "--norms", str(norms))
    assert code == 1
    assert (
        f"{norms}:10, field 'overrides[0].replaces': override 'borgen' replaces need "
        "'dementia', which does not exist" in err
    )


def test_explain_is_refused_with_csv() -> None:
    code, _, err = run("assess", "--explain", "--format", "csv")
    assert code == 1 and "--explain is not available with --format csv" in err


def test_unknown_example_lists_examples() -> None:
    code, _, err = run("assess", "--example", "nope")
    assert code == 1 and "unknown example 'nope'" in err


def test_show_lists_bed_types_with_no_rule() -> None:
    _, out, _ = run("show", "national", "--at", "2020-04-01")
    assert "Bed types with no rule" in out
    assert "assisted_living, municipal_acute, old_age_home, respite" in out


def test_a_kommunenummer_is_resolved_on_the_date(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("normkit_sarpsborg")
    monkeypatch.setenv("NORMKIT_DISABLE_PLUGIN_AUTOLOAD", "0")
    monkeypatch.setenv("NORMKIT_PLUGINS", "sarpsborg")
    example = ("--example", "sarpsborg-nursing-homes-2020")
    code, _, err = run("assess", *example, "--municipality", "3003", "--at", "2024-01-01")
    assert code == 1
    assert (
        "kommunenummer 3003 is not in use on 2024-01-01: 3003 was Sarpsborg's number from "
        "2020-01-01 until 2023-12-31; on 2024-01-01 Sarpsborg is 3105" in err
    )
    code, out, _ = run("assess", *example, "--municipality", "3105", "--at", "2024-01-01")
    assert code == 0
    assert "for Sarpsborg (kommunenummer 3105) on 2024-01-01" in " ".join(out.split())
    code, out, _ = run(
        "assess", *example, "--municipality", "3003", "--at", "2020-04-01", "--format", "json"
    )
    assert json.loads(out)["municipality"] == {
        "id": "sarpsborg",
        "name": "Sarpsborg",
        "kommunenummer": "3003",
    }
    code, out, _ = run("assess", *example, "--municipality", "sarpsborg", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {(r["municipality"], r["kommunenummer"]) for r in rows} == {("Sarpsborg", "3003")}
    code, out, _ = run("assess", *example, "--municipality", "sarpsborg", "--format", "markdown")
    assert out.startswith(
        "## Sarpsborg nursing homes 2020 (Table 3) — norm set sarpsborg-physicians"
    )
    assert "for Sarpsborg (kommunenummer 3003)" in out.splitlines()[0]


def test_assess_takes_a_municipality_in_norms_as_plan_and_compare_do(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A planner copying '--norms Sarpsborg' from the plan docs was told no such norm set."""
    monkeypatch.setenv("NORMKIT_DISABLE_PLUGIN_AUTOLOAD", "0")
    monkeypatch.setenv("NORMKIT_PLUGINS", "sarpsborg")
    if "sarpsborg" not in normkit.Kit().municipalities:
        pytest.skip("the Sarpsborg plugin is not installed")
    by_norms = run("assess", "--norms", "Sarpsborg", "--format", "json")
    by_municipality = run("assess", "--municipality", "Sarpsborg", "--format", "json")
    assert by_norms[0] == 0 and by_norms[1] == by_municipality[1]
    assert json.loads(by_norms[1])["municipality"]["kommunenummer"] == "3003"


def test_without_a_municipality_no_kommunenummer_is_claimed() -> None:
    code, out, _ = run("assess", "--format", "json")
    assert code == 0 and json.loads(out)["municipality"] is None


def test_an_interrupted_run_exits_130_quietly(monkeypatch: pytest.MonkeyPatch) -> None:
    # What a shell expects after Ctrl-C; exit 1 is kept for bad input.
    import normkit

    def interrupted(*_: object, **__: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(normkit.Kit, "assess", interrupted)
    code, out, err = run("assess")
    assert (code, out, err) == (130, "", "")


def test_help_lists_commands_in_a_planners_order() -> None:
    code, out, _ = run("--help")
    assert code == 0
    listed = re.findall(r"^  ([a-z-]+) {2,}", out.split("Commands:")[1], re.M)
    assert listed[:4] == ["assess", "compare", "plan", "kostra"]
    assert sorted(listed) != listed  # not click's alphabetical order


def test_schema_names_its_argument_and_the_choices_once() -> None:
    code, _, err = run("schema")
    assert code == 2
    assert "Missing argument 'DOCUMENT'" in err and err.count("normset") == 1


def test_plugins_list_the_examples_each_ships(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NORMKIT_DISABLE_PLUGIN_AUTOLOAD")
    code, out, _ = run("plugins", "--format", "json")
    assert code == 0
    rows = {row["plugin"]: row for row in json.loads(out)["plugins"]}
    examples = {e["id"]: e["kind"] for e in rows["sarpsborg"]["examples"]}
    assert examples["sarpsborg-nursing-homes-2020"] == "inventory"
    assert examples["sarpsborg-programme"] == "scenario"
    assert rows["national"]["examples"] == []
    code, table, _ = run("plugins")
    assert code == 0 and "sarpsborg-programme" in table


def test_an_empty_example_is_an_unknown_one_not_the_bundled_one(tmp_path: Path) -> None:
    code, out, err = run("assess", "--example", "")
    assert (code, out) == (1, "") and err.startswith("error: unknown example ''")
    big = tmp_path / "units.csv"
    big.write_text("facility,unit,bed_type,beds\nA,U,long_term,3\n", encoding="utf-8")
    code, _, err = run("assess", str(big), "--example", "", "--format", "csv")
    assert code == 1 and "not both" in err


def test_a_wrong_chart_name_is_told_a_chart_this_command_draws() -> None:
    # compare draws no 'gap' chart: its hints name its own 'required'
    code, _, err = run("compare", "--against", "national", "--chart", "x.png")
    assert code == 1 and "one of: required, e.g. required.png" in err
    code, _, err = run("compare", "--against", "national", "--chart", "x.pdf")
    assert code == 1 and "for example --chart required.png" in err
    _, out, _ = run("compare", "--help")
    assert "gap" not in out.split("--chart", 1)[1].split("--", 1)[0]


def test_only_assess_offers_json_lines() -> None:
    # --format jsonl writes assessments; the other report commands refuse it
    for command, offered in (("assess", True), ("compare", False), ("plan", False)):
        _, out, _ = run(command, "--help")
        assert ("jsonl" in out) is offered, command
    _, out, _ = run("kostra", "--help")
    assert "jsonl" not in out
