"""Re-check a routing result from the instance alone; never trust the solver.

The rules a plan must follow (every engine is held to them):

- A route starts with a ``DEPOT`` visit at its type's depot, ends with one,
  and has no depot visit in between. Travel time of an arc is the matrix
  time divided by the type's ``speed_factor``.
- ``STOP``: service may start inside the stop's window (waiting is allowed),
  takes ``service_s``; the stop's stream must be one the type carries; the
  trip serving it must leave the depot or its last facility at or after the
  stop's ``release_s``.
- Capacity: each stream a type carries has its own compartment. By default a
  compartment holds ``capacity_kg`` (and ``capacity_m3``); a type may list
  compartments in ``extra["compartments"]`` as ``"kitchen:3000:4.5;other:5000"``
  (stream:kg[:m3]). Loads never exceed their compartment.
- ``UNLOAD`` at a facility empties the compartments of every stream it
  accepts; it must accept at least one stream on board; unloading starts
  inside the facility's hours and takes ``unload_s``. The truck is empty when
  it returns to the depot.
- ``BREAK`` (if the type has one): taken on the arc between the previous and
  the next visit, starting inside the break window; the vehicle reaches the
  next visit no earlier than ``max(leave + travel, break start) + duration``.
  A route without a break visit is fine only if it starts after the break
  could have ended or ends before the window closes (break off the route).
  Place: right after leaving the depot or a facility where the truck was
  emptied (the crew rests there), unless the break is ``loaded`` (then
  anywhere, with waste on board).
- Battery (types with ``battery_kwh``, see :mod:`optimizer.routing.battery`):
  the vehicle leaves full, each leg uses the load-dependent energy of
  :mod:`optimizer.routing.energy`, it charges linearly at a ``CHARGE`` visit
  or while unloading at a site with a charger for the whole dwell (start to
  departure), and arrives everywhere with at least ``reserve_kwh``. A
  ``CHARGE`` visit needs a charger and starts inside the site's hours; no
  more vehicles charge at a site at once than its ``chargers``.
- The route leaves the depot at or after the shift start and returns by the
  shift end; it lasts at most ``max_duration_s``; it serves at most
  ``max_stops`` stops and collects at most ``max_load_kg_per_day`` over all
  its trips. No type uses more vehicles than its count.
- Every stop is served exactly once or reported unserved, not both.

Metrics: distance in metres; duration = return time − departure time
(waiting and break included); energy and CO2 from :mod:`optimizer.routing.energy`
with the load on board when leaving each visit; cost = fixed cost + cost per
km + cost per hour of duration. Times are compared with a tolerance of
``TIME_TOL_S`` (results may be rounded when written), loads with ``LOAD_TOL``.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from optimizer.model import Instance, Stream, VehicleType
from optimizer.routing.battery import SOC_TOL_KWH, lazy_dwell, soc_profile
from optimizer.routing.energy import EnergyRates, energy_rates
from optimizer.routing.result import Route, RoutingResult, Visit, VisitKind

TIME_TOL_S = 0.5
LOAD_TOL = 1e-3  # kg or m3
METRIC_RTOL = 1e-6


class Rule(StrEnum):
    """A rule a routing plan can break."""

    UNKNOWN_ID = "unknown_id"
    ROUTE_SHAPE = "route_shape"
    SERVED_TWICE = "served_twice"
    NOT_SERVED = "not_served"
    SERVED_AND_UNSERVED = "served_and_unserved"
    CAPACITY = "capacity"
    VOLUME = "volume"
    STREAM = "stream"
    UNLOAD_STREAM = "unload_stream"
    FACILITY_CLOSED = "facility_closed"
    NOT_EMPTY_AT_DEPOT = "not_empty_at_depot"
    TIME_WINDOW = "time_window"
    RELEASE = "release"
    SHIFT = "shift"
    MAX_DURATION = "max_duration"
    BREAK = "break"
    BREAK_PLACE = "break_place"  # taken with waste on board where the workbook does not allow it
    MAX_STOPS = "max_stops"
    DAILY_LOAD = "daily_load"
    FLEET = "fleet"
    TIMES = "times"  # reported times inconsistent with travel, service or waiting
    BATTERY = "battery"  # state of charge below the reserve
    CHARGER = "charger"  # charging where there is no charger, or by a vehicle without battery
    CHARGERS_BUSY = "chargers_busy"  # more vehicles charging at a site than it has chargers
    REPORTED_LOAD = "reported_load"
    REPORTED_METRIC = "reported_metric"


@dataclass(frozen=True)
class Violation:
    """One broken rule: which vehicle, which visit (0-based), and what."""

    rule: Rule
    message: str
    vehicle: str = ""
    visit: int | None = None

    def __str__(self) -> str:
        where = self.vehicle or "plan"
        if self.visit is not None:
            where += f", visit {self.visit}"
        return f"{where}: {self.rule.value}: {self.message}"


def compartments(vehicle_type: VehicleType) -> dict[Stream, tuple[float, float | None]]:
    """Return the capacity (kg, m3 or None) of each stream compartment of a type."""
    spec = vehicle_type.extra.get("compartments", "").strip()
    if not spec:
        return {
            s: (vehicle_type.capacity_kg, vehicle_type.capacity_m3) for s in vehicle_type.streams
        }
    out: dict[Stream, tuple[float, float | None]] = {}
    for part in spec.split(";"):
        fields = [f.strip() for f in part.split(":")]
        if len(fields) not in (2, 3):
            raise ValueError(
                f"vehicle type {vehicle_type.id}: compartment {part!r} is not stream:kg[:m3]"
            )
        m3 = float(fields[2]) if len(fields) == 3 else vehicle_type.capacity_m3
        out[Stream(fields[0])] = (float(fields[1]), m3)
    if set(out) != set(vehicle_type.streams):
        raise ValueError(
            f"vehicle type {vehicle_type.id}: compartments {sorted(out)} differ from "
            f"streams {sorted(vehicle_type.streams)}"
        )
    return out


def travel_s(instance: Instance, vehicle_type: VehicleType, a: str, b: str) -> float:
    """Return the travel time in seconds of ``vehicle_type`` from ``a`` to ``b``."""
    return instance.travel_of(vehicle_type.id).duration(a, b) / vehicle_type.speed_factor


def rates_of(instance: Instance, vehicle_type: VehicleType) -> EnergyRates:
    """Return the energy rates of a type under the instance's grid settings."""
    region = instance.meta.get("grid_region", "china")
    year = int(instance.meta.get("grid_year", "2023"))
    return energy_rates(vehicle_type, grid_region=region, grid_year=year)


def simulate_route(
    instance: Instance,
    vehicle: str,
    vehicle_type: VehicleType,
    sequence: Sequence[tuple[VisitKind, str]],
    departure_s: float,
    *,
    dwell_s: Mapping[int, float] | None = None,
) -> Route:
    """Build a route with the earliest times, loads and metrics of a visit sequence.

    Parameters
    ----------
    instance
        The instance the route belongs to.
    vehicle
        Name of the vehicle, e.g. ``"truck#1"``.
    vehicle_type
        Its type.
    sequence
        (kind, location id) of every visit, depots included; a break's
        location is ignored and set to where the vehicle last was.
    departure_s
        When the vehicle leaves the depot.
    dwell_s
        How long the vehicle stays to charge at a ``CHARGE`` visit or while
        unloading, by position in ``sequence`` (it stays at least the
        unloading time). By default an electric type with a battery charges
        just enough (see :func:`optimizer.routing.battery.lazy_dwell`).

    Notes
    -----
    Ids must be known to the instance (run :func:`check` first on untrusted
    routes). Loads are not capped: :func:`check` reports overloads.

    """
    if dwell_s is None and vehicle_type.battery_kwh is not None:
        _, legs = simulate_legs(instance, vehicle, vehicle_type, sequence, departure_s, {})
        dwell_s = lazy_dwell(instance, vehicle_type, sequence, legs)
    return simulate_legs(instance, vehicle, vehicle_type, sequence, departure_s, dwell_s or {})[0]


def simulate_legs(
    instance: Instance,
    vehicle: str,
    vehicle_type: VehicleType,
    sequence: Sequence[tuple[VisitKind, str]],
    departure_s: float,
    dwell_s: Mapping[int, float],
) -> tuple[Route, list[float]]:
    """Return the route of :func:`simulate_route` and the energy (kWh) of the leg into each visit.

    ``dwell_s`` is as in :func:`simulate_route` but never defaulted.
    """
    comp = compartments(vehicle_type)
    load_kg: dict[Stream, float] = dict.fromkeys(comp, 0.0)
    load_m3: dict[Stream, float] = dict.fromkeys(comp, 0.0)
    total_cap = sum(kg for kg, _ in comp.values())
    rates = rates_of(instance, vehicle_type)
    visits: list[Visit] = []
    distance = 0.0
    fuel = 0.0
    here = sequence[0][1] if sequence else vehicle_type.depot
    leave = departure_s
    pending_break: tuple[float, float] | None = None  # (start, duration)
    legs = [0.0] * len(sequence)
    for pos, (kind, loc) in enumerate(sequence):
        if pos == 0:
            visits.append(Visit(kind, loc, departure_s, departure_s, departure_s, 0.0, 0.0))
            continue
        if kind is VisitKind.BREAK:
            brk = vehicle_type.break_
            pause = brk.duration_s if brk is not None else 0
            start = max(leave, brk.window.start if brk is not None else leave)
            pending_break = (start, pause)
            visits.append(
                Visit(
                    kind,
                    here,
                    leave,
                    start,
                    start + pause,
                    sum(load_kg.values()),
                    sum(load_m3.values()),
                )
            )
            continue
        leg = instance.travel_of(vehicle_type.id).distance(here, loc)
        distance += leg
        leg_fuel = rates.fuel(leg, sum(load_kg.values()) / total_cap if total_cap else 0.0)
        fuel += leg_fuel
        legs[pos] = leg_fuel * rates.kwh_per_unit
        arrival = leave + travel_s(instance, vehicle_type, here, loc)
        if pending_break is not None:
            arrival = max(arrival, pending_break[0]) + pending_break[1]
            pending_break = None
        start = arrival
        service = 0.0
        if kind is VisitKind.STOP:
            stop = instance.stop(loc)
            if stop.window is not None:
                start = max(start, stop.window.start)
            service = stop.service_s
            load_kg[stop.stream] = load_kg.get(stop.stream, 0.0) + stop.demand_kg
            load_m3[stop.stream] = load_m3.get(stop.stream, 0.0) + stop.demand_m3
        elif kind is VisitKind.UNLOAD:
            site = instance.site(loc)
            if site.hours is not None:
                start = max(start, site.hours.start)
            service = site.unload_s
            for s in site.streams:
                if s in load_kg:
                    load_kg[s] = load_m3[s] = 0.0
            release = 0
            for next_kind, next_loc in sequence[pos + 1 :]:
                if next_kind is VisitKind.UNLOAD:
                    break
                if next_kind is VisitKind.STOP:
                    release = max(release, instance.stop(next_loc).release_s)
            # The next trip waits here until the stops it serves are released.
            service = max(service, release - start)
        elif kind is VisitKind.CHARGE:
            site = instance.site(loc)
            if site.hours is not None:
                start = max(start, site.hours.start)
        service = max(service, dwell_s.get(pos, 0.0))
        visits.append(
            Visit(
                kind,
                loc,
                arrival,
                start,
                start + service,
                sum(load_kg.values()),
                sum(load_m3.values()),
            )
        )
        here, leave = loc, start + service
    end = visits[-1].arrival_s if visits else departure_s
    duration = end - departure_s
    energy = fuel * rates.kwh_per_unit
    co2 = fuel * rates.co2_kg_per_unit
    cost = (
        vehicle_type.fixed_cost
        + vehicle_type.cost_per_km * distance / 1000.0
        + vehicle_type.cost_per_h * duration / 3600.0
    )
    route = Route(vehicle, vehicle_type.id, tuple(visits), distance, duration, energy, co2, cost)
    return route, legs


def route_objective(route: Route, objective: str) -> float:
    """Return a route's contribution to ``objective`` (distance m, time s, cost yuan, co2 kg)."""
    match objective:
        case "distance":
            return route.distance_m
        case "time":
            return route.duration_s
        case "cost":
            return route.cost
        case "co2":
            return route.co2_kg
    raise ValueError(f"unknown objective {objective!r}; expected distance, time, cost or co2")


def objective_value(routes: Sequence[Route], objective: str) -> float:
    """Return the objective of a plan: the sum of its routes' contributions."""
    return sum(route_objective(r, objective) for r in routes)


def recompute(instance: Instance, result: RoutingResult) -> RoutingResult:
    """Return ``result`` with every route's times, loads and metrics recomputed.

    Each route keeps its visit order and its departure time from the depot;
    all else (earliest arrival and start times, loads, distance, duration,
    energy, CO2, cost, and the objective value) comes from the instance.
    Run :func:`check` first if the routes may hold unknown ids.
    """
    routes = tuple(
        simulate_route(
            instance,
            r.vehicle,
            instance.vehicle_type(r.vehicle_type),
            [(v.kind, v.location) for v in r.visits],
            r.visits[0].departure_s if r.visits else 0.0,
            dwell_s=reported_dwell(instance, r),
        )
        for r in result.routes
    )
    return dataclasses.replace(
        result, routes=routes, objective_value=objective_value(routes, result.objective)
    )


def reported_dwell(instance: Instance, route: Route) -> dict[int, float] | None:
    """Return how long an electric route stays at each visit where it can charge, as reported."""
    vt = instance.vehicle_type(route.vehicle_type)
    if vt.battery_kwh is None:
        return None
    return {
        i: v.departure_s - v.start_s
        for i, v in enumerate(route.visits)
        if v.kind in (VisitKind.CHARGE, VisitKind.UNLOAD)
    }


def check_route(instance: Instance, route: Route, *, metrics: bool = True) -> list[Violation]:
    """List the rules one route breaks on its own (not coverage or fleet size).

    ``metrics=False`` leaves out the recomputation of its reported distance,
    duration, energy, CO2 and cost: for a route :func:`simulate_route` has
    just built from the instance (the repairs of ``optimizer.routing.sequence``
    and the week's moves), which reports exactly those; a plan's final check
    (:func:`check`) always recomputes them.
    """
    if route.vehicle_type not in {vt.id for vt in instance.vehicle_types}:
        return [Violation(Rule.UNKNOWN_ID, f"unknown vehicle type {route.vehicle_type!r}")]
    return _check_route(instance, route, metrics=metrics)


def check(instance: Instance, result: RoutingResult) -> list[Violation]:
    """List every rule the plan breaks, recomputed from the instance alone.

    Parameters
    ----------
    instance
        The instance the plan claims to solve.
    result
        The plan; its reported times, loads and metrics are checked too.

    Returns
    -------
    list of Violation
        Empty when the plan is feasible and its reported figures are right.

    """
    out: list[Violation] = []
    served: Counter[str] = Counter()
    type_ids = {vt.id for vt in instance.vehicle_types}
    for route in result.routes:
        if route.vehicle_type not in type_ids:
            out.append(
                Violation(
                    Rule.UNKNOWN_ID,
                    f"unknown vehicle type {route.vehicle_type!r}",
                    route.vehicle,
                )
            )
            continue
        route_violations = _check_route(instance, route)
        out += route_violations
        served.update(
            v.location
            for v in route.visits
            if v.kind is VisitKind.STOP and v.location in instance._stop  # type: ignore[attr-defined]
        )
    out += _check_fleet(instance, result)
    out += _check_chargers(instance, result)
    if result.objective in ("distance", "time", "cost", "co2"):
        want = objective_value(result.routes, result.objective)
        if abs(result.objective_value - want) > 1e-6 + METRIC_RTOL * abs(want):
            out.append(
                Violation(
                    Rule.REPORTED_METRIC,
                    f"reported {result.objective} objective {result.objective_value:.6g}, "
                    f"routes sum to {want:.6g}",
                )
            )
    unserved = Counter(u.stop for u in result.unserved)
    stop_ids = {s.id for s in instance.stops}
    for sid in sorted(set(unserved) - stop_ids):
        out.append(Violation(Rule.UNKNOWN_ID, f"unserved list names unknown stop {sid!r}"))
    for stop in instance.stops:
        n, u = served[stop.id], unserved[stop.id]
        if n > 1:
            out.append(Violation(Rule.SERVED_TWICE, f"stop {stop.id} is served {n} times"))
        if n + u == 0:
            out.append(
                Violation(
                    Rule.NOT_SERVED, f"stop {stop.id} is neither served nor reported unserved"
                )
            )
        elif n and u:
            out.append(
                Violation(Rule.SERVED_AND_UNSERVED, f"stop {stop.id} is served and listed unserved")
            )
        elif u > 1:
            out.append(Violation(Rule.SERVED_TWICE, f"stop {stop.id} is listed unserved {u} times"))
    return out


def _check_fleet(instance: Instance, result: RoutingResult) -> list[Violation]:
    out: list[Violation] = []
    names = Counter(r.vehicle for r in result.routes)
    for name, n in sorted(names.items()):
        if n > 1:
            out.append(Violation(Rule.FLEET, f"vehicle {name} has {n} routes", name))
    used = Counter(r.vehicle_type for r in result.routes)
    for vt in instance.vehicle_types:
        if used[vt.id] > vt.count:
            out.append(
                Violation(
                    Rule.FLEET,
                    f"type {vt.id} uses {used[vt.id]} vehicles but the fleet has {vt.count}",
                )
            )
    return out


def _check_chargers(instance: Instance, result: RoutingResult) -> list[Violation]:
    """Report sites where more vehicles charge at once (``CHARGE`` visits) than it has chargers."""
    events: dict[str, list[tuple[float, int]]] = {}
    for route in result.routes:
        for v in route.visits:
            site = instance._site.get(v.location)  # type: ignore[attr-defined]
            if (
                v.kind is VisitKind.CHARGE
                and site is not None
                and site.chargers is not None
                and v.departure_s - v.start_s > TIME_TOL_S
            ):
                # Leaving frees the charger before an arrival at the same instant takes it.
                events.setdefault(site.id, []).append((v.start_s + TIME_TOL_S, 1))
                events[site.id].append((v.departure_s - TIME_TOL_S, -1))
    out: list[Violation] = []
    for site_id, marks in sorted(events.items()):
        count = instance.site(site_id).chargers or 0
        busy = 0
        for t, step in sorted(marks, key=lambda m: (m[0], m[1])):
            busy += step
            if busy > count:
                out.append(
                    Violation(
                        Rule.CHARGERS_BUSY,
                        f"{busy} vehicles charge at {site_id} at {_hhmm(t)}, "
                        f"but it has {count} chargers",
                    )
                )
                break
    return out


def _known(instance: Instance, visit: Visit) -> bool:
    if visit.kind is VisitKind.STOP:
        return visit.location in instance._stop  # type: ignore[attr-defined]
    if visit.kind is VisitKind.BREAK:
        return True
    return visit.location in instance._site  # type: ignore[attr-defined]


def _check_route(instance: Instance, route: Route, *, metrics: bool = True) -> list[Violation]:
    vt = instance.vehicle_type(route.vehicle_type)
    name = route.vehicle

    def bad(rule: Rule, message: str, visit: int | None = None) -> None:
        out.append(Violation(rule, message, name, visit))

    out: list[Violation] = []
    visits = route.visits
    for i, v in enumerate(visits):
        if not _known(instance, v):
            bad(Rule.UNKNOWN_ID, f"unknown {v.kind.value} location {v.location!r}", i)
    if out:
        return out  # nothing below can be computed without the ids
    if (
        len(visits) < 2
        or visits[0].kind is not VisitKind.DEPOT
        or visits[-1].kind is not (VisitKind.DEPOT)
    ):
        bad(Rule.ROUTE_SHAPE, "a route must start and end with a depot visit")
        return out
    for i in (0, len(visits) - 1):
        if visits[i].location != vt.depot:
            bad(
                Rule.ROUTE_SHAPE, f"depot {visits[i].location} is not {vt.depot} of type {vt.id}", i
            )
    for i, v in enumerate(visits[1:-1], start=1):
        if v.kind is VisitKind.DEPOT:
            bad(Rule.ROUTE_SHAPE, "depot visit in the middle of a route", i)
        elif v.kind is VisitKind.UNLOAD and not instance.site(v.location).is_facility:
            bad(Rule.UNLOAD_STREAM, f"site {v.location} does not receive waste", i)
        elif v.kind is VisitKind.UNLOAD and instance.site(v.location).candidate:
            bad(Rule.UNLOAD_STREAM, f"site {v.location} is a candidate, not built", i)

    comp = compartments(vt)
    load_kg: dict[Stream, float] = dict.fromkeys(comp, 0.0)
    load_m3: dict[Stream, float] = dict.fromkeys(comp, 0.0)
    total_cap = sum(kg for kg, _ in comp.values())
    share_after: dict[int, float] = {}  # recomputed share of capacity on board after visit i
    day_kg = 0.0
    num_stops = 0
    trip_start = visits[0].departure_s
    breaks = [i for i, v in enumerate(visits) if v.kind is VisitKind.BREAK]
    prev = visits[0]
    here = visits[0].location
    brk_visit: Visit | None = None
    for i, v in enumerate(visits):
        if v.start_s + TIME_TOL_S < v.arrival_s or v.departure_s + TIME_TOL_S < v.start_s:
            bad(Rule.TIMES, "times must satisfy arrival <= start <= departure", i)
        if i == 0:
            continue
        if v.kind is VisitKind.BREAK:
            brk = vt.break_
            if brk is None:
                bad(Rule.BREAK, f"type {vt.id} has no break", i)
                continue
            if v.start_s + TIME_TOL_S < prev.departure_s:
                bad(Rule.TIMES, "break starts before the vehicle leaves its last visit", i)
            if not brk.window.start - TIME_TOL_S <= v.start_s <= brk.window.end + TIME_TOL_S:
                bad(
                    Rule.BREAK,
                    f"break starts at {_hhmm(v.start_s)}, outside "
                    f"{_hhmm(brk.window.start)}-{_hhmm(brk.window.end)}",
                    i,
                )
            if v.departure_s - v.start_s + TIME_TOL_S < brk.duration_s:
                bad(
                    Rule.BREAK,
                    f"break lasts {v.departure_s - v.start_s:g} s < {brk.duration_s} s",
                    i,
                )
            carried = sum(load_kg.values())
            if not brk.loaded and (
                prev.kind not in (VisitKind.DEPOT, VisitKind.UNLOAD)
                or carried > LOAD_TOL
                or any(x > LOAD_TOL for x in load_m3.values())
            ):
                bad(
                    Rule.BREAK_PLACE,
                    f"break after {prev.kind.value} {prev.location} with {carried:g} kg on "
                    f"board; type {vt.id} breaks only at the depot or a facility after unloading",
                    i,
                )
            brk_visit = v
            continue
        need = prev.departure_s + travel_s(instance, vt, here, v.location)
        if brk_visit is not None:
            need = max(need + (brk_visit.departure_s - brk_visit.start_s), brk_visit.departure_s)
            brk_visit = None
        if v.arrival_s + TIME_TOL_S < need:
            bad(
                Rule.TIMES,
                f"arrives at {v.location} at {v.arrival_s:.0f} s, but cannot before {need:.0f} s",
                i,
            )
        if v.kind is VisitKind.CHARGE:
            site = instance.site(v.location)
            if vt.battery_kwh is None or not site.has_charger:
                bad(
                    Rule.CHARGER,
                    f"charging at {site.id}, which has no charger"
                    if vt.battery_kwh is not None
                    else f"type {vt.id} has no battery to charge",
                    i,
                )
            elif site.hours is not None and not (
                site.hours.start - TIME_TOL_S <= v.start_s <= site.hours.end + TIME_TOL_S
            ):
                bad(
                    Rule.FACILITY_CLOSED,
                    f"charging at {site.id} starts {_hhmm(v.start_s)}, outside its hours "
                    f"{_hhmm(site.hours.start)}-{_hhmm(site.hours.end)}",
                    i,
                )
        if v.kind is VisitKind.STOP:
            stop = instance.stop(v.location)
            num_stops += 1
            if stop.stream not in vt.streams:
                bad(
                    Rule.STREAM, f"type {vt.id} does not collect {stop.stream.value} ({stop.id})", i
                )
            else:
                load_kg[stop.stream] += stop.demand_kg
                load_m3[stop.stream] += stop.demand_m3
                cap_kg, cap_m3 = comp[stop.stream]
                if load_kg[stop.stream] > cap_kg + LOAD_TOL:
                    bad(
                        Rule.CAPACITY,
                        f"{stop.stream.value} load {load_kg[stop.stream]:g} kg > {cap_kg:g} kg",
                        i,
                    )
                if cap_m3 is not None and load_m3[stop.stream] > cap_m3 + LOAD_TOL:
                    bad(
                        Rule.VOLUME,
                        f"{stop.stream.value} volume {load_m3[stop.stream]:g} m3 > {cap_m3:g}",
                        i,
                    )
            day_kg += stop.demand_kg
            if stop.window is not None and not (
                stop.window.start - TIME_TOL_S <= v.start_s <= stop.window.end + TIME_TOL_S
            ):
                bad(
                    Rule.TIME_WINDOW,
                    f"service at {stop.id} starts {_hhmm(v.start_s)}, outside "
                    f"{_hhmm(stop.window.start)}-{_hhmm(stop.window.end)}",
                    i,
                )
            if v.departure_s + TIME_TOL_S < v.start_s + stop.service_s:
                bad(Rule.TIMES, f"service at {stop.id} shorter than {stop.service_s} s", i)
            if trip_start + TIME_TOL_S < stop.release_s:
                bad(
                    Rule.RELEASE,
                    f"trip left at {_hhmm(trip_start)}, before {stop.id} is released "
                    f"at {_hhmm(stop.release_s)}",
                    i,
                )
        elif v.kind is VisitKind.UNLOAD:
            site = instance.site(v.location)
            on_board = {s for s in comp if load_kg[s] > LOAD_TOL or load_m3[s] > LOAD_TOL}
            if not on_board & site.streams:
                bad(
                    Rule.UNLOAD_STREAM,
                    f"facility {site.id} accepts none of the streams on board "
                    f"({', '.join(sorted(on_board)) or 'empty'})",
                    i,
                )
            if site.hours is not None and not (
                site.hours.start - TIME_TOL_S <= v.start_s <= site.hours.end + TIME_TOL_S
            ):
                bad(
                    Rule.FACILITY_CLOSED,
                    f"unloading at {site.id} starts {_hhmm(v.start_s)}, outside its hours "
                    f"{_hhmm(site.hours.start)}-{_hhmm(site.hours.end)}",
                    i,
                )
            if v.departure_s + TIME_TOL_S < v.start_s + site.unload_s:
                bad(Rule.TIMES, f"unloading at {site.id} shorter than {site.unload_s} s", i)
            for s in site.streams & set(comp):
                load_kg[s] = load_m3[s] = 0.0
            trip_start = v.departure_s
        if abs(v.load_kg - sum(load_kg.values())) > LOAD_TOL * max(1.0, abs(v.load_kg)):
            bad(
                Rule.REPORTED_LOAD,
                f"reported load {v.load_kg:g} kg, recomputed {sum(load_kg.values()):g} kg",
                i,
            )
        share_after[i] = sum(load_kg.values()) / total_cap if total_cap else 0.0
        prev, here = v, v.location
    if vt.battery_kwh is not None:
        shares = [share_after.get(i, 0.0) for i in range(len(visits))]
        profile = soc_profile(instance, vt, rates_of(instance, vt), visits, shares)
        for i, (arrival, _) in enumerate(profile):
            if visits[i].kind is not VisitKind.BREAK and arrival < vt.reserve_kwh - SOC_TOL_KWH:
                bad(
                    Rule.BATTERY,
                    f"arrives at {visits[i].location} with {arrival:.4g} kWh, below the "
                    f"reserve {vt.reserve_kwh:g} kWh",
                    i,
                )
    if any(x > LOAD_TOL for x in load_kg.values()) or any(x > LOAD_TOL for x in load_m3.values()):
        left = ", ".join(f"{s.value} {load_kg[s]:g} kg" for s in comp if load_kg[s] > LOAD_TOL)
        bad(Rule.NOT_EMPTY_AT_DEPOT, f"returns to the depot loaded ({left})", len(visits) - 1)

    start, end = visits[0].departure_s, visits[-1].arrival_s
    if start + TIME_TOL_S < vt.shift.start or end > vt.shift.end + TIME_TOL_S:
        bad(
            Rule.SHIFT,
            f"route {_hhmm(start)}-{_hhmm(end)} is outside the shift "
            f"{_hhmm(vt.shift.start)}-{_hhmm(vt.shift.end)}",
        )
    if vt.max_duration_s is not None and end - start > vt.max_duration_s + TIME_TOL_S:
        bad(Rule.MAX_DURATION, f"route lasts {end - start:.0f} s > {vt.max_duration_s} s")
    if vt.max_stops is not None and num_stops > vt.max_stops:
        bad(Rule.MAX_STOPS, f"{num_stops} stops > {vt.max_stops}")
    if vt.max_load_kg_per_day is not None and day_kg > vt.max_load_kg_per_day + LOAD_TOL:
        bad(Rule.DAILY_LOAD, f"collects {day_kg:g} kg in the day > {vt.max_load_kg_per_day:g}")
    if len(breaks) > 1:
        bad(Rule.BREAK, f"{len(breaks)} breaks; one is expected")
    if vt.break_ is not None and not breaks:
        w, d = vt.break_.window, vt.break_.duration_s
        if not (start + TIME_TOL_S >= w.start + d or end <= w.end + TIME_TOL_S):
            bad(Rule.BREAK, f"no break in a route {_hhmm(start)}-{_hhmm(end)} spanning its window")
    if metrics:
        out += _check_metrics(instance, route)
    return out


def _check_metrics(instance: Instance, route: Route) -> list[Violation]:
    vt = instance.vehicle_type(route.vehicle_type)
    redo = simulate_route(
        instance,
        route.vehicle,
        vt,
        [(v.kind, v.location) for v in route.visits],
        route.visits[0].departure_s,
    )
    # Duration (and so cost) follows the reported return time: a plan may
    # report waiting that the earliest schedule would not have.
    duration = route.visits[-1].arrival_s - route.visits[0].departure_s
    cost = redo.cost + vt.cost_per_h * (duration - redo.duration_s) / 3600.0
    expected: dict[str, tuple[float, float, float]] = {
        "distance_m": (route.distance_m, redo.distance_m, 0.5),
        "duration_s": (route.duration_s, duration, TIME_TOL_S),
        "energy_kwh": (route.energy_kwh, redo.energy_kwh, 1e-3),
        "co2_kg": (route.co2_kg, redo.co2_kg, 1e-3),
        "cost": (route.cost, cost, 1e-2),
    }
    return [
        Violation(
            Rule.REPORTED_METRIC, f"reported {key} {got:.6g}, recomputed {want:.6g}", route.vehicle
        )
        for key, (got, want, atol) in expected.items()
        if abs(got - want) > atol + METRIC_RTOL * abs(want)
    ]


def _hhmm(t: float) -> str:
    minutes = round(t / 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
