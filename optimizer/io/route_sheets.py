"""Route sheets for drivers and dispatchers: CSV, Excel and GeoJSON views of a plan.

Every sheet is a view of the same :class:`RoutingResult`; nothing here
recomputes the plan. Column names carry their unit ("(km)", "(HH:MM)",
"(kg)", "(kg CO2)") in English or Chinese. CSV files are written as UTF-8
with a byte-order mark so that Excel on a Chinese Windows opens them
correctly. All writes are atomic.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from optimizer.evaluate import compartments, rates_of
from optimizer.i18n import Lang, tr
from optimizer.io.atomic import atomic_path, write_folder_atomic, write_text_atomic
from optimizer.io.solution import (
    LegGeometry,
    find_place,
    leg_shape,
    location_name,
    write_solution_json,
)
from optimizer.model import STREAM_ZH, Instance, Stop
from optimizer.routing.battery import soc_profile
from optimizer.routing.diagnose import detail_text
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
    "battery_kwh": ("battery on leaving (kWh)", "离开时电量 (kWh)"),
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
    "duration": ("working time (HH:MM)", "工作时长 (HH:MM)"),
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
    VisitKind.CHARGE: ("charge", "充电"),
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


def _leg_m(instance: Instance, type_id: str, a: str, b: str) -> float | None:
    try:
        return instance.travel_of(type_id).distance(a, b)
    except KeyError:
        return None


def _stream_label(stop: Stop | None, lang: Lang) -> str:
    if stop is None:
        return ""
    return tr(lang, stop.stream.value, STREAM_ZH[stop.stream])


def _kg(value: float) -> float:
    # A tenth of a kilogram is finer than any scale; more digits are float noise.
    return round(value, 1) + 0.0  # + 0.0 turns -0.0 into 0.0


def _battery_after(instance: Instance, route: Route) -> list[float] | None:
    """Return the battery (kWh) on leaving each visit of an electric route, else None."""
    try:
        vt = instance.vehicle_type(route.vehicle_type)
    except KeyError:
        return None
    if vt.battery_kwh is None or not route.visits:
        return None
    total = sum(kg for kg, _ in compartments(vt).values())
    shares = [v.load_kg / total if total else 0.0 for v in route.visits]
    profile = soc_profile(instance, vt, rates_of(instance, vt), route.visits, shares)
    return [leave for _, leave in profile]


def _route_rows(instance: Instance, route: Route, lang: Lang) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    cumulative = 0.0
    previous: str | None = None
    load_before = 0.0
    battery = _battery_after(instance, route)
    for seq, visit in enumerate(route.visits, start=1):
        stop = _stop_or_none(instance, visit.location) if visit.kind is VisitKind.STOP else None
        leg = (
            0.0
            if previous is None
            else _leg_m(instance, route.vehicle_type, previous, visit.location)
        )
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
                "collected_kg": None if stop is None else _kg(stop.demand_kg),
                "unloaded_kg": (
                    _kg(load_before - visit.load_kg) if visit.kind is VisitKind.UNLOAD else None
                ),
                "load_kg": _kg(visit.load_kg),
                "battery_kwh": None if battery is None else round(battery[seq - 1], 2) + 0.0,
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
                "collected_kg": _kg(
                    sum(
                        s.demand_kg
                        for s in (_stop_or_none(instance, i) for i in route.stops)
                        if s is not None
                    )
                ),
                "unloads": sum(v.kind is VisitKind.UNLOAD for v in route.visits),
                "start": format_clock(route.visits[0].departure_s) if route.visits else "",
                "end": format_clock(route.visits[-1].arrival_s) if route.visits else "",
                "distance_km": round(route.distance_m / 1000.0, 3),
                "duration": format_clock(route.duration_s),
                "energy_kwh": round(route.energy_kwh, 3),
                "co2_kg": round(route.co2_kg, 3),
                "cost_yuan": round(route.cost, 2),
            }
        )
    if rows:
        total: dict[str, Any] = {"vehicle": tr(lang, "total", "合计"), "vehicle_type": ""}
        for key in ("stops", "unloads"):
            total[key] = sum(r[key] for r in rows)
        total["collected_kg"] = _kg(sum(r["collected_kg"] for r in rows))
        for key in ("distance_km", "energy_kwh", "co2_kg", "cost_yuan"):
            total[key] = round(sum(r[key] for r in rows), 3)
        total["duration"] = format_clock(sum(r.duration_s for r in result.routes))
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
                "demand_kg": None if stop is None else _kg(stop.demand_kg),
                "reason": reason_label(u.reason, lang),
                "detail": detail_text(u.detail, lang),
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


def sheet_lang(instance: Instance, lang: Lang) -> Lang:
    """Return the language of the sheets: Chinese if asked for or if the workbook was Chinese.

    A dispatcher who wrote the workbook with Chinese headers reads Chinese
    sheets without having to know about ``--lang zh``.
    """
    return "zh" if lang == "zh" or instance.meta.get("headers_lang") == "zh" else lang


#: Columns of a vehicle's printed sheet: what a driver reads on the road.
SHEET_COLUMNS: tuple[str, ...] = (
    "seq",
    "activity",
    "location",
    "name",
    "stream",
    "window",
    "arrival",
    "start",
    "departure",
    "collected_kg",
    "load_kg",
    "leg_km",
)

_MINUTE = 60


def _clock_cell(seconds: float) -> dt.time | dt.timedelta:
    """Return a time of day as Excel stores it (a time cell), rounded to the minute."""
    total = math.floor(seconds / _MINUTE + 0.5) * _MINUTE
    if 0 <= total < 86_400:
        return dt.time(total // 3600, total % 3600 // 60)
    return dt.timedelta(seconds=total)  # night shifts past midnight: "[h]:mm"


def _duration_cell(seconds: float) -> dt.timedelta:
    return dt.timedelta(seconds=math.floor(seconds / _MINUTE + 0.5) * _MINUTE)


_FORMATS: Mapping[str, str] = {
    "arrival": "hh:mm",
    "start": "hh:mm",
    "departure": "hh:mm",
    "collected_kg": "#,##0.0",
    "unloaded_kg": "#,##0.0",
    "load_kg": "#,##0.0",
    "leg_km": "0.0",
    "cumulative_km": "0.0",
    "distance_km": "#,##0.0",
    "energy_kwh": "#,##0.0",
    "co2_kg": "#,##0.0",
    "cost_yuan": "#,##0",
    "duration": "[h]:mm",
    "collected_t": "0.00",
}


def _put(sheet: Any, row: int, col: int, key: str, value: object) -> None:
    cell = sheet.cell(row=row, column=col, value=value)
    fmt = _FORMATS.get(key)
    if isinstance(value, dt.timedelta):
        cell.number_format = "[h]:mm"
    elif fmt is not None and value is not None:
        cell.number_format = fmt


def _width(value: object) -> int:
    # CJK characters display about twice as wide as Latin ones.
    if isinstance(value, dt.time | dt.timedelta):
        return 5
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in str("" if value is None else value))


def _fit_columns(sheet: Any, *, from_row: int = 1) -> None:
    widths: dict[str, int] = {}
    for row in sheet.iter_rows(min_row=from_row):
        for cell in row:
            letter = cell.column_letter
            widths[letter] = max(widths.get(letter, 0), _width(cell.value))
    for letter, width in widths.items():
        sheet.column_dimensions[letter].width = min(max(width + 2, 6), 40)


def _page_setup(sheet: Any, *, title_row: int, rows: int) -> None:
    """Set A4 landscape, one page wide, repeated column titles; a short route fits one page."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    # About 35 rows fit an A4 landscape page at a readable size; a longer
    # route runs on, with the column titles repeated on every page.
    sheet.page_setup.fitToHeight = 1 if rows <= 35 else 0
    sheet.print_title_rows = f"{title_row}:{title_row}"
    sheet.print_options.gridLines = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4


def _header_block(
    sheet: Any, instance: Instance, route: Route, lang: Lang, collected_kg: float
) -> None:
    """Write the vehicle's header: who drives what when, and the day's totals."""
    from openpyxl.styles import Font

    title = tr(lang, f"Route sheet: {route.vehicle}", f"收运路线单：{route.vehicle}")
    sheet.cell(row=1, column=1, value=title).font = Font(bold=True, size=14)
    date = str(instance.meta.get("date", "")) or "__________"
    first: list[tuple[str, str, object]] = [
        ("vehicle", tr(lang, "vehicle", "车辆"), route.vehicle),
        ("type", tr(lang, "vehicle type", "车型"), route.vehicle_type),
        ("driver", tr(lang, "driver", "驾驶员"), "__________"),
        ("date", tr(lang, "date", "日期"), date),
    ]
    visits = route.visits
    second: list[tuple[str, str, object]] = [
        ("stops", tr(lang, "stops", "收集点"), len(route.stops)),
        ("collected_t", tr(lang, "collected (t)", "收集量 (t)"), round(collected_kg / 1000, 2)),
        ("distance_km", tr(lang, "distance (km)", "里程 (km)"), round(route.distance_m / 1000, 1)),
        (
            "start",
            tr(lang, "leaves depot", "出车"),
            _clock_cell(visits[0].departure_s) if visits else None,
        ),
        (
            "end",
            tr(lang, "back at depot", "回场"),
            _clock_cell(visits[-1].arrival_s) if visits else None,
        ),
        ("duration", tr(lang, "working time", "工作时长"), _duration_cell(route.duration_s)),
    ]
    bold = Font(bold=True)
    for row, items in ((2, first), (3, second)):
        for k, (key, label, value) in enumerate(items):
            sheet.cell(row=row, column=2 * k + 1, value=label).font = bold
            _put(sheet, row, 2 * k + 2, "arrival" if key in ("start", "end") else key, value)


_TITLE_ROW = 5  # the column titles of a vehicle sheet; the header block is above


def _vehicle_sheet(sheet: Any, instance: Instance, route: Route, lang: Lang) -> None:
    from openpyxl.styles import Font

    rows = _route_rows(instance, route, lang)
    collected = sum(r["collected_kg"] or 0.0 for r in rows)
    _header_block(sheet, instance, route, lang, collected)
    headers = _headers(VISIT_COLUMNS, lang)
    for col, key in enumerate(SHEET_COLUMNS, start=1):
        sheet.cell(row=_TITLE_ROW, column=col, value=headers[key]).font = Font(bold=True)
    for offset, (row, visit) in enumerate(zip(rows, route.visits, strict=True), start=1):
        times = {
            "arrival": _clock_cell(visit.arrival_s),
            "start": _clock_cell(visit.start_s),
            "departure": _clock_cell(visit.departure_s),
        }
        for col, key in enumerate(SHEET_COLUMNS, start=1):
            value = times.get(key, row[key])
            _put(sheet, _TITLE_ROW + offset, col, key, None if value == "" else value)
    _fit_columns(sheet, from_row=_TITLE_ROW)
    sheet.freeze_panes = f"A{_TITLE_ROW + 1}"
    _page_setup(sheet, title_row=_TITLE_ROW, rows=_TITLE_ROW + len(rows))


def _summary_sheet(sheet: Any, instance: Instance, result: RoutingResult, lang: Lang) -> None:
    from openpyxl.styles import Font

    table = route_table(instance, result, lang="en")
    headers = _headers(ROUTE_COLUMNS, lang)
    for col, key in enumerate(ROUTE_COLUMNS, start=1):
        sheet.cell(row=1, column=col, value=headers[key]).font = Font(bold=True)
    durations = [r.duration_s for r in result.routes]
    durations.append(sum(durations))
    for i, record in enumerate(table.to_dict("records")):
        row = i + 2
        values = dict(zip(ROUTE_COLUMNS, record.values(), strict=True))
        if i < len(result.routes):
            visits = result.routes[i].visits
            values["start"] = _clock_cell(visits[0].departure_s) if visits else None
            values["end"] = _clock_cell(visits[-1].arrival_s) if visits else None
        else:
            values["start"] = values["end"] = None
            values["vehicle"] = tr(lang, "total", "合计")
        values["duration"] = _duration_cell(durations[i])
        for col, key in enumerate(ROUTE_COLUMNS, start=1):
            cell_key = "arrival" if key in ("start", "end") else key
            _put(sheet, row, col, cell_key, values[key])
    _fit_columns(sheet)
    sheet.freeze_panes = "A2"
    _page_setup(sheet, title_row=1, rows=len(result.routes) + 2)


def _unserved_sheet(sheet: Any, instance: Instance, result: RoutingResult, lang: Lang) -> None:
    from openpyxl.styles import Font

    table = unserved_table(instance, result, lang=lang)
    for col, header in enumerate(table.columns, start=1):
        sheet.cell(row=1, column=col, value=header).font = Font(bold=True)
    for i, record in enumerate(table.itertuples(index=False), start=2):
        for col, (key, value) in enumerate(zip(UNSERVED_COLUMNS, record, strict=True), start=1):
            _put(sheet, i, col, "collected_kg" if key == "demand_kg" else key, value)
    _fit_columns(sheet)
    sheet.freeze_panes = "A2"
    _page_setup(sheet, title_row=1, rows=len(result.unserved) + 1)


def write_routes_xlsx(
    instance: Instance,
    result: RoutingResult,
    path: str | os.PathLike[str],
    *,
    lang: Lang = "en",
) -> Path:
    """Write a printable Excel workbook: a summary, one sheet per vehicle, unserved stops.

    Each vehicle's sheet prints on its own A4 landscape page (one page wide;
    column titles repeat on later pages) under a header block naming the
    vehicle, its type, a line for the driver, the date and the day's totals.
    Times are Excel time cells shown as HH:MM, working times as [h]:mm, masses
    rounded to 0.1 kg and distances shown to 0.1 km.
    """
    from openpyxl import Workbook

    summary_name = tr(lang, "summary", "汇总")
    unserved_name = tr(lang, "unserved", "未收运")
    names = sheet_names([summary_name, *(r.vehicle for r in result.routes), unserved_name])
    book = Workbook()
    summary = book.active
    summary.title = names[0]
    _summary_sheet(summary, instance, result, lang)
    for route, name in zip(result.routes, names[1:-1], strict=True):
        _vehicle_sheet(book.create_sheet(name), instance, route, lang)
    if result.unserved:
        _unserved_sheet(book.create_sheet(names[-1]), instance, result, lang)
    with atomic_path(path) as tmp:
        book.save(tmp)
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
                        "load_kg": _kg(visit.load_kg),
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
        leg = leg_shape(geometry, route, prev.location, visit.location)
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

    Writes ``solution.json``, ``routes.csv``, ``routes.xlsx`` (in Chinese if
    ``lang`` is, or if the workbook had Chinese headers: :func:`sheet_lang`)
    and, for WGS-84 instances, ``routes.geojson``; ``extra`` adds more files (name -> writer
    called with the path to write, e.g. a map). If any writer fails, nothing
    new appears in ``out_dir``. ``geometry`` (road shapes of legs) goes into
    ``solution.json`` and ``routes.geojson``.
    """
    sheets = sheet_lang(instance, lang)
    writers: dict[str, Callable[[Path], object]] = {
        "solution.json": lambda p: write_solution_json(result, instance, p, geometry=geometry),
        "routes.csv": lambda p: write_routes_csv(instance, result, p, lang=sheets),
        "routes.xlsx": lambda p: write_routes_xlsx(instance, result, p, lang=sheets),
    }
    if instance.coord_sys == "wgs84":
        writers["routes.geojson"] = lambda p: write_routes_geojson(
            instance, result, p, geometry=geometry
        )
    writers.update(extra or {})
    return write_folder_atomic(out_dir, writers)
