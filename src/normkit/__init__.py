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
"""

from __future__ import annotations

from pathlib import Path

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
    "assess_roster",
    "combine_inventories",
    "compare_assessments",
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
