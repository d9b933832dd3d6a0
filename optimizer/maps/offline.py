"""Leaflet's JavaScript and CSS: linked from a CDN, or inlined for offline use.

The assets come from the ``xstatic-leaflet`` package on PyPI (a pip
dependency of countyopt), so ``pip install`` brings them and the repository
holds no copy of third-party code. Only Leaflet itself is used: no jQuery,
Bootstrap or Font Awesome, which folium would otherwise link from CDNs.
"""

from __future__ import annotations

import base64
import functools
import re
from importlib import resources

import folium
from branca.element import Element, Figure

LEAFLET_PACKAGE = "xstatic.pkg.leaflet"
# The same release that xstatic-leaflet ships, so online and offline pages match.
LEAFLET_CDN_JS = "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"
LEAFLET_CDN_CSS = "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css"


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


def _read(name: str) -> bytes:
    return (resources.files(LEAFLET_PACKAGE) / "data" / name).read_bytes()


def _script_safe(js: str) -> str:
    # Inside <script>, "</script" ends the element and "<!--" changes the
    # parser state; both are harmless to JavaScript once escaped.
    return js.replace("</script", "<\\/script").replace("<!--", "<\\!--")


@functools.cache
def leaflet_js() -> str:
    """Return Leaflet's minified JavaScript, ready to inline in a page."""
    js = _read("leaflet.js").decode("utf-8")
    # A source-map comment makes developer tools fetch a file that is not there.
    js = re.sub(r"//# sourceMappingURL=\S+\s*$", "", js)
    return _script_safe(js)


@functools.cache
def leaflet_css() -> str:
    """Return Leaflet's CSS with its images turned into data URIs."""
    css = _read("leaflet.css").decode("utf-8")

    def inline(match: re.Match[str]) -> str:
        data = base64.b64encode(_read(match.group(1))).decode("ascii")
        return f"url(data:image/png;base64,{data})"

    return re.sub(r"url\((images/[\w.-]+\.png)\)", inline, css)


def use_leaflet(m: folium.Map, *, offline: bool) -> None:
    """Load Leaflet into ``m``'s page: inlined when ``offline``, else from a CDN.

    Only the map instance is changed: folium's class-level asset lists are
    shared by every map, so they are replaced on the instance, never edited.
    """
    if not offline:
        m.default_js = [("leaflet", LEAFLET_CDN_JS)]
        m.default_css = [("leaflet_css", LEAFLET_CDN_CSS)]
        return
    m.default_js = []
    m.default_css = []
    figure = m.get_root()
    if not isinstance(figure, Figure):  # folium.Map always places itself in a Figure
        raise TypeError("the map is not inside a branca Figure")
    figure.header.add_child(RawElement(f"<style>{leaflet_css()}</style>"), name="leaflet_css")
    figure.header.add_child(RawElement(f"<script>{leaflet_js()}</script>"), name="leaflet")
