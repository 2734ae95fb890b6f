"""CSV files exported by Excel in Norway load as they are; other bytes get a clear error."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

import normkit

ROWS = [
    ["facility", "unit", "bed_type", "beds", "staffed_fte", "staffed_valid_to", "note"],
    ["Kruseløkka", "Kruseløkka langtid", "long_term", "17", "0,2", "", "Ærlig talt"],
    ["Valaskjold", "Valaskjold", "long_term", "1 032", "40 %", "31.03.2020", "NAV-finansiert"],
]


def excel(separator: str, encoding: str, bom: bytes = b"") -> bytes:
    text = "\r\n".join(separator.join(row) for row in ROWS) + "\r\n"
    return bom + text.encode(encoding)


@pytest.mark.parametrize(
    ("what", "content"),
    [
        ("CSV (semikolonseparert), Windows-1252", excel(";", "cp1252")),
        ("CSV UTF-8 with a byte-order mark", excel(";", "utf-8", b"\xef\xbb\xbf")),
        ("UTF-8 without a byte-order mark, commas", excel(",", "utf-8").replace(b"0,2", b'"0,2"')),
        ("Unicode-tekst: UTF-16 with a byte-order mark, tabs", excel("\t", "utf-16")),
        ("UTF-16 big-endian", excel("\t", "utf-16-be", b"\xfe\xff")),
    ],
)
def test_excel_exports_load(raw: Callable[..., Path], what: str, content: bytes) -> None:
    inventory = normkit.load_inventory(raw("units.csv", content))
    kruseløkka, valaskjold = inventory.facilities
    assert kruseløkka.units[0].name == "Kruseløkka langtid"
    assert kruseløkka.units[0].note == "Ærlig talt"
    assert kruseløkka.units[0].staffing[0].fte == pytest.approx(0.2)
    unit = valaskjold.units[0]
    assert unit.beds == 1032
    assert unit.staffing[0].fte == pytest.approx(0.4)
    assert unit.staffing[0].valid_to == dt.date(2020, 3, 31)


@pytest.mark.parametrize(
    ("content", "code", "line", "words"),
    [
        (b"PK\x03\x04rest-of-a-zip", "csv.workbook", None, "workbook"),
        (b"\xd0\xcf\x11\xe0old-excel", "csv.workbook", None, "workbook"),
        ("facility\nHome\n".encode("utf-16-le"), "csv.encoding", 1, "NUL bytes"),
        (b"facility,unit\nHome,\x81\x8d\x8f\n", "csv.encoding", 2, "no supported encoding"),
        ("facility,unit\nø,x\n".encode() + b"\xe6\n", "csv.encoding", 3, "mixes UTF-8"),
        (b"\xef\xbb\xbffacility\n\xff\n", "csv.encoding", 2, "not UTF-8"),
        (b'facility,unit,bed_type,beds\n"Home,U,long_term,1\n', "csv.syntax", 2, "row"),
    ],
)
def test_bytes_that_are_not_a_csv_we_read(
    raw: Callable[..., Path], content: bytes, code: str, line: int | None, words: str
) -> None:
    with pytest.raises(normkit.InventoryError) as caught:
        normkit.load_inventory(raw("units.csv", content))
    assert caught.value.code == code
    assert caught.value.location.line == line
    assert words in caught.value.message


def test_header_is_trimmed_and_case_insensitive(raw: Callable[..., Path]) -> None:
    path = raw("units.csv", " Facility ; UNIT ;Bed_Type;Beds\nHome;U;long_term;3\n")
    assert normkit.load_inventory(path).facilities[0].units[0].beds == 3


def test_empty_rows_from_a_spreadsheet_are_skipped(raw: Callable[..., Path]) -> None:
    path = raw("units.csv", "facility;unit;bed_type;beds\nHome;U;long_term;3\n;;;\n\n")
    assert len(normkit.load_inventory(path).facilities) == 1


def test_a_misread_separator_says_which_one_it_used(raw: Callable[..., Path]) -> None:
    path = raw("units.csv", "facility,unit,bed_type,beds,staffed_fte\nHome,U,long_term,3,0,6\n")
    with pytest.raises(normkit.InventoryError) as caught:
        normkit.load_inventory(path)
    assert caught.value.code == "csv.row-length"
    assert caught.value.hint is not None and "separated by commas" in caught.value.hint
