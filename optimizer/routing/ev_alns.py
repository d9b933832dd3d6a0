"""Electric routes with charging stops: an adaptive large neighbourhood search on RoutingBlocks.

RoutingBlocks (Klein & Schiffer, MIT licence, a compiled package) evaluates
routes with intermediate charging stops exactly for partial recharging and
time windows ("ADPTW": the battery is measured in the time a full recharge
takes, so charging time and energy are one resource), and supplies local
search moves, station insertion/removal and destroy/repair operators. (Its
``adptw.FacilityPlacementOptimizer`` of version 0.2.1 returned routes
unchanged in our tests, so charging stops are re-placed by :class:`_Placement`.)
This module builds its instance from ours and drives the search:

1. start: the stops inserted one by one at their cheapest place, then local search;
2. repeat until the time or iteration limit: remove 10-40 % of the stops
   (random, worst, related or whole routes, chosen adaptively), re-insert
   them (best insertion), local search with penalised capacity, battery and
   time-window violations, then, on plans close to the best, re-place the
   charging stops of every route by a small exact search (up to two stops a
   route, :class:`_Placement`); accept by record-to-record travel on the penalised cost; adapt
   the penalties so that about 80 % of the solutions seen are feasible;
   with ``minimize_vehicles``, plans with fewer routes rank first, and every
   so often the search drops the smallest route of the best plan, reinserts
   its stops and looks for a feasible plan with one vehicle fewer;
   after 1,000 iterations without a better feasible plan, restart from a
   fresh start (the stops inserted in a random order, with no more routes
   than the best plan has), keeping the best plan: the search uses the
   time it is given rather than stopping in the first local optimum it
   cannot leave (on the small E-VRPTW files, where a run stalls within a
   few seconds, this finds the proven optimum that a single descent missed);
3. decode the best feasible plan: charge amounts come from
   :func:`optimizer.routing.charging.optimal_dwell`, and every route is
   re-checked by :func:`optimizer.evaluate.check_route`.

It applies to a component whose rules RoutingBlocks expresses (see
:func:`unfit`): one electric type with a battery, stops of one trip from
the depot and back (the one facility the type unloads at sits on the depot),
no break, release date or per-day stop limit, and one charger power for
all chargers, none of them limited in number. Consumption must not depend
on the load (true of the E-VRPTW sets); other electric components go through the general engines and
:mod:`optimizer.routing.charging`.
"""

from __future__ import annotations

import copy
import dataclasses
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from optimizer.evaluate import check_route, objective_value, rates_of, simulate_route, travel_s
from optimizer.model import Instance, Site, VehicleType
from optimizer.routing.charging import optimal_dwell
from optimizer.routing.engine_run import EngineRun
from optimizer.routing.params import RoutingParams
from optimizer.routing.result import Route, VisitKind

KM = 1000.0  # RoutingBlocks works in km and kiloseconds: penalties stay in proportion
KS = 1000.0


@dataclass(frozen=True)
class EvSearchParams:
    """Settings of the search (defaults after the RoutingBlocks E-VRPTW example)."""

    min_removed: float = 0.1  # share of the stops removed per iteration
    max_removed: float = 0.4
    granularity: int = 30  # nearest neighbours kept for local search moves
    penalty_period: int = 50  # iterations between penalty updates
    target_feasible: float = 0.8
    threshold_start: float = 0.03  # record-to-record: accept up to 3 % worse, falling to 0
    max_iterations: int = 100_000
    max_stall: int = 1_000  # restart after this many iterations without a better feasible plan
    place_within: float = 0.02  # re-place charging stops on plans this close to the best
    fleet_period: int = 50  # iterations spent trying one vehicle fewer (then resting 2^fails x)


def unfit(instance: Instance, types: Sequence[VehicleType]) -> str:
    """Return why RoutingBlocks cannot plan this component exactly ("" if it can)."""
    if len(types) != 1:
        return "more than one vehicle type"
    vt = types[0]
    if vt.battery_kwh is None:
        return "no battery"
    if vt.break_ is not None or vt.max_stops is not None or vt.max_duration_s is not None:
        return "breaks or per-day limits"
    rates = rates_of(instance, vt)
    if rates.empty_per_km != rates.full_per_km:
        return "consumption depends on the load"
    chargers = [s for s in instance.sites if s.has_charger and not s.candidate]
    powers = {s.charger_kw for s in chargers}
    if len(powers) != 1:
        return "chargers of different power" if powers else "no charger"
    if any(s.chargers is not None for s in chargers):
        return "a limited number of chargers at a site"
    if unload_site(instance, vt) is None:
        return "no facility at the depot"
    if any(s.release_s for s in instance.stops if s.stream in vt.streams):
        return "release dates"
    return ""


def unload_site(instance: Instance, vt: VehicleType) -> Site | None:
    """Return the only facility the type unloads at if it sits on the depot (as in E-VRPTW)."""
    sites = [s for s in instance.unloading_sites if s.streams & vt.streams]
    if len(sites) != 1:
        return None
    site = sites[0]
    at_depot = (
        instance.travel_of(vt.id).distance(vt.depot, site.id) == 0
        and instance.travel_of(vt.id).distance(site.id, vt.depot) == 0
        and travel_s(instance, vt, vt.depot, site.id) == 0
        and site.unload_s == 0
        and site.streams >= vt.streams
    )
    return site if at_depot else None


class _Model:
    """The RoutingBlocks instance of a component and the ids of its vertices."""

    def __init__(self, instance: Instance, stop_ids: Sequence[str], vt: VehicleType) -> None:
        import routingblocks as rb

        depot = instance.site(vt.depot)
        stations = [s for s in instance.sites if s.has_charger and not s.candidate]
        power = float(stations[0].charger_kw or 0.0)
        rates = rates_of(instance, vt)
        self.ids = [depot.id, *stop_ids, *(s.id for s in stations)]
        self.num_stops = len(stop_ids)
        self.battery_time = (vt.battery_kwh or 0.0) - vt.reserve_kwh
        self.battery_time *= 3600.0 / power / KS
        hours = depot.hours
        shift_lo = max(vt.shift.start, hours.start if hours else 0)
        shift_hi = min(vt.shift.end, hours.end if hours else vt.shift.end)
        vertices = []
        for k, loc in enumerate(self.ids):
            if 0 < k <= self.num_stops:
                stop = instance.stop(loc)
                lo = stop.window.start if stop.window else shift_lo
                hi = stop.window.end if stop.window else shift_hi
                data = rb.adptw.VertexData(
                    stop.lon, stop.lat, stop.demand_kg, lo / KS, hi / KS, stop.service_s / KS
                )
            else:
                site = instance.site(loc)
                lo = site.hours.start if site.hours else shift_lo
                hi = site.hours.end if site.hours else shift_hi
                lo, hi = max(lo, shift_lo), min(hi, shift_hi)
                data = rb.adptw.VertexData(site.lon, site.lat, 0.0, lo / KS, hi / KS, 0.0)
            vertices.append(rb.adptw.create_adptw_vertex(k, loc, k > self.num_stops, k == 0, data))
        self.dist = [
            [instance.travel_of(vt.id).distance(a, b) / KM for b in self.ids] for a in self.ids
        ]
        # The binding takes (distance, consumption, travel time), whatever its
        # stub says (checked: the resource follows the second argument).
        recharge = rates.kwh_per_unit * 3600.0 / power / KS
        arcs = [
            [
                rb.adptw.create_adptw_arc(
                    rb.adptw.ArcData(
                        self.dist[i][j],
                        rates.fuel(self.dist[i][j] * KM, 0.0) * recharge,
                        travel_s(instance, vt, a, b) / KS,
                    )
                )
                for j, b in enumerate(self.ids)
            ]
            for i, a in enumerate(self.ids)
        ]
        self.rb = rb.Instance(vertices, arcs, max(1, vt.count))
        self.opens = [
            w.start if (w := instance.stop(loc).window) is not None else shift_lo
            for loc in stop_ids
        ]
        self.leave = float(shift_lo)


class _Placement:
    """Shortest feasible placement of up to two charging stops on a route's stop sequence.

    A small exact search per route: without stops; else every single stop
    (gap x station) in order of detour; else pairs in two different gaps
    among the ``max_near`` cheapest single detours whose detours add up to
    less than the best single one, cheapest first (at most ``max_pairs``
    tried; long routes have hundreds of single detours, and their pairs
    would cost more to list than the search gains). Feasibility is RoutingBlocks' exact
    evaluation (partial recharging, time windows). Results are cached by
    stop sequence, which the search revisits constantly.
    """

    def __init__(
        self, model: _Model, evaluation: Any, rb: Any, max_pairs: int = 3000, max_near: int = 80
    ) -> None:
        self.model, self.evaluation, self.rb = model, evaluation, rb
        self.stations = list(range(model.num_stops + 1, len(model.ids)))
        self.max_pairs = max_pairs
        self.max_near = max_near
        self.cache: dict[tuple[int, ...], list[int] | None] = {}

    def _feasible(self, body: list[int]) -> bool:
        return bool(self.rb.create_route(self.evaluation, self.model.rb, body).feasible)

    def best(self, stops: tuple[int, ...]) -> list[int] | None:
        """Return the route body (vertex ids) with its charging stops, or None if none found."""
        if stops in self.cache:
            return self.cache[stops]
        found = self._search(list(stops))
        self.cache[stops] = found
        return found

    def _search(self, body: list[int]) -> list[int] | None:
        if self._feasible(body):
            return body
        d = self.model.dist
        ends = [0, *body, 0]
        detours = sorted(
            (d[ends[g]][st] + d[st][ends[g + 1]] - d[ends[g]][ends[g + 1]], g, st)
            for g in range(len(body) + 1)
            for st in self.stations
        )
        best_single = float("inf")
        single: list[int] | None = None
        for det, g, st in detours:
            trial = [*body[:g], st, *body[g:]]
            if self._feasible(trial):
                best_single, single = det, trial
                break
        near = detours[: self.max_near]
        pairs = sorted(
            (a[0] + b[0], a, b)
            for i, a in enumerate(near)
            if a[0] < best_single
            for b in near[i + 1 :]
            if a[0] + b[0] < best_single and a[1] != b[1]
        )
        for _, a, b in pairs[: self.max_pairs]:
            (_, g1, s1), (_, g2, s2) = sorted((a, b), key=lambda x: x[1])
            trial = [*body[:g1], s1, *body[g1:g2], s2, *body[g2:]]
            if self._feasible(trial):
                return trial
        return single


def solve_component(
    instance: Instance,
    stop_ids: Sequence[str],
    types: Sequence[VehicleType],
    *,
    params: RoutingParams,
    time_limit_s: float,
    on_solution: Callable[[float, int], None] | None = None,
    interrupted: Callable[[], bool] | None = None,
    search: EvSearchParams | None = None,
) -> EngineRun:
    """Plan one component with charging stops; see the module docstring."""
    import routingblocks as rb

    search = search or EvSearchParams()
    if params.solution_limit is not None:
        # A bound on work, reproducible where a time limit is not: iterations.
        search = dataclasses.replace(search, max_iterations=params.solution_limit)
    t0 = time.perf_counter()
    vt = types[0]
    model = _Model(instance, stop_ids, vt)
    n = model.num_stops
    evaluation = rb.adptw.Evaluation(model.battery_time, vt.capacity_kg)
    penalties = [100.0, 100.0, 100.0]  # overload, battery, time shift
    _set_penalties(evaluation, penalties)
    rand = rb.Random(params.seed)
    arc_set = rb.ArcSet(len(model.ids))
    for i in range(1, len(model.ids)):
        row = model.dist[i]
        order = sorted(range(1, len(model.ids)), key=row.__getitem__)
        for j in order[search.granularity :]:
            arc_set.forbid_arc(i, j)
    moves = [
        rb.operators.SwapOperator_0_1(model.rb, arc_set),
        rb.operators.SwapOperator_0_2(model.rb, arc_set),
        rb.operators.SwapOperator_1_1(model.rb, arc_set),
        rb.operators.InterRouteTwoOptOperator(model.rb, arc_set),
        rb.operators.InsertStationOperator(model.rb),
        rb.operators.RemoveStationOperator(model.rb),
    ]
    local = rb.LocalSearch(model.rb, evaluation, None, rb.BestImprovementPivotingRule())
    alns = rb.AdaptiveLargeNeighborhood(rand, 0.2)
    related = rb.operators.build_relatedness_matrix(
        model.rb, lambda i, j: 1.0 / (1.0 + model.dist[i][j])
    )
    destroyers = [
        rb.operators.RandomRemovalOperator(rand),
        rb.operators.RouteRemovalOperator(rand),
        rb.operators.WorstRemovalOperator(
            model.rb, rb.operators.blink_selector_factory(0.01, rand)
        ),
        rb.operators.RelatedRemovalOperator(
            related,
            rb.operators.blink_selector_factory(0.1, rand),
            rb.operators.random_selector_factory(rand),
            rb.operators.random_selector_factory(rand),
            2,
        ),
    ]
    for op in destroyers:
        alns.add_destroy_operator(_with_empty_route(rb, op, lambda: cap[0]))
    alns.add_repair_operator(
        rb.operators.BestInsertionOperator(model.rb, rb.operators.first_move_selector)
    )
    alns.add_repair_operator(
        rb.operators.BestInsertionOperator(
            model.rb, rb.operators.blink_selector_factory(0.15, rand)
        )
    )

    placement = _Placement(model, evaluation, rb)
    cap = [vt.count]  # routes the search may use; lowered while it tries one vehicle fewer

    def place(sol: Any) -> Any:
        # Re-place charging stops on every route where the exact search does better.
        routes = []
        for r in sol:
            stops = tuple(x.vertex_id for x in r if x.vertex.is_customer)
            body = placement.best(stops) if stops else None
            if body is not None:
                placed = rb.create_route(evaluation, model.rb, body)
                if not r.feasible or placed.cost_components[0] < r.cost_components[0] - 1e-9:
                    r = placed
            routes.append(r)
        return rb.Solution(evaluation, model.rb, routes)

    def tidy(sol: Any) -> Any:
        # Drop routes without stops; keep one empty route for insertions to open.
        routes = [r for r in sol if any(x.vertex.is_customer for x in r)]
        if len(routes) < cap[0]:
            routes.append(rb.create_route(evaluation, model.rb, []))
        return rb.Solution(evaluation, model.rb, routes)

    def parts(sol: Any) -> list[float]:
        # Solution.cost_components of routingblocks 0.2.1 does not add up its
        # routes; sum them here.
        comps = [list(r.cost_components) for r in sol]
        return [sum(c[k] for c in comps) for k in range(4)] if comps else [0.0] * 4

    def distance(sol: Any) -> float:
        return parts(sol)[0]

    def used(sol: Any) -> int:
        return sum(1 for r in sol if any(x.vertex.is_customer for x in r))

    def better(a: Any, b: Any) -> bool:
        # Fewer vehicles first when asked (the E-VRPTW sets rank plans so).
        if b is None:
            return True
        if params.minimize_vehicles and used(a) != used(b):
            return used(a) < used(b)
        return distance(a) < distance(b) - 1e-9

    def one_route_fewer(sol: Any) -> Any:
        # Take the route with the fewest stops away and insert its stops elsewhere.
        out = copy.deepcopy(sol)
        routes = [r for r in out if any(x.vertex.is_customer for x in r)]
        small = min(routes, key=lambda r: sum(1 for x in r if x.vertex.is_customer))
        ids = [x.vertex_id for x in small if x.vertex.is_customer]
        out = rb.Solution(evaluation, model.rb, [r for r in routes if r is not small])
        insert.apply(evaluation, out, ids)
        local.optimize(out, moves)
        return tidy(out)

    insert = rb.operators.BestInsertionOperator(model.rb, rb.operators.first_move_selector)

    def construct(order: Sequence[int]) -> Any:
        # Insert the stops in this order at their cheapest (penalised) place,
        # opening a route when that is cheaper (up to the cap); then local
        # search. Ten times faster than local search from one route per stop.
        sol = rb.Solution(evaluation, model.rb, [rb.create_route(evaluation, model.rb, [])])
        for k in order:
            if len(sol) < cap[0] and all(not r.empty for r in sol):
                sol.add_route()
            insert.apply(evaluation, sol, [k])
        local.optimize(sol, moves)
        return tidy(sol)

    def shuffled() -> list[int]:
        # The stops in a random order (Fisher-Yates on the search's generator).
        order = list(range(1, n + 1))
        for i in range(n - 1, 0, -1):
            j = rand.randint(0, i)
            order[i], order[j] = order[j], order[i]
        return order

    # Start: earliest window first.
    current = construct(sorted(range(1, n + 1), key=lambda k: (model.opens[k - 1], k)))
    best_feasible = copy.deepcopy(current) if current.feasible else None
    best = copy.deepcopy(current)
    seen: list[list[bool]] = []
    found = 0
    iterations = 0
    status = "solution_limit"
    last_better = 0
    demand = sum(instance.stop(sid).demand_kg for sid in stop_ids)
    fewest = max(1, math.ceil(demand / vt.capacity_kg - 1e-9))
    trying_since: int | None = None
    rest_until = 0
    fails = 0
    restarts = 0
    while iterations < search.max_iterations:
        if iterations - last_better >= search.max_stall and best_feasible is not None:
            # Stalled: start afresh (never with more routes than the best plan).
            cap[0], trying_since = used(best_feasible), None
            current = construct(shuffled())
            best = copy.deepcopy(current)
            last_better = iterations
            restarts += 1
        elapsed = time.perf_counter() - t0
        if elapsed >= time_limit_s:
            status = "time_limit"
            break
        if interrupted is not None and interrupted():
            status = "interrupted"
            break
        iterations += 1
        cand = copy.deepcopy(current)
        k = max(1, int(n * rand.uniform(search.min_removed, search.max_removed)))
        destroy, repair = alns.generate(evaluation, cand, k)
        local.optimize(cand, moves)
        if (
            best_feasible is None
            or trying_since is not None
            or distance(cand) < distance(best_feasible) * (1 + search.place_within)
        ):
            cand = place(cand)
        cand = tidy(cand)
        seen.append([p <= 1e-6 for p in parts(cand)[1:]])
        score = 0.0
        threshold = search.threshold_start * max(0.0, 1.0 - elapsed / time_limit_s)
        if cand.cost < best.cost:
            best = copy.deepcopy(cand)
            score = 4.0
        if cand.cost <= current.cost * (1.0 + threshold):
            current = cand
            score = max(score, 1.0)
        if cand.feasible and better(cand, best_feasible):
            if best_feasible is not None and used(cand) < used(best_feasible):
                # One vehicle fewer: polish its distance (never with more routes
                # than it has) before trying the next.
                cap[0], rest_until = used(cand), iterations + search.fleet_period
            best_feasible = copy.deepcopy(cand)
            found += 1
            last_better = iterations
            trying_since = None
            score = 9.0
            if on_solution is not None:
                on_solution(distance(cand) * KM, found)
        alns.collect_score(destroy, repair, score)
        if params.minimize_vehicles and best_feasible is not None:
            fleet = used(best_feasible)
            if trying_since is None and fleet > fewest and iterations >= rest_until:
                cap[0] = fleet - 1
                current = one_route_fewer(best_feasible)
                best = copy.deepcopy(current)
                trying_since = iterations
            elif trying_since is not None and iterations - trying_since >= search.fleet_period:
                cap[0] = fleet
                current = copy.deepcopy(best_feasible)
                best = copy.deepcopy(current)
                # Each failed try doubles the rest, so that a fleet that cannot
                # shrink leaves the time to the distance.
                fails += 1
                trying_since, rest_until = None, iterations + search.fleet_period * 2**fails
        if iterations % 50 == 0:
            alns.adapt_operator_weights()
        if iterations % search.penalty_period == 0 and seen:
            for c in range(3):
                share = sum(1 for s in seen if s[c]) / len(seen)
                factor = 1.2 if share < search.target_feasible else 0.8
                penalties[c] = min(1e4, max(0.1, penalties[c] * factor))
            _set_penalties(evaluation, penalties)
            seen.clear()
            for sol in (current, best):
                for r in sol:
                    r.update()
    runtime = time.perf_counter() - t0
    if best_feasible is None:
        return EngineRun((), tuple(stop_ids), 0.0, "no_solution", found, 0.0, runtime)
    routes, dropped = _decode(instance, model, vt, best_feasible)
    return EngineRun(
        tuple(routes),
        tuple(dropped),
        objective_value(routes, str(params.objective)),
        status,
        found,
        0.0,
        runtime,
        (
            f"RoutingBlocks ALNS, {iterations} iterations, {restarts} restarts",
            f"RoutingBlocks 自适应大邻域搜索，{iterations} 次迭代，{restarts} 次重启",
        ),
    )


def _with_empty_route(rb: Any, inner: Any, count: Callable[[], int]) -> Any:
    """Return a destroy operator that leaves an empty route for the repair to open."""

    class WithEmptyRoute(rb.DestroyOperator):  # type: ignore[misc]
        def __init__(self) -> None:
            rb.DestroyOperator.__init__(self)  # the binding needs the explicit call

        def apply(self, evaluation: Any, solution: Any, k: int) -> list[int]:
            removed: list[int] = inner.apply(evaluation, solution, k)
            if len(solution) < count() and all(
                any(x.vertex.is_customer for x in r) for r in solution
            ):
                solution.add_route()
            return removed

        def can_apply_to(self, solution: Any) -> bool:
            return bool(inner.can_apply_to(solution))

        def name(self) -> str:
            return str(inner.name())

    return WithEmptyRoute()


def _set_penalties(evaluation: Any, penalties: list[float]) -> None:
    evaluation.overload_penalty_factor = penalties[0]
    evaluation.resource_penalty_factor = penalties[1]
    evaluation.time_shift_penalty_factor = penalties[2]


def _decode(
    instance: Instance, model: _Model, vt: VehicleType, solution: Any
) -> tuple[list[Route], list[str]]:
    """Return our routes of a RoutingBlocks solution, with exact charge amounts, and stops lost."""
    unload = unload_site(instance, vt)
    assert unload is not None
    routes: list[Route] = []
    dropped: list[str] = []
    for route in solution:
        body: list[tuple[VisitKind, str]] = []
        for node in route:
            if node.vertex.is_depot:
                continue
            kind = VisitKind.STOP if node.vertex.is_customer else VisitKind.CHARGE
            body.append((kind, model.ids[node.vertex_id]))
        if not any(k is VisitKind.STOP for k, _ in body):
            continue
        seq = [(VisitKind.DEPOT, vt.depot), *body, (VisitKind.UNLOAD, unload.id)]
        seq.append((VisitKind.DEPOT, vt.depot))
        name = f"{vt.id}#{len(routes) + 1}"
        leave = model.leave
        dwell = optimal_dwell(instance, vt, seq, leave)
        built = simulate_route(instance, name, vt, seq, leave, dwell_s=dwell)
        if check_route(instance, built):
            dropped += [loc for k, loc in body if k is VisitKind.STOP]
            continue
        routes.append(built)
    return routes, dropped
