"""The batch path refuses what the per-unit path refuses, and never borrows another rate."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

import normkit

AT = dt.date(2020, 4, 1)
CATEGORIES = ("long_term", "palliative", "respite")


@pytest.fixture
def resolved(kit: normkit.Kit) -> normkit.ResolvedNormSet:
    return kit.resolve("national", AT)


def test_missing_code_is_no_norm_not_the_last_category(resolved: normkit.ResolvedNormSet) -> None:
    # -1 is pandas' missing value; numpy would read it as the last category.
    result = normkit.assess_batch(resolved, np.array([0, -1, 1]), [90, 6, 6], categories=CATEGORIES)
    assert result.norm_fte[0] == pytest.approx(1.0)
    assert np.isnan(result.norm_fte[1]) and not result.has_norm[1]
    assert result.norm_fte[2] == pytest.approx(1.0)


@pytest.mark.parametrize("code", [3, 99, -2])
def test_out_of_range_code_is_an_error(resolved: normkit.ResolvedNormSet, code: int) -> None:
    with pytest.raises(normkit.InventoryError) as caught:
        normkit.assess_batch(resolved, np.array([0, code]), [1, 1], categories=CATEGORIES)
    assert caught.value.code == "batch.codes" and "in row 1" in caught.value.message


@pytest.mark.parametrize("beds", [np.nan, np.inf, -1.0, 2.5, 1e300])
def test_beds_are_whole_finite_and_not_negative(
    resolved: normkit.ResolvedNormSet, beds: float
) -> None:
    with pytest.raises(normkit.InventoryError) as caught:
        normkit.assess_batch(resolved, ["long_term", "long_term"], [3.0, beds])
    assert caught.value.code == "batch.value" and "row 1" in caught.value.message


def test_staffed_is_checked_too(resolved: normkit.ResolvedNormSet) -> None:
    with pytest.raises(normkit.InventoryError, match="staffed_fte in row 0"):
        normkit.assess_batch(resolved, ["long_term"], [3], staffed_fte=[np.nan])
    with pytest.raises(normkit.InventoryError, match="staffed_fte has 2 rows"):
        normkit.assess_batch(resolved, ["long_term"], [3], staffed_fte=[1, 2])


def test_text_where_numbers_belong(resolved: normkit.ResolvedNormSet) -> None:
    with pytest.raises(normkit.InventoryError) as caught:
        normkit.assess_batch(resolved, ["long_term"], ["three"])
    assert caught.value.code == "batch.not-numbers"


def test_batch_agrees_with_the_per_unit_path(kit: normkit.Kit) -> None:
    inventory = kit.load_inventory(normkit.EXAMPLE_INVENTORY)
    units = [u for f in inventory.facilities for u in f.units]
    batch = kit.assess_batch("national", AT, [u.bed_type for u in units], [u.beds for u in units])
    per_unit = kit.assess(inventory, "national", AT, explain=False)
    assert batch.norm_fte.tolist() == pytest.approx([u.norm_fte for u in per_unit.units])


@pytest.mark.parametrize(
    ("beds", "code", "said"),
    [
        (np.array(["2020-01-01"], dtype="datetime64[D]"), "batch.not-numbers", "got dates"),
        ([True], "batch.not-numbers", "got booleans"),
        (["1e3"], "batch.not-numbers", "got text"),
        ([" 30 "], "batch.not-numbers", "got text"),
        (np.array([b"30"]), "batch.not-numbers", "got bytes"),
        (np.array([1 + 0j]), "batch.not-numbers", "got complex numbers"),
        ([30, "30"], "batch.not-numbers", "got text"),
        (np.array([30, True], dtype=object), "batch.not-numbers", "not all numbers"),
        (np.ma.array([30], mask=[True]), "batch.not-numbers", "masked array"),
        (30, "batch.shape", "got 0 dimensions"),
        ([[30]], "batch.shape", "got 2 dimensions"),
    ],
)
def test_only_numbers_are_read_as_numbers(
    resolved: normkit.ResolvedNormSet, beds: object, code: str, said: str
) -> None:
    """A date is not 18 262 places, nor True one place: nothing is turned into a number."""
    bed_types = ["long_term"] * int(np.size(beds)) if np.ndim(beds) == 1 else "long_term"
    with pytest.raises(normkit.InventoryError) as caught:
        normkit.assess_batch(resolved, bed_types, beds)
    assert caught.value.code == code and said in caught.value.message
    assert caught.value.location.field == "beds"


def test_python_numbers_of_any_type_are_read(resolved: normkit.ResolvedNormSet) -> None:
    beds = np.array([90, np.int16(30), 6.0], dtype=object)
    result = normkit.assess_batch(resolved, ["long_term"] * 3, beds, [np.float32(0.5), 1, 0.25])
    assert result.norm_fte.tolist() == pytest.approx([1.0, 1 / 3, 1 / 15])
    assert result.staffed_fte is not None and result.staffed_fte.tolist() == [0.5, 1.0, 0.25]
