"""The page for planners at ``/``: upload an inventory (or pick an example), choose
norms and a date, see the report or download it.

Plain server-rendered HTML, no script: a form posts to ``/report``, which
answers with the HTML report (tables, explanations folded under each row,
charts) or a CSV, XLSX or HTML file to download. Labels come from the
glossary in the chosen language; every name is escaped. Nothing is stored.
"""

from __future__ import annotations

import functools
from html import escape
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from .. import EXAMPLE_INVENTORY, escaping
from ..errors import NormkitError
from ..kit import Kit
from ..render import RenderOptions, choose, render
from ..render.locale import Locale
from ..values import read_date
from . import slots
from .forms import declared_only

Lang = Literal["en", "nb"]
MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html; charset=utf-8",
}


@functools.cache
def _template() -> Any:
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("normkit.server", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    return environment.get_template("page.html.j2")


def page_router(kit: Kit, assessed: Any, bounded: Any, upload: Any) -> APIRouter:
    """The page's two routes, over the same kit and limits as the API."""
    router = APIRouter(include_in_schema=False)

    @router.get("/", response_class=HTMLResponse)
    def form(lang: Annotated[Lang, Query()] = "nb") -> str:
        locale = Locale(lang)
        examples = [
            (e.id, e.title)
            for m in kit.municipalities.values()
            for e in m.examples
            if e.kind == "inventory"
        ]
        return str(
            _template().render(
                lang=lang,
                t=locale.t,
                examples=examples,
                normsets=kit.normset_ids(),
                municipalities=sorted(m.name for m in kit.municipalities.values()),
            )
        )

    @router.get("/favicon.ico")
    def favicon() -> Response:  # browsers ask for one; there is none, and that is no error
        return Response(status_code=204)

    @router.post("/report")
    async def report(
        request: Request,
        file: Annotated[UploadFile | None, File()] = None,
        example: Annotated[str, Form(max_length=200)] = "",
        norms: Annotated[str, Form(max_length=200)] = "national",
        at: Annotated[str, Form(max_length=20)] = "",
        lang: Annotated[Lang, Form()] = "nb",
        fmt: Annotated[Literal["html", "csv", "xlsx", "html-file"], Form(alias="format")] = "html",
    ) -> Response:
        try:
            await declared_only(request)
        except NormkitError as exc:
            return _problem(str(exc), lang)
        content = await file.read() if file is not None and file.filename else None
        name = file.filename if file is not None and file.filename else ""

        kind = "html" if fmt == "html-file" else fmt
        renderer = choose(kind, kit.renderers.values())
        # The page's language is the reader's: in Norwegian, the CSV opens in a Norwegian
        # Excel (semicolons, decimal commas).
        options = RenderOptions(lang=lang if renderer.translates else "en", explain=kind != "csv")

        def work() -> bytes | str:
            if content is not None:
                inventory = upload(kit, name, content)
            elif example:
                inventory = kit.load_inventory(kit.example(example)[1])
            else:
                inventory = kit.load_inventory(EXAMPLE_INVENTORY)
            day = read_date(at) if at else None  # YYYY-MM-DD or DD.MM.YYYY, as in files
            municipality = None if norms in kit.normset_ids() else norms
            normset = None if municipality else norms
            # written here, within the time limit: a page of 14 000 units takes seconds
            result = assessed(inventory, normset, municipality, day, True)
            slots.stop_if_answered()  # an answer nobody waits for is not written
            return render(result, renderer, options)

        try:
            body = await bounded(work, len(content or b""), kind)
        except NormkitError as exc:
            return _problem(str(exc), lang)
        except slots.Unanswered as exc:  # too slow, or busy: the page says so as a page
            page = _problem(f"{exc.message}; {exc.hint}", lang, status_code=503)
            page.headers.update(exc.headers or {})
            return page
        headers = {}
        if fmt != "html":
            headers["Content-Disposition"] = f'attachment; filename="normkit{renderer.extension}"'
        return Response(body, media_type=MEDIA[kind], headers=headers)

    return router


def _problem(text: str, lang: Lang, status_code: int = 422) -> HTMLResponse:
    """The input's problem as a page a planner reads (the API answers JSON instead)."""
    locale = Locale(lang)
    body = (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>normkit</title></head><body><main><h1>{escape(locale.t('Problem'))}</h1>"
        f'<p role="alert">{escape(escaping.terminal(text))}</p>'
        f'<p><a href="./?lang={lang}">{escape(locale.t("Back"))}</a></p></main></body></html>'
    )
    return HTMLResponse(body, status_code=status_code)
