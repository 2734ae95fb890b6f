"""Labels and number formats in Norwegian (nb) and English (en).

Every label comes from the glossary (``normkit/glossary.toml``), the single
source of normkit's terms: a label missing there is an error, so nothing is
left half-translated. Numbers are written at a stated precision (FTE to two
decimals, NOK to the krone); in nb with a decimal comma, a no-break space
(U+00A0) between thousands and "kr" after amounts, as Norwegian budgets write them.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import Any, Literal

from ..errors import NormkitError
from ..rounding import kept_decimals, rounded
from .document import Cell, Num, State

Lang = Literal["en", "nb"]
LANGS: tuple[Lang, ...] = ("en", "nb")

#: The thousands separator in nb: a no-break space, so "1 190 000 kr" never breaks.
NB_THOUSANDS = "\u00a0"

STATES: dict[State, str] = {
    "no_norm": "no norm",
    "unknown": "unknown",
    "at_facility": "at facility",
    "not_recorded": "not recorded",
    "not_known": "not known",
    "not_in_hours": "not in hours",
    "not_comparable": "not comparable",
    "none_in_force": "none in force",
}


@functools.cache
def glossary() -> dict[str, Any]:
    """The glossary file as data: ``term`` and ``label`` lists."""
    import tomllib
    from importlib import resources

    text = resources.files("normkit").joinpath("glossary.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


@functools.cache
def _labels(lang: Lang) -> dict[str, str]:
    return {entry["en"]: entry[lang] for entry in glossary()["label"]}


@dataclass(frozen=True)
class Locale:
    """How a report writes its labels, numbers and dates in one language."""

    lang: Lang = "en"

    def t(self, key: str, /, **fields: object) -> str:
        """The label in this language, with ``{name}`` fields filled in."""
        try:
            text = _labels(self.lang)[key]
        except KeyError:
            raise KeyError(f"label not in the glossary (normkit/glossary.toml): {key!r}") from None
        return text.format(**fields) if fields else text

    def state(self, state: State) -> str:
        return self.t(STATES[state])

    def date(self, day: dt.date) -> str:
        return day.strftime("%d.%m.%Y") if self.lang == "nb" else day.isoformat()

    def number(self, num: Num) -> str:
        """A number cell as text; an absent value says why (one word per state)."""
        value = num.value
        if value is None:
            return self.state(num.state or "not_known")
        if not value:  # 0 and -0.0 are one key to a cache, and may be written apart
            return _number_text(self.lang, num.kind, value)
        # By the value's type too: 1 and 1.0 are one key, and a count writes them apart.
        return _kept_number_text(self.lang, num.kind, type(value).__qualname__, value)

    def cell(self, cell: Cell) -> str:
        if isinstance(cell, Num):
            return self.number(cell)
        if isinstance(cell, dt.date):
            return self.date(cell)
        return cell


def locale(lang: str) -> Locale:
    """The locale of a language code, or a clear error naming the ones there are."""
    lang = lang.lower()
    if lang not in LANGS:
        raise NormkitError(
            f"--lang: '{lang}' is not a language normkit writes",
            hint=f"use one of: {', '.join(LANGS)}",
            code="render.lang",
        )
    return Locale(lang)


# A table repeats its figures (every unit of a kind has the same need): each is written
# once and kept, as rounding it like a spreadsheet takes some microseconds.
@functools.lru_cache(maxsize=4096)
def _kept_number_text(lang: Lang, kind_of_cell: str, _type: str, value: float) -> str:
    return _number_text(lang, kind_of_cell, value)


def _number_text(lang: Lang, kind_of_cell: str, value: float) -> str:
    """A number as text: its kind's precision, and in nb a decimal comma."""
    signed = kind_of_cell.startswith("signed_")
    kind = kind_of_cell.removeprefix("signed_")
    if kind == "fte":
        shown = rounded(value, 2)  # kept to 6 decimals first, as the workbook keeps it
        text = f"{shown:+.2f}" if signed else f"{shown:.2f}"
        if text.lstrip("+-") == "0.00":  # a tiny difference rounds to zero, which has no sign
            text = "0.00"
    elif kind == "nok":
        whole = int(rounded(value, 0, kept_decimals(kind)))  # money is kept to the øre
        text = f"{whole:+,}" if signed and whole else f"{whole:,}"
    elif kind == "year":
        return str(value)
    elif kind == "count":
        text = f"{value:,}"
    elif kind != "decimal" and float(value).is_integer():  # a figure: whole numbers as they are
        text = f"{int(value):+,}" if signed and value else f"{int(value):,}"
    else:
        shown = rounded(value, 2)
        text = f"{shown:+,.2f}" if signed else f"{shown:,.2f}"
    if lang == "nb":
        text = text.replace(",", NB_THOUSANDS).replace(".", ",")
        return f"{text}{NB_THOUSANDS}kr" if kind == "nok" else text
    return text.replace(",", " ")
