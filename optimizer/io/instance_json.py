"""The native JSON instance format: every field of the model, read back exactly.

Floats are written as Python's shortest round-trip text, so
``loads(dumps(instance)) == instance`` holds bit for bit, travel matrix
included. Units are those of the model (metres, seconds, kg, m3, yuan).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from optimizer.coords import records_to_wgs84
from optimizer.i18n import Text
from optimizer.io.atomic import write_text_atomic
from optimizer.io.errors import InputError, InputProblem
from optimizer.io.json_fields import (
    MISSING,
    OBJECTS,
    STRING,
    JsonFields,
    field_path,
    is_int,
    is_list_of_objects,
    is_member,
    is_number,
    is_str,
)
from optimizer.io.load import parse_json_text, read_input_text
from optimizer.model import (
    Break,
    BuildOption,
    Fuel,
    Instance,
    ModelError,
    Site,
    SiteKind,
    Stop,
    Stream,
    TimeWindow,
    TravelMatrix,
    VehicleType,
)

FORMAT = "countyopt-instance"
VERSION = 1

# What fields hold, in both languages.
A_NUMBER = Text("a number", "数")
WHOLE_SECONDS = Text("whole seconds", "整数秒")
STRING_MAP = Text("an object of strings", "值为字符串的对象")
WHOLE = Text("a whole number", "整数")
A_LIST = Text("a list", "列表")
STREAM_LIST = Text("a list of streams", "垃圾类别列表")
PAIR = Text("[start_s, end_s] or null", "[start_s, end_s] 或 null")
OBJECT_OR_NULL = Text("an object or null", "对象或 null")
SITE_ID = Text("a site id", "设施编号")
WHOLE_OR_NULL = Text("a whole number or null", "整数或 null")
NUMBER_OR_NULL = Text("a number or null", "数或 null")
PER_WEEK = Text("a whole number 1..14", "1 到 14 的整数")
YUAN = Text("a number (yuan)", "数（元）")
BOOL = Text("true or false", "true 或 false")
ID_LIST = Text("a list of ids", "编号列表")
SQUARE = Text("a square list of lists", "方阵（列表的列表）")
SQUARE_NUMBERS = Text("a square list of lists of numbers", "由数构成的方阵（列表的列表）")
TRAVEL = Text(
    "an object with ids, distance_m and duration_s", "含 ids、distance_m 和 duration_s 的对象"
)


def _one_of(en: str, zh: str, values: Any) -> Text:
    names = ", ".join(values)
    return Text(f"{en}: {names}", f"{zh}：{names}")


_T = TypeVar("_T")


def _window(w: TimeWindow | None) -> list[int] | None:
    return None if w is None else [w.start, w.end]


def to_dict(instance: Instance) -> dict[str, Any]:
    """Return ``instance`` as plain JSON-ready data."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "name": instance.name,
        "meta": dict(instance.meta),
        "sites": [
            {
                "id": s.id,
                "name": s.name,
                "kind": s.kind.value,
                "lat": s.lat,
                "lon": s.lon,
                "streams": sorted(x.value for x in s.streams),
                "hours": _window(s.hours),
                "unload_s": s.unload_s,
                "capacity_kg_per_day": s.capacity_kg_per_day,
                "candidate": s.candidate,
                "charger_kw": s.charger_kw,
                "chargers": s.chargers,
                "build_options": [
                    {
                        "size_class": o.size_class,
                        "capacity_kg_per_day": o.capacity_kg_per_day,
                        "capital_cost": o.capital_cost,
                        "fixed_cost_per_year": o.fixed_cost_per_year,
                    }
                    for o in s.build_options
                ],
                "extra": dict(s.extra),
            }
            for s in instance.sites
        ],
        "stops": [
            {
                "id": s.id,
                "name": s.name,
                "lat": s.lat,
                "lon": s.lon,
                "stream": s.stream.value,
                "demand_kg": s.demand_kg,
                "demand_m3": s.demand_m3,
                "service_s": s.service_s,
                "window": _window(s.window),
                "frequency_per_week": s.frequency_per_week,
                "release_s": s.release_s,
                "area": s.area,
                "extra": dict(s.extra),
            }
            for s in instance.stops
        ],
        "vehicle_types": [
            {
                "id": v.id,
                "name": v.name,
                "count": v.count,
                "depot": v.depot,
                "streams": sorted(x.value for x in v.streams),
                "capacity_kg": v.capacity_kg,
                "capacity_m3": v.capacity_m3,
                "fuel": v.fuel.value,
                "range_m": v.range_m,
                "battery_kwh": v.battery_kwh,
                "reserve_kwh": v.reserve_kwh,
                "shift": _window(v.shift),
                "break": None
                if v.break_ is None
                else {
                    "window": _window(v.break_.window),
                    "duration_s": v.break_.duration_s,
                    "loaded": v.break_.loaded,
                },
                "max_stops": v.max_stops,
                "max_load_kg_per_day": v.max_load_kg_per_day,
                "max_duration_s": v.max_duration_s,
                "fixed_cost": v.fixed_cost,
                "cost_per_km": v.cost_per_km,
                "cost_per_h": v.cost_per_h,
                "speed_factor": v.speed_factor,
                "extra": dict(v.extra),
            }
            for v in instance.vehicle_types
        ],
        "travel": {
            "ids": list(instance.travel.ids),
            "distance_m": instance.travel.distance_m.tolist(),
            "duration_s": instance.travel.duration_s.tolist(),
        },
    }


def dumps(instance: Instance) -> str:
    """Return ``instance`` as JSON text (UTF-8 friendly: Chinese is kept as is)."""
    return json.dumps(to_dict(instance), ensure_ascii=False, allow_nan=False, indent=1)


def write_instance_json(instance: Instance, path: str | Path) -> None:
    """Write ``instance`` to ``path`` as JSON, atomically."""
    write_text_atomic(path, dumps(instance) + "\n")


class _Reader(JsonFields):
    """JSON field access with the model's time windows and records."""

    def window(self, obj: dict[str, Any], where: str, key: str, default: Any) -> TimeWindow | None:
        value = self.get(obj, where, key, _is_pair, PAIR, default)
        if value is None:
            return None
        try:
            return TimeWindow(int(value[0]), int(value[1]))
        except ModelError as err:
            self.report(
                field_path(where, key),
                value,
                Text(f"a valid time window ({err})", f"有效的时间窗（{err}）"),
            )
            return None

    def build(self, where: str, make: Callable[..., _T], fields: dict[str, Any]) -> _T | None:
        try:
            return make(**fields)
        except (ModelError, ValueError, TypeError) as err:
            self.report(where, MISSING, Text(f"a valid record ({err})", f"有效的记录（{err}）"))
            return None


def _is_pair(v: Any) -> bool:
    return isinstance(v, list) and len(v) == 2 and all(is_int(x) for x in v)


def _is_str_map(v: Any) -> bool:
    return isinstance(v, dict) and all(isinstance(x, str) for x in v.values())


def _streams_check(v: Any) -> bool:
    return isinstance(v, list) and all(is_member(Stream)(x) for x in v)


def _site(r: _Reader, obj: dict[str, Any], where: str) -> Site | None:
    options = []
    for k, o in enumerate(r.get(obj, where, "build_options", is_list_of_objects, A_LIST, []) or []):
        w = f"{where}.build_options[{k}]"
        options.append(
            r.build(
                w,
                BuildOption,
                dict(
                    size_class=r.get(o, w, "size_class", is_str, STRING),
                    capacity_kg_per_day=r.get(o, w, "capacity_kg_per_day", is_number, A_NUMBER),
                    capital_cost=r.get(o, w, "capital_cost", is_number, A_NUMBER),
                    fixed_cost_per_year=r.get(
                        o, w, "fixed_cost_per_year", is_number, A_NUMBER, 0.0
                    ),
                ),
            )
        )
    fields = dict(
        id=r.get(obj, where, "id", is_str, STRING),
        name=r.get(obj, where, "name", is_str, STRING, ""),
        kind=r.get(
            obj, where, "kind", is_member(SiteKind), _one_of("a site kind", "设施类型", SiteKind)
        ),
        lat=r.get(obj, where, "lat", is_number, A_NUMBER),
        lon=r.get(obj, where, "lon", is_number, A_NUMBER),
        streams=r.get(obj, where, "streams", _streams_check, STREAM_LIST, []),
        hours=r.window(obj, where, "hours", None),
        unload_s=r.get(obj, where, "unload_s", is_int, WHOLE_SECONDS, 0),
        capacity_kg_per_day=r.get(obj, where, "capacity_kg_per_day", is_number, A_NUMBER, None),
        candidate=r.get(obj, where, "candidate", lambda v: isinstance(v, bool), BOOL, False),
        charger_kw=r.get(obj, where, "charger_kw", is_number, NUMBER_OR_NULL, None),
        chargers=r.get(obj, where, "chargers", is_int, WHOLE_OR_NULL, None),
        build_options=tuple(o for o in options if o is not None),
        extra=r.get(obj, where, "extra", _is_str_map, STRING_MAP, {}),
    )
    if any(v is None for k, v in fields.items() if k in ("id", "kind", "lat", "lon")):
        return None
    fields["kind"] = SiteKind(fields["kind"])
    fields["streams"] = frozenset(Stream(x) for x in fields["streams"] or [])
    return r.build(where, Site, fields)


def _stop(r: _Reader, obj: dict[str, Any], where: str) -> Stop | None:
    fields = dict(
        id=r.get(obj, where, "id", is_str, STRING),
        name=r.get(obj, where, "name", is_str, STRING, ""),
        lat=r.get(obj, where, "lat", is_number, A_NUMBER),
        lon=r.get(obj, where, "lon", is_number, A_NUMBER),
        stream=r.get(
            obj, where, "stream", is_member(Stream), _one_of("a stream", "垃圾类别", Stream)
        ),
        demand_kg=r.get(obj, where, "demand_kg", is_number, A_NUMBER),
        demand_m3=r.get(obj, where, "demand_m3", is_number, A_NUMBER, 0.0),
        service_s=r.get(obj, where, "service_s", is_int, WHOLE_SECONDS, 0),
        window=r.window(obj, where, "window", None),
        frequency_per_week=r.get(obj, where, "frequency_per_week", is_int, PER_WEEK, 7),
        release_s=r.get(obj, where, "release_s", is_int, WHOLE_SECONDS, 0),
        area=r.get(obj, where, "area", is_str, STRING, ""),
        extra=r.get(obj, where, "extra", _is_str_map, STRING_MAP, {}),
    )
    if any(v is None for k, v in fields.items() if k != "window"):
        return None
    fields["stream"] = Stream(fields["stream"])
    return r.build(where, Stop, fields)


def _vehicle_type(r: _Reader, obj: dict[str, Any], where: str) -> VehicleType | None:
    brk_obj = r.get(obj, where, "break", lambda v: isinstance(v, dict), OBJECT_OR_NULL, None)
    brk = None
    if brk_obj is not None:
        bw = f"{where}.break"
        window = r.window(brk_obj, bw, "window", MISSING)
        duration = r.get(brk_obj, bw, "duration_s", is_int, WHOLE_SECONDS)
        loaded = r.get(brk_obj, bw, "loaded", lambda v: isinstance(v, bool), BOOL, False)
        if window is not None and duration is not None:
            brk = r.build(bw, Break, dict(window=window, duration_s=duration, loaded=loaded))
    optional_num = dict.fromkeys(
        ("capacity_m3", "range_m", "battery_kwh", "max_load_kg_per_day"), is_number
    )
    fields: dict[str, Any] = dict(
        id=r.get(obj, where, "id", is_str, STRING),
        name=r.get(obj, where, "name", is_str, STRING, ""),
        count=r.get(obj, where, "count", is_int, WHOLE),
        depot=r.get(obj, where, "depot", is_str, SITE_ID),
        streams=r.get(obj, where, "streams", _streams_check, STREAM_LIST),
        capacity_kg=r.get(obj, where, "capacity_kg", is_number, A_NUMBER),
        fuel=r.get(obj, where, "fuel", is_member(Fuel), _one_of("a fuel", "燃料", Fuel), "diesel"),
        shift=r.window(obj, where, "shift", MISSING),
        break_=brk,
        max_stops=r.get(obj, where, "max_stops", is_int, WHOLE_OR_NULL, None),
        max_duration_s=r.get(obj, where, "max_duration_s", is_int, WHOLE_SECONDS, None),
        speed_factor=r.get(obj, where, "speed_factor", is_number, A_NUMBER, 1.0),
        extra=r.get(obj, where, "extra", _is_str_map, STRING_MAP, {}),
    )
    for key, check in optional_num.items():
        fields[key] = r.get(obj, where, key, check, NUMBER_OR_NULL, None)
    for key in ("fixed_cost", "cost_per_km", "cost_per_h"):
        fields[key] = r.get(obj, where, key, is_number, YUAN, 0.0)
    fields["reserve_kwh"] = r.get(obj, where, "reserve_kwh", is_number, A_NUMBER, 0.0)
    required = ("id", "count", "depot", "streams", "capacity_kg", "fuel", "shift", "speed_factor")
    if any(fields[k] is None for k in required):
        return None
    fields["streams"] = frozenset(Stream(x) for x in fields["streams"])
    fields["fuel"] = Fuel(fields["fuel"])
    return r.build(where, VehicleType, fields)


def _travel(r: _Reader, obj: Any) -> TravelMatrix | None:
    if not isinstance(obj, dict):
        r.report("travel", obj, TRAVEL)
        return None
    ids = r.get(
        obj,
        "travel",
        "ids",
        lambda v: isinstance(v, list) and all(map(is_str, v)),
        ID_LIST,
    )
    mats = []
    for key in ("distance_m", "duration_s"):
        value = r.get(obj, "travel", key, lambda v: isinstance(v, list), SQUARE)
        try:
            mats.append(np.array(value, dtype=np.float64) if value is not None else None)
        except (ValueError, TypeError):
            r.report(f"travel.{key}", MISSING, SQUARE_NUMBERS)
            mats.append(None)
    if ids is None or mats[0] is None or mats[1] is None:
        return None
    return r.build(
        "travel", TravelMatrix, dict(ids=tuple(ids), distance_m=mats[0], duration_s=mats[1])
    )


def parse(text: str, *, file: str = "<json>", coord_sys: str | None = None) -> Instance:
    """Return the instance in JSON ``text``.

    Parameters
    ----------
    text
        A document written by :func:`dumps`.
    file
        How messages name the source.
    coord_sys
        ``"gcj02"`` converts the coordinates to WGS-84.

    Raises
    ------
    InputError
        Listing every bad field with its JSON path.

    """
    r = _Reader(file)
    doc = parse_json_text(text, file=file)
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise InputError(
            [
                InputProblem(
                    file,
                    None,
                    "format",
                    "",
                    Text(
                        f"a JSON object with format {FORMAT!r}",
                        f"format 为 {FORMAT!r} 的 JSON 对象",
                    ),
                )
            ]
        )
    if doc.get("version") != VERSION:
        r.report(
            "version", doc.get("version", MISSING), Text(f"version {VERSION}", f"版本 {VERSION}")
        )
    lists = {}
    for key in ("sites", "stops", "vehicle_types"):
        lists[key] = r.get(doc, "", key, is_list_of_objects, OBJECTS) or []
    sites = [_site(r, o, f"sites[{k}]") for k, o in enumerate(lists["sites"])]
    stops = [_stop(r, o, f"stops[{k}]") for k, o in enumerate(lists["stops"])]
    types = [
        _vehicle_type(r, o, f"vehicle_types[{k}]") for k, o in enumerate(lists["vehicle_types"])
    ]
    travel = _travel(r, doc.get("travel"))
    name = r.get(doc, "", "name", is_str, STRING)
    meta = r.get(doc, "", "meta", _is_str_map, STRING_MAP, {})
    if r.problems:
        raise InputError(r.problems)
    good_sites = [s for s in sites if s is not None]
    good_stops = [s for s in stops if s is not None]
    meta = dict(meta)
    if coord_sys == "gcj02":
        good_sites = records_to_wgs84(good_sites)
        good_stops = records_to_wgs84(good_stops)
        meta.update(coord_sys="wgs84", coord_sys_input="gcj02")
    try:
        return Instance(
            name=name,
            stops=tuple(good_stops),
            sites=tuple(good_sites),
            vehicle_types=tuple(t for t in types if t is not None),
            travel=travel,  # type: ignore[arg-type]
            meta=meta,
        )
    except ModelError as err:
        expected = Text(f"a valid instance ({err})", f"有效的实例（{err}）")
        raise InputError([InputProblem(file, None, "", "", expected)]) from err


loads = parse


def read_instance_json(path: str | Path, *, coord_sys: str | None = None) -> Instance:
    """Read an instance written by :func:`write_instance_json`."""
    return parse(read_input_text(path), file=Path(path).name, coord_sys=coord_sys)
