"""Route sheets for drivers and dispatchers: CSV, Excel and GeoJSON views of a plan.

Every sheet is a view of the same :class:`RoutingResult`; nothing here
recomputes the plan. Column names carry their unit ("(km)", "(HH:MM)",
"(kg)", "(kg CO2)") in English or Chinese. CSV files are written as UTF-8
with a byte-order mark so that Excel on a Chinese Windows opens them
correctly. All writes are atomic.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from optimizer.i18n import Lang, tr
from optimizer.io.atomic import atomic_path, write_folder_atomic, write_text_atomic
from optimizer.io.solution import LegGeometry, find_place, location_name, write_solution_json
from optimizer.model import STREAM_ZH, Instance, Stop
from optimizer.routing.result import Route, RoutingResult, VisitKind
from optimizer.routing.summary import reason_label
from optimizer.timefmt import format_clock

#: Column key -> (English, Chinese) header of the visit table.
VISIT_COLUMNS: Mapping[str, tuple[str, str]] = {
    "vehicle": ("vehicle", "车辆"),
    "vehicle_type": ("vehicle type", "车型"),
    "seq": ("seq", "序号"),
    "activity": ("activity", "作业"),
    "location": ("location id", "地点编号"),
    "name": ("location name", "地点名称"),
    "stream": ("stream", "垃圾类别"),
    "lat": ("lat (deg)", "纬度 (度)"),
    "lon": ("lon (deg)", "经度 (度)"),
    "window": ("time window (HH:MM-HH:MM)", "时间窗 (HH:MM-HH:MM)"),
    "arrival": ("arrival (HH:MM)", "到达 (HH:MM)"),
    "start": ("start (HH:MM)", "开始 (HH:MM)"),
    "departure": ("departure (HH:MM)", "离开 (HH:MM)"),
    "collected_kg": ("collected (kg)", "收集量 (kg)"),
    "unloaded_kg": ("unloaded (kg)", "卸料量 (kg)"),
    "load_kg": ("load on board after (kg)", "离开时车载量 (kg)"),
    "leg_km": ("leg (km)", "本段里程 (km)"),
    "cumulative_km": ("cumulative (km)", "累计里程 (km)"),
}

#: Column key -> (English, Chinese) header of the per-vehicle summary table.
ROUTE_COLUMNS: Mapping[str, tuple[str, str]] = {
    "vehicle": ("vehicle", "车辆"),
    "vehicle_type": ("vehicle type", "车型"),
    "stops": ("stops (count)", "收集点数 (个)"),
    "collected_kg": ("collected (kg)", "收集量 (kg)"),
    "unloads": ("unloading trips (count)", "卸料次数 (次)"),
    "start": ("leaves depot (HH:MM)", "出车 (HH:MM)"),
    "end": ("back at depot (HH:MM)", "回场 (HH:MM)"),
    "distance_km": ("distance (km)", "里程 (km)"),
    "duration_h": ("duration (h)", "工作时长 (h)"),
    "energy_kwh": ("energy (kWh)", "能耗 (kWh)"),
    "co2_kg": ("CO2 (kg CO2)", "碳排放 (kg CO2)"),
    "cost_yuan": ("cost (yuan)", "成本 (元)"),
}

#: Column key -> (English, Chinese) header of the unserved-stop table.
UNSERVED_COLUMNS: Mapping[str, tuple[str, str]] = {
    "stop": ("stop id", "收集点编号"),
    "name": ("stop name", "收集点名称"),
    "stream": ("stream", "垃圾类别"),
    "demand_kg": ("demand (kg)", "产生量 (kg)"),
    "reason": ("reason", "原因"),
    "detail": ("detail", "说明"),
}

_ACTIVITY: Mapping[VisitKind, tuple[str, str]] = {
    VisitKind.DEPOT: ("depot", "车场"),
    VisitKind.STOP: ("collect", "收集"),
    VisitKind.UNLOAD: ("unload", "卸料"),
    VisitKind.BREAK: ("break", "休息"),
}

_PLANAR_HEADERS: Mapping[str, tuple[str, str]] = {
    "lat": ("y (instance units)", "y (数据集单位)"),
    "lon": ("x (instance units)", "x (数据集单位)"),
}


def _headers(columns: Mapping[str, tuple[str, str]], lang: Lang) -> dict[str, str]:
    return {key: tr(lang, en, zh) for key, (en, zh) in columns.items()}


def _stop_or_none(instance: Instance, location: str) -> Stop | None:
    try:
        return instance.stop(location)
    except KeyError:
        return None


def _coords(instance: Instance, location: str) -> tuple[float, float] | None:
    place = find_place(instance, location)
    return None if place is None else (place.lat, place.lon)


def _leg_m(instance: Instance, a: str, b: str) -> float | None:
    try:
        return instance.travel.distance(a, b)
    except KeyError:
        return None


def _stream_label(stop: Stop | None, lang: Lang) -> str:
    if stop is None:
        return ""
    return tr(lang, stop.stream.value, STREAM_ZH[stop.stream])


def _route_rows(instance: Instance, route: Route, lang: Lang) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    cumulative = 0.0
    previous: str | None = None
    load_before = 0.0
    for seq, visit in enumerate(route.visits, start=1):
        stop = _stop_or_none(instance, visit.location) if visit.kind is VisitKind.STOP else None
        leg = 0.0 if previous is None else _leg_m(instance, previous, visit.location)
        if leg is not None:
            cumulative += leg
        coords = _coords(instance, visit.location)
        window = ""
        if stop is not None and stop.window is not None:
            window = f"{format_clock(stop.window.start)}-{format_clock(stop.window.end)}"
        rows.append(
            {
                "vehicle": route.vehicle,
                "vehicle_type": route.vehicle_type,
                "seq": seq,
                "activity": tr(lang, *_ACTIVITY[visit.kind]),
                "location": visit.location,
                "name": location_name(instance, visit.location),
                "stream": _stream_label(stop, lang),
                # 6 decimals of a degree is about 0.1 m, finer than any input.
                "lat": None if coords is None else round(coords[0], 6),
                "lon": None if coords is None else round(coords[1], 6),
                "window": window,
                "arrival": format_clock(visit.arrival_s),
                "start": format_clock(visit.start_s),
                "departure": format_clock(visit.departure_s),
                "collected_kg": None if stop is None else stop.demand_kg,
                "unloaded_kg": (
                    load_before - visit.load_kg if visit.kind is VisitKind.UNLOAD else None
                ),
                "load_kg": visit.load_kg,
                "leg_km": None if leg is None else round(leg / 1000.0, 3),
                "cumulative_km": round(cumulative / 1000.0, 3),
            }
        )
        previous = visit.location
        load_before = visit.load_kg
    return rows


def visit_table(instance: Instance, result: RoutingResult, *, lang: Lang = "en") -> pd.DataFrame:
    """Return one row per visit of every route, with headers in ``lang``."""
    rows = [row for route in result.routes for row in _route_rows(instance, route, lang)]
    headers = _headers(VISIT_COLUMNS, lang)
    if instance.coord_sys == "planar":
        headers |= _headers(_PLANAR_HEADERS, lang)
    frame = pd.DataFrame(rows, columns=list(VISIT_COLUMNS))
    return frame.rename(columns=headers)


def route_table(instance: Instance, result: RoutingResult, *, lang: Lang = "en") -> pd.DataFrame:
    """Return one row per used vehicle with its totals, plus a total row."""
    rows: list[dict[str, Any]] = []
    for route in result.routes:
        rows.append(
            {
                "vehicle": route.vehicle,
                "vehicle_type": route.vehicle_type,
                "stops": len(route.stops),
                "collected_kg": sum(
                    s.demand_kg
                    for s in (_stop_or_none(instance, i) for i in route.stops)
                    if s is not None
                ),
                "unloads": sum(v.kind is VisitKind.UNLOAD for v in route.visits),
                "start": format_clock(route.visits[0].departure_s) if route.visits else "",
                "end": format_clock(route.visits[-1].arrival_s) if route.visits else "",
                "distance_km": round(route.distance_m / 1000.0, 3),
                "duration_h": round(route.duration_s / 3600.0, 3),
                "energy_kwh": round(route.energy_kwh, 3),
                "co2_kg": round(route.co2_kg, 3),
                "cost_yuan": round(route.cost, 2),
            }
        )
    if rows:
        total: dict[str, Any] = {"vehicle": tr(lang, "total", "合计"), "vehicle_type": ""}
        for key in ("stops", "collected_kg", "unloads"):
            total[key] = sum(r[key] for r in rows)
        for key in ("distance_km", "duration_h", "energy_kwh", "co2_kg", "cost_yuan"):
            total[key] = round(sum(r[key] for r in rows), 3)
        total["start"] = total["end"] = ""
        rows.append(total)
    frame = pd.DataFrame(rows, columns=list(ROUTE_COLUMNS))
    return frame.rename(columns=_headers(ROUTE_COLUMNS, lang))


def unserved_table(instance: Instance, result: RoutingResult, *, lang: Lang = "en") -> pd.DataFrame:
    """Return one row per stop left out of the plan, with the reason in ``lang``."""
    rows = []
    for u in result.unserved:
        stop = _stop_or_none(instance, u.stop)
        rows.append(
            {
                "stop": u.stop,
                "name": "" if stop is None else stop.name,
                "stream": _stream_label(stop, lang),
                "demand_kg": None if stop is None else stop.demand_kg,
                "reason": reason_label(u.reason, lang),
                "detail": u.detail,
            }
        )
    frame = pd.DataFrame(rows, columns=list(UNSERVED_COLUMNS))
    return frame.rename(columns=_headers(UNSERVED_COLUMNS, lang))


def write_routes_csv(
    instance: Instance,
    result: RoutingResult,
    path: str | os.PathLike[str],
    *,
    lang: Lang = "en",
) -> Path:
    """Write every visit of every route to one CSV file with a vehicle column."""
    text = visit_table(instance, result, lang=lang).to_csv(index=False, lineterminator="\n")
    # The BOM lets Excel detect UTF-8; without it Chinese text shows as mojibake.
    write_text_atomic(path, text, encoding="utf-8-sig")
    return Path(path)


_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_SHEET_MAX = 31  # Excel's limit on sheet-name length


def sheet_names(names: list[str]) -> list[str]:
    r"""Return valid, distinct Excel sheet names for ``names``, in order.

    Excel forbids ``[]:*?/\\`` and names longer than 31 characters, and
    compares names case-insensitively.
    """
    taken: set[str] = set()
    out = []
    for name in names:
        base = _SHEET_FORBIDDEN.sub("_", name).strip("'") or "sheet"
        candidate = base[:_SHEET_MAX]
        k = 2
        while candidate.casefold() in taken:
            suffix = f"~{k}"
            candidate = base[: _SHEET_MAX - len(suffix)] + suffix
            k += 1
        taken.add(candidate.casefold())
        out.append(candidate)
    return out


def _fit_columns(sheet: Any) -> None:
    for column in sheet.columns:
        # CJK characters display about twice as wide as Latin ones.
        width = max(sum(2 if ord(ch) > 0x2E80 else 1 for ch in str(c.value or "")) for c in column)
        sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 6), 40)
    sheet.freeze_panes = "A2"


def write_routes_xlsx(
    instance: Instance,
    result: RoutingResult,
    path: str | os.PathLike[str],
    *,
    lang: Lang = "en",
) -> Path:
    """Write an Excel workbook: a summary sheet, one sheet per vehicle, unserved stops."""
    visits = visit_table(instance, result, lang=lang)
    vehicle_col = VISIT_COLUMNS["vehicle"][1 if lang == "zh" else 0]
    summary_name = tr(lang, "summary", "汇总")
    unserved_name = tr(lang, "unserved", "未收运")
    vehicles = [r.vehicle for r in result.routes]
    names = sheet_names([summary_name, *vehicles, unserved_name])
    with atomic_path(path) as tmp, pd.ExcelWriter(tmp, engine="openpyxl") as writer:
        route_table(instance, result, lang=lang).to_excel(writer, sheet_name=names[0], index=False)
        for vehicle, sheet in zip(vehicles, names[1:-1], strict=True):
            part = visits[visits[vehicle_col] == vehicle]
            part.to_excel(writer, sheet_name=sheet, index=False)
        if result.unserved:
            table = unserved_table(instance, result, lang=lang)
            table.to_excel(writer, sheet_name=names[-1], index=False)
        for sheet in writer.sheets.values():
            _fit_columns(sheet)
    return Path(path)


def _feature(geometry: dict[str, Any], properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "Feature", "geometry": geometry, "properties": properties}


def routes_geojson(
    instance: Instance, result: RoutingResult, *, geometry: LegGeometry | None = None
) -> dict[str, Any]:
    """Return a GeoJSON FeatureCollection of the plan (RFC 7946, WGS-84 lon/lat).

    One LineString per route through its visits (along the roads of
    ``geometry`` where it has the leg), one Point per visit, and one Point
    per unserved stop (``kind`` "unserved").

    Raises
    ------
    ValueError
        If the instance's coordinates are not WGS-84 (GeoJSON cannot say so).

    """
    if instance.coord_sys != "wgs84":
        raise ValueError(
            f"GeoJSON needs WGS-84 coordinates; instance {instance.name!r} uses "
            f"{instance.coord_sys!r}"
        )
    features: list[dict[str, Any]] = []
    for route in result.routes:
        line = [c for v in route.visits if (c := _coords(instance, v.location)) is not None]
        if geometry:
            line = _road_line(route, geometry, line)
        features.append(
            _feature(
                {"type": "LineString", "coordinates": [[lon, lat] for lat, lon in line]},
                {
                    "kind": "route",
                    "vehicle": route.vehicle,
                    "vehicle_type": route.vehicle_type,
                    "num_stops": len(route.stops),
                    "distance_km": route.distance_m / 1000.0,
                    "duration_h": route.duration_s / 3600.0,
                    "energy_kwh": route.energy_kwh,
                    "co2_kg": route.co2_kg,
                    "cost_yuan": route.cost,
                },
            )
        )
        for seq, visit in enumerate(route.visits, start=1):
            coords = _coords(instance, visit.location)
            if coords is None:
                continue
            features.append(
                _feature(
                    {"type": "Point", "coordinates": [coords[1], coords[0]]},
                    {
                        "kind": visit.kind.value,
                        "vehicle": route.vehicle,
                        "seq": seq,
                        "location": visit.location,
                        "name": location_name(instance, visit.location),
                        "arrival": format_clock(visit.arrival_s),
                        "start": format_clock(visit.start_s),
                        "departure": format_clock(visit.departure_s),
                        "arrival_s": visit.arrival_s,
                        "departure_s": visit.departure_s,
                        "load_kg": visit.load_kg,
                    },
                )
            )
    for u in result.unserved:
        coords = _coords(instance, u.stop)
        if coords is None:
            continue
        features.append(
            _feature(
                {"type": "Point", "coordinates": [coords[1], coords[0]]},
                {
                    "kind": "unserved",
                    "location": u.stop,
                    "name": location_name(instance, u.stop),
                    "reason": u.reason.value,
                    "detail": u.detail,
                },
            )
        )
    return {"type": "FeatureCollection", "features": features}


def _road_line(
    route: Route, geometry: LegGeometry, straight: list[tuple[float, float]]
) -> list[tuple[float, float]]:
    """Return the route's line along the roads, or ``straight`` if a leg has no shape."""
    line: list[tuple[float, float]] = straight[:1]
    for prev, visit in zip(route.visits, route.visits[1:], strict=False):
        if prev.location == visit.location:
            continue
        leg = geometry.get((prev.location, visit.location))
        if not leg:
            return straight
        line += [(lat, lon) for lat, lon in leg[1:]]
    return line


def write_routes_geojson(
    instance: Instance,
    result: RoutingResult,
    path: str | os.PathLike[str],
    *,
    geometry: LegGeometry | None = None,
) -> Path:
    """Write the plan as a GeoJSON file (see :func:`routes_geojson`)."""
    doc = routes_geojson(instance, result, geometry=geometry)
    write_text_atomic(path, json.dumps(doc, ensure_ascii=False, allow_nan=False) + "\n")
    return Path(path)


def write_route_outputs(
    instance: Instance,
    result: RoutingResult,
    out_dir: str | os.PathLike[str],
    *,
    lang: Lang = "en",
    extra: Mapping[str, Callable[[Path], object]] | None = None,
    geometry: LegGeometry | None = None,
) -> list[Path]:
    """Write ``solution.json`` and the route sheets into ``out_dir``: all or nothing.

    Writes ``solution.json``, ``routes.csv``, ``routes.xlsx`` and, for WGS-84
    instances, ``routes.geojson``; ``extra`` adds more files (name -> writer
    called with the path to write, e.g. a map). If any writer fails, nothing
    new appears in ``out_dir``. ``geometry`` (road shapes of legs) goes into
    ``solution.json`` and ``routes.geojson``.
    """
    writers: dict[str, Callable[[Path], object]] = {
        "solution.json": lambda p: write_solution_json(result, instance, p, geometry=geometry),
        "routes.csv": lambda p: write_routes_csv(instance, result, p, lang=lang),
        "routes.xlsx": lambda p: write_routes_xlsx(instance, result, p, lang=lang),
    }
    if instance.coord_sys == "wgs84":
        writers["routes.geojson"] = lambda p: write_routes_geojson(
            instance, result, p, geometry=geometry
        )
    writers.update(extra or {})
    return write_folder_atomic(out_dir, writers)
