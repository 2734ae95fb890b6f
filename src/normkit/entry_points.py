"""The ``normkit`` entry points of the installed distributions, found without delay.

``importlib.metadata`` finds them by reading every installed distribution's
entry points: about 20 ms in a venv of 150 packages here (pydantic imports
``importlib.metadata`` anyway, for its own plugins, so the import is not what
this spares). What it found is kept between runs (:mod:`normkit.cache`,
``entry_points.json``) under a stamp of what is installed: every ``*.dist-info``,
``*.egg-info`` and ``*.egg`` on ``sys.path``, with the size and time of its
``entry_points.txt`` and metadata. Installing, removing, upgrading or
reinstalling a distribution changes the stamp, so the next start asks
``importlib.metadata`` again. The stamp sees the folders on ``sys.path`` only,
so nothing is kept or used while an import hook that finds distributions
elsewhere is installed; nor is what a replaced ``importlib.metadata`` (a test
hiding plugins) found kept.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import os
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .cache import Answers

#: the entry-point group of normkit's plugins
ENTRY_POINT_GROUP = "normkit"
#: what importlib.metadata reads an entry point's value as: module, attributes, extras
_VALUE = re.compile(r"(?P<module>[\w.]+)\s*(:\s*(?P<attrs>[\w.]+)\s*)?(\[.*\]\s*)?$")
_INFO = (".dist-info", ".egg-info", ".egg")


@dataclass(frozen=True)
class EntryPoint:
    """One entry point: its name, ``module:attribute`` value and distribution."""

    name: str
    value: str
    distribution: str | None
    version: str | None

    @property
    def module(self) -> str:
        return self.value.partition(":")[0].strip()

    def load(self) -> Any:
        """Import the module and return the object the value names, as importlib.metadata does."""
        match = _VALUE.match(self.value.strip())
        if match is None:
            raise ValueError(f"entry point '{self.name}' has a malformed value: {self.value!r}")
        found: Any = importlib.import_module(match.group("module"))
        for attribute in filter(None, (match.group("attrs") or "").split(".")):
            found = getattr(found, attribute)
        return found


def entry_points(group: str) -> list[EntryPoint]:
    """The group's entry points, ordered by name then value (a fixed load order)."""
    from .cache import MISSING, directory

    # Kept only when the stamp sees every distribution there is: none come from an
    # import hook of another kind than the folders on sys.path.
    if directory() is None or not _distributions_on_path_only():
        return _from_metadata(group)
    key = f"{group}|{installed_stamp(sys.path)}"
    kept = _answers().get(key, _is_entry_point_list)
    if kept is not MISSING:
        return [EntryPoint(*row) for row in kept]
    found = _from_metadata(group)
    if _metadata_as_installed():
        _answers().put(key, [[e.name, e.value, e.distribution, e.version] for e in found])
    return found


def _distributions_on_path_only() -> bool:
    """Whether every import hook that finds distributions looks in the folders on
    sys.path only: the standard library's, or the importlib_metadata backport's
    (which puts itself in the standard one's place when something imports it)."""
    from importlib.machinery import PathFinder

    for finder in sys.meta_path:
        if finder is PathFinder or not hasattr(finder, "find_distributions"):
            continue
        kind = type(finder)
        if (kind.__module__, kind.__qualname__) != ("importlib_metadata", "MetadataPathFinder"):
            return False
    return True


def _metadata_as_installed() -> bool:
    """False when importlib.metadata's functions are replaced (a test hiding plugins,
    say): what they found is not what is installed, so it is not kept."""
    from importlib import metadata

    return all(
        getattr(function, "__module__", None) == metadata.__name__
        for function in (metadata.entry_points, metadata.distributions)
    )


def _from_metadata(group: str) -> list[EntryPoint]:
    from importlib import metadata

    found = []
    # importlib.metadata's EntryPoint orders by name, then value and group.
    for ep in sorted(metadata.entry_points(group=group)):
        dist = ep.dist  # set for every entry point importlib.metadata finds
        name, version = (dist.name, dist.version) if dist is not None else (None, None)
        found.append(EntryPoint(ep.name, ep.value, name, version))
    return found


def installed_stamp(path: Sequence[str]) -> str:
    """A hash of the distributions on ``path``: each one's folder name, and the size
    and time of its ``entry_points.txt`` and of its metadata (which holds its version:
    an egg-info folder's name does not)."""
    digest = hashlib.sha256()
    for entry in path:
        folder = entry or "."
        digest.update(f"{entry}\0".encode())
        try:
            with os.scandir(folder) as listed:
                names = sorted(e.name for e in listed if e.name.lower().endswith(_INFO))
        except OSError:  # a zip file, or a folder that is gone
            digest.update(_stat(folder).encode() + b"\0")
            continue
        for name in names:
            lower = name.lower()
            inner = os.path.join(folder, name, "EGG-INFO" if lower.endswith(".egg") else "")
            about = "METADATA" if lower.endswith(".dist-info") else "PKG-INFO"
            points, metadata = (os.path.join(inner, f) for f in ("entry_points.txt", about))
            digest.update(f"{name}|{_stat(points)}|{_stat(metadata)}\0".encode())
    return digest.hexdigest()


def _stat(path: str) -> str:
    try:
        found = os.stat(path)
    except OSError:
        return "-"
    return f"{found.st_mtime_ns}|{found.st_size}"


def _is_entry_point_list(kept: Any) -> bool:
    return isinstance(kept, list) and all(
        isinstance(row, list)
        and len(row) == 4
        and isinstance(row[0], str)
        and isinstance(row[1], str)
        and all(v is None or isinstance(v, str) for v in row[2:])
        for row in kept
    )


@functools.cache
def _answers() -> Answers:
    from .cache import Answers

    # A few sets of installed distributions (venvs sharing one cache folder).
    return Answers("entry_points", keep=16)
