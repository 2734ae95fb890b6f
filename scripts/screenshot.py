"""Take the screenshots in the docs: the HTML report of the bundled example in Chromium.

    python scripts/screenshot.py

Writes docs/images/report-assess.png (English) and docs/images/report-plan-nb.png
(a plan in Norwegian). Needs the report extra, playwright and Debian's chromium.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from click.testing import CliRunner

from normkit.cli import app

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))

from conftest import CHROMIUM, FLAGS  # noqa: E402

SHOTS = {
    "report-assess.png": ["assess", "--explain"],
    "report-plan-nb.png": [
        "plan",
        "--norms",
        "Sarpsborg",
        "--scenario",
        "sarpsborg-programme",
        "--years",
        "2020-2026",
        "--lang",
        "nb",
    ],
}


def main() -> None:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        for name, args in SHOTS.items():
            page_file = Path(folder) / "report.html"
            result = CliRunner().invoke(app, [*args, "--format", "html", "-o", str(page_file)])
            if result.exit_code:
                raise SystemExit(result.stderr)
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            page.goto(page_file.as_uri())
            if "--explain" in args:
                page.locator("summary", has_text="Borgen › Borgen").click()
            target = ROOT / "docs" / "images" / name
            page.screenshot(path=str(target), full_page=False)
            sys.stdout.write(f"wrote {target.relative_to(ROOT)}\n")
        browser.close()


if __name__ == "__main__":
    main()
