"""Eligibility predicates: comparisons combined with all_of / any_of / not.

They evaluate to True or False on a mapping of attributes (a physician's
months of service, a GP centre's number of GPs...). The explanation names
every comparison and its outcome, so a "not eligible" can be traced.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any, Literal

from pydantic import Field

from ..errors import RuleError
from .base import BOOLEAN, Inputs, Rule, RuleRef, Step

_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


class _Predicate(Rule):
    unit = BOOLEAN

    def evaluate(self, inputs: Inputs) -> bool:
        raise NotImplementedError


class Compare(_Predicate):
    """``attribute op value``, e.g. ``months_since_graduation >= 30``."""

    kind: Literal["compare"] = "compare"
    attribute: str
    op: Literal["==", "!=", "<", "<=", ">", ">="]
    value: bool | int | float | str

    def inputs(self) -> frozenset[str]:
        return frozenset({self.attribute})

    def describe(self) -> str:
        return f"{self.attribute} {self.op} {self.value!r}"

    def evaluate(self, inputs: Inputs) -> bool:
        if self.attribute not in inputs:
            raise RuleError(
                f"predicate '{self.title()}' needs the attribute '{self.attribute}'",
                hint=f"attributes given: {', '.join(sorted(inputs)) or 'none'}",
            )
        value = inputs[self.attribute]
        if value is None:
            raise RuleError(f"'{self.attribute}' is not known for this record")
        return bool(_OPS[self.op](value, self.value))

    def explain(self, inputs: Inputs) -> Step:
        result = self.evaluate(inputs)
        text = (
            f"{self.attribute} = {inputs[self.attribute]!r} {self.op} {self.value!r}: "
            f"{'yes' if result else 'no'}"
        )
        return Step(text, result, BOOLEAN, self.title(), self.source)


class AllOf(_Predicate):
    """True when every condition holds."""

    kind: Literal["all_of"] = "all_of"
    conditions: tuple[RuleRef, ...] = Field(min_length=1)

    def children(self) -> tuple[Rule, ...]:
        return tuple(self.conditions)

    def inputs(self) -> frozenset[str]:
        return frozenset().union(*(c.inputs() for c in self.conditions))

    def describe(self) -> str:
        return "all of (" + "; ".join(c.describe() for c in self.conditions) + ")"

    def evaluate(self, inputs: Inputs) -> bool:
        return all(c.evaluate(inputs) for c in self.conditions)

    def explain(self, inputs: Inputs) -> Step:
        steps = tuple(c.explain(inputs) for c in self.conditions)
        result = all(bool(s.value) for s in steps)
        return Step(
            f"all of {len(steps)}: {'yes' if result else 'no'}",
            result,
            BOOLEAN,
            self.title(),
            self.source,
            steps,
        )


class AnyOf(_Predicate):
    """True when at least one condition holds."""

    kind: Literal["any_of"] = "any_of"
    conditions: tuple[RuleRef, ...] = Field(min_length=1)

    def children(self) -> tuple[Rule, ...]:
        return tuple(self.conditions)

    def inputs(self) -> frozenset[str]:
        return frozenset().union(*(c.inputs() for c in self.conditions))

    def describe(self) -> str:
        return "any of (" + "; ".join(c.describe() for c in self.conditions) + ")"

    def evaluate(self, inputs: Inputs) -> bool:
        return any(c.evaluate(inputs) for c in self.conditions)

    def explain(self, inputs: Inputs) -> Step:
        steps = tuple(c.explain(inputs) for c in self.conditions)
        result = any(bool(s.value) for s in steps)
        return Step(
            f"any of {len(steps)}: {'yes' if result else 'no'}",
            result,
            BOOLEAN,
            self.title(),
            self.source,
            steps,
        )


class Not(_Predicate):
    """True when the condition does not hold."""

    kind: Literal["not"] = "not"
    condition: RuleRef

    def children(self) -> tuple[Rule, ...]:
        return (self.condition,)

    def inputs(self) -> frozenset[str]:
        return self.condition.inputs()

    def describe(self) -> str:
        return f"not ({self.condition.describe()})"

    def evaluate(self, inputs: Inputs) -> bool:
        return not self.condition.evaluate(inputs)

    def explain(self, inputs: Inputs) -> Step:
        inner = self.condition.explain(inputs)
        result = not bool(inner.value)
        return Step(
            f"not: {'yes' if result else 'no'}",
            result,
            BOOLEAN,
            self.title(),
            self.source,
            (inner,),
        )
