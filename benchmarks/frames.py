"""The DataFrame entry point beside hand-written pandas and numpy, and the dask path.

    python benchmarks/frames.py            # 1 000 000 rows; dask over 10 000 000
    python benchmarks/frames.py --quick    # 200 000 rows; dask over 1 000 000

:func:`measure` times, in one process and best of ``repeat`` (interleaved, so
both sides see the same machine):

a. hand-written pandas: ``pd.factorize`` of a text bed-type column, then the
   national norm's hours per place (written out by hand) ÷ 30 × beds;
b. ``normkit.assess_frame`` on that pandas frame (text bed types);
c. hand-written numpy on integer codes: ``HOURS[codes] * beds / 30``;
d. ``normkit.assess_frame`` on the same rows with codes: a pandas
   ``Categorical`` (judged), a polars ``Enum`` and an Arrow dictionary (reported);
e. hand-written numpy making the arrays of the result's five columns (reported):
   c, one column of NaN for staffing and gap (no staffing given) and the status
   codes by a gather, with the minor page faults each side takes per call;

after checking that every side gives the same figures. Goals (issue 12):
b/a ≤ 2 and d/c ≤ 1.5. normkit does more than the baselines: it checks the
places, and gives the adopted need, staffing, gap and status as a frame.

:func:`measure_dask` writes a partitioned Parquet dataset to a temporary
folder, runs it through ``normkit.assess_dask`` on a ``LocalCluster`` of
worker processes, adds the totals up (``normkit.frame_totals``), and reports
the time, each worker's peak memory, and the same job in one process (read
the dataset with pandas, ``assess_frame``, totals) for comparison, checking
that both give the same totals.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import numpy as np

AT = dt.date(2020, 4, 1)
#: bed types of the rows; respite has no norm (its figures are NaN on every side)
CATEGORIES = ["long_term", "short_term", "rehabilitation", "dementia_special", "palliative"]
CATEGORIES += ["respite"]
#: the national norm (2012), hours per week per place, written out by hand: the baseline's
HOURS = np.array([1 / 3, 1.5, 3.0, 0.5, 5.0, np.nan])
HOURS_BY_NAME = dict(zip(CATEGORIES, HOURS, strict=True))
#: each bed type's status code (0 norm, 2 no_norm), by hand
STATUS_CODES = np.array([0, 0, 0, 0, 0, 2], dtype=np.int8)
GOALS = {"strings_ratio": 2.0, "categorical_ratio": 1.5}


def best_of(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def units(rows: int, seed: int = 2012) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {
        "bed_type": np.asarray(CATEGORIES, dtype=object)[rng.integers(0, len(CATEGORIES), rows)],
        "beds": rng.integers(1, 120, rows),
    }


def measure(rows: int = 1_000_000, repeat: int = 5) -> dict[str, Any]:
    """Seconds (best of ``repeat``) of each side, the two ratios and whether each meets its goal."""
    import pandas as pd
    import polars as pl
    import pyarrow as pa
    import pyarrow.compute as pc

    import normkit
    from normkit.unit_arrays import STATUSES

    resolved = normkit.Kit(autoload=False).resolve("national", AT)
    data = units(rows)
    strings = pd.DataFrame({"bed_type": pd.array(data["bed_type"], dtype="str")})
    strings["beds"] = data["beds"]
    categorical = strings.astype({"bed_type": pd.CategoricalDtype(CATEGORIES)})
    codes = categorical["bed_type"].cat.codes.to_numpy()
    beds = data["beds"]
    polars_enum = pl.from_pandas(strings).with_columns(pl.col("bed_type").cast(pl.Enum(CATEGORIES)))
    arrow_dictionary = pa.table(
        {"bed_type": pc.dictionary_encode(pa.array(data["bed_type"], pa.string())), "beds": beds}
    )

    def pandas_by_hand() -> np.ndarray:
        found, names = pd.factorize(strings["bed_type"])
        per_place = np.array([HOURS_BY_NAME.get(n, np.nan) for n in names]) / 30.0
        return per_place[found] * strings["beds"].to_numpy()  # type: ignore[no-any-return]

    def numpy_by_hand() -> np.ndarray:
        return HOURS[codes] * beds / 30.0  # type: ignore[no-any-return]

    def numpy_result_columns() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        # norm_fte (required_fte is the same column), staffed and gap (one null
        # column), status: the arrays normkit's result holds, without the frame
        return numpy_by_hand(), np.full(rows, np.nan), STATUS_CODES[codes]

    def normkit_on(frame: Any) -> Callable[[], Any]:
        return lambda: normkit.assess_frame(frame, resolved)

    sides: dict[str, Callable[[], Any]] = {
        "pandas_factorize_gather_s": pandas_by_hand,
        "normkit_pandas_strings_s": normkit_on(strings),
        "numpy_gather_s": numpy_by_hand,
        "normkit_pandas_categorical_s": normkit_on(categorical),
        "numpy_result_columns_s": numpy_result_columns,
        "polars Enum": normkit_on(polars_enum),
        "Arrow dictionary": normkit_on(arrow_dictionary),
    }
    expected = numpy_by_hand()
    for name, side in sides.items():  # the same figures everywhere, before any timing
        assert np.allclose(norm_of(side()), expected, rtol=1e-12, equal_nan=True), name
    statuses = normkit.assess_frame(categorical, resolved)["status"].to_numpy()
    by_hand = np.asarray(STATUSES, dtype=object)[numpy_result_columns()[2]]
    assert (statuses == by_hand).all(), "statuses"
    seconds: dict[str, list[float]] = {name: [] for name in sides}
    faults: dict[str, list[int]] = {name: [] for name in sides}
    for _ in range(repeat):
        for name, side in sides.items():
            before = _minor_faults()
            seconds[name].append(best_of(side, 1))
            faults[name].append(_minor_faults() - before)
    best = {name: min(times) for name, times in seconds.items()}
    result: dict[str, Any] = {"rows": rows, "repeat": repeat}
    result |= {k: v for k, v in best.items() if k.endswith("_s")}
    result["others_s"] = {k: v for k, v in best.items() if not k.endswith("_s")}
    result["strings_ratio"] = best["normkit_pandas_strings_s"] / best["pandas_factorize_gather_s"]
    result["categorical_ratio"] = best["normkit_pandas_categorical_s"] / best["numpy_gather_s"]
    result["same_columns_ratio"] = (
        best["normkit_pandas_categorical_s"] / best["numpy_result_columns_s"]
    )
    # the median round's: how often each side was given fresh pages by the kernel
    result["minor_faults"] = {name: sorted(f)[len(f) // 2] for name, f in faults.items()}
    result["pass"] = {name: result[name] <= limit for name, limit in GOALS.items()}
    return result


def _minor_faults() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt


def norm_of(result: Any) -> np.ndarray:
    """The pure-norm figures of a baseline's array or of any frame normkit returned."""
    if isinstance(result, np.ndarray):
        return result
    if isinstance(result, tuple):  # the hand-written result columns: norm first
        return result[0]  # type: ignore[no-any-return]
    column = result["norm_fte"]
    if hasattr(column, "to_numpy"):
        return np.asarray(column.to_numpy(), dtype=float)
    return np.asarray(column.to_pylist(), dtype=float)  # an Arrow column: nulls as NaN


# -- the dask path ------------------------------------------------------------


def write_dataset(folder: Path, rows: int, partitions: int) -> None:
    """``partitions`` Parquet files of units (facility, bed type, beds, staffed FTE)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    folder.mkdir(parents=True)
    per_file = math.ceil(rows / partitions)
    for index in range(partitions):
        size = min(per_file, rows - index * per_file)
        rng = np.random.default_rng(index)
        data = units(size, seed=index)
        facility = rng.integers(0, max(rows // 10, 1), size)
        staffed = np.round(rng.random(size) * 2, 2)
        table = pa.table(
            {
                "facility": pc.binary_join_element_wise(
                    "home ", pa.array(facility).cast(pa.string()), ""
                ),
                "bed_type": pa.array(data["bed_type"], pa.string()),
                "beds": pa.array(data["beds"], pa.int64()),
                "staffed_fte": pa.array(staffed, mask=rng.random(size) < 0.2),
            }
        )
        pq.write_table(table, folder / f"part-{index:04d}.parquet")


def _peak_rss_bytes() -> int:
    """This process's peak resident memory (Linux reports KiB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak if sys.platform == "darwin" else peak * 1024)


def single_machine(folder: str) -> dict[str, Any]:
    """The job in one fresh process: read the dataset with pandas, assess, add up."""
    import pandas as pd

    import normkit

    resolved = normkit.Kit(autoload=False).resolve("national", AT)
    start = time.perf_counter()
    frame = pd.read_parquet(folder)
    totals = normkit.frame_totals(normkit.assess_frame(frame, resolved))
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "totals": totals, "peak_bytes": _peak_rss_bytes()}


def warm_up(resolved: Any) -> None:
    """Import what a partition needs, as a long-running worker has."""
    import pandas as pd

    import normkit

    normkit.assess_frame(pd.DataFrame({"bed_type": ["long_term"], "beds": [1]}), resolved)


def measure_dask(
    rows: int = 10_000_000, partitions: int | None = None, workers: int = 2
) -> dict[str, Any]:
    """The dask path on a ``LocalCluster`` of ``workers`` processes, beside one process."""
    import dask.dataframe as dd
    from distributed import Client, LocalCluster

    import normkit

    partitions = partitions or max(2 * workers, rows // 500_000)
    scratch = Path(tempfile.mkdtemp(prefix="normkit-dask-bench-"))
    try:
        folder = scratch / "units"
        write_dataset(folder, rows, partitions)
        with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:
            single = pool.submit(single_machine, str(folder)).result()
        resolved = normkit.Kit(autoload=False).resolve("national", AT)
        with (
            LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                memory_limit=0,  # measured, not limited
            ) as cluster,
            Client(cluster) as client,
        ):
            client.run(warm_up, resolved)  # imports done before the clock starts
            start = time.perf_counter()
            lazy = normkit.assess_dask(dd.read_parquet(folder), resolved)
            totals = normkit.frame_totals(lazy)
            seconds = time.perf_counter() - start
            peaks = client.run(_peak_rss_bytes)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return {
        "rows": rows,
        "partitions": partitions,
        "workers": workers,
        "dask_s": seconds,
        "single_s": single["seconds"],
        "peak_worker_bytes": max(peaks.values()),
        "peak_worker_bytes_each": sorted(peaks.values()),
        "single_peak_bytes": single["peak_bytes"],
        "same_totals": totals == single["totals"],
        "totals": totals,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes, fewer rounds")
    parser.add_argument("--no-dask", action="store_true", help="skip the dask benchmark")
    args = parser.parse_args()
    result = measure(rows=200_000 if args.quick else 1_000_000, repeat=3 if args.quick else 7)
    print(f"assess_frame, {result['rows']:,} rows (best of {result['repeat']})")
    lines = [
        ("a. pandas factorize + gather (text)", result["pandas_factorize_gather_s"]),
        ("b. normkit, pandas text bed types", result["normkit_pandas_strings_s"]),
        ("c. numpy gather on codes", result["numpy_gather_s"]),
        ("d. normkit, pandas Categorical", result["normkit_pandas_categorical_s"]),
        *((f"   normkit, {name}", s) for name, s in result["others_s"].items()),
        ("e. numpy, the result's five columns", result["numpy_result_columns_s"]),
    ]
    for what, seconds in lines:
        print(f"  {what:<42} {seconds * 1000:8.1f} ms")
    print(f"  d/e = {result['same_columns_ratio']:.2f} (reported)")
    print("  minor page faults per call (median round):")
    for name, count in result["minor_faults"].items():
        print(f"    {name.removesuffix('_s'):<40} {count:8,}")
    for name, label in (("strings_ratio", "b/a"), ("categorical_ratio", "d/c")):
        verdict = "pass" if result["pass"][name] else "FAIL"
        print(f"  {label} = {result[name]:.2f} (goal ≤ {GOALS[name]}): {verdict}")
    if args.no_dask:
        return
    dask = measure_dask(rows=1_000_000 if args.quick else 10_000_000)
    print(
        f"dask, {dask['rows']:,} rows in {dask['partitions']} Parquet files, "
        f"{dask['workers']} worker processes"
    )
    print(f"  dask: {dask['dask_s']:.2f} s; one process (pandas): {dask['single_s']:.2f} s")
    print(
        "  peak memory per worker: "
        + ", ".join(f"{b / 2**20:.0f} MiB" for b in dask["peak_worker_bytes_each"])
        + f"; one process: {dask['single_peak_bytes'] / 2**20:.0f} MiB"
    )
    print(f"  same totals as one process: {dask['same_totals']}")


if __name__ == "__main__":
    main()
