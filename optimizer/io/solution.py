"""The routing result file ``solution.json``: write it, read it back exactly.

The file is the routing result contract of DESIGN.md. Every number keeps its
model unit, named in its key (``distance_m``, ``arrival_s``, ``load_kg``,
``co2_kg``, ``cost_yuan``); times also appear as "HH:MM" for people (hours may
pass 24 for night shifts). Readers use the ``*_s`` values; the "HH:MM" strings,
location names and totals are derived from them and ignored when reading.
``schema_version`` changes whenever a key changes meaning.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from optimizer.io.atomic import write_text_atomic
from optimizer.io.errors import InputError
from optimizer.io.json_fields import MISSING, JsonFields, is_member
from optimizer.io.load import parse_json_text, read_input_text
from optimizer.model import Instance, Site, Stop
from optimizer.routing.result import (
    Route,
    RoutingResult,
    Unserved,
    UnservedReason,
    Visit,
    VisitKind,
)
from optimizer.timefmt import format_clock

#: Road shape of legs, [lat, lon] pairs (optimizer.roads), by (from, to) location id,
#: or by (vehicle type, from, to) where types drive different roads: see :func:`leg_shape`.
LegGeometry = Mapping[tuple[str, ...], list[list[float]]]

SCHEMA = "countyopt.solution"
SCHEMA_VERSION = 1


def leg_shape(
    geometry: LegGeometry | None, route: Route, a: str, b: str
) -> list[list[float]] | None:
    """Return the road shape of ``route``'s leg a -> b: its type's own, else the shared one."""
    if not geometry:
        return None
    own = geometry.get((route.vehicle_type, a, b))
    return own if own is not None else geometry.get((a, b))


def find_place(instance: Instance, location: str) -> Stop | Site | None:
    """Return the stop or site of ``instance`` with id ``location``, or None if it has neither."""
    for lookup in (instance.stop, instance.site):
        try:
            return lookup(location)
        except KeyError:
            continue
    return None


def location_name(instance: Instance, location: str) -> str:
    """Return the name of the stop or site ``location``, or "" for an unknown id."""
    place = find_place(instance, location)
    return "" if place is None else place.name


def _visit_dict(visit: Visit, instance: Instance) -> dict[str, Any]:
    return {
        "kind": visit.kind.value,
        "location": visit.location,
        "name": location_name(instance, visit.location),
        "arrival_s": visit.arrival_s,
        "arrival": format_clock(visit.arrival_s),
        "start_s": visit.start_s,
        "start": format_clock(visit.start_s),
        "departure_s": visit.departure_s,
        "departure": format_clock(visit.departure_s),
        "load_kg": visit.load_kg,
        "load_m3": visit.load_m3,
    }


def _visit_dicts(
    route: Route, instance: Instance, geometry: LegGeometry | None
) -> list[dict[str, Any]]:
    out = [_visit_dict(v, instance) for v in route.visits]
    # A visit reached along the roads carries the leg's shape ([lat, lon] pairs).
    for prev, visit, doc in zip(route.visits, route.visits[1:], out[1:], strict=False):
        leg = leg_shape(geometry, route, prev.location, visit.location)
        if leg:
            doc["geometry"] = leg
    return out


def _route_dict(
    route: Route, instance: Instance, geometry: LegGeometry | None = None
) -> dict[str, Any]:
    return {
        "vehicle": route.vehicle,
        "vehicle_type": route.vehicle_type,
        "distance_m": route.distance_m,
        "duration_s": route.duration_s,
        "energy_kwh": route.energy_kwh,
        "co2_kg": route.co2_kg,
        "cost_yuan": route.cost,
        "num_stops": len(route.stops),
        "visits": _visit_dicts(route, instance, geometry),
    }


def _served_kg(result: RoutingResult, instance: Instance) -> float:
    known = {s.id for s in instance.stops}
    return sum(instance.stop(s).demand_kg for r in result.routes for s in r.stops if s in known)


def _json_value(value: object) -> object:
    # Settings hold scalars and tuples (immutable, like the result); JSON has
    # only arrays, which the reader turns back into tuples.
    if isinstance(value, tuple | list):
        return [_json_value(v) for v in value]
    return value


def _setting_value(value: object) -> object:
    if isinstance(value, list):
        return tuple(_setting_value(v) for v in value)
    return value


def solution_to_dict(
    result: RoutingResult, instance: Instance, *, geometry: LegGeometry | None = None
) -> dict[str, Any]:
    """Return the ``solution.json`` document of ``result`` as plain data.

    Parameters
    ----------
    result
        The plan to describe.
    instance
        The instance it solves; supplies location names and collected totals.
    geometry
        Road shape of legs by (from, to) location id, as [lat, lon] pairs;
        a visit reached by such a leg gets it as ``geometry``.

    """
    return {
        "schema": SCHEMA,
        "schema_version": SCHEMA_VERSION,
        "instance": result.instance,
        "status": result.status,
        "engine": result.engine,
        "objective": result.objective,
        "objective_value": result.objective_value,
        "seed": result.seed,
        "runtime_s": result.runtime_s,
        "build_s": result.build_s,
        "settings": {k: _json_value(v) for k, v in result.settings.items()},
        "totals": {
            "vehicles": result.num_vehicles,
            "distance_m": result.distance_m,
            "duration_s": sum(r.duration_s for r in result.routes),
            "energy_kwh": sum(r.energy_kwh for r in result.routes),
            "co2_kg": result.co2_kg,
            "cost_yuan": sum(r.cost for r in result.routes),
            "stops_served": sum(len(r.stops) for r in result.routes),
            "stops_unserved": len(result.unserved),
            "collected_kg": _served_kg(result, instance),
        },
        "routes": [_route_dict(r, instance, geometry) for r in result.routes],
        "unserved": [
            {"stop": u.stop, "reason": u.reason.value, "detail": u.detail} for u in result.unserved
        ],
    }


def dumps(result: RoutingResult, instance: Instance, *, geometry: LegGeometry | None = None) -> str:
    """Return ``solution.json`` text for ``result`` (UTF-8, Chinese kept readable)."""
    doc = solution_to_dict(result, instance, geometry=geometry)
    # allow_nan=False: NaN/Infinity are not JSON and other tools reject them.
    return json.dumps(doc, ensure_ascii=False, indent=1, allow_nan=False) + "\n"


def write_solution_json(
    result: RoutingResult,
    instance: Instance,
    path: str | os.PathLike[str],
    *,
    geometry: LegGeometry | None = None,
) -> Path:
    """Write ``result`` to ``path`` as ``solution.json``, atomically."""
    write_text_atomic(path, dumps(result, instance, geometry=geometry))
    return Path(path)


def _parse_visit(r: JsonFields, obj: dict[str, Any], where: str) -> Visit | None:
    kind = r.get(obj, where, "kind", is_member(VisitKind), "one of " + ", ".join(VisitKind))
    if kind is None:
        return None
    return Visit(
        kind=VisitKind(kind),
        location=r.text(obj, where, "location"),
        arrival_s=r.number(obj, where, "arrival_s"),
        start_s=r.number(obj, where, "start_s"),
        departure_s=r.number(obj, where, "departure_s"),
        load_kg=r.number(obj, where, "load_kg"),
        load_m3=r.number(obj, where, "load_m3"),
    )


def _parse_route(r: JsonFields, obj: dict[str, Any], where: str) -> Route:
    visits = [
        _parse_visit(r, v, f"{where}.visits[{k}]")
        for k, v in enumerate(r.objects(obj, where, "visits"))
    ]
    return Route(
        vehicle=r.text(obj, where, "vehicle"),
        vehicle_type=r.text(obj, where, "vehicle_type"),
        visits=tuple(v for v in visits if v is not None),
        distance_m=r.number(obj, where, "distance_m"),
        duration_s=r.number(obj, where, "duration_s"),
        energy_kwh=r.number(obj, where, "energy_kwh"),
        co2_kg=r.number(obj, where, "co2_kg"),
        cost=r.number(obj, where, "cost_yuan"),
    )


def _parse_unserved(r: JsonFields, obj: dict[str, Any], where: str) -> Unserved | None:
    expected = "one of " + ", ".join(UnservedReason)
    reason = r.get(obj, where, "reason", is_member(UnservedReason), expected)
    if reason is None:
        return None
    return Unserved(
        r.text(obj, where, "stop"), UnservedReason(reason), r.text(obj, where, "detail")
    )


def parse_solution_json(text: str, *, file: str = "solution.json") -> RoutingResult:
    """Return the result stored in ``solution.json`` text.

    Raises
    ------
    InputError
        Listing every missing or mistyped field by its path in the document.

    """
    doc = parse_json_text(text, file=file)
    r = JsonFields(file)
    if not isinstance(doc, dict):
        r.report("(document)", doc, "a JSON object")
        raise InputError(r.problems)
    if doc.get("schema") != SCHEMA:
        r.report("schema", doc.get("schema", MISSING), f"{SCHEMA!r} (a countyopt solution file)")
        raise InputError(r.problems)
    version = r.integer(doc, "", "schema_version")
    if version != SCHEMA_VERSION:
        r.report("schema_version", version, f"{SCHEMA_VERSION} (written by this countyopt version)")
        raise InputError(r.problems)
    settings = r.get(doc, "", "settings", lambda v: isinstance(v, dict), "an object")
    routes = [
        _parse_route(r, obj, f"routes[{k}]") for k, obj in enumerate(r.objects(doc, "", "routes"))
    ]
    unserved = [
        _parse_unserved(r, obj, f"unserved[{k}]")
        for k, obj in enumerate(r.objects(doc, "", "unserved"))
    ]
    result = RoutingResult(
        instance=r.text(doc, "", "instance"),
        routes=tuple(routes),
        unserved=tuple(u for u in unserved if u is not None),
        objective=r.text(doc, "", "objective"),
        objective_value=r.number(doc, "", "objective_value"),
        engine=r.text(doc, "", "engine"),
        settings=MappingProxyType(
            {k: _setting_value(v) for k, v in settings.items()}
            if isinstance(settings, dict)
            else {}
        ),
        seed=r.integer(doc, "", "seed"),
        runtime_s=r.number(doc, "", "runtime_s"),
        build_s=r.number(doc, "", "build_s"),
        status=r.text(doc, "", "status"),
    )
    if r.problems:
        raise InputError(r.problems)
    return result


def read_solution_json(path: str | os.PathLike[str]) -> RoutingResult:
    """Return the result stored in the ``solution.json`` file at ``path``."""
    return parse_solution_json(read_input_text(path), file=str(path))
