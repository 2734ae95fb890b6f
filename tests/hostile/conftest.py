"""The hostile-input corpus: every class of bad input the issue names, one file each.

Each test feeds normkit an input an attacker or a careless user could give
and asserts either the correct result or the error (its code and message).
CI runs this folder under a memory limit and a timeout (see .ci/run), so a
regression to exponential time or memory fails instead of hanging CI.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner

import normkit
from normkit.cli import app


@pytest.fixture(autouse=True)
def _only_builtin_plugins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NORMKIT_DISABLE_PLUGIN_AUTOLOAD", "1")


@pytest.fixture
def kit() -> normkit.Kit:
    return normkit.Kit(autoload=False)


def cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def one_error_line(*args: str) -> str:
    """Run the CLI, expect exit code 1 and exactly one 'error:' line on stderr; return it."""
    code, out, err = cli(*args)
    lines = err.splitlines()
    assert code == 1, (code, out, err)
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    return lines[0]
