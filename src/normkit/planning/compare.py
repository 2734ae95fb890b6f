"""Two assessments of one inventory side by side: what each norm set requires, and why.

The figure compared is the need each norm set requires of a unit
(``required_fte``: its adopted figure where it adopted one, else its pure
norm). The difference is right − left, so a negative difference means the
right-hand norm set asks for less. Where either side has no figure ("no
norm", "unknown") the difference is ``null`` and the reason says which side
and why: a missing figure is never read as 0.
"""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from ..assessment import Assessment, FacilityAssessment, NormSetInfo, Totals, UnitAssessment
from ..errors import NormkitError
from ..model import Output
from ..municipality import MunicipalityInfo

_Out = Output  # results: frozen, their JSON safe to show


class ComparisonSide(_Out):
    """Which norm set, on which date, for which municipality one side was assessed with."""

    normset: NormSetInfo
    at: dt.date
    municipality: MunicipalityInfo | None = None


class UnitComparison(_Out):
    facility: str
    unit: str
    bed_type: str | None
    beds: int | None = Field(description="null for a facility-level need")
    difference_fte: float | None = Field(
        description="right.required_fte − left.required_fte; null when either is null"
    )
    reason: str = Field(description="why the two figures differ, agree, or cannot be compared")
    left: UnitAssessment | None = Field(description="null when only the right side has this row")
    right: UnitAssessment | None = Field(description="null when only the left side has this row")


class FacilityComparison(_Out):
    facility: str
    difference_fte: float | None
    left: FacilityAssessment
    right: FacilityAssessment


class ComparisonTotals(_Out):
    difference_fte: float | None
    gap_cost_difference_nok_per_year: float | None = Field(
        description="right − left cost of the gap per year; null unless both sides cost it"
    )
    left: Totals
    right: Totals


class Comparison(_Out):
    """The documented JSON of ``normkit compare`` (see docs/reference/json-output.md)."""

    inventory: str | None
    left: ComparisonSide
    right: ComparisonSide
    units: list[UnitComparison]
    facilities: list[FacilityComparison]
    totals: ComparisonTotals
    notes: list[str]


def compare_assessments(left: Assessment, right: Assessment) -> Comparison:
    """Set two assessments of the same inventory side by side, unit by unit.

    Both must cover the same facilities and units (facility-level needs may
    differ: a row only one norm set has is kept, with the other side null).
    """
    # Each side's rows read once: an assessment makes a unit's row each time it is read.
    left_units, right_units = list(left.units), list(right.units)
    _same_inventory(left, right, left_units, right_units)
    right_rows = {_key(u): u for u in right_units}
    left_keys = {_key(u) for u in left_units}
    # Rows grouped by facility once: linear in units, whatever the number of facilities.
    by_facility: dict[str, list[UnitComparison]] = {f.facility: [] for f in left.facilities}
    for u in left_units:
        by_facility[u.facility].append(_unit(left, right, u, right_rows.get(_key(u))))
    for u in right_units:
        if _key(u) not in left_keys:
            by_facility[u.facility].append(_unit(left, right, None, u))
    units = [row for rows in by_facility.values() for row in rows]
    facilities = [
        FacilityComparison(
            facility=lf.facility,
            difference_fte=_difference(lf.required_fte, rf.required_fte),
            left=lf,
            right=rf,
        )
        for lf, rf in zip(left.facilities, right.facilities, strict=True)
    ]
    totals = ComparisonTotals(
        difference_fte=_difference(left.totals.required_fte, right.totals.required_fte),
        gap_cost_difference_nok_per_year=_difference(
            left.totals.gap_cost_nok_per_year, right.totals.gap_cost_nok_per_year
        ),
        left=left.totals,
        right=right.totals,
    )
    return Comparison(
        inventory=left.inventory,
        left=_side(left),
        right=_side(right),
        units=units,
        facilities=facilities,
        totals=totals,
        notes=_notes((left, left_units), (right, right_units), totals.difference_fte),
    )


def _key(u: UnitAssessment) -> tuple[str, str, bool]:
    # A facility-level need's row has no beds; its label may equal a unit's name.
    return (u.facility, u.unit, u.beds is None)


def _same_inventory(
    left: Assessment,
    right: Assessment,
    left_units: list[UnitAssessment],
    right_units: list[UnitAssessment],
) -> None:
    def units(rows: list[UnitAssessment]) -> list[tuple[str, str, bool]]:
        return [_key(u) for u in rows if u.beds is not None]

    if left.inventory != right.inventory or units(left_units) != units(right_units):
        raise NormkitError(
            "the two assessments are not of the same inventory "
            f"('{left.inventory}' and '{right.inventory}')",
            hint="assess one inventory with both norm sets, then compare",
            code="compare.different-inventories",
        )


def _side(a: Assessment) -> ComparisonSide:
    return ComparisonSide(normset=a.normset, at=a.at, municipality=a.municipality)


def _difference(left: float | None, right: float | None) -> float | None:
    return None if left is None or right is None else right - left


def _unit(
    left: Assessment, right: Assessment, lu: UnitAssessment | None, ru: UnitAssessment | None
) -> UnitComparison:
    some = lu if lu is not None else ru
    assert some is not None  # a row comes from one side at least
    lv = lu.required_fte if lu is not None else None
    rv = ru.required_fte if ru is not None else None
    return UnitComparison(
        facility=some.facility,
        unit=some.unit,
        bed_type=some.bed_type,
        beds=some.beds,
        difference_fte=_difference(lv, rv),
        reason=reason(left.normset.id, lu, right.normset.id, ru),
        left=lu,
        right=ru,
    )


def basis(u: UnitAssessment, cite: bool = True) -> str:
    """What a unit's required figure rests on, in one line (with its source if ``cite``)."""
    if u.status == "adopted":
        source = u.override.source if u.override is not None else u.source
        by = f" (override '{u.override.id}')" if cite and u.override is not None else ""
        where = f"; {source.cite()}" if cite and source is not None else ""
        return f"adopted{by}: {u.note}{where}"
    if u.status == "norm":
        where = f"; {u.source.cite()}" if cite and u.source is not None else ""
        return f"norm '{u.need}'{where}"
    # "no norm" and "unknown" notes already say so, with their source.
    return u.note or u.status


def reason(
    left_id: str,
    lu: UnitAssessment | None,
    right_id: str,
    ru: UnitAssessment | None,
    cite: bool = True,
) -> str:
    """Why two sides' figures for a row differ, agree, or cannot be compared."""
    if lu is None or ru is None:
        one, u = (right_id, ru) if lu is None else (left_id, lu)
        return f"only {one} has this facility-level need: {basis(u, cite)}" if u else ""
    if lu.required_fte is None or ru.required_fte is None:
        return "not comparable: " + "; ".join(
            f"{i}: {basis(u, cite)}"
            for i, u in ((left_id, lu), (right_id, ru))
            if u.required_fte is None
        )
    lb, rb = basis(lu, cite), basis(ru, cite)
    # "The same basis" means the same rule and source, whether or not sources are shown.
    same_basis = lb == rb if cite else basis(lu) == basis(ru)
    if lu.required_fte == ru.required_fte and same_basis:
        return f"same figure on the same basis ({lb})"
    return f"{left_id}: {lb} | {right_id}: {rb}"


Side = tuple[Assessment, list[UnitAssessment]]  # an assessment and its rows, read once


def _notes(left_side: Side, right_side: Side, total_difference: float | None) -> list[str]:
    """Where the totals cover different places, so their difference is not like for like."""
    left, right = left_side[0], right_side[0]
    consequence = (
        "the difference of totals includes them on one side only"
        if total_difference is not None
        else "the totals cannot be compared"
    )
    notes = []
    for (a, a_units), (b, b_units) in ((left_side, right_side), (right_side, left_side)):
        other = {_key(v): v for v in b_units}
        mine = {_key(u) for u in a_units}
        only = [
            u
            for u in a_units
            if u.beds is not None
            and u.required_fte is None
            and other[_key(u)].required_fte is not None
        ]
        if only:
            places = sum(u.beds or 0 for u in only)
            which = ", ".join(f"{u.facility} › {u.unit}" for u in only)
            notes.append(
                f"{a.normset.id} has no figure for {places} places in {len(only)} unit(s) that "
                f"{b.normset.id} gives one for ({which}): {consequence}"
            )
        needs = [u for u in b_units if u.beds is None and _key(u) not in mine]
        if needs:
            which = ", ".join(f"{u.facility} › {u.unit}" for u in needs)
            notes.append(
                f"only {b.normset.id} has the facility-level need(s) {which}: "
                f"{b.normset.id}'s total includes them"
            )
    if left.at != right.at:
        notes.append(
            f"the sides are assessed on different dates ({left.at.isoformat()} and "
            f"{right.at.isoformat()}): staffing may differ too"
        )
    return notes
