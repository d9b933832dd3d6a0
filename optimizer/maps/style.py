"""Colours and icons of the maps: one colour per vehicle, one icon per kind of site."""

from __future__ import annotations

import colorsys
import functools

import numpy as np

from optimizer.model import SiteKind

# A thick red ring on canvas: thousands of unserved stops stay light to draw
# and, unlike icons, never cover the routes.
UNSERVED_STYLE: dict[str, str | float | bool] = {
    "radius": 6,
    "color": "#d62728",
    "weight": 3,
    "fill": True,
    "fillColor": "#ffffff",
    "fillOpacity": 0.6,
}

_SITE_COLORS: dict[SiteKind, str] = {
    SiteKind.DEPOT: "#1f3b73",
    SiteKind.TRANSFER: "#e6811e",
    SiteKind.INCINERATOR: "#b22222",
    SiteKind.LANDFILL: "#7b5a2e",
    SiteKind.RECYCLING: "#1f77b4",
    SiteKind.COMPOSTING: "#2e8b57",
    SiteKind.HAZARDOUS: "#7e3f98",
    SiteKind.MEDICAL: "#d6336c",
    SiteKind.CHARGER: "#c9a400",
}


def _lab(hexcolor: str) -> np.ndarray:
    """Return the CIE L*a*b* (D65) coordinates of an sRGB colour, to measure how far apart."""
    rgb = np.array([int(hexcolor[i : i + 2], 16) / 255 for i in (1, 3, 5)])
    lin = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    xyz = (
        np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
        @ lin
        / np.array([0.95047, 1.0, 1.08883])
    )
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def color_distance(a: str, b: str) -> float:
    """Return the CIE76 difference of two colours (about 2.3 is just noticeable)."""
    return float(np.linalg.norm(_lab(a) - _lab(b)))


# Colours a vehicle must not resemble: the page background, the unserved red, the outlines.
_AVOID = ("#ffffff", UNSERVED_STYLE["color"], "#222222")


@functools.cache
def _palette() -> tuple[str, ...]:
    # Candidates: 72 hues x 4 lightnesses x 2 saturations (HLS), kept where
    # they read on a white page or light tiles (L* 25-65). Each next colour is
    # the candidate farthest (in L*a*b*) from all chosen ones and from
    # _AVOID, so the first colours differ most and none repeats: the first 60
    # stay at least 15 Delta-E apart (tests/maps/test_style.py).
    candidates = []
    for hue in range(72):
        for lightness in (0.25, 0.35, 0.45, 0.55):
            for saturation in (0.9, 0.6):
                r, g, b = colorsys.hls_to_rgb(hue / 72, lightness, saturation)
                hexcolor = f"#{round(r * 255):02x}{round(g * 255):02x}{round(b * 255):02x}"
                if 25 <= _lab(hexcolor)[0] <= 65 and hexcolor not in candidates:
                    candidates.append(hexcolor)
    labs = np.array([_lab(c) for c in candidates])
    avoid = np.array([_lab(str(c)) for c in _AVOID])
    nearest = np.min(np.linalg.norm(labs[:, None, :] - avoid[None, :, :], axis=2), axis=1)
    chosen: list[str] = []
    for _ in candidates:
        best = int(np.argmax(nearest))
        chosen.append(candidates[best])
        nearest = np.minimum(nearest, np.linalg.norm(labs - labs[best], axis=1))
        nearest[best] = -1.0
    return tuple(chosen)


def vehicle_color(index: int) -> str:
    """Return the colour of the ``index``-th vehicle.

    Colours never repeat within the palette (several hundred); the first 60
    are at least 15 Delta-E apart, so neighbouring routes stay distinguishable.
    """
    palette = _palette()
    return palette[index % len(palette)]


def site_color(kind: SiteKind) -> str:
    """Return the colour of a kind of site."""
    return _SITE_COLORS[kind]


def site_icon(
    kind: SiteKind, *, letter: str, muted: bool = False, size: int = 22, color: str = ""
) -> str:
    """Return an SVG icon: a square for depots, a diamond for other sites.

    ``letter`` is a single character of our own (never input text).
    ``muted`` draws a hollow outline, e.g. for a candidate site left closed.
    ``color`` overrides the kind's colour (e.g. to match a station's lines).
    """
    color = color or site_color(kind)
    fill, text = ("#ffffff", color) if muted else (color, "#ffffff")
    half = size / 2
    if kind is SiteKind.DEPOT:
        shape = f'<rect x="2" y="2" width="{size - 4}" height="{size - 4}" rx="3"'
    else:
        pts = f"{half},1 {size - 1},{half} {half},{size - 1} 1,{half}"
        shape = f'<polygon points="{pts}"'
    dash = ' stroke-dasharray="3 2"' if muted else ""
    return (
        f'<svg width="{size}" height="{size}">'
        f'{shape} fill="{fill}" stroke="{color}" stroke-width="2"{dash}/>'
        f'<text x="{half}" y="{half + size / 6}" font-size="{size / 2}" font-family="sans-serif" '
        f'font-weight="bold" text-anchor="middle" fill="{text}">{letter}</text></svg>'
    )
