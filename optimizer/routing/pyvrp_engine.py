"""PyVRP adapter: the only module that sees PyVRP or its indices.

Model (one call solves one independent component of the fleet):

- Locations: the component's depots, its stops, and every facility a type may
  unload at. Facilities are PyVRP *reload depots* (hours as the depot's time
  window, ``unload_s`` as its service duration): unloading empties the
  vehicle, and a route may reload as often as it needs (multi-trip).
- A truck must be empty when it returns home. Each type ends its routes at a
  virtual depot "unload, then go home": the arc from a stop to it costs the
  cheapest detour over a facility the type may use (that facility is put
  into the route when decoding), the arc from a facility costs the empty run
  home. Arcs from a stop straight home are prohibitive.
- Loads: one dimension per stream (weight in grams) and, when any stop has a
  volume, one per stream in litres; a type's capacity in the dimensions of
  streams it does not carry is zero, which keeps it from those stops.
  Reloading empties every dimension, so a type may only use facilities that
  accept *all* of its streams.
- Speeds: one routing profile per distinct ``speed_factor``.
- Shift as the vehicle time window, ``max_duration_s`` as the shift duration,
  ``range_m`` as the maximum distance, release dates as client release times.
- Optional stops carry a prize above any route cost, so dropping is a last
  resort; ``minimize_vehicles`` adds a fixed cost above any route cost.

A driver break in a window has no PyVRP counterpart. Its length is reserved:
the shift end, the maximum duration, and every stop window or facility
closing time that may fall after a break close earlier by it, so the break
fits wherever it is put. When decoding, the break goes on the first arc of
the route where the checker accepts it; a route where no arc works is
reported by the checker and the caller re-solves the component with OR-Tools.

A per-day load limit over all trips: when it is one full load, no reload is
allowed (exact). Otherwise, if no type of the component has a range, the
distance matrix carries the load picked up at each arc's head and the
limit is the maximum distance (exact: distance adds up over reloads, loads
do not); the objective's price per metre then moves onto travel time at the
profile's mean speed (see :func:`_time_priced`).

Not expressible at all, so :func:`unsupported` lists them and the caller
uses OR-Tools instead (or PyVRP's routes as a start for OR-Tools):
``max_stops`` (unless the daily load limit or the shift already keeps
every day below it), a daily load limit beside a range (then it only bounds the
number of reloads: ``ceil(limit / capacity) - 1``), and types whose
streams no single facility accepts together.

Integer scaling happens here and only here: metres rounded, travel times
rounded up to whole seconds, loads in grams and litres (demands up,
capacities down), costs in 1/36000 yuan, CO2 in milligrams.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from enum import StrEnum
from typing import Any

import numpy as np
import pyvrp
from pyvrp.stop import MaxIterations, MaxRuntime, MultipleCriteria

from optimizer.evaluate import compartments, objective_value, rates_of
from optimizer.model import Instance, Site, Stream, VehicleType
from optimizer.routing.engine_run import EngineRun
from optimizer.routing.params import Objective, RoutingParams
from optimizer.routing.pyvrp_worker import Ended, search
from optimizer.routing.result import Route, RoutingResult, VisitKind
from optimizer.routing.sequence import drop_idle_unloads, leave_later, place_break

KG_SCALE = 1000  # grams per kg
M3_SCALE = 1000  # litres per m3
COST_SCALE = 36000  # objective units per yuan (so cost per hour / 3600 s is whole)
CO2_SCALE = 1_000_000  # milligrams per kg: a truck emits about 1 g CO2 per metre
FORBIDDEN = 10**9  # distance (m) and duration (s) of an arc a route must not use
INT_MAX = int(np.iinfo(np.int64).max)
UINT_MAX = int(np.iinfo(np.uint64).max)
# A PyVRP iteration is one cheap perturb-and-repair step, an OR-Tools
# "solution" a whole improving move: this ratio makes a solution limit buy
# both engines a comparable amount of work (measured on the conformance set).
ITERATIONS_PER_SOLUTION = 50
# Minimising vehicles on a time limit: the first search gets FIRST_SHARE of
# the time, each attempt with one vehicle fewer at most ATTEMPT_SHARE, and
# at least POLISH_SHARE is kept to improve the last complete plan.
FIRST_SHARE = 0.35
ATTEMPT_SHARE = 0.2
POLISH_SHARE = 0.1


class Gap(StrEnum):
    """A rule PyVRP cannot express."""

    MAX_STOPS = "max_stops"
    DAILY_LOAD = "daily_load"
    NO_SHARED_FACILITY = "no_shared_facility"


def unsupported(instance: Instance, types: Sequence[VehicleType]) -> list[tuple[str, Gap]]:
    """Return (vehicle type id, rule) pairs PyVRP cannot express (empty: it can)."""
    gaps: list[tuple[str, Gap]] = []
    for vt in types:
        if vt.max_stops is not None and not _stop_limit_implied(instance, vt):
            gaps.append((vt.id, Gap.MAX_STOPS))
        if (
            vt.max_load_kg_per_day is not None
            and not _daily_load_is_one_trip(vt)
            and not _load_as_distance(types)
        ):
            gaps.append((vt.id, Gap.DAILY_LOAD))
        if not _reload_sites(instance, vt):
            gaps.append((vt.id, Gap.NO_SHARED_FACILITY))
    return gaps


def _max_reloads(vt: VehicleType) -> int:
    """Return the reloads a type may make: a per-day load limit allows ceil(limit / capacity) trips.

    This only approximates the limit (partial trips carry less than a full
    load); the caller cuts routes that still exceed it.
    """
    if vt.max_load_kg_per_day is None:
        return UINT_MAX
    total = sum(kg for kg, _ in compartments(vt).values())
    return max(0, math.ceil(vt.max_load_kg_per_day / total) - 1)


def _stop_limit_implied(instance: Instance, vt: VehicleType) -> bool:
    """Return True if no day of ``vt`` can have more than ``max_stops`` stops anyway.

    A day collects at most the daily load limit and serves within the shift
    (or the maximum duration): if even the lightest stops, or the quickest
    ones, that fit reach at most ``max_stops``, the limit can never bind and
    PyVRP keeps it without seeing it (9 of the 10 Kim instances). The break
    is not subtracted: a day that does not span its window need not take it
    on the route. The caller's check of every route stays the safeguard.
    """
    if vt.max_stops is None:
        return True
    stops = [s for s in instance.stops if s.stream in vt.streams]

    def most(values: list[float], limit: float) -> int:
        total, count = 0.0, 0
        for v in sorted(values):
            total += v
            if total > limit + 1e-9:
                break
            count += 1
        return count

    work = vt.shift.length if vt.max_duration_s is None else min(vt.shift.length, vt.max_duration_s)
    bound = min(len(stops), most([float(s.service_s) for s in stops], work))
    if vt.max_load_kg_per_day is not None:
        bound = min(bound, most([s.demand_kg for s in stops], vt.max_load_kg_per_day))
    return bound <= vt.max_stops


def _daily_load_is_one_trip(vt: VehicleType) -> bool:
    """Return True if the per-day limit equals one full load (expressed exactly).

    Then no reload is allowed (:func:`_max_reloads` is 0) and one trip can
    never carry more than the limit, so the limit holds in every PyVRP plan
    (the single-trip benchmark sets: CVRP, Solomon, Gehring-Homberger).
    """
    if vt.max_load_kg_per_day is None:
        return False
    total = sum(kg for kg, _ in compartments(vt).values())
    return math.isclose(vt.max_load_kg_per_day, total, rel_tol=1e-9)


def _load_as_distance(types: Sequence[VehicleType]) -> bool:
    """Return True if the per-day loads of ``types`` are kept in PyVRP's distance.

    PyVRP's load dimensions empty at every reload, but a route's distance
    adds up over the whole day. When some type has a daily load limit of
    more than one full load and no type has a range (which needs the real
    distance), the distance matrix carries the load collected at each arc's
    head and ``max_distance`` is the daily limit: an exact encoding. The
    objective's per-metre price then moves onto time (see
    :func:`_time_priced`).
    """
    limited = any(
        vt.max_load_kg_per_day is not None and not _daily_load_is_one_trip(vt) for vt in types
    )
    return limited and all(vt.range_m is None for vt in types)


def _time_priced(rates: tuple[int, int, int], metres_per_s: float) -> tuple[int, int, int]:
    """Return objective rates with the per-metre price moved onto time.

    With the distance matrix holding loads, a metre can only be priced
    through the travel time it takes at the profile's mean speed: exact for
    travel when speed is uniform (the Kim set, the county matrix at one
    speed), while waiting is priced too. The plan's true objective is
    recomputed after decoding.
    """
    per_m, per_s, fixed = rates
    if not (per_m or per_s):
        return 0, 0, fixed
    return 0, max(1, round(per_s + per_m * metres_per_s)), fixed


def _reload_sites(instance: Instance, vt: VehicleType) -> list[Site]:
    return [f for f in instance.unloading_sites if vt.streams <= f.streams]


def _objective_rates(
    instance: Instance, vt: VehicleType, objective: Objective
) -> tuple[int, int, int]:
    """Return (per metre, per second, per vehicle) costs of a type in scaled units."""
    match objective:
        case Objective.DISTANCE:
            return 1, 0, 0
        case Objective.TIME:
            return 0, 1, 0
        case Objective.COST:
            return (
                round(vt.cost_per_km * COST_SCALE / 1000),
                round(vt.cost_per_h * COST_SCALE / 3600),
                round(vt.fixed_cost * COST_SCALE),
            )
        case Objective.CO2:
            rates = rates_of(instance, vt)
            # Arc costs cannot depend on the load: price every metre at half load.
            kg_per_m = rates.fuel(1000.0, 0.5) * rates.co2_kg_per_unit / 1000.0
            return max(1, round(kg_per_m * CO2_SCALE)), 0, 0
    raise ValueError(objective)


def _scale(objective: Objective) -> float:
    return {
        Objective.DISTANCE: 1.0,
        Objective.TIME: 1.0,
        Objective.COST: float(COST_SCALE),
        Objective.CO2: float(CO2_SCALE),
    }[objective]


class _Stop:
    """A stopping criterion that also reports progress and honours Ctrl-C.

    ``limit`` may be replaced between searches (one reporter for all);
    ``target``, if set, stops a search once its best cost falls below it.
    """

    def __init__(
        self,
        limit: MaxRuntime | MaxIterations | MultipleCriteria,
        scale: float,
        on_solution: Callable[[float, int], None] | None,
        interrupted: Callable[[], bool] | None,
    ) -> None:
        self.limit = limit
        self.scale = scale
        self.on_solution = on_solution
        self.interrupted = interrupted
        self.best = math.inf
        self.improvements = 0
        self.was_interrupted = False
        self.target = -math.inf  # no target

    def __call__(self, best_cost: float) -> bool:
        if best_cost < self.best:
            self.best = best_cost
            self.improvements += 1
            if self.on_solution is not None and math.isfinite(best_cost):
                self.on_solution(best_cost / self.scale, self.improvements)
        if self.interrupted is not None and self.interrupted():
            self.was_interrupted = True
            return True
        if best_cost < self.target:
            return True
        return bool(self.limit(int(best_cost) if math.isfinite(best_cost) else INT_MAX))


def _complete(data: pyvrp.ProblemData, solution: pyvrp.Solution) -> bool:
    return bool(solution.is_feasible()) and solution.num_clients() == data.num_clients


def _fewer_vehicles(
    builder: _Builder,
    best: pyvrp.Solution,
    stop: _Stop,
    seed: int,
    deadline: float,
    budget: float,
) -> pyvrp.Solution:
    """Return ``best`` with as few routes as the time left allows (one vehicle type).

    PyVRP's local search seldom empties a whole route even when a vehicle
    costs more than any route, so vehicles are removed explicitly: the
    route with the fewest stops is taken out, its stops left unplanned, and
    the search restarts from there with one vehicle fewer available (their
    prizes pull them back in); it stops as soon as every stop is back. This
    repeats until an attempt fails within its slice or only the polishing
    time is left, which then improves the last complete plan.
    """
    data = builder.data
    while (
        _complete(data, best)
        and best.num_routes() > 1
        and not stop.was_interrupted
        and deadline - time.perf_counter() > 1.5 * POLISH_SHARE * budget
    ):
        routes = best.routes()
        drop = min(range(len(routes)), key=lambda i: (routes[i].num_clients(), i))
        vt = data.vehicle_type(0).replace(num_available=len(routes) - 1)
        fewer = data.replace(vehicle_types=[vt])
        start = _rebuilt(fewer, [r for i, r in enumerate(routes) if i != drop])
        left = deadline - time.perf_counter()
        attempt = min(left - POLISH_SHARE * budget, ATTEMPT_SHARE * budget)
        stop.limit = MaxRuntime(attempt)
        # A complete plan on one vehicle fewer costs less than this; one that
        # leaves a stop out costs more (its prize exceeds any route).
        stop.target = (len(routes) - 1) * vt.fixed_cost + builder.route_bound
        cand = search(fewer, stop, seed=seed, limit_s=attempt, initial=start)
        stop.target = -math.inf
        if isinstance(cand, Ended) or not _complete(fewer, cand):
            break
        best, data = cand, fewer
    left = deadline - time.perf_counter()
    if left > 0.01 * budget and not stop.was_interrupted:
        stop.limit = MaxRuntime(left)
        start = _rebuilt(data, best.routes())
        polished = search(data, stop, seed=seed, limit_s=left, initial=start)
        if not isinstance(polished, Ended) and (
            _complete(data, polished) or not _complete(data, best)
        ):
            best = polished
    return best


def _rebuilt(data: pyvrp.ProblemData, routes: Sequence[pyvrp.Route]) -> pyvrp.Solution:
    """Return the routes as a solution of ``data`` (same locations, other fleet)."""
    return pyvrp.Solution(
        data,
        [
            pyvrp.Route(
                data,
                [pyvrp.Activity(a.type, a.idx) for a in list(r.schedule())[1:-1]],
                r.vehicle_type(),
            )
            for r in routes
        ],
    )


def solve_component(
    instance: Instance,
    stop_ids: Sequence[str],
    types: Sequence[VehicleType],
    *,
    params: RoutingParams,
    time_limit_s: float,
    initial: RoutingResult | None = None,
    on_solution: Callable[[float, int], None] | None = None,
    interrupted: Callable[[], bool] | None = None,
) -> EngineRun:
    """Solve the stops ``stop_ids`` with the vehicles of ``types`` using PyVRP.

    Parameters
    ----------
    instance
        The whole instance (travel matrix, sites).
    stop_ids
        Stops of this component; each must be servable by some type.
    types
        Vehicle types of this component; :func:`unsupported` must be empty.
    params
        Objective, limits and seed. ``solution_limit`` buys
        ``ITERATIONS_PER_SOLUTION`` search iterations per solution (a fixed
        amount of work, reproducible).
    time_limit_s
        Time budget of this component.
    initial
        Ignored: PyVRP builds its own start (OR-Tools takes today's routes).
    on_solution
        Called with (best objective incl. penalties, improvements so far).
    interrupted
        Polled during the search; True stops it and keeps the best solution.

    """
    del initial  # see docstring
    gaps = [(t, g) for t, g in unsupported(instance, types) if g is not Gap.DAILY_LOAD]
    if gaps:
        raise ValueError(f"PyVRP cannot express {gaps}")
    t0 = time.perf_counter()
    objective = Objective(params.objective)
    builder = _Builder(instance, list(stop_ids), list(types), params, objective)
    data = builder.data
    build_s = time.perf_counter() - t0
    budget = max(0.01, time_limit_s - build_s)
    if params.solution_limit is not None:
        # The work bound makes runs reproducible; the time limit still holds.
        limit = MultipleCriteria(
            [MaxIterations(params.solution_limit * ITERATIONS_PER_SOLUTION), MaxRuntime(budget)]
        )
        stop = _Stop(limit, _scale(objective), on_solution, interrupted)
        found = search(data, stop, seed=params.seed, limit_s=budget)
    else:
        reduce = params.minimize_vehicles and len(types) == 1
        first = budget * FIRST_SHARE if reduce else budget
        stop = _Stop(MaxRuntime(first), _scale(objective), on_solution, interrupted)
        found = search(data, stop, seed=params.seed, limit_s=first)
        if reduce and not isinstance(found, Ended):
            found = _fewer_vehicles(builder, found, stop, params.seed, t0 + time_limit_s, budget)
    if isinstance(found, Ended):
        # PyVRP's search did not stop (class #9 of the robustness campaign):
        # no plan from it; the caller constructs one (optimizer.routing.rescue).
        return EngineRun(
            (),
            tuple(stop_ids),
            0.0,
            "time_limit",
            stop.improvements,
            build_s,
            time.perf_counter() - t0,
            note=(
                f"PyVRP's search did not stop at its time limit and was ended after "
                f"{found.after_s:.1f} s",
                f"PyVRP 搜索未在时限内停止，{found.after_s:.1f} 秒后被终止",
            ),
            ended=True,
        )
    best = found
    if not best.is_feasible():
        return EngineRun(
            (),
            tuple(stop_ids),
            0.0,
            "no_solution",
            stop.improvements,
            build_s,
            time.perf_counter() - t0,
        )
    routes, dropped = builder.decode(best)
    # The decoded plan (final unloads, breaks, departure times put in) is what
    # we return, so its objective is what we report; PyVRP's own cost of the
    # same routes omits those and differs by them.
    value = objective_value(routes, objective.value)
    timed_out = time.perf_counter() - t0 >= 0.98 * time_limit_s
    status = (
        "interrupted"
        if stop.was_interrupted
        else (
            "solution_limit"
            if params.solution_limit is not None and not timed_out
            else "time_limit"
        )
    )
    return EngineRun(
        tuple(routes),
        tuple(dropped),
        float(value),
        status,
        stop.improvements,
        build_s,
        time.perf_counter() - t0,
    )


class _Builder:
    """Build a PyVRP model of one component and decode its solutions."""

    def __init__(
        self,
        instance: Instance,
        stop_ids: list[str],
        types: list[VehicleType],
        params: RoutingParams,
        objective: Objective,
    ) -> None:
        self.instance = instance
        self.stop_ids = stop_ids
        self.types = types
        self.model = pyvrp.Model()
        m = self.model
        stops = [instance.stop(s) for s in stop_ids]
        streams = sorted({s.stream for s in stops} | {x for vt in types for x in vt.streams})
        with_volume = any(s.demand_m3 > 0 for s in stops)
        dims: list[tuple[Stream, str]] = [(s, "kg") for s in streams]
        if with_volume:
            dims += [(s, "m3") for s in streams]
        # Breaks: every time limit that may fall after a break closes earlier by
        # its length, so the break fits wherever it is put (see place_break).
        breaks = [vt.break_ for vt in types if vt.break_ is not None]
        self.pause = max((b.duration_s for b in breaks), default=0)
        self.pause_from = min((b.window.start for b in breaks), default=INT_MAX)
        home_ids = sorted({vt.depot for vt in types})
        facility_ids = sorted({f.id for vt in types for f in _reload_sites(instance, vt)})
        # PyVRP depots, in order: homes (route starts), facilities (reloads),
        # then one virtual end per type: "unload at the best facility, go home".
        self.depot_site: list[str] = []
        depot_of: dict[str, pyvrp.Depot] = {}
        real_ids = home_ids + facility_ids + stop_ids
        loc = {i: m.add_location(x=0, y=0) for i in real_ids}
        for sid in home_ids:
            depot_of[sid] = m.add_depot(loc[sid], name=sid)
            self.depot_site.append(sid)
        for sid in facility_ids:
            hours = instance.site(sid).hours
            depot_of[sid] = m.add_depot(
                loc[sid],
                tw_early=hours.start if hours else 0,
                tw_late=self._late(hours.end) if hours else INT_MAX,
                service_duration=instance.site(sid).unload_s,
                name=sid,
            )
            self.depot_site.append(sid)
        end_loc = [m.add_location(x=0, y=0) for _ in types]
        end_depot = [m.add_depot(end_loc[t], name=f"end {vt.id}") for t, vt in enumerate(types)]
        self.depot_site += [vt.depot for vt in types]
        self.first_end = len(home_ids) + len(facility_ids)

        speeds = sorted({vt.speed_factor for vt in types})
        profiles = {sp: m.add_profile(name=f"speed x{sp:g}") for sp in speeds}
        rates = {vt.id: _objective_rates(instance, vt, objective) for vt in types}
        idx = [instance.travel.index(i) for i in real_ids]
        dist = np.rint(instance.travel.distance_m[np.ix_(idx, idx)]).astype(np.int64)
        base_dur = instance.travel.duration_s[np.ix_(idx, idx)]
        dur = {sp: np.ceil(base_dur / sp).astype(np.int64) for sp in speeds}
        self.load_as_distance = _load_as_distance(types)
        if self.load_as_distance:
            for vt in types:
                speed = float(dist.sum()) / max(1.0, float(dur[vt.speed_factor].sum()))
                rates[vt.id] = _time_priced(rates[vt.id], speed)
        pos = {i: k for k, i in enumerate(real_ids)}

        # The final unload of each (type, last location): the facility that
        # makes "unload, then go home" cheapest in the objective's terms.
        self.final_unload: list[dict[str, str]] = []
        end_arcs: list[dict[str, tuple[int, int]]] = []
        for vt in types:
            per_m, per_s, _ = rates[vt.id]
            d_home = pos[vt.depot]
            t_of = dur[vt.speed_factor]
            best: dict[str, str] = {}
            arcs: dict[str, tuple[int, int]] = {}
            sites = _reload_sites(instance, vt)
            for i in real_ids:
                a = pos[i]
                if i in facility_ids:
                    # Already unloaded here: the empty run home.
                    arcs[i] = (int(dist[a, d_home]), int(t_of[a, d_home]))
                    continue
                if i in home_ids:
                    continue
                options = []
                for f in sites:
                    b = pos[f.id]
                    dd = int(dist[a, b] + dist[b, d_home])
                    tt = int(t_of[a, b] + f.unload_s + t_of[b, d_home])
                    options.append((per_m * dd + per_s * tt, dd, tt, f.id))
                _, dd, tt, fid = min(options)
                best[i] = fid
                arcs[i] = (dd, tt)
            self.final_unload.append(best)
            end_arcs.append(arcs)

        max_arc = max(
            1,
            max(
                rates[vt.id][0] * max(d for d, _ in arcs.values())
                + rates[vt.id][1] * max(t for _, t in arcs.values())
                for vt, arcs in zip(types, end_arcs, strict=True)
            ),
            max(
                rates[vt.id][0] * int(dist.max(initial=0))
                + rates[vt.id][1] * int(dur[vt.speed_factor].max(initial=0))
                for vt in types
            ),
        )
        route_bound = max_arc * (len(real_ids) + 2)
        self.route_bound = route_bound
        self.vehicle_term = route_bound if params.minimize_vehicles else 0
        penalty = params.unserved_penalty
        prize = (
            round(penalty * _scale(objective))
            if penalty is not None
            else route_bound + max(r[2] for r in rates.values()) + self.vehicle_term + 1
        )

        self.type_of: list[VehicleType] = list(types)
        for t, vt in enumerate(types):
            comp = compartments(vt)
            cap: list[int] = []
            for stream, unit in dims:
                kg, m3 = comp.get(stream, (0.0, 0.0))
                if unit == "kg":
                    cap.append(math.floor(kg * KG_SCALE))
                else:
                    cap.append(math.floor((m3 if m3 is not None else 1e9) * M3_SCALE))
            per_m, per_s, fixed = rates[vt.id]
            pause = vt.break_.duration_s if vt.break_ is not None else 0
            m.add_vehicle_type(
                num_available=vt.count,
                capacity=cap,
                start_depot=depot_of[vt.depot],
                end_depot=end_depot[t],
                fixed_cost=fixed + self.vehicle_term,
                tw_early=vt.shift.start,
                tw_late=vt.shift.end - pause,
                shift_duration=(
                    vt.max_duration_s - pause if vt.max_duration_s is not None else INT_MAX
                ),
                max_distance=self._max_distance(vt),
                unit_distance_cost=per_m,
                unit_duration_cost=per_s,
                profile=profiles[vt.speed_factor],
                reload_depots=[depot_of[f.id] for f in _reload_sites(instance, vt)],
                max_reloads=UINT_MAX if self.load_as_distance else _max_reloads(vt),
                name=vt.id,
            )
        self.client_ids: list[str] = []
        for s in stops:
            pickup = []
            for stream, unit in dims:
                if stream is not s.stream:
                    pickup.append(0)
                elif unit == "kg":
                    # At least one unit, so a type without this stream never takes it.
                    pickup.append(max(1, math.ceil(s.demand_kg * KG_SCALE)))
                else:
                    pickup.append(math.ceil(s.demand_m3 * M3_SCALE))
            late = max(s.window.start, self._late(s.window.end)) if s.window else INT_MAX
            m.add_client(
                loc[s.id],
                pickup=pickup,
                service_duration=s.service_s,
                tw_early=s.window.start if s.window else 0,
                tw_late=late,
                # PyVRP refuses a release after the latest start; the window end moved
                # earlier for a break can cause that (the decoded plan is checked).
                release_time=min(s.release_s, late),
                prize=prize,
                required=False,
                name=s.id,
            )
            self.client_ids.append(s.id)

        # Matrices in numpy (adding edges one by one is slow for big counties),
        # in the order the locations were added: real ones, then virtual ends.
        n, size = len(real_ids), len(real_ids) + len(types)
        n_home = len(home_ids)
        distances: list[Any] = []
        durations: list[Any] = []
        # With loads in the distance, an arc "costs" the grams picked up at its
        # head (stops only); forbidden arcs are kept out by their duration.
        picked = np.zeros(size, dtype=np.int64)
        for s in stops:
            picked[pos[s.id]] = math.ceil(s.demand_kg * KG_SCALE)
        for sp in speeds:
            d_mat = np.full((size, size), FORBIDDEN, dtype=np.int64)
            t_mat = np.full((size, size), FORBIDDEN, dtype=np.int64)
            d_mat[:n, :n] = dist
            t_mat[:n, :n] = dur[sp]
            d_mat[n_home:n, :n_home] = FORBIDDEN  # routes end at their virtual end
            t_mat[n_home:n, :n_home] = FORBIDDEN
            for k, vt in enumerate(types):
                d_mat[n + k, n + k] = t_mat[n + k, n + k] = 0
                if vt.speed_factor != sp:
                    continue  # other types never end here
                for frm, (dd, tt) in end_arcs[k].items():
                    d_mat[pos[frm], n + k] = dd
                    t_mat[pos[frm], n + k] = tt
            if self.load_as_distance:
                d_mat = np.broadcast_to(picked, (size, size)).copy()
                np.fill_diagonal(d_mat, 0)
            distances.append(d_mat)
            durations.append(t_mat)
        self.data = m.data().replace(distance_matrices=distances, duration_matrices=durations)

    def _max_distance(self, vt: VehicleType) -> int:
        """Return the type's distance bound: its range, or its daily load in grams."""
        if self.load_as_distance:
            limit = vt.max_load_kg_per_day
            return math.floor(limit * KG_SCALE) if limit is not None else INT_MAX
        return math.floor(vt.range_m) if vt.range_m is not None else INT_MAX

    def _late(self, end: int) -> int:
        """Return a closing time moved earlier by the break it may follow."""
        return end - self.pause if end > self.pause_from else end

    def decode(self, solution: pyvrp.Solution) -> tuple[list[Route], list[str]]:
        """Return our routes and the dropped stop ids of a PyVRP solution."""
        routes: list[Route] = []
        used = [0] * len(self.type_of)
        served: set[str] = set()
        for r in solution.routes():
            t = r.vehicle_type()
            vt = self.type_of[t]
            used[t] += 1
            seq: list[tuple[VisitKind, str]] = [(VisitKind.DEPOT, vt.depot)]
            for act in list(r.schedule())[1:-1]:
                if act.type == pyvrp.ActivityType.CLIENT:
                    sid = self.client_ids[act.idx]
                    seq.append((VisitKind.STOP, sid))
                    served.add(sid)
                else:
                    seq.append((VisitKind.UNLOAD, self.depot_site[act.idx]))
            if seq[-1][0] is VisitKind.STOP:
                seq.append((VisitKind.UNLOAD, self.final_unload[t][seq[-1][1]]))
            seq.append((VisitKind.DEPOT, vt.depot))
            name = f"{vt.id}#{used[t]}"
            seq = drop_idle_unloads(self.instance, seq)
            route = place_break(self.instance, name, vt, seq, float(r.start_time()))
            routes.append(leave_later(self.instance, route))
        dropped = [s for s in self.stop_ids if s not in served]
        return routes, dropped
