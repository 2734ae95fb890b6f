"""``normkit new-plugin``: write an installable plugin package that passes its own tests.

The municipality's name goes into TOML, YAML, Python and Markdown files, so
each file gets it escaped for its own syntax (a quoted TOML string, a quoted
YAML scalar, a Python string literal, escaped Markdown, and one line of plain
text in comments): whatever the name holds (quotes, ``#``, triple quotes, line
breaks, ``Yes``, ``null``, ``2020``), the package installs, passes its own
tests and contains no code from the name. A name that cannot be made safe
(empty, too long, or with no letter or digit to name a package by) is refused.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from pathlib import Path
from string import Template

from . import __version__
from .errors import Location, PluginError
from .escaping import markdown, plain_name
from .plugins import BUILTIN_PLUGINS

#: What the written norm file puts where the plan's own words belong (its title,
#: sections, the reason for a rate); ``normkit check`` warns of each one left.
PLACEHOLDERS = (
    "(the title of your plan)",
    "(the section that adopts the norm)",
    "(the section with the rate)",
    "(worked example; replace with your plan's rate)",
)

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
MAX_NAME = 100


# Letters of Norwegian and Sámi names with no ASCII form by decomposition.
_ASCII = str.maketrans(
    {
        "æ": "ae",
        "ø": "o",
        "å": "a",
        "ŋ": "ng",
        "đ": "d",
        "ŧ": "t",
        "ð": "d",
        "þ": "th",
        "ß": "ss",
        "ł": "l",
        "œ": "oe",
    }
)


def slugify(name: str) -> str:
    """'Nord-Aurdal' → 'nord-aurdal', 'Bærum' → 'baerum', 'Porsáŋgu' → 'porsangu'."""
    text = unicodedata.normalize("NFKD", name.strip().lower().translate(_ASCII))
    text = text.encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    if not slug:
        raise PluginError(
            f"cannot make a package name from '{plain_name(name)}'",
            hint="the name needs a letter or digit that can be written in ASCII "
            "(a package name is ASCII); add one, e.g. the Norwegian form of the name",
            code="scaffold.name",
        )
    return slug[:60].strip("-")


def yaml_string(text: str) -> str:
    """A double-quoted YAML scalar that reads back as exactly ``text``."""
    out = []
    for ch in text:
        if ch in {'"', "\\"}:
            out.append("\\" + ch)
        elif ch.isprintable() and ch not in "\u2028\u2029\ufeff":
            out.append(ch)
        elif ord(ch) <= 0xFFFF:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    return '"' + "".join(out) + '"'


def toml_string(text: str) -> str:
    """A TOML basic string that reads back as exactly ``text``."""
    # JSON's escapes are TOML's, except that TOML has no "\/" (json.dumps writes none).
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def python_string(text: str) -> str:
    """A Python string literal (usable as a docstring) that evaluates to ``text``."""
    return repr(text)


def template_values(name: str, code: str, valid_from: dt.date) -> dict[str, str]:
    """Every value the templates use, each escaped for the file type it goes into."""
    clean = name.strip()
    if not clean or len(clean) > MAX_NAME:
        raise PluginError(
            f"a municipality name must have 1 to {MAX_NAME} characters, got {len(clean)}",
            code="scaffold.name",
        )
    if not re.fullmatch(r"\d{4}", code):
        raise PluginError(
            f"kommunenummer must be four digits, got '{plain_name(code)}'", code="scaffold.code"
        )
    try:
        clean.encode("utf-8")
    except UnicodeEncodeError:
        raise PluginError(
            "the municipality name is not valid text (it holds undecodable bytes)",
            code="scaffold.name",
        ) from None
    slug = slugify(clean)
    if slug in BUILTIN_PLUGINS:
        raise PluginError(
            f"'{slug}' is the name of normkit's built-in plugin", code="scaffold.name"
        )
    module = "normkit_" + slug.replace("-", "_")
    normset = f"{slug}-nursing-homes"
    example = f"{slug}-example"
    line = plain_name(clean)
    document = f"{clean} kommune, {PLACEHOLDERS[0]}"
    return {
        "slug": slug,
        "module": module,
        "code": code,
        "normset": normset,
        "valid_from": valid_from.isoformat(),
        "normkit_version": __version__,
        "name_line": line,
        "name_md": markdown(line),
        "name_yaml": yaml_string(clean),
        "slug_yaml": yaml_string(slug),
        "normset_yaml": yaml_string(normset),
        "example_yaml": yaml_string(example),
        "example_name_yaml": yaml_string(f"{clean} example"),
        "title_yaml": yaml_string(f"{clean} – legetjenester i sykehjem"),
        "document_yaml": yaml_string(document),
        "description_toml": toml_string(f"{clean} kommune's physician norms for normkit"),
        "docstring_py": python_string(f"{clean} kommune's physician norms for normkit."),
        "test_docstring_py": python_string(
            f"{clean}'s norms, tested with normkit's test kit (normkit.testing)."
        ),
        "normset_py": python_string(normset),
        "example_py": python_string(example),
        "slug_py": python_string(slug),
    }


def new_plugin(name: str, code: str, directory: Path, valid_from: dt.date) -> Path:
    """Write ``normkit-<slug>/`` in ``directory`` and return its path; never overwrites."""
    values = template_values(name, code, valid_from)
    if directory.is_symlink() and not directory.exists():
        raise PluginError(
            "is a symbolic link to nothing", Location(str(directory)), code="scaffold.directory"
        )
    if directory.exists() and not directory.is_dir():
        raise PluginError(
            "is a file, not a folder",
            Location(str(directory)),
            "give --dir a folder (it is created if it does not exist)",
            code="scaffold.directory",
        )
    target = directory / f"normkit-{values['slug']}"
    if target.exists() or target.is_symlink():
        raise PluginError(
            "already exists",
            Location(str(target)),
            "choose another folder with --dir",
            code="scaffold.exists",
        )
    try:
        for template, relative in LAYOUT.items():
            text = Template((TEMPLATES / template).read_text(encoding="utf-8")).substitute(values)
            path = target / relative.format(module=values["module"])
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise PluginError(
            f"cannot write the package: {exc.strerror or exc}",
            Location(str(exc.filename or target)),
            code="scaffold.directory",
        ) from None
    return target
