"""Norm sets: named, dated collections of rules, and how they resolve on a date.

A :class:`NormSet` is one *version* of a norm set: an ``id`` shared by all its
versions, a validity period, a source, and its content. A municipal norm set
may ``extends`` another (the national norm) and replace chosen needs by id,
giving a reason. :func:`resolve` flattens a version and its ancestors, as in
force on a date, into a :class:`ResolvedNormSet` that assessment uses.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from .checks import Check
from .errors import Location, NormSetError
from .figures import Figure, FigureResult, recompute
from .files import LineMap, convert_validation_error, read_document
from .parameters import Parameter
from .provenance import Source
from .rules.base import FTE, Rule, RuleRef
from .rules.override import Override
from .rules.threshold import Threshold
from .validity import Validity


class Need(BaseModel):
    """A rule for the physician need of units of some bed types.

    With ``bed_types`` it applies to every unit of those types (within
    ``facility`` if given). Without them it is a facility-level need, such as
    a medical lead's fixed 0.2 FTE, shown as a row of its own.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(min_length=1)
    label: str | None = None
    bed_types: tuple[str, ...] = ()
    facility: str | None = None
    rule: RuleRef
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
        if self.adopted and not self.reason:
            raise ValueError("an adopted need must give its 'reason'")
        if not self.bed_types and self.facility is None:
            raise ValueError("a need applies to 'bed_types', or to one 'facility', or both")
        if self.rule.output_unit() != FTE:
            raise ValueError(f"a need must give FTE; this rule gives {self.rule.output_unit()}")
        return self


class NamedRule(BaseModel):
    """A rule of a norm set that is not a need: a grant, a cost, an eligibility test."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(min_length=1)
    label: str | None = None
    rule: RuleRef
    source: Source | None = None


class DerivedIndicator(BaseModel):
    """A figure computed from an inventory's figures (FTE per 10 000 inhabitants...).

    ``inputs`` maps the rule's input names to indicator names where they
    differ (``{physicians: gps}``). The result joins the assessment's
    indicators, where thresholds can watch it.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

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
                "does not give"
            )
        return float(self.rule.evaluate({k: indicators[v] for k, v in names.items()}))


class Unknown(BaseModel):
    """A value the source leaves out: assessment says "unknown", never guesses."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    bed_types: tuple[str, ...] = ()
    relates_to: tuple[str, ...] = Field(
        default=(),
        description="indicators it concerns: assessments that give one of them are told",
    )
    what: str = Field(min_length=1, description="what is missing, in the plan's terms")
    source: Source | None = None


class NormSet(BaseModel):
    """One version of a norm set, in force from ``valid_from`` to ``valid_to`` (inclusive)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(min_length=1, pattern=r"^[a-z0-9][a-z0-9._-]*$")
    title: str
    version: str | None = None
    valid_from: dt.date | None = Field(
        default=None, description="first day in force; null when the source gives no start"
    )
    valid_to: dt.date | None = None
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
    checks: tuple[Check, ...] = ()
    figures: tuple[Figure, ...] = ()
    fte_cost: RuleRef | None = Field(
        default=None, description="an fte_cost rule pricing one FTE of gap per year"
    )

    @model_validator(mode="after")
    def _consistent(self) -> NormSet:
        Validity(valid_from=self.valid_from, valid_to=self.valid_to)
        for name in (
            "indicators",
            "needs",
            "overrides",
            "thresholds",
            "unknowns",
            "rules",
            "parameters",
            "checks",
            "figures",
        ):
            seen: set[str] = set()
            for item in getattr(self, name):
                if item.id in seen:
                    raise ValueError(f"{name}: id '{item.id}' is used twice")
                seen.add(item.id)
        if self.fte_cost is not None and "fte" not in self.fte_cost.inputs():
            raise ValueError("fte_cost must be a rule of the FTE given (kind: fte_cost)")
        return self

    @property
    def validity(self) -> Validity:
        return Validity(valid_from=self.valid_from, valid_to=self.valid_to)

    def label(self) -> str:
        version = f" {self.version}" if self.version else ""
        return f"{self.id}{version} ({self.validity.describe()})"


def load_normset(path: str | Path, rule_kinds: Mapping[str, type[Rule]] | None = None) -> NormSet:
    """Read one norm-set version from YAML, TOML or JSON, checking every unit."""
    data, lines = read_document(path, NormSetError)
    return parse_normset(data, lines, rule_kinds)


def parse_normset(
    data: Any, lines: LineMap, rule_kinds: Mapping[str, type[Rule]] | None = None
) -> NormSet:
    if not isinstance(data, dict):
        raise NormSetError("a norm-set file must hold a mapping", Location(lines.file, 1))
    context = {"rule_kinds": rule_kinds} if rule_kinds is not None else None
    try:
        return NormSet.model_validate(data, context=context)
    except ValidationError as exc:
        raise convert_validation_error(exc, lines, NormSetError) from None


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
    checks: tuple[Check, ...]
    figures: tuple[Figure, ...]

    def rule(self, rule_id: str) -> Rule:
        """A named rule (grant, cost, eligibility) by id, from this set or one it extends."""
        if rule_id not in self.rules:
            raise NormSetError(
                f"norm set '{self.normset.id}' has no rule '{rule_id}'",
                hint=f"its rules: {', '.join(sorted(self.rules)) or 'none'}",
            )
        return self.rules[rule_id].rule

    def parameter(self, parameter_id: str) -> Parameter:
        if parameter_id not in self.parameters:
            raise NormSetError(
                f"norm set '{self.normset.id}' has no parameter '{parameter_id}'",
                hint=f"its parameters: {', '.join(sorted(self.parameters)) or 'none'}",
            )
        return self.parameters[parameter_id]

    def figure_results(self) -> list[FigureResult]:
        """Every stated figure beside what its rule computes."""
        return [recompute(f, self.rule(f.rule)) for f in self.figures]

    def need_for(self, facility: str, bed_type: str) -> AppliedNeed | None:
        """The need that applies to a unit; a facility-specific need beats a general one."""
        found = [
            a
            for a in self.needs.values()
            if bed_type in a.need.bed_types and a.need.facility in (None, facility)
        ]
        if not found:
            return None
        found.sort(key=lambda a: a.need.facility is None)
        if len(found) > 1 and (found[0].need.facility is None) == (found[1].need.facility is None):
            raise NormSetError(
                f"needs '{found[0].need.id}' and '{found[1].need.id}' both apply to bed type "
                f"'{bed_type}' in facility '{facility}'",
                hint="give one of them a facility, or replace one by reusing its id",
            )
        return found[0]

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
        hits.sort(key=lambda a: (a.override.specificity(), a.depth), reverse=True)
        best = hits[0]
        if len(hits) > 1:
            runner = hits[1]
            if (runner.override.specificity(), runner.depth) == (
                best.override.specificity(),
                best.depth,
            ):
                from .errors import OverrideConflict

                raise OverrideConflict(
                    f"overrides '{best.override.id}' and '{runner.override.id}' in norm set "
                    f"'{best.normset.id}' both apply to {facility} › {unit or '(facility)'} "
                    "with the same precedence",
                    hint="make one more specific (name the unit) or remove one",
                )
        return best

    def sources(self) -> list[Source]:
        return [n.source for n in self.chain]


def _in(version: NormSet, error: NormSetError) -> NormSetError:
    """Mark which norm-set version an error is in, so a kit can add its file and line."""
    error.normset = version
    return error


def resolve(
    normset: NormSet, at: dt.date, lookup: Callable[[str, dt.date], NormSet]
) -> ResolvedNormSet:
    """Fold ``normset`` and the versions it extends (as in force on ``at``) into one."""
    chain: list[NormSet] = [normset]
    while chain[-1].extends:
        parent_id = chain[-1].extends
        if any(n.id == parent_id for n in chain):
            raise NormSetError(
                f"norm set '{normset.id}' extends itself through '{parent_id}'",
                Location(field="extends"),
            )
        chain.append(lookup(parent_id, at))
    needs: dict[str, AppliedNeed] = {}
    overrides: list[AppliedOverride] = []
    thresholds: dict[str, Threshold] = {}
    unknowns: dict[str, Unknown] = {}
    rules: dict[str, NamedRule] = {}
    indicators: dict[str, DerivedIndicator] = {}
    parameters: dict[str, Parameter] = {}
    checks: dict[str, Check] = {}
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
                    ),
                )
        overrides.extend(AppliedOverride(o, version, depth) for o in version.overrides)
        thresholds.update({t.id: t for t in version.thresholds})
        unknowns.update({u.id: u for u in version.unknowns})
        rules.update({r.id: r for r in version.rules})
        indicators.update({i.id: i for i in version.indicators})
        parameters.update({p.id: p for p in version.parameters})
        checks.update({c.id: c for c in version.checks})
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
        checks=tuple(checks.values()),
        figures=tuple(figures.values()),
    )
