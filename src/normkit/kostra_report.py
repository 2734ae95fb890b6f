"""Rendering ``normkit kostra``: the inventory's value, then SSB's figures year by year."""

from __future__ import annotations

import csv
import io

from . import escaping
from .planning.kostra import KostraPosition
from .report import cell

KOSTRA_HEADERS = ["Year", "Statistic", "Value", "Difference"]


def _two(value: float | None, signed: bool = False) -> str:
    if value is None:
        return "—"
    shown = f"{value:+.2f}" if signed else f"{value:.2f}"
    return "0.00" if shown in ("+0.00", "-0.00") else shown


def kostra_lines(result: KostraPosition) -> list[str]:
    """The heading (the value and its date), then how it was computed, notes and sources."""
    what = f"{result.inventory} — " if result.inventory else ""
    value = _two(result.value) if result.value is not None else "not known"
    sources = sorted({b.source.cite() for b in result.benchmarks})
    return [
        f"{what}{result.label} on {result.at.isoformat()}: {value}",
        f"how: {result.basis}",
        "Difference = the inventory's value − the published figure; SSB publishes two decimals.",
        *(f"note: {n}" for n in result.notes),
        *(f"source: {s}" for s in sources),
    ]


def kostra_rows(result: KostraPosition) -> list[list[str]]:
    return [
        [str(b.year), b.statistic, _two(b.value), _two(b.difference, signed=True)]
        for b in result.benchmarks
    ]


def kostra_markdown(result: KostraPosition) -> str:
    md = escaping.markdown
    lines = kostra_lines(result)
    out = [f"## {md(lines[0])}", ""]
    out.append("| " + " | ".join(KOSTRA_HEADERS) + " |")
    out.append("|" + "|".join("---" for _ in KOSTRA_HEADERS) + "|")
    out.extend("| " + " | ".join(md(c) for c in row) + " |" for row in kostra_rows(result))
    out.append("")
    out.extend(f"- {md(line)}" for line in lines[1:])
    return "\n".join(out) + "\n"


def kostra_csv(result: KostraPosition, formula_guard: bool = True) -> str:
    """A row per published figure, with the inventory's value and the difference."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        ["date", "inventory_value", "year", "statistic", "value", "difference", "source"]
    )
    for b in result.benchmarks:
        writer.writerow(
            [
                result.at.isoformat(),
                cell(result.value),
                b.year,
                escaping.csv_cell(b.statistic, formula_guard),
                cell(b.value),
                cell(b.difference),
                escaping.csv_cell(b.source.cite(), formula_guard),
            ]
        )
    return buffer.getvalue()
