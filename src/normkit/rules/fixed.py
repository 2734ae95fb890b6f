"""A fixed amount: "0.2 FTE medical lead", "1.0 FTE estimated for KAD beds"."""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import PrivateAttr, model_validator

from ..errors import Location, UnitError
from ..units import Quantity
from .base import FTE, NOK_PER_YEAR, Arrays, Inputs, Rule, Step, fmt

OUTPUT_UNITS = (FTE, NOK_PER_YEAR)


class Fixed(Rule):
    """A constant amount in FTE or NOK/year, whatever the inputs."""

    kind: Literal["fixed"] = "fixed"
    amount: Quantity

    _value: float = PrivateAttr()
    _unit: str = PrivateAttr()

    @model_validator(mode="after")
    def _check(self) -> Fixed:
        for unit in OUTPUT_UNITS:
            if self.amount.is_dimension(unit):
                self._unit = unit
                self._value = self.amount.to(unit)
                break
        else:
            raise UnitError(
                f"a fixed amount must be in FTE or NOK/year, got '{self.amount}'",
                Location(field="amount"),
            )
        if self._value < 0:
            raise UnitError(
                f"'amount' must not be negative, got '{self.amount}'", Location(field="amount")
            )
        return self

    def output_unit(self) -> str:
        return self._unit

    def evaluate(self, inputs: Inputs) -> float:
        return self._value

    def evaluate_array(self, inputs: Arrays) -> np.ndarray:
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
