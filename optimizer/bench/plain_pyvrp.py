"""Plain PyVRP, the reference for large CVRP instances: its own reader, its default search.

``pyvrp-plain`` in ``countyopt bench`` reads the VRPLIB file with
``pyvrp.read(path, round_func="round")`` (the sets' nearest-integer
convention) and runs ``pyvrp.solve`` with a ``MaxRuntime`` stop and the
task's seed: what a user of PyVRP would type, with PyVRP's dense matrices
and nothing of ours in between. Its routes are then re-costed and checked on
our instance like every engine's. Only single-depot CVRP files qualify.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from optimizer.bench.plain_ortools import Unsupported
from optimizer.io.vrplib_solution import result_from_routes
from optimizer.model import Instance
from optimizer.routing.result import RoutingResult, Unserved, UnservedReason


def solve_plain_pyvrp(
    instance: Instance,
    time_limit_s: float,
    seed: int,
    on_solution: Callable[[float, float], None],
) -> RoutingResult:
    """Solve the VRPLIB file ``instance`` was read from with PyVRP as it comes.

    Raises
    ------
    Unsupported
        If the instance is not a single-depot CVRP read from a VRPLIB file.

    """
    import pyvrp
    from pyvrp.stop import MaxRuntime

    source = Path(instance.meta.get("source", ""))
    if instance.meta.get("set_type") != "CVRP" or not source.is_file():
        raise Unsupported("plain PyVRP runs VRPLIB CVRP files only")
    t0 = time.perf_counter()
    data = pyvrp.read(source, round_func="round")
    if data.num_depots != 1:
        raise Unsupported("plain PyVRP here takes single-depot files only")
    best = [float("inf")]

    class _Stop:
        def __init__(self) -> None:
            self.limit = MaxRuntime(max(0.01, time_limit_s - (time.perf_counter() - t0)))

        def __call__(self, best_cost: int) -> bool:
            if best_cost < best[0]:
                best[0] = best_cost
                on_solution(time.perf_counter() - t0, float(best_cost))
            return bool(self.limit(best_cost))

    result = pyvrp.solve(data, stop=_Stop(), seed=seed, collect_stats=False)
    # Client k (from 0) of PyVRP's reading is customer k + 1 of the file
    # (the depot is node 0 in our numbering), which is our stop id str(k + 1).
    client = pyvrp.ActivityType.CLIENT
    routes = [
        [str(a.idx + 1) for a in r.schedule() if a.type == client] for r in result.best.routes()
    ]
    plan = result_from_routes(instance, routes, engine="pyvrp-plain")
    missing = {s.id for s in instance.stops} - {s for r in plan.routes for s in r.stops}
    status = "time_limit" if result.best.is_feasible() else "no_solution"
    unserved = tuple(
        Unserved(s, UnservedReason.NOT_ROUTED, "no feasible solution") for s in sorted(missing)
    )
    return RoutingResult(
        instance=plan.instance,
        routes=plan.routes,
        unserved=unserved,
        objective=plan.objective,
        objective_value=plan.objective_value,
        engine="pyvrp-plain",
        seed=seed,
        runtime_s=time.perf_counter() - t0,
        status=status,
    )
