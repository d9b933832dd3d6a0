"""The route map: one toggleable layer per vehicle, drawn from (instance, result) only."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from optimizer.i18n import Lang, tr
from optimizer.io.solution import LegGeometry, leg_shape
from optimizer.maps.labels import esc, kg, km, stream_label
from optimizer.maps.labels import table as popup_table
from optimizer.maps.page import (
    CLUSTER_FROM,
    Canvas,
    Feature,
    add_layer,
    feature,
    finish,
    key_list,
    new_canvas,
    require_known,
    swatch,
    unknown_ids,
)
from optimizer.maps.sites import add_sites, site_letter
from optimizer.maps.style import UNSERVED_STYLE, site_icon, vehicle_color
from optimizer.model import Instance, Site, SiteKind, Stop
from optimizer.routing.result import Route, RoutingResult, Visit, VisitKind
from optimizer.routing.summary import reason_label
from optimizer.timefmt import format_clock

_DASH = {VisitKind.UNLOAD: "8 6", VisitKind.DEPOT: "2 6"}


class VehicleKey(NamedTuple):
    """A vehicle's entry in the legend: its colour, its text and the key of its layer."""

    color: str
    text: str
    layer: str


@dataclass(frozen=True)
class PlanStyle:
    """How the legs of one plan are drawn, so that two plans on one map look different.

    ``dash`` None keeps the usual dashes by kind of leg (unloading trip,
    return to depot); a pattern dashes every leg of the plan the same way.
    """

    weight: float = 3
    opacity: float = 0.85
    dash: str | None = None

    def leg(self, color: str, kind: VisitKind) -> dict[str, object]:
        """Return the Leaflet style of a leg ending with a visit of ``kind``."""
        dash = _DASH.get(kind) if self.dash is None else self.dash
        return {"weight": self.weight, "opacity": self.opacity, "color": color, "dashArray": dash}


PLAIN = PlanStyle()
# Compare maps: the first plan wide, solid and translucent; the second thin and dashed on top.
WIDE_SOLID = PlanStyle(weight=6, opacity=0.45, dash="")
THIN_DASHED = PlanStyle(weight=2.5, opacity=0.95, dash="7 5")


def leg_path(
    canvas: Canvas,
    start: list[float],
    end: list[float],
    geometry: Sequence[Sequence[float]] | None,
) -> list[list[float]]:
    """Return the GeoJSON positions of the leg from ``start`` to ``end``.

    A leg with its road geometry ([lat, lon] points of the road from the
    previous place, as :func:`optimizer.roads.travel.route_geometry` gives
    them) is drawn along the road; otherwise it is the straight segment.
    """
    if geometry and len(geometry) >= 2:
        return [start, *(canvas.point(float(lat), float(lon)) for lat, lon in geometry), end]
    return [start, end]


def _result_ids(result: RoutingResult) -> list[str]:
    return [v.location for r in result.routes for v in r.visits] + [u.stop for u in result.unserved]


def unknown_locations(instance: Instance, result: RoutingResult) -> list[str]:
    """Return the ids a result visits or leaves unserved that ``instance`` does not have."""
    return unknown_ids(instance, _result_ids(result))


def require_plan_of(instance: Instance, result: RoutingResult, *, what: str = "the plan") -> None:
    """Raise ValueError naming the ids ``result`` uses that ``instance`` lacks."""
    require_known(instance, _result_ids(result), what=what)


def _place(instance: Instance, location: str) -> Stop | Site:
    try:
        return instance.stop(location)
    except KeyError:
        return instance.site(location)


class _Arrows:
    """Chevrons at the middle of each leg, sized to the area the map covers.

    Drawn as short polylines so they scale with the map and cost nothing to
    draw on the canvas; screen-sized markers would clutter the county view.
    """

    def __init__(self, canvas: Canvas, instance: Instance) -> None:
        places: list[Stop | Site] = [*instance.stops, *instance.sites]
        pts = [canvas.point(p.lat, p.lon) for p in places]
        lat0 = sum(p[1] for p in pts) / len(pts) if pts else 0.0
        self.kx = 1.0 if canvas.planar else math.cos(math.radians(lat0))
        xs = [p[0] * self.kx for p in pts] or [0.0]
        ys = [p[1] for p in pts] or [0.0]
        self.max_size = math.hypot(max(xs) - min(xs), max(ys) - min(ys)) / 110 or 1e-4

    def chevron(self, a: list[float], b: list[float]) -> list[list[float]] | None:
        """Return the chevron of leg ``a``→``b`` (GeoJSON positions), or None for a null leg."""
        dx, dy = (b[0] - a[0]) * self.kx, b[1] - a[1]
        length = math.hypot(dx, dy)
        if length == 0:
            return None
        size = min(0.25 * length, self.max_size)
        ux, uy = dx / length, dy / length
        mx, my = (a[0] + b[0]) / 2 * self.kx, (a[1] + b[1]) / 2
        tip = (mx + ux * size / 2, my + uy * size / 2)
        wings = []
        for angle in (math.radians(150), math.radians(-150)):
            wx = ux * math.cos(angle) - uy * math.sin(angle)
            wy = ux * math.sin(angle) + uy * math.cos(angle)
            wings.append((tip[0] + wx * size, tip[1] + wy * size))
        return [[x / self.kx, y] for x, y in (wings[0], tip, wings[1])]


def _stop_popup(lang: Lang, stop: Stop, visit: Visit, seq: int, vehicle_label: str) -> str:
    rows = [
        (tr(lang, "Stop id", "编号"), stop.id),
        (tr(lang, "Vehicle", "车辆"), f"{vehicle_label} · #{seq}"),
        (tr(lang, "Stream", "垃圾类别"), stream_label(lang, stop.stream)),
        (tr(lang, "Demand", "收运量"), kg(stop.demand_kg)),
        (tr(lang, "Planned arrival", "计划到达"), format_clock(visit.arrival_s)),
    ]
    if visit.start_s > visit.arrival_s + 30:
        rows.append((tr(lang, "Service starts", "开始作业"), format_clock(visit.start_s)))
    if stop.window is not None:
        window = f"{format_clock(stop.window.start)}–{format_clock(stop.window.end)}"
        rows.append((tr(lang, "Time window", "时间窗"), window))
    rows.append((tr(lang, "Load on board after", "作业后车载量"), kg(visit.load_kg)))
    return popup_table(stop.name or stop.id, rows)


def route_features(
    canvas: Canvas,
    instance: Instance,
    route: Route,
    color: str,
    arrows: _Arrows,
    *,
    vehicle_label: str,
    plan_style: PlanStyle = PLAIN,
    roads: LegGeometry | None = None,
) -> list[Feature]:
    """Return the legs, direction chevrons, stops and breaks of one route."""
    lang = canvas.lang
    legs: list[Feature] = []
    points: list[Feature] = []
    chevrons: list[list[list[float]]] = []
    seq = 0
    prev: Visit | None = None
    for visit in route.visits:
        place = _place(instance, visit.location)
        here = canvas.point(place.lat, place.lon)
        if prev is not None and prev.location != visit.location:
            there = _place(instance, prev.location)
            start = canvas.point(there.lat, there.lon)
            style = plan_style.leg(color, visit.kind)
            kind_label = {
                VisitKind.UNLOAD: tr(lang, "Trip to unload", "卸料行程"),
                VisitKind.DEPOT: tr(lang, "Return to depot", "返回车场"),
                VisitKind.CHARGE: tr(lang, "Trip to charge", "充电行程"),
            }.get(visit.kind, tr(lang, "Collection leg", "收运行程"))
            rows = [
                (tr(lang, "From", "起点"), there.name or there.id),
                (tr(lang, "To", "终点"), place.name or place.id),
                (tr(lang, "Departs", "出发"), format_clock(prev.departure_s)),
                (tr(lang, "Arrives", "到达"), format_clock(visit.arrival_s)),
                (
                    tr(lang, "Distance", "距离"),
                    km(
                        instance.travel_of(route.vehicle_type).distance(
                            prev.location, visit.location
                        )
                    ),
                ),
                (tr(lang, "Load on board", "车载量"), kg(prev.load_kg)),
            ]
            path = leg_path(
                canvas, start, here, leg_shape(roads, route, prev.location, visit.location)
            )
            legs.append(
                feature(
                    {"type": "LineString", "coordinates": path},
                    style,
                    popup=popup_table(f"{vehicle_label}: {kind_label}", rows),
                )
            )
            middle = len(path) // 2
            chevron = arrows.chevron(path[middle - 1], path[middle])
            if chevron is not None:
                chevrons.append(chevron)
        if visit.kind is VisitKind.STOP:
            seq += 1
            stop = instance.stop(visit.location)
            points.append(
                feature(
                    {"type": "Point", "coordinates": here},
                    {
                        "radius": 5,
                        "color": "#222",
                        "weight": 1,
                        "fillColor": color,
                        "fillOpacity": 0.9,
                        "fill": True,
                    },
                    popup=_stop_popup(lang, stop, visit, seq, vehicle_label),
                    tip=esc(f"{seq}. {stop.name or stop.id}"),
                    cluster=True,
                )
            )
        elif visit.kind is VisitKind.BREAK:
            rows = [
                (tr(lang, "Vehicle", "车辆"), vehicle_label),
                (tr(lang, "Starts", "开始"), format_clock(visit.start_s)),
                (tr(lang, "Ends", "结束"), format_clock(visit.departure_s)),
            ]
            points.append(
                feature(
                    {"type": "Point", "coordinates": here},
                    {
                        # A ring around the place, so it shows around a facility's icon too.
                        "radius": 14,
                        "color": color,
                        "weight": 3,
                        "dashArray": "3 3",
                        "fillColor": "#ffffff",
                        "fillOpacity": 0.7,
                        "fill": True,
                    },
                    popup=popup_table(tr(lang, "Driver break", "司机休息"), rows),
                    tip=esc(tr(lang, "Break", "休息") + f" {format_clock(visit.start_s)}"),
                )
            )
        prev = visit
    arrow_feature = feature(
        {"type": "MultiLineString", "coordinates": chevrons},
        {"color": color, "weight": 3, "opacity": 0.95},
    )
    # Points last: Leaflet's canvas draws in insertion order, so stops stay on top.
    return [*legs, *([arrow_feature] if chevrons else []), *points]


def vehicle_label(route: Route) -> str:
    """Return how a vehicle is named on the map (its id in the result)."""
    return route.vehicle


def add_unserved(
    canvas: Canvas, instance: Instance, result: RoutingResult, *, label: str = ""
) -> list[Feature]:
    """Add the unserved stops, flagged with their reason, as one layer."""
    lang = canvas.lang
    feats = []
    for u in result.unserved:
        stop = instance.stop(u.stop)
        rows = [
            (tr(lang, "Stop id", "编号"), stop.id),
            (tr(lang, "Stream", "垃圾类别"), stream_label(lang, stop.stream)),
            (tr(lang, "Demand", "收运量"), kg(stop.demand_kg)),
            (tr(lang, "Reason", "原因"), reason_label(u.reason, lang)),
        ]
        if u.detail:
            rows.append((tr(lang, "Detail", "说明"), u.detail))
        feats.append(
            feature(
                {"type": "Point", "coordinates": canvas.point(stop.lat, stop.lon)},
                UNSERVED_STYLE,
                popup=popup_table(
                    tr(lang, "Unserved: ", "未收运：") + (stop.name or stop.id), rows
                ),
                tip=esc(tr(lang, "Unserved: ", "未收运：") + (stop.name or stop.id)),
            )
        )
    if feats:
        name = tr(lang, f"Unserved stops ({len(feats)})", f"未收运点（{len(feats)}）")
        add_layer(canvas, esc(f"{label}{name}"), feats)
    return feats


def add_routes(
    canvas: Canvas,
    instance: Instance,
    result: RoutingResult,
    *,
    first_color: int = 0,
    label: str = "",
    show: bool = True,
    plan_style: PlanStyle = PLAIN,
    roads: LegGeometry | None = None,
) -> tuple[list[Feature], list[VehicleKey]]:
    """Add one layer per vehicle; return the features and the vehicles' legend keys.

    Plans of ``CLUSTER_FROM`` stops or more have their stops clustered
    (geographic maps only: planar benchmark maps have no street zoom).
    """
    lang = canvas.lang
    arrows = _Arrows(canvas, instance)
    served = sum(len(r.stops) for r in result.routes)
    cluster = not canvas.planar and served >= CLUSTER_FROM
    everything: list[Feature] = []
    keys: list[VehicleKey] = []
    for i, route in enumerate(result.routes):
        color = vehicle_color(first_color + i)
        name = vehicle_label(route)
        feats = route_features(
            canvas,
            instance,
            route,
            color,
            arrows,
            vehicle_label=name,
            plan_style=plan_style,
            roads=roads,
        )
        visits = route.visits
        span = (
            f"{format_clock(visits[0].departure_s)}–{format_clock(visits[-1].arrival_s)}"
            if visits
            else ""
        )
        text = tr(
            lang,
            f"{label}{name}: {len(route.stops)} stops, {km(route.distance_m)}, {span}",
            f"{label}{name}：{len(route.stops)} 个点，{km(route.distance_m)}，{span}",
        )
        layer = add_layer(
            canvas,
            f'<span style="color:{color}">&#9632;</span> {esc(text)}',
            feats,
            show=show,
            cluster=cluster,
        )
        everything.extend(feats)
        keys.append(VehicleKey(color, text, layer.key))
    return everything, keys


def symbols_html(lang: Lang, *, leg_dashes: bool = True) -> str:
    """Return the legend rows that explain the symbols of route maps.

    ``leg_dashes`` explains the dashed unloading and return legs; compare
    maps use dashes to tell the plans apart instead.
    """
    rows = [
        (
            swatch("#444"),
            tr(lang, "collection leg, chevron = direction", "收运行程，箭头为行驶方向")
            if leg_dashes
            else tr(lang, "leg, chevron = direction", "行程，箭头为行驶方向"),
        ),
        *(
            [
                (
                    swatch("#444", dash=True),
                    tr(lang, "trip to unload / return to depot", "卸料行程 / 返回车场"),
                )
            ]
            if leg_dashes
            else []
        ),
        (
            swatch("#888", circle=True),
            tr(lang, "stop (click for details)", "收集点（点击查看详情）"),
        ),
        (
            site_icon(SiteKind.DEPOT, letter=esc(site_letter(lang, SiteKind.DEPOT)), size=16),
            tr(lang, "depot", "车场"),
        ),
        (site_icon(SiteKind.TRANSFER, letter="", size=16), tr(lang, "facility", "设施")),
        (
            swatch(UNSERVED_STYLE["color"], circle=True, fill=UNSERVED_STYLE["fillColor"]),
            tr(lang, "unserved stop", "未收运点"),
        ),
        (
            '<svg class="co-sw" width="18" height="12"><circle cx="9" cy="6" r="4.5" fill="#fff" '
            'stroke="#444" stroke-width="2" stroke-dasharray="2 2"/></svg>',
            tr(lang, "driver break", "司机休息"),
        ),
    ]
    return "".join(f"<div>{key} {esc(text)}</div>" for key, text in rows)


def vehicles_legend(
    lang: Lang, keys: Sequence[VehicleKey], *, dashed: Sequence[VehicleKey] = ()
) -> str:
    """Return the legend of route layers: a key per vehicle, then the symbols.

    ``dashed`` keys (a second plan on a compare map) follow with dashed lines.
    A click on a vehicle's key shows that vehicle alone, a click on the
    first row all of them again (``countyoptLegendClicks`` in page.py).
    """
    tip = esc(tr(lang, "show this vehicle alone", "只显示该车"))
    rows = [
        f'<div class="co-veh" data-layer="{k.layer}" title="{tip}">'
        f"{swatch(k.color, dash=dash)} {esc(k.text)}</div>"
        for dash, group in ((False, keys), (True, dashed))
        for k in group
    ]
    if len(rows) > 1:
        show_all = tr(
            lang,
            "▶ show all vehicles (click one to see it alone)",
            "▶ 显示全部车辆（点击某车只看该车）",
        )
        rows.insert(0, f'<div class="co-veh co-all">{esc(show_all)}</div>')
    count = len(keys) + len(dashed)
    title = tr(lang, f"Vehicles ({count})", f"车辆（{count}）")
    return key_list(title, rows) + "<hr>" + symbols_html(lang, leg_dashes=not dashed)


def plan_summary(lang: Lang, result: RoutingResult, *, label: str = "") -> str:
    """Return one line of totals of a plan: vehicles, stops, unserved, distance, CO2."""
    served = sum(len(r.stops) for r in result.routes)
    return label + tr(
        lang,
        f"{result.num_vehicles} vehicles, {served} stops served, {len(result.unserved)} unserved, "
        f"{km(result.distance_m)}, {result.co2_kg:,.0f} kg CO2e",
        f"{result.num_vehicles} 辆车，收运 {served} 个点，未收运 {len(result.unserved)} 个，"
        f"{km(result.distance_m)}，{result.co2_kg:,.0f} kg CO2e",
    )


def render_routes(
    instance: Instance,
    result: RoutingResult,
    path: str | Path,
    *,
    lang: Lang = "en",
    basemap: str | None = None,
    offline: bool = False,
    tianditu_key: str | None = None,
    roads: LegGeometry | None = None,
) -> Path:
    """Write the route map of ``result`` on ``instance`` to an HTML file.

    Parameters
    ----------
    instance
        The instance the result was solved on.
    result
        The routing plan.
    path
        The HTML file to write (atomically).
    lang
        Language of legend, layer names and popups.
    basemap
        ``none`` (the default for None: no tiles, a coordinate grid instead)
        or remote tiles: ``osm``, ``amap``, ``tianditu``. Leaflet is always
        inlined, so the page works without internet either way.
    offline
        Refuse remote tiles, so that the page makes no request to any server
        (what the default already does; kept for ``--offline``).
    tianditu_key
        Developer key for the Tianditu base map.
    roads
        Road geometry per leg (from, to) when the plan runs on a road
        network: legs are drawn along the roads instead of straight.

    Returns
    -------
    Path
        The written file.

    """
    require_plan_of(instance, result)
    title = tr(lang, f"Routes — {instance.name}", f"收运路线 — {instance.name}")
    canvas = new_canvas(
        instance,
        lang=lang,
        basemap=basemap,
        offline=offline,
        tianditu_key=tianditu_key,
        title=title,
    )
    unloads: dict[str, list[str]] = {}
    for route in result.routes:
        before = 0.0
        for v in route.visits:
            if v.kind is VisitKind.UNLOAD:
                unloads.setdefault(v.location, []).append(
                    f"{route.vehicle} {format_clock(v.arrival_s)} ({kg(before - v.load_kg)})"
                )
            before = v.load_kg
    # Canvas layers draw in the order they are added: unserved stops first so
    # that routes stay on top of them.
    features = add_unserved(canvas, instance, result)
    routed, keys = add_routes(canvas, instance, result, roads=roads)
    features += routed
    features += add_sites(canvas, instance, unloads)
    legend = f"<div>{esc(plan_summary(lang, result))}</div><hr>" + vehicles_legend(lang, keys)
    return finish(canvas, features, title=title, legend=legend, path=Path(path))
