"""A bounded load test of the HTTP API on the loopback, beside the Python API.

    .venv/bin/python benchmarks/server_load.py                  # 50 clients, 30 s
    .venv/bin/python benchmarks/server_load.py --clients 10 --seconds 5

Starts ``normkit serve`` (one uvicorn process) on a free loopback port, posts
the bundled example (``POST /v1/assess``, 9 units, JSON) from ``--clients``
concurrent clients for ``--seconds`` (with wrk, Debian's package, when it is
installed: a client in C leaves the CPU to the server; else with httpx),
then stops the server. It never runs
longer than the time asked for plus start and stop, and never leaves the
machine. Reported: requests per second, median and 99th-percentile latency,
errors; then the same assessment called in Python in a loop for as long,
as the baseline. The goal (issue 11): no errors, p99 under 50 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import yaml

import normkit

ROOT = Path(__file__).resolve().parents[1]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def load(url: str, body: dict[str, object], clients: int, seconds: float) -> dict[str, float]:
    latencies: list[float] = []
    errors = 0
    stop = time.perf_counter() + seconds

    async def client(session: httpx.AsyncClient) -> None:
        nonlocal errors
        while time.perf_counter() < stop:
            started = time.perf_counter()
            try:
                response = await session.post(url, json=body)
                ok = response.status_code == 200
            except httpx.HTTPError:
                ok = False
            latencies.append(time.perf_counter() - started)
            errors += not ok

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(timeout=30, limits=limits) as session:
        began = time.perf_counter()
        await asyncio.gather(*(client(session) for _ in range(clients)))
        elapsed = time.perf_counter() - began
    return {
        "requests": len(latencies),
        "errors": errors,
        "per_second": len(latencies) / elapsed,
        "p50_ms": percentile(latencies, 0.50) * 1000,
        "p99_ms": percentile(latencies, 0.99) * 1000,
    }


def with_wrk(url: str, body: dict[str, object], clients: int, seconds: float) -> dict[str, float]:
    """The same load from wrk (Debian's package): a C client leaves the CPU to the server."""
    script = Path(tempfile.mkdtemp()) / "post.lua"
    script.write_text(
        'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
        f"wrk.body = {json.dumps(json.dumps(body))}\n",
        encoding="utf-8",
    )
    command = ["wrk", "-t1", f"-c{clients}", f"-d{seconds:g}s", "--latency", "-s", str(script), url]
    out = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60).stdout

    def milliseconds(label: str) -> float:
        found = re.search(rf"^\s*{label}\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        assert found, out
        value, unit = float(found.group(1)), found.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    requests = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sockets = re.findall(r"(connect|read|write|timeout) (\d+)", out)
    return {
        "requests": requests,
        "errors": (int(bad.group(1)) if bad else 0) + sum(int(n) for _, n in sockets),
        "per_second": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
        "p50_ms": milliseconds("50%"),
        "p99_ms": milliseconds("99%"),
    }


def in_python(seconds: float) -> dict[str, float]:
    """The baseline: the same assessment through the Python API, one after another."""
    kit = normkit.Kit()
    inventory = kit.load_inventory(normkit.EXAMPLE_INVENTORY)
    assert inventory.as_of is not None
    times: list[float] = []
    stop = time.perf_counter() + seconds
    while time.perf_counter() < stop:
        started = time.perf_counter()
        kit.assess(inventory, "national", inventory.as_of)
        times.append(time.perf_counter() - started)
    return {
        "requests": len(times),
        "errors": 0,
        "per_second": len(times) / sum(times),
        "p50_ms": statistics.median(times) * 1000,
        "p99_ms": percentile(times, 0.99) * 1000,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument(
        "--python-client", action="store_true", help="load from httpx even when wrk is installed"
    )
    options = parser.parse_args()
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "normkit", "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                if httpx.get(f"{base}/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        else:
            sys.exit("server_load: the server did not start")
        data = yaml.safe_load(normkit.EXAMPLE_INVENTORY.read_text(encoding="utf-8"))
        body = {"inventory": json.loads(json.dumps(data, default=str))}
        url = f"{base}/v1/assess"
        asyncio.run(load(url, body, options.clients, 2.0))  # warm up
        client = "wrk" if shutil.which("wrk") and not options.python_client else "httpx"
        if client == "wrk":
            http = with_wrk(url, body, options.clients, options.seconds)
        else:
            http = asyncio.run(load(url, body, options.clients, options.seconds))
    finally:
        server.terminate()
        server.wait(timeout=10)
    python = in_python(min(options.seconds, 10.0))
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    print(f"normkit {normkit.__version__} on {machine}")
    print(f"{'':36} {'requests':>9} {'errors':>7} {'per s':>8} {'p50 ms':>8} {'p99 ms':>8}")
    for label, row in (
        (f"HTTP ({client}), {options.clients} clients, {options.seconds:g} s", http),
        ("Python API, one at a time", python),
    ):
        print(
            f"{label:36} {row['requests']:>9.0f} {row['errors']:>7.0f} {row['per_second']:>8.0f} "
            f"{row['p50_ms']:>8.2f} {row['p99_ms']:>8.2f}"
        )
    goal = http["errors"] == 0 and http["p99_ms"] < 50
    print(f"goal (no errors, p99 < 50 ms): {'met' if goal else 'NOT met'}")
    return 0 if goal else 1


if __name__ == "__main__":
    sys.exit(main())
