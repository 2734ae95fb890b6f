"""The tutorial, followed to the letter: its files make a plugin that passes its tests."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

import normkit
from normkit.lint import check_paths
from normkit.scaffold import new_plugin

TUTORIAL = Path(__file__).parent.parent / "docs" / "tutorial.md"
FILE_BLOCK = re.compile(r"^```(?:yaml|python)\n# file: (\S+)\n(.*?)^```", re.S | re.M)


@pytest.fixture
def plugin(tmp_path: Path) -> Path:
    """The scaffold, with every '# file:' block of the tutorial written into it."""
    target = new_plugin("Eksempelby", "9999", tmp_path, dt.date(2024, 1, 1))
    blocks = FILE_BLOCK.findall(TUTORIAL.read_text(encoding="utf-8"))
    assert {name for name, _ in blocks} == {
        "src/normkit_eksempelby/norms.yaml",
        "src/normkit_eksempelby/examples/example.yaml",
        "tests/test_norms.py",
    }
    for name, text in blocks:
        (target / name).write_text(f"# file: {name}\n{text}", encoding="utf-8")
    return target


def test_tutorial_plugin_passes_its_own_tests(plugin: Path) -> None:
    package = plugin / "src" / "normkit_eksempelby"
    kit = normkit.Kit([normkit.ManifestPlugin(package)], autoload=False)
    assert kit.failures == [] and "eksempelby" in kit.plugins
    assert check_paths(kit, [package]) == []
    namespace: dict[str, object] = {"__name__": "tutorial_tests"}
    exec(
        compile((plugin / "tests" / "test_norms.py").read_text(), "test_norms.py", "exec"),
        namespace,
    )
    tests = [v for k, v in namespace.items() if k.startswith("test_") and callable(v)]
    assert len(tests) == 2
    for test in tests:
        test(kit)


def test_tutorial_error_example_is_what_check_says(plugin: Path) -> None:
    norms = plugin / "src" / "normkit_eksempelby" / "norms.yaml"
    norms.write_text(
        norms.read_text().replace("amount: 1 hour/week, per: 3", "amount: 1 hour, per: 3")
    )
    kit = normkit.Kit(autoload=False)
    (finding,) = check_paths(kit, [norms])
    assert (finding.line, finding.message) == (16, "'amount' '1 hour' has no time base")
    text = TUTORIAL.read_text()
    assert f'"message": "{finding.message}"' in text and f'"line": {finding.line},' in text
    assert f'"hint": "{finding.hint}"' in text and '"code": "quantity.no-time-base"' in text
