"""The kit: the front API over what the plugins registered.

A :class:`Kit` loads its plugins (:mod:`normkit.plugins`) and keeps what they
register in its own :class:`~normkit.registry.Registry`, so two kits in one
process never interfere (no module-level state). On top: look-ups by date
(the norm-set version in force, a municipality by the kommunenummer it had),
building norm sets on first use, and assessment. Conflicts between plugins
are raised, naming both, when the contested item is used; ``strict=True``
raises at load instead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

from .errors import InventoryError, Location, NormkitError, NormSetError, PluginError
from .limits import Limits
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
from .registry import Contested, NormSetVersion, Registry
from .values import date_given

# Building a kit needs only the plugins and the registry: the modules that read,
# assess and plan are imported by the methods that use them, so that starting up
# (``normkit plugins``, a server's kit) pays for none of them.
if TYPE_CHECKING:  # pragma: no cover
    from .assessment import Assessment
    from .batch import BatchResult
    from .bed_types import BedType
    from .inventory import Inventory, Population
    from .municipality import Example, Municipality, MunicipalityInfo
    from .normset import NormSet, ResolvedNormSet
    from .planning.compare import Comparison
    from .planning.kostra import KostraPosition
    from .planning.projection import Plan
    from .planning.scenario import Scenario
    from .render import Renderer
    from .roster import Roster, ShiftResult
    from .rules.base import Rule

#: a pandas, polars or Arrow frame (:meth:`Kit.assess_frame` gives one of the same kind)
FrameT = TypeVar("FrameT")

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


#: resolved norm sets a kit keeps (by id and date) before it drops them and starts again
_RESOLVED_KEPT = 1024


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
        self.limits = limits if limits is not None else Limits.from_env()
        loaded = PluginSet(plugins, autoload=autoload, allow=allow, block=block, builtins=builtins)
        self._plugins = loaded
        # A plugin that fails is withdrawn with everything it registered: the others
        # register again into a new registry (headers only, so this is cheap), until
        # none fails (one may have relied on what a withdrawn plugin registered).
        while True:
            self.registry = Registry(loaded.plugins, self.limits)
            failed = loaded.register_all(self.registry.handlers())
            if not failed:
                break
            loaded.withdraw(failed)
        self.registry.check_municipality_codes()
        # What the plugins registered, by id (the registry's own collections).
        self.bed_types: dict[str, BedType] = self.registry.bed_types
        self.municipalities: dict[str, Municipality] = self.registry.municipalities
        self.conflicts: list[NormkitError] = self.registry.conflicts
        #: output formats by name: the built-in ones and the plugins' (``--format``)
        self.renderers: dict[str, Renderer] = self.registry.renderers
        self._versions = self.registry.versions
        self._resolved: dict[tuple[str, dt.date], ResolvedNormSet] = {}
        if strict and (self.failures or self.conflicts):
            problems = [f.describe() for f in self.failures] + [str(c) for c in self.conflicts]
            raise PluginError(
                "plugins failed to load: " + "; ".join(problems), code="plugin.strict"
            )

    @property
    def rule_kinds(self) -> dict[str, type[Rule]]:
        """Rule kinds by ``kind``: the built-in ones and those plugins registered."""
        return self.registry.rule_kinds

    @property
    def plugins(self) -> dict[str, PluginInfo]:
        """The plugins that loaded, by name."""
        return self._plugins.plugins

    def plugin_object(self, name: str) -> object | None:
        """A loaded plugin itself (a module or an object), for tools that inspect it."""
        return self._plugins.pm.get_plugin(name) if name in self.plugins else None

    @property
    def failures(self) -> list[PluginFailure]:
        """Plugins that could not be selected, imported or registered."""
        return self._plugins.failures

    @property
    def warnings(self) -> list[str]:
        """Harmless surprises, such as a block list naming a plugin that is not installed."""
        return self._plugins.warnings

    def _raise_if_contested(self, kind: Contested, key: str) -> None:
        error = self.registry.contested.get((kind, key))
        if error is not None:
            raise error

    def owner(self, municipality_id: str) -> str | None:
        """The plugin that registered a municipality."""
        return self.registry.owners.get(municipality_id)

    # -- norm sets -------------------------------------------------------

    def normset_ids(self) -> list[str]:
        return sorted(self._versions)

    def versions(self, normset_id: str) -> list[NormSetVersion]:
        if normset_id not in self._versions:
            raise NormSetError(
                f"unknown norm set '{normset_id}'",
                hint=f"known norm sets: {', '.join(self.normset_ids()) or 'none'}"
                + self._failed_plugins(),
                code="normset.unknown",
            )
        return sorted(
            self._versions[normset_id], key=lambda v: v.validity.valid_from or dt.date.min
        )

    def normset(self, normset_id: str, at: dt.date | str) -> NormSet:
        """The version of ``normset_id`` in force on ``at``, built (units checked) once."""
        at = date_given(at, "at")
        self._raise_if_contested("normset", normset_id)
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
            from .normset import parse_normset

            document = version.document()
            assert document is not None  # a version without a document was built already
            built = parse_normset(*document, self.rule_kinds)
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

    def resolve(self, normset: str | NormSet, at: dt.date | str) -> ResolvedNormSet:
        """``normset`` (an id or a NormSet) with its ancestors, as in force on ``at``.

        Here and in every method of a kit, ``at`` is a date, or text as files write
        it (``2020-04-01`` or ``01.04.2020``); anything else is a :class:`NormkitError`.
        """
        from .normset import NormSet, resolve

        at = date_given(at, "at")
        if isinstance(normset, NormSet):
            self._check_bed_types(normset)
            return resolve(normset, at, self.normset)
        # A kit's norm sets do not change once it is built, and a resolved set is
        # immutable: one per id and date serves every assessment (and keeps the rows
        # its units share, see normkit.assessment.UnitTemplates).
        key = (normset, at)
        resolved = self._resolved.get(key)
        if resolved is None:
            if len(self._resolved) >= _RESOLVED_KEPT:
                self._resolved.clear()
            resolved = resolve(self.normset(normset, at), at, self.normset)
            self._resolved[key] = resolved
        return resolved

    def load_normset(self, path: str | Path) -> NormSet:
        """Read a norm-set file with this kit's rule kinds and bed types, without registering it.

        Use it to assess against a norm set that is not (yet) in a plugin:
        ``kit.assess(inventory, kit.load_normset("my-norms.yaml"), date)``.
        """
        from .files import read_document
        from .normset import parse_normset

        data, lines = read_document(path, NormSetError, self.limits)
        normset = parse_normset(data, lines, self.rule_kinds)
        self._check_bed_types(normset)
        return normset

    # -- municipalities --------------------------------------------------

    def municipality(self, name_or_code: str, at: dt.date | str | None = None) -> Municipality:
        """A municipality by slug, name, or the kommunenummer it had on ``at``.

        Codes pass from one municipality to another with mergers, so a code is
        looked up on a date: a code not in use on ``at`` is an error that says
        whose it was and what is in use then. Without ``at``, a code matches
        whichever municipality has ever had it, and an error if several have.
        """
        key = name_or_code.strip()
        if at is not None:
            at = date_given(at, "at")
        self._raise_if_contested("code", key)
        self._raise_if_contested("municipality", key.casefold())
        by_name = [m for m in self.municipalities.values() if m.matches_name(key)]
        if by_name:
            self._raise_if_contested("municipality", by_name[0].id)
            return by_name[0]
        holders = [m for m in self.municipalities.values() if m.has_code(key)]
        if not holders:
            known = ", ".join(
                f"{m.name} ({'/'.join(c.code for c in m.codes)})"
                for m in self.municipalities.values()
            )
            raise NormSetError(
                f"unknown municipality '{key}'",
                hint=f"known municipalities: {known or 'none (install a municipality plugin)'}"
                + self._failed_plugins(),
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
        self._raise_if_contested("municipality", holders[0].id)
        return holders[0]

    def normset_or_municipality(
        self, value: str, at: dt.date | str
    ) -> tuple[str | NormSet, str | None]:
        """A norm-set id, or a municipality (name or kommunenummer) and its norm set in
        force on ``at``; with the municipality it was chosen for, if it was."""
        if value in self.normset_ids():
            return value, None
        try:
            return self.normset_for(value, at), value
        except NormkitError as exc:
            if exc.code != "municipality.unknown":
                raise
        names = ", ".join(m.name for m in self.municipalities.values()) or "none"
        raise NormkitError(
            f"'{value}' is neither a norm set nor a municipality",
            hint=f"norm sets: {', '.join(self.normset_ids())}; municipalities: {names}"
            + self._failed_plugins(),
            code="normset.unknown",
        )

    def _failed_plugins(self) -> str:
        """For a hint: what may be missing because a plugin did not load."""
        failed = sorted({f.plugin for f in self.failures})
        if not failed:
            return ""
        return (
            f"; plugin(s) {', '.join(repr(p) for p in failed)} failed to load, and may be what "
            "registers it: 'normkit plugins' says why"
        )

    def normset_for(self, name_or_code: str, at: dt.date | str) -> NormSet:
        """The first of a municipality's norm sets that has a version in force on ``at``."""
        at = date_given(at, "at")
        municipality = self.municipality(name_or_code, at)
        reasons: list[str] = []
        for normset_id in municipality.normsets:
            try:
                return self.normset(normset_id, at)
            except NormSetError as exc:
                if exc.location.file or exc.code not in ("normset.not-in-force", "normset.unknown"):
                    raise  # broken or contested (overlapping versions): say so, not "none in force"
                # the periods a version covers, not the list of every norm set known
                covered = exc.code == "normset.not-in-force" and exc.hint
                reasons.append(f"{exc.message} ({exc.hint})" if covered else exc.message)
        raise NormSetError(
            f"{municipality.name} has no norm set in force on {at.isoformat()}",
            hint="; ".join(reasons) or "the municipality's plugin registers no norm set",
            code="normset.not-in-force",
        )

    def municipality_of(self, normset_id: str) -> Municipality | None:
        """The one municipality listing ``normset_id`` among its norm sets, if exactly one does."""
        found = [m for m in self.municipalities.values() if normset_id in m.normsets]
        return found[0] if len(found) == 1 else None

    def example(self, example_id: str, kind: str = "inventory") -> tuple[Municipality, Path]:
        """An example shipped by a municipality's plugin, by id and kind (an inventory, a
        scenario or a population)."""
        municipality, example = self.find_example(example_id, kind)
        return municipality, example.path

    def find_example(
        self, example_id: str, kind: str = "inventory"
    ) -> tuple[Municipality, Example]:
        """An example and the municipality that ships it (a scenario's ``base`` says what
        inventory examples it applies to)."""
        for municipality in self.municipalities.values():
            for example in municipality.examples:
                if example.id == example_id and example.kind == kind:
                    return municipality, example
        known = [e.id for m in self.municipalities.values() for e in m.examples if e.kind == kind]
        what = "example" if kind == "inventory" else f"{kind} example"
        raise NormSetError(
            f"unknown {what} '{example_id}'",
            hint=f"{what}s: {', '.join(known) or 'none (install a municipality plugin)'}"
            + self._failed_plugins(),
            code="example.unknown",
        )

    # -- assessment ------------------------------------------------------

    def load_inventory(self, path: str | Path) -> Inventory:
        """Read an inventory, accepting only the bed types this kit knows."""
        from . import EXAMPLE_INVENTORY
        from .inventory import load_inventory

        # An installed example's parse may be kept for the next run; a user's file never.
        shipped = {EXAMPLE_INVENTORY} | {
            e.path for m in self.municipalities.values() for e in m.examples
        }
        return load_inventory(path, self.bed_types, self.limits, keep=Path(path) in shipped)

    def assess(
        self,
        inventory: Inventory,
        normset: str | NormSet,
        at: dt.date | str,
        explain: bool = True,
        *,
        municipality: str | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> Assessment:
        """Assess an inventory against a norm set (an id or a NormSet) as in force on ``at``.

        ``municipality`` (a name or the kommunenummer in use on ``at``) names
        whose norm set it is; without it, the municipality that lists the norm
        set is used, if there is exactly one. Either way the assessment says
        which municipality and kommunenummer it was made for.
        ``progress(done, total)`` is told how many facilities are done.

        Every unit's bed type must be one this kit knows, as :meth:`load_inventory`
        makes sure for a file: an inventory made in Python
        (``Inventory.model_validate``) with a mistyped bed type is refused
        (``inventory.bed-type``), not assessed as a bed type with no norm.
        """
        from .assessment import assess

        self._check_unit_bed_types(inventory)
        resolved, info = self._resolve_for(normset, at, municipality)
        return assess(inventory, resolved, explain=explain, municipality=info, progress=progress)

    def _resolve_for(
        self, normset: str | NormSet, at: dt.date | str, municipality: str | None
    ) -> tuple[ResolvedNormSet, MunicipalityInfo | None]:
        from .municipality import MunicipalityInfo

        at = date_given(at, "at")
        resolved = self.resolve(normset, at)
        chosen = (
            self.municipality(municipality, at)
            if municipality is not None
            else self.municipality_of(resolved.normset.id)
        )
        return resolved, MunicipalityInfo.of(chosen, at) if chosen is not None else None

    def assess_csv_to(
        self,
        path: str | Path,
        normset: str | NormSet,
        at: dt.date | str,
        out: TextIO,
        format: str = "csv",
        explain: bool = False,
        *,
        municipality: str | None = None,
        formula_guard: bool = True,
        lang: str = "en",
        progress: Callable[[int, int], None] | None = None,
    ) -> Assessment:
        """Assess a CSV inventory and write it to ``out`` as ``format`` (``csv`` or ``jsonl``)
        as it is assessed, with memory flat in the number of units.

        What is written is what :meth:`render` gives for :meth:`assess`'s result
        (``lang="nb"``: a CSV for a spreadsheet set to Norwegian);
        the assessment returned has no units (they were written). See
        :mod:`normkit.streaming`; ``progress(done, total)`` counts facilities.
        """
        from .streaming import assess_csv_to

        resolved, info = self._resolve_for(normset, at, municipality)
        return assess_csv_to(
            Path(path),
            resolved,
            out,
            format,
            explain=explain,
            municipality=info,
            bed_types=self.bed_types,
            limits=self.limits,
            formula_guard=formula_guard,
            lang=lang,
            progress=progress,
        )

    def _check_unit_bed_types(self, inventory: Inventory) -> None:
        known = self.bed_types
        for i, facility in enumerate(inventory.facilities):
            for j, unit in enumerate(facility.units):
                if unit.bed_type not in known:
                    from .inventory import check_bed_type

                    check_bed_type(
                        unit.bed_type,
                        known,
                        Location(field=f"facilities[{i}].units[{j}].bed_type"),
                        f"{facility.name} › {unit.name}",
                    )

    def compare_normsets(
        self,
        inventory: Inventory,
        left: str | NormSet,
        right: str | NormSet,
        at: dt.date | str,
        explain: bool = True,
        *,
        left_municipality: str | None = None,
        right_municipality: str | None = None,
    ) -> Comparison:
        """Assess ``inventory`` with two norm sets on ``at`` and set them side by side.

        Each side is assessed as by :meth:`assess` (``*_municipality`` as its
        ``municipality``); see :func:`normkit.compare_assessments` for what is compared.
        """
        from .planning.compare import compare_assessments

        return compare_assessments(
            self.assess(inventory, left, at, explain, municipality=left_municipality),
            self.assess(inventory, right, at, explain, municipality=right_municipality),
        )

    def render(
        self,
        result: Any,
        format: str = "table",
        *,
        lang: str = "en",
        explain: bool = False,
        formula_guard: bool = True,
    ) -> str | bytes:
        """A result (assessment, comparison, plan, KOSTRA positions) in an output format.

        ``format`` is any of :attr:`renderers` (built-in or a plugin's); ``lang``
        is ``en`` or ``nb`` for labels and number formats. Returns bytes for
        binary formats (``xlsx``), text otherwise.
        """
        from .render import RenderOptions, choose, render

        renderer = choose(format, self.renderers.values())
        options = RenderOptions(lang=lang, explain=explain, formula_guard=formula_guard)  # type: ignore[arg-type]
        return render(result, renderer, options)

    def kostra(self, inventory: Inventory, at: dt.date | str) -> KostraPosition:
        """KOSTRA's physician hours per week per nursing-home resident for ``inventory`` on
        ``at``, beside SSB's national means and medians (:func:`normkit.kostra_position`).

        The hours of one FTE are the ``standard_week`` of the ``national-fte-convention``
        norm set (SSB: 37.5).
        """
        from .planning.kostra import kostra_position

        at = date_given(at, "at")
        convention = self.resolve("national-fte-convention", at).parameter("standard_week")
        assert convention is not None and convention.value is not None
        hours_per_fte = convention.value.to("hour/week/FTE")
        assessment = self.assess(inventory, "national", at, explain=False)
        stated = {
            k: v
            for k, v in inventory.on(at).indicators().items()
            if k in ("physician_hours_per_week", "residents")
        }
        return kostra_position(assessment, hours_per_fte, stated)

    def load_population(self, path: str | Path) -> tuple[Population, ...]:
        """Population records from an SSB-layout CSV (:func:`normkit.read_population_csv`)."""
        from .planning.population import read_population_csv

        return read_population_csv(path, self.limits)

    def load_scenarios(self, paths: Iterable[str | Path]) -> list[Scenario]:
        """Read scenario files (and the files they extend) within this kit's limits."""
        from .planning.scenario import load_scenarios

        return load_scenarios(paths, self.limits)

    def plan(
        self,
        inventory: Inventory,
        normset: str | NormSet,
        dates: Sequence[dt.date | str],
        scenarios: Sequence[Scenario] = (),
        explain: bool = False,
        *,
        municipality: str | None = None,
        known: Iterable[Scenario] = (),
        baseline: str = "base",
        progress: Callable[[int, int], None] | None = None,
    ) -> Plan:
        """Assess ``inventory`` and each scenario applied to it on every date.

        Each date is :meth:`assess` of the inventory as it stands that day,
        with the norm set in force that day (or the one a scenario adopted);
        ``known`` are scenarios the given ones may extend; ``baseline`` is what every
        run is set beside (``"base"``, or a scenario's id). See :func:`normkit.project`.
        ``progress(done, total)`` is told how many of the assessments (dates × runs)
        are done.
        """
        from .planning.projection import project

        days = [date_given(d, f"dates[{i}]") for i, d in enumerate(dates)]
        total = len(set(days)) * (1 + len(scenarios))
        done = [0]

        def assess_on(inv: Inventory, chosen: str | NormSet, day: dt.date) -> Assessment:
            result = self.assess(inv, chosen, day, explain, municipality=municipality)
            if progress is not None:
                done[0] += 1
                progress(min(done[0], total), total)
            return result

        chosen = self.municipality(municipality, days[0]) if municipality and days else None
        notes = mismatches(inventory, chosen.name if chosen is not None else None)

        return project(
            assess_on,
            inventory,
            normset,
            days,
            scenarios,
            known={s.id: s for s in known},
            bed_types=self.bed_types,
            limits=self.limits,
            baseline=baseline,
            notes=notes,
        )

    def assess_batch(
        self,
        normset: str | NormSet,
        at: dt.date | str,
        bed_types: Any,
        beds: Any,
        staffed_fte: Any = None,
        categories: Sequence[str] | None = None,
    ) -> BatchResult:
        """:func:`normkit.assess_batch`, refusing bed types no plugin registered."""
        from .batch import assess_batch

        result = assess_batch(self.resolve(normset, at), bed_types, beds, staffed_fte, categories)
        unknown = sorted(set(result.categories) - set(self.bed_types))
        if unknown:
            raise InventoryError(
                f"unknown bed type(s) {', '.join(unknown)}",
                hint=f"known bed types: {', '.join(sorted(self.bed_types))}",
                code="inventory.bed-type",
            )
        return result

    def assess_frame(
        self, frame: FrameT, normset: str | NormSet, at: dt.date | str, **options: Any
    ) -> FrameT:
        """:func:`normkit.assess_frame` of a pandas, polars or Arrow frame against a norm set
        (an id or a NormSet) as in force on ``at``, refusing bed types no plugin registered.

        ``options`` are :func:`normkit.assess_frame`'s (``layout``, column names...);
        in the wide layout, the columns named after a registered bed type hold places.
        """
        from .frames import assess_frame

        options.setdefault("known_bed_types", frozenset(self.bed_types))
        return assess_frame(frame, self.resolve(normset, at), **options)

    def assess_roster(
        self, roster: Roster, normset: str = "national-emergency-duty"
    ) -> list[ShiftResult]:
        """Check a duty roster against a norm set's competence rule, shift by shift.

        Each shift is judged by the version in force on its date (so a 2023
        shift gets the LIS1 exception and a 2025 one does not); a date whose
        rule is not encoded gives an undecided result, never a pass.
        """
        from .roster import assess_roster

        return assess_roster(roster, lambda day: self.resolve(normset, day))

    def problems(self) -> list[str]:
        """Every plugin failure and conflict, one line each."""
        return [f.describe() for f in self.failures] + [str(c) for c in self.conflicts]


def mismatches(inventory: Inventory, municipality: str | None) -> list[str]:
    """Notes when the inventory, its populations and the norm set are of different places."""
    notes = []
    own = inventory.municipality
    if own and municipality and own.casefold() != municipality.casefold():
        notes.append(
            f"the norm set is {municipality}'s, but the inventory is {own}'s: check that "
            "this is the comparison you mean"
        )
    areas = sorted({p.area for p in inventory.populations if p.area})
    if own and areas and not any(own.casefold() in a.casefold() for a in areas):
        notes.append(
            f"the population is for {', '.join(areas)}, but the inventory is {own}'s: check "
            "the population file"
        )
    return notes


def _code_history(municipality: Municipality, code: str, at: dt.date) -> str:
    """'3003 was Sarpsborg's number from … until 2023-12-31; on 2024-01-01 Sarpsborg is 3105'.

    A code whose period has not ended (or starts after the date) "is" the
    municipality's number from its first day.
    """
    spans = [c for c in municipality.codes if c.code == code]
    periods = ", ".join(_period(c.valid_from, c.valid_to) for c in spans)
    ended = all(c.valid_to is not None and c.valid_to < at for c in spans)
    verb = "was" if ended else "is"
    now = municipality.code_on(at)
    then = f"{municipality.name} is {now}" if now else f"{municipality.name} has no code"
    return f"{code} {verb} {municipality.name}'s number {periods}; on {at.isoformat()} {then}"


def _period(start: dt.date | None, end: dt.date | None) -> str:
    # A code with neither date is in use every day, so it never reaches this message.
    bounds = ([f"from {start.isoformat()}"] if start else []) + (
        [f"until {end.isoformat()}"] if end else []
    )
    return " ".join(bounds)
