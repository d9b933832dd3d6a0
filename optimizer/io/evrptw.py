"""Reader for the E-VRPTW instances of Schneider, Stenger & Goeke (2014).

Text format: a header row, then one row per location ``StringID Type x y
demand ReadyTime DueDate ServiceTime`` with type ``d`` (depot), ``f``
(recharging station) or ``c`` (customer); then five parameter lines such as
``Q Vehicle fuel tank capacity /77.75/`` (Q battery capacity, C load
capacity, r consumption per distance unit, g recharging time per unit of
energy, v speed).

Mapping onto the instance model: the depot is site ``"0"`` with the unload
point ``"0-unload"`` (see :mod:`optimizer.io.vrplib_sets`); stations are
``SiteKind.CHARGER`` sites keeping their ids (``S0`` sits on the depot);
customers are stops keeping their ids (``C30``); every station charges at
``3600 / (g x 1000)`` kW, so that charging ``e`` units of energy takes
``g x e`` time units (partial recharging, as in the best-known solutions of
Schiffer et al.). Distances are exact
Euclidean distances (the set's convention: no rounding; best-known values
are stated to two decimals), stored ×1000 in ``distance_m`` so that an
integer-scaling engine keeps three decimals; times are ×1000 as well
(``meta["objective_scale"] = "1000"``). The vehicle is electric with a
battery of Q kWh (one kWh per battery unit) and no reserve, and the set's
parameters in ``extra``
(``battery``, ``consumption_per_unit``, ``recharge_time_per_unit``,
``velocity``); its energy rate is set so that the checker's energy in kWh
equals the set's battery units used.
"""

from __future__ import annotations

import math
import os
import re
from pathlib import Path

import numpy as np

from optimizer.i18n import Text
from optimizer.io.errors import InputError, InputProblem
from optimizer.io.vrplib_sets import DEPOT_ID, STREAM, benchmark_instance
from optimizer.model import Fuel, Instance, Site, SiteKind, Stop, TimeWindow, VehicleType

SCALE = 1000
_PARAMS = {"Q": "battery", "C": "capacity", "r": "consumption", "g": "recharge", "v": "velocity"}
_PARAM_LINE = re.compile(r"^([QCrgv])\s.*/\s*([-+0-9.eE]+)\s*/\s*$")
_ROW = Text("row", "行")
_COLUMNS = ["StringID", "Type", "x", "y", "demand", "ReadyTime", "DueDate", "ServiceTime"]


def parse_evrptw(text: str, *, file: str = "<text>", num_vehicles: int | None = None) -> Instance:
    """Parse an E-VRPTW instance into an :class:`Instance`.

    Parameters
    ----------
    text
        The file's contents.
    file
        The file name, for messages and ``meta["source"]``.
    num_vehicles
        Fleet size; the set's fleet is unlimited, so by default one vehicle
        per customer.

    Raises
    ------
    InputError
        Naming file, line and field of every malformed row or missing
        parameter.

    """
    problems: list[InputProblem] = []
    rows: list[tuple[int, list[str]]] = []
    params: dict[str, float] = {}
    lines = text.splitlines()
    if not lines or lines[0].split() != _COLUMNS:
        problems.append(
            InputProblem(
                file,
                1,
                Text("header", "表头"),
                lines[0][:60] if lines else "",
                Text(" ".join(_COLUMNS), f"表头 '{' '.join(_COLUMNS)}'"),
            )
        )
    for lineno, raw in enumerate(lines[1:], start=2):
        line = raw.strip()
        if not line:
            continue
        m = _PARAM_LINE.match(line)
        if m:
            params[_PARAMS[m.group(1)]] = float(m.group(2))
            continue
        tokens = line.split()
        if len(tokens) != len(_COLUMNS) or tokens[1] not in ("d", "f", "c"):
            problems.append(
                InputProblem(
                    file,
                    lineno,
                    _ROW,
                    line[:60],
                    Text(
                        "8 fields: id, type d/f/c, x, y, demand, "
                        "ready, due, service — or a parameter line like 'Q ... /77.75/'",
                        "8 个字段：编号、类型（'d'、'f' 或 'c'）、'x'、'y'、"
                        "需求、最早、最晚、服务时长，或形如 'Q ... /77.75/' 的参数行",
                    ),
                )
            )
            continue
        try:
            values = [float(t) for t in tokens[2:]]
        except ValueError:
            problems.append(
                InputProblem(
                    file, lineno, _ROW, line[:60], Text("numbers after the type", "类型之后为数字")
                )
            )
            continue
        if not all(math.isfinite(v) for v in values) or values[2] < 0 or values[5] < 0:
            problems.append(
                InputProblem(
                    file,
                    lineno,
                    _ROW,
                    line[:60],
                    Text("finite, non-negative values", "有限的非负数值"),
                )
            )
        elif values[4] < values[3]:
            problems.append(
                InputProblem(
                    file,
                    lineno,
                    "DueDate",
                    tokens[6],
                    Text(f">= {tokens[5]} (ReadyTime)", f"≥ {tokens[5]}（'ReadyTime'）"),
                )
            )
        rows.append((lineno, tokens))
    for key, name in _PARAMS.items():
        if name not in params:
            problems.append(
                InputProblem(
                    file,
                    None,
                    key,
                    "",
                    Text(f"a parameter line '{key} ... /x/'", f"参数行 '{key} ... /x/'"),
                )
            )
        elif params[name] <= 0:
            problems.append(
                InputProblem(file, None, key, str(params[name]), Text("a value > 0", "> 0 的值"))
            )
    depots = [r for r in rows if r[1][1] == "d"]
    if len(depots) != 1:
        problems.append(
            InputProblem(
                file,
                None,
                "Type",
                f"{len(depots)} depots",
                Text("one 'd' row", "一行类型为 'd' 的车场"),
            )
        )
    if problems:
        raise InputError(problems)

    ordered = depots + [r for r in rows if r[1][1] == "c"] + [r for r in rows if r[1][1] == "f"]
    xy = np.array([[float(t[2]), float(t[3])] for _, t in ordered])
    diff = xy[:, None, :] - xy[None, :, :]
    dist = np.sqrt((diff**2).sum(axis=-1))
    distance = dist * SCALE
    duration = dist / params["velocity"] * SCALE

    def window(tokens: list[str]) -> TimeWindow:
        return TimeWindow(round(float(tokens[5]) * SCALE), round(float(tokens[6]) * SCALE))

    depot_tokens = depots[0][1]
    hours = window(depot_tokens)
    stops = [
        Stop(
            t[0],
            t[0],
            float(t[3]),
            float(t[2]),
            STREAM,
            float(t[4]),
            service_s=round(float(t[7]) * SCALE),
            window=window(t),
        )
        for _, t in ordered
        if t[1] == "c"
    ]
    stations = [
        Site(
            t[0],
            f"station {t[0]}",
            SiteKind.CHARGER,
            float(t[3]),
            float(t[2]),
            hours=hours,
            # Recharging one unit of energy takes g time units (x SCALE seconds).
            charger_kw=3600.0 / (params["recharge"] * SCALE),
            extra={"recharge_time_per_unit": f"{params['recharge']:g}"},
        )
        for _, t in ordered
        if t[1] == "f"
    ]
    if DEPOT_ID in {s.id for s in stops} | {s.id for s in stations}:
        raise InputError(
            [
                InputProblem(
                    file, None, "StringID", DEPOT_ID, Text("ids other than '0'", "'0' 以外的编号")
                )
            ]
        )
    rate = 100.0 * params["consumption"]  # per 100 "km" = per 100 set units of distance
    vehicle = VehicleType(
        "EV",
        num_vehicles if num_vehicles is not None else max(1, len(stops)),
        DEPOT_ID,
        frozenset({STREAM}),
        capacity_kg=params["capacity"],
        fuel=Fuel.ELECTRIC,
        battery_kwh=params["battery"],
        shift=hours,
        max_load_kg_per_day=params["capacity"],
        name="electric vehicle",
        extra={
            "battery": f"{params['battery']:g}",
            "consumption_per_unit": f"{params['consumption']:g}",
            "recharge_time_per_unit": f"{params['recharge']:g}",
            "velocity": f"{params['velocity']:g}",
            "empty_per_100km": f"{rate:g}",
            "full_per_100km": f"{rate:g}",
        },
    )
    meta = {
        "source": file,
        "set_type": "EVRPTW",
        "coord_sys": "planar",
        "rounding": "none: exact Euclidean distance",
        "objective": "distance",
        "objective_scale": str(SCALE),
        "units": (
            f"distance_m and times are 1/{SCALE} of the set's distance and time unit; "
            "kg is the set's demand unit; energy_kwh is the set's battery unit"
        ),
        "fleet": "unlimited in the set; one vehicle per customer",
        "multi_trip": "no",
    }
    name = Path(file).stem
    return benchmark_instance(
        name,
        stops,
        (float(depot_tokens[3]), float(depot_tokens[2])),
        hours,
        [vehicle],
        distance,
        duration,
        meta,
        extra_sites=stations,
    )


def read_evrptw(path: str | os.PathLike[str], *, num_vehicles: int | None = None) -> Instance:
    """Read an E-VRPTW instance file; see :func:`parse_evrptw`."""
    from optimizer.io.load import read_input_text

    p = Path(path)
    text = read_input_text(p, encoding="utf-8")
    return parse_evrptw(text, file=str(p), num_vehicles=num_vehicles)
