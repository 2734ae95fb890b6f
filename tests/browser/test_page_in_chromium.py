"""The planners' page in a real browser: upload, see the report, download, names as text.

A real server (uvicorn, on a free port of the loopback) and Debian's Chromium
driven by Playwright, as in test_html_in_chromium.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from normkit import EXAMPLE_INVENTORY

pytest.importorskip("fastapi")
uvicorn = pytest.importorskip("uvicorn")


@pytest.fixture
def server(live_server: str) -> str:
    return live_server


def _page(browser: Any, url: str) -> tuple[Any, list[str]]:
    page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("dialog", lambda d: (problems.append(f"dialog {d.message}"), d.dismiss()))
    page.goto(url)
    return page, problems


def test_upload_see_the_report_and_download_csv(browser: Any, server: str, tmp_path: Path) -> None:
    page, problems = _page(browser, f"{server}/?lang=en")
    page.get_by_label("Upload a file").set_input_files(str(EXAMPLE_INVENTORY))
    page.get_by_role("button", name="Show the report").click()
    page.wait_for_load_state("load")
    total = page.locator("tr.total")
    assert [total.locator("td").nth(i).inner_text() for i in (3, 5, 6)] == ["5.16", "3.40", "1.76"]
    page.locator("summary", has_text="Borgen › Borgen").click()
    assert "70 places × 0.5 hour/week" in page.locator("details[open] pre").first.inner_text()
    page.go_back()
    page.get_by_label("Upload a file").set_input_files(str(EXAMPLE_INVENTORY))
    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == "normkit.csv"
    assert saved.read_text(encoding="utf-8").startswith("municipality,kommunenummer,level")
    assert problems == []


def test_the_form_is_usable_with_a_keyboard(browser: Any, server: str) -> None:
    page, problems = _page(browser, f"{server}/")
    assert page.locator("html").get_attribute("lang") == "nb"
    focused = []
    for _ in range(10):  # the language links, then the form's fields in order
        page.keyboard.press("Tab")
        focused.append(page.evaluate("document.activeElement.id || document.activeElement.name"))
    start = focused.index("file")
    assert focused[start : start + 4] == ["file", "example", "norms", "at"]
    assert "format" in focused[start + 4 :]  # the buttons are reached too
    assert problems == []


def test_a_name_that_is_markup_is_text(browser: Any, server: str, tmp_path: Path) -> None:
    hostile = tmp_path / "hostile.yaml"
    hostile.write_text(
        'facilities:\n  - name: "<script>alert(1)</script>"\n    staffing: 1\n    units:\n'
        '      - {name: "<img src=x onerror=alert(2)>", bed_type: long_term, beds: 30}\n',
        encoding="utf-8",
    )
    page, problems = _page(browser, f"{server}/?lang=en")
    page.get_by_label("Upload a file").set_input_files(str(hostile))
    page.get_by_role("button", name="Show the report").click()
    page.wait_for_load_state("load")
    assert page.locator("script").count() == 0
    assert "<script>alert(1)</script>" in page.locator("table").first.inner_text()
    assert problems == []
