"""`normkit check`, `normkit schema` and `normkit new-plugin`."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

import normkit
from normkit.cli import app
from normkit.files import noting_reads, read_document
from normkit.lint import check_paths, check_plugins
from normkit.scaffold import new_plugin, slugify
from normkit.schema import json_schema

ROOT = Path(__file__).parent.parent
runner = CliRunner()

GOOD = """
id: testby
title: Testby
valid_from: 2020-01-01
valid_to: 2020-12-31
extends: national
source: {document: Testby plan}
needs:
  - id: long_term
    bed_types: [long_term]
    rule: {kind: rate, amount: 1 hour/week, per: 3 place, fte_basis: 30 hour/week/FTE}
    reason: as the national norm
    source: {document: Testby plan, section: "2.1"}
"""


@pytest.fixture(autouse=True)
def _builtin_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NORMKIT_DISABLE_PLUGIN_AUTOLOAD", "1")


def run_check(*args: str) -> tuple[int, list[dict[str, str]]]:
    result = runner.invoke(app, ["check", *args, "--format", "json"])
    return result.exit_code, json.loads(result.stdout)


@pytest.mark.parametrize(
    ("change", "line", "code", "message", "hint"),
    [
        (
            ("amount: 1 hour/week", "amount: 1 hour"),
            10,
            "quantity.no-time-base",
            "has no time base",
            "write hours per week",
        ),
        (
            ('    source: {document: Testby plan, section: "2.1"}\n', ""),
            8,
            "normset.no-source",
            "need 'long_term' has no source",
            "add source",
        ),
        (
            (
                '    source: {document: Testby plan, section: "2.1"}\n',
                '    source: {document: Testby plan, section: "2.1"}\noverrides:\n  - id: o\n'
                "    facility: F\n    replaces: dementia\n    rule: {kind: fixed, amount: 1 FTE}\n"
                "    reason: r\n    source: {document: Testby plan}\n",
            ),
            16,
            "override.target",
            "replaces need 'dementia', which does not exist",
            "replaces: null",
        ),
        # What `extends` names is this file's fault: its line, not a bare message.
        (
            ("extends: national", "extends: nationall"),
            5,
            "normset.unknown",
            "unknown norm set 'nationall'",
            "known norm sets: national",
        ),
        (
            (
                "valid_from: 2020-01-01\nvalid_to: 2020-12-31",
                "valid_from: 1999-01-01\nvalid_to: 1999-12-31",
            ),
            5,
            "normset.not-in-force",
            "norm set 'national' has no version in force on 1999-01-01",
            "its versions cover",
        ),
    ],
)
def test_check_finds_file_problems(
    write: Callable[[str, str], Path],
    change: tuple[str, str],
    line: int,
    code: str,
    message: str,
    hint: str,
) -> None:
    path = write("testby.yaml", GOOD.replace(*change))
    exit_code, findings = run_check(str(path))
    assert exit_code == 1
    (finding,) = [f for f in findings if f["code"] == code]
    assert (finding["file"], finding["line"]) == (str(path), line)
    assert message in finding["message"] and hint in finding["hint"]


def test_an_override_whose_bed_types_the_need_it_replaces_has_none_of(
    write: Callable[[str, str], Path],
) -> None:
    """A plugin author's override named long_term but replaced the short-term need: it
    could apply to no unit, check was clean, and the note blamed the inventory."""
    override = """overrides:
  - id: fjordheim
    facility: Fjordheim
    bed_types: [short_term]
    replaces: long_term
    rule: {kind: fixed, amount: 0.5 FTE}
    reason: far from the centre
    source: {document: Testby plan}
"""
    exit_code, findings = run_check(str(write("testby.yaml", GOOD + override)))
    assert exit_code == 1
    (finding,) = [f for f in findings if f["code"] == "override.target"]
    assert (finding["line"], finding["field"]) == (16, "overrides[0].bed_types")
    assert finding["message"] == (
        "override 'fjordheim' replaces need 'long_term' (bed types: long_term) but names bed "
        "types short_term, so it applies to no unit"
    )


def test_check_finds_versions_overlapping_by_one_day(tmp_path: Path) -> None:
    (tmp_path / "v2020.yaml").write_text(GOOD)
    (tmp_path / "v2021.yaml").write_text(
        GOOD.replace("2020-01-01", "2020-12-31").replace(
            "2020-12-31\nextends", "2021-12-31\nextends"
        )
    )
    exit_code, findings = run_check(str(tmp_path))
    assert exit_code == 1
    (overlap,) = [f for f in findings if f["code"] == "normset.overlap"]
    assert overlap["file"] == str(tmp_path / "v2021.yaml") and overlap["line"] == 4
    assert "versions of 'testby' overlap" in overlap["message"]
    # the finding stands at the later file; the message names the earlier one's place
    assert f"(2020-01-01 to 2020-12-31) at {tmp_path / 'v2020.yaml'}:5 and" in overlap["message"]
    assert "day before" in overlap["hint"]


def test_overlapping_versions_are_said_so_by_a_municipality_run(tmp_path: Path) -> None:
    """Not "no norm set in force", on a day outside the overlap too: the plugin is broken."""
    (tmp_path / "v2020.yaml").write_text(GOOD)
    (tmp_path / "v2021.yaml").write_text(
        GOOD.replace("valid_from: 2020-01-01", "valid_from: 2020-06-01").replace(
            "valid_to: 2020-12-31", "valid_to: 2021-12-31"
        )
    )
    (tmp_path / "normkit-plugin.yaml").write_text(
        "municipality: {id: testvik, name: Testvik, codes: [{code: '9999'}], normsets: [testby]}\n"
        "normsets: [v2020.yaml, v2021.yaml]\n"
    )
    kit = normkit.Kit([normkit.ManifestPlugin(tmp_path, name="testvik")], autoload=False)
    with pytest.raises(normkit.NormSetError) as caught:
        kit.normset_for("Testvik", "2020-03-01")
    assert caught.value.code == "normset.overlap"
    assert kit.normset("national", "2020-03-01").id == "national"  # the rest still works


def test_a_norm_set_named_as_its_municipality_is_not_taken_for_it(tmp_path: Path) -> None:
    """Conflicts are kept by what they are about: the municipality 'testby' is fine
    when its norm set 'testby' has overlapping versions, and the other way round."""
    (tmp_path / "v2020.yaml").write_text(GOOD)
    (tmp_path / "v2021.yaml").write_text(
        GOOD.replace("valid_to: 2020-12-31", "valid_to: 2021-12-31")
    )
    (tmp_path / "normkit-plugin.yaml").write_text(
        "municipality: {id: testby, name: Testby, codes: [{code: '9999'}], normsets: [testby]}\n"
        "normsets: [v2020.yaml, v2021.yaml]\n"
    )
    kit = normkit.Kit([normkit.ManifestPlugin(tmp_path, name="testby")], autoload=False)
    assert kit.municipality("Testby").id == "testby"
    assert kit.municipality("9999").id == "testby"
    with pytest.raises(normkit.NormSetError) as caught:
        kit.normset("testby", "2020-03-01")
    assert caught.value.code == "normset.overlap"


def test_an_unknown_example_names_a_plugin_that_failed_to_load(tmp_path: Path) -> None:
    (tmp_path / "normkit-plugin.yaml").write_text("normsets: [missing.yaml]\n")
    kit = normkit.Kit([normkit.ManifestPlugin(tmp_path, name="testby")], autoload=False)
    with pytest.raises(normkit.NormSetError) as caught:
        kit.example("testby-x")
    assert caught.value.hint == (
        "examples: none (install a municipality plugin); plugin(s) 'testby' failed to load, "
        "and may be what registers it: 'normkit plugins' says why"
    )


def test_check_warns_about_gaps(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(GOOD)
    (tmp_path / "b.yaml").write_text(
        GOOD.replace("valid_from: 2020-01-01", "valid_from: 2021-03-01").replace(
            "valid_to: 2020-12-31", "valid_to: 2021-12-31"
        )
    )
    exit_code, findings = run_check(str(tmp_path))
    assert exit_code == 0
    assert [f["severity"] for f in findings] == ["warning"]
    assert "no version in force from 2021-01-01 to 2021-02-28" in findings[0]["message"]


def test_check_table_output_and_clean_exit(write: Callable[[str, str], Path]) -> None:
    path = write("testby.yaml", GOOD)
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 0
    assert "0 error(s), 0 warning(s)" in result.stdout


def test_a_folder_with_nothing_to_check_is_no_pass(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    homes = tmp_path / "homes"
    homes.mkdir()
    (homes / "inventory.yaml").write_text("facilities: []\n", encoding="utf-8")
    for folder in ("empty", "homes"):
        exit_code, findings = run_check(str(tmp_path / folder))
        assert exit_code == 1
        assert [f["code"] for f in findings] == ["check.nothing-to-check"]
    (homes / "testby.yaml").write_text(GOOD, encoding="utf-8")
    assert run_check(str(homes)) == (0, [])


def test_a_folder_given_as_a_file_is_said_to_be_one(tmp_path: Path) -> None:
    folder = tmp_path / "norms.yaml"  # a suffix that names a file kind changes nothing
    folder.mkdir()
    for command in (["assess", str(tmp_path)], ["assess", str(folder)]):
        result = runner.invoke(app, command)
        assert result.exit_code == 1
        assert result.stderr == f"error: {command[1]}: is a folder, not a file\n", command


def test_builtin_plugin_is_clean() -> None:
    exit_code, findings = run_check("national")
    assert (exit_code, findings) == (0, [])


def test_unknown_plugin_name() -> None:
    exit_code, findings = run_check("atlantis")
    assert exit_code == 1 and "no plugin named 'atlantis'" in findings[0]["message"]


def test_schema_validates_every_shipped_file() -> None:
    kit = normkit.Kit(autoload=False)
    kinds, bed_types = kit.rule_kinds, [*kit.bed_types, "nursing_home_unspecified"]
    normset_schema = json_schema("normset", kinds, bed_types)
    inventory_schema = json_schema("inventory", kinds, bed_types)
    manifest_schema = json_schema("manifest", kinds, bed_types)
    scenario_schema = json_schema("scenario", kinds, bed_types)
    scenarios = {
        Path(e["path"]).name
        for manifest in ROOT.glob("plugins/*/src/*/normkit-plugin.yaml")
        for e in read_document(manifest, normkit.NormkitError)[0]["municipality"]["examples"]
        if e.get("kind") == "scenario"
    }
    assert len(scenarios) >= 2
    files = sorted(
        [
            *ROOT.glob("src/normkit/national/*.yaml"),
            *ROOT.glob("plugins/*/src/*/*.yaml"),
            *ROOT.glob("plugins/*/src/*/examples/*.yaml"),
            ROOT / "src/normkit/examples/sarpsborg-nursing-homes-2020.yaml",
        ]
    )
    assert len(files) > 15
    for path in files:
        data, _ = read_document(path, normkit.NormkitError)
        data = json.loads(json.dumps(data, default=str))
        schema = (
            manifest_schema
            if path.name == "normkit-plugin.yaml"
            else scenario_schema
            if path.name in scenarios
            else inventory_schema
            if "examples" in path.parts
            else normset_schema
        )
        jsonschema.validate(data, schema)


def test_schema_rejects_an_unknown_kind_and_bed_type() -> None:
    kit = normkit.Kit(autoload=False)
    schema = json_schema("normset", kit.rule_kinds, kit.bed_types)
    data = yaml.safe_load(GOOD)
    data["valid_from"], data["valid_to"] = "2020-01-01", "2020-12-31"
    jsonschema.validate(data, schema)
    data["needs"][0]["bed_types"] = ["hospice"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)
    data["needs"][0]["bed_types"] = ["long_term"]
    data["needs"][0]["rule"]["kind"] = "magic"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)


def test_schema_command() -> None:
    result = runner.invoke(app, ["schema", "inventory"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["title"] == "normkit inventory file"


@pytest.mark.parametrize(
    ("name", "slug"), [("Moss", "moss"), ("Bærum", "baerum"), ("Våler (Østfold)", "valer-ostfold")]
)
def test_slugs(name: str, slug: str) -> None:
    assert slugify(name) == slug


def test_new_plugin_is_clean_and_refuses_to_overwrite(tmp_path: Path) -> None:
    import datetime as dt

    target = new_plugin("Moss", "3103", tmp_path, dt.date(2024, 1, 1))
    package = target / "src" / "normkit_moss"
    kit = normkit.Kit([normkit.ManifestPlugin(package)], autoload=False)
    assert kit.failures == [] and kit.municipality("3103").name == "Moss"
    # No error; a warning at each placeholder that waits for the plan's own words.
    from normkit.scaffold import PLACEHOLDERS

    findings = check_paths(kit, [package])
    assert {(f.severity, f.code) for f in findings} == {("warning", "normset.placeholder")}
    named = [f.message[1 : f.message.index("' is a placeholder")] for f in findings]
    assert sorted(set(named)) == sorted(PLACEHOLDERS)
    norms = package / "norms.yaml"
    lines = norms.read_text(encoding="utf-8").splitlines()
    for found, placeholder in zip(findings, named, strict=True):
        assert found.file == str(norms) and found.line is not None
        assert placeholder in lines[found.line - 1]
    text = norms.read_text(encoding="utf-8")
    for placeholder in PLACEHOLDERS:
        text = text.replace(placeholder, "(Plan for legetjenester 2024, 3.1)")
    norms.write_text(text, encoding="utf-8")
    assert check_paths(kit, [package]) == []
    text = (target / "pyproject.toml").read_text()
    assert 'moss = "normkit_moss:plugin"' in text
    assert re.search(r'normkit_plugins = \["moss"\]', text)
    with pytest.raises(normkit.PluginError, match="already exists"):
        new_plugin("Moss", "3103", tmp_path, dt.date(2024, 1, 1))
    with pytest.raises(normkit.PluginError, match="four digits"):
        new_plugin("Rygge", "31", tmp_path, dt.date(2024, 1, 1))


def test_overlap_in_an_installed_plugin_has_file_and_line(tmp_path: Path) -> None:
    import datetime as dt

    target = new_plugin("Moss", "3103", tmp_path, dt.date(2024, 1, 1))
    package = target / "src" / "normkit_moss"
    norms = (package / "norms.yaml").read_text()
    (package / "norms-2025.yaml").write_text(norms.replace("2024-01-01", "2024-12-31"))
    (package / "norms.yaml").write_text(
        norms.replace("valid_from: 2024-01-01", "valid_from: 2024-01-01\nvalid_to: 2024-12-31")
    )
    manifest = package / "normkit-plugin.yaml"
    manifest.write_text(
        manifest.read_text().replace("  - norms.yaml", "  - norms.yaml\n  - norms-2025.yaml")
    )
    kit = normkit.Kit([normkit.ManifestPlugin(package)], autoload=False)
    findings = check_plugins(kit, ["moss"])
    (overlap,) = [f for f in findings if f.severity == "error"]
    assert overlap.code == "normset.overlap"
    assert (overlap.file, overlap.line) == (str(package / "norms-2025.yaml"), 5)
    # The manifest itself can be named too: its norm files are checked.
    assert [f.code for f in check_paths(kit, [manifest]) if f.severity == "error"] == [
        "normset.overlap"
    ]


def test_check_reports_every_problem_each_with_its_line(write: Callable[[str, str], Path]) -> None:
    path = write(
        "three.yaml",
        """
        id: three
        title: Three problems
        valid_from: 2020-01-01
        source: {document: Testby plan}
        needs:
          - id: a
            bed_types: [long_term]
            rule: {kind: rate, amount: 1 hour, per: 3 place, fte_basis: 30 hour/week/FTE}
            source: {document: Testby plan}
          - id: b
            bed_types: [short_term]
            rule: {kind: fixed, amount: 1 place}
            source: {document: Testby plan}
          - id: c
            bed_types: [palliative]
            rule: {kind: fixed, amount: 1 FTE}
            source: {document: Testby plan}
            colour: blue
    """,
    )
    exit_code, findings = run_check(str(path))
    assert exit_code == 1
    found = sorted((f["line"], f["code"]) for f in findings)
    assert found == [
        (8, "quantity.no-time-base"),
        (12, "quantity.dimension"),
        (18, "field.unknown"),
    ]


def test_the_tutorials_three_mistakes_in_one_run(write: Callable[[str, str], Path]) -> None:
    # A quantity error stops the norm set from building; the missing source and
    # the override of a need that does not exist are still reported with it.
    text = GOOD.replace("amount: 1 hour/week", "amount: 1 hour")
    text = text.replace('    source: {document: Testby plan, section: "2.1"}\n', "", 1)
    text += (
        "overrides:\n  - id: o\n    facility: F\n    replaces: dementia\n"
        "    rule: {kind: fixed, amount: 1 FTE}\n    reason: r\n"
        "    source: {document: Testby plan}\n"
    )
    exit_code, findings = run_check(str(write("three.yaml", text)))
    assert exit_code == 1
    assert sorted(f["code"] for f in findings) == [
        "normset.no-source",
        "override.target",
        "quantity.no-time-base",
    ]


def test_an_inventory_given_to_check_is_named(write: Callable[[str, str], Path]) -> None:
    path = write("homes.yaml", "facilities:\n  - name: H\n")
    exit_code, findings = run_check(str(path))
    assert exit_code == 1
    assert findings == [
        {
            "severity": "error",
            "code": "normset.not-a-normset",
            "message": "this is an inventory, not a norm set",
            "file": str(path),
            "line": 1,
            "hint": f"assess it with: normkit assess {path}",
        }
    ]


def test_findings_say_where_with_the_field() -> None:
    from normkit.lint import Finding

    assert (
        Finding("error", "c", "m", "f.yaml", 3, "needs[0]").where() == "f.yaml:3, field 'needs[0]'"
    )
    assert Finding("error", "c", "m", "f.yaml").where() == "f.yaml"
    assert Finding("error", "c", "m", field="municipality.normsets").where() == (
        "field 'municipality.normsets'"
    )
    assert Finding("error", "c", "m").where() == ""


def test_check_reports_what_assess_would_refuse(write: Callable[[str, str], Path]) -> None:
    path = write(
        "conflict.yaml",
        """
        id: conflict
        title: Two needs for one bed type
        valid_from: 2020-01-01
        source: {document: Testby plan}
        needs:
          - id: a
            bed_types: [long_term]
            rule: {kind: fixed, amount: 1 FTE}
            source: {document: Testby plan}
          - id: b
            bed_types: [long_term, palliative]
            rule: {kind: fixed, amount: 2 FTE}
            source: {document: Testby plan}
    """,
    )
    exit_code, findings = run_check(str(path))
    assert exit_code == 1
    (conflict,) = findings
    assert conflict["code"] == "need.conflict" and conflict["line"] == 10
    assert "needs 'a' and 'b' both apply to bed type 'long_term'" in conflict["message"]


THRESHOLDS = """
thresholds:
  - id: new-gp-list
    indicator: {watched}
    below: 1000
    action: open a new GP list
    source: {{document: Testby plan}}
"""


@pytest.mark.parametrize(
    ("watched", "suggested"),
    [
        ("free_list_place", "free_list_places"),  # computed from GP lists
        ("inhabitants_80", "inhabitants_80+"),  # computed from a population
        ("gap_ft", "gap_fte"),  # an assessment's total
        ("legevakt_fte_per_10000", None),  # may be any figure an inventory states
        ("free_list_places", None),
    ],
)
def test_check_warns_of_a_threshold_watching_a_near_miss(
    write: Callable[[str, str], Path], watched: str, suggested: str | None
) -> None:
    path = write("testby.yaml", GOOD + THRESHOLDS.format(watched=watched))
    exit_code, findings = run_check(str(path))
    warnings = [f for f in findings if f["code"] == "threshold.indicator"]
    assert exit_code == 0  # a warning: a stated figure may have any name
    if suggested is None:
        assert warnings == []
        return
    (warning,) = warnings
    assert (warning["severity"], warning["line"]) == ("warning", 16)
    assert f"watches '{watched}', which nothing computes" in warning["message"]
    assert warning["hint"] == f"did you mean '{suggested}'?"


def test_a_plugin_check_knows_the_figures_its_examples_state(tmp_path: Path) -> None:
    (tmp_path / "norms.yaml").write_text(
        GOOD + THRESHOLDS.format(watched="public_health_ftes"), encoding="utf-8"
    )
    (tmp_path / "example.yaml").write_text("figures: {public_health_fte: 4.5}\n")
    (tmp_path / "normkit-plugin.yaml").write_text(
        "municipality: {id: testby, name: Testby, codes: [{code: '9999'}], normsets: [testby],\n"
        "  examples: [{id: testby-x, title: X, path: example.yaml}]}\n"
        "normsets: [norms.yaml]\n",
        encoding="utf-8",
    )
    kit = normkit.Kit([normkit.ManifestPlugin(tmp_path, name="testby")], autoload=False)
    (warning,) = [f for f in check_plugins(kit, ["testby"]) if f.code == "threshold.indicator"]
    assert warning.hint == "did you mean 'public_health_fte'?"
    assert (warning.file, warning.line) == (str(tmp_path / "norms.yaml"), 17)


def test_a_norm_file_the_manifest_does_not_list_is_named(tmp_path: Path) -> None:
    (tmp_path / "norms-2020.yaml").write_text(GOOD, encoding="utf-8")
    # Next year's version, written but never added to the manifest: never registered.
    forgotten = tmp_path / "norms" / "norms-2021.yaml"
    forgotten.parent.mkdir()
    forgotten.write_text(GOOD.replace("2020-", "2021-"), encoding="utf-8")
    (tmp_path / "inventory.yaml").write_text("facilities: []\n", encoding="utf-8")
    (tmp_path / "notes.json").write_text('{"id": "x", "title": "not a norm set"}')
    # A scenario has an id, a title and a source too; it is no norm set to list.
    (tmp_path / "what-if.yaml").write_text(
        "id: what-if\ntitle: What if\nsource: {document: Plan}\nchanges: []\n", "utf-8"
    )
    (tmp_path / "normkit-plugin.yaml").write_text("normsets: [norms-2020.yaml]\n")
    exit_code, findings = run_check(str(tmp_path))
    assert exit_code == 0
    assert findings == [
        {
            "severity": "warning",
            "code": "plugin.unlisted-normset",
            "message": "norm set 'testby' in this file is not listed in the manifest, so it "
            "is never registered",
            "file": str(forgotten),
            "hint": f"add it to normsets: in {tmp_path / 'normkit-plugin.yaml'}, or delete it",
        }
    ]
    kit = normkit.Kit([normkit.ManifestPlugin(tmp_path, name="testby")], autoload=False)
    with noting_reads() as read:  # what the command line then never writes over
        assert [f.file for f in check_plugins(kit, ["testby"])] == [str(forgotten)]
    # read only to see that it is no norm set (it names no source)
    assert (tmp_path / "notes.json").resolve() in read
    assert check_plugins(kit, ["national"]) == []


def test_a_new_version_with_a_mistyped_id_is_named(tmp_path: Path) -> None:
    """A plugin author's 2021 version typed 'testbyy': it registered as a norm set of its
    own, the municipality had no norm from 2021, and check was clean."""
    (tmp_path / "norms-2020.yaml").write_text(GOOD, encoding="utf-8")
    typo = GOOD.replace("id: testby", "id: testbyy").replace("2020-", "2021-")
    (tmp_path / "norms-2021.yaml").write_text(typo, encoding="utf-8")
    # a base norm set the listed one builds on is used, though not listed
    base = GOOD.replace("id: testby", "id: testby-base").replace("extends: national\n", "")
    (tmp_path / "base.yaml").write_text(base, encoding="utf-8")
    listed = GOOD.replace("id: testby\n", "id: testby-homes\n").replace(
        "extends: national", "extends: testby-base"
    )
    (tmp_path / "homes.yaml").write_text(listed, encoding="utf-8")
    (tmp_path / "normkit-plugin.yaml").write_text(
        "municipality: {id: testby, name: Testby, codes: [{code: '9999'}],\n"
        "  normsets: [testby, testby-homes]}\n"
        "normsets: [norms-2020.yaml, norms-2021.yaml, base.yaml, homes.yaml]\n",
        encoding="utf-8",
    )
    kit = normkit.Kit([normkit.ManifestPlugin(tmp_path, name="testby")], autoload=False)
    (warning,) = [f for f in check_plugins(kit, ["testby"]) if f.severity == "warning"]
    assert (warning.code, warning.file, warning.line, warning.field) == (
        "municipality.normset-not-listed",
        str(tmp_path / "norms-2021.yaml"),
        2,
        "id",
    )
    assert warning.message == (
        "norm set 'testbyy' is registered by plugin 'testby', but municipality 'testby' "
        "neither lists it in normsets nor builds on it, so no --municipality run uses it"
    )
    assert warning.hint == "did you mean 'testby'? (a new version keeps its norm set's id)"


@pytest.mark.parametrize(
    ("code", "message", "hint"),
    [
        ("'99'", "a kommunenummer is four digits, got '99'", "e.g. code: '3105'"),
        ("998", "kommunenummer 998 was read as a number", "code: '0998'"),
        ("-5", "kommunenummer -5 was read as a number", "as four digits: e.g. code: '3105'"),
        ('"3105\\n"', "four digits, got '3105\\x0a'", "e.g. code: '3105'"),
    ],
)
def test_a_plugin_failure_is_found_at_its_field_with_its_hint(
    tmp_path: Path, code: str, message: str, hint: str
) -> None:
    """The finding's field was the plugin's distribution, its stage the first hook that
    read the manifest (bed types), and the message pydantic's pattern."""
    (tmp_path / "normkit-plugin.yaml").write_text(
        f"municipality:\n  id: testby\n  name: Testby\n  codes: [{{code: {code}}}]\n"
    )
    kit = normkit.Kit([normkit.ManifestPlugin(tmp_path, name="testby")], autoload=False)
    (failure,) = [f for f in check_plugins(kit, ["testby"]) if f.code == "municipality.code"]
    assert (failure.file, failure.line) == (str(tmp_path / "normkit-plugin.yaml"), 4)
    assert failure.field == "municipality.codes[0].code"
    assert "failed at reading its manifest" in failure.message and message in failure.message
    assert failure.hint is not None and hint in failure.hint
    # as normkit plugins --format json gives the failure
    (listed,) = [f.to_dict() for f in kit.failures]
    assert (listed["field"], listed["hint"]) == (failure.field, failure.hint)


def test_a_norm_set_naming_another_municipality_is_named(tmp_path: Path) -> None:
    """A file copied from Bergen's plugin and not edited: listed by Bergen's name."""
    copied = GOOD.replace("title: Testby\n", "title: Testby\nmunicipality: Bergen\n")
    (tmp_path / "norms.yaml").write_text(copied, encoding="utf-8")
    (tmp_path / "normkit-plugin.yaml").write_text(
        "municipality: {id: testby, name: Testby, codes: [{code: '9999'}], normsets: [testby]}\n"
        "normsets: [norms.yaml]\n",
        encoding="utf-8",
    )
    kit = normkit.Kit([normkit.ManifestPlugin(tmp_path, name="testby")], autoload=False)
    (warning,) = [f for f in check_plugins(kit, ["testby"]) if f.severity == "warning"]
    where = (warning.code, warning.line, warning.field)
    assert where == ("normset.municipality", 4, "municipality")
    assert warning.message == (
        "norm set 'testby' names municipality 'Bergen', but plugin 'testby' registers Testby"
    )
    assert warning.hint == "write municipality: Testby"
    (tmp_path / "norms.yaml").write_text(copied.replace("Bergen", "testby"), encoding="utf-8")
    kit = normkit.Kit([normkit.ManifestPlugin(tmp_path, name="testby")], autoload=False)
    assert check_plugins(kit, ["testby"]) == []  # its id does as well as its name


def test_a_conflict_between_plugins_is_found_at_the_manifest_checked(tmp_path: Path) -> None:
    """A kommunenummer two plugins claim: the finding's Where was empty."""
    for name in ("testby", "testvik"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "normkit-plugin.yaml").write_text(
            f"municipality: {{id: {name}, name: {name.title()}, codes: [{{code: '9999'}}]}}\n"
        )
    plugins = [normkit.ManifestPlugin(tmp_path / n, name=n) for n in ("testby", "testvik")]
    kit = normkit.Kit(plugins, autoload=False)
    (conflict,) = [f for f in check_plugins(kit, ["testvik"]) if f.code == "plugin.conflict"]
    assert conflict.file == str(tmp_path / "testvik" / "normkit-plugin.yaml")
    assert "kommunenummer 9999 is claimed by plugin 'testby'" in conflict.message


def test_a_plugin_of_several_municipalities_is_judged_with_all_of_them(tmp_path: Path) -> None:
    """A reviewer's plugin registers Alpha and Beta, each listing its own norm set, and
    Beta's names its municipality by kommunenummer: nothing to warn of."""
    for name, code in (("alpha", "9997"), ("beta", "9998")):
        norms = GOOD.replace("id: testby", f"id: {name}-norms").replace(
            "title: Testby\n", f"title: {name}\nmunicipality: '{code}'\n"
        )
        (tmp_path / f"{name}.yaml").write_text(norms, encoding="utf-8")

    class Region:
        __name__ = "region"

        @normkit.hookimpl
        def normkit_register_municipalities(self, register: Any) -> None:
            for name, code in (("alpha", "9997"), ("beta", "9998")):
                register(
                    normkit.Municipality(
                        id=name,
                        name=name.title(),
                        codes=[normkit.MunicipalityCode(code=code)],
                        normsets=[f"{name}-norms"],
                    )
                )

        @normkit.hookimpl
        def normkit_register_normsets(self, register: Any) -> None:
            register(tmp_path / "alpha.yaml")
            register(tmp_path / "beta.yaml")

    kit = normkit.Kit([Region()], autoload=False)
    assert [f for f in check_plugins(kit, ["region"]) if f.severity == "warning"] == []


HOSPICE_PLUGIN = """
from normkit import hookimpl

@hookimpl
def normkit_register_bed_types(register):
    register({"id": "hospice", "label": "Hospice", "label_nb": "hospice"})
"""

HOSPICE_NORMS = """
from pathlib import Path
from typing import Any
from normkit import hookimpl

@hookimpl
def normkit_register_normsets(register):
    register(Path(__file__).with_name("hospice-norms.yaml"))
"""


def test_a_plugin_that_works_only_beside_another_is_named(
    installed: Callable[..., None], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("NORMKIT_DISABLE_PLUGIN_AUTOLOAD", "0")
    norms = GOOD.replace("bed_types: [long_term]", "bed_types: [hospice]")
    # A problem it has wherever it is installed is reported once, as itself.
    norms = norms.replace('    source: {document: Testby plan, section: "2.1"}\n', "")
    (tmp_path / "hospice-norms.yaml").write_text(norms, encoding="utf-8")
    installed("normkit-hospice-types", hospice_types=HOSPICE_PLUGIN)
    # Its norm set uses a bed type another package registers, which it does not require.
    installed("normkit-hospice", hospice_norms=HOSPICE_NORMS)
    kit = normkit.Kit()
    assert kit.failures == [] and "hospice" in kit.bed_types
    missing_source, finding = check_plugins(kit, ["hospice_norms"])
    assert missing_source.code == "normset.no-source"
    assert finding.code == "plugin.undeclared-dependency"
    assert finding.message == "need 'long_term' uses bed type 'hospice', which no plugin registered"
    assert (finding.file, finding.line) == (str(tmp_path / "hospice-norms.yaml"), 10)
    assert finding.hint is not None and finding.hint.startswith(
        "plugin 'hospice_norms' has this problem only without other installed plugins, which "
        "its package normkit-hospice does not require: make it require"
    )
    assert check_plugins(kit, ["hospice_types"]) == []


def test_plugins_of_one_package_may_rely_on_each_other(
    installed: Callable[..., None], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("NORMKIT_DISABLE_PLUGIN_AUTOLOAD", "0")
    norms = GOOD.replace("bed_types: [long_term]", "bed_types: [hospice]")
    (tmp_path / "hospice-norms.yaml").write_text(norms, encoding="utf-8")
    installed("normkit-hospice", hospice_types=HOSPICE_PLUGIN, hospice_norms=HOSPICE_NORMS)
    assert check_plugins(normkit.Kit(), ["hospice_norms"]) == []


def test_a_plugin_whose_package_requires_the_other_passes(
    installed: Callable[..., None], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("NORMKIT_DISABLE_PLUGIN_AUTOLOAD", "0")
    norms = GOOD.replace("bed_types: [long_term]", "bed_types: [hospice]")
    (tmp_path / "hospice-norms.yaml").write_text(norms, encoding="utf-8")
    installed("normkit_Hospice.Types", hospice_types=HOSPICE_PLUGIN)
    installed(
        "normkit-hospice",
        requires=["normkit-hospice-types (>=1.0)", "pytest ; extra == 'test'"],
        hospice_norms=HOSPICE_NORMS,
    )
    assert check_plugins(normkit.Kit(), ["hospice_norms"]) == []
