"""Plugins declared in a manifest file: a municipality ships data, not code.

A plugin package holds a ``normkit-plugin.yaml`` beside its norm files and
example inventories, and exposes one object::

    # normkit_sarpsborg/__init__.py
    from normkit import ManifestPlugin

    plugin = ManifestPlugin(__file__)

    # pyproject.toml
    [project.entry-points.normkit]
    sarpsborg = "normkit_sarpsborg:plugin"

The manifest names the municipality (with its kommunenummer and their
validity), the norm-set files, the example inventories and any extra bed
types; paths are relative to the manifest. Everything goes through the same
hooks as a plugin written in Python, so a plugin can start as data and grow
code (a custom rule kind) later by subclassing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .bed_types import BedType
from .errors import Location, PluginError
from .files import convert_validation_error, read_document
from .hookspecs import Register, hookimpl
from .limits import DEFAULT, Limits
from .model import Model
from .municipality import Municipality

MANIFEST = "normkit-plugin.yaml"


class Manifest(Model):
    """The contents of ``normkit-plugin.yaml``."""

    error_class = PluginError

    municipality: Municipality | None = None
    normsets: tuple[Path, ...] = ()
    bed_types: tuple[BedType, ...] = ()


class ManifestPlugin:
    """A plugin that registers what its manifest declares."""

    def __init__(
        self,
        anchor: str | Path,
        manifest: str = MANIFEST,
        name: str | None = None,
        limits: Limits = DEFAULT,
    ):
        anchor = Path(anchor)
        self.limits = limits
        self.root = anchor.parent if anchor.is_file() or anchor.suffix == ".py" else anchor
        self.path = self.root / manifest
        self._manifest: Manifest | None = None
        # The plugin's name when registered directly (entry points use their own name).
        self.__name__ = name or self.root.name.removeprefix("normkit_").replace("_", "-")

    def manifest(self) -> Manifest:
        """The manifest, read once, with every path made absolute and checked."""
        if self._manifest is None:
            data, lines = read_document(self.path, PluginError, self.limits, keep=True)
            if isinstance(data, dict):
                data = self._absolute(data)
            try:
                manifest = Manifest.model_validate(data)
            except ValidationError as exc:
                raise convert_validation_error(exc, lines, PluginError) from None
            missing = [str(p) for p in manifest.normsets if not p.is_file()]
            if manifest.municipality is not None:
                missing += [
                    str(e.path) for e in manifest.municipality.examples if not e.path.is_file()
                ]
            if missing:
                raise PluginError(
                    "files named in the manifest are missing: " + ", ".join(missing),
                    Location(str(self.path)),
                    code="plugin.manifest-missing-file",
                )
            self._manifest = manifest
        return self._manifest

    def _absolute(self, data: dict[str, Any]) -> dict[str, Any]:
        data = dict(data)
        normsets = data.get("normsets", [])
        if isinstance(normsets, list):
            data["normsets"] = [str(self.root / p) if isinstance(p, str) else p for p in normsets]
        municipality = data.get("municipality")
        if isinstance(municipality, dict) and isinstance(municipality.get("examples"), list):
            municipality = dict(municipality)
            municipality["examples"] = [
                {**e, "path": str(self.root / e["path"])}
                if isinstance(e, dict) and isinstance(e.get("path"), str)
                else e
                for e in municipality["examples"]
            ]
            data["municipality"] = municipality
        return data

    @hookimpl
    def normkit_register_bed_types(self, register: Register) -> None:
        for bed_type in self.manifest().bed_types:
            register(bed_type)

    @hookimpl
    def normkit_register_municipalities(self, register: Register) -> None:
        municipality = self.manifest().municipality
        if municipality is not None:
            register(municipality)

    @hookimpl
    def normkit_register_normsets(self, register: Register) -> None:
        for path in self.manifest().normsets:
            register(path)
