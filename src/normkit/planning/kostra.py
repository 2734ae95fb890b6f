"""Where a municipality stands on KOSTRA's physician hours per nursing-home resident.

KOSTRA (SSB table 12293) divides the physician hours agreed per week in
institutions by their residents, respite stays excluded. From an inventory,
normkit takes the staffed FTE in force times the hours of one FTE (SSB's
convention, 37.5 hours a week: the ``national-fte-convention`` norm set) and
the places of the facilities whose staffing is recorded, respite places
excluded, as the residents of full homes. An inventory that states
``physician_hours_per_week`` or ``residents`` as figures is taken at its
word. The result is set beside the national means and medians SSB
publishes (``planning/kostra-12293.yaml``), year by year.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from pathlib import Path

from pydantic import Field

from ..assessment import Assessment
from ..errors import NormkitError
from ..files import read_document
from ..model import Model, Output
from ..provenance import Source
from ..rounding import rounded

REFERENCES = Path(__file__).with_name("kostra-12293.yaml")
#: bed types whose places KOSTRA leaves out of the residents
NOT_RESIDENTS = frozenset({"respite"})


class Reference(Model):
    statistic: str
    year: int
    value: float
    source: Source


class References(Model):
    indicator: str
    label: str
    source: Source
    references: tuple[Reference, ...]


@functools.cache
def references() -> References:
    """The published figures, read once (they are normkit's own file)."""
    data, _ = read_document(REFERENCES, NormkitError, keep=True)
    return References.model_validate(data)


_Out = Output  # results: frozen, their JSON safe to show


class Benchmark(_Out):
    statistic: str
    year: int
    value: float
    difference: float | None = Field(description="the inventory's value − this, when known")
    source: Source


class KostraPosition(_Out):
    """The documented JSON of ``normkit kostra``."""

    indicator: str
    label: str
    at: dt.date
    inventory: str | None
    physician_hours_per_week: float | None
    residents: float | None
    value: float | None = Field(description="hours per week per resident; null when not known")
    basis: str = Field(description="how the value was computed, or why it is not known")
    benchmarks: list[Benchmark] = Field(description="every published figure, by year")
    notes: list[str]


def kostra_position(
    assessment: Assessment, hours_per_fte: float, stated: dict[str, float] | None = None
) -> KostraPosition:
    """The indicator for an assessed inventory, beside SSB's published figures.

    ``hours_per_fte`` is the hours a week of one FTE (SSB: 37.5);
    ``stated`` holds the inventory's own figures (its indicators), which win
    over what the units give.
    """
    stated = stated or {}
    notes: list[str] = []
    units_by_facility: dict[str, list[tuple[str | None, int]]] = {}
    for u in assessment.units:
        if u.beds is not None:
            units_by_facility.setdefault(u.facility, []).append((u.bed_type, u.beds))
    staffed = [f for f in assessment.facilities if f.staffed_fte is not None]
    unstaffed = [f.facility for f in assessment.facilities if f.staffed_fte is None]
    if unstaffed:
        notes.append(
            f"left out, no staffing recorded: {', '.join(unstaffed)} (their places are not "
            "counted as residents either)"
        )
    fte = math.fsum(f.staffed_fte or 0.0 for f in staffed)
    places = sum(
        beds
        for f in staffed
        for bed_type, beds in units_by_facility.get(f.facility, [])
        if bed_type not in NOT_RESIDENTS
    )
    respite = sum(
        beds
        for f in staffed
        for bed_type, beds in units_by_facility.get(f.facility, [])
        if bed_type in NOT_RESIDENTS
    )
    hours: float | None = fte * hours_per_fte if staffed else None
    hours_basis = (
        f"{rounded(fte, 2):.2f} FTE staffed × {hours_per_fte:g} hours a week (SSB's FTE convention)"
    )
    if "physician_hours_per_week" in stated:
        hours = stated["physician_hours_per_week"]
        hours_basis = f"{hours:g} hours a week, as the inventory states"
    residents: float | None = float(places) if staffed else None
    residents_basis = f"{places} places taken as residents"
    if respite:
        residents_basis += f" ({respite} respite places left out, as KOSTRA does)"
    if "residents" in stated:
        residents = stated["residents"]
        residents_basis = f"{residents:g} residents, as the inventory states"
    if hours is None or residents is None:
        value, basis = None, "not known: no facility has staffing recorded"
    elif residents == 0:
        value, basis = None, "not known: no residents"
    else:
        value = hours / residents
        basis = f"{hours_basis} ÷ {residents_basis}"
    if value is not None and "residents" not in stated:
        notes.append(
            "places are taken as residents, as in full homes; state the figure 'residents' "
            "for the real count"
        )
    data = references()
    return KostraPosition(
        indicator=data.indicator,
        label=data.label,
        at=assessment.at,
        inventory=assessment.inventory,
        physician_hours_per_week=hours,
        residents=residents,
        value=value,
        basis=basis,
        benchmarks=[
            Benchmark(
                statistic=r.statistic,
                year=r.year,
                value=r.value,
                difference=None if value is None else value - r.value,
                source=r.source,
            )
            for r in sorted(data.references, key=lambda r: (r.year, r.statistic))
        ],
        notes=notes,
    )
