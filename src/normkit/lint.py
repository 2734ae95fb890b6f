"""``normkit check``: validate norm files and plugins without assessing anything.

Each finding has a severity, a stable code (the code of the error behind it;
see docs/reference/errors.md), a location (``file:line`` for files, the field
otherwise) and a hint. Errors are what would make an assessment wrong or
impossible: units, overlapping versions, rules without a source, overrides
that override nothing, needs or overrides in conflict, unregistered bed
types, kommunenummer clashes, plugins that fail to load. Warnings are what a
reviewer should look at: gaps between versions. Whatever ``assess`` would
refuse in a norm file, ``check`` reports, every problem with its own line.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path
from typing import Any, Literal

from .assessment import TOTAL_INDICATORS
from .errors import NormkitError, NormSetError
from .files import LineMap, note_read, read_document
from .inventory import COMPUTED_INDICATORS, combine_inventories
from .kit import Kit
from .manifest import MANIFEST, ManifestPlugin
from .normset import NormSet, ResolvedNormSet, normset_problems, resolve
from .planning.scenario import apply_scenario
from .plugins import ENTRY_POINT_GROUP
from .scaffold import PLACEHOLDERS
from .values import read_date

FindingSeverity = Literal["error", "warning", "info"]
NORM_SUFFIXES = (".yaml", ".yml", ".toml", ".json")
# Entries that state a norm, a figure or a decision and so must say where it comes from.
SOURCED = (
    "needs",
    "overrides",
    "thresholds",
    "rules",
    "conditions",
    "figures",
    "indicators",
    "parameters",
)


@dataclass(frozen=True)
class Finding:
    severity: FindingSeverity
    code: str
    message: str
    file: str | None = None
    line: int | None = None
    field: str | None = None
    hint: str | None = None

    def where(self) -> str:
        """'file:line, field 'x'' as errors say it."""
        place = f"{self.file}:{self.line}" if self.file and self.line else (self.file or "")
        if self.field:
            return f"{place}, field '{self.field}'" if place else f"field '{self.field}'"
        return place

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}


def finding(error: NormkitError, severity: FindingSeverity = "error") -> Finding:
    """An error as a finding, keeping its code, location and hint."""
    loc = error.location
    return Finding(severity, error.code, error.message, loc.file, loc.line, loc.field, error.hint)


@dataclass
class _Loaded:
    normset: NormSet
    label: str
    plugin: str | None = None


def missing_sources(normset: NormSet) -> list[Finding]:
    """Every entry that states a norm, figure or decision without a source."""
    findings = []
    for group in SOURCED:
        for index, entry in enumerate(getattr(normset, group)):
            if getattr(entry, "source", None) is not None:
                continue
            if group == "parameters" and entry.value is None:
                continue  # an unknown: nothing was taken from a source
            where = normset.locate(f"{group}[{index}]")
            findings.append(
                Finding(
                    "error",
                    "normset.no-source",
                    f"{group[:-1]} '{entry.id}' has no source",
                    where.file,
                    where.line,
                    where.field,
                    "add source: {document: ..., section: ...} naming the plan and its section",
                )
            )
    return findings


def check_normset(
    kit: Kit,
    normset: NormSet,
    lookup: Callable[[str, dt.date], NormSet] | None = None,
    figures: Iterable[str] = (),
) -> list[Finding]:
    """Sources, bed types, extension, conflicts and watched indicators of one built
    norm-set version; ``figures``: what its plugin's example inventories state."""
    findings = [finding(e) for e in kit.bed_type_problems(normset)]
    findings.extend(missing_sources(normset))
    at = normset.valid_from or normset.valid_to or dt.date.today()
    try:
        resolved = resolve(normset, at, lookup or kit.normset)
    except NormkitError as error:
        findings.append(finding(error))
        return findings
    findings.extend(finding(c) for c in resolved.conflicts())
    findings.extend(misspelt_indicators(normset, resolved, figures))
    return findings


def misspelt_indicators(
    normset: NormSet, resolved: ResolvedNormSet, figures: Iterable[str] = ()
) -> list[Finding]:
    """Thresholds watching a name nothing gives that is close to one something gives.

    A threshold may watch any figure an inventory states, so an unknown name
    alone is no error; but one a letter or two from a figure normkit computes,
    a derived indicator or an example inventory's figure is most likely a
    typo, and would only ever be "not checked" at assessment.
    """
    known = {*COMPUTED_INDICATORS, *TOTAL_INDICATORS, *figures}
    for derived in resolved.indicators:
        known |= {derived.id, *derived.input_names().values()}
    findings = []
    for index, threshold in enumerate(normset.thresholds):
        if threshold.indicator in known:
            continue
        close = difflib.get_close_matches(threshold.indicator, sorted(known), n=1, cutoff=0.8)
        if not close:
            continue
        where = normset.locate(f"thresholds[{index}].indicator")
        findings.append(
            Finding(
                "warning",
                code="threshold.indicator",
                message=f"threshold '{threshold.id}' watches '{threshold.indicator}', which "
                "nothing computes: it is checked only where an inventory states a figure of "
                "that name",
                file=where.file,
                line=where.line,
                field=where.field,
                hint=f"did you mean '{close[0]}'?",
            )
        )
    return findings


def check_versions(versions: list[_Loaded]) -> list[Finding]:
    """Overlaps (errors) and gaps (warnings) between versions of one norm set."""
    findings = []
    ordered = sorted(versions, key=lambda v: v.normset.valid_from or dt.date.min)
    for before, after in itertools.pairwise(ordered):
        a, b = before.normset, after.normset
        where = b.locate("valid_from")
        if a.validity.overlaps(b.validity):
            # the finding stands at the later version; the message names the earlier one's place
            earlier = a.locate("valid_to" if a.valid_to is not None else "valid_from")
            place = f" at {earlier.file}:{earlier.line}" if earlier.file and earlier.line else ""
            findings.append(
                Finding(
                    "error",
                    "normset.overlap",
                    f"versions of '{b.id}' overlap: {before.label} ({a.validity.describe()})"
                    f"{place} and {after.label} ({b.validity.describe()})",
                    where.file,
                    where.line,
                    where.field,
                    "end the earlier version the day before the later one starts",
                )
            )
        elif (
            a.valid_to is not None
            and b.valid_from is not None
            and (b.valid_from - a.valid_to).days > 1
        ):
            findings.append(
                Finding(
                    "warning",
                    "normset.gap",
                    f"'{b.id}' has no version in force from {a.valid_to + dt.timedelta(days=1)} to "
                    f"{b.valid_from - dt.timedelta(days=1)}",
                    where.file,
                    where.line,
                    where.field,
                    "assessments on those days will fail; close the gap if the norm applied",
                )
            )
    return findings


def _norm_files(path: Path) -> Iterator[Path]:
    if path.is_file() and path.name != MANIFEST:
        yield path
        return
    manifest = path if path.name == MANIFEST else path / MANIFEST
    if manifest.is_file():
        yield from ManifestPlugin(manifest.parent).manifest().normsets
        return
    for candidate in sorted(path.rglob("*")):
        if candidate.suffix.lower() in NORM_SUFFIXES and candidate.name != MANIFEST:
            yield candidate


def unlisted_normsets(plugin: ManifestPlugin, kit: Kit) -> list[Finding]:
    """Norm-set files in a manifest plugin's folder that its manifest does not list.

    Only listed files are registered, so such a file is never used: most often
    a new version someone forgot to add to ``normsets``.
    """
    try:
        manifest = plugin.manifest()
    except NormkitError:
        return []  # reported as the plugin's failure
    listed = {p.resolve() for p in manifest.normsets}
    if manifest.municipality is not None:
        listed |= {e.path.resolve() for e in manifest.municipality.examples}
    findings = []
    for candidate in sorted(plugin.root.rglob("*")):
        if (
            candidate.suffix.lower() not in NORM_SUFFIXES
            or candidate.name == MANIFEST
            or not candidate.is_file()
            or candidate.resolve() in listed
            or not _may_be_normset(candidate, kit.limits.max_document_bytes)
        ):
            continue
        try:
            data, _ = read_document(candidate, NormSetError, kit.limits)
        except NormkitError:
            continue  # not a file normkit reads; whatever it is, it is not registered
        if _looks_like_normset(data) and not _is_scenario(data):
            findings.append(
                Finding(
                    "warning",
                    code="plugin.unlisted-normset",
                    message=f"norm set '{data['id']}' in this file is not listed in the "
                    "manifest, so it is never registered",
                    file=str(candidate),
                    hint=f"add it to normsets: in {plugin.path}, or delete it",
                )
            )
    return findings


#: words every norm-set file holds (its required keys), in any of the formats
_NORMSET_KEYS = (re.compile(rb"\bid\b"), re.compile(rb"\btitle\b"), re.compile(rb"\bsource\b"))


def _may_be_normset(path: Path, max_bytes: int) -> bool:
    """Whether a file is worth parsing as a norm set: within the size limit, and
    naming every key a norm set must have (a data folder's other files are then
    read, not parsed, which is what makes a folder of thousands of them quick)."""
    try:
        with path.open("rb") as file:
            note_read(path)
            raw = file.read(max_bytes + 1)
    except OSError:
        return False
    return len(raw) <= max_bytes and all(key.search(raw) for key in _NORMSET_KEYS)


def check_scenario(kit: Kit, path: Path) -> list[Finding]:
    """A scenario file on its own: its fields, what it extends, and the bed types it names."""
    try:
        (scenario,) = kit.load_scenarios([path])
    except NormkitError as error:
        return [finding(error)]
    findings = []
    for index, change in enumerate(scenario.changes):
        bed_type = getattr(change, "bed_type", None)
        if bed_type is not None and bed_type not in kit.bed_types:
            where = scenario.locate(f"changes[{index}].bed_type")
            findings.append(
                Finding(
                    "error",
                    "inventory.bed-type",
                    f"change {index + 1} uses bed type '{bed_type}', which no plugin registered",
                    str(path),
                    where.line,
                    where.field,
                    f"known bed types: {', '.join(sorted(kit.bed_types))}",
                )
            )
    return findings


def _looks_like_normset(data: Any) -> bool:
    return isinstance(data, dict) and "id" in data and "source" in data and "title" in data


def _is_scenario(data: Any) -> bool:
    return isinstance(data, dict) and "changes" in data and "needs" not in data


def placeholders(data: Any, lines: LineMap) -> list[Finding]:
    """Each text still holding a placeholder ``normkit new-plugin`` wrote (a source's
    title or section, a reason): a figure would be traced to it instead of the plan."""
    findings = []

    def walk(value: Any, path: tuple[str | int, ...]) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                walk(item, (*path, str(key)))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, (*path, index))
        elif isinstance(value, str):
            for placeholder in PLACEHOLDERS:
                if placeholder in value:
                    where = lines.locate(path)
                    findings.append(
                        Finding(
                            "warning",
                            code="normset.placeholder",
                            message=f"'{placeholder}' is a placeholder from normkit new-plugin",
                            file=where.file,
                            line=where.line,
                            field=where.field,
                            hint="write the plan's own words here, so that every figure can "
                            "be traced to the decision that set it",
                        )
                    )

    walk(data, ())
    return findings


def _read_normset(kit: Kit, data: Any, lines: LineMap) -> tuple[NormSet | None, list[Finding]]:
    normset, problems = normset_problems(data, lines, kit.rule_kinds)
    findings = [finding(p) for p in problems] + placeholders(data, lines)
    if normset is None and isinstance(data, dict):
        # The version does not build, so check what can be checked on its data,
        # to report every problem at once rather than one round at a time.
        seen = {(f.code, f.line) for f in findings}
        findings += [f for f in _raw_findings(kit, data, lines) if (f.code, f.line) not in seen]
    return normset, findings


def _entries(data: dict[str, Any], group: str) -> list[tuple[int, dict[str, Any]]]:
    items = data.get(group)
    if not isinstance(items, list):
        return []
    return [(i, item) for i, item in enumerate(items) if isinstance(item, dict)]


def _raw_findings(kit: Kit, data: dict[str, Any], lines: LineMap) -> list[Finding]:
    """Missing sources, unknown bed types and overrides of absent needs, from raw data."""
    out: list[Finding] = []

    def add(code: str, message: str, path: tuple[str | int, ...], hint: str) -> None:
        where = lines.locate(path)
        out.append(Finding("error", code, message, where.file, where.line, where.field, hint))

    for group in SOURCED:
        for index, entry in _entries(data, group):
            unknown_value = group == "parameters" and entry.get("value") is None
            if "source" not in entry and not unknown_value:
                add(
                    "normset.no-source",
                    f"{group[:-1]} '{entry.get('id')}' has no source",
                    (group, index),
                    "add source: {document: ..., section: ...} naming the plan and its section",
                )
    for group in ("needs", "overrides", "unknowns"):
        for index, entry in _entries(data, group):
            for bed_type in entry.get("bed_types") or []:
                if isinstance(bed_type, str) and bed_type not in kit.bed_types:
                    add(
                        "normset.bed-type",
                        f"{group[:-1]} '{entry.get('id')}' uses bed type '{bed_type}', which no "
                        "plugin registered",
                        (group, index, "bed_types"),
                        f"known bed types: {', '.join(sorted(kit.bed_types))}",
                    )
    needs = {str(entry.get("id")) for _, entry in _entries(data, "needs")}
    parent = data.get("extends")
    if isinstance(parent, str):
        try:
            needs |= set(kit.resolve(parent, _day_of(data)).needs)
        except NormkitError:
            return out  # the parent cannot be read: resolve() reports it once the file builds
    for index, entry in _entries(data, "overrides"):
        replaces = entry.get("replaces")
        if isinstance(replaces, str) and replaces not in needs:
            add(
                "override.target",
                f"override '{entry.get('id')}' replaces need '{replaces}', which does not exist "
                f"in '{data.get('id')}' or the norm sets it extends",
                ("overrides", index, "replaces"),
                f"the needs are: {', '.join(sorted(needs)) or 'none'}; write 'replaces: null' "
                "for an override that gives a need where the norm has none (such as KAD beds)",
            )
    return out


def _day_of(data: dict[str, Any]) -> dt.date:
    for key in ("valid_from", "valid_to"):
        value = data.get(key)
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return read_date(value)
            except NormkitError:
                continue
    return dt.date.today()


def check_paths(kit: Kit, paths: Iterable[Path]) -> list[Finding]:
    """Check norm-set files (or folders of them) with the kit's rule kinds and bed types."""
    findings: list[Finding] = []
    loaded: dict[str, list[_Loaded]] = {}
    for root in paths:
        if not root.exists():
            findings.append(Finding("error", "file.not-found", "no such file or folder", str(root)))
            continue
        try:
            files = list(_norm_files(root))
        except NormkitError as error:
            findings.append(finding(error))
            continue
        manifest = root if root.name == MANIFEST else root / MANIFEST
        if manifest.is_file():
            findings.extend(unlisted_normsets(ManifestPlugin(manifest.parent), kit))
        checked = 0
        for path in files:
            checked += 1  # counted until it turns out to be another kind of file
            try:
                data, lines = read_document(path, NormSetError, kit.limits)
            except NormkitError as error:
                findings.append(finding(error))
                continue
            if _is_scenario(data):
                findings.extend(check_scenario(kit, path))
                continue
            if not _looks_like_normset(data):
                if path != root:
                    checked -= 1
                    continue  # an inventory or other file in the folder
                if isinstance(data, dict) and "facilities" in data and "id" not in data:
                    findings.append(
                        Finding(
                            "error",
                            "normset.not-a-normset",
                            "this is an inventory, not a norm set",
                            str(path),
                            1,
                            hint=f"assess it with: normkit assess {path}",
                        )
                    )
                    continue
            normset, problems = _read_normset(kit, data, lines)
            findings.extend(problems)
            if normset is not None:
                loaded.setdefault(normset.id, []).append(_Loaded(normset, str(path)))
        if not checked:  # "0 errors" would read as a pass for a folder checked for nothing
            findings.append(
                Finding(
                    "error",
                    code="check.nothing-to-check",
                    message="no norm-set or scenario file in this folder",
                    file=str(root),
                    hint="name the folder that holds the norm files (.yaml, .yml, .toml, .json)",
                )
            )
    for versions in loaded.values():
        findings.extend(check_versions(versions))

    def lookup(normset_id: str, at: dt.date) -> NormSet:
        for candidate in loaded.get(normset_id, []):
            if candidate.normset.validity.in_force(at):
                return candidate.normset
        return kit.normset(normset_id, at)

    for versions in loaded.values():
        for version in versions:
            findings.extend(check_normset(kit, version.normset, lookup))
    return findings


def check_plugins(kit: Kit, names: Iterable[str] | None = None) -> list[Finding]:
    """Check what installed plugins registered: load failures, conflicts, every version,
    and whether each works without the other installed plugins its package does not
    require.

    Without ``names``, every plugin is checked, including those that failed to load.
    """
    failed = {f.plugin for f in kit.failures}
    wanted = set(names) if names is not None else set(kit.plugins) | failed
    unknown = wanted - set(kit.plugins) - failed
    findings = [
        Finding(
            "error",
            "plugin.not-installed",
            f"no plugin named '{n}' is installed",
            hint=f"installed: {', '.join(sorted(kit.plugins))}",
        )
        for n in sorted(unknown)
    ]
    findings += _plugin_findings(kit, wanted)
    for name in sorted(wanted & set(kit.plugins)):
        plugin = kit.plugin_object(name)
        if isinstance(plugin, ManifestPlugin):
            findings.extend(unlisted_normsets(plugin, kit))
        findings += _alone(kit, name)
    return findings


def _plugin_findings(kit: Kit, wanted: set[str]) -> list[Finding]:
    """What ``wanted``'s plugins registered, checked in ``kit``: failures, conflicts,
    norm-set versions, municipalities and their examples."""
    findings = []
    stated: dict[str, set[str]] = {}  # figures the plugin's example inventories state
    for failure in kit.failures:
        if failure.plugin in wanted:
            findings.append(
                Finding(
                    "error",
                    failure.code,
                    failure.describe(),
                    failure.file,
                    failure.line,
                    field=failure.field,
                    hint=failure.hint,
                )
            )
    for conflict in kit.conflicts:
        if conflict.code == "normset.overlap":
            continue  # reported below by check_versions, with the file and line
        if set(conflict.plugins) & wanted:
            found = finding(conflict)
            if found.file is None:  # between plugins: the manifest of the one checked
                manifests = [
                    str(plugin.path)
                    for name in conflict.plugins
                    if name in wanted
                    and isinstance(plugin := kit.plugin_object(name), ManifestPlugin)
                ]
                found = dataclasses.replace(found, file=manifests[0] if manifests else None)
            findings.append(found)
    for normset_id in kit.normset_ids():
        versions = [v for v in kit.versions(normset_id) if v.plugin in wanted]
        built: list[_Loaded] = []
        for version in versions:
            normset = version.built
            document = version.document() if normset is None else None
            if document is not None:
                normset, problems = _read_normset(kit, *document)
                findings.extend(problems)
            if normset is None:
                continue
            label = f"{version.label()} from plugin '{version.plugin}'"
            built.append(_Loaded(normset, label, version.plugin))
        findings.extend(check_versions(built))
        for loaded in built:
            plugin = loaded.plugin or ""
            if plugin not in stated:  # each plugin's examples are read once
                stated[plugin] = _example_figures(kit, plugin) if plugin else set()
            findings.extend(check_normset(kit, loaded.normset, figures=stated[plugin]))
    for municipality in kit.municipalities.values():
        if kit.owner(municipality.id) not in wanted:
            continue
        for normset_id in municipality.normsets:
            if normset_id not in kit.normset_ids():
                findings.append(
                    Finding(
                        "error",
                        "municipality.normset-unknown",
                        f"municipality '{municipality.id}' names norm set '{normset_id}', which no "
                        "plugin registers",
                        field="municipality.normsets",
                    )
                )
        paths = {e.id: e.path for e in municipality.examples}
        for example in municipality.examples:
            try:
                if example.kind == "inventory":
                    kit.load_inventory(example.path)
                    continue
                if example.kind == "population":
                    kit.load_population(example.path)
                    continue
                # A scenario must apply to the inventory examples it names as its base.
                scenario = kit.load_scenarios([example.path])[0]
                base = combine_inventories([kit.load_inventory(paths[b]) for b in example.base])
                apply_scenario(base, scenario, None, kit.bed_types)
            except NormkitError as error:
                findings.append(finding(error))
    # A plugin may register several municipalities: each is judged with all of its own.
    owners = {kit.owner(m.id) for m in kit.municipalities.values()} & wanted
    for owner in sorted(o for o in owners if o is not None):
        own = [m for m in kit.municipalities.values() if kit.owner(m.id) == owner]
        findings.extend(_not_listed(kit, owner, own))
        findings.extend(_of_another_municipality(kit, owner, own))
    return findings


def _not_listed(kit: Kit, owner: str, municipalities: list[Any]) -> list[Finding]:
    """Norm sets a plugin registers that none of its municipalities lists or builds on
    (through ``extends``): no ``--municipality`` run ever uses them.

    Most often a new version whose id was mistyped: it registers as a norm set of its
    own, and the municipality is left with no norm from the day the old one ends.
    """
    listed = [n for m in municipalities for n in m.normsets]
    names = " or ".join(f"'{m.id}'" for m in municipalities)
    parents: dict[str, set[str]] = {}
    for normset_id in kit.normset_ids():
        for version in kit.versions(normset_id):
            parent = _extends(version)
            if parent:
                parents.setdefault(normset_id, set()).add(parent)
    used, frontier = set(), list(listed)
    while frontier:
        normset_id = frontier.pop()
        if normset_id not in used:
            used.add(normset_id)
            frontier.extend(parents.get(normset_id, ()))
    findings = []
    for normset_id in kit.normset_ids():
        versions = [v for v in kit.versions(normset_id) if v.plugin == owner]
        if normset_id in used or not versions:
            continue
        close = difflib.get_close_matches(normset_id, list(listed), n=1)
        findings.append(
            Finding(
                "warning",
                code="municipality.normset-not-listed",
                message=f"norm set '{normset_id}' is registered by plugin '{owner}', but "
                f"municipality {names} neither lists it in normsets nor builds on it, so "
                "no --municipality run uses it",
                **_in_file(versions[0], "id"),
                hint=f"did you mean '{close[0]}'? (a new version keeps its norm set's id)"
                if close
                else f"add '{normset_id}' to the municipality's normsets",
            )
        )
    return findings


def _of_another_municipality(kit: Kit, owner: str, municipalities: list[Any]) -> list[Finding]:
    """Norm-set versions a municipality's plugin registers that name none of its
    municipalities (by id, name or kommunenummer): most often a file copied from
    another plugin and not edited."""
    findings = []
    ours = " or ".join(m.name for m in municipalities)
    for normset_id in kit.normset_ids():
        for version in kit.versions(normset_id):
            named = version.municipality
            if (
                version.plugin != owner
                or named is None
                or any(m.matches_name(named) or m.has_code(named) for m in municipalities)
            ):
                continue
            findings.append(
                Finding(
                    "warning",
                    code="normset.municipality",
                    message=f"norm set '{normset_id}' names municipality '{named}', but plugin "
                    f"'{owner}' registers {ours}",
                    **_in_file(version, "municipality"),
                    hint=f"write municipality: {municipalities[0].name}",
                )
            )
    return findings


def _in_file(version: Any, field: str) -> dict[str, Any]:
    """A finding's file, line and field for a field of a norm-set version read from a
    file; nothing for one a plugin registered as an object."""
    document = version.document()
    if document is None:
        return {}
    where = document[1].locate((field,))
    return {"file": where.file, "line": where.line, "field": field}


def _extends(version: Any) -> str | None:
    """The id a norm-set version builds on, read from its file if it is not built."""
    if version.built is not None:
        parent = version.built.extends
    else:
        document = version.document()
        data = document[0] if document is not None else None
        parent = data.get("extends") if isinstance(data, dict) else None
    return parent if isinstance(parent, str) else None


def _alone(kit: Kit, name: str) -> list[Finding]:
    """What goes wrong with an installed plugin loaded without the other plugins its
    package does not require (as on a machine where it is installed by itself).

    A norm set that extends another plugin's, or uses its bed types, passes a
    check among all the installed plugins and fails for the user who installs
    it alone; its package must then require the other plugin's.
    """
    info = kit.plugins[name]
    if info.builtin or info.distribution is None:
        return []  # a plugin object passed in: it has no package to install alone
    companions = _required_plugins(info.distribution)
    alone = Kit(allow={name, *companions}, autoload=True, limits=kit.limits, builtins=True)

    def key(f: Finding) -> tuple[object, ...]:
        return (f.code, f.file, f.line, f.field)

    beside = {key(f) for f in _plugin_findings(kit, {name})}
    hint = (
        f"plugin '{name}' has this problem only without other installed plugins, which its "
        f"package {info.distribution} does not require: make it require the package of the "
        "plugin it relies on ([project] dependencies in its pyproject.toml), or make it work "
        "alone"
    )
    return [
        dataclasses.replace(f, code="plugin.undeclared-dependency", hint=hint)
        for f in _plugin_findings(alone, {name})
        if f.severity == "error" and key(f) not in beside
    ]


def _required_plugins(distribution: str) -> set[str]:
    """The installed plugins whose packages ``distribution`` requires, directly or not
    (requirements of extras are left out: they are not installed with it)."""

    def normal(name: str) -> str:
        return re.sub(r"[-_.]+", "-", name).lower()

    plugins: dict[str, set[str]] = {}
    for ep in metadata.entry_points(group=ENTRY_POINT_GROUP):
        if ep.dist is not None:
            plugins.setdefault(normal(ep.dist.name), set()).add(ep.name)
    # Plugins of the package itself come with it (one package may ship several).
    seen: set[str] = {normal(distribution)}
    todo = [distribution]
    while todo:
        try:
            requirements = metadata.requires(todo.pop()) or []
        except metadata.PackageNotFoundError:
            continue
        for requirement in requirements:
            found = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
            if found is None or "extra" in requirement.partition(";")[2]:
                continue
            name = normal(found[1])
            if name not in seen:
                seen.add(name)
                todo.append(name)
    return {plugin for name in seen for plugin in plugins.get(name, ())}


def _example_figures(kit: Kit, plugin: str) -> set[str]:
    """The figures a plugin's example inventories state (those that load; the others
    are reported by the examples' own check)."""
    names: set[str] = set()
    for municipality in kit.municipalities.values():
        if kit.owner(municipality.id) != plugin:
            continue
        for example in municipality.examples:
            if example.kind == "inventory":
                try:
                    names |= set(kit.load_inventory(example.path).figures)
                except NormkitError:
                    continue
    return names


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.severity == "error" for f in findings)
