"""Units: parsed and checked once, when a rule is built.

normkit uses pint, but only at build time. A :class:`Q` keeps the text a norm
was written in and its magnitude; rules ask for the plain-float conversion
factor they need (:meth:`Q.to`) while they are built and never touch pint
again. ``import pint`` and the registry are created on first use, so importing
normkit or listing plugins stays fast.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import PlainSerializer, PlainValidator, WithJsonSchema

from .errors import Location, UnitError

if TYPE_CHECKING:  # pragma: no cover
    import pint

DEFINITIONS = Path(__file__).with_name("units.definitions")

# Dimensions of the things a rate can be "per": the inputs of a unit.
COUNTED = {
    "[place]": "places",
    "[patient]": "listed_patients",
    "[inhabitant]": "inhabitants",
    "[shift]": "shifts",
    "[physician]": "physicians",
    "[contract]": "contracts",
}


@functools.cache
def registry() -> pint.UnitRegistry[Any]:
    """The one unit registry of this process, built from normkit's definitions.

    Cached because pint quantities from two registries cannot be combined;
    it holds no user data, so sharing it keeps kits independent.
    """
    import pint

    return pint.UnitRegistry(str(DEFINITIONS), autoconvert_offset_to_baseunit=False)


@dataclass(frozen=True)
class Q:
    """A quantity as written in a norm: ``Q.parse("1.5 hour/week")``."""

    magnitude: float
    unit: str
    text: str = ""

    @classmethod
    def parse(cls, text: str, where: Location | None = None) -> Q:
        if not isinstance(text, str):
            raise UnitError(
                f"expected a quantity with a unit as text, like '1.5 hour/week', got {text!r}",
                where,
            )
        stripped = text.strip()
        try:
            parsed: Any = registry().Quantity(stripped)
        except Exception as exc:  # pint raises several unrelated types
            raise UnitError(f"cannot read quantity '{text}': {exc}", where) from None
        magnitude = float(parsed.magnitude)
        if not math.isfinite(magnitude):
            raise UnitError(f"quantity '{text}' is not a finite number", where)
        if not parsed._units:  # no unit at all (hour/week is dimensionless yet has units)
            raise UnitError(
                f"quantity '{text}' has no unit",
                where,
                "write the unit, e.g. '0.2 FTE', '1.5 hour/week', '330 NOK/patient/year'",
            )
        return cls(magnitude, _unit_text(parsed.units), " ".join(stripped.split()))

    def __str__(self) -> str:
        return self.text or f"{_number(self.magnitude)} {self.unit}"

    def _pint(self) -> Any:
        return registry().Quantity(self.magnitude, self.unit)

    @property
    def dimensionality(self) -> str:
        return str(self._pint().dimensionality)

    def is_dimension(self, unit: str) -> bool:
        """True when this quantity can be converted to ``unit``."""
        return bool(self._pint().dimensionality == registry().Unit(unit).dimensionality)

    def to(self, unit: str, where: Location | None = None) -> float:
        """Magnitude in ``unit`` as a plain float; a clear error on a wrong dimension."""
        try:
            return float(self._pint().to(unit).magnitude)
        except Exception:
            raise UnitError(
                f"'{self}' is not convertible to {unit} "
                f"(it has dimension {self.dimensionality}, "
                f"expected {registry().Unit(unit).dimensionality})",
                where,
            ) from None

    def has_time_base(self) -> bool:
        """True when the unit names a time both above and below the line (hour/week)."""
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
