"""Limits on input size, so a hostile or mistaken file ends in an error, not in swapping.

Every file normkit reads goes through these limits; the defaults are generous
(a whole country's nursing homes fit many times over) and each can be changed
in Python (``Kit(limits=Limits(max_units=5_000_000))``) or, for the command
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

    #: bytes of one CSV file (1 M unit rows take about 60 MB)
    max_csv_bytes: int = 512 * MiB
    #: bytes of one YAML, JSON or TOML file; parsing these costs about ten
    #: times what CSV does per byte, so the limit is lower
    max_document_bytes: int = 64 * MiB
    #: units (rows of a CSV) in one inventory
    max_units: int = 2_000_000
    #: nesting of lists and mappings in a document (norm files need about 10)
    max_depth: int = 64
    #: nodes YAML aliases may repeat in total (``*anchor`` copies); the norm
    #: files shipped with normkit use a few hundred
    max_alias_nodes: int = 100_000
    #: characters in one text value or CSV cell
    max_text_chars: int = 100_000

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
            if not text.strip().isdigit():
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
    "max_depth": "NORMKIT_MAX_DEPTH",
    "max_alias_nodes": "NORMKIT_MAX_ALIAS_NODES",
    "max_text_chars": "NORMKIT_MAX_TEXT_CHARS",
}

DEFAULT = Limits()
