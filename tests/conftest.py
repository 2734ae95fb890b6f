"""Shared fixtures: an isolated kit and the bundled example."""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

import normkit

EXAMPLE = Path(normkit.__file__).parent / "examples" / "sarpsborg-nursing-homes-2020.yaml"
APRIL_2020 = dt.date(2020, 4, 1)


@pytest.fixture
def kit() -> normkit.Kit:
    """Only the built-in national plugin: installed plugins cannot change the figures."""
    return normkit.Kit(autoload=False)


@pytest.fixture
def example() -> normkit.Inventory:
    return normkit.load_inventory(EXAMPLE)


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write a dedented text file into tmp_path and return its path."""

    def _write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
        return path

    return _write
