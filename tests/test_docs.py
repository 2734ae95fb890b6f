"""Every Python example in the README and docs runs, and the docs cover every hook."""

from __future__ import annotations

import re
from pathlib import Path

import pluggy
import pytest

from normkit import hookspecs

ROOT = Path(__file__).parent.parent
DOCS = [
    ROOT / "README.md",
    *sorted((ROOT / "docs").rglob("*.md")),
    *sorted(ROOT.glob("plugins/*/README.md")),
]
BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def pages() -> list[tuple[str, list[str]]]:
    """Each page with Python examples, and its blocks in order (later ones build on earlier)."""
    found = []
    for path in DOCS:
        blocks = [m.group(1) for m in BLOCK.finditer(path.read_text(encoding="utf-8"))]
        blocks = [b for b in blocks if not b.startswith("# file: ")]  # see test_tutorial
        if blocks:
            found.append((str(path.relative_to(ROOT)), blocks))
    return found


@pytest.mark.parametrize(("where", "blocks"), pages(), ids=[w for w, _ in pages()])
def test_python_examples_run(
    where: str, blocks: list[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    if where.startswith("plugins"):  # a plugin's README uses the installed plugin
        pytest.importorskip("normkit_" + where.split("/")[1].removeprefix("normkit-"))
    else:
        monkeypatch.setenv("NORMKIT_DISABLE_PLUGIN_AUTOLOAD", "1")
    monkeypatch.chdir(tmp_path)
    namespace = {"__name__": "docs_example", "__file__": str(tmp_path / "example.py")}
    for index, code in enumerate(blocks, start=1):
        exec(compile(code, f"{where}#{index}", "exec"), namespace)


def test_every_hook_is_documented() -> None:
    """Names and arguments come from the plugin manager, as pluggy sees the hooks."""
    reference = (ROOT / "docs" / "reference" / "plugins.md").read_text(encoding="utf-8")
    manager = pluggy.PluginManager(hookspecs.PROJECT)
    manager.add_hookspecs(hookspecs)
    hooks = {
        name: getattr(manager.hook, name)
        for name in dir(manager.hook)
        if name.startswith("normkit_")
    }
    assert set(hooks) == set(hookspecs.registration_order())
    for name, caller in hooks.items():
        assert caller.spec is not None, name
        arguments = ", ".join(caller.spec.argnames)
        assert f"`{name}({arguments})`" in reference, name
        assert caller.spec.function.__doc__, name


def test_readme_quick_start_matches_ci() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    quick_start = readme.split("## Quick start", 1)[1].split("## ", 1)[0]
    commands = re.findall(r"^```bash\n(.*?)\n```", quick_start, re.M)
    assert len(commands) == 2
    assert commands[1] in ci
