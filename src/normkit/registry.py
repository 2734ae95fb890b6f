"""What plugins registered: rule kinds, bed types, municipalities and norm-set versions.

The :class:`Registry` of a kit validates each item a plugin registers through
a hook, attributes it to that plugin, and records conflicts between plugins
(a kommunenummer, a municipality or a norm-set version claimed twice): each
is kept in ``conflicts`` and raised, naming both plugins, when the contested
item is used. Norm-set files are read by their header here and built on
first use by the kit.
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from .bed_types import BedType
from .errors import NormkitError, NormSetError, PluginError
from .files import LineMap, convert_validation_error, read_document
from .limits import Limits
from .municipality import Municipality
from .normset import NormSet
from .plugins import ENV_BLOCK, PluginInfo
from .render import BUILTIN, Renderer
from .rules import BUILTIN_RULE_KINDS, kind_of
from .rules.base import Rule
from .validity import Validity
from .values import Date


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
    data: Any = None
    lines: LineMap | None = None
    built: NormSet | None = None

    def label(self) -> str:
        version = f" {self.version}" if self.version else ""
        return f"{self.id}{version} ({self.validity.describe()})"


class Registry:
    """Everything a kit's plugins registered, and the conflicts between them."""

    def __init__(self, plugins: Mapping[str, PluginInfo], limits: Limits) -> None:
        self._plugins = plugins
        self.limits = limits
        self.rule_kinds: dict[str, type[Rule]] = dict(BUILTIN_RULE_KINDS)
        self.bed_types: dict[str, BedType] = {}
        self.municipalities: dict[str, Municipality] = {}
        self.versions: dict[str, list[NormSetVersion]] = {}
        self.owners: dict[str, str] = {}  # municipality id -> plugin
        self.conflicts: list[NormkitError] = []
        self.contested: dict[str, NormkitError] = {}
        self.renderers: dict[str, Renderer] = {r.name: r for r in BUILTIN}

    def handlers(self) -> dict[str, Callable[[Any, str], None]]:
        """What records one item of each registration hook."""
        return {
            "normkit_register_rule_kinds": self.register_rule_kind,
            "normkit_register_bed_types": self.register_bed_type,
            "normkit_register_municipalities": self.register_municipality,
            "normkit_register_normsets": self.register_normset,
            "normkit_register_renderers": self.register_renderer,
        }

    def _note(self, plugin: str, what: str, item: str) -> None:
        self._plugins[plugin].registered.setdefault(what, []).append(item)

    def register_rule_kind(self, cls: Any, plugin: str) -> None:
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
            missing = ", ".join(sorted(cls.__abstractmethods__))
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

    def register_renderer(self, renderer: Any, plugin: str) -> None:
        if not isinstance(renderer, Renderer):
            raise PluginError(
                f"a renderer must be a normkit.render.Renderer, got {renderer!r}",
                code="plugin.renderer",
            )
        if renderer.name in self.renderers:
            owner = self.renderers[renderer.name].plugin
            raise PluginError(
                f"output format '{renderer.name}' is already registered (by {owner})",
                code="plugin.renderer-taken",
            )
        self.renderers[renderer.name] = dataclasses.replace(renderer, plugin=plugin)
        self._note(plugin, "renderers", renderer.name)

    def register_bed_type(self, bed_type: Any, plugin: str) -> None:
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

    def register_municipality(self, municipality: Any, plugin: str) -> None:
        if not isinstance(municipality, Municipality):
            municipality = Municipality.model_validate(municipality)
        owner = self.owners.get(municipality.id)
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
        self.owners[municipality.id] = plugin
        self._note(plugin, "municipalities", municipality.id)

    def register_normset(self, item: Any, plugin: str) -> None:
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
                data=data,
                lines=lines,
            )
        else:
            raise NormSetError(
                f"expected a NormSet or a file path, got {type(item).__name__}",
                code="plugin.registered-item",
            )
        for other in self.versions.get(version.id, []):
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
        self.versions.setdefault(version.id, []).append(version)
        self._note(plugin, "normsets", version.label())

    def check_municipality_codes(self) -> None:
        claims = [(self.owners[m.id], m, c) for m in self.municipalities.values() for c in m.codes]
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
        self.contested.setdefault(key, error)


def _block_hint(first: str, second: str, what: str) -> str:
    """Name both plugins: normkit cannot know which one rightly speaks for ``what``."""
    return (
        f"decide which plugin should speak for {what} and block the other one, "
        f"{ENV_BLOCK}={first} or {ENV_BLOCK}={second}"
    )
