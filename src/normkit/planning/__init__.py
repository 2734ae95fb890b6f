"""Planning: dated changes, years, and results set side by side.

- :mod:`.compare`: two norm sets on one inventory, unit by unit.
- :mod:`.scenario`: scenario files, dated changes applied to a copy of a base.
- :mod:`.population`: populations by year and age group from SSB-layout CSVs.
- :mod:`.projection`: a base and its scenarios assessed on a series of dates.
- :mod:`.kostra`: KOSTRA's physician hours per resident beside SSB's figures.
"""

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
