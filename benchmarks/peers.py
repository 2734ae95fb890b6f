"""normkit beside two peer engines on the national-norm job: ``python benchmarks/peers.py``.

Issue 12, goal 7: as an optional ``bench`` extra, OpenFisca-core and
zen-engine on the national-norm job, each checked to give the same figures
before it is timed. The job: the physician FTE each of N units needs under
the national norm (Legeforeningen 2012) as in force on 2020-04-01. Each unit
has one bed type, most of them with a norm and about one in ten without one
(KAD, respite...: "no norm", null, never 0), and a whole number of beds.

    pip install -e '.[bench]'                  # zen-engine and OpenFisca-core
    python benchmarks/peers.py                 # 100 000 units, 5 rounds, about a minute
    python benchmarks/peers.py --quick         # 20 000 units, 3 rounds
    python benchmarks/peers.py --json          # the rows benchmarks/run.py prints, as JSON

Engines, each given the same units:

- normkit explained: ``kit.assess(inventory, "national", at, explain=True)``,
  every unit with its chain of reasons; the inventory is validated before.
- normkit ``assess_batch``: the vector path, bed types as category codes.
- zen-engine (GoRules, Rust): a JDM decision graph built here, a decision
  table (bed type → hours per week per bed and the norm's hours per FTE) then
  an expression node (beds × hours ÷ hours per FTE); ``engine.evaluate`` once
  per unit, with its trace off and on.
- OpenFisca-core: a tax-benefit system built here (an entity for units, the
  norm's figures as parameters by bed type, a variable for the required FTE),
  one vectorised simulation over all units (built, inputs set, calculated).

The peers' figures are read from normkit's national norm set, never typed
here. Before timing, each peer's figures are compared with normkit's: the
same units without a norm, and the same FTE within a stated tolerance (zen
computes in decimal and OpenFisca stores float32, see ``compare``); the
largest difference is printed. Times are per unit, the best of the rounds,
every engine run once in each round in turn. A peer that is not installed is
named, with how to install it, and skipped; the exit code is still 0.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import importlib.metadata
import importlib.util
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

AT = dt.date(2020, 4, 1)
UNITS = 100_000
#: about one unit in ten has a bed type the national norm leaves without a norm
WITHOUT_NORM_SHARE = 0.1
INSTALL = "pip install -e '.[bench]'"
#: importable module and distribution name of each peer
PEERS = {
    "zen-engine": ("zen", "zen-engine"),
    "OpenFisca-core": ("openfisca_core", "openfisca-core"),
}
# zen-engine rounds its decimal result once to a float; normkit multiplies beds by
# a float FTE per bed, so the two may differ in the last bit or two.
FLOAT64_TOLERANCE = 4 * float(np.finfo(np.float64).eps)
# OpenFisca stores every float variable as float32: half a unit in the last place
# of float32 is 6e-8, so no float64 tolerance can hold.
FLOAT32_TOLERANCE = float(np.finfo(np.float32).eps)


@dataclass(frozen=True)
class Rate:
    """One bed type's national norm as normkit holds it: ``hours`` per ``places`` beds."""

    hours: float  # physician hours per week
    places: float
    hours_per_fte: float  # the norm's own conversion (30 for the 2012 norm)


@dataclass(frozen=True)
class NationalNorm:
    """The national norm on the day assessed, read from normkit, and the units of the job."""

    rates: dict[str, Rate]  # bed types with a norm
    without_norm: tuple[str, ...]  # registered bed types the norm leaves without one
    categories: list[str]  # the bed types the codes point into
    codes: np.ndarray  # each unit's bed type, an index into categories
    beds: np.ndarray


def read_national(kit: Any, units: int, seed: int = 2012) -> NationalNorm:
    """The national norm's rates from ``kit``, and ``units`` units drawn over its bed types."""
    import normkit

    resolved = kit.resolve("national", AT)
    rates: dict[str, Rate] = {}
    without: list[str] = []
    for bed_type in kit.bed_types:
        applied = resolved.need_for(None, bed_type)
        rule = applied.need.rule if applied is not None else None
        if rule is None:
            without.append(bed_type)
            continue
        # The peers are built as hours per bed ÷ hours per FTE, the form the 2012 norm
        # is written in; a rule of another kind has no such figures to give them.
        if not isinstance(rule, normkit.Rate) or rule.fte_basis is None:
            raise SystemExit(f"the national norm for {bed_type} is not a rate in hours per week")
        rates[bed_type] = Rate(
            rule.amount.to("hour/week"), rule.per.to("place"), rule.fte_basis.to("hour/week/FTE")
        )
    categories = [*rates, *without]
    weights = np.array(
        [(1 - WITHOUT_NORM_SHARE) / len(rates)] * len(rates)
        + [WITHOUT_NORM_SHARE / len(without)] * len(without)
    )
    rng = np.random.default_rng(seed)
    codes = rng.choice(len(categories), size=units, p=weights / weights.sum())
    beds = rng.integers(1, 41, size=units)
    return NationalNorm(rates, tuple(without), categories, codes, beds)


# --- normkit ------------------------------------------------------------------------


def normkit_explained(kit: Any, norm: NationalNorm) -> Callable[[], np.ndarray]:
    """The explained path on an inventory of the units, ten to a facility."""
    import normkit

    units = len(norm.codes)
    bed_types = [norm.categories[code] for code in norm.codes.tolist()]
    beds = norm.beds.tolist()
    facilities = [
        {
            "name": f"Home {start // 10}",
            "units": [
                {"name": f"Unit {i}", "bed_type": bed_types[i], "beds": beds[i]}
                for i in range(start, min(start + 10, units))
            ],
        }
        for start in range(0, units, 10)
    ]
    inventory = normkit.Inventory.model_validate({"facilities": facilities})
    kit.assess(normkit.Inventory(), "national", AT)  # the norm set, built once as an app would

    def run() -> np.ndarray:
        result = kit.assess(inventory, "national", AT, explain=True)
        # "no norm" is None here; NaN in the array, as in the batch path
        return np.array(
            [np.nan if u.required_fte is None else u.required_fte for u in result.units]
        )

    return run


def normkit_batch(kit: Any, norm: NationalNorm) -> Callable[[], np.ndarray]:
    import normkit

    resolved = kit.resolve("national", AT)

    def run() -> np.ndarray:
        result = normkit.assess_batch(resolved, norm.codes, norm.beds, categories=norm.categories)
        # the national norm has no overrides, so the required FTE is the norm's
        return result.norm_fte

    return run


# --- zen-engine -----------------------------------------------------------------------


def decision_graph(norm: NationalNorm) -> dict[str, Any]:
    """The national norm as a JDM decision graph: input → table → expression → output."""
    table = {
        "hitPolicy": "first",
        # the expression after the table needs the unit's beds as well as the table's outputs
        "passThrough": True,
        "inputs": [{"id": "bed_type", "name": "Bed type", "field": "bed_type"}],
        "outputs": [
            {"id": "hours_per_bed", "name": "Hours per week per bed", "field": "hours_per_bed"},
            {"id": "hours_per_fte", "name": "Hours per week per FTE", "field": "hours_per_fte"},
        ],
        # One row per bed type with a norm, its hours written as the norm writes them
        # ("1 hour per 3 places"). A bed type without a norm matches no row and gets no
        # hours, so no FTE: null, never 0.
        "rules": [
            {
                "_id": bed_type,
                "bed_type": json.dumps(bed_type),
                "hours_per_bed": f"{rate.hours!r} / {rate.places!r}",
                "hours_per_fte": repr(rate.hours_per_fte),
            }
            for bed_type, rate in norm.rates.items()
        ],
    }
    fte = "hours_per_bed == null ? null : beds * hours_per_bed / hours_per_fte"
    nodes = [
        {"id": "units", "type": "inputNode", "name": "Unit"},
        {"id": "norm", "type": "decisionTableNode", "name": "National norm", "content": table},
        {
            "id": "fte",
            "type": "expressionNode",
            "name": "Required FTE",
            "content": {
                "expressions": [{"id": "required_fte", "key": "required_fte", "value": fte}]
            },
        },
        {"id": "result", "type": "outputNode", "name": "Result"},
    ]
    for node in nodes:
        node["position"] = {"x": 0, "y": 0}  # the editor's layout; the engine ignores it
    edges = [
        {"id": f"{source}-{target}", "sourceId": source, "targetId": target, "type": "edge"}
        for source, target in [("units", "norm"), ("norm", "fte"), ("fte", "result")]
    ]
    return {"contentType": "application/vnd.gorules.decision", "nodes": nodes, "edges": edges}


def zen_engine(norm: NationalNorm, trace: bool) -> Callable[[], np.ndarray]:
    import zen

    # Through the engine and a loader: in zen-engine 2.1 a decision made with
    # create_decision evaluates several times slower per call.
    engine = zen.ZenEngine(
        {"loader": {"type": "static", "content": {"national": decision_graph(norm)}}}
    )
    units = [
        {"bed_type": norm.categories[code], "beds": beds}
        for code, beds in zip(norm.codes.tolist(), norm.beds.tolist(), strict=True)
    ]
    options = {"trace": trace}

    def run() -> np.ndarray:
        figures = [engine.evaluate("national", unit, options)["result"] for unit in units]
        return np.array([f.get("required_fte", np.nan) for f in figures], dtype=float)

    return run


# --- OpenFisca-core -------------------------------------------------------------------


def openfisca(norm: NationalNorm) -> Callable[[], np.ndarray]:
    from openfisca_core.entities import build_entity
    from openfisca_core.indexed_enums import ENUM_ARRAY_DTYPE, Enum, EnumArray
    from openfisca_core.parameters import ParameterNode
    from openfisca_core.periods import DateUnit
    from openfisca_core.simulations import SimulationBuilder
    from openfisca_core.taxbenefitsystems import TaxBenefitSystem
    from openfisca_core.variables import Variable

    units = build_entity(key="unit", plural="units", label="nursing-home unit", is_person=True)
    # Members in the order of the category codes, so the codes are the enum's indices.
    BedType = Enum("BedType", [(bed_type, bed_type) for bed_type in norm.categories])

    class bed_type(Variable):
        value_type = Enum
        possible_values = BedType
        default_value = BedType[norm.categories[0]]
        entity = units
        definition_period = DateUnit.ETERNITY
        label = "bed type"

    class beds(Variable):
        value_type = int
        entity = units
        definition_period = DateUnit.ETERNITY
        label = "beds"

    class required_fte(Variable):
        value_type = float
        entity = units
        definition_period = DateUnit.DAY
        label = "physician FTE the national norm requires"

        def formula(unit, period, parameters):  # OpenFisca passes the units' population
            national = parameters(period).national
            kind = unit("bed_type", period)
            per_fte = national.hours_per_fte if shared else national.hours_per_fte[kind]
            return unit("beds", period) * national.hours_per_bed[kind] / per_fte

    def by_bed_type(figure: Callable[[Rate], float]) -> dict[str, Any]:
        # OpenFisca has no null parameter value (None ends a parameter), and its
        # vectorised lookup needs every bed type: NaN for those without a norm.
        values = {b: figure(r) for b, r in norm.rates.items()}
        values |= dict.fromkeys(norm.without_norm, np.nan)
        return {b: {"values": {AT.isoformat(): float(v)}} for b, v in values.items()}

    # A lookup by bed type is a Python loop over the units in OpenFisca: one conversion
    # for the whole norm (the 2012 norm states one) is written as one parameter.
    bases = {r.hours_per_fte for r in norm.rates.values()}
    shared = len(bases) == 1
    per_fte = (
        {"values": {AT.isoformat(): bases.pop()}}
        if shared
        else by_bed_type(lambda r: r.hours_per_fte)
    )
    system = TaxBenefitSystem([units])
    system.add_variables(bed_type, beds, required_fte)
    system.parameters = ParameterNode(
        "",
        data={
            "national": {
                "hours_per_bed": by_bed_type(lambda r: r.hours / r.places),
                "hours_per_fte": per_fte,
            }
        },
    )
    kinds = EnumArray(norm.codes.astype(ENUM_ARRAY_DTYPE), BedType)
    day = AT.isoformat()

    def run() -> np.ndarray:
        # A new simulation each time: a simulation keeps what it has calculated.
        simulation = SimulationBuilder().build_default_simulation(system, count=len(norm.codes))
        simulation.set_input("bed_type", day, kinds)
        simulation.set_input("beds", day, norm.beds)
        result: np.ndarray = simulation.calculate("required_fte", day)
        return result

    return run


# --- checking and timing --------------------------------------------------------------


@dataclass
class Engine:
    name: str
    run: Callable[[], np.ndarray]
    agreement: str = ""
    seconds: float = float("inf")


def compare(name: str, ours: np.ndarray, theirs: np.ndarray, tolerance: float) -> str:
    """Check a peer against normkit; say how close it came. Raises if it disagrees."""
    if theirs.shape != ours.shape:
        raise AssertionError(f"{name} gave {theirs.shape[0]} figures for {ours.shape[0]} units")
    without = np.isnan(ours)
    if not np.array_equal(without, np.isnan(theirs)):
        raise AssertionError(f"{name} and normkit disagree on which units have no norm")
    differ = ours[~without] != theirs[~without]
    relative = np.abs(theirs[~without] - ours[~without]) / np.abs(ours[~without])
    largest = float(relative.max()) if relative.size else 0.0
    if largest > tolerance:
        raise AssertionError(f"{name} differs from normkit by {largest:.3g} (relative)")
    if not differ.any():
        return "identical"
    return (
        f"within {largest:.2g} relative ({int(differ.sum()):,} units differ; "
        f"tolerance {tolerance:.2g})"
    )


def version(peer: str) -> str | None:
    module, distribution = PEERS[peer]
    if importlib.util.find_spec(module) is None:
        return None
    return importlib.metadata.version(distribution)


def measure(quick: bool, units: int | None = None) -> dict[str, Any]:
    """Check every installed engine against normkit, then time them; per-unit seconds."""
    import normkit
    from normkit.limits import Limits

    units = units or (UNITS // 5 if quick else UNITS)
    rounds = 3 if quick else 5
    kit = normkit.Kit(limits=Limits(max_units=max(units, 100_000)))
    norm = read_national(kit, units)
    explained = Engine("normkit explained", normkit_explained(kit, norm))
    batch = Engine("normkit assess_batch", normkit_batch(kit, norm))
    reference = explained.run()
    # normkit itself first: "no norm" exactly on the bed types without one, never 0
    without = np.isin(norm.codes, np.arange(len(norm.rates), len(norm.categories)))
    if not np.array_equal(np.isnan(reference), without):
        raise AssertionError("normkit's units without a norm are not those of its bed types")
    batch.agreement = compare(batch.name, reference, batch.run(), 0.0)
    explained.agreement = "reference"
    engines = [explained, batch]
    missing, versions = [], {}
    for peer in PEERS:
        found = version(peer)
        if found is None:
            missing.append(peer)
            continue
        versions[peer] = found
        if peer == "zen-engine":
            for trace in (False, True):
                name = f"zen-engine {found}, trace {'on' if trace else 'off'}"
                engines.append(Engine(name, zen_engine(norm, trace)))
        else:
            engines.append(Engine(f"OpenFisca-core {found} (float32)", openfisca(norm)))
    for engine in engines[2:]:
        float32 = engine.name.startswith("OpenFisca")
        tolerance = FLOAT32_TOLERANCE if float32 else FLOAT64_TOLERANCE
        engine.agreement = compare(engine.name, reference, engine.run(), tolerance)
    for _ in range(rounds):  # every engine once a round, in turn: all see the same machine
        for engine in engines:
            gc.collect()  # the last engine's garbage is not this one's to collect
            start = time.perf_counter()
            engine.run()
            engine.seconds = min(engine.seconds, time.perf_counter() - start)
    return {
        "units": units,
        "rounds": rounds,
        "without_norm": int(np.isnan(reference).sum()),
        "bed_types_without_norm": list(norm.without_norm),
        "missing": missing,
        "versions": versions,
        "engines": [
            {"name": e.name, "us_per_unit": e.seconds / units * 1e6, "agreement": e.agreement}
            for e in engines
        ],
    }


def per_unit(us: float) -> str:
    return f"{us:.3g} µs"


def duration(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def times(ratio: float) -> str:
    return f"{ratio:,.0f}×" if ratio >= 100 else f"{ratio:.3g}×"


def missing_note(missing: list[str]) -> str:
    return f"not installed, skipped: {', '.join(missing)} (install with: {INSTALL})"


def rows(quick: bool) -> list[dict[str, Any]]:
    """The peers as rows of benchmarks/run.py (its ``Goal`` fields, so ``Goal(**row)``)."""
    return rows_of(measure(quick))


def rows_of(result: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for name in result["missing"]:  # said in the report, not only on stderr
        found.append(
            {
                "check": "peers",
                "what": f"{name}: not installed ({INSTALL})",
                "normkit": "",
                "baseline": "",
                "ratio": None,
                "limit": None,
                "value": None,
            }
        )
    if result["missing"]:
        print(missing_note(result["missing"]), file=sys.stderr)
    engines = {e["name"]: e for e in result["engines"]}
    explained = engines.pop("normkit explained")["us_per_unit"]
    batch = engines.pop("normkit assess_batch")["us_per_unit"]
    for name, engine in engines.items():
        theirs = engine["us_per_unit"]
        # The per-unit engine is set beside the explained path, the vector one beside
        # assess_batch. Issue 12 wants the explained path ahead of zen-engine's.
        vector = name.startswith("OpenFisca")
        ours, path = (batch, "assess_batch") if vector else (explained, "explained assessment")
        ahead = name.startswith("zen-engine") and name.endswith("trace off")
        found.append(
            {
                "check": "peers",
                "what": (
                    f"{path} beside {name}, {result['units']:,} units: time per unit; "
                    f"figures {engine['agreement']}"
                ),
                "normkit": per_unit(ours),
                "baseline": f"{name} {per_unit(theirs)}",
                "ratio": ours / theirs,
                "limit": 1.0 if ahead else None,
                "value": None,
            }
        )
    return found


def table(result: dict[str, Any]) -> list[str]:
    engines = result["engines"]
    explained, batch = engines[0]["us_per_unit"], engines[1]["us_per_unit"]
    lines = [
        "| engine | per unit | all units | × explained | × assess_batch | figures against normkit |"
    ]
    lines.append("|---|---|---|---|---|---|")
    for e in engines:
        us = e["us_per_unit"]
        lines.append(
            f"| {e['name']} | {per_unit(us)} | {duration(us * result['units'] / 1e6)} | "
            f"{times(us / explained)} | {times(us / batch)} | {e['agreement']} |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a fifth of the units, 3 rounds")
    parser.add_argument("--units", type=int, help=f"units in the job (default {UNITS:,})")
    parser.add_argument("--json", action="store_true", help="print run.py's rows as JSON")
    args = parser.parse_args()
    result = measure(args.quick, args.units)
    if args.json:
        print(json.dumps(rows_of(result), indent=2, ensure_ascii=False))
        return
    print(
        f"national norm at {AT.isoformat()}, {result['units']:,} units, of which "
        f"{result['without_norm']:,} without a norm "
        f"({', '.join(result['bed_types_without_norm'])}); best of {result['rounds']} rounds\n"
    )
    print("\n".join(table(result)))
    if any(e["name"].startswith("OpenFisca") for e in result["engines"]):
        print(
            "\nOpenFisca-core keeps float variables as float32: its figures are compared "
            f"within {FLOAT32_TOLERANCE:.2g} relative; time per unit includes building "
            "the simulation and setting its inputs."
        )
    if result["missing"]:
        print(f"\n{missing_note(result['missing'])}")


if __name__ == "__main__":
    main()
