"""Writing rendered output to files: ``--output`` and ``--chart``.

The library never writes over a user's input: a target that is one of the
inputs is refused. A file is written whole or not at all (a temporary file
beside it, then renamed), so an interrupted run leaves no half a report; a
device or pipe (``/dev/null``, a FIFO) is written to as it is.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, BinaryIO

from ..errors import NormkitError
from ..files import files_read
from .charts import FORMATS, draw
from .document import Chart
from .locale import Lang, Locale
from .reports import to_report


def check_target(path: Path, inputs: Sequence[Path] = ()) -> None:
    """Refuse to write ``path``: a folder, a file the command read, or in no folder."""
    if path.is_dir():
        raise NormkitError(f"{path} is a folder", hint="give a file name", code="render.output")
    target = path.resolve()
    for given in inputs:
        if given.exists() and given.resolve() == target:
            raise NormkitError(
                f"will not write over the input file {given}",
                hint="give another file name",
                code="render.output",
            )
    if target in files_read():  # read through another file: an extends, a folder's files
        raise NormkitError(
            f"will not write over {path}: this command read it as input",
            hint="give another file name",
            code="render.output",
        )
    if not target.parent.is_dir():
        raise NormkitError(
            f"cannot write {path}: the folder {path.parent} does not exist",
            code="render.output",
        )


def write_output(path: Path, content: str | bytes, inputs: Sequence[Path] = ()) -> None:
    """Write ``content`` to ``path`` whole, unless ``path`` is one of ``inputs``."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    with output_file(path, inputs) as file:
        file.write(data)


@contextlib.contextmanager
def output_file(path: Path, inputs: Sequence[Path] = ()) -> Iterator[BinaryIO]:
    """A file to write ``path``'s content to as it is made: it replaces ``path`` only when
    the block ends without an error (a failed run leaves no half-written file), and never
    when ``path`` is one of ``inputs``.

    A symbolic link is written through: the file it names is replaced, the link kept.
    A device, pipe or socket (``/dev/null``, ``/dev/stdout``, a FIFO) is written to as it
    is, as the shell's ``>`` would: renaming a file over it would replace the device
    itself (as root, even ``/dev/null``), and a pipe's reader would get nothing.
    """
    check_target(path, inputs)
    if _is_special(path):
        try:
            with open(path, "wb") as file:
                yield file
        except OSError as exc:
            raise _cannot_write(path, exc) from None
        return
    target = path.resolve()
    try:
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    except OSError as exc:
        raise _cannot_write(path, exc) from None
    try:
        with os.fdopen(handle, "wb") as file:
            yield file
        os.chmod(temporary, _mode(target))
        os.replace(temporary, target)
    except OSError as exc:
        raise _cannot_write(path, exc) from None
    finally:
        Path(temporary).unlink(missing_ok=True)


def _is_special(path: Path) -> bool:
    """Whether ``path`` (through any link) is there and is no regular file (nor folder)."""
    try:
        return not stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False  # not there (or a link to nothing): a new file is made


def _cannot_write(path: Path, exc: OSError) -> NormkitError:
    return NormkitError(f"cannot write {path}: {exc.strerror}", code="render.output")


def _mode(path: Path) -> int:
    """A new file's permissions as the umask gives them (mkstemp's are private)."""
    if path.exists():
        return path.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def chart_for(path: Path, names: Sequence[str]) -> str:
    """The chart a file's name asks for: 'gap.png' → 'gap', 'sarpsborg-gap.svg' → 'gap'."""
    stem = path.stem.lower()
    for name in sorted(names, key=len, reverse=True):
        if stem == name or stem.endswith((f"-{name}", f"_{name}", f".{name}")):
            return name
    # The example is one of this result's own charts (a comparison has no 'gap').
    hint = (
        f"name it after one of: {', '.join(names)}, e.g. {names[0]}.png"
        if names
        else "this result has no charts"
    )
    raise NormkitError(
        f"--chart {path}: the file's name does not say which chart", hint=hint, code="render.chart"
    )


def charts_for(result: Any, paths: Sequence[Path], lang: Lang) -> list[tuple[Path, Chart, str]]:
    """Each ``--chart`` file with the chart its name asks for and its format, checked
    before anything is written."""
    if not paths:
        return []  # laying out the report costs time a run without charts need not spend
    from .charts import need_matplotlib

    need_matplotlib()  # before anything is written: a missing extra is said first
    charts = {c.name: c for c in to_report(result, Locale(lang)).charts()}
    chosen = []
    for path in paths:
        fmt = path.suffix.lower().lstrip(".")
        if fmt not in FORMATS:
            raise NormkitError(
                f"--chart {path}: charts are drawn as .png or .svg",
                hint=f"for example --chart {next(iter(charts), path.stem)}.png",
                code="render.chart",
            )
        chosen.append((path, charts[chart_for(path, list(charts))], fmt))
    return chosen


def write_charts(
    charts: Sequence[tuple[Path, Chart, str]], lang: Lang, inputs: Sequence[Path]
) -> None:
    """Draw each chart to its file, as PNG or SVG."""
    for path, chart, fmt in charts:
        write_output(path, draw(chart, Locale(lang), fmt), inputs)
