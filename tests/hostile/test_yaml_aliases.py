"""YAML aliases and anchors: expansion is bounded; legitimate anchors keep working."""

from __future__ import annotations

import datetime as dt
import resource
import time
from collections.abc import Callable
from pathlib import Path

import pytest

import normkit
from normkit.files import _read_yaml, read_yaml_text
from normkit.inventory import parse_inventory
from normkit.limits import DEFAULT, Limits

from .conftest import one_error_line

# 440 bytes that expand to 10^9 strings.
BILLION_LAUGHS = "\n".join(
    [
        'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
        *(
            f"{name}: &{name} [{', '.join(['*' + prev] * 10)}]"
            for prev, name in zip("abcdefgh", "bcdefghi", strict=True)
        ),
        "facilities: *i",
    ]
)

# The same growth through merge keys, which PyYAML copies into each mapping.
MERGE_BOMB = "\n".join(
    [
        "a: &a {x1: 1, x2: 2, x3: 3, x4: 4, x5: 5, x6: 6, x7: 7, x8: 8}",
        *(
            f"{name}: &{name} {{<<: [{', '.join(['*' + prev] * 8)}], {name}: 0}}"
            for prev, name in zip("abcdefgh", "bcdefghi", strict=True)
        ),
        "name: *i",
    ]
)


def test_billion_laughs_is_refused_fast_and_small(raw: Callable[..., Path]) -> None:
    assert len(BILLION_LAUGHS) < 600
    path = raw("bomb.yaml", BILLION_LAUGHS)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    with pytest.raises(normkit.InventoryError) as caught:
        normkit.load_inventory(path)
    elapsed = time.perf_counter() - started
    grown_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert caught.value.code == "file.alias-budget"
    assert caught.value.location.line is not None
    assert "aliases repeat more than 100 000 nodes" in caught.value.message
    # Not a timed assertion of speed, a bound on blow-up: linear work is
    # microseconds here, exponential work would be hours.
    assert elapsed < 5 and grown_kb < 50_000


def test_merge_key_bomb_is_refused(raw: Callable[..., Path]) -> None:
    with pytest.raises(normkit.InventoryError) as caught:
        normkit.load_inventory(raw("merge.yaml", MERGE_BOMB))
    assert caught.value.code == "file.alias-budget"


def test_bomb_on_the_command_line_is_one_error_line(raw: Callable[..., Path]) -> None:
    line = one_error_line("assess", str(raw("bomb.yaml", BILLION_LAUGHS)))
    assert "aliases repeat more than" in line


def test_bomb_in_a_norm_file_is_refused_by_check(raw: Callable[..., Path]) -> None:
    path = raw("norms.yaml", "id: x\ntitle: t\nsource: {document: d}\n" + BILLION_LAUGHS)
    from normkit.lint import check_paths

    findings = check_paths(normkit.Kit(autoload=False), [path])
    assert [f.code for f in findings] == ["file.alias-budget"]


def test_recursive_alias_is_refused(raw: Callable[..., Path]) -> None:
    with pytest.raises(normkit.InventoryError) as caught:
        normkit.load_inventory(raw("loop.yaml", "facilities: &f [*f]\n"))
    assert caught.value.code == "file.recursive-alias"


def test_the_budget_is_configurable() -> None:
    text = "a: &a [1, 2, 3, 4]\nb: [*a, *a, *a]\n"
    assert read_yaml_text(text) == {"a": [1, 2, 3, 4], "b": [[1, 2, 3, 4]] * 3}
    with pytest.raises(normkit.NormkitError, match="aliases repeat more than 10 nodes"):
        read_yaml_text(text, limits=Limits(max_alias_nodes=10))


def test_legitimate_anchors_keep_working() -> None:
    # The national norm file merges one source into each need with <<: *s31.
    kit = normkit.Kit(autoload=False)
    needs = kit.normset("national", dt.date(2020, 4, 1)).needs
    sections = {n.id: n.source.section for n in needs if n.source}
    assert set(sections.values()) == {"3.1"}
    assert "1,5 uketimer" in (next(n for n in needs if n.id == "short_term").source.note or "")


def test_lines_are_not_walked_again_through_aliases() -> None:
    # An error inside an aliased node is placed at the alias, which is where
    # this field's value comes from.
    text = "a: &a {name: 'Home', units: [{name: U, bed_type: long_term, beds: -1}]}\n"
    text += "facilities:\n  - *a\n"
    data, lines = _read_yaml(text, "t.yaml", normkit.InventoryError)
    with pytest.raises(normkit.InventoryError) as caught:
        parse_inventory(data, lines, None, DEFAULT)
    assert caught.value.location.line == 3
    assert caught.value.location.field == "facilities[0].units[0].beds"
