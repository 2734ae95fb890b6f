"""The report as one self-contained HTML page: tables, folded explanations, charts.

No script, no font, no stylesheet or image is fetched: charts are SVG inside
the page as data URIs with their values in words as alt text, so the file
opens offline, prints, and reads with a screen reader. Every name goes through
jinja2's autoescape: a facility called ``<script>`` is text.
"""

from __future__ import annotations

import base64
import functools
from collections.abc import Callable
from typing import Any

from .. import escaping
from ..errors import NormkitError
from . import RenderOptions
from .document import Chart, Lines, Num, Table
from .locale import Locale
from .reports import to_report


@functools.cache
def _template() -> Any:
    try:
        import jinja2
    except ImportError:
        raise NormkitError(
            "--format html needs jinja2, which is not installed",
            hint="pip install 'normkit[report]'",
            code="render.missing-extra",
        ) from None
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("normkit.render", "templates"),
        autoescape=True,
        finalize=_visible,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return environment.get_template("report.html.j2")


def _visible(value: Any) -> Any:
    """Text as the page shows it: a control or direction character from a file's name
    or a facility's name is written as its escape (``\\x1b``), as in the terminal;
    the line breaks of an explanation stay line breaks."""
    if isinstance(value, str):
        if type(value) is _row_markup():  # a row's cells, made by _cells from visible text
            return value
        value = str(value)  # any other text is text, even a plugin's markupsafe.Markup
        if "\n" not in value:  # a cell: one line
            return escaping.terminal(value)
        return "\n".join(escaping.terminal(line) for line in value.split("\n"))
    return value


def _cells(cells: tuple[Any, ...], locale: Locale, shown: Callable[[str], str]) -> Any:
    """A row's cells as HTML, made here rather than in the template: a table of 12 000
    units costs a template loop per cell otherwise. Each text goes through
    :func:`_visible` and then the escape jinja2's autoescape uses, as a template value
    would: a page is what the template made of the same text, byte for byte.
    ``shown`` is :func:`_shown`, kept for the page (figures and names repeat)."""
    parts = []
    for index, cell in enumerate(cells):
        if isinstance(cell, Num):
            text, css = locale.number(cell), "num" if cell.value is not None else "state"
        else:
            text, css = locale.cell(cell), ""
        html = shown(text)
        if index == 0:
            parts.append(f'<th scope="row">{html}</th>')
        elif css:
            parts.append(f'<td class="{css}">{html}</td>')
        else:
            parts.append(f"<td>{html}</td>")
    return _row_markup()("".join(parts))


def _shown(text: str) -> str:
    """A text as the template wrote it: made visible, then escaped as autoescape does."""
    from markupsafe import escape  # jinja2's own; imported with it

    return str(escape(_visible(text)))


@functools.cache
def _row_markup() -> Any:
    """The one kind of markup the page writes as it is: a row made by :func:`_cells`."""
    from markupsafe import Markup

    class RowMarkup(Markup):
        __slots__ = ()

    return RowMarkup


def render_html(result: Any, options: RenderOptions) -> str:
    from .. import __version__
    from .charts import draw, need_matplotlib

    template = _template()  # both extras before any work: else say which to install
    need_matplotlib()
    locale = Locale(options.lang)
    report = to_report(result, locale)
    blocks: list[dict[str, Any]] = []
    shown = functools.cache(_shown)  # for this page only: names are not kept past it
    for block in report.blocks:
        if isinstance(block, Table):
            blocks.append(
                {
                    "kind": "table",
                    "table": block,
                    "columns": [
                        {"label": label, "numeric": block.numeric(i)}
                        for i, label in enumerate(block.columns)
                    ],
                    "rows": [
                        {
                            "level": row.level,
                            "cells": _cells(row.cells, locale, shown),
                            "label": row.label,
                            "explanation": "\n".join(row.explanation) if options.explain else "",
                        }
                        for row in block.rows
                    ],
                }
            )
        elif isinstance(block, Lines):
            blocks.append({"kind": "lines", "lines": block})
        elif isinstance(block, Chart):
            svg = base64.b64encode(draw(block, locale, "svg")).decode("ascii")
            blocks.append({"kind": "chart", "chart": block, "svg": svg})
    labels = {"how": locale.t("How it was computed:"), "sources": locale.t("Sources")}
    return str(template.render(report=report, blocks=blocks, labels=labels, version=__version__))
