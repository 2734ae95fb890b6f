"""``normkit show``: a norm set as in force on a date, every entry with its source."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .normset import Need, ResolvedNormSet
from .provenance import Source
from .rules.base import fmt


def _cite(source: Source | None, fallback: Source | None = None) -> str:
    chosen = source or fallback
    return chosen.cite() if chosen else ""


def describe_need(need: Need) -> str:
    return need.rule.describe() if need.rule is not None else "no norm, by decision"


def sections(
    resolved: ResolvedNormSet, bed_types: Iterable[str]
) -> list[tuple[str, list[str], list[list[str]]]]:
    """(title, headers, rows) for each part of the norm set that has entries."""
    top = resolved.normset
    out: list[tuple[str, list[str], list[list[str]]]] = []
    needs = []
    for applied in resolved.needs.values():
        need = applied.need
        scope = ", ".join(need.bed_types) or "facility"
        if need.facility:
            scope += f" in {need.facility}"
        rule = describe_need(need)
        if applied.replaced is not None:
            rule += (
                f"\nreplaces {applied.replaced.normset.id}: {describe_need(applied.replaced.need)}"
            )
        if need.reason:
            rule += f"\nreason: {need.reason}"
        needs.append(
            [need.id, scope, rule, applied.normset.id, _cite(need.source, applied.normset.source)]
        )
    out.append(("Needs", ["Id", "Applies to", "Rule", "From", "Source"], needs))
    covered = {b for a in resolved.needs.values() for b in a.need.bed_types}
    unknown = {b for u in resolved.unknowns for b in u.bed_types}
    missing = sorted(set(bed_types) - covered - unknown)
    if missing and resolved.needs:
        out.append(
            (
                "Bed types with no rule (assessed as 'no norm')",
                ["Bed types"],
                [[", ".join(missing)]],
            )
        )
    out.append(
        (
            "Overrides (adopted values)",
            ["Id", "Targets", "Rule", "Reason", "Source"],
            [
                [
                    o.override.id,
                    _targets(o.override, resolved),
                    o.override.rule.describe(),
                    o.override.reason,
                    _cite(o.override.source),
                ]
                for o in resolved.overrides
            ],
        )
    )
    out.append(
        (
            "Thresholds",
            ["Id", "Fires when", "Action", "Source"],
            [
                [t.id, t.condition(), t.action, _cite(t.source, top.source)]
                for t in resolved.thresholds
            ],
        )
    )
    out.append(
        (
            "Conditions",
            ["Id", "On each", "Alert when", "Action", "Source"],
            [
                [
                    c.id,
                    c.over.replace("_", " "),
                    c.when.describe(),
                    c.action,
                    _cite(c.source, top.source),
                ]
                for c in resolved.conditions
            ],
        )
    )
    out.append(
        (
            "Rules",
            ["Id", "Label", "Rule", "In force", "Source"],
            [
                [
                    r.id,
                    r.label or "",
                    r.rule.describe(),
                    r.validity.describe() if r.valid_from or r.valid_to else "",
                    _cite(r.source or r.rule.source, top.source),
                ]
                for r in resolved.rules.values()
            ],
        )
    )
    out.append(
        (
            "Derived indicators",
            ["Id", "Label", "Rule", "Source"],
            [
                [i.id, i.label, i.rule.describe(), _cite(i.source, top.source)]
                for i in resolved.indicators
            ],
        )
    )
    out.append(
        (
            "Parameters",
            ["Id", "Label", "Value", "Source"],
            [
                [p.id, p.label or "", p.describe(), _cite(p.source, top.source)]
                for p in resolved.parameters.values()
            ],
        )
    )
    figures = []
    for result in resolved.figure_results():
        figures.append(
            [
                result.label,
                fmt(result.stated, result.unit),
                fmt(result.computed, result.unit),
                result.difference_text(),
                result.explanation["text"],
                _cite(result.source),
            ]
        )
    out.append(
        (
            "Figures: the source's numbers beside normkit's",
            ["Figure", "Stated", "Computed", "Difference", "How", "Source"],
            figures,
        )
    )
    out.append(
        (
            "Unknown (left out by the source)",
            ["Id", "Bed types", "What", "Source"],
            [[u.id, ", ".join(u.bed_types), u.what, _cite(u.source)] for u in resolved.unknowns],
        )
    )
    return [s for s in out if s[2]]


def header_lines(resolved: ResolvedNormSet) -> list[str]:
    top = resolved.normset
    lines = [
        f"{top.id} {top.version or ''} — {top.title}".replace("  ", " "),
        f"in force {top.validity.describe()}; shown as on {resolved.at.isoformat()}",
    ]
    for version in resolved.chain:
        lines.append(f"source ({version.id}): {version.source.cite()}")
        if version.extends_decision is not None:
            lines.append(
                f"  {version.id} adopts '{version.extends}' by: {version.extends_decision.cite()}"
            )
        if version.source.note:
            lines.append(f"  note: {version.source.note}")
    return lines


def as_json(resolved: ResolvedNormSet) -> Mapping[str, Any]:
    return {
        "normset": resolved.normset.model_dump(mode="json"),
        "extends": [n.id for n in resolved.chain[1:]],
        "figures": [f.model_dump(mode="json") for f in resolved.figure_results()],
    }


def _targets(override: Any, resolved: Any) -> str:
    """Whom an override targets, and the need it takes the place of: a facility's
    override replacing its long-term need applies to long-term units only."""
    replaced = override.replaces
    if replaced is None:
        return str(override.scope())
    applied = resolved.needs.get(replaced)
    types = applied.need.bed_types if applied is not None else ()
    of = f" ({', '.join(types)})" if types else ""
    return f"{override.scope()}, in place of need '{replaced}'{of}"
