"""The ``normkit`` command line: assess, plugins, norms, show."""

from __future__ import annotations

import contextlib
import datetime as dt
import enum
import functools
import io
import json
import os
import re
import shlex
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

# click, not typer: typer parses every option through pydantic TypeAdapters, which
# cost about 0.1 s at each start; click's plain help also reads flags as flags.
import click
from click.exceptions import Exit

from . import EXAMPLE_INVENTORY, __version__, escaping
from .errors import NormkitError

P = ParamSpec("P")
F = TypeVar("F", bound=Callable[..., Any])


class ListFormat(enum.StrEnum):
    table = "table"
    json = "json"


list_format_option = click.option(
    "--format",
    "output",
    default="table",
    show_default=True,
    metavar="table|json",
    help="Output format: table or json.",
)


def _list_format(value: str) -> ListFormat:
    """A listing's format; a bad one is the documented one-line error, exit 1."""
    try:
        return ListFormat(value)
    except ValueError:
        raise NormkitError(
            f"--format: '{value}' is not an output format here",
            hint="formats: table, json",
            code="render.format",
        ) from None


class _State:
    debug = False


def _pipe_closed() -> None:
    """The reader went away (``normkit … | head``): stop quietly with success, as Unix
    tools do, and keep Python from complaining when it flushes stdout at exit."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    raise Exit(0)


def _reports_errors(command: Callable[P, None]) -> Callable[P, None]:
    """Turn any error into one line on stderr and exit code 1 (traceback with --debug).

    A NormkitError is the user's input; anything else is a bug in normkit or a
    plugin, said as such, but still one line: a traceback helps no planner.
    """

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> None:
        from .files import noting_reads

        try:
            with noting_reads():  # an output never replaces a file the command read
                command(*args, **kwargs)
        except NormkitError as exc:
            if _State.debug:
                raise
            click.echo(f"error: {escaping.terminal(str(exc))}", err=True)
            raise Exit(1) from None
        except (Exit, click.Abort):
            raise
        except KeyboardInterrupt:
            # 128 + SIGINT, quietly: what a shell expects of an interrupted program
            # (click itself would say "Aborted!" and exit 1, the code for bad input).
            raise Exit(130) from None
        except BrokenPipeError:
            _pipe_closed()
        except (Exception, RecursionError, MemoryError) as exc:
            if _State.debug:
                raise
            text = escaping.terminal(f"{type(exc).__name__}: {exc}")
            click.echo(
                f"error: internal error, please report it (run with --debug for details): {text}",
                err=True,
            )
            raise Exit(1) from None

    return run


class _InOrder(click.Group):
    """Commands listed in ``--help`` in the order they are defined: assess first."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)


@click.group(
    cls=_InOrder,
    name="normkit",
    help="Physician staffing norms as code: need, staffed, gap, with every figure explained.",
    no_args_is_help=True,
)
@click.option("--debug", is_flag=True, help="Show tracebacks on errors.")
@click.version_option(__version__, "--version", prog_name="normkit", message="%(prog)s %(version)s")
def app(debug: bool) -> None:
    _State.debug = debug


def _date(value: str | None, option: str = "--at") -> dt.date | None:
    """A date option, written as in files: YYYY-MM-DD or DD.MM.YYYY."""
    if value is None:
        return None
    from .values import date_given

    return date_given(value, option)


NORM_FILE_SUFFIXES = (".yaml", ".yml", ".toml", ".json")


def _kit() -> Any:
    from .kit import Kit

    return Kit()


def _console() -> Any:
    from .render.text import console_for

    return console_for()


def _echo(line: str) -> None:
    click.echo(escaping.terminal(line))


# Options that several commands share: one definition each.
PATH = click.Path(path_type=Path)
inventory_argument = click.argument("file", required=False, type=PATH)
example_option = click.option(
    "--example",
    metavar="ID",
    help="An example inventory shipped by a plugin (normkit plugins lists them).",
)
at_option = click.option(
    "--at",
    metavar="DATE",
    help="Date (YYYY-MM-DD or DD.MM.YYYY); default: the inventory's as_of, else today.",
)


def _format_option(formats: str) -> Callable[[F], F]:
    """``--format``, with the built-in formats this command writes."""
    return click.option(
        "--format",
        "output",
        metavar="FORMAT",
        help=f"Output format: {formats}, or one a plugin adds (normkit plugins lists them); "
        "default: the --output file's extension, else table.",
    )


#: what every report command writes; assess also writes JSON Lines
REPORT_FORMATS = "table, json, csv, markdown, html, xlsx"
output_option = click.option(
    "--output",
    "-o",
    "to",
    type=PATH,
    metavar="FILE",
    help="Write to this file instead of stdout (never over an input file).",
)
lang_option = click.option(
    "--lang",
    default="en",
    show_default=True,
    metavar="en|nb",
    help="Language of labels and numbers: en, or nb (5,16; 1 190 000 kr).",
)


def _chart_option(*charts: str) -> Callable[[F], F]:
    """``--chart``, with the charts this command's result has."""
    return click.option(
        "--chart",
        type=PATH,
        multiple=True,
        metavar="FILE",
        help=f"Also draw a chart as PNG or SVG, the file named after it: {', '.join(charts)} "
        f"(e.g. {charts[-1]}.png, or with a prefix: sarpsborg-{charts[-1]}.svg). Repeatable.",
    )


formula_guard_option = click.option(
    "--formula-guard/--no-formula-guard",
    default=True,
    show_default=True,
    help="CSV: prefix text cells a spreadsheet would run as a formula with ' "
    "(turn off for programs that read the CSV).",
)


def _explain_option(help_text: str) -> Callable[[F], F]:
    return click.option("--explain", is_flag=True, help=help_text)


def _options(*options: Callable[[F], F]) -> Callable[[F], F]:
    """Several click options as one decorator, listed in ``--help`` in the order given."""

    def apply(command: F) -> F:
        for option in reversed(options):
            command = option(command)
        return command

    return apply


#: what a report command takes after its own options, in this order
report_options = _options(_format_option(REPORT_FORMATS), output_option, lang_option)


def _emit(
    kit: Any,
    result: Any,
    output: str | None,
    *,
    lang: str,
    explain: bool = False,
    formula_guard: bool = True,
    to: Path | None = None,
    charts: list[Path] | None = None,
    inputs: tuple[Path, ...] = (),
) -> None:
    """Render a result and write it: to stdout, or to ``--output``, and any ``--chart``."""
    from .render import RenderOptions, check, for_output, locale, render, render_pieces
    from .render.files import charts_for, check_target, output_file

    renderer = for_output(output, to, kit.renderers.values())
    language = locale(lang).lang
    console = None
    if to is None and renderer.name == "table":
        console = _console()
    options = RenderOptions(
        lang=language, explain=explain, formula_guard=formula_guard, console=console
    )
    if to is None and renderer.binary and _stdout_is_terminal():
        raise NormkitError(
            f"--format {renderer.name} writes a binary file",
            hint=f"give --output FILE{renderer.extension}, or pipe it to a file",
            code="render.binary",
        )
    drawn = charts_for(result, charts or [], language)  # a wrong name fails before any output
    # What can be known to fail is checked before anything is written: the format's
    # options and the output's file. Then the charts: one that cannot be written (a
    # missing folder) stops the command before its output is written.
    check(renderer, options)
    if to is not None:
        check_target(to, inputs)
    _write_charts(drawn, language, inputs)
    if to is not None:
        # Written as it is made (a plan's JSON a period at a time), replacing the file
        # only once all of it is written: a failed run leaves no file half written.
        with output_file(to, inputs) as file:
            for piece in render_pieces(result, renderer, options):
                file.write(piece.encode("utf-8") if isinstance(piece, str) else piece)
        _echo_err(f"wrote {to}")
        return
    if renderer.name == "table" or _stdout_is_terminal():
        text = render(result, renderer, options)
        if isinstance(text, bytes):
            sys.stdout.buffer.write(text)
            sys.stdout.flush()
        elif text:
            click.echo(text, nl=False)
        return
    # A file's format is UTF-8 (a CSV for Excel starts with its byte-order mark),
    # whatever the encoding Python chose for a redirected stdout (cp1252 on Windows).
    sys.stdout.flush()
    for piece in render_pieces(result, renderer, options):
        sys.stdout.buffer.write(piece.encode("utf-8") if isinstance(piece, str) else piece)
    sys.stdout.flush()


def _write_charts(drawn: Any, language: Any, inputs: tuple[Path, ...]) -> None:
    from .render.files import write_charts

    write_charts(drawn, language, inputs)
    for path, _, _ in drawn:
        _echo_err(f"wrote {path}")


@contextlib.contextmanager
def _into(to: Path | None, inputs: tuple[Path, ...] = ()) -> Iterator[None]:
    """What a listing prints, written to ``--output`` instead of stdout when given (the
    commands exit 1 for the problems they list after this block, so the file is written)."""
    if to is None:
        yield
        return
    from .render.files import write_output

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        yield
    write_output(to, buffer.getvalue(), inputs)
    _echo_err(f"wrote {to}")


def _stdout_is_terminal() -> bool:
    return sys.stdout.isatty()


def _echo_err(line: str) -> None:
    click.echo(escaping.terminal(line), err=True)


def _inventory_on(
    kit: Any, file: Path | None, example: str | None, at: str | None
) -> tuple[Any, dt.date, Path]:
    """The inventory (a file, a plugin's example, or the bundled one), the date, the path."""
    if file is not None and example is not None:
        raise NormkitError("give an inventory FILE or --example, not both")
    # `--example ''` is an unknown example, never the bundled one
    path = kit.example(example)[1] if example is not None else file or EXAMPLE_INVENTORY
    inventory = kit.load_inventory(path)
    return inventory, _date(at) or inventory.as_of or dt.date.today(), Path(path)


@app.command()
@inventory_argument
@click.option(
    "--norms",
    metavar="ID|FILE|MUNICIPALITY",
    help="Norm-set id, a norm-set file to use as is, or a municipality; default: national.",
)
@example_option
@click.option(
    "--municipality", metavar="NAME|CODE", help="Use this municipality's norm set (name or code)."
)
@at_option
@_format_option("table, json, jsonl, csv, markdown, html, xlsx")
@output_option
@lang_option
@_explain_option("Show how every figure was computed.")
@_chart_option("need-staffed", "gap")
@formula_guard_option
@_reports_errors
def assess(
    file: Path | None,
    norms: str | None,
    example: str | None,
    municipality: str | None,
    at: str | None,
    output: str | None,
    to: Path | None,
    lang: str,
    explain: bool,
    chart: tuple[Path, ...],
    formula_guard: bool,
) -> None:
    """Assess an inventory: norm need, adopted need, staffed FTE and gap per unit.

    FILE: the inventory (.yaml, .json, .toml, .csv); default: the bundled example.
    """
    if norms and municipality:
        raise NormkitError("give --norms or --municipality, not both")
    kit = _kit()
    if file is not None and example is None and not chart and file.suffix.lower() == ".csv":
        from .render import for_output
        from .streaming import STREAM_FORMATS

        if for_output(output, to, kit.renderers.values()).name in STREAM_FORMATS:
            _assess_streaming(
                kit, file, norms, municipality, at, output, to, lang, explain, formula_guard
            )
            return
    from .progress import progress_bar

    with progress_bar("Assessing facilities") as progress:  # reading the file too
        inventory, on, path = _inventory_on(kit, file, example, at)
        inputs = [path]
        normset, municipality = _assess_normset(kit, norms, municipality, on, inputs)
        result = kit.assess(
            inventory, normset, on, explain=explain, municipality=municipality, progress=progress
        )
    _emit(
        kit,
        result,
        output,
        lang=lang,
        explain=explain,
        formula_guard=formula_guard,
        to=to,
        charts=list(chart),
        inputs=tuple(inputs),
    )


def _assess_normset(
    kit: Any, norms: str | None, municipality: str | None, on: dt.date, inputs: list[Path]
) -> tuple[Any, str | None]:
    """What ``assess`` measures against: the municipality's norm set, a norm-set file
    (added to ``inputs``, never written over), or a norm-set id or a municipality given
    to ``--norms`` as to plan and compare (national by default); and the municipality."""
    if municipality:
        return kit.normset_for(municipality, on), municipality
    if norms and norms.lower().endswith(NORM_FILE_SUFFIXES):
        inputs.append(Path(norms))
        return kit.load_normset(norms), None
    return kit.normset_or_municipality(norms or "national", on)  # type: ignore[no-any-return]


def _assess_streaming(
    kit: Any,
    file: Path,
    norms: str | None,
    municipality: str | None,
    at: str | None,
    output: str | None,
    to: Path | None,
    lang: str,
    explain: bool,
    formula_guard: bool,
) -> None:
    """``normkit assess FILE.csv --format csv|jsonl``: units written as they are assessed
    (:mod:`normkit.streaming`), the same output as the usual path in flat memory."""
    from .progress import progress_bar
    from .render import RenderOptions, check, for_output, locale
    from .render.files import output_file

    renderer = for_output(output, to, kit.renderers.values())
    check(renderer, RenderOptions(lang=locale(lang).lang, explain=explain))

    on = _date(at) or dt.date.today()  # a CSV inventory has no as_of
    inputs = [file]
    normset, municipality = _assess_normset(kit, norms, municipality, on, inputs)
    format = renderer.name

    def run(out: Any) -> None:
        with progress_bar("Assessing facilities") as progress:
            kit.assess_csv_to(
                file,
                normset,
                on,
                out,
                format,
                explain,
                municipality=municipality,
                formula_guard=formula_guard,
                lang=locale(lang).lang,
                progress=progress,
            )

    if to is None and _stdout_is_terminal():
        run(sys.stdout)
        sys.stdout.flush()
        return
    if to is None:  # redirected: UTF-8 whatever Python's encoding for stdout (as _emit)
        sys.stdout.flush()
        utf8 = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="")
        try:
            run(utf8)
        finally:  # stdout stays open whatever happened (a wrapper closes what it wraps)
            utf8.flush()
            utf8.detach()
        return
    with output_file(to, tuple(inputs)) as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        run(text)
        text.flush()
        text.detach()
    _echo_err(f"wrote {to}")


def _norms_choice(kit: Any, value: str, on: dt.date) -> tuple[Any, str | None]:
    """A norm-set id, a norm-set file, or a municipality (name or kommunenummer).

    Returns the norm set (an id or a loaded NormSet) and the municipality it
    was chosen for, if it was chosen by one.
    """
    if value.lower().endswith(NORM_FILE_SUFFIXES):
        return kit.load_normset(value), None
    return kit.normset_or_municipality(value, on)  # type: ignore[no-any-return]


@app.command()
@inventory_argument
@click.option(
    "--norms",
    default="national",
    show_default=True,
    metavar="ID|FILE|MUNICIPALITY",
    help="Left side: a norm-set id, a norm-set file, or a municipality (name or code).",
)
@click.option(
    "--against",
    metavar="ID|FILE|MUNICIPALITY",
    help="Right side (required): a norm-set id, a norm-set file, or a municipality.",
)
@example_option
@at_option
@report_options
@_explain_option("Show how each side computed every figure.")
@_chart_option("required")
@formula_guard_option
@_reports_errors
def compare(
    file: Path | None,
    norms: str,
    against: str | None,
    example: str | None,
    at: str | None,
    output: str | None,
    to: Path | None,
    lang: str,
    explain: bool,
    chart: tuple[Path, ...],
    formula_guard: bool,
) -> None:
    """Compare two norm sets on one inventory: each side's need per unit, the difference, why.

    FILE: the inventory (.yaml, .json, .toml, .csv); default: the bundled example.
    """
    if against is None:
        raise NormkitError(
            "give the norm set to compare with: --against ID|FILE|MUNICIPALITY",
            hint="for example: normkit compare --against Sarpsborg",
        )
    kit = _kit()
    inventory, on, path = _inventory_on(kit, file, example, at)
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
    inputs = [path, *(Path(n) for n in (norms, against) if n.lower().endswith(NORM_FILE_SUFFIXES))]
    _emit(
        kit,
        result,
        output,
        lang=lang,
        explain=explain,
        formula_guard=formula_guard,
        to=to,
        charts=list(chart),
        inputs=tuple(inputs),
    )


_YEAR = re.compile(r"[0-9]{4}")


def _years(text: str | None) -> list[int]:
    """'2020-2026', '2020..2026', '2020,2022,2024' or '2024' as a list of years."""
    if text is None:
        return []
    years: list[int] = []
    for part in text.replace("..", "-").split(","):
        first, dash, last = (side.strip() for side in part.partition("-"))
        # four ASCII digits each ('2020-' is no range; int() would take '2_020' and '２０２０')
        if not (_YEAR.fullmatch(first) and (_YEAR.fullmatch(last) or not (dash or last))):
            raise NormkitError(
                f"--years: '{part.strip()}' is not a year or a range of years",
                hint="for example --years 2020-2026 or --years 2020,2024",
                code="plan.years",
            )
        start, end = int(first), int(last or first)
        if not (1900 <= start <= end <= 2200):
            raise NormkitError(
                f"--years: '{part.strip()}' is not a range of years from 1900 to 2200, "
                "first year first",
                code="plan.years",
            )
        years.extend(range(start, end + 1))
    return years


_MONTH_DAY = re.compile(r"([0-9]{1,2})-([0-9]{1,2})")


def _month_day(text: str) -> tuple[int, int]:
    found = _MONTH_DAY.fullmatch(text.strip())  # ASCII digits: int() takes '1_0' and '１０'
    try:
        if found is None:
            raise ValueError(text)
        value = (int(found[1]), int(found[2]))
        dt.date(2024, *value)  # a leap year, so 02-29 is a day of the year
    except ValueError:
        raise NormkitError(
            f"--day: '{text}' is not a day of the year (MM-DD)",
            hint="for example --day 01-01 or --day 04-01",
            code="plan.date",
        ) from None
    return value


@app.command()
@click.argument("files", nargs=-1, type=PATH)
@click.option(
    "--norms",
    default="national",
    show_default=True,
    metavar="ID|FILE|MUNICIPALITY",
    help="The base norm set: an id, a norm-set file, or a municipality (name or code).",
)
@click.option(
    "--scenario",
    multiple=True,
    metavar="FILE|ID",
    help="A scenario file, or a scenario example a plugin ships (repeat for several).",
)
@click.option("--years", metavar="YEARS", help="Years to evaluate: 2020-2026, or 2020,2024.")
@click.option(
    "--day",
    default="01-01",
    show_default=True,
    metavar="MM-DD",
    help="The day of each year evaluated (MM-DD).",
)
@click.option(
    "--date",
    "dates",
    multiple=True,
    metavar="DATE",
    help="A date to evaluate as well (repeat for several).",
)
@click.option(
    "--example",
    multiple=True,
    metavar="ID",
    help="An example inventory shipped by a plugin (repeat to put together; FILES "
    "given too are added).",
)
@click.option(
    "--baseline",
    default="base",
    show_default=True,
    metavar="base|ID",
    help="What every run is set beside: base (the inventory as given) or a scenario id.",
)
@click.option(
    "--population",
    metavar="FILE|ID",
    help="Populations by year and age group: a CSV as SSB's statbank exports it, or a "
    "population example a plugin ships; replaces the inventory's populations.",
)
@report_options
@_explain_option("JSON: include how every figure of every date was computed.")
@_chart_option("need-staffed", "gap", "measures")
@formula_guard_option
@_reports_errors
def plan(
    files: tuple[Path, ...],
    norms: str,
    scenario: tuple[str, ...],
    years: str | None,
    day: str,
    dates: tuple[str, ...],
    example: tuple[str, ...],
    baseline: str,
    population: str | None,
    output: str | None,
    to: Path | None,
    lang: str,
    explain: bool,
    chart: tuple[Path, ...],
    formula_guard: bool,
) -> None:
    """Plan over years: need, staffed, gap and costs per date, for a base and its scenarios.

    FILES: inventories (.yaml, .json, .toml, .csv), put together with the examples
    named; default: the inventories a scenario example names, else the bundled example.
    """
    from .inventory import combine_inventories
    from .planning.projection import plan_dates

    if explain and (output or (to.suffix.lstrip(".") if to else "")).lower() != "json":
        raise NormkitError(
            "--explain is available with --format json only",
            hint="for one date's explanations as text: normkit assess --at DATE --explain",
        )
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
        example = tuple(bases.pop()) if bases else ()
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
    # Examples and files are put together: a plugin's example and your own figures beside it.
    paths = [*(kit.example(e)[1] for e in example or []), *(files or [])] or [EXAMPLE_INVENTORY]
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
    given = list(scenario)
    scenarios = kit.load_scenarios(
        [
            s if s.lower().endswith(NORM_FILE_SUFFIXES) else kit.example(s, "scenario")[1]
            for s in given
        ]
    )
    # A scenario example may be named by its example id or by its own id.
    aliases = {name: loaded.id for name, loaded in zip(given, scenarios, strict=True)}
    baseline = aliases.get(baseline, baseline)
    from .progress import progress_bar

    with progress_bar("Planning") as progress:
        result = kit.plan(
            inventory,
            normset,
            on,
            scenarios,
            explain,
            municipality=municipality,
            baseline=baseline,
            progress=progress,
        )
    inputs = [
        *map(Path, paths),
        *(Path(s) for s in given if s.lower().endswith(NORM_FILE_SUFFIXES)),
    ]
    if population is not None:
        inputs.append(Path(csv_path))
    _emit(
        kit,
        result,
        output,
        lang=lang,
        explain=explain,
        formula_guard=formula_guard,
        to=to,
        charts=list(chart),
        inputs=tuple(inputs),
    )


@app.command()
@click.argument("files", nargs=-1, type=PATH)
@click.option(
    "--example",
    multiple=True,
    metavar="ID",
    help="An example inventory a plugin ships (repeatable; normkit plugins lists them).",
)
@click.option(
    "--at",
    metavar="DATE",
    help="Date (YYYY-MM-DD or DD.MM.YYYY); default: each inventory's as_of, else today.",
)
@report_options
@formula_guard_option
@_reports_errors
def kostra(
    files: tuple[Path, ...],
    example: tuple[str, ...],
    at: str | None,
    output: str | None,
    to: Path | None,
    lang: str,
    formula_guard: bool,
) -> None:
    """KOSTRA's physician hours per week per nursing-home resident, beside SSB's figures.

    FILES: inventories, each set beside the others (several municipalities); default:
    the bundled example.
    """
    if files and example:
        raise NormkitError("give inventory FILES or --example, not both")
    kit = _kit()
    paths = [kit.example(e)[1] for e in example] if example else files or [EXAMPLE_INVENTORY]
    day = _date(at)
    results = []
    for path in paths:
        inventory = kit.load_inventory(path)
        results.append(kit.kostra(inventory, day or inventory.as_of or dt.date.today()))
    _emit(kit, results, output, lang=lang, formula_guard=formula_guard, to=to, inputs=tuple(paths))


@app.command()
@list_format_option
@output_option
@_reports_errors
def plugins(output: str, to: Path | None) -> None:
    """List loaded plugins, what each registered, how long each took, and any that failed."""
    listing = _list_format(output)
    from .plugins import SLOW_SECONDS
    from .render.listings import plugins_document, print_plugins

    document = plugins_document(_kit())
    with _into(to):
        if listing is ListFormat.json:
            click.echo(escaping.json_text(json.dumps(document, indent=2, ensure_ascii=False)))
        else:
            print_plugins(document, _console(), SLOW_SECONDS)
    if document["problems"]:
        raise Exit(1)


@app.command()
@click.option("--municipality", metavar="NAME|CODE", help="Only this municipality's norm sets.")
@click.option("--at", metavar="DATE", help="Only versions in force on this date.")
@list_format_option
@output_option
@_reports_errors
def norms(municipality: str | None, at: str | None, output: str, to: Path | None) -> None:
    """List norm sets and their versions."""
    listing = _list_format(output)
    from .render.listings import norm_rows

    on = _date(at)
    rows = norm_rows(_kit(), municipality, on)
    from .render.listings import print_norms

    with _into(to):
        if listing is ListFormat.json:
            click.echo(escaping.json_text(json.dumps(rows, indent=2, ensure_ascii=False)))
        else:
            print_norms(rows, on, _console())


@app.command()
@click.argument("normset_id", metavar="ID")
@click.option("--at", metavar="DATE", help="Date (YYYY-MM-DD or DD.MM.YYYY); default: today.")
@list_format_option
@output_option
@_reports_errors
def show(normset_id: str, at: str | None, output: str, to: Path | None) -> None:
    """Show a norm set as in force on a date: its rules, overrides and sources.

    ID: the norm-set id (normkit norms lists them).
    """
    listing = _list_format(output)
    from .show import as_json

    kit = _kit()
    on = _date(at) or dt.date.today()
    resolved = kit.resolve(normset_id, on)
    from .render.listings import show_lines

    with _into(to):
        if listing is ListFormat.json:
            document = json.dumps(as_json(resolved), indent=2, ensure_ascii=False)
            click.echo(escaping.json_text(document))
        else:
            for line in show_lines(resolved, kit.bed_types):
                _echo(line)


@app.command()
@click.argument("targets", nargs=-1, metavar="[PATH|PLUGIN]...")
@list_format_option
@output_option
@_reports_errors
def check(targets: tuple[str, ...], output: str, to: Path | None) -> None:
    """Validate norm files and plugins without assessing anything.

    PATH|PLUGIN: norm-set files or folders, or installed plugin names; default: every plugin.
    """
    listing = _list_format(output)
    from .lint import check_paths, check_plugins, has_errors

    kit = _kit()
    paths = [Path(t) for t in targets or [] if Path(t).exists() or t.endswith(NORM_FILE_SUFFIXES)]
    names = [t for t in targets or [] if Path(t) not in paths]
    findings = check_paths(kit, paths) if paths else []
    if names or not paths:
        findings += check_plugins(kit, names or None)
    from .render.listings import print_check

    with _into(to, tuple(paths)):
        if listing is ListFormat.json:
            document = json.dumps([f.to_dict() for f in findings], indent=2, ensure_ascii=False)
            click.echo(escaping.json_text(document))
        else:
            checked = ", ".join([*map(str, paths), *names]) or "every installed plugin"
            print_check(findings, checked, _console())
    if has_errors(findings):
        raise Exit(1)


class Document(enum.StrEnum):
    normset = "normset"
    inventory = "inventory"
    roster = "roster"
    manifest = "manifest"
    scenario = "scenario"


@app.command()
@click.argument("document", metavar="DOCUMENT", type=click.Choice([d.value for d in Document]))
@output_option
@_reports_errors
def schema(document: str, to: Path | None) -> None:
    """Print the JSON Schema of a file kind, with the plugins' rule kinds and bed types.

    DOCUMENT: which kind of file: normset, inventory, roster, manifest or scenario.
    """
    from .schema import json_schema

    kit = _kit()
    schema_text = json.dumps(
        json_schema(Document(document).value, kit.rule_kinds, kit.bed_types),
        indent=2,
        ensure_ascii=False,
    )
    with _into(to):
        click.echo(escaping.json_text(schema_text))


@app.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    metavar="ADDRESS",
    help="Address to listen on; 0.0.0.0 exposes it.",
)
@click.option("--port", type=int, default=8000, show_default=True, help="Port to listen on.")
@click.option(
    "--plugins",
    metavar="NAMES",
    help="Only these plugins, comma-separated (default: every installed one); "
    "chosen here, never by a request.",
)
@_reports_errors
def serve(host: str, port: int, plugins: str | None) -> None:
    """Serve the HTTP API and the planners' page (needs the 'server' extra)."""
    try:
        import uvicorn

        from .server import ServerSettings, create_app
    except ImportError:
        raise NormkitError(
            "normkit serve needs the server extra, which is not installed",
            hint="pip install 'normkit[server]'",
            code="server.missing-extra",
        ) from None
    from .kit import Kit

    allow = [p.strip() for p in plugins.split(",") if p.strip()] if plugins else None
    kit = Kit(allow=allow)
    settings = ServerSettings.from_env()
    _echo_err(f"normkit {__version__} on http://{host}:{port}/ (API under /v1, docs at /v1/docs)")
    uvicorn.run(create_app(kit, settings), host=host, port=port, log_level="warning")


@app.command("new-plugin")
@click.argument("municipality")
@click.option("--code", required=True, metavar="NNNN", help="Its kommunenummer (four digits).")
@click.option(
    "--valid-from",
    default="2024-01-01",
    show_default=True,
    metavar="DATE",
    help="First day the norms apply (YYYY-MM-DD).",
)
@click.option(
    "--dir",
    "directory",
    type=PATH,
    default=Path("."),
    show_default=True,
    help="Where to create the package folder.",
)
@_reports_errors
def new_plugin(municipality: str, code: str, valid_from: str, directory: Path) -> None:
    """Write an installable plugin package: manifest, norm file, example, tests, README.

    MUNICIPALITY: the municipality's name, e.g. 'Moss'.
    """
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
