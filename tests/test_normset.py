"""Norm sets: files and Python agree, validity, extension, overrides, errors."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

import normkit
from normkit import Fixed, Need, NormSet, NormSetError, Override, Rate, Source

from .conftest import APRIL_2020

DATA = Path(__file__).parent / "data"
NATIONAL_FILE = Path(normkit.__file__).parent / "national" / "legeforeningen-2012.yaml"


def test_national_norm_is_built_in(kit: normkit.Kit) -> None:
    ns = kit.normset("national", APRIL_2020)
    assert ns.version == "2012"
    rates = {n.id: n.rule.fte_per_unit for n in ns.needs if isinstance(n.rule, Rate)}
    assert rates == pytest.approx(
        {
            "long_term": 1 / 90,
            "short_term": 1 / 20,
            "rehabilitation": 1 / 10,
            "dementia_special": 1 / 60,
            "palliative": 1 / 6,
        }
    )


def test_yaml_toml_json_and_python_give_the_same_object(tmp_path: Path) -> None:
    from_yaml = normkit.load_normset(NATIONAL_FILE)
    data = yaml.safe_load(NATIONAL_FILE.read_text(encoding="utf-8"))
    data["valid_from"] = data["valid_from"].isoformat()
    (tmp_path / "n.json").write_text(json.dumps(data), encoding="utf-8")
    assert normkit.load_normset(tmp_path / "n.json") == from_yaml
    toml_lines = [
        f'id = "{data["id"]}"',
        f'title = "{data["title"]}"',
        f'version = "{data["version"]}"',
        f"valid_from = {data['valid_from']}",
        "[source]",
        f'document = "{data["source"]["document"]}"',
        f'body = "{data["source"]["body"]}"',
        f'note = "{data["source"]["note"]}"',
    ]
    for need in data["needs"]:
        toml_lines += [
            "[[needs]]",
            f'id = "{need["id"]}"',
            f'label = "{need["label"]}"',
            f"bed_types = {json.dumps(need['bed_types'])}",
            "[needs.rule]",
            *(f'{k} = "{v}"' for k, v in need["rule"].items()),
            "[needs.source]",
            *(f'{k} = "{v}"' for k, v in need["source"].items()),
        ]
    (tmp_path / "n.toml").write_text("\n".join(toml_lines), encoding="utf-8")
    assert normkit.load_normset(tmp_path / "n.toml") == from_yaml
    # The same need written in Python:
    python_need = Need(
        id="long_term",
        label="long-term places",
        bed_types=("long_term",),
        rule=Rate(amount="1 hour/week", per="3 place", fte_basis="30 hour/week/FTE"),
        source=from_yaml.needs[0].source,
    )
    assert python_need == from_yaml.needs[0]


def test_json_round_trip_of_a_norm_set_is_exact() -> None:
    ns = normkit.load_normset(DATA / "table1-norms.yaml")
    text = ns.model_dump_json()
    assert NormSet.model_validate_json(text) == ns
    assert NormSet.model_validate_json(text).model_dump_json() == text


def _version(id: str, start: str, end: str | None, **extra: object) -> NormSet:
    return NormSet(
        id=id,
        title=id,
        valid_from=dt.date.fromisoformat(start),
        valid_to=dt.date.fromisoformat(end) if end else None,
        source=Source(document="test"),
        **extra,  # type: ignore[arg-type]
    )


class Plugin:
    """A plugin object registered directly, as an app or a test would."""

    def __init__(self, name: str, *normsets: object, municipalities: tuple[object, ...] = ()):
        self.__name__ = name
        self._normsets = normsets
        self._municipalities = municipalities

    @normkit.hookimpl
    def normkit_register_normsets(self, register: Callable[[object], None]) -> None:
        for ns in self._normsets:
            register(ns)

    @normkit.hookimpl
    def normkit_register_municipalities(self, register: Callable[[object], None]) -> None:
        for m in self._municipalities:
            register(m)


def test_the_version_in_force_on_a_date_is_chosen() -> None:
    kit = normkit.Kit(
        [Plugin("p", _version("x", "2020-01-01", "2021-12-31"), _version("x", "2022-01-01", None))],
        autoload=False,
    )
    assert kit.normset("x", dt.date(2021, 12, 31)).valid_from == dt.date(2020, 1, 1)
    assert kit.normset("x", dt.date(2022, 1, 1)).valid_from == dt.date(2022, 1, 1)


def test_no_version_in_force_is_a_clear_error() -> None:
    kit = normkit.Kit([Plugin("p", _version("x", "2020-01-01", "2021-12-31"))], autoload=False)
    with pytest.raises(NormSetError, match=r"'x' has no version in force on 2019-12-31") as err:
        kit.normset("x", dt.date(2019, 12, 31))
    assert "2020-01-01 to 2021-12-31" in str(err.value)


def test_unknown_norm_set_lists_known_ones(kit: normkit.Kit) -> None:
    with pytest.raises(NormSetError, match=r"unknown norm set 'nope'.*known norm sets: national"):
        kit.normset("nope", APRIL_2020)


def test_versions_overlapping_by_one_day_are_an_error_naming_both() -> None:
    kit = normkit.Kit(
        [
            Plugin("first", _version("x", "2020-01-01", "2021-01-01")),
            Plugin("second", _version("x", "2021-01-01", None)),
        ],
        autoload=False,
    )
    (conflict,) = kit.conflicts
    assert conflict.to_dict() == {
        "code": "normset.overlap",
        "message": "norm set 'x' has overlapping versions: x (2020-01-01 to 2021-01-01) from "
        "plugin 'first' and x (2021-01-01 to …) from plugin 'second'",
        "hint": "end one version the day before the next starts",
    }
    assert conflict.plugins == ("first", "second")
    assert kit.plugins["second"].registered["normsets"] == ["x (2021-01-01 to …)"]
    with pytest.raises(NormSetError, match="overlapping versions"):
        kit.normset("x", dt.date(2020, 6, 1))
    with pytest.raises(normkit.PluginError):
        normkit.Kit(
            [
                Plugin("first", _version("x", "2020-01-01", None)),
                Plugin("second", _version("x", "2021-01-01", None)),
            ],
            autoload=False,
            strict=True,
        )


def test_replacing_an_inherited_need_requires_a_reason(kit: normkit.Kit) -> None:
    child = _version(
        "child",
        "2020-01-01",
        None,
        extends="national",
        needs=(
            Need(
                id="long_term", bed_types=("long_term",), rule=Rate(amount="1 FTE", per="80 place")
            ),
        ),
    )
    with pytest.raises(NormSetError, match="replaces the one from 'national' but gives no reason"):
        kit.resolve(child, APRIL_2020)


def test_replaced_need_stays_visible(kit: normkit.Kit) -> None:
    child = _version(
        "child",
        "2020-01-01",
        None,
        extends="national",
        needs=(
            Need(
                id="long_term",
                bed_types=("long_term",),
                rule=Rate(amount="1 FTE", per="80 place"),
                reason="local decision",
            ),
        ),
    )
    resolved = kit.resolve(child, APRIL_2020)
    applied = resolved.needs["long_term"]
    assert applied.normset.id == "child"
    assert applied.replaced is not None and applied.replaced.normset.id == "national"


def test_equal_precedence_overrides_conflict(kit: normkit.Kit) -> None:
    both = tuple(
        Override(id=f"o{i}", facility="F", rule=Fixed(amount=f"{i} FTE"), reason="r")
        for i in (1, 2)
    )
    ns = _version("c", "2020-01-01", None, extends="national", overrides=both)
    inventory = normkit.Inventory.model_validate(
        {
            "facilities": [
                {"name": "F", "units": [{"name": "u", "bed_type": "long_term", "beds": 9}]}
            ]
        }
    )
    with pytest.raises(normkit.OverrideConflict, match="overrides 'o1' and 'o2'"):
        kit.assess(inventory, ns, APRIL_2020)


def test_unit_override_beats_facility_override(kit: normkit.Kit) -> None:
    ns = _version(
        "c",
        "2020-01-01",
        None,
        extends="national",
        overrides=(
            Override(id="facility", facility="F", rule=Fixed(amount="1 FTE"), reason="r"),
            Override(id="unit", facility="F", unit="u", rule=Fixed(amount="2 FTE"), reason="r"),
        ),
    )
    inventory = normkit.Inventory.model_validate(
        {
            "facilities": [
                {
                    "name": "F",
                    "units": [
                        {"name": "u", "bed_type": "long_term", "beds": 9},
                        {"name": "v", "bed_type": "long_term", "beds": 9},
                    ],
                }
            ]
        }
    )
    units = kit.assess(inventory, ns, APRIL_2020).units
    assert [(u.unit, u.required_fte, u.norm_fte) for u in units] == [
        ("u", 2.0, pytest.approx(0.1)),
        ("v", 1.0, pytest.approx(0.1)),
    ]


def test_override_needs_a_reason() -> None:
    with pytest.raises(ValueError, match="reason"):
        Override(id="o", facility="F", rule=Fixed(amount="1 FTE"))  # type: ignore[call-arg]


def test_file_errors_name_file_line_and_field(write: Callable[[str, str], Path]) -> None:
    path = write(
        "bad.yaml",
        """
        id: bad
        title: Bad
        valid_from: 2020-01-01
        source: {document: test}
        needs:
          - id: long_term
            bed_types: [long_term]
            rule:
              kind: rate
              amount: 1.5 hour
              fte_basis: 30 hour/week/FTE
    """,
    )
    with pytest.raises(NormSetError) as err:
        normkit.load_normset(path)
    text = str(err.value)
    assert text.startswith(f"{path}:10, field 'needs[0].rule.amount'")
    assert "has no time base" in text and "hint: write hours per week" in text


def test_valid_to_before_valid_from(write: Callable[[str, str], Path]) -> None:
    path = write(
        "bad.yaml",
        """
        id: bad
        title: Bad
        valid_from: 2020-01-01
        valid_to: 2019-01-01
        source: {document: test}
    """,
    )
    # at its own line and field (it was the file's first line, with no field)
    with pytest.raises(NormSetError) as caught:
        normkit.load_normset(path)
    assert caught.value.message == "valid_to 2019-01-01 is before valid_from 2020-01-01"
    assert (caught.value.location.line, caught.value.location.field) == (4, "valid_to")


def test_unregistered_bed_type_is_an_error(write: Callable[[str, str], Path]) -> None:
    path = write(
        "n.yaml",
        """
        id: n
        title: N
        valid_from: 2020-01-01
        source: {document: test}
        needs:
          - id: x
            bed_types: [hospice]
            rule: {kind: fixed, amount: 1 FTE}
    """,
    )

    class P:
        __name__ = "p"

        @normkit.hookimpl
        def normkit_register_normsets(self, register: Callable[[object], None]) -> None:
            register(path)

    kit = normkit.Kit([P()], autoload=False)
    with pytest.raises(NormSetError, match=r"n.yaml:7.*'hospice', which no plugin registered"):
        kit.normset("n", APRIL_2020)


def test_every_unregistered_bed_type_is_named_with_its_group_and_place(
    write: Callable[[str, str], Path],
) -> None:
    path = write(
        "n.yaml",
        """
        id: n
        title: N
        valid_from: 2020-01-01
        source: {document: test}
        needs:
          - id: x
            bed_types: [hospice]
            rule: {kind: fixed, amount: 1 FTE}
        overrides:
          - id: y
            bed_types: [hospice_plus]
            rule: {kind: fixed, amount: 1 FTE}
            reason: test
            source: {document: test}
        unknowns:
          - id: z
            bed_types: [long_term, ward]
            what: the rate
    """,
    )
    kit = normkit.Kit(autoload=False)
    problems = kit.bed_type_problems(normkit.load_normset(path))
    assert [(p.message, p.location.line) for p in problems] == [
        ("need 'x' uses bed type 'hospice', which no plugin registered", 7),
        ("override 'y' uses bed type 'hospice_plus', which no plugin registered", 11),
        ("unknown 'z' uses bed type 'ward', which no plugin registered", 17),
    ]
    assert {p.code for p in problems} == {"normset.bed-type"}
    known = ", ".join(sorted(kit.bed_types))
    assert "long_term, " in known
    assert [p.hint for p in problems] == [f"known bed types: {known}"] * 3


def test_a_registered_file_that_cannot_be_read_fails_its_plugin(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: [unclosed\n", encoding="utf-8")
    headless = tmp_path / "headless.yaml"
    headless.write_text("id: h\nsource: {document: d}\n", encoding="utf-8")
    kit = normkit.Kit([Plugin("a", broken), Plugin("b", headless)], autoload=False)
    failures = {f.plugin: f.error for f in kit.failures}
    assert failures["a"].startswith(f"NormSetError: {broken}:2: invalid YAML")
    assert failures["b"].startswith(f"NormSetError: {headless}")
    assert "title" in failures["b"]


def test_a_norm_set_object_registers_with_its_version() -> None:
    kit = normkit.Kit(
        [Plugin("p", _version("x", "2020-01-01", None, version="v1"))], autoload=False
    )
    (version,) = kit.versions("x")
    assert (version.version, version.label()) == ("v1", "x v1 (2020-01-01 to …)")


def test_no_version_in_force_lists_every_version() -> None:
    versions = (_version("x", "2020-01-01", "2020-12-31"), _version("x", "2022-01-01", None))
    kit = normkit.Kit([Plugin("p", *versions)], autoload=False)
    with pytest.raises(NormSetError) as err:
        kit.normset("x", dt.date(2021, 6, 1))
    assert err.value.hint == "its versions cover: 2020-01-01 to 2020-12-31; 2022-01-01 to …"
