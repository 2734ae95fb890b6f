"""Write docs/glossary.md from src/normkit/glossary.toml, the single source of terms.

    python scripts/glossary.py

A test fails when the page and the file disagree.
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "src" / "normkit" / "glossary.toml"
PAGE = ROOT / "docs" / "glossary.md"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def page() -> str:
    data = tomllib.loads(SOURCE.read_text(encoding="utf-8"))
    lines = [
        "# Glossary: norsk–English",
        "",
        "The words of Norwegian plans for physician services, the English used in",
        "normkit's documentation, and the id used in files and code. Both tables are",
        "written from `normkit/glossary.toml`, which the reports read too: it is the",
        "one place a term is defined.",
        "",
        "| norsk | English | in normkit |",
        "|---|---|---|",
        *(
            f"| {_cell(t['nb'])} | {_cell(t['en'])} | {_cell(t.get('normkit', ''))} |"
            for t in data["term"]
        ),
        "",
        "## Labels in reports",
        "",
        "What tables, headings and states say with `--lang en` and `--lang nb`;",
        "`{name}` is filled in where the label is used. Numbers in nb have a decimal",
        "comma, a no-break space (U+00A0) between thousands and `kr` after amounts:",
        "`5,16`, `1 190 000 kr`.",
        "",
        "| English | norsk |",
        "|---|---|",
        *(f"| {_cell(label['en'])} | {_cell(label['nb'])} |" for label in data["label"]),
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    PAGE.write_text(page(), encoding="utf-8")
    sys.stdout.write(f"wrote {PAGE.relative_to(ROOT)}\n")
