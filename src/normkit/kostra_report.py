"""Rendering ``normkit kostra``: each inventory's value, then SSB's figures year by year."""

from __future__ import annotations

import csv
import io

from . import escaping
from .planning.kostra import Benchmark, KostraPosition
from .report import cell

KOSTRA_HEADERS = ["Year", "Statistic", "Value", "Difference"]
#: the statistics set beside each inventory when several are compared
SIDE_BY_SIDE = ("national mean", "national median")
COMPARISON_HEADERS = ["Inventory", "Date", "Value", *(f"Δ {s} (year)" for s in SIDE_BY_SIDE)]
SIDE_BY_SIDE_NOTE = (
    "Δ = the inventory's value − the latest published figure of its kind up to the year of "
    "its date (the year in brackets)."
)


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


def latest(result: KostraPosition, statistic: str) -> Benchmark | None:
    """The latest published figure of a kind up to the year of the date, if any."""
    found = [b for b in result.benchmarks if b.statistic == statistic and b.year <= result.at.year]
    return max(found, key=lambda b: b.year) if found else None


def comparison_rows(results: list[KostraPosition]) -> list[list[str]]:
    """Several inventories (municipalities) side by side, each against SSB's figures."""
    rows = []
    for r in results:
        cells = [r.inventory or "", r.at.isoformat(), _two(r.value)]
        for statistic in SIDE_BY_SIDE:
            b = latest(r, statistic)
            cells.append("—" if b is None else f"{_two(b.difference, signed=True)} ({b.year})")
        rows.append(cells)
    return rows


def _table(headers: list[str], rows: list[list[str]]) -> list[str]:
    md = escaping.markdown
    return [
        "| " + " | ".join(md(h) for h in headers) + " |",
        "|" + "|".join("---" for _ in headers) + "|",
        *("| " + " | ".join(md(c) for c in row) + " |" for row in rows),
        "",
    ]


def kostra_markdown(results: list[KostraPosition]) -> str:
    md = escaping.markdown
    out: list[str] = []
    if len(results) > 1:
        out += ["## Side by side", "", *_table(COMPARISON_HEADERS, comparison_rows(results))]
        out += [f"- {md(SIDE_BY_SIDE_NOTE)}", ""]
    for result in results:
        lines = kostra_lines(result)
        out += [f"## {md(lines[0])}", "", *_table(KOSTRA_HEADERS, kostra_rows(result))]
        out.extend(f"- {md(line)}" for line in lines[1:])
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


CSV_HEADERS = [
    "inventory",
    "date",
    "inventory_value",
    "year",
    "statistic",
    "value",
    "difference",
    "source",
]


def kostra_csv(results: list[KostraPosition], formula_guard: bool = True) -> str:
    """A row per inventory and published figure, with the value and the difference."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_HEADERS)
    for result in results:
        for b in result.benchmarks:
            writer.writerow(
                [
                    escaping.csv_cell(result.inventory or "", formula_guard),
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
