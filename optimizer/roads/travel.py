"""An instance's travel matrix and leg shapes on the roads of an OpenStreetMap extract.

The engines and the checker use one travel matrix per instance, so the fleet
drives on one profile: for each dimension the largest vehicle type in use
(``count > 0``), heavy-goods rules if any type is one. Every vehicle may then
drive every leg of the matrix; a lane open to the van but not to the
compactor is not used by either (per-type matrices are
:func:`optimizer.roads.matrix.road_matrix` over each type's profile).

Workbook settings read here (``settings`` table, key → value):
``roads`` (extract path, relative to the workbook), ``road_area`` (urban or
rural default speeds), ``road_speed_kmh.<highway>`` (one class's speed),
``road_snap_max_m`` (how far a stop may lie from a usable road, default 200).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from optimizer.i18n import Text
from optimizer.io.errors import InputError, InputProblem
from optimizer.io.solution import LegGeometry
from optimizer.model import Instance, TravelMatrix
from optimizer.roads import cache
from optimizer.roads.matrix import RoadGraph, build_graph, leg_paths, road_matrix
from optimizer.roads.network import RoadNetwork, read_roads
from optimizer.roads.profiles import (
    Profile,
    RoadSpeeds,
    open_segments,
    profile_of,
    speeds_from_settings,
)
from optimizer.roads.snap import DEFAULT_SNAP_MAX_M, snap
from optimizer.routing.result import RoutingResult

_MAX_LISTED = 10


@dataclass(frozen=True)
class RoadSetup:
    """Everything a road matrix of an instance depends on besides the points."""

    extract: Path
    speeds: RoadSpeeds
    profile: Profile
    snap_max_m: float


def extract_path(instance: Instance, source: Path, option: Path | None) -> Path | None:
    """Return the extract to route on: ``--roads``, else the workbook's ``roads`` setting."""
    if option is not None:
        return option
    setting = instance.meta.get("roads", "").strip()
    if not setting:
        return None
    base = source if source.is_dir() else source.parent
    return base / setting


def fleet_profile(instance: Instance, problems: list[InputProblem]) -> Profile:
    """Return the profile every vehicle type in use may drive (the largest of each limit)."""
    profiles = [profile_of(vt, problems) for vt in instance.vehicle_types if vt.count > 0]

    def largest(values: list[float]) -> float:
        known = [v for v in values if math.isfinite(v)]
        return max(known) if known else math.inf

    return Profile(
        width_m=largest([p.width_m for p in profiles]),
        height_m=largest([p.height_m for p in profiles]),
        weight_t=largest([p.weight_t for p in profiles]),
        hgv=any(p.hgv for p in profiles),
    )


def road_setup(instance: Instance, extract: Path) -> RoadSetup:
    """Return the road settings of ``instance``; raise InputError listing bad ones."""
    problems: list[InputProblem] = []
    speeds = speeds_from_settings(instance.meta, problems)
    profile = fleet_profile(instance, problems)
    text = instance.meta.get("road_snap_max_m", "").strip()
    snap_max = DEFAULT_SNAP_MAX_M
    if text:
        try:
            snap_max = float(text)
        except ValueError:
            snap_max = math.nan
        if not (math.isfinite(snap_max) and snap_max > 0):
            problems.append(
                InputProblem(
                    "settings",
                    None,
                    "road_snap_max_m",
                    text,
                    Text("a distance > 0 m", "> 0 的距离（米）"),
                )
            )
    if problems:
        raise InputError(problems)
    return RoadSetup(extract, speeds, profile, snap_max)


def _points(instance: Instance) -> tuple[list[str], list[str], np.ndarray, np.ndarray]:
    located = [("site", s.id, s.lat, s.lon) for s in instance.sites]
    located += [("stop", s.id, s.lat, s.lon) for s in instance.stops]
    kinds = [p[0] for p in located]
    ids = [p[1] for p in located]
    lat = np.array([p[2] for p in located], dtype=np.float64)
    lon = np.array([p[3] for p in located], dtype=np.float64)
    return kinds, ids, lat, lon


def _graph(setup: RoadSetup, network: RoadNetwork, instance: Instance) -> RoadGraph:
    kinds, ids, lat, lon = _points(instance)
    try:
        graph = build_graph(network, setup.profile, setup.speeds, lat, lon)
    except ValueError as err:
        raise InputError([InputProblem(str(setup.extract), None, "", "", str(err))]) from None
    far = np.flatnonzero(graph.snap.offset_m > setup.snap_max_m)
    if len(far):
        # The nearest road of any part of the network says why: an island or a
        # one-way trap nearby, or no road at all.
        near = snap(network, open_segments(network, setup.profile), lat[far], lon[far])
        problems = []
        for n, k in enumerate(far[:_MAX_LISTED]):
            nearest = network.road_label(int(graph.snap.segment[k]))
            expected = Text(
                f"a location within {setup.snap_max_m:g} m of a road the fleet "
                f"({setup.profile.label()}) may drive; the nearest is {nearest}",
                f"距车队（{setup.profile.label('zh')}）可通行道路 {setup.snap_max_m:g} 米以内的"
                f"位置；最近的是 {nearest!r}",
            )
            if near.offset_m[n] < graph.snap.offset_m[k] - 1.0:
                other = network.road_label(int(near.segment[n]))
                expected += Text(
                    f" ({other}, {near.offset_m[n]:.0f} m away, is cut off from the rest of "
                    "the roads: an island, or a one-way trap)",
                    f"（{other!r}，{near.offset_m[n]:.0f} 米外，与其余道路不连通："
                    "孤岛或单行道陷阱）",
                )
            problems.append(
                InputProblem(
                    str(setup.extract),
                    None,
                    f"{kinds[k]} {ids[k]}",
                    f"{graph.snap.offset_m[k]:.0f} m from the nearest usable road",
                    expected,
                )
            )
        if len(far) > _MAX_LISTED:
            problems.append(
                InputProblem(
                    str(setup.extract),
                    None,
                    "",
                    "",
                    Text(
                        f"{len(far) - _MAX_LISTED} more such points",
                        f"另有 {len(far) - _MAX_LISTED} 个此类位置",
                    ),
                )
            )
        raise InputError(problems)
    return graph


def road_travel(
    instance: Instance, setup: RoadSetup, *, cache_dir: Path | None = None, workers: int = 1
) -> Instance:
    """Return ``instance`` with its travel matrix on the roads of ``setup.extract``.

    Raises
    ------
    InputError
        If the extract cannot be read, a stop or site lies farther than
        ``setup.snap_max_m`` from a usable road, or a pair is unreachable.

    """
    if instance.coord_sys != "wgs84":
        raise InputError(
            [
                InputProblem(
                    str(setup.extract),
                    None,
                    "",
                    instance.coord_sys,
                    Text(
                        "an instance in WGS-84 coordinates (planar benchmark coordinates "
                        "do not lie on a map)",
                        "WGS-84 坐标的实例（基准集的平面坐标不在地图上）",
                    ),
                )
            ]
        )
    if not setup.extract.is_file():
        raise InputError(
            [
                InputProblem(
                    str(setup.extract),
                    None,
                    "",
                    "",
                    Text(
                        "an existing OSM extract (.osm.pbf)",
                        "存在的 OpenStreetMap 区域数据（.osm.pbf）",
                    ),
                )
            ]
        )
    _, ids, lat, lon = _points(instance)
    folder = cache.default_cache_dir() if cache_dir is None else cache_dir
    # The snapping limit is part of the key: a cached matrix has passed its check.
    key = cache.cache_key(
        "matrix",
        cache.file_digest(setup.extract),
        f"{setup.profile.key()};snap={setup.snap_max_m:g}",
        setup.speeds.key(),
        lat,
        lon,
    )
    arrays = cache.load(folder, key)
    if arrays is None:
        network = read_roads(setup.extract, setup.speeds.classes, cache_dir=folder)
        matrix = road_matrix(_graph(setup, network, instance), workers=workers)
        arrays = {"distance_m": matrix.distance_m, "duration_s": matrix.duration_s}
        _check_reachable(setup, ids, matrix.duration_s)
        cache.store(folder, key, arrays)
    meta = dict(instance.meta)
    meta.update(travel_source="roads", roads=str(setup.extract))
    travel = TravelMatrix(tuple(ids), arrays["distance_m"], arrays["duration_s"])
    return replace(instance, travel=travel, meta=meta)


def _check_reachable(setup: RoadSetup, ids: Sequence[str], duration: np.ndarray) -> None:
    # Snapping onto the largest strongly connected part makes every pair
    # reachable; this guards the promise rather than trusting it.
    gaps = np.argwhere(~np.isfinite(duration))
    if len(gaps):
        raise InputError(
            [
                InputProblem(
                    str(setup.extract),
                    None,
                    "",
                    f"{ids[a]} -> {ids[b]}",
                    Text(
                        "a road path between every pair of locations (none found: an island or "
                        "a one-way trap)",
                        "每两个位置之间都有道路可达（此处没有：孤岛或单行道陷阱）",
                    ),
                )
                for a, b in gaps[:_MAX_LISTED]
            ]
        )


def leg_geometry(
    instance: Instance,
    setup: RoadSetup,
    legs: Sequence[tuple[str, str]],
    *,
    tolerance_m: float = 5.0,
    cache_dir: Path | None = None,
) -> dict[tuple[str, str], list[list[float]]]:
    """Return each leg's road path as [lat, lon] pairs, simplified (Douglas-Peucker)."""
    import shapely

    folder = cache.default_cache_dir() if cache_dir is None else cache_dir
    network = read_roads(setup.extract, setup.speeds.classes, cache_dir=folder)
    graph = _graph(setup, network, instance)
    _, ids, _, _ = _points(instance)
    row = {i: k for k, i in enumerate(ids)}
    wanted = sorted(set(legs))
    lines = leg_paths(graph, [(row[a], row[b]) for a, b in wanted])
    tol_deg = tolerance_m / 111_320.0  # metres per degree of latitude
    out: dict[tuple[str, str], list[list[float]]] = {}
    for leg, line in zip(wanted, lines, strict=True):
        if len(line) > 2:
            simple = shapely.LineString([(lo, la) for la, lo in line]).simplify(tol_deg)
            line = [(la, lo) for lo, la in simple.coords]
        out[leg] = [[round(la, 6), round(lo, 6)] for la, lo in line]
    return out


def route_geometry(instance: Instance, result: RoutingResult) -> LegGeometry | None:
    """Return the road shape of every leg of ``result``, or None when not on roads."""
    extract = instance.meta.get("roads", "")
    if instance.meta.get("travel_source") != "roads" or not extract:
        return None
    legs = [
        (prev.location, visit.location)
        for route in result.routes
        for prev, visit in zip(route.visits, route.visits[1:], strict=False)
        if prev.location != visit.location
    ]
    return leg_geometry(instance, road_setup(instance, Path(extract)), legs)
