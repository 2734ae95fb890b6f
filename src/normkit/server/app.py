"""The HTTP API: a thin layer over :class:`normkit.Kit`, for apps in any language.

Everything a request brings is hostile until parsed, as in the command line:
the body is bounded before it is read (:class:`ServerSettings`), an uploaded
file goes through the same readers and limits as a file on disk, and a
request's work is bounded in time. Errors are JSON with the error's code,
message, file, line, field and hint (HTTP 422), never a traceback. Plugins are
chosen when the app is made, never by a request, and no request names a path
on the server.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
import secrets
import tempfile
import threading
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

import anyio
from fastapi import Depends, FastAPI, File, Form, Query, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse as _PlainJSON
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__, escaping
from ..errors import InventoryError, Location, NormkitError
from ..files import LineMap, check_shape, read_json
from ..inventory import Inventory, parse_inventory
from ..kit import Kit
from ..normset import NormSet
from ..render import RenderOptions, choose, render_pieces
from ..render.locale import Lang
from ..values import Date, spaced
from . import slots
from .forms import declared_only

API = "/v1"
UPLOAD_SUFFIXES = (".yaml", ".yml", ".json", ".toml", ".csv")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


@dataclass(frozen=True)
class ServerSettings:
    """What a server accepts. Each can be set by environment (``NORMKIT_SERVER_*``)."""

    #: the largest request body, uploads included
    max_body_bytes: int = 5 * 1024 * 1024
    #: the longest a request may compute before it is answered with 503
    timeout_seconds: float = 10.0
    #: requests up to this size compute at once, without a worker thread (see bounded)
    inline_bytes: int = 64 * 1024
    #: the largest answer; one larger is refused as it is made (request.answer-too-large)
    max_answer_bytes: int = 256 * 1024 * 1024
    #: computations in worker threads at once, those answered 503 and not yet stopped
    #: included; one more is answered 503 at once
    max_running: int = 8
    #: when set, every /v1 request needs ``Authorization: Bearer <token>``
    token: str | None = None
    #: origins a browser may call the API from (CORS); none by default
    cors_origins: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        for name, (_, allowed, wanted) in _NUMBERS.items():
            value = getattr(self, name)
            if not allowed(value):
                raise NormkitError(f"{_setting(name)} is {value}; {wanted}", code="server.settings")

    @classmethod
    def from_env(cls, environ: MutableMapping[str, str] | None = None) -> ServerSettings:
        env = os.environ if environ is None else environ
        origins = env.get("NORMKIT_SERVER_CORS_ORIGINS", "")
        numbers: dict[str, Any] = {}
        for name, (kind, _, wanted) in _NUMBERS.items():
            text = env.get(_setting(name))
            if text is None:
                continue
            try:
                # digits as written (int() and float() take '1_0', '１０' and '1e3' too)
                if not _DIGITS[kind].fullmatch(text.strip()):
                    raise ValueError(text)
                numbers[name] = kind(text)
            except ValueError:
                raise NormkitError(
                    f"{_setting(name)} is {text!r}; {wanted}", code="server.settings"
                ) from None
        return cls(
            **numbers,
            token=env.get("NORMKIT_SERVER_TOKEN") or None,
            cors_origins=tuple(o.strip() for o in origins.split(",") if o.strip()),
        )


#: how a whole number and a number of seconds are written in a setting
_DIGITS = {int: re.compile(r"[0-9]+"), float: re.compile(r"[0-9]+(?:\.[0-9]+)?")}
#: each number setting: its type, whether a value is allowed, and what is wanted
_NUMBERS: dict[str, tuple[type, Callable[[Any], bool], str]] = {
    "max_body_bytes": (int, lambda v: v >= 1, "a whole number of bytes, at least 1"),
    # a time is finite and above 0 (NaN is neither)
    "timeout_seconds": (
        float,
        lambda v: 0 < v < math.inf,
        "a finite number of seconds, more than 0",
    ),
    "inline_bytes": (int, lambda v: v >= 0, "a whole number of bytes, 0 or more"),
    "max_answer_bytes": (int, lambda v: v >= 1, "a whole number of bytes, at least 1"),
    "max_running": (
        int,
        lambda v: v >= 1,
        "a whole number, at least 1 (with none, every upload would be refused as busy)",
    ),
}


def _setting(name: str) -> str:
    return f"NORMKIT_SERVER_{name.upper()}"


# -- errors as JSON ------------------------------------------------------------


#: what a bounded piece of work gives: a response, or (the page) its body
Answer = TypeVar("Answer")


class JSONResponse(_PlainJSON):
    """JSON whose direction overrides and C1 controls are ``\\u`` escapes: an error
    echoes what a request sent (a norm set's name), and is read in logs and
    terminals, as the results' JSON is (:func:`normkit.escaping.json_text`)."""

    def render(self, content: Any) -> bytes:
        return escaping.json_text(super().render(content).decode("utf-8")).encode("utf-8")


def error_body(*, code: str, message: str, **where: Any) -> dict[str, Any]:
    """The error document every failed request gets: ``{"error": {code, message, …}}``."""
    details = {k: v for k, v in where.items() if v is not None}
    return {"error": {"code": code, "message": message, **details}}


def _normkit_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, NormkitError)
    # Asking for a norm set or municipality that is not there: not found, not bad input.
    missing = request.method == "GET" and exc.code.endswith(".unknown")
    return JSONResponse(error_body(**exc.to_dict()), status_code=404 if missing else 422)


_SEND_JSON = "send the request as JSON (Content-Type: application/json), in UTF-8"


def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = exc.errors()
    first = problems[0] if problems else {"loc": (), "msg": "invalid request"}
    if first.get("type") == "json_invalid":  # the body cannot be read: 400, as documented
        context = first.get("ctx")
        reason = str(context.get("error", "")).strip() if isinstance(context, dict) else ""
        position = [p for p in first.get("loc", ()) if isinstance(p, int)]
        at = f" at character {position[0]}" if position else ""
        return JSONResponse(
            error_body(
                code="request.invalid",
                message=f"the body is not JSON{at}" + (f": {reason}" if reason else ""),
                hint=_SEND_JSON,
            ),
            status_code=400,
        )
    where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
    context = first.get("ctx")
    raised = context.get("error") if isinstance(context, dict) else None
    if isinstance(raised, NormkitError):  # normkit's own reading (a date, a number): its code
        return JSONResponse(
            error_body(
                code=raised.code, message=raised.message, field=where or None, hint=raised.hint
            ),
            status_code=422,
        )
    return JSONResponse(
        error_body(
            code="request.invalid",
            message=str(first.get("msg", "invalid request")),
            field=where or None,
            hint="see the OpenAPI description at /v1/openapi.json",
        ),
        status_code=422,
    )


def _http_error(_: Request, exc: Exception) -> JSONResponse:
    """Starlette's own refusals (a body that is not JSON, no such route) in our shape."""
    assert isinstance(exc, StarletteHTTPException)
    detail = str(exc.detail)
    if exc.status_code == 404:
        body = error_body(code="request.not-found", message=detail)
    elif exc.status_code == 405:
        body = error_body(code="request.method", message=detail)
    elif exc.status_code == 400 and detail == "There was an error parsing the body":
        body = error_body(  # Starlette's words for bytes that are not UTF-8 text
            code="request.invalid",
            message="the body is not JSON: it is not UTF-8 text, or it holds a number too "
            "long to read",
            hint=_SEND_JSON,
        )
    else:
        body = error_body(code="request.invalid", message=detail)
    return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)


def _internal_error(_: Request, exc: Exception) -> JSONResponse:
    # A bug in normkit or a plugin: said as such, without a traceback to the caller.
    return JSONResponse(
        error_body(
            code="internal", message=f"internal error, please report it: {type(exc).__name__}"
        ),
        status_code=500,
    )


class ErrorDetail(BaseModel):
    code: str = Field(description="a stable code (docs/reference/errors.md)")
    message: str
    file: str | None = Field(default=None, description="the upload, or 'request' for JSON")
    line: int | None = None
    field: str | None = None
    hint: str | None = None


class ErrorBody(BaseModel):
    """What every failed request gets."""

    error: ErrorDetail


def _error(description: str) -> dict[str, Any]:
    return {"model": ErrorBody, "description": description}


#: The answers any route can give besides its own, as the OpenAPI description says.
ERRORS: dict[int | str, dict[str, Any]] = {
    400: _error("the body cannot be read (not JSON, not UTF-8, a broken upload)"),
    401: _error("a bearer token is configured and the request has no valid one"),
    404: _error("no norm set or municipality of that name"),
    413: _error("the body is larger than the limit"),
    422: _error("the input is not valid: the error names the file, line and field"),
    500: _error("a bug in normkit or a plugin; no traceback is given"),
    503: _error("the request took longer than the limit, or the server is busy"),
}
#: The formats an assessment, comparison or plan can be answered in.
RESULT_FORMATS: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "the result: JSON by default, or the format asked for",
        "content": {
            "application/json": {},
            "text/csv": {},
            "text/markdown": {},
            "text/html": {},
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {},
        },
    }
}


class BodyLimit:
    """Refuse a request body larger than the limit, before or while it is read."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await self._refuse(send)
            return
        seen, refused = 0, False

        async def bounded() -> Message:
            nonlocal seen, refused
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit and not refused:
                refused = True
                await self._refuse(send)
                return {"type": "http.disconnect"}  # the app stops reading here
            return message

        async def unless_refused(message: Message) -> None:
            if not refused:  # what the app answers after the refusal is dropped
                await send(message)

        await self.app(scope, bounded, unless_refused)

    async def _refuse(self, send: Send) -> None:
        body = json.dumps(
            error_body(
                code="request.too-large",
                message=f"the request body is larger than the limit of {self.limit} bytes",
                hint="give a smaller file, or raise NORMKIT_SERVER_MAX_BODY_BYTES",
            )
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": body})


# -- requests ------------------------------------------------------------------


class AssessRequest(BaseModel):
    """An inventory as JSON, and what to assess it with."""

    model_config = ConfigDict(extra="forbid")

    inventory: dict[str, Any] = Field(description="an inventory, as in an inventory file")
    normset: str | None = Field(default=None, description="norm-set id; default national")
    municipality: str | None = Field(
        default=None, description="a municipality's name or kommunenummer, instead of normset"
    )
    at: Date | None = Field(
        default=None,
        description="the date, YYYY-MM-DD or DD.MM.YYYY; default the inventory's as_of",
    )
    # strict: true or false, not "yes" or 1 read as true
    explain: StrictBool = False


class CompareRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    inventory: dict[str, Any]
    left: str = Field(default="national", description="a norm-set id or a municipality")
    right: str = Field(description="a norm-set id or a municipality")
    at: Date | None = None
    explain: StrictBool = False


class PlanRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    inventory: dict[str, Any]
    normset: str = Field(default="national", description="a norm-set id or a municipality")
    # strict: 2020, not "2020" or 2020.0
    years: list[Annotated[StrictInt, Field(ge=1900, le=2200)]] = Field(
        default_factory=list, max_length=200
    )
    dates: list[Date] = Field(default_factory=list, max_length=200)
    scenarios: list[dict[str, Any]] = Field(
        default_factory=list, max_length=20, description="scenario documents, as in scenario files"
    )


def _inventory(kit: Kit, data: dict[str, Any]) -> Inventory:
    check_shape(data, "request", InventoryError, kit.limits)
    return parse_inventory(data, LineMap("request"), kit.bed_types, kit.limits)


def _upload(kit: Kit, name: str, content: bytes) -> Inventory:
    """An uploaded file read as a file on disk is, its errors naming the upload."""
    suffix = Path(name).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise InventoryError(
            f"unsupported file type '{suffix or name}'",
            Location(name),
            f"upload one of: {', '.join(UPLOAD_SUFFIXES)}",
            code="file.type",
        )
    with tempfile.TemporaryDirectory(prefix="normkit-") as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(content)
        try:
            inventory = kit.load_inventory(path)
        except NormkitError as exc:
            where = exc.location
            raise exc.relocated(Location(name, where.line, where.field)) from None
    # A CSV's inventory is named after its file: the upload's name, not the copy's
    return inventory.model_copy(update={"name": Path(name).stem}) if suffix == ".csv" else inventory


def _read_as_json(content_type: str | None) -> bool:
    """Whether FastAPI reads a body of this type as JSON: with no type at all, and for
    application/json or any application/…+json, in any case."""
    if not content_type:
        return True
    kind = content_type.split(";")[0].strip().lower()
    return kind == "application/json" or (
        kind.startswith("application/") and kind.endswith("+json")
    )


def _size(request: Request) -> int:
    """The body's size as declared (the body limit has checked it is true)."""
    declared = request.headers.get("content-length", "")
    return int(declared) if declared.isascii() and declared.isdigit() else 1 << 62


def _day(inventory: Inventory, at: dt.date | None) -> dt.date:
    return at or inventory.as_of or dt.date.today()


def _respond(
    kit: Kit, result: Any, fmt: str, explain: bool, lang: Lang, max_bytes: int
) -> Response:
    slots.stop_if_answered()  # an answer nobody waits for is not written
    renderer = choose(fmt, kit.renderers.values())
    if renderer.name == "table":
        renderer = choose("markdown", kit.renderers.values())  # no terminal here
    # In pieces (a plan's JSON a period at a time): the answer is bounded as it is made,
    # made no further once nobody waits for it, and never held twice over as one string.
    answer = bytearray()
    for piece in render_pieces(result, renderer, RenderOptions(lang=lang, explain=explain)):
        answer += piece.encode("utf-8") if isinstance(piece, str) else piece
        if len(answer) > max_bytes:
            raise NormkitError(
                f"the answer is larger than {spaced(max_bytes)} bytes, the limit of this server",
                hint="ask for fewer units or dates, a plan without explanations, or CSV; "
                "the limit is NORMKIT_SERVER_MAX_ANSWER_BYTES",
                code="request.answer-too-large",
            )
        slots.stop_if_answered()
    content = memoryview(answer)  # the answer as made, not copied into bytes
    media = {
        "json": "application/json",
        "csv": "text/csv; charset=utf-8",
        "markdown": "text/markdown; charset=utf-8",
        "html": "text/html; charset=utf-8",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }.get(renderer.name, "application/octet-stream" if renderer.binary else "text/plain")
    return Response(content, media_type=media)


_ACCEPT = {
    "text/csv": "csv",
    "text/markdown": "markdown",
    "text/html": "html",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
}


def _format(request: Request, fmt: str | None) -> str:
    """``?format=`` first, else the Accept header, else JSON."""
    if fmt:
        return fmt.lower()
    for part in request.headers.get("accept", "").split(","):
        kind = part.split(";")[0].strip().lower()
        if kind in _ACCEPT:
            return _ACCEPT[kind]
    return "json"


FormatQuery = Annotated[
    str | None,
    Query(
        alias="format",
        description="json (default), csv, markdown, html, xlsx, or a plugin's format; the "
        "Accept header works too",
        max_length=40,
    ),
]
LangQuery = Annotated[Literal["en", "nb"], Query(description="labels and numbers")]


# -- the app -------------------------------------------------------------------


def create_app(kit: Kit | None = None, settings: ServerSettings | None = None) -> FastAPI:
    """The API (and the planners' page at ``/``) over one kit, made once.

    Mount it in another ASGI app with ``parent.mount("/normkit", create_app())``.
    """
    kit = kit if kit is not None else Kit()
    settings = settings if settings is not None else ServerSettings()
    app = FastAPI(
        default_response_class=JSONResponse,
        title="normkit",
        version=__version__,
        description="Physician staffing norms as code: need, staffed, gap, every figure "
        "explained. Errors are JSON: {error: {code, message, file, line, field, hint}}.",
        openapi_url=f"{API}/openapi.json",
        docs_url=f"{API}/docs",
        redoc_url=None,
        responses=ERRORS,
    )
    app.add_exception_handler(NormkitError, _normkit_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _internal_error)
    if settings.cors_origins:
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type"],
        )
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)

    async def authorized(request: Request) -> None:
        if settings.token is None:
            return
        given = request.headers.get("authorization", "")
        expected = f"Bearer {settings.token}"
        if not secrets.compare_digest(given.encode(), expected.encode()):
            raise _Unauthorized

    app.add_exception_handler(
        _Unauthorized,
        lambda _r, _e: JSONResponse(
            error_body(code="request.unauthorized", message="a valid bearer token is needed"),
            status_code=401,
            headers={"WWW-Authenticate": "Bearer"},
        ),
    )

    running = threading.BoundedSemaphore(settings.max_running)

    async def bounded(work: Callable[[], Answer], size: int, kind: str = "") -> Answer:
        """Run the computation and its rendering, answered within the time limit.

        A small JSON request answered in JSON (up to ``inline_bytes``: a few hundred
        units, milliseconds of work) runs at once; handing it to a worker thread
        would cost more than the work, in thread switches. Anything else runs in a
        worker thread, and its answer comes when the time limit is up, if not
        before: an upload may be YAML whose anchors make 14 000 units of 10 KB, and
        a workbook or a page of the same takes seconds to write.
        """
        if size <= settings.inline_bytes and kind == "json":
            return work()
        # Bounded in number too: see normkit.server.slots.
        if not running.acquire(blocking=False):
            raise slots.busy(settings.max_running, settings.timeout_seconds)
        slot = slots.Slot(running)
        try:
            # Not fail_after: a TimeoutError of the work's own (a plugin's socket) is a
            # bug to report, not the time limit.
            with anyio.move_on_after(settings.timeout_seconds):
                return await anyio.to_thread.run_sync(slot.run, work, abandon_on_cancel=True)
            raise slots.too_slow(settings.timeout_seconds)
        finally:
            slot.give_up()

    # A coroutine: a plain function would wait for one of anyio's worker threads,
    # which a busy server may have none of, to say that it is busy.
    async def unanswered(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, slots.Unanswered)
        body = error_body(code=exc.code, message=exc.message, hint=exc.hint)
        return JSONResponse(body, status_code=503, headers=exc.headers)

    app.add_exception_handler(slots.Unanswered, unanswered)

    async def strict_json(request: Request) -> None:
        """A JSON body read as a JSON file is: FastAPI's reader takes the last of a key
        given twice ("beds": 3000, "beds": 3 is 3), which a file is refused for. Runs
        before the body is validated, so its error is the one given."""
        if _read_as_json(request.headers.get("content-type")):
            text = (await request.body()).decode("utf-8", errors="replace")
            if len(text) <= settings.inline_bytes:
                read_json(text, "request", InventoryError)
            else:  # megabytes take a while to read: not on the loop that serves the others
                await anyio.to_thread.run_sync(read_json, text, "request", InventoryError)

    # what a request may name is checked on every route of the API; the page says its
    # own errors as a page
    auth = [Depends(authorized), Depends(declared_only)]
    json_body = [*auth, Depends(strict_json)]

    @app.get(f"{API}/health", dependencies=auth, tags=["service"])
    def health() -> dict[str, Any]:
        """Whether the service runs, its version, and its plugins' problems."""
        return {
            "status": "ok",
            "version": __version__,
            "plugins": sorted(kit.plugins),
            "problems": kit.problems(),
        }

    @app.get(f"{API}/plugins", dependencies=auth, tags=["service"])
    def plugins() -> dict[str, Any]:
        """As ``normkit plugins --format json``: plugins, formats, failures, problems."""
        from ..render.listings import plugins_document

        return plugins_document(kit)

    @app.get(f"{API}/normsets", dependencies=auth, tags=["norms"])
    def normsets(
        at: Annotated[Date | None, Query(description="only versions in force then")] = None,
    ) -> list[dict[str, Any]]:
        """Every norm-set version, as ``normkit norms --format json``."""
        from ..render.listings import norm_rows

        return norm_rows(kit, None, at)

    @app.get(f"{API}/normsets/{{normset_id}}", dependencies=auth, tags=["norms"])
    def normset(
        normset_id: Annotated[str, Field(max_length=200)],
        at: Annotated[Date | None, Query(description="default: today")] = None,
    ) -> Mapping[str, Any]:
        """A norm set as in force on a date: rules, overrides and their sources."""
        from ..show import as_json

        return as_json(kit.resolve(normset_id, at or dt.date.today()))

    @app.get(f"{API}/municipalities", dependencies=auth, tags=["norms"])
    def municipalities() -> list[dict[str, Any]]:
        """Municipalities with their kommunenummer by date and their norm sets."""
        return [
            {
                "id": m.id,
                "name": m.name,
                "codes": [c.model_dump(mode="json") for c in m.codes],
                "normsets": list(m.normsets),
            }
            for m in kit.municipalities.values()
        ]

    @app.get(f"{API}/schema/{{kind}}", dependencies=auth, tags=["norms"])
    def schema(kind: Literal["normset", "inventory", "roster", "manifest", "scenario"]) -> Any:
        """The JSON Schema of a file kind, with the plugins' rule kinds and bed types."""
        from ..schema import json_schema

        return json_schema(kind, kit.rule_kinds, kit.bed_types)

    def assessed(
        inventory: Inventory,
        normset: str | None,
        municipality: str | None,
        at: dt.date | None,
        explain: bool,
    ) -> Any:
        if normset and municipality:
            raise NormkitError("give normset or municipality, not both", code="request.invalid")
        on = _day(inventory, at)
        chosen: Any = kit.normset_for(municipality, on) if municipality else normset or "national"
        return kit.assess(
            inventory,
            chosen,
            on,
            explain=explain,
            municipality=municipality,
            progress=slots.stop_if_answered,
        )

    @app.post(f"{API}/assess", dependencies=json_body, tags=["assess"], responses=RESULT_FORMATS)
    async def assess(
        request: Request, body: AssessRequest, fmt: FormatQuery = None, lang: LangQuery = "en"
    ) -> Response:
        """Assess an inventory given as JSON: the documented assessment JSON, or another
        format (``?format=csv``, or an Accept header)."""

        kind = _format(request, fmt)

        def work() -> Response:
            inventory = _inventory(kit, body.inventory)
            result = assessed(inventory, body.normset, body.municipality, body.at, body.explain)
            return _respond(kit, result, kind, body.explain, lang, settings.max_answer_bytes)

        return await bounded(work, _size(request), kind)

    @app.post(f"{API}/assess/upload", dependencies=auth, tags=["assess"], responses=RESULT_FORMATS)
    async def assess_upload(
        request: Request,
        file: Annotated[UploadFile, File(description="an inventory: .yaml, .json, .toml, .csv")],
        normset: Annotated[str | None, Form(max_length=200)] = None,
        municipality: Annotated[str | None, Form(max_length=200)] = None,
        at: Annotated[Date | None, Form()] = None,
        explain: Annotated[bool, Form()] = False,
        fmt: FormatQuery = None,
        lang: LangQuery = "en",
    ) -> Response:
        """Assess an uploaded inventory file; errors name the file as uploaded."""
        content = await file.read()
        name = Path(file.filename or "upload").name

        kind = _format(request, fmt)

        def work() -> Response:
            inventory = _upload(kit, name, content)
            result = assessed(inventory, normset, municipality, at, explain)
            return _respond(kit, result, kind, explain, lang, settings.max_answer_bytes)

        return await bounded(work, len(content), "upload")  # may expand: a thread

    @app.post(f"{API}/compare", dependencies=json_body, tags=["assess"], responses=RESULT_FORMATS)
    async def compare(
        request: Request, body: CompareRequest, fmt: FormatQuery = None, lang: LangQuery = "en"
    ) -> Response:
        """Two norm sets (or municipalities) on one inventory, unit by unit, with reasons."""

        def work() -> Response:
            inventory = _inventory(kit, body.inventory)
            on = _day(inventory, body.at)
            left, left_m = kit.normset_or_municipality(body.left, on)
            right, right_m = kit.normset_or_municipality(body.right, on)
            result = kit.compare_normsets(
                inventory,
                left,
                right,
                on,
                explain=body.explain,
                left_municipality=left_m,
                right_municipality=right_m,
            )
            return _respond(kit, result, kind, body.explain, lang, settings.max_answer_bytes)

        kind = _format(request, fmt)
        return await bounded(work, _size(request), kind)

    @app.post(f"{API}/plan", dependencies=json_body, tags=["assess"], responses=RESULT_FORMATS)
    async def plan(
        request: Request, body: PlanRequest, fmt: FormatQuery = None, lang: LangQuery = "en"
    ) -> Response:
        """A base and its scenarios over years: need, staffed, gap and money per date."""
        from ..planning.projection import plan_dates
        from ..planning.scenario import parse_scenarios

        def work() -> Response:
            inventory = _inventory(kit, body.inventory)
            days = plan_dates(body.years, body.dates)
            if not days:
                raise NormkitError(
                    "give the dates to plan for: years and/or dates", code="plan.no-dates"
                )
            scenarios = parse_scenarios(body.scenarios, kit.limits)
            chosen, municipality = kit.normset_or_municipality(body.normset, days[0])
            if isinstance(chosen, NormSet):  # a municipality's: each date takes its version
                chosen = chosen.id
            result = kit.plan(
                inventory,
                chosen,
                days,
                scenarios,
                False,
                municipality=municipality,
                progress=slots.stop_if_answered,
            )
            return _respond(kit, result, kind, False, lang, settings.max_answer_bytes)

        kind = _format(request, fmt)
        # dates multiply the work: always in a thread, bounded in time
        return await bounded(work, 1 << 62, kind)

    from .page import page_router

    app.include_router(
        page_router(kit, assessed, bounded, _upload), dependencies=[Depends(authorized)]
    )
    return app


class _Unauthorized(Exception):
    pass
