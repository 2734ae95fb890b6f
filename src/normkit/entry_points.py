"""The ``normkit`` entry points of the installed distributions, found without delay.

``importlib.metadata`` finds them by reading every installed distribution, and
its import alone (email, zipfile, csv and more) takes about a tenth of
``normkit plugins``. What it found is kept between runs (:mod:`normkit.cache`,
``entry_points.json``) under a stamp of what is installed: every ``*.dist-info``,
``*.egg-info`` and ``*.egg`` on ``sys.path``, with the size and time of its
``entry_points.txt``. Installing, removing, upgrading or reinstalling a
distribution changes the stamp, so the next start asks ``importlib.metadata``
again; a kept list is never used for another set of installed distributions.
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

    if directory() is None:  # the cache is off: no stamp to compute
        return _from_metadata(group)
    key = f"{group}|{installed_stamp(sys.path)}"
    kept = _answers().get(key, _is_entry_point_list)
    if kept is not MISSING:
        return [EntryPoint(*row) for row in kept]
    found = _from_metadata(group)
    _answers().put(key, [[e.name, e.value, e.distribution, e.version] for e in found])
    return found


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
    """A hash of the distributions on ``path``: each one's folder name (which holds
    its version) and the size and time of its ``entry_points.txt``."""
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
            inner = "EGG-INFO" if name.lower().endswith(".egg") else ""
            points = os.path.join(folder, name, inner, "entry_points.txt")
            digest.update(f"{name}|{_stat(points)}\0".encode())
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
