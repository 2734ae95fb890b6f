"""Renderers: every format a result can be written in, in one registry.

A renderer declares its name (``--format``), its file extension, whether it
writes bytes (XLSX, PNG) and whether it can carry explanations. normkit's own
are listed in :data:`BUILTIN`; a plugin adds more through the
``normkit_register_renderers`` hook (as datasette's ``register_output_renderer``),
and :meth:`normkit.Kit.renderers` gives them all. Rendering code lives here,
not in the command line: the CLI and an embedding app call :func:`render`.

Heavy libraries (openpyxl, matplotlib, jinja2) are imported by the renderer
that needs them, when it runs.
"""

from __future__ import annotations

import dataclasses
import difflib
import importlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import NormkitError
from .locale import LANGS, Lang, Locale, locale

__all__ = [
    "BUILTIN",
    "LANGS",
    "Locale",
    "RenderOptions",
    "Renderer",
    "check",
    "choose",
    "for_output",
    "locale",
    "render",
    "render_pieces",
]


@dataclass(frozen=True)
class RenderOptions:
    """How to render: the language, explanations, the CSV formula guard, a console."""

    lang: Lang = "en"
    explain: bool = False
    #: CSV: prefix text cells a spreadsheet would run as a formula with '
    formula_guard: bool = True
    #: text: a rich Console to print to (with styles); without one the text is returned
    console: Any = None
    #: text: the width to lay tables out in when no console is given
    width: int = 160


RenderFunction = Callable[[Any, RenderOptions], "str | bytes"]
PiecesFunction = Callable[[Any, RenderOptions], "Iterator[str | bytes]"]


@dataclass(frozen=True)
class Renderer:
    """One output format.

    ``render(result, options)`` gets an :class:`~normkit.Assessment`, a
    :class:`~normkit.Comparison`, a :class:`~normkit.Plan` or a list of
    :class:`~normkit.KostraPosition`, and returns text or, when ``binary``, bytes.
    :func:`normkit.render.reports.to_report` gives any of them as a
    :class:`~normkit.render.document.Report` to lay out.
    """

    name: str
    extension: str
    render: RenderFunction = field(repr=False)
    binary: bool = False
    explains: bool = False
    #: whether ``--lang`` changes what it writes (formats for people do, and CSV's
    #: cells; JSON keeps English keys and decimal points whatever the language)
    translates: bool = True
    description: str = ""
    #: the plugin that registered it (filled in by the kit)
    plugin: str = "normkit"
    #: the same output in pieces, for one too large to hold at once (joined, the pieces
    #: are what ``render`` gives); None: written whole
    pieces: PiecesFunction | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if not self.name.isidentifier() or not self.name.islower():
            raise NormkitError(
                f"renderer name '{self.name}' must be a lower-case word (letters, digits, _)",
                code="plugin.renderer",
            )
        if not self.extension.startswith(".") or len(self.extension) < 2:
            raise NormkitError(
                f"renderer '{self.name}': extension '{self.extension}' must start with '.'",
                code="plugin.renderer",
            )


def _lazy_pieces(module: str, function: str) -> PiecesFunction:
    """A renderer's pieces function, imported from its module when it first runs."""

    def run(result: Any, options: RenderOptions) -> Iterator[str | bytes]:
        loaded = importlib.import_module(f"{__name__}.{module}")
        pieces: Iterator[str | bytes] = getattr(loaded, function)(result, options)
        return pieces

    return run


def _lazy(module: str, function: str) -> RenderFunction:
    """A renderer's function, imported from its module when it first runs."""

    def run(result: Any, options: RenderOptions) -> str | bytes:
        loaded = importlib.import_module(f"{__name__}.{module}")
        rendered: str | bytes = getattr(loaded, function)(result, options)
        return rendered

    return run


BUILTIN: tuple[Renderer, ...] = (
    Renderer(
        "table",
        ".txt",
        _lazy("text", "render_text"),
        explains=True,
        description="a table for the terminal",
    ),
    Renderer(
        "json",
        ".json",
        _lazy("data", "render_json"),
        explains=True,
        translates=False,
        description="the documented JSON",
        pieces=_lazy_pieces("data", "json_pieces"),
    ),
    Renderer(
        "csv",
        ".csv",
        _lazy("data", "render_csv"),
        description="one row per figure, numbers at 4 decimals; --lang nb: for a Norwegian Excel",
    ),
    Renderer(
        "jsonl",
        ".jsonl",
        _lazy("jsonl", "render_jsonl"),
        explains=True,
        translates=False,
        description="JSON Lines: a line per unit and facility, then the rest (assessments)",
    ),
    Renderer(
        "markdown",
        ".md",
        _lazy("markdown", "render_markdown"),
        explains=True,
        description="tables in Markdown",
    ),
    Renderer(
        "html",
        ".html",
        _lazy("html", "render_html"),
        explains=True,
        description="one self-contained page with charts",
    ),
    Renderer(
        "xlsx",
        ".xlsx",
        _lazy("xlsx", "render_xlsx"),
        binary=True,
        explains=True,
        description="an Excel workbook",
    ),
)


def choose(name: str, renderers: Iterable[Renderer]) -> Renderer:
    """The renderer called ``name``, or an error listing the ones there are."""
    known = {r.name: r for r in renderers}
    if name in known:
        return known[name]
    close = difflib.get_close_matches(name, known, n=1)
    hint = f"did you mean '{close[0]}'? " if close else ""
    raise NormkitError(
        f"--format: '{name}' is not an output format",
        hint=f"{hint}formats: {', '.join(known)}",
        code="render.format",
    )


#: other spellings of a file's extension, for choosing the format from ``--output``
_SUFFIXES = {".htm": "html", ".markdown": "markdown", ".text": "table"}


def for_output(name: str | None, target: Path | None, renderers: Iterable[Renderer]) -> Renderer:
    """The renderer for ``--format`` and ``--output``: named, or known by the file's
    extension (``-o r.xlsx`` writes a workbook); a name and an extension that
    disagree are an error, so a file never holds what its name does not say."""
    known = list(renderers)
    suffix = target.suffix.lower() if target is not None else ""
    by_suffix = {r.extension: r for r in known} | {
        s: r for s, n in _SUFFIXES.items() for r in known if r.name == n
    }
    if name is None:
        return by_suffix.get(suffix) or choose("table", known)
    chosen = choose(name.lower(), known)
    implied = by_suffix.get(suffix)
    if implied is not None and implied.name != chosen.name:
        raise NormkitError(
            f"--output {target} is a {suffix} file, but --format {chosen.name} writes "
            f"{chosen.extension}",
            hint=f"name the file {target.stem if target else 'report'}{chosen.extension}, "
            f"or leave out --format to write {implied.name}",
            code="render.format-mismatch",
        )
    return chosen


def check(renderer: Renderer, options: RenderOptions) -> None:
    """Refuse options the format cannot honour, before anything is computed or written."""
    locale(options.lang)
    if options.lang != "en" and not renderer.translates:
        raise NormkitError(
            f"--lang {options.lang} is not available with --format {renderer.name}, which is "
            "written for programs: English names and a decimal point, whatever the language",
            hint="for a spreadsheet in Norwegian use --format xlsx, or csv (semicolons and "
            "decimal commas); for people: table, markdown or html",
            code="render.lang",
        )
    if options.explain and not renderer.explains:
        formats = "table, markdown, json, jsonl, html or xlsx"
        raise NormkitError(
            f"--explain is not available with --format {renderer.name}",
            hint=f"use {formats}",
            code="render.explain",
        )


def render(result: Any, renderer: Renderer, options: RenderOptions | None = None) -> str | bytes:
    """``result`` in ``renderer``'s format; explanations only where the format carries them."""
    return renderer.render(result, _prepared(renderer, options))


def _prepared(renderer: Renderer, options: RenderOptions | None) -> RenderOptions:
    """The options checked against the format, the language as a renderer compares it."""
    options = options or RenderOptions()
    check(renderer, options)
    # "NB" is "nb", as on the command line: a renderer compares the code as written.
    return dataclasses.replace(options, lang=locale(options.lang).lang)


def render_pieces(
    result: Any, renderer: Renderer, options: RenderOptions | None = None
) -> Iterator[str | bytes]:
    """:func:`render`'s output in pieces, to write as they come: a large result (a plan
    over many years) in JSON is then never one string. Joined, the pieces are what
    :func:`render` gives; a renderer without pieces gives its output as one."""
    options = _prepared(renderer, options)
    if renderer.pieces is None:
        yield renderer.render(result, options)
    else:
        yield from renderer.pieces(result, options)
