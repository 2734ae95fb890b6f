"""Charts drawn with matplotlib (the ``report`` extra), as SVG or PNG.

Only matplotlib's object API is used (``Figure``, never ``pyplot``), so drawing
a chart changes no global state of an app that embeds normkit. An absent value
(no norm, not known) is left out of the chart, never drawn as 0.
"""

from __future__ import annotations

import io
import textwrap
from typing import Any

from .. import escaping
from ..errors import NormkitError
from .document import Chart, Kind, Num
from .locale import Locale

FORMATS = ("svg", "png")
#: Past this many categories their names are left off the axis (they would overlap).
MAX_LABELS = 40


#: kinds written otherwise on a chart's axis than in a table
_TICKS: dict[Kind, Kind] = {"nok": "figure", "signed_nok": "signed_figure"}


def plain(text: str) -> str:
    """A name as matplotlib shows it literally: '$' would start mathtext."""
    return escaping.terminal(text).replace("$", r"\$")


def need_matplotlib() -> Any:
    """matplotlib's Figure, or an error that says which extra to install."""
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise NormkitError(
            "charts need matplotlib, which is not installed",
            hint="pip install 'normkit[report]'",
            code="render.missing-extra",
        ) from None
    return Figure


def draw(chart: Chart, locale: Locale, fmt: str = "svg") -> bytes:
    """The chart as an SVG or PNG file's bytes."""
    Figure = need_matplotlib()  # first: without it, say which extra to install
    import matplotlib
    import matplotlib.ticker

    width = max(6.0, min(14.0, 1.0 + 0.9 * len(chart.categories) * max(1, len(chart.series) / 2)))
    figure = Figure(figsize=(width, 3.6), layout="constrained")
    axes = figure.subplots()
    positions = list(range(len(chart.categories)))
    if chart.kind == "bars":
        count = len(chart.series)
        step = 0.8 / count
        for i, series in enumerate(chart.series):
            known = [(p, v) for p, v in zip(positions, series.values, strict=True) if v is not None]
            axes.bar(
                [p - 0.4 + step * (i + 0.5) for p, _ in known],
                [v for _, v in known],
                width=step,
                label=plain(series.name),
            )
    else:
        for series in chart.series:
            known = [(p, v) for p, v in zip(positions, series.values, strict=True) if v is not None]
            axes.plot(
                [p for p, _ in known], [v for _, v in known], marker="o", label=plain(series.name)
            )
    if len(positions) <= MAX_LABELS:
        labels = [plain(c) for c in chart.categories]
        axes.set_xticks(
            positions,
            labels,
            rotation=30 if len(positions) > 4 else 0,
            ha="right" if len(positions) > 4 else "center",
        )
    else:
        axes.set_xticks([])
    axes.set_ylabel(plain(chart.unit))
    # wrapped: a title with its caveat is wider than the figure
    axes.set_title(textwrap.fill(plain(chart.title), 70), fontsize="medium")
    axes.axhline(0, color="black", linewidth=0.6)
    # Kroner on an axis are written as figures: its label says "kr" once for all ticks.
    tick: Kind = _TICKS.get(chart.number, chart.number)
    axes.yaxis.set_major_formatter(
        matplotlib.ticker.FuncFormatter(
            lambda value, _: locale.number(Num(value, tick)).replace("\u00a0", " ")
        )
    )
    axes.grid(axis="y", alpha=0.3)
    if len(chart.series) > 1:
        axes.legend(fontsize="small")
    buffer = io.BytesIO()
    with matplotlib.rc_context({"svg.hashsalt": "normkit", "svg.fonttype": "path"}):
        figure.savefig(buffer, format=fmt, metadata={"Date": None} if fmt == "svg" else None)
    return buffer.getvalue()
