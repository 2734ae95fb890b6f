"""Deep nesting and over-long values: clear errors, whatever the format."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import normkit
from normkit.limits import Limits

from .conftest import one_error_line


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("deep.json", '{"facilities": ' + "[" * 1000 + "]" * 1000 + "}"),
        ("deeper.json", "[" * 100_000 + "]" * 100_000),
        ("deep.toml", "facilities = " + "[" * 1000 + "]" * 1000 + "\n"),
        ("deep.yaml", "facilities: " + "[" * 1000 + "]" * 1000 + "\n"),
        ("deep-block.yaml", "".join("  " * i + "- \n" for i in range(500))),
        ("deep-map.yaml", "".join("  " * i + f"k{i}:\n" for i in range(500))),
    ],
)
def test_nesting_is_bounded(raw: Callable[..., Path], name: str, content: str) -> None:
    with pytest.raises(normkit.InventoryError) as caught:
        normkit.load_inventory(raw(name, content))
    assert caught.value.code == "file.too-deep", caught.value


def test_nesting_limit_is_configurable(raw: Callable[..., Path]) -> None:
    path = raw("n.json", '{"facilities": [{"name": "H", "units": []}]}')
    assert normkit.load_inventory(path).facilities[0].name == "H"
    with pytest.raises(normkit.InventoryError, match="nested more than 2 levels"):
        normkit.load_inventory(path, limits=Limits(max_depth=2))


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("big.json", '{"facilities": [], "name": 1' + "0" * 5000 + "}", "value.too-large"),
        ("big.toml", "name = 1" + "0" * 5000 + "\n", "value.too-large"),
        ("big.yaml", "name: 1" + "0" * 5000 + "\n", "file.syntax"),
        ("nan.json", '{"figures": {"x": NaN}}', "value.not-finite"),
        ("inf.json", '{"figures": {"x": -Infinity}}', "value.not-finite"),
    ],
)
def test_huge_integers_and_json_constants(
    raw: Callable[..., Path], name: str, content: str, code: str
) -> None:
    with pytest.raises(normkit.InventoryError) as caught:
        normkit.load_inventory(raw(name, content))
    assert caught.value.code == code, caught.value


def test_a_megabyte_csv_cell(raw: Callable[..., Path]) -> None:
    path = raw(
        "cell.csv",
        "facility,unit,bed_type,beds\nHome,U,long_term,1,\n".replace("Home", "H" * 1_000_000, 1),
    )
    with pytest.raises(normkit.InventoryError) as caught:
        normkit.load_inventory(path)
    assert caught.value.code in {"file.text-too-long", "csv.syntax"}
    assert caught.value.location.line == 2


def test_a_long_text_in_yaml_and_json(raw: Callable[..., Path]) -> None:
    for name, content in (
        ("long.yaml", "name: " + "x" * 200_000 + "\n"),
        ("long.json", '{"name": "' + "x" * 200_000 + '"}'),
    ):
        with pytest.raises(normkit.InventoryError) as caught:
            normkit.load_inventory(raw(name, content))
        assert caught.value.code == "file.text-too-long"


def test_a_deep_file_on_the_command_line(raw: Callable[..., Path]) -> None:
    line = one_error_line("assess", str(raw("deep.json", "[" * 50_000 + "]" * 50_000)))
    assert "nested" in line
