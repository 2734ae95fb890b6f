"""The streaming path (CSV in, CSV or JSON Lines out, written as assessed) gives what the
usual path gives, byte for byte: on the bundled example, the plugins' examples, and
generated inventories; and it falls back to the usual reader for what it does not take."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import normkit
from normkit.cli import app
from normkit.inventory import CSV_COLUMNS
from normkit.progress import progress_bar
from normkit.streaming import read_unit_columns

APRIL_2020 = dt.date(2020, 4, 1)


@pytest.fixture(scope="module")
def kit() -> normkit.Kit:
    """With the installed municipal plugins: their norm sets and examples are compared too."""
    return normkit.Kit()


HEADER = list(CSV_COLUMNS)


def inventory_csv(inventory: normkit.Inventory, at: dt.date) -> str:
    """An inventory as the CSV layout: a row per unit (with its first staffing record), a
    row per further record, a row per facility-level record."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)

    def dates(record: normkit.Staffing) -> list[str]:
        return [
            record.valid_from.isoformat() if record.valid_from else "",
            record.valid_to.isoformat() if record.valid_to else "",
        ]

    for facility in inventory.on(at).facilities:
        for unit in facility.units:
            first, *rest = unit.staffing or (None,)
            staffed = [repr(first.fte), *dates(first)] if first is not None else ["", "", ""]
            writer.writerow(
                [facility.name, unit.name, unit.bed_type, unit.beds, *staffed, unit.note or ""]
            )
            for record in rest:
                writer.writerow(
                    [facility.name, unit.name, "", "", repr(record.fte), *dates(record), ""]
                )
        for record in facility.staffing:
            writer.writerow(
                [facility.name, "", "", "", repr(record.fte), *dates(record), record.note or ""]
            )
    return out.getvalue()


def both_paths(
    kit: normkit.Kit, path: Path, normset: str, at: dt.date, format: str, explain: bool = False
) -> tuple[str, str]:
    """(streamed, usual) output of one CSV inventory."""
    streamed = io.StringIO()
    kit.assess_csv_to(path, normset, at, streamed, format, explain)
    usual = kit.render(
        kit.assess(kit.load_inventory(path), normset, at, explain=explain), format, explain=explain
    )
    return streamed.getvalue(), usual


def test_the_bundled_example_streams_as_the_usual_path(kit: normkit.Kit, tmp_path: Path) -> None:
    path = tmp_path / "sarpsborg.csv"
    path.write_text(inventory_csv(kit.load_inventory(normkit.EXAMPLE_INVENTORY), APRIL_2020))
    for normset in ("national", "sarpsborg-physicians"):
        for format in ("csv", "jsonl"):
            streamed, usual = both_paths(kit, path, normset, APRIL_2020, format)
            assert streamed == usual, (normset, format)
        streamed, usual = both_paths(kit, path, normset, APRIL_2020, "jsonl", explain=True)
        assert streamed == usual and '"explanation":{' in streamed, normset
    # Sarpsborg's adopted need and Table 3's pure norm, read from the stream's last line.
    out = io.StringIO()
    kit.assess_csv_to(path, "national", APRIL_2020, out, "jsonl")
    last = out.getvalue().splitlines()[-1]
    assert '"record":"assessment"' in last
    assert '"norm_fte":5.1' in last  # 5.16 FTE for Table 3's 370 places


def _example_inventories(kit: normkit.Kit) -> list[tuple[str, Path, str]]:
    found = []
    for municipality in kit.municipalities.values():
        normsets = [n for n in municipality.normsets] or ["national"]
        for example in municipality.examples:
            if example.kind == "inventory":
                found.append((example.id, example.path, normsets[0]))
    return found


def test_the_plugins_examples_stream_as_the_usual_path(kit: normkit.Kit, tmp_path: Path) -> None:
    examples = _example_inventories(kit)
    assert len(examples) >= 5
    compared = 0
    for example_id, source, normset in examples:
        inventory = kit.load_inventory(source)
        at = inventory.as_of or APRIL_2020
        try:
            kit.resolve(normset, at)
        except normkit.NormSetError:
            normset = "national"
        if not inventory.facilities:
            continue  # GP lists and populations: no units to stream
        path = tmp_path / f"{example_id}.csv"
        path.write_text(inventory_csv(inventory, at))
        for ns in dict.fromkeys((normset, "national")):
            for format in ("csv", "jsonl"):
                streamed, usual = both_paths(kit, path, ns, at, format)
                assert streamed == usual, (example_id, ns, format)
                compared += 1
    assert compared >= 4


# Helsehuset, Kurland and Tingvoll are named by Sarpsborg's needs and overrides.
NAMES = st.sampled_from(["Helsehuset", "Kurland", "Tingvoll", "Home A", "=cmd", "Ås «B»"])
UNITS = st.sampled_from(["Kurland", "Tingvoll long-term", *(f"U{n}" for n in range(8))])
BED_TYPES = st.sampled_from(
    ["long_term", "short_term", "rehabilitation", "dementia_special", "palliative", "respite"]
)
FTE = st.one_of(
    st.just(""),
    st.integers(0, 40).map(lambda n: f"{n / 10}"),
    st.integers(0, 40).map(lambda n: f"{n // 10},{n % 10}"),  # a decimal comma
)
# Rows only the usual reader takes (a dated post, a post as a percentage): a file with
# one is handed over, and must still give the same output.
HANDED_OVER = st.sampled_from(
    [
        ["Home A", "", "", "", "0.4", "2020-01-01", "2020-03-31", "ended"],
        ["Kurland", "", "", "", "60 %", "", "", ""],
    ]
)


@st.composite
def csv_inventories(draw: st.DrawFn) -> str:
    rows = [HEADER]
    units: list[tuple[str, str]] = []
    for _ in range(draw(st.integers(0, 25))):
        facility = draw(NAMES)
        kind = draw(st.sampled_from(["unit", "unit", "unit", "staffing", "facility"]))
        fte = draw(FTE)
        if kind == "unit" or (not units and kind == "staffing"):
            unit = draw(UNITS)
            if (facility, unit) in units:
                continue
            units.append((facility, unit))
            beds = str(draw(st.integers(0, 500)))
            note = draw(st.sampled_from(["", "", "+47 ring"]))
            rows.append([facility, unit, draw(BED_TYPES), beds, fte, "", "", note])
        elif kind == "staffing":
            facility, unit = draw(st.sampled_from(units))
            rows.append([facility, unit, "", "", fte or "0.5", "", "", ""])
        else:
            rows.append([facility, "", "", "", fte or "1", "", "", ""])
    if draw(st.integers(0, 4)) == 0:
        rows.insert(draw(st.integers(1, len(rows))), draw(HANDED_OVER))
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=csv_inventories(), normset=st.sampled_from(["national", "sarpsborg-physicians"]))
def test_generated_inventories_stream_as_the_usual_path(
    kit: normkit.Kit, tmp_path_factory: pytest.TempPathFactory, text: str, normset: str
) -> None:
    path = tmp_path_factory.mktemp("inv") / "inventory.csv"
    path.write_text(text, encoding="utf-8")
    for format in ("csv", "jsonl"):
        try:
            streamed, usual = both_paths(kit, path, normset, APRIL_2020, format)
        except normkit.NormkitError as error:
            # Both paths refuse alike: the stream hands a file it cannot take to the usual
            # reader, whose error this is.
            with pytest.raises(type(error)) as usual_error:
                kit.assess(kit.load_inventory(path), normset, APRIL_2020)
            assert str(usual_error.value) == str(error)
            return
        assert streamed == usual


def test_the_columnar_reader_hands_over_what_it_does_not_take(
    kit: normkit.Kit, tmp_path: Path
) -> None:
    simple = tmp_path / "simple.csv"
    simple.write_text('facility,unit,bed_type,beds,staffed_fte\nA,1,long_term,12,"0,6"\n')
    columns = read_unit_columns(simple, kit.bed_types, kit.limits)
    assert columns is not None and columns.staffed == [0.6]
    for line in (
        "A,1,long_term,12,60 %",  # a post as a percentage
        "A,1,long_term,1 200,",  # a thousands separator
        "A,1,langtid,12,",  # an unknown bed type: the usual reader suggests one
        "A,1,long_term,,",  # beds missing
        "A,,long_term,12,",  # a unit without a name
        ",1,long_term,12,",  # a unit without a facility
        "A,1,long_term,,0.5",  # beds missing on a row with a bed type
    ):
        other = tmp_path / "other.csv"
        other.write_text(f"facility,unit,bed_type,beds,staffed_fte\n{line}\n")
        assert read_unit_columns(other, kit.bed_types, kit.limits) is None, line


def test_a_bad_file_gets_the_usual_error_with_its_line(kit: normkit.Kit, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("facility,unit,bed_type,beds\nA,1,long_term,12\nA,2,langtid,4\n")
    with pytest.raises(normkit.InventoryError) as error:
        kit.assess_csv_to(path, "national", APRIL_2020, io.StringIO(), "csv")
    assert error.value.location.line == 3
    assert "long_term" in str(error.value)


@pytest.mark.parametrize(
    "rows",
    [
        ["Home,A,long_term,30", "Ho\u200bme,B,long_term,30"],  # two facilities that look one
        ["House,Ho\u200bme,long_term,3", "House,Home,long_term,3"],  # two units alike
        ["House,Hå,long_term,3", "House,Ha\u030a,,,0.5"],  # staffing for a lookalike unit
    ],
)
def test_names_that_look_alike_get_the_usual_error_when_streamed(
    kit: normkit.Kit, tmp_path: Path, rows: list[str]
) -> None:
    path = tmp_path / "alike.csv"
    path.write_text("\n".join(["facility,unit,bed_type,beds,staffed_fte", *rows]) + "\n")
    assert read_unit_columns(path, kit.bed_types, kit.limits) is None
    with pytest.raises(normkit.InventoryError) as streamed:
        kit.assess_csv_to(path, "national", APRIL_2020, io.StringIO(), "csv")
    with pytest.raises(normkit.InventoryError) as usual:
        kit.load_inventory(path)
    assert streamed.value.to_dict() == usual.value.to_dict()
    assert "written 'H" in streamed.value.message or streamed.value.code == "csv.row"
    # A Norwegian name, and lookalikes nowhere, stay on the fast path.
    plain = tmp_path / "plain.csv"
    plain.write_text("facility,unit,bed_type,beds\nKruseløkka,Hå,long_term,3\n")
    assert read_unit_columns(plain, kit.bed_types, kit.limits) is not None


def test_the_command_streams_csv_and_json_lines(tmp_path: Path) -> None:
    source = tmp_path / "homes.csv"
    source.write_text(
        "facility,unit,bed_type,beds,staffed_fte\nA,1,long_term,90,0.5\nA,2,respite,4,\n"
        "B,1,palliative,6,0.2\n"
    )
    runner = CliRunner()
    kit = normkit.Kit()
    usual = kit.assess(kit.load_inventory(source), "national", APRIL_2020, explain=False)
    for format in ("csv", "jsonl"):
        result = runner.invoke(
            app, ["assess", str(source), "--at", "2020-04-01", "--format", format]
        )
        assert result.exit_code == 0, result.output
        assert result.stdout == kit.render(usual, format)
    # For a spreadsheet set to Norwegian, streamed as the usual path writes it.
    result = runner.invoke(
        app, ["assess", str(source), "--at", "2020-04-01", "--format", "csv", "--lang", "nb"]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == kit.render(usual, "csv", lang="nb")
    # 90 long-term places: 30 hours a week; the respite unit has no norm, B 6 × 5 hours
    assert ";;unit;A;1;long_term;90;norm;1;1;0,5;0,5;;30\n" in result.stdout
    assert result.stdout.endswith(
        ";;total;;;;100;;2;2;0,7;1,3;4 places in 1 unit(s) had no norm;60\n"
    )
    target = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["assess", str(source), "--at", "2020-04-01", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8") == kit.render(usual, "jsonl")
    assert "Assessing" not in result.stderr  # no terminal, no progress bar
    # The input is never written over, and a failed run leaves no file behind.
    result = runner.invoke(app, ["assess", str(source), "--format", "csv", "-o", str(source)])
    assert result.exit_code == 1 and "will not write over" in result.stderr
    bad = tmp_path / "bad.csv"
    bad.write_text("facility,unit,bed_type,beds\nA,1,long_term,x\n")
    result = runner.invoke(app, ["assess", str(bad), "-o", str(tmp_path / "never.csv")])
    assert result.exit_code == 1 and "bad.csv:2, field 'beds'" in result.stderr
    assert not (tmp_path / "never.csv").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_progress_bar_shows_on_a_terminal_after_its_delay() -> None:
    quiet = io.StringIO()
    with progress_bar("Assessing facilities", stream=quiet, delay=0) as progress:
        progress(1, 2)
    assert quiet.getvalue() == ""  # not a terminal
    terminal = _Terminal()
    with progress_bar("Assessing facilities", stream=terminal, delay=0) as progress:
        progress(1, 2)
        progress(2, 2)
    assert "Assessing facilities" in terminal.getvalue()
    short = _Terminal()
    with progress_bar("Assessing facilities", stream=short, delay=60) as progress:
        progress(1, 2)
    assert short.getvalue() == ""  # a quick run draws nothing


def test_jsonl_is_for_assessments(kit: normkit.Kit, example: normkit.Inventory) -> None:
    comparison = kit.compare_normsets(example, "national", "sarpsborg-physicians", APRIL_2020)
    with pytest.raises(normkit.NormkitError, match="jsonl writes assessments"):
        kit.render(comparison, "jsonl")


def test_the_stream_refuses_what_the_usual_path_refuses(tmp_path: Path) -> None:
    source = tmp_path / "homes.csv"
    source.write_text("facility,unit,bed_type,beds\nA,1,long_term,90\n")
    runner = CliRunner()
    result = runner.invoke(app, ["assess", str(source), "--format", "csv", "--explain"])
    assert result.exit_code == 1 and "--explain is not available" in result.stderr
    result = runner.invoke(app, ["assess", str(source), "--format", "csv", "--lang", "sv"])
    assert result.exit_code == 1 and "sv" in result.stderr
    result = runner.invoke(app, ["assess", str(source), "--format", "csv", "-o", "x.xlsx"])
    assert result.exit_code == 1 and "render.format-mismatch" not in result.stdout


def test_assessments_and_plans_report_their_progress(kit: normkit.Kit) -> None:
    seen: list[tuple[int, int]] = []
    inventory = kit.load_inventory(normkit.EXAMPLE_INVENTORY)
    kit.assess(inventory, "national", APRIL_2020, progress=lambda d, t: seen.append((d, t)))
    facilities = len(inventory.facilities)
    assert seen[0] == (0, facilities) and seen[-1] == (facilities, facilities)
    seen.clear()
    days = [dt.date(2020, 1, 1), dt.date(2021, 1, 1), dt.date(2022, 1, 1)]
    kit.plan(inventory, "national", days, progress=lambda d, t: seen.append((d, t)))
    assert seen == [(1, 3), (2, 3), (3, 3)]


def test_a_refused_file_writes_no_line_of_output(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("facility,unit,bed_type,beds\nA,1,long_term,12\nA,2,long_term,x\n")
    for format in ("csv", "jsonl"):
        result = CliRunner().invoke(app, ["assess", str(bad), "--format", format])
        assert result.exit_code == 1 and result.stdout == "", format


def test_the_stream_is_right_when_there_are_more_kinds_of_unit_than_are_kept(
    kit: normkit.Kit, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Shared rows and laid-out cells are dropped when too many: nothing stale is reused."""
    import normkit.assessment
    import normkit.streaming

    monkeypatch.setattr(normkit.assessment, "_MAX_SHARED_ROWS", 3)
    monkeypatch.setattr(normkit.streaming, "_KEPT", 2)
    rows = [
        f"H{n % 4},U{n},{t},{n},0.{n % 10}" for n, t in enumerate(["long_term", "palliative"] * 20)
    ]
    path = tmp_path / "kinds.csv"
    path.write_text("facility,unit,bed_type,beds,staffed_fte\n" + "\n".join(rows) + "\n")
    for format in ("csv", "jsonl"):
        streamed, usual = both_paths(kit, path, "national", APRIL_2020, format)
        assert streamed == usual, format


def test_units_alike_share_one_row_and_keep_their_own_figures(
    kit: normkit.Kit, tmp_path: Path
) -> None:
    """Units of one kind (bed type and beds) share a computed row and its laid-out cells;
    each keeps its own name, staffing (one record, several, none) and note, and a
    facility's own staffing counts in its sum. A bed-type override without a facility
    names every unit it set in its note."""
    norms = tmp_path / "ours.yaml"
    norms.write_text(
        "id: ours\ntitle: Ours\nvalid_from: 2020-01-01\nextends: national\n"
        "source: {document: our plan}\noverrides:\n  - id: palliative-fixed\n"
        "    bed_types: [palliative]\n    rule: {kind: fixed, amount: 0.5 FTE}\n"
        "    reason: one doctor per palliative unit\n",
        encoding="utf-8",
    )
    path = tmp_path / "alike.csv"
    path.write_text(
        "facility,unit,bed_type,beds,staffed_fte,note\n"
        "A,North,long_term,30,0.3,\n"
        "A,South,long_term,30,,winter only\n"
        'B,North,long_term,30,"0,2",\n'
        "B,North,,,0.1,second post\n"
        "B,,,,0.5,\n"
        "B,Care,palliative,6,,\n"
        "C,Care,palliative,6,0.4,\n"
        "C,Rest,respite,4,,\n",
        encoding="utf-8",
    )
    assert read_unit_columns(path, kit.bed_types, kit.limits) is not None  # streamed
    normset = kit.load_normset(norms)
    for format in ("csv", "jsonl"):
        for explain in (False, True) if format == "jsonl" else (False,):
            streamed = io.StringIO()
            kit.assess_csv_to(path, normset, APRIL_2020, streamed, format, explain)
            usual = kit.assess(kit.load_inventory(path), normset, APRIL_2020, explain=explain)
            assert streamed.getvalue() == kit.render(usual, format, explain=explain)
    assert any("(Care, Care)" in note for note in usual.notes)  # both units, by name


def test_the_stream_reports_progress_and_keeps_the_kits_limits(tmp_path: Path) -> None:
    path = tmp_path / "three.csv"
    path.write_text(
        "facility,unit,bed_type,beds\nA,1,long_term,3\nB,1,long_term,3\nC,1,respite,2\n"
    )
    kit = normkit.Kit(autoload=False)
    seen: list[tuple[int, int]] = []
    kit.assess_csv_to(
        path, "national", APRIL_2020, io.StringIO(), progress=lambda *p: seen.append(p)
    )
    assert seen[0] == (0, 3) and seen[-1] == (3, 3)
    dated = tmp_path / "dated.csv"  # the usual reader's path reports too
    dated.write_text(
        "facility,unit,bed_type,beds,staffed_fte,staffed_valid_from\nA,1,long_term,3,0.1,2020-01-01\n"
    )
    seen.clear()
    kit.assess_csv_to(
        dated, "national", APRIL_2020, io.StringIO(), progress=lambda *p: seen.append(p)
    )
    assert seen[-1] == (1, 1)
    small = normkit.Kit(autoload=False, limits=normkit.Limits(max_units=2))
    with pytest.raises(normkit.InventoryError, match="more than 2 rows"):
        small.assess_csv_to(path, "national", APRIL_2020, io.StringIO())


def test_the_module_function_defaults_to_no_explanations_and_the_formula_guard(
    tmp_path: Path,
) -> None:
    from normkit.streaming import assess_csv_to
    from normkit.streaming import read_unit_columns as columns_of

    path = tmp_path / "guard.csv"
    path.write_text("facility,unit,bed_type,beds\n=A,1,long_term,3\n")
    assert columns_of(path) is not None  # any bed type, without a kit's list
    resolved = normkit.Kit(autoload=False).resolve("national", APRIL_2020)
    out = io.StringIO()
    assess_csv_to(path, resolved, out, "jsonl")
    assert '"explanation":null' in out.getvalue()
    out = io.StringIO()
    assess_csv_to(path, resolved, out, "csv")
    assert ",'=A," in out.getvalue()


@pytest.mark.parametrize(
    ("staffing", "gap_known"),
    [
        ("facility", False),  # the whole home's staffing may serve the respite places
        ("respite unit", False),  # staffing of a unit with no norm: no need to set it against
        ("long-term unit", True),  # every post serves places with a known need
    ],
)
def test_staffing_that_may_serve_places_without_a_need_leaves_the_gap_unknown(
    kit: normkit.Kit, tmp_path: Path, staffing: str, gap_known: bool
) -> None:
    """Set against the long-term places' need alone, time spent on the respite places
    would look like a surplus and hide the long-term shortfall."""
    long_term = "0.5" if staffing == "long-term unit" else ""
    respite = "0.5" if staffing == "respite unit" else ""
    rows = [
        "facility,unit,bed_type,beds,staffed_fte",
        f"Home,Long,long_term,90,{long_term}",
        f"Home,Respite,respite,30,{respite}",
        "Other,Long,long_term,45,0.25",
    ]
    if staffing == "facility":
        rows.append("Home,,,,0.5")
    path = tmp_path / "homes.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = kit.assess(kit.load_inventory(path), "national", APRIL_2020)
    home, other = result.facilities
    assert (home.required_fte, home.staffed_fte) == (pytest.approx(1.0), 0.5)
    assert home.gap_fte == (pytest.approx(0.5) if gap_known else None)
    assert other.gap_fte == pytest.approx(0.25)
    assert result.totals.gap_fte == pytest.approx(0.75 if gap_known else 0.25)
    left_out = [n for n in result.notes if n.startswith("Home: 0.5 FTE staffed, but some of it")]
    assert len(left_out) == (0 if gap_known else 1)
    for format in ("csv", "jsonl"):  # the streaming path decides the same
        streamed, usual = both_paths(kit, path, "national", APRIL_2020, format)
        assert streamed == usual, format
