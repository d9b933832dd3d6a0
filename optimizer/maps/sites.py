"""Depots, facilities and candidate sites as icons with their popups."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from optimizer.i18n import Lang, tr
from optimizer.maps.labels import esc, kg, site_kind_label, stream_label
from optimizer.maps.labels import table as popup_table
from optimizer.maps.page import Canvas, Feature, add_layer, feature
from optimizer.maps.style import site_icon
from optimizer.model import Instance, Site, SiteKind
from optimizer.timefmt import format_clock


def site_letter(lang: Lang, kind: SiteKind) -> str:
    """Return the one character shown inside a site's icon."""
    return site_kind_label(lang, kind)[0].upper()


def site_rows(lang: Lang, site: Site) -> list[tuple[str, str]]:
    """Return the popup rows that describe a site from the instance alone."""
    rows = [
        (tr(lang, "Site id", "编号"), site.id),
        (tr(lang, "Kind", "类型"), site_kind_label(lang, site.kind)),
    ]
    if site.streams:
        streams = ", ".join(stream_label(lang, s) for s in sorted(site.streams))
        rows.append((tr(lang, "Accepts", "接收"), streams))
    if site.hours is not None:
        hours = f"{format_clock(site.hours.start)}–{format_clock(site.hours.end)}"
        rows.append((tr(lang, "Opening hours", "开放时间"), hours))
    if site.capacity_kg_per_day is not None:
        capacity = kg(site.capacity_kg_per_day) + tr(lang, "/day", "/日")
        rows.append((tr(lang, "Capacity", "处理能力"), capacity))
    return rows


def site_feature(
    canvas: Canvas,
    site: Site,
    rows: Sequence[tuple[str, str]],
    *,
    muted: bool = False,
    size: int = 22,
    label: str = "",
    color: str = "",
) -> Feature:
    """Return a site's icon feature with a popup of ``rows`` and an optional fixed label.

    ``color`` overrides the colour of the site's kind.
    """
    letter = esc(site_letter(canvas.lang, site.kind))
    props = {
        "icon": site_icon(site.kind, letter=letter, muted=muted, size=size, color=color),
        "icon_size": size,
        "popup": popup_table(site.name or site.id, rows),
        "tip": esc(site.name or site.id),
    }
    if label:
        props["label"] = esc(label)
    return feature({"type": "Point", "coordinates": canvas.point(site.lat, site.lon)}, {}, **props)


# Up to this many sites carry their name as a fixed label: with the grid they
# are what a dispatcher finds their way by on a page without tiles.
LABEL_SITES_UP_TO = 30


def add_sites(
    canvas: Canvas, instance: Instance, unloads: Mapping[str, Sequence[str]] | None = None
) -> list[Feature]:
    """Add depots and facilities as one layer of labelled icons; return its features.

    ``unloads`` lists, by site id, the unloading visits to show in its popup.
    """
    lang = canvas.lang
    feats = []
    labelled = len(instance.sites) <= LABEL_SITES_UP_TO
    for site in instance.sites:
        rows = site_rows(lang, site)
        rows.extend((tr(lang, "Unload", "卸料"), u) for u in (unloads or {}).get(site.id, ()))
        label = (site.name or site.id) if labelled else ""
        feats.append(site_feature(canvas, site, rows, label=label))
    if feats:
        add_layer(canvas, tr(lang, "Depots and facilities", "车场与设施"), feats, icons=True)
    return feats
