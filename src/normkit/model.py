"""The base of normkit's input models: frozen, strict about unknown fields, and
raising normkit's own errors when built in Python; and of its results
(:class:`Output`), whose JSON is safe to show.

``Rate(amount="1.5 hour")`` raises :class:`normkit.QuantityError` naming the
field, as the same rule read from a file does, rather than pydantic's
``ValidationError``. ``Model.model_validate(data)`` keeps pydantic's behaviour;
the file readers convert its errors with the file's lines.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, ValidationError

from .errors import NormkitError
from .files import NO_FILE, convert_validation_error


class Model(BaseModel):
    """A frozen pydantic model whose constructor raises a :class:`NormkitError`."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    #: the error raised when an object of this model is built from bad values
    error_class: ClassVar[type[NormkitError]] = NormkitError

    def __init__(self, /, **data: Any) -> None:
        if not type(self).__pydantic_complete__:
            # A class defined with names pydantic could not resolve yet is rebuilt
            # from the namespace of the code building it, as pydantic itself does.
            type(self).model_rebuild(_parent_namespace_depth=3)
        try:
            super().__init__(**data)
        except ValidationError as exc:
            raise convert_validation_error(
                exc, NO_FILE, self.error_class, prefer_original=True
            ) from None

    # Tell pydantic this is its own constructor, not a custom one: it then
    # validates nested models itself (keeping the validation context, which
    # carries a kit's rule kinds and bed types) instead of calling __init__.
    __init__.__pydantic_base_init__ = True  # type: ignore[attr-defined]


class Output(BaseModel):
    """A result normkit gives (an assessment, a comparison, a plan, or a part of one):
    frozen, and its ``model_dump_json()`` the document ``--format json`` writes.

    Names are the user's data: a direction override or a C1 control in one is
    written as a ``\\u`` escape, the same data, so the JSON is safe to show in a
    terminal or a log.
    """

    model_config = ConfigDict(frozen=True)

    def model_dump_json(self, *args: Any, **kwargs: Any) -> str:
        from .escaping import json_text

        return json_text(super().model_dump_json(*args, **kwargs))
