"""Overrides: a more specific adopted value that takes precedence, with a reason.

An override targets units by facility, unit and/or bed type. The most
specific one wins (unit > facility > bed type > none); two of equal
specificity on the same unit are a conflict, reported as an error rather than
settled silently. The pure-norm figure stays visible next to the adopted one.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from ..errors import NormSetError
from ..model import Model
from ..provenance import Source
from .base import FTE, RuleRef


class Override(Model):
    """An adopted value for the units it targets, replacing the pure norm there."""

    error_class = NormSetError

    id: str = Field(min_length=1)
    facility: str | None = None
    unit: str | None = None
    bed_types: tuple[str, ...] = ()
    replaces: str | None = Field(
        default=None, description="id of the need it overrides; null where the norm has none"
    )
    rule: RuleRef
    reason: str = Field(min_length=1, description="why the adopted value differs from the norm")
    source: Source | None = None

    @model_validator(mode="after")
    def _fte_and_scoped(self) -> Override:
        check_override(self)
        return self

    def specificity(self) -> int:
        """Higher wins: unit (3) > facility (2) > bed type (1) > everything (0)."""
        if self.unit is not None:
            return 3
        if self.facility is not None:
            return 2
        return 1 if self.bed_types else 0

    def targets(self, facility: str, unit: str | None, bed_type: str | None) -> bool:
        if self.facility is not None and self.facility != facility:
            return False
        if self.unit is not None and self.unit != unit:
            return False
        return not self.bed_types or bed_type in self.bed_types

    def scope(self) -> str:
        parts = [p for p in (self.facility, self.unit) if p]
        if self.bed_types:
            parts.append("/".join(self.bed_types))
        return " › ".join(parts) or "all units"


def check_override(override: Override) -> None:
    """An override gives FTE, and one naming a unit names its facility (unit names repeat)."""
    if override.rule.output_unit() != FTE:
        raise NormSetError(
            f"an override must give FTE; this rule gives {override.rule.output_unit()}",
            code="normset.not-fte",
        )
    if override.facility is None and override.unit is not None:
        raise NormSetError(
            "an override naming a unit must name its facility too",
            code="override.unit-without-facility",
        )
