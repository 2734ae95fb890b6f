"""Numbers and dates as read from files: finite, bounded, never silently coerced.

Every number a norm file or an inventory gives goes through :func:`read_number`
(through the field types :data:`Count`, :data:`Amount` and :data:`Number`), and
every date through :func:`read_date` (:data:`Date`). What they refuse, and why:

- yes/no values where a number is expected (YAML reads ``yes``, ``no``,
  ``on``, ``off``, ``true`` and ``false`` as yes/no values);
- numbers YAML 1.1 and YAML 1.2 read differently (``010`` is 8 or 10, ``1:30``
  is 90 or text, ``0x10``, ``1_000``): see :class:`YamlAmbiguous`;
- NaN, infinity, and magnitudes above :data:`MAX_MAGNITUDE` or below
  :data:`MIN_MAGNITUDE`, so that no product or sum of figures can overflow;
- dates that are not ``YYYY-MM-DD`` or ``DD.MM.YYYY`` (a bare number would
  otherwise be read as seconds since 1970).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import reprlib
from collections.abc import Callable, Sequence
from typing import Annotated, Any

from pydantic import BeforeValidator, Field

from .errors import NormkitError

#: The largest magnitude normkit accepts for any number it reads (10^15: more
#: than a state budget in NOK); products and sums of such numbers stay finite.
MAX_MAGNITUDE = 1e15
#: The smallest non-zero magnitude it accepts; below it a division could overflow.
MIN_MAGNITUDE = 1e-9


class BadValue(NormkitError):
    """A value that is not what its field expects; reported at the field's location."""

    code = "value.invalid"


class YamlAmbiguous(str):
    """A YAML scalar that YAML 1.1 reads as a number and YAML 1.2 reads otherwise.

    The loader keeps it as text, so a name or a code such as ``0301`` stays
    exactly as written; a number field refuses it with :attr:`reading`.
    """

    reading: str = ""

    def __new__(cls, text: str, reading: str) -> YamlAmbiguous:
        made = super().__new__(cls, text)
        made.reading = reading
        return made


# Numbers as a Norwegian spreadsheet writes them: "12", "0,6", "1 234,5" (the
# thousands separator is a space, a no-break space or a narrow no-break space).
_DECIMAL = re.compile(r"^[+-]?(?:[0-9]+|[0-9]{1,3}(?:[ \u00a0\u202f][0-9]{3})+)(?:[.,][0-9]+)?$")


def parse_decimal(text: str) -> float | int:
    """'12' → 12, '0,6' → 0.6, '1 234,5' → 1234.5; anything else is a :class:`BadValue`."""
    stripped = text.strip()
    if len(stripped) > 40 or not _DECIMAL.match(stripped):
        raise BadValue(
            f"expected a number, got '{text}'",
            hint="write digits with a decimal point or comma, e.g. 12 or 0,6",
            code="value.not-a-number",
        )
    if stripped.isdigit():  # the usual cell, "12": matched above, so ASCII digits only
        return int(stripped)
    plain = _GROUP_SEPARATOR.sub("", stripped).replace(",", ".")
    return float(plain) if "." in plain else int(plain)


_GROUP_SEPARATOR = re.compile(r"[ \u00a0\u202f]")


class Underflow(float):
    """A number written non-zero that a float reads as 0 (``1e-400``): it is refused
    when read as a number, never taken for the 0 it is not."""

    text: str

    def __new__(cls, text: str) -> Underflow:
        number = super().__new__(cls, 0.0)
        number.text = text
        return number


class Grouped(float):
    """A float literal written like a thousand with a point between its groups
    (``1.000``, ``12.500``): a number where a number is wanted, but refused where a
    count is (:func:`read_count`), as in a CSV cell."""

    text: str

    def __new__(cls, text: str) -> Grouped:
        number = super().__new__(cls, float(text))
        number.text = text
        return number


def read_float_text(text: str) -> float:
    """A file's float literal as a float (what JSON, TOML and YAML readers are given to
    parse floats): :class:`Underflow` for a non-zero one that reads as 0, and
    :class:`Grouped` for one written like ``1.000``."""
    value = float(text)
    if value == 0.0 and re.search(r"[1-9]", re.split(r"[eE]", text)[0]):
        return Underflow(text)
    if _GROUPED_LOOKALIKE.match(text):
        return Grouped(text)
    return value


def check_magnitude(value: float | int) -> float | int:
    """``value`` if it is finite and within the accepted magnitudes, else a :class:`BadValue`."""
    if isinstance(value, Underflow):
        raise BadValue(
            f"{clipped(value.text)} is smaller than normkit accepts (at least 10^-9, or 0)",
            code="value.too-small",
        )
    if isinstance(value, float) and not math.isfinite(value):
        raise BadValue(
            f"{value} is not a finite number", code="value.not-finite", hint="give a real figure"
        )
    size = abs(value)
    if size > MAX_MAGNITUDE:
        shown = (
            f"a number of about {int(value.bit_length() * 0.30103) + 1} digits"
            if isinstance(value, int)
            else f"{value:.3g}"
        )
        raise BadValue(
            f"{shown} is larger than normkit accepts (at most 10^15)",
            code="value.too-large",
        )
    if 0 < size < MIN_MAGNITUDE:
        raise BadValue(
            f"{value:g} is smaller than normkit accepts (at least 10^-9, or 0)",
            code="value.too-small",
        )
    if size == 0 and isinstance(value, float):
        return 0.0  # -0.0 is 0: a sign on nothing would show as "-0" in every output
    return value


def read_number(value: Any) -> Any:
    """A number from a file: bounded and finite; yes/no values and YAML 1.1 forms refused.

    Values of other types pass through for the field's own type check.
    """
    if isinstance(value, bool):
        raise BadValue(
            f"expected a number, got the yes/no value {str(value).lower()}",
            hint="YAML reads yes, no, on, off, true and false as yes/no values; write a number",
            code="value.boolean-as-number",
        )
    if isinstance(value, YamlAmbiguous):
        raise BadValue(
            f"'{value}' is {value.reading}",
            hint="write the number in plain decimal digits (or quote it if it is text)",
            code="value.yaml-ambiguous",
        )
    if isinstance(value, str):
        return check_magnitude(parse_decimal(value))
    if isinstance(value, Grouped):
        return check_magnitude(float(value))  # a plain float from here on
    if isinstance(value, int | float):
        return check_magnitude(value)
    return value


# "1,000" or "1.000": a decimal to a Norwegian reader (1 with a comma), a thousand to an
# English one, and 1 000 to a Norwegian reading points as thousands separators.
_GROUPED_LOOKALIKE = re.compile(r"^[+-]?[1-9][0-9]{0,2}[.,][0-9]{3}$")


def read_plain_number(value: Any) -> Any:
    """A number (see :func:`read_number`) that cannot be a thousand misread.

    For figures set against counts (a threshold's "below 1000"): ``1,000`` and
    ``1.000`` are refused, as 1 read for 1000 is silently wrong; so is ``12,500``,
    whose comma a Norwegian reads as a decimal and an English reader as thousands.
    ``1.125`` with a point is a decimal, as numbers in normkit's files are written.
    """
    _refuse_grouped(value, points=lambda number: number.is_integer())
    return read_number(value)


def _refuse_grouped(value: Any, points: Callable[[float], bool]) -> None:
    """Refuse ``1,000``-like text, and ``1.000``-like numbers for which ``points`` says
    the point may be a thousands separator."""
    grouped = value.text if isinstance(value, Grouped) else value
    if not (isinstance(grouped, str) and _GROUPED_LOOKALIKE.match(grouped.strip())):
        return
    text = grouped.strip()
    decimal = float(text.replace(",", "."))
    if "," in text or points(decimal):
        raise BadValue(
            f"'{text}' could be {int(re.sub('[.,]', '', text))} (a thousands separator) "
            f"or {decimal:g} (a decimal)",
            hint="write a thousand as 1000 or 1 000, and a decimal with a point: 1.5",
            code="value.ambiguous-separator",
        )


def read_count(value: Any) -> Any:
    """A count from a file: a number (see :func:`read_number`) with no fractional part.

    A count written like ``1,000`` or ``1.000``, or ``1.500``, is refused: the comma
    or point may separate thousands or decimals. Digits alone, or a space between
    thousands (``1 000``), say it plainly.
    """
    _refuse_grouped(value, points=lambda _: True)
    number = read_number(value)
    if isinstance(number, float) and not number.is_integer():
        raise BadValue(
            f"{number:g} is not a whole number",
            hint="count whole places, patients or people",
            code="value.not-whole",
        )
    return number


Count = Annotated[int, BeforeValidator(read_count), Field(ge=0)]
"""A whole, non-negative count (places, patients, inhabitants, GPs)."""

Amount = Annotated[float, BeforeValidator(read_number), Field(ge=0)]
"""A non-negative real figure (FTE, a factor)."""

Number = Annotated[float, BeforeValidator(read_number)]
"""Any finite figure within the accepted magnitudes (may be negative)."""

PlainNumber = Annotated[float, BeforeValidator(read_plain_number)]
"""Any figure, as :data:`Number`, but ``1,000`` and ``1.000`` refused as in a count:
for a limit an indicator of counts is set against."""


_ISO = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_NORWEGIAN = re.compile(r"^([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})$")


def spaced(count: int) -> str:
    """A whole number with its thousands spaced, as planners write it: 268 435 456."""
    return f"{count:,}".replace(",", " ")


def clipped(text: str, limit: int = 40) -> str:
    """``text`` for a message: what a user gave is shown, but never megabytes of it."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def listing(names: Sequence[str], most: int = 20) -> str:
    """Names for a message, each clipped and at most ``most`` of them: a file with
    200 000 unknown columns gets an error of a line, not of megabytes."""
    shown = ", ".join(clipped(name) for name in names[:most])
    return shown + (f" … ({len(names)} in all)" if len(names) > most else "") or "none"


def read_date(value: Any) -> dt.date:
    """A date written ``YYYY-MM-DD`` or ``DD.MM.YYYY`` (or a date object), nothing else."""
    if isinstance(value, dt.datetime):
        if value.time() != dt.time(0) or value.tzinfo is not None:
            raise BadValue(
                f"expected a date, got the time {value.isoformat()}", code="value.not-a-date"
            )
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            if _ISO.match(text):
                return dt.date.fromisoformat(text)
            norwegian = _NORWEGIAN.match(text)
            if norwegian:
                day, month, year = (int(g) for g in norwegian.groups())
                return dt.date(year, month, day)
        except ValueError as exc:
            raise BadValue(
                f"'{value}' is not a real date ({exc})", code="value.not-a-date"
            ) from None
    # reprlib: a huge list given as a date is described, never turned whole into text
    shown = f"'{clipped(value)}'" if isinstance(value, str) else clipped(reprlib.repr(value))
    raise BadValue(
        f"expected a date as YYYY-MM-DD or DD.MM.YYYY, got {shown}",
        hint="e.g. 2020-03-31 or 31.03.2020",
        code="value.not-a-date",
    )


def date_given(value: Any, name: str) -> dt.date:
    """A date a caller passed, a date or text as files write it (:func:`read_date`);
    anything else is an error naming ``name`` (an option or argument), never a TypeError."""
    try:
        return read_date(value)
    except BadValue as exc:
        raise NormkitError(f"{name}: {exc.message}", hint=exc.hint, code=exc.code) from None


Date = Annotated[dt.date, BeforeValidator(read_date)]
"""A date field: ``2020-03-31`` or ``31.03.2020``; numbers and times are refused."""
