"""Text from inputs, made safe for each output: names are data, never markup or formulas.

A facility name, a note or a plugin's error message can hold anything. Each
output gets its own treatment, applied where the output is written:

- terminal: control characters (which can clear the screen, set the window
  title or forge a hyperlink), bidirectional overrides and invisible
  characters (a zero-width space) are shown escaped, ``\\x1b``, ``\\u202e``
  or ``\\u200b``; the text is never read as rich markup;
- Markdown: characters that would start markup or HTML are backslash-escaped;
- CSV: a cell that a spreadsheet would run as a formula (starting with ``=``,
  ``+``, ``-``, ``@``, a tab or a carriage return) is prefixed with ``'``, as
  OWASP recommends; numbers are written as numbers; control characters other
  than tab and line feed are escaped as in the terminal, since a CSV is often
  looked at with ``cat``;
- JSON: valid JSON already escapes C0 controls; C1 controls, bidirectional
  overrides and line separators are escaped too, so the JSON shown in a
  terminal is as harmless as the table.
"""

from __future__ import annotations

import re
import unicodedata

# Bidirectional embeddings, overrides and isolates, and the line separators:
# invisible characters that make text display in another order than it is read.
_BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u2028\u2029"
# Characters that show as nothing: two names that differ only by one look the same.
_INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
# Not characters at all: XML (a workbook's sheets) refuses them, so a file holding one
# would not open.
_NONCHARACTERS = "\ufffe\uffff"
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f" + _BIDI + _INVISIBLE + _NONCHARACTERS + "]")
_HIDDEN = re.compile("[" + _BIDI + _INVISIBLE + "]")


def _escape_char(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal(text: str) -> str:
    """``text`` with every control or direction-changing character shown as an escape."""
    if text.isascii() and text.isprintable():  # ASCII's only unsafe ones are its controls
        return text
    return _UNSAFE.sub(_escape_char, text)


def lookalike(text: str) -> str:
    """What a reader sees of a name: without invisible and direction characters or
    surrounding spaces, in one Unicode form ('Hå' composed or not). Names equal by
    this are one name to a reader, so they must not name two different things."""
    if text.isascii():  # the usual name: nothing hidden, and one Unicode form already
        return text.strip()
    return unicodedata.normalize("NFC", _HIDDEN.sub("", text)).strip()


def unsafe_characters(text: str) -> bool:
    """True when ``text`` holds a character :func:`terminal` would escape."""
    return _UNSAFE.search(text) is not None


_MARKDOWN = re.compile(r"([\\`*_\[\]<>|~&])")


def markdown(text: str) -> str:
    """``text`` as literal Markdown (and HTML) text on one line."""
    return _MARKDOWN.sub(r"\\\1", terminal(text))


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


_CSV_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f" + _BIDI + "]")


def csv_cell(text: str, guard: bool = True) -> str:
    """A text cell a spreadsheet will show, not run (see the module's doc)."""
    text = _CSV_UNSAFE.sub(_escape_char, text)
    if guard and text.startswith(_FORMULA_START):
        return "'" + text
    return text


_JSON_UNSAFE = re.compile("[\x7f-\x9f" + _BIDI + "]")


def json_text(document: str) -> str:
    """A JSON document with C1 controls and direction overrides escaped (same data)."""
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", document)


def plain_name(text: str) -> str:
    """A name on one line, for comments and titles: controls and line breaks become spaces."""
    cleaned = "".join(
        " " if unicodedata.category(ch) in {"Cc", "Zl", "Zp"} or ch in _BIDI else ch for ch in text
    )
    return " ".join(cleaned.split())
