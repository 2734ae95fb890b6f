"""Errors normkit raises, each able to say where the bad input is.

Every error a user can cause carries a *location*: the file, the line when it
is known, and the field path inside the record. ``str(error)`` renders all of
it, so the CLI can print it as is.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Location:
    """Where a value came from: file, line (1-based) and field path."""

    file: str | None = None
    line: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        parts: list[str] = []
        if self.file:
            parts.append(self.file if self.line is None else f"{self.file}:{self.line}")
        elif self.line is not None:
            parts.append(f"line {self.line}")
        if self.field:
            parts.append(f"field '{self.field}'")
        return ", ".join(parts)


class NormkitError(Exception):
    """Base class of every error normkit raises on purpose."""

    #: the error found inside a file, when this one adds the file's location to it
    original: NormkitError | None = None

    def __init__(self, message: str, location: Location | None = None, hint: str | None = None):
        self.message = message
        self.location = location or Location()
        self.hint = hint
        super().__init__(str(self))

    def __str__(self) -> str:
        where = str(self.location)
        text = f"{where}: {self.message}" if where else self.message
        if self.hint:
            text += f" (hint: {self.hint})"
        return text

    def at(self, file: str | Path | None = None, line: int | None = None) -> NormkitError:
        """Return the same error with the file (and line) filled in."""
        loc = Location(
            file=str(file) if file is not None else self.location.file,
            line=line if line is not None else self.location.line,
            field=self.location.field,
        )
        return type(self)(self.message, loc, self.hint)


class UnitError(NormkitError, ValueError):
    """A quantity has the wrong dimension, an unknown unit or no time base."""


class RuleError(NormkitError, ValueError):
    """A rule is malformed or cannot be evaluated on the inputs given."""


class NormSetError(NormkitError):
    """A norm set is malformed, unknown, not in force, or conflicts with another."""

    #: the norm-set version the error is in, when known (a NormSet)
    normset: object | None = None


class InventoryError(NormkitError, ValueError):
    """An inventory file or record is invalid."""


class PluginError(NormkitError):
    """A plugin failed to load or registered something that conflicts."""


class OverrideConflict(NormSetError):
    """Two overrides of equal precedence apply to the same unit."""


@dataclass(frozen=True)
class PluginFailure:
    """A plugin that could not be loaded or registered: reported, not fatal."""

    plugin: str
    distribution: str | None
    error: str
    stage: str = "import"
