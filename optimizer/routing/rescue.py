"""Rescue a component the chosen engine left (partly) unplanned: construct, then improve.

An engine may find no plan in its time for a rule it handles badly (OR-Tools
with driver breaks on a tight fleet, or a multi-stream van whose streams no
facility takes together). No stop should stay unserved for that reason: the
nearest-neighbour construction of :mod:`optimizer.routing.greedy` builds a
plan that the checker accepts route by route, OR-Tools improves it with the
time left (where it can build its model in that time), and the better plan
(more stops served, then cheaper) is kept.

OR-Tools on its own (no start plan, a time limit) stops after
``GIVE_UP_SHARE`` of its time if no solution yet served every stop: with
the tight fleets of the Solomon files (the vehicles of the best-known
tours) guided local search leaves one to four customers out for the whole
time limit whatever the first-solution strategy (path cheapest arc,
parallel or local cheapest insertion, savings), the extra insertion
operators or a smaller drop penalty (measured on RC104 and RC106 at 30 s).
The rescue then starts OR-Tools again from the plan that serves the most
stops: PyVRP's (where it expresses every rule, given ``PYVRP_START_SHARE``
of the time left), the nearest-neighbour construction, or OR-Tools' own.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Sequence
from types import MappingProxyType

from optimizer.evaluate import check_route, objective_value
from optimizer.model import Instance, VehicleType
from optimizer.routing.charging import Busy, charge_run, plan_charging
from optimizer.routing.engine_run import EngineRun
from optimizer.routing.engines import REPAIR_MAX_STOPS
from optimizer.routing.greedy import greedy_routes
from optimizer.routing.params import RoutingParams
from optimizer.routing.result import Route, RoutingResult, VisitKind
from optimizer.routing.sequence import drop_idle_unloads, place_break

# Below this many seconds left, the constructed plan is kept as it is.
MIN_IMPROVE_S = 0.05
# OR-Tools gives up after this share of its time without a complete plan
# (Solomon R1/RC1 with the fleet of the best-known tours: 8 of 56 at 30 s);
# PyVRP then gets this share of the rest for a start, OR-Tools the remainder.
GIVE_UP_SHARE = 0.4
PYVRP_START_SHARE = 0.3


def construct(
    instance: Instance, stop_ids: Sequence[str], types: Sequence[VehicleType]
) -> tuple[Route, ...]:
    """Return nearest-neighbour routes of ``stop_ids``, each accepted by the checker.

    Where those routes serve nothing (each broke a rule and lost every stop
    to the cuts), every vehicle instead takes the cheapest stop it can serve
    on its own (:func:`_single_stops`): "no stop can be served" is then said
    only when no vehicle can serve any stop alone.
    """
    fleet = [(f"{vt.id}#{k}", vt) for vt in types for k in range(1, vt.count + 1)]
    by_name = dict(fleet)
    out: list[Route] = []
    busy: Busy = {}
    for name, seq in greedy_routes(instance, stop_ids, fleet).items():
        fixed = _checked_route(instance, name, by_name[name], seq, busy)
        if fixed is not None:
            out.append(fixed)
    if not out:
        out = _single_stops(instance, stop_ids, fleet)
    return tuple(out)


def _checked_route(
    instance: Instance, name: str, vt: VehicleType, seq: Sequence[tuple[VisitKind, str]], busy: Busy
) -> Route | None:
    """Return the greedy's visit order as a route the checker accepts (stops cut if needed)."""
    # Leave once the first trip's stops are released (the greedy ignores release).
    release = 0.0
    for kind, loc in seq[1:]:
        if kind is VisitKind.UNLOAD:
            break
        if kind is VisitKind.STOP:
            release = max(release, instance.stop(loc).release_s)
    route = place_break(instance, name, vt, seq, float(max(vt.shift.start, release)))
    route, _ = plan_charging(instance, route, busy)
    # The greedy does not see every rule (release of later trips, range):
    # cut what breaks one rather than lose the whole route.
    fixed, _ = _drop_until_checked(instance, route, vt)
    return fixed


def _single_stops(
    instance: Instance, stop_ids: Sequence[str], fleet: Sequence[tuple[str, VehicleType]]
) -> list[Route]:
    """Return, vehicle by vehicle, the cheapest one-stop route the checker accepts (distinct stops).

    Generated county s61-c157 (tests/data/routing/one_stop_alone.json): a
    stop of 1,500 kg fills the day's load, so every nearest-neighbour route
    broke a rule at it and the cuts left nothing, while the stop alone,
    unloaded at the far plant before the break, passes.
    """
    left = list(stop_ids)
    out: list[Route] = []
    busy: Busy = {}
    hopeless: set[str] = set()  # types that serve no stop alone
    for name, vt in fleet:
        if vt.id in hopeless:
            continue
        best: tuple[float, str] | None = None
        for sid in left:
            seq = greedy_routes(instance, [sid], [(name, vt)]).get(name)
            route = None if seq is None else _checked_route(instance, name, vt, seq, {})
            if route is not None and route.stops:
                cost = objective_value([route], "cost")
                if best is None or cost < best[0]:
                    best = (cost, sid)
        if best is None:
            hopeless.add(vt.id)
            continue
        seq = greedy_routes(instance, [best[1]], [(name, vt)])[name]
        route = _checked_route(instance, name, vt, seq, busy)
        if route is not None:
            out.append(route)
            left = [s for s in left if s not in route.stops]
    return out


def _drop_until_checked(
    instance: Instance, route: Route, vt: VehicleType
) -> tuple[Route | None, list[str]]:
    """Remove stops from ``route`` until the checker accepts it; return it and the stops lost.

    The stop at the first violation goes first (else the last stop before it),
    so a route that broke a rule late keeps its early part.
    """
    lost: list[str] = []
    current = route
    for _ in range(len(route.stops) + 1):
        violations = check_route(instance, current)
        if not violations:
            return current, lost
        at = min((v.visit for v in violations if v.visit is not None), default=len(current.visits))
        stops = [
            p for p, v in enumerate(current.visits) if v.kind is VisitKind.STOP and p <= at
        ] or [p for p, v in enumerate(current.visits) if v.kind is VisitKind.STOP]
        if not stops:
            break
        gone = current.visits[stops[-1]].location
        lost.append(gone)
        seq: list[tuple[VisitKind, str]] = [
            (v.kind, v.location)
            for v in current.visits
            if v.kind is not VisitKind.BREAK
            and not (v.kind is VisitKind.STOP and v.location == gone)
        ]
        if not any(kind is VisitKind.STOP for kind, _ in seq):
            return None, lost
        seq = drop_idle_unloads(instance, seq)
        current = place_break(instance, route.vehicle, vt, seq, current.visits[0].departure_s)
    return None, [*lost, *current.stops]


def keep_checked(
    run: EngineRun, instance: Instance, types: Sequence[VehicleType], objective: str
) -> EngineRun:
    """Return ``run`` with charging planned and every route the checker refuses cut until it passes.

    Engines decode their solutions (unloads, breaks, waiting) outside their
    own model, and a user's road matrix need not obey the triangle
    inequality, so a decoded route may break a rule the model kept. The
    stops removed are reported as not routed, and the rescue may place them.
    """
    run = charge_run(instance, run, objective)
    by_id = {vt.id: vt for vt in types}
    routes: list[Route] = []
    lost: list[str] = []
    for route in run.routes:
        fixed, gone = _drop_until_checked(instance, route, by_id[route.vehicle_type])
        lost += gone
        if fixed is not None:
            routes.append(fixed)
    if not lost:
        return run
    return dataclasses.replace(
        run,
        routes=tuple(routes),
        dropped=(*run.dropped, *lost),
        objective_value=objective_value(routes, objective),
        note=(
            f"{len(lost)} stop(s) taken off routes whose decoded schedule broke a rule",
            f"{len(lost)} 个收集点因解码后的路线违反约束而移出",
        ),
    )


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
    t0 = time.perf_counter()
    served = len(stop_ids) - len(first.dropped)
    built = construct(instance, stop_ids, types)
    source = ("a nearest-neighbour construction", "最近邻构造方案")
    if first.status == "gave_up":
        # OR-Tools stopped early without a complete plan: start again from
        # the plan that serves most, PyVRP's where it expresses the rules,
        # else OR-Tools goes on from its own plan.
        left = time_limit_s - first.build_s - first.runtime_s
        other = _pyvrp_start(instance, stop_ids, types, params, PYVRP_START_SHARE * left)
        if _served(other) > _served(built):
            built, source = other, ("PyVRP's plan", "PyVRP 方案")
        if _served(built) <= served:
            built, source = first.routes, ("its own plan", "其自身方案")
    elif _served(built) <= served:
        return first
    covered = {s for r in built for s in r.stops}
    why = (
        first.note
        if first.ended
        else ("the engine found no plan in time", "求解器在时限内未找到方案")
        if not first.routes
        else (
            f"the engine's plan left {len(first.dropped)} stop(s) out",
            f"求解器方案遗漏了 {len(first.dropped)} 个收集点",
        )
    )
    greedy = dataclasses.replace(
        first,
        routes=built,
        dropped=tuple(s for s in stop_ids if s not in covered),
        objective_value=objective_value(built, str(params.objective)),
        status="local_optimum" if first.status in ("no_solution", "gave_up") else first.status,
        note=(f"{why[0]}, so {source[0]} was used", f"{why[1]}，改用{source[1]}"),
    )
    left = time_limit_s - first.build_s - first.runtime_s - (time.perf_counter() - t0)
    if left < MIN_IMPROVE_S or (len(stop_ids) > REPAIR_MAX_STOPS and first.status != "gave_up"):
        # Above REPAIR_MAX_STOPS, OR-Tools' model takes longer to build than
        # the time left (a 1,014-stop part, 62 vehicles, six facilities: 7 s
        # for a 5 s share, and the plan it then returned left 25-168 stops
        # out): the construction stands; the search that comes next (the
        # improvement rounds of a county planned by parts) starts from it.
        # When OR-Tools itself gave up, its model was built in time once.
        return greedy
    seed = start_plan(instance, built, params, greedy.objective_value, engine="greedy")
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
    # The improved plan is decoded like any other: cut what the checker refuses.
    improved = keep_checked(improved, instance, types, str(params.objective))
    if (len(improved.dropped), improved.objective_value) < (
        len(greedy.dropped),
        greedy.objective_value,
    ):
        return dataclasses.replace(
            improved,
            build_s=first.build_s + improved.build_s,
            runtime_s=time.perf_counter() - t0 + first.runtime_s,
            num_solutions=first.num_solutions + improved.num_solutions,
            note=(
                f"{why[0]}, so {source[0]} was improved by OR-Tools",
                f"{why[1]}，改用{source[1]}并由 OR-Tools 改进",
            ),
        )
    return greedy


def _served(routes: Sequence[Route]) -> int:
    return len({s for r in routes for s in r.stops})


def _pyvrp_start(
    instance: Instance,
    stop_ids: Sequence[str],
    types: Sequence[VehicleType],
    params: RoutingParams,
    time_limit_s: float,
) -> tuple[Route, ...]:
    """Return PyVRP's checked plan of the component, or nothing if PyVRP cannot express it."""
    from optimizer.routing import pyvrp_engine

    if pyvrp_engine.unsupported(instance, types) or time_limit_s < MIN_IMPROVE_S:
        return ()
    run = pyvrp_engine.solve_component(
        instance,
        stop_ids,
        types,
        params=dataclasses.replace(params, solution_limit=None),
        time_limit_s=time_limit_s,
    )
    return keep_checked(run, instance, types, str(params.objective)).routes


def start_plan(
    instance: Instance,
    routes: Sequence[Route],
    params: RoutingParams,
    value: float,
    *,
    engine: str,
) -> RoutingResult:
    """Wrap routes as a plan an engine can start from (``initial``), nothing unserved."""
    return RoutingResult(
        instance=instance.name,
        routes=tuple(routes),
        unserved=(),
        objective=str(params.objective),
        objective_value=value,
        engine=engine,
        settings=MappingProxyType({}),
    )
