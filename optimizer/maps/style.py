"""Colours and icons of the maps: one colour per vehicle, one icon per kind of site."""

from __future__ import annotations

import functools

from matplotlib import colormaps
from matplotlib.colors import to_hex

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


@functools.cache
def _palette() -> tuple[str, ...]:
    # Qualitative colour maps designed to tell categories apart; Dark2 and Set1
    # extend tab10 with colours that still read on a light street map.
    colors: list[str] = []
    for name in ("tab10", "Dark2", "Set1"):
        cmap = colormaps[name]
        for i in range(cmap.N):
            hexcolor = to_hex(cmap(i))
            # Grey and yellow vanish against street maps and tile backgrounds.
            if hexcolor not in colors and hexcolor not in ("#7f7f7f", "#999999", "#ffff33"):
                colors.append(hexcolor)
    return tuple(colors)


def vehicle_color(index: int) -> str:
    """Return the colour of the ``index``-th vehicle (colours repeat after about 25)."""
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
