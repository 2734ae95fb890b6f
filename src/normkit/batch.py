"""The batch path: pure-norm need for many units at once, without explanations.

Give bed types (strings, or integer codes with their ``categories`` as in a
pandas Categorical or an Arrow dictionary) and beds as arrays; get the norm
FTE per unit as a float array, ``NaN`` where no rule applies. A code of -1
(pandas' missing value) is a unit without a bed type: "no norm". Beds must be
whole, finite and not negative, as in the per-unit path. A norm set's
general needs (those not tied to one facility) are used; overrides name
facilities and units, so they belong to :func:`normkit.assess`.

Rates are linear, so each bed type reduces to one FTE-per-place factor and
the whole batch is a single gather and multiply. Other rule kinds are
evaluated vectorised on the rows of their bed type.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from .errors import InventoryError, Location
from .escaping import terminal
from .normset import Need, ResolvedNormSet
from .values import MAX_MAGNITUDE, clipped


@dataclass(frozen=True)
class BatchResult:
    """Arrays aligned with the input rows."""

    norm_fte: np.ndarray
    staffed_fte: np.ndarray | None
    gap_fte: np.ndarray | None
    categories: tuple[str, ...]

    @cached_property
    def has_norm(self) -> np.ndarray:
        """Whether each row has a norm, made on first read (a pass over all rows).

        A row's bed type decides it: every row of a bed type with a norm is
        finite (:func:`assess_batch` refuses a rule that is not), every other
        row NaN, so finiteness says the same as a flag gathered per bed type.
        """
        finite: np.ndarray = np.isfinite(self.norm_fte)
        return finite

    @property
    def total_norm_fte(self) -> float:
        return float(np.nansum(self.norm_fte))

    @property
    def units_without_norm(self) -> int:
        return int((~self.has_norm).sum())


def assess_batch(
    normset: ResolvedNormSet,
    bed_types: Any,
    beds: Any,
    staffed_fte: Any = None,
    categories: Sequence[str] | None = None,
) -> BatchResult:
    """Pure-norm FTE for each row; ``bed_types`` as strings, or codes into ``categories``.

    Among strings, None or NaN is a unit with no bed type (no norm), as code -1
    is among codes; numbers without ``categories`` are refused (``batch.codes``).

    ``beds`` and ``staffed_fte`` are one-dimensional columns of numbers: numpy
    arrays of integers or floats, pandas or Arrow columns of them, or lists of
    Python numbers. Booleans, dates, text and masked arrays are refused
    (``batch.not-numbers``) rather than turned into numbers; beds must be
    whole, finite and not negative, staffing finite and not negative.
    """
    codes, categories, beds_arr, complete = checked_rows(normset, bed_types, beds, categories)
    # One slot per category, and a last one for code -1 (no bed type).
    factors = np.full(len(categories) + 1, np.nan)
    other: list[tuple[int, Any]] = []
    for index, bed_type in enumerate(categories):
        need = _general_need(normset, bed_type)
        if need is None or need.rule is None:
            continue
        linear = need.rule.linear_in()
        # A factor that overflowed (nested scales) goes through the rule itself,
        # which gives 0 for no beds, as the per-unit path does.
        if linear is not None and linear[0] == "places" and np.isfinite(linear[1]):
            factors[index] = linear[1]
        else:
            other.append((index, need.rule))
    codes = codes.astype(np.intp, copy=False)  # numpy gathers fastest with its own index type
    # Overflow is reported as an error below, not as a numpy warning.
    with np.errstate(over="ignore", invalid="ignore"):
        # Every code checked to index a category: numpy's take need not wrap nor check
        # ("clip" never clips here), twice as fast as indexing. Code -1 needs the wrap.
        norm = np.take(factors, codes, mode="clip") if complete else factors[codes]
        np.multiply(norm, beds_arr, out=norm)  # in place: no second array of a million
        # A product of a factor and beds is finite when the largest of each multiply so;
        # beds are at most MAX_MAGNITUDE (checked), so their own maximum is rarely needed.
        linear = np.abs(factors[np.isfinite(factors)])
        largest = float(linear.max()) if linear.size else 0.0
        finite = (
            not beds_arr.size
            or np.isfinite(largest * MAX_MAGNITUDE)
            or np.isfinite(largest * float(beds_arr.max()))
        )
        for index, rule in other:
            mask = codes == index
            values = rule.evaluate_array({"places": beds_arr[mask]})
            finite = finite and bool(np.isfinite(values).all())
            norm[mask] = values
    if not finite:
        raise InventoryError(
            "a rule gives a figure that is not finite for these beds", code="rule.not-finite"
        )
    staffed = gap = None
    if staffed_fte is not None:
        staffed = column(staffed_fte, "staffed_fte")
        if staffed.shape != beds_arr.shape:
            raise InventoryError(
                f"staffed_fte has {staffed.shape[0]} rows but beds has {beds_arr.shape[0]}",
                code="batch.shape",
            )
        check_bounded(staffed, "staffed_fte")
        gap = norm - staffed
    return BatchResult(norm, staffed, gap, tuple(categories))


def checked_rows(
    normset: ResolvedNormSet, bed_types: Any, beds: Any, categories: Sequence[str] | None
) -> tuple[np.ndarray, tuple[str, ...], np.ndarray, bool]:
    """Bed-type codes, their categories and the beds, checked: strings are encoded,
    codes must index ``categories`` (or be -1), beds whole and not negative, one per row;
    and whether every row is known to have a bed type (no code -1)."""
    beds_arr = column(beds, "beds")
    complete = False  # not known for strings: their codes may hold -1
    if categories is None:
        labels, items = _labels(bed_types)
        codes, names = encode(labels, normset, items)
    else:
        codes = np.asarray(bed_types)
        if codes.dtype.kind not in "iu":
            raise InventoryError(
                "with 'categories', bed_types must be integer codes", code="batch.codes"
            )
        names = tuple(categories)
        complete = not check_codes(codes, len(names))
    if codes.shape != beds_arr.shape:
        raise InventoryError(
            f"bed_types has {codes.shape[0]} rows but beds has {beds_arr.shape[0]}",
            code="batch.shape",
        )
    check_beds(beds_arr)
    return codes, names, beds_arr, complete


def column(values: Any, name: str) -> np.ndarray:
    """Numbers as a one-dimensional array: integers stay integer (beds), floats as float64.

    Only numbers are read: booleans, dates, durations and text (even ``"30"``) are
    refused rather than turned into numbers, and so is a masked array, whose mask
    would be lost (give NaN for a missing figure). A list of Python numbers, with
    None for a missing one, is read as floats.
    """
    if np.ma.isMaskedArray(values):
        raise InventoryError(
            f"{name} is a masked array: its mask would be lost",
            Location(field=name),
            "give NaN where a figure is missing",
            code="batch.not-numbers",
        )
    array = np.asarray(values)
    if array.ndim != 1:
        raise InventoryError(
            f"{name} must be one figure per row (a one-dimensional array), "
            f"got {array.ndim} dimensions",
            Location(field=name),
            code="batch.shape",
        )
    kind = array.dtype.kind
    if kind in "iu":
        return array
    if kind == "f" or (kind == "O" and all(map(_is_number_or_none, array))):
        return array.astype(np.float64, copy=False)
    shown = _KINDS.get(kind, f"{array.dtype} values")
    raise InventoryError(
        f"{name} must be numbers (integers or floats), got {shown}",
        Location(field=name),
        "convert the column to numbers first; text such as '30' is not read as a number here",
        code="batch.not-numbers",
    )


_KINDS = {
    "b": "booleans",
    "M": "dates",
    "m": "durations",
    "U": "text",
    "S": "bytes",
    "c": "complex numbers",
    "O": "values that are not all numbers",
}


def _is_number_or_none(value: Any) -> bool:
    return value is None or (
        isinstance(value, int | float | np.integer | np.floating)
        and not isinstance(value, bool | np.bool_)
    )


def _first(mask: np.ndarray) -> int:
    return int(np.flatnonzero(mask)[0])


def check_bounded(values: np.ndarray, name: str) -> None:
    """Finite, not negative, at most :data:`MAX_MAGNITUDE`: two reductions when all is well."""
    if values.size == 0:
        return
    with np.errstate(invalid="ignore"):
        low, high = values.min(), values.max()  # NaN wins both
    if low >= 0 and high <= MAX_MAGNITUDE:
        return
    bad = ~np.isfinite(values) | (np.abs(values) > MAX_MAGNITUDE) | (values < 0)
    row = _first(bad)
    raise InventoryError(
        f"{name} in row {row} is {values[row]}: it must be a finite number, not negative, "
        "at most 10^15",
        Location(field=name, row=row),
        code="batch.value",
    )


def check_beds(beds: np.ndarray) -> None:
    """Beds as the per-unit path accepts them: finite, whole, not negative, bounded."""
    check_bounded(beds, "beds")
    row = first_fraction(beds)
    if row is not None:
        raise InventoryError(
            f"beds in row {row} is {beds[row]}: places are whole numbers",
            Location(field="beds", row=row),
            code="batch.value",
        )


def first_fraction(values: np.ndarray) -> int | None:
    """The first row holding a number with a fraction, or None. NaN and infinities
    have none (the callers check those as they must)."""
    if values.dtype.kind != "f":
        return None  # whole by their type
    # In slices that stay in the cache, into two buffers made once: a million-row
    # temporary, or a fresh one per slice, costs more than the test itself.
    floor = np.empty(min(values.size, _SLICE), dtype=values.dtype)
    fractional = np.empty(floor.size, dtype=bool)
    for start in range(0, values.size, _SLICE):
        part = values[start : start + _SLICE]
        size = part.size
        np.floor(part, out=floor[:size])
        # above its floor: a fraction; NaN is above nothing, so it is never one
        np.greater(part, floor[:size], out=fractional[:size])
        if fractional[:size].any():
            return start + _first(fractional[:size])
    return None


_SLICE = 1 << 15


def check_codes(codes: np.ndarray, categories: int) -> bool:
    """Codes index the categories; -1 (a missing value) is allowed, nothing else outside.
    Whether some code is -1."""
    if codes.size == 0:
        return False
    low = int(codes.min())
    if low >= -1 and codes.max() < categories:
        return low == -1
    bad = (codes < -1) | (codes >= categories)
    row = _first(bad)
    raise InventoryError(
        f"bed type code {codes[row]} in row {row} is not one of the {categories} "
        "categories (or -1 for a missing bed type)",
        Location(field="bed_types", row=row),
        code="batch.codes",
    )


def _labels(bed_types: Any) -> tuple[np.ndarray, np.ndarray | None]:
    """Bed types as text, and the items themselves when they may not all be text (an
    object column): :func:`encode` looks at those of the rows no norm names.

    Numbers are refused: read as text, code 0 would be a bed type named "0" with
    no norm.
    """
    # A list keeps its items as they are (numpy would make [3, "long_term"] all text).
    given = np.asarray(bed_types, dtype=object if isinstance(bed_types, list | tuple) else None)
    if given.dtype.kind in "US" or given.size == 0:
        return given.astype(str, copy=False), None
    if given.dtype.kind != "O":
        raise InventoryError(
            f"bed_types are {given.dtype} values, not text: integer codes need their 'categories'",
            Location(field="bed_types"),
            "pass categories=[...] with codes, or the bed types as text",
            code="batch.codes",
        )
    try:
        labels = given.astype(str)  # one pass in C; an item that is not text is seen later
    except Exception:  # an item whose text cannot be made: say which
        _check_items(given, np.arange(given.size))
        raise  # every item is text or missing: the failure is not theirs
    return labels, given


def _check_items(items: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Which of ``rows`` are missing (None, NaN, NaT, pandas' NA: no bed type); an item
    that is neither text nor missing is a :class:`InventoryError`."""
    text = np.frompyfunc(lambda v: isinstance(v, str), 1, 1)(items[rows]).astype(bool)
    missing = np.zeros(rows.size, dtype=bool)
    for position in np.flatnonzero(~text):
        value = items[rows[position]]
        if not _is_missing(value):
            row = int(rows[position])
            raise InventoryError(
                f"bed type in row {row} is {terminal(clipped(repr(value)))}, not text",
                Location(field="bed_types", row=row),
                "give each bed type as text, or None where a unit has none",
                code="batch.codes",
            )
        missing[position] = True
    return missing


def _is_missing(value: Any) -> bool:
    """None, or a value not equal to itself: NaN of any width, NaT; pandas' NA, whose
    comparison has no truth value."""
    if value is None:
        return True
    try:
        return bool(value != value)
    except (TypeError, ValueError):
        return type(value).__name__ == "NAType"


def encode(
    labels: np.ndarray, normset: ResolvedNormSet, items: np.ndarray | None = None
) -> tuple[np.ndarray, tuple[str, ...]]:
    """Integer codes for string bed types: one comparison per bed type with a norm.

    Sorting a million strings (``np.unique``) costs far more than a handful of
    vectorised comparisons; only rows left over (types with no norm) are sorted.
    ``items`` (an object column's own values): of the rows left over, a missing one
    is code -1 (no bed type), and one that is not text is refused.
    """
    known = sorted(
        {
            b
            for a in normset.needs.values()
            if a.need.facility is None and a.need.rule is not None
            for b in a.need.bed_types
        }
    )
    codes = np.full(labels.shape, -1, dtype=np.intp)
    for index, bed_type in enumerate(known):
        codes[labels == bed_type] = index
    rest = codes < 0
    if items is not None and rest.any():
        rows = np.flatnonzero(rest)
        rest[rows[_check_items(items, rows)]] = False  # no bed type: stays -1
    if not rest.any():
        return codes, tuple(known)
    others, inverse = np.unique(labels[rest], return_inverse=True)
    codes[rest] = len(known) + inverse
    return codes, (*known, *(str(o) for o in others))


def _general_need(normset: ResolvedNormSet, bed_type: str) -> Need | None:
    """The need every facility's units of this bed type get (None: no norm, by decision or not)."""
    applied = normset.need_for(None, bed_type)
    return applied.need if applied is not None and applied.need.rule is not None else None
