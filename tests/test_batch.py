"""The batch path's semantics: which category gets which factor, and what it refuses.

The national norm's general needs cover five bed types (dementia_special,
long_term, palliative, rehabilitation, short_term: one physician FTE per 60,
90, 6, 10 and 20 places, Legeforeningen 2012); respite and old_age_home have no
norm there, so they are the "no norm" rows below.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

import normkit as nk
from normkit.normset import resolve
from normkit.rules.rate import Rate

AT = dt.date(2020, 6, 1)
NORMED = ("dementia_special", "long_term", "palliative", "rehabilitation", "short_term")


@pytest.fixture
def national(kit: nk.Kit) -> nk.ResolvedNormSet:
    return kit.resolve("national", AT)


def test_a_category_without_a_norm_does_not_stop_the_ones_after_it(
    national: nk.ResolvedNormSet,
) -> None:
    # respite comes first and has no norm; long_term after it still gets 1 FTE per 90 places.
    result = nk.assess_batch(
        national, np.array([1, 0]), [90, 4], categories=("respite", "long_term")
    )
    assert result.norm_fte[0] == pytest.approx(1.0)
    assert np.isnan(result.norm_fte[1])


@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int64])
def test_a_row_without_a_bed_type_has_no_norm_beside_rows_that_have_one(
    national: nk.ResolvedNormSet, dtype: type
) -> None:
    """Code -1 (a missing bed type) is "no norm", never the first category's figure;
    rows of codes 0 and 1 get long_term's 1 per 90 places and short_term's 1 per 20."""
    categories = ("long_term", "short_term")
    beds = [90, 20, 90]
    signed = np.dtype(dtype).kind == "i"
    codes = np.array([0, 1, -1] if signed else [0, 1, 0], dtype=dtype)
    result = nk.assess_batch(national, codes, beds, categories=categories)
    assert result.norm_fte[:2] == pytest.approx([1.0, 1.0])
    assert result.has_norm.tolist() == [True, True, not signed]
    if signed:
        assert np.isnan(result.norm_fte[2])
    every = nk.assess_batch(national, codes[:2], beds[:2], categories=categories)
    assert every.norm_fte == pytest.approx([1.0, 1.0])


def test_two_bed_types_without_a_norm_stay_without_one(national: nk.ResolvedNormSet) -> None:
    result = nk.assess_batch(national, ["respite", "old_age_home", "long_term"], [10, 50, 90])
    assert result.has_norm.tolist() == [False, False, True]
    assert result.categories == (*NORMED, "old_age_home", "respite")


def test_the_first_normed_bed_type_keeps_its_code(national: nk.ResolvedNormSet) -> None:
    # dementia_special is code 0; rows of it sit beside a row with no norm.
    result = nk.assess_batch(national, ["dementia_special", "respite"], [60, 4])
    assert result.categories == (*NORMED, "respite")
    assert result.norm_fte[0] == pytest.approx(1.0)


def test_bytes_bed_types_are_read_as_text(national: nk.ResolvedNormSet) -> None:
    # A binary column from Parquet or Arrow arrives as bytes.
    result = nk.assess_batch(national, np.array([b"long_term", b"respite"]), [90, 4])
    assert result.categories == (*NORMED, "respite")
    assert result.norm_fte[0] == pytest.approx(1.0)


def test_categories_come_from_general_needs_only() -> None:
    # A need for one facility, and a decision of no norm, do not make a bed type "normed".
    source = nk.Source(document="test")
    normset = nk.NormSet(
        id="t",
        title="t",
        source=source,
        needs=(
            nk.Need(id="lt", bed_types=("long_term",), rule=Rate(amount="1 FTE", per="90 place")),
            nk.Need(
                id="house",
                facility="Huset",
                bed_types=("assisted_living",),
                rule=Rate(amount="1 FTE", per="10 place"),
            ),
            nk.Need(
                id="none",
                bed_types=("dementia_special",),
                no_norm=True,
                reason="decided",
                source=source,
            ),
        ),
    )
    resolved = resolve(normset, AT, lambda *_: normset)
    bed_types = ["assisted_living", "dementia_special", "long_term"]
    result = nk.assess_batch(resolved, bed_types, [10, 10, 90])
    assert result.categories == ("long_term", "assisted_living", "dementia_special")
    assert result.has_norm.tolist() == [False, False, True]


def test_rates_take_the_single_multiply(
    national: nk.ResolvedNormSet, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The module promises one gather-and-multiply for rates, not a rule call per bed type.
    def refuse(*_: object) -> None:
        raise AssertionError("a rate was evaluated row by row")

    monkeypatch.setattr(Rate, "evaluate_array", refuse)
    result = nk.assess_batch(national, ["long_term", "palliative"], [90, 6])
    assert result.norm_fte.tolist() == pytest.approx([1.0, 1.0])


def _overflowing(factor: float = 1e15) -> nk.ResolvedNormSet:
    # Scales nested 25 deep overflow a float.
    rule: nk.Rule = Rate(amount="1 FTE", per="1 place")
    for _ in range(25):
        rule = nk.Scale(rule=rule, factor=1e15)
    rule = nk.Scale(rule=rule, factor=factor)
    normset = nk.NormSet(
        id="t",
        title="t",
        source=nk.Source(document="test"),
        needs=(nk.Need(id="lt", bed_types=("long_term",), rule=rule),),
    )
    return resolve(normset, AT, lambda *_: normset)


@pytest.mark.filterwarnings("error")  # numpy's overflow warnings stay inside
@pytest.mark.parametrize("factor", [1e15, 0.0])
def test_a_rule_that_overflows(factor: float) -> None:
    # An error for any beds, 0 for no beds, as the per-unit path gives; never "no norm".
    # A factor of 0 on top makes inf × 0, which is NaN: still an error, not "no norm".
    resolved = _overflowing(factor)
    with pytest.raises(nk.InventoryError) as caught:
        nk.assess_batch(resolved, ["long_term"], [3])
    assert caught.value.to_dict() == {
        "code": "rule.not-finite",
        "message": "a rule gives a figure that is not finite for these beds",
    }
    empty = nk.assess_batch(resolved, ["long_term"], [0])
    assert empty.has_norm.tolist() == [True] and empty.norm_fte.tolist() == [0.0]


@pytest.mark.filterwarnings("error")
def test_a_rate_finite_per_place_but_not_for_many_places() -> None:
    # 20 scales of 10^15 make one factor of 10^300 per place, still a single multiply;
    # 10^15 places take it past the largest float, which is an error, as per unit.
    rule: nk.Rule = Rate(amount="1 FTE", per="1 place")
    for _ in range(20):
        rule = nk.Scale(rule=rule, factor=1e15)
    assert rule.linear_in() == ("places", pytest.approx(1e300))
    normset = nk.NormSet(
        id="t",
        title="t",
        source=nk.Source(document="test"),
        needs=(nk.Need(id="lt", bed_types=("long_term",), rule=rule),),
    )
    resolved = resolve(normset, AT, lambda *_: normset)
    assert nk.assess_batch(resolved, ["long_term"], [3]).norm_fte[0] == pytest.approx(3e300)
    with pytest.raises(nk.InventoryError, match="not finite"):
        nk.assess_batch(resolved, ["long_term", "long_term"], [3, 1e15])


def test_the_largest_bed_count_is_accepted(national: nk.ResolvedNormSet) -> None:
    result = nk.assess_batch(national, ["long_term"], [1e15], staffed_fte=[1e15])
    assert result.norm_fte[0] == pytest.approx(1e15 / 90)
    with pytest.raises(nk.InventoryError, match="beds in row 0"):
        nk.assess_batch(national, ["long_term"], [1e15 + 2])


def test_messages_name_the_column(national: nk.ResolvedNormSet) -> None:
    with pytest.raises(nk.InventoryError) as caught:
        nk.assess_batch(national, ["long_term"], ["three"])
    assert caught.value.message == "beds must be numbers (integers or floats), got text"
    with pytest.raises(nk.InventoryError) as caught:
        nk.assess_batch(national, ["long_term"], [3], staffed_fte=["two"])
    assert caught.value.message.startswith("staffed_fte must be numbers (")
    assert caught.value.code == "batch.not-numbers"
    with pytest.raises(nk.InventoryError) as caught:
        nk.assess_batch(national, ["long_term"], [3], staffed_fte=[1, 2])
    assert caught.value.to_dict() == {
        "code": "batch.shape",
        "message": "staffed_fte has 2 rows but beds has 1",
    }
    with pytest.raises(nk.InventoryError) as caught:
        nk.assess_batch(national, np.array([0, 5]), [1, 1], categories=("long_term",))
    assert caught.value.to_dict() == {
        "code": "batch.codes",
        "message": "bed type code 5 in row 1 is not one of the 1 categories "
        "(or -1 for a missing bed type)",
        "field": "bed_types",
        "row": 1,
    }
