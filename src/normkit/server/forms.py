"""Forms a browser or a client posts: each field once."""

from __future__ import annotations

from fastapi import Request

from ..errors import Location, NormkitError


async def fields_once(request: Request) -> None:
    """Refuse a form field given twice (two files, two norm sets): the route would use
    one and drop the other without a word."""
    form = await request.form()  # parsed already, for the route's own fields
    names = [name for name, _ in form.multi_items()]
    twice = next((name for name in names if names.count(name) > 1), None)
    if twice is not None:
        raise NormkitError(
            f"the form gives the field '{twice}' {names.count(twice)} times",
            Location(field=twice),
            "send each field once (one file per request)",
            code="request.invalid",
        )
