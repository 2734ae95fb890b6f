"""Assessment: an inventory against a norm set on a date.

For every unit: the pure-norm need (``norm_fte``), the adopted need after
overrides (``required_fte``), staffed FTE and the gap (need − staffed, so a
positive gap is a shortfall). A unit whose bed type no rule covers is "no
norm": its figures are ``null`` with a reason, never 0, and the totals count
its places. Totals are sums of what is known, and say what is not.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import itertools
import math
import operator
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Annotated, Any, Literal, overload

from pydantic import (
    Field,
    GetJsonSchemaHandler,
    PlainSerializer,
    SerializationInfo,
    TypeAdapter,
    ValidatorFunctionWrapHandler,
    WrapValidator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, SchemaSerializer, core_schema

from .errors import NormkitError, RuleError
from .figures import Figure, recompute
from .inventory import Facility, Inventory, Service, Staffing, Unit, staffed_on
from .model import Output
from .municipality import MunicipalityInfo
from .normset import AppliedNeed, AppliedOverride, DerivedIndicator, NormSet, ResolvedNormSet
from .provenance import Source
from .rules.base import FTE, Rule, Step, finite, fmt
from .rules.threshold import Alert

Status = Literal["norm", "adopted", "no_norm", "unknown"]


_Out = Output  # results: frozen, their JSON safe to show


class OverrideInfo(_Out):
    id: str
    reason: str
    normset: str
    source: Source | None = None


class UnitAssessment(_Out):
    """One unit (or a facility-level need such as a medical lead)."""

    facility: str
    unit: str
    bed_type: str | None
    beds: int | None
    status: Status
    norm_fte: float | None
    required_fte: float | None
    staffed_fte: float | None
    gap_fte: float | None
    norm_hours_per_week: float | None = Field(
        default=None,
        description="physician hours per week behind norm_fte, when the norm is written in hours",
    )
    need: str | None = None
    note: str | None = None
    unit_note: str | None = None
    override: OverrideInfo | None = None
    source: Source | None = None
    explanation: dict[str, Any] | None = None


class _Figures(_Out):
    """The figures a facility and the totals share: null where nothing is known."""

    beds: int
    norm_fte: float | None
    required_fte: float | None
    staffed_fte: float | None
    gap_fte: float | None
    places_without_norm: int
    places_unknown: int
    norm_hours_per_week: float | None = Field(
        default=None,
        description="the physician hours per week behind norm_fte, where the norm is written "
        "in hours; null when none is, or when one with a norm is not (a sum that left it "
        "out would read too low)",
    )


class FacilityAssessment(_Figures):
    facility: str
    staffing_note: str | None = None


class Totals(_Figures):
    units_without_norm: int
    units_unknown: int
    gap_cost_nok_per_year: float | None = None
    gap_cost_basis: str | None = None


class NormSetInfo(_Out):
    id: str
    title: str
    version: str | None
    valid_from: dt.date | None
    valid_to: dt.date | None
    source: Source
    extends: list[str]


def _rows_kept(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    """An assessment's :class:`UnitRows` are kept as they are; anything else (a list
    read back from JSON, a tuple) is validated as a list of rows."""
    if isinstance(value, UnitRows):
        return value
    return handler(value)


def _rows_listed(value: Sequence[UnitAssessment], info: SerializationInfo) -> Any:
    """The rows as a list, written as pydantic writes a list field.

    A list of the row models goes back to pydantic, which writes each as its own
    model (in one pass: a wrap serializer's output would be written twice, two
    to three times slower). Only an include or exclude given for the rows (by
    index, or a field of every row) takes pydantic's list serializer for them.
    """
    rows = list(value)
    if info.include is None and info.exclude is None:
        return rows
    # pydantic hands these over in its own types, which its signature spells differently
    given: dict[str, Any] = {"mode": info.mode, "include": info.include, "exclude": info.exclude}
    return _rows_adapter().dump_python(
        rows,
        **given,
        by_alias=info.by_alias,
        exclude_unset=info.exclude_unset,
        exclude_defaults=info.exclude_defaults,
        exclude_none=info.exclude_none,
        round_trip=info.round_trip,
        serialize_as_any=info.serialize_as_any,
    )


class _ListInJsonSchema:
    """The JSON Schema of a list of rows in both modes (the serializer alone would make
    the serialization mode's 'any')."""

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return handler(core_schema.list_schema(UnitAssessment.__pydantic_core_schema__))


if TYPE_CHECKING:
    UnitRowsField = Sequence[UnitAssessment]
else:
    # pydantic sees a list (its schema, validation and serialization are a list's);
    # the value an assessment holds is UnitRows, a read-only sequence.
    UnitRowsField = Annotated[
        list[UnitAssessment],
        WrapValidator(_rows_kept),
        PlainSerializer(_rows_listed, return_type=Any),
        _ListInJsonSchema(),
    ]


class Assessment(_Out):
    """The result of :func:`assess`; ``model_dump_json()`` is the documented JSON."""

    normset: NormSetInfo
    at: dt.date
    municipality: MunicipalityInfo | None = None
    inventory: str | None
    units: UnitRowsField = Field(
        description="one row per unit, then the facility-level needs, facility by facility"
    )
    facilities: list[FacilityAssessment]
    totals: Totals
    services: list[Service]
    indicators: dict[str, float]
    indicator_explanations: dict[str, dict[str, Any]] = Field(
        default_factory=dict,
        description="how each derived indicator was computed, when explained: its rule's "
        "steps, its source, where each input came from, and the source's own figure for "
        "the same inputs when the norm set states one",
    )
    alerts: list[Alert]
    notes: list[str]


def assess(
    inventory: Inventory,
    normset: ResolvedNormSet,
    explain: bool = True,
    municipality: MunicipalityInfo | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Assessment:
    """Assess ``inventory`` against a resolved norm set (see :meth:`Kit.resolve`).

    ``municipality`` says which municipality (and kommunenummer) the norm set
    was chosen for; it is carried into every output. ``progress(done, total)``
    is told how many facilities are done (for a progress bar).
    """
    if inventory.dated():  # what exists on the day assessed (else the inventory as it is)
        inventory = inventory.on(normset.at)
    run = AssessmentRun(normset, inventory, explain, municipality)
    facilities = inventory.facilities
    step = max(1, len(facilities) // 200)  # about 200 reports, whatever the size
    units = UnitRows()
    for index, facility in enumerate(facilities):
        if progress is not None and index % step == 0:
            progress(index, len(facilities))
        units.add(facility, run.shared_rows(facility), normset.at)
    if progress is not None:
        progress(len(facilities), len(facilities))
    return run.finish(units)


class AssessmentRun:
    """An assessment made one facility at a time, so a caller can write each
    facility's units out and drop them (:mod:`normkit.streaming`).

    ``inventory`` gives the name, GP lists, services, populations and figures;
    its facilities are not read here: :meth:`facility` is called for each.
    Units of a facility no norm entry names share one computed row per bed
    type and number of beds (:class:`UnitTemplates`), so a large inventory
    costs a dictionary lookup per unit, not a rule evaluation.
    """

    def __init__(
        self,
        normset: ResolvedNormSet,
        inventory: Inventory,
        explain: bool,
        municipality: MunicipalityInfo | None,
    ) -> None:
        self.normset = normset
        self.inventory = inventory
        self.municipality = municipality
        self.templates = UnitTemplates(normset, explain)
        self.facilities: list[FacilityAssessment] = []
        self.tally = _Tally()

    def facility(self, facility: Facility) -> list[UnitAssessment]:
        """The rows of one facility (its units, then its facility-level needs)."""
        rows = UnitRows()
        rows.add(facility, self.shared_rows(facility), self.normset.at)
        return list(rows)

    def shared_rows(self, facility: Facility) -> list[UnitAssessment]:
        """The rows of one facility as computed, counted and summed: a unit's row may be
        shared with units of its kind (:class:`UnitTemplates`), so its names and staffing
        are another unit's until :class:`UnitRows` makes the unit's own."""
        templates = self.templates
        if facility.name in templates.named:
            rows = [templates.shared(facility, unit) for unit in facility.units]
        else:  # the usual case, for every unit: a lookup, or the first of its kind
            kept = templates.kept
            rows = [
                row
                if (row := kept.get((unit.bed_type, unit.beds))) is not None
                else templates.shared(facility, unit)
                for unit in facility.units
            ]
        rows.extend(_facility_needs(facility, self.normset, self.templates.explain))
        self.tally.add(rows, [unit.name for unit in facility.units])
        self.facilities.append(_sum_facility(facility, rows, self.normset.at))
        return rows

    def add(
        self, rows: list[UnitAssessment], names: list[str], summary: FacilityAssessment
    ) -> None:
        """Count a facility whose rows and sum were made elsewhere (the streaming path):
        ``rows`` may be shared templates, and ``names`` are the units' own names."""
        self.tally.add(rows, names)
        self.facilities.append(summary)

    def finish(self, units: Sequence[UnitAssessment]) -> Assessment:
        """The assessment; ``units`` are the rows kept (none when they were streamed out)."""
        normset, inventory, facilities = self.normset, self.inventory, self.facilities
        totals = _totals(self.tally, facilities, normset)
        indicators, notes, workings = indicators_of(
            inventory, totals, normset, bool(facilities), self.templates.explain
        )
        alerts, more = _alerts(inventory, indicators, normset)
        notes.extend(more)
        notes.extend(_coverage_notes(self.tally, facilities, totals, normset, inventory))
        top = normset.normset
        return Assessment(
            normset=NormSetInfo(
                id=top.id,
                title=top.title,
                version=top.version,
                valid_from=top.valid_from,
                valid_to=top.valid_to,
                source=top.source,
                extends=[n.id for n in normset.chain[1:]],
            ),
            at=normset.at,
            municipality=self.municipality,
            inventory=inventory.name,
            units=units,
            facilities=facilities,
            totals=totals,
            services=list(inventory.services),
            indicators=indicators,
            indicator_explanations=workings,
            alerts=alerts,
            notes=notes,
        )


#: shared rows kept per resolved norm set before they are dropped and made anew
_MAX_SHARED_ROWS = 10_000


class UnitTemplates:
    """One computed row per (bed type, beds) for units of facilities no norm entry names.

    Such a unit's need, override, status, note and explanation depend on its
    bed type and beds only; its name, staffing and gap are its own. The first
    unit of each kind is assessed in full, with its own names (so an error
    names it), and the others share it: :func:`own_row` gives a unit its own
    row (names, staffing, gap) when it is read (:class:`UnitRows`). Units of a
    named facility (a facility-specific need or override) are always assessed
    in full. Own rows share the explanation dictionary: treat it as read-only.
    """

    def __init__(self, normset: ResolvedNormSet, explain: bool) -> None:
        self.normset = normset
        self.explain = explain
        self.named = normset.named_facilities()
        # Kept with the resolved norm set, so an app assessing again and again with it
        # computes each kind of unit once; bounded, as beds can take any value.
        #: the shared row of each (bed type, beds) computed so far
        self.kept: dict[tuple[str, int], UnitAssessment] = normset.shared_rows.setdefault(
            explain, {}
        )

    def cached(self, bed_type: str, beds: int) -> UnitAssessment | None:
        """The shared row of units of this kind, if one has been computed."""
        return self.kept.get((bed_type, beds))

    def template(self, facility: Facility, unit: Unit) -> UnitAssessment | None:
        """The shared row for this unit's kind; None for a unit of a named facility."""
        if facility.name in self.named:
            return None
        key = (unit.bed_type, unit.beds)
        row = self.kept.get(key)
        if row is None:
            if len(self.kept) >= _MAX_SHARED_ROWS:
                self.kept.clear()  # rows handed out stay valid: they are immutable
            row = self.kept[key] = assess_unit(
                facility, unit, self.normset, self.normset.at, self.explain
            )
        return row

    def shared(self, facility: Facility, unit: Unit) -> UnitAssessment:
        """The shared row of this unit's kind, or for a unit of a named facility its own
        row in full; :func:`own_row` makes either the unit's own."""
        template = self.template(facility, unit)
        if template is None:
            return assess_unit(facility, unit, self.normset, self.normset.at, self.explain)
        return template


def own_row(
    row: UnitAssessment, facility: str, unit: str, staffed: float | None, note: str | None
) -> UnitAssessment:
    """A unit's own row from a row of its kind (:class:`UnitTemplates`): its names,
    staffing on the day (:func:`unit_staffing`), gap and note. A row that is the unit's
    own already is returned."""
    if (
        row.facility == facility
        and row.unit == unit
        and row.staffed_fte == staffed
        and row.unit_note == note
    ):
        return row
    required = row.required_fte
    return copied(
        row,
        {
            "facility": facility,
            "unit": unit,
            "staffed_fte": staffed,
            "gap_fte": None if required is None or staffed is None else required - staffed,
            "unit_note": note,
        },
    )


class UnitRows(Sequence[UnitAssessment]):
    """An assessment's unit rows, each unit's own row made when it is read.

    Units of a kind share one computed row (:class:`UnitTemplates`); a list of
    every unit's own copy would cost time and memory for each unit of an
    assessment kept, and hold the cyclic garbage collector's work in proportion.
    This keeps each row as computed beside what is the unit's own (its
    facility's and its name, staffing on the day, note: references, not the
    inventory's objects), and makes the unit's row, the same as :func:`assess`
    always gave, when it is read: by index, slice (a list) or iteration.
    Read-only, compared equal to a list of the same rows, and written as a list
    in JSON and ``model_dump()``. A row read twice is two equal objects, not
    one; keep what you read when it matters (``list(assessment.units)``).
    """

    __slots__ = ("_facilities", "_names", "_notes", "_rows", "_staffed")

    def __init__(self) -> None:
        self._rows: list[UnitAssessment] = []
        self._facilities: list[str] = []
        self._names: list[str | None] = []  # None: the row is its own (a facility-level need)
        self._staffed: list[float | None] = []
        self._notes: list[str | None] = []

    def add(self, facility: Facility, rows: list[UnitAssessment], at: dt.date) -> None:
        """A facility's rows as :meth:`AssessmentRun.shared_rows` gives them: a row per
        unit, then its facility-level needs (their own already)."""
        units = facility.units
        needs = len(rows) - len(units)
        self._rows.extend(rows)
        self._facilities.extend(itertools.repeat(facility.name, len(rows)))
        self._names.extend([unit.name for unit in units])
        self._staffed.extend([unit_staffing(unit.staffing, at) for unit in units])
        self._notes.extend([unit.note for unit in units])
        if needs:
            for column in (self._names, self._staffed, self._notes):
                column.extend(itertools.repeat(None, needs))

    def __len__(self) -> int:
        return len(self._rows)

    def __iter__(self) -> Iterator[UnitAssessment]:
        for row, facility, name, staffed, note in zip(
            self._rows, self._facilities, self._names, self._staffed, self._notes, strict=True
        ):
            yield row if name is None else own_row(row, facility, name, staffed, note)

    @overload
    def __getitem__(self, index: int) -> UnitAssessment: ...

    @overload
    def __getitem__(self, index: slice) -> list[UnitAssessment]: ...

    def __getitem__(self, index: int | slice) -> UnitAssessment | list[UnitAssessment]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        position = operator.index(index)
        if not -len(self) <= position < len(self):
            raise IndexError("unit row index out of range")
        row, name = self._rows[position], self._names[position]
        if name is None:
            return row
        return own_row(
            row, self._facilities[position], name, self._staffed[position], self._notes[position]
        )

    def __eq__(self, other: object) -> bool:
        if isinstance(other, UnitRows | list):  # as a list: never equal to a tuple
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # equal to a list, which has no hash

    def __repr__(self) -> str:
        return repr(list(self))

    def __reduce__(self) -> tuple[Any, ...]:
        # every pickle protocol, 0 and 1 too (which cannot pickle __slots__ by themselves)
        columns = (self._rows, self._facilities, self._names, self._staffed, self._notes)
        return (_unit_rows, columns)

    @property
    def __pydantic_serializer__(self) -> SchemaSerializer:
        """How pydantic writes rows whose type it is not told (``serialize_as_any``,
        ``pydantic_core.to_json``): as a list of rows."""
        return _rows_serializer()


def _unit_rows(
    rows: list[UnitAssessment],
    facilities: list[str],
    names: list[str | None],
    staffed: list[float | None],
    notes: list[str | None],
) -> UnitRows:
    made = UnitRows()
    made._rows, made._facilities, made._names = rows, facilities, names
    made._staffed, made._notes = staffed, notes
    return made


@functools.cache
def _rows_adapter() -> TypeAdapter[list[UnitAssessment]]:
    return TypeAdapter(list[UnitAssessment])


@functools.cache
def _rows_serializer() -> SchemaSerializer:
    listed = Annotated[Any, PlainSerializer(list, return_type=list[UnitAssessment])]
    return TypeAdapter(listed).serializer


_set = object.__setattr__


def copied(row: UnitAssessment, changes: dict[str, Any]) -> UnitAssessment:
    """``row.model_copy(update=changes)`` for rows whose every field was given when built
    (as :func:`assess_unit` builds them), at a third of its cost: the fields are set as
    pydantic's own copy sets them, without its generic steps (a test holds the two equal).
    """
    new = UnitAssessment.__new__(UnitAssessment)
    fields = row.__dict__.copy()
    fields.update(changes)
    _set(new, "__dict__", fields)
    _set(new, "__pydantic_fields_set__", row.__pydantic_fields_set__)
    _set(new, "__pydantic_extra__", None)
    _set(new, "__pydantic_private__", None)
    return new


def _inputs(unit: Unit) -> dict[str, float]:
    return {"places": float(unit.beds)}


def _started(records: Sequence[Staffing], at: dt.date) -> bool:
    """Whether any record has started by ``at``: a post that starts later is not yet recorded."""
    return any(r.valid_from is None or r.valid_from <= at for r in records)


def unit_staffing(records: tuple[Staffing, ...], at: dt.date) -> float | None:
    """A unit's staffed FTE on ``at``; None when no record has started by then."""
    if len(records) == 1:  # the usual case, read once (this runs for every unit)
        record = records[0]
        start, end = record.valid_from, record.valid_to
        if start is not None and at < start:
            return None
        return record.fte if end is None or at <= end else 0.0
    return staffed_on(records, at) if _started(records, at) else None


def evaluate(rule: Rule, inputs: dict[str, float], where: str) -> float:
    """A rule's FTE for one unit: finite, not negative, and any failure named.

    Built-in kinds cannot fail here; a plugin's kind can, and its error must
    say which rule and which unit rather than end in a traceback.
    """
    try:
        value = float(rule.evaluate(inputs))
    except NormkitError:
        raise
    except Exception as exc:
        raise RuleError(
            f"rule kind '{rule.kind}' failed on {where}: {type(exc).__name__}: {exc}",
            code="rule.failed",
        ) from None
    finite(value, rule, where)
    if value < 0:
        raise RuleError(
            f"rule '{rule.title()}' gives a negative need ({value:g} FTE) for {where}",
            code="rule.negative-need",
        )
    return value


def explained(rule: Rule, inputs: dict[str, float], where: str) -> Step:
    """:meth:`Rule.explain`, with a plugin kind's failure named as in :func:`evaluate`."""
    try:
        return rule.explain(inputs)
    except NormkitError:
        raise
    except Exception as exc:
        raise RuleError(
            f"rule kind '{rule.kind}' failed to explain {where}: {type(exc).__name__}: {exc}",
            code="rule.failed",
        ) from None


def assess_unit(
    facility: Facility, unit: Unit, normset: ResolvedNormSet, at: dt.date, explain: bool = False
) -> UnitAssessment:
    """One unit of ``facility`` under ``normset`` on ``at``, as :func:`assess` lists it."""
    inputs = _inputs(unit)
    where = f"{facility.name} › {unit.name}"
    applied = normset.need_for(facility.name, unit.bed_type)
    rule = applied.need.rule if applied is not None else None
    norm_fte: float | None = None
    norm_hours: float | None = None
    norm_step: Step | None = None
    if applied is not None and rule is not None:
        norm_fte = evaluate(rule, inputs, where)
        norm_hours = rule.hours_per_week(inputs)
        if explain:
            norm_step = _need_step(applied, inputs, where, normset.chain)
    elif applied is not None and explain:
        norm_step = _no_norm_step(applied)
    chosen = normset.override_for(
        facility.name, unit.name, unit.bed_type, applied.need.id if applied else None
    )
    staffed = unit_staffing(unit.staffing, at)
    unknown = normset.unknown_for(unit.bed_type) if applied is None else None

    required: float | None
    note: str | None
    if chosen is not None:
        required = evaluate(chosen.override.rule, inputs, where)
        status: Status = "adopted"
        note = chosen.override.reason
        if norm_fte is None:
            note = f"{note}; {_no_norm_note(applied, unit, normset)}"
        step = _override_step(chosen, inputs, norm_step, norm_fte, where) if explain else None
    elif applied is not None and rule is None:
        required, status, step = None, "no_norm", norm_step
        note = _no_norm_note(applied, unit, normset)
    elif applied is not None and applied.need.adopted:
        required, status, note, step = norm_fte, "adopted", applied.need.reason, norm_step
    elif applied is not None:
        required, status, note, step = norm_fte, "norm", None, norm_step
    elif unknown is not None:
        required, status, step = None, "unknown", None
        note = f"unknown: {unknown.what}"
        if unknown.source is not None:
            note += f" ({unknown.source.cite()})"
    else:
        required, status, step = None, "no_norm", None
        note = _no_norm_note(None, unit, normset)
    if applied is not None and applied.need.adopted:
        norm_fte = norm_hours = None  # the plan's own figure: there is no norm behind it
    return UnitAssessment(
        facility=facility.name,
        unit=unit.name,
        bed_type=unit.bed_type,
        beds=unit.beds,
        status=status,
        norm_fte=norm_fte,
        required_fte=required,
        staffed_fte=staffed,
        gap_fte=None if required is None or staffed is None else required - staffed,
        norm_hours_per_week=norm_hours,
        need=applied.need.id if applied else None,
        note=note,
        unit_note=unit.note,
        override=_override_info(chosen),
        source=applied.need.source if applied else None,
        explanation=step.to_dict() if step is not None else None,
    )


def _no_norm_note(applied: AppliedNeed | None, unit: Unit, normset: ResolvedNormSet) -> str:
    """Why a unit has no pure-norm figure: a decision (with its source), or no rule at all."""
    if applied is not None and applied.need.no_norm:
        source = applied.need.source
        cite = f" ({source.cite()})" if source is not None else ""
        return f"no norm, by decision: {applied.need.reason}{cite}"
    return f"no norm: '{normset.normset.id}' has no rule for bed type '{unit.bed_type}'"


def _no_norm_step(applied: AppliedNeed) -> Step:
    need = applied.need
    return Step(
        f"{need.label or need.id} [{applied.normset.id}]: no norm, by decision: {need.reason}",
        None,
        FTE,
        need.id,
        need.source,
    )


def _override_info(chosen: AppliedOverride | None) -> OverrideInfo | None:
    if chosen is None:
        return None
    return OverrideInfo(
        id=chosen.override.id,
        reason=chosen.override.reason,
        normset=chosen.normset.id,
        source=chosen.override.source,
    )


def _need_step(
    applied: AppliedNeed, inputs: dict[str, float], where: str, chain: Sequence[NormSet]
) -> Step:
    assert applied.need.rule is not None
    inner = explained(applied.need.rule, inputs, where)
    source = applied.need.source or applied.normset.source
    label = applied.need.label or applied.need.id
    return Step(
        f"{label} [{applied.normset.id}]: {inner.text}",
        inner.value,
        FTE,
        applied.need.id,
        source,
        # the steps that fed the rule (a floor's rate, with its places), the decisions that
        # brought an inherited need into force here, then what it replaced
        inner.children
        + _adoption_steps(applied.normset, chain)
        + _replaced_step(applied, inputs, where),
    )


def _adoption_steps(origin: NormSet, chain: Sequence[NormSet]) -> tuple[Step, ...]:
    """How a need of ``origin`` came to apply in the norm set assessed (``chain[0]``):
    each norm set between them adopted the one it extends, by the decision it cites
    (``extends_decision``): who adopted the figure, and when."""
    steps = []
    for child, parent in itertools.pairwise(chain):
        if child.id == origin.id:
            break
        if child.extends_decision is not None:
            text = f"'{child.id}' adopts '{parent.id}'"
            steps.append(Step(text, None, FTE, "extends", child.extends_decision))
    return tuple(steps)


def _replaced_step(applied: AppliedNeed, inputs: dict[str, float], where: str) -> tuple[Step, ...]:
    """The inherited need this one replaces, with the reason (none when it replaces nothing)."""
    old = applied.replaced
    if old is None:
        return ()
    replaced = (
        explained(old.need.rule, inputs, where) if old.need.rule is not None else _no_norm_step(old)
    )
    return (
        Step(
            f"replaces '{old.need.id}' of '{old.normset.id}': {replaced.text} "
            f"(reason: {applied.need.reason})",
            replaced.value,
            replaced.unit,
            old.need.id,
            old.need.source,
            replaced.children,
        ),
    )


def _override_step(
    chosen: AppliedOverride,
    inputs: dict[str, float],
    norm_step: Step | None,
    norm_fte: float | None,
    where: str,
) -> Step:
    inner = explained(chosen.override.rule, inputs, where)
    value = float(inner.value or 0)
    base = f"pure norm {fmt(norm_fte, FTE)}" if norm_fte is not None else "no norm for this unit"
    text = (
        f"adopted {fmt(value, FTE)} by override '{chosen.override.id}' "
        f"[{chosen.normset.id}] ({base}): {chosen.override.reason}"
    )
    children = (inner,) + ((norm_step,) if norm_step is not None else ())
    return Step(text, value, FTE, chosen.override.id, chosen.override.source, children)


def _facility_needs(
    facility: Facility, normset: ResolvedNormSet, explain: bool
) -> list[UnitAssessment]:
    rows = []
    for applied in normset.facility_needs(facility.name):
        rule = applied.need.rule
        assert rule is not None  # a facility-level need has a rule (check_need)
        inputs = {"places": float(facility.beds)}
        where = f"{facility.name} › {applied.need.label or applied.need.id}"
        value = evaluate(rule, inputs, where)
        chosen = normset.override_for(facility.name, None, None, applied.need.id)
        required = value if chosen is None else evaluate(chosen.override.rule, inputs, where)
        step = None
        if explain:
            step = _need_step(applied, inputs, where, normset.chain)
            if chosen is not None:
                step = _override_step(chosen, inputs, step, value, where)
        rows.append(
            UnitAssessment(
                facility=facility.name,
                unit=applied.need.label or applied.need.id,
                bed_type=None,
                beds=None,
                status="norm" if chosen is None and not applied.need.adopted else "adopted",
                norm_fte=None if applied.need.adopted else value,
                required_fte=required,
                staffed_fte=None,
                gap_fte=None,
                need=applied.need.id,
                note=applied.need.reason if chosen is None else chosen.override.reason,
                override=_override_info(chosen),
                source=applied.need.source,
                explanation=step.to_dict() if step is not None else None,
            )
        )
    return rows


def _sum(values: list[float | None]) -> float:
    return math.fsum(v for v in values if v is not None)


def _sum_known(values: list[float | None]) -> float | None:
    """Sum of the known figures; None when none is known (never a made-up 0)."""
    known = [v for v in values if v is not None]
    return math.fsum(known) if known else None


def _without_norm(row: UnitAssessment) -> bool:
    return row.beds is not None and row.norm_fte is None and row.status != "unknown"


def facility_staffed(facility: Facility, at: dt.date) -> tuple[float | None, str | None]:
    """Staffed FTE of a facility on ``at`` (its own records and its units'), and a note.

    ``None`` when no record has started by then ("no staffing recorded"), which is
    not the 0 of posts that have ended; the note names the records no longer in force.
    """
    unit_records = [u.staffing for u in facility.units if u.staffing]
    started = False
    ended: list[Staffing] = []  # ended, or not yet started, in the order recorded
    for records in (facility.staffing, *unit_records):  # one pass: this runs per facility
        for r in records:
            start, end = r.valid_from, r.valid_to
            if start is not None and at < start:
                ended.append(r)
                continue
            started = True
            if end is not None and end < at:
                ended.append(r)
    if not started:
        return None, "no staffing recorded"
    staffed = staffed_on(facility.staffing, at) + _sum([staffed_on(r, at) for r in unit_records])
    note = (
        "; ".join(
            f"{fmt(r.fte, FTE)} not in force on {at.isoformat()}"
            + (f" ({r.note})" if r.note else "")
            for r in ended
        )
        if ended
        else None
    )
    return staffed, note


def _sum_facility(
    facility: Facility, rows: list[UnitAssessment], at: dt.date
) -> FacilityAssessment:
    staffed, note = facility_staffed(facility, at)
    needless = [u for u, r in zip(facility.units, rows, strict=False) if r.required_fte is None]
    mixed = bool(needless) and (
        staffed_on(facility.staffing, at) > 0
        or any((unit_staffing(u.staffing, at) or 0) > 0 for u in needless)
    )
    return facility_sum(facility.name, facility.beds, rows, staffed, note, mixed)


def facility_sum(
    name: str,
    beds: int,
    rows: list[UnitAssessment],
    staffed: float | None,
    note: str | None,
    mixed: bool = False,
) -> FacilityAssessment:
    """A facility's figures from its rows (only their figures and status are read, so
    rows shared by many units serve) and its staffing on the day (:func:`facility_staffed`).

    ``mixed``: some staffing in force may serve places with no known need (it is recorded
    for the whole facility, or for such a unit). The need counts only places with a known
    need, so need less staffing would set the time those places take against the others'
    need and could hide their shortfall: the facility's gap is then unknown (None).
    """
    norms: list[float] = []
    requireds: list[float] = []
    hours: list[float] = []
    hours_left_out = False  # a unit with a norm that is not written in hours
    without_norm = unknown = 0
    for r in rows:  # one pass: a facility is summed for every assessment
        if r.norm_fte is not None:
            norms.append(r.norm_fte)
            if r.norm_hours_per_week is None:
                hours_left_out = True
            else:
                hours.append(r.norm_hours_per_week)
        if r.required_fte is not None:
            requireds.append(r.required_fte)
        if r.status == "unknown":
            unknown += r.beds or 0
        elif _without_norm(r):
            without_norm += r.beds or 0
    required = math.fsum(requireds) if requireds else None
    gap = None
    if staffed is not None and required is not None and not mixed:
        gap = required - staffed
    return FacilityAssessment(
        facility=name,
        beds=beds,
        norm_fte=math.fsum(norms) if norms else None,
        required_fte=required,
        staffed_fte=staffed,
        gap_fte=gap,
        places_without_norm=without_norm,
        places_unknown=unknown,
        norm_hours_per_week=None if hours_left_out or not hours else math.fsum(hours),
        staffing_note=note,
    )


class _Tally:
    """What the totals and notes need of the unit rows, counted as facilities are assessed."""

    def __init__(self) -> None:
        self.rows = 0
        self.units_without_norm = 0
        self.places_without_norm = 0
        self.units_unknown = 0
        self.places_unknown = 0
        self.adopted_places_without_norm: int | None = None  # None: no such unit
        # override id -> the names of the units it set, and the first one's figure
        self.overrides: dict[str, list[str]] = {}
        self.override_first: dict[str, float | None] = {}

    def add(self, rows: list[UnitAssessment], names: list[str] | None = None) -> None:
        """Count rows; ``names`` are the units' names when the rows are shared templates
        (a row past them, a facility-level need, has its own name)."""
        self.rows += len(rows)
        for index, row in enumerate(rows):
            if _without_norm(row):
                self.units_without_norm += 1
                self.places_without_norm += row.beds or 0
                if row.required_fte is not None:
                    self.adopted_places_without_norm = (self.adopted_places_without_norm or 0) + (
                        row.beds or 0
                    )
            elif row.status == "unknown":
                self.units_unknown += 1
                self.places_unknown += row.beds or 0
            if row.override is not None:
                if row.override.id not in self.overrides:
                    self.override_first[row.override.id] = row.required_fte
                unit = row.unit if names is None or index >= len(names) else names[index]
                self.overrides.setdefault(row.override.id, []).append(unit)


def _totals(
    tally: _Tally, facilities: list[FacilityAssessment], normset: ResolvedNormSet
) -> Totals:
    required = _sum_known([f.required_fte for f in facilities])
    staffed = _sum_known([f.staffed_fte for f in facilities])
    # The facilities' gaps, each need less the staffing of the same facility: a
    # facility whose need or staffing is unknown is left out (and said so in the
    # notes), never counted as a shortfall or a surplus.
    gap = _sum_known([f.gap_fte for f in facilities])
    cost = None
    if normset.fte_cost is not None and gap is not None:
        cost = finite(float(normset.fte_cost.evaluate({"fte": max(gap, 0.0)})), normset.fte_cost)
    hours_left_out = any(
        f.norm_fte is not None and f.norm_hours_per_week is None for f in facilities
    )
    return Totals(
        beds=sum(f.beds for f in facilities),
        norm_fte=_sum_known([f.norm_fte for f in facilities]),
        norm_hours_per_week=None
        if hours_left_out
        else _sum_known([f.norm_hours_per_week for f in facilities]),
        required_fte=required,
        staffed_fte=staffed,
        gap_fte=gap,
        places_without_norm=tally.places_without_norm,
        units_without_norm=tally.units_without_norm,
        places_unknown=tally.places_unknown,
        units_unknown=tally.units_unknown,
        gap_cost_nok_per_year=cost,
        gap_cost_basis=normset.fte_cost.describe()
        if cost is not None and normset.fte_cost
        else None,
    )


#: the assessment's totals that thresholds can watch, beside the inventory's figures
TOTAL_INDICATORS = ("norm_fte", "required_fte", "staffed_fte", "gap_fte")


def indicators_of(
    inventory: Inventory,
    totals: Totals,
    normset: ResolvedNormSet,
    assessed: bool,
    explain: bool = False,
) -> tuple[dict[str, float], list[str], dict[str, dict[str, Any]]]:
    """What thresholds can watch: the inventory's figures, the assessment's totals, and
    the norm set's derived indicators (with a note for each that cannot be computed);
    with ``explain``, how each derived indicator was computed.

    ``assessed``: whether any facility was assessed (the totals then count).
    """
    indicators = inventory.indicators()
    origins = {name: _inventory_origin(name, inventory) for name in indicators}
    if assessed:
        indicators = {"beds": float(totals.beds), **indicators}  # as the inventory gives it
        origins.setdefault("beds", _inventory_origin("beds", inventory))
        for name in TOTAL_INDICATORS:
            value = getattr(totals, name)
            if value is not None:
                indicators[name] = value
                origins[name] = "this assessment's total"
    notes = []
    workings: dict[str, dict[str, Any]] = {}
    for derived in normset.indicators:
        if not set(derived.input_names().values()) & set(indicators):
            continue  # about figures this inventory does not deal with at all
        try:
            indicators[derived.id] = derived.compute(indicators)
        except NormkitError as exc:
            notes.append(f"not computed: {exc.message}")
            continue
        if explain:
            workings[derived.id] = _indicator_step(derived, indicators, origins, normset)
        origins[derived.id] = f"the derived indicator '{derived.id}'"
    return indicators, notes, workings


def _inventory_origin(name: str, inventory: Inventory) -> str:
    """Where an inventory's figure comes from, in a planner's words."""
    if name in inventory.figures:
        return "as the inventory states it"
    if name == "beds":
        return "the places of the inventory's units"
    if name.startswith("inhabitants"):
        return "summed from the inventory's populations"
    return "summed from the inventory's GP lists"


def _indicator_step(
    derived: DerivedIndicator,
    indicators: dict[str, float],
    origins: dict[str, str],
    normset: ResolvedNormSet,
) -> dict[str, Any]:
    """A derived indicator's working: its rule's steps, where each input came from, and
    the figure the source states for the same inputs, when it states one."""
    inputs = {name: indicators[given] for name, given in derived.input_names().items()}
    inner = explained(derived.rule, inputs, f"indicator '{derived.id}'")
    fed = tuple(
        Step(f"{given} = {fmt(indicators[given])}: {origins[given]}", indicators[given], "", given)
        for given in sorted(set(derived.input_names().values()))
    )
    stated = tuple(
        _stated_step(figure, derived.rule)
        for figure in normset.figures
        if figure.inputs == inputs
        and figure.rule in normset.rules
        and normset.rule(figure.rule) == derived.rule
    )
    return Step(
        f"{derived.label} [{normset.normset.id}]: {inner.text}",
        inner.value,
        inner.unit,
        derived.id,
        derived.source or derived.rule.source,
        inner.children + fed + stated,
    ).to_dict()


def _stated_step(figure: Figure, rule: Rule) -> Step:
    """The source's own number for the same inputs, beside the one computed."""
    result = recompute(figure, rule)
    return Step(
        f"the source states {fmt(result.stated, result.unit)} for these inputs "
        f"({figure.label}); computed {fmt(result.computed, result.unit)}, a difference of "
        f"{result.difference_text()}",
        result.stated,
        result.unit,
        figure.id,
        figure.source,
    )


def _alerts(
    inventory: Inventory, indicators: dict[str, float], normset: ResolvedNormSet
) -> tuple[list[Alert], list[str]]:
    alerts: list[Alert] = []
    notes: list[str] = []
    for threshold in normset.thresholds:
        if threshold.indicator not in indicators:
            notes.append(
                f"threshold '{threshold.id}' not checked: the inventory gives no "
                f"'{threshold.indicator}'"
            )
            continue
        alert = threshold.check(indicators[threshold.indicator])
        if alert is not None:
            alerts.append(alert)
    for condition in normset.conditions:
        fired, undecided = condition.run(inventory, normset.at)
        alerts.extend(fired)
        notes.extend(undecided)
    for unknown in normset.unknowns:
        concerned = not unknown.relates_to or set(unknown.relates_to) & set(indicators)
        if not unknown.bed_types and concerned:
            cite = f" ({unknown.source.cite()})" if unknown.source else ""
            notes.append(f"unknown: {unknown.what}{cite}")
    return alerts, notes


#: facilities named one by one in a note of the same kind; more are counted in one note
_NAMED_IN_NOTES = 10


def _some_names(facilities: list[FacilityAssessment]) -> str:
    """The first three facilities' names, and how many more (there are more than ten)."""
    shown = ", ".join(f.facility for f in facilities[:3])
    return f"{shown} and {len(facilities) - 3} more"


def _coverage_notes(
    tally: _Tally,
    facilities: list[FacilityAssessment],
    totals: Totals,
    normset: ResolvedNormSet,
    inventory: Inventory,
) -> list[str]:
    """Say what the totals leave out, and which adopted values matched nothing."""
    notes: list[str] = []
    if totals.units_without_norm:
        adopted = tally.adopted_places_without_norm
        text = (
            f"{totals.places_without_norm} places in {totals.units_without_norm} unit(s) have no "
            "norm: the pure-norm total leaves them out"
        )
        if adopted is not None:
            text += f"; {adopted} of them have an adopted value, which the adopted total includes"
        notes.append(text)
    unmatched = [f for f in facilities if (f.required_fte is None) != (f.staffed_fte is None)]
    staffed_only = [f for f in unmatched if f.staffed_fte is not None]
    need_only = [f for f in unmatched if f.staffed_fte is None]
    for f in unmatched:  # a few are named one by one, in the inventory's order
        if f.staffed_fte is not None and len(staffed_only) <= _NAMED_IN_NOTES:
            notes.append(
                f"{f.facility}: {fmt(f.staffed_fte, FTE)} staffed, but no need is known for its "
                "places: the total gap leaves this facility out"
            )
        elif f.staffed_fte is None and len(need_only) <= _NAMED_IN_NOTES:
            notes.append(
                f"{f.facility}: no staffing recorded: the total gap leaves this facility's "
                f"{fmt(f.required_fte, FTE)} of need out"
            )
    # Need and staffing both known, but the staffing may serve places with no known need.
    mixed = [
        f
        for f in facilities
        if f.required_fte is not None and f.staffed_fte is not None and f.gap_fte is None
    ]
    for f in mixed if len(mixed) <= _NAMED_IN_NOTES else ():
        notes.append(
            f"{f.facility}: {fmt(f.staffed_fte, FTE)} staffed, but some of it may serve places "
            "with no known need (it is recorded for the facility as a whole, or for such a "
            "unit): its gap is not known, and the total gap leaves this facility out"
        )
    if len(mixed) > _NAMED_IN_NOTES:
        notes.append(
            f"{len(mixed)} facilities ({_some_names(mixed)}) have staffing that may serve places "
            "with no known need: their gaps are not known, and the total gap leaves them out"
        )
    # Many are counted in one note each (a note per facility of a national table would
    # bury the rest); every facility's own figures and staffing note stay in `facilities`.
    if len(staffed_only) > _NAMED_IN_NOTES:
        staffed_sum = math.fsum(f.staffed_fte for f in staffed_only if f.staffed_fte is not None)
        notes.append(
            f"{len(staffed_only)} facilities ({_some_names(staffed_only)}) have "
            f"{fmt(staffed_sum, FTE)} staffed in all, but no need is known for their places: "
            "the total gap leaves them out"
        )
    if len(need_only) > _NAMED_IN_NOTES:
        need_sum = math.fsum(f.required_fte for f in need_only if f.required_fte is not None)
        notes.append(
            f"{len(need_only)} facilities ({_some_names(need_only)}) have no staffing recorded: "
            f"the total gap leaves their {fmt(need_sum, FTE)} of need out"
        )
    if not tally.rows and not facilities and not inventory.indicators():
        notes.append("the inventory has no facilities, units or figures to assess")
    if totals.units_unknown:
        notes.append(
            f"{totals.places_unknown} places in {totals.units_unknown} unit(s) have a norm the "
            "source leaves out (unknown); the need totals leave them out"
        )
    used = tally.overrides
    names = {f.facility for f in facilities}
    elsewhere: dict[str, list[str]] = {}  # facility not in this inventory -> entries for it
    for applied in normset.overrides:
        override = applied.override
        rows = used.get(override.id, [])
        if not rows and override.facility is not None and override.facility not in names:
            elsewhere.setdefault(override.facility, []).append(f"override '{override.id}'")
        elif not rows:
            notes.append(
                f"override '{override.id}' ({override.scope()}) applies to no unit of this "
                "inventory"
            )
        elif override.unit is None and override.rule.kind == "fixed" and len(rows) > 1:
            each = fmt(tally.override_first[override.id], FTE)
            notes.append(
                f"override '{override.id}' gives its fixed {each} to each of the {len(rows)} "
                f"units it targets ({', '.join(rows)}); for one figure for a "
                "whole facility use a facility need, or one override per unit"
            )
    for applied_need in normset.needs.values():
        need = applied_need.need
        if need.facility is not None and need.facility not in names:
            elsewhere.setdefault(need.facility, []).append(f"need '{need.id}'")
    other: list[tuple[str, str]] = []  # facilities of other inventories: one fact, one note
    for name, items in elsewhere.items():
        close = difflib.get_close_matches(name, names, n=1, cutoff=0.75)
        if close:
            notes.append(
                f"{', '.join(items)} {'is' if len(items) == 1 else 'are'} for facility '{name}', "
                f"which this inventory does not have: did you mean '{close[0]}'?"
            )
        else:
            other.append((name, ", ".join(items)))
    if len(other) == 1:
        ((name, items_text),) = other
        notes.append(
            f"the norm set also has adopted values for {name}, which is not in this "
            f"inventory ({items_text})"
        )
    elif other:
        listed = "; ".join(f"{name} ({items_text})" for name, items_text in other)
        notes.append(
            f"the norm set also has adopted values for {len(other)} facilities not in this "
            f"inventory: {listed}"
        )
    return notes
