"""What a report shows, before it is written in any format.

Builders (:mod:`normkit.render.reports`) turn a result (an assessment, a
comparison, a plan, a KOSTRA position) into a :class:`Report`: titled tables of
typed cells, lines of text, charts and sources. Each human-readable renderer
(text, Markdown, HTML, XLSX) writes the same report its own way, so a figure
reads the same everywhere and a spreadsheet gets numbers, not text.

Labels are already in the report's language; numbers stay numbers
(:class:`Num`) until a renderer formats them with the locale.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

#: How a number is written: FTE with two decimals, NOK to the krone, a count, a
#: year, a decimal (two decimals always, so a column of hours or of a figure with a
#: fraction lines up: 6.00 under 37.33), a figure (whole numbers as they are, others
#: with two decimals); ``signed_`` kinds are differences and carry their sign.
Kind = Literal[
    "fte",
    "signed_fte",
    "nok",
    "signed_nok",
    "count",
    "year",
    "decimal",
    "signed_decimal",
    "figure",
    "signed_figure",
]

#: Why a figure is absent; each state has one word in each language.
State = Literal[
    "no_norm",  # no rule applies to the bed type
    "unknown",  # the source leaves the norm out
    "at_facility",  # staffing is recorded for the whole facility, not per unit
    "not_recorded",  # no staffing recorded
    "not_known",  # a sum or difference of something not known
    "not_in_hours",  # a norm, but not written in hours (a floor, a rounding, a fixed FTE)
    "not_comparable",  # the two sides cannot be set against each other
    "none_in_force",  # no norm set in force on the date
]


@dataclass(frozen=True, slots=True)
class Num:
    """A number cell: the value at full precision, how to write it, and why it may be absent."""

    value: float | int | None
    kind: Kind = "fte"
    state: State | None = None


#: A table cell: text, a number, or a day (a spreadsheet stores it as a date).
Cell = str | Num | dt.date


@dataclass(frozen=True, slots=True)
class Row:
    """A table row; ``level`` marks subtotals and totals, ``explanation`` how it was computed."""

    cells: tuple[Cell, ...]
    level: Literal["row", "subtotal", "total"] = "row"
    explanation: tuple[str, ...] = ()
    #: what the explanation is of ("Borgen › Borgen"), for formats that list them apart
    label: str = ""


@dataclass(frozen=True, slots=True)
class Table:
    """A titled table; ``note`` is said once under it (rounding, signs)."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    note: str = ""
    #: a short name for a spreadsheet tab (at most 31 characters)
    sheet: str = ""

    def numeric(self, index: int) -> bool:
        """Whether a column holds numbers (judged by its cells, not its label)."""
        return any(isinstance(r.cells[index], Num) for r in self.rows if index < len(r.cells))


@dataclass(frozen=True, slots=True)
class Lines:
    """Sentences: notes, alerts, changes; ``kind`` lets a renderer mark alerts."""

    title: str
    lines: tuple[str, ...]
    kind: Literal["notes", "alerts", "plain"] = "plain"


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    values: tuple[float | None, ...]
    #: why each missing value is missing ("no norm", "unknown"), as the tables say it;
    #: empty: "not known"
    states: tuple[State, ...] = ()


@dataclass(frozen=True, slots=True)
class Chart:
    """A chart of series over categories (facilities, or dates for lines)."""

    title: str
    kind: Literal["bars", "lines"]
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    unit: str
    #: the chart said in words, for screen readers and where no image is drawn
    description: str = ""
    name: str = "chart"
    #: how the values are written on the axis
    number: Kind = "fte"
    #: the categories as days, where they are dates: a spreadsheet stores them as dates
    days: tuple[dt.date, ...] = ()


Block = Table | Lines | Chart


@dataclass(frozen=True, slots=True)
class Report:
    """A result as a reader meets it: a title, blocks in order, and the sources cited."""

    title: str
    blocks: tuple[Block, ...]
    sources: tuple[str, ...] = ()
    lang: str = "en"

    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]

    def charts(self) -> list[Chart]:
        return [b for b in self.blocks if isinstance(b, Chart)]
