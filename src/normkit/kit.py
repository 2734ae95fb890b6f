"""The kit: plugins loaded, their registrations checked, norm sets on demand.

A :class:`Kit` owns its own pluggy plugin manager and registries, so two kits
in one process never interfere (no module-level state). Each plugin is loaded
and registered on its own: one that fails is recorded in ``kit.failures``
(plugin, distribution, error) and the rest still load. Conflicts between
plugins (a kommunenummer or a norm-set version claimed twice) are recorded in
``kit.conflicts`` and raised, naming both plugins, when the contested item is
used; ``strict=True`` raises at load instead.
"""

from __future__ import annotations

import datetime as dt
import os
import time
import types
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import pluggy
from pydantic import BaseModel, ConfigDict, ValidationError

from . import hookspecs
from .assessment import Assessment, assess
from .batch import BatchResult, assess_batch
from .bed_types import BedType
from .errors import (
    InventoryError,
    Location,
    NormkitError,
    NormSetError,
    PluginError,
    PluginFailure,
)
from .files import LineMap, read_document, split_path
from .inventory import Inventory, load_inventory
from .municipality import Municipality
from .normset import NormSet, ResolvedNormSet, parse_normset, resolve
from .rules import BUILTIN_RULE_KINDS, kind_of
from .rules.base import Rule
from .validity import Validity

ENTRY_POINT_GROUP = "normkit"
ENV_DISABLE_AUTOLOAD = "NORMKIT_DISABLE_PLUGIN_AUTOLOAD"
ENV_PLUGINS = "NORMKIT_PLUGINS"
ENV_BLOCK = "NORMKIT_BLOCK_PLUGINS"
BUILTIN_PLUGINS = ("national",)


@dataclass
class PluginInfo:
    """A loaded plugin: its name, where it comes from and what it registered."""

    name: str
    distribution: str | None
    version: str | None
    module: str
    builtin: bool = False
    registered: dict[str, list[str]] = field(default_factory=dict)


class _Header(BaseModel):
    """The part of a norm-set file read at registration, without building rules."""

    model_config = ConfigDict(extra="ignore")

    id: str
    title: str
    version: str | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    municipality: str | None = None


@dataclass
class _Version:
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
        return f"{self.id}{version} ({self.validity.describe()}) from plugin '{self.plugin}'"


def _env_list(name: str) -> list[str] | None:
    value = os.environ.get(name)
    if value is None:
        return None
    return [v.strip() for v in value.split(",") if v.strip()]


class Kit:
    """Plugins and everything they registered.

    ``Kit()`` loads the built-in national plugin and every installed plugin
    of the ``normkit`` entry-point group. ``plugins=`` adds plugin objects
    (modules or instances) directly, which is how tests and apps register
    norms without installing a package. ``allow`` / ``block`` pick plugins by
    name; ``autoload=False`` (or ``NORMKIT_DISABLE_PLUGIN_AUTOLOAD=1``) skips
    entry points; ``NORMKIT_PLUGINS=a,b`` allows only those, and
    ``NORMKIT_BLOCK_PLUGINS=c`` blocks some.
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
    ) -> None:
        started = time.perf_counter()
        self.failures: list[PluginFailure] = []
        self.conflicts: list[NormkitError] = []
        self.plugins: dict[str, PluginInfo] = {}
        self.municipalities: dict[str, Municipality] = {}
        self.bed_types: dict[str, BedType] = {}
        self.rule_kinds: dict[str, type[Rule]] = dict(BUILTIN_RULE_KINDS)
        self._versions: dict[str, list[_Version]] = {}
        self._municipality_owner: dict[str, str] = {}
        self._contested: dict[str, NormkitError] = {}
        # Line maps of norm sets read from files, to place errors found later.
        self._lines: dict[int, LineMap] = {}
        self.timings: dict[str, float] = {}

        if autoload is None:
            autoload = os.environ.get(ENV_DISABLE_AUTOLOAD, "") in {"", "0"}
        allowed = set(allow) if allow is not None else None
        env_allowed = _env_list(ENV_PLUGINS)
        if allowed is None and env_allowed is not None:
            allowed = set(env_allowed)
        blocked = set(block or ()) | set(_env_list(ENV_BLOCK) or ())

        self._pm = pluggy.PluginManager(hookspecs.PROJECT)
        self._pm.add_hookspecs(hookspecs)

        def wanted(name: str, chosen: bool = False) -> bool:
            if name in blocked:
                return False
            # The allow list selects among installed plugins: the built-in
            # national norm (the base everything extends) and plugin objects
            # the host passes in itself are chosen already.
            return chosen or allowed is None or name in allowed

        if builtins:
            from . import national

            for name in BUILTIN_PLUGINS:
                if wanted(name, chosen=True):
                    self._add(national, name, None, None, builtin=True)
        for index, plugin in enumerate(plugins):
            name = getattr(plugin, "__name__", None) or f"{type(plugin).__name__}-{index}"
            if wanted(name, chosen=True):
                self._add(plugin, name, None, None)
        self.timings["builtins"] = time.perf_counter() - started
        if autoload:
            t0 = time.perf_counter()
            self._load_entry_points(wanted)
            self.timings["discovery"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        self._register_all()
        self.timings["registration"] = time.perf_counter() - t0
        if strict and (self.failures or self.conflicts):
            problems = [f"{f.plugin}: {f.error}" for f in self.failures] + [
                str(c) for c in self.conflicts
            ]
            raise PluginError("plugins failed to load: " + "; ".join(problems))

    # -- loading ---------------------------------------------------------

    def _load_entry_points(self, wanted: Any) -> None:
        for ep in sorted(metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
            dist = getattr(ep, "dist", None)
            dist_name = dist.metadata["Name"] if dist is not None else None
            dist_version = dist.version if dist is not None else None
            if not wanted(ep.name):
                continue
            if ep.name in self.plugins:
                self.failures.append(
                    PluginFailure(
                        ep.name, dist_name, "a plugin of this name is already loaded", "import"
                    )
                )
                continue
            try:
                plugin = ep.load()
            except (Exception, SystemExit) as exc:  # a plugin must never take the host down
                self.failures.append(
                    PluginFailure(
                        ep.name,
                        _dist_label(dist_name, dist_version),
                        f"{type(exc).__name__}: {exc}",
                        "import",
                    )
                )
                continue
            self._add(plugin, ep.name, dist_name, dist_version)

    def _add(
        self,
        plugin: object,
        name: str,
        dist: str | None,
        version: str | None,
        builtin: bool = False,
    ) -> None:
        try:
            self._pm.register(plugin, name=name)
        except Exception as exc:
            self.failures.append(
                PluginFailure(
                    name, _dist_label(dist, version), f"{type(exc).__name__}: {exc}", "register"
                )
            )
            return
        if not self._pm.get_hookcallers(plugin):
            self._pm.unregister(plugin)
            self.failures.append(
                PluginFailure(
                    name,
                    _dist_label(dist, version),
                    "registers nothing: it has no normkit_* hook implementations (does the "
                    "entry point name the plugin object, e.g. 'package:plugin'?)",
                    "register",
                )
            )
            return
        module = plugin.__name__ if isinstance(plugin, types.ModuleType) else type(plugin).__name__
        self.plugins[name] = PluginInfo(name, dist, version, module, builtin)

    def _register_all(self) -> None:
        # Order matters: rule kinds and bed types before norm sets use them.
        steps = (
            ("normkit_register_rule_kinds", self._register_rule_kind),
            ("normkit_register_bed_types", self._register_bed_type),
            ("normkit_register_municipalities", self._register_municipality),
            ("normkit_register_normsets", self._register_normset),
        )
        for hook_name, handler in steps:
            hook = getattr(self._pm.hook, hook_name)
            for impl in hook.get_hookimpls():
                plugin = impl.plugin_name
                if plugin not in self.plugins:
                    continue

                def register(item: Any, _plugin: str = plugin, _h: Any = handler) -> None:
                    _h(item, _plugin)

                try:
                    impl.function(register=register)
                except Exception as exc:
                    info = self.plugins[plugin]
                    self.failures.append(
                        PluginFailure(
                            plugin,
                            _dist_label(info.distribution, info.version),
                            f"{type(exc).__name__}: {exc}",
                            hook_name,
                        )
                    )
        self._check_municipality_codes()

    def _note(self, plugin: str, what: str, item: str) -> None:
        self.plugins[plugin].registered.setdefault(what, []).append(item)

    def _register_rule_kind(self, cls: Any, plugin: str) -> None:
        if not (isinstance(cls, type) and issubclass(cls, Rule)):
            raise PluginError(f"rule kind must be a subclass of normkit.rules.Rule, got {cls!r}")
        kind = kind_of(cls)
        if kind in self.rule_kinds and self.rule_kinds[kind] is not cls:
            raise PluginError(f"rule kind '{kind}' is already registered")
        self.rule_kinds[kind] = cls
        self._note(plugin, "rule_kinds", kind)

    def _register_bed_type(self, bed_type: Any, plugin: str) -> None:
        if not isinstance(bed_type, BedType):
            bed_type = BedType.model_validate(bed_type)
        known = self.bed_types.get(bed_type.id)
        if known is not None and known != bed_type:
            raise PluginError(f"bed type '{bed_type.id}' is already registered differently")
        self.bed_types[bed_type.id] = bed_type
        self._note(plugin, "bed_types", bed_type.id)

    def _register_municipality(self, municipality: Any, plugin: str) -> None:
        if not isinstance(municipality, Municipality):
            municipality = Municipality.model_validate(municipality)
        owner = self._municipality_owner.get(municipality.id)
        if owner is not None:
            self._conflict(
                municipality.id,
                PluginError(
                    f"municipality '{municipality.id}' is registered by both plugin '{owner}' "
                    f"and plugin '{plugin}'",
                    hint=f"block one of them, e.g. {ENV_BLOCK}={plugin}",
                ),
            )
            return
        self.municipalities[municipality.id] = municipality
        self._municipality_owner[municipality.id] = plugin
        self._note(plugin, "municipalities", municipality.id)

    def _register_normset(self, item: Any, plugin: str) -> None:
        if isinstance(item, NormSet):
            version = _Version(
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
            data, lines = read_document(path, NormSetError)
            try:
                header = _Header.model_validate(data)
            except ValidationError as exc:
                from .files import convert_validation_error

                raise convert_validation_error(exc, lines, NormSetError) from None
            version = _Version(
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
            raise NormSetError(f"expected a NormSet or a file path, got {type(item).__name__}")
        for other in self._versions.get(version.id, []):
            if other.validity.overlaps(version.validity):
                self._conflict(
                    version.id,
                    NormSetError(
                        f"norm set '{version.id}' has overlapping versions: {other.label()} and "
                        f"{version.label()}",
                        hint="end one version the day before the next starts",
                    ),
                )
        self._versions.setdefault(version.id, []).append(version)
        self._note(plugin, "normsets", version.label().split(" from plugin")[0])

    def _check_municipality_codes(self) -> None:
        claims: list[tuple[str, Municipality, Any]] = [
            (self._municipality_owner[m.id], m, c)
            for m in self.municipalities.values()
            for c in m.codes
        ]
        for i, (p1, m1, c1) in enumerate(claims):
            for p2, m2, c2 in claims[i + 1 :]:
                if m1.id != m2.id and c1.code == c2.code and c1.validity.overlaps(c2.validity):
                    error = PluginError(
                        f"kommunenummer {c1.code} is claimed by plugin '{p1}' for {m1.name} "
                        f"({c1.validity.describe()}) and by plugin '{p2}' for {m2.name} "
                        f"({c2.validity.describe()})",
                        hint=f"block one of them, e.g. {ENV_BLOCK}={p2}",
                    )
                    self._conflict(m1.id, error)
                    self._conflict(m2.id, error)
                    self._conflict(c1.code, error)

    def _conflict(self, key: str, error: NormkitError) -> None:
        if error not in self.conflicts:
            self.conflicts.append(error)
        self._contested.setdefault(key, error)

    def _raise_if_contested(self, key: str) -> None:
        if key in self._contested:
            raise self._contested[key]

    # -- lookups ---------------------------------------------------------

    def normset_ids(self) -> list[str]:
        return sorted(self._versions)

    def versions(self, normset_id: str) -> list[_Version]:
        if normset_id not in self._versions:
            raise NormSetError(
                f"unknown norm set '{normset_id}'",
                hint=f"known norm sets: {', '.join(self.normset_ids()) or 'none'}",
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
                return self._build(version)
        spans = "; ".join(v.validity.describe() for v in versions)
        raise NormSetError(
            f"norm set '{normset_id}' has no version in force on {at.isoformat()}",
            hint=f"its versions cover: {spans}",
        )

    def _build(self, version: _Version) -> NormSet:
        if version.built is None:
            assert version.lines is not None
            version.built = parse_normset(version.data, version.lines, self.rule_kinds)
            self._check_bed_types(version.built, version.lines)
            self._lines[id(version.built)] = version.lines
        return version.built

    def bed_type_problems(self, normset: NormSet, lines: LineMap | None) -> list[NormSetError]:
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
                    path = (group, index, "bed_types")
                    where = (
                        lines.locate(path)
                        if lines
                        else Location(field=f"{group}[{index}].bed_types")
                    )
                    problems.append(
                        NormSetError(
                            f"{group[:-1]} '{item.id}' uses bed type '{bed_type}', which no "
                            "plugin registered",
                            where,
                            f"known bed types: {', '.join(sorted(self.bed_types))}",
                        )
                    )
        return problems

    def _check_bed_types(self, normset: NormSet, lines: LineMap | None) -> None:
        problems = self.bed_type_problems(normset, lines)
        if problems:
            raise problems[0]

    def resolve(self, normset: str | NormSet, at: dt.date) -> ResolvedNormSet:
        """``normset`` (an id or a NormSet) with its ancestors, as in force on ``at``."""
        top = self.normset(normset, at) if isinstance(normset, str) else normset
        if isinstance(normset, NormSet):
            self._check_bed_types(normset, self._lines.get(id(normset)))
        try:
            return resolve(top, at, self.normset)
        except NormSetError as error:
            lines = self._lines.get(id(error.normset))
            if lines is None or error.location.file:
                raise
            field = error.location.field or ""
            raise NormSetError(error.message, lines.locate(split_path(field)), error.hint) from None

    def load_normset(self, path: str | Path) -> NormSet:
        """Read a norm-set file with this kit's rule kinds and bed types, without registering it.

        Use it to assess against a norm set that is not (yet) in a plugin:
        ``kit.assess(inventory, kit.load_normset("my-norms.yaml"), date)``.
        """
        data, lines = read_document(path, NormSetError)
        normset = parse_normset(data, lines, self.rule_kinds)
        self._check_bed_types(normset, lines)
        self._lines[id(normset)] = lines
        return normset

    def municipality(self, name_or_code: str) -> Municipality:
        """Find a municipality by slug, name or any kommunenummer it has had."""
        self._raise_if_contested(name_or_code.strip().casefold())
        hits = [m for m in self.municipalities.values() if m.matches(name_or_code)]
        if not hits:
            known = ", ".join(
                f"{m.name} ({'/'.join(c.code for c in m.codes)})"
                for m in self.municipalities.values()
            )
            raise NormSetError(
                f"unknown municipality '{name_or_code}'",
                hint=f"known municipalities: {known or 'none (install a municipality plugin)'}",
            )
        self._raise_if_contested(hits[0].id)
        return hits[0]

    def normset_for(self, name_or_code: str, at: dt.date) -> NormSet:
        """The first of a municipality's norm sets that has a version in force on ``at``."""
        municipality = self.municipality(name_or_code)
        errors: list[str] = []
        for normset_id in municipality.normsets:
            try:
                return self.normset(normset_id, at)
            except NormSetError as exc:
                if exc.location.file:
                    raise  # the norm set is broken: say where, not "none in force"
                errors.append(str(exc))
        raise NormSetError(
            f"{municipality.name} has no norm set in force on {at.isoformat()}",
            hint="; ".join(errors) or "the municipality's plugin registers no norm set",
        )

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
        )

    def load_inventory(self, path: str | Path) -> Inventory:
        """Read an inventory, accepting only the bed types this kit knows."""
        return load_inventory(path, self.bed_types)

    def assess(
        self, inventory: Inventory, normset: str | NormSet, at: dt.date, explain: bool = True
    ) -> Assessment:
        """Assess an inventory against a norm set (an id or a NormSet) as in force on ``at``."""
        return assess(inventory, self.resolve(normset, at), explain=explain)

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
            )
        return result

    def problems(self) -> list[str]:
        out = [
            f"plugin '{f.plugin}'"
            + (f" ({f.distribution})" if f.distribution else "")
            + f" failed at {f.stage}: {f.error}"
            for f in self.failures
        ]
        out.extend(str(c) for c in self.conflicts)
        return out


def _dist_label(name: str | None, version: str | None) -> str | None:
    if name is None:
        return None
    return f"{name} {version}" if version else name
