"""``normkit new-plugin``: write an installable plugin package that passes its own tests."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path
from string import Template

from . import __version__
from .errors import PluginError

TEMPLATES = Path(__file__).with_name("plugin_template")
# template file → where it goes in the new package ({module} is filled in)
LAYOUT = {
    "pyproject.toml.tmpl": "pyproject.toml",
    "README.md.tmpl": "README.md",
    "plugin_init.py.tmpl": "src/{module}/__init__.py",
    "normkit-plugin.yaml.tmpl": "src/{module}/normkit-plugin.yaml",
    "norms.yaml.tmpl": "src/{module}/norms.yaml",
    "example.yaml.tmpl": "src/{module}/examples/example.yaml",
    "test_norms.py.tmpl": "tests/test_norms.py",
}


def slugify(name: str) -> str:
    """'Nord-Aurdal' → 'nord-aurdal', 'Bærum' → 'baerum', 'Våler (Østfold)' → 'valer-ostfold'."""
    text = name.strip().lower().replace("æ", "ae").replace("ø", "o").replace("å", "a")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    if not slug:
        raise PluginError(f"cannot make a package name from '{name}'")
    return slug


def new_plugin(name: str, code: str, directory: Path, valid_from: dt.date) -> Path:
    """Write ``normkit-<slug>/`` in ``directory`` and return its path; never overwrites."""
    if not re.fullmatch(r"\d{4}", code):
        raise PluginError(f"kommunenummer must be four digits, got '{code}'")
    slug = slugify(name)
    module = "normkit_" + slug.replace("-", "_")
    target = directory / f"normkit-{slug}"
    if target.exists():
        raise PluginError(f"{target} already exists", hint="choose another folder with --dir")
    values = {
        "name": name.strip(),
        "slug": slug,
        "module": module,
        "code": code,
        "normset": f"{slug}-nursing-homes",
        "valid_from": valid_from.isoformat(),
        "normkit_version": __version__,
    }
    for template, relative in LAYOUT.items():
        text = Template((TEMPLATES / template).read_text(encoding="utf-8")).substitute(values)
        path = target / relative.format(module=module)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return target
