"""The HTML report in a real browser: Debian's Chromium, driven by Playwright.

Playwright is pointed at the system's Chromium (``/usr/bin/chromium``, Debian's
``chromium`` package), never a browser it downloads. Without it the tests
skip, unless ``NORMKIT_REQUIRE_BROWSER=1`` (CI sets it after installing the
package), when they fail instead.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from click.testing import CliRunner

from normkit.cli import app


def _write(tmp_path: Path, *args: str) -> Path:
    target = tmp_path / "report.html"
    result = CliRunner().invoke(app, [*args, "--format", "html", "--output", str(target)])
    assert result.exit_code == 0, result.stderr
    return target


def _open(browser: Any, page_file: Path) -> tuple[Any, list[str]]:
    """The page, and every console error, uncaught exception, dialog or request it made."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems: list[str] = []
    page.on(
        "console",
        lambda m: (
            problems.append(f"console {m.type}: {m.text}")
            if m.type in ("error", "warning")
            else None
        ),
    )
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
    page.on(
        "request",
        lambda r: (
            None if r.url.startswith(("file:", "data:")) else problems.append(f"request {r.url}")
        ),
    )
    page.goto(page_file.as_uri())
    page.wait_for_load_state("load")
    return page, problems


def test_the_assessment_opens_without_errors_and_explains(browser: Any, tmp_path: Path) -> None:
    page, problems = _open(browser, _write(tmp_path, "assess", "--explain"))
    total = page.locator("tr.total")
    assert total.locator("td").nth(3).inner_text() == "5.16"
    assert [total.locator("td").nth(i).inner_text() for i in (5, 6)] == ["3.40", "1.76"]
    borgen = page.locator("summary", has_text="Borgen › Borgen")
    explanation = page.locator("details", has=borgen).locator("pre")
    assert not explanation.is_visible()  # folded until asked for
    borgen.click()
    assert "70 places × 0.5 hour/week per place" in explanation.inner_text()
    images = page.locator("figure img")
    assert images.count() == 2
    for i in range(images.count()):
        assert images.nth(i).evaluate("img => img.complete && img.naturalWidth > 0")
        assert images.nth(i).get_attribute("alt")
    page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
    assert problems == []


def test_a_plan_with_its_charts_opens_without_errors(browser: Any, tmp_path: Path) -> None:
    page, problems = _open(
        browser, _write(tmp_path, "plan", "--years", "2020-2022", "--lang", "nb")
    )
    assert page.locator("html").get_attribute("lang") == "nb"
    assert page.locator("figure img").count() >= 2
    assert problems == []


def test_a_name_that_is_markup_stays_text(browser: Any, tmp_path: Path) -> None:
    hostile = tmp_path / "hostile.yaml"
    hostile.write_text(
        'facilities:\n  - name: "<script>alert(1)</script>"\n    staffing: 1\n    units:\n'
        '      - {name: "<img src=x onerror=alert(2)>", bed_type: long_term, beds: 30}\n',
        encoding="utf-8",
    )
    page, problems = _open(browser, _write(tmp_path, "assess", str(hostile)))
    assert page.locator("script").count() == 0
    assert "<script>alert(1)</script>" in page.locator("table").first.inner_text()
    assert problems == []


def test_it_prints_on_a4_with_the_explanations(browser: Any, tmp_path: Path) -> None:
    """Printed (A4 landscape, about 1 050 px between the margins), every column fits on
    the page, and the explanations folded on screen are printed out."""
    page, problems = _open(browser, _write(tmp_path, "assess", "--explain", "--lang", "nb"))
    page.set_viewport_size({"width": 1050, "height": 800})
    page.emulate_media(media="print")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1050
    printed = page.locator(".printed", has_text="Borgen › Borgen")
    assert printed.is_visible() and "70 places × 0.5 hour/week" in printed.inner_text()
    assert not page.locator("details").first.is_visible()
    assert len(page.pdf(format="A4", landscape=True)) > 10_000
    assert problems == []
