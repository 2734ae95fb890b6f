"""Bed types: the kinds of places a norm can be written for."""

from __future__ import annotations

from pydantic import Field

from .model import Model


class BedType(Model):
    """A kind of place, with its Norwegian name for planners."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str
    label_nb: str
    description: str | None = None


# The vocabulary of the plans (docs/glossary.md), registered by the national plugin.
STANDARD_BED_TYPES = (
    BedType(id="long_term", label="long-term", label_nb="langtidsplass"),
    BedType(
        id="short_term",
        label="short-term",
        label_nb="korttidsplass",
        description="short stays; the 2012 norm assumes stays of 3–4 weeks",
    ),
    BedType(id="rehabilitation", label="rehabilitation", label_nb="rehabiliteringsplass"),
    BedType(
        id="dementia_special",
        label="special dementia unit",
        label_nb="skjermet enhet / forsterket demensomsorg",
    ),
    BedType(id="palliative", label="palliative", label_nb="palliativ plass"),
    BedType(
        id="municipal_acute",
        label="municipal acute bed (KAD)",
        label_nb="kommunal akutt døgnplass",
        description="statutory; no norm exists",
    ),
    BedType(
        id="respite",
        label="respite / rotating stay",
        label_nb="avlastning / rullering",
        description="the patient's GP keeps medical responsibility",
    ),
    BedType(id="old_age_home", label="old-age-home place", label_nb="aldershjemsplass"),
    BedType(
        id="assisted_living",
        label="assisted living in shared housing",
        label_nb="omsorgsbolig i bokollektiv",
    ),
)
