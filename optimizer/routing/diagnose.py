"""Why a stop cannot be served, and simple bounds on the fleet a plan needs.

Run before solving: stops that no vehicle could ever serve are left out of
the model and reported with a reason, so that an infeasible input gets a
diagnosis instead of an empty plan.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from optimizer.evaluate import compartments, travel_s
from optimizer.model import Instance, Stop, VehicleType
from optimizer.routing.result import Unserved, UnservedReason


def _carriers(instance: Instance, stop: Stop) -> list[VehicleType]:
    return [vt for vt in instance.vehicle_types if stop.stream in vt.streams and vt.count > 0]


def _reachable(instance: Instance, stop: Stop, vt: VehicleType) -> bool:
    """Return whether ``vt`` can serve ``stop`` alone on a route and still unload and go home."""
    # A stop is collected on a trip that leaves after its release time.
    depart = max(vt.shift.start, stop.release_s)
    arrive = depart + travel_s(instance, vt, vt.depot, stop.id)
    start = max(arrive, stop.window.start) if stop.window is not None else arrive
    if stop.window is not None and start > stop.window.end:
        return False
    leave = start + stop.service_s
    for fac in instance.unloading_sites:
        if stop.stream not in fac.streams:
            continue
        at = leave + travel_s(instance, vt, stop.id, fac.id)
        if fac.hours is not None:
            if at > fac.hours.end:
                continue
            at = max(at, fac.hours.start)
        home = at + fac.unload_s + travel_s(instance, vt, fac.id, vt.depot)
        if home > vt.shift.end:
            continue
        # Leaving as late as possible shortens the day to its working part.
        if vt.max_duration_s is not None and home - depart > vt.max_duration_s:
            slack = start - arrive
            if home - depart - slack > vt.max_duration_s:
                continue
        return True
    return False


def unservable(instance: Instance, stop: Stop) -> Unserved | None:
    """Return why no vehicle can ever serve ``stop``, or None if one might."""
    carriers = _carriers(instance, stop)
    stream = stop.stream.value
    if not carriers:
        return Unserved(
            stop.id, UnservedReason.NO_VEHICLE_FOR_STREAM, f"no vehicle collects {stream}"
        )
    if not any(stop.stream in f.streams for f in instance.unloading_sites):
        return Unserved(
            stop.id, UnservedReason.NO_FACILITY_FOR_STREAM, f"no facility accepts {stream}"
        )

    def fits(vt: VehicleType) -> bool:
        kg, m3 = compartments(vt)[stop.stream]
        day = vt.max_load_kg_per_day
        return (
            stop.demand_kg <= kg
            and (m3 is None or stop.demand_m3 <= m3)
            and (day is None or stop.demand_kg <= day)
        )

    fitting = [vt for vt in carriers if fits(vt)]
    if not fitting:
        biggest = max(compartments(vt)[stop.stream][0] for vt in carriers)
        return Unserved(
            stop.id,
            UnservedReason.DEMAND_TOO_LARGE,
            f"{stop.demand_kg:g} kg ({stop.demand_m3:g} m3) exceeds every {stream} vehicle "
            f"(largest {biggest:g} kg)",
        )
    if not any(_reachable(instance, stop, vt) for vt in fitting):
        # Without a window of its own, what cannot be met is the facilities' hours.
        where = "inside its window" if stop.window is not None else "at any time"
        return Unserved(
            stop.id,
            UnservedReason.WINDOW_UNREACHABLE,
            f"no vehicle can reach it {where} (after its release time), unload at a "
            f"facility taking {stream} while it is open and return within its shift",
        )
    return None


def unservable_stops(instance: Instance) -> list[Unserved]:
    """Return every stop no vehicle can ever serve, each with its reason."""
    return [u for s in instance.stops if (u := unservable(instance, s)) is not None]


def fleet_lower_bound(instance: Instance, stops: Iterable[Stop], vt: VehicleType) -> int:
    """Return a lower bound on vehicles of type ``vt`` needed to serve ``stops``.

    The larger of: total demand over what one vehicle may collect in a day
    (``max_load_kg_per_day``, if set), total service time over the working
    time of a shift (shift or ``max_duration_s``, less the break), and total
    stops over ``max_stops``.
    """
    stops = list(stops)
    work = vt.shift.length if vt.max_duration_s is None else min(vt.shift.length, vt.max_duration_s)
    if vt.break_ is not None:
        work -= vt.break_.duration_s
    bounds = [math.ceil(sum(s.service_s for s in stops) / work) if work > 0 else len(stops)]
    if vt.max_load_kg_per_day:
        bounds.append(math.ceil(sum(s.demand_kg for s in stops) / vt.max_load_kg_per_day - 1e-9))
    if vt.max_stops:
        bounds.append(math.ceil(len(stops) / vt.max_stops))
    return max(bounds)


def explain_unrouted(
    instance: Instance,
    stop_ids: Sequence[str],
    component: Sequence[str],
    types: Sequence[VehicleType],
) -> list[Unserved]:
    """Return reasons for stops a search left out: fleet too small, or not routed.

    ``component`` are all stops the vehicles of ``types`` had to share.
    """
    stops = [instance.stop(s) for s in component]
    fleet = sum(vt.count for vt in types)
    need = min((fleet_lower_bound(instance, stops, vt) for vt in types), default=0)
    if types and need > fleet:
        detail = f"the fleet ({fleet}) is below a lower bound of {need} vehicles for these stops"
        return [Unserved(s, UnservedReason.FLEET_TOO_SMALL, detail) for s in stop_ids]
    return [
        Unserved(s, UnservedReason.NOT_ROUTED, "the search found no feasible place for it")
        for s in stop_ids
    ]
