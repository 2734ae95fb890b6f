"""Formats for programs: the documented JSON, and CSV with one row per figure.

Their layouts are documented (docs/reference/json-output.md, file-formats.md)
and do not change with ``--lang``: column names and values are for programs.
Only a CSV's cells follow the language's spreadsheet (``--lang nb``: semicolons
and decimal commas, :class:`normkit.render.csv.CsvStyle`).
"""

from __future__ import annotations

from typing import Any

from .. import escaping
from ..model import Output
from . import RenderOptions


def render_json(result: Any, options: RenderOptions) -> str:
    if isinstance(result, list):
        from pydantic import TypeAdapter

        from ..planning.kostra import KostraPosition

        document = TypeAdapter(list[KostraPosition]).dump_json(result, indent=2).decode()
    elif isinstance(result, Output):
        return result.model_dump_json(indent=2) + "\n"  # escaped already, as every result's
    else:  # a plugin's own result
        document = result.model_dump_json(indent=2)
    return escaping.json_text(document) + "\n"


def render_csv(result: Any, options: RenderOptions) -> str:
    from ..assessment import Assessment
    from ..planning.compare import Comparison
    from ..planning.projection import Plan
    from .csv import assessment_csv, comparison_csv, kostra_csv, plan_csv, style_for

    guard, style = options.formula_guard, style_for(options.lang)
    if isinstance(result, Assessment):
        return assessment_csv(result, guard, style)
    if isinstance(result, Comparison):
        return comparison_csv(result, guard, style)
    if isinstance(result, Plan):
        return plan_csv(result, guard, style)
    return kostra_csv(result, guard, style)
