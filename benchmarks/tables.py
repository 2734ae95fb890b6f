"""Real tables: a large CSV inventory through ``normkit assess``, and the explained
assessment per unit as inventories grow.

- csv: ``normkit assess big.csv -o out.csv`` (streamed) beside
  ``benchmarks/pandas_assess.py`` on the same file, each in a fresh process:
  wall time and peak memory (the processes' maximum resident set), after
  checking that both give the same total need.
- explained: ``kit.assess(inventory, "national", at, explain=True)`` on
  inventories of 10 to 100 000 units (1 000 000 with ``--full``): time per
  unit; memory kept per unit once the inventory is dropped (all the result
  holds, of the inventory too, as for an app that keeps only results); the
  time to read every unit's row once after it (rows are made as they are
  read), and a 9-unit assessment (the bundled example).

    python benchmarks/tables.py [--rows 1000000] [--quick] [--full]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
BED_TYPES = ["long_term", "short_term", "rehabilitation", "dementia_special", "palliative"]
AT = dt.date(2020, 4, 1)


def write_inventory(path: Path, rows: int, facilities: int, seed: int = 2012) -> None:
    """A CSV inventory of ``rows`` units in ``facilities`` facilities, rows interleaved."""
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file, lineterminator="\n")
        writer.writerow(["facility", "unit", "bed_type", "beds", "staffed_fte"])
        for row in range(rows):
            writer.writerow(
                [
                    f"Home {row % facilities}",
                    f"Unit {row // facilities}",
                    rng.choice(BED_TYPES),
                    rng.randint(1, 40),
                    rng.randint(0, 20) / 10,
                ]
            )


def timed_process(command: list[str], env: dict[str, str] | None = None) -> tuple[float, int]:
    """Wall seconds and peak resident memory (bytes) of one command in a fresh process."""
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    if status != 0:
        raise RuntimeError(f"{command[:4]} failed with status {status}")
    return wall, usage.ru_maxrss * 1024  # kilobytes on Linux


def _total_need(path: Path) -> float:
    """The total row's norm FTE (normkit's CSV or the pandas script's)."""
    with path.open(encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    return round(float(rows[-1]["norm_fte"]), 2)


def bench_csv(rows: int, repeat: int) -> dict[str, Any]:
    facilities = max(1, rows // 10)
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "inventory.csv"
        write_inventory(source, rows, facilities)
        ours, theirs = Path(folder) / "normkit.csv", Path(folder) / "pandas.csv"
        env = {**os.environ, "NORMKIT_MAX_UNITS": str(rows), "NORMKIT_MAX_CSV_BYTES": str(2**31)}
        normkit_command = [sys.executable, "-m", "normkit", "assess", str(source)]
        normkit_command += ["--at", AT.isoformat(), "-o", str(ours)]
        pandas_command = [sys.executable, str(HERE / "pandas_assess.py"), str(source), str(theirs)]
        samples: dict[str, list[tuple[float, int]]] = {"normkit": [], "pandas": []}
        for _ in range(repeat):  # interleaved, so both see the same machine
            samples["normkit"].append(timed_process(normkit_command, env))
            samples["pandas"].append(timed_process(pandas_command))
        same = _total_need(ours) == _total_need(theirs)
    normkit_s = min(s for s, _ in samples["normkit"])
    pandas_s = min(s for s, _ in samples["pandas"])
    normkit_b = min(b for _, b in samples["normkit"])
    pandas_b = min(b for _, b in samples["pandas"])
    return {
        "rows": rows,
        "facilities": facilities,
        "same_total_need": same,
        "normkit_s": normkit_s,
        "pandas_s": pandas_s,
        "time_ratio": normkit_s / pandas_s,
        "normkit_peak_bytes": normkit_b,
        "pandas_peak_bytes": pandas_b,
        "memory_ratio": normkit_b / pandas_b,
    }


_EXPLAINED = """
import datetime as dt, gc, json, random, sys, time, tracemalloc
import normkit
from normkit.limits import Limits
units, measure_memory = int(sys.argv[1]), sys.argv[2] == "memory"
rng = random.Random(7)
types = {types!r}
facilities = [
    {{"name": f"Home {{f}}", "units": [
        {{"name": f"U{{u}}", "bed_type": rng.choice(types), "beds": rng.randint(1, 40),
          "staffing": rng.randint(0, 20) / 10}} for u in range(min(10, units))]}}
    for f in range(max(1, units // 10))
]
kit = normkit.Kit(autoload=False, limits=Limits(max_units=max(units, 100_000)))
kit.assess(normkit.Inventory(), "national", dt.date(2020, 4, 1))  # the norm set, built once
gc.collect()
if measure_memory:  # from before the inventory: whatever of it the result holds is counted
    tracemalloc.start()
inventory = normkit.Inventory.model_validate({{"facilities": facilities}})
gc.collect()
start = time.perf_counter()
result = kit.assess(inventory, "national", dt.date(2020, 4, 1), explain=True)
seconds = time.perf_counter() - start
del inventory  # an app keeping the result, not the inventory
gc.collect()
kept = tracemalloc.get_traced_memory()[0] if measure_memory else 0
# Each unit's row is made as it is read: what an app pays to go through them once.
start = time.perf_counter()
for row in result.units:
    pass
read = time.perf_counter() - start
print(json.dumps({{"units": len(result.units), "seconds": seconds, "read_seconds": read,
                  "kept_bytes": kept}}))
"""


def _explained(units: int, memory: bool) -> dict[str, Any]:
    script = _EXPLAINED.format(types=BED_TYPES)
    out = subprocess.run(
        [sys.executable, "-c", script, str(units), "memory" if memory else "time"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result: dict[str, Any] = json.loads(out)
    return result


def bench_explained(sizes: list[int], repeat: int) -> dict[str, Any]:
    per_size = []
    for units in sizes:
        runs = [_explained(units, False) for _ in range(repeat)]
        seconds = min(run["seconds"] for run in runs)
        read = min(run["read_seconds"] for run in runs)
        per_size.append(
            {
                "units": units,
                "us_per_unit": seconds / units * 1e6,
                "read_us_per_unit": read / units * 1e6,
            }
        )
    memory_units = min(20_000, max(sizes))
    kept = _explained(memory_units, True)["kept_bytes"] / memory_units
    return {"sizes": per_size, "kept_bytes_per_unit": kept, "memory_measured_at": memory_units}


def bench_nine_units(repeat: int) -> dict[str, float]:
    import normkit

    kit = normkit.Kit(autoload=False)
    inventory = kit.load_inventory(normkit.EXAMPLE_INVENTORY)
    kit.assess(inventory, "national", AT)  # build the norm set once, as an app would
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        kit.assess(inventory, "national", AT, explain=True)
        samples.append(time.perf_counter() - start)
    samples.sort()
    return {"median_ms": samples[len(samples) // 2] * 1000, "best_ms": samples[0] * 1000}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--full", action="store_true", help="explained up to 1 000 000 units")
    args = parser.parse_args()
    repeat = 1 if args.quick else 3
    sizes = [10, 1_000, 10_000, 100_000] + ([1_000_000] if args.full else [])
    tracemalloc.stop()
    report = {
        "csv": bench_csv(args.rows if not args.quick else 100_000, repeat),
        "explained": bench_explained(sizes if not args.quick else sizes[:3], repeat),
        "nine_units": bench_nine_units(200 if args.quick else 2000),
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
