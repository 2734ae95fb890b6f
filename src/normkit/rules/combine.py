"""Combinations: sum, scale by a factor, minimum, maximum, floor, rounding."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field, PrivateAttr, model_validator

from ..errors import Location, RuleError
from ..quantities import Quantity
from ..values import Amount
from .base import Arrays, Inputs, Rule, RuleRef, Step, fmt

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np


def _same_unit(rules: tuple[Rule, ...], where: str) -> str:
    units = {r.output_unit() for r in rules}
    if len(units) != 1:
        raise RuleError(
            f"cannot combine rules with different units: {', '.join(sorted(units))}",
            Location(field=where),
            code="rule.mixed-units",
        )
    return units.pop()


class _Combination(Rule):
    _unit: str = PrivateAttr()

    def output_unit(self) -> str:
        return self._unit

    def inputs(self) -> frozenset[str]:
        return frozenset().union(*(r.inputs() for r in self.children()))


class Sum(_Combination):
    """The sum of its terms (all in the same unit)."""

    kind: Literal["sum"] = "sum"
    terms: tuple[RuleRef, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> Sum:
        self._unit = _same_unit(self.terms, "terms")
        return self

    def children(self) -> tuple[Rule, ...]:
        return tuple(self.terms)

    def describe(self) -> str:
        return "sum of (" + "; ".join(t.describe() for t in self.terms) + ")"

    def evaluate(self, inputs: Inputs) -> float:
        return float(sum(t.evaluate(inputs) for t in self.terms))

    def evaluate_array(self, inputs: Arrays) -> np.ndarray:
        import numpy as np

        return np.asarray(np.sum([t.evaluate_array(inputs) for t in self.terms], axis=0))

    def linear_in(self) -> tuple[str, float] | None:
        parts = [t.linear_in() for t in self.terms]
        names = {p[0] for p in parts if p is not None}
        if None in parts or len(names) != 1:
            return None
        return (names.pop(), sum(p[1] for p in parts if p is not None))

    def explain(self, inputs: Inputs) -> Step:
        steps = tuple(t.explain(inputs) for t in self.terms)
        value = float(sum(float(s.value or 0) for s in steps))
        text = " + ".join(fmt(float(s.value or 0)) for s in steps) + f" = {fmt(value, self._unit)}"
        return Step(text, value, self._unit, self.title(), self.source, steps)


class Scale(_Combination):
    """A rule multiplied by a stated, dimensionless factor, with its reason."""

    kind: Literal["scale"] = "scale"
    rule: RuleRef
    factor: Amount
    reason: str | None = None

    @model_validator(mode="after")
    def _check(self) -> Scale:
        self._unit = self.rule.output_unit()
        return self

    def children(self) -> tuple[Rule, ...]:
        return (self.rule,)

    def describe(self) -> str:
        why = f" ({self.reason})" if self.reason else ""
        return f"({self.rule.describe()}) × {self.factor:g}{why}"

    def evaluate(self, inputs: Inputs) -> float:
        return float(self.rule.evaluate(inputs)) * self.factor

    def evaluate_array(self, inputs: Arrays) -> np.ndarray:
        return self.rule.evaluate_array(inputs) * self.factor

    def linear_in(self) -> tuple[str, float] | None:
        inner = self.rule.linear_in()
        return None if inner is None else (inner[0], inner[1] * self.factor)

    def explain(self, inputs: Inputs) -> Step:
        inner = self.rule.explain(inputs)
        value = float(inner.value or 0) * self.factor
        why = f" ({self.reason})" if self.reason else ""
        text = f"{fmt(float(inner.value or 0))} × {self.factor:g} = {fmt(value, self._unit)}{why}"
        return Step(text, value, self._unit, self.title(), self.source, (inner,))


class _Extreme(_Combination):
    rules: tuple[RuleRef, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> _Extreme:
        self._unit = _same_unit(self.rules, "rules")
        return self

    def children(self) -> tuple[Rule, ...]:
        return tuple(self.rules)

    def _pick(self, values: list[float]) -> float:
        raise NotImplementedError

    def describe(self) -> str:
        return f"{self.kind} of (" + "; ".join(r.describe() for r in self.rules) + ")"

    def evaluate(self, inputs: Inputs) -> float:
        return self._pick([float(r.evaluate(inputs)) for r in self.rules])

    def explain(self, inputs: Inputs) -> Step:
        steps = tuple(r.explain(inputs) for r in self.rules)
        value = self._pick([float(s.value or 0) for s in steps])
        listed = ", ".join(fmt(float(s.value or 0)) for s in steps)
        text = f"{self.kind}({listed}) = {fmt(value, self._unit)}"
        return Step(text, value, self._unit, self.title(), self.source, steps)


class Minimum(_Extreme):
    """The smallest of its rules: a cap."""

    kind: Literal["min"] = "min"

    def _pick(self, values: list[float]) -> float:
        return min(values)

    def evaluate_array(self, inputs: Arrays) -> np.ndarray:
        import numpy as np

        return np.asarray(np.min([r.evaluate_array(inputs) for r in self.rules], axis=0))


class Maximum(_Extreme):
    """The largest of its rules."""

    kind: Literal["max"] = "max"

    def _pick(self, values: list[float]) -> float:
        return max(values)

    def evaluate_array(self, inputs: Arrays) -> np.ndarray:
        import numpy as np

        return np.asarray(np.max([r.evaluate_array(inputs) for r in self.rules], axis=0))


class Floor(_Combination):
    """A rule that never goes below ``at_least`` (a minimum staffing)."""

    kind: Literal["floor"] = "floor"
    rule: RuleRef
    at_least: Quantity
    _minimum: float = PrivateAttr()

    @model_validator(mode="after")
    def _check(self) -> Floor:
        self._unit = self.rule.output_unit()
        self._minimum = self.at_least.to(self._unit, Location(field="at_least"))
        return self

    def children(self) -> tuple[Rule, ...]:
        return (self.rule,)

    def describe(self) -> str:
        return f"{self.rule.describe()}, at least {self.at_least}"

    def evaluate(self, inputs: Inputs) -> float:
        return max(float(self.rule.evaluate(inputs)), self._minimum)

    def evaluate_array(self, inputs: Arrays) -> np.ndarray:
        import numpy as np

        return np.asarray(np.maximum(self.rule.evaluate_array(inputs), self._minimum))

    def explain(self, inputs: Inputs) -> Step:
        inner = self.rule.explain(inputs)
        value = max(float(inner.value or 0), self._minimum)
        text = (
            f"at least {self.at_least}: max({fmt(float(inner.value or 0))}, "
            f"{fmt(self._minimum)}) = {fmt(value, self._unit)}"
        )
        return Step(text, value, self._unit, self.title(), self.source, (inner,))


def positive_step(step: Quantity, unit: str) -> float:
    """A rounding step in the rule's unit, as a positive float."""
    value = step.to(unit, Location(field="step"))
    if value <= 0:
        raise RuleError(
            f"'step' must be positive, got '{step}'", Location(field="step"), code="rule.step"
        )
    return value


RoundingMode = Literal["up", "down", "nearest"]


class Round(_Combination):
    """A rule rounded to a stated step ("0.1 FTE") in a stated mode.

    ``nearest`` rounds halves up, as plans do by hand. The quotient is first
    rounded to 9 decimals so that 1.3 / 0.1 = 13.000000000000002 is not
    pushed to 14 by float noise.
    """

    kind: Literal["round"] = "round"
    rule: RuleRef
    step: Quantity
    mode: RoundingMode
    _step: float = PrivateAttr()

    @model_validator(mode="after")
    def _check(self) -> Round:
        self._unit = self.rule.output_unit()
        self._step = positive_step(self.step, self._unit)
        return self

    def children(self) -> tuple[Rule, ...]:
        return (self.rule,)

    def _round(self, values: Any) -> np.ndarray:
        # One rounding for the per-unit and the batch path, so both give the
        # same float to the last bit (Python's round() and numpy's differ there).
        import numpy as np

        steps = np.round(np.asarray(values, dtype=float) / self._step, 9)
        if self.mode == "up":
            n = np.ceil(steps)
        elif self.mode == "down":
            n = np.floor(steps)
        else:
            n = np.floor(steps + 0.5)
        return np.asarray(np.round(n * self._step, 12))

    def describe(self) -> str:
        return f"{self.rule.describe()}, rounded {self.mode} to {self.step}"

    def evaluate(self, inputs: Inputs) -> float:
        return float(self._round(float(self.rule.evaluate(inputs))))

    def evaluate_array(self, inputs: Arrays) -> np.ndarray:
        return self._round(self.rule.evaluate_array(inputs))

    def explain(self, inputs: Inputs) -> Step:
        inner = self.rule.explain(inputs)
        value = float(self._round(float(inner.value or 0)))
        text = (
            f"{fmt(float(inner.value or 0))} rounded {self.mode} to a step of {self.step} "
            f"= {fmt(value, self._unit)}"
        )
        return Step(text, value, self._unit, self.title(), self.source, (inner,))
