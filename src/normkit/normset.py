"""Norm sets: named, dated collections of rules, and how they resolve on a date.

A :class:`NormSet` is one *version* of a norm set: an ``id`` shared by all its
versions, a validity period, a source, and its content. A municipal norm set
may ``extends`` another (the national norm) and replace chosen needs by id,
giving a reason. :func:`resolve` flattens a version and its ancestors, as in
force on a date, into a :class:`ResolvedNormSet` that assessment uses.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import Field, PrivateAttr, ValidationError, model_validator

from .conditions import Condition
from .errors import Location, NormkitError, NormSetError, OverrideConflict
from .figures import Figure, FigureResult, recompute
from .files import LineMap, convert_validation_error, read_document, split_path
from .limits import DEFAULT, Limits
from .model import Model
from .parameters import Parameter
from .provenance import Source
from .rules.base import FTE, Rule, RuleRef
from .rules.override import Override
from .rules.threshold import Threshold
from .validity import Dated, Validity, check_order
from .values import Date

#: the only input a need's rule may read: the unit's places (a facility's, for a
#: facility-level need)
NEED_INPUTS = frozenset({"places"})


class Need(Model):
    """A rule for the physician need of units of some bed types.

    With ``bed_types`` it applies to every unit of those types (within
    ``facility`` if given). Without them it is a facility-level need, such as
    a medical lead's fixed 0.2 FTE, shown as a row of its own.

    ``no_norm: true`` instead of a ``rule`` records a decision that these bed
    types have no norm (KAD beds, say): such units are reported as "no norm"
    with the decision's reason and source, never as 0.
    """

    error_class = NormSetError

    id: str = Field(min_length=1)
    label: str | None = None
    bed_types: tuple[str, ...] = ()
    facility: str | None = None
    rule: RuleRef | None = None
    no_norm: bool = Field(
        default=False,
        description="a decision that these bed types have no norm; needs 'reason' and 'source'",
    )
    source: Source | None = None
    reason: str | None = Field(
        default=None, description="required when this need replaces one it inherits"
    )
    adopted: bool = Field(
        default=False,
        description="a figure the plan adopts with no norm behind it (an estimate, a decision): "
        "reported as adopted need with no pure-norm figure",
    )

    @model_validator(mode="after")
    def _scoped(self) -> Need:
        check_need(self)
        return self


def check_need(need: Need) -> None:
    """A need has a scope, and either an FTE rule of places or a reasoned "no norm"."""
    if not need.bed_types and need.facility is None:
        raise NormSetError(
            "a need applies to 'bed_types', or to one 'facility', or both", code="need.scope"
        )
    if need.no_norm:
        if need.rule is not None or need.adopted:
            raise NormSetError(
                "a need with 'no_norm: true' has no 'rule' and is not 'adopted'",
                code="need.no-norm",
            )
        if not need.reason or need.source is None:
            raise NormSetError(
                "a decision that there is no norm must give its 'reason' and 'source'",
                hint="say who decided it and where, e.g. the plan's section",
                code="need.no-norm",
            )
        if not need.bed_types:
            raise NormSetError(
                "a decision that there is no norm names the 'bed_types' it is for",
                code="need.no-norm",
            )
        return
    if need.rule is None:
        raise NormSetError(
            "a need gives a 'rule', or 'no_norm: true' with a reason and a source",
            code="need.rule",
        )
    if need.adopted and not need.reason:
        raise NormSetError("an adopted need must give its 'reason'", code="need.reason")
    if need.rule.output_unit() != FTE:
        raise NormSetError(
            f"a need must give FTE; this rule gives {need.rule.output_unit()}",
            code="normset.not-fte",
        )
    check_reads_places(need.rule, "a need")


def check_reads_places(rule: Rule, what: str) -> None:
    """A need's or override's rule reads nothing but the unit's places."""
    extra = sorted(rule.inputs() - NEED_INPUTS)
    if extra:
        raise NormSetError(
            f"{what}'s rule may read only 'places', but this one reads {', '.join(extra)}",
            hint="a unit gives its places and nothing else; use a named rule for other figures",
            code="normset.rule-inputs",
        )


class NamedRule(Dated):
    """A rule of a norm set that is not a need: a grant, a cost, an eligibility test.

    ``valid_from`` / ``valid_to`` (optional) limit it to part of its norm set's
    period, for a requirement that starts or a temporary exception that ends
    while the rest of the norm set stays in force.
    """

    error_class = NormSetError

    id: str = Field(min_length=1)
    label: str | None = None
    rule: RuleRef
    source: Source | None = None


class DerivedIndicator(Model):
    """A figure computed from an inventory's figures (FTE per 10 000 inhabitants...).

    ``inputs`` maps the rule's input names to indicator names where they
    differ (``{physicians: gps}``). The result joins the assessment's
    indicators, where thresholds can watch it.
    """

    error_class = NormSetError

    id: str = Field(min_length=1, pattern=r"^[a-z][a-z0-9_]*$")
    label: str
    rule: RuleRef
    inputs: dict[str, str] = Field(default_factory=dict)
    source: Source | None = None

    def input_names(self) -> dict[str, str]:
        """Rule input → the indicator that feeds it."""
        return {name: self.inputs.get(name, name) for name in self.rule.inputs()}

    def compute(self, indicators: Mapping[str, float]) -> float:
        names = self.input_names()
        missing = sorted(n for n in names.values() if n not in indicators)
        if missing:
            raise NormSetError(
                f"indicator '{self.id}' needs {', '.join(missing)}, which the inventory "
                "does not give",
                code="indicator.missing-input",
            )
        return float(self.rule.evaluate({k: indicators[v] for k, v in names.items()}))


class Unknown(Model):
    """A value the source leaves out: assessment says "unknown", never guesses."""

    error_class = NormSetError

    id: str = Field(min_length=1)
    bed_types: tuple[str, ...] = ()
    relates_to: tuple[str, ...] = Field(
        default=(),
        description="indicators it concerns: assessments that give one of them are told",
    )
    what: str = Field(min_length=1, description="what is missing, in the plan's terms")
    source: Source | None = None


class NormSet(Model):
    """One version of a norm set, in force from ``valid_from`` to ``valid_to`` (inclusive)."""

    error_class = NormSetError

    id: str = Field(min_length=1, pattern=r"^[a-z0-9][a-z0-9._-]*$")
    title: str
    version: str | None = None
    valid_from: Date | None = Field(
        default=None, description="first day in force; null when the source gives no start"
    )
    valid_to: Date | None = None
    source: Source
    municipality: str | None = Field(
        default=None, description="kommunenummer or name of the municipality; null for national"
    )
    extends: str | None = None
    extends_decision: Source | None = Field(
        default=None,
        description="the decision by which this norm set's owner adopted the one it extends",
    )
    needs: tuple[Need, ...] = ()
    overrides: tuple[Override, ...] = ()
    thresholds: tuple[Threshold, ...] = ()
    unknowns: tuple[Unknown, ...] = ()
    rules: tuple[NamedRule, ...] = ()
    indicators: tuple[DerivedIndicator, ...] = ()
    parameters: tuple[Parameter, ...] = ()
    conditions: tuple[Condition, ...] = ()
    figures: tuple[Figure, ...] = ()
    fte_cost: RuleRef | None = Field(
        default=None, description="an fte_cost rule pricing one FTE of gap per year"
    )

    #: the file and lines this version was read from (None when built in Python);
    #: kept with the object so an error found later can say where it is
    _origin: LineMap | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _consistent(self) -> NormSet:
        check_normset(self)
        for index, override in enumerate(self.overrides):
            try:
                check_reads_places(override.rule, "an override")
            except NormSetError as error:
                raise error.relocated(Location(field=f"overrides[{index}].rule")) from None
        return self

    def __eq__(self, other: object) -> bool:
        # Equal content is equal whichever file (if any) it was read from.
        return type(other) is type(self) and self.__dict__ == other.__dict__

    def __hash__(self) -> int:
        return hash((self.id, self.version, self.valid_from, self.valid_to))

    @property
    def origin(self) -> LineMap | None:
        """The file and lines this version was read from, when it was read from a file."""
        return self._origin

    @property
    def validity(self) -> Validity:
        return Validity(valid_from=self.valid_from, valid_to=self.valid_to)

    def label(self) -> str:
        version = f" {self.version}" if self.version else ""
        return f"{self.id}{version} ({self.validity.describe()})"

    def locate(self, field: str | None) -> Location:
        """Where a field of this version is: its file and line when read from a file."""
        if self._origin is None:
            return Location(field=field)
        return self._origin.locate(split_path(field) if field else ())


GROUPS = (
    "indicators",
    "needs",
    "overrides",
    "thresholds",
    "unknowns",
    "rules",
    "parameters",
    "conditions",
    "figures",
)


def check_normset(normset: NormSet) -> None:
    """A version's dates are in order, its ids unique per group, its fte_cost a cost rule."""
    check_order(normset.valid_from, normset.valid_to)
    for name in GROUPS:
        seen: set[str] = set()
        for index, item in enumerate(getattr(normset, name)):
            if item.id in seen:
                raise NormSetError(
                    f"{name}: id '{item.id}' is used twice",
                    Location(field=f"{name}[{index}].id"),
                    code="normset.duplicate-id",
                )
            seen.add(item.id)
    if normset.fte_cost is not None and "fte" not in normset.fte_cost.inputs():
        raise NormSetError(
            "fte_cost must be a rule of the FTE given (kind: fte_cost)",
            Location(field="fte_cost"),
            code="normset.fte-cost",
        )


def load_normset(
    path: str | Path,
    rule_kinds: Mapping[str, type[Rule]] | None = None,
    limits: Limits = DEFAULT,
) -> NormSet:
    """Read one norm-set version from YAML, TOML or JSON, checking every unit."""
    data, lines = read_document(path, NormSetError, limits)
    return parse_normset(data, lines, rule_kinds)


def _validate_normset(
    data: Any, lines: LineMap, rule_kinds: Mapping[str, type[Rule]] | None
) -> NormSet:
    if not isinstance(data, dict):
        raise NormSetError(
            "a norm-set file must hold a mapping",
            Location(lines.file, 1),
            code="normset.not-a-mapping",
        )
    context = {"rule_kinds": rule_kinds} if rule_kinds is not None else None
    normset = NormSet.model_validate(data, context=context)
    normset._origin = lines
    return normset


def parse_normset(
    data: Any, lines: LineMap, rule_kinds: Mapping[str, type[Rule]] | None = None
) -> NormSet:
    """Validate a norm-set version read from a file; the first problem is raised."""
    try:
        return _validate_normset(data, lines, rule_kinds)
    except ValidationError as exc:
        raise convert_validation_error(exc, lines, NormSetError) from None


def normset_problems(
    data: Any, lines: LineMap, rule_kinds: Mapping[str, type[Rule]] | None = None
) -> tuple[NormSet | None, list[NormSetError]]:
    """Validate a norm-set version and return every problem, not only the first."""
    from .files import validation_problems

    try:
        return _validate_normset(data, lines, rule_kinds), []
    except ValidationError as exc:
        problems = validation_problems(exc, lines, NormSetError)
        return None, [p for p in problems if isinstance(p, NormSetError)]


@dataclass(frozen=True)
class AppliedNeed:
    """A need as it stands in a resolved set: who set it, and what it replaced."""

    need: Need
    normset: NormSet
    replaced: AppliedNeed | None = None


@dataclass(frozen=True)
class AppliedOverride:
    override: Override
    normset: NormSet
    depth: int  # 0 for the base norm set; each extension adds 1

    def precedence(self) -> tuple[int, int]:
        """Higher wins: the more specific target first, then the extending norm set."""
        return (self.override.specificity(), self.depth)


@dataclass(frozen=True)
class ResolvedNormSet:
    """A norm set as in force on ``at``, with its ancestors folded in."""

    normset: NormSet
    at: dt.date
    chain: tuple[NormSet, ...]
    needs: Mapping[str, AppliedNeed]
    overrides: tuple[AppliedOverride, ...]
    thresholds: tuple[Threshold, ...]
    unknowns: tuple[Unknown, ...]
    fte_cost: Rule | None
    rules: Mapping[str, NamedRule]
    indicators: tuple[DerivedIndicator, ...]
    parameters: Mapping[str, Parameter]
    conditions: tuple[Condition, ...]
    figures: tuple[Figure, ...]
    #: rows that units of one kind share, kept across assessments with this resolved set
    #: (:class:`normkit.assessment.UnitTemplates`); keyed by explain, bed type and beds
    shared_rows: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)

    def rule(self, rule_id: str) -> Rule:
        """A named rule (grant, cost, eligibility) by id, from this set or one it extends,
        as in force on the resolved date."""
        if rule_id not in self.rules:
            raise NormSetError(
                f"norm set '{self.normset.id}' has no rule '{rule_id}' in force on "
                f"{self.at.isoformat()}",
                hint=f"its rules then: {', '.join(sorted(self.rules)) or 'none'}",
                code="normset.no-such-rule",
            )
        return self.rules[rule_id].rule

    def parameter(self, parameter_id: str) -> Parameter:
        if parameter_id not in self.parameters:
            raise NormSetError(
                f"norm set '{self.normset.id}' has no parameter '{parameter_id}'",
                hint=f"its parameters: {', '.join(sorted(self.parameters)) or 'none'}",
                code="normset.no-such-parameter",
            )
        return self.parameters[parameter_id]

    def figure_results(self) -> list[FigureResult]:
        """Every stated figure beside what its rule computes."""
        return [recompute(f, self.rule(f.rule)) for f in self.figures]

    def need_for(self, facility: str | None, bed_type: str) -> AppliedNeed | None:
        """The need that applies to a unit; a facility-specific need beats a general one.

        Two needs of the same kind (both general, or both for this facility)
        applying to one bed type are a conflict, never settled by order.
        ``facility=None`` asks for the general need only.
        """
        specific = [
            a
            for a in self.needs.values()
            if bed_type in a.need.bed_types and facility is not None and a.need.facility == facility
        ]
        found = specific or [
            a
            for a in self.needs.values()
            if bed_type in a.need.bed_types and a.need.facility is None
        ]
        if len(found) > 1:
            raise need_conflict(found[0], found[1], bed_type, facility)
        return found[0] if found else None

    def named_facilities(self) -> frozenset[str]:
        """Facilities a need or an override names: their units are assessed one by one."""
        return frozenset(
            {a.need.facility for a in self.needs.values() if a.need.facility is not None}
            | {a.override.facility for a in self.overrides if a.override.facility is not None}
        )

    def facility_needs(self, facility: str) -> list[AppliedNeed]:
        return [
            a for a in self.needs.values() if not a.need.bed_types and a.need.facility == facility
        ]

    def unknown_for(self, bed_type: str) -> Unknown | None:
        return next((u for u in self.unknowns if bed_type in u.bed_types), None)

    def override_for(
        self, facility: str, unit: str | None, bed_type: str | None, need_id: str | None
    ) -> AppliedOverride | None:
        """The most specific override targeting a unit; a tie is an error."""
        hits = [
            a
            for a in self.overrides
            if a.override.targets(facility, unit, bed_type)
            and (a.override.replaces is None or a.override.replaces == need_id)
        ]
        if not hits:
            return None
        hits.sort(key=AppliedOverride.precedence, reverse=True)
        if len(hits) > 1 and hits[1].precedence() == hits[0].precedence():
            raise override_conflict(hits[0], hits[1], f"{facility} › {unit or '(facility)'}")
        return hits[0]

    def conflicts(self) -> list[NormSetError]:
        """Every pair of needs or overrides that some unit would find in conflict.

        :meth:`need_for` and :meth:`override_for` refuse a conflict when a unit
        meets it; this finds them all without an inventory, for ``normkit check``.
        """
        problems: list[NormSetError] = []
        for a, b in itertools.combinations(self.needs.values(), 2):
            shared = sorted(set(a.need.bed_types) & set(b.need.bed_types))
            if shared and a.need.facility == b.need.facility:
                problems.append(need_conflict(a, b, shared[0], a.need.facility))
        for x, y in itertools.combinations(self.overrides, 2):
            if x.precedence() == y.precedence() and may_meet(x.override, y.override):
                scope = x.override.scope()
                problems.append(override_conflict(x, y, scope))
        return problems


def may_meet(x: Override, y: Override) -> bool:
    """True when some unit could be targeted by both overrides."""
    for name in ("facility", "unit", "replaces"):
        a, b = getattr(x, name), getattr(y, name)
        if a is not None and b is not None and a != b:
            return False
    return not (x.bed_types and y.bed_types and not set(x.bed_types) & set(y.bed_types))


def need_conflict(
    a: AppliedNeed, b: AppliedNeed, bed_type: str, facility: str | None
) -> NormSetError:
    where = f"in facility '{facility}'" if facility else "in every facility"
    return NormSetError(
        f"needs '{a.need.id}' and '{b.need.id}' both apply to bed type '{bed_type}' {where}",
        b.normset.locate(_field(b.normset, "needs", b.need.id)),
        "give one of them a facility, or replace one by reusing its id",
        code="need.conflict",
    )


def override_conflict(a: AppliedOverride, b: AppliedOverride, scope: str) -> NormSetError:
    return OverrideConflict(
        f"overrides '{a.override.id}' and '{b.override.id}' in norm set "
        f"'{a.normset.id}' both apply to {scope} with the same precedence",
        b.normset.locate(_field(b.normset, "overrides", b.override.id)),
        "make one more specific (name the unit) or remove one",
    )


def _field(normset: NormSet, group: str, item_id: str) -> str:
    for index, item in enumerate(getattr(normset, group)):
        if item.id == item_id:
            return f"{group}[{index}]"
    return group


def _in(version: NormSet, error: NormkitError) -> NormkitError:
    """The error at its field in ``version``'s file and line, when it was read from a file."""
    return error.relocated(version.locate(error.location.field))


def resolve(
    normset: NormSet, at: dt.date, lookup: Callable[[str, dt.date], NormSet]
) -> ResolvedNormSet:
    """Fold ``normset`` and the versions it extends (as in force on ``at``) into one.

    The extending norm set wins: its needs replace inherited ones of the same
    id (with a reason), its overrides rank above inherited ones of the same
    specificity, and its parameters, rules and other entries replace
    inherited ones of the same id. Named rules not in force on ``at`` are left out.
    """
    chain: list[NormSet] = [normset]
    while chain[-1].extends:
        parent_id = chain[-1].extends
        if any(n.id == parent_id for n in chain):
            raise _in(
                chain[-1],
                NormSetError(
                    f"norm set '{normset.id}' extends itself through '{parent_id}'",
                    Location(field="extends"),
                    code="normset.extends-cycle",
                ),
            )
        try:
            chain.append(lookup(parent_id, at))
        except NormkitError as error:
            if error.location.file is not None:
                raise  # the parent's own file is at fault, and says where
            # An unknown id or no version in force: the fault is this `extends` line.
            raise _in(chain[-1], error.relocated(Location(field="extends"))) from None
    needs: dict[str, AppliedNeed] = {}
    overrides: list[AppliedOverride] = []
    thresholds: dict[str, Threshold] = {}
    unknowns: dict[str, Unknown] = {}
    rules: dict[str, NamedRule] = {}
    indicators: dict[str, DerivedIndicator] = {}
    parameters: dict[str, Parameter] = {}
    conditions: dict[str, Condition] = {}
    figures: dict[str, Figure] = {}
    fte_cost: Rule | None = None
    for depth, version in enumerate(reversed(chain)):
        for index, need in enumerate(version.needs):
            inherited = needs.get(need.id)
            if inherited is not None and not need.reason:
                raise _in(
                    version,
                    NormSetError(
                        f"need '{need.id}' in '{version.id}' replaces the one from "
                        f"'{inherited.normset.id}' but gives no reason",
                        Location(field=f"needs[{index}].reason"),
                        "say why the municipality deviates from the norm it extends",
                        code="need.replaced-without-reason",
                    ),
                )
            needs[need.id] = AppliedNeed(need, version, inherited)
        for index, override in enumerate(version.overrides):
            if override.replaces is not None and override.replaces not in needs:
                raise _in(
                    version,
                    NormSetError(
                        f"override '{override.id}' replaces need '{override.replaces}', which does "
                        f"not exist in '{version.id}' or the norm sets it extends",
                        Location(field=f"overrides[{index}].replaces"),
                        f"the needs are: {', '.join(sorted(needs)) or 'none'}; write "
                        "'replaces: null' for an override that gives a need where the norm "
                        "has none (such as KAD beds)",
                        code="override.target",
                    ),
                )
            replaced = needs.get(override.replaces) if override.replaces is not None else None
            if (
                replaced is not None
                and override.bed_types
                and not set(override.bed_types) & set(replaced.need.bed_types)
            ):
                # a unit must be of the need's bed types and of the override's: none can be
                raise _in(
                    version,
                    NormSetError(
                        f"override '{override.id}' replaces need '{override.replaces}' (bed "
                        f"types: {', '.join(replaced.need.bed_types) or 'none'}) but names "
                        f"bed types {', '.join(override.bed_types)}, so it applies to no unit",
                        Location(field=f"overrides[{index}].bed_types"),
                        "name the need of those bed types in 'replaces', or leave 'bed_types' "
                        "out to take the need's own",
                        code="override.target",
                    ),
                )
        overrides.extend(AppliedOverride(o, version, depth) for o in version.overrides)
        thresholds.update({t.id: t for t in version.thresholds})
        unknowns.update({u.id: u for u in version.unknowns})
        rules.update({r.id: r for r in version.rules if r.in_force(at)})
        indicators.update({i.id: i for i in version.indicators})
        parameters.update({p.id: p for p in version.parameters})
        conditions.update({c.id: c for c in version.conditions})
        figures.update({f.id: f for f in version.figures})
        fte_cost = version.fte_cost or fte_cost
    return ResolvedNormSet(
        normset=normset,
        at=at,
        chain=tuple(chain),
        needs=needs,
        overrides=tuple(overrides),
        thresholds=tuple(thresholds.values()),
        unknowns=tuple(unknowns.values()),
        fte_cost=fte_cost,
        rules=rules,
        indicators=tuple(indicators.values()),
        parameters=parameters,
        conditions=tuple(conditions.values()),
        figures=tuple(figures.values()),
    )
