"""WGS-84 ↔ GCJ-02 (the "Mars" datum of Chinese web maps), vectorised with numpy.

GCJ-02 is not in PROJ. The forward transform is the widely republished
reconstruction of the official obfuscation (googollee/eviltransform, MIT;
Artoria2e5/PRCoords, CC0): an offset of a few hundred metres computed on the
Krasovsky 1940 ellipsoid. It applies only inside mainland China's bounding
box; outside it the two datums coincide. The inverse has no closed form: a
fixed-point iteration (Caijun 2014, as in PRCoords) converges to well under a
millimetre in a few steps.

We wrote these twenty lines instead of depending on a PyPI package because
the candidates (eviltransform 0.1.1, 2018; prcoords 1.0.2, 2019) are
unmaintained, scalar-only and untyped, and prcoords warns on every point
outside China.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TypeVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from optimizer.model import Site, Stop

_A = 6378245.0  # Krasovsky 1940 semi-major axis (m)
_EE = 0.00669342162296594323  # its first eccentricity squared
#: Rough bounding box of mainland China used by the transform (lat, lon degrees).
CHINA_LAT = (0.8293, 55.8271)
CHINA_LON = (72.004, 137.8347)

Floats = NDArray[np.float64]


def in_china(lat: ArrayLike, lon: ArrayLike) -> NDArray[np.bool_]:
    """Return whether points lie in the box where GCJ-02 differs from WGS-84."""
    la, lo = np.asarray(lat, dtype=np.float64), np.asarray(lon, dtype=np.float64)
    return np.asarray(
        (la >= CHINA_LAT[0]) & (la <= CHINA_LAT[1]) & (lo >= CHINA_LON[0]) & (lo <= CHINA_LON[1])
    )


def _offset(lat: Floats, lon: Floats) -> tuple[Floats, Floats]:
    # The obfuscation's distortion in metres, at (x, y) = (lon - 105, lat - 35).
    x, y = lon - 105.0, lat - 35.0
    wave = 20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)
    d_lat = (
        -100.0
        + 2.0 * x
        + 3.0 * y
        + 0.2 * y * y
        + 0.1 * x * y
        + 0.2 * np.sqrt(np.abs(x))
        + (
            wave
            + 20.0 * np.sin(y * np.pi)
            + 40.0 * np.sin(y / 3.0 * np.pi)
            + 160.0 * np.sin(y / 12.0 * np.pi)
            + 320.0 * np.sin(y / 30.0 * np.pi)
        )
        * 2.0
        / 3.0
    )
    d_lon = (
        300.0
        + x
        + 2.0 * y
        + 0.1 * x * x
        + 0.1 * x * y
        + 0.1 * np.sqrt(np.abs(x))
        + (
            wave
            + 20.0 * np.sin(x * np.pi)
            + 40.0 * np.sin(x / 3.0 * np.pi)
            + 150.0 * np.sin(x / 12.0 * np.pi)
            + 300.0 * np.sin(x / 30.0 * np.pi)
        )
        * 2.0
        / 3.0
    )
    rad = np.radians(lat)
    magic = 1.0 - _EE * np.sin(rad) ** 2
    # Metres to degrees on the ellipsoid (meridian and parallel arc lengths).
    lat_deg = d_lat * 180.0 / ((_A * (1.0 - _EE)) / (magic * np.sqrt(magic)) * np.pi)
    lon_deg = d_lon * 180.0 / (_A / np.sqrt(magic) * np.cos(rad) * np.pi)
    inside = in_china(lat, lon)
    return np.where(inside, lat_deg, 0.0), np.where(inside, lon_deg, 0.0)


def wgs84_to_gcj02(lat: ArrayLike, lon: ArrayLike) -> tuple[Floats, Floats]:
    """Return GCJ-02 latitude and longitude (degrees) of WGS-84 points."""
    la, lo = np.asarray(lat, dtype=np.float64), np.asarray(lon, dtype=np.float64)
    d_lat, d_lon = _offset(la, lo)
    return la + d_lat, lo + d_lon


def gcj02_to_wgs84(
    lat: ArrayLike, lon: ArrayLike, *, tol_deg: float = 1e-10, max_iter: int = 20
) -> tuple[Floats, Floats]:
    """Return WGS-84 latitude and longitude (degrees) of GCJ-02 points.

    Parameters
    ----------
    lat, lon
        GCJ-02 coordinates in degrees (scalars or arrays).
    tol_deg
        Stop when no point moves more than this (1e-10 degrees is ~0.01 mm).
    max_iter
        Upper bound on fixed-point iterations (5 suffice in practice).

    """
    g_lat, g_lon = np.asarray(lat, dtype=np.float64), np.asarray(lon, dtype=np.float64)
    w_lat, w_lon = g_lat.copy(), g_lon.copy()
    for _ in range(max_iter):
        f_lat, f_lon = wgs84_to_gcj02(w_lat, w_lon)
        e_lat, e_lon = f_lat - g_lat, f_lon - g_lon
        w_lat, w_lon = w_lat - e_lat, w_lon - e_lon
        if (
            max(
                float(np.max(np.abs(e_lat), initial=0.0)), float(np.max(np.abs(e_lon), initial=0.0))
            )
            < tol_deg
        ):
            break
    return w_lat, w_lon


_Located = TypeVar("_Located", Site, Stop)


def records_to_wgs84(records: list[_Located]) -> list[_Located]:
    """Return copies of stops or sites whose GCJ-02 coordinates are moved to WGS-84."""
    if not records:
        return records
    lat, lon = gcj02_to_wgs84([r.lat for r in records], [r.lon for r in records])
    return [
        replace(r, lat=float(a), lon=float(b)) for r, a, b in zip(records, lat, lon, strict=True)
    ]
