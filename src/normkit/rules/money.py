"""Money: grants tied to list length, and the yearly cost of FTE.

All return NOK per year as plain floats. Rates are parameters with units
("330 NOK/patient/year"), checked once when the rule is built.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BeforeValidator, Field, PrivateAttr, model_validator

from ..errors import Location, RuleError
from ..quantities import Quantity
from ..values import read_number
from .base import NOK_PER_YEAR, Arrays, Inputs, Rule, Step, fmt, require
from .rate import plural

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

_PER_PATIENT = "NOK/patient/year"


def non_negative(quantity: Quantity, unit: str, name: str) -> float:
    """``quantity`` in ``unit`` as a float, refusing a negative amount."""
    value = quantity.to(unit, Location(field=name))
    if value < 0:
        raise RuleError(
            f"'{name}' must not be negative, got '{quantity}'",
            Location(field=name),
            code="rule.negative",
        )
    return value


class _Money(Rule):
    unit = NOK_PER_YEAR


class GrantAboveListLength(_Money):
    """A grant per listed patient once the list is longer than ``above``.

    ``counts: all`` pays for every listed patient when the list exceeds the
    threshold (Kristiansand: +NOK 330 per patient for lists over 800, so a
    list of 1000 gets 330 000); ``counts: above`` pays only for the patients
    past the threshold.
    """

    kind: Literal["grant_above_list_length"] = "grant_above_list_length"
    rate: Quantity
    above: Quantity
    counts: Literal["all", "above"] = "all"

    _rate: float = PrivateAttr()
    _above: float = PrivateAttr()

    @model_validator(mode="after")
    def _check(self) -> GrantAboveListLength:
        self._rate = non_negative(self.rate, _PER_PATIENT, "rate")
        self._above = non_negative(self.above, "patient", "above")
        return self

    def inputs(self) -> frozenset[str]:
        return frozenset({"listed_patients"})

    def describe(self) -> str:
        who = "every listed patient" if self.counts == "all" else "each patient past the limit"
        return f"{self.rate} for {who} when the list is longer than {self.above}"

    def paid_patients(self, listed: float) -> float:
        if listed <= self._above:
            return 0.0
        return listed if self.counts == "all" else listed - self._above

    def evaluate(self, inputs: Inputs) -> float:
        return self._rate * self.paid_patients(require(inputs, "listed_patients", self))

    def evaluate_array(self, inputs: Arrays) -> np.ndarray:
        import numpy as np

        listed = np.asarray(inputs["listed_patients"], dtype=float)
        paid = listed if self.counts == "all" else listed - self._above
        return np.where(listed > self._above, paid * self._rate, 0.0)

    def explain(self, inputs: Inputs) -> Step:
        listed = require(inputs, "listed_patients", self)
        paid = self.paid_patients(listed)
        value = self._rate * paid
        if paid == 0:
            text = f"list of {fmt(listed)} is not above {self.above}: no grant, 0 NOK/year"
        else:
            text = (
                f"list of {fmt(listed)} is above {self.above}: {fmt(paid)} "
                f"{plural('patient', paid)} × {self.rate} = {fmt(value, NOK_PER_YEAR)}"
            )
        return Step(text, value, NOK_PER_YEAR, self.title(), self.source)


class GrantAsIfList(_Money):
    """An operating grant as if the list had ``as_if`` patients (Bergen: 700).

    It covers the patients the list lacks, ``as_if − listed``, and stops once
    the real list reaches ``as_if``.
    """

    kind: Literal["grant_as_if_list"] = "grant_as_if_list"
    as_if: Quantity
    rate: Quantity | None = Field(
        default=None, description="NOK/patient/year; null where the source does not give it"
    )

    _as_if: float = PrivateAttr()
    _rate: float | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _check(self) -> GrantAsIfList:
        self._as_if = non_negative(self.as_if, "patient", "as_if")
        if self.rate is not None:
            self._rate = non_negative(self.rate, _PER_PATIENT, "rate")
        return self

    def with_rate(self, rate: str) -> GrantAsIfList:
        """The same grant with a rate, for sources that leave the rate out."""
        return GrantAsIfList.model_validate({**self.model_dump(), "rate": rate})

    def _known_rate(self) -> float:
        if self._rate is None:
            raise RuleError(
                f"the rate of '{self.title()}' is unknown: the source does not give it",
                code="rule.unknown-rate",
                hint="supply it with .with_rate('… NOK/patient/year'); "
                "covered_patients() works without it",
            )
        return self._rate

    def inputs(self) -> frozenset[str]:
        return frozenset({"listed_patients"})

    def describe(self) -> str:
        rate = self.rate if self.rate is not None else "an unknown rate"
        return f"{rate} for the patients a list lacks up to {self.as_if}"

    def covered_patients(self, listed: float) -> float:
        """Patients the grant pays for on top of the real list."""
        return max(0.0, self._as_if - listed)

    def evaluate(self, inputs: Inputs) -> float:
        rate = self._known_rate()
        return rate * self.covered_patients(require(inputs, "listed_patients", self))

    def evaluate_array(self, inputs: Arrays) -> np.ndarray:
        import numpy as np

        listed = np.asarray(inputs["listed_patients"], dtype=float)
        return np.maximum(self._as_if - listed, 0.0) * self._known_rate()

    def explain(self, inputs: Inputs) -> Step:
        listed = require(inputs, "listed_patients", self)
        covered = self.covered_patients(listed)
        value = covered * self._known_rate()
        if covered == 0:
            text = f"list of {fmt(listed)} is at least {self.as_if}: no grant, 0 NOK/year"
        else:
            text = (
                f"as if the list had {self.as_if}: {fmt(self._as_if)} − {fmt(listed)} = "
                f"{fmt(covered)} {plural('patient', covered)} × {self.rate} = "
                f"{fmt(value, NOK_PER_YEAR)}"
            )
        return Step(text, value, NOK_PER_YEAR, self.title(), self.source)


class FteCost(_Money):
    """Yearly cost of the FTE given as input ``fte``: salary × employer-cost factor.

    The factor is stated, never assumed (the Sarpsborg plan implies 1.35–1.37).
    """

    kind: Literal["fte_cost"] = "fte_cost"
    salary: Quantity
    employer_cost_factor: Annotated[float, BeforeValidator(read_number), Field(ge=1.0)]

    _salary: float = PrivateAttr()

    @model_validator(mode="after")
    def _check(self) -> FteCost:
        self._salary = non_negative(self.salary, "NOK/year/FTE", "salary")
        return self

    def inputs(self) -> frozenset[str]:
        return frozenset({"fte"})

    def describe(self) -> str:
        salary = fmt(self._salary, "NOK/year/FTE")
        return f"FTE × {salary} × {self.employer_cost_factor:g} (employer costs)"

    def evaluate(self, inputs: Inputs) -> float:
        return require(inputs, "fte", self) * self._salary * self.employer_cost_factor

    def evaluate_array(self, inputs: Arrays) -> np.ndarray:
        import numpy as np

        return np.asarray(inputs["fte"], dtype=float) * self._salary * self.employer_cost_factor

    def linear_in(self) -> tuple[str, float] | None:
        return ("fte", self._salary * self.employer_cost_factor)

    def explain(self, inputs: Inputs) -> Step:
        fte = require(inputs, "fte", self)
        value = self.evaluate(inputs)
        text = (
            f"{fmt(fte)} FTE × {fmt(self._salary, 'NOK/year/FTE')} × "
            f"{self.employer_cost_factor:g} employer-cost "
            f"factor = {fmt(value, NOK_PER_YEAR)}"
        )
        return Step(text, value, NOK_PER_YEAR, self.title(), self.source)
