"""Tables in: a pandas, polars or Arrow frame of units, assessed column-wise.

:func:`assess_frame` takes a frame with one row per unit (the *long* layout:
a bed type, its places, and optionally staffed FTE, the facility and the
unit's name) or one row per facility with a column of places per bed type
(the *wide* layout), and returns a frame of the same kind with five columns
more: ``norm_fte``, ``required_fte``, ``staffed_fte``, ``gap_fte`` and
``status``. Each row's figures are those :func:`normkit.assess` gives that
unit (:func:`normkit.unit_arrays.assess_units` does the work).

Bed-type columns that are already codes (a pandas ``Categorical``, an Arrow
``DictionaryArray``, a polars ``Categorical`` or ``Enum``) are used as codes
as they are; text columns are encoded by the frame library's own hashing
(``pandas.factorize``, ``pyarrow.compute.dictionary_encode``, a polars
``Categorical``). pandas, polars and pyarrow are imported only when a frame
of theirs is given: ``import normkit`` imports none of them.

:func:`assess_dask` runs :func:`assess_frame` on every partition of a dask
DataFrame (``map_partitions``), and :func:`frame_totals` adds up a result,
a dask one included, exactly: the same totals however the rows are split.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import numpy as np

from .batch import first_fraction
from .errors import InventoryError, Location, NormSetError
from .unit_arrays import STATUSES, UnitArrays, assess_units
from .values import MAX_MAGNITUDE, MIN_MAGNITUDE, listing

if TYPE_CHECKING:  # pragma: no cover
    from .normset import ResolvedNormSet

__all__ = [
    "MAX_BED_TYPES",
    "RESULT_COLUMNS",
    "FrameTotals",
    "assess_dask",
    "assess_frame",
    "frame_totals",
]

Frame = TypeVar("Frame")
Layout = Literal["long", "wide"]

#: the columns :func:`assess_frame` adds, in this order
RESULT_COLUMNS = ("norm_fte", "required_fte", "staffed_fte", "gap_fte", "status")
#: distinct bed types one frame may use: each costs one assessment of a unit (about
#: 35 µs), so a text column of a million different values is refused, not run for a minute
MAX_BED_TYPES = 10_000
# Above this many categories, those no row uses are dropped before assessing.
_FEW_CATEGORIES = 64
_DEFAULT_OPTIONAL = {"staffed_fte": "staffed_fte", "facility": "facility", "unit": "unit"}


def assess_frame(
    frame: Frame,
    normset: ResolvedNormSet,
    *,
    layout: Layout = "long",
    bed_type: str = "bed_type",
    beds: str = "beds",
    staffed_fte: str | None = "staffed_fte",
    facility: str | None = "facility",
    unit: str | None = "unit",
    bed_types: Sequence[str] | None = None,
    known_bed_types: Collection[str] | None = None,
) -> Frame:
    """Each unit of ``frame`` assessed against ``normset``: a frame of the same kind.

    ``frame`` is a ``pandas.DataFrame``, a ``polars.DataFrame`` or a
    ``pyarrow.Table``; ``normset`` a resolved norm set (:meth:`Kit.resolve`,
    or use :meth:`Kit.assess_frame`).

    ``layout="long"``: one row per unit. ``bed_type`` and ``beds`` name the
    columns that must be there; ``staffed_fte``, ``facility`` and ``unit`` name
    columns used when present (``None``: not used; a name other than the
    default must be there); names are read (and must be text) only when the
    norm set names facilities. The result is the input with ``norm_fte``,
    ``required_fte``, ``staffed_fte``, ``gap_fte`` and ``status`` added (an
    input ``staffed_fte`` column is replaced by the figures as floats).

    ``layout="wide"``: one row per facility (or unit), a column of places per
    bed type: the columns ``bed_types`` names (by default those named after a
    bed type in ``known_bed_types``, or else after a standard bed type or one
    the norm set names). The result is long: one row per cell with
    places (a null cell is no unit), holding the row's other columns, then
    ``bed_type`` (the column's name, categorical), ``beds`` and the figures.
    A wide row has no staffing: a facility's staffing is not any one unit's.

    Nulls: ``NaN`` in pandas, null in polars and Arrow, where the per-unit
    path gives ``null``: no norm, or no staffing recorded. ``status`` is
    categorical (pandas ``Categorical``, polars ``Enum``, Arrow dictionary) of
    ``norm``, ``adopted``, ``no_norm``, ``unknown``. A null bed type is a unit
    without one (no norm); a null staffed figure (or ``NaN``) is none recorded.

    ``known_bed_types``: refuse any bed type outside it (``inventory.bed-type``);
    ``None`` accepts any text, and a bed type the norm set has no rule for is
    "no norm".
    """
    _resolved(normset, "assess_frame")
    adapter = _adapter(frame, "assess_frame")
    if layout == "long":
        return _assess_long(  # type: ignore[no-any-return]
            adapter,
            normset,
            bed_type,
            beds,
            {"staffed_fte": staffed_fte, "facility": facility, "unit": unit},
            known_bed_types,
        )
    if layout == "wide":
        return _assess_wide(  # type: ignore[no-any-return]
            adapter,
            normset,
            bed_type,
            beds,
            {"staffed_fte": staffed_fte, "facility": facility, "unit": unit},
            bed_types,
            known_bed_types,
        )
    raise InventoryError(
        f"layout {layout!r} is neither 'long' nor 'wide'",
        hint="'long': one row per unit; 'wide': one column of places per bed type",
        code="frame.layout",
    )


def _resolved(normset: Any, caller: str) -> None:
    """A norm set id or file where a resolved one is needed: say how to get one."""
    from .normset import ResolvedNormSet

    if not isinstance(normset, ResolvedNormSet):
        raise NormSetError(
            f"{caller} needs a resolved norm set, not {type(normset).__name__} {normset!r:.60}",
            hint="resolve it on a date first: kit.resolve('national', date); or call "
            f"kit.{caller}(frame, 'national', date)",
            code="frame.normset",
        )


def assess_dask(ddf: Any, normset: ResolvedNormSet, **options: Any) -> Any:
    """:func:`assess_frame` on every partition of a dask DataFrame: a lazy dask DataFrame.

    ``options`` are those of :func:`assess_frame`. Nothing is computed until
    asked (``.compute()``, ``.to_parquet(...)``, :func:`frame_totals`); with a
    ``distributed.Client`` the partitions run on its workers, each receiving
    the norm set once with the task graph.
    """
    if not _is_dask(ddf):
        raise InventoryError(
            f"assess_dask takes a dask DataFrame, not {type(ddf).__module__}."
            f"{type(ddf).__qualname__}",
            hint="use assess_frame for a pandas, polars or Arrow frame",
            code="frame.kind",
        )
    if options.get("known_bed_types") is not None:  # names only, for a small task graph
        options["known_bed_types"] = frozenset(options["known_bed_types"])
    meta = assess_frame(ddf._meta, normset, **options)
    return ddf.map_partitions(assess_frame, normset, meta=meta, **options)


@dataclass(frozen=True)
class FrameTotals:
    """Sums over the rows of an :func:`assess_frame` result.

    Each figure is the sum of the rows where it is known, rounded once
    (as :func:`math.fsum` does, so the same however the rows are split into
    partitions), or ``None`` when no row has it. ``gap_fte`` adds the rows'
    own gaps (rows with both a need and staffing); an :class:`Assessment`'s
    total gap is per facility, where a facility's staffing covers all its units.
    """

    units: int
    beds: int
    norm_fte: float | None
    required_fte: float | None
    staffed_fte: float | None
    gap_fte: float | None
    #: units (places) with no pure-norm figure and a status other than "unknown"
    units_without_norm: int
    places_without_norm: int
    #: units (places) whose norm the source leaves out
    units_unknown: int
    places_unknown: int


def frame_totals(result: Any, *, beds: str = "beds") -> FrameTotals:
    """The totals of an :func:`assess_frame` (or :func:`assess_dask`) result.

    A dask result is added up partition by partition on the workers (only the
    sums travel); ``beds`` names the column of places.
    """
    if _is_dask(result):
        dask = importlib.import_module("dask")
        parts = [dask.delayed(_partial_totals)(part, beds) for part in result.to_delayed()]
        sums: list[_Sums] = list(dask.compute(*parts))
    else:
        sums = [_partial_totals(result, beds)]
    return _Sums.combine(sums).totals()


# -- the two layouts ---------------------------------------------------------


def _assess_long(
    adapter: _Adapter,
    normset: ResolvedNormSet,
    bed_type: str,
    beds: str,
    optional: dict[str, str | None],
    known_bed_types: Collection[str] | None,
) -> Any:
    columns = adapter.columns()
    _require(columns, (bed_type, beds))
    used = _optional_columns(columns, optional)
    staffed_col, facility_col, unit_col = (used[k] for k in ("staffed_fte", "facility", "unit"))
    _no_duplicates(columns, [bed_type, beds, *(c for c in used.values() if c), *RESULT_COLUMNS])
    for name in RESULT_COLUMNS:
        if name in columns and not (name == "staffed_fte" and staffed_col == name):
            _result_column_taken(name)
    codes, categories = _tidy(*adapter.bed_type_codes(bed_type), bed_type, known_bed_types)
    beds_arr = _checked_beds(adapter.numbers(beds), beds, nulls="error")
    staffed = None
    if staffed_col is not None:
        staffed = _checked_staffed(adapter.numbers(staffed_col), staffed_col)
    facilities = units = None
    rows = adapter.rows()
    if facility_col is not None and normset.named_facilities():
        facilities = adapter.names(facility_col)
        units = adapter.names(unit_col) if unit_col is not None else np.full(rows, "", object)
    result = assess_units(
        normset,
        codes,
        categories,
        beds_arr,
        staffed,
        facilities=facilities,
        units=units,
        share_columns=adapter.shares_columns,
    )
    return adapter.with_columns(adapter.frame, _result_columns(adapter, result, rows))


def _assess_wide(
    adapter: _Adapter,
    normset: ResolvedNormSet,
    bed_type: str,
    beds: str,
    optional: dict[str, str | None],
    bed_types: Sequence[str] | None,
    known_bed_types: Collection[str] | None,
) -> Any:
    columns = adapter.columns()
    if bed_types is None:
        candidates = set(known_bed_types) if known_bed_types is not None else _standard(normset)
        bed_columns = [c for c in columns if isinstance(c, str) and c in candidates]
        if not bed_columns:
            raise InventoryError(
                "no column is named after a bed type, so the wide layout has no places to read",
                hint=f"bed types: {listing(sorted(candidates))}; or give bed_types=[...]",
                code="frame.layout",
            )
    else:
        bed_columns = list(bed_types)
        _require(columns, bed_columns)
        if not bed_columns:
            raise InventoryError("bed_types names no column", code="frame.layout")
        twice = sorted({c for c in bed_columns if bed_columns.count(c) > 1})
        if twice:
            raise InventoryError(
                f"bed_types names column '{twice[0]}' twice",
                Location(field=str(twice[0])),
                code="frame.duplicate-column",
            )
        if known_bed_types is not None:
            unknown = [c for c in bed_columns if c not in known_bed_types]
            if unknown:
                _unknown_bed_types(unknown, known_bed_types, unknown[0])
    staffed_col = optional["staffed_fte"]
    if staffed_col is not None and staffed_col in columns:
        raise InventoryError(
            f"a wide frame has a column '{staffed_col}': a row's staffing is its facility's, "
            "which no one unit has",
            Location(field=str(staffed_col)),
            "use the long layout (one row per unit, with its staffing), or drop the column",
            code="frame.layout",
        )
    others = [c for c in columns if c not in set(bed_columns)]
    _no_duplicates(columns, [*bed_columns, *others])
    for name in (bed_type, beds, *RESULT_COLUMNS):
        if name in others:
            _result_column_taken(name)
    rows = adapter.rows()
    places = [_checked_beds(adapter.numbers(c), c, nulls="allowed") for c in bed_columns]
    matrix = np.column_stack(places) if places else np.empty((rows, 0))
    if matrix.dtype.kind == "f":
        present = ~np.isnan(matrix).ravel()
        cells = matrix.ravel()[present].astype(np.int64)
    else:
        present = np.ones(matrix.size, dtype=bool)
        cells = matrix.ravel().astype(np.int64, copy=False)
    taken = np.repeat(np.arange(rows), len(bed_columns))[present]
    codes = np.tile(np.arange(len(bed_columns), dtype=np.intp), rows)[present]
    used = _optional_columns(columns, {"facility": optional["facility"], "unit": optional["unit"]})
    facility_col, unit_col = used["facility"], used["unit"]
    facilities = units = None
    if facility_col is not None and normset.named_facilities():
        facilities = adapter.names(facility_col)[taken]
        if unit_col is not None:
            units = adapter.names(unit_col)[taken]
        else:  # a unit is named after its bed type
            units = np.asarray(bed_columns, dtype=object)[codes]
    categories = tuple(str(c) for c in bed_columns)
    result = assess_units(
        normset,
        codes,
        categories,
        cells,
        facilities=facilities,
        units=units,
        share_columns=adapter.shares_columns,
    )
    base = adapter.take(others, taken)
    added = [
        (bed_type, adapter.categorical(codes, [str(c) for c in bed_columns])),
        (beds, adapter.integers(cells)),
        *_result_columns(adapter, result, len(cells)),
    ]
    return adapter.with_columns(base, added)


def _result_columns(adapter: _Adapter, result: UnitArrays, rows: int) -> list[tuple[str, Any]]:
    """The five result columns in the frame library's own types (the arrays of
    :class:`UnitArrays` are the result's own, so a library may take them as they are);
    staffing and gap without figures are nulls, which a library makes at no cost."""
    out: list[tuple[str, Any]] = []
    made: dict[int, Any] = {}  # by the array: one column where the result shares one
    nulls = None
    for name in RESULT_COLUMNS[:4]:
        values = getattr(result, name)
        if values is None:  # staffing and gap: one column of nulls serves both when shared
            if nulls is None or not adapter.shares_columns:
                nulls = adapter.nulls(rows)
            out.append((name, nulls))
            continue
        if id(values) not in made:
            made[id(values)] = adapter.floats(values)
        out.append((name, made[id(values)]))
    out.append(("status", adapter.categorical(result.status, list(STATUSES))))
    return out


# -- checks ------------------------------------------------------------------


def _require(columns: list[Any], names: Iterable[str]) -> None:
    for name in names:
        if name not in columns:
            raise InventoryError(
                f"the frame has no column '{name}'",
                Location(field=str(name)),
                f"its columns: {listing([str(c) for c in columns])}",
                code="frame.column",
            )


def _optional_columns(columns: list[Any], given: dict[str, str | None]) -> dict[str, str | None]:
    """Each optional column's name if it is used: present, or an error when named on purpose."""
    used: dict[str, str | None] = {}
    for option, name in given.items():
        if name is not None and name not in columns:
            if name != _DEFAULT_OPTIONAL[option]:
                _require(columns, [name])  # a name given on purpose must be there
            name = None
        used[option] = name
    return used


def _no_duplicates(columns: list[Any], names: Iterable[Any]) -> None:
    if len(set(columns)) == len(columns):
        return
    counts: dict[Any, int] = {}
    for column in columns:
        counts[column] = counts.get(column, 0) + 1
    for name in names:
        if counts.get(name, 0) > 1:
            raise InventoryError(
                f"the frame has {counts[name]} columns named '{name}'",
                Location(field=str(name)),
                "rename or drop all but one",
                code="frame.duplicate-column",
            )


def _result_column_taken(name: str) -> None:
    raise InventoryError(
        f"the frame already has a column '{name}', which the result would write",
        Location(field=name),
        "rename or drop it (or name the columns read otherwise)",
        code="frame.result-column",
    )


def _tidy(
    codes: np.ndarray,
    categories: list[Any],
    column: str,
    known_bed_types: Collection[str] | None,
) -> tuple[np.ndarray, tuple[str, ...]]:
    """Codes into categories that are text and used; unknown bed types refused when asked."""
    # A frame's codes index its categories, unless it was built without that check
    # (pandas ``from_codes(validate=False)``, an Arrow dictionary made with ``safe=False``).
    # Read in the codes' own narrow type: the index type is eight times the bytes.
    if codes.size and not (codes.min() >= -1 and codes.max() < len(categories)):
        _bad_value(
            codes,
            (codes < -1) | (codes >= len(categories)),
            column,
            f"a code must index one of its {len(categories)} categories",
        )
    if len(categories) > _FEW_CATEGORIES:
        present = np.flatnonzero(_counts(codes, len(categories)))
        if present.size < len(categories):
            remap = np.full(len(categories) + 1, -1, dtype=np.int32)  # the last slot is -1's
            remap[present] = np.arange(present.size, dtype=np.int32)
            codes = remap[codes]
            categories = [categories[i] for i in present]
    if len(categories) > MAX_BED_TYPES:
        raise InventoryError(
            f"column '{column}' holds {len(categories)} different bed types; at most "
            f"{MAX_BED_TYPES} are assessed in one frame",
            Location(field=column),
            "check that this is the bed-type column",
            code="frame.too-many-bed-types",
        )
    missing = [i for i, c in enumerate(categories) if c is None]
    if missing:  # an Arrow dictionary may hold a null: such rows have no bed type
        remap = np.arange(len(categories) + 1, dtype=np.int32)
        remap[missing] = -1
        remap[-1] = -1
        codes = remap[codes]
    for value in categories:
        if value is not None and not isinstance(value, str):
            raise InventoryError(
                f"column '{column}' holds {type(value).__name__} values; bed types are text",
                Location(field=column),
                code="frame.dtype",
            )
    names = tuple("" if c is None else c for c in categories)
    # The codes stay in their own narrow type: assess_units gathers in slices, so the
    # index type's eight bytes a row are never made for the whole column.
    if known_bed_types is not None and not set(names) <= set(known_bed_types):
        used = np.flatnonzero(_counts(codes, len(names)))
        unknown = sorted({names[i] for i in used} - set(known_bed_types))
        if unknown:
            _unknown_bed_types(unknown, known_bed_types, column)
    return codes, names


def _counts(codes: np.ndarray, categories: int) -> np.ndarray:
    """Rows per category (a code of -1, no bed type, is not counted)."""
    # + 1 in a type wide enough: a narrow code type may hold its largest code and no more.
    shifted = np.add(codes, 1, dtype=np.int64)
    counts: np.ndarray = np.bincount(shifted, minlength=categories + 1)[1:]
    return counts


def _unknown_bed_types(unknown: list[str], known: Collection[str], column: str) -> None:
    raise InventoryError(
        f"unknown bed type(s) {listing([repr(u) for u in unknown])} in column '{column}'",
        Location(field=column),
        f"known bed types: {', '.join(sorted(known))}",
        code="inventory.bed-type",
    )


def _checked_beds(values: np.ndarray, column: str, nulls: Literal["error", "allowed"]) -> Any:
    """Places as the per-unit path takes them: whole, finite, not negative, at most 10^15.

    ``nulls="allowed"`` (a wide frame's cells): a null is no unit, and stays NaN.
    """
    if values.dtype.kind == "f" and values.dtype.itemsize < 8:
        values = values.astype(np.float64)  # float16 cannot even hold the bound 10^15
    known = values
    if values.dtype.kind == "f" and values.size:
        missing = np.isnan(values)
        if missing.any():
            if nulls == "error":
                row = int(np.flatnonzero(missing)[0])
                raise InventoryError(
                    f"column '{column}' has no places in the row at position {row}",
                    Location(field=column, row=row),
                    "every unit gives its places (0 for none)",
                    code="frame.null",
                )
            known = values[~missing]
    if known.size and not _from_zero_to(known, MAX_MAGNITUDE):
        with np.errstate(invalid="ignore"):
            bad = (values < 0) | (values > MAX_MAGNITUDE)
        _bad_value(values, bad, column, "places are finite, not negative, at most 10^15")
    fraction = first_fraction(values)
    if fraction is not None:
        _bad_row(values, fraction, column, "places are whole numbers")
    return values


def _from_zero_to(values: np.ndarray, top: float) -> bool:
    """Whether every value is from 0 to ``top`` (NaN is not)."""
    if values.dtype.kind == "i":
        # One pass, not two: read as unsigned, a negative integer is above any bound
        # its signed type can hold.
        unsigned = values.view(values.dtype.str.replace("i", "u"))
        return bool(unsigned.max() <= min(top, np.iinfo(values.dtype).max))
    return bool(values.min() >= 0 and values.max() <= top)


def _checked_staffed(values: np.ndarray, column: str) -> np.ndarray:
    """FTE as the per-unit path takes it: finite, not negative, 0 or 10^-9..10^15; NaN: none.

    A copy: it becomes the result's column, which must not be the caller's.
    """
    floats = values.astype(np.float64)
    with np.errstate(invalid="ignore"):
        bad = (floats < 0) | (floats > MAX_MAGNITUDE)
        if bad.any():
            _bad_value(floats, bad, column, "FTE is finite, not negative, at most 10^15")
        tiny = (floats > 0) & (floats < MIN_MAGNITUDE)
    if tiny.any():
        _bad_value(floats, tiny, column, "a non-zero FTE is at least 10^-9")
    return floats


def _bad_value(values: np.ndarray, bad: np.ndarray, column: str, rule: str) -> None:
    _bad_row(values, int(np.flatnonzero(bad)[0]), column, rule)


def _bad_row(values: np.ndarray, row: int, column: str, rule: str) -> None:
    raise InventoryError(
        f"column '{column}' has {values[row].item()} in the row at position {row}: {rule}",
        Location(field=column, row=row),
        code="frame.value",
    )


def _standard(normset: ResolvedNormSet) -> set[str]:
    """The standard bed types and every bed type the norm set names."""
    from .bed_types import STANDARD_BED_TYPES

    named = {b.id for b in STANDARD_BED_TYPES}
    named.update(b for a in normset.needs.values() for b in a.need.bed_types)
    named.update(b for a in normset.overrides for b in a.override.bed_types)
    named.update(b for u in normset.unknowns for b in u.bed_types)
    return named


# -- frame libraries -----------------------------------------------------------


def _roots(value: Any) -> set[str]:
    return {cls.__module__.split(".")[0] for cls in type(value).__mro__}


def _is_dask(value: Any) -> bool:
    return bool(_roots(value) & {"dask", "dask_expr"}) and hasattr(value, "map_partitions")


def _adapter(frame: Any, caller: str) -> _Adapter:
    """The frame's library, told by its type's module: nothing else is imported."""
    roots = _roots(frame)
    kind = f"{type(frame).__module__}.{type(frame).__qualname__}"
    if "pandas" in roots:
        pd = importlib.import_module("pandas")
        if isinstance(frame, pd.DataFrame):
            return _Pandas(frame)
    elif "polars" in roots:
        pl = importlib.import_module("polars")
        if isinstance(frame, pl.DataFrame):
            return _Polars(frame)
        if isinstance(frame, pl.LazyFrame):
            raise InventoryError(
                f"{caller} takes a polars DataFrame, not a LazyFrame",
                hint="collect() it first",
                code="frame.kind",
            )
    elif "pyarrow" in roots:
        pa = importlib.import_module("pyarrow")
        if isinstance(frame, pa.Table):
            return _Arrow(frame)
        if isinstance(frame, pa.RecordBatch):
            raise InventoryError(
                f"{caller} takes a pyarrow Table, not a RecordBatch",
                hint="pyarrow.Table.from_batches([batch])",
                code="frame.kind",
            )
    elif _is_dask(frame):
        raise InventoryError(
            f"{caller} takes one frame in memory, not a dask DataFrame",
            hint="normkit.assess_dask(ddf, normset) runs it on every partition",
            code="frame.kind",
        )
    raise InventoryError(
        f"{caller} takes a pandas or polars DataFrame or a pyarrow Table, not {kind}",
        code="frame.kind",
    )


class _Adapter:
    """What normkit needs of a frame library: columns in as numpy, columns out as its own."""

    #: whether two result columns may hold one array: the library never writes into a
    #: column (polars, Arrow), or copies a shared one before it does (pandas' copy on write)
    shares_columns = True

    def __init__(self, frame: Any) -> None:
        self.frame = frame

    def columns(self) -> list[Any]:
        raise NotImplementedError

    def rows(self) -> int:
        raise NotImplementedError

    def bed_type_codes(self, name: str) -> tuple[np.ndarray, list[Any]]:
        """Integer codes (-1: null) into categories (text, or None for a null category)."""
        raise NotImplementedError

    def numbers(self, name: str) -> np.ndarray:
        """An integer or float array; a null is NaN (and makes the array float)."""
        raise NotImplementedError

    def names(self, name: str) -> np.ndarray:
        """Text as an object array; a null is "" (which names no facility or unit)."""
        raise NotImplementedError

    def floats(self, values: np.ndarray) -> Any:
        raise NotImplementedError

    def nulls(self, rows: int) -> Any:
        """A float column of ``rows`` nulls."""
        return self.floats(np.full(rows, np.nan))

    def integers(self, values: np.ndarray) -> Any:
        raise NotImplementedError

    def categorical(self, codes: np.ndarray, categories: list[str]) -> Any:
        raise NotImplementedError

    def take(self, names: list[Any], rows: np.ndarray) -> Any:
        """The columns ``names`` at ``rows`` (positions), as a new frame; None for no columns."""
        raise NotImplementedError

    def with_columns(self, base: Any, columns: list[tuple[str, Any]]) -> Any:
        """``base`` with the columns added (or replaced, by name); None: a frame of them."""
        raise NotImplementedError

    @staticmethod
    def _dtype_error(name: str, what: str, dtype: Any) -> InventoryError:
        return InventoryError(
            f"column '{name}' is of type {dtype}; {what}",
            Location(field=str(name)),
            code="frame.dtype",
        )


class _Pandas(_Adapter):
    def __init__(self, frame: Any) -> None:
        super().__init__(frame)
        self.pd: Any = importlib.import_module("pandas")
        # pandas 3 copies a column that shares its data before writing into it; in
        # pandas 2 (copy on write off by default) each column needs a buffer of its own.
        self.shares_columns = _copies_on_write(self.pd)

    def columns(self) -> list[Any]:
        return list(self.frame.columns)

    def rows(self) -> int:
        return len(self.frame.index)

    def _column(self, name: str) -> Any:
        return self.frame[name]

    def bed_type_codes(self, name: str) -> tuple[np.ndarray, list[Any]]:
        pd, column = self.pd, self._column(name)
        dtype = column.dtype
        if isinstance(dtype, pd.CategoricalDtype):
            categories = dtype.categories
            codes = column.cat.codes.to_numpy()
        elif pd.api.types.is_string_dtype(dtype) or pd.api.types.is_object_dtype(dtype):
            codes, categories = pd.factorize(column, use_na_sentinel=True)
        else:
            raise self._dtype_error(name, "bed types are text or categorical", dtype)
        if pd.api.types.infer_dtype(categories, skipna=True) not in ("string", "empty"):
            raise self._dtype_error(name, "bed types are text", f"{dtype} of mixed values")
        return codes, list(categories)

    def numbers(self, name: str) -> np.ndarray:
        pd, column = self.pd, self._column(name)
        dtype = column.dtype
        types = pd.api.types
        if types.is_object_dtype(dtype) and column.isna().all():
            return np.full(len(column), np.nan)  # nothing but nulls (None): no figures
        if (
            types.is_bool_dtype(dtype)
            or not types.is_numeric_dtype(dtype)
            or types.is_complex_dtype(dtype)
        ):
            raise self._dtype_error(name, "it must hold numbers", dtype)
        if isinstance(dtype, np.dtype):
            values: np.ndarray = column.to_numpy()
        elif types.is_integer_dtype(dtype) and not column.hasnans:
            # unsigned as unsigned: 2**63 and above stay themselves in an error message
            whole = np.uint64 if types.is_unsigned_integer_dtype(dtype) else np.int64
            values = column.to_numpy(dtype=whole)
        else:
            values = column.to_numpy(dtype=np.float64, na_value=np.nan)
        return values

    def names(self, name: str) -> np.ndarray:
        column = self._column(name)
        values: np.ndarray = column.to_numpy(dtype=object, na_value="")
        if self.pd.api.types.infer_dtype(values, skipna=True) not in ("string", "empty"):
            raise self._dtype_error(name, "names are text", column.dtype)
        return values

    # pandas copies an array set as a column; a Series made without copying is taken as it
    # is. The result's arrays are its own and writable (a user may change the frame in
    # place), so they are taken as they are.

    def floats(self, values: np.ndarray) -> Any:
        return np.asarray(values, dtype=np.float64)

    def integers(self, values: np.ndarray) -> Any:
        return np.array(values, dtype=np.int64)

    def categorical(self, codes: np.ndarray, categories: list[str]) -> Any:
        dtype = _categorical_dtype(self.pd, tuple(categories))
        return self.pd.Categorical.from_codes(np.asarray(codes), dtype=dtype, validate=False)

    def take(self, names: list[Any], rows: np.ndarray) -> Any:
        return self.frame[names].take(rows).reset_index(drop=True)

    def with_columns(self, base: Any, columns: list[tuple[str, Any]]) -> Any:
        pd = self.pd
        index = base.index if base is not None else pd.RangeIndex(len(columns[0][1]))
        # Columns sharing an array share one Series, so pandas knows they are shared
        # and copies one before it is written to (two Series made from one array
        # would not know: writing into one would change the other).
        series: dict[int, Any] = {}
        for _, values in columns:
            if id(values) not in series:
                series[id(values)] = pd.Series(values, index=index, copy=False)
        if base is None:
            return pd.DataFrame({n: series[id(v)] for n, v in columns}, index=index, copy=False)
        out = base.copy(deep=False)
        added = {}
        for name, values in columns:
            if name in out.columns:  # a column replaced keeps its place
                out[name] = series[id(values)]
            else:
                added[name] = series[id(values)]
        if not added:
            return out
        # One concatenation, not a column at a time: each insertion rebuilds the
        # column index, which for text column names costs more than the figures.
        joined = pd.concat([out, pd.DataFrame(added, index=index, copy=False)], axis=1)
        # What concat does not carry over: the frame's attrs and flags, the columns' name.
        joined = joined.__finalize__(out)
        joined.columns.name = out.columns.name
        return joined


@functools.lru_cache(maxsize=16)
def _categorical_dtype(pd: Any, categories: tuple[str, ...]) -> Any:
    """One dtype per set of categories (the statuses): pandas checks them when it makes one."""
    return pd.CategoricalDtype(list(categories))


def _copies_on_write(pd: Any) -> bool:
    """Whether this pandas copies a column that shares its data before writing into it."""
    if int(pd.__version__.split(".")[0]) >= 3:
        return True  # always, from pandas 3
    try:
        return bool(pd.get_option("mode.copy_on_write") is True)
    except (KeyError, pd.errors.OptionError):
        return False


class _Polars(_Adapter):
    def __init__(self, frame: Any) -> None:
        super().__init__(frame)
        self.pl: Any = importlib.import_module("polars")

    def columns(self) -> list[Any]:
        return list(self.frame.columns)

    def rows(self) -> int:
        return int(self.frame.height)

    def bed_type_codes(self, name: str) -> tuple[np.ndarray, list[Any]]:
        pl = self.pl
        column = self.frame.get_column(name)
        dtype = column.dtype
        if dtype == pl.Null:  # nothing but nulls: no unit has a bed type
            return np.full(len(column), -1, dtype=np.int32), []
        if isinstance(dtype, pl.Enum):
            physical = column.to_physical()
            categories: list[Any] = dtype.categories.to_list()
        elif dtype == pl.String or isinstance(dtype, pl.Categorical):
            # A Categorical's codes index the process-wide categories: keep the ones used.
            column = column.cast(pl.Categorical) if dtype == pl.String else column
            present = column.drop_nulls().unique()
            used = present.to_physical().to_numpy().astype(np.int64)
            categories = present.cast(pl.String).to_list()
            physical = column.to_physical()
            top = int(used.max()) + 1 if used.size else 0
            local = np.full(top + 1, -1, dtype=np.int32)  # the last slot is a null's
            local[used] = np.arange(used.size, dtype=np.int32)
            codes = physical.fill_null(top).to_numpy()
            return local[codes], categories
        else:
            raise self._dtype_error(name, "bed types are text, Categorical or Enum", dtype)
        if physical.null_count() == 0:  # the codes' own buffer, in their own narrow type
            return physical.to_numpy(), categories
        return physical.cast(pl.Int32).fill_null(-1).to_numpy(), categories

    def numbers(self, name: str) -> np.ndarray:
        pl = self.pl
        column = self.frame.get_column(name)
        dtype = column.dtype
        if dtype == pl.Null:
            return np.full(len(column), np.nan)  # nothing but nulls: no figures
        if not (dtype.is_integer() or dtype.is_float()):
            raise self._dtype_error(name, "it must hold numbers", dtype)
        if column.null_count():
            column = column.cast(pl.Float64)  # to_numpy gives NaN for null
        values: np.ndarray = column.to_numpy()
        return values

    def names(self, name: str) -> np.ndarray:
        pl = self.pl
        column = self.frame.get_column(name)
        dtype = column.dtype
        if dtype == pl.Null:
            return np.full(len(column), "", dtype=object)
        if not (dtype == pl.String or isinstance(dtype, pl.Categorical | pl.Enum)):
            raise self._dtype_error(name, "names are text", dtype)
        return np.asarray(column.cast(pl.String).fill_null("").to_list(), dtype=object)

    def floats(self, values: np.ndarray) -> Any:
        return self.pl.Series(values=values, nan_to_null=True, dtype=self.pl.Float64)

    def nulls(self, rows: int) -> Any:
        return self.pl.repeat(None, rows, dtype=self.pl.Float64, eager=True)

    def integers(self, values: np.ndarray) -> Any:
        return self.pl.Series(values=values, dtype=self.pl.Int64)

    def categorical(self, codes: np.ndarray, categories: list[str]) -> Any:
        pl = self.pl
        enum = pl.Enum(categories)
        physical = pl.Series(values=[], dtype=enum).to_physical().dtype
        unsigned = {pl.UInt8: np.uint8, pl.UInt16: np.uint16, pl.UInt32: np.uint32}
        if physical in unsigned:  # codes are not negative: numpy's cast, not polars' checked one
            codes_series = pl.Series(values=codes.astype(unsigned[physical], copy=False))
        else:
            codes_series = pl.Series(values=codes).cast(physical)
        if hasattr(codes_series, "cat") and hasattr(codes_series.cat, "to"):
            return codes_series.cat.to(enum)  # polars >= 1.32: the codes as they are
        pa = importlib.import_module("pyarrow")
        array = pa.DictionaryArray.from_arrays(pa.array(codes), pa.array(categories, pa.string()))
        return pl.Series(values=array).cast(enum)

    def take(self, names: list[Any], rows: np.ndarray) -> Any:
        return self.frame.select(names)[rows] if names else None

    def with_columns(self, base: Any, columns: list[tuple[str, Any]]) -> Any:
        series = [values.alias(name) for name, values in columns]
        return self.pl.DataFrame(series) if base is None else base.with_columns(series)


def _is_text(pa: Any, dtype: Any) -> bool:
    types = pa.types
    return bool(
        types.is_string(dtype)
        or types.is_large_string(dtype)
        or (hasattr(types, "is_string_view") and types.is_string_view(dtype))
    )


class _Arrow(_Adapter):
    def __init__(self, frame: Any) -> None:
        super().__init__(frame)
        self.pa: Any = importlib.import_module("pyarrow")
        self.pc: Any = importlib.import_module("pyarrow.compute")

    def columns(self) -> list[Any]:
        return list(self.frame.column_names)

    def rows(self) -> int:
        return int(self.frame.num_rows)

    def _column(self, name: str) -> Any:
        return self.frame.column(self.frame.column_names.index(name))

    def bed_type_codes(self, name: str) -> tuple[np.ndarray, list[Any]]:
        pa, column = self.pa, self._column(name)
        dtype = column.type
        if pa.types.is_null(dtype):  # nothing but nulls: no unit has a bed type
            return np.full(len(column), -1, dtype=np.int32), []
        if pa.types.is_dictionary(dtype):
            if not _is_text(pa, dtype.value_type):
                raise self._dtype_error(name, "bed types are text", dtype)
            encoded = column
        elif _is_text(pa, dtype):
            encoded = self.pc.dictionary_encode(column)
        else:
            raise self._dtype_error(name, "bed types are text or a dictionary of text", dtype)
        if encoded.num_chunks == 0:
            return np.empty(0, dtype=np.int32), []
        if encoded.num_chunks > 1:  # one dictionary for all chunks, and their indices joined
            encoded = encoded.unify_dictionaries()
        categories = encoded.chunk(0).dictionary.to_pylist()
        parts = [self._codes(chunk.indices) for chunk in encoded.chunks]
        return (parts[0] if len(parts) == 1 else np.concatenate(parts)), categories

    def _codes(self, indices: Any) -> np.ndarray:
        """A chunk's indices as codes, -1 for null: without nulls, its own buffer as it is."""
        if indices.null_count == 0:
            codes: np.ndarray = indices.to_numpy()
            return codes
        return indices.cast(self.pa.int64()).fill_null(-1).to_numpy()  # type: ignore[no-any-return]

    def numbers(self, name: str) -> np.ndarray:
        pa, column = self.pa, self._column(name)
        dtype = column.type
        if pa.types.is_null(dtype):
            return np.full(len(column), np.nan)  # nothing but nulls: no figures
        if not (pa.types.is_integer(dtype) or pa.types.is_floating(dtype)):
            raise self._dtype_error(name, "it must hold numbers", dtype)
        if column.null_count or pa.types.is_float16(dtype):
            column = column.cast(pa.float64())  # to_numpy gives NaN for null
        values: np.ndarray = column.to_numpy()
        return values

    def names(self, name: str) -> np.ndarray:
        pa, column = self.pa, self._column(name)
        dtype = column.type
        if pa.types.is_null(dtype):
            return np.full(len(column), "", dtype=object)
        text = _is_text(pa, dtype) or (
            pa.types.is_dictionary(dtype) and _is_text(pa, dtype.value_type)
        )
        if not text:
            raise self._dtype_error(name, "names are text", dtype)
        plain = column.cast(pa.large_string()).fill_null("")
        return np.asarray(plain.to_pylist(), dtype=object)

    def floats(self, values: np.ndarray) -> Any:
        # NaN is null: the validity bitmap made by numpy, the figures' own buffer taken as
        # it is (pyarrow's from_pandas conversion copies and checks each value, 6x slower).
        pa = self.pa
        values = np.ascontiguousarray(values, dtype=np.float64)
        missing = np.isnan(values)
        nulls = int(np.count_nonzero(missing))
        if nulls == len(values):
            return pa.nulls(len(values), pa.float64())
        validity = None
        if nulls:
            validity = pa.py_buffer(np.packbits(~missing, bitorder="little"))
        return pa.Array.from_buffers(
            pa.float64(), len(values), [validity, pa.py_buffer(values)], null_count=nulls
        )

    def nulls(self, rows: int) -> Any:
        return self.pa.nulls(rows, self.pa.float64())

    def integers(self, values: np.ndarray) -> Any:
        return self.pa.array(values, type=self.pa.int64())

    def categorical(self, codes: np.ndarray, categories: list[str]) -> Any:
        pa = self.pa
        narrow = len(categories) < 128
        values = np.ascontiguousarray(codes, dtype=np.int8 if narrow else np.int32)
        indices = pa.Array.from_buffers(
            pa.int8() if narrow else pa.int32(), len(values), [None, pa.py_buffer(values)]
        )
        # The codes are normkit's own, each an index into the categories: pyarrow's
        # check of every one (safe=True) took 0.6 ms a million rows, more than the rest.
        return pa.DictionaryArray.from_arrays(
            indices, pa.array(categories, pa.string()), safe=False
        )

    def take(self, names: list[Any], rows: np.ndarray) -> Any:
        if not names:
            return None
        positions = [self.frame.column_names.index(n) for n in names]
        return self.frame.select(positions).take(self.pa.array(rows))

    def with_columns(self, base: Any, columns: list[tuple[str, Any]]) -> Any:
        if base is None:
            return self.pa.table(dict(columns))
        for name, values in columns:
            names = base.column_names
            if name in names:
                base = base.set_column(names.index(name), name, values)
            else:
                base = base.append_column(name, values)
        return base


# -- exact totals ------------------------------------------------------------


@dataclass
class _Sums:
    """Exact sums of one partition (fractions of powers of two), to be combined."""

    units: int
    beds: int
    figures: dict[str, Fraction | None]
    units_without_norm: int
    places_without_norm: int
    units_unknown: int
    places_unknown: int

    @staticmethod
    def combine(parts: Sequence[_Sums]) -> _Sums:
        figures: dict[str, Fraction | None] = {}
        for name in RESULT_COLUMNS[:4]:
            known = [f for f in (p.figures[name] for p in parts) if f is not None]
            figures[name] = sum(known, Fraction(0)) if known else None
        return _Sums(
            units=sum(p.units for p in parts),
            beds=sum(p.beds for p in parts),
            figures=figures,
            units_without_norm=sum(p.units_without_norm for p in parts),
            places_without_norm=sum(p.places_without_norm for p in parts),
            units_unknown=sum(p.units_unknown for p in parts),
            places_unknown=sum(p.places_unknown for p in parts),
        )

    def totals(self) -> FrameTotals:
        def rounded(value: Fraction | None) -> float | None:
            return None if value is None else float(value)  # rounded once, to nearest

        return FrameTotals(
            units=self.units,
            beds=self.beds,
            norm_fte=rounded(self.figures["norm_fte"]),
            required_fte=rounded(self.figures["required_fte"]),
            staffed_fte=rounded(self.figures["staffed_fte"]),
            gap_fte=rounded(self.figures["gap_fte"]),
            units_without_norm=self.units_without_norm,
            places_without_norm=self.places_without_norm,
            units_unknown=self.units_unknown,
            places_unknown=self.places_unknown,
        )


def _partial_totals(frame: Any, beds: str) -> _Sums:
    adapter = _adapter(frame, "frame_totals")
    columns = adapter.columns()
    _require(columns, (beds, *RESULT_COLUMNS))
    places = adapter.numbers(beds)
    figures = {name: adapter.numbers(name).astype(np.float64) for name in RESULT_COLUMNS[:4]}
    codes, categories = adapter.bed_type_codes("status")
    unknown_codes = [i for i, c in enumerate(categories) if c == "unknown"]
    unknown = np.isin(codes, unknown_codes)
    without = np.isnan(figures["norm_fte"]) & ~unknown
    places_int = np.nan_to_num(places).astype(np.int64)
    return _Sums(
        units=len(places),
        beds=int(places_int.sum()),
        figures={name: _exact_sum(values) for name, values in figures.items()},
        units_without_norm=int(without.sum()),
        places_without_norm=int(places_int[without].sum()),
        units_unknown=int(unknown.sum()),
        places_unknown=int(places_int[unknown].sum()),
    )


def _exact_sum(values: np.ndarray) -> Fraction | None:
    """The exact sum of the finite values (None if there are none), as a fraction.

    A float is ``m × 2**(e-53)`` with ``m`` a 53-bit integer (``numpy.frexp``);
    the ``m`` of each exponent are added as two 27-bit halves in float64, which
    is exact for fewer than 2**26 values, and the few sums joined as integers.
    """
    known = values[~np.isnan(values)]
    if known.size == 0:
        return None
    total = Fraction(0)
    step = 1 << 25
    for start in range(0, known.size, step):
        part = known[start : start + step]
        fractions, exponents = np.frexp(part)
        mantissas = (fractions * float(1 << 53)).astype(np.int64)
        high, low = mantissas >> 26, mantissas & ((1 << 26) - 1)
        least = int(exponents.min())
        slots = exponents - least
        high_sums = np.bincount(slots, weights=high.astype(np.float64))
        low_sums = np.bincount(slots, weights=low.astype(np.float64))
        for slot in np.flatnonzero((high_sums != 0) | (low_sums != 0)):
            whole = (int(high_sums[slot]) << 26) + int(low_sums[slot])
            total += Fraction(whole) * Fraction(2) ** (int(slot) + least - 53)
    return total
