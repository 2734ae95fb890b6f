"""What a request may name: the query parameters and form fields its route takes, once.

A JSON body is checked by its model, which refuses a field it does not know. Query
parameters and form fields are not: FastAPI ignores one the route does not take
(a misspelt ``norms`` for ``normset``: the national norm used without a word) and
takes the last of one given twice (two files: the first dropped). Both are refused.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from fastapi import Request, params

from ..errors import Location, NormkitError
from ..values import clipped, listing

_FORMS = ("multipart/form-data", "application/x-www-form-urlencoded")


async def declared_only(request: Request) -> None:
    """Refuse a query parameter or form field the route does not take, or one given twice."""
    dependant = getattr(request.scope.get("route"), "dependant", None)
    if dependant is None:
        return
    query, fields = _names(dependant)
    _each_once(request.query_params.multi_items(), query, "query parameter")
    # A route of form fields; a JSON route sent a form is told to send JSON by its model
    if fields and request.headers.get("content-type", "").lower().startswith(_FORMS):
        form = await request.form()  # parsed once: the route reads the same
        _each_once(form.multi_items(), fields, "form field")


def _names(dependant: Any) -> tuple[set[str], set[str]]:
    """The query parameters and body fields a route and its dependencies take."""
    query: set[str] = set()
    body: set[str] = set()
    pending = [dependant]
    while pending:
        current = pending.pop()
        query.update(param.alias for param in current.query_params)
        body.update(
            param.alias
            for param in current.body_params
            if isinstance(param.field_info, params.Form)  # File is a Form too
        )
        pending.extend(current.dependencies)
    return query, body


def _each_once(items: Iterable[tuple[str, Any]], taken: set[str], what: str) -> None:
    names = [name for name, _ in items]
    counts = Counter(names)  # one pass, however many a request sends
    for name in names:
        if name not in taken:
            raise NormkitError(
                f"the request gives the {what} '{clipped(name)}', which this route does not take",
                Location(field=clipped(name)),
                f"it takes: {listing(sorted(taken))}",
                code="request.invalid",
            )
        if counts[name] > 1:
            raise NormkitError(
                f"the request gives the {what} '{clipped(name)}' {counts[name]} times",
                Location(field=clipped(name)),
                "give each once" + (" (one file per request)" if name == "file" else ""),
                code="request.invalid",
            )
