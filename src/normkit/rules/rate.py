"""Rates per capacity unit: hours per week per bed, FTE per N beds, per inhabitant.

``amount`` per ``per``: "1 hour/week" per "3 place" is the 2012 norm's long-term
rate; "1 FTE" per "90 place" is the same rate in its other form; "13.5 FTE" per
"186000 inhabitant" is a ratio per population. Hours become FTE only through
``fte_basis``, which the norm states ("30 hour/week/FTE"); there is no default.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, NamedTuple

from pydantic import PrivateAttr, model_validator

from ..errors import Location, QuantityError
from ..quantities import Q, Quantity
from .base import FTE, Arrays, Inputs, Rule, Step, fmt, require

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

_WEEKLY = "hour/week"


class _Compiled(NamedTuple):
    """What evaluation needs, as plain floats, worked out once when the rule is built.

    Kept in one private attribute because each private-attribute read on a
    pydantic model costs a few microseconds.
    """

    input: str
    factor: float  # FTE per single counted unit
    per_count: float
    hours_per_week: float | None  # per ``per``, when the amount is in hours


class Rate(Rule):
    """``amount`` per ``per`` of a counted input, converted to FTE."""

    kind: Literal["rate"] = "rate"
    amount: Quantity
    per: Quantity = Q(1.0, "place", "1 place")
    fte_basis: Quantity | None = None

    _k: _Compiled = PrivateAttr()

    @model_validator(mode="after")
    def _check_units(self) -> Rate:
        self._k = compile_rate(self)
        return self

    def inputs(self) -> frozenset[str]:
        return frozenset({self._k.input})

    @property
    def input(self) -> str:
        """The input counted: ``places``, ``inhabitants``, ``listed_patients``..."""
        return self._k.input

    @property
    def fte_per_unit(self) -> float:
        """FTE per single place (patient, inhabitant): the plain-float factor."""
        return self._k.factor

    def evaluate(self, inputs: Inputs) -> float:
        k = self._k
        return require(inputs, k.input, self) * k.factor

    def evaluate_array(self, inputs: Arrays) -> np.ndarray:
        import numpy as np

        k = self._k
        return np.asarray(inputs[k.input], dtype=float) * k.factor

    def hours_per_week(self, inputs: Inputs) -> float | None:
        k = self._k
        if k.hours_per_week is None:
            return None
        return require(inputs, k.input, self) * k.hours_per_week / k.per_count

    def linear_in(self) -> tuple[str, float] | None:
        return (self._k.input, self._k.factor)

    def describe(self) -> str:
        k = self._k
        noun = self.per.unit
        text = f"{self.amount} per {fmt(k.per_count)} {plural(noun, k.per_count)}"
        if self.fte_basis is not None:
            text += f", {self.fte_basis}"
        if k.factor > 0:
            text += f" (= 1 FTE per {fmt(1 / k.factor)} {plural(noun, round(1 / k.factor, 2))})"
        return text

    def explain(self, inputs: Inputs) -> Step:
        k = self._k
        count = require(inputs, k.input, self)
        value = count * k.factor
        noun = self.per.unit
        if k.hours_per_week is not None:
            per_one = k.hours_per_week / k.per_count
            norm = (
                f" (norm: {self.amount} per {fmt(k.per_count)} {plural_of(noun)})"
                if k.per_count != 1
                else ""
            )
            text = (
                f"{fmt(count)} {plural(noun, count)} × {fmt_rate(per_one)} hour/week per {noun}"
                f"{norm} = {fmt(count * per_one)} hour/week ÷ {self.fte_basis} = {fmt(value, FTE)}"
            )
        else:
            per = noun if k.per_count == 1 else f"{fmt(k.per_count)} {plural_of(noun)}"
            text = (
                f"{fmt(count)} {plural(noun, count)} × {self.amount} per {per} = {fmt(value, FTE)}"
            )
        return Step(text, value, FTE, self.title(), self.source)


def compile_rate(rate: Rate) -> _Compiled:
    """Check a rate's units once and work out its FTE per counted unit as a plain float."""
    counted = rate.per.counted_input()
    if counted is None:
        raise QuantityError(
            f"'per' must count places, patients, inhabitants or shifts, got '{rate.per}'",
            Location(field="per"),
            "e.g. per: '3 place' or per: '10000 inhabitant'",
            code="quantity.per-not-counted",
        )
    per_count = rate.per.magnitude
    if per_count <= 0:
        raise QuantityError(
            f"'per' must be positive, got '{rate.per}'",
            Location(field="per"),
            code="quantity.not-positive",
        )
    if rate.amount.magnitude < 0:
        raise QuantityError(
            f"'amount' must not be negative, got '{rate.amount}'",
            Location(field="amount"),
            "a rate gives physician time per place; write 0 for none",
            code="quantity.negative",
        )
    if rate.amount.is_dimension(FTE):
        if rate.fte_basis is not None:
            raise QuantityError(
                "'fte_basis' is only for amounts in hours; this amount is already FTE",
                Location(field="fte_basis"),
                code="quantity.fte-basis-not-needed",
            )
        return _Compiled(counted, rate.amount.to(FTE) / per_count, per_count, None)
    if rate.amount.is_dimension("hour"):
        raise QuantityError(
            f"'amount' '{rate.amount}' has no time base",
            Location(field="amount"),
            "write hours per week, e.g. '1.5 hour/week'",
            code="quantity.no-time-base",
        )
    if not (rate.amount.is_dimension(_WEEKLY) and rate.amount.has_time_base()):
        raise QuantityError(
            f"'amount' must be FTE or hours per week, got '{rate.amount}' "
            f"(dimension {rate.amount.dimensionality})",
            Location(field="amount"),
            "e.g. amount: '1 FTE' per: '90 place', or amount: '1 hour/week' per: '3 place'",
            code="quantity.dimension",
        )
    if rate.fte_basis is None:
        raise QuantityError(
            f"'amount' '{rate.amount}' is in hours, so the rule needs 'fte_basis'",
            Location(field="fte_basis"),
            "state the hours per FTE the norm uses, e.g. '30 hour/week/FTE'",
            code="quantity.fte-basis-missing",
        )
    if not (rate.fte_basis.is_dimension("hour/week/FTE") and rate.fte_basis.has_time_base()):
        raise QuantityError(
            f"'fte_basis' must be hours per week per FTE, got '{rate.fte_basis}'",
            Location(field="fte_basis"),
            "e.g. '30 hour/week/FTE' or '37.5 hour/week/FTE'",
            code="quantity.dimension",
        )
    if rate.fte_basis.magnitude <= 0:
        raise QuantityError(
            f"'fte_basis' must be positive, got '{rate.fte_basis}'",
            Location(field="fte_basis"),
            code="quantity.not-positive",
        )
    hours = rate.amount.to(_WEEKLY)
    per_fte = hours / rate.fte_basis.to("hour/week/FTE")
    return _Compiled(counted, per_fte / per_count, per_count, hours)


def plural(noun: str, count: float) -> str:
    """'place' → 'places' for counts other than one."""
    return noun if count == 1 else plural_of(noun)


def plural_of(noun: str) -> str:
    """The plural of a counted noun (regular ones; a plugin's noun may already be plural)."""
    return noun if noun.endswith("s") else f"{noun}s"


def fmt_rate(value: float) -> str:
    """A per-unit rate with enough digits to be recomputed (1/3 → 0.3333)."""
    return f"{value:.4g}"
