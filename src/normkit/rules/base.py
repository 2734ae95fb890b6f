"""The rule protocol: immutable objects that evaluate to a value with a unit.

A rule is a frozen pydantic model. Its fields are checked (units included)
when it is built; evaluation then runs on plain floats (:meth:`Rule.evaluate`)
or numpy arrays (:meth:`Rule.evaluate_array`), and :meth:`Rule.explain` gives
the same value as a readable chain of steps.

Rules nest (a sum of rates, a rounded rate...). Nested rules are read through
:data:`RuleRef`, which picks the class by the ``kind`` field from the rule
kinds in the validation context: the built-in ones, plus those a kit's plugins
registered. Nothing here is global or mutable.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any, ClassVar

from pydantic import SerializeAsAny, ValidationInfo, WrapValidator
from pydantic_core import PydanticCustomError

from ..errors import RuleError
from ..model import Model
from ..provenance import Source
from ..rounding import rounded

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

Inputs = Mapping[str, Any]
Arrays = Mapping[str, "np.ndarray"]  # numpy is imported when arrays are evaluated

FTE = "FTE"
NOK_PER_YEAR = "NOK/year"
BOOLEAN = "yes/no"
NUMBER = "1"


def fmt(value: float | None, unit: str = "") -> str:
    """A number as a planner reads it: at most 2 decimals, trailing zeros cut."""
    if value is None:
        return "unknown"
    text = f"{rounded(value, 2):,.2f}".replace(",", " ").rstrip("0").rstrip(".")
    if text == "-0":  # a tiny negative rounds to zero, which has no sign
        text = "0"
    return f"{text} {unit}".strip()


@dataclass(frozen=True)
class Step:
    """One line of an explanation, with the steps that fed it."""

    text: str
    value: float | bool | None
    unit: str
    rule: str
    source: Source | None = None
    children: tuple[Step, ...] = field(default_factory=tuple)

    def lines(self, indent: int = 0) -> list[str]:
        out = ["  " * indent + self.text]
        if self.source is not None:
            out.append("  " * indent + f"  source: {self.source.cite()}")
        for child in self.children:
            out.extend(child.lines(indent + 1))
        return out

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "text": self.text,
            "value": self.value,
            "unit": self.unit,
            "rule": self.rule,
        }
        if self.source is not None:
            data["source"] = self.source.model_dump(mode="json", exclude_none=True)
        if self.children:
            data["children"] = [c.to_dict() for c in self.children]
        return data


class Rule(Model, ABC):
    """Base of every rule kind. Subclasses set ``kind`` as a ``Literal`` field and
    implement :meth:`evaluate` and :meth:`explain` (a kit refuses a kind that does not).
    """

    error_class = RuleError

    kind: str
    label: str | None = None
    source: Source | None = None

    #: the unit of what :meth:`evaluate` returns (``"FTE"``, ``"NOK/year"``...)
    unit: ClassVar[str] = FTE

    def output_unit(self) -> str:
        return self.unit

    def inputs(self) -> frozenset[str]:
        """Names of the inputs this rule reads (``places``, ``listed_patients``...)."""
        return frozenset()

    @abstractmethod
    def evaluate(self, inputs: Inputs) -> Any:
        """The rule's value for one record's inputs, as a plain float (or bool)."""

    def evaluate_array(self, inputs: Arrays) -> np.ndarray:
        """Vectorised :meth:`evaluate`; the default loops, kinds override it."""
        import numpy as np

        names = sorted(self.inputs())
        size = len(next(iter(inputs.values()))) if inputs else 1
        return np.array(
            [self.evaluate({n: inputs[n][i] for n in names}) for i in range(size)], dtype=float
        )

    def linear_in(self) -> tuple[str, float] | None:
        """``(input, factor)`` when the rule is ``factor × input``: one multiply in batches."""
        return None

    def hours_per_week(self, inputs: Inputs) -> float | None:
        """Physician hours per week, when the norm is written in hours (else ``None``)."""
        return None

    @abstractmethod
    def explain(self, inputs: Inputs) -> Step:
        """The same value as :meth:`evaluate`, as a readable chain of steps."""

    def title(self) -> str:
        return self.label or self.kind

    def describe(self) -> str:
        """The rule in one line, as written (kinds override this with prose)."""
        fields = self.model_dump(
            mode="json", exclude={"kind", "label", "source"}, exclude_none=True
        )
        inner = ", ".join(f"{k}={v}" for k, v in fields.items())
        return f"{self.kind}({inner})"

    def children(self) -> tuple[Rule, ...]:
        """Nested rules, for walking a rule tree."""
        return ()


def require(inputs: Inputs, name: str, rule: Rule) -> float:
    """The input ``name`` as a float, or a :class:`RuleError` naming the rule."""
    try:
        value = inputs[name]
    except KeyError:
        raise RuleError(
            f"rule '{rule.title()}' needs the input '{name}', which was not given",
            hint=f"inputs given: {', '.join(sorted(inputs)) or 'none'}",
            code="rule.missing-input",
        ) from None
    return float(value)


def finite(value: float, rule: Rule, what: str = "") -> float:
    """``value`` when it is a finite number, else a :class:`RuleError` naming the rule.

    Inputs are bounded when read, but rules can nest (a scale of a scale of a
    sum...), so every figure normkit reports is checked once more here.
    """
    if not math.isfinite(value):
        raise RuleError(
            f"rule '{rule.title()}' gives {value}{f' for {what}' if what else ''}, "
            "not a finite number",
            hint="its factors are too large for the inputs; check the rule",
            code="rule.not-finite",
        )
    return value


def _dispatch(value: Any, handler: Any, info: ValidationInfo) -> Rule:
    if isinstance(value, Rule):
        return value
    if not isinstance(value, Mapping):
        raise PydanticCustomError("rule_type", "expected a rule (a mapping with a 'kind')")
    kind = value.get("kind")
    kinds = rule_kinds_from(info.context)
    if not isinstance(kind, str) or kind not in kinds:
        raise PydanticCustomError(
            "rule_kind",
            "unknown rule kind '{kind}'; known kinds: {known}",
            {"kind": kind, "known": ", ".join(sorted(kinds))},
        )
    cls = kinds[kind]
    return cls.model_validate(value, context=info.context)


def rule_kinds_from(context: Any) -> Mapping[str, type[Rule]]:
    if isinstance(context, Mapping) and "rule_kinds" in context:
        kinds: Mapping[str, type[Rule]] = context["rule_kinds"]
        return kinds
    from . import BUILTIN_RULE_KINDS

    return BUILTIN_RULE_KINDS


RuleRef = Annotated[SerializeAsAny[Rule], WrapValidator(_dispatch)]
"""A field holding any rule kind, chosen by its ``kind``."""
