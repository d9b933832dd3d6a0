"""Readers for VRPLIB benchmark sets, mapped onto the county instance model.

Covered: CVRP (Uchoa et al. X set, the E set), VRPTW (Gehring & Homberger,
the PyVRP/DIMACS dialect), Solomon 100 in the LKH-3 flavour (``SCALE``,
``FLOOR_2D``), multi-trip VRPTW with release dates and reloads at the depot
(MTVRPTWR) and the heterogeneous fleet VRP (HFVRP, Pessoa et al. 2018).
Parsing of the sections is done by the ``vrplib`` package; this module
checks the file first (so errors name a line), applies the set's rounding
convention and builds the :class:`~optimizer.model.Instance`.

Mapping, the same for every set:

- Node ``k`` of the file (0-based, depot first) becomes location id
  ``str(k)``: the number used in VRPLIB ``.sol`` files and Solomon's own
  customer numbers. The depot is site ``"0"``; vehicles unload at
  ``"0-unload"``, a facility at the depot's position that accepts the one
  stream (``other``). Single-trip sets cap each vehicle's daily load at its
  capacity (``max_load_kg_per_day``) so that unloading mid-route gains
  nothing; in MTVRPTWR the same facility is the reload point.
- Coordinates are planar (``meta["coord_sys"] = "planar"``; lat = y, lon = x).
- "m", "s" and "kg" are the set's own units, scaled by the convention's
  factor so that the matrix holds integers where the set's convention does:

  ============  ==========================================  =====  ==========
  convention    distance                                    scale  objective
  ============  ==========================================  =====  ==========
  ``nint``      ``floor(d + 0.5)`` (TSPLIB; CVRP X, E set)  1      distance
  ``dimacs``    ``floor(10 d)`` (one-decimal truncation)    10     distance
  ``scale``     the file's ``SCALE`` s with its weight      s      distance
                type, e.g. ``floor(s d)`` for FLOOR_2D
  ``exact``     ``round(1000 d)`` (PyVRP's HFVRP dialect)   1000   cost
  ``raw``       ``1000 d``, unrounded (Pessoa et al.)       1000   cost
  ============  ==========================================  =====  ==========

  HFVRP reads with ``exact`` by default; the solutions in ``hfvrp/`` whose
  cost is an integer (X115-HVRP: 1941256006 = 19412.56006 × 10^5) were
  computed that way, those stated to two decimals (X110-HD: 15859.34) with
  ``raw`` distances. The two differ by about 10^-7 of the cost.

  Times (windows, service, release) are multiplied by the same scale,
  because travel time equals distance in these sets. ``meta["objective_scale"]``
  divides the model's objective into the published value (so 7761 scaled
  units are RC208's 776.1). HFVRP costs are stored ×100 in the files (unit
  costs and fixed costs); the reader divides them by 100, so a plan's cost
  in the model equals the published cost (X110-HD: 15859.34).
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import vrplib
from numpy.typing import NDArray

from optimizer.distances import DENSE_MAX_POINTS
from optimizer.i18n import Text
from optimizer.io.errors import InputError, InputProblem
from optimizer.model import (
    Instance,
    MatrixView,
    Site,
    SiteKind,
    Stop,
    Stream,
    TimeWindow,
    TravelMatrix,
    VehicleType,
)

DEPOT_ID = "0"
UNLOAD_ID = "0-unload"
STREAM = Stream.OTHER

_SPEC = re.compile(r"^\s*([A-Za-z_]+)\s*:\s*(.*?)\s*$")
_SECTION = re.compile(r"^\s*([A-Z_]+_SECTION)\s*:?\s*$")

#: Sections with one row per node (id first), and their number of values per row.
_NODE_SECTIONS = {
    "NODE_COORD_SECTION": 2,
    "DEMAND_SECTION": 1,
    "TIME_WINDOW_SECTION": 2,
    "SERVICE_TIME_SECTION": 1,
    "RELEASE_TIME_SECTION": 1,
}
#: Sections with one row per vehicle.
_VEHICLE_SECTIONS = {
    "CAPACITY_SECTION",
    "VEHICLES_FIXED_COST_SECTION",
    "VEHICLES_UNIT_DISTANCE_COST_SECTION",
    "VEHICLES_RELOAD_DEPOT_SECTION",
}
_SUPPORTED = {*_NODE_SECTIONS, *_VEHICLE_SECTIONS, "DEPOT_SECTION", "EDGE_WEIGHT_SECTION"}
_TIMED_TYPES = {"VRPTW", "CVRPTW", "MTVRPTW", "MTVRPTWR"}


@dataclass(frozen=True)
class Convention:
    """How a set turns Euclidean distance ``d`` into its integer distance.

    ``scale`` multiplies distances and times; ``op`` rounds the scaled
    distance ("nint": half up, "floor", "ceil", or "none" to keep it exact).
    """

    name: str
    scale: int
    op: str

    def apply(self, d: NDArray[np.float64]) -> NDArray[np.float64]:
        """Return the set's distances for exact Euclidean distances ``d``."""
        x = d * self.scale
        match self.op:
            case "nint":
                return np.floor(x + 0.5)
            case "floor":
                return np.floor(x)
            case "ceil":
                return np.ceil(x)
            case "none":
                return x
        raise ValueError(f"unknown rounding {self.op!r}")

    def apply_one(self, d: float) -> float:
        """Return the set's distance for one exact Euclidean distance (as :meth:`apply`)."""
        x = d * self.scale
        match self.op:
            case "nint":
                return float(math.floor(x + 0.5))
            case "floor":
                return float(math.floor(x))
            case "ceil":
                return float(math.ceil(x))
            case "none":
                return x
        raise ValueError(f"unknown rounding {self.op!r}")


class EuclideanView(MatrixView):
    """A set's rounded Euclidean distances, computed when asked for.

    Above ``DENSE_MAX_POINTS`` nodes (the 3,000-10,000-customer files) a
    dense matrix would take 800 MB per copy, and the n × n × 2 differences
    behind it twice that; entries are the dense formula's, bit for bit.
    """

    def __init__(self, xy: NDArray[np.float64], convention: Convention) -> None:
        super().__init__(len(xy))
        self.xy, self.convention = xy, convention
        self._x, self._y = xy[:, 0].tolist(), xy[:, 1].tolist()

    def entries(self, rows: NDArray[np.intp], cols: NDArray[np.intp]) -> NDArray[np.float64]:
        """Return the entries at ``rows`` × ``cols`` (arrays that broadcast together)."""
        dx = self.xy[rows, 0] - self.xy[cols, 0]
        dy = self.xy[rows, 1] - self.xy[cols, 1]
        return self.convention.apply(np.sqrt(dx**2 + dy**2))

    def entry(self, i: int, j: int) -> float:
        """Return one entry."""
        dx, dy = self._x[i] - self._x[j], self._y[i] - self._y[j]
        return self.convention.apply_one(math.sqrt(dx * dx + dy * dy))

    def same_as(self, other: MatrixView) -> bool:
        """Return whether ``other`` is the same convention on the same points."""
        return (
            isinstance(other, EuclideanView)
            and self.convention == other.convention
            and np.array_equal(self.xy, other.xy)
        )


CONVENTIONS: Mapping[str, Convention] = {
    "nint": Convention("nint", 1, "nint"),
    "dimacs": Convention("dimacs", 10, "floor"),
    "exact": Convention("exact", 1000, "nint"),
    "raw": Convention("raw", 1000, "none"),
}

_WEIGHT_OPS = {"EUC_2D": "nint", "FLOOR_2D": "floor", "CEIL_2D": "ceil"}


@dataclass(frozen=True)
class _Layout:
    """Where each spec and section sits in the file (1-based lines)."""

    specs: dict[str, tuple[str, int]]
    sections: dict[str, tuple[int, list[tuple[int, list[str]]]]]


def _scan(text: str, file: str) -> _Layout:
    specs: dict[str, tuple[str, int]] = {}
    sections: dict[str, tuple[int, list[tuple[int, list[str]]]]] = {}
    current: str | None = None
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if line == "EOF":
            current = None
            continue
        m = _SECTION.match(line)
        if m:
            current = m.group(1)
            sections[current] = (lineno, [])
            continue
        m = _SPEC.match(line)
        if m and not line[0].isdigit() and not line.startswith("-"):
            specs[m.group(1).upper()] = (m.group(2).strip().strip('"'), lineno)
            current = None
            continue
        if current is None:
            raise InputError(
                [
                    InputProblem(
                        file,
                        lineno,
                        "",
                        line[:40],
                        Text(
                            "a 'KEY : value' line or a section",
                            "'KEY : value' 行，或以 '_SECTION' 结尾的段",
                        ),
                    )
                ]
            )
        sections[current][1].append((lineno, line.split()))
    return _Layout(specs, sections)


def _int_spec(layout: _Layout, key: str, file: str, problems: list[InputProblem]) -> int | None:
    if key not in layout.specs:
        return None
    value, lineno = layout.specs[key]
    try:
        out = int(float(value))
    except ValueError:
        problems.append(InputProblem(file, lineno, key, value, Text("a whole number", "整数")))
        return None
    if out < 1:
        problems.append(InputProblem(file, lineno, key, value, Text("a number >= 1", "≥ 1 的数")))
    return out


def _check_rows(
    layout: _Layout, name: str, count: int, width: int, file: str, problems: list[InputProblem]
) -> None:
    start, rows = layout.sections[name]
    if len(rows) != count:
        where = rows[-1][0] if rows else start
        problems.append(
            InputProblem(
                file,
                where,
                name,
                f"{len(rows)} rows",
                Text(
                    f"{count} rows (one per node or vehicle)", f"{count} 行（每个节点或车辆一行）"
                ),
            )
        )
    for k, (lineno, tokens) in enumerate(rows[:count], start=1):
        if len(tokens) != width + 1:
            problems.append(
                InputProblem(
                    file,
                    lineno,
                    name,
                    " ".join(tokens),
                    Text(f"an id and {width} value(s)", f"一个编号和 {width} 个值"),
                )
            )
            continue
        try:
            numbers = [float(t) for t in tokens]
        except ValueError:
            problems.append(
                InputProblem(file, lineno, name, " ".join(tokens), Text("numbers", "数字"))
            )
            continue
        if numbers[0] != k:
            problems.append(
                InputProblem(
                    file,
                    lineno,
                    name,
                    tokens[0],
                    Text(f"id {k} (ids in order)", f"编号 {k}（按顺序）"),
                )
            )
        if not all(math.isfinite(x) for x in numbers):
            problems.append(
                InputProblem(
                    file, lineno, name, " ".join(tokens), Text("finite numbers", "有限数字")
                )
            )


def _validate(layout: _Layout, file: str) -> tuple[int, int | None]:
    """Check the file's structure; return (dimension, vehicles)."""
    problems: list[InputProblem] = []
    dim = _int_spec(layout, "DIMENSION", file, problems)
    vehicles = _int_spec(layout, "VEHICLES", file, problems)
    if dim is None and not problems:
        problems.append(
            InputProblem(
                file, None, "DIMENSION", "", Text("a 'DIMENSION : n' line", "'DIMENSION : n' 行")
            )
        )
    for name, (lineno, _) in layout.sections.items():
        if name not in _SUPPORTED:
            problems.append(
                InputProblem(
                    file,
                    lineno,
                    name,
                    name,
                    Text(
                        f"one of the sections {', '.join(sorted(_SUPPORTED))}",
                        f"以下段之一：{', '.join(repr(x) for x in sorted(_SUPPORTED))}",
                    ),
                )
            )
    weight_type = layout.specs.get("EDGE_WEIGHT_TYPE", ("", 0))[0].upper()
    required = ["DEMAND_SECTION", "DEPOT_SECTION"]
    if weight_type != "EXPLICIT":
        required.insert(0, "NODE_COORD_SECTION")
    for name in required:
        if name not in layout.sections:
            problems.append(InputProblem(file, None, name, "", Text(f"a {name}", f"'{name}' 段")))
    if "CAPACITY" not in layout.specs and "CAPACITY_SECTION" not in layout.sections:
        problems.append(
            InputProblem(
                file,
                None,
                "CAPACITY",
                "",
                Text("a CAPACITY line or section", "'CAPACITY' 行或 'CAPACITY_SECTION' 段"),
            )
        )
    if problems or dim is None:
        raise InputError(problems)
    for name, width in _NODE_SECTIONS.items():
        if name in layout.sections:
            _check_rows(layout, name, dim, width, file, problems)
    for name in _VEHICLE_SECTIONS & set(layout.sections):
        if vehicles is None:
            problems.append(
                InputProblem(
                    file,
                    layout.sections[name][0],
                    "VEHICLES",
                    "",
                    Text("a VEHICLES line", "'VEHICLES' 行"),
                )
            )
        else:
            _check_rows(layout, name, vehicles, 1, file, problems)
    start, rows = layout.sections["DEPOT_SECTION"]
    depots = [t for _, tokens in rows for t in tokens if t != "-1"]
    if depots != ["1"]:
        where = rows[0][0] if rows else start
        problems.append(
            InputProblem(
                file,
                where,
                "DEPOT_SECTION",
                " ".join(depots),
                Text("one depot, node 1", "一个车场，即节点 1"),
            )
        )
    if "VEHICLES_RELOAD_DEPOT_SECTION" in layout.sections:
        for lineno, tokens in layout.sections["VEHICLES_RELOAD_DEPOT_SECTION"][1]:
            if tokens[1:] != ["1"]:
                problems.append(
                    InputProblem(
                        file,
                        lineno,
                        "VEHICLES_RELOAD_DEPOT_SECTION",
                        tokens[-1],
                        Text("depot 1", "车场 1"),
                    )
                )
    if problems:
        raise InputError(problems)
    return dim, vehicles


def _convention(layout: _Layout, set_type: str, override: str | None, file: str) -> Convention:
    if override is not None:
        if override not in CONVENTIONS:
            raise InputError(
                [
                    InputProblem(
                        file,
                        None,
                        "rounding",
                        override,
                        Text(f"one of {sorted(CONVENTIONS)}", f"以下之一：{sorted(CONVENTIONS)}"),
                    )
                ]
            )
        return CONVENTIONS[override]
    weight_type = layout.specs.get("EDGE_WEIGHT_TYPE", ("EUC_2D", 0))[0].upper()
    if "SCALE" in layout.specs:
        value, lineno = layout.specs["SCALE"]
        if weight_type not in _WEIGHT_OPS or not value.isdigit() or int(value) < 1:
            raise InputError(
                [
                    InputProblem(
                        file,
                        lineno,
                        "SCALE",
                        value,
                        Text(
                            "a whole number with a 2D weight type",
                            "整数，且 'EDGE_WEIGHT_TYPE' 为二维类型",
                        ),
                    )
                ]
            )
        return Convention("scale", int(value), _WEIGHT_OPS[weight_type])
    if weight_type == "EXPLICIT":
        return Convention("explicit", 1, "none")
    if weight_type not in _WEIGHT_OPS:
        where = layout.specs.get("EDGE_WEIGHT_TYPE", ("", None))[1]
        raise InputError(
            [
                InputProblem(
                    file,
                    where,
                    "EDGE_WEIGHT_TYPE",
                    weight_type,
                    Text("EUC_2D, FLOOR_2D or CEIL_2D", "'EUC_2D'、'FLOOR_2D' 或 'CEIL_2D'"),
                )
            ]
        )
    if weight_type != "EUC_2D":
        return Convention(weight_type.lower(), 1, _WEIGHT_OPS[weight_type])
    if set_type == "HFVRP":
        return CONVENTIONS["exact"]
    if set_type in _TIMED_TYPES:
        return CONVENTIONS["dimacs"]
    return CONVENTIONS["nint"]


def parse_vrplib(
    text: str,
    *,
    file: str = "<text>",
    rounding: str | None = None,
    num_vehicles: int | None = None,
) -> Instance:
    """Parse a VRPLIB benchmark instance into an :class:`Instance`.

    Parameters
    ----------
    text
        The file's contents.
    file
        The file name, for error messages and ``meta["source"]``.
    rounding
        A name in :data:`CONVENTIONS` to override the set's convention,
        which is otherwise inferred from ``TYPE``, ``EDGE_WEIGHT_TYPE`` and
        ``SCALE`` (see the module docstring).
    num_vehicles
        Fleet size when the file gives none (CVRP). By default a bound that
        always suffices: ``ceil(2 × total demand / capacity)`` (first-fit
        packing never needs more, since any two of its loads together exceed
        one capacity), at most one vehicle per customer.

    Raises
    ------
    InputError
        When a section or spec is missing or malformed; each problem names
        the file, line and field.

    """
    layout = _scan(text, file)
    dim, vehicles = _validate(layout, file)
    try:
        data = vrplib.parse.parse_vrplib(text, compute_edge_weights=False)
    except (ValueError, IndexError, KeyError) as err:
        raise InputError(
            [
                InputProblem(
                    file, None, "", str(err)[:80], Text("a VRPLIB file", "VRPLIB 格式的文件")
                )
            ]
        ) from err
    set_type = str(data.get("type", "CVRP")).strip().upper()
    conv = _convention(layout, set_type, rounding, file)
    dist: NDArray[np.float64] | EuclideanView
    if conv.name == "explicit":
        dist = np.asarray(data["edge_weight"], dtype=np.float64)
        coords = np.zeros((dim, 2))
    else:
        coords = np.asarray(data["node_coord"], dtype=np.float64)
        if dim > DENSE_MAX_POINTS:
            dist = EuclideanView(coords, conv)
        else:
            diff = coords[:, None, :] - coords[None, :, :]
            dist = conv.apply(np.sqrt((diff**2).sum(axis=-1)))
    if dist.shape != (dim, dim):
        raise InputError(
            [
                InputProblem(
                    file,
                    None,
                    "EDGE_WEIGHT_SECTION",
                    str(dist.shape),
                    Text(f"{dim}×{dim}", f"{dim}×{dim} 矩阵"),
                )
            ]
        )
    demand = np.asarray(data["demand"], dtype=np.float64)
    timed = "time_window" in data
    service = _per_node(data.get("service_time", 0), dim) * conv.scale
    release = _per_node(data.get("release_time", 0), dim) * conv.scale
    windows = np.asarray(data["time_window"], dtype=np.float64) * conv.scale if timed else None
    reload = "vehicles_reload_depot" in data
    fleet = _fleet(data, vehicles, set_type, conv, demand, num_vehicles)

    stops = [
        Stop(
            str(k),
            str(k),
            float(coords[k, 1]),
            float(coords[k, 0]),
            STREAM,
            float(demand[k]),
            service_s=_whole(service[k]),
            window=None if windows is None else _window(windows[k]),
            release_s=_whole(release[k]),
        )
        for k in range(1, dim)
    ]
    if windows is not None:
        horizon = _window(windows[0])
    elif isinstance(dist, EuclideanView):
        # Every arc is at most the bounding box's diagonal: a looser bound,
        # without the n × n pass the dense one needs.
        span = coords.max(axis=0) - coords.min(axis=0)
        diagonal = conv.apply_one(math.sqrt(float(span @ span)))
        horizon = TimeWindow(0, math.ceil(dim * diagonal + float(service.sum())))
    else:
        bound = float(dist.max(axis=1).sum() + service.sum())
        horizon = TimeWindow(0, math.ceil(bound))
    depot_xy = (float(coords[0, 1]), float(coords[0, 0]))
    types = tuple(
        VehicleType(
            f"T{j + 1}" if len(fleet) > 1 else "vehicle",
            count,
            DEPOT_ID,
            frozenset({STREAM}),
            capacity_kg=cap,
            shift=horizon,
            max_load_kg_per_day=None if reload else cap,
            fixed_cost=fixed,
            cost_per_km=per_unit * 1000.0 / conv.scale,
            name=f"capacity {cap:g}",
        )
        for j, (count, cap, fixed, per_unit) in enumerate(fleet)
    )
    name = str(data.get("name", Path(file).stem)).strip()
    objective = "cost" if set_type == "HFVRP" else "distance"
    meta = {
        "source": file,
        "set_type": set_type,
        "coord_sys": "planar",
        "rounding": f"{conv.name}: {conv.op} of {conv.scale} × Euclidean distance",
        "objective": objective,
        "objective_scale": "1" if objective == "cost" else str(conv.scale),
        "units": (
            f"distance_m and times are 1/{conv.scale} of the set's distance and time unit; "
            "kg is the set's demand unit"
            + ("; costs are the published costs (file values / 100)" if set_type == "HFVRP" else "")
        ),
        "fleet": "from the file" if vehicles is not None else "upper bound 2 × demand / capacity",
        "multi_trip": "yes" if reload else "no",
    }
    if isinstance(dist, EuclideanView):
        # Depot, its unload point (the depot again), then the customers.
        view = EuclideanView(coords[[0, *range(dim)]], conv)
        return benchmark_instance(name, stops, depot_xy, horizon, types, view, view, meta)
    return benchmark_instance(name, stops, depot_xy, horizon, types, dist, dist.copy(), meta)


def benchmark_instance(
    name: str,
    stops: Sequence[Stop],
    depot_xy: tuple[float, float],
    hours: TimeWindow,
    vehicle_types: Sequence[VehicleType],
    distance: NDArray[np.float64] | MatrixView,
    duration: NDArray[np.float64] | MatrixView,
    meta: Mapping[str, str],
    *,
    extra_sites: Sequence[Site] = (),
) -> Instance:
    """Build a benchmark instance with depot ``"0"`` and its unload point.

    ``distance`` and ``duration`` are indexed depot first, then ``stops``,
    then ``extra_sites``; the unload facility ``"0-unload"`` copies the
    depot's row and column. Matrices computed on demand (:class:`MatrixView`)
    are taken as they are: indexed like the instance already (depot, unload
    point, stops).
    """
    depot = Site(DEPOT_ID, "depot", SiteKind.DEPOT, depot_xy[0], depot_xy[1], hours=hours)
    unload = Site(
        UNLOAD_ID,
        "unload at the depot",
        SiteKind.TRANSFER,
        depot_xy[0],
        depot_xy[1],
        streams=frozenset({STREAM}),
        hours=hours,
    )
    order = [0, 0, *range(1, len(stops) + 1 + len(extra_sites))]
    ids = (DEPOT_ID, UNLOAD_ID, *(s.id for s in stops), *(s.id for s in extra_sites))
    if isinstance(distance, MatrixView) or isinstance(duration, MatrixView):
        travel = TravelMatrix(ids, distance, duration)
    else:
        travel = TravelMatrix(ids, distance[np.ix_(order, order)], duration[np.ix_(order, order)])
    return Instance(
        name, tuple(stops), (depot, unload, *extra_sites), tuple(vehicle_types), travel, meta
    )


def read_vrplib(
    path: str | os.PathLike[str], *, rounding: str | None = None, num_vehicles: int | None = None
) -> Instance:
    """Read a VRPLIB benchmark file; see :func:`parse_vrplib`."""
    from optimizer.io.load import read_input_text

    p = Path(path)
    text = read_input_text(p, encoding="utf-8")
    return parse_vrplib(text, file=str(p), rounding=rounding, num_vehicles=num_vehicles)


def _per_node(value: Any, dim: int) -> NDArray[np.float64]:
    arr = np.asarray(value, dtype=np.float64)
    return np.full(dim, float(arr)) if arr.ndim == 0 else arr


def _whole(x: float) -> int:
    # Scaled times are whole in every set read here; round away float noise.
    return round(float(x))


def _window(row: NDArray[np.float64]) -> TimeWindow:
    return TimeWindow(_whole(row[0]), _whole(row[1]))


def _fleet(
    data: Mapping[str, Any],
    vehicles: int | None,
    set_type: str,
    conv: Convention,
    demand: NDArray[np.float64],
    num_vehicles: int | None,
) -> list[tuple[int, float, float, float]]:
    """Return (count, capacity, fixed cost, cost per set distance unit) per type."""
    # HFVRP files store costs ×100 (Pessoa et al. 2018 via PyVRP's dialect).
    cost_div = 100.0 if set_type == "HFVRP" else 1.0
    count_total = vehicles if vehicles is not None else num_vehicles
    cap_raw = data["capacity"]
    if np.ndim(cap_raw) == 0:
        cap = float(cap_raw)
        if count_total is None:
            need = math.ceil(2.0 * float(demand.sum()) / cap)
            count_total = max(1, min(len(demand) - 1, need))
        return [(count_total, cap, 0.0, 1.0 / cost_div if set_type == "HFVRP" else 0.0)]
    n = len(cap_raw)
    caps = np.asarray(cap_raw, dtype=np.float64)
    fixed = np.asarray(data.get("vehicles_fixed_cost", np.zeros(n)), dtype=np.float64) / cost_div
    unit = (
        np.asarray(data.get("vehicles_unit_distance_cost", np.full(n, cost_div)), dtype=np.float64)
        / cost_div
    )
    groups: list[tuple[int, float, float, float]] = []
    for k in range(n):
        key = (float(caps[k]), float(fixed[k]), float(unit[k]))
        if groups and groups[-1][1:] == key:
            groups[-1] = (groups[-1][0] + 1, *key)
        else:
            groups.append((1, *key))
    return groups


def vehicle_slots(instance: Instance) -> list[tuple[str, str]]:
    """Return (vehicle name, type id) per vehicle in the file's vehicle order.

    VRPLIB solutions list one route per vehicle in this order (empty routes
    included), so route ``i`` of a ``.sol`` file belongs to slot ``i``.
    """
    return [(f"{vt.id}#{k + 1}", vt.id) for vt in instance.vehicle_types for k in range(vt.count)]


def objective_scale(instance: Instance) -> float:
    """Return the factor dividing the model's objective into the published value."""
    return float(instance.meta.get("objective_scale", "1"))
