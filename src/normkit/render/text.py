"""The report as text for a terminal: rich tables, then lines, then explanations.

Names and notes are data: every cell is a rich ``Text`` with control
characters escaped, never markup. Tables longer than :data:`LONG_TABLE` rows
are written as plain aligned columns, since rich lays out about 3 ms a row.
"""

from __future__ import annotations

import functools
import io
from typing import Any

from .. import escaping
from . import RenderOptions
from .document import Chart, Lines, Report, Table
from .locale import Locale

#: Rows past which a table is printed as plain columns.
LONG_TABLE = 2_000


@functools.cache
def _console_class() -> Any:
    from rich.console import Console

    class QuietConsole(Console):
        """rich exits with 1 when the reader closes the pipe; normkit's command line
        ends quietly with 0 instead, as Unix tools do (``normkit assess | head``)."""

        def on_broken_pipe(self) -> None:
            raise BrokenPipeError

    return QuietConsole


def console_for(width: int | None = None, file: Any = None) -> Any:
    """A rich Console that never reads markup; piped output gets a fixed width."""
    Console = _console_class()

    console = Console(
        soft_wrap=False, markup=False, highlight=False, emoji=False, file=file, width=width
    )
    if width is None and not console.is_terminal:
        console = Console(
            soft_wrap=False, width=160, markup=False, highlight=False, emoji=False, file=file
        )
    return console


def safe(value: str, style: str | None = None) -> Any:
    """A rich Text of input-derived text: never markup, control characters escaped."""
    from rich.text import Text

    return Text(escaping.terminal(value), style=style or "")


def render_text(result: Any, options: RenderOptions) -> str:
    from .reports import to_report

    report = to_report(result, Locale(options.lang))
    if options.console is not None:
        print_report(report, options.console, options.explain)
        return ""
    buffer = io.StringIO()
    print_report(report, console_for(options.width, buffer), options.explain)
    return buffer.getvalue()


def print_report(report: Report, console: Any, explain: bool = False) -> None:
    locale = Locale(report.lang)  # type: ignore[arg-type]
    console.print(safe(report.title), soft_wrap=True)
    for block in report.blocks:
        if isinstance(block, Table):
            print_table(block, console, locale)
        elif isinstance(block, Lines):
            style = "yellow" if block.kind == "alerts" else None
            if block.title:
                console.print(safe(f"{block.title}:", style))
            for line in block.lines:  # a sentence is never broken: the terminal wraps it
                console.print(safe(f"  {line}" if block.title else line), soft_wrap=True)
        elif isinstance(block, Chart):
            continue  # charts are drawn in HTML, XLSX and --chart files
    if explain:
        explained = [r for t in report.tables() for r in t.rows if r.explanation]
        if explained:
            console.print()
            console.print(safe(locale.t("Explanations")))
            for row in explained:
                console.print(safe(f"{row.label}:"), soft_wrap=True)
                for line in row.explanation:
                    console.print(safe(f"  {line}"), soft_wrap=True)


def print_table(table: Table, console: Any, locale: Locale) -> None:
    from rich.table import Table as RichTable

    numeric = [table.numeric(i) for i in range(len(table.columns))]
    cells = [[locale.cell(c) for c in row.cells] for row in table.rows]
    cells, footnotes = _footnoted(table, cells, numeric)
    if len(cells) > LONG_TABLE:
        _print_plain(table.title, list(table.columns), cells, numeric, console)
    else:
        out = RichTable(title=safe(table.title), title_justify="left")
        last = len(table.columns) - 1
        for i, header in enumerate(table.columns):
            # Long headers and state words wrap at spaces; a figure is never cut.
            if numeric[i]:
                widest = max((len(row[i]) for row in cells if " " not in row[i]), default=0)
                out.add_column(safe(header), justify="right", min_width=widest)
            elif i == last and len(table.columns) > 3:  # notes and reasons wrap
                out.add_column(safe(header), overflow="fold")
            else:
                out.add_column(safe(header), overflow="fold")
        for row, texts in zip(table.rows, cells, strict=True):
            style = {"subtotal": "bold", "total": "bold reverse"}.get(row.level)
            out.add_row(*(safe(c) for c in texts), style=style)
        console.print(out)
    for number, text in footnotes:
        console.print(safe(f"[{number}] {text}"), soft_wrap=True)
    if table.note:
        console.print(safe(table.note), soft_wrap=True)


#: Notes longer than this move under the table, the cell keeping a number.
FOOTNOTE_AT = 30


def _footnoted(
    table: Table, cells: list[list[str]], numeric: list[bool]
) -> tuple[list[list[str]], list[tuple[int, str]]]:
    """Long notes in the last column said under the table, so the table fits a terminal."""
    last = len(table.columns) - 1
    if last < 3 or numeric[last] or all(len(row[last]) <= FOOTNOTE_AT for row in cells):
        return cells, []
    footnotes: list[tuple[int, str]] = []
    numbered: dict[str, int] = {}
    out = []
    for row in cells:
        text = row[last]
        if text:
            if text not in numbered:  # the same note on several rows is said once
                numbered[text] = len(numbered) + 1
                footnotes.append((numbered[text], text))
            row = [*row[:last], f"[{numbered[text]}]"]
        out.append(row)
    return out, footnotes


def _print_plain(
    title: str, headers: list[str], rows: list[list[str]], numeric: list[bool], console: Any
) -> None:
    """The table as aligned columns, without borders or styles; the last column unpadded."""
    from rich.cells import cell_len

    cells = [[escaping.terminal(c) for c in row] for row in [headers, *rows]]
    # A cell's width on the terminal, read once: an ASCII text's is its length.
    sizes = [[len(c) if c.isascii() else cell_len(c) for c in row] for row in cells]
    widths = [max(row[i] for row in sizes) for i in range(len(headers) - 1)]

    def line(index: int) -> str:
        row, size = cells[index], sizes[index]
        padded = [
            " " * (width - used) + cell if right else cell + " " * (width - used)
            for right, width, cell, used in zip(numeric, widths, row, size, strict=False)
        ]
        return "  ".join([*padded, row[-1]]).rstrip()

    rule = "  ".join("-" * w for w in [*widths, sizes[0][-1]])
    last = len(cells) - 1  # the total; the body is between it and the headers
    write = console.file.write
    write("\n".join([escaping.terminal(title), line(0), rule]) + "\n")
    for start in range(1, last, 1_000):  # written as it goes, a thousand rows at a time
        write("\n".join(line(i) for i in range(start, min(start + 1_000, last))) + "\n")
    write("\n".join([rule, line(last)]) + "\n")
