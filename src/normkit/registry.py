"""What plugins registered: rule kinds, bed types, municipalities and norm-set versions.

The :class:`Registry` of a kit validates each item a plugin registers through
a hook, attributes it to that plugin, and records conflicts between plugins
(a kommunenummer, a municipality or a norm-set version claimed twice): each
is kept in ``conflicts`` and raised, naming both plugins, when the contested
item is used. Norm-set files are read by their header here and built on
first use by the kit.

A norm-set file's bytes are read at registration. The first time normkit
meets those bytes it parses the whole file there (so a broken file fails its
plugin's registration, with the file and line) and keeps the header
(:mod:`normkit.cache`); a later run that meets the same bytes, within the same
limits, takes the header from there and parses the file when the norm set is
first used or checked.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from .bed_types import BedType
from .errors import NormkitError, NormSetError, PluginError
from .files import LineMap, convert_validation_error, document_bytes, parse_document
from .limits import Limits
from .municipality import Municipality
from .plugins import ENV_BLOCK, PluginInfo
from .render import BUILTIN, Renderer
from .validity import Validity
from .values import Date

#: what a conflict between plugins makes unusable until one of them is blocked
Contested = Literal["municipality", "normset", "code"]

# Rules and norm sets are imported when a norm set is built (or a plugin brings a
# rule kind, which has imported them already): registering reads headers only.
if TYPE_CHECKING:  # pragma: no cover
    from .cache import Answers
    from .normset import NormSet
    from .rules.base import Rule


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
    #: parses the file, when only its header was read at registration
    unread: Callable[[], tuple[Any, LineMap]] | None = None

    def document(self) -> tuple[Any, LineMap] | None:
        """The file's data and line map (parsed now if not yet); None for a NormSet object."""
        if self.lines is None and self.unread is not None:
            self.data, self.lines = self.unread()
            self.unread = None
        return None if self.lines is None else (self.data, self.lines)

    def label(self) -> str:
        version = f" {self.version}" if self.version else ""
        return f"{self.id}{version} ({self.validity.describe()})"


class Registry:
    """Everything a kit's plugins registered, and the conflicts between them."""

    def __init__(self, plugins: Mapping[str, PluginInfo], limits: Limits) -> None:
        self._plugins = plugins
        self.limits = limits
        self._rule_kinds: dict[str, type[Rule]] | None = None
        self.bed_types: dict[str, BedType] = {}
        self.municipalities: dict[str, Municipality] = {}
        self.versions: dict[str, list[NormSetVersion]] = {}
        self.owners: dict[str, str] = {}  # municipality id -> plugin
        self.conflicts: list[NormkitError] = []
        #: by what is contested: ("municipality", id), ("normset", id) or ("code", code),
        #: kept apart so that a norm set named as its municipality is not taken for it
        self.contested: dict[tuple[Contested, str], NormkitError] = {}
        self.renderers: dict[str, Renderer] = {r.name: r for r in BUILTIN}

    @property
    def rule_kinds(self) -> dict[str, type[Rule]]:
        """Rule kinds by ``kind``: the built-in ones (imported on first use) and the plugins'."""
        if self._rule_kinds is None:
            from .rules import BUILTIN_RULE_KINDS

            self._rule_kinds = dict(BUILTIN_RULE_KINDS)
        return self._rule_kinds

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
        from .rules import kind_of
        from .rules.base import Rule

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
                ("municipality", municipality.id),
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
        if isinstance(item, str | Path):
            version = self._file_version(Path(item), plugin)
        else:
            from .normset import NormSet  # imported already if ``item`` is one

            if not isinstance(item, NormSet):
                raise NormSetError(
                    f"expected a NormSet or a file path, got {type(item).__name__}",
                    code="plugin.registered-item",
                )
            version = NormSetVersion(
                item.id,
                item.title,
                item.version,
                item.validity,
                item.municipality,
                plugin,
                built=item,
            )
        for other in self.versions.get(version.id, []):
            if other.validity.overlaps(version.validity):
                self._conflict(
                    ("normset", version.id),
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

    def _file_version(self, path: Path, plugin: str) -> NormSetVersion:
        """A norm-set file's version by its header: kept from an earlier run that parsed
        the same bytes within the same limits, else read from the file parsed in full."""
        raw = document_bytes(path, NormSetError, self.limits)
        key = hashlib.sha256(f"{path.suffix.lower()}|{self.limits!r}|".encode() + raw).hexdigest()
        header = _kept_header(key)
        data: Any = None
        lines: LineMap | None = None
        unread = None
        if header is None:
            data, lines = parse_document(path, raw, NormSetError, self.limits, keep=True)
            try:
                header = _Header.model_validate(data)
            except ValidationError as exc:
                raise convert_validation_error(exc, lines, NormSetError) from None
            _headers().put(key, header.model_dump(mode="json"))
        else:
            unread = functools.partial(
                parse_document, path, raw, NormSetError, self.limits, keep=True
            )
        return NormSetVersion(
            header.id,
            header.title,
            header.version,
            Validity(valid_from=header.valid_from, valid_to=header.valid_to),
            header.municipality,
            plugin,
            data=data,
            lines=lines,
            unread=unread,
        )

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
                    for key in (("municipality", m1.id), ("municipality", m2.id)):
                        self._conflict(key, error, p1, p2)
                    self._conflict(("code", c1.code), error, p1, p2)

    def _conflict(self, key: tuple[Contested, str], error: NormkitError, *plugins: str) -> None:
        error.plugins = plugins
        if error not in self.conflicts:
            self.conflicts.append(error)
        self.contested.setdefault(key, error)


@functools.cache
def _headers() -> Answers:
    """Headers of norm-set files parsed in earlier runs, by the files' bytes (normkit.cache)."""
    from .cache import Answers

    return Answers("headers")


def _kept_header(key: str) -> _Header | None:
    from .cache import MISSING

    kept = _headers().get(key, lambda found: isinstance(found, dict))
    if kept is MISSING:
        return None
    try:
        return _Header.model_validate(kept)
    except ValidationError:
        return None  # not what this code keeps: the file is parsed again


def _block_hint(first: str, second: str, what: str) -> str:
    """Name both plugins: normkit cannot know which one rightly speaks for ``what``."""
    return (
        f"decide which plugin should speak for {what} and block the other one, "
        f"{ENV_BLOCK}={first} or {ENV_BLOCK}={second}"
    )
