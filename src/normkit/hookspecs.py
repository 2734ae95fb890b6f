"""Hook specifications: how a plugin tells normkit what it brings.

Every hook receives a ``register`` callback rather than returning a list, so
normkit can validate each item, attribute it to the plugin that registered it,
and keep going when one plugin misbehaves. Plugins are found through the
``normkit`` entry-point group; the built-in national norm registers through
these same hooks.

The hooks are called in the order they are defined here (rule kinds and bed
types first, because the norm sets registered last use them); the kit reads
the order from this module, so a new hook takes its place by where it is written.

A plugin module implements any of them with :data:`hookimpl`::

    from normkit import hookimpl

    @hookimpl
    def normkit_register_normsets(register):
        register(Path(__file__).with_name("norms.yaml"))
"""

from __future__ import annotations

import inspect
import sys
from typing import Any, Protocol

import pluggy

PROJECT = "normkit"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


class Register(Protocol):
    def __call__(self, item: Any, /) -> None: ...


@hookspec
def normkit_register_rule_kinds(register: Register) -> None:
    """Register rule kinds beyond the built-in ones.

    Call ``register(RuleClass)`` with a subclass of :class:`normkit.rules.Rule`
    whose ``kind`` field is a ``Literal`` with a default. Norm-set files can
    then use ``kind: <that kind>``.
    """


@hookspec
def normkit_register_bed_types(register: Register) -> None:
    """Register bed types (``long_term``, ``palliative``...).

    Call ``register(BedType(id=..., label=..., label_nb=...))``. Inventory
    files may use only registered bed types.
    """


@hookspec
def normkit_register_municipalities(register: Register) -> None:
    """Register municipalities this plugin speaks for.

    Called once per kit, after every plugin is loaded. Call
    ``register(Municipality(...))`` for each; a municipality carries its name,
    a slug id and its kommunenummer with validity (Sarpsborg: 3003 for
    2020-01-01 to 2023-12-31, 3105 from 2024-01-01). Two plugins claiming the
    same code for overlapping dates are reported as a conflict naming both.
    """


@hookspec
def normkit_register_normsets(register: Register) -> None:
    """Register norm-set versions.

    Call ``register(normset)`` with a :class:`normkit.NormSet`, or with the
    path of a YAML/TOML/JSON norm-set file. Files are read lazily: their
    header (id, validity) at once, their rules (and units) when the norm set
    is first used or checked. Versions with the same id whose validity
    overlaps are a conflict, whichever plugins registered them.
    """


@hookspec
def normkit_register_renderers(register: Register) -> None:
    """Register output formats beyond the built-in ones (table, json, csv, markdown,
    html, xlsx).

    Call ``register(Renderer(name=..., extension=..., render=...))`` with a
    :class:`normkit.render.Renderer`; ``render(result, options)`` returns text,
    or bytes when ``binary=True``. The format then appears in ``--format`` and
    in ``normkit plugins``. :func:`normkit.render.reports.to_report` gives any
    result as a report of tables, lines and charts to lay out.
    """


def registration_order() -> tuple[str, ...]:
    """The names of the registration hooks, in the order a kit calls them."""
    module = sys.modules[__name__]
    specs = [
        value
        for name, value in vars(module).items()
        if name.startswith("normkit_") and inspect.isfunction(value)
    ]
    return tuple(f.__name__ for f in sorted(specs, key=lambda f: f.__code__.co_firstlineno))
