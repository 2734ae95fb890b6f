"""Plan figures: a number a plan states, recomputed by a rule, with the difference.

Plans round and mix judgement into their arithmetic. A :class:`Figure` keeps
the plan's own number next to what the norm set's rule gives for the plan's
inputs (Bergen: 256 GPs × 56 h ÷ 37.5 h = 382.3 FTE where the slide says
384), so both are visible and the gap between them is measured, not hidden.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from .provenance import Source
from .quantities import Quantity
from .rules.base import Rule, Step, fmt


class Figure(BaseModel):
    """A figure stated in a source, to be recomputed by the named rule."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(min_length=1)
    label: str
    rule: str = Field(description="id of a rule in the norm set's 'rules'")
    inputs: dict[str, float | bool | str] = Field(default_factory=dict)
    stated: Quantity
    source: Source | None = None


class FigureResult(BaseModel):
    """A stated figure beside the computed one."""

    model_config = ConfigDict(frozen=True)

    id: str
    label: str
    stated: float
    computed: float
    unit: str
    difference: float
    relative_difference: float | None
    explanation: dict[str, Any]
    source: Source | None = None

    def difference_text(self) -> str:
        """The difference as a planner reads it: "-1.71 FTE (-0.44%)"."""
        relative = (
            f" ({self.relative_difference:+.2%})" if self.relative_difference is not None else ""
        )
        return f"{fmt(self.difference, self.unit)}{relative}"


def recompute(figure: Figure, rule: Rule) -> FigureResult:
    unit = rule.output_unit()
    stated = figure.stated.to(unit)
    step: Step = rule.explain(figure.inputs)
    computed = float(step.value or 0)
    difference = computed - stated
    return FigureResult(
        id=figure.id,
        label=figure.label,
        stated=stated,
        computed=computed,
        unit=unit,
        difference=difference,
        relative_difference=difference / stated if stated else None,
        explanation=step.to_dict(),
        source=figure.source,
    )
