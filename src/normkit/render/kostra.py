"""KOSTRA positions as a report: each inventory beside SSB's published figures."""

from __future__ import annotations

from typing import Any

from ..planning.kostra import KostraPosition
from .document import Block, Lines, Num, Report, Row, Table
from .locale import Locale
from .reports import (
    sources,
)

#: the statistics set beside each inventory when several are compared
SIDE_BY_SIDE = ("national mean", "national median")


def latest(result: KostraPosition, statistic: str) -> Any:
    """The latest published figure of a kind up to the year of the date, if any."""
    found = [b for b in result.benchmarks if b.statistic == statistic and b.year <= result.at.year]
    return max(found, key=lambda b: b.year) if found else None


def kostra_report(results: list[KostraPosition], locale: Locale) -> Report:
    t = locale.t
    blocks: list[Block] = []
    if len(results) > 1:
        columns = (
            t("Inventory"),
            t("Date"),
            t("Value"),
            *(
                label
                for s in SIDE_BY_SIDE
                for label in (
                    t("Δ {statistic}", statistic=t(s)),
                    t("Year of {statistic}", statistic=t(s)),
                )
            ),
        )
        rows = []
        for r in results:
            found = [latest(r, s) for s in SIDE_BY_SIDE]
            rows.append(
                Row(
                    (
                        r.inventory or "",
                        r.at,
                        Num(r.value, "decimal", "not_known"),
                        *(
                            cell
                            for b in found
                            for cell in (
                                Num(b.difference if b else None, "signed_decimal", "not_known"),
                                Num(b.year if b else None, "year", "not_known"),
                            )
                        ),
                    )
                )
            )
        note = t(
            "Δ = the inventory's value − the latest published figure of its kind up to the year "
            "of its date."
        )
        blocks.append(Table(t("Side by side"), columns, tuple(rows), note, t("Side by side")))
    position = tuple(
        Row(
            (
                r.inventory or "",
                r.at,
                Num(r.physician_hours_per_week, "decimal", "not_known"),
                Num(r.residents, "figure", "not_known"),
                Num(r.value, "decimal", "not_known"),
            )
        )
        for r in results
    )
    columns = (t("Inventory"), t("Date"), t("Physician hours/week"), t("Residents"), t("Value"))
    blocks.append(Table(t("Position"), columns, position, sheet=t("Position")))
    for i, r in enumerate(results, start=1):
        value = locale.number(Num(r.value, "decimal", "not_known"))
        title = f"{r.inventory} — " if r.inventory else ""
        title += t(
            "{label} on {date}: {value}", label=t(r.label), date=locale.date(r.at), value=value
        )
        published = tuple(
            Row(
                (
                    Num(b.year, "year"),
                    t(b.statistic),  # normkit's own file: every statistic is in the glossary
                    Num(b.value, "decimal"),
                    Num(b.difference, "signed_decimal", "not_known"),
                )
            )
            for b in r.benchmarks
        )
        columns = (t("Year"), t("Statistic"), t("Value"), t("Difference"))
        note = t(
            "Difference = the inventory's value − the published figure; SSB publishes two decimals."
        )
        sheet = f"{i} {r.inventory or t('KOSTRA')}"
        blocks.append(Table(title, columns, published, note, sheet))
        blocks.append(
            Lines("", (f"{t('how')}: {r.basis}", *(f"{t('note')}: {n}" for n in r.notes)), "notes")
        )
    cites = [b.source.cite() for r in results for b in r.benchmarks]
    title = t("KOSTRA: physician hours per week per nursing-home resident")
    return Report(title, tuple(blocks), sources(cites), locale.lang)
