"""Results as reports: what each human-readable format shows, in one place.

One builder per result, each in its own module: an assessment
(:mod:`.assessment`), a comparison of two norm sets (:mod:`.comparison`), a
plan (:mod:`.plan`), KOSTRA positions (:mod:`.kostra`). Each gives a
:class:`~normkit.render.document.Report` whose labels are in the locale's
language and whose figures are typed numbers, so text, Markdown, HTML and XLSX
show the same thing. Sentences built from inputs (notes, changes,
explanations) are written as the engine gives them. This module dispatches
and holds what the builders share.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from .document import Num, Report, Series, State
from .locale import Locale

# The results' modules are imported by the dispatch below, one kind at a time: an
# assessment's table needs neither the planning nor the comparison code.
if TYPE_CHECKING:  # pragma: no cover
    from ..assessment import Assessment, UnitAssessment
    from ..municipality import MunicipalityInfo
    from ..planning.compare import Comparison
    from ..planning.kostra import KostraPosition
    from ..planning.projection import Plan

    Result = Assessment | Comparison | Plan | list[KostraPosition]


def to_report(result: Result, locale: Locale) -> Report:
    """The report of any result normkit renders."""
    from ..assessment import Assessment

    if isinstance(result, Assessment):
        from .assessment import assessment_report

        return assessment_report(result, locale)
    from ..planning.compare import Comparison

    if isinstance(result, Comparison):
        from .comparison import comparison_report

        return comparison_report(result, locale)
    from ..planning.projection import Plan

    if isinstance(result, Plan):
        from .plan import plan_report

        return plan_report(result, locale)
    from ..planning.kostra import KostraPosition

    if isinstance(result, list) and all(isinstance(r, KostraPosition) for r in result):
        from .kostra import kostra_report

        return kostra_report(result, locale)
    raise TypeError(f"normkit has no report for {type(result).__name__}")


def municipality_label(m: MunicipalityInfo | None, at: dt.date, locale: Locale) -> str:
    """'Sarpsborg (kommunenummer 3003)', or '' when no municipality was named."""
    if m is None:
        return ""
    if m.kommunenummer:
        return locale.t("{name} (kommunenummer {code})", name=m.name, code=m.kommunenummer)
    return locale.t("{name} (no kommunenummer on {date})", name=m.name, date=locale.date(at))


def normset_label(n: Any) -> str:
    version = f" {n.version}" if n.version else ""
    return f"{n.id}{version}"


def sources(*citations: Sequence[str]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for group in citations:
        for c in group:
            seen.setdefault(c, None)
    return tuple(seen)


def unit_cites(units: Iterable[UnitAssessment]) -> list[str]:
    """Every source the units' figures rest on: the norm, the adopted value, each step."""
    found: list[str] = []
    explained = SharedSteps(cites_of)
    for u in units:
        if u.source is not None:
            found.append(u.source.cite())
        if u.override is not None and u.override.source is not None:
            found.append(u.override.source.cite())
        found.extend(explained(u.explanation))
    return found


T = TypeVar("T")


class SharedSteps(Generic[T]):
    """``read(explanation)``, once for each explanation: units of one kind share theirs
    (:class:`normkit.assessment.UnitTemplates`), so a large table reads a few only.
    Each explanation read is held here, so while it is no other object has its ``id``."""

    def __init__(self, read: Callable[[dict[str, Any] | None], T]) -> None:
        self.read = read
        self.seen: dict[int, tuple[dict[str, Any] | None, T]] = {}

    def __call__(self, step: dict[str, Any] | None) -> T:
        kept = self.seen.get(id(step))
        if kept is None:
            kept = self.seen[id(step)] = (step, self.read(step))
        return kept[1]


def assessment_cites(a: Assessment) -> list[str]:
    """An assessment's sources: its norm set, its units' figures, its alerts."""
    return [
        a.normset.source.cite(),
        *unit_cites(a.units),
        *(x.source.cite() for x in a.alerts if x.source is not None),
    ]


def cites_of(step: dict[str, Any] | None) -> list[str]:
    """Every source an explanation cites, depth first."""
    if not step:
        return []
    from ..provenance import Source

    found = [Source.model_validate(step["source"]).cite()] if step.get("source") else []
    for child in step.get("children", []):
        found.extend(cites_of(child))
    return found


def need_state(u: UnitAssessment) -> State:
    return "unknown" if u.status == "unknown" else "no_norm"


def surplus_not_costed(totals: Any) -> bool:
    """Whether the totals' gap is a surplus, which the gap's cost counts as none: a
    note then says so, or its 0 reads as the cost formula's result for the gap."""
    return totals.gap_fte is not None and totals.gap_fte < 0


def sum_state(figures: Any) -> State:
    """Why a facility's or the totals' need is not known, from its places: all without
    a norm ("no norm"), all of a norm the source leaves out ("unknown"), or a mix."""
    if figures.places_without_norm and not figures.places_unknown:
        return "no_norm"
    if figures.places_unknown and not figures.places_without_norm:
        return "unknown"
    return "not_known"


ROUNDING = (
    "FTE figures are rounded to 2 decimals; totals are summed before rounding. "
    "Gap = need − staffed: positive is a shortfall."
)


#: Past this many facilities a chart per facility is left out: its bars could not be
#: told apart, and drawing them would take longer than the rest of the report.
MAX_CHART_CATEGORIES = 200


def describe(categories: Sequence[str], series: Sequence[Series], locale: Locale) -> str:
    """A chart in words: each category with each series' value (for alt text)."""
    parts = []
    for i, name in enumerate(categories):
        values = ", ".join(
            f"{s.name} {locale.number(Num(s.values[i], 'figure', *s.states[i : i + 1]))}"
            for s in series
        )
        parts.append(f"{name}: {values}")
    return "; ".join(parts)


class _InFacility(Protocol):
    @property
    def facility(self) -> str: ...


R = TypeVar("R", bound=_InFacility)


def by_facility(rows: Iterable[R]) -> dict[str, list[R]]:
    """Rows grouped by their facility, in order: one pass, whatever the number of facilities."""
    grouped: dict[str, list[R]] = {}
    for row in rows:
        grouped.setdefault(row.facility, []).append(row)
    return grouped


def step_lines(step: dict[str, Any], depth: int) -> list[str]:
    pad = "  " * depth
    lines = [pad + step["text"]]
    source = step.get("source")
    if source:
        from ..provenance import Source

        lines.append(pad + "  source: " + Source.model_validate(source).cite())
    for child in step.get("children", []):
        lines.extend(step_lines(child, depth + 1))
    return lines
