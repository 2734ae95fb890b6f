"""What normkit keeps on disk between runs, so that a command starts fast.

Two kinds of answers are kept, each in a JSON file of its own:

- ``units.json``: pint's answers about units (the unit "places" is written
  ``place``; ``hour/week`` converts to ``hour/week/FTE``; 1 hour/week is so
  many hours a week). Building a norm set's rules asks pint such questions,
  and ``import pint`` alone takes longer than the rest of a command; with the
  answers kept, pint is imported only when a unit is met for the first time.
- ``headers.json``: a norm-set file's header (id, title, version, dates,
  municipality), by a hash of the file's bytes, its suffix and the limits in
  force, so that a plugin's file met before is registered without parsing it;
  it is parsed when its norm set is first used.

Each answer is a pure function of its key and of what :data:`DEPENDS` lists
for its file: normkit's own code and data that compute it, and the installed
packages that take part. The file records a fingerprint of those and is
ignored when any of them changes, so a kept answer is never stale. Only
answers are kept, never errors: a unit pint does not know, or a file that
does not parse, fails as it always did. Norm sets, inventories and results are
never kept. A file that cannot be read or written is ignored (a read-only home
works, only slower).

Where: ``$NORMKIT_CACHE_DIR``, else ``$XDG_CACHE_HOME/normkit``, else
``~/.cache/normkit``. ``NORMKIT_DISABLE_CACHE=1`` turns it off; :func:`clear`
(or deleting the folder) clears it.
"""

from __future__ import annotations

import atexit
import hashlib
import importlib.util
import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

ENV_CACHE_DIR = "NORMKIT_CACHE_DIR"
ENV_DISABLE_CACHE = "NORMKIT_DISABLE_CACHE"
#: answers one file keeps at most; more are used in this process but not written
MAX_ANSWERS = 10_000
#: what :meth:`Answers.get` gives for a question not answered yet
MISSING: Any = object()

HERE = Path(__file__).parent
#: what the answers of each file depend on: normkit's files (by their contents)
#: and installed packages (by where they are, their size and time)
DEPENDS: dict[str, tuple[tuple[Path, ...], tuple[str, ...]]] = {
    "units": ((HERE / "quantities.py", HERE / "quantities.definitions"), ("pint",)),
    "headers": (
        tuple(HERE / name for name in ("registry.py", "files.py", "values.py", "limits.py")),
        ("yaml", "pydantic"),
    ),
}


def directory() -> Path | None:
    """The cache folder, or None when the cache is turned off."""
    from .plugins import env_flag

    if env_flag(ENV_DISABLE_CACHE):
        return None
    chosen = os.environ.get(ENV_CACHE_DIR)
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "normkit"


def clear() -> None:
    """Delete every file normkit keeps (the folder itself stays)."""
    folder = directory()
    if folder is None or not folder.is_dir():
        return
    for pattern in ("*.json", "*.tmp"):
        for path in folder.glob(pattern):
            path.unlink(missing_ok=True)


def fingerprint(files: Iterable[Path], packages: Iterable[str]) -> str:
    """A hash of the Python running, the contents of ``files`` and where each of
    ``packages`` is installed (its size and time); "" when one cannot be read."""
    digest = hashlib.sha256(sys.version.encode() + b"\0")
    try:
        for path in files:
            digest.update(path.read_bytes() + b"\0")
        for name in packages:
            spec = importlib.util.find_spec(name)
            origin = spec.origin if spec is not None and spec.origin else ""
            found = os.stat(origin) if origin else None
            stamp = f"{name}|{origin}|{found.st_mtime_ns}|{found.st_size}" if found else name
            digest.update(stamp.encode() + b"\0")
    except (OSError, ValueError, ImportError):
        return ""
    return digest.hexdigest()


class Answers:
    """The answers kept in one file (a name in :data:`DEPENDS`).

    ``ask(key, compute, check)`` gives the kept answer when there is one that
    ``check`` accepts, else computes it and keeps it; what a process found is
    written to the file when the process ends. With the cache off (or what
    the answers depend on unknown) nothing is kept, not even in the process:
    every question is computed, as if there were no cache.
    """

    def __init__(self, name: str) -> None:
        folder = directory()
        self.fingerprint = fingerprint(*DEPENDS[name]) if folder is not None else ""
        self.path = folder / f"{name}.json" if folder is not None and self.fingerprint else None
        self._answers = self._read()
        self._new: dict[str, Any] = {}
        self._saved_at_exit = False

    def _read(self) -> dict[str, Any]:
        if self.path is None:
            return {}
        try:
            stored = json.loads(self.path.read_bytes())
        except (OSError, ValueError):
            return {}
        if not isinstance(stored, dict) or stored.get("fingerprint") != self.fingerprint:
            return {}
        answers = stored.get("answers")
        return answers if isinstance(answers, dict) else {}

    def ask(self, key: str, compute: Callable[[], Any], check: Callable[[Any], bool]) -> Any:
        found = self.get(key, check)
        if found is not MISSING:
            return found
        value = compute()  # may raise: errors are never kept
        self.put(key, value)
        return value

    def get(self, key: str, check: Callable[[Any], bool]) -> Any:
        """The kept answer if ``check`` accepts it, else :data:`MISSING`."""
        found = self._answers.get(key, MISSING)
        return found if found is not MISSING and check(found) else MISSING

    def put(self, key: str, value: Any) -> None:
        """Keep an answer (JSON data), in this process and, when it ends, in the file."""
        if self.path is None:
            return
        self._answers[key] = value
        if len(self._answers) <= MAX_ANSWERS:
            self._new[key] = value
            if not self._saved_at_exit:
                atexit.register(self.save)
                self._saved_at_exit = True

    def save(self) -> None:
        """Write the answers found in this process, beside those already in the file."""
        if self.path is None or not self._new:
            return
        answers = {**self._read(), **self._new}
        if len(answers) > MAX_ANSWERS:  # the file starts over rather than grow without end
            answers = self._new
        self._new = {}
        document = {"fingerprint": self.fingerprint, "answers": answers}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(
                prefix=self.path.name, suffix=".tmp", dir=self.path.parent
            )
        except OSError:
            return
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(document, out, ensure_ascii=False, sort_keys=True)
            os.replace(temporary, self.path)  # readers see the old file or the new one
        except OSError:
            Path(temporary).unlink(missing_ok=True)
