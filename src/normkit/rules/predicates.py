"""Eligibility predicates: comparisons combined with all_of / any_of / not.

They evaluate to True, False, or None (unknown) on a mapping of attributes (a
physician's months of clinical service, a GP centre's number of GPs...). An
attribute recorded as unknown (``None``) makes a comparison unknown, and the
combinations follow three-valued logic: ``any_of`` is true as soon as one
condition is true whatever the others are, ``all_of`` is false as soon as one
is false, and otherwise an unknown stays unknown. So a result is given
whenever the known facts decide it, and "unknown" is never turned into
"no". The explanation names every comparison and its outcome.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from typing import Any, ClassVar, Literal

from pydantic import Field, field_validator

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


def outcome(value: bool | None) -> str:
    """'yes', 'no' or 'unknown', as explanations say it."""
    return "unknown" if value is None else ("yes" if value else "no")


class _Predicate(Rule):
    unit = BOOLEAN


def check_compare_value(value: Any) -> Any:
    """A comparison's value must be a finite number, a yes/no value or a text."""
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"the value to compare with must be a finite number, got {value}")
    return value


class Compare(_Predicate):
    """``attribute op value``, e.g. ``months_clinical_service >= 30``."""

    kind: Literal["compare"] = "compare"
    attribute: str = Field(min_length=1)
    op: Literal["==", "!=", "<", "<=", ">", ">="]
    value: bool | int | float | str

    @field_validator("value")
    @classmethod
    def _finite(cls, value: Any) -> Any:
        return check_compare_value(value)

    def inputs(self) -> frozenset[str]:
        return frozenset({self.attribute})

    def describe(self) -> str:
        return f"{self.attribute} {self.op} {self.value!r}"

    def decide(self, inputs: Inputs) -> bool | None:
        """True or False, or None when the record gives the attribute as unknown."""
        if self.attribute not in inputs:
            raise RuleError(
                f"predicate '{self.title()}' needs the attribute '{self.attribute}'",
                hint=f"attributes given: {', '.join(sorted(inputs)) or 'none'}",
                code="rule.missing-input",
            )
        value = inputs[self.attribute]
        if value is None:
            return None
        try:
            return bool(_OPS[self.op](value, self.value))
        except TypeError:
            raise RuleError(
                f"predicate '{self.title()}' cannot compare {self.attribute} = {value!r} "
                f"with {self.value!r}",
                code="rule.incomparable",
            ) from None

    def evaluate(self, inputs: Inputs) -> bool | None:
        return self.decide(inputs)

    def explain(self, inputs: Inputs) -> Step:
        result = self.decide(inputs)
        shown = "not recorded" if inputs[self.attribute] is None else repr(inputs[self.attribute])
        text = f"{self.attribute} = {shown} {self.op} {self.value!r}: {outcome(result)}"
        return Step(text, result, BOOLEAN, self.title(), self.source)


class _Junction(_Predicate):
    """Several conditions combined in three-valued logic (see the module's doc)."""

    conditions: tuple[RuleRef, ...] = Field(min_length=1)

    #: the value that decides the junction at once: True for any_of, False for all_of
    decisive: ClassVar[bool]
    word: ClassVar[str]

    def children(self) -> tuple[Rule, ...]:
        return tuple(self.conditions)

    def inputs(self) -> frozenset[str]:
        return frozenset().union(*(c.inputs() for c in self.conditions))

    def describe(self) -> str:
        return f"{self.word} (" + "; ".join(c.describe() for c in self.conditions) + ")"

    def evaluate(self, inputs: Inputs) -> bool | None:
        return combine([c.evaluate(inputs) for c in self.conditions], self.decisive)

    def explain(self, inputs: Inputs) -> Step:
        steps = tuple(c.explain(inputs) for c in self.conditions)
        result = combine([_truth(s.value) for s in steps], self.decisive)
        return Step(
            f"{self.word} {len(steps)}: {outcome(result)}",
            result,
            BOOLEAN,
            self.title(),
            self.source,
            steps,
        )


def _truth(value: float | bool | None) -> bool | None:
    return None if value is None else bool(value)


def combine(values: list[bool | None], decisive: bool) -> bool | None:
    """Kleene's three-valued and (``decisive=False``) or or (``decisive=True``)."""
    if decisive in values:
        return decisive
    if None in values:
        return None
    return not decisive


class AllOf(_Junction):
    """True when every condition holds; false when one does not; else unknown."""

    kind: Literal["all_of"] = "all_of"
    decisive = False
    word = "all of"


class AnyOf(_Junction):
    """True when at least one condition holds; false when none does; else unknown."""

    kind: Literal["any_of"] = "any_of"
    decisive = True
    word = "any of"


class Not(_Predicate):
    """True when the condition does not hold (unknown stays unknown)."""

    kind: Literal["not"] = "not"
    condition: RuleRef

    def children(self) -> tuple[Rule, ...]:
        return (self.condition,)

    def inputs(self) -> frozenset[str]:
        return self.condition.inputs()

    def describe(self) -> str:
        return f"not ({self.condition.describe()})"

    def evaluate(self, inputs: Inputs) -> bool | None:
        inner = _truth(self.condition.evaluate(inputs))
        return None if inner is None else not inner

    def explain(self, inputs: Inputs) -> Step:
        inner = self.condition.explain(inputs)
        value = _truth(inner.value)
        result = None if value is None else not value
        return Step(f"not: {outcome(result)}", result, BOOLEAN, self.title(), self.source, (inner,))
