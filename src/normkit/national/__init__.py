"""The built-in national plugin: bed types and the national rules the plans rely on.

The 2012 recommended nursing-home norm, emergency-duty competence, GP list
limits (dated), and the FTE convention.

It registers through the same hooks as any municipality's plugin; it is
loaded by every kit unless blocked by name (``national``).
"""

from __future__ import annotations

from pathlib import Path

from ..bed_types import STANDARD_BED_TYPES
from ..hookspecs import Register, hookimpl

HERE = Path(__file__).parent
NORM_FILES = (
    HERE / "legeforeningen-2012.yaml",
    HERE / "emergency-duty-before-2020.yaml",
    HERE / "emergency-duty.yaml",
    HERE / "gp-lists.yaml",
    HERE / "gp-lists-2026.yaml",
    HERE / "fte-convention.yaml",
)


@hookimpl
def normkit_register_bed_types(register: Register) -> None:
    for bed_type in STANDARD_BED_TYPES:
        register(bed_type)


@hookimpl
def normkit_register_normsets(register: Register) -> None:
    for path in NORM_FILES:
        register(path)
