"""Output that cannot be abused: names are data in every format, never markup or formulas."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from normkit import escaping

from .conftest import cli

NAMES = {
    "markup": "Borgen [skjermet]",
    "closing tag": "Tingvoll [/b]",
    "rich style": "[bold red]Haugvoll[/]",
    "clear screen": "Kurland\x1b[2J\x1b[H",
    "window title": "\x1b]0;pwned\x07Home",
    "hyperlink": "\x1b]8;;http://evil.example\x1b\\click\x1b]8;;\x1b\\",
    "bidi": "Valaskjold \u202egnp.exe",
    "formula": '=HYPERLINK("http://evil.example","x")',
    "plus": "+1+1",
    "minus": "-2+3",
    "at": "@SUM(A1)",
    "tab": "\tTab",
    "carriage return": "\rCR",
    "pipe": "A | B",
    "html": "<script>alert(1)</script>",
    "c1 control": "Home\x9b31m",
    "zero width": "Ho\u200bme",
}


def inventory(raw: Callable[..., Path], names: list[str]) -> Path:
    facilities = [
        {"name": name, "units": [{"name": f"U{i}", "bed_type": "long_term", "beds": 10}]}
        for i, name in enumerate(names)
    ]
    return raw("names.json", json.dumps({"facilities": facilities}))


@pytest.fixture
def path(raw: Callable[..., Path]) -> Path:
    return inventory(raw, list(NAMES.values()))


def test_the_table_shows_names_verbatim_and_escapes_controls(path: Path) -> None:
    code, out, _ = cli("assess", str(path))
    assert code == 0
    assert "Borgen [skjermet]" in out and "Tingvoll [/b]" in out
    assert "[bold red]Haugvoll[/]" in out
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out and "\x9b" not in out
    assert "Kurland\\x1b[2J" in out and "\\u202egnp.exe" in out
    assert "\u200b" not in out and "Ho\\u200bme" in out  # invisible, so shown escaped


def test_a_long_table_is_plain_columns_with_the_same_rows_and_escapes(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from normkit.render import text

    _, boxed, _ = cli("assess", str(path))
    monkeypatch.setattr(text, "LONG_TABLE", 3)
    code, out, _ = cli("assess", str(path))
    assert code == 0
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out and "\x9b" not in out
    lines = out.splitlines()
    assert lines[1] == "Need, staffing and gap"
    header = lines[2].split()
    assert header[:3] == ["Facility", "Unit", "Bed"] and header[-1] == "Note"
    assert set(lines[3]) == {"-", " "}
    figures = re.compile(r"-?\d+\.\d\d")
    rows = lines[4 : lines.index(lines[3], 4)]
    assert len(rows) == 2 * len(NAMES)  # a unit and a facility total each
    # need and adopted need, then the norm's hours per week (10 places × 1/3 hour)
    assert all(figures.findall(row) == ["0.11", "0.11", "3.33"] for row in rows)
    total = lines[lines.index(lines[3], 4) + 1]
    boxed_total = next(line for line in boxed.splitlines() if "Total" in line)
    assert total.startswith("Total") and figures.findall(total) == figures.findall(boxed_total)
    assert "Borgen [skjermet]" in out and "[bold red]Haugvoll[/]" in out
    assert "Kurland\\x1b[2J" in out
    # columns line up: the figure columns end at the same place on every row
    assert len({row.index("0.11") for row in rows}) == 1


def test_a_long_table_lines_up_wide_and_accented_names(
    raw: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Columns line up as a terminal shows them: 'Åsgård' is six cells wide, '東京' four."""
    from rich.cells import cell_len

    from normkit.render import text

    monkeypatch.setattr(text, "LONG_TABLE", 3)
    code, out, _ = cli("assess", str(inventory(raw, ["Åsgård", "東京", "Ho\u200bme", "Plain"])))
    assert code == 0
    rows = [line for line in out.splitlines() if "0.11" in line and "not recorded" in line]
    assert len(rows) == 8
    assert len({cell_len(row[: row.index("0.11")]) for row in rows}) == 1


@given(st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from("\x00\x1f\x7f\x9b\u202e")))
def test_terminal_escaping_leaves_no_control_or_direction_character(text: str) -> None:
    shown = escaping.terminal(text)
    assert shown == escaping._UNSAFE.sub(escaping._escape_char, text)  # the fast path agrees
    assert not escaping.unsafe_characters(shown)


def test_explanations_and_notes_escape_too(path: Path) -> None:
    code, out, _ = cli("assess", str(path), "--explain")
    assert code == 0 and "\x1b" not in out and "\\x1b]0;pwned" in out


def test_csv_cells_cannot_run_as_formulas(path: Path) -> None:
    code, out, _ = cli("assess", str(path), "--format", "csv")
    assert code == 0
    facilities = {row["facility"] for row in csv.DictReader(io.StringIO(out))}
    for name in ("formula", "plus", "minus", "at", "tab"):
        assert "'" + NAMES[name] in facilities, name
    assert "\\x0dCR" in facilities  # a carriage return is escaped, so nothing to guard
    assert not any(f.startswith(("=", "+", "-", "@", "\t", "\r")) for f in facilities)
    assert "\x1b" not in out and "\u202e" not in out
    gaps = [row["norm_fte"] for row in csv.DictReader(io.StringIO(out)) if row["norm_fte"]]
    assert all(float(g) > 0 for g in gaps)  # numbers stay numbers


def test_negative_numbers_stay_numbers_in_csv(raw: Callable[..., Path]) -> None:
    path = raw(
        "over.yaml",
        "facilities:\n  - name: H\n    staffing: 5\n    units:\n"
        "      - {name: U, bed_type: long_term, beds: 9}\n",
    )
    code, out, _ = cli("assess", str(path), "--format", "csv")
    assert code == 0
    total = list(csv.DictReader(io.StringIO(out)))[-1]
    assert float(total["gap_fte"]) == pytest.approx(0.1 - 5)


def test_the_formula_guard_can_be_turned_off_for_programs(path: Path) -> None:
    code, out, _ = cli("assess", str(path), "--format", "csv", "--no-formula-guard")
    assert code == 0
    facilities = {row["facility"] for row in csv.DictReader(io.StringIO(out))}
    assert NAMES["formula"] in facilities


def test_markdown_escapes_pipes_markup_and_html(path: Path) -> None:
    code, out, _ = cli("assess", str(path), "--format", "markdown")
    assert code == 0
    assert "A \\| B" in out and "\\<script\\>" in out and "Borgen \\[skjermet\\]" in out
    assert "<script>" not in out and "\x1b" not in out
    rows = [line for line in out.splitlines() if line.startswith("| ")]
    assert all(line.count(" | ") == 9 for line in rows)  # no cell breaks the table


def test_json_keeps_names_exactly(path: Path) -> None:
    code, out, _ = cli("assess", str(path), "--format", "json")
    assert code == 0
    assert "\x1b" not in out and "\u202e" not in out and "\x9b" not in out
    names = {f["facility"] for f in json.loads(out)["facilities"]}
    assert names == set(NAMES.values())


def test_the_results_own_json_is_as_safe_as_the_clis(path: Path) -> None:
    """model_dump_json is the documented JSON (embed.md): the same escapes as the CLI's,
    in an assessment, a comparison and a plan, and the same data read back."""
    import normkit

    kit = normkit.Kit(autoload=False)
    inventory = kit.load_inventory(path)
    for result in (
        kit.assess(inventory, "national", "2020-04-01"),
        kit.compare_normsets(inventory, "national", "national", "2020-04-01"),
        kit.plan(inventory, "national", ["2020-04-01"]),
    ):
        document = result.model_dump_json()
        for raw_character in ("\x1b", "\u202e", "\x9b", "\x07"):
            assert raw_character not in document, type(result).__name__
        assert type(result).model_validate_json(document) == result


def test_error_messages_are_escaped(raw: Callable[..., Path]) -> None:
    path = raw("bad.yaml", 'facilities:\n  - name: "\\e[2JHome"\n    units: oops\n')
    code, _, err = cli("assess", str(path))
    assert code == 1 and "\x1b" not in err


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("plain", "plain"),
        ("a\x1bb", "a\\x1bb"),
        ("new\nline", "new\\x0aline"),
        ("\u2066isolate\u2069", "\\u2066isolate\\u2069"),
    ],
)
def test_terminal_escaping(text: str, shown: str) -> None:
    assert escaping.terminal(text) == shown


def test_html_shows_controls_escaped_in_titles_and_cells(
    raw: Callable[..., Path], tmp_path: Path
) -> None:
    """The page's title comes from the inventory's name, which can hold anything too."""
    pytest.importorskip("jinja2")
    pytest.importorskip("matplotlib")
    document = json.loads(inventory(raw, list(NAMES.values())).read_text(encoding="utf-8"))
    named = raw("named.json", json.dumps({"name": "Homes\x1b[2J\x07", **document}))
    target = tmp_path / "r.html"
    code, _, err = cli("assess", str(named), "--format", "html", "-o", str(target), "--explain")
    assert code == 0, err
    page = target.read_text(encoding="utf-8")
    for raw_character in ("\x1b", "\x07", "\u202e", "\x9b", "\u200b"):
        assert raw_character not in page, repr(raw_character)
    assert "<title>Homes\\x1b[2J\\x07" in page and "<h1>Homes\\x1b[2J\\x07" in page
    assert "Kurland\\x1b[2J" in page and "&lt;script&gt;" in page
    assert "\n" in page.split("<pre>")[1].split("</pre>")[0]  # explanations keep their lines


def test_html_takes_no_markup_from_a_report_only_text(monkeypatch: pytest.MonkeyPatch) -> None:
    """Text a plugin's code hands over as markupsafe.Markup (or anything with __html__)
    is still text on the page: a cell, a title or a line, and a plain cell equal to a
    Markup one is escaped too (the page keeps each text's HTML by its text)."""
    pytest.importorskip("jinja2")
    pytest.importorskip("matplotlib")
    from markupsafe import Markup

    from normkit.render import BUILTIN, RenderOptions, choose, render
    from normkit.render import html as html_module
    from normkit.render.document import Lines, Report, Row, Table

    class Shown(str):
        def __html__(self) -> str:
            return "<i>custom</i>"

    cells = (Markup("<b>x</b>"), "<b>x</b>", Markup("<b>Hå\u202e</b>"), Shown("<u>s</u>"))
    report = Report(
        Markup("<h1>Title\x1b</h1>"),
        (
            Table("t", ("a", "b", "c", "d"), (Row(cells),)),
            Lines(Markup("<u>Hå\u202e</u>"), (Markup("<i>ø\x1b</i>"),)),
        ),
    )
    monkeypatch.setattr(html_module, "to_report", lambda result, locale: report)
    page = render(object(), choose("html", BUILTIN), RenderOptions())
    assert isinstance(page, str)
    for markup in ("<b>", "<u>", "<i>", "\u202e", "\x1b"):
        assert markup not in page, markup
    assert page.count("&lt;b&gt;x&lt;/b&gt;") == 2
    assert "&lt;u&gt;s&lt;/u&gt;" in page and "&lt;h1&gt;Title\\x1b" in page
