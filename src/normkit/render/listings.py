"""Listings as text: plugins, norm sets, a norm set's rules, check findings.

The command line gathers the data (the same the JSON of each command gives)
and these lay it out for a terminal; names are data, never markup.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .text import safe


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _lines(items: list[str]) -> Any:
    """One cell of several lines, each escaped on its own."""
    from rich.text import Text

    return Text("\n").join(safe(item) for item in items)


def plugins_document(kit: Any) -> dict[str, Any]:
    """What ``normkit plugins --format json`` gives: plugins, formats, failures, problems."""
    rows = []
    for info in kit.plugins.values():
        municipalities = [
            kit.municipalities[m]
            for m in info.registered.get("municipalities", [])
            if m in kit.municipalities
        ]
        rows.append(
            {
                "plugin": info.name,
                "distribution": info.distribution
                or ("normkit (built in)" if info.builtin else None),
                "version": info.version,
                "load_seconds": round(info.load_seconds, 4),
                "slow": info.slow,
                "municipalities": [
                    {
                        "id": m.id,
                        "name": m.name,
                        "codes": [
                            c.model_dump(mode="json", include={"code", "valid_from", "valid_to"})
                            for c in m.codes
                        ],
                    }
                    for m in municipalities
                ],
                "normsets": [
                    {
                        "id": v.id,
                        "version": v.version,
                        "valid_from": _iso(v.validity.valid_from),
                        "valid_to": _iso(v.validity.valid_to),
                    }
                    for normset_id in kit.normset_ids()
                    for v in kit.versions(normset_id)
                    if v.plugin == info.name
                ],
                "bed_types": info.registered.get("bed_types", []),
                "rule_kinds": info.registered.get("rule_kinds", []),
                "renderers": info.registered.get("renderers", []),
                # what --example, --scenario and --population take
                "examples": [
                    {"id": e.id, "kind": e.kind, "title": e.title}
                    for m in municipalities
                    for e in m.examples
                ],
            }
        )
    problems = kit.problems()
    failures = [f.to_dict() for f in kit.failures]
    formats = [
        {
            "name": r.name,
            "extension": r.extension,
            "binary": r.binary,
            "explains": r.explains,
            "description": r.description,
            "plugin": r.plugin,
        }
        for r in kit.renderers.values()
    ]
    document = {
        "plugins": rows,
        "formats": formats,
        "failures": failures,
        "problems": problems,
        "warnings": kit.warnings,
    }
    return document


def print_plugins(document: dict[str, Any], console: Any, slow_seconds: float) -> None:
    from rich.table import Table

    rows, problems = document["plugins"], document["problems"]
    table = Table(title="normkit plugins", title_justify="left")
    for header in (
        "Plugin",
        "Distribution",
        "Municipalities",
        "Norm sets",
        "Examples",
        "Registers",
        "Load",
    ):
        table.add_column(header, overflow="fold")
    for row in rows:
        munis = [
            f"{m['name']} ("
            + ", ".join(
                c["code"]
                + (
                    f" {c['valid_from'] or '…'}–{c['valid_to'] or '…'}"
                    if c["valid_from"] or c["valid_to"]
                    else ""
                )
                for c in m["codes"]
            )
            + ")"
            for m in row["municipalities"]
        ]
        normsets = [
            f"{n['id']}{' ' + n['version'] if n['version'] else ''} "
            f"({n['valid_from'] or '…'} to {n['valid_to'] or '…'})"
            for n in row["normsets"]
        ]
        extra = ", ".join(
            f"{len(row[k])} {k.replace('_', ' ')}"
            for k in ("bed_types", "rule_kinds", "renderers")
            if row[k]
        )
        dist = row["distribution"] or ""
        if row["version"]:
            dist += f" {row['version']}"
        load = f"{row['load_seconds']:.2f} s" + (" (slow)" if row["slow"] else "")
        examples = [
            e["id"] + ("" if e["kind"] == "inventory" else f" ({e['kind']})")
            for e in row["examples"]
        ]
        table.add_row(
            safe(row["plugin"]),
            safe(dist),
            _lines(munis),
            _lines(normsets),
            _lines(examples),
            safe(extra),
            safe(load, "yellow" if row["slow"] else None),
        )
    console.print(table)
    names = ", ".join(
        r["name"] + ("" if r["plugin"] == "normkit" else f" ({r['plugin']})")
        for r in document["formats"]
    )
    console.print(safe(f"output formats (--format): {names}"))
    if any(r["slow"] for r in rows):
        console.print(safe(f"(slow: more than {slow_seconds:g} s to load and register)"))
    for problem in problems:
        console.print(safe("problem: ", "red") + safe(problem))
    for warning in document["warnings"]:
        console.print(safe("warning: ", "yellow") + safe(warning))


def norm_rows(kit: Any, municipality: str | None, on: dt.date | None) -> list[dict[str, Any]]:
    """Norm-set versions (of one municipality, in force on a day, when given)."""
    ids = kit.normset_ids()
    if municipality:
        ids = [i for i in kit.municipality(municipality, on).normsets if i in ids]
    return [
        {
            "id": v.id,
            "version": v.version,
            "title": v.title,
            "valid_from": _iso(v.validity.valid_from),
            "valid_to": _iso(v.validity.valid_to),
            "municipality": v.municipality,
            "plugin": v.plugin,
        }
        for normset_id in ids
        for v in kit.versions(normset_id)
        if on is None or v.validity.in_force(on)
    ]


def print_norms(rows: list[dict[str, Any]], on: dt.date | None, console: Any) -> None:
    from rich.table import Table

    table = Table(title="norm sets" + (f" in force on {on}" if on else ""), title_justify="left")
    for header in ("Id", "Version", "Valid", "Title", "Municipality", "Plugin"):
        table.add_column(header, overflow="fold")
    for r in rows:
        table.add_row(
            *(
                safe(str(value))
                for value in (
                    r["id"],
                    r["version"] or "",
                    f"{r['valid_from'] or '…'} to {r['valid_to'] or '…'}",
                    r["title"],
                    r["municipality"] or "national",
                    r["plugin"],
                )
            )
        )
    console.print(table)


def show_lines(resolved: Any, bed_types: Any) -> list[str]:
    """A norm set as in force: its header, then one block per rule, override and source."""
    from ..show import header_lines, sections

    lines: list[str] = []
    # One block per entry, not a table: sources and rules are long, and a planner
    # must be able to read every one at any terminal width.
    lines.extend(header_lines(resolved))
    for title, headers, rows in sections(resolved, bed_types):
        lines.append("")
        lines.append(title)
        for row in rows:
            lines.append(f"  • {row[0]}")
            width = max(len(h) for h in headers[1:]) if len(headers) > 1 else 0
            for header, value in zip(headers[1:], row[1:], strict=True):
                if value:
                    first, *more = value.splitlines()
                    lines.append(f"      {header.lower() + ':':<{width + 1}} {first}")
                    lines.extend(f"      {'':<{width + 1}} {line}" for line in more)
    return lines


def print_check(findings: list[Any], checked: str, console: Any) -> None:
    from rich.table import Table

    if findings:
        table = Table(title="normkit check", title_justify="left")
        for header in ("Severity", "Code", "Where", "Problem", "Hint"):
            wide = header not in {"Severity", "Code"}
            table.add_column(header, overflow="fold", ratio=1 if wide else None)
        for f in findings:
            table.add_row(
                *(safe(c) for c in (f.severity, f.code, f.where(), f.message, f.hint or ""))
            )
        console.print(table)
    errors = sum(f.severity == "error" for f in findings)
    warnings = sum(f.severity == "warning" for f in findings)
    console.print(safe(f"{errors} error(s), {warnings} warning(s) in {checked}"))
