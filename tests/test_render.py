"""Output formats: the renderer registry, HTML, XLSX, charts, Norwegian, --output.

Figures are the plans' own: the bundled example is Sarpsborg's Table 3 (need
5.16, staffed 3.40, gap 1.76 FTE on 2020-04-01), and the Sarpsborg programme
prices its measures from the plan's salaries (§ 7).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import os
import re
import stat
import sys
import threading
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import normkit
from normkit import EXAMPLE_INVENTORY, hookimpl
from normkit.cli import app
from normkit.errors import NormkitError
from normkit.render import BUILTIN, Renderer, RenderOptions, choose, render
from normkit.render.document import Num
from normkit.render.locale import NB_THOUSANDS, Locale, glossary, locale
from normkit.render.reports import to_report

openpyxl = pytest.importorskip("openpyxl")
runner = CliRunner()
NBSP = NB_THOUSANDS


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def kit() -> normkit.Kit:
    return normkit.Kit(autoload=False)


@pytest.fixture(scope="module")
def table3(kit: normkit.Kit) -> normkit.Assessment:
    inventory = kit.load_inventory(EXAMPLE_INVENTORY)
    assert inventory.as_of is not None
    return kit.assess(inventory, "national", inventory.as_of, explain=True)


# -- numbers and labels ------------------------------------------------------


@pytest.mark.parametrize(
    ("num", "en", "nb"),
    [
        (Num(5.16, "fte"), "5.16", "5,16"),
        (Num(1.7611111111111115, "fte"), "1.76", "1,76"),
        (Num(-0.001, "fte"), "0.00", "0,00"),
        (Num(-1.12, "signed_fte"), "-1.12", "-1,12"),
        (Num(0.45, "signed_fte"), "+0.45", "+0,45"),
        (Num(1_190_000, "nok"), "1 190 000", f"1{NBSP}190{NBSP}000{NBSP}kr"),
        (Num(1_836_000.0000000007, "nok"), "1 836 000", f"1{NBSP}836{NBSP}000{NBSP}kr"),
        (Num(588_000, "signed_nok"), "+588 000", f"+588{NBSP}000{NBSP}kr"),
        (Num(0, "signed_nok"), "0", f"0{NBSP}kr"),
        (Num(1052.6, "figure"), "1 052.60", f"1{NBSP}052,60"),
        (Num(115_786, "figure"), "115 786", f"115{NBSP}786"),
        (Num(6, "decimal"), "6.00", "6,00"),  # two decimals always: a column lines up
        (Num(1052.6, "decimal"), "1 052.60", f"1{NBSP}052,60"),
        (Num(1.0, "signed_decimal"), "+1.00", "+1,00"),
        (Num(2020, "year"), "2020", "2020"),
        # Halves away from zero, read to 15 digits, as the workbook shows them in Excel:
        # Python alone writes 0.62, 0.28, 2.67, 2 and -0.62.
        (Num(0.625, "fte"), "0.63", "0,63"),
        (Num(0.285, "fte"), "0.29", "0,29"),
        (Num(2.675, "figure"), "2.68", "2,68"),
        (Num(2.5, "nok"), "3", f"3{NBSP}kr"),
        (Num(-0.625, "signed_fte"), "-0.63", "-0,63"),
        (Num(-2.5, "signed_nok"), "-3", f"-3{NBSP}kr"),
        (Num(None, "fte", "no_norm"), "no norm", "ingen norm"),
        (Num(None, "fte", "at_facility"), "at facility", "på institusjonen"),
        (Num(None, "fte"), "not known", "ikke kjent"),
    ],
)
def test_numbers_in_each_language(num: Num, en: str, nb: str) -> None:
    assert Locale("en").number(num) == en
    assert Locale("nb").number(num) == nb


def test_a_number_met_before_is_written_as_if_it_were_new() -> None:
    """Figures are kept once written (a table repeats them): equal numbers of other types,
    and 0 beside -0.0, are written as each is, in whatever order they come."""
    cases = [
        (Num(1, "count"), "1"),
        (Num(1.0, "count"), "1.0"),
        (Num(-0.0, "year"), "-0.0"),
        (Num(0.0, "year"), "0.0"),
        (Num(0, "year"), "0"),
        (Num(0.625, "fte"), "0.63"),
        (Num(0.625, "signed_fte"), "+0.63"),
    ]
    en = Locale("en")
    assert [en.number(num) for num, _ in cases] == [text for _, text in cases]
    assert [en.number(num) for num, _ in reversed(cases)] == [text for _, text in reversed(cases)]
    assert Locale("nb").number(Num(0.625, "fte")) == "0,63"  # the language is part of it


def test_a_shared_explanation_is_read_once_and_each_other_one_apart() -> None:
    from normkit.render.reports import SharedSteps

    read: list[object] = []
    shared, other = {"text": "a"}, {"text": "a"}  # equal, but not the same object
    lines = SharedSteps(lambda step: read.append(step) or (step or {}).get("text"))
    assert [lines(s) for s in (shared, shared, other, None, shared, None)] == [
        "a",
        "a",
        "a",
        None,
        "a",
        None,
    ]
    assert len(read) == 3 and read[0] is shared and read[1] is other and read[2] is None


def test_every_label_has_both_languages_and_the_same_fields() -> None:
    fields = re.compile(r"\{(\w+)\}")
    labels = glossary()["label"]
    assert len({entry["en"] for entry in labels}) == len(labels)
    for entry in labels:
        assert entry["nb"].strip(), entry
        assert sorted(fields.findall(entry["en"])) == sorted(fields.findall(entry["nb"])), entry


def test_a_label_missing_from_the_glossary_is_an_error() -> None:
    with pytest.raises(KeyError, match="glossary"):
        Locale("nb").t("A label nobody wrote down")


def test_the_glossary_page_is_written_from_the_glossary_file() -> None:
    import importlib.util

    script = Path(__file__).parents[1] / "scripts" / "glossary.py"
    spec = importlib.util.spec_from_file_location("glossary_script", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    page = module.page
    written = (Path(__file__).parents[1] / "docs" / "glossary.md").read_text(encoding="utf-8")
    assert written == page(), "run: python scripts/glossary.py"


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(NormkitError) as caught:
        locale("de")
    assert caught.value.code == "render.lang" and "en, nb" in str(caught.value)


# -- the report ----------------------------------------------------------------


def test_each_state_has_its_own_word() -> None:
    """Facility staffing, no staffing and no norm read differently, never as '—'."""
    sarpsborg = normkit.Kit()
    if "sarpsborg" not in sarpsborg.municipalities:
        pytest.skip("the Sarpsborg plugin is not installed")
    helsehuset = sarpsborg.load_inventory(sarpsborg.example("sarpsborg-helsehuset-2020")[1])
    day = dt.date(2020, 1, 1)
    result = sarpsborg.assess(
        helsehuset, sarpsborg.normset_for("Sarpsborg", day), day, municipality="Sarpsborg"
    )
    table = to_report(result, Locale("en")).tables()[0]
    kad = next(r for r in table.rows if r.cells[1] == "KAD")
    text = [Locale("en").cell(c) for c in kad.cells]
    # an adopted value with no norm behind it: the norm column says so
    assert text[4] == "no norm" and text[5] == "1.00"
    assert text[6] == "at facility"
    assert text[-1].count("no norm") <= 1  # the cells say it; the note says why
    everything = [Locale("en").cell(c) for row in table.rows for c in row.cells]
    assert "—" not in everything


def test_a_facility_gap_that_is_not_known_is_not_called_no_norm(kit: normkit.Kit) -> None:
    """Staffing for a whole home with a respite unit (no national norm) may serve the
    respite places: the home has a need, so its gap is not known, not "no norm"."""
    inventory = normkit.Inventory.model_validate(
        {
            "facilities": [
                {
                    "name": "Kruseløkka",
                    "staffing": 0.2,
                    "units": [
                        {"name": "long-term", "bed_type": "long_term", "beds": 17},
                        {"name": "respite", "bed_type": "respite", "beds": 13},
                    ],
                }
            ]
        }
    )
    result = kit.assess(inventory, "national", dt.date(2020, 4, 1))
    home = result.facilities[0]
    assert home.required_fte is not None and home.gap_fte is None
    for lang, not_known, no_norm in (
        ("en", "not known", "no norm"),
        ("nb", "ikke kjent", "ingen norm"),
    ):
        table = to_report(result, Locale(lang)).tables()[0]
        cells = [Locale(lang).cell(c) for c in table.rows[2].cells]  # the home's subtotal
        assert cells[7] == not_known
        respite = [Locale(lang).cell(c) for c in table.rows[1].cells]
        assert respite[4] == no_norm and respite[7] == no_norm  # the unit has no norm


def test_facilities_of_other_inventories_are_one_note() -> None:
    kit = normkit.Kit(autoload=True)
    if "sarpsborg" not in kit.municipalities:
        pytest.skip("the Sarpsborg plugin is not installed")
    helsehuset = kit.load_inventory(kit.example("sarpsborg-helsehuset-2020")[1])
    day = dt.date(2020, 1, 1)
    result = kit.assess(helsehuset, kit.normset_for("Sarpsborg", day), day)
    elsewhere = [n for n in result.notes if "not in this inventory" in n]
    assert len(elsewhere) == 1
    assert elsewhere[0].startswith("the norm set also has adopted values for 6 facilities")
    for name in ("Kurland", "Tingvoll", "Kruseløkka", "Haugvoll", "Borgen", "Valaskjold"):
        assert name in elsewhere[0]


def test_hours_per_week_are_a_column_where_the_norm_is_in_hours(
    table3: normkit.Assessment,
) -> None:
    borgen = next(u for u in table3.units if u.facility == "Borgen")
    # 70 dementia places × 1 hour per week per 2 places (the 2012 norm)
    assert borgen.norm_hours_per_week == pytest.approx(35)
    table = to_report(table3, Locale("en")).tables()[0]
    column = table.columns.index("Norm hours/week")
    total = table.rows[-1].cells[column]
    assert isinstance(total, Num) and total.value == pytest.approx(
        112 / 3 + 50 / 3 + 12 / 2 + 17 / 3 + 13 * 1.5 + 48 / 3 + 16 / 2 + 70 / 2 + 32 / 3
    )
    # Two decimals down the whole column, whole hours too, so the decimals line up.
    shown = {Locale(lang).cell(row.cells[column]) for row in table.rows for lang in ("en", "nb")}
    assert {"6.00", "6,00", "37.33", "37,33", "35.00", "35,00"} <= shown
    assert not shown & {"6", "35", "24"}


def test_a_norm_not_written_in_hours_is_not_called_no_norm(kit: normkit.Kit) -> None:
    """A floor around an hour rate has a norm, but no hours behind it: the cell says so,
    and the home's and the total's hours are not known rather than a sum that left it
    out (a plugin author's report: "no norm" beside 0.20 FTE, and 26 hours for 39.5)."""
    hour_rate = {
        "kind": "rate",
        "amount": "2 hour/week",
        "per": "1 place",
        "fte_basis": "30 hour/week/FTE",
    }
    normset = normkit.NormSet.model_validate(
        {
            "id": "testvik",
            "title": "Testvik",
            "valid_from": "2024-01-01",
            "source": {"document": "Testvik plan"},
            "needs": [
                {
                    "id": "long_term",
                    "bed_types": ["long_term"],
                    "rule": {**hour_rate, "amount": "1 hour/week", "per": "3 place"},
                    "source": {"document": "Testvik plan"},
                },
                {
                    "id": "short_term",
                    "bed_types": ["short_term"],
                    "rule": {"kind": "floor", "at_least": "0.2 FTE", "rule": hour_rate},
                    "source": {"document": "Testvik plan"},
                },
            ],
        }
    )
    inventory = normkit.Inventory.model_validate(
        {
            "facilities": [
                {
                    "name": "Sentrum",
                    "units": [
                        {"name": "Langtid", "bed_type": "long_term", "beds": 60},
                        {"name": "Korttid", "bed_type": "short_term", "beds": 2},
                    ],
                }
            ]
        }
    )
    result = kit.assess(inventory, normset, dt.date(2024, 3, 1))
    short = result.units[1]
    assert short.norm_fte == pytest.approx(0.2) and short.norm_hours_per_week is None
    for lang, not_in_hours, not_known in (
        ("en", "not in hours", "not known"),
        ("nb", "ikke i timer", "ikke kjent"),
    ):
        table = to_report(result, Locale(lang)).tables()[0]
        column = len(table.columns) - 2  # the hours, before the note
        cells = [Locale(lang).cell(row.cells[column]) for row in table.rows]
        twenty = Locale(lang).cell(Num(20.0, "decimal"))  # 60 places ÷ 3
        assert cells == [twenty, not_in_hours, not_known, not_known]


# -- the registry --------------------------------------------------------------


def _tsv(result: object, options: RenderOptions) -> str:
    report = to_report(result, Locale(options.lang))  # type: ignore[arg-type]
    lines = []
    for table in report.tables():
        lines.extend(
            "\t".join(Locale(options.lang).cell(c) for c in row.cells) for row in table.rows
        )
    return "\n".join(lines) + "\n"


class TsvPlugin:
    @hookimpl
    def normkit_register_renderers(register):  # type: ignore[no-untyped-def]
        register(Renderer("tsv", ".tsv", _tsv, description="tab-separated"))


def test_a_plugin_renderer_joins_the_formats(monkeypatch: pytest.MonkeyPatch) -> None:
    from normkit import cli

    kit = normkit.Kit([TsvPlugin], autoload=False)
    (owner,) = [
        p for p, info in kit.plugins.items() if "tsv" in info.registered.get("renderers", [])
    ]
    assert kit.renderers["tsv"].plugin == owner != "normkit"
    monkeypatch.setattr(cli, "_kit", lambda: kit)
    code, out, _ = run("assess", "--format", "tsv", "--lang", "nb")
    assert code == 0 and "Sum\t\t\t370\t5,16\t5,16\t3,40\t1,76" in out
    code, _, err = run("assess", "--format", "tsvv")
    assert code == 1 and "did you mean 'tsv'?" in err and "tsv" in err.split("formats:")[1]
    code, out, _ = run("plugins")
    assert "tsv (" in out
    code, out, _ = run("plugins", "--format", "json")
    import json

    document = json.loads(out)
    assert "tsv" in {f["name"] for f in document["formats"]}
    assert any("tsv" in p["renderers"] for p in document["plugins"])


def test_a_format_cannot_be_registered_twice() -> None:
    class Twice:
        @hookimpl
        def normkit_register_renderers(register):  # type: ignore[no-untyped-def]
            register(Renderer("csv", ".csv", _tsv))

    kit = normkit.Kit([Twice], autoload=False)
    assert kit.renderers["csv"].plugin == "normkit"
    assert any("already registered" in f.error for f in kit.failures)


def test_a_bad_renderer_is_refused_by_name() -> None:
    with pytest.raises(NormkitError, match="lower-case word"):
        Renderer("Bad Name", ".x", _tsv)
    with pytest.raises(NormkitError, match="must start with"):
        Renderer("ok", "x", _tsv)


def test_the_cli_holds_no_rendering_code() -> None:
    source = (Path(normkit.__file__).parent / "cli.py").read_text(encoding="utf-8")
    for renderer_code in ("to_csv(", "markdown(", "model_dump_json", "add_column", "openpyxl"):
        assert renderer_code not in source, renderer_code


@pytest.fixture(scope="module")
def every_kind(kit: normkit.Kit, table3: normkit.Assessment) -> list[Any]:
    """A result of each kind a renderer takes: assessment, comparison, plan, KOSTRA."""
    inventory = kit.load_inventory(EXAMPLE_INVENTORY)
    day = dt.date(2020, 4, 1)
    return [
        table3,
        kit.compare_normsets(inventory, "national", "national", day, dt.date(2020, 1, 1)),
        kit.plan(inventory, "national", [dt.date(2020, 1, 1), dt.date(2021, 1, 1)], []),
        [kit.kostra(inventory, day)],
    ]


def test_every_builtin_renders_every_result(
    every_kind: list[Any], table3: normkit.Assessment
) -> None:
    for result in every_kind:
        for renderer in BUILTIN:
            for lang in ("en", "nb"):
                if lang != "en" and not renderer.translates:  # json, jsonl, csv: for programs
                    with pytest.raises(NormkitError) as caught:
                        render(result, renderer, RenderOptions(lang=lang))  # type: ignore[arg-type]
                    assert caught.value.code == "render.lang"
                    continue
                if renderer.name == "jsonl" and result is not table3:
                    with pytest.raises(NormkitError) as caught:  # a line per unit: assessments
                        render(result, renderer, RenderOptions(lang=lang))  # type: ignore[arg-type]
                    assert caught.value.code == "render.jsonl"
                    continue
                out = render(result, renderer, RenderOptions(lang=lang))  # type: ignore[arg-type]
                assert out, (renderer.name, type(result).__name__)
                assert isinstance(out, bytes) == renderer.binary


_NUMBER = re.compile(r"-?\d+\.\d+")


def test_a_norwegian_csv_is_the_same_table_with_semicolons_and_decimal_commas(
    kit: normkit.Kit, every_kind: list[Any]
) -> None:
    import csv

    renderer = choose("csv", BUILTIN)
    for result in every_kind:
        en = render(result, renderer, RenderOptions())
        nb = render(result, renderer, RenderOptions(lang="nb"))
        assert isinstance(en, str) and isinstance(nb, str)
        # Excel reads a file as UTF-8 (Kruseløkka) only after a byte-order mark.
        assert nb.startswith("\ufeff") and not en.startswith("\ufeff")
        en_rows = list(csv.reader(io.StringIO(en)))
        nb_rows = list(csv.reader(io.StringIO(nb[1:]), delimiter=";"))
        assert nb_rows[0] == en_rows[0]  # the documented column names
        decimals = 0
        for en_row, nb_row in zip(en_rows[1:], nb_rows[1:], strict=True):
            for en_cell, nb_cell in zip(en_row, nb_row, strict=True):
                if _NUMBER.fullmatch(en_cell):
                    assert nb_cell == en_cell.replace(".", ","), type(result).__name__
                    decimals += 1
                else:  # text, whole numbers, dates and empty cells are as they are
                    assert nb_cell == en_cell, type(result).__name__
        assert decimals, type(result).__name__
    # A name holding the separator stays one cell.
    inventory, day = kit.load_inventory(EXAMPLE_INVENTORY), dt.date(2020, 4, 1)
    odd = inventory.model_copy(
        update={"facilities": (inventory.facilities[0].model_copy(update={"name": "Sør; øst"}),)}
    )
    text = kit.render(kit.assess(odd, "national", day), "csv", lang="nb")
    assert isinstance(text, str)
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert rows[1][3] == "Sør; øst" and len(rows[1]) == len(rows[0])


def test_csv_cannot_explain() -> None:
    with pytest.raises(NormkitError) as caught:
        render([], choose("csv", BUILTIN), RenderOptions(explain=True))
    assert caught.value.code == "render.explain"


# -- HTML ----------------------------------------------------------------------


def test_html_is_one_self_contained_accessible_page(tmp_path: Path) -> None:
    target = tmp_path / "r.html"
    code, _, err = run("assess", "--format", "html", "--output", str(target), "--explain")
    assert code == 0, err
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>") and '<html lang="en">' in page
    # nothing fetched: no script, no link, no remote source
    assert "<script" not in page and "<link" not in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    assert '<th scope="col"' in page and "<caption>" in page
    total = re.search(r'<tr class="total">(.*?)</tr>', page, re.S)
    assert total is not None
    assert re.findall(r">(\d+\.\d\d)<", total.group(1))[:4] == ["5.16", "5.16", "3.40", "1.76"]
    # each unit's explanation folds under its row, with the norm it rests on
    assert page.count("<details>") == 9
    assert "70 places × 0.5 hour/week per place" in page
    images = re.findall(
        r'<img src="data:image/svg\+xml;base64,[A-Za-z0-9+/=]+" alt="([^"]+)"', page
    )
    assert len(images) == 2 and all("Borgen" in alt for alt in images)


def test_html_names_are_text(tmp_path: Path) -> None:
    hostile = tmp_path / "hostile.yaml"
    hostile.write_text(
        'facilities:\n  - name: "<script>alert(1)</script>"\n    staffing: 1\n    units:\n'
        '      - {name: "<img src=x onerror=alert(2)>", bed_type: long_term, beds: 30}\n',
        encoding="utf-8",
    )
    target = tmp_path / "r.html"
    code, _, err = run("assess", str(hostile), "--format", "html", "-o", str(target))
    assert code == 0, err
    page = target.read_text(encoding="utf-8")
    assert "<script>" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_html_in_norwegian(tmp_path: Path) -> None:
    target = tmp_path / "r.html"
    assert run("assess", "--format", "html", "-o", str(target), "--lang", "nb")[0] == 0
    page = target.read_text(encoding="utf-8")
    assert '<html lang="nb">' in page and ">5,16<" in page and "Mangel årsverk" in page
    # A row of names beyond ASCII is markup once, its text escaped once.
    assert '<tr class="row"><th scope="row">Kruseløkka</th>' in page
    assert "&lt;td" not in page and "&amp;lt;" not in page


# -- XLSX ----------------------------------------------------------------------


def test_xlsx_numbers_are_numbers_headers_frozen_sources_apart(tmp_path: Path) -> None:
    target = tmp_path / "r.xlsx"
    code, _, err = run("assess", "--format", "xlsx", "--output", str(target), "--explain")
    assert code == 0, err
    book = openpyxl.load_workbook(target)
    units = book["Units"]
    assert units.freeze_panes == "A2"
    headers = [c.value for c in units[1]]
    total = next(row for row in units.iter_rows() if row[1].value == "Total")
    assert total[0].value == "total"  # the level column, to filter subtotals out
    need = total[headers.index("Norm FTE")]
    assert need.data_type == "n" and need.value == pytest.approx(5.1611, abs=1e-4)
    assert need.number_format == "0.00"
    hours = {row[headers.index("Norm hours/week")].number_format for row in units.iter_rows(2)}
    assert hours - {"General"} == {"#,##0.00"}  # 6 hours reads 6.00, as 37.33 beside it
    assert total[headers.index("Gap FTE")].value == pytest.approx(1.7611, abs=1e-4)
    sources = [c.value for c in book["Sources"]["A"]][1:]
    assert any("Legeforeningen" in s or "legeforening" in s for s in sources)
    assert "Explanations" in book.sheetnames and "Charts" in book.sheetnames
    assert book["Charts"]._charts  # native Excel charts, not pictures


def test_xlsx_chart_data_keeps_dates_as_dates_and_figures_in_their_kind(tmp_path: Path) -> None:
    """A plan's chart data: each date a date cell, each FTE with two decimals, so Excel
    reads the axis as days and a staffed 1 FTE beside 0.6 reads 1.00, not 1."""
    target = tmp_path / "plan.xlsx"
    code, _, err = run("plan", "--years", "2020-2021", "--lang", "nb", "-o", str(target))
    assert code == 0, err
    sheet = openpyxl.load_workbook(target)["Diagrammer"]
    rows = [r for r in sheet.iter_rows(min_row=3, max_row=4)]
    assert [r[0].value.date() for r in rows] == [dt.date(2020, 1, 1), dt.date(2021, 1, 1)]
    assert {r[0].number_format for r in rows} == {"dd.mm.yyyy"}
    assert {c.number_format for r in rows for c in r[1:3]} == {"0.00"}
    # The report's index names the base run's sheet once, by its title.
    index = [c.value for c in openpyxl.load_workbook(target)["Rapport"]["A"] if c.value]
    assert "grunnlag (oversikten slik den er gitt)" in index
    assert not [line for line in index if line.startswith("grunnlag: grunnlag")]


def test_xlsx_sheet_names_keep_a_colon_readable() -> None:
    from normkit.render.xlsx import _Names

    names = _Names()
    assert names("grunnlag: tall") == "grunnlag - tall"  # not "grunnlag_ tall"
    assert names("a/b [c]") == "a_b _c_"
    assert names("grunnlag: tall") == "grunnlag - tall 2"
    assert names("History") == "History 2"  # Excel's own sheet name
    cut = names("x" * 27 + "'abc")  # cut to 28 characters, then no apostrophe last
    assert cut == "x" * 27 and names("y" * 25 + " - tall") == "y" * 25
    assert names("z" * 24 + "' - tall") == "z" * 24  # no apostrophe left last either


def test_xlsx_text_is_never_a_formula(tmp_path: Path) -> None:
    hostile = tmp_path / "hostile.yaml"
    hostile.write_text(
        'facilities:\n  - name: "=HYPERLINK(\\"http://x\\")"\n    units:\n'
        '      - {name: "+1", bed_type: long_term, beds: 9}\n',
        encoding="utf-8",
    )
    target = tmp_path / "r.xlsx"
    assert run("assess", str(hostile), "--format", "xlsx", "-o", str(target))[0] == 0
    with zipfile.ZipFile(target) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        xml = "".join(archive.read(n).decode() for n in sheets)
    assert "<f>" not in xml  # no formula anywhere
    book = openpyxl.load_workbook(target)
    assert book["Units"]["B2"].value == '=HYPERLINK("http://x")'
    assert book["Units"]["B2"].data_type == "s"


def test_xlsx_text_a_cell_cannot_hold_is_shown_not_lost(tmp_path: Path) -> None:
    """Non-characters, which XML refuses, escaped (the file opened as broken); text longer
    than a cell holds cut where it says so (openpyxl cut it without a word)."""
    long_name = "Heim " + "x" * 40_000
    hostile = tmp_path / "hostile.json"
    hostile.write_text(
        json.dumps(
            {
                "facilities": [
                    {
                        "name": "A\uffffB",
                        "units": [
                            {"name": "U\ufffe", "bed_type": "long_term", "beds": 9},
                            {"name": long_name, "bed_type": "long_term", "beds": 3},
                        ],
                    }
                ]
            }
        ),
        encoding="utf-8",
    )
    target = tmp_path / "r.xlsx"
    assert run("assess", str(hostile), "--format", "xlsx", "-o", str(target))[0] == 0
    units = openpyxl.load_workbook(target)["Units"]  # well-formed: it opens
    assert (units["B2"].value, units["C2"].value) == ("A\\uffffB", "U\\ufffe")
    cut = units["C3"].value
    assert len(cut) == 32_767 and long_name.startswith(cut[: cut.index(" … ")])
    assert cut.endswith(" … [cut here: 40 005 characters given]")


def test_xlsx_in_norwegian_labels_sheets_and_kroner(tmp_path: Path) -> None:
    kit = normkit.Kit()
    if "sarpsborg" not in kit.municipalities:
        pytest.skip("the Sarpsborg plugin is not installed")
    target = tmp_path / "plan.xlsx"
    code, _, err = run(
        "plan",
        "--scenario",
        "sarpsborg-programme",
        "--years",
        "2020-2022",
        "--format",
        "xlsx",
        "--lang",
        "nb",
        "-o",
        str(target),
    )
    assert code == 0, err
    book = openpyxl.load_workbook(target)
    assert "Rapport" in book.sheetnames and "Kilder" in book.sheetnames
    programme = book["sarpsborg-programme"]
    headers = [c.value for c in programme[1]]
    assert "Tiltak kr/år" in headers
    cost = programme.cell(row=3, column=headers.index("Tiltak kr/år") + 1)
    # 2021: 1.1 + 0.6 FTE × 800 000 × 1.35 and 0.5 FTE × 950 000 × 1.35 (§ 7)
    assert cost.value == pytest.approx((1.1 + 0.6) * 800_000 * 1.35 + 0.5 * 950_000 * 1.35)
    assert cost.number_format == '#,##0 "kr"'


def test_a_binary_format_needs_a_file_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    from normkit import cli

    monkeypatch.setattr(cli, "_stdout_is_terminal", lambda: True)
    code, _, err = run("assess", "--format", "xlsx")
    assert code == 1 and "--output" in err


# -- Norwegian in text and Markdown ---------------------------------------------


def test_norwegian_text_and_markdown_of_the_programme() -> None:
    kit = normkit.Kit()
    if "sarpsborg" not in kit.municipalities:
        pytest.skip("the Sarpsborg plugin is not installed")
    args = ("plan", "--scenario", "sarpsborg-programme", "--years", "2020-2021", "--lang", "nb")
    code, text, err = run(*args)
    assert code == 0, err
    amount = f"2{NBSP}477{NBSP}250{NBSP}kr"  # 2021's measures (§ 7 salaries × 1.35)
    assert amount in text and "Bemannet årsverk" in text and "9,78" in text
    code, md, _ = run(*args, "--format", "markdown")
    assert amount in md and "| Dato |" in md
    code, en, _ = run(*args[:-2])
    assert "2 477 250" in en and f"{NBSP}kr" not in en and "9.78" in en
    # The programme raises public-health physicians from 2.5 to 3 FTE: a column with a
    # fraction on one date has two decimals on all.
    figures = "| 01.01.2020 | 2,50 |\n| 01.01.2021 | 3,00 |"
    assert md.count(figures) == 1  # the scenario's figures; the base stays at 2,50
    assert "| 01.01.2021 | 3 |" not in md


# -- files ------------------------------------------------------------------------


def test_output_never_writes_over_an_input(tmp_path: Path) -> None:
    inventory = tmp_path / "homes.yaml"
    inventory.write_bytes(EXAMPLE_INVENTORY.read_bytes())
    code, _, err = run("assess", str(inventory), "--format", "csv", "--output", str(inventory))
    assert code == 1 and "will not write over the input file" in err
    assert inventory.read_bytes() == EXAMPLE_INVENTORY.read_bytes()


def test_output_never_writes_over_a_file_read_through_another(tmp_path: Path) -> None:
    """A scenario's parent, named by its extends; a norm file in a folder given to check."""
    parent = tmp_path / "parent.json"
    parent.write_text('{"id": "p", "title": "p", "changes": []}', encoding="utf-8")
    child = tmp_path / "child.yaml"
    child.write_text("id: c\ntitle: c\nextends: parent.json\nchanges: []\n", encoding="utf-8")
    before = parent.read_bytes()
    args = ("plan", "--years", "2020", "--scenario", str(child), "--format", "json")
    code, _, err = run(*args, "-o", str(parent))
    assert code == 1 and f"will not write over {parent}: this command read it" in err
    assert parent.read_bytes() == before
    assert run(*args, "-o", str(tmp_path / "plan.json"))[0] == 0  # any other file is fine
    folder = tmp_path / "norms"
    folder.mkdir()
    normset = folder / "mine.yaml"
    normset.write_text("id: mine\ntitle: Mine\nsource: {document: d}\n", encoding="utf-8")
    before = normset.read_bytes()
    code, _, err = run("check", str(folder), "-o", str(normset))
    assert code == 1 and "this command read it as input" in err
    assert normset.read_bytes() == before


def test_output_is_written_with_the_umask(tmp_path: Path) -> None:
    target = tmp_path / "r.csv"
    assert run("assess", "--format", "csv", "-o", str(target))[0] == 0
    assert target.stat().st_mode & 0o044  # readable by others, as files the shell makes
    assert target.read_text(encoding="utf-8").startswith("municipality,")


def test_output_through_a_link_replaces_the_file_it_names(tmp_path: Path) -> None:
    report, link = tmp_path / "report.csv", tmp_path / "latest.csv"
    report.write_text("old", encoding="utf-8")
    link.symlink_to(report)
    assert run("assess", "--format", "csv", "-o", str(link))[0] == 0
    assert link.is_symlink() and report.read_text(encoding="utf-8").startswith("municipality,")


def test_output_to_a_pipe_writes_into_it(tmp_path: Path) -> None:
    """A device or FIFO is written to, never renamed over (that would replace the device:
    as root, /dev/null itself); a FIFO is the one such file a test may make."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    try:
        code, _, err = run("assess", "--format", "csv", "-o", str(fifo))
    finally:
        if reader.is_alive() and not received:  # unblock the reader if nothing opened it
            with contextlib.suppress(OSError), open(fifo, "wb", opener=_nonblocking):
                pass
        reader.join(timeout=10)
    assert code == 0, err
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert received and received[0].startswith(b"municipality,")


def _nonblocking(path: str, flags: int) -> int:
    return os.open(path, flags | os.O_NONBLOCK)


@pytest.mark.parametrize("missing", ["matplotlib", "jinja2"])
def test_a_missing_report_extra_is_said_before_anything_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, missing: str
) -> None:
    from normkit.render import html

    monkeypatch.setitem(sys.modules, missing, None)  # importing it now fails
    monkeypatch.setitem(sys.modules, f"{missing}.figure", None)
    html._template.cache_clear()
    commands = [("assess", "--format", "html", "-o", str(tmp_path / "r.html"))]
    if missing == "matplotlib":
        commands.append(("assess", "--chart", str(tmp_path / "gap.png")))
    for command in commands:
        code, out, err = run(*command)
        assert code == 1 and out == "", command
        assert "pip install 'normkit[report]'" in err and "internal error" not in err, command
    assert list(tmp_path.iterdir()) == []
    html._template.cache_clear()


def test_charts_as_png_and_svg(tmp_path: Path) -> None:
    png, svg = tmp_path / "gap.png", tmp_path / "homes-need-staffed.svg"
    code, _, err = run("assess", "--chart", str(png), "--chart", str(svg), "--format", "json")
    assert code == 0, err
    assert png.read_bytes().startswith(b"\x89PNG")
    drawing = svg.read_text(encoding="utf-8")
    assert drawing.lstrip().startswith("<?xml") and "<svg" in drawing
    code, out, err = run("assess", "--chart", str(tmp_path / "pie.png"))
    assert code == 1 and "gap" in err and "need-staffed" in err
    assert out == ""  # checked before the table is printed
    code, _, err = run("assess", "--chart", str(tmp_path / "gap.pdf"))
    assert code == 1 and ".png or .svg" in err


def test_a_chart_leaves_an_unknown_value_out() -> None:
    from normkit.render.charts import draw
    from normkit.render.document import Chart, Series

    chart = Chart("t", "bars", ("A", "$B$"), (Series("s", (1.0, None)),), "FTE")
    assert b"<svg" in draw(chart, Locale("en"), "svg")  # '$' is not mathtext, None not 0


def test_kroner_on_a_chart_axis_are_written_as_figures() -> None:
    """A chart of kroner keeps its kind (a workbook's chart data says kr), but its axis
    writes plain figures: the axis label says kr once, not on every tick."""
    pytest.importorskip("matplotlib")
    from normkit.render.charts import draw
    from normkit.render.document import Chart, Series

    series = (Series("s", (0.0, 2_477_250.0)),)
    chart = Chart("t", "lines", ("2020", "2021"), series, "kr/år", number="nok")
    nb = Locale("nb")
    as_figures = Chart("t", "lines", ("2020", "2021"), series, "kr/år", number="figure")
    assert draw(chart, nb, "svg") == draw(as_figures, nb, "svg")
    # The ticks' text is in the drawing (another kind, another drawing): the equality
    # above says the kroner ticks read as figures.
    as_fte = Chart("t", "lines", ("2020", "2021"), series, "kr/år", number="fte")
    assert draw(chart, nb, "svg") != draw(as_fte, nb, "svg")


# -- the CLI a planner meets -----------------------------------------------------------


def test_a_closed_pipe_ends_quietly() -> None:
    import subprocess
    import sys

    for output in ("table", "csv", "markdown"):  # rich's console and plain writes alike
        script = (
            "set -o pipefail; "
            f"{sys.executable} -m normkit assess --format {output} | head -1 > /dev/null"
        )
        done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, (output, done.stderr)
        assert done.stderr == "", output


def test_csv_has_no_float_noise() -> None:
    code, out, _ = run("assess", "--format", "csv")
    assert code == 0
    numbers = re.findall(r"(?<=,)-?\d+\.\d+(?=,|$)", out, re.M)
    assert numbers and all(len(n.split(".")[1]) <= 4 for n in numbers)
    assert "1.2444," in out  # 112 places / 90 (the 2012 norm), at four decimals


def test_flags_show_as_flags_in_help() -> None:
    code, out, _ = run("assess", "--help")
    assert code == 0 and "<bool>" not in out and "--explain" in out


def test_a_bad_format_is_one_line_and_exit_1() -> None:
    for args in (("assess", "--format", "pdf"), ("plugins", "--format", "yaml")):
        code, _, err = run(*args)
        assert code == 1, args
        assert err.count("\n") == 1 and err.startswith("error: --format:"), err
        assert "╭" not in err


def test_hints_do_not_nest(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "facilities:\n  - name: A\n    units:\n      - {name: U, bed_type: long_termm, beds: 1}\n",
        encoding="utf-8",
    )
    for args in (
        ("assess", str(bad)),
        ("assess", "--format", "pdf"),
        ("assess", "--lang", "se"),
        ("assess", "--norms", "nosuch"),
        ("plan", "--years", "2020", "--scenario", "nosuch"),
    ):
        code, _, err = run(*args)
        assert code == 1 and err.count("(hint:") <= 1, (args, err)


def test_plugins_json_gives_norm_sets_as_objects() -> None:
    import json

    _, out, _ = run("plugins", "--format", "json")
    national = json.loads(out)["plugins"][0]
    first = national["normsets"][0]
    assert set(first) == {"id", "version", "valid_from", "valid_to"}


def test_render_from_python(kit: normkit.Kit, table3: normkit.Assessment) -> None:
    text = kit.render(table3, "markdown", lang="nb")
    assert isinstance(text, str) and "| **Sum** |" in text and "5,16" in text
    book = kit.render(table3, "xlsx")
    assert isinstance(book, bytes)
    assert openpyxl.load_workbook(io.BytesIO(book))["Units"].freeze_panes == "A2"


def test_the_output_files_extension_chooses_the_format(tmp_path: Path) -> None:
    book = tmp_path / "r.xlsx"
    code, _, err = run("assess", "-o", str(book))
    assert code == 0, err
    assert openpyxl.load_workbook(book)["Units"].freeze_panes == "A2"
    page = tmp_path / "r.HTM"
    assert run("assess", "-o", str(page))[0] == 0
    assert page.read_text(encoding="utf-8").startswith("<!doctype html>")
    code, _, err = run("assess", "--format", "csv", "-o", str(tmp_path / "r.xlsx"))
    assert code == 1 and "--format csv writes .csv" in err
    assert run("assess", "--format", "XLSX", "-o", str(tmp_path / "upper.xlsx"))[0] == 0
    assert run("assess", "--lang", "NB", "--format", "markdown")[0] == 0
    code, _, err = run("assess", "--lang", "NB", "--format", "JSON")  # JSON is for programs
    assert code == 1 and "--lang nb is not available with --format json" in err
    assert "or csv (semicolons and decimal commas)" in err
    code, _, err = run("assess", "--chart", str(tmp_path / "gap.svg"))
    assert code == 0 and f"wrote {tmp_path / 'gap.svg'}" in err


def test_xlsx_has_dates_levels_and_no_float_noise(tmp_path: Path) -> None:
    kit = normkit.Kit()
    if "sarpsborg" not in kit.municipalities:
        pytest.skip("the Sarpsborg plugin is not installed")
    target = tmp_path / "plan.xlsx"
    args = ("plan", "--norms", "Sarpsborg", "--scenario", "sarpsborg-programme")
    code, _, err = run(*args, "--years", "2020-2022", "-o", str(target))
    assert code == 0, err
    book = openpyxl.load_workbook(target)
    programme = book["sarpsborg-programme"]
    headers = [c.value for c in programme[1]]
    first = programme.cell(row=2, column=headers.index("Date") + 1)
    assert first.is_date and first.value.date() == dt.date(2020, 1, 1)
    # The programme closes the gap from 2020-04-01 (1.1 + 0.6 FTE): a stored 0, not 8.9e-16.
    gap = programme.cell(row=3, column=headers.index("Gap FTE") + 1)
    assert gap.value == 0
    code, _, err = run("assess", "-o", str(tmp_path / "a.xlsx"))
    assert code == 0, err
    sheet = openpyxl.load_workbook(tmp_path / "a.xlsx")["Units"]
    levels = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert levels.count("total") == 1 and levels.count("subtotal") == 6
    assert sheet.auto_filter.ref is not None


def test_listings_write_to_a_file_too(tmp_path: Path) -> None:
    import json

    schema = tmp_path / "scenario.schema.json"
    code, out, err = run("schema", "scenario", "--output", str(schema))
    assert code == 0 and out == "" and f"wrote {schema}" in err
    assert json.loads(schema.read_text(encoding="utf-8"))["title"]
    listing = tmp_path / "plugins.json"
    assert run("plugins", "--format", "json", "-o", str(listing))[0] == 0
    assert "national" in {p["plugin"] for p in json.loads(listing.read_text())["plugins"]}
    norms = tmp_path / "norms.txt"
    assert run("norms", "-o", str(norms))[0] == 0 and "national" in norms.read_text()
    # a checked file is an input: never written over
    normset = tmp_path / "mine.yaml"
    normset.write_text("id: mine\ntitle: Mine\nneeds: []\n", encoding="utf-8")
    before = normset.read_bytes()
    code, _, err = run("check", str(normset), "-o", str(normset))
    assert code == 1 and "will not write over the input file" in err
    assert normset.read_bytes() == before


def test_workbook_cells_say_their_state_and_dates_follow_the_language(tmp_path: Path) -> None:
    """Pinned by mutation testing: a state is a word, never an empty cell; formats per lang."""
    for lang, date_format, nok_format in (
        ("en", "yyyy-mm-dd", "#,##0"),
        ("nb", "dd.mm.yyyy", '#,##0 "kr"'),
    ):
        target = tmp_path / f"{lang}.xlsx"
        args = ("plan", "--years", "2020", "--lang", lang, "-o", str(target))
        assert run(*args)[0] == 0
        sheet = openpyxl.load_workbook(target).worksheets[1]
        headers = [c.value for c in sheet[1]]
        assert sheet.cell(row=2, column=1).number_format == date_format
        cost = sheet.cell(row=2, column=headers.index(Locale(lang).t("Gap cost NOK/yr")) + 1)
        # the national norm prices no FTE: the gap's cost is not known, and says so
        assert cost.value == Locale(lang).state("not_known")
        measures = sheet.cell(row=2, column=headers.index(Locale(lang).t("Measures NOK/yr")) + 1)
        assert measures.value == 0 and measures.number_format == nok_format


def test_a_wrong_chart_name_lists_the_charts_there_are(tmp_path: Path) -> None:
    code, _, err = run("assess", "--chart", str(tmp_path / "pie.png"))
    assert code == 1 and "name it after one of: need-staffed, gap" in err


def test_a_long_note_in_a_four_column_table_is_a_footnote() -> None:
    from normkit.render.document import Row, Table
    from normkit.render.text import FOOTNOTE_AT, _footnoted

    long = "x" * (FOOTNOTE_AT + 1)
    table = Table(
        "t", ("a", "b", "c", "note"), (Row(("1", "2", "3", long)), Row(("4", "5", "6", long)))
    )
    cells = [list(r.cells) for r in table.rows]
    out, notes = _footnoted(table, cells, [False] * 4)  # type: ignore[arg-type]
    assert [row[-1] for row in out] == ["[1]", "[1]"] and notes == [(1, long)]
    three = Table("t", ("a", "b", "note"), (Row(("1", "2", long)),))
    assert _footnoted(three, [list(three.rows[0].cells)], [False] * 3)[1] == []  # type: ignore[arg-type]


def test_a_bad_renderer_has_its_code() -> None:
    for name, extension in (("Bad Name", ".x"), ("ok", "x")):
        with pytest.raises(NormkitError) as caught:
            Renderer(name, extension, _tsv)
        assert caught.value.code == "plugin.renderer"


def test_charts_per_facility_are_left_out_past_the_limit(kit: normkit.Kit) -> None:
    from normkit.render.reports import MAX_CHART_CATEGORIES

    def report_of(count: int) -> object:
        facilities = [
            {
                "name": f"F{i}",
                "staffing": 1,
                "units": [{"name": "U", "bed_type": "long_term", "beds": 30}],
            }
            for i in range(count)
        ]
        inventory = normkit.Inventory.model_validate({"facilities": facilities})
        return to_report(kit.assess(inventory, "national", dt.date(2024, 1, 1)), Locale("en"))

    assert len(report_of(MAX_CHART_CATEGORIES).charts()) == 2  # type: ignore[attr-defined]
    assert report_of(MAX_CHART_CATEGORIES + 1).charts() == []  # type: ignore[attr-defined]


def test_a_plan_date_without_a_norm_set_has_no_count_of_alerts(kit: normkit.Kit) -> None:
    """No threshold was checked that day: 'none in force', never 0 alerts."""
    inventory = kit.load_inventory(EXAMPLE_INVENTORY)
    plan = kit.plan(inventory, "national", [dt.date(2011, 1, 1), dt.date(2020, 1, 1)], [])
    rows = [line for line in kit.render(plan, "markdown").splitlines() if line.startswith("| 20")]
    assert rows[0].startswith("| 2011-01-01 | none in force |")
    assert rows[0].endswith("| none in force |") and rows[1].endswith("| 0 |")


def test_text_and_workbook_show_the_same_digits(tmp_path: Path) -> None:
    from normkit.render.xlsx import _put
    from normkit.rounding import rounded

    # The workbook keeps 6 decimals (money 2) and Excel shows that; text rounds alike.
    sheet = openpyxl.Workbook().active
    for value, kind, shown in (
        (0.1249996, "fte", "0.13"),  # kept as 0.125
        (0.625, "fte", "0.63"),
        (2.495, "nok", "3"),  # kept as 2.50 (øre), shown to the krone
        (-0.0000004, "signed_fte", "0.00"),
    ):
        cell = _put(sheet, 1, 1, Num(value, kind), Locale("en"))  # type: ignore[arg-type]
        kept = float(rounded(value, 6 if kind != "nok" else 2, 6 if kind != "nok" else 2))
        assert cell.value == kept and str(cell.value) != "-0.0"
        assert Locale("en").number(Num(value, kind)) == shown  # type: ignore[arg-type]
        places = 0 if kind == "nok" else 2
        assert f"{rounded(cell.value, places, places):.{places}f}".lstrip("-") == shown


def test_language_codes_are_read_alike_everywhere(
    kit: normkit.Kit, table3: normkit.Assessment
) -> None:
    assert kit.render(table3, "csv", lang="NB") == kit.render(table3, "csv", lang="nb")
    assert kit.render(table3, "markdown", lang="NB") == kit.render(table3, "markdown", lang="nb")
    with pytest.raises(NormkitError) as caught:
        kit.assess_csv_to(Path("unread.csv"), "national", "2020-04-01", io.StringIO(), lang="de")
    assert caught.value.code == "render.lang"


def test_a_file_format_on_stdout_is_utf8_whatever_pythons_encoding(tmp_path: Path) -> None:
    import subprocess

    source = tmp_path / "homes.csv"
    source.write_text("facility,unit,bed_type,beds\nKruseløkka,1,long_term,90\n", "utf-8")
    env = {**os.environ, "PYTHONIOENCODING": "cp1252", "NORMKIT_DISABLE_PLUGIN_AUTOLOAD": "1"}
    for args in (["assess"], ["assess", str(source), "--at", "2020-04-01"]):  # usual, streamed
        done = subprocess.run(
            [sys.executable, "-m", "normkit", *args, "--format", "csv", "--lang", "nb"],
            capture_output=True,
            env=env,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith("\ufeff".encode()) and "ø".encode() in done.stdout


def test_a_surplus_is_said_not_costed_where_the_gap_cost_is_noted(tmp_path: Path) -> None:
    """Haugvoll alone (Table 3): adopted 0.75 FTE against 0.8 staffed. The cost counts a
    shortfall only, so its 0 is said to be that, not what the formula gives for -0.05."""
    if "sarpsborg" not in normkit.Kit().municipalities:
        pytest.skip("the Sarpsborg plugin is not installed")
    units = [
        {"name": "Haugvoll long-term", "bed_type": "long_term", "beds": 48},
        {"name": "Haugvoll dementia", "bed_type": "dementia_special", "beds": 16},
    ]
    said = "a surplus is not costed"
    for staffing, surplus in ((0.8, True), (0.7, False)):
        homes = tmp_path / "haugvoll.json"
        facility = {"name": "Haugvoll", "staffing": staffing, "units": units}
        homes.write_text(json.dumps({"as_of": "2020-04-01", "facilities": [facility]}))
        args = ("assess", str(homes), "--municipality", "sarpsborg")
        code, text, err = run(*args)
        assert code == 0, err
        assert (said in text) is surplus
        assert ("gap costs 0 per year" in text) is surplus
        _, table_nb, _ = run(*args, "--lang", "nb")
        assert ("et overskudd gir ingen kostnad" in table_nb) is surplus
        _, csv_text, _ = run(*args, "--format", "csv")
        assert (said in csv_text) is surplus


@pytest.mark.parametrize("batch", [3, 500])
def test_json_in_pieces_is_the_json_to_the_byte(
    batch: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The command line and the server write JSON in pieces (a plan's periods, rows in
    batches): joined, they must be the document, whatever the result holds."""
    from normkit.render import choose, data, render, render_pieces

    monkeypatch.setattr(data, "_BATCH", batch)  # rows over several batches, or in one

    kit = normkit.Kit()
    if "sarpsborg" not in kit.municipalities:
        pytest.skip("the Sarpsborg plugin is not installed")
    examples = ("sarpsborg-helsehuset-2020", "sarpsborg-nursing-homes-2020")
    homes = normkit.combine_inventories([kit.load_inventory(kit.example(e)[1]) for e in examples])
    day = dt.date(2020, 4, 1)
    programme = kit.load_scenarios([kit.example("sarpsborg-programme", "scenario")[1]])
    from normkit.planning.scenario import parse_scenarios

    change = {"kind": "add_unit", "facility": "Kurland", "unit": "New", "bed_type": "long_term"}
    change |= {"beds": 9, "valid_from": "2021-01-01"}
    programme += parse_scenarios([{"id": "more", "title": "more", "changes": [change]}])
    # to 2027: the base has no norm set in force then, so its period has no assessment
    years = [dt.date(year, 1, 1) for year in range(2020, 2028)]
    results = [
        kit.assess(homes, "sarpsborg-physicians", day),  # explained
        kit.assess(normkit.Inventory(), "national", day),  # no rows at all
        kit.compare_normsets(homes, "national", "sarpsborg-physicians", day),
        kit.plan(homes, "sarpsborg-physicians", years, programme, True),
    ]
    renderer = choose("json", kit.renderers.values())
    for result in results:
        pieces = list(render_pieces(result, renderer))
        whole = render(result, renderer)
        assert "".join(map(str, pieces)) == whole == result.model_dump_json(indent=2) + "\n"
    # a plan's periods and differences are pieces of their own: no piece holds much of it
    pieces = [str(p) for p in render_pieces(results[-1], renderer)]
    assert max(map(len, pieces)) < sum(map(len, pieces)) / 10
    for field in ('"periods": ', '"differences": ', '"units": '):
        opened = [pieces[i + 1] for i, p in enumerate(pieces) if p.endswith(field)]
        assert opened and set(opened) <= {"[", "[]"}, field  # a list written item by item


def test_no_norm_is_said_as_no_norm_in_sums_and_charts() -> None:
    """A home of respite places only (no national norm): its hours, a comparison's sums
    and a chart's words say "no norm", as its units do, not "not known"."""
    from normkit.render.document import Chart

    kit = normkit.Kit(autoload=False)
    homes = normkit.Inventory.model_validate(
        {
            "facilities": [
                {
                    "name": "Respite",
                    "staffing": 0.2,
                    "units": [{"name": "R", "bed_type": "respite", "beds": 10}],
                },
                {"name": "Home", "units": [{"name": "L", "bed_type": "long_term", "beds": 30}]},
            ]
        }
    )
    day = dt.date(2020, 4, 1)
    report = to_report(kit.assess(homes, "national", day), Locale("en"))
    respite = next(
        r for r in report.tables()[0].rows if r.cells[:2] == ("Respite", "(facility total)")
    )
    assert [c.state for c in respite.cells if isinstance(c, Num) and c.value is None][-1] == (
        "no_norm"
    )  # the hours' cell
    charts = [b for b in report.blocks if isinstance(b, Chart)]
    assert "Respite: Required FTE no norm, Staffed FTE 0.20" in charts[0].description
    compared = to_report(kit.compare_normsets(homes, "national", "national", day), Locale("nb"))
    total = next(
        r for r in compared.tables()[0].rows if r.cells[:2] == ("Respite", "(sum institusjon)")
    )
    assert [c.state for c in total.cells[4:6]] == ["no_norm", "no_norm"]
    (chart,) = [b for b in compared.blocks if isinstance(b, Chart)]
    assert "Respite: national (left) ingen norm, national (right) ingen norm" in chart.description
    assert "*" not in chart.title  # both sides leave out the same places: like for like


def test_a_comparison_chart_marks_what_is_not_like_for_like() -> None:
    """Helsehuset: KAD has no national norm, and only Sarpsborg has the medical lead."""
    from normkit.render.document import Chart

    kit = normkit.Kit()
    if "sarpsborg" not in kit.municipalities:
        pytest.skip("the Sarpsborg plugin is not installed")
    homes = kit.load_inventory(kit.example("sarpsborg-helsehuset-2020")[1])
    compared = kit.compare_normsets(homes, "national", "sarpsborg-physicians", dt.date(2020, 4, 1))
    (chart,) = [b for b in to_report(compared, Locale("en")).blocks if isinstance(b, Chart)]
    assert chart.categories == ("Helsehuset *",)
    assert chart.title.startswith("Required FTE per facility (* not like for like: ")


def test_a_unit_without_staffing_beside_the_homes_own_says_at_facility() -> None:
    """0.5 FTE for the home and 0.3 for one unit: the other unit's staffing is the home's
    part no unit records, not 'not recorded'; without the home's own, it is."""
    kit = normkit.Kit(autoload=False)
    day = dt.date(2020, 1, 1)
    units = [
        {"name": "A1", "bed_type": "long_term", "beds": 30, "staffing": 0.3},
        {"name": "A2", "bed_type": "long_term", "beds": 30},
    ]
    for home, said in ((0.5, "at_facility"), (None, "not_recorded")):
        facility: dict[str, Any] = {"name": "A", "units": units}
        if home is not None:
            facility["staffing"] = home
        homes = normkit.Inventory.model_validate({"facilities": [facility]})
        rows = to_report(kit.assess(homes, "national", day), Locale("en")).tables()[0].rows
        a2 = next(r for r in rows if r.cells[1] == "A2")
        assert (a2.cells[6].state, a2.cells[7].state) == (said, said)


def test_a_chart_that_cannot_be_written_stops_the_command_before_its_output(
    tmp_path: Path,
) -> None:
    target = tmp_path / "out.json"
    target.write_text("kept", encoding="utf-8")
    chart = tmp_path / "nowhere" / "gap.png"
    code, out, err = run("assess", "--chart", str(chart), "--format", "json", "-o", str(target))
    assert code == 1 and "the folder" in err and "does not exist" in err
    assert target.read_text(encoding="utf-8") == "kept"  # not replaced
    code, out, err = run("assess", "--chart", str(chart), "--format", "json")
    assert code == 1 and out == ""  # nothing printed before the error
    # and the other way: an output that cannot be written leaves no chart behind
    drawn = tmp_path / "gap.png"
    for refused in (
        ("-o", str(tmp_path / "nowhere" / "out.csv")),
        ("--format", "json", "--lang", "nb"),
    ):
        code, _, err = run("assess", "--chart", str(drawn), *refused)
        assert code == 1 and not drawn.exists(), err
