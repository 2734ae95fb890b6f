"""Reading YAML, TOML and JSON documents safely, with line numbers for error messages.

``read_document`` returns the data and a :class:`LineMap` that answers
"which line holds field needs.2.rule.amount?". YAML gives exact lines; JSON and
TOML give field paths only (their parsers keep no positions).

Every file is hostile until parsed. Reading is bounded (:mod:`normkit.limits`):
file size, nesting depth, text length, and for YAML the nodes its aliases may
repeat, so a few hundred bytes of nested aliases ("billion laughs") are refused
after a few hundred events instead of exhausting memory. YAML is composed here,
event by event, so that aliased nodes are never walked twice and nothing
recurses on the input's depth. Duplicate keys are errors in all three formats,
and YAML 1.1's surprising scalars (``010`` as octal, ``1:30`` as 90) are kept as
text that number fields refuse (:class:`normkit.values.YamlAmbiguous`).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .cache import MAX_DOCUMENT_BYTES, Documents
from .errors import Location, NormkitError
from .limits import DEFAULT, Limits
from .values import YamlAmbiguous, clipped, read_float_text, spaced

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class LineMap:
    """Field path → 1-based line, for files whose parser reports positions."""

    file: str | None
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


NO_FILE = LineMap(None)


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


def refuse_folder(path: Path, error: type[NormkitError]) -> None:
    """A folder where a file is expected is said so, before its name's suffix is judged."""
    if path.is_dir():
        raise error("is a folder, not a file", Location(str(path)), code="file.unreadable")


#: the files read while a command runs, when it asks (:func:`noting_reads`)
_READ: ContextVar[set[Path] | None] = ContextVar("normkit_files_read", default=None)


@contextlib.contextmanager
def noting_reads() -> Iterator[set[Path]]:
    """Note every file read within the block (resolved), so that a command's output is
    never written over one of them: a file named on the command line, or one reached
    through it (a scenario's ``extends``, a folder's norm files)."""
    read: set[Path] = set()
    token = _READ.set(read)
    try:
        yield read
    finally:
        _READ.reset(token)


def note_read(path: Path) -> None:
    """Note ``path`` as read, when a command is noting (:func:`noting_reads`)."""
    read = _READ.get()
    if read is not None:
        read.add(path.resolve())


def files_read() -> frozenset[Path]:
    """The files read so far within :func:`noting_reads` (none outside it)."""
    return frozenset(_READ.get() or ())


def read_bytes(path: Path, limit: int, error: type[NormkitError]) -> bytes:
    """The file's bytes, refusing more than ``limit`` without reading past it."""
    file = str(path)
    try:
        with path.open("rb") as handle:
            note_read(path)
            data = handle.read(limit + 1)
    except FileNotFoundError:
        raise error("file not found", Location(file), code="file.not-found") from None
    except IsADirectoryError:
        raise error("is a folder, not a file", Location(file), code="file.unreadable") from None
    except OSError as exc:
        raise error(
            f"cannot read file: {exc.strerror or exc}", Location(file), code="file.unreadable"
        ) from None
    if len(data) > limit:
        raise error(
            # Thousands spaced as in Norwegian, without touching the sentence's comma.
            f"file is larger than {spaced(limit)} bytes" + ", the limit for this kind of file",
            Location(file),
            "raise the limit (normkit.Limits, or the NORMKIT_MAX_* environment variables) "
            "if the file is genuine",
            code="file.too-large",
        )
    return data


def line_of_offset(data: bytes | str, offset: int) -> int:
    newline: Any = b"\n" if isinstance(data, bytes) else "\n"
    return data.count(newline, 0, offset) + 1


def decode_utf8(data: bytes, file: str, error: type[NormkitError]) -> str:
    """UTF-8 text (a byte-order mark is dropped); an error names the first bad byte's line."""
    skip = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    try:
        return data[skip:].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise error(
            f"is not UTF-8 text: byte 0x{data[skip + exc.start]:02X} cannot be decoded",
            Location(file, line_of_offset(data, skip + exc.start)),
            "save the file as UTF-8",
            code="file.encoding",
        ) from None


def read_document(
    path: str | Path, error: type[NormkitError], limits: Limits = DEFAULT, keep: bool = False
) -> tuple[Any, LineMap]:
    """Parse a YAML, TOML or JSON file by its suffix; errors name the file and line.

    ``keep``: a YAML file's parse may be kept in normkit's cache for the next run
    (asked for norm sets, manifests and examples); it is kept only when the file
    is an installed package's (:func:`installed_file`), never a user's own.
    """
    path = Path(path)
    return parse_document(path, document_bytes(path, error, limits), error, limits, keep)


def document_bytes(path: Path, error: type[NormkitError], limits: Limits = DEFAULT) -> bytes:
    """A YAML, TOML or JSON file's bytes, within the limits: :func:`read_document` up to
    the parsing, which :func:`parse_document` does."""
    suffix = path.suffix.lower()
    refuse_folder(path, error)
    if suffix not in {".yaml", ".yml", ".toml", ".json"}:
        raise error(
            f"unsupported file type '{suffix or path.name}'",
            Location(str(path)),
            "use .yaml, .yml, .toml or .json",
            code="file.type",
        )
    return read_bytes(path, limits.max_document_bytes, error)


def parse_document(
    path: Path, raw: bytes, error: type[NormkitError], limits: Limits = DEFAULT, keep: bool = False
) -> tuple[Any, LineMap]:
    """The bytes :func:`document_bytes` read from ``path``, parsed by the file's suffix
    (``keep``: as :func:`read_document`)."""
    file = str(path)
    suffix = path.suffix.lower()
    if suffix in {".yaml", ".yml"}:
        if not keep or _documents().folder is None or not installed_file(path):
            return _read_yaml(decode_utf8(raw, file, error), file, error, limits)
        # Kept from an earlier run: PyYAML's import alone costs more than the whole read.
        key = hashlib.sha256(f"{suffix}|{limits!r}|".encode() + raw).hexdigest()
        kept = _kept_document(key, file, error, limits)
        if kept is not None:
            return kept
        data, lines = _read_yaml(decode_utf8(raw, file, error), file, error, limits)
        if len(raw) <= MAX_DOCUMENT_BYTES and _is_plain_json(data):
            kept_lines = [[list(where), line] for where, line in lines.lines.items()]
            _documents().put(key, {"data": data, "lines": kept_lines})
        return data, lines
    text = decode_utf8(raw, file, error)
    data = _read_toml(text, file, error) if suffix == ".toml" else read_json(text, file, error)
    check_shape(data, file, error, limits)
    return data, LineMap(file)


@functools.cache
def _documents() -> Documents:
    return Documents()


def installed_file(path: Path) -> bool:
    """Whether ``path`` is a file of an installed package: normkit's own, one in a
    site-packages folder, or one in the package of an installed plugin (its
    ``normkit`` entry point's, editable installs included). Only such files are kept
    parsed: never a user's own, even one a plugin object registers from the user's
    folder."""
    return os.path.realpath(path).startswith(_installed_folders())


@functools.cache
def _installed_folders() -> tuple[str, ...]:
    import importlib.util
    import site

    from .entry_points import ENTRY_POINT_GROUP, entry_points

    folders = [os.path.dirname(os.path.abspath(__file__))]  # normkit's own files
    folders += getattr(site, "getsitepackages", list)()
    if site.ENABLE_USER_SITE:
        folders.append(site.getusersitepackages())
    for point in entry_points(ENTRY_POINT_GROUP):
        try:  # where the plugin's package is, without importing it
            spec = importlib.util.find_spec(point.module.partition(".")[0])
        except (ImportError, ValueError):
            continue
        if spec is not None and spec.submodule_search_locations:
            folders.extend(spec.submodule_search_locations)
    return tuple(os.path.join(os.path.realpath(f), "") for f in folders if f)


def _kept_document(
    key: str, file: str, error: type[NormkitError], limits: Limits
) -> tuple[Any, LineMap] | None:
    """A document parsed in an earlier run, or None (then the file is parsed)."""
    kept = _documents().get(key)
    if not isinstance(kept, dict) or not isinstance(kept.get("lines"), list) or "data" not in kept:
        return None
    lines: dict[Path_, int] = {}
    for pair in kept["lines"]:
        if not (isinstance(pair, list) and len(pair) == 2 and isinstance(pair[0], list)):
            return None
        path, line = pair
        if type(line) is not int or not all(type(p) in (str, int) for p in path):
            return None
        lines[tuple(path)] = line
    try:  # within the limits, as the file was when it was parsed (if the kept one is not,
        # it was not kept by this code: the file itself is read)
        check_shape(kept["data"], file, error, limits)
    except NormkitError:
        return None
    return kept["data"], LineMap(file, lines)


def _is_plain_json(data: Any) -> bool:
    """Whether ``data`` comes back from JSON as it is: texts as keys, no other types
    than JSON's (a YAML 1.1 number kept as :class:`YamlAmbiguous` is not), and no
    surrogate in a text (JSON would join two into one character)."""
    stack = [data]
    while stack:
        value = stack.pop()
        kind = type(value)
        if kind is dict:
            if not all(type(k) is str and _plain_text(k) for k in value):
                return False
            stack.extend(value.values())
        elif kind is list:
            stack.extend(value)
        elif kind is str:
            if not _plain_text(value):
                return False
        elif kind not in (int, float, bool, type(None)):
            return False
    return True


_SURROGATE = re.compile("[\ud800-\udfff]")


def _plain_text(text: str) -> bool:
    return text.isascii() or _SURROGATE.search(text) is None


def check_shape(data: Any, file: str | None, error: type[NormkitError], limits: Limits) -> None:
    """Refuse data nested deeper than the limits, too large, or with an over-long text.

    Walks the data without recursion.
    """
    stack: list[tuple[Any, int]] = [(data, 0)]
    values = 0
    while stack:
        value, depth = stack.pop()
        values += 1
        if values > limits.max_document_values:
            raise error(
                _too_many_values_message(limits),
                Location(file),
                _TOO_MANY_VALUES_HINT,
                code="file.too-many-values",
            )
        if isinstance(value, str):
            if len(value) > limits.max_text_chars:
                raise error(
                    f"a text of {len(value)} characters is longer than the limit of "
                    f"{limits.max_text_chars}",
                    Location(file),
                    code="file.text-too-long",
                )
            continue
        if isinstance(value, dict | list):
            if depth >= limits.max_depth:
                raise _too_deep(file, None, error, limits)
            items = [*value.keys(), *value.values()] if isinstance(value, dict) else value
            stack.extend((item, depth + 1) for item in items)


_TOO_MANY_VALUES_HINT = (
    "a norm file holds a few hundred values and an inventory about seven per unit; "
    "raise the limit (normkit.Limits(max_document_values=...) or "
    "NORMKIT_MAX_DOCUMENT_VALUES), or give a large inventory as CSV"
)


def _too_many_values_message(limits: Limits) -> str:
    limit = spaced(limits.max_document_values)
    return f"the document holds more than {limit} values"


def _too_deep(
    file: str | None, line: int | None, error: type[NormkitError], limits: Limits
) -> NormkitError:
    return error(
        f"lists and mappings are nested more than {limits.max_depth} levels deep",
        Location(file, line),
        "normkit's files need about 10 levels; this is not a norm or inventory file",
        code="file.too-deep",
    )


# -- JSON ------------------------------------------------------------------


class _JsonProblem(Exception):
    def __init__(self, message: str, needle: str, code: str):
        super().__init__(message)
        self.message, self.needle, self.code = message, needle, code


def _json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _JsonProblem(
                f"key '{key}' appears twice in the same object", key, "file.duplicate-key"
            )
        out[key] = value
    return out


def _json_int(text: str) -> int:
    if len(text.lstrip("-")) > 20:
        raise _JsonProblem(
            f"a number of {len(text.lstrip('-'))} digits is larger than normkit accepts",
            text,
            "value.too-large",
        )
    return int(text)


def _json_constant(name: str) -> float:
    raise _JsonProblem(f"{name} is not a number JSON allows", name, "value.not-finite")


def read_json(text: str, file: str, error: type[NormkitError]) -> Any:
    """JSON as normkit reads it: a key given twice, NaN, or an integer longer than 20
    digits is an error with its line, where Python's reader takes the last key."""
    try:
        return json.loads(
            text,
            object_pairs_hook=_json_object,
            parse_int=_json_int,
            parse_float=read_float_text,
            parse_constant=_json_constant,
        )
    except json.JSONDecodeError as exc:
        raise error(
            f"invalid JSON: {exc.msg}", Location(file, exc.lineno), code="file.syntax"
        ) from None
    except _JsonProblem as problem:
        line = (
            _duplicate_key_line(text)
            if problem.code == "file.duplicate-key"
            else _line_of_text(text, problem.needle)
        )
        raise error(problem.message, Location(file, line), code=problem.code) from None
    except RecursionError:
        raise error(
            "lists and objects are nested too deeply to read", Location(file), code="file.too-deep"
        ) from None


def _line_of_text(text: str, needle: str) -> int | None:
    at = text.find(needle)
    return None if at < 0 else line_of_offset(text, at)


_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\]:,]')


def _duplicate_key_line(text: str) -> int | None:
    """The line of the first key that repeats in its object (only run once one does)."""
    keys: list[set[str] | None] = []  # one entry per open object or array
    expect_key = False
    for match in _JSON_TOKEN.finditer(text):
        token = match.group()
        if token == "{":
            keys.append(set())
            expect_key = True
        elif token == "[":
            keys.append(None)
        elif token in "]}":
            if keys:
                keys.pop()
        elif token == ",":
            expect_key = bool(keys) and keys[-1] is not None
        elif token == ":":
            expect_key = False
        elif expect_key and keys and keys[-1] is not None:
            name = json.loads(token)
            if name in keys[-1]:
                return line_of_offset(text, match.start())
            keys[-1].add(name)
            expect_key = False
    return None


# -- TOML ------------------------------------------------------------------


def _read_toml(text: str, file: str, error: type[NormkitError]) -> Any:
    import tomllib

    try:
        data = tomllib.loads(text, parse_float=read_float_text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"line (\d+)", str(exc))
        raise error(
            f"invalid TOML: {exc}",
            Location(file, int(found.group(1)) if found else None),
            code="file.syntax",
        ) from None
    except RecursionError:
        raise error(
            "arrays and tables are nested too deeply to read", Location(file), code="file.too-deep"
        ) from None
    except ValueError as exc:  # an integer of thousands of digits
        raise error(f"invalid TOML: {exc}", Location(file), code="value.too-large") from None
    # A file of nothing but blanks and comments holds nothing, as an empty YAML file does:
    # read as {}, a wrong or truncated file would be an empty inventory.
    return data if data or _holds_a_line(text) else None


def _holds_a_line(text: str) -> bool:
    """Whether TOML text has a line that is neither blank nor a comment."""
    return any(line.strip() and not line.strip().startswith("#") for line in text.splitlines())


# -- YAML ------------------------------------------------------------------

_AMBIGUOUS_TAG = "tag:normkit,2026:yaml11-number"

# YAML 1.2's plain numbers, which YAML 1.1 reads the same way.
_INT = re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$")
_FLOAT = re.compile(
    r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$"
    r"|^[-+]?[0-9]+[eE][-+]?[0-9]+$"
    r"|^[-+]?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$"
)
# Numbers only YAML 1.1 has: leading zeros (octal), 0x, 0b, 1_000, 1:30.
_YAML11_NUMBER = re.compile(
    r"^[-+]?(?:0[0-9_]+|0[xX][0-9a-fA-F_]+|0[bB][01_]+"
    r"|[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?"
    r"|[0-9][0-9_]*_[0-9_]*(?:\.[0-9_]*)?|[0-9]*\.[0-9_]*_[0-9_]*)$"
)
_BOOL = re.compile(
    r"^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$"
)
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")


def _yaml11_reading(text: str) -> str:
    """What YAML 1.1 makes of a number only it reads as one, in words."""
    digits = text.lstrip("+-").replace("_", "")
    if ":" in digits:
        return "a number in base 60 in YAML 1.1 (1:30 is 90) and text in YAML 1.2"
    if digits[:2].lower() in {"0x", "0b"}:
        return "a hexadecimal or binary number, which normkit does not read"
    if "_" in text:
        return f"{digits} in YAML 1.1 and text in YAML 1.2 (digits separated by '_')"
    if digits.startswith("0") and len(digits) <= 20 and set(digits) <= set("01234567"):
        return f"octal {int(digits, 8)} in YAML 1.1 but {int(digits)} in YAML 1.2"
    return "read differently by YAML 1.1 (leading zero) and YAML 1.2"


@functools.cache
def _loader() -> Any:
    """A safe loader with YAML 1.2's plain numbers and yes/no values, and text dates.

    Dates stay text so that pydantic reports a bad one with its field. Built on
    libyaml's parser when PyYAML has it; resolution and construction are PyYAML's
    safe ones, with the integer and float constructors replaced by bounded ones.
    """
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class Loader(base):  # type: ignore[valid-type, misc]
        def flatten_mapping(self, node: Any) -> None:
            _one_source_per_merged_key(self, node)
            super().flatten_mapping(node)

    resolvers: dict[Any, list[tuple[str, re.Pattern[str]]]] = {}

    def add(tag: str, pattern: re.Pattern[str], first: str | list[str]) -> None:
        for char in first:
            resolvers.setdefault(char, []).append((tag, pattern))

    add("tag:yaml.org,2002:bool", _BOOL, "yYnNtTfFoO")
    add("tag:yaml.org,2002:null", _NULL, ["~", "n", "N", ""])
    add("tag:yaml.org,2002:merge", re.compile(r"^<<$"), "<")
    add(_AMBIGUOUS_TAG, _YAML11_NUMBER, "-+0123456789.")
    add("tag:yaml.org,2002:int", _INT, "-+0123456789")
    add("tag:yaml.org,2002:float", _FLOAT, "-+0123456789.")
    Loader.yaml_implicit_resolvers = resolvers
    Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
    Loader.add_constructor("tag:yaml.org,2002:float", _construct_float)
    Loader.add_constructor(_AMBIGUOUS_TAG, _construct_yaml11_number)
    return Loader


def _one_source_per_merged_key(loader: Any, node: Any) -> None:
    """Refuse a key that two mappings merged into ``node`` (``<<: [*a, *b]``) both give.

    YAML says the first of them wins; PyYAML keeps the last. A key given twice is
    refused everywhere else, so here too rather than either reading chosen silently.
    """
    import yaml

    for key_node, value_node in node.value:
        if key_node.tag != "tag:yaml.org,2002:merge" or not isinstance(
            value_node, yaml.SequenceNode
        ):
            continue
        seen: set[Any] = set()
        for merged in value_node.value:
            if not isinstance(merged, yaml.MappingNode):
                continue  # PyYAML refuses it, with its own message
            loader.flatten_mapping(merged)
            keys = {k.value for k, _ in merged.value if isinstance(k, yaml.ScalarNode)}
            twice = sorted(str(k) for k in keys & seen)
            if twice:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"key '{twice[0]}' is given by two of the mappings merged with '<<': "
                    "YAML readers differ on which one wins",
                    value_node.start_mark,  # the merge itself, not where the mapping is
                )
            seen |= keys


def _construct_int(loader: Any, node: Any) -> int:
    import yaml

    text = str(node.value)
    if not _INT.match(text):
        raise yaml.constructor.ConstructorError(
            None, None, f"'{text}' is not a plain decimal whole number", node.start_mark
        )
    if len(text.lstrip("+-")) > 20:
        raise yaml.constructor.ConstructorError(
            None,
            None,
            f"a number of {len(text.lstrip('+-'))} digits is larger than normkit accepts",
            node.start_mark,
        )
    return int(text)


def _construct_float(loader: Any, node: Any) -> float:
    import yaml

    text = str(node.value)
    if not _FLOAT.match(text) and not _INT.match(text):
        raise yaml.constructor.ConstructorError(
            None, None, f"'{text}' is not a plain decimal number", node.start_mark
        )
    if text.lstrip("+-").lower() in {".inf", ".nan"}:
        return float(text.replace(".", "", 1))
    return read_float_text(text)


def _construct_yaml11_number(loader: Any, node: Any) -> YamlAmbiguous:
    return YamlAmbiguous(str(node.value), _yaml11_reading(str(node.value)))


_WHOLE = re.compile(r"[+-]?[0-9]+")


def _decimal_comma(mapping: Any, key: Any, value: Any, at: int, path: Path_) -> None:
    """``{factor: 1,5}``: in braces a comma ends a value, so 1,5 is read as 1 and a key
    "5" with no value. Said as what it is, not as a key that is not text."""
    import yaml

    empty = isinstance(value, yaml.ScalarNode) and value.value == "" and not value.style
    plain_key = isinstance(key, yaml.ScalarNode) and not key.style  # no quotes
    if not (mapping.flow_style and mapping.value and empty and plain_key):
        return
    _, before = mapping.value[-1]
    if (
        isinstance(before, yaml.ScalarNode)
        and not before.style
        and _WHOLE.fullmatch(str(before.value))
        and str(key.value).isdigit()
    ):
        number = f"{before.value},{key.value}"
        raise _YamlProblem(
            f"'{number}' inside {{ }} is read as {before.value} and a key '{key.value}': "
            "a comma there ends a value",
            at,
            code="value.decimal-comma",
            hint=f"write {before.value}.{key.value} for a decimal, {before.value}{key.value} "
            "for a whole number, or put the mapping on lines of its own",
            field=dotted(path) or None,
        )


class _YamlProblem(Exception):
    def __init__(
        self,
        message: str,
        line: int | None,
        code: str,
        hint: str | None = None,
        field: str | None = None,
    ):
        super().__init__(message)
        self.message, self.line, self.code, self.hint = message, line, code, hint
        self.field = field


_NO_KEY = object()


class _Frame:
    """A sequence or mapping being composed."""

    __slots__ = ("anchor", "key", "keys", "node", "path", "size")

    def __init__(self, node: Any, path: Path_, anchor: str | None):
        self.node = node
        self.path = path
        self.anchor = anchor
        self.size = 1
        self.key: Any = _NO_KEY
        self.keys: set[str] = set()


def _marks(event: Any) -> tuple[Any, Any]:
    """An event's start and end marks (libyaml's and PyYAML's have different types)."""
    return event.start_mark, event.end_mark


def _compose(loader: Any, limits: Limits, lines: dict[Path_, int]) -> Any:
    """One document's node tree, built from events without recursion and within the limits.

    Records each field's line in ``lines``; aliased nodes are counted (their
    expanded size, against ``limits.max_alias_nodes``) but never walked again.
    """
    import yaml
    from yaml import events

    anchors: dict[str, tuple[Any, int | None]] = {}
    stack: list[_Frame] = []
    repeated = 0
    values = 0
    root: Any = None

    def line(event: Any) -> int:
        return int(event.start_mark.line) + 1

    def child_path() -> Path_ | None:
        """The field path of the node about to start (None for a mapping key)."""
        if not stack:
            return ()
        top = stack[-1]
        if isinstance(top.node, yaml.SequenceNode):
            return (*top.path, len(top.node.value))
        if top.key is _NO_KEY:
            return None
        key = top.key.value if isinstance(top.key, yaml.ScalarNode) else "?"
        return (*top.path, str(key))

    def attach(node: Any, size: int, event: Any) -> None:
        nonlocal root
        if not stack:
            root = node
            return
        top = stack[-1]
        top.size += size
        if isinstance(top.node, yaml.SequenceNode):
            top.node.value.append(node)
        elif top.key is _NO_KEY:
            if isinstance(node, yaml.ScalarNode):
                name = str(node.value)
                if node.tag == "tag:yaml.org,2002:int" and len(name) <= 24 and _INT.match(name):
                    name = str(int(name))  # +2027 and 2027 are one key (a year, say)
                if name in top.keys and name != "<<":
                    raise _YamlProblem(
                        f"key '{name}' appears twice in the same mapping",
                        line(event),
                        "file.duplicate-key",
                        "YAML would silently keep only the last one",
                        dotted((*top.path, name)),
                    )
                top.keys.add(name)
                lines[(*top.path, name)] = line(event)
            top.key = node
        else:
            _decimal_comma(top.node, top.key, node, line(event), top.path)
            top.node.value.append((top.key, node))
            top.key = _NO_KEY

    def anchored(anchor: str | None, node: Any, size: int | None) -> None:
        if anchor is not None:
            anchors[anchor] = (node, size)

    def tag_of(event: Any, kind: Any, value: Any) -> str:
        if event.tag is None or event.tag == "!":
            return str(loader.resolve(kind, value, event.implicit))
        return str(event.tag)

    loader.get_event()  # stream start
    if loader.check_event(events.StreamEndEvent):
        loader.get_event()
        return None
    loader.get_event()  # document start
    while True:
        event: Any = loader.get_event()
        if isinstance(event, events.DocumentEndEvent):
            break
        path = child_path()
        if path is not None and not isinstance(event, events.CollectionEndEvent):
            lines.setdefault(path, line(event))
        if isinstance(event, events.ScalarEvent | events.CollectionStartEvent):
            values += 1
            if values > limits.max_document_values:
                raise _YamlProblem(
                    _too_many_values_message(limits),
                    line(event),
                    "file.too-many-values",
                    _TOO_MANY_VALUES_HINT,
                )
        if isinstance(event, events.AliasEvent):
            if event.anchor not in anchors:
                raise _YamlProblem(
                    f"alias '*{event.anchor}' names no anchor before it", line(event), "file.syntax"
                )
            node, size = anchors[event.anchor]
            if size is None:
                raise _YamlProblem(
                    f"alias '*{event.anchor}' is inside the node it refers to",
                    line(event),
                    "file.recursive-alias",
                    "a YAML alias must not refer to a node that contains it",
                )
            repeated += size
            if repeated > limits.max_alias_nodes:
                raise _YamlProblem(
                    f"aliases repeat more than {spaced(limits.max_alias_nodes)} nodes",
                    line(event),
                    "file.alias-budget",
                    "this looks like an alias bomb; norm files need a few hundred at most",
                )
            attach(node, size, event)
        elif isinstance(event, events.ScalarEvent):
            if len(event.value) > limits.max_text_chars:
                raise _YamlProblem(
                    f"a text of {len(event.value)} characters is longer than the limit of "
                    f"{limits.max_text_chars}",
                    line(event),
                    "file.text-too-long",
                )
            tag = tag_of(event, yaml.ScalarNode, event.value)
            start, end = _marks(event)
            node = yaml.ScalarNode(tag, event.value, start, end, event.style)
            anchored(event.anchor, node, 1)
            attach(node, 1, event)
        elif isinstance(event, events.SequenceStartEvent | events.MappingStartEvent):
            if len(stack) >= limits.max_depth:
                raise _YamlProblem(
                    f"lists and mappings are nested more than {limits.max_depth} levels deep",
                    line(event),
                    "file.too-deep",
                    "normkit's files need about 10 levels; this is not a norm or inventory file",
                )
            kind = (
                yaml.SequenceNode
                if isinstance(event, events.SequenceStartEvent)
                else yaml.MappingNode
            )
            tag = tag_of(event, kind, None)
            node = kind(tag, [], _marks(event)[0], None, event.flow_style)
            anchored(event.anchor, node, None)
            stack.append(_Frame(node, path if path is not None else (), event.anchor))
        elif isinstance(event, events.CollectionEndEvent):
            frame = stack.pop()
            frame.node.end_mark = event.end_mark
            anchored(frame.anchor, frame.node, frame.size)
            attach(frame.node, frame.size, event)
    if not loader.check_event(events.StreamEndEvent):
        raise _YamlProblem(
            "the file holds more than one YAML document",
            line(loader.peek_event()),
            "file.syntax",
            "remove the '---' separating documents",
        )
    loader.get_event()
    return root


def _read_yaml(
    text: str, file: str, error: type[NormkitError], limits: Limits = DEFAULT
) -> tuple[Any, LineMap]:
    import yaml

    loader = _loader()(text)
    lines: dict[Path_, int] = {}
    try:
        node = _compose(loader, limits, lines)
        data = loader.construct_document(node) if node is not None else None
    except _YamlProblem as problem:
        raise error(
            problem.message,
            Location(file, problem.line, problem.field),
            problem.hint,
            code=problem.code,
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        what = getattr(exc, "problem", None) or str(exc)
        # libyaml has a nesting limit of its own, met before ours in flow style.
        code = "file.too-deep" if "nesting depth" in str(what) else "file.syntax"
        raise error(f"invalid YAML: {what}", Location(file, line), code=code) from None
    finally:
        loader.dispose()
    return data, LineMap(file, lines)


def read_yaml_text(text: str, file: str | None = None, limits: Limits = DEFAULT) -> Any:
    """Parse YAML text with the same safe loader and limits as files (for tests and tools)."""
    data, _ = _read_yaml(text, file or "<text>", NormkitError, limits)
    return data


# -- pydantic's errors as ours -----------------------------------------------

_TYPE_CODES = (
    ("missing", "field.missing"),
    ("string_too_short", "field.length"),
    ("string_too_long", "field.length"),
    ("extra_forbidden", "field.unknown"),
    ("rule_kind", "rule.unknown-kind"),
    ("rule_type", "rule.not-a-rule"),
    ("string_pattern", "field.pattern"),
    ("int_", "field.number"),
    ("float_", "field.number"),
    ("finite_number", "field.number"),
    ("bool_", "field.boolean"),
    ("date", "field.date"),
    ("string_", "field.text"),
    ("greater_than", "field.range"),
    ("less_than", "field.range"),
    ("too_short", "field.length"),
    ("too_long", "field.length"),
    ("literal_error", "field.choice"),
    ("enum", "field.choice"),
)


#: pydantic's range checks: the words for the bound, and its key in the error's context
_BOUNDS = {
    "greater_than_equal": ("at least", "ge"),
    "greater_than": ("more than", "gt"),
    "less_than_equal": ("at most", "le"),
    "less_than": ("less than", "lt"),
}


#: pydantic's type errors in a planner's words: what the field takes
_EXPECTED = {
    "list_type": "a list",
    "tuple_type": "a list",
    "set_type": "a list",
    "dict_type": "a mapping (name: value)",
    "model_type": "a mapping (name: value)",
    "model_attributes_type": "a mapping (name: value)",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "string_type": "text",
    "bool_type": "yes or no (true or false)",
    "bool_parsing": "yes or no (true or false)",
}


def _given(value: Any) -> str:
    """What a file gave, in a few words (never the whole of a large value)."""
    if value is None:
        return "nothing (an empty value, or null)"
    if isinstance(value, bool):
        return f"the yes/no value {str(value).lower()}"
    if isinstance(value, str):
        return f"the text '{clipped(value)}'"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    return clipped(str(value))


def _code_of(pydantic_type: str) -> str:
    for prefix, code in _TYPE_CODES:
        if pydantic_type.startswith(prefix):
            return code
    return "field.invalid"


def validation_problems(
    exc: ValidationError,
    lines: LineMap,
    error: type[NormkitError],
    offset: Path_ = (),
    *,
    prefer_original: bool = False,
) -> list[NormkitError]:
    """Every problem pydantic found, as one of our errors naming file, line and field.

    An error normkit raised inside a validator keeps its code, message and
    hint; with ``prefer_original`` it keeps its class too (objects built in
    Python), otherwise it becomes ``error`` (the class for the file read).
    """
    out: list[NormkitError] = []
    for problem in exc.errors(include_url=False):
        path = [p for p in problem["loc"] if not (isinstance(p, str) and p.startswith("function-"))]
        original = (problem.get("ctx") or {}).get("error")
        cls = error
        hint = None
        if isinstance(original, NormkitError):
            message, hint, code = original.message, original.hint, original.code
            if original.location.field:
                extra = list(split_path(original.location.field))
                if path[-len(extra) :] != extra:
                    path.extend(extra)
            if (
                prefer_original
                and type(original) is not NormkitError
                and type(original).__module__ == "normkit.errors"
            ):
                cls = type(original)
        else:
            kind = problem["type"]
            code = _code_of(kind)
            message = (
                problem["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
            )
            if kind == "missing":
                message = "required field is missing"
            elif kind in _EXPECTED and "input" in problem:
                message = f"expected {_EXPECTED[kind]}, got {_given(problem['input'])}"
            elif kind in _BOUNDS:
                # The value and its bound in our words: "got -2, but it must be at least 0".
                word, key = _BOUNDS[kind]
                bound = (problem.get("ctx") or {}).get(key)
                given = clipped(str(problem["input"]))  # as written: a CSV cell is text
                message = f"got {given}, but it must be {word} {bound}"
            elif kind == "extra_forbidden":
                message = "unknown field"
                hint = (
                    "check the spelling against the file formats in docs/reference/file-formats.md"
                )
            if kind == "string_type" and (
                isinstance(problem.get("input"), bool) or problem.get("input") is None
            ):
                hint = (
                    "YAML reads yes, no, on, off, true, false and null as values, not text: "
                    "put the text in quotes"
                )
        out.append(cls(message, lines.locate(path, offset), hint, code=code))
    return out


def convert_validation_error(
    exc: ValidationError,
    lines: LineMap,
    error: type[NormkitError],
    offset: Path_ = (),
    *,
    prefer_original: bool = False,
) -> NormkitError:
    """The first problem pydantic found, with a count of the rest.

    A planner fixes one thing at a time, and the first is usually the cause;
    ``normkit check`` lists them all (:func:`validation_problems`).
    """
    problems = validation_problems(exc, lines, error, offset, prefer_original=prefer_original)
    first = problems[0]
    more = len(problems) - 1
    if not more:
        return first
    following = problems[1].location
    place = f"line {following.line}" if following.line and following.file else ""
    if following.field:
        place = f"{place}, field '{following.field}'" if place else f"field '{following.field}'"
    return type(first)(
        f"{first.message} (and {more} more problem{'s' if more > 1 else ''}"
        f"{', the next at ' + place if place else ''})",
        first.location,
        first.hint,
        code=first.code,
    )
