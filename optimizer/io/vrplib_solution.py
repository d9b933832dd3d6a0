"""VRPLIB ``.sol`` files and LKH-3 tours, mapped to and from routing results.

A ``.sol`` file lists one route per vehicle (``Route #i: 12 5 0 7``) by
node index, depot = 0, then ``Cost <value>``. In the instances read by
:mod:`optimizer.io.vrplib_sets` the index is the location id, and a ``0``
inside a route (multi-trip sets) is a reload at the depot, i.e. a visit to
the unload facility ``"0-unload"``. Route ``i`` belongs to vehicle slot
``i`` (:func:`~optimizer.io.vrplib_sets.vehicle_slots`), which matters for
heterogeneous fleets.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import vrplib

from optimizer.evaluate import objective_value, simulate_route
from optimizer.i18n import Text
from optimizer.io.atomic import atomic_path
from optimizer.io.errors import InputError, InputProblem
from optimizer.io.vrplib_sets import DEPOT_ID, UNLOAD_ID, objective_scale, vehicle_slots
from optimizer.model import Instance
from optimizer.routing.result import RoutingResult, VisitKind


@dataclass(frozen=True)
class PublishedSolution:
    """Routes of a published solution, one per vehicle slot, by location id.

    ``routes[i]`` is the ordered stops (and reloads, as ``"0-unload"``) of
    vehicle slot ``i``; empty for an unused vehicle. ``cost`` is the value
    the file states, in the set's published unit, or None.
    """

    routes: tuple[tuple[str, ...], ...]
    cost: float | None


def _ids(instance: Instance, file: str, index_routes: Sequence[Sequence[int]]) -> PublishedSolution:
    known = {s.id for s in instance.stops}
    problems: list[InputProblem] = []
    routes: list[tuple[str, ...]] = []
    for r, route in enumerate(index_routes, start=1):
        ids: list[str] = []
        for node in route:
            loc = UNLOAD_ID if int(node) == 0 else str(int(node))
            if loc != UNLOAD_ID and loc not in known:
                problems.append(
                    InputProblem(
                        file,
                        r,
                        f"Route #{r}",
                        str(node),
                        Text(f"a customer of {instance.name}", f"实例 {instance.name!r} 的客户"),
                    )
                )
            ids.append(loc)
        routes.append(tuple(ids))
    if problems:
        raise InputError(problems)
    return PublishedSolution(tuple(routes), None)


def read_vrplib_solution(path: str | os.PathLike[str], instance: Instance) -> PublishedSolution:
    """Read a VRPLIB ``.sol`` file of ``instance``.

    Raises
    ------
    InputError
        If the file cannot be read or names a customer the instance lacks.

    """
    file = str(path)
    try:
        data = vrplib.read_solution(path)
    except (OSError, ValueError) as err:
        raise InputError(
            [
                InputProblem(
                    file,
                    None,
                    "",
                    "",
                    Text(f"a VRPLIB solution ({err})", f"VRPLIB 格式的解（{str(err)!r}）"),
                )
            ]
        ) from err
    sol = _ids(instance, file, data.get("routes", []))
    cost = data.get("cost")
    return PublishedSolution(sol.routes, None if cost is None else float(cost))


def read_lkh3_tour(path: str | os.PathLike[str], instance: Instance) -> PublishedSolution:
    """Read an LKH-3 VRP tour (``TOUR_SECTION``) of a Solomon instance.

    LKH-3 numbers nodes from 1 (the depot) and represents the depot's copies
    by the numbers after the last customer; every depot copy starts a route.
    The cost is read from ``COMMENT : Cost = 0_12618`` (penalty_cost).
    """
    file = str(path)
    text = Path(path).read_text(encoding="utf-8")
    dim = len(instance.stops) + 1
    head, sep, body = text.partition("TOUR_SECTION")
    if not sep:
        raise InputError(
            [
                InputProblem(
                    file, None, "TOUR_SECTION", "", Text("a TOUR_SECTION", "'TOUR_SECTION' 段")
                )
            ]
        )
    routes: list[list[int]] = []
    current: list[int] = []
    for token in body.split():
        if token in ("-1", "EOF"):
            break
        node = int(token)
        if node == 1 or node > dim:
            if current:
                routes.append(current)
            current = []
        else:
            current.append(node - 1)
    if current:
        routes.append(current)
    cost = None
    for line in head.splitlines():
        if "Cost" in line and "=" in line:
            cost = float(line.split("=")[1].strip().split("_")[-1])
    sol = _ids(instance, file, routes)
    return PublishedSolution(sol.routes, cost)


def result_from_routes(
    instance: Instance, routes: Sequence[Sequence[str]], *, engine: str = "published"
) -> RoutingResult:
    """Build a routing result from routes of location ids, one per vehicle slot.

    Each route leaves the depot at its shift start (or when the first trip's
    stops are released), unloads at ``"0-unload"`` before returning, and
    gets the earliest times, loads and metrics that
    :func:`optimizer.evaluate.simulate_route` computes. Unused slots (empty
    routes) are left out.
    """
    slots = vehicle_slots(instance)
    if len(routes) > len(slots):
        raise ValueError(
            f"{len(routes)} routes but instance {instance.name} has {len(slots)} vehicles"
        )
    out = []
    for (vehicle, type_id), route in zip(slots, routes, strict=False):
        if not route:
            continue
        vt = instance.vehicle_type(type_id)
        seq = [(VisitKind.DEPOT, DEPOT_ID)]
        seq += [
            (VisitKind.UNLOAD, loc) if loc == UNLOAD_ID else (VisitKind.STOP, loc) for loc in route
        ]
        if seq[-1] != (VisitKind.UNLOAD, UNLOAD_ID):
            seq.append((VisitKind.UNLOAD, UNLOAD_ID))
        seq.append((VisitKind.DEPOT, DEPOT_ID))
        first_trip = route[: route.index(UNLOAD_ID)] if UNLOAD_ID in route else route
        start = max([vt.shift.start] + [instance.stop(s).release_s for s in first_trip])
        out.append(simulate_route(instance, vehicle, vt, seq, float(start)))
    objective = instance.meta.get("objective", "distance")
    return RoutingResult(
        instance=instance.name,
        routes=tuple(out),
        unserved=(),
        objective=objective,
        objective_value=objective_value(out, objective),
        engine=engine,
        status="feasible",
    )


def index_routes(instance: Instance, result: RoutingResult) -> list[list[int]]:
    """Return the routes of ``result`` by node index, one per vehicle slot.

    Routes are placed in the first free slot of their vehicle type; unloads
    at the depot between trips become ``0``, the final one is dropped.
    """
    slots = vehicle_slots(instance)
    out: list[list[int]] = [[] for _ in slots]
    free = list(range(len(slots)))
    for route in result.routes:
        slot = next((i for i in free if slots[i][1] == route.vehicle_type), None)
        if slot is None:
            raise ValueError(f"more routes of type {route.vehicle_type} than vehicles")
        free.remove(slot)
        nodes: list[int] = []
        for v in route.visits:
            if v.kind is VisitKind.STOP:
                nodes.append(int(v.location))
            elif v.kind is VisitKind.UNLOAD and v.location == UNLOAD_ID:
                nodes.append(0)
            elif v.kind is VisitKind.UNLOAD:
                raise ValueError(f"unload at {v.location}: VRPLIB routes reload only at the depot")
        while nodes and nodes[-1] == 0:
            nodes.pop()
        out[slot] = nodes
    while out and not out[-1]:
        out.pop()
    return out


def write_vrplib_solution(
    path: str | os.PathLike[str], instance: Instance, result: RoutingResult
) -> None:
    """Write ``result`` as a VRPLIB ``.sol`` file, atomically.

    The cost line states the plan's objective in the set's published unit
    (the model objective divided by ``meta["objective_scale"]``).
    """
    cost = result.objective_value / objective_scale(instance)
    routes = index_routes(instance, result)
    with atomic_path(path) as tmp:
        if all(routes):
            vrplib.write_solution(tmp, routes, {"Cost": f"{cost:.10g}"})
        else:
            # vrplib refuses empty routes, but a heterogeneous fleet needs them
            # to keep each route in its vehicle's slot (PyVRP writes them too).
            lines = [" ".join([f"Route #{i}:", *map(str, r)]) for i, r in enumerate(routes, 1)]
            tmp.write_text("\n".join([*lines, f"Cost: {cost:.10g}", ""]), encoding="utf-8")


def is_vrplib(instance: Instance) -> bool:
    """Return whether ``instance`` was read from a VRPLIB file (its nodes are VRPLIB indices)."""
    meta = instance.meta
    return "rounding" in meta and "multi_trip" in meta and meta.get("set_type") != "EVRPTW"


def benchmark_outputs(
    instance: Instance, result: RoutingResult
) -> dict[str, Callable[[Path], object]]:
    """Return the extra files a plan of a benchmark instance gets: ``solution.sol`` for VRPLIB.

    The names map to writers called with the path to write (as
    :func:`optimizer.io.route_sheets.write_route_outputs` takes them).
    """
    if not is_vrplib(instance) or result.unserved:
        return {}
    return {"solution.sol": lambda path: write_vrplib_solution(path, instance, result)}
