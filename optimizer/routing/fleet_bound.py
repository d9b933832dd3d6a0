"""Lower bounds on the vehicles a day's plan needs.

A plan with ``K`` vehicles has ``K`` working days to spend on service,
unloading and driving. :func:`fleet_lower_bound` is the larger of the
simple bounds (service over one vehicle's working time, load over its
daily load limit, stops over its stop limit) and the smallest ``K`` whose
working time covers the service, the unloading and a lower bound on the
driving of any plan with ``K`` routes (:func:`travel_floor_s`). Given
several vehicle types (any mix of them may serve the stops), every part
takes the most favourable type: the longest working day, the largest
compartment, the fastest arc, the nearest depot.

The driving bound relaxes a plan with ``K`` routes and ``m`` trips (a trip:
the stops between leaving the depot or a facility and the next unloading;
``m`` is at least the loads over the compartments, and at least ``K``):

- the arcs between stops form ``m`` paths, a spanning forest of ``m``
  trees: they weigh at least a minimum spanning tree of the stops less its
  ``m − 1`` heaviest edges (arc times made symmetric by the smaller way);
- ``K`` trips start at the depot, ``m − K`` at a facility and ``m`` end at
  one: at least the ``K``, ``m − K`` and ``m`` cheapest such arcs;
- each route drives back from a facility to the depot;
- each trip ends with an unloading.

Time windows, hours and waiting are left out, so the bound only ever errs
low. On the Kim et al. set it proves 3 vehicles for 277_stop (1 from load
and service) and 4 for 804_stop (3): benchmarks/kim/README.md.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from optimizer.evaluate import LOAD_TOL, TIME_TOL_S, compartments
from optimizer.model import Instance, Stop, Stream, VehicleType

#: Above this many stops the driving bound is skipped (its spanning tree
#: takes O(n²) time: about 0.1 s at 2,000 stops).
TRAVEL_BOUND_MAX_STOPS = 5000


def working_time_s(vt: VehicleType) -> float:
    """Return the longest a route of ``vt`` may work (drive, serve, unload, wait).

    The shift (and ``max_duration_s``), less the break when every route that
    long must take it on the way: a route without a break on it must end
    before the break window closes or start after the break could have ended
    (the checker's rule).
    """
    shift = vt.shift
    limit = float(shift.length if vt.max_duration_s is None else vt.max_duration_s)
    if vt.break_ is None:
        return min(float(shift.length), limit)
    window, pause = vt.break_.window, vt.break_.duration_s
    on_route = min(shift.length, limit) - pause
    before_close = min(window.end, shift.end) - shift.start
    after_break = shift.end - max(window.start + pause, shift.start)
    return max(0.0, on_route, min(before_close, limit), min(after_break, limit))


Types = VehicleType | Sequence[VehicleType]
#: One type's way of driving: its travel times, 1 / its speed factor, its depot's row.
Way = tuple[NDArray[np.floating[Any]], float, int]


def _types(types: Types) -> list[VehicleType]:
    return [types] if isinstance(types, VehicleType) else list(types)


def fleet_lower_bound(instance: Instance, stops: Iterable[Stop], types: Types) -> int:
    """Return a lower bound on the vehicles of ``types`` needed to serve ``stops``.

    Vehicle removal stops at this bound and a fleet below it is reported as
    too small, so it must never be too high: every part of it is a
    relaxation (see the module docstring).
    """
    stops = list(stops)
    fleet = _types(types)
    if not stops or not fleet:
        return 0
    # The checker's tolerances count for the plan: a route may end half a
    # second late and carry a gram too much.
    work = max(working_time_s(vt) for vt in fleet)
    if work <= 0:
        return len(stops)
    work += 2 * TIME_TOL_S
    service = sum(s.service_s for s in stops)
    bounds = [math.ceil(service / work - 1e-9), 1]
    if all(vt.max_load_kg_per_day for vt in fleet):
        most = max(vt.max_load_kg_per_day or 0.0 for vt in fleet) + LOAD_TOL
        bounds.append(math.ceil(sum(s.demand_kg for s in stops) / most - 1e-9))
    if all(vt.max_stops for vt in fleet):
        bounds.append(math.ceil(len(stops) / max(vt.max_stops or 0 for vt in fleet)))
    fewest = max(bounds)
    if len(stops) > TRAVEL_BOUND_MAX_STOPS:
        return fewest
    floors = _TravelFloor.build(instance, stops, fleet)
    if floors is None:
        return fewest
    while fewest < len(stops) and fewest * work < service + floors.seconds(fewest) - 1e-6:
        fewest += 1
    return fewest


def travel_floor_s(instance: Instance, stops: Sequence[Stop], types: Types, routes: int) -> float:
    """Return a lower bound on the driving plus unloading time of ``routes`` routes.

    0 where no bound is computed: no facility takes the stops' waste, the
    matrix is computed on demand (a large county), a type has a battery, or
    there are more than :data:`TRAVEL_BOUND_MAX_STOPS` stops.
    """
    if len(stops) > TRAVEL_BOUND_MAX_STOPS:
        return 0.0
    floors = _TravelFloor.build(instance, list(stops), _types(types))
    return 0.0 if floors is None else floors.seconds(routes)


class _TravelFloor:
    """The sorted parts of the driving bound, built once per set of stops."""

    def __init__(
        self,
        forest_drop: NDArray[np.float64],
        from_depot: NDArray[np.float64],
        from_facility: NDArray[np.float64],
        to_facility: NDArray[np.float64],
        back_s: float,
        unload_s: float,
        trips: int,
        *,
        unloads_skipped: bool = False,
    ) -> None:
        # forest_drop[k]: the spanning tree less its k heaviest edges.
        self.forest_drop = forest_drop
        self.from_depot = np.concatenate([[0.0], np.cumsum(np.sort(from_depot))])
        self.from_facility = np.concatenate([[0.0], np.cumsum(np.sort(from_facility))])
        self.to_facility = np.concatenate([[0.0], np.cumsum(np.sort(to_facility))])
        self.back_s = back_s
        self.unload_s = unload_s
        self.trips = trips
        # Each route's last trip may end at the depot without unloading.
        self.unloads_skipped = unloads_skipped

    @classmethod
    def build(
        cls, instance: Instance, stops: list[Stop], fleet: list[VehicleType]
    ) -> _TravelFloor | None:
        streams = {s.stream for s in stops}
        sites = [f for f in instance.unloading_sites if f.streams & streams]
        if not sites or not fleet or any(vt.battery_kwh is not None for vt in fleet):
            # Charging detours may be shorter than the arcs they replace on
            # a matrix that breaks the triangle inequality: no bound.
            return None
        # (times, 1 / speed, depot row) per type; the matrices share their ids.
        ways: list[Way] = []
        for vt in fleet:
            matrix = instance.travel_of(vt.id)
            if not isinstance(matrix.duration_s, np.ndarray):
                return None
            ways.append((matrix.duration_s, 1.0 / vt.speed_factor, matrix.index(vt.depot)))
        ids = instance.travel
        idx = np.array([ids.index(s.id) for s in stops])
        fac = np.array([ids.index(f.id) for f in sites])

        def fastest(pick: Any) -> NDArray[np.float64]:
            return np.asarray(np.min([pick(t, d) * k for t, k, d in ways], axis=0), np.float64)

        from_facility = fastest(lambda t, d: t[np.ix_(fac, idx)].min(axis=0))
        to_facility = fastest(lambda t, d: t[np.ix_(idx, fac)].min(axis=1))
        back_s = float(fastest(lambda t, d: np.array([t[fac, d].min()]))[0])
        empty = np.array([s.demand_kg <= 0 and s.demand_m3 <= 0 for s in stops])
        if empty.any():
            # A route's last trip may hold only stops with nothing to collect
            # and drive from its last stop to the depot, not unloading.
            home = fastest(lambda t, d: t[idx[empty], d])
            to_facility[empty] = np.minimum(to_facility[empty], home)
            back_s = 0.0
        return cls(
            _forest_drop(ways, idx),
            # Unloading with nothing on board breaks a rule: a route reaches
            # its first stop from the depot directly.
            fastest(lambda t, d: t[d, idx]),
            from_facility,
            to_facility,
            back_s,
            float(min(f.unload_s for f in sites)),
            _trips(stops, fleet),
            unloads_skipped=bool(empty.any()),
        )

    def seconds(self, routes: int) -> float:
        """Return the least driving and unloading of ``routes`` routes over every trip count."""
        n = len(self.forest_drop)
        if routes > n:
            return 0.0
        trips = np.arange(max(self.trips, routes), n + 1)
        if len(trips) == 0:
            return 0.0
        total = (
            self.forest_drop[trips - 1]
            + self.from_depot[routes]
            + self.from_facility[trips - routes]
            + self.to_facility[trips]
            + self.unload_s * (trips - routes if self.unloads_skipped else trips)
        )
        return float(total.min()) + routes * self.back_s


def _trips(stops: Sequence[Stop], fleet: Sequence[VehicleType]) -> int:
    """Return the fewest trips: every stream's load over its largest compartment."""
    largest: dict[Stream, tuple[float, float]] = {}
    for vt in fleet:
        for stream, (kg, m3) in compartments(vt).items():
            old = largest.get(stream, (0.0, 0.0))
            largest[stream] = (max(old[0], kg), max(old[1], math.inf if m3 is None else m3))
    need = 1
    for stream, (kg, m3) in largest.items():
        mine = [s for s in stops if s.stream is stream]
        need = max(need, math.ceil(sum(s.demand_kg for s in mine) / (kg + LOAD_TOL) - 1e-9))
        if math.isfinite(m3):
            need = max(need, math.ceil(sum(s.demand_m3 for s in mine) / (m3 + LOAD_TOL) - 1e-9))
    return need


def _forest_drop(
    ways: Sequence[tuple[Any, float, int]], idx: NDArray[np.intp]
) -> NDArray[np.float64]:
    """Return, for k = 0..n−1, a minimum spanning tree's weight less its k heaviest edges.

    Prim's algorithm on the stops, each arc taken the cheaper way round by
    the fastest type; one row and one column of each matrix at a time, so no
    n × n copy is made.
    """
    n = len(idx)
    if n == 1:
        return np.zeros(1)

    def arcs(j: int) -> NDArray[np.float64]:
        rows = [np.minimum(t[idx[j], idx], t[idx, idx[j]]) * k for t, k, _ in ways]
        return np.asarray(np.min(rows, axis=0), np.float64)

    in_tree = np.zeros(n, dtype=bool)
    in_tree[0] = True
    best = arcs(0)
    best[0] = np.inf
    edges = np.empty(n - 1)
    for k in range(n - 1):
        j = int(np.argmin(best))
        edges[k] = best[j]
        in_tree[j] = True
        best[j] = np.inf
        row = arcs(j)
        closer = (row < best) & ~in_tree
        best[closer] = row[closer]
    heaviest_first = np.sort(edges)[::-1]
    # drop[k] = total − (k heaviest); k runs to n − 1 (no edge left).
    return float(heaviest_first.sum()) - np.concatenate([[0.0], np.cumsum(heaviest_first)])
