"""Shared fixtures: an isolated kit and the bundled example."""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

import normkit

# normkit keeps nothing between runs while testing (normkit.cache): every test sees
# what a first run sees, never the user's cache, and a mutant is never hidden by an
# answer kept from before it. tests/test_startup.py turns the cache on to test it.
os.environ["NORMKIT_DISABLE_CACHE"] = "1"

EXAMPLE = Path(normkit.__file__).parent / "examples" / "sarpsborg-nursing-homes-2020.yaml"
APRIL_2020 = dt.date(2020, 4, 1)


@pytest.fixture
def kit() -> normkit.Kit:
    """Only the built-in national plugin: installed plugins cannot change the figures."""
    return normkit.Kit(autoload=False)


@pytest.fixture
def example() -> normkit.Inventory:
    return normkit.load_inventory(EXAMPLE)


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write a dedented text file into tmp_path and return its path."""

    def _write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
        return path

    return _write


@pytest.fixture
def installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    """Install plugin modules as a real distribution with `normkit` entry points."""

    def install(dist: str, /, requires: Sequence[str] = (), **modules: str) -> None:
        for name, code in modules.items():
            (tmp_path / f"{name}.py").write_text(textwrap.dedent(code), encoding="utf-8")
        # The folder's name as wheels write it (importlib.metadata reads the name up to
        # the first "-": "normkit-a-1.0" and "normkit-b-1.0" would both be "normkit").
        info = tmp_path / f"{re.sub(r'[-_.]+', '_', dist)}-1.0.dist-info"
        info.mkdir()
        needs = "".join(f"Requires-Dist: {r}\n" for r in requires)
        (info / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.0\n{needs}"
        )
        points = "\n".join(f"{name} = {name}" for name in modules)
        (info / "entry_points.txt").write_text(f"[normkit]\n{points}\n")
        monkeypatch.syspath_prepend(str(tmp_path))
        for name in modules:  # a module another test imported is imported afresh
            monkeypatch.delitem(sys.modules, name, raising=False)

    return install


# Hypothesis profiles: "ci" (the default, which the README's test command and CI
# run) tries 500 examples per strategy; "long" 10 000, for a deeper search
# before a release; "dev" 50, for quick local runs. Choose with HYPOTHESIS_PROFILE.
settings.register_profile("ci", max_examples=500, deadline=None)
settings.register_profile("long", max_examples=10_000, deadline=None)
settings.register_profile("dev", max_examples=50, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def raw(tmp_path: Path) -> Callable[[str, bytes | str], Path]:
    """Write exact bytes (or text as UTF-8, undented) to a file in tmp_path."""

    def write(name: str, content: bytes | str) -> Path:
        path = tmp_path / name
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        return path

    return write


@pytest.fixture(scope="session")
def live_server() -> Any:
    """normkit's HTTP server (uvicorn, every installed plugin) on a free loopback port."""
    pytest.importorskip("fastapi")
    uvicorn = pytest.importorskip("uvicorn")
    import socket
    import threading
    import time

    from normkit.server import create_app

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(
        create_app(normkit.Kit()), host="127.0.0.1", port=port, log_level="error"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=5)
