"""Base maps (tile layers) and the coordinate system their overlays need.

- ``none`` (the default): no tiles. The page makes no request to any server
  and shows a light coordinate grid, the scale bar and labelled sites
  instead, so it works the same in an office without internet.
- ``osm``: OpenStreetMap's standard tiles, WGS-84.
- ``amap``: AMap/Gaode road map. Its tiles are drawn in GCJ-02, the Chinese
  obfuscated datum, so every overlay is converted from WGS-84 first; without
  the conversion markers sit about 500 m off their road in eastern China.
- ``tianditu``: the national map service 天地图 (vector map plus Chinese
  labels), CGCS2000, which agrees with WGS-84 to well under a metre; it needs
  a free developer key (https://console.tianditu.gov.cn/).

Tiles are the only thing a page ever fetches (Leaflet is always inlined), and
the plan is drawn the same with or without them.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import folium

BASEMAPS: tuple[str, ...] = ("osm", "amap", "tianditu", "none")

Projection = Callable[[float, float], tuple[float, float]]

_OSM_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
_OSM_ATTR = (
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
)
_AMAP_URL = (
    "https://webrd0{s}.is.autonavi.com/appmaptile"
    "?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}"
)
_AMAP_ATTR = "&copy; AutoNavi 高德地图"
_TIANDITU_URL = (
    "https://t{{s}}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
    "&LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles"
    "&TILEMATRIX={{z}}&TILEROW={{y}}&TILECOL={{x}}&tk={key}"
)
_TIANDITU_ATTR = "&copy; 天地图 Tianditu"
# Tianditu keys are 32 hexadecimal digits.
_TIANDITU_KEY = re.compile(r"[0-9a-fA-F]{32}")


def _identity(lat: float, lon: float) -> tuple[float, float]:
    return lat, lon


def _to_gcj02(lat: float, lon: float) -> tuple[float, float]:
    from optimizer.coords import wgs84_to_gcj02

    glat, glon = wgs84_to_gcj02(lat, lon)
    return float(glat), float(glon)


def resolve_basemap(
    basemap: str | None, *, planar: bool, offline: bool, tianditu_key: str | None
) -> str:
    """Return the base map to draw, or raise ValueError if the options cannot be honoured.

    ``None`` picks ``none``: remote tiles are drawn only when asked for.
    ``offline`` refuses any tile base map.
    """
    if basemap is None:
        return "none"
    if planar and basemap != "none":
        raise ValueError(
            f"planar (benchmark) coordinates cannot lie on {basemap!r} tiles; use 'none'"
        )
    if basemap not in BASEMAPS:
        raise ValueError(f"unknown base map {basemap!r}; expected one of {', '.join(BASEMAPS)}")
    if offline and basemap != "none":
        raise ValueError(
            f"an offline map makes no request to any server, so it cannot show "
            f"{basemap!r} tiles; drop the base map (the default) or drop offline"
        )
    if basemap == "tianditu" and not (tianditu_key and _TIANDITU_KEY.fullmatch(tianditu_key)):
        raise ValueError(
            "the Tianditu base map needs a developer key of 32 hexadecimal digits "
            "(free at https://console.tianditu.gov.cn/)"
        )
    return basemap


def projection(basemap: str) -> Projection:
    """Return the function that turns WGS-84 (lat, lon) into the base map's datum."""
    return _to_gcj02 if basemap == "amap" else _identity


def add_basemap(m: folium.Map, basemap: str, *, tianditu_key: str | None = None) -> None:
    """Add the tile layers of ``basemap`` to ``m`` (nothing for ``none``)."""
    if basemap == "osm":
        folium.TileLayer(_OSM_URL, attr=_OSM_ATTR, name="OpenStreetMap", max_zoom=19).add_to(m)
    elif basemap == "amap":
        folium.TileLayer(
            _AMAP_URL, attr=_AMAP_ATTR, name="高德地图 AMap", subdomains="1234", max_zoom=18
        ).add_to(m)
    elif basemap == "tianditu":
        for layer, name, overlay in (("vec", "天地图 Tianditu", False), ("cva", "注记", True)):
            folium.TileLayer(
                _TIANDITU_URL.format(layer=layer, key=tianditu_key),
                attr=_TIANDITU_ATTR,
                name=name,
                subdomains="01234567",
                max_zoom=18,
                overlay=overlay,
                control=False,
            ).add_to(m)
