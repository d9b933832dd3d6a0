"""WGS-84 ↔ GCJ-02 against published pairs, and the inverse's round-trip error."""

from __future__ import annotations

import numpy as np
import pytest

from optimizer.coords import gcj02_to_wgs84, in_china, wgs84_to_gcj02
from optimizer.distances import haversine_m

# (wgs lat, wgs lon, gcj lat, gcj lon): the test vectors of googollee/eviltransform
# (Shanghai, Shenzhen, Beijing), computed with a = 6378137 m; ours uses Krasovsky's
# 6378245 m like the original, a difference of ~1e-7 degrees.
PAIRS = [
    (31.1774276, 121.5272106, 31.17530398364597, 121.531541859215),
    (22.543847, 113.912316, 22.540796131694766, 113.9171764808363),
    (39.911954, 116.377817, 39.91334545536069, 116.38404722455657),
]


@pytest.mark.parametrize(("w_lat", "w_lon", "g_lat", "g_lon"), PAIRS)
def test_forward_matches_published_pairs(
    w_lat: float, w_lon: float, g_lat: float, g_lon: float
) -> None:
    """WGS-84 → GCJ-02 lands within 0.05 m of each published pair."""
    lat, lon = wgs84_to_gcj02(w_lat, w_lon)
    assert float(haversine_m(lat, lon, np.float64(g_lat), np.float64(g_lon))) < 0.05


def test_inverse_round_trip_error_below_a_millimetre() -> None:
    """GCJ-02 → WGS-84 → GCJ-02 returns to within 1 mm over a grid covering China."""
    lat, lon = np.meshgrid(np.linspace(18.5, 53.0, 25), np.linspace(74.0, 134.0, 25))
    w_lat, w_lon = gcj02_to_wgs84(lat, lon)
    back_lat, back_lon = wgs84_to_gcj02(w_lat, w_lon)
    assert float(np.max(haversine_m(lat, lon, back_lat, back_lon))) < 1e-3
    assert float(np.max(haversine_m(lat, lon, w_lat, w_lon))) > 100.0  # a real shift happened


def test_points_outside_china_are_unchanged() -> None:
    """Outside China's box (Tokyo, London) both transforms are the identity."""
    lat, lon = np.array([35.68, 51.5]), np.array([139.76, -0.12])
    assert not in_china(lat, lon).any()
    assert np.array_equal(wgs84_to_gcj02(lat, lon)[0], lat)
    assert np.array_equal(gcj02_to_wgs84(lat, lon)[1], lon)
