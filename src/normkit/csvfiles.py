"""CSV files as spreadsheets export them: encoding, separator and header, read safely.

A CSV saved by Excel in Norway may be UTF-8 with or without a byte-order
mark, Windows-1252 ("CSV (semikolonseparert)"), or UTF-16 with a byte-order
mark and tabs ("Unicode-tekst"); it may separate cells with ``;``, ``,`` or a
tab. The encoding is decided by rules, not guessed: a byte-order mark names
it; otherwise the file must be valid UTF-8 or, failing that, valid
Windows-1252. A file that is neither, that mixes UTF-8 with another encoding,
or that is a workbook rather than a CSV, gets an error naming the line.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import Location, NormkitError
from .files import line_of_offset, read_bytes
from .limits import Limits
from .values import listing

# A valid multi-byte UTF-8 sequence: in a file that is not UTF-8 as a whole,
# one of these means two encodings are mixed.
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}")
SEPARATORS = (";", "\t", ",")
_NAMES = {";": "semicolon", "\t": "tab", ",": "comma"}


def decode(data: bytes, file: str, error: type[NormkitError]) -> tuple[str, str]:
    """The text of a CSV file and the name of its encoding."""

    def refuse(message: str, offset: int | None, hint: str, code: str = "csv.encoding") -> None:
        line = None if offset is None else line_of_offset(data, offset)
        raise error(message, Location(file, line), hint, code=code)

    save_as = "save it from the spreadsheet as 'CSV UTF-8'"
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        refuse(
            "is a spreadsheet workbook (.xlsx/.xls), not a CSV file", None, save_as, "csv.workbook"
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError as exc:
            refuse("starts as UTF-16 but cannot be decoded as UTF-16", exc.start, save_as)
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "UTF-8"
        except UnicodeDecodeError as exc:
            refuse(
                f"starts as UTF-8 but byte 0x{data[3 + exc.start]:02X} is not UTF-8",
                3 + exc.start,
                save_as,
            )
    nul = data.find(b"\x00")
    if nul >= 0:
        refuse(
            "contains NUL bytes: UTF-16 without a byte-order mark, or not a text file",
            nul,
            save_as,
        )
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    if _UTF8_SEQUENCE.search(data):
        refuse(
            f"mixes UTF-8 with another encoding (byte 0x{data[first_bad]:02X} is not UTF-8)",
            first_bad,
            save_as,
        )
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError as exc:
        refuse(
            f"decodes under no supported encoding (UTF-8, UTF-16 with a byte-order mark, "
            f"Windows-1252): byte 0x{data[exc.start]:02X}",
            exc.start,
            save_as,
        )
    raise AssertionError("unreachable")  # pragma: no cover


def separator(header: str) -> str:
    """The separator the header line uses most (``;`` before tab before ``,`` on a tie)."""
    outside_quotes = re.sub(r'"[^"]*"', "", header)
    counts = {sep: outside_quotes.count(sep) for sep in SEPARATORS}
    best = max(SEPARATORS, key=lambda sep: counts[sep])
    return best if counts[best] else ","


@dataclass
class Table:
    """A CSV file's header and rows, with the line each row starts on."""

    file: str
    encoding: str
    delimiter: str
    header: list[str]
    _reader: Iterator[list[str]]
    _text: io.StringIO
    error: type[NormkitError]
    limits: Limits

    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        """``(line, {column: stripped cell})`` for every row that is not entirely empty."""
        header = self.header
        for line, cells in self.records():
            yield line, {k: v for k, v in zip(header, cells, strict=True) if k}

    def records(self) -> Iterator[tuple[int, list[str]]]:
        """``(line, stripped cells in header order)`` for every row that is not entirely
        empty: :meth:`rows` without a dictionary per row, for large files."""
        reader = self._reader
        width = len(self.header)
        named = [bool(column) for column in self.header]
        unnamed = not all(named)
        max_chars = self.limits.max_text_chars
        max_rows = self.limits.max_units
        line = reader.line_num + 1  # type: ignore[attr-defined]
        count = 0
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise self.error(
                    f"cannot read the row: {exc}",
                    Location(self.file, line),
                    "check the quotes in this row",
                    code="csv.syntax",
                ) from None
            start, line = line, reader.line_num + 1  # type: ignore[attr-defined]
            stripped = [c.strip() for c in cells]
            if not any(stripped):
                continue
            if len(cells) > width:
                raise self.error(
                    f"row has {len(cells)} cells but the header has {width} columns",
                    Location(self.file, start),
                    f"the file is separated by {_NAMES[self.delimiter]}s; a decimal comma in "
                    "a comma-separated file must be quoted",
                    code="csv.row-length",
                )
            if unnamed:
                for index, cell in enumerate(stripped):
                    if not named[index] and cell:
                        raise self.error(
                            f"a cell in a column without a name holds '{cell[:40]}'",
                            Location(self.file, start),
                            "give the column a name in the header, or empty it",
                            code="csv.unnamed-column",
                        )
            if max(map(len, cells)) > max_chars:
                index, cell = next((i, c) for i, c in enumerate(cells) if len(c) > max_chars)
                raise self.error(
                    f"a cell of {len(cell)} characters is longer than the limit of {max_chars}",
                    Location(self.file, start, self.header[index]),
                    code="file.text-too-long",
                )
            count += 1
            if count > max_rows:
                raise self.error(
                    f"more than {max_rows} rows",
                    Location(self.file, start),
                    "raise the limit (normkit.Limits(max_units=...) or NORMKIT_MAX_UNITS)",
                    code="inventory.too-many-units",
                )
            if len(stripped) < width:
                stripped += [""] * (width - len(stripped))
            yield start, stripped


def read_table(
    path: Path, error: type[NormkitError], limits: Limits, columns: tuple[str, ...]
) -> Table:
    """Open a CSV file: decode it, find its separator, check its header against ``columns``."""
    file = str(path)
    text, encoding = decode(read_bytes(path, limits.max_csv_bytes, error), file, error)
    first = text.split("\n", 1)[0]
    delimiter = separator(first)
    buffer = io.StringIO(text, newline="")
    # The csv module's own cell limit (128 KiB) is process-wide; ours is checked per cell.
    reader = csv.reader(buffer, delimiter=delimiter, strict=True)
    try:
        raw = next(reader, [])
    except csv.Error as exc:
        raise error(
            f"cannot read the header: {exc}", Location(file, 1), code="csv.syntax"
        ) from None
    header = [name.strip().lstrip("\ufeff").casefold() for name in raw]
    seen: dict[str, int] = {}
    for index, name in enumerate(header):
        if not name:
            continue  # Excel writes separators for empty columns: fine while they stay empty
        if name in seen:
            raise error(
                f"column '{name}' appears twice in the header (columns {seen[name] + 1} "
                f"and {index + 1})",
                Location(file, 1, name),
                "a spreadsheet reader would silently keep only one of them",
                code="csv.duplicate-column",
            )
        seen[name] = index
    unknown = [c for c in header if c and c not in columns]
    if unknown:
        raise error(
            f"unknown column(s) {listing([repr(c) for c in unknown])}",
            Location(file, 1),
            f"columns are: {', '.join(columns)}; the file is separated by {_NAMES[delimiter]}s",
            code="csv.header",
        )
    return Table(file, encoding, delimiter, header, reader, buffer, error, limits)
