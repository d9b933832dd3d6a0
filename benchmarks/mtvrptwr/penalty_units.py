"""Compare PyVRP on the engine's model with load penalties starting per gram or per kg.

Usage: python benchmarks/mtvrptwr/penalty_units.py [--time-limit 30] [--seeds 3] [--every 7]

The engine (``optimizer/routing/pyvrp_engine.py``) counts loads in grams;
PyVRP starts every penalty at the middle of its range, per unit. For every
``--every``-th MTVRPTWR file and each seed this builds the engine's model
with every stop required and runs PyVRP's iterated local search on it
twice for the same time, once with PyVRP's starting penalties ("gram")
and once with the load penalties divided by 1000 ("kg"), and prints the
gap of each decoded plan to the best known value and the iterations run.
Two searches at a time (one core each).
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import pyvrp  # noqa: E402
from pyvrp.IteratedLocalSearch import IteratedLocalSearch, IteratedLocalSearchParams  # noqa: E402
from pyvrp.PenaltyManager import PenaltyManager, PenaltyParams  # noqa: E402
from pyvrp.search import (  # noqa: E402
    OPERATORS,
    LocalSearch,
    NeighbourhoodParams,
    PerturbationManager,
    PerturbationParams,
    compute_neighbours,
)

from optimizer.bench.sets import best_known, load_instance  # noqa: E402
from optimizer.evaluate import objective_value  # noqa: E402
from optimizer.io.vrplib_sets import objective_scale  # noqa: E402
from optimizer.routing import pyvrp_engine as engine  # noqa: E402
from optimizer.routing.params import Objective, RoutingParams  # noqa: E402

DATA = ROOT / ".." / "shared" / "data" / "vrp" / "mtvrptwr"


def run(file: Path, variant: str, seed: int, seconds: float) -> tuple[str, str, int, float, int]:
    """Return (file, variant, seed, gap %, iterations) of one search."""
    inst = load_instance(file)
    bks, _ = best_known(file, inst)
    assert bks is not None, file
    objective = Objective("distance")
    ids = [s.id for s in inst.stops]
    builder = engine._Builder(
        inst, ids, list(inst.vehicle_types), RoutingParams(objective=objective), objective
    )
    data = builder.required if builder.required is not None else builder.data
    params = PenaltyParams()
    loads, time_warp, distance = params.midpoint_penalties(data)
    if variant == "kg":
        loads = [p / engine.KG_SCALE for p in loads]
    stop = engine._Stop(
        engine._Deadline(time.perf_counter() + seconds), 1.0, None, None, data.num_clients
    )
    rng = pyvrp.RandomNumberGenerator(seed=seed)
    ls = LocalSearch(
        data,
        rng,
        compute_neighbours(data, NeighbourhoodParams()),
        PerturbationManager(PerturbationParams()),
    )
    for op in OPERATORS:
        if op.supports(data):
            ls.add_operator(op(data))
    pm = PenaltyManager((loads, time_warp, distance), params)
    start = ls(pyvrp.Solution(data, []), pm.max_cost_evaluator(), exhaustive=True)
    ils = IteratedLocalSearch(
        data, pm, ls, start, IteratedLocalSearchParams(callbacks=stop, exhaustive_on_best=True)
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        best = ils.run(stop, collect_stats=False).best
    routes, _ = builder.decode(best)
    value = objective_value(routes, "distance") / objective_scale(inst)
    return file.stem, variant, seed, 100.0 * (value - bks) / bks, stop.iterations


def main() -> None:
    """Print one line per search and the paired means."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--time-limit", type=float, default=30.0)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--every", type=int, default=7)
    args = parser.parse_args()
    files = sorted(DATA.glob("*.vrp"))[:: args.every]
    jobs = [(f, v, s) for s in range(args.seeds) for f in files for v in ("gram", "kg")]
    with ProcessPoolExecutor(2) as pool:
        futures = [pool.submit(run, f, v, s, args.time_limit) for f, v, s in jobs]
        rows = [fut.result() for fut in futures]
    for name, variant, seed, gap, iterations in rows:
        print(f"{name} {variant} seed {seed}: gap {gap:.2f} %, {iterations} iterations")
    for variant in ("gram", "kg"):
        mine = [r for r in rows if r[1] == variant]
        print(
            f"{variant}: mean gap {sum(r[3] for r in mine) / len(mine):.2f} %, "
            f"iterations {sum(r[4] for r in mine)}"
        )


if __name__ == "__main__":
    main()
