"""The report as Markdown: a heading, pipe tables, lists; explanations as code blocks."""

from __future__ import annotations

import functools
from typing import Any

from .. import escaping
from . import RenderOptions
from .document import Lines, Table
from .locale import Locale
from .reports import to_report


def render_markdown(result: Any, options: RenderOptions) -> str:
    md = escaping.markdown
    locale = Locale(options.lang)
    report = to_report(result, locale)
    out = [f"## {md(report.title)}", ""]
    shown = functools.cache(md)  # each cell's text escaped once: figures and names repeat
    for block in report.blocks:
        if isinstance(block, Table):
            out.extend([f"### {md(block.title)}", ""])
            out.append("| " + " | ".join(md(h) for h in block.columns) + " |")
            out.append(
                "|"
                + "|".join("---:" if block.numeric(i) else "---" for i in range(len(block.columns)))
                + "|"
            )
            for row in block.rows:
                texts = [shown(locale.cell(c)) for c in row.cells]
                if row.level != "row":
                    texts = [f"**{t}**" if t else t for t in texts]
                out.append("| " + " | ".join(texts) + " |")
            out.append("")
            if block.note:
                out.extend([md(block.note), ""])
        elif isinstance(block, Lines):
            if block.title:
                out.extend([f"{md(block.title)}:", ""])
            out.extend(f"- {md(line)}" for line in block.lines)
            out.append("")
    if options.explain:
        explained = [r for t in report.tables() for r in t.rows if r.explanation]
        if explained:
            out.extend([f"### {md(locale.t('Explanations'))}", ""])
            # An indented code block shows its text literally; only controls need escaping.
            for row in explained:
                out.append(f"    {escaping.terminal(row.label)}:")
                out.extend(f"      {escaping.terminal(line)}" for line in row.explanation)
            out.append("")
    if report.sources:
        out.extend([f"### {md(locale.t('Sources'))}", ""])
        out.extend(f"- {md(s)}" for s in report.sources)
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"
