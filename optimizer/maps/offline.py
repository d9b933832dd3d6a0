"""Leaflet and Leaflet.markercluster, inlined so that every page works offline.

The assets come from the ``xstatic-leaflet`` and ``xstatic-leaflet-markercluster``
packages on PyPI (pip dependencies of countyopt), so ``pip install`` brings
them and the repository holds no copy of third-party code. Nothing else is
used: no jQuery, Bootstrap or Font Awesome, which folium would otherwise link
from CDNs. No page links any asset from a server: only the tiles of a base
map the user asks for (``--basemap``) are fetched.
"""

from __future__ import annotations

import base64
import functools
import re
from importlib import resources

import folium
from branca.element import Element, Figure

LEAFLET_PACKAGE = "xstatic.pkg.leaflet"
MARKERCLUSTER_PACKAGE = "xstatic.pkg.leaflet_markercluster"


class RawElement(Element):
    """A header element rendered verbatim, never through a Jinja template.

    Minified JavaScript may contain ``{{`` or ``{%``; branca's own inlining
    (``embedded=True``) would also write a Python bytes literal.
    """

    def __init__(self, text: str) -> None:
        super().__init__()
        self._text = text

    def render(self, **kwargs: object) -> str:
        """Return the text unchanged."""
        return self._text


def _read(package: str, name: str) -> bytes:
    return (resources.files(package) / "data" / name).read_bytes()


def _script_safe(js: str) -> str:
    # Inside <script>, "</script" ends the element and "<!--" changes the
    # parser state; both are harmless to JavaScript once escaped.
    js = js.replace("</script", "<\\/script").replace("<!--", "<\\!--")
    # A source-map comment makes developer tools fetch a file that is not there.
    return re.sub(r"//# sourceMappingURL=\S+\s*$", "", js)


@functools.cache
def leaflet_js() -> str:
    """Return Leaflet's minified JavaScript, ready to inline in a page."""
    return _script_safe(_read(LEAFLET_PACKAGE, "leaflet.js").decode("utf-8"))


@functools.cache
def leaflet_css() -> str:
    """Return Leaflet's CSS with its images turned into data URIs."""
    css = _read(LEAFLET_PACKAGE, "leaflet.css").decode("utf-8")

    def inline(match: re.Match[str]) -> str:
        data = base64.b64encode(_read(LEAFLET_PACKAGE, match.group(1))).decode("ascii")
        return f"url(data:image/png;base64,{data})"

    return re.sub(r"url\((images/[\w.-]+\.png)\)", inline, css)


@functools.cache
def markercluster_js() -> str:
    """Return Leaflet.markercluster's minified JavaScript, ready to inline."""
    return _script_safe(_read(MARKERCLUSTER_PACKAGE, "leaflet.markercluster.js").decode("utf-8"))


@functools.cache
def markercluster_css() -> str:
    """Return Leaflet.markercluster's structural CSS (its animations; icons are our own)."""
    return _read(MARKERCLUSTER_PACKAGE, "MarkerCluster.css").decode("utf-8")


def use_leaflet(m: folium.Map) -> None:
    """Inline Leaflet and Leaflet.markercluster into ``m``'s page.

    Only the map instance is changed: folium's class-level asset lists are
    shared by every map, so they are replaced on the instance, never edited.
    """
    m.default_js = []
    m.default_css = []
    figure = m.get_root()
    if not isinstance(figure, Figure):  # folium.Map always places itself in a Figure
        raise TypeError("the map is not inside a branca Figure")
    css = f"<style>{leaflet_css()}\n{markercluster_css()}</style>"
    figure.header.add_child(RawElement(css), name="leaflet_css")
    figure.header.add_child(RawElement(f"<script>{leaflet_js()}</script>"), name="leaflet")
    figure.header.add_child(
        RawElement(f"<script>{markercluster_js()}</script>"), name="leaflet_markercluster"
    )
