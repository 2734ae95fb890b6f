"""Formats for programs: the documented JSON, and CSV with one row per figure.

Their layouts are documented (docs/reference/json-output.md, file-formats.md)
and do not change with ``--lang``: column names and values are for programs.
"""

from __future__ import annotations

from typing import Any

from .. import escaping
from . import RenderOptions


def render_json(result: Any, options: RenderOptions) -> str:
    if isinstance(result, list):
        from pydantic import TypeAdapter

        from ..planning.kostra import KostraPosition

        document = TypeAdapter(list[KostraPosition]).dump_json(result, indent=2).decode()
    else:
        document = result.model_dump_json(indent=2)
    return escaping.json_text(document) + "\n"


def render_csv(result: Any, options: RenderOptions) -> str:
    from ..assessment import Assessment
    from ..planning.compare import Comparison
    from ..planning.projection import Plan
    from .csv import assessment_csv, comparison_csv, kostra_csv, plan_csv

    guard = options.formula_guard
    if isinstance(result, Assessment):
        return assessment_csv(result, formula_guard=guard)
    if isinstance(result, Comparison):
        return comparison_csv(result, formula_guard=guard)
    if isinstance(result, Plan):
        return plan_csv(result, formula_guard=guard)
    return kostra_csv(result, formula_guard=guard)
