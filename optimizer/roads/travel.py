"""An instance's travel matrices and leg shapes on the roads of an OpenStreetMap extract.

Each vehicle type in use (``count > 0``) drives the matrix of its own road
profile (``Instance.travel_of``): a lane open to the van but not to the
compactor is used by the van only. Types whose profiles open the same
road segments share one matrix, computed once. ``Instance.travel``, what
code that moves no particular vehicle reads (siting, types not in use when
it was computed), is the matrix of the fleet profile: for each dimension
the largest of the types in use, heavy-goods rules if any type is one, so
every vehicle may drive its legs.

Workbook settings read here (``settings`` table, key → value):
``roads`` (extract path, relative to the workbook), ``road_area`` (urban or
rural default speeds), ``road_speed_kmh.<highway>`` (one class's speed),
``road_snap_max_m`` (how far a stop may lie from a usable road, default 200).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from optimizer.i18n import Text
from optimizer.io.errors import InputError, InputProblem
from optimizer.io.solution import LegGeometry
from optimizer.model import Instance, SiteKind, TravelMatrix
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
    profile: Profile  # the fleet's (see the module docstring)
    snap_max_m: float
    types: Mapping[str, Profile] = field(default_factory=dict)  # each type in use

    def profiles(self) -> list[Profile]:
        """Return the distinct profiles to compute, the fleet's first."""
        return list(dict.fromkeys([self.profile, *self.types.values()]))


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
    types = {vt.id: profile_of(vt, []) for vt in instance.vehicle_types if vt.count > 0}
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
    return RoadSetup(extract, speeds, profile, snap_max, types)


def _points(instance: Instance) -> tuple[list[str], list[str], np.ndarray, np.ndarray]:
    located = [("site", s.id, s.lat, s.lon) for s in instance.sites]
    located += [("stop", s.id, s.lat, s.lon) for s in instance.stops]
    kinds = [p[0] for p in located]
    ids = [p[1] for p in located]
    lat = np.array([p[2] for p in located], dtype=np.float64)
    lon = np.array([p[3] for p in located], dtype=np.float64)
    return kinds, ids, lat, lon


def _graph(
    setup: RoadSetup, profile: Profile, network: RoadNetwork, instance: Instance
) -> RoadGraph:
    _, _, lat, lon = _points(instance)
    try:
        return build_graph(network, profile, setup.speeds, lat, lon)
    except ValueError as err:
        raise InputError([InputProblem(str(setup.extract), None, "", "", str(err))]) from None


def _serving(
    instance: Instance, setup: RoadSetup, alike: Mapping[Profile, Profile]
) -> list[set[Profile]]:
    """Return, per point of :func:`_points`, the profiles of the types that go there.

    A stop is visited by the types carrying its stream, a depot by the types
    based there, a facility by the types carrying a stream it takes; a point
    no type in use goes to (a candidate station, say) by every profile.
    """
    every = set(alike.values())
    types = [vt for vt in instance.vehicle_types if vt.id in setup.types]

    def of(found: list[str]) -> set[Profile]:
        return {alike[setup.types[t]] for t in found} or every

    out = []
    for site in instance.sites:
        if site.kind is SiteKind.DEPOT:
            out.append(of([vt.id for vt in types if vt.depot == site.id]))
        else:
            out.append(of([vt.id for vt in types if vt.streams & site.streams]))
    for stop in instance.stops:
        out.append(of([vt.id for vt in types if stop.stream in vt.streams]))
    return out


def _check_snapped(
    setup: RoadSetup,
    instance: Instance,
    snaps: Mapping[Profile, tuple[np.ndarray, np.ndarray]],
    serving: Sequence[set[Profile]],
    network: Callable[[], RoadNetwork],
) -> None:
    """Refuse points farther than the snapping limit from every road their vehicles may use.

    ``snaps`` holds each profile's (offset in m, segment) per point. A point
    may lie beside a lane only the van that serves it may drive: the roads
    of the types that go there count, not the fleet's.
    """
    kinds, ids, lat, lon = _points(instance)
    best: list[tuple[float, int, Profile]] = []
    for k, profiles in enumerate(serving):
        p = min(profiles, key=lambda q: (float(snaps[q][0][k]), q.key()))
        best.append((float(snaps[p][0][k]), int(snaps[p][1][k]), p))
    far = [k for k, (offset, _, _) in enumerate(best) if offset > setup.snap_max_m]
    if not far:
        return
    roads = network()
    problems = []
    for k in far[:_MAX_LISTED]:
        offset, segment, profile = best[k]
        nearest = roads.road_label(segment)
        expected = Text(
            f"a location within {setup.snap_max_m:g} m of a road the vehicles serving it "
            f"({profile.label()}) may drive; the nearest is {nearest}",
            f"距服务该点的车辆（{profile.label('zh')}）可通行道路 {setup.snap_max_m:g} 米以内的"
            f"位置；最近的是 {nearest!r}",
        )
        # The nearest road of any part of the network says why: an island or a
        # one-way trap nearby, or no road at all.
        near = snap(roads, open_segments(roads, profile), lat[[k]], lon[[k]])
        if near.offset_m[0] < offset - 1.0:
            other = roads.road_label(int(near.segment[0]))
            expected += Text(
                f" ({other}, {near.offset_m[0]:.0f} m away, is cut off from the rest of "
                "the roads: an island, or a one-way trap)",
                f"（{other!r}，{near.offset_m[0]:.0f} 米外，与其余道路不连通：孤岛或单行道陷阱）",
            )
        problems.append(
            InputProblem(
                str(setup.extract),
                None,
                f"{kinds[k]} {ids[k]}",
                f"{offset:.0f} m from the nearest usable road",
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


def road_travel(
    instance: Instance, setup: RoadSetup, *, cache_dir: Path | None = None, workers: int = 1
) -> Instance:
    """Return ``instance`` with its travel matrices on the roads of ``setup.extract``.

    ``travel`` is the fleet profile's matrix; each type whose own profile
    opens other roads gets its matrix in ``travel_by_type``. Profiles that
    open the same road segments share one matrix, computed once and cached.

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
    digest = cache.file_digest(setup.extract)

    @functools.cache
    def the_network() -> RoadNetwork:
        # Read (or load the parsed roads) only when something needs them.
        return read_roads(setup.extract, setup.speeds.classes, cache_dir=folder)

    alike = {p: p for p in setup.profiles()}
    if len(alike) > 1:
        alike = _alike(setup, the_network())
    # Snap every point for every profile first (cheap), check the snapping
    # against the roads of the vehicles serving each point, then compute the
    # matrices (minutes on a large county) only for a county that passes.
    keys: dict[Profile, str] = {}
    found: dict[Profile, dict[str, np.ndarray]] = {}
    graphs: dict[Profile, RoadGraph] = {}
    snaps: dict[Profile, tuple[np.ndarray, np.ndarray]] = {}
    for profile in dict.fromkeys(alike.values()):
        keys[profile] = cache.cache_key(
            "matrix", digest, profile.key(), setup.speeds.key(), lat, lon
        )
        arrays = cache.load(folder, keys[profile])
        if arrays is not None and {"offset_m", "segment"} <= set(arrays):
            found[profile] = arrays
            snaps[profile] = (arrays["offset_m"], arrays["segment"])
        else:
            graphs[profile] = _graph(setup, profile, the_network(), instance)
            snaps[profile] = (graphs[profile].snap.offset_m, graphs[profile].snap.segment)
    _check_snapped(setup, instance, snaps, _serving(instance, setup, alike), the_network)
    matrices: dict[Profile, TravelMatrix] = {}
    for profile, key in keys.items():
        arrays = found.get(profile)
        if arrays is None:
            matrix = road_matrix(graphs[profile], workers=workers)
            arrays = {
                "distance_m": matrix.distance_m,
                "duration_s": matrix.duration_s,
                "offset_m": snaps[profile][0],
                "segment": snaps[profile][1],
            }
            _check_reachable(setup, ids, matrix.duration_s)
            cache.store(folder, key, arrays)
        matrices[profile] = TravelMatrix(tuple(ids), arrays["distance_m"], arrays["duration_s"])
    meta = dict(instance.meta)
    meta.update(travel_source="roads", roads=str(setup.extract))
    fleet = matrices[alike[setup.profile]]
    own = {
        t: matrices[alike[p]] for t, p in setup.types.items() if alike[p] != alike[setup.profile]
    }
    return replace(instance, travel=fleet, travel_by_type=own, meta=meta)


def _alike(setup: RoadSetup, network: RoadNetwork) -> dict[Profile, Profile]:
    """Map each profile to the first one opening the same segments (same graph, same matrix)."""
    first: dict[bytes, Profile] = {}
    return {p: first.setdefault(open_segments(network, p).tobytes(), p) for p in setup.profiles()}


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
    profile: Profile | None = None,
    tolerance_m: float = 5.0,
    cache_dir: Path | None = None,
) -> dict[tuple[str, str], list[list[float]]]:
    """Return each leg's road path as [lat, lon] pairs, simplified (Douglas-Peucker).

    Paths are on the roads of ``profile`` (default: the fleet's).
    """
    import shapely

    folder = cache.default_cache_dir() if cache_dir is None else cache_dir
    network = read_roads(setup.extract, setup.speeds.classes, cache_dir=folder)
    graph = _graph(setup, setup.profile if profile is None else profile, network, instance)
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
    """Return the road shape of every leg of ``result``, or None when not on roads.

    Legs are keyed (from, to) on the fleet's roads, or (vehicle type, from,
    to) for types with roads of their own, each on its type's path.
    """
    extract = instance.meta.get("roads", "")
    if instance.meta.get("travel_source") != "roads" or not extract:
        return None
    setup = road_setup(instance, Path(extract))
    network = read_roads(setup.extract, setup.speeds.classes, cache_dir=cache.default_cache_dir())
    alike = _alike(setup, network)
    by_profile: dict[Profile, list[tuple[str, str, str]]] = {}
    for route in result.routes:
        # A type without a matrix of its own opens the fleet's roads: same paths.
        own = route.vehicle_type in instance.travel_by_type
        profile = alike[setup.types.get(route.vehicle_type, setup.profile)]
        by_profile.setdefault(profile, []).extend(
            (route.vehicle_type if own else "", prev.location, visit.location)
            for prev, visit in zip(route.visits, route.visits[1:], strict=False)
            if prev.location != visit.location
        )
    out: dict[tuple[str, ...], list[list[float]]] = {}
    for profile, legs in by_profile.items():
        shapes = leg_geometry(instance, setup, [(a, b) for _, a, b in legs], profile=profile)
        for type_id, a, b in legs:
            out[(type_id, a, b) if type_id else (a, b)] = shapes[(a, b)]
    return out
