"""Bilingual, HTML-escaped text for popups, tooltips and legends.

Every string from an input file goes through :func:`html.escape` here before
it reaches the page; Leaflet shows popup, tooltip and layer-control text as
HTML, so unescaped text would run as markup.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from optimizer.i18n import Lang, tr
from optimizer.model import SITE_KIND_ZH, STREAM_ZH, SiteKind, Stream

__all__ = ["esc", "kg", "km", "site_kind_label", "stream_label", "table"]


def esc(text: object) -> str:
    """Return ``text`` escaped for HTML, braces included.

    folium re-parses rendered scripts (layer names among them) as Jinja
    templates; with braces as entities no input can form ``{{`` or ``{%``.
    """
    return html.escape(str(text), quote=True).replace("{", "&#123;").replace("}", "&#125;")


def kg(value: float) -> str:
    """Return a mass in kilograms with thousands separators."""
    return f"{value:,.0f} kg"


def km(metres: float) -> str:
    """Return a distance in metres as kilometres with one decimal."""
    return f"{metres / 1000:,.1f} km"


def stream_label(lang: Lang, stream: Stream) -> str:
    """Return the name of a waste stream in ``lang``."""
    return tr(lang, stream.value, STREAM_ZH[stream])


def site_kind_label(lang: Lang, kind: SiteKind) -> str:
    """Return the name of a kind of site in ``lang``."""
    return tr(lang, kind.value, SITE_KIND_ZH[kind])


def table(title: str, rows: Sequence[tuple[str, str]]) -> str:
    """Return a popup: an escaped title over a two-column table of escaped rows."""
    cells = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in rows)
    return f'<div class="co-popup"><b>{esc(title)}</b><table>{cells}</table></div>'
