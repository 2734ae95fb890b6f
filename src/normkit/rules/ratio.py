"""Ratios of two figures: FTE per 10 000 inhabitants, list cap per listed patient.

KOSTRA-style indicators divide one figure by another and scale the result
("physician FTE per 10 000 inhabitants"). Both figures are inputs; the rule
states the scale and the unit it reports in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BeforeValidator, Field

from ..errors import RuleError
from ..values import read_number
from .base import Arrays, Inputs, Rule, Step, fmt, require

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np


class Ratio(Rule):
    """``numerator / denominator × per``, e.g. legevakt FTE per 10 000 inhabitants."""

    kind: Literal["ratio"] = "ratio"
    numerator: str = Field(min_length=1)
    denominator: str = Field(min_length=1)
    per: Annotated[float, BeforeValidator(read_number), Field(gt=0)] = 1.0
    reports_in: str = Field(min_length=1, description="the unit of the result, in words")

    def output_unit(self) -> str:
        return self.reports_in

    def inputs(self) -> frozenset[str]:
        return frozenset({self.numerator, self.denominator})

    def describe(self) -> str:
        scale = f" × {fmt(self.per)}" if self.per != 1 else ""
        return f"{self.numerator} ÷ {self.denominator}{scale} ({self.reports_in})"

    def evaluate(self, inputs: Inputs) -> float:
        top = require(inputs, self.numerator, self)
        bottom = require(inputs, self.denominator, self)
        if bottom == 0:
            raise RuleError(
                f"'{self.denominator}' is 0, so '{self.title()}' has no value",
                code="rule.division-by-zero",
            )
        return top / bottom * self.per

    def evaluate_array(self, inputs: Arrays) -> np.ndarray:
        import numpy as np

        top = np.asarray(inputs[self.numerator], dtype=float)
        bottom = np.asarray(inputs[self.denominator], dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(bottom == 0, np.nan, top / bottom * self.per)

    def explain(self, inputs: Inputs) -> Step:
        value = self.evaluate(inputs)
        top, bottom = inputs[self.numerator], inputs[self.denominator]
        scale = f" × {fmt(self.per)}" if self.per != 1 else ""
        text = (
            f"{self.numerator} {fmt(float(top))} ÷ {self.denominator} {fmt(float(bottom))}"
            f"{scale} = {value:.4g} {self.reports_in}"
        )
        return Step(text, value, self.reports_in, self.title(), self.source)
