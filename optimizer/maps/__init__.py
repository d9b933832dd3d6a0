"""Interactive Folium maps of plans: routes, siting and comparisons.

This package is the only place that imports folium or branca. Every map is
drawn from ``(instance, result)`` alone and written as one HTML file;
``offline=True`` inlines Leaflet so the file works without a network.
"""

from __future__ import annotations

from optimizer.maps.basemaps import BASEMAPS
from optimizer.maps.compare import render_compare
from optimizer.maps.routes import render_routes, unknown_locations
from optimizer.maps.siting import render_siting

__all__ = [
    "BASEMAPS",
    "render_compare",
    "render_routes",
    "render_siting",
    "unknown_locations",
]
