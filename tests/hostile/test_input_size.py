"""Input size: documented, configurable limits, refused with a clear error."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import normkit
from normkit.limits import ENVIRONMENT, Limits

HEADER = "facility,unit,bed_type,beds\n"


def test_a_file_over_the_size_limit_is_refused_without_reading_it(
    raw: Callable[..., Path],
) -> None:
    path = raw("big.csv", HEADER + "Home,U,long_term,1\n" * 10)
    with pytest.raises(normkit.InventoryError) as caught:
        normkit.load_inventory(path, limits=Limits(max_csv_bytes=100))
    assert caught.value.code == "file.too-large"
    assert "larger than 100 bytes" in caught.value.message


def test_documents_have_their_own_size_limit(raw: Callable[..., Path]) -> None:
    path = raw("big.yaml", "facilities: []\n" + "# padding\n" * 50)
    with pytest.raises(normkit.InventoryError, match="larger than 200 bytes"):
        normkit.load_inventory(path, limits=Limits(max_document_bytes=200))


def test_an_endless_file_is_read_only_up_to_the_limit() -> None:
    with pytest.raises(normkit.InventoryError) as caught:
        normkit.load_inventory(Path("/dev/zero.csv"))
    assert caught.value.code == "file.not-found"
    # /dev/zero itself has no suffix: the type is refused before anything is read.
    with pytest.raises(normkit.InventoryError, match="unsupported file type"):
        normkit.load_inventory(Path("/dev/zero"))


def test_too_many_csv_rows(raw: Callable[..., Path]) -> None:
    rows = "".join(f"Home,U{i},long_term,1\n" for i in range(6))
    with pytest.raises(normkit.InventoryError) as caught:
        normkit.load_inventory(raw("rows.csv", HEADER + rows), limits=Limits(max_units=5))
    assert caught.value.code == "inventory.too-many-units"
    assert caught.value.location.line == 7


def test_too_many_units_in_yaml(raw: Callable[..., Path]) -> None:
    units = "".join(f"      - {{name: U{i}, bed_type: long_term, beds: 1}}\n" for i in range(4))
    path = raw("units.yaml", "facilities:\n  - name: Home\n    units:\n" + units)
    with pytest.raises(normkit.InventoryError, match="4 units, more than the limit of 3"):
        normkit.load_inventory(path, limits=Limits(max_units=3))


def test_a_kit_applies_its_limits_to_everything_it_reads(raw: Callable[..., Path]) -> None:
    kit = normkit.Kit(autoload=False, limits=Limits(max_document_bytes=50))
    path = raw("n.yaml", "id: x\ntitle: t\nsource: {document: d}\n" + "#\n" * 40)
    with pytest.raises(normkit.NormSetError, match="larger than 50 bytes"):
        kit.load_normset(path)


def test_limits_from_the_environment() -> None:
    limits = Limits.from_env({ENVIRONMENT["max_units"]: "12", "UNRELATED": "x"})
    assert limits.max_units == 12 and limits.max_depth == Limits().max_depth
    with pytest.raises(normkit.NormkitError) as caught:
        Limits.from_env({ENVIRONMENT["max_depth"]: "lots"})
    assert caught.value.code == "limit.invalid"
    with pytest.raises(normkit.NormkitError):
        Limits(max_units=0)


def test_the_defaults_fit_a_country() -> None:
    # Norway has about 40 000 nursing-home places in about 1 000 homes: even
    # one unit per place fits, as CSV and as YAML.
    defaults = Limits()
    assert defaults.max_units >= 40_000
    longest_row = len(
        "Kruseløkka sykehjem,Kruseløkka korttid avdeling 2,dementia_special,12,0.45\n"
    )
    assert defaults.max_csv_bytes >= defaults.max_units * longest_row
    unit = "      - {name: Kruseløkka korttid avdeling 2, bed_type: dementia_special, beds: 12}\n"
    assert defaults.max_document_bytes >= defaults.max_units * len(unit)
    # a unit is a mapping of three keys and three values
    assert defaults.max_document_values >= defaults.max_units * 7


def test_a_flood_of_values_is_refused_as_it_is_read(raw: Callable[..., Path]) -> None:
    # "[1,1,1,...]" costs two bytes a value in the file and ~400 bytes in memory.
    flood = "[" + "1," * 200 + "1]"
    limits = Limits(max_document_values=100)
    path = raw("flood.yaml", f"name: x\nfacilities:\n  - {flood}\n")
    with pytest.raises(normkit.InventoryError) as caught:
        normkit.load_inventory(path, limits=limits)
    assert caught.value.code == "file.too-many-values"
    assert caught.value.message == "the document holds more than 100 values"
    assert caught.value.location.line == 3
    assert caught.value.hint is not None and "NORMKIT_MAX_DOCUMENT_VALUES" in caught.value.hint
    for name, text in [
        ("flood.json", f'{{"name": "x", "facilities": [{flood}]}}'),
        ("flood.toml", f'name = "x"\nfacilities = {flood}\n'),
    ]:
        with pytest.raises(normkit.InventoryError) as caught:
            normkit.load_inventory(raw(name, text), limits=limits)
        assert caught.value.code == "file.too-many-values", name
        assert caught.value.location.file == str(raw(name, text))


def test_a_document_at_the_values_limit_is_read(raw: Callable[..., Path]) -> None:
    text = "name: x\nmunicipality: y\nfacilities:\n  - name: H\n    units:\n" + "".join(
        f"      - {{name: U{i}, bed_type: long_term, beds: 1}}\n" for i in range(2)
    )
    # the top mapping with 3 keys, 2 texts and a list; a facility mapping with
    # 2 keys, a text and a list; 2 units, each a mapping of 3 keys and 3 values
    exactly = (1 + 3 + 2 + 1) + (1 + 2 + 1 + 1) + 2 * 7
    assert (
        len(
            normkit.load_inventory(
                raw("n.yaml", text), limits=Limits(max_document_values=exactly)
            ).facilities
        )
        == 1
    )
    with pytest.raises(normkit.InventoryError, match="more than 25 values"):
        normkit.load_inventory(raw("n.yaml", text), limits=Limits(max_document_values=exactly - 1))
    json_text = (
        '{"name": "x", "municipality": "y", "facilities": [{"name": "H", "units": ['
        + ", ".join(f'{{"name": "U{i}", "bed_type": "long_term", "beds": 1}}' for i in range(2))
        + "]}]}"
    )
    path = raw("n.json", json_text)
    assert normkit.load_inventory(path, limits=Limits(max_document_values=exactly)).facilities
    with pytest.raises(normkit.InventoryError, match="more than 25 values"):
        normkit.load_inventory(path, limits=Limits(max_document_values=exactly - 1))


def test_an_error_about_many_names_stays_a_line(raw: Callable[..., Path]) -> None:
    """200 000 unknown columns, or one of a megabyte, make an error of a few hundred bytes."""
    many = ";".join(f"x{i}" for i in range(200_000))
    huge = "y" * 1_000_000
    for header in (many, huge):
        with pytest.raises(normkit.InventoryError) as caught:
            normkit.load_inventory(raw("inv.csv", f"facility;unit;bed_type;beds;{header}\n"))
        assert caught.value.code in {"csv.header", "csv.syntax"}  # a field that long is syntax
        assert len(str(caught.value)) < 600
    population = raw("pop.csv", f"region;alder;2024;{many}\nA;80 år;1\n")
    with pytest.raises(normkit.InventoryError) as caught:
        normkit.read_population_csv(population)
    assert "(200000 in all)" in caught.value.message and len(str(caught.value)) < 600
