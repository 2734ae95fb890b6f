"""docs/how-to/serve.md: every curl command in it, run as written against a live server."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
PAGE = ROOT / "docs" / "how-to" / "serve.md"
BLOCKS = re.compile(r"^```bash\n(.*?)^```", re.S | re.M)
COMMANDS = [
    line
    for block in BLOCKS.findall(PAGE.read_text(encoding="utf-8"))
    for line in block.splitlines()
    if line.startswith("curl ")
]


def test_the_page_has_curl_examples() -> None:
    assert len(COMMANDS) >= 10


@pytest.mark.parametrize("command", COMMANDS)
def test_each_curl_example_works(command: str, live_server: str, tmp_path: Path) -> None:
    if shutil.which("curl") is None:
        pytest.skip("curl is not installed")
    args = [
        arg.replace("http://127.0.0.1:8000", live_server).replace("@src/", f"@{ROOT}/src/")
        for arg in shlex.split(command)
    ]
    done = subprocess.run(
        [*args, "--fail-with-body", "--max-time", "60"],
        cwd=tmp_path,
        capture_output=True,
        timeout=90,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    saved = [args[i + 1] for i, a in enumerate(args) if a == "-o"]
    if saved:
        assert (tmp_path / saved[0]).read_bytes()[:2] == b"PK"  # a workbook
    elif "format=csv" in command:
        assert done.stdout.startswith(b"municipality,kommunenummer,level")
    else:
        document = json.loads(done.stdout)
        assert "error" not in document
        if command.endswith(
            "sarpsborg-nursing-homes-2020.yaml http://127.0.0.1:8000/v1/assess/upload"
        ):
            totals = document["totals"]  # as the page says: 5.16 needed, 3.40 staffed
            assert round(totals["norm_fte"], 2) == 5.16 and round(totals["staffed_fte"], 2) == 3.4
