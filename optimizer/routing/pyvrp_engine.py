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
- Speeds and roads: one routing profile per distinct (travel matrix,
  ``speed_factor``) of the types (on roads each type may have its own
  matrix, :meth:`optimizer.model.Instance.travel_of`).
- Shift as the vehicle time window, ``max_duration_s`` as the shift duration,
  ``range_m`` as the maximum distance, release dates as client release times.
- Every stop is required; only when no plan serves them all (a fleet too
  small for the day), or the caller prices unserved stops, do stops become
  optional with a prize above any route cost, so dropping is a last
  resort. ``minimize_vehicles`` adds a fixed cost above any route cost.

A driver break in a window has no PyVRP counterpart. Its length is reserved:
the shift end, the maximum duration, and every stop window or facility
closing time that may fall after a break close earlier by it, so the break
fits wherever it is put. Where the crew takes it is the search's decision
when it must be taken empty (the default, see :class:`optimizer.model.Break`):
optional *break marker* clients stand for "unload at this facility, then
break". A type gets markers at every facility it reloads at (one per
vehicle and facility, plus spares), each open while arriving lets the
break start inside the window after unloading, taking no time (the length
is reserved), followed only by the reload at its facility or by the
route's end (which then unloads there), and filling a load dimension of
the type's own (other types never take it; a trip takes at most one).
PyVRP inserts optional clients after a client: a marker goes after the
last stop of a trip. Its prize, a detour or two, makes the search end a
trip at a facility inside the window on each route. Where a type's
distance bound is free (no range, loads not in the distance) the arc into
a marker is longer than any route and the bound allows one such arc, so a
route takes at most one break (the prize pays the length back). Decoding
turns a marker into the unload and the break after it; the break then
goes on the allowed arc that ends the day first (the marker's or a better
one, :func:`optimizer.routing.sequence.place_break`); a route where none
works is reported by the checker and the caller re-solves the component
with OR-Tools. Breaks that may be taken loaded need no place: they go on
the arc that ends the day first.

Per-day limits over all trips. A load limit of one full load allows no
reload (exact); a load limit no day can reach (the stops weigh less in
total) or a stop limit the load or the shift already keeps need nothing.
Otherwise, if no type of the component has a range and only one kind of
limit binds, the distance matrix carries the load picked up, or a stop
(``STOP_UNIT``), at each arc's head and the limit is the maximum distance
(exact: distance adds up over reloads, loads do not); the objective's price per metre then
moves onto travel time at the profile's mean speed (see
:func:`_time_priced`).

Not expressible at all, so :func:`unsupported` lists them and the caller
uses OR-Tools instead (or PyVRP's routes as a start for OR-Tools): a load
and a stop limit that both bind, either beside a range (a load limit then
only bounds the number of reloads: ``ceil(limit / capacity) - 1``), and
types whose streams no single facility accepts together.

The search (see :func:`_search`, :func:`_fewer_vehicles`): PyVRP's
iterated local search on the required model (optional stops if it finds
no complete plan); with ``minimize_vehicles`` routes are removed
explicitly within the time limit, as PyVRP's and HGS's fleet minimisation
do.

Integer scaling happens here and only here: metres rounded, travel times
rounded up to whole seconds, loads in grams and litres (demands up,
capacities down), costs in 1/36000 yuan, CO2 in milligrams.
"""

from __future__ import annotations

import functools
import itertools
import math
import os
import time
import warnings
from collections import OrderedDict
from collections.abc import Callable, Sequence
from enum import StrEnum
from typing import Any

import numpy as np
import pyvrp
from numpy.typing import NDArray
from pyvrp.exceptions import PenaltyBoundWarning
from pyvrp.IteratedLocalSearch import (
    IteratedLocalSearch,
    IteratedLocalSearchCallbacks,
    IteratedLocalSearchParams,
)
from pyvrp.PenaltyManager import PenaltyManager, PenaltyParams
from pyvrp.search import (
    OPERATORS,
    LocalSearch,
    NeighbourhoodParams,
    PerturbationManager,
    PerturbationParams,
    compute_neighbours,
)
from pyvrp.stop import MaxIterations, MultipleCriteria

from optimizer.evaluate import compartments, objective_value, rates_of
from optimizer.model import Instance, Site, Stream, VehicleType
from optimizer.routing import pyvrp_worker
from optimizer.routing.engine_run import EngineRun
from optimizer.routing.fleet_bound import fleet_lower_bound
from optimizer.routing.params import Objective, RoutingParams
from optimizer.routing.result import Route, RoutingResult, VisitKind
from optimizer.routing.sequence import (
    drop_idle_unloads,
    drop_unneeded_break,
    leave_later,
    place_break,
    start_with_shift,
)

KG_SCALE = 1000  # grams per kg
M3_SCALE = 1000  # litres per m3
COST_SCALE = 36000  # objective units per yuan (so cost per hour / 3600 s is whole)
CO2_SCALE = 1_000_000  # milligrams per kg: a truck emits about 1 g CO2 per metre
FORBIDDEN = 10**9  # distance (m) and duration (s) of an arc a route must not use
# A break marker's load in its type's own dimension: as large as a tonne in
# grams, so that the search's load penalty (per unit) keeps markers apart.
MARKER_UNIT = 10**6
# A break marker's prize, in longest arcs: enough to pay for moving an unload
# into the break window (measured on the demo county at 10 s, seeds 0 and
# 2022: with 1, 2, 4 or 8 a route of the kitchen or medical fleet went
# without a break; none with 16). Still far below a vehicle's term when
# vehicles are minimised and below a stop's prize; without minimising, a
# prize above a vehicle's fixed cost could tempt the search to open a
# vehicle for it (not seen on the demo: 29-30 routes, as without markers).
BREAK_DETOURS = 16
# One stop in a distance that carries a daily stop limit (see _distance_carries).
# PyVRP's penalty per unit of excess distance is at most 1e5; with one unit
# per stop, a stop over the limit cost less than a few seconds of a route in
# cost units (1/36000 yuan), so the search never kept the limit and PyVRP
# returned no plan (generated county 5 of benchmarks/breaks: no plan in 30 s,
# OR-Tools planned it instead). As large as a tonne in grams, like MARKER_UNIT.
STOP_UNIT = 10**6
# Penalties where stops are optional (see _penalties): a prize per this many
# units of violation, and never above the ceiling (penalty x violation must
# stay far inside int64: a ceiling of 1e10 allows 9e8 units of violation).
PRIZE_UNITS = 60
PENALTY_CEILING = 1e10
INT_MAX = int(np.iinfo(np.int64).max)
UINT_MAX = int(np.iinfo(np.uint64).max)
# A PyVRP iteration is one cheap perturb-and-repair step, an OR-Tools
# "solution" a whole improving move: this ratio makes a solution limit buy
# both engines a comparable amount of work (measured on the conformance set).
ITERATIONS_PER_SOLUTION = 50
# Minimising vehicles on a time limit: the first search ends at its first
# complete plan or after FIRST_SHARE of the time, each attempt with fewer
# vehicles takes at most ATTEMPT_SHARE, and at least POLISH_SHARE is kept
# to improve the last complete plan.
FIRST_SHARE = 0.35
ATTEMPT_SHARE = 0.2
POLISH_SHARE = 0.1
# A small multi-trip model (one vehicle type that reloads, at most
# ELIMINATE_MAX_STOPS stops, no break markers) spends ELIMINATE_SHARE of its
# search on the plan with one route fewer (see _one_route_fewer).
ELIMINATE_MAX_STOPS = 60
ELIMINATE_SHARE = 0.35
# A search with every stop required gives up after this share of its time
# without a complete plan, and goes on with optional stops (see _search).
FEASIBLE_SHARE = 0.5
# PyVRP searches each new best plan exhaustively; on big components that
# costs seconds each time and early on nearly every step is a new best
# (Kim 2100_stop: 13 steps in 13 s with it, 464 in 10 s without), so above
# this many stops it is left out.
EXHAUSTIVE_MAX_CLIENTS = 1000
# PyVRP's perturbation moves up to 25 stops a step: on a component of a few
# stops (a day of a small week) that undoes the whole plan each time, and a
# warm start is lost at once. So at most half the stops (below 50 stops;
# PyVRP's 25 above), except from the empty plan of a model with break
# markers: there smaller steps find plans, cheaper in this model, whose
# route skips its optional marker and then has no place for the break (the
# 1,500-stop test county's medical part: 2-3 clinics unserved in 5 of 6
# seeds with half everywhere, in 2 of 6 with half once a complete plan is
# found, 0 of 6 with 25; tests/routing/test_decompose.py). Measured on
# PVRP-IF (benchmarks/periodic/README.md). From TRIP_PERTURB_STOPS stops,
# a multi-trip model without break markers moves at most a trip and a
# half's worth of stops a step (_trips_worth, at least TRIP_PERTURB_MIN):
# MTVRPTWR (5-7 customers a trip: 10-11 instead of 25) went to 1.04 % at
# 60 s against 1.36 % for plain PyVRP in the same run; Kim (16-67 stops a
# trip) keeps 25 (a flat 10 had cost it vehicles: benchmarks/README.md).
# Below TRIP_PERTURB_STOPS the half rule alone: with the trip bound too,
# PVRP-IF read +1.20 % and +1.17 % against +0.85 % and +0.77 % without.
PERTURB_MAX = 25
TRIP_PERTURB_MIN = 10
TRIP_PERTURB_STOPS = 100
# Searches of models with at most this many locations go to the process's
# long-lived worker (the job pickled); bigger ones fork a child each, which
# inherits the job: sending 2,100 clients' matrices costs more than the
# fork (see optimizer/routing/pyvrp_worker.py; measured in
# benchmarks/periodic/README.md, "One worker for all searches").
KEEP_WORKER_LOCATIONS = 300


class Gap(StrEnum):
    """A rule PyVRP cannot express."""

    MAX_STOPS = "max_stops"
    DAILY_LOAD = "daily_load"
    NO_SHARED_FACILITY = "no_shared_facility"


def unsupported(instance: Instance, types: Sequence[VehicleType]) -> list[tuple[str, Gap]]:
    """Return (vehicle type id, rule) pairs PyVRP cannot express (empty: it can)."""
    carried = _distance_carries(instance, types)
    gaps: list[tuple[str, Gap]] = []
    for vt in types:
        if _stops_bind(instance, vt) and carried != "stops":
            gaps.append((vt.id, Gap.MAX_STOPS))
        if _load_binds(instance, vt) and carried != "load":
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


def _load_binds(instance: Instance, vt: VehicleType) -> bool:
    """Return True if a per-day load limit of ``vt`` needs more than PyVRP's trip capacity.

    It does not when it equals one full load (no reload, exact) or when
    every stop ``vt`` may serve weighs less in total than the limit (Kim's
    804_stop: 4,620 yd³ against 10,000 a day).
    """
    if vt.max_load_kg_per_day is None or _daily_load_is_one_trip(vt):
        return False
    total = sum(s.demand_kg for s in instance.stops if s.stream in vt.streams)
    return total > vt.max_load_kg_per_day + 1e-9


def _stops_bind(instance: Instance, vt: VehicleType) -> bool:
    return vt.max_stops is not None and not _stop_limit_implied(instance, vt)


def _distance_carries(instance: Instance, types: Sequence[VehicleType]) -> str | None:
    """Return the per-day limit kept in PyVRP's distance: "load", "stops" or None.

    PyVRP's load dimensions empty at every reload, but a route's distance
    adds up over the whole day. When no type has a range (which needs the
    real distance) and only one kind of per-day limit binds (see
    :func:`_load_binds`, :func:`_stops_bind`), the distance matrix carries,
    at each arc's head, the load collected there ("load") or a stop
    ("stops"), and ``max_distance`` is the daily limit: an exact encoding.
    The objective's per-metre price then moves onto time (see
    :func:`_time_priced`). With both kinds binding, none is carried.
    """
    if any(vt.range_m is not None for vt in types):
        return None
    load = any(_load_binds(instance, vt) for vt in types)
    stops = any(_stops_bind(instance, vt) for vt in types)
    if load and not stops:
        return "load"
    if stops and not load:
        return "stops"
    return None


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


class _Stop(IteratedLocalSearchCallbacks):
    """A stopping criterion that also reports progress and honours Ctrl-C.

    ``limit`` may be replaced between searches (one reporter for all). As
    the search's callbacks it sees every new best solution: with
    ``until_complete`` set, a search stops as soon as its best solution
    serves every client of ``data``; with ``give_up`` set, it stops when
    that criterion fires before any solution did.
    """

    def __init__(
        self,
        limit: _Deadline | MultipleCriteria,
        scale: float,
        on_solution: Callable[[float, int], None] | None,
        interrupted: Callable[[], bool] | None,
        num_stops: int,
    ) -> None:
        self.limit = limit
        self.num_stops = num_stops  # clients after these are optional break markers
        self.scale = scale
        self.on_solution = on_solution
        self.interrupted = interrupted
        self.best = math.inf
        self.improvements = 0
        self.iterations = 0
        self.was_interrupted = False
        self.data: pyvrp.ProblemData | None = None
        self.until_complete = False
        self.complete = False
        self.key = (os.getpid(), next(_STOP_KEYS))  # its neighbourhood's key (see _neighbours)
        self.give_up: _Deadline | MultipleCriteria | None = None
        self.beat: Callable[[], None] | None = None  # the worker's heartbeat (pyvrp_worker)
        self.deadline_at = math.inf  # perf_counter time no search of the component outlasts

    def on_best(self, best: pyvrp.Solution) -> None:
        if self.data is not None and _complete(self.num_stops, best):
            self.complete = True

    def __call__(self, best_cost: float) -> bool:
        if self.beat is not None:
            self.beat()
        self.iterations += 1
        if best_cost < self.best:
            self.best = best_cost
            self.improvements += 1
            if self.on_solution is not None and math.isfinite(best_cost):
                self.on_solution(best_cost / self.scale, self.improvements)
        if self.interrupted is not None and self.interrupted():
            self.was_interrupted = True
            return True
        if self.until_complete and self.complete:
            return True
        if self.give_up is not None and not self.complete and self.give_up(INT_MAX):
            return True
        return bool(self.limit(int(best_cost) if math.isfinite(best_cost) else INT_MAX))

    def search(
        self,
        data: pyvrp.ProblemData,
        seed: int,
        start: pyvrp.Solution | None = None,
        *,
        until_complete: bool = False,
    ) -> pyvrp.Solution:
        """Run PyVRP's iterated local search on ``data`` until this criterion stops it.

        This is ``pyvrp.solve`` with its default parameters and two changes
        for repeated searches of one component: the granular neighbourhood
        (which depends on the places, not on the fleet) is computed once,
        and without a ``start`` the search begins from the empty plan
        completed by a full local search, which inserts every stop where it
        costs least, instead of a random plan over the whole fleet (2100_stop,
        38 vehicles: 8.5 s against 35 s to the first plan on a busy machine).

        The search runs in a worker process (:mod:`optimizer.routing.pyvrp_worker`):
        PyVRP 0.14's local search can loop without end on rare problems
        (robustness class #9); a stuck search raises :class:`SearchEnded`.
        """
        self.data, self.until_complete, self.complete = data, until_complete, False
        keep = data.num_locations <= KEEP_WORKER_LOCATIONS
        if not keep:
            # A child forked per search inherits this process's neighbourhoods;
            # computed there, it would be computed again for every search
            # (2,100 clients: 0.37 s each).
            _neighbours(self.key, data)
        found = pyvrp_worker.search(
            functools.partial(_search_here, self, data, seed, _plan_of(start)),
            self,
            num_clients=data.num_clients,
            limit_s=max(0.0, self.deadline_at - time.perf_counter()),
            keep=keep,
        )
        self.until_complete = False
        if isinstance(found, pyvrp_worker.Ended):
            raise SearchEnded(found.after_s)
        # A solution that came back through the worker's pipe has lost its
        # list of unplanned clients (PyVRP 0.14.1 does not pickle it), so on
        # a model of optional stops it read as complete with stops dropped
        # (Kim 804_stop with 4 trucks: 12 of 784 out, none listed). Rebuilt
        # here from its routes, it lists them again.
        return _rebuilt(data, found.routes())


_STOP_KEYS = itertools.count()
_NEIGHBOURS: OrderedDict[tuple[int, int], dict[pyvrp.Activity, list[pyvrp.Activity]]] = (
    OrderedDict()
)
NEIGHBOURS_KEPT = 8  # neighbourhoods of the last components searched in this process


def _neighbours(key: tuple[int, int], data: pyvrp.ProblemData) -> dict[Any, Any]:
    """Return the granular neighbourhood of the stopping criterion ``key``'s component.

    It depends on the places, not on the fleet, so it is computed at the
    component's first search (in the process that searches: computing it
    there is cheaper than sending it) and kept for the next ones.
    """
    found = _NEIGHBOURS.get(key)
    if found is None:
        found = compute_neighbours(data, NeighbourhoodParams())
        _NEIGHBOURS[key] = found
        while len(_NEIGHBOURS) > NEIGHBOURS_KEPT:
            _NEIGHBOURS.popitem(last=False)
    _NEIGHBOURS.move_to_end(key)
    return found


_Plan = list[tuple[int, list[tuple[str, int]]]]  # routes: vehicle type, (activity type, index)


def _plan_of(solution: pyvrp.Solution | None) -> _Plan | None:
    """Return a solution's routes as plain data, which the kept worker receives intact.

    A pickled ``pyvrp.Solution`` does not come back as the same plan here
    (Kim 102_stop, 20 s: 193.4 miles from pickled warm starts against
    152.2 from inherited ones), so starts travel as their visits.
    """
    if solution is None:
        return None
    return [
        (r.vehicle_type(), [(a.type.name, a.idx) for a in list(r.schedule())[1:-1]])
        for r in solution.routes()
    ]


def _search_here(
    stop: _Stop, data: pyvrp.ProblemData, seed: int, plan: _Plan | None
) -> pyvrp.Solution:
    """Run one iterated local search of ``data`` under ``stop`` (in the worker process)."""
    start = None
    if plan is not None:
        start = pyvrp.Solution(
            data,
            [
                pyvrp.Route(
                    data,
                    [pyvrp.Activity(pyvrp.ActivityType.__members__[t], i) for t, i in visits],
                    vt,
                )
                for vt, visits in plan
            ],
        )
    rng = pyvrp.RandomNumberGenerator(seed=seed)
    # At most half the stops, except from the empty plan of a model with
    # break markers; from TRIP_PERTURB_STOPS stops without markers at
    # most a trip and a half's worth (see PERTURB_MAX).
    markers = data.num_clients > stop.num_stops
    trips = PERTURB_MAX
    if not markers and stop.num_stops >= TRIP_PERTURB_STOPS:
        trips = _trips_worth(data, stop.num_stops)
    small = min(PERTURB_MAX, max(1, data.num_clients // 2), trips)
    most = PERTURB_MAX if start is None and markers else small
    perturb = PerturbationParams(min_perturbations=1, max_perturbations=most)
    ls = LocalSearch(data, rng, _neighbours(stop.key, data), PerturbationManager(perturb))
    for op in OPERATORS:
        if op.supports(data):
            ls.add_operator(op(data))
    penalty, initial = _penalties(data, stop.num_stops)
    pm = PenaltyManager(initial, penalty)
    if start is None:
        start = ls(pyvrp.Solution(data, []), pm.max_cost_evaluator(), exhaustive=True)
    ils = IteratedLocalSearch(
        data,
        pm,
        ls,
        start,
        IteratedLocalSearchParams(
            callbacks=stop, exhaustive_on_best=data.num_clients <= EXHAUSTIVE_MAX_CLIENTS
        ),
    )
    with warnings.catch_warnings():
        # A required search that cannot serve everyone gives up and goes
        # on with optional stops (see _search); PyVRP's warning about its
        # penalty bound says the same to a user who cannot act on it.
        warnings.simplefilter("ignore", PenaltyBoundWarning)
        best: pyvrp.Solution = ils.run(stop, collect_stats=False).best
    return best


def _trips_worth(data: pyvrp.ProblemData, num_stops: int) -> int:
    """Return the most stops a perturbation moves in a multi-trip model: a trip and a half.

    A trip holds about the capacity of the largest vehicle over the mean
    amount of the stops that have one, in the dimension (stream) that fills
    first; a trip and a half of that, at least ``TRIP_PERTURB_MIN``. Models
    without reloads, or without amounts, are not limited here (see
    ``PERTURB_MAX``).
    """
    types = data.vehicle_types()
    stops = data.clients()[:num_stops]
    if not any(t.reload_depots and t.max_reloads > 0 for t in types):
        return PERTURB_MAX  # one trip a route (every type has a reload depot: its unloading site)
    held = math.inf
    for dim in range(data.num_load_dimensions):
        amounts = [max(c.delivery[dim], c.pickup[dim]) for c in stops]
        amounts = [a for a in amounts if a > 0]
        if amounts:
            mean = sum(amounts) / len(amounts)
            held = min(held, max(t.capacity[dim] for t in types) / mean)
    if not math.isfinite(held):
        return PERTURB_MAX
    return max(TRIP_PERTURB_MIN, math.ceil(1.5 * held))


def _penalties(
    data: pyvrp.ProblemData, num_stops: int
) -> tuple[PenaltyParams, tuple[list[float], float, float]]:
    """Return PyVRP's penalty parameters and starting penalties for a search of ``data``.

    PyVRP's defaults, unless stops are optional: a stop's prize is then far
    above any route cost, while PyVRP's penalty per unit of violation stops
    at 1e5. In cost units (1/36000 yuan) keeping a stop an hour late cost
    less than dropping it, so the search kept every stop and never reached a
    plan within the rules (``benchmarks/robustness/pyvrp_no_plan.py``, 40
    generated counties: 2 of 30 searches ended without one, and OR-Tools
    planned those components; none now). With
    optional stops every penalty may reach a prize per ``PRIZE_UNITS``
    units of violation (a minute late, 60 g over, 60 m beyond a range) and
    starts there; PyVRP lowers it while most plans keep the rules.
    """
    params = PenaltyParams()
    prize = max((c.prize for c in data.clients()[:num_stops] if not c.required), default=0)
    cap = min(PENALTY_CEILING, prize / PRIZE_UNITS)
    if cap <= params.max_penalty:
        return params, params.midpoint_penalties(data)
    params = PenaltyParams(max_penalty=cap)
    return params, ([cap] * data.num_load_dimensions, cap, cap)


class SearchEnded(Exception):
    """A PyVRP search that did not stop at its time limit and was killed."""

    def __init__(self, after_s: float) -> None:
        super().__init__(f"PyVRP's search was ended after {after_s:.1f} s")
        self.after_s = after_s


def _complete(num_stops: int, solution: pyvrp.Solution) -> bool:
    """Return whether ``solution`` is feasible and serves every stop (break markers are optional).

    Stops are the first ``num_stops`` clients; break markers follow them.
    """
    return bool(solution.is_feasible()) and all(
        a.type != pyvrp.ActivityType.CLIENT or a.idx >= num_stops for a in solution.unplanned()
    )


def _search(
    builder: _Builder,
    stop: _Stop,
    seed: int,
    *,
    limit: _Deadline | MultipleCriteria,
    give_up: _Deadline | MultipleCriteria,
    rest: Callable[[], _Deadline | MultipleCriteria],
    until_complete: bool = False,
    start: pyvrp.Solution | None = None,
) -> tuple[pyvrp.ProblemData, pyvrp.Solution]:
    """Return the model searched last and its best solution.

    PyVRP is made for required clients: its penalties steer the search to
    a plan that serves everyone, while prizes far above any route cost make
    a landscape they do not handle well (MTVRPTWR, 10 s: 1.5-6 % longer).
    So every stop is required, unless the caller prices unserved stops.
    When no complete plan turns up before ``give_up`` (a fleet too small
    for the day), the stops become optional with their prizes, the search
    goes on (``rest``) from its best plan and drops the fewest it must.
    With ``until_complete`` the required search ends at its first complete
    plan (fleet reduction follows and improves it). ``start`` (a plan of
    ``builder.data``, e.g. a warm start) seeds the first search.
    """
    if builder.required is None:
        stop.limit = limit
        return builder.data, stop.search(builder.data, seed, start)
    stop.limit, stop.give_up = limit, give_up
    first = None if start is None else _rebuilt(builder.required, start.routes())
    best = stop.search(builder.required, seed, first, until_complete=until_complete)
    stop.give_up = None
    if _complete(stop.num_stops, best) or stop.was_interrupted:
        return builder.required, best
    stop.limit = rest()
    return builder.data, stop.search(builder.data, seed, _rebuilt(builder.data, best.routes()))


class _Deadline:
    """A stopping criterion that fires at a wall-clock time.

    PyVRP's ``MaxRuntime`` counts from its first call, after the local
    search that completes a start plan; a deadline also counts that time,
    so a component's time limit holds.
    """

    def __init__(self, at: float) -> None:
        self.at = at

    def __call__(self, best_cost: float) -> bool:
        del best_cost
        return time.perf_counter() >= self.at


class _Budget:
    """What a component's searches may spend: seconds, and iterations when bounded by work.

    With a work bound (``solution_limit``) shares are shares of the
    iterations, which makes runs reproducible; the time limit still holds.
    """

    def __init__(self, stop: _Stop, seconds: float, work: int | None) -> None:
        self.stop, self.seconds, self.work = stop, seconds, work
        self.t0, self.it0 = time.perf_counter(), stop.iterations

    def used(self) -> float:
        """Return the share of the budget spent."""
        share = (time.perf_counter() - self.t0) / self.seconds
        if self.work is not None:
            share = max(share, (self.stop.iterations - self.it0) / self.work)
        return share

    def left(self) -> float:
        """Return the share of the budget left."""
        return max(0.0, 1.0 - self.used())

    def criterion(self, share: float) -> _Deadline | MultipleCriteria:
        """Return a stopping criterion spending ``share`` of the budget from now."""
        share = max(0.0, min(share, self.left()))
        if self.work is None:
            return _Deadline(time.perf_counter() + share * self.seconds)
        return MultipleCriteria(
            [MaxIterations(max(1, round(share * self.work))), _Deadline(self.t0 + self.seconds)]
        )


def _fewer_vehicles(
    data: pyvrp.ProblemData,
    best: pyvrp.Solution,
    stop: _Stop,
    seed: int,
    budget: _Budget,
    *,
    polish_until: float = 1.0,
    fewest: int = 1,
) -> pyvrp.Solution:
    """Return ``best`` with as few routes as the budget allows (one vehicle type).

    PyVRP's local search seldom empties a whole route even when a vehicle
    costs more than any route, so vehicles are removed explicitly, as in
    PyVRP's and HGS's fleet minimisation: the routes with the fewest stops
    are taken out, and the search restarts from the rest with that many
    vehicles fewer and every stop required, until its best plan is feasible
    (its stops all back in). While attempts succeed, twice as many routes go
    at once, at most a quarter of them (a start from a poor plan has many
    to lose, and each restart costs a local search on big components); a
    failed attempt of several routes retries with half as many within a
    short slice. The first failed single-route attempt (``ATTEMPT_SHARE``)
    is followed, while the time allows, by as long a search shortening the
    last complete plan and one more attempt from it: on full shifts one
    route fewer needs less driving first (Kim 1932_stop at 60 s: 15
    vehicles against 16; benchmarks/kim/README.md); the second failure ends
    the reduction. No attempt goes below ``fewest`` routes (a lower bound:
    Kim 102-444, 1051 and 1351_stop sit on theirs, where every attempt
    failed and took its share). The rest (at least ``POLISH_SHARE``) improves the last
    complete plan, up to ``polish_until`` of the budget (less than 1 where
    :mod:`optimizer.routing.decompose`'s rounds improve it next: the plan is
    returned at that share, or when the reduction ends if it ends later).
    """
    fewest = max(1, fewest)
    step = 1  # routes removed at once: doubles while attempts succeed, halves when one fails
    grow = True  # until the first failure
    quick = ATTEMPT_SHARE  # slice of a multi-route attempt: a few successful ones
    retried = False
    while (
        _complete(stop.num_stops, best)
        and best.num_routes() > fewest
        and not stop.was_interrupted
        and budget.left() > 1.5 * POLISH_SHARE
    ):
        routes = best.routes()
        k = min(step, max(1, len(routes) // 4), len(routes) - fewest)
        order = sorted(range(len(routes)), key=lambda i: (routes[i].num_clients(), i))
        vt = data.vehicle_type(0).replace(num_available=len(routes) - k)
        fewer = data.replace(vehicle_types=[vt])
        start = _rebuilt(fewer, [routes[i] for i in sorted(order[k:])])
        spent = budget.used()
        share = min(budget.left() - POLISH_SHARE, ATTEMPT_SHARE if k == 1 else quick)
        stop.limit = budget.criterion(share)
        try:
            cand = stop.search(fewer, seed, start, until_complete=True)
        except SearchEnded:
            break  # keep the last complete plan
        if _complete(stop.num_stops, cand):
            best, data = cand, fewer
            quick = min(ATTEMPT_SHARE, max(0.02, 3 * (budget.used() - spent)))
            step *= 2 if grow else 1
        elif k > 1:
            step, grow = max(1, k // 2), False
        elif not retried and budget.left() > POLISH_SHARE + 2 * ATTEMPT_SHARE:
            retried = True  # shorten the plan first, then try once more
            best = _shortened(data, best, stop, seed, budget.criterion(ATTEMPT_SHARE))
        else:
            break
    polish = min(budget.left(), polish_until - budget.used())
    if polish > 0.01 and not stop.was_interrupted:
        best = _shortened(data, best, stop, seed, budget.criterion(polish))
    return best


def _eliminates(builder: _Builder) -> bool:
    """Return whether a search of ``builder``'s model also tries its plan with one route fewer.

    One vehicle type that reloads, every stop required, no break markers,
    at most ``ELIMINATE_MAX_STOPS`` stops: see :func:`_one_route_fewer`.
    """
    data = builder.required
    return (
        data is not None
        and data.num_vehicle_types == 1
        and data.num_clients == len(builder.stop_ids) <= ELIMINATE_MAX_STOPS
        and bool(data.vehicle_type(0).reload_depots)
        and data.vehicle_type(0).max_reloads > 0
    )


def _one_route_fewer(
    data: pyvrp.ProblemData,
    best: pyvrp.Solution,
    stop: _Stop,
    seed: int,
    budget: _Budget,
    *,
    required: bool,
) -> pyvrp.Solution:
    """Return the better of ``best`` and the plan a search with one route fewer ends with.

    Where trucks reload, one long route with several trips often costs
    less than two short ones, and PyVRP's local search, which moves a few
    stops at a time, seldom empties a route to get there: each step of
    the way makes the other route too long. PVRP-IF Milano_020_4_3, the
    last day of the optimal timetable (7 stops): every search of 100,000
    iterations ended with two routes of 174 minutes against one of 147.
    So the route with the fewest stops is taken out and the search goes on
    from the rest with one vehicle fewer and its stops required; the
    plan it ends with is kept if complete and cheaper. A plan of one route,
    an incomplete one, or one of the model with optional stops (``required``
    False: a fleet too small) is searched further instead.
    """
    if stop.was_interrupted:
        return best
    if not required or not _complete(stop.num_stops, best) or best.num_routes() < 2:
        # Nothing to take out: the share goes on searching from the plan.
        return _shortened(data, best, stop, seed, budget.criterion(budget.left()))
    routes = best.routes()
    smallest = min(range(len(routes)), key=lambda i: (routes[i].num_clients(), i))
    vt = data.vehicle_type(0).replace(num_available=len(routes) - 1)
    fewer = data.replace(vehicle_types=[vt])
    start = _rebuilt(fewer, [r for i, r in enumerate(routes) if i != smallest])
    stop.limit = budget.criterion(budget.left())
    try:
        cand = stop.search(fewer, seed, start)
    except SearchEnded:
        return best
    plain = pyvrp.CostEvaluator([0] * data.num_load_dimensions, 0, 0)
    if _complete(stop.num_stops, cand) and plain.cost(cand) < plain.cost(best):
        return cand
    return best


def _shortened(
    data: pyvrp.ProblemData,
    best: pyvrp.Solution,
    stop: _Stop,
    seed: int,
    limit: _Deadline | MultipleCriteria,
) -> pyvrp.Solution:
    """Return the plan a search from ``best`` ends with, if complete (or ``best`` is not)."""
    stop.limit = limit
    try:
        cand = stop.search(data, seed, _rebuilt(data, best.routes()))
    except SearchEnded:
        return best
    if _complete(stop.num_stops, cand) or not _complete(stop.num_stops, best):
        return cand
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
        Routes to start the search from (the plan by parts passes a part's
        current routes); routes of other vehicle types are left aside, and
        routes that do not fit the model are ignored (PyVRP builds its own
        start).
    on_solution
        Called with (best objective incl. penalties, improvements so far).
    interrupted
        Polled during the search; True stops it and keeps the best solution.

    """
    gaps = [(t, g) for t, g in unsupported(instance, types) if g is not Gap.DAILY_LOAD]
    if gaps:
        raise ValueError(f"PyVRP cannot express {gaps}")
    t0 = time.perf_counter()
    objective = Objective(params.objective)
    builder = _Builder(instance, list(stop_ids), list(types), params, objective)
    warm = None if initial is None else builder.warm_start(initial.routes)
    build_s = time.perf_counter() - t0
    stop = _Stop(
        _Deadline(math.inf), _scale(objective), on_solution, interrupted, len(builder.stop_ids)
    )
    stop.deadline_at = t0 + time_limit_s
    work = None
    if params.solution_limit is not None:
        work = params.solution_limit * ITERATIONS_PER_SOLUTION
    budget = _Budget(stop, max(0.01, time_limit_s - build_s), work)
    reduce = params.minimize_vehicles and len(types) == 1
    eliminate = not reduce and _eliminates(builder)
    first = FIRST_SHARE if reduce else (1.0 - ELIMINATE_SHARE if eliminate else 1.0)
    try:
        data, best = _search(
            builder,
            stop,
            params.seed,
            limit=budget.criterion(first),
            give_up=budget.criterion(first * FEASIBLE_SHARE),
            rest=lambda: budget.criterion(first - budget.used()),
            until_complete=reduce,
            start=warm,
        )
    except SearchEnded as ended:
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
                f"{ended.after_s:.1f} s",
                f"PyVRP 搜索未在时限内停止，{ended.after_s:.1f} 秒后被终止",
            ),
            ended=True,
        )
    if reduce:
        stops = [instance.stop(s) for s in builder.stop_ids]
        fewest = fleet_lower_bound(instance, stops, types[0])
        best = _fewer_vehicles(
            data, best, stop, params.seed, budget, polish_until=params.polish_until, fewest=fewest
        )
    elif eliminate:
        required = data is builder.required
        best = _one_route_fewer(data, best, stop, params.seed, budget, required=required)
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


def _with_markers(
    mat: NDArray[np.int64],
    markers: Sequence[tuple[int, int, tuple[int, int], int]],
    n: int,
    k: int,
    *,
    counted: bool,
) -> NDArray[np.int64]:
    """Return ``mat`` grown by one row and column per break marker location.

    A marker is reached like its facility (row ``place``), plus its
    ``extra`` length if ``counted``; from it only the reload at that
    facility (free) or its type's end (``end[k]``: unload there, go home)
    may follow. ``n`` is the index of the first virtual end.
    """
    size = len(mat)
    if not markers:
        return mat
    out = np.full((size + len(markers), size + len(markers)), FORBIDDEN, dtype=np.int64)
    out[:size, :size] = mat
    for j, (t, place, end, extra) in enumerate(markers):
        out[:size, size + j] = mat[:, place] + (extra if counted else 0)
        out[size + j, place] = 0
        out[size + j, n + t] = end[k]
    np.fill_diagonal(out, 0)
    return out


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
        # Types whose crews break empty get break markers, and a load dimension
        # each that keeps a type to its own markers, one per trip.
        self.breaking = [t for t, vt in enumerate(types) if vt.break_ and not vt.break_.loaded]
        own_dims = len(self.breaking)
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

        # One routing profile per (travel matrix, speed factor): types may drive
        # different roads (their road profiles) and at different speeds.
        travels = [instance.travel_of(vt.id) for vt in types]
        matrices = list({id(tm): tm for tm in travels}.values())  # in order of first use
        mat_of = [next(k for k, tm in enumerate(matrices) if tm is o) for o in travels]
        key_of = [(mat_of[t], vt.speed_factor) for t, vt in enumerate(types)]
        keys = sorted(set(key_of))
        profiles = {
            key: m.add_profile(
                name=f"speed x{key[1]:g}" + (f", matrix {key[0] + 1}" if len(matrices) > 1 else "")
            )
            for key in keys
        }
        rates = {vt.id: _objective_rates(instance, vt, objective) for vt in types}
        idx = [instance.travel.index(i) for i in real_ids]
        dists = [np.rint(tm.distance_m[np.ix_(idx, idx)]).astype(np.int64) for tm in matrices]
        base_durs = [tm.duration_s[np.ix_(idx, idx)] for tm in matrices]
        dur = {(k, sp): np.ceil(base_durs[k] / sp).astype(np.int64) for k, sp in keys}
        self.carried = _distance_carries(instance, types)
        if self.carried is not None:
            for t, vt in enumerate(types):
                speed = float(dists[mat_of[t]].sum()) / max(1.0, float(dur[key_of[t]].sum()))
                rates[vt.id] = _time_priced(rates[vt.id], speed)
        pos = {i: k for k, i in enumerate(real_ids)}

        # The final unload of each (type, last location): the facility that
        # makes "unload, then go home" cheapest in the objective's terms.
        self.final_unload: list[dict[str, str]] = []
        end_arcs: list[dict[str, tuple[int, int]]] = []
        for t, vt in enumerate(types):
            per_m, per_s, _ = rates[vt.id]
            d_home = pos[vt.depot]
            dist, t_of = dists[mat_of[t]], dur[key_of[t]]
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
                rates[vt.id][0] * int(dists[mat_of[t]].max(initial=0))
                + rates[vt.id][1] * int(dur[key_of[t]].max(initial=0))
                for t, vt in enumerate(types)
            ),
        )
        route_bound = max_arc * (len(real_ids) + 2)
        self.vehicle_term = route_bound if params.minimize_vehicles else 0
        penalty = params.unserved_penalty
        prize = (
            round(penalty * _scale(objective))
            if penalty is not None
            else route_bound + max(r[2] for r in rates.values()) + self.vehicle_term + 1
        )

        # At most one break per route: where a type's distance bound is free
        # (no range, nothing carried in the distance), the arc into its markers is
        # longer by ``one_break``, more than any real route, and the bound
        # allows one (the marker's prize pays the length back).
        self.counted = (
            set()
            if self.carried is not None
            else {t for t in self.breaking if types[t].range_m is None}
        )
        longest = max(int(d.max(initial=0)) for d in dists)
        self.one_break = (2 * len(real_ids) + 4) * 2 * max(1, longest) + 1
        self.type_of: list[VehicleType] = list(types)
        caps: list[list[int]] = []
        for t, vt in enumerate(types):
            comp = compartments(vt)
            cap: list[int] = []
            for stream, unit in dims:
                kg, m3 = comp.get(stream, (0.0, 0.0))
                if unit == "kg":
                    cap.append(math.floor(kg * KG_SCALE))
                else:
                    cap.append(math.floor((m3 if m3 is not None else 1e9) * M3_SCALE))
            cap += [MARKER_UNIT * (t == b) for b in self.breaking[:own_dims]]
            caps.append(cap)
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
                max_distance=(
                    2 * self.one_break - 1 if t in self.counted else self._max_distance(vt)
                ),
                unit_distance_cost=per_m,
                unit_duration_cost=per_s,
                profile=profiles[key_of[t]],
                reload_depots=[depot_of[f.id] for f in _reload_sites(instance, vt)],
                max_reloads=UINT_MAX if self.carried == "load" else _max_reloads(vt),
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
            pickup += [0] * own_dims
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
        # Break markers (see the module docstring): a few detours are worth a
        # break where the crew can take it; far below a vehicle or a stop.
        self.marker_site: dict[int, str] = {}  # client index -> facility
        self.markers_of: dict[tuple[int, str], list[int]] = {}  # (type, facility) -> clients
        markers: list[tuple[int, int, tuple[int, int], int]] = []  # type, place, end, extra
        for own, t in enumerate(self.breaking):
            vt = types[t]
            assert vt.break_ is not None
            w = vt.break_.window
            # Without the one-per-route bound a route may collect a marker per
            # unload in the window: more spares keep one for every route.
            extra = self.one_break if t in self.counted else 0
            break_prize = BREAK_DETOURS * max_arc + rates[vt.id][0] * extra
            num_markers = vt.count + 1 if extra else 4 * vt.count + 1
            for f in _reload_sites(instance, vt):
                dd, tt = end_arcs[t][f.id]
                pickup = [0] * len(caps[t])
                pickup[len(dims) + own] = MARKER_UNIT
                for k in range(num_markers):
                    # A location each: two markers in a row would be free otherwise.
                    markers.append((t, pos[f.id], (dd, tt + f.unload_s), extra))
                    m.add_client(
                        m.add_location(x=0, y=0),
                        pickup=pickup,
                        tw_early=max(0, w.start - f.unload_s),
                        tw_late=max(0, w.end - f.unload_s),
                        prize=break_prize,
                        required=False,
                        name=f"break {vt.id} at {f.id} ({k + 1})",
                    )
                    self.marker_site[len(self.client_ids)] = f.id
                    self.markers_of.setdefault((t, f.id), []).append(len(self.client_ids))
                    self.client_ids.append("")  # not a stop

        # Matrices in numpy (adding edges one by one is slow for big counties),
        # in the order the locations were added: real ones, virtual ends, markers.
        n, size = len(real_ids), len(real_ids) + len(types)
        n_home = len(home_ids)
        distances: list[Any] = []
        durations: list[Any] = []
        # With a daily limit in the distance, an arc "costs" the grams picked up
        # at its head, or a stop (stops only); forbidden arcs are kept out by
        # their duration.
        picked = np.zeros(size, dtype=np.int64)
        for s in stops:
            picked[pos[s.id]] = (
                math.ceil(s.demand_kg * KG_SCALE) if self.carried == "load" else STOP_UNIT
            )
        for key in keys:
            d_mat = np.full((size, size), FORBIDDEN, dtype=np.int64)
            t_mat = np.full((size, size), FORBIDDEN, dtype=np.int64)
            d_mat[:n, :n] = dists[key[0]]
            t_mat[:n, :n] = dur[key]
            d_mat[n_home:n, :n_home] = FORBIDDEN  # routes end at their virtual end
            t_mat[n_home:n, :n_home] = FORBIDDEN
            for k in range(len(types)):
                d_mat[n + k, n + k] = t_mat[n + k, n + k] = 0
                if key_of[k] != key:
                    continue  # other types never end here
                for frm, (dd, tt) in end_arcs[k].items():
                    d_mat[pos[frm], n + k] = dd
                    t_mat[pos[frm], n + k] = tt
            if self.carried is not None:
                d_mat = np.broadcast_to(picked, (size, size)).copy()
                np.fill_diagonal(d_mat, 0)
            d_mat = _with_markers(d_mat, markers, n, 0, counted=True)
            t_mat = _with_markers(t_mat, markers, n, 1, counted=False)
            distances.append(d_mat)
            durations.append(t_mat)
        self.data = m.data().replace(distance_matrices=distances, duration_matrices=durations)
        # The same model with every stop required (see _search); None when the
        # caller prices unserved stops, which must then stay optional.
        self.required: pyvrp.ProblemData | None = None
        if params.unserved_penalty is None:
            self.required = self.data.replace(
                clients=[
                    pyvrp.Client(
                        c.location,
                        delivery=c.delivery,
                        pickup=c.pickup,
                        service_duration=c.service_duration,
                        tw_early=c.tw_early,
                        tw_late=c.tw_late,
                        release_time=c.release_time,
                        prize=0 if k < len(stop_ids) else c.prize,
                        required=k < len(stop_ids),  # break markers stay optional
                        name=c.name,
                    )
                    for k, c in enumerate(self.data.clients())
                ]
            )

    def _max_distance(self, vt: VehicleType) -> int:
        """Return the type's distance bound: its range, or the daily limit carried."""
        if self.carried == "load":
            limit = vt.max_load_kg_per_day
            return math.floor(limit * KG_SCALE) if limit is not None else INT_MAX
        if self.carried == "stops":
            return vt.max_stops * STOP_UNIT if vt.max_stops is not None else INT_MAX
        return math.floor(vt.range_m) if vt.range_m is not None else INT_MAX

    def _late(self, end: int) -> int:
        """Return a closing time moved earlier by the break it may follow."""
        return end - self.pause if end > self.pause_from else end

    def warm_start(self, routes: Sequence[Route]) -> pyvrp.Solution | None:
        """Return the routes of this model's types as a PyVRP solution (None if one does not fit).

        The last unload before going home is left to the type's virtual end.
        A break after an unload becomes that facility's break marker (while
        markers last; the search adds missing ones).
        """
        client = {sid: k for k, sid in enumerate(self.client_ids) if sid}
        reload = {sid: k for k, sid in enumerate(self.depot_site[: self.first_end])}
        type_index = {vt.id: t for t, vt in enumerate(self.type_of)}
        spare = {key: list(clients) for key, clients in self.markers_of.items()}

        def marker(t: int, site: str) -> list[pyvrp.Activity]:
            left = spare.get((t, site))
            return [pyvrp.Activity(pyvrp.ActivityType.CLIENT, left.pop())] if left else []

        used = [0] * len(self.type_of)
        out = []
        for r in routes:
            t = type_index.get(r.vehicle_type)
            if t is None:
                continue
            used[t] += 1
            kinds = (VisitKind.STOP, VisitKind.UNLOAD, VisitKind.BREAK)
            visits = [v for v in r.visits[1:-1] if v.kind in kinds]
            last: list[pyvrp.Activity] = []
            if visits[-2:] and [v.kind for v in visits[-2:]] == [VisitKind.UNLOAD, VisitKind.BREAK]:
                last = marker(t, visits[-2].location)  # unload, break, go home
                visits = visits[:-2]
            elif visits and visits[-1].kind is VisitKind.UNLOAD:
                visits.pop()
            acts: list[pyvrp.Activity] = []
            for k, v in enumerate(visits):
                if v.kind is VisitKind.BREAK:
                    if k and visits[k - 1].kind is VisitKind.UNLOAD:
                        acts[-1:-1] = marker(t, visits[k - 1].location)  # before its reload
                elif v.kind is VisitKind.STOP and v.location in client:
                    acts.append(pyvrp.Activity(pyvrp.ActivityType.CLIENT, client[v.location]))
                elif v.kind is VisitKind.UNLOAD and v.location in reload:
                    acts.append(pyvrp.Activity(pyvrp.ActivityType.DEPOT, reload[v.location]))
                else:
                    return None
            acts += last
            try:
                out.append(pyvrp.Route(self.data, acts, t))
            except (ValueError, IndexError, TypeError):
                return None
        if any(n > vt.count for n, vt in zip(used, self.type_of, strict=True)):
            return None
        try:
            return pyvrp.Solution(self.data, out)
        except (ValueError, IndexError, TypeError, RuntimeError):  # e.g. a stop visited twice
            return None

    def decode(self, solution: pyvrp.Solution) -> tuple[list[Route], list[str]]:
        """Return our routes and the dropped stop ids of a PyVRP solution."""
        routes: list[Route] = []
        used = [0] * len(self.type_of)
        served: set[str] = set()
        for r in solution.routes():
            t = r.vehicle_type()
            vt = self.type_of[t]
            seq: list[tuple[VisitKind, str]] = [(VisitKind.DEPOT, vt.depot)]
            for act in list(r.schedule())[1:-1]:
                if act.type == pyvrp.ActivityType.CLIENT:
                    sid = self.client_ids[act.idx]
                    site = self.marker_site.get(act.idx)
                    if site is not None:
                        # A break marker: unload there and break (the reload that
                        # follows is then idle and dropped).
                        seq += [(VisitKind.UNLOAD, site), (VisitKind.BREAK, site)]
                        continue
                    seq.append((VisitKind.STOP, sid))
                    served.add(sid)
                else:
                    seq.append((VisitKind.UNLOAD, self.depot_site[act.idx]))
            if not any(kind is VisitKind.STOP for kind, _ in seq):
                continue  # a crew resting and nothing else
            used[t] += 1
            if seq[-1][0] is VisitKind.STOP:
                seq.append((VisitKind.UNLOAD, self.final_unload[t][seq[-1][1]]))
            seq.append((VisitKind.DEPOT, vt.depot))
            name = f"{vt.id}#{used[t]}"
            seq = drop_idle_unloads(self.instance, seq)
            route = place_break(self.instance, name, vt, seq, float(r.start_time()))
            route = start_with_shift(self.instance, drop_unneeded_break(self.instance, route))
            routes.append(leave_later(self.instance, route))
        dropped = [s for s in self.stop_ids if s not in served]
        return routes, dropped
