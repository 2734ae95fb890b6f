"""normkit's speed and memory goals, each beside its baseline: ``python benchmarks/run.py``.

One command measures every goal of issue 12 in one run, each beside the
baseline it is judged by (measured in the same run, on the same machine),
and prints the ratio and pass or fail. Nothing here is asserted in the test
suite: timings belong in reports. ``--write-docs`` rewrites
``docs/benchmarks.md`` from the run, with the machine it ran on.

    python benchmarks/run.py             # everything, about 15 minutes on 2 cores
    python benchmarks/run.py --quick     # a fifth of the sizes, one to three rounds
    python benchmarks/run.py --only csv,explained

Each time is the best of its rounds (the least disturbed by the machine),
the two sides of a pair taken in turn. The exit code is 0 whatever the
verdicts: this is a report, read by a person, not a gate.

Checks (``--only`` takes their names):

- ``batch``: pure-norm need of 1 000 000 units with category codes, beside
  ``hours[codes] * beds / 30`` in numpy (≤ 2×).
- ``frames``: the DataFrame entry point on 1 000 000 rows: string bed types
  beside pandas ``factorize`` + gather (≤ 2×), categorical beside numpy (≤ 1.5×).
- ``csv``: ``normkit assess big.csv -o out.csv``, 1 000 000 rows in 100 000
  facilities, beside ``benchmarks/pandas_assess.py``: time and memory ≤ 3×.
- ``explained``: explained assessment per unit at 100 000 units (≤ 5 µs,
  ≤ 0.5 KB), linear from 10 000 up; 9 units with explanations (< 0.2 ms).
- ``startup``: ``import normkit`` ≤ 8×, ``normkit plugins`` ≤ 12×,
  ``normkit assess`` ≤ 16× ``python -c pass``; import + national + first
  answer in one process ≤ 30 ms. Reported beside them: click, rich and
  pydantic with one model, started alone (the floor under the goals).
- ``dask``: 10 000 000 rows from partitioned Parquet through dask on a local
  cluster: time, peak memory per worker, and the same totals as one machine.
- ``peers``: the national-norm job in zen-engine and OpenFisca-core (the
  ``bench`` extra), beside the explained path and ``assess_batch``; the
  explained path ahead of zen-engine (≤ 1×). See ``benchmarks/peers.py``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

AT = dt.date(2020, 4, 1)
CATEGORIES = ["long_term", "short_term", "rehabilitation", "dementia_special", "palliative"]
# Hours per week per place in the national norm, written out by hand.
HOURS = np.array([1 / 3, 1.5, 3.0, 0.5, 5.0])


@dataclass
class Goal:
    """One line of the report: what was measured, beside what, and the verdict."""

    check: str
    what: str
    normkit: str
    baseline: str
    ratio: float | None = None
    limit: float | None = None  # the ratio (or value) at most allowed; None: reported only
    value: float | None = None  # for goals on a value, not a ratio

    @property
    def verdict(self) -> str:
        if self.limit is None:
            return "reported"
        measured = self.ratio if self.ratio is not None else self.value
        return "pass" if measured is not None and measured <= self.limit else "FAIL"


def best_of(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def check_batch(quick: bool) -> list[Goal]:
    import normkit

    units, repeat = (200_000, 5) if quick else (1_000_000, 15)
    rng = np.random.default_rng(2012)
    codes = rng.integers(0, len(CATEGORIES), size=units)
    beds = rng.integers(1, 120, size=units).astype(float)
    resolved = normkit.Kit(autoload=False).resolve("national", AT)

    def by_hand() -> np.ndarray:
        return HOURS[codes] * beds / 30.0

    def with_normkit() -> np.ndarray:
        return normkit.assess_batch(resolved, codes, beds, categories=CATEGORIES).norm_fte

    assert np.allclose(by_hand(), with_normkit()), "batch disagrees with numpy"
    numpy_s, normkit_s = [], []
    for _ in range(repeat):  # interleaved: both see the same machine
        numpy_s.append(best_of(by_hand, 1))
        normkit_s.append(best_of(with_normkit, 1))
    ours, theirs = min(normkit_s), min(numpy_s)
    return [
        Goal(
            "batch",
            f"assess_batch, {units:,} units, category codes",
            ms(ours),
            f"numpy {ms(theirs)}",
            ours / theirs,
            2.0,
        )
    ]


def check_frames(quick: bool) -> list[Goal]:
    import frames

    result = frames.measure(rows=200_000 if quick else 1_000_000, repeat=3 if quick else 7)
    return [
        Goal(
            "frames",
            f"assess_frame, {result['rows']:,} rows, string bed types (pandas)",
            ms(result["normkit_pandas_strings_s"]),
            f"pandas factorize + gather {ms(result['pandas_factorize_gather_s'])}",
            result["strings_ratio"],
            2.0,
        ),
        Goal(
            "frames",
            f"assess_frame, {result['rows']:,} rows, categorical bed types (pandas)",
            ms(result["normkit_pandas_categorical_s"]),
            f"numpy gather {ms(result['numpy_gather_s'])}",
            result["categorical_ratio"],
            1.5,
        ),
        Goal(
            "frames",
            "the same beside numpy making the arrays of the result's five columns by hand "
            "(norm, one null column for staffing and gap, status); minor page faults per call: "
            + ", ".join(
                f"{label} {result['minor_faults'][key]:,}"
                for label, key in (
                    ("normkit", "normkit_pandas_categorical_s"),
                    ("numpy gather", "numpy_gather_s"),
                    ("numpy five columns", "numpy_result_columns_s"),
                )
            ),
            ms(result["normkit_pandas_categorical_s"]),
            f"numpy, five columns {ms(result['numpy_result_columns_s'])}",
            result["same_columns_ratio"],
        ),
        *(
            Goal(
                "frames",
                f"assess_frame, {result['rows']:,} rows, {name}",
                ms(seconds),
                f"numpy gather {ms(result['numpy_gather_s'])}",
                seconds / result["numpy_gather_s"],
                1.5,
            )
            for name, seconds in result.get("others_s", {}).items()
        ),
    ]


def check_csv(quick: bool) -> list[Goal]:
    import tables

    rows = 100_000 if quick else 1_000_000
    result = tables.bench_csv(rows, 1 if quick else 3)
    assert result["same_total_need"], "normkit and the pandas script disagree on the total need"
    what = f"normkit assess, {rows:,} rows in {result['facilities']:,} facilities, CSV out"
    return [
        Goal(
            "csv",
            f"{what}: time",
            ms(result["normkit_s"]),
            f"pandas script {ms(result['pandas_s'])}",
            result["time_ratio"],
            3.0,
        ),
        Goal(
            "csv",
            f"{what}: peak memory",
            f"{result['normkit_peak_bytes'] / 2**20:.0f} MiB",
            f"pandas script {result['pandas_peak_bytes'] / 2**20:.0f} MiB",
            result["memory_ratio"],
            3.0,
        ),
    ]


def check_explained(quick: bool) -> list[Goal]:
    import tables

    sizes = [10_000, 100_000] if not quick else [2_000, 20_000]
    result = tables.bench_explained(sizes, 1 if quick else 3)
    per_unit = {s["units"]: s["us_per_unit"] for s in result["sizes"]}
    reading = {s["units"]: s["read_us_per_unit"] for s in result["sizes"]}
    small, large = sizes
    nine = tables.bench_nine_units(200 if quick else 2000)
    return [
        Goal(
            "explained",
            f"explained assessment, {large:,} units: time per unit",
            f"{per_unit[large]:.1f} µs",
            "goal 5 µs (zen-engine: see peers)",
            value=per_unit[large],
            limit=5.0,
        ),
        Goal(
            "explained",
            f"then reading every unit's row once, {large:,} units: time per unit",
            f"{reading[large]:.1f} µs",
            "",
        ),
        Goal(
            "explained",
            "explained assessment: memory kept per unit, the inventory dropped "
            f"({result['memory_measured_at']:,} units)",
            f"{result['kept_bytes_per_unit']:.0f} B",
            "goal 512 B",
            value=result["kept_bytes_per_unit"],
            limit=512.0,
        ),
        Goal(
            "explained",
            f"linear: time per unit at {large:,} ÷ at {small:,}",
            f"{per_unit[large]:.1f} µs",
            f"{per_unit[small]:.1f} µs",
            per_unit[large] / per_unit[small],
            1.5,
        ),
        Goal(
            "explained",
            "9 units with explanations (bundled example), median",
            f"{nine['median_ms']:.3f} ms",
            "goal 0.2 ms",
            value=nine["median_ms"],
            limit=0.2,
        ),
    ]


def check_startup(quick: bool) -> list[Goal]:
    import subprocess
    import tempfile

    import startup

    with tempfile.TemporaryDirectory(prefix="normkit-venv-") as folder:
        # The goals are set for a fresh venv; without one (no package index to
        # install from) this Python is timed, and the rows say so.
        try:
            python, where = startup.fresh_venv(folder), "fresh venv"
        except (OSError, subprocess.CalledProcessError) as failed:
            print(f"  startup: no fresh venv ({failed}); timing this Python", file=sys.stderr)
            python, where = sys.executable, "this venv"
        result = startup.measure(3 if quick else 10, python)
    base = result["python_pass"]
    goals = [
        Goal(
            "startup",
            f"{what}, {where}",
            ms(result[name]),
            f"python -c pass {ms(base)}",
            result[name] / base,
            limit,
        )
        for name, (what, limit) in startup.RATIO_GOALS.items()
    ]
    goals.append(
        Goal(
            "startup",
            f"in one process: import normkit, national norm set, first answer, {where}",
            ms(result["first_answer"]),
            "goal 30 ms",
            value=result["first_answer"] * 1000,
            limit=startup.FIRST_ANSWER_GOAL * 1000,
        )
    )
    # The floor under these goals: the libraries the standards name, started alone.
    goals.append(
        Goal(
            "startup",
            f"click, rich, pydantic and one model (no normkit), {where}",
            ms(result["toolset"]),
            f"python -c pass {ms(base)}",
            result["toolset"] / base,
        )
    )
    goals.append(
        Goal(
            "startup",
            f"in one process: pydantic and one model (no normkit), {where}",
            ms(result["toolset_in_process"]),
            "goal of a first answer: 30 ms",
        )
    )
    return goals


def check_dask(quick: bool) -> list[Goal]:
    import frames

    result = frames.measure_dask(rows=1_000_000 if quick else 10_000_000)
    assert result["same_totals"], "dask and the single-machine run disagree"
    return [
        Goal(
            "dask",
            f"dask over partitioned Parquet, {result['rows']:,} rows, {result['workers']} workers",
            ms(result["dask_s"]),
            f"one process (pandas frame) {ms(result['single_s'])}",
            result["dask_s"] / result["single_s"],
        ),
        Goal(
            "dask",
            "dask: peak memory per worker",
            f"{result['peak_worker_bytes'] / 2**20:.0f} MiB",
            "",
        ),
    ]


def check_peers(quick: bool) -> list[Goal]:
    import peers  # zen-engine and OpenFisca-core come with the bench extra; absent: said so

    return [Goal(**row) for row in peers.rows(quick)]


CHECKS: dict[str, Callable[[bool], list[Goal]]] = {
    "batch": check_batch,
    "frames": check_frames,
    "csv": check_csv,
    "explained": check_explained,
    "startup": check_startup,
    "dask": check_dask,
    "peers": check_peers,
}


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{os.cpu_count()} cores ({cpu}), {memory:.0f} GiB, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}"
    )


def table(goals: list[Goal]) -> list[str]:
    lines = ["| check | measured | normkit | baseline | ratio | goal | verdict |"]
    lines.append("|---|---|---|---|---|---|---|")
    for g in goals:
        ratio = f"{g.ratio:.2f}×" if g.ratio is not None else ""
        if g.limit is None:
            goal = ""
        elif g.ratio is not None:
            goal = f"≤ {g.limit:g}×"
        else:
            goal = f"≤ {g.limit:g}"
        lines.append(
            f"| {g.check} | {g.what} | {g.normkit} | {g.baseline} | {ratio} | {goal} | "
            f"{g.verdict} |"
        )
    return lines


def write_docs(goals: list[Goal], quick: bool, seconds: float) -> None:
    path = HERE.parent / "docs" / "benchmarks.md"
    text = path.read_text(encoding="utf-8")
    start, end = "<!-- results: written by benchmarks/run.py --write-docs -->", "<!-- /results -->"
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    when = dt.date.today().isoformat()
    kind = "quick run" if quick else "full run"
    body = [
        "",
        f"On {machine()}; {kind} of {when}, {seconds / 60:.0f} minutes.",
        "",
        *table(goals),
        "",
    ]
    path.write_text(head + start + "\n".join(body) + end + tail, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes, fewer rounds")
    parser.add_argument("--only", help=f"comma-separated checks of: {', '.join(CHECKS)}")
    parser.add_argument("--write-docs", action="store_true", help="rewrite docs/benchmarks.md")
    args = parser.parse_args()
    if args.write_docs and args.only:
        parser.error("--write-docs writes every goal: run it without --only")
    chosen = args.only.split(",") if args.only else list(CHECKS)
    unknown = [c for c in chosen if c not in CHECKS]
    if unknown:
        parser.error(f"unknown check(s) {', '.join(unknown)}; checks: {', '.join(CHECKS)}")
    started = time.perf_counter()
    goals: list[Goal] = []
    for name in chosen:
        print(f"… {name}", file=sys.stderr, flush=True)
        goals.extend(CHECKS[name](args.quick))
    seconds = time.perf_counter() - started
    print(f"normkit benchmarks on {machine()}\n")
    print("\n".join(table(goals)))
    verdicts = [g.verdict for g in goals]
    print(
        f"\n{verdicts.count('pass')} pass, {verdicts.count('FAIL')} fail, "
        f"{verdicts.count('reported')} reported only"
    )
    if args.write_docs:
        write_docs(goals, args.quick, seconds)
        print("wrote docs/benchmarks.md", file=sys.stderr)


if __name__ == "__main__":
    main()
