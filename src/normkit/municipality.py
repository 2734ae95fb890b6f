"""Municipalities and their kommunenummer, which change with mergers.

A code belongs to a municipality for a period (Sarpsborg was 3003 until
2023-12-31 and is 3105 from 2024-01-01), and a code can pass to another
municipality later, so a code is always looked up on a date.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .errors import Location, PluginError
from .escaping import terminal
from .model import Model
from .validity import Dated
from .values import clipped


class MunicipalityCode(Dated):
    """A kommunenummer and the days it was in use (Sarpsborg: 3003, then 3105)."""

    code: str

    @field_validator("code", mode="before")
    @classmethod
    def _four_digits(cls, value: Any) -> Any:
        # YAML reads code: 0998 unquoted as a number (or as octal): say so, not "text"
        example = "e.g. code: '3105' (Sarpsborg from 2024)"
        if isinstance(value, int) and not isinstance(value, bool):
            fits = 0 <= value <= 9999
            raise PluginError(
                f"kommunenummer {value if abs(value) < 10**20 else '(a long number)'} was read "
                "as a number",
                hint=f"write it in quotes, as its four digits: code: '{value:04d}'"
                if fits
                else f"write it in quotes, as four digits: {example}",
                code="municipality.code",
            )
        if isinstance(value, str) and not re.fullmatch(r"[0-9]{4}", value):
            raise PluginError(
                f"a kommunenummer is four digits, got '{terminal(clipped(value))}'",
                hint=example,
                code="municipality.code",
            )
        return value


class Example(Model):
    """An example a plugin ships, built from its plan's own figures: an inventory or a scenario."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    title: str
    path: Path
    kind: Literal["inventory", "scenario", "population"] = "inventory"
    base: tuple[str, ...] = Field(
        default=(),
        description="for a scenario: the inventory examples (ids) it applies to, put together",
    )


class Municipality(Model):
    """A municipality a plugin speaks for, and the norm sets it adopted."""

    error_class = PluginError

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", description="slug, e.g. 'sarpsborg'")
    name: str = Field(min_length=1)
    codes: tuple[MunicipalityCode, ...] = Field(min_length=1)
    normsets: tuple[str, ...] = Field(default=(), description="norm-set ids, preferred first")
    examples: tuple[Example, ...] = ()

    @model_validator(mode="after")
    def _codes_do_not_overlap(self) -> Municipality:
        check_codes(self)
        inventories = {e.id for e in self.examples if e.kind == "inventory"}
        for index, example in enumerate(self.examples):
            unknown = [b for b in example.base if b not in inventories]
            if (example.base and example.kind != "scenario") or unknown:
                raise PluginError(
                    f"example '{example.id}': base names "
                    + (f"unknown inventory examples {', '.join(unknown)}" if unknown else "")
                    + ("" if unknown else "inventories, but only a scenario has a base"),
                    Location(field=f"examples[{index}].base"),
                    f"inventory examples: {', '.join(sorted(inventories)) or 'none'}",
                    code="plugin.example-base",
                )
        return self

    def code_on(self, on: dt.date) -> str | None:
        """The kommunenummer in use on ``on``, or None when it had none then."""
        return next((c.code for c in self.codes if c.in_force(on)), None)

    def has_code(self, code: str) -> bool:
        return any(c.code == code.strip() for c in self.codes)

    def matches_name(self, name: str) -> bool:
        key = name.strip().casefold()
        return key in {self.id, self.name.casefold()}


def check_codes(municipality: Municipality) -> None:
    for i, a in enumerate(municipality.codes):
        for b in municipality.codes[i + 1 :]:
            if a.validity.overlaps(b.validity):
                raise PluginError(
                    f"codes {a.code} and {b.code} of {municipality.name} overlap in time",
                    code="municipality.codes-overlap",
                )


class MunicipalityInfo(BaseModel):
    """Which municipality an assessment was made for, and the code it had on the date."""

    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    kommunenummer: str | None = Field(
        description="the code in use on the assessment's date; null if it had none then"
    )

    @classmethod
    def of(cls, municipality: Municipality, on: dt.date) -> MunicipalityInfo:
        return cls(
            id=municipality.id, name=municipality.name, kommunenummer=municipality.code_on(on)
        )
