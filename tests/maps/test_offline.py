"""Offline assets: Leaflet from the installed package, inlined without outside references."""

from __future__ import annotations

import json
import re

from optimizer.maps.offline import LEAFLET_CDN_CSS, LEAFLET_CDN_JS, leaflet_css, leaflet_js
from optimizer.maps.page import script_json


def test_inlined_css_references_no_file():
    """Leaflet's CSS keeps no relative image path: its images are data URIs."""
    css = leaflet_css()
    assert ".leaflet-control-layers-toggle" in css
    assert "url(images/" not in css
    assert css.count("url(data:image/png;base64,") >= 3


def test_inlined_js_is_the_release_online_pages_link():
    """The inlined Leaflet is the release the CDN links point at, without a source-map fetch."""
    js = leaflet_js()
    (version,) = set(re.findall(r'version="(\d+\.\d+\.\d+)"', js))
    assert f"leaflet@{version}/" in LEAFLET_CDN_JS and f"leaflet@{version}/" in LEAFLET_CDN_CSS
    assert "sourceMappingURL" not in js
    assert "</script" not in js.lower()


def test_script_json_cannot_close_the_script():
    """Data written into a <script> element cannot end it or open a comment, and reads back."""
    data = {"name": "</script><!-- & \u2028"}
    text = script_json(data)
    assert "</" not in text.lower() and "<!--" not in text
    assert json.loads(text) == data
