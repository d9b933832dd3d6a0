"""A small hand-made county plan for the map tests (WGS-84, near 30.0 N 120.0 E)."""

from __future__ import annotations

import json
import math
import re
from typing import Any

import numpy as np

from optimizer.distances import great_circle_matrix
from optimizer.model import (
    Break,
    Instance,
    Site,
    SiteKind,
    Stop,
    Stream,
    TimeWindow,
    VehicleType,
)
from optimizer.routing.result import (
    Route,
    RoutingResult,
    Unserved,
    UnservedReason,
    Visit,
    VisitKind,
)

XSS_NAME = "<script>alert(1)</script>"
IMG_XSS_NAME = "Hospital canteen <img src=x onerror=\"document.title='pwned'\">"
ZH_NAME = "城关镇菜市场"


def small_instance() -> Instance:
    """Return a county with a depot, a transfer station, an incinerator and six stops."""
    stops = (
        Stop("S1", XSS_NAME, 30.010, 120.010, Stream.OTHER, 800.0, service_s=300),
        Stop(
            "S2",
            ZH_NAME,
            30.015,
            120.020,
            Stream.OTHER,
            600.0,
            service_s=300,
            window=TimeWindow(6 * 3600, 9 * 3600),
        ),
        Stop("S3", "School <b>&</b> 'yard'", 30.020, 120.012, Stream.OTHER, 500.0),
        Stop("S4", IMG_XSS_NAME, 30.005, 120.030, Stream.KITCHEN, 400.0),
        Stop("S5", "Village Dongcun", 30.030, 120.040, Stream.KITCHEN, 700.0),
        Stop("S6", "Far hamlet", 30.060, 120.080, Stream.OTHER, 9000.0),
    )
    sites = (
        Site("D1", "Sanitation depot 环卫车场", SiteKind.DEPOT, 30.000, 120.000),
        Site(
            "T1",
            "Transfer <i>station</i>",
            SiteKind.TRANSFER,
            30.025,
            120.025,
            streams=frozenset({Stream.OTHER, Stream.KITCHEN}),
            hours=TimeWindow(5 * 3600, 20 * 3600),
        ),
        Site(
            "I1",
            "Incinerator",
            SiteKind.INCINERATOR,
            30.040,
            120.000,
            streams=frozenset({Stream.OTHER}),
        ),
    )
    fleet = (
        VehicleType(
            "C8",
            2,
            "D1",
            frozenset({Stream.OTHER, Stream.KITCHEN}),
            8000.0,
            shift=TimeWindow(5 * 3600, 17 * 3600),
            break_=Break(TimeWindow(11 * 3600, 12 * 3600), 1800),
        ),
    )
    points = [(s.id, s.lat, s.lon) for s in (*stops, *sites)]
    return Instance("Test county <测试县>", stops, sites, fleet, great_circle_matrix(points))


def _visit(kind: VisitKind, loc: str, t: float, load: float, stay: float = 300) -> Visit:
    return Visit(kind, loc, t, t, t + stay, load)


def small_result() -> RoutingResult:
    """Return a two-vehicle plan with an unloading trip, a break and an unserved stop."""
    h = 3600.0
    r1 = Route(
        "C8#1",
        "C8",
        (
            _visit(VisitKind.DEPOT, "D1", 6 * h, 0, 0),
            _visit(VisitKind.STOP, "S1", 6.2 * h, 800),
            _visit(VisitKind.STOP, "S2", 6.5 * h, 1400),
            _visit(VisitKind.STOP, "S3", 6.8 * h, 1900),
            _visit(VisitKind.UNLOAD, "T1", 7.2 * h, 0, 900),
            _visit(VisitKind.BREAK, "T1", 11 * h, 0, 1800),
            _visit(VisitKind.DEPOT, "D1", 12 * h, 0, 0),
        ),
        distance_m=12_000.0,
        duration_s=6 * h,
        energy_kwh=0.0,
        co2_kg=9.5,
        cost=120.0,
    )
    r2 = Route(
        "C8#2",
        "C8",
        (
            _visit(VisitKind.DEPOT, "D1", 6 * h, 0, 0),
            _visit(VisitKind.STOP, "S4", 6.3 * h, 400),
            _visit(VisitKind.STOP, "S5", 6.6 * h, 1100),
            _visit(VisitKind.UNLOAD, "T1", 7.0 * h, 0, 900),
            _visit(VisitKind.DEPOT, "D1", 7.5 * h, 0, 0),
        ),
        distance_m=11_000.0,
        duration_s=1.5 * h,
        energy_kwh=0.0,
        co2_kg=8.0,
        cost=100.0,
    )
    return RoutingResult(
        instance="Test county",
        routes=(r1, r2),
        unserved=(Unserved("S6", UnservedReason.DEMAND_TOO_LARGE, "9000 kg > 8000 kg <cap>"),),
        objective="distance",
        objective_value=23_000.0,
        engine="hand",
    )


def page_layers(html: str) -> dict[str, dict[str, Any]]:
    """Return the GeoJSON data of every overlay of a rendered map, by layer-control name."""
    match = re.search(r"var countyoptData = (\{.*\});</script>", html)
    assert match, "the map has no data script"
    data = json.loads(match.group(1))["layers"]
    keys = {
        m.group(1): json.loads(m.group(2))
        for m in re.finditer(r'var (feature_layer_\w+) = countyoptLayer\(("\w+")', html)
    }
    names = {
        m.group(2): json.loads(m.group(1))
        for m in re.finditer(
            r'^\s*("(?:[^"\\]|\\.)*")\s*:\s*(feature_layer_\w+),\s*$', html, re.MULTILINE
        )
    }
    return {names[var]: data[key] for var, key in keys.items()}


def points(layer: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the point features of a layer."""
    return [f for f in layer["features"] if f["geometry"]["type"] == "Point"]


def county_plan(
    num_stops: int, *, per_route: int = 50, seed: int = 7
) -> tuple[Instance, RoutingResult]:
    """Return a county of ``num_stops`` stops and a sweep plan serving all of them."""
    rng = np.random.default_rng(seed)
    lat0, lon0 = 29.87, 119.94
    lat = lat0 + rng.normal(0, 0.08, num_stops)
    lon = lon0 + rng.normal(0, 0.09, num_stops)
    stops = tuple(
        Stop(
            f"P{i:05d}",
            f"收集点 {i} <bin>",
            float(lat[i]),
            float(lon[i]),
            Stream.OTHER,
            300.0,
            service_s=120,
        )
        for i in range(num_stops)
    )
    sites = (
        Site("D", "车场", SiteKind.DEPOT, lat0, lon0),
        Site(
            "T",
            "转运站",
            SiteKind.TRANSFER,
            lat0 + 0.05,
            lon0 + 0.02,
            streams=frozenset({Stream.OTHER}),
        ),
    )
    num_routes = math.ceil(num_stops / per_route)
    fleet = (VehicleType("C8", num_routes, "D", frozenset({Stream.OTHER}), 8000.0),)
    points = [(s.id, s.lat, s.lon) for s in (*stops, *sites)]
    instance = Instance("bench county", stops, sites, fleet, great_circle_matrix(points))
    angle = np.arctan2(lat - lat0, lon - lon0)
    order = np.argsort(angle)
    routes = []
    for r in range(num_routes):
        ids = order[r * per_route : (r + 1) * per_route]
        ids = ids[np.argsort(np.hypot(lat[ids] - lat0, lon[ids] - lon0))]
        t, load, visits = 6 * 3600.0, 0.0, [Visit(VisitKind.DEPOT, "D", 21600, 21600, 21600, 0)]
        for k, i in enumerate(ids, 1):
            t += 300
            load += 300
            visits.append(Visit(VisitKind.STOP, stops[i].id, t, t, t + 120, load))
            if k % 25 == 0:
                t += 900
                visits.append(Visit(VisitKind.UNLOAD, "T", t, t, t + 600, 0.0))
                load = 0.0
                if k == 25:
                    visits.append(Visit(VisitKind.BREAK, "T", t + 600, t + 600, t + 2400, 0.0))
                    t += 1800
        t += 900
        visits.append(Visit(VisitKind.DEPOT, "D", t, t, t, 0.0))
        routes.append(
            Route(f"C8#{r + 1}", "C8", tuple(visits), 60_000.0, t - 21600, 0.0, 50.0, 500.0)
        )
    result = RoutingResult("bench county", tuple(routes), (), "distance", 0.0, "synthetic")
    return instance, result
