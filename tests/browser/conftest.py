"""Debian's Chromium, driven by Playwright, for the tests that need a real browser.

Playwright is pointed at the system's Chromium (``/usr/bin/chromium``, Debian's
``chromium`` package), never a browser it downloads. Without it the tests
skip, unless ``NORMKIT_REQUIRE_BROWSER=1`` (CI sets it after installing the
package), when they fail instead.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Without these, Chromium reaches for Google's hosts at start, which a closed network refuses.
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _missing(reason: str) -> None:
    if os.environ.get("NORMKIT_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (NORMKIT_REQUIRE_BROWSER=1)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("playwright is not installed")
    if not Path(CHROMIUM).exists():
        _missing(f"Chromium is not installed ({CHROMIUM}); apt-get install chromium")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield launched
        launched.close()
