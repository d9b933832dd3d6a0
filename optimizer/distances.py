"""Travel matrices: great-circle distance × circuity at an average speed, or roads.

:func:`choose_travel` puts an instance on the roads of an OpenStreetMap
extract (:mod:`optimizer.roads`) when the user gives one; engines only ever
see the resulting :class:`~optimizer.model.TravelMatrix`.

Defaults, with sources:

- ``DEFAULT_CIRCUITY = 1.3``: ratio of road distance to great-circle distance.
  Ballou, Rahardja & Sakai (2002), "Selected country circuity factors for road
  travel distance estimation", Transportation Research Part A 36(9):843-848,
  report 1.12-1.41 across countries; Boscoe, Henry & Zdeb (2012), Professional
  Geographer 64(2), find a mean of 1.417 for short US trips. 1.3 is a common
  planning value for mixed urban/rural county roads; override it per county.
- ``DEFAULT_SPEED_KMH = 25``: average speed of a compactor truck on a
  collection day including junctions and narrow streets; urban collection
  studies commonly use 20-30 km/h (e.g. Nguyen-Trong et al. 2017, Waste
  Management 60:33-46). Per-type differences use ``VehicleType.speed_factor``.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from optimizer.i18n import Lang, tr
from optimizer.model import Instance, MatrixView, TravelMatrix

EARTH_RADIUS_M = 6_371_008.8  # IUGG mean radius
DEFAULT_CIRCUITY = 1.3
DEFAULT_SPEED_KMH = 25.0
# Above this many points a straight-line matrix is computed on demand (see
# great_circle_matrix); below, the dense arrays are small (2 × 32 MB).
DENSE_MAX_POINTS = 2000


def haversine_m(
    lat1: NDArray[np.float64],
    lon1: NDArray[np.float64],
    lat2: NDArray[np.float64],
    lon2: NDArray[np.float64],
) -> NDArray[np.float64]:
    """Return great-circle distances in metres (broadcasting like numpy)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi = p2 - p1
    dlmb = np.radians(lon2) - np.radians(lon1)
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    return np.asarray(2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0))))


class GreatCircleView(MatrixView):
    """Great-circle distance × circuity (or its travel time at a speed), computed on demand.

    Entries are what the dense matrix held: the same formula on the same
    coordinates. With ``metres_per_s`` the entries are travel times in seconds.
    """

    def __init__(
        self,
        lat: NDArray[np.float64],
        lon: NDArray[np.float64],
        circuity: float,
        metres_per_s: float | None = None,
    ) -> None:
        super().__init__(len(lat))
        self.lat, self.lon = lat, lon
        self.circuity, self.metres_per_s = circuity, metres_per_s
        self._phi = np.radians(lat).tolist()
        self._lmb = np.radians(lon).tolist()

    def entries(self, rows: NDArray[np.intp], cols: NDArray[np.intp]) -> NDArray[np.float64]:
        """Return the entries at ``rows`` × ``cols`` (arrays that broadcast together)."""
        d = haversine_m(self.lat[rows], self.lon[rows], self.lat[cols], self.lon[cols])
        d = d * self.circuity
        return d if self.metres_per_s is None else d / self.metres_per_s

    def entry(self, i: int, j: int) -> float:
        """Return one entry (scalar maths: a checker asks for one leg at a time)."""
        p1, p2 = self._phi[i], self._phi[j]
        a = (
            math.sin((p2 - p1) / 2) ** 2
            + math.cos(p1) * math.cos(p2) * math.sin((self._lmb[j] - self._lmb[i]) / 2) ** 2
        )
        d = 2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(max(a, 0.0), 1.0))) * self.circuity
        return d if self.metres_per_s is None else d / self.metres_per_s

    def same_as(self, other: MatrixView) -> bool:
        """Return whether ``other`` is the same estimate on the same points."""
        return (
            isinstance(other, GreatCircleView)
            and (self.circuity, self.metres_per_s) == (other.circuity, other.metres_per_s)
            and np.array_equal(self.lat, other.lat)
            and np.array_equal(self.lon, other.lon)
        )


def great_circle_matrix(
    points: Sequence[tuple[str, float, float]],
    *,
    circuity: float = DEFAULT_CIRCUITY,
    speed_kmh: float = DEFAULT_SPEED_KMH,
) -> TravelMatrix:
    """Build a road-distance estimate from (id, lat, lon) points.

    Up to ``DENSE_MAX_POINTS`` points the matrices are computed once and
    kept (fast lookups); above, entries are computed when an engine or the
    checker asks for them (:class:`GreatCircleView`), so memory grows with
    the number of points, not its square (10,000 points: two dense float64
    matrices are 1.6 GB and take about 20 s to fill on a busy core).

    Parameters
    ----------
    points
        Location ids with WGS-84 latitude and longitude in degrees.
    circuity
        Road distance divided by great-circle distance.
    speed_kmh
        Average travel speed used for the base travel times.

    """
    if circuity < 1.0:
        raise ValueError(f"circuity must be >= 1, got {circuity}")
    if speed_kmh <= 0:
        raise ValueError(f"speed must be > 0 km/h, got {speed_kmh}")
    ids = tuple(p[0] for p in points)
    lat = np.array([p[1] for p in points], dtype=np.float64)
    lon = np.array([p[2] for p in points], dtype=np.float64)
    dist = GreatCircleView(lat, lon, circuity)
    duration = GreatCircleView(lat, lon, circuity, speed_kmh / 3.6)
    if len(ids) > DENSE_MAX_POINTS:
        return TravelMatrix(ids, dist, duration)
    return TravelMatrix(ids, np.asarray(dist), np.asarray(duration))


def choose_travel(
    instance: Instance,
    *,
    source: Path,
    roads: Path | None,
    cache_dir: Path | None = None,
    parallel: bool = False,
) -> Instance:
    """Return ``instance`` on road travel if an extract is given, else unchanged.

    The extract is ``roads`` (the ``--roads`` option) or the workbook's
    ``roads`` setting, relative to the workbook at ``source``. Without one the
    instance keeps the matrix it was read with (straight line × circuity, or a
    user's ``matrix.csv``). ``parallel`` runs large road searches in up to 4
    worker processes; a script that sets it must guard its entry point with
    ``if __name__ == "__main__":`` (the command line does).

    Raises
    ------
    InputError
        If the extract or the road settings are bad, or a location lies too
        far from a usable road (see :mod:`optimizer.roads.travel`).

    """
    from optimizer.roads.travel import extract_path, road_setup, road_travel

    extract = extract_path(instance, source, roads)
    if extract is None:
        return instance
    workers = min(4, os.cpu_count() or 1) if parallel else 1
    setup = road_setup(instance, extract)
    return road_travel(instance, setup, cache_dir=cache_dir, workers=workers)


def travel_note(instance: Instance, lang: Lang) -> str:
    """Return one line saying where the plan's distances and times come from."""
    source = instance.meta.get("travel_source", "")
    if source == "roads":
        from optimizer.roads.profiles import profile_of
        from optimizer.roads.travel import fleet_profile

        name = Path(instance.meta.get("roads", "")).name
        if instance.travel_by_type:
            sep = tr(lang, "; ", "；")
            each = sep.join(
                f"{vt.id}: {profile_of(vt, []).label(lang)}"
                for vt in instance.vehicle_types
                if vt.count > 0
            )
            return tr(
                lang,
                f"Distances and times: shortest road paths on the OpenStreetMap extract {name}, "
                f"each vehicle type on the roads open to it ({each}).",
                f"里程与时间：基于 OpenStreetMap 路网数据 {name} 的道路最短路径，"
                f"各车型只走其可通行的道路（{each}）。",
            )
        profile = fleet_profile(instance, [])
        return tr(
            lang,
            f"Distances and times: shortest road paths on the OpenStreetMap extract {name}, "
            f"on roads open to the fleet's largest vehicle ({profile.label(lang)}).",
            f"里程与时间：基于 OpenStreetMap 路网数据 {name} 的道路最短路径，"
            f"仅使用车队中最大车辆（{profile.label(lang)}）可通行的道路。",
        )
    if source == "matrix":
        return tr(
            lang,
            "Distances and times: the matrix given with the input.",
            "里程与时间：输入中给定的矩阵。",
        )
    if instance.coord_sys != "wgs84":
        return ""
    circuity = instance.meta.get("circuity", f"{DEFAULT_CIRCUITY:g}")
    return tr(
        lang,
        f"Distances and times: straight-line estimates (great circle × {circuity}); "
        "give --roads FILE.osm.pbf for road distances.",
        f"里程与时间：直线距离估算（大圆距离 × {circuity}）；"
        "使用 --roads FILE.osm.pbf 可按实际道路计算。",
    )
