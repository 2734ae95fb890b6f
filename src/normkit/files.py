"""Reading YAML, TOML and JSON documents with line numbers for error messages.

``read_document`` returns the data and a :class:`LineMap` that answers
"which line holds field needs.2.rule.amount?". YAML gives exact lines; JSON and
TOML give field paths only (their parsers keep no positions).
"""

from __future__ import annotations

import functools
import json
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .errors import Location, NormkitError

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class LineMap:
    """Field path → 1-based line, for files whose parser reports positions."""

    file: str
    lines: Mapping[Path_, int] = field(default_factory=dict)

    def line_of(self, path: Sequence[str | int]) -> int | None:
        key = tuple(path)
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key[:-1]
        return self.lines.get((), None)

    def locate(self, path: Sequence[str | int], offset: Path_ = ()) -> Location:
        full = tuple(offset) + tuple(path)
        return Location(self.file, self.line_of(full), dotted(full) or None)


def split_path(field: str) -> tuple[str | int, ...]:
    """'needs[2].rule.amount' → ('needs', 2, 'rule', 'amount'), the inverse of :func:`dotted`."""
    parts: list[str | int] = []
    for piece in re.findall(r"[^.\[\]]+|\[\d+\]", field):
        parts.append(int(piece[1:-1]) if piece.startswith("[") else piece)
    return tuple(parts)


def dotted(path: Sequence[str | int]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def read_document(path: str | Path, error: type[NormkitError]) -> tuple[Any, LineMap]:
    """Parse a YAML, TOML or JSON file by its suffix; errors name the file and line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error("file not found", Location(str(path))) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"cannot read file: {exc}", Location(str(path))) from None
    suffix = path.suffix.lower()
    if suffix in {".yaml", ".yml"}:
        return _read_yaml(text, str(path), error)
    if suffix == ".toml":
        try:
            return tomllib.loads(text), LineMap(str(path))
        except tomllib.TOMLDecodeError as exc:
            raise error(f"invalid TOML: {exc}", Location(str(path))) from None
    if suffix == ".json":
        try:
            return json.loads(text), LineMap(str(path))
        except json.JSONDecodeError as exc:
            raise error(f"invalid JSON: {exc.msg}", Location(str(path), exc.lineno)) from None
    raise error(
        f"unsupported file type '{suffix or path.name}'",
        Location(str(path)),
        "use .yaml, .yml, .toml or .json",
    )


@functools.cache
def _loader() -> Any:
    """A safe loader that leaves dates as text, so pydantic reports a bad one with its field.

    Built on libyaml's parser when PyYAML has it (several times faster at
    registering plugins' norm files); the resolver and constructor stay the safe ones.
    """
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class Loader(base):  # type: ignore[valid-type, misc]
        pass

    Loader.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return Loader


def _read_yaml(text: str, file: str, error: type[NormkitError]) -> tuple[Any, LineMap]:
    import yaml

    loader = _loader()(text)
    lines: dict[Path_, int] = {}
    try:
        # One parse: the node tree gives the lines (walked before construction,
        # which merges '<<' keys into it), then becomes the data.
        node = loader.get_single_node()
        if node is not None:
            _walk(node, (), lines)
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise error(f"invalid YAML: {problem}", Location(file, line)) from None
    except DuplicateKey as dup:
        raise error(
            f"key '{dup.key}' appears twice in the same mapping",
            Location(file, dup.line, dup.field),
            "YAML would silently keep only the last one",
        ) from None
    finally:
        loader.dispose()
    return data, LineMap(file, lines)


class DuplicateKey(Exception):
    def __init__(self, key: str, line: int, field: str):
        super().__init__(key)
        self.key, self.line, self.field = key, line, field


def _walk(node: Any, path: Path_, lines: dict[Path_, int], file: str = "") -> None:
    import yaml

    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            name = str(key.value)
            if name in seen and name != "<<":
                raise DuplicateKey(name, key.start_mark.line + 1, dotted((*path, name)))
            seen.add(name)
            child = (*path, name)
            lines[child] = key.start_mark.line + 1
            _walk(value, child, lines, file)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), lines, file)


def convert_validation_error(
    exc: ValidationError,
    lines: LineMap,
    error: type[NormkitError],
    offset: Path_ = (),
) -> NormkitError:
    """Turn pydantic's error into one of ours naming file, line and field.

    Only the first problem is raised, with a count of the rest: a planner
    fixes one thing at a time, and the first is usually the cause.
    """
    problems = exc.errors(include_url=False)
    first = problems[0]
    path = [p for p in first["loc"] if not (isinstance(p, str) and p.startswith("function-"))]
    original = (first.get("ctx") or {}).get("error")
    hint = None
    if isinstance(original, NormkitError):
        message = original.message
        hint = original.hint
        if original.location.field:
            extra = list(split_path(original.location.field))
            if path[-len(extra) :] != extra:
                path.extend(extra)
    else:
        message = first["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
        if first["type"] == "missing":
            message = "required field is missing"
        elif first["type"] == "extra_forbidden":
            message = "unknown field"
            hint = "check the spelling against the file formats in docs/reference/file-formats.md"
    more = len(problems) - 1
    if more:
        message += f" (and {more} more problem{'s' if more > 1 else ''})"
    converted = error(message, lines.locate(path, offset), hint)
    converted.original = original if isinstance(original, NormkitError) else None
    return converted
