"""Week outputs: solution.json with days, per-day route sheets, the calendar and weekly totals.

Each day is written with the day writers of :mod:`optimizer.io.route_sheets`
and :mod:`optimizer.io.solution` (a week is a list of days, each a routing
result); the week adds ``calendar.csv`` (stop × day), ``totals.csv`` (one
row per day and a total) and an Excel workbook with one sheet per day and
vehicle. Files are written all at once or not at all.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from optimizer.i18n import Lang, tr
from optimizer.io.atomic import atomic_path, write_folder_atomic, write_text_atomic
from optimizer.io.route_sheets import (
    route_table,
    sheet_names,
    visit_table,
    write_routes_csv,
    write_routes_geojson,
)
from optimizer.io.solution import solution_to_dict
from optimizer.model import STREAM_ZH, Instance, Stream
from optimizer.periodic.model import WeekInstance, day_instance, day_name
from optimizer.periodic.result import WeekResult
from optimizer.routing.summary import summarize

SCHEMA = "countyopt.week"
SCHEMA_VERSION = 1


def day_instances(week: WeekInstance, result: WeekResult) -> list[Instance]:
    """Return the instance of each day of ``result`` (stops with their accumulated amounts)."""
    return [day_instance(week, d, result.visits) for d in range(week.days)]


def totals_table(week: WeekInstance, result: WeekResult, *, lang: Lang = "en") -> pd.DataFrame:
    """Return one row per day (vehicles, km, hours, t by stream, CO2, cost) and a total row."""
    rows: list[dict[str, Any]] = []
    streams = sorted({s.stream for s in week.base.stops})
    for d, (inst, day) in enumerate(zip(day_instances(week, result), result.days, strict=True)):
        s = summarize(inst, day)
        row: dict[str, Any] = {
            tr(lang, "day", "日期"): day_name(d, lang=lang),
            tr(lang, "vehicles", "车辆"): s.num_vehicles,
            tr(lang, "stops", "收集点"): s.num_served,
            "km": round(s.distance_m / 1000, 1),
            tr(lang, "vehicle_hours", "车辆工时_h"): round(s.duration_s / 3600, 2),
        }
        for stream in streams:
            label = stream.value if lang != "zh" else STREAM_ZH[stream]
            row[f"{label}_t"] = round(s.collected_kg_by_stream.get(stream, 0.0) / 1000, 3)
        row["co2_kg"] = round(s.co2_kg, 1)
        row[tr(lang, "cost_yuan", "成本_元")] = round(s.cost, 0)
        rows.append(row)
    frame = pd.DataFrame(rows)
    if rows:
        total = {
            k: (frame[k].sum() if k != frame.columns[0] else tr(lang, "week", "全周"))
            for k in frame.columns
        }
        vehicles = tr(lang, "vehicles", "车辆")
        total[vehicles] = int(frame[vehicles].max())  # the fleet the week needs
        frame = pd.concat([frame, pd.DataFrame([total])], ignore_index=True)
    return frame


def calendar_table(week: WeekInstance, result: WeekResult, *, lang: Lang = "en") -> pd.DataFrame:
    """Return the stop × day calendar: the vehicle and the kg collected on each visit."""
    by_day: list[dict[str, str]] = []
    for day in result.days:
        where = {s: r.vehicle for r in day.routes for s in r.stops}
        by_day.append(where)
    insts = day_instances(week, result)
    rows = []
    for stop in week.base.stops:
        pattern = result.visits.get(stop.id, ())
        row: dict[str, Any] = {
            tr(lang, "stop", "收集点"): stop.id,
            tr(lang, "name", "名称"): stop.name,
            tr(lang, "stream", "垃圾类别"): stop.stream.value
            if lang != "zh"
            else STREAM_ZH[stop.stream],
            tr(lang, "days", "收运日"): "-".join(day_name(d, lang=lang) for d in pattern),
        }
        for d in range(week.days):
            if stop.id in by_day[d]:
                kg = insts[d].stop(stop.id).demand_kg
                row[day_name(d, lang=lang)] = f"{by_day[d][stop.id]} ({kg:.0f} kg)"
            elif d in pattern:
                row[day_name(d, lang=lang)] = tr(lang, "MISSED", "漏收")
            else:
                row[day_name(d, lang=lang)] = ""
        rows.append(row)
    return pd.DataFrame(rows)


def week_to_dict(week: WeekInstance, result: WeekResult) -> dict[str, Any]:
    """Return ``solution.json`` of a week: its days (each the day contract) and its own parts."""
    insts = day_instances(week, result)
    days = []
    for d, (inst, day) in enumerate(zip(insts, result.days, strict=True)):
        doc = solution_to_dict(day, inst)
        doc["day"] = d
        doc["day_name"] = day_name(d)
        days.append(doc)
    collected: dict[str, float] = {}
    for inst, day in zip(insts, result.days, strict=True):
        for stream, kg in summarize(inst, day).collected_kg_by_stream.items():
            collected[stream.value] = collected.get(stream.value, 0.0) + kg
    return {
        "schema": SCHEMA,
        "schema_version": SCHEMA_VERSION,
        "instance": result.instance,
        "horizon_days": week.days,
        "status": result.status,
        "objective": result.objective,
        "objective_value": result.objective_value,
        "seed": result.seed,
        "runtime_s": result.runtime_s,
        "settings": {
            k: v if isinstance(v, int | float | str | bool) else str(v)
            for k, v in result.settings.items()
        },
        "visits": {sid: list(p) for sid, p in sorted(result.visits.items())},
        "totals": {
            "vehicles_per_day": list(result.vehicles_per_day),
            "peak_vehicles": result.peak_vehicles,
            "distance_m": result.distance_m,
            "duration_s": sum(r.duration_s for day in result.days for r in day.routes),
            "co2_kg": result.co2_kg,
            "collected_kg_by_stream": collected,
            "visits_unserved": result.num_unserved,
        },
        "days": days,
    }


def write_week_xlsx(
    week: WeekInstance, result: WeekResult, path: Path, *, lang: Lang = "en"
) -> Path:
    """Write the week workbook: totals, calendar, then one sheet per day and vehicle."""
    insts = day_instances(week, result)
    names = [tr(lang, "totals", "汇总"), tr(lang, "calendar", "收运日历")]
    parts: list[pd.DataFrame] = [
        totals_table(week, result, lang=lang),
        calendar_table(week, result, lang=lang),
    ]
    for d, (inst, day) in enumerate(zip(insts, result.days, strict=True)):
        visits = visit_table(inst, day, lang=lang)
        col = visits.columns[0] if "vehicle" not in visits.columns else "vehicle"
        vehicle_col = next(c for c in visits.columns if c in ("vehicle", "车辆"))
        del col
        names.append(f"{day_name(d, lang=lang)} {tr(lang, 'routes', '线路')}")
        parts.append(route_table(inst, day, lang=lang))
        for r in day.routes:
            names.append(f"{day_name(d, lang=lang)} {r.vehicle}")
            parts.append(visits[visits[vehicle_col] == r.vehicle])
    with atomic_path(path) as tmp, pd.ExcelWriter(tmp, engine="openpyxl") as writer:
        for frame, sheet in zip(parts, sheet_names(names), strict=True):
            frame.to_excel(writer, sheet_name=sheet, index=False)
    return path


def write_week_outputs(
    week: WeekInstance,
    result: WeekResult,
    out_dir: Path,
    *,
    lang: Lang = "en",
    map_writer: Callable[[Instance, Any, Path], object] | None = None,
) -> list[Path]:
    """Write every week file into ``out_dir``, all or nothing.

    ``solution.json``, ``totals.csv``, ``calendar.csv``, ``week.xlsx``, and
    per day ``routes_<Day>.csv``, ``routes_<Day>.geojson`` (WGS-84) and,
    with ``map_writer``, ``map_<Day>.html``.
    """
    insts = day_instances(week, result)

    def csv_writer(frame: pd.DataFrame) -> Callable[[Path], object]:
        return lambda p: write_text_atomic(
            p, frame.to_csv(index=False, lineterminator="\n"), encoding="utf-8-sig"
        )

    writers: dict[str, Callable[[Path], object]] = {
        "solution.json": lambda p: write_text_atomic(
            p,
            json.dumps(week_to_dict(week, result), ensure_ascii=False, indent=1, allow_nan=False)
            + "\n",
        ),
        "totals.csv": csv_writer(totals_table(week, result, lang=lang)),
        "calendar.csv": csv_writer(calendar_table(week, result, lang=lang)),
        "week.xlsx": lambda p: write_week_xlsx(week, result, p, lang=lang),
    }
    for d, (inst, day) in enumerate(zip(insts, result.days, strict=True)):
        tag = day_name(d)

        def routes(p: Path, inst: Instance = inst, day: Any = day) -> object:
            return write_routes_csv(inst, day, p, lang=lang)

        writers[f"routes_{tag}.csv"] = routes
        if inst.coord_sys == "wgs84":

            def geo(p: Path, inst: Instance = inst, day: Any = day) -> object:
                return write_routes_geojson(inst, day, p)

            writers[f"routes_{tag}.geojson"] = geo
        if map_writer is not None and day.routes:

            def draw(p: Path, inst: Instance = inst, day: Any = day) -> object:
                return map_writer(inst, day, p)

            writers[f"map_{tag}.html"] = draw
    return write_folder_atomic(out_dir, writers)


def streams_of(week: WeekInstance) -> list[Stream]:
    """Return the streams of the week's stops, in the model's order."""
    have = {s.stream for s in week.base.stops}
    return [s for s in Stream if s in have]
