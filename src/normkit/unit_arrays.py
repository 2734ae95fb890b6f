"""Many units as arrays, with the per-unit path's meaning: the engine of the DataFrame
entry point (:mod:`normkit.frames`).

:func:`assess_units` gives, for each row, the figures :func:`normkit.assess`
gives that unit: ``norm_fte`` (pure norm), ``required_fte`` (after adopted
values and overrides), ``staffed_fte``, ``gap_fte`` and ``status``; ``NaN``
where the per-unit path says null. Each bed type's outcome is worked out once
by the per-unit code (:class:`~normkit.assessment.UnitTemplates`); a bed type
whose need and override are rates in places is then one multiply over its
rows (the same product the rate computes per unit, so the figures are the
same to the last bit), and any other rule is evaluated once per distinct
number of beds. Rows of a facility that a need or override names are
assessed one by one, as :func:`normkit.assess` would.

Each row is one unit with at most one staffing figure (undated); a facility's
own staffing and dated posts belong to an inventory (:func:`normkit.assess`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .assessment import Status, UnitAssessment, UnitTemplates, assess_unit
from .errors import InventoryError
from .inventory import Facility, Unit
from .normset import ResolvedNormSet

#: ``status`` codes of :class:`UnitArrays`, in this order
STATUSES: tuple[Status, ...] = ("norm", "adopted", "no_norm", "unknown")
_STATUS_CODE = {status: code for code, status in enumerate(STATUSES)}


@dataclass(frozen=True)
class UnitArrays:
    """Figures per row, aligned with the input; ``NaN`` where the per-unit path gives null.

    Each array is the caller's own (a frame can take it as a column); with
    ``share_columns``, ``required_fte`` may be ``norm_fte`` itself. ``staffed_fte``
    and ``gap_fte`` are None when no staffing was given: null in every row.
    """

    norm_fte: np.ndarray
    required_fte: np.ndarray
    staffed_fte: np.ndarray | None
    gap_fte: np.ndarray | None
    status: np.ndarray  # codes into STATUSES (int8)

    def status_names(self) -> np.ndarray:
        """``status`` as the words (``norm``, ``adopted``, ``no_norm``, ``unknown``)."""
        names: np.ndarray = np.asarray(STATUSES, dtype=object)[self.status]
        return names


def assess_units(
    normset: ResolvedNormSet,
    codes: np.ndarray,
    categories: Sequence[str],
    beds: np.ndarray,
    staffed_fte: np.ndarray | None = None,
    *,
    facilities: Any = None,
    units: Any = None,
    share_columns: bool = False,
) -> UnitArrays:
    """The per-unit figures for many units at once, from rows the caller has checked.

    :mod:`normkit.frames` reads and checks each column once, so they are not
    checked again here: ``codes`` (any signed integer type) index
    ``categories``, -1 for a row without a bed type (no norm); ``beds`` are
    whole, not negative and at most 10^15; ``staffed_fte`` is one figure per
    row, ``NaN`` where none is recorded, each 0 or from 10^-9 to 10^15, and
    becomes the result's column as it is (pass a copy). ``facilities`` and
    ``units`` (names per row) let facility-specific needs and overrides apply;
    without them every row is a unit of a facility the norm set does not name.
    ``share_columns``: the result goes to a library that never writes into a
    column shared by another (polars and Arrow write into none; pandas 3 copies
    a shared one first), so equal columns may be one array.
    """
    names = tuple(categories)
    rows = len(beds)
    templates = UnitTemplates(normset, explain=False)
    # One slot per bed type, and a last one for code -1 (no bed type: no norm).
    norm_rate = np.full(len(names) + 1, np.nan)
    required_rate = np.full(len(names) + 1, np.nan)
    status_of = np.full(len(names) + 1, _STATUS_CODE["no_norm"], dtype=np.int8)
    evaluated: list[tuple[int, str]] = []  # bed types whose rules are not plain rates
    for code, bed_type in enumerate(names):
        shared = _row(templates, bed_type, 0)
        status_of[code] = _STATUS_CODE[shared.status]
        rates = _rates(templates.normset, bed_type)
        if rates is None:
            evaluated.append((code, bed_type))
            continue
        if shared.norm_fte is not None:
            norm_rate[code] = rates[0]
        if shared.required_fte is not None:
            required_rate[code] = rates[1]
    same = np.array_equal(norm_rate, required_rate, equal_nan=True) and not evaluated
    # rate × places, as the rate computes it for one unit: the same float
    norm, own_required, status = _gathered(
        norm_rate, None if same else required_rate, status_of, codes, beds
    )
    named_rows = _named_rows(templates, facilities, rows)
    if own_required is not None:
        required = own_required
    elif share_columns and named_rows is None:  # no row is filled in below
        required = norm
    else:
        required = norm.copy()
    for code, bed_type in evaluated:
        _fill_evaluated(templates, bed_type, codes == code, beds, norm, required)
    if named_rows is not None:
        _fill_named(
            templates, named_rows, facilities, units, codes, names, beds, norm, required, status
        )
    gap = None if staffed_fte is None else required - staffed_fte
    return UnitArrays(norm, required, staffed_fte, gap, status)


#: rows gathered at a time: the slice's index and places stay in the cache
_SLICE = 1 << 15


def _gathered(
    norm_rate: np.ndarray,
    required_rate: np.ndarray | None,
    status_of: np.ndarray,
    codes: np.ndarray,
    beds: np.ndarray,
) -> tuple[np.ndarray, np.ndarray | None, np.ndarray]:
    """Each row's norm rate × places, required rate × places (None: not asked) and
    status, from per-code tables whose last slot is code -1's.

    A slice at a time, with one index for every table: numpy makes an index of
    eight bytes a row from narrower codes, and floats from integer places, and
    in slices those stay small and in the cache instead of as large as the
    column. The index is code + 1 into the tables turned so that code -1's
    slot comes first: the codes are checked already (:mod:`normkit.frames`),
    so the gather need not check or wrap them (``mode="clip"``, the fastest).
    """
    rows = len(codes)
    norm = np.empty(rows)
    required = None if required_rate is None else np.empty(rows)
    norm_rate = np.roll(norm_rate, 1)
    required_rate = None if required_rate is None else np.roll(required_rate, 1)
    # One-byte codes (pandas and polars use them for fewer than 128 categories) by
    # translation; codes 0..126 and -1 (as the byte 255) then cannot be confused.
    if codes.dtype.itemsize == 1 and len(status_of) <= 128:
        status, status_table = _statuses(status_of, codes), None
    else:
        status, status_table = np.empty(rows, dtype=status_of.dtype), np.roll(status_of, 1)
    slot = np.empty(min(rows, _SLICE), dtype=np.intp)
    for start in range(0, rows, _SLICE):
        end = start + _SLICE
        part_codes = codes[start:end]
        index = slot[: len(part_codes)]
        np.add(part_codes, 1, out=index, dtype=np.intp)  # in the index type: no overflow
        places = beds[start:end]
        part = norm[start:end]
        norm_rate.take(index, out=part, mode="clip")
        np.multiply(part, places, out=part)
        if required is not None and required_rate is not None:
            part = required[start:end]
            required_rate.take(index, out=part, mode="clip")
            np.multiply(part, places, out=part)
        if status_table is not None:
            status_table.take(index, out=status[start:end], mode="clip")
    return norm, required, status


def _statuses(status_of: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Each row's status from one-byte codes: a byte-for-byte translation (the codes'
    bytes, -1 being 255, through a 256-byte table), three times faster than a gather."""
    table = bytearray(256)
    for code in range(len(status_of) - 1):
        table[code] = int(status_of[code])
    table[255] = int(status_of[-1])  # code -1: no bed type
    # One copy of the codes into a bytearray, whose translation is a bytearray too:
    # writable (the caller's own) without a third pass.
    translated = bytearray(codes.view(np.uint8)).translate(table)
    return np.frombuffer(translated, dtype=np.int8)


def _named_rows(templates: UnitTemplates, facilities: Any, rows: int) -> np.ndarray | None:
    if facilities is None or not templates.named:
        return None
    names = np.asarray(facilities, dtype=object)
    if names.shape != (rows,):
        raise InventoryError(
            f"facilities has {names.shape[0]} rows but beds has {rows}", code="batch.shape"
        )
    named = templates.named  # a set lookup per row: np.isin sorts Python objects
    return np.fromiter((name in named for name in names), dtype=bool, count=rows)


_PROTOTYPE = Facility.model_construct(name="")  # a facility no norm entry names


def _row(templates: UnitTemplates, bed_type: str, beds: int) -> UnitAssessment:
    """The shared row of units of this bed type and beds (a unit without staffing)."""
    cached = templates.cached(bed_type, beds)
    if cached is not None:
        return cached
    unit = Unit.model_construct(name="", bed_type=bed_type, beds=beds, staffing=(), note=None)
    row = templates.template(_PROTOTYPE, unit)
    assert row is not None  # the prototype is no named facility
    return row


def _rates(normset: ResolvedNormSet, bed_type: str) -> tuple[float, float] | None:
    """FTE per place of the need and of the required figure, when each is a plain rate in
    places or absent (then its figure is null and the factor unused); None otherwise."""
    applied = normset.need_for(None, bed_type)
    rule = applied.need.rule if applied is not None else None
    chosen = normset.override_for("", None, bed_type, applied.need.id if applied else None)

    def rate(rule: Any) -> float | None:
        if rule is None:
            return 0.0
        if rule.kind == "rate" and rule.input == "places":
            return float(rule.fte_per_unit)
        return None

    norm_rate = rate(rule)
    required_rate = rate(chosen.override.rule) if chosen is not None else norm_rate
    if norm_rate is None or required_rate is None:
        return None
    return norm_rate, required_rate


def _fill_evaluated(
    templates: UnitTemplates,
    bed_type: str,
    mask: np.ndarray,
    beds: np.ndarray,
    norm: np.ndarray,
    required: np.ndarray,
) -> None:
    """A bed type whose rules are not plain rates: evaluated once per distinct beds."""
    rows = np.flatnonzero(mask)
    if rows.size == 0:
        return
    values, inverse = np.unique(beds[rows], return_inverse=True)
    shared = [_row(templates, bed_type, int(b)) for b in values]
    norm[rows] = np.array([np.nan if r.norm_fte is None else r.norm_fte for r in shared])[inverse]
    required[rows] = np.array(
        [np.nan if r.required_fte is None else r.required_fte for r in shared]
    )[inverse]


def _fill_named(
    templates: UnitTemplates,
    named_rows: np.ndarray,
    facilities: Any,
    units: Any,
    codes: np.ndarray,
    names: tuple[str, ...],
    beds: np.ndarray,
    norm: np.ndarray,
    required: np.ndarray,
    status: np.ndarray,
) -> None:
    """Rows of facilities a need or override names, each as :func:`normkit.assess` would.

    A row's figures depend on its facility, bed type and beds, and on its
    unit's name only where an override names that unit: rows alike in those
    share one assessment.
    """
    normset = templates.normset
    by_unit = {(o.override.facility, o.override.unit) for o in normset.overrides}
    facility_names = np.asarray(facilities, dtype=object)
    unit_names = None if units is None else np.asarray(units, dtype=object)
    done: dict[tuple[str, str, int, int], UnitAssessment] = {}
    for row in np.flatnonzero(named_rows):
        code = int(codes[row])
        if code < 0:
            continue  # no bed type: no norm, as above
        facility = str(facility_names[row])
        # No unit name ("") matches no override naming a unit, as with no name at all.
        unit = "" if unit_names is None else str(unit_names[row])
        key = (facility, unit if (facility, unit) in by_unit else "", code, int(beds[row]))
        result = done.get(key)
        if result is None:
            result = done[key] = assess_unit(
                Facility.model_construct(name=facility),
                Unit.model_construct(
                    name=unit, bed_type=names[code], beds=key[3], staffing=(), note=None
                ),
                normset,
                normset.at,
            )
        status[row] = _STATUS_CODE[result.status]
        norm[row] = np.nan if result.norm_fte is None else result.norm_fte
        required[row] = np.nan if result.required_fte is None else result.required_fte
