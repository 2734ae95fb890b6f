"""Write docs/openapi.json, the HTTP API's description as the server serves it.

    python scripts/openapi.py

A test fails when the file and the server disagree. Written with only the
built-in plugin, so the file does not depend on what is installed.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import normkit
from normkit.server import create_app

TARGET = Path(__file__).resolve().parents[1] / "docs" / "openapi.json"


def document() -> str:
    app = create_app(normkit.Kit(autoload=False))
    return json.dumps(app.openapi(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


if __name__ == "__main__":
    TARGET.write_text(document(), encoding="utf-8")
    sys.stdout.write(f"wrote {TARGET}\n")
