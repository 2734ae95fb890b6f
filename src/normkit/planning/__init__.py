"""Planning: results set side by side (comparison today; scenarios and years to come)."""

from .compare import (
    Comparison,
    ComparisonSide,
    ComparisonTotals,
    FacilityComparison,
    UnitComparison,
    compare_assessments,
)

__all__ = [
    "Comparison",
    "ComparisonSide",
    "ComparisonTotals",
    "FacilityComparison",
    "UnitComparison",
    "compare_assessments",
]
