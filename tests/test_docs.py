"""Every Python example in the README and docs runs, and the docs cover every hook."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from normkit import hookspecs

ROOT = Path(__file__).parent.parent
DOCS = [
    ROOT / "README.md",
    *sorted((ROOT / "docs").rglob("*.md")),
    *sorted(ROOT.glob("plugins/*/README.md")),
]
BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def examples() -> list[tuple[str, str]]:
    found = []
    for path in DOCS:
        for index, match in enumerate(BLOCK.finditer(path.read_text(encoding="utf-8"))):
            found.append((f"{path.relative_to(ROOT)}#{index + 1}", match.group(1)))
    return found


@pytest.mark.parametrize(("where", "code"), examples(), ids=[w for w, _ in examples()])
def test_python_examples_run(
    where: str, code: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    if not where.startswith("plugins"):  # a plugin's README uses the installed plugins
        monkeypatch.setenv("NORMKIT_DISABLE_PLUGIN_AUTOLOAD", "1")
    monkeypatch.chdir(tmp_path)
    namespace = {"__name__": "docs_example", "__file__": str(tmp_path / "example.py")}
    exec(compile(code, where, "exec"), namespace)


def test_every_hook_is_documented() -> None:
    reference = (ROOT / "docs" / "reference" / "plugins.md").read_text(encoding="utf-8")
    for hook in hookspecs.HOOKS:
        assert f"`{hook}(register)`" in reference, hook
        assert getattr(hookspecs, hook).__doc__, hook


def test_readme_quick_start_matches_ci() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    quick_start = readme.split("## Quick start", 1)[1].split("## ", 1)[0]
    commands = re.findall(r"^```bash\n(.*?)\n```", quick_start, re.M)
    assert len(commands) == 2
    assert commands[1] in ci
