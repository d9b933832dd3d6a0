"""Lower bounds on the vehicles a day's plan needs.

A plan with ``K`` vehicles of one type has ``K`` working days to spend on
service, unloading and driving. :func:`fleet_lower_bound` is the larger of
the simple bounds (service over one vehicle's working time, load over its
daily load limit, stops over its stop limit) and the smallest ``K`` whose
working time covers the service, the unloading and a lower bound on the
driving of any plan with ``K`` routes (:func:`travel_floor_s`).

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

import numpy as np
from numpy.typing import NDArray

from optimizer.evaluate import compartments
from optimizer.model import Instance, Stop, VehicleType

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


def fleet_lower_bound(instance: Instance, stops: Iterable[Stop], vt: VehicleType) -> int:
    """Return a lower bound on vehicles of type ``vt`` needed to serve ``stops``.

    Vehicle removal stops at this bound and a fleet below it is reported as
    too small, so it must never be too high: every part of it is a
    relaxation (see the module docstring).
    """
    stops = list(stops)
    if not stops:
        return 0
    work = working_time_s(vt)
    service = sum(s.service_s for s in stops)
    bounds = [math.ceil(service / work - 1e-9) if work > 0 else len(stops), 1]
    if vt.max_load_kg_per_day:
        bounds.append(math.ceil(sum(s.demand_kg for s in stops) / vt.max_load_kg_per_day - 1e-9))
    if vt.max_stops:
        bounds.append(math.ceil(len(stops) / vt.max_stops))
    fewest = max(bounds)
    if work <= 0 or len(stops) > TRAVEL_BOUND_MAX_STOPS or vt.battery_kwh is not None:
        # Charging detours may be shorter than the arcs they replace on a
        # matrix that breaks the triangle inequality: no driving bound.
        return fewest
    floors = _TravelFloor.build(instance, stops, vt)
    if floors is None:
        return fewest
    while fewest < len(stops) and fewest * work < service + floors.seconds(fewest) - 1e-6:
        fewest += 1
    return fewest


def travel_floor_s(
    instance: Instance, stops: Sequence[Stop], vt: VehicleType, routes: int
) -> float:
    """Return a lower bound on the driving plus unloading time of ``routes`` routes.

    ``inf`` when no facility can take the stops' waste; 0 when the instance's
    matrix is computed on demand (a large county) or there are too many
    stops for the bound.
    """
    if len(stops) > TRAVEL_BOUND_MAX_STOPS:
        return 0.0
    floors = _TravelFloor.build(instance, list(stops), vt)
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
    def build(cls, instance: Instance, stops: list[Stop], vt: VehicleType) -> _TravelFloor | None:
        streams = {s.stream for s in stops}
        sites = [f for f in instance.unloading_sites if f.streams & streams]
        matrix = instance.travel_of(vt.id)
        times = matrix.duration_s
        if not sites or not isinstance(times, np.ndarray):
            return None
        idx = np.array([matrix.index(s.id) for s in stops])
        fac = np.array([matrix.index(f.id) for f in sites])
        depot = matrix.index(vt.depot)
        scale = 1.0 / vt.speed_factor
        from_facility = times[np.ix_(fac, idx)].min(axis=0) * scale
        to_facility = times[np.ix_(idx, fac)].min(axis=1) * scale
        empty = np.array([s.demand_kg <= 0 and s.demand_m3 <= 0 for s in stops])
        back_s = float(times[fac, depot].min()) * scale
        if empty.any():
            # A route's last trip may hold only stops with nothing to collect
            # and drive from its last stop to the depot, not unloading.
            to_facility[empty] = np.minimum(to_facility[empty], times[idx[empty], depot] * scale)
            back_s = 0.0
        return cls(
            _forest_drop(times, idx, scale),
            # Unloading with nothing on board breaks a rule: a route reaches
            # its first stop from the depot directly.
            times[depot, idx] * scale,
            from_facility,
            to_facility,
            back_s,
            float(min(f.unload_s for f in sites)),
            _trips(stops, vt),
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


def _trips(stops: Sequence[Stop], vt: VehicleType) -> int:
    """Return the fewest trips: every compartment's load over its capacity."""
    need = 1
    for stream, (kg, m3) in compartments(vt).items():
        mine = [s for s in stops if s.stream is stream]
        need = max(need, math.ceil(sum(s.demand_kg for s in mine) / kg - 1e-9))
        if m3:
            need = max(need, math.ceil(sum(s.demand_m3 for s in mine) / m3 - 1e-9))
    return need


def _forest_drop(
    times: NDArray[np.floating], idx: NDArray[np.intp], scale: float
) -> NDArray[np.float64]:
    """Return, for k = 0..n−1, a minimum spanning tree's weight less its k heaviest edges.

    Prim's algorithm on the stops, each arc taken the cheaper way round; one
    row and one column of the matrix at a time, so no n × n copy is made.
    """
    n = len(idx)
    if n == 1:
        return np.zeros(1)
    in_tree = np.zeros(n, dtype=bool)
    in_tree[0] = True
    best = np.minimum(times[idx[0], idx], times[idx, idx[0]]).astype(np.float64)
    best[0] = np.inf
    edges = np.empty(n - 1)
    for k in range(n - 1):
        j = int(np.argmin(best))
        edges[k] = best[j]
        in_tree[j] = True
        best[j] = np.inf
        row = np.minimum(times[idx[j], idx], times[idx, idx[j]])
        closer = (row < best) & ~in_tree
        best[closer] = row[closer]
    heaviest_first = np.sort(edges)[::-1] * scale
    # drop[k] = total − (k heaviest); k runs to n − 1 (no edge left).
    return float(heaviest_first.sum()) - np.concatenate([[0.0], np.cumsum(heaviest_first)])
