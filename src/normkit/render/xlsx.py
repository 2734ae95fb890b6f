"""The report as an Excel workbook (openpyxl, the ``report`` extra).

What a municipal finance office expects to open: one sheet per table, numbers
stored as numbers with a number format (5.16 is a number, not text), headers
frozen, a first sheet with the title and the notes, the sources on a sheet of
their own, and native Excel charts. Text is never a formula: a name starting
with ``=`` is stored as text.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

from .. import escaping
from ..errors import NormkitError
from ..rounding import kept_decimals, rounded
from ..values import spaced
from . import RenderOptions
from .document import Chart, Lines, Num, Report, Table
from .locale import Locale
from .reports import to_report

_FORMATS = {
    "fte": "0.00",
    "signed_fte": "+0.00;-0.00;0.00",
    "count": "#,##0",
    "year": "0",
    "signed_nok": "+#,##0;-#,##0;0",
    "decimal": "#,##0.00",
    "signed_decimal": "+#,##0.00;-#,##0.00;0.00",
    "signed_figure": "+#,##0.00;-#,##0.00;0",
}
_SHEET_UNSAFE = re.compile(r"[\[\]:*?/\\]")
_SHEET_COLON = re.compile(r"\s*:\s+")


def _openpyxl() -> Any:
    try:
        import openpyxl
    except ImportError:
        raise NormkitError(
            "--format xlsx needs openpyxl, which is not installed",
            hint="pip install 'normkit[report]'",
            code="render.missing-extra",
        ) from None
    return openpyxl


def number_format(num: Num, locale: Locale) -> str:
    if num.kind == "nok":
        return '#,##0 "kr"' if locale.lang == "nb" else "#,##0"
    if num.kind == "figure":
        return "#,##0" if float(num.value or 0).is_integer() else "#,##0.00"
    return _FORMATS[num.kind]


#: the most characters a spreadsheet cell holds
CELL_CHARACTERS = 32_767


def _text(value: str) -> str:
    # Control characters are not allowed in the XML of a sheet; show them escaped.
    text = escaping.terminal(value)
    if len(text) <= CELL_CHARACTERS:
        return text
    # A cell holds no more: openpyxl would cut it without a word, so say where it is cut.
    said = f" … [cut here: {spaced(len(value))} characters given]"
    return text[: CELL_CHARACTERS - len(said)] + said


def _put(sheet: Any, row: int, column: int, value: Any, locale: Locale) -> Any:
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, Num):
        if value.value is None:
            cell.value = locale.state(value.state or "not_known")
            cell.data_type = "s"
        else:
            # Kept to 6 decimals (money to 2): any figure, short of float noise (8.88e-16
            # for a gap of 0 would count as a shortfall in a filter "> 0"); rounded as
            # text rounds it first (normkit.rounding), so both show the same digits.
            decimals = kept_decimals(value.kind)
            kept = float(rounded(value.value, decimals, decimals))
            cell.value = kept + 0  # + 0: no negative zero
            cell.number_format = number_format(value, locale)
    elif isinstance(value, dt.date):
        cell.value = value
        cell.number_format = "dd.mm.yyyy" if locale.lang == "nb" else "yyyy-mm-dd"
    elif value:
        cell.value = _text(value)
        cell.data_type = "s"  # never a formula, whatever the text starts with
    return cell


class _Names:
    """Sheet names as Excel takes them: at most 31 characters, no []:*?/\\, no
    apostrophe first or last, not "History", each used once."""

    def __init__(self) -> None:
        self.used: set[str] = {"history"}  # Excel keeps this name for itself

    def __call__(self, wanted: str) -> str:
        # "base: figures" reads "base - figures": a colon is the usual one Excel refuses.
        readable = _SHEET_COLON.sub(" - ", escaping.plain_name(wanted))
        # Cut, then trimmed: Excel refuses a name that starts or ends with an apostrophe.
        base = _SHEET_UNSAFE.sub("_", readable)[:28].lstrip("' ").rstrip("' -") or "Sheet"
        name, n = base, 2
        while name.lower() in self.used:
            name, n = f"{base[:26].rstrip()} {n}", n + 1
        self.used.add(name.lower())
        return name


def render_xlsx(result: Any, options: RenderOptions) -> bytes:
    openpyxl = _openpyxl()
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    locale = Locale(options.lang)
    report = to_report(result, locale)
    workbook = openpyxl.Workbook()
    names = _Names()
    overview = workbook.active
    overview.title = names(locale.t("Report"))
    bold = Font(bold=True)
    _put(overview, 1, 1, report.title, locale).font = Font(bold=True, size=13)
    line = 3
    for block in report.blocks:
        if isinstance(block, Lines):
            if block.title:
                _put(overview, line, 1, block.title, locale).font = bold
                line += 1
            for text in block.lines:
                _put(overview, line, 1, text, locale)
                line += 1
            line += 1
    overview.column_dimensions["A"].width = 120
    tables = [b for b in report.blocks if isinstance(b, Table)]
    for table in tables:
        sheet = workbook.create_sheet(names(table.sheet or table.title))
        # Which sheet holds which table; a sheet named by its table's title (or its
        # first 28 characters) is found by the title alone.
        named_by_title = _SHEET_COLON.sub(" - ", table.title).startswith(sheet.title)
        shown = table.title if named_by_title else f"{sheet.title}: {table.title}"
        _put(overview, line, 1, shown, locale)
        line += 1
        # Subtotals and totals among the rows: a column to filter them by, so a SUM
        # over a figure's column does not count a facility twice.
        levels = any(row.level != "row" for row in table.rows)
        columns = [locale.t("Level")] * levels + list(table.columns)
        rows = [[locale.t(row.level)] * levels + list(row.cells) for row in table.rows]
        for column, label in enumerate(columns, start=1):
            _put(sheet, 1, column, label, locale).font = bold
        for r, (row, cells) in enumerate(zip(table.rows, rows, strict=True), start=2):
            for column, value in enumerate(cells, start=1):
                cell = _put(sheet, r, column, value, locale)
                if row.level != "row":
                    cell.font = bold
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(rows) + 1}"
        for column, label in enumerate(columns, start=1):
            widest = max([len(label), *(len(locale.cell(cells[column - 1])) for cells in rows)])
            sheet.column_dimensions[get_column_letter(column)].width = min(60, widest + 2)
        if table.note:
            note = _put(sheet, len(table.rows) + 3, 1, table.note, locale)
            note.alignment = Alignment(wrap_text=False)
    charts = report.charts()
    if charts:
        _chart_sheet(workbook.create_sheet(names(locale.t("Charts"))), charts, locale)
    if options.explain:
        sheet = workbook.create_sheet(names(locale.t("Explanations")))
        r = 1
        for table in tables:
            for row in table.rows:
                if row.explanation:
                    _put(sheet, r, 1, row.label, locale).font = bold
                    r += 1
                    for text in row.explanation:
                        _put(sheet, r, 1, text, locale)
                        r += 1
        sheet.column_dimensions["A"].width = 140
    sources = workbook.create_sheet(names(locale.t("Sources")))
    _put(sources, 1, 1, locale.t("Sources"), locale).font = bold
    for r, source in enumerate(report.sources, start=2):
        _put(sources, r, 1, source, locale)
    sources.freeze_panes = "A2"
    sources.column_dimensions["A"].width = 140
    _properties(workbook, report)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _properties(workbook: Any, report: Report) -> None:
    from .. import __version__

    workbook.properties.title = escaping.plain_name(report.title)[:250]
    workbook.properties.creator = f"normkit {__version__}"


def _chart_sheet(sheet: Any, charts: list[Chart], locale: Locale) -> None:
    """Each chart's data as a small table, and a native Excel chart beside it."""
    from openpyxl.chart import BarChart, LineChart, Reference

    top = 1
    for chart in charts:
        _put(sheet, top, 1, chart.title, locale)
        for column, series in enumerate(chart.series, start=2):
            _put(sheet, top + 1, column, series.name, locale)
        for r, category in enumerate(chart.days or chart.categories, start=top + 2):
            _put(sheet, r, 1, category, locale)
            for column, series in enumerate(chart.series, start=2):
                value = series.values[r - top - 2]
                if value is not None:  # an absent value stays an empty cell, never 0
                    _put(sheet, r, column, Num(value, chart.number), locale)
        drawn = BarChart() if chart.kind == "bars" else LineChart()
        drawn.title = escaping.plain_name(chart.title)
        drawn.y_axis.title = chart.unit
        last = top + 1 + len(chart.categories)
        data = Reference(
            sheet, min_col=2, max_col=1 + len(chart.series), min_row=top + 1, max_row=last
        )
        drawn.add_data(data, titles_from_data=True)
        drawn.set_categories(Reference(sheet, min_col=1, min_row=top + 2, max_row=last))
        drawn.width, drawn.height = 18, 8
        # openpyxl 3.1 marks axes deleted unless told otherwise; Excel then draws none.
        drawn.x_axis.delete = False
        drawn.y_axis.delete = False
        sheet.add_chart(drawn, f"{chr(ord('B') + len(chart.series) + 1)}{top}")
        top = max(last, top + 16) + 2
