"""Taverna & Tilk's PVRP-IF instances (GeoJSON with an ``info`` member and a duration matrix).

The file is a FeatureCollection whose foreign member ``info`` holds the fleet
per day (``numVehicles``), the vehicle capacity (``maxCapacity``), the
maximum route duration (``maxDuration``, minutes) and the horizon
(``planningHorizon``, days); ``duration`` is the road-time matrix (OSRM on
OpenStreetMap, integer minutes, asymmetric), rows and columns in feature id
order. Features: ``type`` depot, customer or intermediateFacility;
``frequency`` (visits over the horizon), ``demand`` (per visit), ``service``
(minutes).

Mapping to the model: the road times are used as given (minutes × 60 s);
the file has no distances, so distances are great-circle × 1.3 (for km and
CO2 figures only; the benchmark's cost is the travel time). Intermediate
facilities are transfer sites taking stream ``other`` with no unloading
time; one vehicle type ``truck`` of ``numVehicles`` vehicles per day with
``maxCapacity`` and ``maxDuration``. Visit rules: the authors' schemes,
``frequency`` visits evenly spaced over the horizon on any first day
(:func:`optimizer.periodic.model.default_patterns`); the per-visit demand is
``daily × days between visits`` with ``daily = demand × frequency / horizon``,
which is the file's demand on every visit since the schemes are evenly spaced.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import numpy as np

from optimizer.distances import DEFAULT_CIRCUITY, haversine_m
from optimizer.i18n import Text
from optimizer.io.errors import InputError, InputProblem
from optimizer.io.load import parse_json_text, read_input_text
from optimizer.model import (
    Instance,
    ModelError,
    Site,
    SiteKind,
    Stop,
    Stream,
    TravelMatrix,
    VehicleType,
)
from optimizer.periodic.model import VisitRule, WeekInstance, default_patterns, every_day

_INFO_KEYS = ("numVehicles", "maxDuration", "maxCapacity", "planningHorizon")


def is_pvrpif(doc: Any) -> bool:
    """Return whether a parsed GeoJSON document is a PVRP-IF instance (it has ``info``)."""
    return isinstance(doc, dict) and isinstance(doc.get("info"), dict) and "duration" in doc


def is_pvrpif_file(path: str | Path) -> bool:
    """Return whether the GeoJSON file at ``path`` is a PVRP-IF instance."""
    src = Path(path)
    return is_pvrpif(parse_json_text(read_input_text(src), file=str(src)))


def read_pvrpif(path: str | Path) -> WeekInstance:
    """Read a PVRP-IF GeoJSON file as a week (``.base`` is its one-day instance).

    Raises
    ------
    InputError
        Naming the file, the feature and the field that is wrong.

    """
    src = Path(path)
    doc = parse_json_text(read_input_text(src), file=str(src))
    return parse_pvrpif(doc, file=str(src), name=src.stem)


def _number(
    obj: dict[str, Any], key: str, file: str, row: int | None, problems: list[InputProblem]
) -> float:
    value = obj.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or not np.isfinite(value):
        problems.append(
            InputProblem(file, row, key, repr(value), Text("a finite number", "有限数字"))
        )
        return 0.0
    if value < 0:
        problems.append(
            InputProblem(file, row, key, repr(value), Text("a number >= 0", "≥ 0 的数"))
        )
    return float(value)


def parse_pvrpif(doc: Any, *, file: str, name: str) -> WeekInstance:
    """Build the week of a parsed PVRP-IF document (see the module docstring)."""
    problems: list[InputProblem] = []
    if not is_pvrpif(doc):
        raise InputError(
            [
                InputProblem(
                    file,
                    None,
                    "info",
                    "",
                    Text(
                        "a PVRP-IF FeatureCollection with info and duration",
                        "含 'info' 和 'duration' 的 PVRP-IF 'FeatureCollection'",
                    ),
                )
            ]
        )
    info: dict[str, Any] = doc["info"]
    head = {k: _number(info, k, file, None, problems) for k in _INFO_KEYS}
    features = doc.get("features")
    if not isinstance(features, list) or not features:
        raise InputError(
            [
                InputProblem(
                    file, None, "features", "", Text("a list of point features", "点要素的列表")
                )
            ]
        )
    n = len(features)
    days = int(head["planningHorizon"])
    raw: list[tuple[int, str, float, float, dict[str, Any]]] = []
    for k, feat in enumerate(features):
        props = feat.get("properties") if isinstance(feat, dict) else None
        geom = feat.get("geometry") if isinstance(feat, dict) else None
        coords = geom.get("coordinates") if isinstance(geom, dict) else None
        if not isinstance(props, dict) or not isinstance(coords, list) or len(coords) < 2:
            problems.append(
                InputProblem(
                    file, None, f"features[{k}]", "", Text("a Point feature", "'Point' 点要素")
                )
            )
            continue
        kind = props.get("type")
        if kind not in ("depot", "customer", "intermediateFacility"):
            problems.append(
                InputProblem(
                    file,
                    None,
                    f"features[{k}].type",
                    repr(kind),
                    Text(
                        "depot, customer or intermediateFacility",
                        "'depot'、'customer' 或 'intermediateFacility'",
                    ),
                )
            )
            continue
        if props.get("id") != k:
            problems.append(
                InputProblem(
                    file,
                    None,
                    f"features[{k}].id",
                    repr(props.get("id")),
                    Text(f"{k} (matrix row)", f"{k}（矩阵的行号）"),
                )
            )
        for key in ("frequency", "demand", "service"):
            _number(props, key, file, None, problems)
        raw.append((k, str(kind), float(coords[1]), float(coords[0]), props))
    matrix = np.asarray(doc["duration"], dtype=object)
    if matrix.shape != (n, n):
        problems.append(
            InputProblem(
                file,
                None,
                "duration",
                str(matrix.shape),
                Text(f"a {n} x {n} matrix of minutes", f"{n} × {n} 的分钟矩阵"),
            )
        )
    if problems:
        raise InputError(problems)
    try:
        minutes = matrix.astype(np.float64)
    except (TypeError, ValueError):
        raise InputError(
            [InputProblem(file, None, "duration", "", Text("numbers (minutes)", "数字（分钟）"))]
        ) from None
    if not np.all(np.isfinite(minutes)) or np.any(minutes < 0):
        raise InputError(
            [
                InputProblem(
                    file, None, "duration", "", Text("finite minutes >= 0", "≥ 0 的有限分钟数")
                )
            ]
        )
    ids = tuple(str(k) for k, *_ in raw)
    lat = np.array([r[2] for r in raw])
    lon = np.array([r[3] for r in raw])
    dist = haversine_m(lat[:, None], lon[:, None], lat[None, :], lon[None, :]) * DEFAULT_CIRCUITY
    depots = [r for r in raw if r[1] == "depot"]
    if len(depots) != 1:
        raise InputError(
            [InputProblem(file, None, "features", "", Text("exactly one depot", "恰好一个车场"))]
        )
    depot = str(depots[0][0])
    sites: list[Site] = []
    stops: list[Stop] = []
    rules: list[VisitRule] = []
    try:
        for k, kind, la, lo, props in raw:
            sid = str(k)
            if kind == "depot":
                sites.append(Site(sid, f"depot {sid}", SiteKind.DEPOT, la, lo))
            elif kind == "intermediateFacility":
                sites.append(
                    Site(
                        sid, f"facility {sid}", SiteKind.TRANSFER, la, lo, frozenset({Stream.OTHER})
                    )
                )
            else:
                freq = int(props["frequency"])
                stops.append(
                    Stop(
                        sid,
                        f"customer {sid}",
                        la,
                        lo,
                        Stream.OTHER,
                        demand_kg=float(props["demand"]),
                        service_s=round(float(props["service"]) * 60),
                        frequency_per_week=max(1, min(14, freq)),
                    )
                )
                rules.append(
                    VisitRule(
                        sid,
                        default_patterns(freq, days),
                        daily_kg=float(props["demand"]) * freq / days,
                    )
                )
        truck = VehicleType(
            "truck",
            int(head["numVehicles"]),
            depot,
            frozenset({Stream.OTHER}),
            capacity_kg=head["maxCapacity"],
            max_duration_s=round(head["maxDuration"] * 60),
            name="PVRP-IF truck",
        )
        base = Instance(
            name,
            tuple(stops),
            tuple(sites),
            (truck,),
            TravelMatrix(ids, dist, minutes * 60.0),
            {
                "coord_sys": "wgs84",
                "set_type": "PVRP-IF",
                "objective": "time",
                "planning_horizon_days": str(days),
                "area": str(info.get("area", "")),
                "source": "Taverna & Tilk PVRP-IF set (MIT); road times from OSRM as given",
                "distance": "great-circle x 1.3 (the file has road times only)",
            },
        )
        week = WeekInstance(base, every_day(base, days), tuple(rules), {"source": file})
    except ModelError as err:
        raise InputError(
            [
                InputProblem(
                    file,
                    None,
                    "",
                    "",
                    Text(f"a valid instance ({err})", f"有效的实例（{str(err)!r}）"),
                )
            ]
        ) from None
    return week


# The authors' rules, restated from their solution reports (solutions/FORMAT.md
# of the set), for an independent check of a plan on the raw file: a route
# starts and ends at the depot; the load (per-visit demands) resets at an
# intermediate facility, never exceeds maxCapacity and is zero back at the
# depot; the route's time (travel + service) is at most maxDuration; at most
# numVehicles routes a day; each customer is visited on exactly the days of
# one of its schemes. The cost is the total travel time.
Paths = dict[int, list[list[int]]]


def read_solution_report(path: str | Path) -> Paths:
    """Read the routes of an authors' solution report: day -> list of node paths."""
    out: Paths = {}
    day: int | None = None
    for line in read_input_text(path).splitlines():
        text = line.strip()
        if text.startswith("Day:"):
            day = int(text.split(":")[1])
        elif text.startswith("path") and day is not None:
            out.setdefault(day, []).append([int(float(x)) for x in text.split()[1:]])
            day = None
    return out


def check_authors_rules(path: str | Path, routes: Paths) -> tuple[float, list[str]]:
    """Return the plan's cost (total travel minutes) and every broken rule, from the raw file."""
    src = Path(path)
    doc = parse_json_text(read_input_text(src), file=str(src))
    info = doc["info"]
    dur = doc["duration"]
    props = {f["properties"]["id"]: f["properties"] for f in doc["features"]}
    depot = next(k for k, p in props.items() if p["type"] == "depot")
    days = int(info["planningHorizon"])
    problems: list[str] = []
    cost = 0.0
    visited: dict[int, list[int]] = {}
    for d in range(days):
        paths = routes.get(d, [])
        used = [p for p in paths if len(p) > 2]
        if len(used) > info["numVehicles"]:
            problems.append(f"day {d}: {len(used)} vehicles > {info['numVehicles']}")
        for k, p in enumerate(used):
            if p[0] != depot or p[-1] != depot:
                problems.append(f"day {d} route {k}: does not start and end at depot {depot}")
            load = 0.0
            t = 0.0
            for a, b in itertools.pairwise(p):
                cost += dur[a][b]
                t += dur[a][b] + props[b]["service"]
                kind = props[b]["type"]
                if kind == "customer":
                    load += props[b]["demand"]
                    visited.setdefault(b, []).append(d)
                    if load > info["maxCapacity"] + 1e-9:
                        problems.append(f"day {d} route {k}: load {load:g} > {info['maxCapacity']}")
                elif kind == "intermediateFacility":
                    load = 0.0
            if load > 1e-9:
                problems.append(f"day {d} route {k}: returns to the depot with {load:g} on board")
            if t > info["maxDuration"] + 1e-9:
                problems.append(f"day {d} route {k}: time {t:g} > {info['maxDuration']}")
    for k, p in props.items():
        if p["type"] != "customer":
            continue
        schemes = {tuple(s) for s in default_patterns(int(p["frequency"]), days)}
        got = tuple(sorted(visited.get(k, [])))
        if got not in schemes:
            problems.append(f"customer {k}: visited on days {list(got)}, schemes {sorted(schemes)}")
    return cost, problems


def plan_paths(result: object) -> Paths:
    """Return a week result's routes as node paths (feature ids) per day, breaks left out."""
    from optimizer.periodic.result import WeekResult
    from optimizer.routing.result import VisitKind

    assert isinstance(result, WeekResult)
    return {
        d: [
            [int(v.location) for v in r.visits if v.kind is not VisitKind.BREAK] for r in day.routes
        ]
        for d, day in enumerate(result.days)
    }


def result_from_paths(week: WeekInstance, paths: Paths) -> object:
    """Return a week result with the routes given as node paths per day (e.g. the authors' plan).

    Times, loads and metrics are simulated on each day's instance, so the
    result can be held to :func:`optimizer.periodic.check.check_week`.
    """
    from optimizer.evaluate import objective_value, simulate_route
    from optimizer.periodic.model import day_instance
    from optimizer.periodic.result import WeekResult
    from optimizer.routing.result import RoutingResult, VisitKind

    truck = week.base.vehicle_types[0]
    kinds = {s.id: VisitKind.STOP for s in week.base.stops}
    visits: dict[str, list[int]] = {}
    for d, day in paths.items():
        for p in day:
            for node in p:
                if kinds.get(str(node)) is VisitKind.STOP:
                    visits.setdefault(str(node), []).append(d)
    pattern = {sid: tuple(sorted(days)) for sid, days in visits.items()}
    days = []
    for d in range(week.days):
        inst = day_instance(week, d, pattern)
        routes = []
        for k, p in enumerate(q for q in paths.get(d, []) if len(q) > 2):
            seq = [
                (
                    VisitKind.DEPOT
                    if i in (0, len(p) - 1)
                    else kinds.get(str(n), VisitKind.UNLOAD),
                    str(n),
                )
                for i, n in enumerate(p)
            ]
            routes.append(simulate_route(inst, f"{truck.id}#{k + 1}", truck, seq, 0.0))
        days.append(
            RoutingResult(
                inst.name, tuple(routes), (), "time", objective_value(routes, "time"), "given"
            )
        )
    return WeekResult(week.name, tuple(days), pattern, "time", sum(x.objective_value for x in days))
