"""Pick a routing engine for each independent component, and run it.

- ``ortools``: OR-Tools for everything.
- ``pyvrp``: PyVRP where it expresses the component exactly (breaks by
  reserving their length, per-day load limits in its distance: see
  :mod:`optimizer.routing.pyvrp_engine`); where it cannot (a per-day stop
  limit), PyVRP plans the component without that rule, its routes are cut
  to keep it, and OR-Tools places what the cut left out ("pyvrp+ortools").
- ``auto`` (the default): today's routes given → OR-Tools (it starts from
  them); electric vehicles whose charging RoutingBlocks expresses →
  ``ev-alns`` (:mod:`optimizer.routing.ev_alns`); otherwise as ``pyvrp``,
  since PyVRP's search ends closer to the best known solutions on the
  standard sets (see ``benchmarks/``).

Every engine's electric routes then get their charging planned
(:mod:`optimizer.routing.charging`, inside ``rescue.keep_checked``).

A component whose PyVRP plan is empty, or breaks a rule PyVRP does not see
(the final unload picked for a route may be closed at that hour), is
re-solved with OR-Tools, so a weakness of one engine never costs a stop.
Where the types of a component break at different hours (or some not at
all), PyVRP's reservation of the break is loose, so a plan made without
breaks and given them afterwards competes with the search's (see
:func:`_breaks_differ`).
OR-Tools alone stops early without a complete plan and is rescued (see
:mod:`optimizer.routing.rescue`).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from optimizer.evaluate import check_route, objective_value
from optimizer.model import Instance, VehicleType
from optimizer.routing.engine_run import EngineRun, plan_key
from optimizer.routing.params import RoutingParams
from optimizer.routing.result import Route, RoutingResult, VisitKind
from optimizer.routing.sequence import drop_idle_unloads, place_break

PYVRP_SHARE = 0.8  # of a component's time for PyVRP's relaxed plan in "pyvrp+ortools"
# Of a component whose types break differently, the share of its time for a
# plan made without breaks and given them afterwards (see _breaks_differ);
# the search with breaks gets the rest, and the better plan is kept.
NO_BREAK_SHARE = 0.3
# OR-Tools' multi-trip model of a big component takes longer to build than a
# time limit allows (Kim 1051_stop, 1048 stops: 37 s on 2 busy cores), so the
# repair runs only on components up to this size; above it, stops the cut
# PyVRP plan cannot place are reported unserved and the time limit holds.
REPAIR_MAX_STOPS = 600


@dataclass(frozen=True)
class Choice:
    """The engine chosen for a component and why (in English and Chinese)."""

    engine: str  # "ortools", "pyvrp", "pyvrp+ortools" or "ev-alns"
    reason: str
    reason_zh: str


_GAP_TEXT = {
    "max_stops": ("maximum stops per day", "每日最多收运点数"),
    "daily_load": ("maximum load per day over all trips", "每日累计最大收运量"),
    "no_shared_facility": ("no facility takes all its streams", "没有能同时接收其全部类别的设施"),
}


def choose(
    instance: Instance,
    types: Sequence[VehicleType],
    params: RoutingParams,
    initial: RoutingResult | None,
) -> Choice:
    """Return the engine for a component of ``types`` under ``params``."""
    from optimizer.routing import pyvrp_engine

    if params.engine == "ortools":
        return Choice("ortools", "requested", "按要求")
    if params.engine == "auto" and initial is not None:
        return Choice("ortools", "starts from today's routes", "从现有路线出发优化")
    if params.engine == "auto" and any(vt.battery_kwh is not None for vt in types):
        from optimizer.routing import ev_alns

        if not ev_alns.unfit(instance, types):
            return Choice(
                "ev-alns",
                "electric vehicles with charging stops: RoutingBlocks plans both",
                "电动车及途中充电：由 RoutingBlocks 同时规划",
            )
    gaps = pyvrp_engine.unsupported(instance, types)
    if not gaps:
        if params.engine == "auto":
            return Choice("pyvrp", "PyVRP expresses every rule", "PyVRP 可表达全部约束")
        return Choice("pyvrp", "requested", "按要求")
    en = "; ".join(f"{t}: {_GAP_TEXT[g][0]}" for t, g in gaps)
    zh = "；".join(f"{t}：{_GAP_TEXT[g][1]}" for t, g in gaps)
    if any(g is pyvrp_engine.Gap.NO_SHARED_FACILITY for _, g in gaps):
        return Choice("ortools", f"PyVRP cannot express ({en})", f"PyVRP 无法表达（{zh}）")
    return Choice(
        "pyvrp+ortools",
        f"PyVRP plans without ({en}), OR-Tools enforces them",
        f"PyVRP 先忽略（{zh}）规划，再由 OR-Tools 满足这些约束",
    )


def _violations(instance: Instance, routes: Sequence[Route]) -> list[str]:
    """Return the rules the routes break on their own.

    Coverage and fleet size are the engines' job (PyVRP visits each client
    once and honours the counts; the cut keeps the counts); the whole plan is
    checked once more by the caller of :func:`optimizer.routing.solve.solve`.
    """
    return [str(v) for route in routes for v in check_route(instance, route)]


def run(
    choice: Choice,
    instance: Instance,
    stop_ids: Sequence[str],
    types: Sequence[VehicleType],
    *,
    params: RoutingParams,
    time_limit_s: float,
    initial: RoutingResult | None,
    on_solution: Callable[[float, int], None] | None,
    interrupted: Callable[[], bool] | None,
) -> EngineRun:
    """Run the chosen engine on one component; rescue the stops it could not place.

    See :mod:`optimizer.routing.rescue`: a plan that leaves stops out is
    compared with a construction heuristic improved by OR-Tools.
    """
    from optimizer.routing.rescue import GIVE_UP_SHARE, keep_checked, rescue

    # OR-Tools on its own gives up early when it has no complete plan, so that
    # the rescue has time to start it again (on a work limit it never does).
    give_up = initial is None and params.solution_limit is None
    first = _run(
        choice,
        instance,
        stop_ids,
        types,
        params=params,
        time_limit_s=time_limit_s,
        initial=initial,
        on_solution=on_solution,
        interrupted=interrupted,
        give_up_share=GIVE_UP_SHARE if give_up else None,
    )
    first = keep_checked(first, instance, types, str(params.objective))
    return rescue(
        first,
        instance,
        stop_ids,
        types,
        params=params,
        time_limit_s=time_limit_s,
        on_solution=on_solution,
        interrupted=interrupted,
    )


def _run(
    choice: Choice,
    instance: Instance,
    stop_ids: Sequence[str],
    types: Sequence[VehicleType],
    *,
    params: RoutingParams,
    time_limit_s: float,
    initial: RoutingResult | None,
    on_solution: Callable[[float, int], None] | None,
    interrupted: Callable[[], bool] | None,
    give_up_share: float | None = None,
) -> EngineRun:
    """Run the chosen engine on one component (OR-Tools alone may give up early)."""
    from optimizer.routing import ortools_engine, pyvrp_engine

    if choice.engine == "ortools":
        return ortools_engine.solve_component(
            instance,
            stop_ids,
            types,
            params=params,
            time_limit_s=time_limit_s,
            initial=initial,
            on_solution=on_solution,
            interrupted=interrupted,
            give_up_share=give_up_share,
        )
    if choice.engine == "ev-alns":
        from optimizer.routing import ev_alns

        return ev_alns.solve_component(
            instance,
            stop_ids,
            types,
            params=params,
            time_limit_s=time_limit_s,
            on_solution=on_solution,
            interrupted=interrupted,
        )
    if choice.engine == "pyvrp":
        alternative, t0 = None, time.perf_counter()
        if _breaks_differ(types) and initial is None:
            alternative = _planned_then_breaks(
                instance,
                stop_ids,
                types,
                params=_share_of(params, NO_BREAK_SHARE),
                time_limit_s=time_limit_s * NO_BREAK_SHARE,
                on_solution=on_solution,
                interrupted=interrupted,
            )
        spent = time.perf_counter() - t0
        first = pyvrp_engine.solve_component(
            instance,
            stop_ids,
            types,
            params=params if alternative is None else _share_of(params, 1 - NO_BREAK_SHARE),
            time_limit_s=max(time_limit_s - spent, 0.01),
            initial=initial,
            on_solution=on_solution,
            interrupted=interrupted,
        )
        if alternative is not None and alternative.routes:
            first = _better(first, alternative, instance, params)
        broken = _violations(instance, first.routes)
        if (first.routes and not broken) or first.status == "interrupted" or first.ended:
            return first  # an ended search spent the time: the rescue constructs a plan
        why = f"PyVRP's plan breaks {broken[0]}" if broken else "PyVRP found no plan"
        why_zh = f"PyVRP 的方案违反规则：{broken[0]}" if broken else "PyVRP 未找到方案"
        return _run(
            Choice("ortools", why, why_zh),
            instance,
            stop_ids,
            types,
            params=params,
            time_limit_s=time_limit_s,
            initial=initial,
            on_solution=on_solution,
            interrupted=interrupted,
        )
    # pyvrp+ortools: PyVRP plans without the per-day limits (most of the time),
    # the plan is cut into pieces that keep them; OR-Tools repairs what is left.
    # The daily load stays: PyVRP turns it into a bound on reloads.
    relaxed = [dataclasses.replace(vt, max_stops=None) for vt in types]
    start = pyvrp_engine.solve_component(
        instance,
        stop_ids,
        relaxed,
        params=params,
        # Above REPAIR_MAX_STOPS no repair follows: PyVRP takes all the time.
        time_limit_s=time_limit_s * (PYVRP_SHARE if len(stop_ids) <= REPAIR_MAX_STOPS else 1.0),
        initial=initial,
        on_solution=on_solution,
        interrupted=interrupted,
    )
    if start.ended:
        return start  # as above: the rescue constructs a plan
    pieces = tuple(
        r for r in split_for_limits(instance, start.routes, types) if not _violations(instance, [r])
    )
    covered = {s for r in pieces for s in r.stops}
    kept = dataclasses.replace(
        start,
        routes=pieces,
        dropped=tuple(s for s in stop_ids if s not in covered),
        objective_value=objective_value(pieces, str(params.objective)),
    )
    if not kept.dropped or start.status == "interrupted" or len(stop_ids) > REPAIR_MAX_STOPS:
        return kept
    from optimizer.routing.rescue import start_plan

    seed = start_plan(instance, pieces, params, kept.objective_value, engine="pyvrp")
    final = ortools_engine.solve_component(
        instance,
        stop_ids,
        types,
        params=params,
        time_limit_s=max(time_limit_s - start.runtime_s, 0.01),
        initial=seed if pieces else initial,
        on_solution=on_solution,
        interrupted=interrupted,
    )
    # OR-Tools may need longer than its share to build a big model; keep the
    # plan that serves more stops, then the cheaper one.
    best = min((final, kept), key=lambda r: (len(r.dropped), r.objective_value))
    return dataclasses.replace(
        best,
        build_s=final.build_s + start.build_s,
        runtime_s=final.runtime_s + start.runtime_s,
        num_solutions=final.num_solutions + start.num_solutions,
    )


def _breaks_differ(types: Sequence[VehicleType]) -> bool:
    """Return whether the types of a component have different breaks (or some none).

    PyVRP has no breaks; the engine reserves the longest break of the
    component on every stop window that ends after the earliest break
    window of any type opens (:mod:`optimizer.routing.pyvrp_engine`). With
    one break for all that costs little; with a type that breaks at 6:52
    beside types that break at 9:15 and 10:15, every stop loses half an
    hour its vehicles have, and the search opened two vehicles more than
    the plan without breaks needs (generated county 5,
    benchmarks/breaks/README.md).
    """
    kinds = {
        None if vt.break_ is None else (vt.break_.window, vt.break_.duration_s) for vt in types
    }
    return len(kinds) > 1


def _share_of(params: RoutingParams, share: float) -> RoutingParams:
    """Return ``params`` with ``share`` of its work bound (the time is passed apart)."""
    if params.solution_limit is None:
        return params
    return dataclasses.replace(params, solution_limit=max(1, round(params.solution_limit * share)))


def _planned_then_breaks(
    instance: Instance,
    stop_ids: Sequence[str],
    types: Sequence[VehicleType],
    *,
    params: RoutingParams,
    time_limit_s: float,
    on_solution: Callable[[float, int], None] | None,
    interrupted: Callable[[], bool] | None,
) -> EngineRun | None:
    """Return a PyVRP plan made without breaks, each route given its break, or None.

    None when a route cannot take its break where the rules allow it
    (:func:`optimizer.routing.sequence.place_break` finds no arc the
    checker accepts) or the search was ended.
    """
    from optimizer.routing import pyvrp_engine

    free = [dataclasses.replace(vt, break_=None) for vt in types]
    run = pyvrp_engine.solve_component(
        instance,
        stop_ids,
        free,
        params=params,
        time_limit_s=time_limit_s,
        initial=None,
        on_solution=on_solution,
        interrupted=interrupted,
    )
    if run.ended:
        return None
    by_id = {vt.id: vt for vt in types}
    routes = []
    for r in run.routes:
        seq = [(v.kind, v.location) for v in r.visits]
        vt = by_id[r.vehicle_type]
        route = place_break(instance, r.vehicle, vt, seq, r.visits[0].departure_s)
        if check_route(instance, route):
            return None
        routes.append(route)
    return dataclasses.replace(
        run, routes=tuple(routes), objective_value=objective_value(routes, str(params.objective))
    )


def _better(a: EngineRun, b: EngineRun, instance: Instance, params: RoutingParams) -> EngineRun:
    """Return the run serving more stops, then (if minimised) with fewer vehicles, then cheaper.

    A run whose routes break a rule on their own never wins over one that
    keeps them. Build and search times are those of both runs.
    """

    def rank(run: EngineRun) -> tuple[bool, tuple[int, int, float]]:
        broken = bool(_violations(instance, run.routes)) or not run.routes
        return broken, plan_key(run.routes, len(run.dropped), params)

    best = min((a, b), key=rank)
    return dataclasses.replace(
        best,
        build_s=a.build_s + b.build_s,
        runtime_s=a.runtime_s + b.runtime_s,
        num_solutions=a.num_solutions + b.num_solutions,
    )


def split_for_limits(
    instance: Instance, routes: Sequence[Route], types: Sequence[VehicleType]
) -> tuple[Route, ...]:
    """Cut routes planned without per-day limits into routes that keep them.

    Trips (stops up to and including their unloads) are packed in order onto
    vehicles of the route's type while the day's stops and load stay within
    ``max_stops`` and ``max_load_kg_per_day``; trips beyond the fleet are
    left out (the search that follows inserts their stops elsewhere).
    """
    by_id = {vt.id: vt for vt in types}
    pieces: dict[str, list[list[tuple[VisitKind, str]]]] = {}
    departure: dict[tuple[str, int], float] = {}
    for route in routes:
        vt = by_id[route.vehicle_type]
        max_stops = vt.max_stops or 10**9
        max_load = vt.max_load_kg_per_day or float("inf")
        trips: list[list[tuple[VisitKind, str]]] = [[]]
        for v in route.visits[1:-1]:
            if v.kind is VisitKind.BREAK:
                continue  # placed again once the pieces are known
            if v.kind is VisitKind.STOP and trips[-1] and trips[-1][-1][0] is VisitKind.UNLOAD:
                trips.append([])
            trips[-1].append((v.kind, v.location))
        first_piece = len(pieces.get(vt.id, []))
        departure[(vt.id, first_piece)] = route.visits[0].departure_s
        current: list[tuple[VisitKind, str]] = []
        stops, load = 0, 0.0
        own = pieces.setdefault(vt.id, [])
        for trip in trips:
            t_stops = [loc for kind, loc in trip if kind is VisitKind.STOP]
            t_load = sum(instance.stop(s).demand_kg for s in t_stops)
            if current and (stops + len(t_stops) > max_stops or load + t_load > max_load):
                own.append(current)
                current, stops, load = [], 0, 0.0
            current += trip
            stops += len(t_stops)
            load += t_load
        if current:
            own.append(current)
    out: list[Route] = []
    for type_id, seqs in pieces.items():
        vt = by_id[type_id]
        for k, body in enumerate(seqs[: vt.count]):
            seq = [
                (VisitKind.DEPOT, vt.depot),
                *drop_idle_unloads(instance, body),
                (VisitKind.DEPOT, vt.depot),
            ]
            leave = departure.get((type_id, k), float(vt.shift.start))
            out.append(place_break(instance, f"{vt.id}#{k + 1}", vt, seq, leave))
    return tuple(out)
