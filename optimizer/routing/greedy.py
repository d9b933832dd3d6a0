"""A nearest-neighbour plan that starts the search on large instances.

OR-Tools' first-solution heuristics evaluate every arc of every step under
all constraints; with breaks, reload copies and time windows they find no
plan in minutes beyond about a thousand stops. This builds routes one
vehicle at a time: go to the nearest unserved stop that still leaves time to
unload and go home; unload at the facility nearest to the truck when the
next stop would not fit; take the break on the first arc that reaches its
window. Travel times are rounded up to whole seconds as in the OR-Tools
model, so the routes it returns are feasible there too.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from optimizer.evaluate import compartments
from optimizer.model import Instance, Site, Stop, Stream, VehicleType
from optimizer.routing.result import VisitKind

Sequence_ = list[tuple[VisitKind, str]]


class _Truck:
    """The state of one vehicle while its day is being built."""

    def __init__(self, instance: Instance, vt: VehicleType, rows: dict[str, int]) -> None:
        self.instance, self.vt, self.rows = instance, vt, rows
        self.comp = compartments(vt)
        self.seq: Sequence_ = [(VisitKind.DEPOT, vt.depot)]
        self.here = vt.depot
        self.t = float(vt.shift.start)
        self.load: dict[Stream, float] = dict.fromkeys(self.comp, 0.0)
        self.day = 0.0
        self.num_stops = 0
        self.broke = vt.break_ is None
        self.served: list[str] = []

    def travel(self, a: str, b: str) -> float:
        base = self.instance.travel_of(self.vt.id).duration_s[self.rows[a], self.rows[b]]
        return float(math.ceil(base / self.vt.speed_factor - 1e-9))

    @property
    def restricted(self) -> bool:
        """Return whether the break may only be taken empty, at the depot or after unloading."""
        return self.vt.break_ is not None and not self.vt.break_.loaded

    def can_break_here(self) -> bool:
        """Return whether leaving the current place, the crew may take its break first."""
        empty = not any(x > 0 for x in self.load.values())
        at_place = self.seq[-1][0] in (VisitKind.DEPOT, VisitKind.UNLOAD)
        return not self.restricted or (empty and at_place)

    def arrive(
        self, t: float, a: str, b: str, broke: bool, can_break: bool = True
    ) -> tuple[float, bool]:
        """Return the arrival time at ``b`` leaving ``a`` at ``t``, taking the break if due."""
        arrival = t + self.travel(a, b)
        brk = self.vt.break_
        if brk is not None and not broke and can_break and arrival >= brk.window.start:
            if max(t, brk.window.start) > brk.window.end:
                return math.inf, broke
            return max(arrival, brk.window.start) + brk.duration_s, True
        return arrival, broke

    def unload_at(
        self, t: float, here: str, fac: Site, broke: bool, can_break: bool = True
    ) -> tuple[float, bool]:
        """Return when unloading at ``fac`` ends (inf if closed)."""
        arrival, broke = self.arrive(t, here, fac.id, broke, can_break or not self.restricted)
        start = arrival if fac.hours is None else max(arrival, fac.hours.start)
        if fac.hours is not None and start > fac.hours.end:
            return math.inf, broke
        return start + fac.unload_s, broke

    def home_by(self, t: float, here: str, streams: set[Stream], broke: bool) -> float:
        """Return the earliest return to the depot after unloading ``streams`` (inf if none)."""
        if not streams:
            arrival, _ = self.arrive(t, here, self.vt.depot, broke, not self.restricted)
            return arrival
        best = math.inf
        for fac in self.instance.unloading_sites:
            if streams <= fac.streams:
                done, b2 = self.unload_at(t, here, fac, broke, False)
                arrival, _ = self.arrive(done, fac.id, self.vt.depot, b2)
                best = min(best, arrival)
        return best

    def latest_home(self, broke: bool) -> float:
        end = float(self.vt.shift.end)
        if self.vt.max_duration_s is not None:
            end = min(end, self.vt.shift.start + self.vt.max_duration_s)
        if self.vt.break_ is not None and not broke:
            # An untaken break may have to fit after the return: keep its window.
            end = min(end, float(self.vt.break_.window.end))
        return end

    def try_stop(self, stop: Stop, facilities: Sequence[Site]) -> bool:
        """Serve ``stop`` next (unloading first if needed) if the day still closes; else False."""
        vt = self.vt
        if vt.max_stops is not None and self.num_stops >= vt.max_stops:
            return False
        if (
            vt.max_load_kg_per_day is not None
            and self.day + stop.demand_kg > vt.max_load_kg_per_day
        ):
            return False
        cap = self.comp[stop.stream][0]
        plans: list[Site | None] = [None]
        can_here = self.can_break_here()
        on_board_now = {s for s, x in self.load.items() if x > 0}
        if self.load[stop.stream] + stop.demand_kg > cap:
            near = [f for f in facilities if stop.stream in f.streams]
            near.sort(key=lambda f: self.travel(self.here, f.id))
            plans = list(near[:3])
        elif not self.broke and not can_here:
            # The break is only taken empty: unloading first is the way to take it.
            near = [f for f in facilities if on_board_now <= f.streams]
            near.sort(key=lambda f: self.travel(self.here, f.id))
            plans += near[:2]
        for fac in plans:
            t, here, broke = self.t, self.here, self.broke
            load = dict(self.load)
            can_break = can_here
            if fac is not None:
                t, broke = self.unload_at(t, here, fac, broke, can_here)
                here = fac.id
                for s in fac.streams & set(load):
                    load[s] = 0.0
                can_break = not any(x > 0 for x in load.values())
            arrival, broke = self.arrive(t, here, stop.id, broke, can_break)
            start = arrival if stop.window is None else max(arrival, stop.window.start)
            if stop.window is not None and start > stop.window.end:
                continue
            if load[stop.stream] + stop.demand_kg > cap:
                continue
            done = start + stop.service_s
            load[stop.stream] += stop.demand_kg
            on_board = {s for s, x in load.items() if x > 0}
            if self.home_by(done, stop.id, on_board, broke) > self.latest_home(broke):
                continue
            if fac is not None:
                self.seq.append((VisitKind.UNLOAD, fac.id))
            self.seq.append((VisitKind.STOP, stop.id))
            self.t, self.here, self.broke, self.load = done, stop.id, broke, load
            self.day += stop.demand_kg
            self.num_stops += 1
            self.served.append(stop.id)
            return True
        return False

    def close(self) -> Sequence_:
        """Unload what is on board at the facility that gets the truck home first, and go home."""
        on_board = {s for s, x in self.load.items() if x > 0}
        if on_board:
            best: tuple[float, Site] | None = None
            for fac in self.instance.unloading_sites:
                if on_board <= fac.streams:
                    done, broke = self.unload_at(self.t, self.here, fac, self.broke, False)
                    home, _ = self.arrive(done, fac.id, self.vt.depot, broke)
                    if best is None or home < best[0]:
                        best = (home, fac)
            if best is not None:
                self.seq.append((VisitKind.UNLOAD, best[1].id))
        return [*self.seq, (VisitKind.DEPOT, self.vt.depot)]


def greedy_routes(
    instance: Instance, stop_ids: Sequence[str], fleet: Sequence[tuple[str, VehicleType]]
) -> dict[str, Sequence_]:
    """Return a visit sequence per vehicle name serving as many stops as the greedy can.

    Sequences hold stops and unloads between the depot visits; breaks are
    left to the engine (the greedy only makes sure one fits).
    """
    rows = {loc: instance.travel.index(loc) for loc in instance.travel.ids}
    todo = {s: instance.stop(s) for s in stop_ids}
    out: dict[str, Sequence_] = {}
    facilities = instance.unloading_sites
    for name, vt in fleet:
        if not todo:
            break
        truck = _Truck(instance, vt, rows)
        while todo:
            ids = [s for s in todo if todo[s].stream in vt.streams]
            if not ids:
                break
            cols = np.array([rows[s] for s in ids])
            times = instance.travel_of(vt.id).duration_s[rows[truck.here], cols]
            served = False
            for k in np.argsort(times, kind="stable")[:50]:
                if truck.try_stop(todo[ids[k]], facilities):
                    del todo[ids[k]]
                    served = True
                    break
            if not served:
                break
        if truck.served:
            out[name] = truck.close()
    return out
