"""Snap stops and sites to the nearest road segment a vehicle may drive."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.spatial import cKDTree

from optimizer.distances import EARTH_RADIUS_M
from optimizer.roads.network import RoadNetwork

DEFAULT_SNAP_MAX_M = 200.0
_SAMPLE_M = 20.0  # spacing of the points sampled along roads for the nearest-road search
_CANDIDATES = 8


@dataclass(frozen=True)
class Snap:
    """Where each point meets the road: segment, fraction along u→v, straight offset (m)."""

    segment: NDArray[np.int64]
    fraction: NDArray[np.float64]
    offset_m: NDArray[np.float64]


def _xy(lat: NDArray[np.float64], lon: NDArray[np.float64], lat0: float) -> NDArray[np.float64]:
    # Equirectangular projection about the extract's mean latitude: within a
    # county (< 200 km) the error is far below the snapping tolerance.
    k = np.pi / 180.0 * EARTH_RADIUS_M
    return np.column_stack([lon * k * np.cos(np.radians(lat0)), lat * k])


def snap(
    network: RoadNetwork,
    usable: NDArray[np.bool_],
    lat: NDArray[np.float64],
    lon: NDArray[np.float64],
) -> Snap:
    """Return the nearest point on a ``usable`` segment for each (lat, lon) point."""
    segs = np.flatnonzero(usable)
    if len(segs) == 0:
        raise ValueError("no road segment is open to this vehicle")
    lat0 = float(np.mean(network.node_lat))
    nodes = _xy(network.node_lat, network.node_lon, lat0)
    a, b = nodes[network.u[segs]], nodes[network.v[segs]]
    counts = np.ceil(network.length_m[segs] / _SAMPLE_M).astype(np.int64) + 1
    owner = np.repeat(np.arange(len(segs)), counts)
    starts = np.repeat(np.cumsum(counts) - counts, counts)
    frac = (np.arange(len(owner)) - starts) / np.maximum(counts[owner] - 1, 1)
    samples = a[owner] + (b[owner] - a[owner]) * frac[:, None]
    tree = cKDTree(samples)
    pts = _xy(np.asarray(lat, dtype=np.float64), np.asarray(lon, dtype=np.float64), lat0)
    k = min(_CANDIDATES, len(samples))
    _, idx = tree.query(pts, k=k)
    idx = np.asarray(idx).reshape(len(pts), k)
    cand = owner[idx]  # (points, k) indices into segs
    pa, pb = a[cand], b[cand]
    d = pb - pa
    dd = np.maximum((d**2).sum(axis=2), 1e-12)
    t = np.clip(((pts[:, None, :] - pa) * d).sum(axis=2) / dd, 0.0, 1.0)
    dist = np.hypot(*(pa + d * t[:, :, None] - pts[:, None, :]).transpose(2, 0, 1))
    best = np.argmin(dist, axis=1)
    rows = np.arange(len(pts))
    return Snap(
        segment=segs[cand[rows, best]],
        fraction=t[rows, best],
        offset_m=dist[rows, best],
    )
