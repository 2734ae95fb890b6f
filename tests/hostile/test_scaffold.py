"""`normkit new-plugin` with any name: a package that loads and contains no code from the name."""

from __future__ import annotations

import ast
import datetime as dt
import tomllib
from pathlib import Path

import pytest

import normkit
from normkit import ManifestPlugin
from normkit.files import read_yaml_text
from normkit.scaffold import new_plugin

from .conftest import cli, one_error_line

NAMES = [
    'Ås "quoted"',
    "O'Brien's",
    "Two\nlines",
    "Hash # not a comment",
    "Yes",
    "null",
    "2020",
    "Foo: bar",
    "Ærøy 🌊",
    '"""; import os; os.system("x"); """',
    "{{ template }} ${slug} $name",
    "Back\\slash\\",
    "Tab\tand\rreturn",
    "--dir",
]
START = dt.date(2024, 1, 1)


@pytest.mark.parametrize("name", NAMES)
def test_any_name_makes_a_package_that_loads(tmp_path: Path, name: str) -> None:
    target = new_plugin(name, "9999", tmp_path, START)
    pyproject = tomllib.loads((target / "pyproject.toml").read_text(encoding="utf-8"))
    assert (
        pyproject["project"]["description"]
        == f"{name.strip()} kommune's physician norms for normkit"
    )
    (module,) = (target / "src").iterdir()
    for source in [module / "__init__.py", target / "tests" / "test_norms.py"]:
        tree = ast.parse(source.read_text(encoding="utf-8"))
        docstring = ast.get_docstring(tree, clean=False)
        assert docstring is not None and name.strip() in docstring
        # No statement came from the name: only the template's own.
        assert all(not isinstance(n, ast.Expr) or n is tree.body[0] for n in tree.body)
    manifest = read_yaml_text((module / "normkit-plugin.yaml").read_text(encoding="utf-8"))
    assert manifest["municipality"]["name"] == name.strip()
    plugin = ManifestPlugin(module)
    kit = normkit.Kit([plugin], autoload=False)
    assert kit.failures == [] and kit.conflicts == []
    slug = manifest["municipality"]["id"]
    municipality = kit.municipality(slug)
    assert municipality.name == name.strip()
    result = kit.assess(
        kit.load_inventory(kit.example(f"{slug}-example")[1]), kit.normset_for(slug, START), START
    )
    assert round(result.totals.required_fte or 0, 2) == 0.33
    assert result.inventory == f"{name.strip()} example"


def test_the_generated_tests_pass_in_process(tmp_path: Path) -> None:
    target = new_plugin('Ås "quoted"\n# x', "9999", tmp_path, START)
    (module,) = (target / "src").iterdir()
    kit = normkit.Kit([ManifestPlugin(module)], autoload=False)
    namespace: dict[str, object] = {}
    code = (target / "tests" / "test_norms.py").read_text(encoding="utf-8")
    exec(compile(code, "test_norms.py", "exec"), namespace)
    for name, test in list(namespace.items()):
        if name.startswith("test_") and callable(test):
            test(kit)


@pytest.mark.parametrize(
    ("name", "code", "message"),
    [
        ("", "9999", "1 to 100 characters"),
        ("   ", "9999", "1 to 100 characters"),
        ("x" * 101, "9999", "1 to 100 characters"),
        ("###", "9999", "cannot make a package name"),
        ("National", "9999", "built-in plugin"),
        ("Moss", "12345", "four digits"),
        ("Moss", "12a4", "four digits"),
    ],
)
def test_names_that_cannot_be_made_safe_are_refused(
    tmp_path: Path, name: str, code: str, message: str
) -> None:
    with pytest.raises(normkit.PluginError, match=message):
        new_plugin(name, code, tmp_path, START)
    assert list(tmp_path.iterdir()) == []


def test_dir_pointing_at_a_file(tmp_path: Path) -> None:
    afile = tmp_path / "file.txt"
    afile.write_text("x")
    line = one_error_line("new-plugin", "Moss", "--code", "3002", "--dir", str(afile))
    assert "is a file, not a folder" in line


def test_dir_that_is_a_dangling_symlink(tmp_path: Path) -> None:
    link = tmp_path / "gone"
    link.symlink_to(tmp_path / "nowhere")
    line = one_error_line("new-plugin", "Moss", "--code", "3002", "--dir", str(link))
    assert "symbolic link to nothing" in line


def test_never_overwrites(tmp_path: Path) -> None:
    code, _, _ = cli("new-plugin", "Moss", "--code", "3002", "--dir", str(tmp_path))
    assert code == 0
    line = one_error_line("new-plugin", "Moss", "--code", "3002", "--dir", str(tmp_path))
    assert "already exists" in line
