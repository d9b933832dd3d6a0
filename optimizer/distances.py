"""Travel matrices: great-circle distance × circuity, at an average speed.

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

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from optimizer.model import TravelMatrix

EARTH_RADIUS_M = 6_371_008.8  # IUGG mean radius
DEFAULT_CIRCUITY = 1.3
DEFAULT_SPEED_KMH = 25.0


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


def great_circle_matrix(
    points: Sequence[tuple[str, float, float]],
    *,
    circuity: float = DEFAULT_CIRCUITY,
    speed_kmh: float = DEFAULT_SPEED_KMH,
) -> TravelMatrix:
    """Build a road-distance estimate from (id, lat, lon) points.

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
    dist = haversine_m(lat[:, None], lon[:, None], lat[None, :], lon[None, :]) * circuity
    duration = dist / (speed_kmh / 3.6)
    return TravelMatrix(ids, dist, duration)
