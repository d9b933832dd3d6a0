"""Why a stop cannot be served, or why a search left it out.

Run before solving: stops that no vehicle could ever serve are left out of
the model and reported with a reason, so that an infeasible input gets a
diagnosis instead of an empty plan.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType

from optimizer.evaluate import compartments, travel_s
from optimizer.i18n import Lang, translate
from optimizer.model import STREAM_ZH, Instance, Stop, Stream, VehicleType
from optimizer.routing.fleet_bound import fleet_lower_bound
from optimizer.routing.result import Unserved, UnservedReason

#: The details of unserved stops: key -> (English, Chinese) templates. Results
#: keep the English text (solution.json is one language); :func:`detail_text`
#: turns it into Chinese for people. Fields named ``stream``/``streams`` hold
#: stream ids ("+"-joined), translated with the stream names.
DETAILS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "no_vehicle": ("no vehicle collects {stream}", "没有车辆收运{stream}"),
        "no_facility": ("no facility accepts {stream}", "没有处理设施接收{stream}"),
        "too_large": (
            "{kg} kg ({m3} m3) exceeds every {stream} vehicle (largest {biggest} kg)",
            "{kg} kg（{m3} m3）超过所有{stream}车辆的容量（最大 {biggest} kg）",
        ),
        "unreachable": (
            "no vehicle can reach it inside its window (after its release time), unload at a "
            "facility taking {stream} while it is open and return within its shift",
            "没有车辆能在其时间窗内（释放时间之后）到达、在接收{stream}的设施开放时卸料"
            "并在班次内返回",
        ),
        "unreachable_any": (
            "no vehicle can reach it at any time (after its release time), unload at a "
            "facility taking {stream} while it is open and return within its shift",
            "没有车辆能在任何时间（释放时间之后）到达、在接收{stream}的设施开放时卸料"
            "并在班次内返回",
        ),
        "fleet": (
            "the fleet ({fleet}) is below a lower bound of {need} vehicles for these stops",
            "车辆数（{fleet}）低于这些收集点所需的下限 {need} 辆",
        ),
        "no_place": ("the search found no feasible place for it", "搜索未找到可行的安排位置"),
        "interrupted": ("its search was interrupted", "其搜索被中断"),
        "not_searched": (
            "{streams} not searched before the interruption",
            "中断前尚未搜索{streams}",
        ),
        "site_not_searched": (
            "site {site} not routed before Ctrl-C",
            "站点 {site} 在 Ctrl-C 前尚未规划",
        ),
    }
)


def detail(key: str, **values: object) -> str:
    """Return the English detail ``key`` of :data:`DETAILS` filled with ``values``."""
    return DETAILS[key][0].format(**values)


def _stream_zh(ids: str) -> str:
    names = [
        STREAM_ZH[Stream(x)] if x in Stream.__members__.values() else x for x in ids.split("+")
    ]
    return "、".join(names)


def detail_text(text: str, lang: Lang) -> str:
    """Return an unserved stop's detail in ``lang`` (text not from :data:`DETAILS` as given)."""
    return translate(
        text,
        DETAILS.values(),
        lang,
        convert=lambda k, v: _stream_zh(v) if k in ("stream", "streams") else v,
    )


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
            stop.id, UnservedReason.NO_VEHICLE_FOR_STREAM, detail("no_vehicle", stream=stream)
        )
    if not any(stop.stream in f.streams for f in instance.unloading_sites):
        return Unserved(
            stop.id, UnservedReason.NO_FACILITY_FOR_STREAM, detail("no_facility", stream=stream)
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
            detail(
                "too_large",
                kg=f"{stop.demand_kg:g}",
                m3=f"{stop.demand_m3:g}",
                stream=stream,
                biggest=f"{biggest:g}",
            ),
        )
    if not any(_reachable(instance, stop, vt) for vt in fitting):
        # Without a window of its own, what cannot be met is the facilities' hours.
        return Unserved(
            stop.id,
            UnservedReason.WINDOW_UNREACHABLE,
            detail("unreachable" if stop.window is not None else "unreachable_any", stream=stream),
        )
    return None


def unservable_stops(instance: Instance) -> list[Unserved]:
    """Return every stop no vehicle can ever serve, each with its reason."""
    return [u for s in instance.stops if (u := unservable(instance, s)) is not None]


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
    need = fleet_lower_bound(instance, stops, types)
    if types and need > fleet:
        why = detail("fleet", fleet=fleet, need=need)
        return [Unserved(s, UnservedReason.FLEET_TOO_SMALL, why) for s in stop_ids]
    return [Unserved(s, UnservedReason.NOT_ROUTED, detail("no_place")) for s in stop_ids]
