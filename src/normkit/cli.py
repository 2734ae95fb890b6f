"""The ``normkit`` command line: assess, plugins, norms, show."""

from __future__ import annotations

import datetime as dt
import enum
import functools
import json
import shlex
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, ParamSpec

import typer

from . import EXAMPLE_INVENTORY, __version__, escaping
from .errors import NormkitError

app = typer.Typer(
    name="normkit",
    help="Physician staffing norms as code: need, staffed, gap, with every figure explained.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

P = ParamSpec("P")


class Format(enum.StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"


class ListFormat(enum.StrEnum):
    table = "table"
    json = "json"


ListFormatOption = Annotated[ListFormat, typer.Option("--format", help="Output format.")]


class _State:
    debug = False


def _reports_errors(command: Callable[P, None]) -> Callable[P, None]:
    """Turn any error into one line on stderr and exit code 1 (traceback with --debug).

    A NormkitError is the user's input; anything else is a bug in normkit or a
    plugin, said as such, but still one line: a traceback helps no planner.
    """

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> None:
        try:
            command(*args, **kwargs)
        except NormkitError as exc:
            if _State.debug:
                raise
            typer.echo(f"error: {escaping.terminal(str(exc))}", err=True)
            raise typer.Exit(1) from None
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except (Exception, RecursionError, MemoryError) as exc:
            if _State.debug:
                raise
            text = escaping.terminal(f"{type(exc).__name__}: {exc}")
            typer.echo(
                f"error: internal error, please report it (run with --debug for details): {text}",
                err=True,
            )
            raise typer.Exit(1) from None

    return run


def _version(value: bool) -> None:
    if value:
        typer.echo(f"normkit {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    _State.debug = debug


def _date(value: str | None, option: str = "--at") -> dt.date | None:
    """A date option, written as in files: YYYY-MM-DD or DD.MM.YYYY."""
    if value is None:
        return None
    from .values import BadValue, read_date

    try:
        return read_date(value)
    except BadValue as exc:
        raise NormkitError(f"{option}: {exc.message}", hint=exc.hint, code=exc.code) from None


NORM_FILE_SUFFIXES = (".yaml", ".yml", ".toml", ".json")


def _kit() -> Any:
    from .kit import Kit

    return Kit()


def _console() -> Any:
    from rich.console import Console

    # markup off: names and notes are data; square brackets in them stay as written.
    console = Console(soft_wrap=False, markup=False, highlight=False, emoji=False)
    if not console.is_terminal:
        # Piped output has no width to fit; wrap only very long notes.
        console = Console(soft_wrap=False, width=160, markup=False, highlight=False, emoji=False)
    return console


def _text(value: str, style: str | None = None) -> Any:
    """A rich Text of input-derived text: never markup, control characters escaped."""
    from rich.text import Text

    return Text(escaping.terminal(value), style=style or "")


def _echo(line: str) -> None:
    typer.echo(escaping.terminal(line))


# Options that assess and compare share: one definition each.
InventoryArgument = Annotated[
    Path | None,
    typer.Argument(help="Inventory (.yaml, .json, .toml, .csv); default: the bundled example."),
]
ExampleOption = Annotated[
    str | None,
    typer.Option("--example", help="An example inventory shipped by a plugin (see plugins)."),
]
AtOption = Annotated[
    str | None,
    typer.Option("--at", help="Date (YYYY-MM-DD); default: the inventory's as_of, else today."),
]
FormatOption = Annotated[Format, typer.Option("--format", help="Output format.")]
FormulaGuardOption = Annotated[
    bool,
    typer.Option(
        "--formula-guard/--no-formula-guard",
        help="CSV: prefix text cells a spreadsheet would run as a formula with ' "
        "(turn off for programs that read the CSV).",
    ),
]


def _inventory_on(
    kit: Any, file: Path | None, example: str | None, at: str | None, explain: bool, output: Format
) -> tuple[Any, dt.date]:
    """The inventory (a file, a plugin's example, or the bundled one) and the date to use."""
    if file and example:
        raise NormkitError("give an inventory FILE or --example, not both")
    if explain and output is Format.csv:
        raise NormkitError(
            "--explain is not available with --format csv", hint="use table, markdown or json"
        )
    path = kit.example(example)[1] if example else file or EXAMPLE_INVENTORY
    inventory = kit.load_inventory(path)
    return inventory, _date(at) or inventory.as_of or dt.date.today()


@app.command()
@_reports_errors
def assess(
    file: InventoryArgument = None,
    norms: Annotated[
        str | None, typer.Option("--norms", help="Norm-set id, or a norm-set file to use as is.")
    ] = None,
    example: ExampleOption = None,
    municipality: Annotated[
        str | None,
        typer.Option("--municipality", help="Use this municipality's norm set (name or code)."),
    ] = None,
    at: AtOption = None,
    output: FormatOption = Format.table,
    explain: Annotated[
        bool, typer.Option("--explain", help="Show how every figure was computed.")
    ] = False,
    formula_guard: FormulaGuardOption = True,
) -> None:
    """Assess an inventory: norm need, adopted need, staffed FTE and gap per unit."""
    from .report import explanation_lines, heading, markdown, to_csv

    if norms and municipality:
        raise NormkitError("give --norms or --municipality, not both")
    kit = _kit()
    inventory, on = _inventory_on(kit, file, example, at, explain, output)
    if municipality:
        normset: Any = kit.normset_for(municipality, on)
    elif norms and norms.lower().endswith(NORM_FILE_SUFFIXES):
        normset = kit.load_normset(norms)
    else:
        normset = norms or "national"
    result = kit.assess(inventory, normset, on, explain=explain, municipality=municipality)
    if output is Format.json:
        typer.echo(escaping.json_text(result.model_dump_json(indent=2)))
    elif output is Format.csv:
        typer.echo(to_csv(result, formula_guard=formula_guard), nl=False)
    elif output is Format.markdown:
        typer.echo(markdown(result, explain), nl=False)
    else:
        _print_table(result, heading(result))
        if explain:
            typer.echo("\nExplanations")
            for line in explanation_lines(result):
                _echo(line)


def _norms_choice(kit: Any, value: str, on: dt.date) -> tuple[Any, str | None]:
    """A norm-set id, a norm-set file, or a municipality (name or kommunenummer).

    Returns the norm set (an id or a loaded NormSet) and the municipality it
    was chosen for, if it was chosen by one.
    """
    if value.lower().endswith(NORM_FILE_SUFFIXES):
        return kit.load_normset(value), None
    if value in kit.normset_ids():
        return value, None
    try:
        return kit.normset_for(value, on), value
    except NormkitError as exc:
        if exc.code != "municipality.unknown":
            raise
    names = ", ".join(m.name for m in kit.municipalities.values()) or "none"
    raise NormkitError(
        f"'{value}' is neither a norm set nor a municipality",
        hint=f"norm sets: {', '.join(kit.normset_ids())}; municipalities: {names}; "
        "or give a norm-set file (.yaml, .toml, .json)",
        code="normset.unknown",
    )


@app.command()
@_reports_errors
def compare(
    file: InventoryArgument = None,
    norms: Annotated[
        str,
        typer.Option(
            "--norms",
            help="Left side: a norm-set id, a norm-set file, or a municipality (name or code).",
        ),
    ] = "national",
    against: Annotated[
        str | None,
        typer.Option(
            "--against",
            help="Right side (required): a norm-set id, a norm-set file, or a municipality.",
        ),
    ] = None,
    example: ExampleOption = None,
    at: AtOption = None,
    output: FormatOption = Format.table,
    explain: Annotated[
        bool, typer.Option("--explain", help="Show how each side computed every figure.")
    ] = False,
    formula_guard: FormulaGuardOption = True,
) -> None:
    """Compare two norm sets on one inventory: each side's need per unit, the difference, why."""
    from .report import (
        comparison_csv,
        comparison_explanation_lines,
        comparison_heading,
        comparison_lines,
        comparison_markdown,
    )

    if against is None:
        raise NormkitError(
            "give the norm set to compare with: --against ID|FILE|MUNICIPALITY",
            hint="for example: normkit compare --against Sarpsborg",
        )
    kit = _kit()
    inventory, on = _inventory_on(kit, file, example, at, explain, output)
    left, left_municipality = _norms_choice(kit, norms, on)
    right, right_municipality = _norms_choice(kit, against, on)
    result = kit.compare_normsets(
        inventory,
        left,
        right,
        on,
        explain=explain,
        left_municipality=left_municipality,
        right_municipality=right_municipality,
    )
    if output is Format.json:
        typer.echo(escaping.json_text(result.model_dump_json(indent=2)))
    elif output is Format.csv:
        typer.echo(comparison_csv(result, formula_guard=formula_guard), nl=False)
    elif output is Format.markdown:
        typer.echo(comparison_markdown(result, explain), nl=False)
    else:
        _print_comparison(result, comparison_heading(result))
        for line in comparison_lines(result):
            _echo(line)
        if explain:
            typer.echo("\nExplanations")
            for line in comparison_explanation_lines(result):
                _echo(line)


def _years(text: str | None) -> list[int]:
    """'2020-2026', '2020..2026', '2020,2022,2024' or '2024' as a list of years."""
    if text is None:
        return []
    years: list[int] = []
    for part in text.replace("..", "-").split(","):
        first, _, last = part.strip().partition("-")
        try:
            start, end = int(first), int(last or first)
        except ValueError:
            raise NormkitError(
                f"--years: '{part.strip()}' is not a year or a range of years",
                hint="for example --years 2020-2026 or --years 2020,2024",
                code="plan.years",
            ) from None
        if not (1900 <= start <= end <= 2200):
            raise NormkitError(
                f"--years: '{part.strip()}' is not a range of years from 1900 to 2200, "
                "first year first",
                code="plan.years",
            )
        years.extend(range(start, end + 1))
    return years


def _month_day(text: str) -> tuple[int, int]:
    month, _, day = text.partition("-")
    try:
        value = (int(month), int(day))
        dt.date(2024, *value)  # a leap year, so 02-29 is a day of the year
    except ValueError:
        raise NormkitError(
            f"--day: '{text}' is not a day of the year (MM-DD)",
            hint="for example --day 01-01 or --day 04-01",
            code="plan.date",
        ) from None
    return value


@app.command()
@_reports_errors
def plan(
    files: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Inventories (.yaml, .json, .toml, .csv), put together; default: the bundled "
            "example."
        ),
    ] = None,
    norms: Annotated[
        str,
        typer.Option(
            "--norms",
            help="The base norm set: an id, a norm-set file, or a municipality (name or code).",
        ),
    ] = "national",
    scenario: Annotated[
        list[str] | None,
        typer.Option(
            "--scenario",
            help="A scenario file, or a scenario example a plugin ships (repeat for several).",
        ),
    ] = None,
    years: Annotated[
        str | None,
        typer.Option("--years", help="Years to evaluate: 2020-2026, or 2020,2024."),
    ] = None,
    day: Annotated[
        str, typer.Option("--day", help="The day of each year evaluated (MM-DD).")
    ] = "01-01",
    dates: Annotated[
        list[str] | None,
        typer.Option("--date", help="A date to evaluate as well (repeat for several)."),
    ] = None,
    example: Annotated[
        list[str] | None,
        typer.Option(
            "--example", help="An example inventory shipped by a plugin (repeat to put together)."
        ),
    ] = None,
    baseline: Annotated[
        str,
        typer.Option(
            "--baseline",
            help="What every run is set beside: base (the inventory as given) or a scenario id.",
        ),
    ] = "base",
    population: Annotated[
        str | None,
        typer.Option(
            "--population",
            help="Populations by year and age group: a CSV as SSB's statbank exports it, or a "
            "population example a plugin ships; replaces the inventory's populations.",
        ),
    ] = None,
    output: FormatOption = Format.table,
    explain: Annotated[
        bool,
        typer.Option(
            "--explain", help="JSON: include how every figure of every date was computed."
        ),
    ] = False,
    formula_guard: FormulaGuardOption = True,
) -> None:
    """Plan over years: need, staffed, gap and costs per date, for a base and its scenarios."""
    from .inventory import combine_inventories
    from .plan_report import (
        LEGEND,
        NO_UNITS,
        change_lines,
        difference_lines,
        difference_table,
        figure_table,
        has_units,
        plan_csv,
        plan_heading,
        plan_markdown,
        run_lines,
        run_table,
        run_title,
    )
    from .planning.projection import plan_dates

    if explain and output is not Format.json:
        raise NormkitError(
            "--explain is available with --format json only",
            hint="for one date's explanations as text: normkit assess --at DATE --explain",
        )
    if files and example:
        raise NormkitError("give inventory FILES or --example, not both")
    kit = _kit()
    named = [s for s in scenario or [] if not s.lower().endswith(NORM_FILE_SUFFIXES)]
    if not files and not example:
        # A scenario a plugin ships names the inventory examples it applies to.
        bases = {kit.find_example(s, "scenario")[1].base for s in named} - {()}
        if len(bases) > 1:
            raise NormkitError(
                "the scenario examples apply to different inventories",
                hint="give the inventory: FILES or --example",
            )
        example = list(bases.pop()) if bases else None
    on = plan_dates(
        _years(years),
        [d for d in (_date(text, "--date") for text in dates or []) if d is not None],
        *_month_day(day),
    )
    if not on:
        raise NormkitError(
            "give the dates to plan for: --years 2020-2026 and/or --date YYYY-MM-DD",
            code="plan.no-dates",
        )
    paths = [kit.example(e)[1] for e in example] if example else files or [EXAMPLE_INVENTORY]
    inventory = combine_inventories([kit.load_inventory(p) for p in paths])
    if population is not None:
        csv_path = (
            population
            if population.lower().endswith((".csv", ".txt"))
            else kit.example(population, "population")[1]
        )
        inventory = inventory.with_populations(kit.load_population(csv_path))
    normset, municipality = _norms_choice(kit, norms, on[0])
    if not isinstance(normset, str) and municipality is not None:
        normset = normset.id  # each date takes the version of the municipality's set in force
    given = scenario or []
    scenarios = kit.load_scenarios(
        [
            s if s.lower().endswith(NORM_FILE_SUFFIXES) else kit.example(s, "scenario")[1]
            for s in given
        ]
    )
    # A scenario example may be named by its example id or by its own id.
    aliases = {name: loaded.id for name, loaded in zip(given, scenarios, strict=True)}
    baseline = aliases.get(baseline, baseline)
    result = kit.plan(
        inventory, normset, on, scenarios, explain, municipality=municipality, baseline=baseline
    )
    if output is Format.json:
        typer.echo(escaping.json_text(result.model_dump_json(indent=2)))
    elif output is Format.csv:
        typer.echo(plan_csv(result, formula_guard=formula_guard), nl=False)
    elif output is Format.markdown:
        typer.echo(plan_markdown(result), nl=False)
    else:
        console = _console()
        console.print(_text(plan_heading(result)))
        console.print(_text(LEGEND))
        units = has_units(result)
        if not units:
            console.print(_text(NO_UNITS))
        for run in (result.base, *result.scenarios):
            _print_rows(run_title(run), *run_table(run, units))
            headers, rows = figure_table(run)
            if rows:
                _print_rows(f"{run.id}: figures", headers, rows)
            for line in change_lines(run):
                _echo(f"  change {line}")
            for line in run_lines(run, result.dates):
                _echo(f"  {line}")
        for difference in result.differences:
            _print_rows(
                f"{difference.scenario} − {difference.against}",
                *difference_table(difference, units),
            )
            for line in difference_lines(difference, result.dates, units):
                _echo(f"  {line}")
        for note in result.notes:
            _echo(f"note: {note}")


@app.command()
@_reports_errors
def kostra(
    files: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Inventories, each set beside the others (several municipalities); default: "
            "the bundled example."
        ),
    ] = None,
    example: Annotated[
        list[str] | None,
        typer.Option("--example", help="An example inventory a plugin ships (repeatable)."),
    ] = None,
    at: Annotated[
        str | None,
        typer.Option(
            "--at", help="Date (YYYY-MM-DD); default: each inventory's as_of, else today."
        ),
    ] = None,
    output: FormatOption = Format.table,
    formula_guard: FormulaGuardOption = True,
) -> None:
    """KOSTRA's physician hours per week per nursing-home resident, beside SSB's figures."""
    from pydantic import TypeAdapter

    from .kostra_report import (
        COMPARISON_HEADERS,
        KOSTRA_HEADERS,
        comparison_rows,
        kostra_csv,
        kostra_lines,
        kostra_markdown,
        kostra_rows,
    )
    from .planning.kostra import KostraPosition

    if files and example:
        raise NormkitError("give inventory FILES or --example, not both")
    kit = _kit()
    paths = [kit.example(e)[1] for e in example] if example else files or [EXAMPLE_INVENTORY]
    day = _date(at)
    results = []
    for path in paths:
        inventory = kit.load_inventory(path)
        results.append(kit.kostra(inventory, day or inventory.as_of or dt.date.today()))
    if output is Format.json:
        document = TypeAdapter(list[KostraPosition]).dump_json(results, indent=2).decode()
        typer.echo(escaping.json_text(document))
    elif output is Format.csv:
        typer.echo(kostra_csv(results, formula_guard=formula_guard), nl=False)
    elif output is Format.markdown:
        typer.echo(kostra_markdown(results), nl=False)
    else:
        if len(results) > 1:
            _print_rows(
                "Side by side (Δ = value − the latest published figure of its kind up to the "
                "date's year)",
                COMPARISON_HEADERS,
                comparison_rows(results),
            )
        for result in results:
            lines = kostra_lines(result)
            _print_rows(lines[0], KOSTRA_HEADERS, kostra_rows(result))
            for line in lines[1:]:
                _echo(line)


def _print_rows(title: str, headers: list[str], rows: list[list[str]]) -> None:
    from rich.table import Table

    if len(rows) > LONG_TABLE:
        _print_plain_table(title, headers, rows)
        return
    table = Table(title=_text(title), title_justify="left")
    for header in headers:
        numeric = header not in ("Date", "Norm set", "Year", "Statistic", "Inventory")
        table.add_column(header, justify="right" if numeric else "left", no_wrap=True)
    for row in rows:
        table.add_row(*(_text(c) for c in row))
    _console().print(table)


def _print_comparison(result: Any, title: str) -> None:
    from rich.table import Table

    from .report import DIFF, comparison_headers, comparison_rows

    headers = comparison_headers(result)
    rows = comparison_rows(result)
    if len(rows) > LONG_TABLE:
        _print_plain_table(title, headers, rows)
        return
    table = Table(title=_text(title), title_justify="left")
    for header in headers:
        if header == "Why":
            table.add_column(header, overflow="fold", ratio=1, min_width=20)
        else:
            numeric = _numeric(header) or header == DIFF
            table.add_column(header, justify="right" if numeric else "left", no_wrap=True)
    for row in rows[:-1]:
        style = "bold" if row[1] == "(facility total)" else None
        table.add_row(*(_text(c) for c in row), style=style)
    table.add_row(*(_text(c) for c in rows[-1]), style="bold reverse")
    _console().print(table)


#: Rows past which the table is printed as plain columns: rich lays a table
#: out at about 3 ms a row and shows nothing until it is done (100 000 units
#: would take five minutes), plain columns cost microseconds a row.
LONG_TABLE = 2_000


def _print_table(result: Any, title: str) -> None:
    from rich.table import Table

    from .report import HEADERS, ROUNDING, alert_lines, indicator_lines, total_row, unit_rows

    console = _console()
    rows = unit_rows(result)
    if not result.units:
        console.print(_text(title))
    elif len(rows) > LONG_TABLE:
        _print_plain_table(title, HEADERS, [*rows, total_row(result)])
        console.print(ROUNDING)
    else:
        table = Table(title=_text(title), title_justify="left", show_lines=False)
        for header in HEADERS:
            if header == "Note":
                table.add_column(header, overflow="fold", ratio=1, min_width=20)
            elif _numeric(header):
                table.add_column(header, justify="right", no_wrap=True)
            else:
                table.add_column(header, justify="left", no_wrap=True)
        for row in rows:
            style = "bold" if row[1] == "(facility total)" else None
            table.add_row(*(_text(c) for c in row), style=style)
        table.add_row(*(_text(c) for c in total_row(result)), style="bold reverse")
        console.print(table)
        console.print(ROUNDING)
    for line in indicator_lines(result):
        console.print(_text(line))
    for line in alert_lines(result):
        console.print(_text("alert ", "yellow") + _text(line))
    for note in result.notes:
        console.print(_text(f"note: {note}"))


def _numeric(header: str) -> bool:
    return header.endswith("FTE") or header == "Beds"


def _print_plain_table(title: str, headers: list[str], rows: list[list[str]]) -> None:
    """The table as aligned columns, without borders or styles; the last column unpadded."""
    from rich.cells import cell_len

    cells = [[escaping.terminal(c) for c in row] for row in [headers, *rows]]
    widths = [max(cell_len(row[i]) for row in cells) for i in range(len(headers) - 1)]

    def line(row: list[str]) -> str:
        padded = [
            " " * (width - cell_len(cell)) + cell
            if _numeric(header)
            else cell + " " * (width - cell_len(cell))
            for header, width, cell in zip(headers, widths, row, strict=False)
        ]
        return "  ".join([*padded, row[-1]]).rstrip()

    rule = "  ".join("-" * w for w in [*widths, cell_len(headers[-1])])
    body, total = cells[1:-1], cells[-1]
    typer.echo("\n".join([escaping.terminal(title), line(cells[0]), rule]))
    for start in range(0, len(body), 1_000):  # printed as it goes, a thousand rows at a time
        typer.echo("\n".join(line(row) for row in body[start : start + 1_000]))
    typer.echo("\n".join([rule, line(total)]))


@app.command()
@_reports_errors
def plugins(
    output: ListFormatOption = ListFormat.table,
) -> None:
    """List loaded plugins, what each registered, how long each took, and any that failed."""
    from .plugins import SLOW_SECONDS

    kit = _kit()
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
            }
        )
    problems = kit.problems()
    if output is ListFormat.json:
        failures = [
            {"plugin": f.plugin, "distribution": f.distribution, "stage": f.stage, "error": f.error}
            for f in kit.failures
        ]
        document = {
            "plugins": rows,
            "failures": failures,
            "problems": problems,
            "warnings": kit.warnings,
        }
        typer.echo(escaping.json_text(json.dumps(document, indent=2, ensure_ascii=False)))
    else:
        from rich.table import Table

        table = Table(title="normkit plugins", title_justify="left")
        for header in (
            "Plugin",
            "Distribution",
            "Municipalities",
            "Norm sets",
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
                for k in ("bed_types", "rule_kinds")
                if row[k]
            )
            dist = row["distribution"] or ""
            if row["version"]:
                dist += f" {row['version']}"
            load = f"{row['load_seconds']:.2f} s" + (" (slow)" if row["slow"] else "")
            table.add_row(
                _text(row["plugin"]),
                _text(dist),
                _lines(munis),
                _lines(normsets),
                _text(extra),
                _text(load, "yellow" if row["slow"] else None),
            )
        console = _console()
        console.print(table)
        if any(r["slow"] for r in rows):
            console.print(_text(f"(slow: more than {SLOW_SECONDS:g} s to load and register)"))
        for problem in problems:
            console.print(_text("problem: ", "red") + _text(problem))
        for warning in kit.warnings:
            console.print(_text("warning: ", "yellow") + _text(warning))
    if problems:
        raise typer.Exit(1)


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _lines(items: list[str]) -> Any:
    """One cell of several lines, each escaped on its own."""
    from rich.text import Text

    return Text("\n").join(_text(item) for item in items)


@app.command()
@_reports_errors
def norms(
    municipality: Annotated[
        str | None, typer.Option("--municipality", help="Only this municipality's norm sets.")
    ] = None,
    at: Annotated[
        str | None, typer.Option("--at", help="Only versions in force on this date.")
    ] = None,
    output: ListFormatOption = ListFormat.table,
) -> None:
    """List norm sets and their versions."""
    kit = _kit()
    on = _date(at)
    ids = kit.normset_ids()
    if municipality:
        ids = [i for i in kit.municipality(municipality, on).normsets if i in ids]
    rows = [
        {
            "id": v.id,
            "version": v.version,
            "title": v.title,
            "valid_from": v.validity.valid_from.isoformat() if v.validity.valid_from else None,
            "valid_to": v.validity.valid_to.isoformat() if v.validity.valid_to else None,
            "municipality": v.municipality,
            "plugin": v.plugin,
        }
        for normset_id in ids
        for v in kit.versions(normset_id)
        if on is None or v.validity.in_force(on)
    ]
    if output is ListFormat.json:
        typer.echo(escaping.json_text(json.dumps(rows, indent=2, ensure_ascii=False)))
        return
    from rich.table import Table

    table = Table(title="norm sets" + (f" in force on {on}" if on else ""), title_justify="left")
    for header in ("Id", "Version", "Valid", "Title", "Municipality", "Plugin"):
        table.add_column(header, overflow="fold")
    for r in rows:
        table.add_row(
            *(
                _text(str(value))
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
    _console().print(table)


@app.command()
@_reports_errors
def show(
    normset_id: Annotated[str, typer.Argument(metavar="ID", help="Norm-set id.")],
    at: Annotated[
        str | None, typer.Option("--at", help="Date (YYYY-MM-DD); default: today.")
    ] = None,
    output: ListFormatOption = ListFormat.table,
) -> None:
    """Show a norm set as in force on a date: its rules, overrides and sources."""
    from .show import as_json, header_lines, sections

    kit = _kit()
    on = _date(at) or dt.date.today()
    resolved = kit.resolve(normset_id, on)
    if output is ListFormat.json:
        typer.echo(escaping.json_text(json.dumps(as_json(resolved), indent=2, ensure_ascii=False)))
        return
    # One block per entry, not a table: sources and rules are long, and a planner
    # must be able to read every one at any terminal width.
    for line in header_lines(resolved):
        _echo(line)
    for title, headers, rows in sections(resolved, kit.bed_types):
        typer.echo(f"\n{title}")
        for row in rows:
            _echo(f"  • {row[0]}")
            width = max(len(h) for h in headers[1:]) if len(headers) > 1 else 0
            for header, value in zip(headers[1:], row[1:], strict=True):
                if value:
                    lines = value.splitlines()
                    _echo(f"      {header.lower() + ':':<{width + 1}} {lines[0]}")
                    for more in lines[1:]:
                        _echo(f"      {'':<{width + 1}} {more}")


@app.command()
@_reports_errors
def check(
    targets: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[PATH|PLUGIN]...",
            help="Norm-set files or folders, or installed plugin names; default: every plugin.",
        ),
    ] = None,
    output: ListFormatOption = ListFormat.table,
) -> None:
    """Validate norm files and plugins without assessing anything."""
    from .lint import check_paths, check_plugins, has_errors

    kit = _kit()
    paths = [Path(t) for t in targets or [] if Path(t).exists() or t.endswith(NORM_FILE_SUFFIXES)]
    names = [t for t in targets or [] if Path(t) not in paths]
    findings = check_paths(kit, paths) if paths else []
    if names or not paths:
        findings += check_plugins(kit, names or None)
    if output is ListFormat.json:
        document = json.dumps([f.to_dict() for f in findings], indent=2, ensure_ascii=False)
        typer.echo(escaping.json_text(document))
    else:
        from rich.table import Table

        console = _console()
        if findings:
            table = Table(title="normkit check", title_justify="left")
            for header in ("Severity", "Code", "Where", "Problem", "Hint"):
                wide = header not in {"Severity", "Code"}
                table.add_column(header, overflow="fold", ratio=1 if wide else None)
            for f in findings:
                table.add_row(
                    *(_text(c) for c in (f.severity, f.code, f.where(), f.message, f.hint or ""))
                )
            console.print(table)
        errors = sum(f.severity == "error" for f in findings)
        warnings = sum(f.severity == "warning" for f in findings)
        checked = ", ".join([*map(str, paths), *names]) or "every installed plugin"
        console.print(_text(f"{errors} error(s), {warnings} warning(s) in {checked}"))
    if has_errors(findings):
        raise typer.Exit(1)


class Document(enum.StrEnum):
    normset = "normset"
    inventory = "inventory"
    roster = "roster"
    manifest = "manifest"
    scenario = "scenario"


@app.command()
@_reports_errors
def schema(
    document: Annotated[Document, typer.Argument(help="Which kind of file.")],
) -> None:
    """Print the JSON Schema of a file kind, with the plugins' rule kinds and bed types."""
    from .schema import json_schema

    kit = _kit()
    schema_text = json.dumps(
        json_schema(document.value, kit.rule_kinds, kit.bed_types), indent=2, ensure_ascii=False
    )
    typer.echo(escaping.json_text(schema_text))


@app.command("new-plugin")
@_reports_errors
def new_plugin(
    municipality: Annotated[str, typer.Argument(help="The municipality's name, e.g. 'Moss'.")],
    code: Annotated[str, typer.Option("--code", help="Its kommunenummer (four digits).")],
    valid_from: Annotated[
        str, typer.Option("--valid-from", help="First day the norms apply (YYYY-MM-DD).")
    ] = "2024-01-01",
    directory: Annotated[
        Path, typer.Option("--dir", help="Where to create the package folder.")
    ] = Path("."),
) -> None:
    """Write an installable plugin package: manifest, norm file, example, tests, README."""
    from .scaffold import new_plugin as scaffold

    start = _date(valid_from, "--valid-from")
    assert start is not None
    target = scaffold(municipality, code, directory, start)
    quoted = shlex.quote(str(target))
    _echo(f"created {target}")
    _echo(f"next: pip install -e {shlex.quote(f'{target}[test]')} && cd {quoted} && pytest")


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
