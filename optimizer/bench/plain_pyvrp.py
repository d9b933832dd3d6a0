"""A plain PyVRP baseline, set up as PyVRP's documentation shows it.

This is a benchmark reference, not an engine of the project: one depot that
is also the reload depot of multi-trip sets, every client required, the
file's fleet, windows, service and release times, and ``pyvrp.solve`` with
its default parameters until the time limit (``MaxRuntime``) — the model of
PyVRP's VRPTW and multi-trip examples
(https://pyvrp.org/examples/basic_vrps.html). Heterogeneous fleets use the
documented fixed and unit distance costs. Whatever such a model cannot
express (breaks, per-day stop limits, per-day loads over several trips,
chargers, several streams or depots) makes the instance :class:`Unsupported`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pyvrp
from pyvrp.stop import MaxRuntime

from optimizer.bench.plain_ortools import PlainRun, Unsupported, depot_and_stops, integral
from optimizer.model import Instance, SiteKind

UNLOAD_AT_DEPOT = "0-unload"  # the VRPLIB readers' reload facility (optimizer.io.vrplib_sets)


def _check_supported(instance: Instance) -> None:
    why: list[str] = []
    if len({vt.depot for vt in instance.vehicle_types}) != 1:
        why.append("more than one depot")
    if len({s.stream for s in instance.stops}) > 1:
        why.append("several waste streams")
    if any(s.kind is SiteKind.CHARGER for s in instance.sites):
        why.append("charging stations")
    multi = [vt.max_load_kg_per_day is None for vt in instance.vehicle_types]
    if any(multi) and UNLOAD_AT_DEPOT not in instance.travel.ids:
        why.append("reloads away from the depot")
    for vt in instance.vehicle_types:
        if vt.max_load_kg_per_day is not None and vt.max_load_kg_per_day > vt.capacity_kg:
            why.append(f"a per-day load over several trips of type {vt.id}")
        if vt.break_ is not None or vt.max_stops is not None or vt.speed_factor != 1.0:
            why.append(f"breaks, stop limits or speed factors of type {vt.id}")
    if why:
        raise Unsupported("; ".join(sorted(set(why))))


def solve_plain_pyvrp(
    instance: Instance,
    *,
    time_limit_s: float,
    seed: int = 0,
    objective: str = "distance",
    on_solution: Callable[[float, float], None] | None = None,
) -> PlainRun:
    """Solve ``instance`` with PyVRP's documented model and default search.

    Parameters
    ----------
    instance
        A single-depot, single-stream instance (reloads only at the depot).
    time_limit_s
        Search time limit in seconds (model building included).
    seed
        PyVRP's random seed.
    objective
        "distance", or "cost" (fixed cost per used vehicle plus cost per
        distance unit, per vehicle type).
    on_solution
        Called with (seconds since the start, objective) at every new best.

    Raises
    ------
    Unsupported
        If the instance needs more than the plain model.

    """
    _check_supported(instance)
    t0 = time.perf_counter()
    (depot, *_), rows = depot_and_stops(instance)
    dist: Any = np.array(integral(instance.travel.distance_m[np.ix_(rows, rows)], "distances"))
    dur: Any = np.array(integral(instance.travel.duration_s[np.ix_(rows, rows)], "travel times"))
    demand = integral(np.array([[s.demand_kg for s in instance.stops]]), "demand")[0]

    m = pyvrp.Model()
    home = m.add_depot(m.add_location(x=0, y=0), name=depot)
    for vt in instance.vehicle_types:
        reload = vt.max_load_kg_per_day is None
        per_unit = 1 if objective != "cost" else round(vt.cost_per_km / 1000.0 * 100)
        m.add_vehicle_type(
            num_available=vt.count,
            capacity=[round(vt.capacity_kg)],
            start_depot=home,
            end_depot=home,
            fixed_cost=round(vt.fixed_cost * 100) if objective == "cost" else 0,
            tw_early=vt.shift.start,
            tw_late=vt.shift.end,
            unit_distance_cost=per_unit,
            reload_depots=[home] if reload else [],
            name=vt.id,
        )
    for s, q in zip(instance.stops, demand, strict=True):
        m.add_client(
            m.add_location(x=0, y=0),
            pickup=[q],
            service_duration=s.service_s,
            tw_early=s.window.start if s.window else 0,
            tw_late=s.window.end if s.window else np.iinfo(np.int64).max,
            release_time=s.release_s,
            name=s.id,
        )
    data = m.data().replace(distance_matrices=[dist], duration_matrices=[dur])
    scale = 100.0 if objective == "cost" else 1.0
    found: list[float] = []

    class _Report:
        def __init__(self) -> None:
            self.limit = MaxRuntime(max(0.01, time_limit_s - (time.perf_counter() - t0)))
            self.best = float("inf")

        def __call__(self, best_cost: float) -> bool:
            if best_cost < self.best:
                self.best = best_cost
                found.append(time.perf_counter() - t0)
                if on_solution is not None:
                    on_solution(found[-1], best_cost / scale)
            return bool(self.limit(int(best_cost) if best_cost < float("inf") else 2**62))

    best = pyvrp.solve(data, stop=_Report(), seed=seed, collect_stats=False).best
    if not best.is_feasible():
        return PlainRun((), None, len(found), "no_solution")
    # One route per vehicle slot (types in order, ``count`` each), as VRPLIB lists them.
    slots: list[list[tuple[str, ...]]] = [[] for _ in instance.vehicle_types]
    for route in best.routes():
        seq: list[str] = []
        for act in list(route.schedule())[1:-1]:
            if act.type == pyvrp.ActivityType.CLIENT:
                seq.append(instance.stops[act.idx].id)
            else:
                seq.append(UNLOAD_AT_DEPOT)
        slots[route.vehicle_type()].append(tuple(seq))
    routes: list[tuple[str, ...]] = []
    for vt, used in zip(instance.vehicle_types, slots, strict=True):
        routes += used + [()] * (vt.count - len(used))
    return PlainRun(tuple(routes), found[0] if found else None, len(found), "time_limit")
