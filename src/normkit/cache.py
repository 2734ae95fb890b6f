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
- ``documents/``: what an installed YAML file up to :data:`MAX_DOCUMENT_BYTES`
  parsed to (its data and line map), by the same kind of hash, one file each,
  the least recently used going past :data:`MAX_DOCUMENTS` files or
  :data:`MAX_DOCUMENTS_SIZE` bytes: a plugin's manifest or norm set, or a
  shipped example, met before is read without PyYAML, whose import alone
  costs more than reading the answer. Its data is still validated on every
  run. A user's own file is never kept (``keep`` in
  :func:`normkit.files.read_document`, and :func:`normkit.files.installed_file`).
- ``entry_points.json``: the ``normkit`` entry points of the installed
  distributions, by a stamp of every distribution on ``sys.path`` (its folder
  and the size and time of its ``entry_points.txt``), so that a start with
  nothing installed or removed since does without ``importlib.metadata``
  (:mod:`normkit.entry_points`).

Each answer is a pure function of its key and of what :data:`DEPENDS` lists
for its file: normkit's own code and data that compute it, and the installed
packages that take part. The file records a fingerprint of those and is
ignored when any of them changes, so a kept answer is never stale. Only
answers are kept, never errors: a unit pint does not know, or a file that
does not parse, fails as it always did. Built norm sets and results are never
kept. A file that cannot be read or written is ignored (a read-only home
works, only slower).

Where: ``$NORMKIT_CACHE_DIR``, else ``$XDG_CACHE_HOME/normkit``, else
``~/.cache/normkit``. ``NORMKIT_DISABLE_CACHE=1`` turns it off; :func:`clear`
(or deleting the folder) clears it.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import importlib.util
import json
import os
import sys
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
    "documents": (tuple(HERE / name for name in ("files.py", "values.py", "limits.py")), ("yaml",)),
    "entry_points": ((HERE / "entry_points.py",), ()),
}
#: parsed documents kept at most (enough for every municipality's plugin installed),
#: and their size at most; past either, the least recently used go
MAX_DOCUMENTS = 2048
MAX_DOCUMENTS_SIZE = 64 * 1024 * 1024
#: larger files are not kept: norm files and manifests are a few KiB (the largest
#: a plugin here ships is under 10 KiB)
MAX_DOCUMENT_BYTES = 64 * 1024
#: nor is a document whose data, as JSON, is longer than this
_MAX_KEPT_CHARS = 4 * MAX_DOCUMENT_BYTES


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
    for pattern in ("*.json", "*.tmp", "documents/*.json", "documents/*.tmp"):
        for path in folder.glob(pattern):
            with contextlib.suppress(OSError):  # a folder or another user's file stays
                path.unlink()
    with contextlib.suppress(OSError):
        (folder / "documents").rmdir()


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

    def __init__(self, name: str, keep: int = MAX_ANSWERS) -> None:
        self.keep = keep
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
        if len(self._answers) <= self.keep:
            self._new[key] = value
            if not self._saved_at_exit:
                atexit.register(self.save)
                self._saved_at_exit = True

    def save(self) -> None:
        """Write the answers found in this process, beside those already in the file."""
        if self.path is None or not self._new:
            return
        answers = {**self._read(), **self._new}
        if len(answers) > self.keep:  # the file starts over rather than grow without end
            answers = self._new
        self._new = {}
        document = {"fingerprint": self.fingerprint, "answers": answers}
        _write(self.path, json.dumps(document, ensure_ascii=False, sort_keys=True))


class Documents:
    """Parsed documents, each kept in a file of its own under ``documents/``: they are
    larger than answers, and a run reads only the few it meets.

    ``get(key)`` gives the kept JSON value or :data:`MISSING`; ``put(key, value)``
    writes at once. A file's name is a hash of the key and of the fingerprint,
    so files kept by other code are never read. A file read is marked as used
    (its time set to now); past :data:`MAX_DOCUMENTS` files or
    :data:`MAX_DOCUMENTS_SIZE` bytes, the least recently used go, down to three
    quarters of each, so a folder at its limit is not listed at every new file.
    Nothing here raises: a folder that cannot be read or written costs time only.
    """

    def __init__(self) -> None:
        folder = directory()
        self.fingerprint = fingerprint(*DEPENDS["documents"]) if folder is not None else ""
        self.folder = folder / "documents" if folder is not None and self.fingerprint else None
        self._files: int | None = None  # counted once, at the first file kept
        self._size = 0

    def _path(self, key: str) -> Path | None:
        if self.folder is None:
            return None
        name = hashlib.sha256(f"{self.fingerprint}|{key}".encode()).hexdigest()
        return self.folder / f"{name}.json"

    def get(self, key: str) -> Any:
        path = self._path(key)
        if path is None:
            return MISSING
        try:
            found = json.loads(path.read_bytes())
            os.utime(path)  # used: the last to go
        except (OSError, ValueError, RecursionError):
            return MISSING
        return found

    def put(self, key: str, value: Any) -> None:
        path = self._path(key)
        if path is None:
            return
        try:
            # ASCII: a YAML escape can make a lone surrogate, which UTF-8 cannot hold.
            text = json.dumps(value)
        except (TypeError, ValueError, RecursionError):
            return  # not JSON: not kept
        if len(text) > _MAX_KEPT_CHARS:  # YAML aliases can repeat a small file's nodes
            return
        if not _write(path, text):
            return
        if self._files is None:
            self._files, self._size = self._count()
        else:
            self._files, self._size = self._files + 1, self._size + len(text)
        if self._files > MAX_DOCUMENTS or self._size > MAX_DOCUMENTS_SIZE:
            self._files, self._size = self._prune()

    def _listed(self) -> list[tuple[int, int, Path]]:
        """Each kept file's last use, size and path; those that vanish meanwhile are left out."""
        assert self.folder is not None
        listed = []
        try:
            entries = list(os.scandir(self.folder))
        except OSError:
            return []
        for entry in entries:
            if entry.name.endswith(".json"):
                try:
                    found = entry.stat()
                except OSError:
                    continue
                listed.append((found.st_mtime_ns, found.st_size, Path(entry.path)))
        return listed

    def _count(self) -> tuple[int, int]:
        listed = self._listed()
        return len(listed), sum(size for _, size, _ in listed)

    def _prune(self) -> tuple[int, int]:
        """Remove the least recently used files; how many, and how large, are left."""
        listed = sorted(self._listed(), reverse=True)  # the most recently used first
        files, size = 0, 0
        for _, bytes_, path in listed:
            if files < MAX_DOCUMENTS * 3 // 4 and size + bytes_ <= MAX_DOCUMENTS_SIZE * 3 // 4:
                files, size = files + 1, size + bytes_
                continue
            with contextlib.suppress(OSError):  # another process's, or already gone
                path.unlink()
        return files, size


def _write(path: Path, text: str) -> bool:
    """Write ``text`` to ``path`` whole or not at all; False when it could not be written."""
    import tempfile  # only when something new is kept: shutil, random and more

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    except OSError:
        return False
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, path)  # readers see the old file or the new one
    except OSError:
        Path(temporary).unlink(missing_ok=True)
        return False
    return True
