"""normkit: municipal physician staffing norms as explainable, composable code.

The public API::

    import datetime as dt
    import normkit

    kit = normkit.Kit()                              # built-in + installed plugins
    inventory = kit.load_inventory("homes.yaml")     # YAML, JSON, TOML or CSV
    result = kit.assess(inventory, "national", dt.date(2020, 4, 1))
    result.totals.gap_fte                            # need − staffed, in FTE
    print(result.model_dump_json(indent=2))          # the documented JSON

Everything a kit holds is its own: two kits in one process never interfere.

Importing normkit is cheap: each public name is imported from its module on
first use (PEP 562), so ``import normkit`` loads neither pydantic, numpy, pint
nor the command line's click and rich, and a program pays only for what it
uses. ``from normkit import Kit``, ``normkit.Kit`` and ``dir(normkit)`` work as
if everything were imported at once.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover - what the names below are, for type checkers
    from .assessment import (
        Assessment,
        FacilityAssessment,
        Totals,
        UnitAssessment,
        assess,
    )
    from .batch import BatchResult, assess_batch
    from .bed_types import BedType
    from .conditions import Condition
    from .errors import (
        InventoryError,
        Location,
        NormkitError,
        NormSetError,
        OverrideConflict,
        PluginError,
        QuantityError,
        RuleError,
        UnitError,
    )
    from .figures import Figure, FigureResult
    from .frames import FrameTotals, assess_dask, assess_frame, frame_totals
    from .hookspecs import hookimpl
    from .inventory import (
        DatedFigure,
        Facility,
        GPCentre,
        GPList,
        Inventory,
        Population,
        Service,
        Staffing,
        Unit,
        age_span,
        combine_inventories,
        load_inventory,
    )
    from .kit import Kit
    from .limits import Limits
    from .manifest import ManifestPlugin
    from .municipality import Example, Municipality, MunicipalityCode, MunicipalityInfo
    from .normset import (
        DerivedIndicator,
        NamedRule,
        Need,
        NormSet,
        ResolvedNormSet,
        Unknown,
        load_normset,
        resolve,
    )
    from .parameters import Parameter
    from .planning import (
        Comparison,
        ComparisonSide,
        ComparisonTotals,
        FacilityComparison,
        UnitComparison,
        compare_assessments,
    )
    from .planning.kostra import Benchmark, KostraPosition, kostra_position
    from .planning.population import read_population_csv
    from .planning.projection import (
        Difference,
        FacilityDifference,
        MeasureInForce,
        PeriodDifference,
        Plan,
        PlanPeriod,
        ScenarioDifference,
        ScenarioRun,
        UnitDifference,
        plan_dates,
        project,
    )
    from .planning.scenario import (
        AddStaffing,
        AddUnit,
        AdoptNormSet,
        Applied,
        ChangeMade,
        ConvertUnit,
        Measure,
        PopulationGrowth,
        PopulationPath,
        RemoveUnit,
        Scenario,
        ScenarioError,
        SetFigure,
        SetFteCost,
        SetStaffing,
        apply_scenario,
        load_scenario,
        load_scenarios,
    )
    from .plugins import PluginFailure, PluginInfo
    from .provenance import Source
    from .quantities import Q, Quantity
    from .roster import (
        DutyCheck,
        Physician,
        Roster,
        Shift,
        ShiftResult,
        assess_roster,
        load_roster,
    )
    from .rules import (
        Alert,
        AllOf,
        AnyOf,
        Compare,
        Fixed,
        Floor,
        FteCost,
        GrantAboveListLength,
        GrantAsIfList,
        Maximum,
        Minimum,
        Not,
        Override,
        PerPopulation,
        Rate,
        Ratio,
        Round,
        Rule,
        Scale,
        Step,
        Sum,
        Threshold,
    )
    from .validity import Validity

__version__ = "0.1.0"

EXAMPLE_INVENTORY = Path(__file__).parent / "examples" / "sarpsborg-nursing-homes-2020.yaml"
"""The bundled example: Sarpsborg's 370 nursing-home places of 1 January 2020 (Table 3)."""

# Where each public name lives, imported on first use by ``__getattr__``.
_LAZY: dict[str, tuple[str, ...]] = {
    "assessment": ("Assessment", "FacilityAssessment", "Totals", "UnitAssessment", "assess"),
    "batch": ("BatchResult", "assess_batch"),
    "bed_types": ("BedType",),
    "conditions": ("Condition",),
    "errors": (
        "InventoryError",
        "Location",
        "NormkitError",
        "NormSetError",
        "OverrideConflict",
        "PluginError",
        "QuantityError",
        "RuleError",
        "UnitError",
    ),
    "figures": ("Figure", "FigureResult"),
    "frames": ("FrameTotals", "assess_dask", "assess_frame", "frame_totals"),
    "hookspecs": ("hookimpl",),
    "inventory": (
        "DatedFigure",
        "Facility",
        "GPCentre",
        "GPList",
        "Inventory",
        "Population",
        "Service",
        "Staffing",
        "Unit",
        "age_span",
        "combine_inventories",
        "load_inventory",
    ),
    "kit": ("Kit",),
    "limits": ("Limits",),
    "manifest": ("ManifestPlugin",),
    "municipality": ("Example", "Municipality", "MunicipalityCode", "MunicipalityInfo"),
    "normset": (
        "DerivedIndicator",
        "NamedRule",
        "Need",
        "NormSet",
        "ResolvedNormSet",
        "Unknown",
        "load_normset",
        "resolve",
    ),
    "parameters": ("Parameter",),
    "planning": (
        "Comparison",
        "ComparisonSide",
        "ComparisonTotals",
        "FacilityComparison",
        "UnitComparison",
        "compare_assessments",
    ),
    "planning.kostra": ("Benchmark", "KostraPosition", "kostra_position"),
    "planning.population": ("read_population_csv",),
    "planning.projection": (
        "Difference",
        "FacilityDifference",
        "MeasureInForce",
        "PeriodDifference",
        "Plan",
        "PlanPeriod",
        "ScenarioDifference",
        "ScenarioRun",
        "UnitDifference",
        "plan_dates",
        "project",
    ),
    "planning.scenario": (
        "AddStaffing",
        "AddUnit",
        "AdoptNormSet",
        "Applied",
        "ChangeMade",
        "ConvertUnit",
        "Measure",
        "PopulationGrowth",
        "PopulationPath",
        "RemoveUnit",
        "Scenario",
        "ScenarioError",
        "SetFigure",
        "SetFteCost",
        "SetStaffing",
        "apply_scenario",
        "load_scenario",
        "load_scenarios",
    ),
    "plugins": ("PluginFailure", "PluginInfo"),
    "provenance": ("Source",),
    "quantities": ("Q", "Quantity"),
    "roster": (
        "DutyCheck",
        "Physician",
        "Roster",
        "Shift",
        "ShiftResult",
        "assess_roster",
        "load_roster",
    ),
    "rules": (
        "Alert",
        "AllOf",
        "AnyOf",
        "Compare",
        "Fixed",
        "Floor",
        "FteCost",
        "GrantAboveListLength",
        "GrantAsIfList",
        "Maximum",
        "Minimum",
        "Not",
        "Override",
        "PerPopulation",
        "Rate",
        "Ratio",
        "Round",
        "Rule",
        "Scale",
        "Step",
        "Sum",
        "Threshold",
    ),
    "validity": ("Validity",),
}
_MODULE_OF = {name: module for module, names in _LAZY.items() for name in names}


# Hidden from type checkers, which read the imports above instead: a module
# ``__getattr__`` would make them accept any name, misspelt ones too.
if not TYPE_CHECKING:

    def __getattr__(name: str) -> Any:
        """Import a public name from its module the first time it is asked for (PEP 562)."""
        module = _MODULE_OF.get(name)
        if module is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f".{module}", __name__), name)
        globals()[name] = value  # the next look-up is an ordinary attribute
        return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


__all__ = [
    "EXAMPLE_INVENTORY",
    "AddStaffing",
    "AddUnit",
    "AdoptNormSet",
    "Alert",
    "AllOf",
    "AnyOf",
    "Applied",
    "Assessment",
    "BatchResult",
    "BedType",
    "Benchmark",
    "ChangeMade",
    "Compare",
    "Comparison",
    "ComparisonSide",
    "ComparisonTotals",
    "Condition",
    "ConvertUnit",
    "DatedFigure",
    "DerivedIndicator",
    "Difference",
    "DutyCheck",
    "Example",
    "Facility",
    "FacilityAssessment",
    "FacilityComparison",
    "FacilityDifference",
    "Figure",
    "FigureResult",
    "Fixed",
    "Floor",
    "FrameTotals",
    "FteCost",
    "GPCentre",
    "GPList",
    "GrantAboveListLength",
    "GrantAsIfList",
    "Inventory",
    "InventoryError",
    "Kit",
    "KostraPosition",
    "Limits",
    "Location",
    "ManifestPlugin",
    "Maximum",
    "Measure",
    "MeasureInForce",
    "Minimum",
    "Municipality",
    "MunicipalityCode",
    "MunicipalityInfo",
    "NamedRule",
    "Need",
    "NormSet",
    "NormSetError",
    "NormkitError",
    "Not",
    "Override",
    "OverrideConflict",
    "Parameter",
    "PerPopulation",
    "PeriodDifference",
    "Physician",
    "Plan",
    "PlanPeriod",
    "PluginError",
    "PluginFailure",
    "PluginInfo",
    "Population",
    "PopulationGrowth",
    "PopulationPath",
    "Q",
    "Quantity",
    "QuantityError",
    "Rate",
    "Ratio",
    "RemoveUnit",
    "ResolvedNormSet",
    "Roster",
    "Round",
    "Rule",
    "RuleError",
    "Scale",
    "Scenario",
    "ScenarioDifference",
    "ScenarioError",
    "ScenarioRun",
    "Service",
    "SetFigure",
    "SetFteCost",
    "SetStaffing",
    "Shift",
    "ShiftResult",
    "Source",
    "Staffing",
    "Step",
    "Sum",
    "Threshold",
    "Totals",
    "Unit",
    "UnitAssessment",
    "UnitComparison",
    "UnitDifference",
    "UnitError",
    "Unknown",
    "Validity",
    "__version__",
    "age_span",
    "apply_scenario",
    "assess",
    "assess_batch",
    "assess_dask",
    "assess_frame",
    "assess_roster",
    "combine_inventories",
    "compare_assessments",
    "frame_totals",
    "hookimpl",
    "kostra_position",
    "load_inventory",
    "load_normset",
    "load_roster",
    "load_scenario",
    "load_scenarios",
    "plan_dates",
    "project",
    "read_population_csv",
    "resolve",
]
