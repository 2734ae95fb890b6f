"""What normkit says when something is wrong or worth knowing, word for word.

Messages are part of the interface: the docs promise the place, what is
wrong and a hint. Each test here asserts one message whole (code, message,
hint, field), so a change to one is a decision, not an accident.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import normkit as nk
from normkit.normset import resolve

AT = dt.date(2020, 6, 1)
SOURCE = nk.Source(document="test")


def error_of(call: Callable[[], Any]) -> dict[str, Any]:
    with pytest.raises(nk.NormkitError) as caught:
        call()
    return caught.value.to_dict()


def test_a_rule_that_is_not_there() -> None:
    resolved = nk.Kit(autoload=False).resolve("national-fte-convention", AT)
    assert error_of(lambda: resolved.rule("nope")) == {
        "code": "normset.no-such-rule",
        "message": "norm set 'national-fte-convention' has no rule 'nope' in force on 2020-06-01",
        "hint": "its rules then: fte_from_weekly_hours",
    }
    assert error_of(lambda: resolved.parameter("nope")) == {
        "code": "normset.no-such-parameter",
        "message": "norm set 'national-fte-convention' has no parameter 'nope'",
        "hint": "its parameters: full_gp_list, standard_week",
    }


def test_negative_money() -> None:
    assert error_of(
        lambda: nk.GrantAboveListLength(rate="-330 NOK/patient/year", above="800 patient")
    ) == {
        "code": "rule.negative",
        "message": "'rate' must not be negative, got '-330 NOK/patient/year'",
        "field": "rate",
    }
    assert error_of(lambda: nk.GrantAsIfList(as_if="-7 patient"))["field"] == "as_if"
    assert error_of(lambda: nk.FteCost(salary="-1 NOK/year/FTE", employer_cost_factor=1.3)) == {
        "code": "rule.negative",
        "message": "'salary' must not be negative, got '-1 NOK/year/FTE'",
        "field": "salary",
    }
    assert error_of(lambda: nk.FteCost(salary="1 FTE", employer_cost_factor=1.3))["code"] == (
        "quantity.dimension"
    )


def test_rounding_steps_and_mixed_units() -> None:
    one = nk.Fixed(amount="1 FTE")
    assert error_of(lambda: nk.Round(rule=one, step="0 FTE", mode="up")) == {
        "code": "rule.step",
        "message": "'step' must be positive, got '0 FTE'",
        "field": "step",
    }
    wrong_unit = error_of(lambda: nk.Round(rule=one, step="1 NOK/year", mode="up"))
    assert (wrong_unit["code"], wrong_unit["field"]) == ("quantity.dimension", "step")
    money = nk.Fixed(amount="1 NOK/year")
    assert error_of(lambda: nk.Sum(terms=[one, money])) == {
        "code": "rule.mixed-units",
        "message": "cannot combine rules with different units: FTE, NOK/year",
        "field": "terms",
    }
    assert error_of(lambda: nk.Maximum(rules=[one, money]))["field"] == "rules"
    assert error_of(lambda: nk.Floor(rule=one, at_least="1 NOK/year"))["field"] == "at_least"


def test_comparisons() -> None:
    rule = nk.Compare(attribute="gps", op=">=", value=5)
    assert error_of(lambda: rule.evaluate({"other": 1})) == {
        "code": "rule.missing-input",
        "message": "predicate 'compare' needs the attribute 'gps'",
        "hint": "attributes given: other",
    }
    assert error_of(lambda: rule.evaluate({}))["hint"] == "attributes given: none"
    assert error_of(lambda: rule.evaluate({"gps": "many"})) == {
        "code": "rule.incomparable",
        "message": "predicate 'compare' cannot compare gps = 'many' with 5",
    }
    assert rule.explain({"gps": None}).text == "gps = not recorded >= 5: unknown"
    assert rule.explain({"gps": 5}).text == "gps = 5 >= 5: yes"
    assert rule.explain({"gps": 4}).text == "gps = 4 >= 5: no"
    for op, results in {
        "==": (False, True, False),
        "!=": (True, False, True),
        "<": (True, False, False),
        "<=": (True, True, False),
        ">": (False, False, True),
        ">=": (False, True, True),
    }.items():
        compare = nk.Compare(attribute="x", op=op, value=5)  # type: ignore[arg-type]
        assert tuple(compare.evaluate({"x": x}) for x in (4, 5, 6)) == results, op


@pytest.mark.parametrize(
    ("limit", "condition", "fires"),
    [
        ({"below": 1000}, "free < 1000", (True, False, False)),
        ({"at_most": 1000}, "free ≤ 1000", (True, True, False)),
        ({"above": 1000}, "free > 1000", (False, False, True)),
        ({"at_least": 1000}, "free ≥ 1000", (False, True, True)),
    ],
)
def test_thresholds(limit: dict[str, float], condition: str, fires: tuple[bool, ...]) -> None:
    threshold = nk.Threshold(id="t", indicator="free", action="act", **limit)
    assert threshold.condition() == condition
    assert tuple(threshold.fires(v) for v in (999, 1000, 1001)) == fires
    alert = threshold.check(999 if fires[0] else 1001)
    assert alert is not None
    assert alert.message == f"free is {999 if fires[0] else 1001} ({condition})"
    assert (alert.action, alert.severity, alert.condition) == ("act", "warning", condition)
    assert threshold.check(1000 if not fires[1] else 999 if not fires[0] else 1001) is None


def test_threshold_limits() -> None:
    assert error_of(lambda: nk.Threshold(id="t", indicator="x", action="a", below=1, above=2)) == {
        "code": "threshold.limits",
        "message": "a threshold needs exactly one of below, at_most, above, at_least; got "
        "below, above",
    }
    assert (
        "got none" in error_of(lambda: nk.Threshold(id="t", indicator="x", action="a"))["message"]
    )


def test_conflicts_name_both_and_where(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(
        "id: c\ntitle: t\nsource: {document: d}\nneeds:\n"
        "  - {id: a, bed_types: [long_term], rule: {kind: fixed, amount: 1 FTE}}\n"
        "  - {id: b, bed_types: [long_term], facility: Home, rule: {kind: fixed, amount: 1 FTE}}\n"
        "  - {id: c, bed_types: [long_term], facility: Home, rule: {kind: fixed, amount: 2 FTE}}\n"
        "overrides:\n"
        "  - {id: x, facility: Home, rule: {kind: fixed, amount: 1 FTE}, reason: r}\n"
        "  - {id: y, facility: Home, rule: {kind: fixed, amount: 2 FTE}, reason: r}\n",
        encoding="utf-8",
    )
    normset = nk.Kit(autoload=False).load_normset(path)
    resolved = resolve(normset, AT, lambda *_: normset)
    need, override = (e.to_dict() for e in resolved.conflicts())
    assert need == {
        "code": "need.conflict",
        "message": "needs 'b' and 'c' both apply to bed type 'long_term' in facility 'Home'",
        "file": str(path),
        "line": 7,
        "field": "needs[2]",
        "hint": "give one of them a facility, or replace one by reusing its id",
    }
    assert override == {
        "code": "override.conflict",
        "message": "overrides 'x' and 'y' in norm set 'c' both apply to Home with the same "
        "precedence",
        "file": str(path),
        "line": 10,
        "field": "overrides[1]",
        "hint": "make one more specific (name the unit) or remove one",
    }
    # the same conflicts, met while assessing a unit
    assert error_of(lambda: resolved.need_for("Home", "long_term")) == need
    assert error_of(lambda: resolved.override_for("Home", "U", "long_term", "b")) == {
        **override,
        "message": "overrides 'x' and 'y' in norm set 'c' both apply to Home › U with the same "
        "precedence",
    }
    assert error_of(lambda: resolved.override_for("Home", None, None, None)) == {
        **override,
        "message": "overrides 'x' and 'y' in norm set 'c' both apply to Home › (facility) with "
        "the same precedence",
    }
    general = resolve(
        nk.NormSet(
            id="g",
            title="g",
            source=SOURCE,
            needs=(
                nk.Need(id="a", bed_types=("long_term",), rule=nk.Fixed(amount="1 FTE")),
                nk.Need(id="b", bed_types=("long_term",), rule=nk.Fixed(amount="1 FTE")),
            ),
        ),
        AT,
        lambda *_: normset,
    )
    (conflict,) = general.conflicts()
    assert conflict.message.endswith("in every facility")
    assert conflict.location.field == "needs[1]" and conflict.location.file is None


def test_batch_messages(kit: nk.Kit) -> None:
    resolved = kit.resolve("national", AT)
    assert error_of(lambda: nk.assess_batch(resolved, [0.5], [1], categories=("long_term",))) == {
        "code": "batch.codes",
        "message": "with 'categories', bed_types must be integer codes",
    }
    assert error_of(lambda: nk.assess_batch(resolved, ["long_term"] * 2, [1])) == {
        "code": "batch.shape",
        "message": "bed_types has 2 rows but beds has 1",
    }
    # the row's position is in the location as well as in the message, for a program
    assert error_of(lambda: nk.assess_batch(resolved, ["long_term"] * 2, [1, 2.5])) == {
        "code": "batch.value",
        "message": "beds in row 1 is 2.5: places are whole numbers",
        "field": "beds",
        "row": 1,
    }
    assert error_of(lambda: nk.assess_batch(resolved, ["long_term"], [-1])) == {
        "code": "batch.value",
        "message": "beds in row 0 is -1: it must be a finite number, not negative, at most 10^15",
        "field": "beds",
        "row": 0,
    }
    # too large: the message says the bound it broke (it said only finite, not negative)
    assert "at most 10^15" in error_of(lambda: nk.assess_batch(resolved, ["x"], [2**62]))["message"]
    # integer codes need their categories: read as text, 0 and 1 were bed types "0" and "1"
    assert error_of(lambda: nk.assess_batch(resolved, np.array([0, 1]), [30, 30])) == {
        "code": "batch.codes",
        "message": "bed_types are int64 values, not text: integer codes need their 'categories'",
        "field": "bed_types",
        "hint": "pass categories=[...] with codes, or the bed types as text",
    }
    assert error_of(lambda: nk.assess_batch(resolved, ["long_term", 3], [30, 30])) == {
        "code": "batch.codes",
        "message": "bed type in row 1 is 3, not text",
        "field": "bed_types",
        "row": 1,
        "hint": "give each bed type as text, or None where a unit has none",
    }
    # None (or NaN) is a unit with no bed type: no norm, and no category named "None"
    missing = nk.assess_batch(resolved, ["long_term", None, float("nan")], [90, 30, 30])
    assert missing.norm_fte[0] == 1.0 and missing.has_norm.tolist() == [True, False, False]
    assert "None" not in missing.categories and "nan" not in missing.categories
    # and so is pandas' NA in a string column, and NaT; a kit takes them as no bed type too
    pd = pytest.importorskip("pandas")
    column = pd.Series(["long_term", None, "short_term"], dtype="string")
    assert column.isna().tolist() == [False, True, False]
    named = kit.assess_batch("national", AT, column, [90, 30, 20])
    assert named.has_norm.tolist() == [True, False, True] and "<NA>" not in named.categories
    nat = np.array(["long_term", pd.NaT], dtype=object)
    assert nk.assess_batch(resolved, nat, [90, 1]).has_norm.tolist() == [True, False]
    # no rows, of any type, is no rows
    assert nk.assess_batch(resolved, np.array([]), np.array([])).norm_fte.size == 0
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"bed_type": ["long_term"] * 2, "beds": [1, 1]})
    assert error_of(lambda: nk.assess_frame(frame.assign(staffed_fte=[0.5, 1e-12]), resolved)) == {
        "code": "frame.value",
        "message": "column 'staffed_fte' has 1e-12 in the row at position 1: "
        "a non-zero FTE is at least 10^-9",
        "field": "staffed_fte",
        "row": 1,
    }
    codes = pd.Categorical.from_codes([0, 3], categories=["long_term"], validate=False)
    assert error_of(lambda: nk.assess_frame(frame.assign(bed_type=codes), resolved)) == {
        "code": "frame.value",
        "message": "column 'bed_type' has 3 in the row at position 1: "
        "a code must index one of its 1 categories",
        "field": "bed_type",
        "row": 1,
    }
    assert error_of(
        lambda: kit.assess_batch("national", AT, ["hospital", "long_term", "clinic"], [1, 1, 1])
    ) == {
        "code": "inventory.bed-type",
        "message": "unknown bed type(s) clinic, hospital",
        "hint": "known bed types: assisted_living, dementia_special, long_term, municipal_acute, "
        "old_age_home, palliative, rehabilitation, respite, short_term",
    }


def test_batch_results(kit: nk.Kit) -> None:
    result = kit.assess_batch(
        "national",
        AT,
        ["respite", "long_term", "palliative", "respite"],
        [4, 90, 6, 2],
        staffed_fte=[0.0, 0.5, 1.5, 0.1],
    )
    assert result.categories[:5] == (
        "dementia_special",
        "long_term",
        "palliative",
        "rehabilitation",
        "short_term",
    )
    assert result.categories[5:] == ("respite",)
    assert result.has_norm.tolist() == [False, True, True, False]
    assert result.units_without_norm == 2
    assert result.total_norm_fte == pytest.approx(2.0)
    assert result.staffed_fte is not None and result.staffed_fte.tolist() == [0.0, 0.5, 1.5, 0.1]
    assert result.gap_fte is not None
    assert np.isnan(result.gap_fte[0]) and result.gap_fte[1:3].tolist() == pytest.approx(
        [0.5, -0.5]
    )
    codes = np.array([1, 1])
    by_code = kit.assess_batch("national", AT, codes, [90, 180], categories=result.categories)
    assert by_code.norm_fte.tolist() == pytest.approx([1.0, 2.0])
    assert by_code.staffed_fte is None and by_code.gap_fte is None


def test_a_non_linear_need_in_the_batch_path() -> None:
    rounded = nk.Round(rule=nk.Rate(amount="1 FTE", per="90 place"), step="0.5 FTE", mode="up")
    normset = nk.NormSet(
        id="r",
        title="r",
        source=SOURCE,
        needs=(
            nk.Need(id="lt", bed_types=("long_term",), rule=rounded),
            nk.Need(id="p", bed_types=("palliative",), rule=nk.Rate(amount="1 FTE", per="6 place")),
        ),
    )
    resolved = resolve(normset, AT, lambda *_: normset)
    result = nk.assess_batch(resolved, ["palliative", "long_term", "long_term"], [6, 10, 100])
    assert result.norm_fte.tolist() == pytest.approx([1.0, 0.5, 1.5])


def test_the_duplicate_plugin_name_is_a_failure(installed: Callable[..., None]) -> None:
    installed("normkit-twice", national="from normkit import hookimpl\n")
    kit = nk.Kit()
    (failure,) = [f for f in kit.failures if f.plugin == "national"]
    assert failure.describe() == (
        "plugin 'national' (normkit-twice 1.0) failed at import: a plugin of this name is "
        "already loaded"
    )


def test_a_plugin_that_registers_nothing(installed: Callable[..., None]) -> None:
    installed("normkit-empty", empty="X = 1\n")
    kit = nk.Kit()
    (failure,) = [f for f in kit.failures if f.plugin == "empty"]
    assert failure.stage == "register"
    assert failure.error == (
        "registers nothing: it has no normkit_* hook implementations (does the entry point "
        "name the plugin object, e.g. 'package:plugin'?)"
    )
    assert failure.distribution == "normkit-empty 1.0"
    assert "empty" not in kit.plugins


def test_a_step_cites_its_source_as_json() -> None:
    source = nk.Source(document="Plan", date=dt.date(2020, 10, 20))
    step = nk.Step("top", 1.0, "FTE", "r", source)
    assert step.to_dict()["source"] == {"document": "Plan", "date": "2020-10-20"}


def test_explanation_lines() -> None:
    step = nk.Step(
        "top",
        1.0,
        "FTE",
        "r",
        nk.Source(document="Plan", section="3.1"),
        (nk.Step("child", 1.0, "FTE", "c"),),
    )
    assert step.lines() == ["top", "  source: Plan, § 3.1", "  child"]
    assert step.lines(2) == ["    top", "      source: Plan, § 3.1", "      child"]
    assert step.to_dict() == {
        "text": "top",
        "value": 1.0,
        "unit": "FTE",
        "rule": "r",
        "source": {"document": "Plan", "section": "3.1"},
        "children": [{"text": "child", "value": 1.0, "unit": "FTE", "rule": "c"}],
    }


def test_norm_set_labels_lookups_and_indicators(tmp_path: Path) -> None:
    plain = nk.NormSet(id="n", title="n", source=SOURCE, valid_from=dt.date(2020, 1, 1))
    assert plain.label() == "n (2020-01-01 to …)"
    versioned = nk.NormSet(id="n", title="n", source=SOURCE, version="2.1")
    assert versioned.label() == "n 2.1 (… to …)"
    empty = resolve(plain, AT, lambda *_: plain)
    assert error_of(lambda: empty.rule("x"))["hint"] == "its rules then: none"
    assert error_of(lambda: empty.parameter("x"))["hint"] == "its parameters: none"
    two = nk.NormSet(
        id="r",
        title="r",
        source=SOURCE,
        rules=(
            nk.NamedRule(id="b", rule=nk.Fixed(amount="1 FTE")),
            nk.NamedRule(id="a", rule=nk.Fixed(amount="1 FTE")),
        ),
    )
    assert error_of(lambda: resolve(two, AT, lambda *_: two).rule("x"))["hint"] == (
        "its rules then: a, b"
    )
    indicator = nk.DerivedIndicator(
        id="per_gp",
        label="per GP",
        rule=nk.Ratio(numerator="fte", denominator="physicians", reports_in="FTE per GP"),
        inputs={"physicians": "gps"},
    )
    assert error_of(lambda: indicator.compute({})) == {
        "code": "indicator.missing-input",
        "message": "indicator 'per_gp' needs fte, gps, which the inventory does not give",
    }
    assert indicator.compute({"fte": 3.0, "gps": 2.0}) == 1.5


def test_reading_a_norm_file_with_kinds_and_limits(tmp_path: Path) -> None:
    path = tmp_path / "n.yaml"
    path.write_text("id: [unclosed\n", encoding="utf-8")
    with pytest.raises(nk.NormSetError) as caught:
        nk.load_normset(path)
    assert caught.value.code == "file.syntax" and caught.value.location.line == 2
    path.write_text(
        "id: n\ntitle: n\nsource: {document: d}\n"
        "needs: [{id: a, bed_types: [long_term], rule: {kind: doubling}}]\n",
        encoding="utf-8",
    )
    with pytest.raises(nk.NormSetError, match="unknown rule kind 'doubling'"):
        nk.load_normset(path)
    from tests.test_rule_kinds import Doubling

    loaded = nk.load_normset(path, rule_kinds={"doubling": Doubling})
    assert loaded.needs[0].rule is not None and loaded.needs[0].rule.kind == "doubling"
    with pytest.raises(nk.NormSetError) as caught:
        nk.load_normset(path, limits=nk.Limits(max_document_bytes=10))
    assert caught.value.code == "file.too-large"


def test_a_norm_set_read_from_a_file_locates_its_fields(tmp_path: Path) -> None:
    path = tmp_path / "n.yaml"
    path.write_text(
        "# a comment first\nid: n\ntitle: n\nsource: {document: d}\n"
        "needs:\n  - id: a\n    bed_types: [long_term]\n    rule: {kind: fixed, amount: 1 FTE}\n",
        encoding="utf-8",
    )
    loaded = nk.load_normset(path)
    assert loaded.locate(None) == nk.Location(str(path), 2, None)  # the document's first key
    assert loaded.locate("needs[0].rule") == nk.Location(str(path), 8, "needs[0].rule")
    built = nk.NormSet(id="n", title="n", source=SOURCE)
    assert built.locate("needs") == nk.Location(field="needs")


def test_rule_fields_that_are_not_rules_are_named_with_their_line(tmp_path: Path) -> None:
    path = tmp_path / "n.yaml"
    head = "id: n\ntitle: n\nsource: {document: d}\nneeds:\n  - id: a\n    bed_types: [long_term]\n"
    path.write_text(head + "    rule: 5\n", encoding="utf-8")
    with pytest.raises(nk.NormSetError) as caught:
        nk.load_normset(path)
    assert (caught.value.code, caught.value.location.line) == ("rule.not-a-rule", 7)
    assert caught.value.message == "expected a rule (a mapping with a 'kind')"
    path.write_text(head + "    rule: {kind: magic}\n", encoding="utf-8")
    with pytest.raises(nk.NormSetError) as caught:
        nk.load_normset(path)
    assert (caught.value.code, caught.value.location.line) == ("rule.unknown-kind", 7)
    known = ", ".join(sorted(nk.rules.BUILTIN_RULE_KINDS))
    assert caught.value.message == f"unknown rule kind 'magic'; known kinds: {known}"


def test_a_plugin_kind_nested_in_a_built_in_one_is_found(tmp_path: Path) -> None:
    from tests.test_rule_kinds import Doubling

    path = tmp_path / "n.yaml"
    path.write_text(
        "id: n\ntitle: n\nsource: {document: d}\nneeds:\n  - id: a\n    bed_types: [long_term]\n"
        "    rule: {kind: scale, factor: 2, rule: {kind: doubling}}\n",
        encoding="utf-8",
    )
    loaded = nk.load_normset(path, rule_kinds={**nk.rules.BUILTIN_RULE_KINDS, "doubling": Doubling})
    rule = loaded.needs[0].rule
    assert rule is not None and rule.evaluate({"places": 3}) == 12.0


def test_a_norm_file_that_is_not_a_mapping(tmp_path: Path) -> None:
    path = tmp_path / "list.yaml"
    path.write_text("- 1\n- 2\n", encoding="utf-8")
    assert error_of(lambda: nk.load_normset(path)) == {
        "code": "normset.not-a-mapping",
        "message": "a norm-set file must hold a mapping",
        "file": str(path),
        "line": 1,
    }


def test_blocking_an_installed_plugin_with_autoload_off_warns_of_nothing(
    installed: Callable[..., None],
) -> None:
    installed("normkit-quiet", quiet="X = 1\n")
    assert nk.Kit(autoload=False, block=["quiet"]).warnings == []
    assert nk.Kit(autoload=False, block=["missing"]).warnings == [
        "the block list names 'missing', which is not installed"
    ]


def test_a_kit_takes_dates_as_files_write_them_and_names_a_bad_one() -> None:
    kit = nk.Kit(autoload=False)
    inventory = kit.load_inventory(nk.EXAMPLE_INVENTORY)
    on_date = kit.assess(inventory, "national", dt.date(2020, 4, 1)).model_dump()
    for text in ("2020-04-01", "01.04.2020"):
        assert kit.assess(inventory, "national", text).model_dump() == on_date
    assert error_of(lambda: kit.assess(inventory, "national", None)) == {  # type: ignore[arg-type]
        "code": "value.not-a-date",
        "message": "at: expected a date as YYYY-MM-DD or DD.MM.YYYY, got None",
        "hint": "e.g. 2020-03-31 or 31.03.2020",
    }
    assert error_of(lambda: kit.resolve("national", "2020-02-30")) == {
        "code": "value.not-a-date",
        "message": "at: '2020-02-30' is not a real date (day is out of range for month)",
    }
    bad_day = ["2020-01-01", 20200401]
    assert error_of(lambda: kit.plan(inventory, "national", bad_day))["message"] == (  # type: ignore[arg-type]
        "dates[1]: expected a date as YYYY-MM-DD or DD.MM.YYYY, got 20200401"
    )
    moment = dt.datetime(2020, 4, 1, 12, 30)
    assert (
        error_of(lambda: kit.assess_batch("national", moment, ["long_term"], [9]))["message"]
        == "at: expected a date, got the time 2020-04-01T12:30:00"
    )


def test_every_kit_method_with_a_date_reads_text() -> None:
    kit = nk.Kit()
    inventory = kit.load_inventory(nk.EXAMPLE_INVENTORY)
    day, text = dt.date(2020, 4, 1), "01.04.2020"
    assert kit.normset("national", text) == kit.normset("national", day)
    assert kit.resolve("national", text).at == day
    assert error_of(lambda: kit.normset_for("Sarpsborg", "01.01.1990"))["message"] == (
        "Sarpsborg has no norm set in force on 1990-01-01"
    )
    dated = nk.Inventory.model_validate(  # inventory.on(day) compares the dates
        {"facilities": [{"name": "H", "valid_from": "2020-01-01", "units": []}]}
    )
    assert kit.kostra(dated, text).model_dump() == kit.kostra(dated, day).model_dump()
    assert kit.normset_for("Sarpsborg", text) == kit.normset_for("Sarpsborg", day)
    assert kit.municipality("3003", "2020-01-01").name == "Sarpsborg"
    assert kit.normset_or_municipality("Sarpsborg", text)[1] == "Sarpsborg"
    pairs = [
        (lambda at: kit.kostra(inventory, at)),
        (lambda at: kit.compare_normsets(inventory, "national", "sarpsborg-physicians", at)),
        (lambda at: kit.assess(inventory, "sarpsborg-physicians", at, municipality="Sarpsborg")),
        (lambda at: kit.plan(inventory, "national", [at])),
    ]
    for call in pairs:
        assert call(text).model_dump() == call(day).model_dump()
    batch = kit.assess_batch("national", text, ["long_term"], [9]).norm_fte
    assert batch.tolist() == kit.assess_batch("national", day, ["long_term"], [9]).norm_fte.tolist()
    for call in (
        lambda: kit.normset("national", "April"),
        lambda: kit.normset_for("Sarpsborg", "April"),
        lambda: kit.municipality("3003", "April"),
        lambda: kit.kostra(inventory, "April"),
        lambda: kit.compare_normsets(inventory, "national", "sarpsborg-physicians", "April"),
    ):
        assert error_of(call)["code"] == "value.not-a-date"


def test_a_huge_value_given_as_a_date_is_shown_clipped() -> None:
    kit = nk.Kit(autoload=False)
    for huge in ("9" * 1_000_000, list(range(100_000))):
        message = error_of(lambda huge=huge: kit.resolve("national", huge))["message"]
        assert len(message) < 120 and message.startswith("at: expected a date"), message


@pytest.mark.parametrize(
    ("text", "field", "message"),
    [
        ("facilities: oops\n", "facilities", "expected a list, got the text 'oops'"),
        ("facilities: {a: 1}\n", "facilities", "expected a list, got a mapping"),
        ("facilities: [3]\n", "facilities[0]", "expected a mapping (name: value), got 3"),
        (
            "facilities:\n  - {name: H, units: [{name: U, bed_type: long_term, beds: ~}]}\n",
            "facilities[0].units[0].beds",
            "expected a whole number, got nothing (an empty value, or null)",
        ),
        ("facilities:\n  - {name: 3}\n", "facilities[0].name", "expected text, got 3"),
        ("facilities:\n  - {name: [a]}\n", "facilities[0].name", "expected text, got a list"),
        (
            "facilities:\n  - {name: H, staffing: [{fte: 1, note: yes}]}\n",
            "facilities[0].staffing[0].note",
            "expected text, got the yes/no value true",
        ),
    ],
)
def test_a_wrong_type_says_what_was_expected_and_given(
    tmp_path: Path, text: str, field: str, message: str
) -> None:
    """In a planner's words, not pydantic's ('Input should be a valid tuple')."""
    path = tmp_path / "inv.yaml"
    path.write_text(text, encoding="utf-8")
    error = error_of(lambda: nk.load_inventory(path))
    assert (error["field"], error["message"]) == (field, message)


def test_a_mistyped_bed_type_in_an_inventory_made_in_python_is_refused() -> None:
    """Inventory.model_validate checks no bed types; kit.assess did not either, so
    'long_trem' was a unit with no norm and its 30 places left the totals."""
    kit = nk.Kit(autoload=False)
    inventory = nk.Inventory.model_validate(
        {
            "facilities": [
                {"name": "A", "units": [{"name": "B", "bed_type": "long_term", "beds": 9}]},
                {"name": "C", "units": [{"name": "U", "bed_type": "long_trem", "beds": 30}]},
            ]
        }
    )
    for run in (
        lambda: kit.assess(inventory, "national", "2020-04-01"),
        lambda: kit.compare_normsets(inventory, "national", "national", "2020-04-01"),
        lambda: kit.plan(inventory, "national", ["2020-04-01"]),
    ):
        with pytest.raises(nk.InventoryError) as caught:
            run()
        assert caught.value.code == "inventory.bed-type"
        assert caught.value.location.field == "facilities[1].units[0].bed_type"
        assert caught.value.message.startswith("unknown bed type 'long_trem' (C › U); known")
        assert caught.value.hint == "did you mean 'long_term'?"
