"""Rescue a component the chosen engine left (partly) unplanned: construct, then improve.

An engine may find no plan in its time for a rule it handles badly (OR-Tools
with driver breaks on a tight fleet, or a multi-stream van whose streams no
facility takes together). No stop should stay unserved for that reason: the
nearest-neighbour construction of :mod:`optimizer.routing.greedy` builds a
plan that the checker accepts route by route, OR-Tools improves it with the
time left, and the better plan (more stops served, then cheaper) is kept.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from types import MappingProxyType

from optimizer.evaluate import check_route, objective_value
from optimizer.model import Instance, VehicleType
from optimizer.routing.engine_run import EngineRun
from optimizer.routing.greedy import greedy_routes
from optimizer.routing.params import RoutingParams
from optimizer.routing.result import Route, RoutingResult, VisitKind
from optimizer.routing.sequence import place_break

# Below this many seconds left, the constructed plan is kept as it is.
MIN_IMPROVE_S = 0.05


def construct(
    instance: Instance, stop_ids: Sequence[str], types: Sequence[VehicleType]
) -> tuple[Route, ...]:
    """Return nearest-neighbour routes of ``stop_ids``, each accepted by the checker."""
    fleet = [(f"{vt.id}#{k}", vt) for vt in types for k in range(1, vt.count + 1)]
    by_name = dict(fleet)
    out: list[Route] = []
    for name, seq in greedy_routes(instance, stop_ids, fleet).items():
        vt = by_name[name]
        # Leave once the first trip's stops are released (the greedy ignores release).
        release = 0.0
        for kind, loc in seq[1:]:
            if kind is VisitKind.UNLOAD:
                break
            if kind is VisitKind.STOP:
                release = max(release, instance.stop(loc).release_s)
        route = place_break(instance, name, vt, seq, float(max(vt.shift.start, release)))
        if not check_route(instance, route):
            out.append(route)
    return tuple(out)


def rescue(
    first: EngineRun,
    instance: Instance,
    stop_ids: Sequence[str],
    types: Sequence[VehicleType],
    *,
    params: RoutingParams,
    time_limit_s: float,
    on_solution: Callable[[float, int], None] | None,
    interrupted: Callable[[], bool] | None,
) -> EngineRun:
    """Return ``first``, or a constructed (and improved) plan if it serves more stops."""
    from optimizer.routing import ortools_engine

    if first.status == "interrupted" or not first.dropped:
        return first
    built = construct(instance, stop_ids, types)
    covered = {s for r in built for s in r.stops}
    if len(covered) <= len(stop_ids) - len(first.dropped):
        return first
    greedy = dataclasses.replace(
        first,
        routes=built,
        dropped=tuple(s for s in stop_ids if s not in covered),
        objective_value=objective_value(built, str(params.objective)),
        status="local_optimum" if first.status == "no_solution" else first.status,
        note=(
            "the engine's plan left stops out, so a nearest-neighbour construction was used",
            "求解器方案遗漏了收集点，改用最近邻构造方案",
        ),
    )
    left = time_limit_s - first.build_s - first.runtime_s
    if left < MIN_IMPROVE_S:
        return greedy
    seed = RoutingResult(
        instance=instance.name,
        routes=built,
        unserved=(),
        objective=str(params.objective),
        objective_value=greedy.objective_value,
        engine="greedy",
        settings=MappingProxyType({}),
    )
    improved = ortools_engine.solve_component(
        instance,
        stop_ids,
        types,
        params=params,
        time_limit_s=left,
        initial=seed,
        on_solution=on_solution,
        interrupted=interrupted,
    )
    if (len(improved.dropped), improved.objective_value) < (
        len(greedy.dropped),
        greedy.objective_value,
    ):
        return dataclasses.replace(
            improved,
            build_s=first.build_s + improved.build_s,
            runtime_s=first.runtime_s + improved.runtime_s,
            num_solutions=first.num_solutions + improved.num_solutions,
            note=(
                "the engine's plan left stops out, so a nearest-neighbour construction "
                "was improved by OR-Tools",
                "求解器方案遗漏了收集点，改用最近邻构造方案并由 OR-Tools 改进",
            ),
        )
    return greedy
