"""The battery of an electric vehicle along a route: where it charges, how fast, how much.

Rules (the checker in :mod:`optimizer.evaluate` holds every plan to them):

- A type with ``battery_kwh`` leaves the depot full (charged overnight) and
  uses, on each leg, the energy of :mod:`optimizer.routing.energy` for the
  load on board when it leaves (consumption grows with the load).
- It charges at a ``CHARGE`` visit, or while unloading at a facility, at a
  site with a charger (``Site.charger_kw``). Charging is linear at the
  charger's power for the whole dwell (start to departure), never above the
  battery's capacity: ``gain = min(battery - soc, kW x dwell / 3600)``.
- Its state of charge never falls below ``reserve_kwh``.

The E-VRPTW sets state a recharge time per unit of energy ``g``; a charger of
``3600 / g`` kW (in the set's time unit) is the same linear rule.
"""

from __future__ import annotations

from collections.abc import Sequence

from optimizer.model import Instance, VehicleType
from optimizer.routing.energy import EnergyRates
from optimizer.routing.result import Visit, VisitKind

SOC_TOL_KWH = 1e-6


def charger_kw(instance: Instance, vehicle_type: VehicleType, kind: VisitKind, loc: str) -> float:
    """Return the power (kW) at which ``vehicle_type`` charges at this visit; 0 if it cannot."""
    if vehicle_type.battery_kwh is None or kind not in (VisitKind.CHARGE, VisitKind.UNLOAD):
        return 0.0
    site = instance._site.get(loc)  # type: ignore[attr-defined]
    if site is None or site.charger_kw is None:
        return 0.0
    return float(site.charger_kw)


def gained_kwh(power_kw: float, dwell_s: float, room_kwh: float) -> float:
    """Return the energy charged at ``power_kw`` for ``dwell_s`` s, at most ``room_kwh``."""
    return max(0.0, min(room_kwh, power_kw * max(0.0, dwell_s) / 3600.0))


def seconds_to_charge(power_kw: float, kwh: float) -> float:
    """Return how long charging ``kwh`` takes at ``power_kw``."""
    return max(0.0, kwh) * 3600.0 / power_kw


def soc_profile(
    instance: Instance,
    vehicle_type: VehicleType,
    rates: EnergyRates,
    visits: Sequence[Visit],
    shares: Sequence[float],
) -> list[tuple[float, float]]:
    """Return the state of charge (kWh) on arriving at and on leaving each visit.

    ``shares[i]`` is the share of capacity on board when leaving visit ``i``;
    the charge gained at a visit follows its reported dwell (start to
    departure). Values may fall below zero: the caller judges them.
    """
    battery = vehicle_type.battery_kwh or 0.0
    soc = battery
    out: list[tuple[float, float]] = []
    here = visits[0].location if visits else ""
    share = 0.0
    for i, v in enumerate(visits):
        if i > 0 and v.kind is not VisitKind.BREAK:
            used = rates.fuel(instance.travel_of(vehicle_type.id).distance(here, v.location), share)
            soc -= used * rates.kwh_per_unit
            here = v.location
        arrival = soc
        power = charger_kw(instance, vehicle_type, v.kind, v.location)
        if power > 0:
            soc += gained_kwh(power, v.departure_s - v.start_s, battery - soc)
        out.append((arrival, soc))
        if v.kind is not VisitKind.BREAK:
            share = shares[i]
    return out


def lazy_dwell(
    instance: Instance,
    vehicle_type: VehicleType,
    sequence: Sequence[tuple[VisitKind, str]],
    leg_kwh: Sequence[float],
) -> dict[int, float]:
    """Return how long to stay at each charging visit to charge just enough.

    At each visit where the vehicle can charge it takes what it needs to
    reach the next such visit (or the depot) with its reserve, never more
    than the battery holds; while unloading it charges for the unloading
    time anyway. ``leg_kwh[i]`` is the energy of the leg arriving at visit
    ``i`` (0 for the first visit and for breaks). Positions where it cannot
    charge are absent.
    """
    battery = vehicle_type.battery_kwh
    if battery is None:
        return {}
    power = [charger_kw(instance, vehicle_type, k, loc) for k, loc in sequence]
    soc = battery
    out: dict[int, float] = {}
    for i in range(1, len(sequence)):
        soc -= leg_kwh[i]
        if power[i] <= 0:
            continue
        need = 0.0
        for j in range(i + 1, len(sequence)):
            need += leg_kwh[j]
            if power[j] > 0:
                break
        add = max(0.0, min(battery, need + vehicle_type.reserve_kwh) - soc)
        dwell = seconds_to_charge(power[i], add)
        out[i] = dwell
        unload = instance.site(sequence[i][1]).unload_s if sequence[i][0] is VisitKind.UNLOAD else 0
        soc += gained_kwh(power[i], max(dwell, unload), battery - soc)
    return out
