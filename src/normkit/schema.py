"""JSON Schema for norm-set, inventory, roster and manifest files.

The schema includes what the kit's plugins contribute: every rule kind
(built-in or registered) becomes one branch of the ``kind``-discriminated
rule union, and bed types become an enumeration, so an editor can complete
and check a file as it is typed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Literal

from pydantic import BaseModel

from .inventory import Inventory, Staffing
from .manifest import Manifest
from .normset import NormSet
from .planning.scenario import Scenario
from .roster import Roster
from .rules import kind_of
from .rules.base import Rule

Document = Literal["normset", "inventory", "roster", "manifest", "scenario"]
MODELS: Mapping[str, type[BaseModel]] = {
    "normset": NormSet,
    "inventory": Inventory,
    "roster": Roster,
    "manifest": Manifest,
    "scenario": Scenario,
}
_TEMPLATE = "#/$defs/{model}"


def json_schema(
    document: Document, rule_kinds: Mapping[str, type[Rule]], bed_types: Iterable[str]
) -> dict[str, Any]:
    """The JSON Schema of one kind of file, with the rule kinds and bed types given."""
    schema = MODELS[document].model_json_schema(ref_template=_TEMPLATE)
    defs: dict[str, Any] = schema.setdefault("$defs", {})
    if document in ("inventory", "scenario"):
        # Staffing fields accept a bare figure too, so their schema is written by
        # hand (inventory.STAFFING_SCHEMA); point its array at the record's schema.
        defs["Staffing"] = Staffing.model_json_schema(ref_template=_TEMPLATE)
        for name in ("Facility", "Unit", "AddUnit"):
            if name in defs:
                staffing = defs[name]["properties"]["staffing"]
                staffing["anyOf"][0]["items"] = {"$ref": "#/$defs/Staffing"}
    if "Rule" in defs:
        mapping = {}
        for _, cls in sorted(rule_kinds.items()):
            own = cls.model_json_schema(ref_template=_TEMPLATE)
            for name, definition in own.pop("$defs", {}).items():
                defs.setdefault(name, definition)
            defs[cls.__name__] = own
            mapping[kind_of(cls)] = f"#/$defs/{cls.__name__}"
        defs["Rule"] = {
            "description": "A rule; its 'kind' picks one of the rule kinds.",
            "oneOf": [{"$ref": ref} for ref in mapping.values()],
            "discriminator": {"propertyName": "kind", "mapping": mapping},
        }
    known = sorted(bed_types)
    for definition in defs.values():
        _enumerate_bed_types(definition, known)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = f"normkit {document} file"
    return schema


def _enumerate_bed_types(definition: dict[str, Any], known: list[str]) -> None:
    properties = definition.get("properties", {})
    if "bed_type" in properties and properties["bed_type"].get("type") == "string":
        properties["bed_type"]["enum"] = known
    bed_types = properties.get("bed_types")
    if bed_types and isinstance(bed_types.get("items"), dict):
        bed_types["items"]["enum"] = known
