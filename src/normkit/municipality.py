"""Municipalities and their kommunenummer, which change with mergers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .validity import Validity


class MunicipalityCode(BaseModel):
    """A kommunenummer and the days it was in use (Sarpsborg: 3003, then 3105)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str = Field(pattern=r"^\d{4}$")
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None

    @property
    def validity(self) -> Validity:
        return Validity(valid_from=self.valid_from, valid_to=self.valid_to)


class Example(BaseModel):
    """An example inventory a plugin ships, built from its plan's own figures."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    title: str
    path: Path


class Municipality(BaseModel):
    """A municipality a plugin speaks for, and the norm sets it adopted."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", description="slug, e.g. 'sarpsborg'")
    name: str
    codes: tuple[MunicipalityCode, ...] = Field(min_length=1)
    normsets: tuple[str, ...] = Field(default=(), description="norm-set ids, preferred first")
    examples: tuple[Example, ...] = ()

    @model_validator(mode="after")
    def _codes_do_not_overlap(self) -> Municipality:
        for i, a in enumerate(self.codes):
            for b in self.codes[i + 1 :]:
                if a.validity.overlaps(b.validity):
                    raise ValueError(f"codes {a.code} and {b.code} of {self.name} overlap in time")
        return self

    def code_on(self, on: dt.date) -> str | None:
        return next((c.code for c in self.codes if c.validity.in_force(on)), None)

    def matches(self, name_or_code: str) -> bool:
        key = name_or_code.strip().casefold()
        return key in {self.id, self.name.casefold()} or any(c.code == key for c in self.codes)
