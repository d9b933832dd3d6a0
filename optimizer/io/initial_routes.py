"""Today's routes (``ROUTES.csv``): read, validate and evaluate them as a plan.

One row per visit: ``vehicle``, ``type``, ``seq`` (order within the
vehicle's day) and ``stop`` (a stop id, or a facility id for an unloading
trip). Chinese headers are accepted:

=========  ================================================
column     also accepted
=========  ================================================
vehicle    车辆, 车辆编号, 车号, 车牌, 车牌号, truck
type       车型, 车辆类型, 类型, vehicle_type
seq        顺序, 序号, 次序, order, sequence
stop       收集点, 收集点编号, 站点, 点位, 地点, location, stop_id
=========  ================================================

``type`` may be left out when the fleet has a single vehicle type. Rows
naming the type's own depot are skipped (every route starts and ends there).

The file is checked against the instance (unknown stop, facility or type, a
stop listed twice, more vehicles of a type than the fleet has, bad ``seq``),
and every problem is reported at once with file, row and column. What is
left is turned into a plan by :func:`optimizer.evaluate.simulate_route`:
each vehicle leaves at its shift start, takes its break on the first leg
that reaches the break window, and, if the file names no facility for it,
unloads at the nearest facility accepting its load whenever the next stop
would not fit and before going home (drivers do so, but files often omit
it). The plan is then checked by :func:`optimizer.evaluate.check`, so its
km, hours and CO2 are known even when it breaks rules; the violations are
returned with it.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from optimizer import evaluate
from optimizer.evaluate import Violation
from optimizer.i18n import Text
from optimizer.io.cells import decode
from optimizer.io.columns import normalise
from optimizer.io.errors import InputError, InputProblem
from optimizer.model import Instance, SiteKind, Stream, VehicleType
from optimizer.routing.result import Route, RoutingResult, Unserved, UnservedReason, VisitKind

_ALIASES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "vehicle": ("vehicle", "车辆", "车辆编号", "车号", "车牌", "车牌号", "truck"),
        "type": ("type", "车型", "车辆类型", "类型", "vehicle_type"),
        "seq": ("seq", "顺序", "序号", "次序", "order", "sequence"),
        "stop": ("stop", "收集点", "收集点编号", "站点", "点位", "地点", "location", "stop_id"),
    }
)
_COLUMN_OF = {normalise(a): name for name, aliases in _ALIASES.items() for a in aliases}

#: The engine name of a plan read from a routes file.
ENGINE = "initial"


@dataclass(frozen=True)
class InitialRoutes:
    """Today's routes as a plan, with every rule they break."""

    result: RoutingResult
    violations: tuple[Violation, ...]


@dataclass(frozen=True)
class _Row:
    number: int  # spreadsheet row (header = 1)
    vehicle: str
    vtype: str
    seq: int
    location: str


def _parse_rows(
    text: str, file: str, instance: Instance, problems: list[InputProblem]
) -> list[_Row]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        return _rows_of(reader, file, instance, problems)
    except csv.Error:
        problems.append(
            InputProblem(
                file,
                reader.line_num,
                "",
                "",
                Text(
                    "well-formed CSV (check the quotes on this line)",
                    "格式正确的 CSV（请检查此行的引号）",
                ),
            )
        )
        return []


def _rows_of(
    reader: Any, file: str, instance: Instance, problems: list[InputProblem]
) -> list[_Row]:
    header = next(reader, None)
    if header is None or not any(h.strip() for h in header):
        problems.append(
            InputProblem(
                file,
                None,
                "",
                "",
                Text("a header row: vehicle, type, seq, stop", "表头行：vehicle、type、seq、stop"),
            )
        )
        return []
    index: dict[str, int] = {}
    for pos, head in enumerate(header):
        name = _COLUMN_OF.get(normalise(head))
        if name is not None and name not in index:
            index[name] = pos
    required = ["vehicle", "seq", "stop"]
    if len(instance.vehicle_types) != 1:
        required.insert(1, "type")
    for name in required:
        if name not in index:
            aliases = ", ".join(_ALIASES[name])
            found = ", ".join(repr(h) for h in header)
            problems.append(
                InputProblem(
                    file,
                    1,
                    name,
                    "",
                    Text(
                        f"a column {name!r} ({aliases}); found {found}",
                        f"列 {name!r}（{aliases}）；现有：{found}",
                    ),
                )
            )
    if any(name not in index for name in required):
        return []
    default_type = instance.vehicle_types[0].id if len(instance.vehicle_types) == 1 else ""
    rows: list[_Row] = []
    for cells in reader:
        number = reader.line_num
        if not any(c.strip() for c in cells):
            continue

        def cell(name: str, cells: list[str] = cells) -> str:
            pos = index.get(name)
            return cells[pos].strip() if pos is not None and pos < len(cells) else ""

        ok = True
        for name in required:
            if not cell(name):
                problems.append(InputProblem(file, number, name, "", Text("a value", "一个值")))
                ok = False
        seq_text = cell("seq")
        try:
            seq = int(seq_text)
        except ValueError:
            seq = 0
        if seq_text and seq < 1:
            problems.append(
                InputProblem(
                    file, number, "seq", seq_text, Text("a whole number >= 1", ">= 1 的整数")
                )
            )
            ok = False
        if ok:
            vtype = cell("type") or default_type
            rows.append(_Row(number, cell("vehicle"), vtype, seq, cell("stop")))
    if not rows and not problems:
        problems.append(
            InputProblem(file, None, "", "", Text("at least one route row", "至少一行路线"))
        )
    return rows


def _validate(
    rows: Sequence[_Row], file: str, instance: Instance, problems: list[InputProblem]
) -> list[_Row]:
    types = {vt.id: vt for vt in instance.vehicle_types}
    stops = {s.id for s in instance.stops}
    facilities = {s.id for s in instance.facilities}
    first_type: dict[str, _Row] = {}
    seen_stop: dict[str, int] = {}
    seen_seq: dict[tuple[str, int], int] = {}
    kept: list[_Row] = []
    for row in rows:
        bad = len(problems)
        if row.vtype not in types:
            problems.append(
                InputProblem(
                    file,
                    row.number,
                    "type",
                    row.vtype,
                    Text(f"a vehicle type: {', '.join(types)}", f"车型：{', '.join(types)}"),
                )
            )
        first = first_type.setdefault(row.vehicle, row)
        if first.vtype != row.vtype:
            problems.append(
                InputProblem(
                    file,
                    row.number,
                    "type",
                    row.vtype,
                    Text(
                        f"{first.vtype!r} as on row {first.number} for vehicle {row.vehicle!r}",
                        f"{first.vtype!r}，与车辆 {row.vehicle!r} 在第 {first.number} 行的一致",
                    ),
                )
            )
        key = (row.vehicle, row.seq)
        if key in seen_seq:
            problems.append(
                InputProblem(
                    file,
                    row.number,
                    "seq",
                    str(row.seq),
                    Text(
                        f"a seq not used before by vehicle {row.vehicle!r} (row {seen_seq[key]})",
                        f"车辆 {row.vehicle!r} 未用过的 seq（第 {seen_seq[key]} 行已用）",
                    ),
                )
            )
        seen_seq.setdefault(key, row.number)
        vt = types.get(row.vtype)
        if row.location in stops:
            if row.location in seen_stop:
                problems.append(
                    InputProblem(
                        file,
                        row.number,
                        "stop",
                        row.location,
                        Text(
                            f"each stop once; it is also on row {seen_stop[row.location]}",
                            f"每个收集点只出现一次；第 {seen_stop[row.location]} 行也有",
                        ),
                    )
                )
            seen_stop.setdefault(row.location, row.number)
        elif vt is not None and row.location == vt.depot:
            continue  # routes always start and end at the depot
        elif row.location not in facilities:
            what = Text("a stop id or a facility id of the instance", "收集点编号或处理设施编号")
            try:
                kind = instance.site(row.location).kind
            except KeyError:
                kind = None
            if kind is SiteKind.DEPOT and vt is not None:
                what = Text(
                    f"a stop or facility id (vehicles of type {vt.id} use depot {vt.depot})",
                    f"收集点或处理设施编号（{vt.id} 型车辆使用车场 {vt.depot}）",
                )
            problems.append(InputProblem(file, row.number, "stop", row.location, what))
        if len(problems) == bad:
            kept.append(row)
    vehicles_of: dict[str, list[str]] = {}
    for vehicle, row in first_type.items():
        vehicles_of.setdefault(row.vtype, []).append(vehicle)
    for type_id, vehicles in vehicles_of.items():
        vt = types.get(type_id)
        if vt is not None and len(vehicles) > vt.count:
            extra = first_type[vehicles[vt.count]]
            problems.append(
                InputProblem(
                    file,
                    extra.number,
                    "vehicle",
                    extra.vehicle,
                    Text(
                        f"at most {vt.count} vehicles of type {type_id} (the fleet has "
                        f"{vt.count}); the file uses {len(vehicles)}: {', '.join(vehicles)}",
                        f"{type_id} 型车辆最多 {vt.count} 辆（车队共 {vt.count} 辆）；"
                        f"文件中用了 {len(vehicles)} 辆：{', '.join(vehicles)}",
                    ),
                )
            )
    return kept


def _nearest_unload(
    instance: Instance, vt: VehicleType, here: str, streams: set[Stream]
) -> tuple[str, set[Stream]] | None:
    best: tuple[int, float, str] | None = None
    for site in instance.facilities:
        accepted = len(site.streams & streams)
        if accepted:
            key = (-accepted, instance.travel_of(vt.id).distance(here, site.id), site.id)
            best = key if best is None or key < best else best
    if best is None:
        return None
    return best[2], set(instance.site(best[2]).streams & streams)


def _with_unloads(instance: Instance, vt: VehicleType, locations: Sequence[str]) -> list[str]:
    """Insert unloading trips where a truck without listed unloads would overflow."""
    capacity = {s: kg for s, (kg, _) in evaluate.compartments(vt).items()}
    load: dict[Stream, float] = {}
    out: list[str] = []
    here = vt.depot

    def unload_all(streams: set[Stream]) -> None:
        nonlocal here
        while streams:
            found = _nearest_unload(instance, vt, here, streams)
            if found is None:
                return
            site, accepted = found
            out.append(site)
            here = site
            streams -= accepted
            for s in accepted:
                load[s] = 0.0

    for location in locations:
        stop = instance.stop(location)
        cap = capacity.get(stop.stream)
        on_board = load.get(stop.stream, 0.0)
        if cap is not None and on_board > 0 and on_board + stop.demand_kg > cap:
            unload_all({stop.stream})
        load[stop.stream] = load.get(stop.stream, 0.0) + stop.demand_kg
        out.append(location)
        here = location
    unload_all({s for s, kg in load.items() if kg > 0})
    return out


def _sequence(instance: Instance, locations: Sequence[str]) -> list[tuple[VisitKind, str]]:
    stops = {s.id for s in instance.stops}
    return [(VisitKind.STOP if loc in stops else VisitKind.UNLOAD, loc) for loc in locations]


def _route(instance: Instance, vehicle: str, vt: VehicleType, rows: Sequence[_Row]) -> Route:
    """Return today's route of ``vehicle``, its break where a crew takes it (see place_break)."""
    from optimizer.routing.sequence import place_break

    locations = [r.location for r in sorted(rows, key=lambda r: r.seq)]
    facilities = {s.id for s in instance.facilities}
    if not any(loc in facilities for loc in locations):
        locations = _with_unloads(instance, vt, locations)
    depot = (VisitKind.DEPOT, vt.depot)
    sequence = [depot, *_sequence(instance, locations), depot]
    route = place_break(instance, vehicle, vt, sequence, vt.shift.start)
    if (
        vt.break_ is None
        or any(v.kind is VisitKind.BREAK for v in route.visits)
        or not evaluate.check_route(instance, route)
    ):
        return route
    # A route that breaks other rules too gets its break on the first leg that
    # reaches the window, so that its other violations are the ones reported.
    for pos, visit in enumerate(route.visits[1:], start=1):
        if visit.arrival_s >= vt.break_.window.start:
            sequence = [*sequence[:pos], (VisitKind.BREAK, ""), *sequence[pos:]]
            break
    return evaluate.simulate_route(instance, vehicle, vt, sequence, vt.shift.start)


def _plan(instance: Instance, rows: Sequence[_Row], *, objective: str = "cost") -> InitialRoutes:
    """Return today's plan built from validated rows, with its violations."""
    by_vehicle: dict[str, list[_Row]] = {}
    for row in rows:
        by_vehicle.setdefault(row.vehicle, []).append(row)
    routes = tuple(
        _route(instance, vehicle, instance.vehicle_type(vrows[0].vtype), vrows)
        for vehicle, vrows in by_vehicle.items()
    )
    served = {s for r in routes for s in r.stops}
    unserved = tuple(
        Unserved(s.id, UnservedReason.NOT_ROUTED, "not on today's routes")
        for s in instance.stops
        if s.id not in served
    )
    result = RoutingResult(
        instance=instance.name,
        routes=routes,
        unserved=unserved,
        objective=objective,
        objective_value=evaluate.objective_value(routes, objective),
        engine=ENGINE,
        status="given",
    )
    return InitialRoutes(result, tuple(evaluate.check(instance, result)))


def parse_initial_routes(
    text: str, instance: Instance, *, file: str = "ROUTES.csv", objective: str = "cost"
) -> InitialRoutes:
    """Return today's routes from ``ROUTES.csv`` text, checked against ``instance``.

    Parameters
    ----------
    text
        The CSV text.
    instance
        The instance the routes belong to.
    file
        How error messages name the file.
    objective
        Which objective the plan's ``objective_value`` measures.

    Raises
    ------
    InputError
        Listing every bad row, with file, row, column, value and what is expected.

    """
    problems: list[InputProblem] = []
    rows = _parse_rows(text, file, instance, problems)
    rows = _validate(rows, file, instance, problems)
    if problems:
        raise InputError(problems)
    return _plan(instance, rows, objective=objective)


def read_initial_routes(
    path: str | os.PathLike[str], instance: Instance, *, objective: str = "cost"
) -> InitialRoutes:
    """Return today's routes from the ``ROUTES.csv`` file at ``path`` (UTF-8 or GB18030)."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise InputError(
            [InputProblem(str(p), None, "", "", Text("an existing file", "存在的文件"))]
        ) from None
    problems: list[InputProblem] = []
    decoded = decode(data, str(p), problems)
    if decoded is None:
        raise InputError(problems)
    return parse_initial_routes(decoded[0], instance, file=str(p), objective=objective)
