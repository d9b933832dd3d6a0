"""Reader for the Kim, Kim & Sahoo (2006) waste-collection VRPTW instances.

Format (``*_stop.txt``): five header lines whose first token is the vehicle
capacity (yd³), the route capacity per day (yd³ a vehicle may collect over
all its trips), the maximum stops per vehicle per day, the lunch length (s,
starting between 11:00 and 12:00) and the speed (mph); a header row; then one
row per node ``id x_ft y_ft early late service_s load_yd type`` with type 0
depot, 1 stop, 2 disposal site.

Mapping onto the model:

- Loads: the set's unit is the cubic yard; it goes into the ``*_kg`` fields
  unchanged (``meta["load_unit"] = "yd3"``), so capacities and demands stay
  comparable with the literature.
- Travel: Manhattan distance in feet, converted to metres in the matrix;
  travel time = miles / mph (as the set defines it).
- Coordinates are planar feet (``meta["coord_sys"] = "planar"``, lat = y).
- Times ``HHMM``; a few rows write decimal hours instead (``1675`` = 16.75 h,
  ``875`` = 8.75 h): a minute part of 60 or more is read that way.
- The depot row's window is the shift; disposal sites are landfills that
  accept the ``other`` stream, open in their window, unloading for their
  service time; stops keep their ids and windows (whole-day windows become
  no window).
- The lunch break may be taken anywhere on the route, with waste on board
  (``Break.loaded``): the set defines only its window and length, and
  the plans it is compared with place it so.
- The set has no fleet size: ``count`` is a safe upper bound,
  ``max(3 × LB + 2, LB + 5)`` with LB = max(ceil(total load / route capacity),
  ceil(total service / (shift − lunch))), capped at the number of stops;
  solve with ``minimize_vehicles``.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from optimizer.i18n import Text
from optimizer.io.errors import InputError, InputProblem
from optimizer.model import (
    DAY_S,
    Break,
    Instance,
    Site,
    SiteKind,
    Stop,
    Stream,
    TimeWindow,
    TravelMatrix,
    VehicleType,
)

FOOT_M = 0.3048
FEET_PER_MILE = 5280.0
LUNCH_WINDOW = TimeWindow(11 * 3600, 12 * 3600)
_HEADER = (
    Text("vehicle capacity (yd3)", "车辆容量（立方码）"),
    Text("route capacity per day (yd3)", "每日路线容量（立方码）"),
    Text("max stops per vehicle per day", "每车每日最多收集点数"),
    Text("lunch duration (s)", "午休时长（秒）"),
    Text("speed (mph)", "速度（英里/小时）"),
)
_ROW = Text("row", "行")


def _clock(token: str) -> int:
    value = round(float(token))
    hours, minutes = divmod(value, 100)
    if minutes >= 60:  # decimal hours, e.g. 1675 = 16.75 h
        return round(value / 100 * 3600)
    return hours * 3600 + minutes * 60


def parse_kim(text: str, name: str, *, file: str = "<text>") -> Instance:
    """Parse one Kim et al. (2006) instance.

    Parameters
    ----------
    text
        The file's contents.
    name
        Instance name, e.g. ``"102_stop"``.
    file
        File name for messages.

    Raises
    ------
    InputError
        Naming line and field of every malformed value.

    """
    problems: list[InputProblem] = []
    lines = text.splitlines()
    header: list[float] = []
    for k, what in enumerate(_HEADER):
        tokens = lines[k].split() if k < len(lines) else []
        try:
            header.append(float(tokens[0]))
            if header[-1] <= 0:
                raise ValueError
        except (IndexError, ValueError):
            problems.append(
                InputProblem(
                    file,
                    k + 1,
                    what,
                    tokens[0] if tokens else "",
                    Text("a positive number", "正数"),
                )
            )
    rows: list[tuple[int, list[str]]] = []
    for lineno, raw in enumerate(lines[6:], start=7):
        tokens = raw.split()
        if not tokens:
            continue
        if len(tokens) < 8:
            problems.append(
                InputProblem(
                    file,
                    lineno,
                    _ROW,
                    raw.strip()[:60],
                    Text(
                        "8 fields: id x y early late service load type",
                        "8 个字段：编号 x y 最早 最晚 服务时长 装载量 类型",
                    ),
                )
            )
            continue
        rows.append((lineno, tokens[:8]))
    if problems:
        raise InputError(problems)
    capacity, route_cap, max_stops, lunch_s, mph = header

    ids: list[str] = []
    xy: list[tuple[float, float]] = []
    stops: list[Stop] = []
    disposal: list[Site] = []
    depot: tuple[str, TimeWindow] | None = None
    for lineno, (sid, x, y, early, late, service, load, kind) in rows:
        try:
            fx, fy, fload, svc = float(x), float(y), float(load), round(float(service))
            window = TimeWindow(_clock(early), _clock(late))
        except ValueError as err:
            problems.append(
                InputProblem(
                    file,
                    lineno,
                    _ROW,
                    " ".join([sid, x, y, early, late]),
                    Text(f"numbers and HHMM times ({err})", "数字，时间为 HHMM 格式"),
                )
            )
            continue
        if sid in ids:
            problems.append(
                InputProblem(file, lineno, "Stop_ID", sid, Text("a unique id", "不重复的编号"))
            )
            continue
        if kind == "0":
            if depot is not None:
                problems.append(
                    InputProblem(
                        file,
                        lineno,
                        "Stop_Type",
                        kind,
                        Text("a single depot (type 0)", "仅一个车场（类型 0）"),
                    )
                )
                continue
            depot = (sid, window)
        elif kind == "2":
            disposal.append(
                Site(
                    sid,
                    f"disposal {sid}",
                    SiteKind.LANDFILL,
                    fy,
                    fx,
                    streams=frozenset({Stream.OTHER}),
                    hours=window,
                    unload_s=svc,
                )
            )
        elif kind == "1":
            if fload < 0 or svc < 0:
                problems.append(
                    InputProblem(
                        file,
                        lineno,
                        "load/service",
                        f"{load}/{service}",
                        Text("values >= 0", "≥ 0 的值"),
                    )
                )
                continue
            whole_day = window.start == 0 and window.end >= DAY_S
            stops.append(
                Stop(
                    sid,
                    f"stop {sid}",
                    fy,
                    fx,
                    Stream.OTHER,
                    fload,
                    service_s=svc,
                    window=None if whole_day else window,
                )
            )
        else:
            problems.append(
                InputProblem(
                    file,
                    lineno,
                    "Stop_Type",
                    kind,
                    Text(
                        "0 (depot), 1 (stop) or 2 (disposal site)",
                        "0（车场）、1（收集点）或 2（处置场）",
                    ),
                )
            )
            continue
        ids.append(sid)
        xy.append((fx, fy))
    if depot is None:
        problems.append(
            InputProblem(
                file, None, "Stop_Type", "", Text("one depot row (type 0)", "一行车场（类型 0）")
            )
        )
    if not disposal:
        problems.append(
            InputProblem(
                file,
                None,
                "Stop_Type",
                "",
                Text("at least one disposal site (type 2)", "至少一个处置场（类型 2）"),
            )
        )
    if problems or depot is None:
        raise InputError(problems)

    pts = np.array(xy)
    feet = np.abs(pts[:, None, :] - pts[None, :, :]).sum(axis=-1)
    travel = TravelMatrix(tuple(ids), feet * FOOT_M, feet / FEET_PER_MILE / mph * 3600.0)
    depot_id, shift = depot
    dx, dy = xy[ids.index(depot_id)]
    work = shift.length - lunch_s
    lower = max(
        math.ceil(sum(s.demand_kg for s in stops) / route_cap - 1e-9),
        math.ceil(sum(s.service_s for s in stops) / work) if work > 0 else len(stops),
        1,
    )
    truck = VehicleType(
        "truck",
        min(len(stops), max(3 * lower + 2, lower + 5)) if stops else 1,
        depot_id,
        frozenset({Stream.OTHER}),
        capacity_kg=capacity,
        shift=shift,
        break_=Break(LUNCH_WINDOW, round(lunch_s), loaded=True),
        max_stops=round(max_stops),
        max_load_kg_per_day=route_cap,
        name="compactor",
    )
    sites = (Site(depot_id, "depot", SiteKind.DEPOT, dy, dx, hours=shift), *disposal)
    meta = {
        "source": "Kim, Kim & Sahoo (2006), Computers & Operations Research 33(12):3624-3642",
        "file": file,
        "coord_sys": "planar",
        "coord_unit": "ft",
        "load_unit": "yd3",
        "speed_mph": f"{mph:g}",
        # Distances are reported in miles in the literature: metres / 1609.344.
        "objective_scale": repr(FEET_PER_MILE * FOOT_M),
    }
    return Instance(name, tuple(stops), sites, (truck,), travel, meta)


def read_kim(path: str | Path) -> Instance:
    """Read a Kim et al. (2006) ``*_stop.txt`` file."""
    path = Path(path)
    text = path.read_text(encoding="latin-1")
    return parse_kim(text, path.stem, file=str(path))
