"""Read the drivable roads of an OpenStreetMap extract into flat segment arrays.

One segment per pair of consecutive way nodes. What a segment keeps is what
routing needs: its end nodes, length, road class, direction of travel and the
legal limits on weight, width and height. Ways closed to every motor vehicle
(``access``/``motor_vehicle`` = no or private) and non-road classes (footways,
cycleways, steps, …) are left out on read; limits that depend on the vehicle
are kept for :mod:`optimizer.roads.profiles`.

Reading uses pyosmium (``osmium`` on PyPI, the OpenStreetMap project's own
library binding libosmium); see ``optimizer/roads/README.md`` for why.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from optimizer.distances import haversine_m
from optimizer.i18n import Text
from optimizer.io.errors import InputError, InputProblem
from optimizer.roads.cache import cache_key, file_digest, load, store

#: ``access`` values that close a way to motor vehicles (OSM wiki, Key:access).
CLOSED_ACCESS = frozenset({"no", "private", "agricultural", "forestry", "emergency", "military"})
_ONEWAY_FORWARD = frozenset({"yes", "true", "1"})
_ONEWAY_BACKWARD = frozenset({"-1", "reverse"})
_NUMBER = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*([a-z]*)\s*$")


@dataclass(frozen=True, eq=False)
class RoadNetwork:
    """Road segments of an extract; arrays are indexed by segment unless named ``node_*``.

    ``oneway`` is 1 where only u→v may be driven, -1 where only v→u, 0 both.
    Limits are ``inf`` where the way has none; ``maxspeed_kmh`` is NaN where
    untagged. ``classes[road_class[i]]`` is the OSM ``highway`` value.
    """

    source: str
    digest: str
    classes: tuple[str, ...]
    node_lat: NDArray[np.float64]
    node_lon: NDArray[np.float64]
    u: NDArray[np.int64]
    v: NDArray[np.int64]
    length_m: NDArray[np.float64]
    road_class: NDArray[np.int64]
    oneway: NDArray[np.int8]
    maxweight_t: NDArray[np.float64]
    maxwidth_m: NDArray[np.float64]
    maxheight_m: NDArray[np.float64]
    hgv_closed: NDArray[np.bool_]
    maxspeed_kmh: NDArray[np.float64]
    way_id: NDArray[np.int64]
    way_name: dict[int, str]

    @property
    def num_segments(self) -> int:
        """Return the number of road segments."""
        return len(self.u)

    def road_label(self, segment: int) -> str:
        """Return a road as a user recognises it: its name or class, and its OSM way id."""
        way = int(self.way_id[segment])
        name = self.way_name.get(way) or self.classes[int(self.road_class[segment])]
        return f"{name} (OSM way {way})"


def limit_value(text: str | None, unit: str) -> float:
    """Return a numeric limit tag in ``unit`` (t or m), ``inf`` if absent or unreadable.

    OSM limit tags are numbers in tonnes or metres, optionally with the unit
    written out (``3.5 t``, ``2.2 m``); other units are rare in China and are
    read as no limit rather than guessed.
    """
    if not text:
        return math.inf
    match = _NUMBER.match(text.lower())
    if match is None or match.group(2) not in ("", unit):
        return math.inf
    return float(match.group(1))


def _speed(text: str | None) -> float:
    if not text:
        return math.nan
    match = _NUMBER.match(text.lower())
    if match is None or match.group(2) not in ("", "kmh", "km/h"):
        return math.nan
    return float(match.group(1))


def _motor_access(tags: dict[str, str]) -> str:
    # The most specific tag wins (OSM wiki, Key:access, "transport mode hierarchy").
    for key in ("motor_vehicle", "vehicle", "access"):
        if key in tags:
            return tags[key]
    return "yes"


def _oneway(tags: dict[str, str]) -> int:
    value = tags.get("oneway", "")
    if value in _ONEWAY_FORWARD:
        return 1
    if value in _ONEWAY_BACKWARD:
        return -1
    if value == "no":
        return 0
    implied = tags.get("junction") in ("roundabout", "circular") or tags.get("highway") in (
        "motorway",
        "motorway_link",
    )
    return 1 if implied else 0


_ARRAYS = (
    "node_lat",
    "node_lon",
    "u",
    "v",
    "length_m",
    "road_class",
    "oneway",
    "maxweight_t",
    "maxwidth_m",
    "maxheight_m",
    "hgv_closed",
    "maxspeed_kmh",
    "way_id",
)


def read_roads(
    path: str | Path, classes: Iterable[str], *, cache_dir: Path | None = None
) -> RoadNetwork:
    """Read the ways of ``classes`` from an OSM extract (.osm.pbf or .osm XML).

    With ``cache_dir`` the parsed roads are kept there, keyed by the
    extract's bytes and the classes, so later runs skip parsing.

    Raises
    ------
    InputError
        If the file is missing, unreadable as OSM data, or has no such road.

    """
    src = Path(path)
    if not src.is_file():
        raise InputError(
            [
                InputProblem(
                    str(src),
                    None,
                    "",
                    "",
                    Text("an existing OSM extract file", "存在的 OpenStreetMap 区域数据文件"),
                )
            ]
        )
    digest = file_digest(src)
    wanted = tuple(classes)
    key = cache_key("network", digest, ";".join(wanted))
    arrays = None if cache_dir is None else load(cache_dir, key)
    if arrays is not None:
        names = dict(zip(arrays["name_way"].tolist(), arrays["name_text"].tolist(), strict=True))
        fields = {name: arrays[name] for name in _ARRAYS}
        return RoadNetwork(str(src), digest, wanted, way_name=names, **fields)
    network = _parse(src, digest, wanted)
    if cache_dir is not None:
        named = sorted(network.way_name.items())
        extra = {
            "name_way": np.array([w for w, _ in named], dtype=np.int64),
            "name_text": np.array([n for _, n in named], dtype=np.str_),
        }
        store(cache_dir, key, {name: getattr(network, name) for name in _ARRAYS} | extra)
    return network


def _parse(src: Path, digest: str, wanted: tuple[str, ...]) -> RoadNetwork:
    try:
        import osmium
    except ImportError:
        raise InputError(
            [
                InputProblem(
                    "--roads",
                    None,
                    "",
                    str(src),
                    Text(
                        "the optional road support: pip install 'countyopt[roads]'",
                        "可选的道路支持：'pip install countyopt[roads]'",
                    ),
                )
            ]
        ) from None
    class_index = {c: k for k, c in enumerate(wanted)}
    node_of: dict[int, int] = {}
    lat: list[float] = []
    lon: list[float] = []
    seg_u: list[int] = []
    seg_v: list[int] = []
    rows: list[tuple[int, int, float, float, float, bool, float, int]] = []
    per_row: list[int] = []  # segments of each way row
    names: dict[int, str] = {}
    try:
        processor = (
            osmium.FileProcessor(str(src), osmium.osm.NODE | osmium.osm.WAY)
            .with_locations()
            .with_filter(osmium.filter.EntityFilter(osmium.osm.WAY))
            .with_filter(osmium.filter.KeyFilter("highway"))
        )
        for way in processor:
            if not isinstance(way, osmium.osm.Way):
                continue
            tags = dict(way.tags)
            cls = class_index.get(tags.get("highway", ""))
            if cls is None or tags.get("area") == "yes":
                continue
            if _motor_access(tags) in CLOSED_ACCESS:
                continue
            if "name" in tags:
                names[way.id] = tags.get("name:zh", tags["name"])
            before = len(seg_u)
            prev = -1
            for nd in way.nodes:
                loc = nd.location
                if not loc.valid():
                    prev = -1  # the way leaves the extract here
                    continue
                ref = nd.ref
                k = node_of.get(ref)
                if k is None:
                    k = node_of[ref] = len(lat)
                    lat.append(loc.lat)
                    lon.append(loc.lon)
                if prev >= 0 and prev != k:
                    seg_u.append(prev)
                    seg_v.append(k)
                prev = k
            if len(seg_u) > before:
                per_row.append(len(seg_u) - before)
                rows.append(
                    (
                        cls,
                        _oneway(tags),
                        limit_value(tags.get("maxweight"), "t"),
                        min(
                            limit_value(tags.get("maxwidth"), "m"),
                            limit_value(tags.get("width"), "m"),
                        ),
                        limit_value(tags.get("maxheight"), "m"),
                        tags.get("hgv") == "no",
                        _speed(tags.get("maxspeed")),
                        way.id,
                    )
                )
    except RuntimeError as err:
        raise InputError(
            [
                InputProblem(
                    str(src),
                    None,
                    "",
                    "",
                    Text(
                        f"an OpenStreetMap .osm.pbf or .osm file ({err})",
                        f"OpenStreetMap 的 .osm.pbf 或 .osm 文件（{str(err)!r}）",
                    ),
                )
            ]
        ) from None
    if not seg_u:
        raise InputError(
            [
                InputProblem(
                    str(src),
                    None,
                    "",
                    "",
                    Text(
                        "an extract with drivable roads (highway=" + "|".join(wanted[:6]) + "|…)",
                        "含可通行道路的区域数据（'highway=" + "|".join(wanted[:6]) + "|…'）",
                    ),
                )
            ]
        )
    node_lat = np.array(lat)
    node_lon = np.array(lon)
    u = np.array(seg_u, dtype=np.int64)
    v = np.array(seg_v, dtype=np.int64)
    counts = np.array(per_row, dtype=np.int64)

    def column(k: int, dtype: type) -> NDArray[Any]:
        return np.repeat(np.array([r[k] for r in rows], dtype=dtype), counts)

    return RoadNetwork(
        source=str(src),
        digest=digest,
        classes=wanted,
        node_lat=node_lat,
        node_lon=node_lon,
        u=u,
        v=v,
        length_m=haversine_m(node_lat[u], node_lon[u], node_lat[v], node_lon[v]),
        road_class=column(0, np.int64),
        oneway=column(1, np.int8),
        maxweight_t=column(2, np.float64),
        maxwidth_m=column(3, np.float64),
        maxheight_m=column(4, np.float64),
        hgv_closed=column(5, np.bool_),
        maxspeed_kmh=column(6, np.float64),
        way_id=column(7, np.int64),
        way_name=names,
    )
