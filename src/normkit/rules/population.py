"""Capacity from population: places, contracts, physicians or FTE per N inhabitants.

"150 places per 1 000 inhabitants aged 80+", "one GP contract per 1 000
inhabitants", "one duty physician per 10 000 inhabitants": an ``amount`` of
something counted per ``per`` inhabitants. Units are checked when the rule is
built, as for every rule: ``per`` must count inhabitants, and ``amount`` is
places, contracts, physicians or FTE. A derived indicator feeds it any
population figure (``inputs: {inhabitants: inhabitants_80+}``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, NamedTuple

from pydantic import PrivateAttr, model_validator

from ..errors import Location, QuantityError
from ..quantities import Quantity
from .base import FTE, Arrays, Inputs, Rule, Step, fmt, require
from .rate import plural

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

INPUT = "inhabitants"
#: what a population can be given capacity in, by the unit the result is in
AMOUNT_UNITS = ("place", "contract", "physician", FTE)


class _Compiled(NamedTuple):
    unit: str
    factor: float  # amount per single inhabitant


class PerPopulation(Rule):
    """``amount`` per ``per`` inhabitants, e.g. ``150 place`` per ``1000 inhabitant``."""

    kind: Literal["per_population"] = "per_population"
    amount: Quantity
    per: Quantity

    _k: _Compiled = PrivateAttr()

    @model_validator(mode="after")
    def _check_units(self) -> PerPopulation:
        self._k = compile_per_population(self)
        return self

    def output_unit(self) -> str:
        return self._k.unit

    def inputs(self) -> frozenset[str]:
        return frozenset({INPUT})

    def describe(self) -> str:
        return f"{self.amount} per {self.per}"

    def evaluate(self, inputs: Inputs) -> float:
        return require(inputs, INPUT, self) * self._k.factor

    def evaluate_array(self, inputs: Arrays) -> np.ndarray:
        import numpy as np

        return np.asarray(inputs[INPUT], dtype=float) * self._k.factor

    def linear_in(self) -> tuple[str, float] | None:
        return (INPUT, self._k.factor)

    def explain(self, inputs: Inputs) -> Step:
        population = require(inputs, INPUT, self)
        value = self.evaluate(inputs)
        unit = self._k.unit
        text = (
            f"{fmt(population)} inhabitants × {self.amount} per {self.per} = "
            f"{fmt(value)} {plural(unit, value) if unit != FTE else unit}"
        )
        return Step(text, value, unit, self.title(), self.source)


def compile_per_population(rule: PerPopulation) -> _Compiled:
    """The result's unit and the amount per inhabitant, checked once."""
    if rule.per.counted_input() != INPUT:
        raise QuantityError(
            f"'per' must count inhabitants, got '{rule.per}'",
            Location(field="per"),
            "for example '1000 inhabitant'",
            code="quantity.dimension",
        )
    per = rule.per.to("inhabitant", Location(field="per"))
    if per <= 0:
        raise QuantityError(
            f"'per' must be more than 0 inhabitants, got '{rule.per}'",
            Location(field="per"),
            code="quantity.negative",
        )
    for unit in AMOUNT_UNITS:
        if rule.amount.is_dimension(unit):
            amount = rule.amount.to(unit, Location(field="amount"))
            if amount < 0:
                raise QuantityError(
                    f"'amount' must not be negative, got '{rule.amount}'",
                    Location(field="amount"),
                    code="quantity.negative",
                )
            return _Compiled(unit, amount / per)
    raise QuantityError(
        f"'amount' must be places, contracts, physicians or FTE, got '{rule.amount}'",
        Location(field="amount"),
        "for example '150 place', '1 contract' or '1 FTE'",
        code="quantity.dimension",
    )
