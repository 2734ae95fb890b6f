"""Quantities: a number and a unit, parsed and checked once, when a rule is built.

normkit uses pint, but only at build time and only for the unit. The text is
first matched against a small grammar (a decimal number, then unit names
joined by ``*`` and ``/`` with small integer powers), so no arithmetic in the
text is ever evaluated: ``9**9**9 FTE`` is a syntax error, not a hang. A
:class:`Q` keeps the text a norm was written in and its magnitude; rules ask
for the plain-float conversion factor they need (:meth:`Q.to`) while they are
built and never touch pint again. ``import pint`` and the registry happen on
first use, so importing normkit or listing plugins stays fast; and pint's
answers are kept between runs (:mod:`normkit.cache`), so pint is imported only
when a unit is met for the first time.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import PlainSerializer, PlainValidator, WithJsonSchema

from .errors import Location, QuantityError
from .escaping import terminal
from .values import BadValue, check_magnitude, read_float_text

if TYPE_CHECKING:  # pragma: no cover
    import pint

    from .cache import Answers

DEFINITIONS = Path(__file__).with_name("quantities.definitions")

# Dimensions of the things a rate can be "per": the inputs of a unit.
COUNTED = {
    "[place]": "places",
    "[patient]": "listed_patients",
    "[inhabitant]": "inhabitants",
    "[shift]": "shifts",
    "[physician]": "physicians",
    "[contract]": "contracts",
}

MAX_TEXT = 200
_NUMBER = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,3})?"
_NAME = r"(?:[A-Za-z_][A-Za-z_0-9]*|%)"
_FACTOR = rf"{_NAME}(?:\s*(?:\^|\*\*)\s*[+-]?[1-4])?"
_UNITS = rf"(?:1\s*/\s*)?{_FACTOR}(?:\s*[*/]\s*{_FACTOR})*"  # "1/year" for a rate
GRAMMAR = re.compile(rf"^\s*(?P<number>{_NUMBER})\s*(?P<unit>{_UNITS})?\s*$")


@functools.cache
def registry() -> pint.UnitRegistry[Any]:
    """The one unit registry of this process, built from normkit's definitions.

    Cached because pint quantities from two registries cannot be combined;
    it holds no user data, so sharing it keeps kits independent.
    """
    import pint

    return pint.UnitRegistry(str(DEFINITIONS), autoconvert_offset_to_baseunit=False)


@functools.cache
def _answers() -> Answers:
    from .cache import Answers

    return Answers("units")


def _ask(key: str, compute: Any, kind: type | tuple[type, ...]) -> Any:
    """pint's answer, kept between runs: computed (importing pint) only when not kept."""
    return _answers().ask(key, compute, lambda found: isinstance(found, kind))


def _units(quantity: str, text: str, where: Location | None) -> str:
    """The unit as pint writes it (``hour/week/place``); an error naming an unknown unit."""
    return str(_ask(f"unit|{text}", lambda: _parse_units(quantity, text, where), str))


def _parse_units(quantity: str, text: str, where: Location | None) -> str:
    try:
        return _unit_text(registry().parse_units(text))
    except Exception as exc:  # pint raises several unrelated types
        names = getattr(exc, "unit_names", None)
        what = ", ".join(f"'{n}'" for n in names) if isinstance(names, tuple) else str(exc)
        raise QuantityError(
            f"cannot read quantity '{quantity}': unknown unit {what}",
            where,
            "units: hour, week, year, FTE, NOK, place, patient, inhabitant, shift, "
            "physician, contract, %",
            code="quantity.unknown-unit",
        ) from None


@dataclass(frozen=True)
class Q:
    """A quantity as written in a norm: ``Q.parse("1.5 hour/week")``."""

    magnitude: float
    unit: str
    text: str = ""

    @classmethod
    def parse(cls, text: Any, where: Location | None = None) -> Q:
        if not isinstance(text, str):
            raise QuantityError(
                f"expected a quantity with a unit as text, like '1.5 hour/week', got {text!r}",
                where,
                code="quantity.not-text",
            )
        if len(text) > MAX_TEXT:
            raise QuantityError(
                f"a quantity of {len(text)} characters is longer than {MAX_TEXT}",
                where,
                code="quantity.syntax",
            )
        found = GRAMMAR.match(text)
        if found is None:
            raise QuantityError(
                f"cannot read quantity '{terminal(text)}': expected a number and a unit",
                where,
                "write a decimal number and a unit, e.g. '1.5 hour/week' or '330 NOK/patient/year'",
                code="quantity.syntax",
            )
        if found.group("unit") is None:
            raise QuantityError(
                f"quantity '{text}' has no unit",
                where,
                "write the unit, e.g. '0.2 FTE', '1.5 hour/week', '330 NOK/patient/year'",
                code="quantity.no-unit",
            )
        try:
            magnitude = float(check_magnitude(read_float_text(found.group("number"))))
        except BadValue as bad:
            raise QuantityError(f"quantity '{text}': {bad.message}", where, code=bad.code) from None
        unit = _units(text, found.group("unit"), where)
        return cls(magnitude, unit, " ".join(text.strip().split()))

    def __str__(self) -> str:
        return self.text or f"{_number(self.magnitude)} {self.unit}"

    def _pint(self) -> Any:
        return registry().Quantity(self.magnitude, self.unit)

    @property
    def dimensionality(self) -> str:
        return str(_ask(f"dim|{self.unit}", lambda: str(self._pint().dimensionality), str))

    def is_dimension(self, unit: str) -> bool:
        """True when this quantity can be converted to ``unit``."""
        return bool(
            _ask(
                f"is|{self.unit}|{unit}",
                lambda: self._pint().dimensionality == registry().Unit(unit).dimensionality,
                bool,
            )
        )

    def to(self, unit: str, where: Location | None = None) -> float:
        """Magnitude in ``unit`` as a plain float; a clear error on a wrong dimension."""
        if not self.is_dimension(unit):
            expected = _ask(
                f"unit-dim|{unit}", lambda: str(registry().Unit(unit).dimensionality), str
            )
            # hour/week is time over time: pint calls it dimensionless, which reads as wrong
            has = self.dimensionality
            has = (
                "is a ratio with no dimension" if has == "dimensionless" else f"has dimension {has}"
            )
            hint = None
            if unit == "FTE" and self.has_time_base():
                hint = (
                    "hours a week become FTE only through an fte_basis: write this in FTE "
                    "(6 hour/week at 30 hour/week/FTE is 0.2 FTE), or use a rate with fte_basis"
                )
            raise QuantityError(
                f"'{self}' is not convertible to {unit} (it {has}, expected {expected})",
                where,
                hint,
                code="quantity.dimension",
            )
        return float(
            _ask(
                f"to|{self.magnitude!r}|{self.unit}|{unit}",
                lambda: float(self._pint().to(unit).magnitude),
                float,
            )
        )

    def has_time_base(self) -> bool:
        """True when the unit names a time both above and below the line (hour/week)."""
        return bool(_ask(f"time-base|{self.unit}", self._has_time_base, bool))

    def _has_time_base(self) -> bool:
        units = self._pint().units
        exponents: dict[str, float] = {name: float(exp) for name, exp in units._units.items()}
        time_dim = registry().Unit("hour").dimensionality
        signs = {
            (exp > 0)
            for name, exp in exponents.items()
            if registry().Unit(name).dimensionality == time_dim
        }
        return signs == {True, False}

    def counted_input(self) -> str | None:
        """The unit input this quantity counts (``places``...), or None."""
        found = _ask(f"counted|{self.unit}", self._counted_input, (str, type(None)))
        return None if found is None else str(found)

    def _counted_input(self) -> str | None:
        dims = dict(self._pint().dimensionality)
        if len(dims) == 1:
            ((name, exp),) = dims.items()
            if exp == 1:
                return COUNTED.get(name)
        return None


def _unit_text(units: Any) -> str:
    return str(units).replace(" ", "")


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _validate(value: Any) -> Q:
    if isinstance(value, Q):
        return value
    return Q.parse(value)


Quantity = Annotated[
    Q,
    PlainValidator(_validate),
    PlainSerializer(lambda q: str(q), return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "description": "A number and a unit, e.g. '1.5 hour/week' or '0.2 FTE'",
            "examples": ["1 hour/week", "3 place", "30 hour/week/FTE", "330 NOK/patient/year"],
        }
    ),
]
"""A pydantic field type: a quantity written as text, serialized back as text."""
