"""OR-Tools routing adapter: the only module that sees OR-Tools or its indices.

Model (one call solves one independent component of the fleet):

- Nodes: one per depot used, one per stop, and optional *reload* copies of
  every facility that accepts a stream of the component, enough copies for
  every trip the fleet may need (multi-trip; OR-Tools has no native reload).
- Load: one dimension per stream (a compartment, see
  :func:`optimizer.evaluate.compartments`), plus one per stream for volume
  when volumes matter. A reload copy of a facility that accepts the stream
  has transit ``-BIG`` and slack in ``[0, BIG]``, so the load after it may
  drop to any value down to zero; stops have zero slack; the end cumul is
  fixed to zero, which forces an unload before going home.
- Daily load (not reset by unloading) and stop count: further dimensions.
- Time: transit = service (or unload) time at the origin + travel time of
  the vehicle's speed class; slack = waiting; cumul = start of service;
  windows on stops, hours on reload copies, shift on start/end, span bound
  ``max_duration_s``.
- Breaks where a crew can take them (the default, see
  :class:`optimizer.model.Break`): per vehicle, optional *break nodes*:
  one per facility that takes all its streams, standing for "unload here,
  then break" (a reload that empties every compartment, service = unload
  + break, open while the break can start inside its window after
  unloading), and the break alone, arriving empty, at its depot (after
  the day's last unload) and at facilities that take only some of its
  streams; never first on a route.
  One insertion thus ends a trip with the break, where a separate unload
  and break would need two. The vehicle's break
  nodes form one disjunction (at most one visited) whose penalty, above
  any route's cost but below a vehicle's term, makes the search plan
  every route around its break. Breaks that may be taken
  loaded: a fixed-duration interval on the time dimension with node visit
  transits (mandatory: optional breaks on unused vehicles make OR-Tools
  fail, or-tools issue #1243; it may lie before the start or after the end
  of a route, which the checker accepts).
- Objective: arc costs and span costs by objective; ``minimize_vehicles``
  adds a fixed cost above any route cost; each stop is a disjunction with a
  penalty above any vehicle (dropping one is a last resort).

Integer scaling happens here and only here (OR-Tools works on int64):
distances are rounded to metres, travel times rounded *up* to whole seconds
(so every plan OR-Tools accepts stays feasible in exact arithmetic), loads
in grams and litres (demands rounded up, capacities down), costs in
1/36000 yuan (so cost per hour x 10 is the per-second span coefficient),
CO2 in grams. Decoded objectives therefore match :mod:`optimizer.evaluate`
within 0.5 m per arc (distance), 1 s per arc (time), 1e-4 yuan per arc
(cost). The CO2 objective prices each arc at half load (OR-Tools arc costs
cannot depend on the load), so its decoded value is an estimate.
"""

from __future__ import annotations

import math
import time
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from optimizer.evaluate import (
    check_route,
    compartments,
    objective_value,
    rates_of,
    simulate_route,
)
from optimizer.model import Instance, Site, Stream, VehicleType
from optimizer.routing.engine_run import EngineRun
from optimizer.routing.greedy import greedy_routes
from optimizer.routing.params import Objective, RoutingParams
from optimizer.routing.result import Route, RoutingResult, VisitKind
from optimizer.routing.sequence import drop_unneeded_break, place_break

KG_SCALE = 10  # grams per kg
M3_SCALE = 1000  # litres per m3
COST_SCALE = 36000  # objective units per yuan
CO2_SCALE = 1000  # grams per kg
FIRST_SOLUTION = "PATH_CHEAPEST_ARC"  # a FirstSolutionStrategy name
# Above this many stops OR-Tools' first-solution heuristics are too slow with
# breaks and reload copies (Kim set, 60 s: a plan up to 1347 stops, none from
# 1596 on), so the search starts from optimizer.routing.greedy; below it the
# greedy start is worse than OR-Tools' own (277_stop: stops left unserved).
GREEDY_ABOVE = 1400
UNBOUNDED = 10**12  # capacity of a dimension that does not bind a vehicle


@dataclass(frozen=True)
class _Node:
    kind: VisitKind
    location: str
    service_s: int


def _ceil_kg(x: float) -> int:
    return math.ceil(x * KG_SCALE - 1e-6)


def _ceil_m3(x: float) -> int:
    return math.ceil(x * M3_SCALE - 1e-6)


class _Model:
    """The OR-Tools model of one component, built step by step."""

    def __init__(
        self, instance: Instance, stop_ids: Sequence[str], types: Sequence[VehicleType]
    ) -> None:
        self.instance = instance
        self.fleet = [(f"{vt.id}#{k}", vt) for vt in types for k in range(1, vt.count + 1)]
        self.stops = [instance.stop(s) for s in stop_ids]
        self.stop_ids = set(stop_ids)
        self.streams = sorted({s.stream for s in self.stops})
        self.depots = sorted({vt.depot for _, vt in self.fleet})
        nodes = [_Node(VisitKind.DEPOT, d, 0) for d in self.depots]
        nodes += [_Node(VisitKind.STOP, s.id, s.service_s) for s in self.stops]
        self.first_reload = len(nodes)
        horizon = max((vt.shift.end for _, vt in self.fleet), default=0)
        rivals = sum(1 for f in instance.unloading_sites if f.streams & set(self.streams))
        for fac in instance.unloading_sites:
            if fac.hours is not None and fac.hours.start > horizon:
                continue  # opens after every shift has ended
            if fac.streams & set(self.streams):
                k = self._copies(fac, rivals)
                nodes += [_Node(VisitKind.UNLOAD, fac.id, fac.unload_s) for _ in range(k)]
        self.first_break = len(nodes)
        # Break nodes: node -> vehicle, and (vehicle, place) -> node.
        self.break_vehicle: dict[int, int] = {}
        self.break_node: dict[tuple[int, str], int] = {}
        self.break_unload: dict[int, int] = {}  # node -> unloading time before its break
        reload_sites = {nd.location for nd in nodes[self.first_reload :]}
        for v, (_, vt) in enumerate(self.fleet):
            if vt.break_ is None or vt.break_.loaded:
                continue
            # A facility taking only some of the type's streams: the break alone,
            # arriving empty (after unloading elsewhere too), as at the depot.
            places = [(vt.depot, 0)] + [
                (f, instance.site(f).unload_s if vt.streams <= instance.site(f).streams else 0)
                for f in sorted(reload_sites)
                if instance.site(f).streams & vt.streams
            ]
            for place, unload in places:
                self.break_vehicle[len(nodes)] = v
                self.break_node[(v, place)] = len(nodes)
                self.break_unload[len(nodes)] = unload
                nodes.append(_Node(VisitKind.BREAK, place, unload + vt.break_.duration_s))
        self.nodes = nodes
        rows = np.array([instance.travel.index(nd.location) for nd in nodes])
        # Each vehicle's own matrix (types may drive different roads), built once per matrix.
        self.matrix_of: list[int] = []
        self.arcs: dict[int, tuple[NDArray[np.float64], NDArray[np.float64]]] = {}
        for _, vt in self.fleet:
            own = instance.travel_of(vt.id)
            if id(own) not in self.arcs:
                self.arcs[id(own)] = (
                    np.rint(own.distance_m[np.ix_(rows, rows)]),
                    own.duration_s[np.ix_(rows, rows)],
                )
            self.matrix_of.append(id(own))
        starts = [self.depots.index(vt.depot) for _, vt in self.fleet]
        self.manager = pywrapcp.RoutingIndexManager(len(nodes), len(self.fleet), starts, starts)
        self.routing = pywrapcp.RoutingModel(self.manager)
        self.penalty = 0
        self.vehicle_term = 0
        self.breaks: dict[int, object] = {}
        self.load_dims: list[tuple[Any, int, int]] = []
        self.prices_time = False
        self.trip_dim: Any = None

    def _copies(self, facility: Site, rivals: int) -> int:
        """Return how many reload copies of ``facility`` the fleet may need.

        A vehicle may need one trip per compartment-load of its day (its
        daily limit, or all the demand) plus one; the whole fleet needs no
        more trips than the demand fills its smallest compartment, plus one
        partial trip per vehicle (summing each vehicle's own bound counts
        every load once per vehicle: a 1,000-stop part with 62 vehicles and
        six facilities built 6,084 copies, 5 GB and 80 s of model). With
        ``rivals`` facilities taking the same streams each gets twice its
        fair share of the fleet's trips: a heuristic bound (every trip at
        every facility would multiply the model), never more copies than
        stops.
        """
        accepted = facility.streams & set(self.streams)
        # Only types carrying a stream with stops here unload these streams
        # (a kitchen truck beside a kitchen+other compactor with only "other" stops).
        users = [vt for _, vt in self.fleet if vt.streams & accepted]
        if not users:
            return 0
        demand = sum(s.demand_kg for s in self.stops if s.stream in accepted)
        bulk = sum(s.demand_m3 for s in self.stops if s.stream in accepted)
        trips = 0
        smallest, smallest_m3 = math.inf, math.inf
        for vt in users:
            comps = [c for s, c in compartments(vt).items() if s in accepted]
            cap = min(kg for kg, _ in comps)
            cap_m3 = min((m3 for _, m3 in comps if m3 is not None), default=math.inf)
            smallest, smallest_m3 = min(smallest, cap), min(smallest_m3, cap_m3)
            day = min(demand, vt.max_load_kg_per_day or demand)
            # One load a day needs only the final unload; partial trips may
            # need one more than full ones would.
            one_load = day <= cap and bulk <= cap_m3
            trips += 1 if one_load else math.ceil(day / cap) + 1
        loads = math.ceil(demand / smallest - 1e-9)
        if smallest_m3 < math.inf:
            loads = max(loads, math.ceil(bulk / smallest_m3 - 1e-9))
        trips = min(trips, loads + len(users))
        share = math.ceil(2 * trips / max(1, rivals))
        return min(len(self.stops), trips, max(share, len(users)))

    def unload_before(self, node: int) -> int:
        """Return the unloading time at the start of a break node (0: the break alone)."""
        return self.break_unload[node]

    def index(self, node: int) -> int:
        return int(self.manager.NodeToIndex(node))

    def node_range(self, kind: VisitKind) -> range:
        bounds = {
            VisitKind.STOP: (len(self.depots), self.first_reload),
            VisitKind.UNLOAD: (self.first_reload, self.first_break),
            VisitKind.BREAK: (self.first_break, len(self.nodes)),
        }
        return range(*bounds[kind])

    # -- dimensions --------------------------------------------------------
    def add_time(self) -> None:
        routing = self.routing
        service = np.array([nd.service_s for nd in self.nodes], dtype=np.float64)
        callbacks: dict[tuple[int, float], int] = {}
        for v, (_, vt) in enumerate(self.fleet):
            key = (self.matrix_of[v], vt.speed_factor)
            if key not in callbacks:
                base_t = self.arcs[key[0]][1]
                travel = np.ceil(base_t / vt.speed_factor - 1e-9) + service[:, None]
                callbacks[key] = routing.RegisterTransitMatrix(_int_matrix(travel))
        self.time_cb = [
            callbacks[(self.matrix_of[v], vt.speed_factor)] for v, (_, vt) in enumerate(self.fleet)
        ]
        horizon = max(vt.shift.end for _, vt in self.fleet)
        routing.AddDimensionWithVehicleTransits(self.time_cb, horizon, horizon, False, "time")
        dim = routing.GetDimensionOrDie("time")
        self.time_dim = dim
        for node in self.node_range(VisitKind.STOP):
            window = self.instance.stop(self.nodes[node].location).window
            if window is not None:
                dim.CumulVar(self.index(node)).SetRange(window.start, min(window.end, horizon))
        for node in self.node_range(VisitKind.UNLOAD):
            hours = self.instance.site(self.nodes[node].location).hours
            if hours is not None:
                dim.CumulVar(self.index(node)).SetRange(hours.start, min(hours.end, horizon))
        for node, v in self.break_vehicle.items():
            brk = self.fleet[v][1].break_
            assert brk is not None
            unload = self.unload_before(node)
            lo, hi = brk.window.start - unload, min(brk.window.end, horizon) - unload
            if self.nodes[node].location != self.fleet[v][1].depot:
                hours = self.instance.site(self.nodes[node].location).hours
                if hours is not None:
                    lo, hi = max(lo, hours.start), min(hi, hours.end)
            cumul = dim.CumulVar(self.index(node))
            if lo <= hi:
                cumul.SetRange(max(0, lo), max(0, hi))
            else:
                self.routing.VehicleVar(self.index(node)).SetValue(-1)  # never open
        visit_transits = [0] * routing.Size()
        for i in range(routing.Size()):
            if not routing.IsStart(i):
                visit_transits[i] = self.nodes[self.manager.IndexToNode(i)].service_s
        solver = routing.solver()
        for v, (name, vt) in enumerate(self.fleet):
            start, end = routing.Start(v), routing.End(v)
            dim.CumulVar(start).SetRange(vt.shift.start, vt.shift.end)
            dim.CumulVar(end).SetRange(vt.shift.start, vt.shift.end)
            if vt.max_duration_s is not None:
                dim.SetSpanUpperBoundForVehicle(vt.max_duration_s, v)
            # No finalizer on start/end cumuls: with a break, assigning them by
            # value costs thousands of failed branches per neighbour, and the
            # search stalls; waiting is trimmed after the search instead.
            if vt.break_ is not None and vt.break_.loaded:
                w = vt.break_.window
                interval = solver.FixedDurationIntervalVar(
                    w.start, w.end, vt.break_.duration_s, False, f"break {name}"
                )
                self.breaks[v] = interval
                dim.SetBreakIntervalsOfVehicle([interval], v, visit_transits)

    def add_release(self) -> None:
        """Make every trip leave after the release dates of the stops it serves.

        A "trip start" dimension carries the departure time of the current
        trip: it may only rise at the depot and at reload copies, never
        above the time the vehicle leaves them, and must reach each stop's
        release date by the stop.
        """
        if not any(s.release_s > 0 for s in self.stops):
            return
        routing, solver, time_dim = self.routing, self.routing.solver(), self.time_dim
        horizon = max(vt.shift.end for _, vt in self.fleet)
        cb = routing.RegisterUnaryTransitVector([0] * len(self.nodes))
        routing.AddDimension(cb, horizon, horizon, False, "trip_start")
        trip = routing.GetDimensionOrDie("trip_start")
        for node in self.node_range(VisitKind.STOP):
            idx = self.index(node)
            trip.SlackVar(idx).SetValue(0)
            release = self.instance.stop(self.nodes[node].location).release_s
            if release > 0:
                trip.CumulVar(idx).SetMin(min(release, horizon))
        for node in self.node_range(VisitKind.UNLOAD):
            idx = self.index(node)
            leave = time_dim.CumulVar(idx) + self.nodes[node].service_s
            solver.Add(trip.CumulVar(idx) + trip.SlackVar(idx) <= leave)
        for node in self.node_range(VisitKind.BREAK):
            # The checker dates a trip from its unload, not from the break after it.
            idx = self.index(node)
            leave = time_dim.CumulVar(idx) + self.unload_before(node)
            solver.Add(trip.CumulVar(idx) + trip.SlackVar(idx) <= leave)
        for v in range(len(self.fleet)):
            # Zero slack at the start keeps the first trip exact under bounds
            # propagation (the reload copies above are propagated weakly; the
            # checker has the last word on later trips).
            start = routing.Start(v)
            trip.SlackVar(start).SetValue(0)
            solver.Add(trip.CumulVar(start) <= time_dim.CumulVar(start))
        self.trip_dim = trip

    def add_loads(self) -> None:
        routing = self.routing
        comps = [compartments(vt) for _, vt in self.fleet]
        big_kg = max(_ceil_kg(c[0]) for cs in comps for c in cs.values())
        use_m3 = any(s.demand_m3 > 0 for s in self.stops) and any(
            c[1] is not None for cs in comps for c in cs.values()
        )
        for stream in self.streams:
            for unit in ("kg", "m3") if use_m3 else ("kg",):
                self._add_load(stream, unit, comps, big_kg)
        if any(vt.max_load_kg_per_day is not None for _, vt in self.fleet):
            day = [0] * len(self.nodes)
            for node in self.node_range(VisitKind.STOP):
                day[node] = _ceil_kg(self.instance.stop(self.nodes[node].location).demand_kg)
            cb = routing.RegisterUnaryTransitVector(day)
            caps = [
                UNBOUNDED
                if vt.max_load_kg_per_day is None
                else math.floor(vt.max_load_kg_per_day * KG_SCALE + 1e-6)
                for _, vt in self.fleet
            ]
            routing.AddDimensionWithVehicleCapacity(cb, 0, caps, True, "daily_load")
        if any(vt.max_stops is not None for _, vt in self.fleet):
            ones = [0] * len(self.nodes)
            for node in self.node_range(VisitKind.STOP):
                ones[node] = 1
            cb = routing.RegisterUnaryTransitVector(ones)
            caps = [UNBOUNDED if vt.max_stops is None else vt.max_stops for _, vt in self.fleet]
            routing.AddDimensionWithVehicleCapacity(cb, 0, caps, True, "stops")

    def _add_load(
        self,
        stream: Stream,
        unit: str,
        comps: list[dict[Stream, tuple[float, float | None]]],
        big_kg: int,
    ) -> None:
        routing = self.routing
        caps: list[int] = []
        for cs in comps:
            kg, m3 = cs.get(stream, (0.0, 0.0))
            if unit == "kg":
                caps.append(math.floor(kg * KG_SCALE + 1e-6))
            else:
                caps.append(UNBOUNDED if m3 is None else math.floor(m3 * M3_SCALE + 1e-6))
        big = max(big_kg if unit == "kg" else 0, max(caps))
        transit = [0] * len(self.nodes)
        for node in self.node_range(VisitKind.STOP):
            stop = self.instance.stop(self.nodes[node].location)
            if stop.stream is stream:
                transit[node] = (
                    _ceil_kg(stop.demand_kg) if unit == "kg" else _ceil_m3(stop.demand_m3)
                )
        for node in self.node_range(VisitKind.UNLOAD):
            if stream in self.instance.site(self.nodes[node].location).streams:
                transit[node] = -big
        for node in self.node_range(VisitKind.BREAK):
            if self.unload_before(node):
                transit[node] = -big
        cb = routing.RegisterUnaryTransitVector(transit)
        name = f"load_{unit}[{stream.value}]"
        routing.AddDimensionWithVehicleCapacity(cb, big, caps, True, name)
        dim = routing.GetDimensionOrDie(name)
        for node in self.node_range(VisitKind.STOP):
            dim.SlackVar(self.index(node)).SetValue(0)
        solver = routing.solver()
        for node in self.node_range(VisitKind.BREAK):
            # A crew breaks with the truck empty: it unloads everything here
            # first, or arrives empty (the break alone).
            idx = self.index(node)
            if transit[node]:
                solver.Add(dim.CumulVar(idx) + dim.SlackVar(idx) == big)
            else:
                dim.CumulVar(idx).SetValue(0)
                dim.SlackVar(idx).SetValue(0)
        for v in range(len(self.fleet)):
            dim.SlackVar(routing.Start(v)).SetValue(0)
        positive = [t for t in transit if t > 0]
        self.load_dims.append((dim, min(positive, default=1), max(positive, default=0)))

    def restrict_vehicles(self) -> None:
        routing = self.routing
        for node in range(len(self.depots), len(self.nodes)):
            nd = self.nodes[node]
            if nd.kind is VisitKind.BREAK:
                ok = [self.break_vehicle[node]]
            elif nd.kind is VisitKind.STOP:
                stream = self.instance.stop(nd.location).stream
                ok = [v for v, (_, vt) in enumerate(self.fleet) if stream in vt.streams]
            else:
                accepted = self.instance.site(nd.location).streams
                ok = [v for v, (_, vt) in enumerate(self.fleet) if vt.streams & accepted]
            banned = [v for v in range(len(self.fleet)) if v not in ok]
            if banned:
                # Not SetAllowedVehiclesForIndex: its SWIG wrapper in OR-Tools
                # 9.15 rejects every Python sequence (absl::Span TypeError).
                routing.VehicleVar(self.index(node)).RemoveValues(banned)
        # No break right at the start of the day: the cheapest first arc would
        # take it and leave the vehicle nothing else (a late start needs no
        # break anyway). The break alone at the depot ends the day.
        for v, (_, vt) in enumerate(self.fleet):
            own = [self.index(n) for n, w in self.break_vehicle.items() if w == v]
            if own:
                routing.NextVar(routing.Start(v)).RemoveValues(own)
            home = self.break_node.get((v, vt.depot))
            if home is not None:
                routing.NextVar(self.index(home)).SetValues([self.index(home), routing.End(v)])
        # A second unload right after one that emptied the same streams is
        # useless; forbidding it stops the search chaining free reload copies.
        reloads = self.node_range(VisitKind.UNLOAD)
        accepts = {i: self.instance.site(self.nodes[i].location).streams for i in reloads}
        for i in reloads:
            useless = [self.index(j) for j in reloads if j != i and accepts[j] <= accepts[i]]
            routing.NextVar(self.index(i)).RemoveValues(useless)

    # -- objective ---------------------------------------------------------
    def add_objective(self, params: RoutingParams) -> None:
        routing = self.routing
        objective = Objective(params.objective)
        self.prices_time = objective in (Objective.TIME, Objective.COST)
        max_arc = 1
        by_key: dict[tuple[int, float, float], int] = {}
        for v, (_, vt) in enumerate(self.fleet):
            dist = self.arcs[self.matrix_of[v]][0]
            if objective is Objective.DISTANCE:
                rate, arc = (0.0, 0.0), dist
            elif objective is Objective.COST:
                rate = (vt.cost_per_km, 0.0)
                arc = np.rint(dist * vt.cost_per_km * COST_SCALE / 1000.0)
            elif objective is Objective.CO2:
                rates = rates_of(self.instance, vt)
                per_km = (rates.empty_per_km + rates.full_per_km) / 2 * rates.co2_kg_per_unit
                rate = (per_km, 1.0)
                arc = np.rint(dist / 1000.0 * per_km * CO2_SCALE)
            else:
                rate, arc = (0.0, 0.0), np.zeros_like(dist)
            key = (self.matrix_of[v], *rate)
            if key not in by_key:
                by_key[key] = routing.RegisterTransitMatrix(_int_matrix(arc))
            max_arc = max(max_arc, int(arc.max()) if arc.size else 1)
            routing.SetArcCostEvaluatorOfVehicle(by_key[key], v)
            if objective is Objective.TIME:
                self.time_dim.SetSpanCostCoefficientForVehicle(1, v)
            elif objective is Objective.COST:
                coef = round(vt.cost_per_h * COST_SCALE / 3600.0)
                self.time_dim.SetSpanCostCoefficientForVehicle(coef, v)
        if objective is Objective.TIME:
            max_arc = max(max_arc, max(vt.shift.length for _, vt in self.fleet))
        elif objective is Objective.COST:
            max_arc += max(round(vt.cost_per_h * 10) * vt.shift.length for _, vt in self.fleet)
        # A vehicle's or a stop's term must outweigh any route: bound a route
        # by every arc at its most expensive.
        route_bound = max_arc * len(self.nodes)
        fixed = [
            round(vt.fixed_cost * COST_SCALE) if objective is Objective.COST else 0
            for _, vt in self.fleet
        ]
        self.vehicle_term = route_bound + max(fixed) + 1 if params.minimize_vehicles else 0
        for v in range(len(self.fleet)):
            if fixed[v] or self.vehicle_term:
                routing.SetFixedCostOfVehicle(fixed[v] + self.vehicle_term, v)
        # Going home loaded is a soft constraint dearer than any route: a hard
        # end load of zero leaves first-solution heuristics with no feasible
        # way to close a route (or-tools #4515), so they serve nothing.
        loaded_home = 0
        for dim, smallest, biggest in self.load_dims:
            coef = route_bound // smallest + 1
            loaded_home += coef * biggest
            for v in range(len(self.fleet)):
                dim.SetCumulVarSoftUpperBound(routing.End(v), 0, coef)
        if params.unserved_penalty is not None:
            self.penalty = round(params.unserved_penalty * _scale(objective))
        else:
            # Dearer than serving the stop alone on a new vehicle that has not
            # unloaded yet, so that single insertions open routes.
            self.penalty = 2 * (route_bound + max(fixed) + self.vehicle_term + loaded_home) + 1
        for node in self.node_range(VisitKind.STOP):
            routing.AddDisjunction([self.index(node)], self.penalty)
        for node in self.node_range(VisitKind.UNLOAD):
            routing.AddDisjunction([self.index(node)], 0)
        # Missing a break costs more than any route (so every route is planned
        # around one) but less than a vehicle (no vehicle is used for a break).
        by_vehicle: dict[int, list[int]] = {}
        for node, v in self.break_vehicle.items():
            by_vehicle.setdefault(v, []).append(self.index(node))
        for indices in by_vehicle.values():
            routing.AddDisjunction(indices, route_bound, 1)

    # -- solution ----------------------------------------------------------
    def initial_assignment(self, initial: RoutingResult | None) -> object | None:
        """Return ``initial`` as an OR-Tools assignment, keeping only feasible routes."""
        if initial is None:
            return None
        by_name = {r.vehicle: r for r in initial.routes}
        stop_node = {self.nodes[i].location: i for i in self.node_range(VisitKind.STOP)}
        free: dict[str, list[int]] = {}
        for i in self.node_range(VisitKind.UNLOAD):
            free.setdefault(self.nodes[i].location, []).append(i)
        routes: list[list[int]] = [[] for _ in self.fleet]
        for v, (name, _) in enumerate(self.fleet):
            route = by_name.get(name)
            if route is None:
                continue
            for visit in route.visits:
                if visit.kind is VisitKind.STOP and visit.location in stop_node:
                    routes[v].append(self.index(stop_node.pop(visit.location)))
                elif visit.kind is VisitKind.UNLOAD and free.get(visit.location):
                    routes[v].append(self.index(free[visit.location].pop()))
                elif visit.kind is VisitKind.BREAK and (v, visit.location) in self.break_node:
                    node = self.break_node[(v, visit.location)]
                    last = self.manager.IndexToNode(routes[v][-1]) if routes[v] else -1
                    if self.unload_before(node):
                        if (
                            last < 0
                            or self.nodes[last].kind is not VisitKind.UNLOAD
                            or (self.nodes[last].location != visit.location)
                        ):
                            continue  # not right after unloading there
                        # "Unload, then break" is one node: it takes the unload's place.
                        free[visit.location].append(last)
                        routes[v].pop()
                    routes[v].append(self.index(node))
        assignment: object | None = self.routing.ReadAssignmentFromRoutes(routes, False)
        if assignment is not None:
            return assignment
        # Keep the routes that are feasible on their own, one by one.
        kept: list[list[int]] = [[] for _ in self.fleet]
        for v, nodes in enumerate(routes):
            kept[v] = nodes
            if nodes and self.routing.ReadAssignmentFromRoutes(kept, False) is None:
                kept[v] = []
        assignment = self.routing.ReadAssignmentFromRoutes(kept, False)
        return assignment

    def routes_of(self, solution: object) -> tuple[list[Route], list[str], list[str], bool]:
        """Return routes, stops the solver dropped, stops trimmed, and whether visits were cut.

        Trimmed stops are those a route would take home unloaded (see
        :meth:`_useful`); cut visits change the objective from the solver's.
        """
        routing, dim = self.routing, self.time_dim
        sol: pywrapcp.Assignment = solution
        break_start: dict[str, int] = {}
        intervals = sol.IntervalVarContainer()
        for k in range(intervals.Size()):
            el = intervals.Element(k)
            if el.PerformedValue():
                break_start[el.Var().Name()] = el.StartValue()
        routes: list[Route] = []
        trimmed: list[str] = []
        cut = False
        for v, (name, vt) in enumerate(self.fleet):
            idx = routing.Start(v)
            if routing.IsEnd(sol.Value(routing.NextVar(idx))):
                continue
            seq: list[tuple[VisitKind, str]] = [(VisitKind.DEPOT, vt.depot)]
            leave = [sol.Min(dim.CumulVar(idx))]
            if self.trip_dim is not None:
                leave[0] = max(leave[0], sol.Min(self.trip_dim.CumulVar(idx)))
            arrive: list[int] = []
            while not routing.IsEnd(idx):
                idx = sol.Value(routing.NextVar(idx))
                node = self.manager.IndexToNode(idx)
                nd = self.nodes[node]
                arrive.append(sol.Min(dim.CumulVar(idx)))
                if nd.kind is VisitKind.BREAK and self.unload_before(node):
                    # Unload, then break: two visits.
                    seq.append((VisitKind.UNLOAD, nd.location))
                    leave.append(arrive[-1] + self.unload_before(node))
                    arrive.append(leave[-1])
                seq.append((nd.kind, nd.location))
                unload = self.unload_before(node) if nd.kind is VisitKind.BREAK else 0
                leave.append(arrive[-1] + nd.service_s - unload)
            keep = self._useful(seq, vt)
            cut = cut or not all(keep)
            trimmed += [
                loc for p, (kind, loc) in enumerate(seq) if not keep[p] and loc in self.stop_ids
            ]
            seq = [x for p, x in enumerate(seq) if keep[p]]
            leave = [x for p, x in enumerate(leave) if keep[p]]
            # A first trip that began at an unload copy skipped above (empty)
            # starts at the depot now: not before its stops are released.
            leave[0] = max(leave[0], _first_trip_release(self.instance, seq))
            arrive = [x for p, x in enumerate(arrive) if keep[p + 1]]
            if not any(kind is VisitKind.STOP for kind, _ in seq):
                continue
            plain = [x for x in seq if x[0] is not VisitKind.BREAK]
            brk = break_start.get(f"break {name}")
            if brk is not None and vt.break_ is not None:
                seq = _insert_break(seq, leave, arrive, brk, vt.break_.duration_s)
            route = simulate_route(self.instance, name, vt, seq, float(leave[0]))
            if check_route(self.instance, route):
                # Cumuls of a descent from a start plan may be left as loose
                # ranges: schedule the visit order ourselves.
                route, seq = _reschedule(self.instance, name, vt, plain, route, seq)
                cut = True
            if not self.prices_time:
                route = _leave_later(self.instance, route, vt, seq)
            routes.append(drop_unneeded_break(self.instance, route))
        dropped = [
            self.nodes[i].location
            for i in self.node_range(VisitKind.STOP)
            if sol.Value(routing.NextVar(self.index(i))) == self.index(i)
        ]
        return routes, dropped, trimmed, cut

    def _useful(self, seq: list[tuple[VisitKind, str]], vt: VehicleType) -> list[bool]:
        """Mark the visits to keep: no stop left unloaded at the end, no empty unload.

        A stop that no later unload empties (the search ended with the soft
        end-load bound broken) is dropped; an unload with nothing for that
        facility on board (OR-Tools may chain reload copies) is skipped.
        """
        keep = [True] * len(seq)
        pending: set[Stream] = set()
        for p in range(len(seq) - 2, 0, -1):
            kind, loc = seq[p]
            if kind is VisitKind.UNLOAD:
                pending |= self.instance.site(loc).streams & vt.streams
            elif kind is VisitKind.STOP and self.instance.stop(loc).stream not in pending:
                keep[p] = False
        on_board: set[Stream] = set()
        for p, (kind, loc) in enumerate(seq):
            if not keep[p]:
                continue
            if kind is VisitKind.STOP:
                on_board.add(self.instance.stop(loc).stream)
            elif kind is VisitKind.UNLOAD:
                accepted = self.instance.site(loc).streams
                if not on_board & accepted:
                    keep[p] = False
                on_board -= accepted
        return keep


def _leave_later(
    instance: Instance, route: Route, vt: VehicleType, seq: list[tuple[VisitKind, str]]
) -> Route:
    """Return the route leaving the depot as late as it can without ending later.

    When time has no price, OR-Tools leaves at the earliest and waits at the
    first window; the crew's day is shorter leaving later by that wait.
    """
    end = route.visits[-1].arrival_s
    depart = route.visits[0].departure_s

    def attempt(delay: float) -> Route | None:
        trial = simulate_route(instance, route.vehicle, vt, seq, math.floor(depart + delay))
        if trial.visits[-1].arrival_s <= end + 1e-6 and not check_route(instance, trial):
            return trial
        return None

    wait = sum(v.start_s - v.arrival_s for v in route.visits)
    if wait < 1.0:
        return route
    whole = attempt(wait)
    if whole is not None:
        return whole
    lo, hi, best = 0.0, wait, route
    while hi - lo >= 60.0:
        mid = (lo + hi) / 2
        trial = attempt(mid)
        if trial is None:
            hi = mid
        else:
            lo, best = mid, trial
    return best


def _greedy_start(instance: Instance, model: _Model, params: RoutingParams) -> RoutingResult:
    """Return a nearest-neighbour plan of the component as a starting solution."""
    fleet = dict(model.fleet)
    plans = greedy_routes(instance, [s.id for s in model.stops], model.fleet)
    routes = tuple(
        simulate_route(instance, name, fleet[name], seq, float(fleet[name].shift.start))
        for name, seq in plans.items()
    )
    return RoutingResult(instance.name, routes, (), str(params.objective), 0.0, "greedy")


def _reschedule(
    instance: Instance,
    name: str,
    vt: VehicleType,
    plain: list[tuple[VisitKind, str]],
    route: Route,
    seq: list[tuple[VisitKind, str]],
) -> tuple[Route, list[tuple[VisitKind, str]]]:
    """Return the earliest schedule of ``plain`` with its break placed (or repaired) anew.

    Falls back to ``route`` (which the checker will then report) if none works.
    """
    depart = float(max(vt.shift.start, _first_trip_release(instance, plain)))
    trial = place_break(instance, name, vt, plain, depart)
    if check_route(instance, trial):
        return route, seq
    return trial, [(v.kind, v.location) for v in trial.visits]


def _first_trip_release(instance: Instance, seq: Sequence[tuple[VisitKind, str]]) -> float:
    """Return the latest release date of the stops served before the first unload."""
    release = 0.0
    for kind, loc in seq[1:]:
        if kind is VisitKind.UNLOAD:
            break
        if kind is VisitKind.STOP:
            release = max(release, instance.stop(loc).release_s)
    return release


def _insert_break(
    seq: list[tuple[VisitKind, str]], leave: list[int], arrive: list[int], start: int, duration: int
) -> list[tuple[VisitKind, str]]:
    """Put the break on the arc where OR-Tools scheduled it (none if off the route)."""
    if start + duration <= leave[0] or start >= arrive[-1]:
        return seq
    arc = max(p for p in range(len(seq) - 1) if leave[p] <= start)
    return [*seq[: arc + 1], (VisitKind.BREAK, seq[arc][1]), *seq[arc + 1 :]]


def _int_matrix(values: NDArray[np.float64]) -> list[list[int]]:
    out: list[list[int]] = values.astype(np.int64).tolist()
    return out


def _scale(objective: Objective | str) -> float:
    return {
        Objective.DISTANCE: 1.0,
        Objective.TIME: 1.0,
        Objective.COST: float(COST_SCALE),
        Objective.CO2: float(CO2_SCALE),
    }[Objective(objective)]


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
    give_up_share: float | None = None,
) -> EngineRun:
    """Solve the stops ``stop_ids`` with the vehicles of ``types``.

    Parameters
    ----------
    instance
        The whole instance (travel matrix, sites).
    stop_ids
        Stops of this component; each must be servable by some type.
    types
        Vehicle types of this component.
    params
        Objective, limits and options of the run.
    time_limit_s
        Time budget of this component.
    initial
        Routes to start from; routes that are not feasible are dropped.
    on_solution
        Called with (objective so far, penalties included, in the
        objective's unit; number of solutions) at every solution found.
    interrupted
        Polled during the search; True stops it and keeps the best solution.
    give_up_share
        If set, the search stops after this share of the time limit when no
        solution so far served every stop (status ``"gave_up"``), so that
        the caller can rescue the component with the time left.

    """
    t0 = time.perf_counter()
    model = _Model(instance, stop_ids, types)
    model.add_time()
    model.add_release()
    model.add_loads()
    model.restrict_vehicles()
    model.add_objective(params)
    routing = model.routing

    search = pywrapcp.DefaultRoutingSearchParameters()
    search.first_solution_strategy = getattr(
        routing_enums_pb2.FirstSolutionStrategy, FIRST_SOLUTION
    )
    search.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    search.time_limit.FromMilliseconds(max(1, int(time_limit_s * 1000)))
    if params.solution_limit is not None:
        search.solution_limit = params.solution_limit
    scale = _scale(params.objective)
    count = [0]
    best = [math.inf]

    stop_nodes = [model.index(i) for i in model.node_range(VisitKind.STOP)]
    served_all = [False]

    # The callback reaches the model through a weak reference: the model's C++
    # side holds the callback, so a strong one is a cycle Python's collector
    # cannot see, and every solve would leak its whole model (about 7 MB on a
    # 30-stop county; google/or-tools#4753).
    model_ref = weakref.ref(routing)

    def at_solution() -> None:
        # Guided local search may accept a worse solution; report the best.
        live = model_ref()
        assert live is not None  # the search runs inside this function's frame
        count[0] += 1
        best[0] = min(best[0], live.CostVar().Value() / scale)
        if give_up_share is not None and not served_all[0]:
            served_all[0] = all(live.NextVar(i).Value() != i for i in stop_nodes)
        if on_solution is not None:
            on_solution(best[0], count[0])

    routing.AddAtSolutionCallback(at_solution)
    stopped = [False]
    gave_up = [False]
    if interrupted is not None or give_up_share is not None:
        search_start = [0.0]

        def limit() -> bool:
            if interrupted is not None:
                stopped[0] = stopped[0] or interrupted()
            if give_up_share is not None and search_start[0] and not served_all[0]:
                late = time.perf_counter() - search_start[0] > give_up_share * time_limit_s
                gave_up[0] = gave_up[0] or late
            return stopped[0] or gave_up[0]

        routing.AddSearchMonitor(routing.solver().CustomLimit(limit))
    if initial is None and len(stop_ids) > GREEDY_ABOVE:
        initial = _greedy_start(instance, model, params)
    if initial is not None:
        # Closing the model with the search's limits first makes them bound the
        # restoring of the start too: with release dates, restoring routes
        # searches the trip dimension's slacks and once ran for minutes.
        routing.CloseModelWithParameters(search)
    start = model.initial_assignment(initial)
    build_s = time.perf_counter() - t0

    t1 = time.perf_counter()
    if give_up_share is not None:
        search_start[0] = t1
    if start is not None:
        solution = routing.SolveFromAssignmentWithParameters(start, search)
        if solution is None and not stopped[0]:
            # On large models with breaks, restoring the start for guided
            # local search fails (seen on the 1600+-stop Kim instances) while
            # plain descent from it works: descend for the time left.
            descent = pywrapcp.DefaultRoutingSearchParameters()
            left = time_limit_s - (time.perf_counter() - t1)
            descent.time_limit.FromMilliseconds(max(1, int(left * 1000)))
            if params.solution_limit is not None:
                descent.solution_limit = params.solution_limit
            solution = routing.FastSolveFromAssignmentWithParameters(start, descent, False)
    else:
        solution = routing.SolveWithParameters(search)
    runtime = time.perf_counter() - t1
    if solution is None:
        status = "interrupted" if stopped[0] else ("gave_up" if gave_up[0] else "no_solution")
        return EngineRun((), tuple(stop_ids), 0.0, status, count[0], build_s, runtime)
    routes, dropped, trimmed, cut = model.routes_of(solution)
    # Break penalties of vehicles without a route are not part of the plan.
    cut = cut or bool(model.break_vehicle)
    raw = solution.ObjectiveValue() - len(dropped) * model.penalty
    raw -= len(routes) * model.vehicle_term
    value = raw / scale
    if cut:
        # The plan differs from the solver's: report the objective of the plan.
        value = objective_value(routes, str(params.objective))
    if stopped[0]:
        status = "interrupted"
    elif gave_up[0]:
        status = "gave_up"
    elif params.solution_limit is not None and count[0] >= params.solution_limit:
        status = "solution_limit"
    elif runtime >= 0.98 * time_limit_s:
        status = "time_limit"
    else:
        status = "local_optimum"
    return EngineRun(
        tuple(routes), tuple(dropped + trimmed), value, status, count[0], build_s, runtime
    )
