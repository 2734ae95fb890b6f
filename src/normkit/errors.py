"""Errors normkit raises, each able to say where the bad input is and what kind it is.

Every error a user can cause carries

- a stable ``code`` (``"quantity.no-time-base"``, ``"file.too-large"``...), listed
  in docs/reference/errors.md, so callers branch on the code, never on the text;
- a *location*: the file, the line when it is known, and the field path;
- a ``message`` saying what is wrong and, often, a ``hint`` saying what to do.

``str(error)`` renders all of it on one line, so the CLI can print it as is;
:meth:`NormkitError.to_dict` gives the same as structured data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Location:
    """Where a value came from: file, line (1-based) and field path; for a table given
    in memory (a DataFrame, arrays), the column as ``field`` and the row's position
    (0-based) as ``row``, which the message says too, so it is not repeated in text."""

    file: str | None = None
    line: int | None = None
    field: str | None = None
    row: int | None = None

    def __str__(self) -> str:
        parts: list[str] = []
        if self.file:
            parts.append(self.file if self.line is None else f"{self.file}:{self.line}")
        elif self.line is not None:
            parts.append(f"line {self.line}")
        if self.field:
            parts.append(f"field '{self.field}'")
        return ", ".join(parts)


class NormkitError(ValueError):
    """Base class of every error normkit raises on purpose.

    It is a ``ValueError`` (bad input), so pydantic reports one raised inside a
    validator with the field it belongs to.

    ``code`` defaults to the class's own code; raise sites give a more precise
    one (``QuantityError("…", code="quantity.dimension")``).
    """

    #: the stable code of errors of this class when the raise site gives none
    code: str = "error"
    #: the plugins an error concerns (both sides of a conflict), for filtering
    plugins: tuple[str, ...] = ()

    def __init__(
        self,
        message: str,
        location: Location | None = None,
        hint: str | None = None,
        *,
        code: str | None = None,
    ):
        self.message = message
        self.location = location or Location()
        self.hint = hint
        if code is not None:
            self.code = code
        super().__init__(str(self))

    def __str__(self) -> str:
        where = str(self.location)
        text = f"{where}: {self.message}" if where else self.message
        if self.hint:
            text += f" (hint: {self.hint})"
        return text

    def to_dict(self) -> dict[str, Any]:
        """The error as data: code, message, file, line, field, row and hint (nulls left out)."""
        data: dict[str, Any] = {
            "code": self.code,
            "message": self.message,
            "file": self.location.file,
            "line": self.location.line,
            "field": self.location.field,
            "row": self.location.row,
            "hint": self.hint,
        }
        return {k: v for k, v in data.items() if v is not None}

    def relocated(self, location: Location) -> NormkitError:
        """The same error (class, code, message, hint) at another location."""
        return type(self)(self.message, location, self.hint, code=self.code)


class QuantityError(NormkitError):
    """A quantity has the wrong dimension, an unknown unit, no time base or bad syntax."""

    code = "quantity"


#: The name before 0.2: "unit" meant a measurement unit, which a nursing-home
#: :class:`normkit.Unit` is not. Kept so existing ``except UnitError`` still works.
UnitError = QuantityError


class RuleError(NormkitError):
    """A rule is malformed or cannot be evaluated on the inputs given."""

    code = "rule"


class NormSetError(NormkitError):
    """A norm set is malformed, unknown, not in force, or conflicts with another."""

    code = "normset"


class InventoryError(NormkitError):
    """An inventory, roster or other input file or record is invalid."""

    code = "inventory"


class PluginError(NormkitError):
    """A plugin failed to load or registered something that conflicts."""

    code = "plugin"


class OverrideConflict(NormSetError):
    """Two overrides of equal precedence apply to the same unit."""

    code = "override.conflict"
