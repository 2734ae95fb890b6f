"""A fixed amount: "0.2 FTE medical lead", "1.0 FTE estimated for KAD beds"."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import PrivateAttr, model_validator

from ..errors import Location, QuantityError
from ..quantities import Quantity
from .base import FTE, NOK_PER_YEAR, Arrays, Inputs, Rule, Step, fmt

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

OUTPUT_UNITS = (FTE, NOK_PER_YEAR)


class Fixed(Rule):
    """A constant amount in FTE or NOK/year, whatever the inputs."""

    kind: Literal["fixed"] = "fixed"
    amount: Quantity

    _value: float = PrivateAttr()
    _unit: str = PrivateAttr()

    @model_validator(mode="after")
    def _check(self) -> Fixed:
        self._unit, self._value = compile_fixed(self)
        return self

    def output_unit(self) -> str:
        return self._unit

    def evaluate(self, inputs: Inputs) -> float:
        return self._value

    def evaluate_array(self, inputs: Arrays) -> np.ndarray:
        import numpy as np

        size = len(next(iter(inputs.values()))) if inputs else 1
        return np.full(size, self._value)

    def describe(self) -> str:
        return f"fixed {self.amount}"

    def explain(self, inputs: Inputs) -> Step:
        return Step(
            f"fixed {fmt(self._value, self._unit)}",
            self._value,
            self._unit,
            self.title(),
            self.source,
        )


def compile_fixed(rule: Fixed) -> tuple[str, float]:
    """The output unit (FTE or NOK/year) and the value as a plain float."""
    for unit in OUTPUT_UNITS:
        if rule.amount.is_dimension(unit):
            value = rule.amount.to(unit)
            if value < 0:
                raise QuantityError(
                    f"'amount' must not be negative, got '{rule.amount}'",
                    Location(field="amount"),
                    code="quantity.negative",
                )
            return unit, value
    raise QuantityError(
        f"a fixed amount must be in FTE or NOK/year, got '{rule.amount}'",
        Location(field="amount"),
        code="quantity.dimension",
    )
