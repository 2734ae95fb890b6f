"""Run normkit on every file of a folder as an attacker would, within time and memory limits.

    python scripts/hostile_corpus.py FOLDER [--seconds 30] [--memory-gb 2]

Each file is given to ``normkit assess`` (and, when it looks like a norm set,
to ``normkit check``) in its own process, under ``prlimit`` and a timeout. The
promise it checks: every file ends in a result (exit code 0) or in exactly
one line on stderr starting with ``error:`` (exit code 1); never a traceback,
a hang or a crash. The exit code is 1 when a file breaks the promise.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

NORMKIT = Path(sys.executable).with_name("normkit")


def run(args: list[str], seconds: int, memory: int) -> tuple[str, float]:
    """'ok', or what went wrong, for one command, and the seconds it took."""
    command = [str(NORMKIT), *args]
    if shutil.which("prlimit"):
        command = ["prlimit", f"--as={memory}", "--", *command]
    started = time.perf_counter()
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=seconds, check=False)
    except subprocess.TimeoutExpired:
        return f"timed out after {seconds} s", seconds
    elapsed = time.perf_counter() - started
    lines = done.stderr.splitlines()
    if done.returncode == 0:
        return "ok", elapsed
    if done.returncode == 1 and len(lines) == 1 and lines[0].startswith("error: "):
        return ("internal error: " + lines[0]) if "internal error" in lines[0] else "ok", elapsed
    if done.returncode == 1 and args[0] == "check" and not lines and done.stdout:
        return "ok", elapsed  # findings, as a table on stdout
    tail = " | ".join(lines[-3:])
    return f"exit code {done.returncode}, stderr: {tail[:300]}", elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--memory-gb", type=float, default=2.0)
    options = parser.parse_args()
    memory = int(options.memory_gb * 1024**3)
    broken = 0
    for path in sorted(p for p in options.folder.rglob("*") if p.is_file()):
        commands = [["assess", str(path)], ["assess", str(path), "--format", "csv"]]
        if path.suffix in {".yaml", ".yml", ".json", ".toml"}:
            commands.append(["check", str(path)])
        for args in commands:
            verdict, elapsed = run(args, options.seconds, memory)
            if verdict != "ok":
                broken += 1
            shown = " ".join(args[:1] + args[2:])
            print(f"{verdict[:80]:<12} {elapsed:6.2f} s  normkit {shown} {path.name}")
    print(f"\n{broken} command(s) broke the promise")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
