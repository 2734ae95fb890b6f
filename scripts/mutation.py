"""Mutation testing of normkit's core: which broken line would make a test fail?

Runs mutmut (configured in pyproject.toml, ``[tool.mutmut]``) over the core
modules, then writes the score of each module and every surviving mutant that
is not explained in ``scripts/mutation-equivalent.toml``.

    python scripts/mutation.py                 # every mutant: about 2.5 hours on 2 cores
    python scripts/mutation.py --every 150     # one mutant in 150, as CI runs it
    python scripts/mutation.py --write-docs    # also rewrite docs/mutation.md
    python scripts/mutation.py --every 5 --write-docs   # one in 5: an estimate in 10-20 minutes
    python scripts/mutation.py --report --write-docs    # no run: the table from stored results

``--report`` reads what earlier runs stored in ``mutants/`` (a long run can be
stopped and continued with ``python -m mutmut run``, which skips mutants
that have a result) and counts mutants without one as "not checked".

A sample is chosen by a hash of each mutant's name, not at random: the same
mutants stay in it when other functions change (mutmut numbers mutants per
function), so a survivor in the sample is killed or explained once and stays
that way, while new code's mutants join the sample at the same rate. CI fails
on any unexplained survivor in it.

mutmut leaves functions with decorators alone (pydantic validators,
properties), so normkit keeps the logic of its validators in plain functions
that the decorated ones call; those are mutated like any other.

The exit code is 1 when a mutant survives that is not explained, so CI fails
when the tests stop catching a broken line. Hypothesis runs with its "dev"
profile here (50 examples), which is plenty to kill a mutant and keeps the
run short.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
import tomllib
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MUTANTS = ROOT / "mutants"
EQUIVALENT = ROOT / "scripts" / "mutation-equivalent.toml"
DOCS = ROOT / "docs" / "mutation.md"
STATUS = {
    1: "killed",
    3: "killed",
    0: "survived",
    5: "no tests",
    33: "no tests",
    34: "skipped",
    36: "timeout",
    37: "caught by type check",
    -24: "timeout",
    24: "timeout",
    152: "timeout",
    255: "timeout",
    None: "not checked",
}
GOAL = 0.90


def mutmut(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HYPOTHESIS_PROFILE": "dev", "NO_COLOR": "1"}
    command = [sys.executable, "-m", "mutmut", *args]
    return subprocess.run(command, cwd=ROOT, env=env, text=True, capture_output=True, check=False)


# mutmut has no command that only generates mutants (`print-time-estimates`
# needs an earlier run's mutants/ directory), so call the steps `mutmut run`
# starts with. They are internal: the dev extra pins mutmut to one release.
GENERATE = """
import os
from mutmut.__main__ import create_mutants
from mutmut.utils.file_utils import copy_also_copy_files, copy_src_dir
os.makedirs("mutants", exist_ok=True)
copy_src_dir()
copy_also_copy_files()
create_mutants({children})
"""


def all_mutants(max_children: int) -> list[str]:
    """Generate the mutants (a few seconds, no test runs) and list their names."""
    code = GENERATE.format(children=max_children)
    command = [sys.executable, "-c", code]
    done = subprocess.run(command, cwd=ROOT, text=True, capture_output=True, check=False)
    names = sorted(name for name, _ in results())
    if done.returncode != 0 or not names:
        # Never go on with an empty list: `mutmut run` without names runs every mutant.
        output = done.stdout[-2000:] + done.stderr[-2000:]
        sys.exit(f"mutation: generating the mutants failed\n{output}")
    return names


def results() -> list[tuple[str, int | None]]:
    out: list[tuple[str, int | None]] = []
    for meta in MUTANTS.rglob("*.meta"):
        data = json.loads(meta.read_text(encoding="utf-8"))
        out.extend(data.get("exit_code_by_key", {}).items())
    return out


def in_sample(name: str, every: int) -> bool:
    """Whether a mutant is in the sample of one in ``every`` (stable across runs and edits)."""
    digest = hashlib.sha256(name.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % every == 0


def module_of(name: str) -> str:
    """'normkit.rules.rate.x_compile_rate__mutmut_3' → 'rules/rate.py'."""
    dotted = name.split(".x")[0].removeprefix("normkit.")
    path = dotted.replace(".", "/")
    return f"{path}/__init__.py" if (ROOT / "src" / "normkit" / path).is_dir() else f"{path}.py"


def scores(only: set[str] | None = None) -> dict[str, Counter[str]]:
    by_module: dict[str, Counter[str]] = defaultdict(Counter)
    for name, code in results():
        if only is None or name in only:
            by_module[module_of(name)][STATUS.get(code, "suspicious")] += 1
    return dict(sorted(by_module.items()))


def equivalents() -> dict[str, str]:
    if not EQUIVALENT.exists():
        return {}
    return {k: str(v) for k, v in tomllib.loads(EQUIVALENT.read_text("utf-8")).items()}


def score_of(counts: Counter[str], explained: int) -> float:
    # Mutants the type checker catches never reach a user; "no tests" counts as survived.
    judged = counts.total() - counts["caught by type check"] - counts["not checked"]
    return (counts["killed"] + counts["timeout"] + explained) / judged if judged else 1.0


def table(by_module: dict[str, Counter[str]], explained: dict[str, int]) -> list[str]:
    lines = [
        "| module | mutants | killed | survived (explained) | no tests | timeout | not checked "
        "| score |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for module, c in by_module.items():
        lines.append(
            f"| `{module}` | {c.total()} | {c['killed']} | {c['survived']} "
            f"({explained.get(module, 0)}) | {c['no tests']} | {c['timeout']} | "
            f"{c['not checked']} | {score_of(c, explained.get(module, 0)):.0%} |"
        )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--every", type=int, help="run only one mutant in this many, chosen by a hash of its name"
    )
    parser.add_argument("--max-children", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--write-docs", action="store_true", help="rewrite docs/mutation.md")
    parser.add_argument(
        "--report", action="store_true", help="run nothing: score the results stored in mutants/"
    )
    options = parser.parse_args()

    if options.report:
        names = sorted(name for name, _ in results())
        if not names:
            sys.exit("mutation: no stored results in mutants/ (run the script without --report)")
    else:
        names = all_mutants(options.max_children)
    chosen = [name for name in names if in_sample(name, options.every)] if options.every else []
    if options.every and not chosen:
        # `mutmut run` without names would run every mutant.
        sys.exit(f"mutation: no mutant in a sample of one in {options.every}")
    if not options.report:
        run = mutmut("run", "--max-children", str(options.max_children), *chosen)
        if run.returncode not in (0, 1):
            print(run.stdout[-4000:], run.stderr[-4000:], sep="\n")
            return 2
    only = set(chosen) if chosen else None
    known = equivalents()
    survivors = sorted(
        name
        for name, code in results()
        if STATUS.get(code) in {"survived", "no tests", "suspicious"}
        and (only is None or name in only)
    )
    unexplained = [name for name in survivors if name not in known]
    explained = Counter(module_of(n) for n in survivors if n in known)
    by_module = scores(only)
    lines = table(by_module, explained)
    print("\n".join(lines))
    if unexplained:
        print(f"\n{len(unexplained)} surviving mutant(s) not explained in {EQUIVALENT.name}:")
        for name in unexplained:
            print(f"  {name}    (see: python -m mutmut show {name})")
    below = [m for m, c in by_module.items() if score_of(c, explained.get(m, 0)) < GOAL]
    if options.write_docs:
        scope = (
            f"a sample of {len(chosen)} of the {len(names)} mutants (`--every {options.every}`)"
            if options.every
            else f"all {len(names)} mutants"
        )
        unchecked = sum(c["not checked"] for c in by_module.values())
        if unchecked:
            scope += f", {unchecked} of them not checked yet"
        write_docs(lines, known, survivors, scope)
    if options.every:
        return 1 if unexplained else 0
    return 1 if below or unexplained else 0


def write_docs(lines: list[str], known: dict[str, str], survivors: list[str], scope: str) -> None:
    explained = [f"- `{n}`: {known[n]}" for n in survivors if n in known]
    open_ = [f"- `{n}`" for n in survivors if n not in known]
    text = DOCS.read_text(encoding="utf-8")
    head = text.split("<!-- scores -->")[0]
    DOCS.write_text(
        head
        + "<!-- scores -->\n\n"
        + f"Run of {dt.date.today().isoformat()} over {scope}:\n\n"
        + "\n".join(lines)
        + "\n\nSurviving mutants explained as equivalent (the code means the same):\n\n"
        + ("\n".join(explained) if explained else "- none")
        + "\n\nSurviving mutants not yet killed by a test nor explained:\n\n"
        + ("\n".join(open_) if open_ else "- none")
        + "\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    sys.exit(main())
