"""The HTTP API and the planners' page, through FastAPI's test client.

Figures are Sarpsborg's Table 3 (the bundled example): 259 long-term places
at 1 hour a week per 3 places, 98 dementia places at 1 per 2, 13 short-term
places at 1.5 hours each, 30 hours per FTE; 3.4 FTE staffed on 2020-04-01.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import math
import re
import threading
import time
from pathlib import Path
from typing import Any

import anyio
import pytest
import yaml

import normkit
from normkit import EXAMPLE_INVENTORY, hookimpl
from normkit.render import Renderer, RenderOptions

pytest.importorskip("fastapi")
from fastapi import FastAPI
from fastapi.testclient import TestClient

from normkit.server import ServerSettings, create_app

ROOT = Path(__file__).parents[2]
NEED = 259 / 3 / 30 + 98 / 2 / 30 + 13 * 1.5 / 30
STAFFED = 3.4


@pytest.fixture(scope="module")
def kit() -> normkit.Kit:
    return normkit.Kit()


@pytest.fixture(scope="module")
def client(kit: normkit.Kit) -> TestClient:
    return TestClient(create_app(kit), raise_server_exceptions=False)


@pytest.fixture(scope="module")
def table3() -> dict[str, Any]:
    data = yaml.safe_load(EXAMPLE_INVENTORY.read_text(encoding="utf-8"))
    return json.loads(json.dumps(data, default=str))  # dates as the JSON a client sends


def error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()["error"]
    assert body["code"] == code, body
    assert "Traceback" not in response.text
    return dict(body)


# -- reading ------------------------------------------------------------------


def test_health_and_plugins(client: TestClient, kit: normkit.Kit) -> None:
    health = client.get("/v1/health").json()
    assert health["status"] == "ok" and health["plugins"] == sorted(kit.plugins)
    plugins = client.get("/v1/plugins").json()
    assert {"plugins", "formats", "failures", "problems", "warnings"} <= set(plugins)
    assert "xlsx" in {f["name"] for f in plugins["formats"]}


def test_norm_sets_and_their_rules_with_sources(client: TestClient) -> None:
    listed = client.get("/v1/normsets").json()
    assert "national" in {n["id"] for n in listed}
    in_force = client.get("/v1/normsets", params={"at": "2019-06-01"}).json()
    assert all(n["valid_from"] is None or n["valid_from"] <= "2019-06-01" for n in in_force)
    national = client.get("/v1/normsets/national", params={"at": "2020-04-01"}).json()
    assert "Legeforening" in json.dumps(national, ensure_ascii=False)
    error(client.get("/v1/normsets/nosuch"), 404, "normset.unknown")


def test_municipalities_with_their_codes_by_date(client: TestClient, kit: normkit.Kit) -> None:
    if "sarpsborg" not in kit.municipalities:
        pytest.skip("the Sarpsborg plugin is not installed")
    found = {m["name"]: m for m in client.get("/v1/municipalities").json()}
    codes = {(c["code"], c["valid_from"], c["valid_to"]) for c in found["Sarpsborg"]["codes"]}
    assert codes == {("3003", "2020-01-01", "2023-12-31"), ("3105", "2024-01-01", None)}


@pytest.mark.parametrize("kind", ["normset", "inventory", "roster", "manifest", "scenario"])
def test_schemas(client: TestClient, kind: str) -> None:
    assert client.get(f"/v1/schema/{kind}").json()["type"] == "object"


def test_an_unknown_schema_is_a_json_error(client: TestClient) -> None:
    error(client.get("/v1/schema/everything"), 422, "request.invalid")


# -- assessing ------------------------------------------------------------------


def test_assess_json_gives_table_3(client: TestClient, table3: dict[str, Any]) -> None:
    totals = client.post("/v1/assess", json={"inventory": table3}).json()["totals"]
    assert totals["norm_fte"] == pytest.approx(NEED)
    assert totals["staffed_fte"] == pytest.approx(STAFFED)
    assert totals["gap_fte"] == pytest.approx(NEED - STAFFED)


def test_assess_in_every_format(client: TestClient, table3: dict[str, Any]) -> None:
    body = {"inventory": table3}
    csv = client.post("/v1/assess", params={"format": "csv"}, json=body)
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.text.startswith("municipality,kommunenummer,level")
    page = client.post("/v1/assess", headers={"accept": "text/html"}, json=body)
    assert page.headers["content-type"].startswith("text/html") and ">5.16<" in page.text
    nb = client.post("/v1/assess", params={"format": "markdown", "lang": "nb"}, json=body)
    assert "| **Sum** |" in nb.text and "5,16" in nb.text
    book = client.post("/v1/assess", params={"format": "xlsx"}, json=body)
    assert book.content[:2] == b"PK"
    error(client.post("/v1/assess", params={"format": "pdf"}, json=body), 422, "render.format")


def test_assess_by_municipality_and_date(
    client: TestClient, table3: dict[str, Any], kit: normkit.Kit
) -> None:
    if "sarpsborg" not in kit.municipalities:
        pytest.skip("the Sarpsborg plugin is not installed")
    body = {"inventory": table3, "municipality": "3003", "at": "2020-01-01"}
    result = client.post("/v1/assess", json=body).json()
    assert result["municipality"]["kommunenummer"] == "3003"
    assert result["totals"]["required_fte"] == pytest.approx(4.5)  # Table 3's adopted need
    body["normset"] = "national"
    error(client.post("/v1/assess", json=body), 422, "request.invalid")


def test_uploads_go_through_the_file_readers(client: TestClient) -> None:
    yaml_file = ("homes.yaml", EXAMPLE_INVENTORY.read_bytes())
    result = client.post("/v1/assess/upload", files={"file": yaml_file}).json()
    assert result["totals"]["norm_fte"] == pytest.approx(NEED)
    csv_text = "facility,unit,bed_type,beds\nHome,Long,long_term,90\n"
    result = client.post("/v1/assess/upload", files={"file": ("homes.csv", csv_text)}).json()
    assert result["totals"]["norm_fte"] == pytest.approx(1.0)  # 90 places / 90
    assert result["inventory"] == "homes"  # named after the upload, as after a file on disk
    bad = (
        b"facilities:\n  - name: A\n    units:\n      - {name: U, bed_type: long_termm, beds: 1}\n"
    )
    problem = error(
        client.post("/v1/assess/upload", files={"file": ("mine.yaml", bad)}),
        422,
        "inventory.bed-type",
    )
    assert problem["file"] == "mine.yaml" and problem["line"] == 4
    assert "long_term" in problem["hint"]
    error(client.post("/v1/assess/upload", files={"file": ("homes.xls", b"x")}), 422, "file.type")


def test_compare_and_plan(client: TestClient, table3: dict[str, Any], kit: normkit.Kit) -> None:
    if "sarpsborg" not in kit.municipalities:
        pytest.skip("the Sarpsborg plugin is not installed")
    compared = client.post("/v1/compare", json={"inventory": table3, "right": "Sarpsborg"})
    totals = compared.json()["totals"]
    assert totals["difference_fte"] == pytest.approx(4.5 - NEED)
    scenario = {
        "id": "more",
        "title": "more staff",
        "changes": [
            {"kind": "add_staffing", "valid_from": "2021-01-01", "facility": "Borgen", "fte": 0.3}
        ],
    }
    body = {
        "inventory": table3,
        "normset": "Sarpsborg",
        "years": [2020, 2021],
        "scenarios": [scenario],
    }
    plan = client.post("/v1/plan", json=body).json()
    (difference,) = plan["differences"]
    assert difference["periods"][1]["staffed_fte"]["difference"] == pytest.approx(0.3)
    # strict: read as the years and the flag they look like, they were taken
    for field, value in (("years", ["2020"]), ("years", [2020.0]), ("explain", "yes")):
        route = "/v1/assess" if field == "explain" else "/v1/plan"
        sent = {"inventory": table3, field: value}
        error(client.post(route, json=sent), 422, "request.invalid")
    body["scenarios"] = [{**scenario, "extends": "../../etc/passwd.yaml"}]
    error(client.post("/v1/plan", json=body), 422, "scenario.extends-unknown")
    error(client.post("/v1/plan", json={"inventory": table3}), 422, "plan.no-dates")


# -- hostile requests -------------------------------------------------------------


def test_bad_input_is_a_json_error_that_names_the_field(client: TestClient) -> None:
    error(client.post("/v1/assess", json={"inventory": {}, "extra": 1}), 422, "request.invalid")
    problem = error(
        client.post("/v1/assess", json={"inventory": {"facilities": "many"}}),
        422,
        "field.invalid",
    )
    assert problem["file"] == "request"
    for body in (b"{not json", b"\xff{}", b"not json"):
        problem = error(
            client.post("/v1/assess", content=body, headers={"content-type": "application/json"}),
            400,
            "request.invalid",
        )
        assert problem["message"].startswith("the body is not JSON"), body
        assert problem.get("field") is None, body
    # Python's reader refuses an integer of more than 4 300 digits before normkit sees it
    long_number = b'{"inventory": {"facilities": [], "x": 1' + b"0" * 5000 + b"}}"
    problem = error(
        client.post(
            "/v1/assess", content=long_number, headers={"content-type": "application/json"}
        ),
        400,
        "request.invalid",
    )
    assert "a number too long to read" in problem["message"]


def test_a_key_given_twice_is_refused_as_in_a_file(client: TestClient) -> None:
    """FastAPI's reader took the last: 3000 places became 3, in a 200 answer."""
    twice = (
        b'{"inventory": {"facilities": [{"name": "A", "units": [{"name": "U",\n'
        b'"bed_type": "long_term", "beds": 3000, "beds": 3}]}]}}'
    )
    problem = error(
        client.post("/v1/assess", content=twice, headers={"content-type": "application/json"}),
        422,
        "file.duplicate-key",
    )
    assert (problem["file"], problem["line"]) == ("request", 2)
    assert problem["message"] == "key 'beds' appears twice in the same object"
    # whatever type FastAPI reads as JSON: none, any case, application/…+json
    for kind in ("Application/JSON", "application/merge-patch+json; charset=utf-8", None):
        headers = {"content-type": kind} if kind else {}
        sent = client.post("/v1/assess", content=twice, headers=headers)
        error(sent, 422, "file.duplicate-key")
    # a body past the inline size is read in a worker thread, to the same answer
    many = b",".join(b'{"name": "F%d", "units": []}' % i for i in range(3000))
    large = twice.replace(b'"facilities": [', b'"facilities": [' + many + b",")
    assert len(large) > ServerSettings().inline_bytes
    headers = {"content-type": "application/json"}
    error(client.post("/v1/assess", content=large, headers=headers), 422, "file.duplicate-key")


@pytest.mark.parametrize("at", [1585699200, "1585699200", "2020W141", "20200401"])
def test_a_date_is_a_date_as_in_a_file(client: TestClient, at: object) -> None:
    """Not seconds since 1970 (pydantic's lax reading), nor an ISO week."""
    body = {"inventory": {"facilities": []}, "at": at}
    problem = error(client.post("/v1/assess", json=body), 422, "value.not-a-date")
    assert problem["field"] == "at"
    form = client.post(
        "/v1/assess/upload",
        files={"file": ("i.yaml", b"facilities: []\n")},
        data={"at": str(at)},
    )
    error(form, 422, "value.not-a-date")


def test_a_norwegian_date_is_read(client: TestClient) -> None:
    body = {"inventory": {"facilities": []}, "at": "31.03.2020"}
    assert client.post("/v1/assess", json=body).json()["at"] == "2020-03-31"


def test_a_report_is_written_within_the_time_limit(kit: normkit.Kit) -> None:
    """A small request asked for a workbook (or an upload, which YAML anchors may make
    large) is written in a worker thread under the limit: it was written at once, on the
    server's own loop, for as long as it took."""
    hasty = TestClient(create_app(kit, ServerSettings(timeout_seconds=0.000_001)))
    units = [{"name": f"U{i}", "bed_type": "long_term", "beds": 10} for i in range(50)]
    body = {"inventory": {"facilities": [{"name": "H", "units": units}]}}
    error(hasty.post("/v1/assess?format=xlsx", json=body), 503, "request.too-slow")
    upload = {"file": ("i.yaml", b"facilities: [{name: H, units: []}]\n")}
    error(hasty.post("/v1/assess/upload", files=upload), 503, "request.too-slow")
    assert hasty.post("/v1/assess", json=body).status_code == 200  # small JSON: at once


def test_an_error_echoing_a_request_is_escaped(client: TestClient) -> None:
    """The name a request gave comes back in the error: as JSON safe to show."""
    body = {"inventory": {"facilities": []}, "normset": "X\u202eY\x85"}
    response = client.post("/v1/assess", json=body)
    assert response.status_code == 422 and "\u202e" not in response.text
    assert "\x85" not in response.text and "\\u202e" in response.text
    assert "'X\u202eY" in response.json()["error"]["message"]  # the same data


def test_huge_numbers_and_deep_nesting(client: TestClient) -> None:
    huge = {
        "facilities": [
            {"name": "A", "units": [{"name": "U", "bed_type": "long_term", "beds": 10**400}]}
        ]
    }
    assert client.post("/v1/assess", json={"inventory": huge}).status_code == 422
    deep: Any = "x"
    for _ in range(200):
        deep = [deep]
    error(client.post("/v1/assess", json={"inventory": {"figures": deep}}), 422, "file.too-deep")


def test_an_alias_bomb_upload_is_refused(client: TestClient) -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    lines += [
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]" for i in range(8)
    ]
    bomb = ("\n".join(lines) + "\n").encode()
    response = client.post("/v1/assess/upload", files={"file": ("bomb.yaml", bomb)})
    assert response.status_code == 422 and response.json()["error"]["code"].startswith("file.")


def test_a_body_over_the_limit_is_refused_and_the_server_goes_on(kit: normkit.Kit) -> None:
    small = TestClient(create_app(kit, ServerSettings(max_body_bytes=10_000)))
    declared = small.post("/v1/assess/upload", files={"file": ("big.csv", b"x" * 20_000)})
    error(declared, 413, "request.too-large")

    def chunks() -> Any:  # no Content-Length: counted as it arrives
        for _ in range(20):
            yield b"x" * 1_000

    streamed = small.post(
        "/v1/assess", content=chunks(), headers={"content-type": "application/json"}
    )
    error(streamed, 413, "request.too-large")
    assert small.get("/v1/health").status_code == 200


def test_a_slow_request_is_answered_in_time(kit: normkit.Kit) -> None:
    hasty = TestClient(create_app(kit, ServerSettings(timeout_seconds=0.000_001)))
    units = [{"name": f"U{i}", "bed_type": "long_term", "beds": 10} for i in range(2000)]
    body = {"inventory": {"facilities": [{"name": "H", "units": units}]}}
    error(hasty.post("/v1/assess", json=body), 503, "request.too-slow")
    assert hasty.get("/v1/health").status_code == 200


def test_requests_given_up_on_hold_their_slot_until_their_threads_end(
    kit: normkit.Kit, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A thread cannot be stopped: a request answered 503 computes on. Such threads
    count against ``max_running``, so a client sending slow requests cannot start more."""
    began, go_on = threading.Event(), threading.Event()
    assess = kit.assess

    def slow(*args: Any, **options: Any) -> Any:
        began.set()
        go_on.wait(10)
        return assess(*args, **options)

    monkeypatch.setattr(kit, "assess", slow)
    one = TestClient(create_app(kit, ServerSettings(timeout_seconds=0.2, max_running=1)))
    body = {"inventory": {"facilities": [{"name": "H", "units": []}]}}
    error(one.post("/v1/assess?format=csv", json=body), 503, "request.too-slow")
    assert began.wait(10)  # its thread still computes: the one slot is taken
    busy = one.post("/v1/assess?format=csv", json=body)
    error(busy, 503, "request.busy")
    assert "at once (1)" in busy.json()["error"]["message"]
    assert busy.headers["retry-after"] == "1"  # the time limit, rounded up
    assert one.post("/v1/assess", json=body).status_code == 200  # small JSON: no thread
    go_on.set()
    for _ in range(200):  # the slot is back when that thread ends
        answer = one.post("/v1/assess?format=csv", json=body)
        if answer.status_code == 200:
            break
        time.sleep(0.05)
    assert answer.status_code == 200 and "\n,,facility,H," in answer.text


@pytest.mark.parametrize("route", ["plan", "assess"])
def test_a_request_answered_too_slow_stops_at_its_next_step(
    kit: normkit.Kit, table3: dict[str, Any], monkeypatch: pytest.MonkeyPatch, route: str
) -> None:
    """Its thread stops at the next step it reports (a plan's date, an assessment's
    facility) and gives its slot back then: many years of a large inventory kept a
    slot for a minute after their answer."""
    computes, steps = getattr(kit, route), []

    def in_slow_steps(*args: Any, progress: Any = None, **options: Any) -> Any:
        def step(done: int, total: int) -> None:
            steps.append(done)
            time.sleep(0.05)
            if progress is not None:
                progress(done, total)

        return computes(*args, progress=step, **options)

    monkeypatch.setattr(kit, route, in_slow_steps)
    one = TestClient(create_app(kit, ServerSettings(timeout_seconds=0.3, max_running=1)))
    if route == "plan":  # 100 dates: 5 s of steps
        body = {"inventory": table3, "years": list(range(2000, 2100))}
    else:  # 100 facilities: 5 s of steps
        facilities = [{"name": f"F{i}", "units": []} for i in range(100)]
        body = {"inventory": {"facilities": facilities}}
    error(one.post(f"/v1/{route}?format=csv", json=body), 503, "request.too-slow")
    began = time.monotonic()
    small = {"inventory": {"facilities": []}}
    while one.post("/v1/assess?format=csv", json=small).status_code == 503:
        assert time.monotonic() - began < 2, "the thread went on after its answer"
        time.sleep(0.02)
    assert 1 <= len(steps) < 30


def test_the_page_says_busy_and_too_slow_as_a_page(
    kit: normkit.Kit, monkeypatch: pytest.MonkeyPatch
) -> None:
    go_on = threading.Event()
    assess = kit.assess

    def held(*args: Any, **options: Any) -> Any:
        go_on.wait(10)
        return assess(*args, **options)

    monkeypatch.setattr(kit, "assess", held)
    one = TestClient(create_app(kit, ServerSettings(timeout_seconds=0.2, max_running=1)))
    try:
        slow = one.post("/report", data={"lang": "en", "format": "html"})
        busy = one.post("/report", data={"lang": "en", "format": "html"})
    finally:
        go_on.set()
    for page, said in ((slow, "took longer than the limit"), (busy, "at once (1)")):
        assert page.status_code == 503 and page.headers["content-type"].startswith("text/html")
        assert said in page.text and '"error"' not in page.text
    assert "retry-after" not in slow.headers and busy.headers["retry-after"] == "1"


@pytest.mark.parametrize("route", ["api", "page"])
def test_an_answer_past_the_time_limit_is_not_written(
    kit: normkit.Kit, table3: dict[str, Any], monkeypatch: pytest.MonkeyPatch, route: str
) -> None:
    import normkit.server.app as app_module
    import normkit.server.page as page_module

    assess, written = kit.assess, []

    def late(*args: Any, progress: Any = None, **options: Any) -> Any:
        time.sleep(0.4)  # past the limit, and no step reported
        return assess(*args, **options)

    def render(*args: Any, **options: Any) -> Any:
        written.append(args)
        return b""

    def render_pieces(*args: Any, **options: Any) -> Any:
        written.append(args)
        yield b""

    monkeypatch.setattr(kit, "assess", late)
    if route == "api":
        monkeypatch.setattr(app_module, "render_pieces", render_pieces)
    else:
        monkeypatch.setattr(page_module, "render", render)
    one = TestClient(create_app(kit, ServerSettings(timeout_seconds=0.1, max_running=1)))
    if route == "api":
        answer = one.post("/v1/assess?format=csv", json={"inventory": table3})
        error(answer, 503, "request.too-slow")
    else:
        assert one.post("/report", data={"format": "csv"}).status_code == 503
    time.sleep(0.6)  # the thread has ended by now
    assert written == []


def test_an_answer_being_written_past_the_time_limit_stops_at_its_next_piece(
    kit: normkit.Kit, table3: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    import normkit.server.app as app_module

    made: list[int] = []

    def slow_pieces(*args: Any, **options: Any) -> Any:
        for piece in range(20):
            time.sleep(0.1)
            made.append(piece)
            yield b"{}"

    kit.assess(normkit.Inventory.model_validate(table3), "national", "2020-04-01")  # warm
    monkeypatch.setattr(app_module, "render_pieces", slow_pieces)
    # inline_bytes=0: in a worker thread, bounded in time, as every large request is
    settings = ServerSettings(timeout_seconds=0.5, max_running=1, inline_bytes=0)
    one = TestClient(create_app(kit, settings))
    error(one.post("/v1/assess", json={"inventory": table3}), 503, "request.too-slow")
    time.sleep(2.2)  # all twenty would be made by now
    assert 0 < len(made) < 20


def test_a_timeout_of_the_works_own_is_a_bug_not_the_time_limit(
    kit: normkit.Kit, monkeypatch: pytest.MonkeyPatch
) -> None:
    def times_out(*args: Any, **options: Any) -> Any:
        raise TimeoutError("a plugin's socket")

    monkeypatch.setattr(kit, "assess", times_out)
    body = {"inventory": {"facilities": []}}
    client = TestClient(create_app(kit), raise_server_exceptions=False)
    error(client.post("/v1/assess?format=csv", json=body), 500, "internal")


def test_a_request_given_up_before_its_work_began_gives_its_slot_back(kit: normkit.Kit) -> None:
    """Its work waited for one of anyio's thread tokens (held here) until the time limit:
    no thread ever takes it up, so the slot comes back with the answer."""
    body = {"inventory": {"facilities": [{"name": "H", "units": []}]}}
    app = create_app(kit, ServerSettings(timeout_seconds=0.1, max_running=1))
    with TestClient(app) as one:
        go_on = one.portal.call(anyio.Event)
        held = threading.Event()

        async def hold_the_only_thread_token() -> None:
            limiter = anyio.to_thread.current_default_thread_limiter()
            limiter.total_tokens = 1
            async with limiter:
                held.set()
                await go_on.wait()

        one.portal.start_task_soon(hold_the_only_thread_token)
        assert held.wait(10)
        try:
            for _ in range(3):  # each given up before it began: the one slot is free again
                error(one.post("/v1/assess?format=csv", json=body), 503, "request.too-slow")
        finally:
            one.portal.call(go_on.set)
        assert one.post("/v1/assess?format=csv", json=body).status_code == 200


def test_a_slot_is_given_back_once_whether_or_not_its_work_began() -> None:
    from normkit.server.slots import Answered, Slot

    slots = threading.BoundedSemaphore(1)
    slots.acquire()
    never = Slot(slots)
    never.give_up()  # the request ended before a thread took its work: back at once
    assert slots.acquire(blocking=False)
    with pytest.raises(Answered):
        never.run(lambda: pytest.fail("a given-up work ran"))
    ran = Slot(slots)
    assert ran.run(lambda: 42) == 42  # back when the work ends...
    ran.give_up()  # ...and only then: a second release would raise ValueError
    assert slots.acquire(blocking=False) and not slots.acquire(blocking=False)


def test_a_bug_is_a_500_without_a_traceback(table3: dict[str, Any]) -> None:
    def broken(result: Any, options: RenderOptions) -> str:
        raise RuntimeError("secret internals at /home/x")

    class Broken:
        @hookimpl
        def normkit_register_renderers(register):  # type: ignore[no-untyped-def]
            register(Renderer("broken", ".txt", broken))

    client = TestClient(
        create_app(normkit.Kit([Broken], autoload=False)), raise_server_exceptions=False
    )
    response = client.post("/v1/assess", params={"format": "broken"}, json={"inventory": table3})
    body = error(response, 500, "internal")
    assert "secret" not in response.text and body["message"].endswith("RuntimeError")


def test_a_token_guards_every_route(kit: normkit.Kit) -> None:
    guarded = TestClient(create_app(kit, ServerSettings(token="s3cret")))
    error(guarded.get("/v1/health"), 401, "request.unauthorized")
    error(
        guarded.get("/v1/health", headers={"authorization": "Bearer wrong"}),
        401,
        "request.unauthorized",
    )
    assert guarded.get("/v1/health", headers={"authorization": "Bearer s3cret"}).status_code == 200
    assert guarded.get("/").status_code == 401


def test_cors_only_for_the_origins_configured(kit: normkit.Kit) -> None:
    open_to = TestClient(
        create_app(kit, ServerSettings(cors_origins=("https://intranet.example",)))
    )
    allowed = open_to.get("/v1/health", headers={"origin": "https://intranet.example"})
    assert allowed.headers["access-control-allow-origin"] == "https://intranet.example"
    other = open_to.get("/v1/health", headers={"origin": "https://evil.example"})
    assert "access-control-allow-origin" not in other.headers


def test_an_answer_larger_than_the_limit_is_refused_as_it_is_made(
    kit: normkit.Kit, table3: dict[str, Any]
) -> None:
    body = {"inventory": table3, "years": [2020, 2021, 2022]}
    whole = TestClient(create_app(kit)).post("/v1/plan", json=body)
    assert whole.status_code == 200
    size = len(whole.content)
    for limit, status in ((size, 200), (size - 1, 422)):
        small = TestClient(create_app(kit, ServerSettings(max_answer_bytes=limit)))
        answer = small.post("/v1/plan", json=body)
        assert answer.status_code == status
        if status == 200:
            assert answer.content == whole.content  # the pieces, joined: the same answer
        else:
            found = error(answer, 422, "request.answer-too-large")
            assert found["message"] == (
                f"the answer is larger than {limit:,} bytes, the limit of this server".replace(
                    ",", " ", 1
                )
            )
    # every format is bounded, the ones made whole too
    small = TestClient(create_app(kit, ServerSettings(max_answer_bytes=100)))
    error(small.post("/v1/plan?format=csv", json=body), 422, "request.answer-too-large")


def test_settings_from_the_environment() -> None:
    settings = ServerSettings.from_env(
        {
            "NORMKIT_SERVER_MAX_BODY_BYTES": "1000",
            "NORMKIT_SERVER_CORS_ORIGINS": "a, b",
            "NORMKIT_SERVER_MAX_RUNNING": "3",
            "NORMKIT_SERVER_INLINE_BYTES": "0",
        }
    )
    assert settings.max_body_bytes == 1000 and settings.cors_origins == ("a", "b")
    assert settings.max_running == 3 and settings.inline_bytes == 0


@pytest.mark.parametrize(
    ("setting", "text", "said"),
    [
        ("MAX_RUNNING", "0", "is 0; a whole number, at least 1"),
        ("MAX_RUNNING", "abc", "is 'abc'; a whole number, at least 1"),
        ("MAX_RUNNING", "2.5", "is '2.5'; a whole number"),
        ("TIMEOUT_SECONDS", "soon", "is 'soon'; a finite number of seconds"),
        ("TIMEOUT_SECONDS", "nan", "is 'nan'; a finite number of seconds"),
        ("TIMEOUT_SECONDS", "inf", "is 'inf'; a finite number of seconds"),
        ("TIMEOUT_SECONDS", "1e3", "is '1e3'; a finite number of seconds"),
        ("MAX_RUNNING", "1_0", "is '1_0'; a whole number"),  # int() reads 10
        ("TIMEOUT_SECONDS", "-1", "is '-1'; a finite number of seconds, more than 0"),
        ("TIMEOUT_SECONDS", "0", "is 0.0; a finite number of seconds, more than 0"),
        ("MAX_BODY_BYTES", "0", "is 0; a whole number of bytes, at least 1"),
        ("INLINE_BYTES", "-1", "is '-1'; a whole number of bytes, 0 or more"),
        ("MAX_ANSWER_BYTES", "0", "is 0; a whole number of bytes, at least 1"),
    ],
)
def test_a_setting_out_of_range_is_refused_by_its_name(setting: str, text: str, said: str) -> None:
    with pytest.raises(
        normkit.NormkitError, match="^" + re.escape(f"NORMKIT_SERVER_{setting} {said}")
    ):
        ServerSettings.from_env({f"NORMKIT_SERVER_{setting}": text})


@pytest.mark.parametrize(
    ("given", "said"),
    [
        ({"timeout_seconds": math.nan}, "NORMKIT_SERVER_TIMEOUT_SECONDS is nan"),
        ({"timeout_seconds": math.inf}, "NORMKIT_SERVER_TIMEOUT_SECONDS is inf"),
        ({"timeout_seconds": 0.0}, "NORMKIT_SERVER_TIMEOUT_SECONDS is 0.0"),
        ({"max_running": 0}, "NORMKIT_SERVER_MAX_RUNNING is 0"),
        ({"inline_bytes": -1}, "NORMKIT_SERVER_INLINE_BYTES is -1"),
        ({"max_body_bytes": 0}, "NORMKIT_SERVER_MAX_BODY_BYTES is 0"),
        ({"max_answer_bytes": 0}, "NORMKIT_SERVER_MAX_ANSWER_BYTES is 0"),
    ],
)
def test_settings_made_in_python_are_checked_too(given: dict[str, Any], said: str) -> None:
    with pytest.raises(normkit.NormkitError, match="^" + re.escape(said + ";")):
        ServerSettings(**given)


def test_the_least_values_are_accepted() -> None:
    least = ServerSettings.from_env(
        {
            "NORMKIT_SERVER_MAX_RUNNING": "1",
            "NORMKIT_SERVER_TIMEOUT_SECONDS": "0.000001",
            "NORMKIT_SERVER_MAX_BODY_BYTES": "1",
            "NORMKIT_SERVER_INLINE_BYTES": "0",
        }
    )
    assert (least.max_running, least.timeout_seconds) == (1, 1e-6)
    assert (least.max_body_bytes, least.inline_bytes) == (1, 0)


# -- the page -----------------------------------------------------------------------


def test_the_page_in_both_languages(client: TestClient) -> None:
    nb = client.get("/").text
    assert '<html lang="nb">' in nb and "Vurder en oversikt" in nb and "<script" not in nb
    en = client.get("/", params={"lang": "en"}).text
    assert "Assess an inventory" in en and 'for="file"' in en


def test_the_page_reports_and_downloads(client: TestClient) -> None:
    shown = client.post("/report", data={"lang": "en", "format": "html"})
    assert ">5.16<" in shown.text and "Borgen › Borgen" in shown.text
    csv = client.post("/report", data={"format": "csv"})
    assert csv.headers["content-disposition"] == 'attachment; filename="normkit.csv"'
    hostile = (
        b'facilities:\n  - name: "<script>alert(1)</script>"\n    units:\n'
        b"      - {name: U, bed_type: long_term, beds: 9}\n"
    )
    page = client.post("/report", files={"file": ("x.yaml", hostile)}, data={"format": "html"})
    assert "<script>alert" not in page.text and "&lt;script&gt;alert(1)" in page.text
    wrong = client.post(
        "/report", files={"file": ("x.yaml", b"facilities: 3\n")}, data={"lang": "nb"}
    )
    assert wrong.status_code == 422 and 'role="alert"' in wrong.text and "Tilbake" in wrong.text
    for at in ("20200401", "2020W141"):  # dates as a file takes them, not any ISO form
        dated = client.post("/report", data={"lang": "en", "at": at})
        assert dated.status_code == 422 and "expected a date" in dated.text, at
    assert ">5.16<" in client.post("/report", data={"lang": "en", "at": "01.04.2020"}).text


# -- the contract -----------------------------------------------------------------------


def test_the_openapi_in_the_docs_is_the_servers(client: TestClient) -> None:
    """The committed description is what a running server serves, whatever its plugins."""
    committed = json.loads((ROOT / "docs" / "openapi.json").read_text(encoding="utf-8"))
    assert committed == client.get("/v1/openapi.json").json(), "run: python scripts/openapi.py"


def test_it_mounts_inside_another_app(kit: normkit.Kit, table3: dict[str, Any]) -> None:
    parent = FastAPI()
    parent.mount("/normkit", create_app(kit))
    client = TestClient(parent)
    assert client.get("/normkit/v1/health").json()["status"] == "ok"
    assert client.post("/normkit/v1/assess", json={"inventory": table3}).status_code == 200
    assert dt.date.fromisoformat(
        client.post("/normkit/v1/assess", json={"inventory": table3}).json()["at"]
    ) == dt.date(2020, 4, 1)


def test_years_outside_the_plans_range_are_refused(
    client: TestClient, table3: dict[str, Any]
) -> None:
    """Found by schemathesis: a year like 2**31 overflowed the date type (a 500)."""
    body = {"inventory": table3, "years": [2_147_483_648]}
    error(client.post("/v1/plan", json=body), 422, "request.invalid")
    with pytest.raises(normkit.NormkitError) as caught:
        normkit.plan_dates([10_000])
    assert caught.value.code == "plan.years"


def test_a_digit_that_is_not_ascii_is_not_a_number() -> None:
    """Found by hypothesis: '²' passes str.isdigit() and then fails int()."""
    with pytest.raises(normkit.NormkitError) as caught:
        normkit.Limits.from_env({"NORMKIT_MAX_UNITS": "²"})
    assert caught.value.code == "limit.invalid"


def test_every_refusal_is_json_in_one_shape(client: TestClient) -> None:
    deep = b'{"inventory": ' + b"[" * 200_000 + b"]" * 200_000 + b"}"
    headers = {"content-type": "application/json"}
    error(client.post("/v1/assess", content=deep, headers=headers), 400, "request.invalid")
    error(client.get("/v1/nosuch"), 404, "request.not-found")
    error(client.put("/v1/assess"), 405, "request.method")
    unit = b'{"name": "U", "bed_type": "long_term", "beds": 1e999}'
    infinite = b'{"inventory": {"facilities": [{"name": "A", "units": [' + unit + b"]}]}}"
    problem = error(
        client.post("/v1/assess", content=infinite, headers=headers), 422, "value.not-finite"
    )
    assert problem["field"] == "facilities[0].units[0].beds"


def test_scenarios_in_a_request_extend_each_other_by_id(
    client: TestClient, table3: dict[str, Any]
) -> None:
    first = {
        "id": "first",
        "title": "first",
        "changes": [
            {"kind": "add_staffing", "valid_from": "2021-01-01", "facility": "Borgen", "fte": 0.2}
        ],
    }
    second = {**first, "id": "second", "title": "second", "extends": "first"}
    body = {"inventory": table3, "years": [2021], "scenarios": [first, second]}
    plan = client.post("/v1/plan", json=body).json()
    runs = {run["id"]: run for run in plan["scenarios"]}
    assert runs["second"]["chain"] == ["first", "second"]
    # both add 0.2 FTE at Borgen: 3.4 + 0.4 staffed in the second
    assert runs["second"]["periods"][0]["staffed_fte"] == pytest.approx(STAFFED + 0.4)
    looped = {**first, "extends": "second"}
    body["scenarios"] = [looped, second]
    assert client.post("/v1/plan", json=body).json()["error"]["code"].startswith("scenario.")


def test_an_unknown_norm_set_or_municipality_says_both_lists(
    client: TestClient, table3: dict[str, Any]
) -> None:
    problem = error(
        client.post("/v1/compare", json={"inventory": table3, "right": "Nowhere"}),
        422,
        "normset.unknown",
    )
    assert problem["message"] == "'Nowhere' is neither a norm set nor a municipality"
    assert "norm sets: " in problem["hint"] and "municipalities: " in problem["hint"]


def test_a_form_field_or_query_parameter_twice_or_unknown_is_refused(client: TestClient) -> None:
    """Two files in one upload: the last was assessed and the first dropped; 'norms' for
    'normset' (in the form or the query): the national norm used; all without a word."""
    data = EXAMPLE_INVENTORY.read_bytes()
    one = [("file", ("a.yaml", data))]
    twice = [*one, ("file", ("b.yaml", data))]
    refused = [
        ({"files": twice}, "the request gives the form field 'file' 2 times", "file"),
        (
            {"files": one, "data": {"normset": ["national", "sarpsborg-physicians"]}},
            "the request gives the form field 'normset' 2 times",
            "normset",
        ),
        (
            {"files": one, "data": {"norms": "sarpsborg-physicians"}},
            "the request gives the form field 'norms', which this route does not take",
            "norms",
        ),
        (
            {"files": one, "params": {"normset": "sarpsborg-physicians"}},
            "the request gives the query parameter 'normset', which this route does not take",
            "normset",
        ),
    ]
    for sent, message, field in refused:
        found = error(client.post("/v1/assess/upload", **sent), 422, "request.invalid")
        assert (found["message"], found["field"]) == (message, field)
        if "does not take" in message:  # what it does take, to mend the request by
            takes = (
                "format, lang" if "query" in message else "at, explain, file, municipality, normset"
            )
            assert found["hint"] == f"it takes: {takes}"
    body = {"inventory": {"facilities": []}}
    found = error(
        client.post("/v1/assess?format=json&format=csv", json=body), 422, "request.invalid"
    )
    assert found["message"] == "the request gives the query parameter 'format' 2 times"
    page = client.post("/report", files=twice)
    said = "the request gives the form field 'file' 2 times"
    assert page.status_code == 422 and said in html.unescape(page.text)
    # what each route takes is taken
    fine = {"normset": "sarpsborg-physicians", "at": "2020-04-01", "explain": "true"}
    answer = client.post("/v1/assess/upload?format=json&lang=en", files=one, data=fine)
    assert answer.status_code == 200 and answer.json()["normset"]["id"] == "sarpsborg-physicians"
    assert client.get("/v1/normsets?at=2020-01-01").status_code == 200
    assert client.get("/?lang=en").status_code == 200
