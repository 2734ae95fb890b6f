"""Formats for programs: the documented JSON, and CSV with one row per figure.

Their layouts are documented (docs/reference/json-output.md, file-formats.md)
and do not change with ``--lang``: column names and values are for programs.
Only a CSV's cells follow the language's spreadsheet (``--lang nb``: semicolons
and decimal commas, :class:`normkit.render.csv.CsvStyle`).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator, Sequence
from itertools import islice
from typing import Any

from .. import escaping
from ..model import Output
from . import RenderOptions

#: what ``--format json`` indents by
INDENT = 2
#: list items written together, in one call to the serializer
_BATCH = 500


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


def json_pieces(result: Any, options: RenderOptions) -> Iterator[str]:
    """:func:`render_json`'s document in pieces, joined the same text to the byte.

    A plan's periods and differences, and an assessment's, a comparison's or a
    difference's rows, are written a batch at a time, so the whole document is
    never one string: a plan of 600 000 unit assessments is 600 MB of JSON,
    which at once held about three times that in memory and held up every
    other thread while it was made.
    """
    if not isinstance(result, Output):
        yield render_json(result, options)
        return
    yield from _model_pieces(result, 0)
    yield "\n"


def _streamed(model: Output) -> tuple[str, ...]:
    """The fields of ``model`` that may be large, written a piece at a time."""
    from ..assessment import Assessment
    from ..planning.compare import Comparison
    from ..planning.projection import (
        PeriodDifference,
        Plan,
        PlanPeriod,
        ScenarioDifference,
        ScenarioRun,
    )

    fields: dict[type, tuple[str, ...]] = {
        Plan: ("base", "scenarios", "differences"),
        ScenarioRun: ("periods",),
        PlanPeriod: ("assessment",),
        ScenarioDifference: ("periods",),
        PeriodDifference: ("units", "facilities"),
        Assessment: ("units", "facilities"),
        Comparison: ("units", "facilities"),
    }
    return fields.get(type(model), ())


def _model_pieces(model: Output, depth: int) -> Iterator[str]:
    streamed = _streamed(model)
    if not streamed:
        yield _deeper(model.model_dump_json(indent=INDENT), depth)
        return
    names = [n for n, f in type(model).model_fields.items() if not f.exclude]
    names += list(type(model).model_computed_fields)
    inner = " " * (INDENT * (depth + 1))
    yield "{"
    for i, name in enumerate(names):
        yield f"\n{inner}{json.dumps(name)}: "
        value = getattr(model, name)
        if name not in streamed or value is None:
            yield _field_json(model, name, depth + 1)
        elif isinstance(value, Output):
            yield from _model_pieces(value, depth + 1)
        else:
            yield from _list_pieces(value, depth + 1)
        if i < len(names) - 1:
            yield ","
    yield "\n" + " " * (INDENT * depth) + "}"


def _field_json(model: Output, name: str, depth: int) -> str:
    """One field's value as the whole model's JSON writes it, at ``depth``."""
    alone = model.model_dump_json(include={name}, indent=INDENT)
    # '{\n  "name": VALUE\n}': VALUE is written one level deep already
    start = alone.index(": ") + 2
    return _deeper(alone[start:-2], depth - 1)


def _list_pieces(items: Sequence[Any], depth: int) -> Iterator[str]:
    if len(items) == 0:
        yield "[]"
        return
    pad = "\n" + " " * (INDENT * (depth + 1))
    yield "["
    iterator = iter(items)
    first = True
    while batch := list(islice(iterator, _BATCH)):
        kind = type(batch[0])
        if (
            issubclass(kind, Output)
            and not _streamed(batch[0])
            and all(type(item) is kind for item in batch)
        ):
            # '[\n  {...},\n  {...}\n]': the items, one level deep already
            text = escaping.json_text(_list_of(kind).dump_json(batch, indent=INDENT).decode())
            yield ("" if first else ",") + pad + _deeper(text[2 + INDENT : -2], depth)
            first = False
            continue
        for item in batch:
            yield ("" if first else ",") + pad
            first = False
            if isinstance(item, Output) and _streamed(item):
                yield from _model_pieces(item, depth + 1)
            else:
                yield _deeper(_item_json(item), depth + 1)
    yield "\n" + " " * (INDENT * depth) + "]"


def _item_json(item: Any) -> str:
    if isinstance(item, Output):
        return item.model_dump_json(indent=INDENT)
    return escaping.json_text(json.dumps(item, indent=INDENT))


@functools.lru_cache(maxsize=16)
def _list_of(kind: type) -> Any:
    from pydantic import TypeAdapter

    return TypeAdapter(list[kind])  # type: ignore[valid-type]


def _deeper(text: str, depth: int) -> str:
    """JSON written at the top, moved ``depth`` levels in: each line after the first
    indented (a JSON text holds no line break inside a string)."""
    if depth == 0 or "\n" not in text:
        return text
    return text.replace("\n", "\n" + " " * (INDENT * depth))
