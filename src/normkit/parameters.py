"""Parameters: single named values a plan fixes (or leaves out), with their source.

"Up to 10 paid course days a year", "at least three new GP contracts a year",
"56 hours a week, the national average GP week". A parameter whose value the
plan does not give has ``value: null`` and ``unknown`` saying what is missing:
normkit reports it as unknown and never fills it in.
"""

from __future__ import annotations

import re

from pydantic import Field, model_validator

from .errors import NormSetError
from .model import Model
from .provenance import Source
from .quantities import Quantity
from .values import spaced


class Parameter(Model):
    """A named quantity of a norm set, or an explicit unknown."""

    error_class = NormSetError

    id: str = Field(min_length=1)
    label: str | None = None
    value: Quantity | None = None
    unknown: str | None = Field(
        default=None, description="what the source leaves out, if value is null"
    )
    source: Source | None = None

    @model_validator(mode="after")
    def _value_or_unknown(self) -> Parameter:
        check_value_or_unknown(self.value is not None, self.unknown is not None)
        return self

    def describe(self) -> str:
        """The value as the norm file writes it, its thousands spaced (325 000 NOK), as
        every other figure is shown; or what the source leaves out."""
        if self.value is None:
            return f"unknown: {self.unknown}"
        return _WHOLE_DIGITS.sub(lambda m: spaced(int(m.group())), str(self.value))


#: five or more digits before any decimal point (the whole part, not the fraction)
_WHOLE_DIGITS = re.compile(r"(?<![\d.,])\d{5,}(?!\d)")


def check_value_or_unknown(has_value: bool, has_unknown: bool) -> None:
    if has_value == has_unknown:
        raise NormSetError(
            "give either 'value' or 'unknown' (what the source leaves out)",
            code="parameter.value-or-unknown",
        )
