"""The kit: what the plugins registered, and the front API over it.

A :class:`Kit` owns its plugins (:mod:`normkit.plugins`) and its registries, so
two kits in one process never interfere (no module-level state). It records
what each plugin registers (rule kinds, bed types, municipalities, norm-set
versions), validating every item; conflicts between plugins (a kommunenummer
or a norm-set version claimed twice) are recorded in ``kit.conflicts`` and
raised, naming both plugins, when the contested item is used;
``strict=True`` raises at load instead. Look-ups by date (norm sets,
municipalities by kommunenummer) and assessment sit on top.
"""

from __future__ import annotations

import datetime as dt
import inspect
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from .assessment import Assessment, assess
from .batch import BatchResult, assess_batch
from .bed_types import BedType
from .errors import InventoryError, NormkitError, NormSetError, PluginError
from .files import LineMap, convert_validation_error, read_document
from .inventory import Inventory, load_inventory
from .limits import Limits
from .municipality import Municipality, MunicipalityInfo
from .normset import NormSet, ResolvedNormSet, parse_normset, resolve
from .plugins import (
    BUILTIN_PLUGINS,
    ENTRY_POINT_GROUP,
    ENV_BLOCK,
    ENV_DISABLE_AUTOLOAD,
    ENV_PLUGINS,
    PluginFailure,
    PluginInfo,
    PluginSet,
)
from .roster import Roster, ShiftResult, assess_roster
from .rules import BUILTIN_RULE_KINDS, kind_of
from .rules.base import Rule
from .validity import Validity
from .values import Date

__all__ = [
    "BUILTIN_PLUGINS",
    "ENTRY_POINT_GROUP",
    "ENV_BLOCK",
    "ENV_DISABLE_AUTOLOAD",
    "ENV_PLUGINS",
    "Kit",
    "PluginFailure",
    "PluginInfo",
]


class _Header(BaseModel):
    """The part of a norm-set file read at registration, without building rules."""

    model_config = ConfigDict(extra="ignore")

    id: str
    title: str
    version: str | None = None
    valid_from: Date | None = None
    valid_to: Date | None = None
    municipality: str | None = None


@dataclass
class NormSetVersion:
    """A registered norm-set version: built now (Python) or on first use (file)."""

    id: str
    title: str
    version: str | None
    validity: Validity
    municipality: str | None
    plugin: str
    path: Path | None = None
    data: Any = None
    lines: LineMap | None = None
    built: NormSet | None = None

    def label(self) -> str:
        version = f" {self.version}" if self.version else ""
        return f"{self.id}{version} ({self.validity.describe()})"


class Kit:
    """Plugins and everything they registered.

    ``Kit()`` loads the built-in national plugin and every installed plugin
    of the ``normkit`` entry-point group. ``plugins=`` adds plugin objects
    (modules or instances) directly, which is how tests and apps register
    norms without installing a package. ``allow`` / ``block`` pick plugins by
    name; ``autoload=False`` (or ``NORMKIT_DISABLE_PLUGIN_AUTOLOAD=1``) skips
    entry points; ``NORMKIT_PLUGINS=a,b`` allows only those, and
    ``NORMKIT_BLOCK_PLUGINS=c`` blocks some. ``limits`` bounds every file
    the kit reads (default: :meth:`Limits.from_env`).
    """

    def __init__(
        self,
        plugins: Iterable[object] = (),
        *,
        autoload: bool | None = None,
        allow: Iterable[str] | None = None,
        block: Iterable[str] | None = None,
        builtins: bool = True,
        strict: bool = False,
        limits: Limits | None = None,
    ) -> None:
        started = time.perf_counter()
        self.limits = limits if limits is not None else Limits.from_env()
        self.conflicts: list[NormkitError] = []
        self.municipalities: dict[str, Municipality] = {}
        self.bed_types: dict[str, BedType] = {}
        self.rule_kinds: dict[str, type[Rule]] = dict(BUILTIN_RULE_KINDS)
        self._versions: dict[str, list[NormSetVersion]] = {}
        self._owners: dict[str, str] = {}  # municipality id -> plugin
        self._contested: dict[str, NormkitError] = {}
        loaded = PluginSet(plugins, autoload=autoload, allow=allow, block=block, builtins=builtins)
        self._plugins = loaded
        self.timings: dict[str, float] = {"loading": time.perf_counter() - started}
        t0 = time.perf_counter()
        loaded.register_all(
            {
                "normkit_register_rule_kinds": self._register_rule_kind,
                "normkit_register_bed_types": self._register_bed_type,
                "normkit_register_municipalities": self._register_municipality,
                "normkit_register_normsets": self._register_normset,
            }
        )
        self._check_municipality_codes()
        self.timings["registration"] = time.perf_counter() - t0
        if strict and (self.failures or self.conflicts):
            problems = [f.describe() for f in self.failures] + [str(c) for c in self.conflicts]
            raise PluginError(
                "plugins failed to load: " + "; ".join(problems), code="plugin.strict"
            )

    @property
    def plugins(self) -> dict[str, PluginInfo]:
        """The plugins that loaded, by name."""
        return self._plugins.plugins

    @property
    def failures(self) -> list[PluginFailure]:
        """Plugins that could not be selected, imported or registered."""
        return self._plugins.failures

    @property
    def warnings(self) -> list[str]:
        """Harmless surprises, such as a block list naming a plugin that is not installed."""
        return self._plugins.warnings

    # -- registration ----------------------------------------------------

    def _note(self, plugin: str, what: str, item: str) -> None:
        self.plugins[plugin].registered.setdefault(what, []).append(item)

    def _register_rule_kind(self, cls: Any, plugin: str) -> None:
        if not (isinstance(cls, type) and issubclass(cls, Rule)):
            raise PluginError(
                f"rule kind must be a subclass of normkit.rules.Rule, got {cls!r}",
                code="plugin.rule-kind",
            )
        try:
            kind = kind_of(cls)
        except TypeError as exc:
            raise PluginError(str(exc), code="plugin.rule-kind") from None
        if inspect.isabstract(cls):
            missing = ", ".join(sorted(getattr(cls, "__abstractmethods__", ())))
            raise PluginError(
                f"rule kind '{kind}' ({cls.__name__}) does not implement {missing}",
                hint="a rule kind must define evaluate(inputs) and explain(inputs)",
                code="plugin.rule-kind",
            )
        if kind in self.rule_kinds and self.rule_kinds[kind] is not cls:
            raise PluginError(
                f"rule kind '{kind}' is already registered", code="plugin.rule-kind-taken"
            )
        self.rule_kinds[kind] = cls
        self._note(plugin, "rule_kinds", kind)

    def _register_bed_type(self, bed_type: Any, plugin: str) -> None:
        if not isinstance(bed_type, BedType):
            bed_type = BedType.model_validate(bed_type)
        known = self.bed_types.get(bed_type.id)
        if known is not None and known != bed_type:
            raise PluginError(
                f"bed type '{bed_type.id}' is already registered differently",
                code="plugin.bed-type-taken",
            )
        self.bed_types[bed_type.id] = bed_type
        self._note(plugin, "bed_types", bed_type.id)

    def _register_municipality(self, municipality: Any, plugin: str) -> None:
        if not isinstance(municipality, Municipality):
            municipality = Municipality.model_validate(municipality)
        owner = self._owners.get(municipality.id)
        if owner is not None:
            self._conflict(
                municipality.id,
                PluginError(
                    f"municipality '{municipality.id}' is registered by both plugin '{owner}' "
                    f"and plugin '{plugin}'",
                    hint=_block_hint(owner, plugin, municipality.name),
                    code="plugin.conflict",
                ),
                owner,
                plugin,
            )
            return
        self.municipalities[municipality.id] = municipality
        self._owners[municipality.id] = plugin
        self._note(plugin, "municipalities", municipality.id)

    def _register_normset(self, item: Any, plugin: str) -> None:
        if isinstance(item, NormSet):
            version = NormSetVersion(
                item.id,
                item.title,
                item.version,
                item.validity,
                item.municipality,
                plugin,
                built=item,
            )
        elif isinstance(item, str | Path):
            path = Path(item)
            data, lines = read_document(path, NormSetError, self.limits)
            try:
                header = _Header.model_validate(data)
            except ValidationError as exc:
                raise convert_validation_error(exc, lines, NormSetError) from None
            version = NormSetVersion(
                header.id,
                header.title,
                header.version,
                Validity(valid_from=header.valid_from, valid_to=header.valid_to),
                header.municipality,
                plugin,
                path=path,
                data=data,
                lines=lines,
            )
        else:
            raise NormSetError(
                f"expected a NormSet or a file path, got {type(item).__name__}",
                code="plugin.registered-item",
            )
        for other in self._versions.get(version.id, []):
            if other.validity.overlaps(version.validity):
                self._conflict(
                    version.id,
                    NormSetError(
                        f"norm set '{version.id}' has overlapping versions: {other.label()} "
                        f"from plugin '{other.plugin}' and {version.label()} from plugin "
                        f"'{plugin}'",
                        hint="end one version the day before the next starts",
                        code="normset.overlap",
                    ),
                    other.plugin,
                    plugin,
                )
        self._versions.setdefault(version.id, []).append(version)
        self._note(plugin, "normsets", version.label())

    def _check_municipality_codes(self) -> None:
        claims = [(self._owners[m.id], m, c) for m in self.municipalities.values() for c in m.codes]
        for i, (p1, m1, c1) in enumerate(claims):
            for p2, m2, c2 in claims[i + 1 :]:
                if m1.id != m2.id and c1.code == c2.code and c1.validity.overlaps(c2.validity):
                    error = PluginError(
                        f"kommunenummer {c1.code} is claimed by plugin '{p1}' for {m1.name} "
                        f"({c1.validity.describe()}) and by plugin '{p2}' for {m2.name} "
                        f"({c2.validity.describe()})",
                        hint=_block_hint(p1, p2, f"kommunenummer {c1.code}"),
                        code="plugin.conflict",
                    )
                    for key in (m1.id, m2.id, c1.code):
                        self._conflict(key, error, p1, p2)

    def _conflict(self, key: str, error: NormkitError, *plugins: str) -> None:
        error.plugins = plugins
        if error not in self.conflicts:
            self.conflicts.append(error)
        self._contested.setdefault(key, error)

    def _raise_if_contested(self, key: str) -> None:
        if key in self._contested:
            raise self._contested[key]

    def owner(self, municipality_id: str) -> str | None:
        """The plugin that registered a municipality."""
        return self._owners.get(municipality_id)

    # -- norm sets -------------------------------------------------------

    def normset_ids(self) -> list[str]:
        return sorted(self._versions)

    def versions(self, normset_id: str) -> list[NormSetVersion]:
        if normset_id not in self._versions:
            raise NormSetError(
                f"unknown norm set '{normset_id}'",
                hint=f"known norm sets: {', '.join(self.normset_ids()) or 'none'}",
                code="normset.unknown",
            )
        return sorted(
            self._versions[normset_id], key=lambda v: v.validity.valid_from or dt.date.min
        )

    def normset(self, normset_id: str, at: dt.date) -> NormSet:
        """The version of ``normset_id`` in force on ``at``, built (units checked) once."""
        self._raise_if_contested(normset_id)
        versions = self.versions(normset_id)
        for version in versions:
            if version.validity.in_force(at):
                return self.build(version)
        spans = "; ".join(v.validity.describe() for v in versions)
        raise NormSetError(
            f"norm set '{normset_id}' has no version in force on {at.isoformat()}",
            hint=f"its versions cover: {spans}",
            code="normset.not-in-force",
        )

    def build(self, version: NormSetVersion) -> NormSet:
        """A registered version as a NormSet, its rules built and bed types checked (once)."""
        if version.built is None:
            assert version.lines is not None
            built = parse_normset(version.data, version.lines, self.rule_kinds)
            self._check_bed_types(built)
            version.built = built
        return version.built

    def bed_type_problems(self, normset: NormSet) -> list[NormSetError]:
        """Every need, override or unknown naming a bed type no plugin registered."""
        problems = []
        groups: tuple[tuple[str, Any], ...] = (
            ("needs", normset.needs),
            ("overrides", normset.overrides),
            ("unknowns", normset.unknowns),
        )
        for group, items in groups:
            for index, item in enumerate(items):
                for bed_type in item.bed_types:
                    if bed_type in self.bed_types:
                        continue
                    problems.append(
                        NormSetError(
                            f"{group[:-1]} '{item.id}' uses bed type '{bed_type}', which no "
                            "plugin registered",
                            normset.locate(f"{group}[{index}].bed_types"),
                            f"known bed types: {', '.join(sorted(self.bed_types))}",
                            code="normset.bed-type",
                        )
                    )
        return problems

    def _check_bed_types(self, normset: NormSet) -> None:
        problems = self.bed_type_problems(normset)
        if problems:
            raise problems[0]

    def resolve(self, normset: str | NormSet, at: dt.date) -> ResolvedNormSet:
        """``normset`` (an id or a NormSet) with its ancestors, as in force on ``at``."""
        if isinstance(normset, NormSet):
            self._check_bed_types(normset)
            top = normset
        else:
            top = self.normset(normset, at)
        return resolve(top, at, self.normset)

    def load_normset(self, path: str | Path) -> NormSet:
        """Read a norm-set file with this kit's rule kinds and bed types, without registering it.

        Use it to assess against a norm set that is not (yet) in a plugin:
        ``kit.assess(inventory, kit.load_normset("my-norms.yaml"), date)``.
        """
        data, lines = read_document(path, NormSetError, self.limits)
        normset = parse_normset(data, lines, self.rule_kinds)
        self._check_bed_types(normset)
        return normset

    # -- municipalities --------------------------------------------------

    def municipality(self, name_or_code: str, at: dt.date | None = None) -> Municipality:
        """A municipality by slug, name, or the kommunenummer it had on ``at``.

        Codes pass from one municipality to another with mergers, so a code is
        looked up on a date: a code not in use on ``at`` is an error that says
        whose it was and what is in use then. Without ``at``, a code matches
        whichever municipality has ever had it, and an error if several have.
        """
        key = name_or_code.strip()
        self._raise_if_contested(key.casefold())
        by_name = [m for m in self.municipalities.values() if m.matches_name(key)]
        if by_name:
            self._raise_if_contested(by_name[0].id)
            return by_name[0]
        holders = [m for m in self.municipalities.values() if m.has_code(key)]
        if not holders:
            known = ", ".join(
                f"{m.name} ({'/'.join(c.code for c in m.codes)})"
                for m in self.municipalities.values()
            )
            raise NormSetError(
                f"unknown municipality '{key}'",
                hint=f"known municipalities: {known or 'none (install a municipality plugin)'}",
                code="municipality.unknown",
            )
        if at is not None:
            on_date = [m for m in holders if m.code_on(at) == key]
            if not on_date:
                raise NormSetError(
                    f"kommunenummer {key} is not in use on {at.isoformat()}: "
                    + "; ".join(_code_history(m, key, at) for m in holders),
                    hint="give the code in use on that date, or the municipality's name",
                    code="municipality.code-not-in-use",
                )
            holders = on_date
        if len(holders) > 1:
            raise NormSetError(
                f"kommunenummer {key} has belonged to {', '.join(m.name for m in holders)}",
                hint="give a date (--at) or the municipality's name",
                code="municipality.code-ambiguous",
            )
        self._raise_if_contested(holders[0].id)
        return holders[0]

    def normset_for(self, name_or_code: str, at: dt.date) -> NormSet:
        """The first of a municipality's norm sets that has a version in force on ``at``."""
        municipality = self.municipality(name_or_code, at)
        reasons: list[str] = []
        for normset_id in municipality.normsets:
            try:
                return self.normset(normset_id, at)
            except NormSetError as exc:
                if exc.location.file:
                    raise  # the norm set is broken: say where, not "none in force"
                reasons.append(exc.message)
        raise NormSetError(
            f"{municipality.name} has no norm set in force on {at.isoformat()}",
            hint="; ".join(reasons) or "the municipality's plugin registers no norm set",
            code="normset.not-in-force",
        )

    def municipality_of(self, normset_id: str) -> Municipality | None:
        """The one municipality listing ``normset_id`` among its norm sets, if exactly one does."""
        found = [m for m in self.municipalities.values() if normset_id in m.normsets]
        return found[0] if len(found) == 1 else None

    def example(self, example_id: str) -> tuple[Municipality, Path]:
        """An example inventory shipped by a municipality's plugin, by id."""
        for municipality in self.municipalities.values():
            for example in municipality.examples:
                if example.id == example_id:
                    return municipality, example.path
        known = [e.id for m in self.municipalities.values() for e in m.examples]
        raise NormSetError(
            f"unknown example '{example_id}'",
            hint=f"examples: {', '.join(known) or 'none (install a municipality plugin)'}",
            code="example.unknown",
        )

    # -- assessment ------------------------------------------------------

    def load_inventory(self, path: str | Path) -> Inventory:
        """Read an inventory, accepting only the bed types this kit knows."""
        return load_inventory(path, self.bed_types, self.limits)

    def assess(
        self,
        inventory: Inventory,
        normset: str | NormSet,
        at: dt.date,
        explain: bool = True,
        *,
        municipality: str | None = None,
    ) -> Assessment:
        """Assess an inventory against a norm set (an id or a NormSet) as in force on ``at``.

        ``municipality`` (a name or the kommunenummer in use on ``at``) names
        whose norm set it is; without it, the municipality that lists the norm
        set is used, if there is exactly one. Either way the assessment says
        which municipality and kommunenummer it was made for.
        """
        resolved = self.resolve(normset, at)
        chosen = (
            self.municipality(municipality, at)
            if municipality is not None
            else self.municipality_of(resolved.normset.id)
        )
        info = MunicipalityInfo.of(chosen, at) if chosen is not None else None
        return assess(inventory, resolved, explain=explain, municipality=info)

    def assess_batch(
        self,
        normset: str | NormSet,
        at: dt.date,
        bed_types: Any,
        beds: Any,
        staffed_fte: Any = None,
        categories: Sequence[str] | None = None,
    ) -> BatchResult:
        """:func:`normkit.assess_batch`, refusing bed types no plugin registered."""
        result = assess_batch(self.resolve(normset, at), bed_types, beds, staffed_fte, categories)
        unknown = sorted(set(result.categories) - set(self.bed_types))
        if unknown:
            raise InventoryError(
                f"unknown bed type(s) {', '.join(unknown)}",
                hint=f"known bed types: {', '.join(sorted(self.bed_types))}",
                code="inventory.bed-type",
            )
        return result

    def assess_roster(
        self, roster: Roster, normset: str = "national-emergency-duty"
    ) -> list[ShiftResult]:
        """Check a duty roster against a norm set's competence rule, shift by shift.

        Each shift is judged by the version in force on its date (so a 2023
        shift gets the LIS1 exception and a 2025 one does not); a date whose
        rule is not encoded gives an undecided result, never a pass.
        """
        return assess_roster(roster, lambda day: self.resolve(normset, day))

    def problems(self) -> list[str]:
        """Every plugin failure and conflict, one line each."""
        return [f.describe() for f in self.failures] + [str(c) for c in self.conflicts]


def _block_hint(first: str, second: str, what: str) -> str:
    """Name both plugins: normkit cannot know which one rightly speaks for ``what``."""
    return (
        f"decide which plugin should speak for {what} and block the other one, "
        f"{ENV_BLOCK}={first} or {ENV_BLOCK}={second}"
    )


def _code_history(municipality: Municipality, code: str, at: dt.date) -> str:
    """'3003 was Sarpsborg's number from … until 2023-12-31; on 2024-01-01 Sarpsborg is 3105'."""
    spans = [c for c in municipality.codes if c.code == code]
    periods = ", ".join(_period(c.valid_from, c.valid_to) for c in spans)
    now = municipality.code_on(at)
    then = f"{municipality.name} is {now}" if now else f"{municipality.name} has no code"
    return f"{code} was {municipality.name}'s number {periods}; on {at.isoformat()} {then}"


def _period(start: dt.date | None, end: dt.date | None) -> str:
    if start and end:
        return f"from {start.isoformat()} until {end.isoformat()}"
    if end:
        return f"until {end.isoformat()}"
    return f"from {start.isoformat()}" if start else "at no known time"
