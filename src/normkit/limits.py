"""Limits on input size, so a hostile or mistaken file ends in an error, not in swapping.

Every file normkit reads goes through these limits; the defaults are generous
(a whole country's nursing homes fit many times over) and each can be changed
in Python (``Kit(limits=Limits(max_units=500_000))``) or, for the command
line, by an environment variable named in :data:`ENVIRONMENT`.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass

from .errors import NormkitError

MiB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """How much input normkit accepts before it refuses with a clear error."""

    #: bytes of one CSV file (100 000 unit rows take about 6 MB)
    max_csv_bytes: int = 64 * MiB
    #: bytes of one YAML, JSON or TOML file; parsing these costs about ten
    #: times what CSV does per byte, so the limit is lower
    max_document_bytes: int = 16 * MiB
    #: units (rows of a CSV) in one inventory; a full, explained assessment
    #: takes about 0.15 ms and a few KB per unit, so this keeps the largest
    #: accepted file within seconds and well under 1 GB
    max_units: int = 100_000
    #: values (texts, numbers, lists, mappings) in one document; composing a
    #: YAML node costs about 400 bytes, so this bounds memory where bytes alone
    #: do not ("[1,1,1,...]" is two bytes a value)
    max_document_values: int = 1_000_000
    #: nesting of lists and mappings in a document (norm files need about 10)
    max_depth: int = 64
    #: nodes YAML aliases may repeat in total (``*anchor`` copies); the norm
    #: files shipped with normkit use a few hundred
    max_alias_nodes: int = 100_000
    #: characters in one text value or CSV cell
    max_text_chars: int = 100_000
    #: dates (years) one plan evaluates
    max_plan_dates: int = 200
    #: unit assessments one plan makes (units × dates × base and scenarios):
    #: 20-50 µs each without explanations (measured on 2 cores, idle and
    #: loaded), so at most about a minute and a half
    max_plan_unit_assessments: int = 2_000_000

    def __post_init__(self) -> None:
        for item in dataclasses.fields(self):
            value = getattr(self, item.name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise NormkitError(
                    f"limit '{item.name}' must be a positive whole number, got {value!r}",
                    code="limit.invalid",
                )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Limits:
        """The defaults, with any limit the environment sets (see :data:`ENVIRONMENT`)."""
        env = os.environ if environ is None else environ
        values: dict[str, int] = {}
        for name, variable in ENVIRONMENT.items():
            text = env.get(variable)
            if text is None or not text.strip():
                continue
            if not (text.strip().isascii() and text.strip().isdigit()):  # not "²"
                raise NormkitError(
                    f"{variable} must be a positive whole number, got '{text}'",
                    code="limit.invalid",
                )
            values[name] = int(text.strip())
        return cls(**values)


#: The environment variable that sets each limit for the command line.
ENVIRONMENT: Mapping[str, str] = {
    "max_csv_bytes": "NORMKIT_MAX_CSV_BYTES",
    "max_document_bytes": "NORMKIT_MAX_DOCUMENT_BYTES",
    "max_units": "NORMKIT_MAX_UNITS",
    "max_document_values": "NORMKIT_MAX_DOCUMENT_VALUES",
    "max_depth": "NORMKIT_MAX_DEPTH",
    "max_alias_nodes": "NORMKIT_MAX_ALIAS_NODES",
    "max_text_chars": "NORMKIT_MAX_TEXT_CHARS",
    "max_plan_dates": "NORMKIT_MAX_PLAN_DATES",
    "max_plan_unit_assessments": "NORMKIT_MAX_PLAN_UNIT_ASSESSMENTS",
}

DEFAULT = Limits()
