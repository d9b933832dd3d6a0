"""Interactive Folium maps of plans: routes, siting and comparisons.

This package is the only place that imports folium or branca. Every map is
drawn from ``(instance, result)`` alone and written as one HTML file;
Leaflet is always inlined, so every file works without a network; remote
tiles are drawn only for a base map the user asks for.
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
