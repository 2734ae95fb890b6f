"""The batch path: pure-norm need for many units at once, without explanations.

Give bed types (strings, or integer codes with their ``categories`` as in a
pandas Categorical or an Arrow dictionary) and beds as arrays; get the norm
FTE per unit as a float array, ``NaN`` where no rule applies. A norm set's
general needs (those not tied to one facility) are used; overrides name
facilities and units, so they belong to :func:`normkit.assess`.

Rates are linear, so each bed type reduces to one FTE-per-place factor and
the whole batch is a single gather and multiply. Other rule kinds are
evaluated vectorised on the rows of their bed type.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .errors import NormkitError
from .normset import Need, ResolvedNormSet


@dataclass(frozen=True)
class BatchResult:
    """Arrays aligned with the input rows."""

    norm_fte: np.ndarray
    has_norm: np.ndarray
    staffed_fte: np.ndarray | None
    gap_fte: np.ndarray | None
    categories: tuple[str, ...]

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
    """Pure-norm FTE for each row; ``bed_types`` as strings, or codes into ``categories``."""
    beds_arr = np.asarray(beds, dtype=float)
    if categories is None:
        codes, categories = _encode(np.asarray(bed_types, dtype=str), normset)
    else:
        codes = np.asarray(bed_types)
        if codes.dtype.kind not in "iu":
            raise NormkitError("with 'categories', bed_types must be integer codes")
        categories = tuple(categories)
    if codes.shape != beds_arr.shape:
        raise NormkitError(f"bed_types has {codes.shape[0]} rows but beds has {beds_arr.shape[0]}")
    if beds_arr.size and np.nanmin(beds_arr) < 0:
        raise NormkitError("beds must not be negative")
    factors = np.full(len(categories), np.nan)
    other: list[tuple[int, Any]] = []
    for index, bed_type in enumerate(categories):
        need = _general_need(normset, bed_type)
        if need is None:
            continue
        linear = need.rule.linear_in()
        if linear is not None and linear[0] == "places":
            factors[index] = linear[1]
        else:
            other.append((index, need.rule))
    norm = factors[codes] * beds_arr
    for index, rule in other:
        mask = codes == index
        norm[mask] = rule.evaluate_array({"places": beds_arr[mask]})
    has_norm = ~np.isnan(norm)
    staffed = gap = None
    if staffed_fte is not None:
        staffed = np.asarray(staffed_fte, dtype=float)
        gap = norm - staffed
    return BatchResult(norm, has_norm, staffed, gap, tuple(categories))


def _encode(labels: np.ndarray, normset: ResolvedNormSet) -> tuple[np.ndarray, tuple[str, ...]]:
    """Integer codes for string bed types: one comparison per bed type with a norm.

    Sorting a million strings (``np.unique``) costs far more than a handful of
    vectorised comparisons; only rows left over (types with no norm) are sorted.
    """
    known = sorted(
        {b for a in normset.needs.values() if a.need.facility is None for b in a.need.bed_types}
    )
    codes = np.full(labels.shape, -1, dtype=np.intp)
    for index, bed_type in enumerate(known):
        codes[labels == bed_type] = index
    rest = codes < 0
    if not rest.any():
        return codes, tuple(known)
    others, inverse = np.unique(labels[rest], return_inverse=True)
    codes[rest] = len(known) + inverse
    return codes, (*known, *(str(o) for o in others))


def _general_need(normset: ResolvedNormSet, bed_type: str) -> Need | None:
    for applied in normset.needs.values():
        if applied.need.facility is None and bed_type in applied.need.bed_types:
            return applied.need
    return None
