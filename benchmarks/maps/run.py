"""Benchmark the route map on a 2,000-stop plan: render time, file size, browser load.

Targets (issue 7): render to HTML in <= 5 s, file <= 10 MB, Chromium finishes
loading it in <= 5 s. The plan is synthetic but shaped like a county day:
40 vehicles of 50 stops each, an unloading trip after every 25 stops and a
lunch break. Run from the repository root:

    nice -n 10 python benchmarks/maps/run.py [--stops 2000] [--no-browser]
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from optimizer.distances import great_circle_matrix
from optimizer.maps import render_routes
from optimizer.model import Instance, Site, SiteKind, Stop, Stream, VehicleType
from optimizer.routing.result import Route, RoutingResult, Visit, VisitKind

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "tests" / "maps"))


def synthetic_plan(
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stops", type=int, default=2000)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args(argv)
    instance, result = synthetic_plan(args.stops)
    rows = []
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        for offline in (True, False):
            path = tmp / f"map_{'offline' if offline else 'online'}.html"
            t0 = time.perf_counter()
            render_routes(instance, result, path, offline=offline, lang="zh")
            render_s = time.perf_counter() - t0
            row = {
                "stops": args.stops,
                "vehicles": len(result.routes),
                "offline": offline,
                "render_s": round(render_s, 2),
                "size_mb": round(path.stat().st_size / 1e6, 2),
            }
            if offline and not args.no_browser and shutil.which("chromium"):
                from maps_browser import load

                loaded = load(path, tmp / "browser", budget_ms=30_000, popups=False)
                row["browser_load_s"] = round(loaded.probe["loaded_ms"] / 1000, 2)
                row["browser_wall_s"] = round(loaded.seconds, 2)
                row["layers"] = len(loaded.probe["overlays"])
                row["remote_requests"] = len([u for u in loaded.requests if u.startswith("http")])
                # Chromium's own start-up and shut-down, to tell apart from the page's load.
                blank = tmp / "blank.html"
                blank.write_text("<!DOCTYPE html><html><body></body></html>", encoding="utf-8")
                row["browser_blank_wall_s"] = round(
                    load(blank, tmp / "blank", popups=False).seconds, 2
                )
            rows.append(row)
            print(json.dumps(row))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
