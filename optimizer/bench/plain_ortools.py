"""A plain OR-Tools baseline, set up as the OR-Tools routing guide shows it.

This is a benchmark reference, not an engine of the project: one depot, a
capacity dimension, a time dimension with windows (service time added to the
travel time of the arc leaving a node), ``PATH_CHEAPEST_ARC`` for the first
solution and ``GUIDED_LOCAL_SEARCH`` until the time limit — the settings of
the guide's CVRP and VRPTW examples
(https://developers.google.com/optimization/routing/vrptw). Heterogeneous
fleets use the documented per-vehicle arc costs and fixed costs. Whatever
such a model cannot express (reloads, release dates, breaks, chargers,
several streams or depots) makes the instance :class:`Unsupported`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from optimizer.model import Instance, SiteKind, VehicleType

COST_SCALE = 100  # integer arc costs keep two decimals of a cost objective


class Unsupported(ValueError):
    """The instance needs a feature the plain CVRP/VRPTW model does not have."""


@dataclass(frozen=True)
class PlainRun:
    """Routes of the baseline, one list of stop ids per vehicle slot.

    Slots follow the instance's vehicle types in order, ``count`` each (as
    :func:`optimizer.io.vrplib_sets.vehicle_slots`); ``first_solution_s`` is
    None when no solution was found.
    """

    routes: tuple[tuple[str, ...], ...]
    first_solution_s: float | None
    num_solutions: int
    status: str


def _check_supported(instance: Instance) -> None:
    why: list[str] = []
    depots = {vt.depot for vt in instance.vehicle_types}
    if len(depots) != 1:
        why.append("more than one depot")
    if len({s.stream for s in instance.stops}) > 1:
        why.append("several waste streams")
    if any(s.release_s > 0 for s in instance.stops):
        why.append("release dates")
    if any(s.kind is SiteKind.CHARGER for s in instance.sites):
        why.append("charging stations")
    for vt in instance.vehicle_types:
        if vt.max_load_kg_per_day is None or vt.max_load_kg_per_day > vt.capacity_kg:
            why.append(f"multiple trips of type {vt.id}")
        if vt.break_ is not None or vt.max_stops is not None or vt.speed_factor != 1.0:
            why.append(f"breaks, stop limits or speed factors of type {vt.id}")
    if why:
        raise Unsupported("; ".join(sorted(set(why))))


def depot_and_stops(instance: Instance) -> tuple[list[str], np.ndarray]:
    """Return the ids of the depot and the stops, and their rows in the travel matrix."""
    depot = instance.vehicle_types[0].depot
    ids = [depot, *(s.id for s in instance.stops)]
    return ids, np.array([instance.travel.index(i) for i in ids])


def integral(values: np.ndarray, what: str) -> list[list[int]]:
    """Return ``values`` as integers, or raise :class:`Unsupported` if they are not whole."""
    rounded = np.rint(values)
    if not np.allclose(values, rounded, atol=1e-6):
        raise Unsupported(f"{what} is not integral; the plain model works on integers")
    out: list[list[int]] = rounded.astype(np.int64).tolist()
    return out


def solve_plain(
    instance: Instance,
    *,
    time_limit_s: float,
    objective: str = "distance",
    on_solution: Callable[[float, float], None] | None = None,
) -> PlainRun:
    """Solve ``instance`` with the guide's CVRP/VRPTW model and search settings.

    Parameters
    ----------
    instance
        A single-depot, single-stream, single-trip instance.
    time_limit_s
        Search time limit in seconds.
    objective
        "distance" (arc cost = distance) or "cost" (fixed cost per used
        vehicle plus cost per km, per vehicle type).
    on_solution
        Called with (seconds since the start, objective) at every solution.

    Raises
    ------
    Unsupported
        If the instance needs more than the plain model.

    """
    _check_supported(instance)
    t0 = time.perf_counter()
    ids, rows = depot_and_stops(instance)
    dist = integral(instance.travel.distance_m[np.ix_(rows, rows)], "the distance matrix")
    travel = integral(instance.travel.duration_s[np.ix_(rows, rows)], "the travel time matrix")
    service = [0] + [s.service_s for s in instance.stops]
    demand = integral(np.array([[0.0] + [s.demand_kg for s in instance.stops]]), "demand")[0]
    fleet: list[VehicleType] = [vt for vt in instance.vehicle_types for _ in range(vt.count)]

    manager = pywrapcp.RoutingIndexManager(len(ids), len(fleet), 0)
    routing = pywrapcp.RoutingModel(manager)

    def distance_cb(i: int, j: int) -> int:
        return dist[int(manager.IndexToNode(i))][int(manager.IndexToNode(j))]

    dist_index = routing.RegisterTransitCallback(distance_cb)
    if objective == "cost":
        for v, vt in enumerate(fleet):
            per_unit = vt.cost_per_km / 1000.0 * COST_SCALE

            def cost_cb(i: int, j: int, k: float = per_unit) -> int:
                return round(k * dist[int(manager.IndexToNode(i))][int(manager.IndexToNode(j))])

            routing.SetArcCostEvaluatorOfVehicle(routing.RegisterTransitCallback(cost_cb), v)
            routing.SetFixedCostOfVehicle(round(vt.fixed_cost * COST_SCALE), v)
        scale = float(COST_SCALE)
    else:
        routing.SetArcCostEvaluatorOfAllVehicles(dist_index)
        scale = 1.0

    def demand_cb(i: int) -> int:
        return demand[int(manager.IndexToNode(i))]

    routing.AddDimensionWithVehicleCapacity(
        routing.RegisterUnaryTransitCallback(demand_cb),
        0,
        [round(vt.capacity_kg) for vt in fleet],
        True,
        "Capacity",
    )
    if any(s.window is not None for s in instance.stops):

        def time_cb(i: int, j: int) -> int:
            a, b = int(manager.IndexToNode(i)), int(manager.IndexToNode(j))
            return service[a] + travel[a][b]

        horizon = max(vt.shift.end for vt in fleet)
        routing.AddDimension(
            routing.RegisterTransitCallback(time_cb), horizon, horizon, False, "Time"
        )
        time_dim = routing.GetDimensionOrDie("Time")
        for node, stop in enumerate(instance.stops, start=1):
            if stop.window is not None:
                time_dim.CumulVar(manager.NodeToIndex(node)).SetRange(
                    stop.window.start, stop.window.end
                )
        for v, vt in enumerate(fleet):
            for index in (routing.Start(v), routing.End(v)):
                time_dim.CumulVar(index).SetRange(vt.shift.start, vt.shift.end)
                routing.AddVariableMinimizedByFinalizer(time_dim.CumulVar(index))

    found: list[float] = []

    def at_solution() -> None:
        elapsed = time.perf_counter() - t0
        found.append(elapsed)
        if on_solution is not None:
            on_solution(elapsed, routing.CostVar().Max() / scale)

    routing.AddAtSolutionCallback(at_solution)
    search = pywrapcp.DefaultRoutingSearchParameters()
    search.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    search.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    search.time_limit.FromMilliseconds(max(1, round(time_limit_s * 1000)))
    solution = routing.SolveWithParameters(search)
    if solution is None:
        return PlainRun((), None, len(found), "no_solution")
    routes: list[tuple[str, ...]] = []
    for v in range(len(fleet)):
        index = solution.Value(routing.NextVar(routing.Start(v)))
        route: list[str] = []
        while not routing.IsEnd(index):
            route.append(ids[manager.IndexToNode(index)])
            index = solution.Value(routing.NextVar(index))
        routes.append(tuple(route))
    return PlainRun(tuple(routes), found[0] if found else None, len(found), "time_limit")
