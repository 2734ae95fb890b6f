"""normkit benchmarks, run on demand: ``python benchmarks/run.py``.

Each check is measured side by side with its baseline in the same run and
reported; nothing here is asserted (timings belong in reports, not tests).

1. batch: pure-norm need for 1,000,000 units under the national norm, against
   the same formula hand-written in numpy (hours per week per place ÷ 30).
2. single: one 9-unit assessment (the bundled example) with explanations.
3. cold start: ``normkit plugins`` in a fresh process, with its breakdown.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

import normkit

AT = dt.date(2020, 4, 1)
EXAMPLE = Path(normkit.__file__).parent / "examples" / "sarpsborg-nursing-homes-2020.yaml"
CATEGORIES = [
    "long_term",
    "short_term",
    "rehabilitation",
    "dementia_special",
    "palliative",
    "respite",
]
# Hours per week per place in the national norm, written out by hand; NaN: no norm.
HOURS = np.array([1 / 3, 1.5, 3.0, 0.5, 5.0, np.nan])


def best_of(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def bench_batch(units: int, repeat: int) -> dict[str, float]:
    rng = np.random.default_rng(2012)
    codes = rng.integers(0, len(CATEGORIES), size=units)
    beds = rng.integers(1, 120, size=units).astype(float)
    kit = normkit.Kit(autoload=False)
    resolved = kit.resolve("national", AT)

    def by_hand() -> np.ndarray:
        return HOURS[codes] * beds / 30.0

    def with_normkit() -> np.ndarray:
        return normkit.assess_batch(resolved, codes, beds, categories=CATEGORIES).norm_fte

    expected, got = by_hand(), with_normkit()
    assert np.allclose(expected, got, equal_nan=True), "batch disagrees with numpy"
    # Interleave the two so both see the same machine state.
    numpy_times, normkit_times = [], []
    for _ in range(repeat):
        numpy_times.append(best_of(by_hand, 1))
        normkit_times.append(best_of(with_normkit, 1))
    strings = np.array(CATEGORIES)[codes]
    string_time = best_of(
        lambda: normkit.assess_batch(resolved, strings, beds), max(1, repeat // 3)
    )
    return {
        "units": units,
        "numpy_s": min(numpy_times),
        "normkit_s": min(normkit_times),
        "ratio": min(normkit_times) / min(numpy_times),
        "normkit_string_bed_types_s": string_time,
    }


def bench_single(repeat: int) -> dict[str, float]:
    kit = normkit.Kit(autoload=False)
    inventory = kit.load_inventory(EXAMPLE)
    kit.assess(inventory, "national", AT)  # build the norm set once, as an app would
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        kit.assess(inventory, "national", AT, explain=True)
        samples.append(time.perf_counter() - start)
    return {
        "units": sum(len(f.units) for f in inventory.facilities),
        "median_ms": statistics.median(samples) * 1000,
        "p95_ms": sorted(samples)[int(len(samples) * 0.95)] * 1000,
    }


_PROBE = """
import time, json
t0 = time.perf_counter()
import normkit
t1 = time.perf_counter()
import normkit.cli, typer, rich.table
t2 = time.perf_counter()
kit = normkit.Kit()
t3 = time.perf_counter()
import pint
t4 = time.perf_counter()
from normkit.units import registry
registry()
t5 = time.perf_counter()
print(json.dumps({"import_normkit_s": t1 - t0, "import_cli_s": t2 - t1, "kit_s": t3 - t2,
                  **{f"kit_{k}_s": v for k, v in kit.timings.items()},
                  "pint_import_s (not on this path)": t4 - t3,
                  "pint_registry_s (not on this path)": t5 - t4}))
"""


def bench_cold_start(repeat: int) -> dict[str, float]:
    env = dict(os.environ)
    walls = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "normkit", "plugins"], env=env, check=True, capture_output=True
        )
        walls.append(time.perf_counter() - start)
    python_only = best_of(
        lambda: subprocess.run([sys.executable, "-c", "pass"], check=True), repeat
    )
    parts = [
        json.loads(
            subprocess.run(
                [sys.executable, "-c", _PROBE], env=env, check=True, capture_output=True, text=True
            ).stdout
        )
        for _ in range(repeat)
    ]
    breakdown = {k: statistics.median(p[k] for p in parts) for k in parts[0]}
    return {
        "normkit_plugins_wall_s": statistics.median(walls),
        "python_startup_s": python_only,
        **breakdown,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = parser.parse_args()
    repeat = 3 if args.quick else 15
    report = {
        "batch": bench_batch(args.units, repeat),
        "single": bench_single(200 if args.quick else 2000),
        "cold_start": bench_cold_start(3 if args.quick else 7),
    }
    print(json.dumps(report, indent=2))
    batch, single = report["batch"], report["single"]
    print(
        f"\nbatch: {batch['units']:,} units in {batch['normkit_s'] * 1000:.1f} ms vs numpy "
        f"{batch['numpy_s'] * 1000:.1f} ms: {batch['ratio']:.2f}× (goal ≤ 2×)"
    )
    print(
        f"single: {single['units']} units with explanations, median {single['median_ms']:.3f} "
        "ms (goal < 1 ms)"
    )
    print(f"cold start: normkit plugins {report['cold_start']['normkit_plugins_wall_s']:.2f} s")


if __name__ == "__main__":
    main()
