"""Offline assets: Leaflet from the installed package, inlined without outside references."""

from __future__ import annotations

import json
import re

from optimizer.maps import render_compare, render_routes, render_siting
from optimizer.maps.offline import leaflet_css, leaflet_js, markercluster_js
from optimizer.maps.page import script_json
from optimizer.siting.result import Decision, SitingResult, SolveStatus


def test_inlined_css_references_no_file():
    """Leaflet's CSS keeps no relative image path: its images are data URIs."""
    css = leaflet_css()
    assert ".leaflet-control-layers-toggle" in css
    assert "url(images/" not in css
    assert css.count("url(data:image/png;base64,") >= 3


def test_inlined_scripts_are_safe_and_fetch_nothing():
    """Inlined Leaflet and markercluster cannot close their script and ask for no source map."""
    for js in (leaflet_js(), markercluster_js()):
        assert "sourceMappingURL" not in js
        assert "</script" not in js.lower()
    assert "MarkerClusterGroup" in markercluster_js()


def test_every_kind_of_page_links_nothing_remote(instance, result, tmp_path):
    """Route, compare and siting pages written with default options hold no remote URL to load."""
    decision = Decision(open={"T1": "existing"}, assignment={"S1": {"T1": 1.0}})
    siting = SitingResult("small", SolveStatus.OPTIMAL, decision, 1.0, 1.0, 0.0)
    pages = [
        render_routes(instance, result, tmp_path / "r.html"),
        render_compare(instance, result, result, tmp_path / "c.html"),
        render_siting(instance, siting, tmp_path / "s.html"),
    ]
    for page in pages:
        text = page.read_text(encoding="utf-8")
        urls = re.findall(r"""(?:src|href)\s*=\s*["']?((?:https?:)?//[^"' >]+)""", text)
        # Leaflet's attribution links to its home page; a link is not a request.
        assert [u for u in urls if "leafletjs.com" not in u] == [], page.name
        assert "tile.openstreetmap" not in text and "cdn." not in text, page.name


def test_script_json_cannot_close_the_script():
    """Data written into a <script> element cannot end it or open a comment, and reads back."""
    data = {"name": "</script><!-- & \u2028"}
    text = script_json(data)
    assert "</" not in text.lower() and "<!--" not in text
    assert json.loads(text) == data
