"""The siting map: candidate and opened stations, who each serves, and the haul onward."""

from __future__ import annotations

from pathlib import Path

from optimizer.i18n import Lang, tr
from optimizer.maps.labels import esc, kg, stream_label
from optimizer.maps.labels import table as popup_table
from optimizer.maps.page import (
    CLUSTER_FROM,
    Canvas,
    Feature,
    add_layer,
    feature,
    finish,
    key_list,
    new_canvas,
    require_known,
    swatch,
)
from optimizer.maps.sites import site_feature, site_rows
from optimizer.maps.style import vehicle_color
from optimizer.model import Instance, Site, Stop, Stream
from optimizer.siting.result import Decision, SitingResult, status_label


def _places(instance: Instance) -> dict[str, Stop | Site]:
    places: dict[str, Stop | Site] = {s.id: s for s in instance.stops}
    places.update({s.id: s for s in instance.sites})
    return places


def _size_rank(site: Site, size_class: str) -> float:
    # Larger build options draw larger icons: 0 for the smallest class, 1 for the largest.
    classes = [
        o.size_class for o in sorted(site.build_options, key=lambda o: o.capacity_kg_per_day)
    ]
    if size_class not in classes or len(classes) < 2:
        return 0.5
    return classes.index(size_class) / (len(classes) - 1)


def _stream_text(lang: Lang, stream: str) -> str:
    return stream_label(lang, Stream(stream)) if stream in {s.value for s in Stream} else stream


def _per_day(lang: Lang, value: float) -> str:
    return kg(value) + tr(lang, "/day", "/日")


def _add_service_areas(
    canvas: Canvas, decision: Decision, places: dict[str, Stop | Site], colors: dict[str, str]
) -> list[Feature]:
    """Add each served point joined to its station(s), coloured by its main station.

    From ``CLUSTER_FROM`` points on, the points are clustered as on route maps.
    """
    lang = canvas.lang
    served: list[Feature] = []
    lines: list[Feature] = []
    for customer in sorted(decision.assignment):
        shares = decision.assignment[customer]
        place = places[customer]
        here = canvas.point(place.lat, place.lon)
        rows = [(tr(lang, "Id", "编号"), place.id)]
        if isinstance(place, Stop):
            rows.append((tr(lang, "Stream", "垃圾类别"), stream_label(lang, place.stream)))
            rows.append((tr(lang, "Demand", "收运量"), kg(place.demand_kg)))
        for fid in sorted(shares, key=lambda f: -shares[f]):
            station = places[fid]
            rows.append(
                (
                    tr(lang, "Served by", "服务站点"),
                    f"{station.name or fid} ({shares[fid]:.0%})",
                )
            )
            lines.append(
                feature(
                    {
                        "type": "LineString",
                        "coordinates": [here, canvas.point(station.lat, station.lon)],
                    },
                    {
                        "color": colors.get(fid, "#555"),
                        "weight": 1 + 2 * shares[fid],
                        "opacity": 0.55,
                    },
                )
            )
        main = decision.main_facility(customer)
        served.append(
            feature(
                {"type": "Point", "coordinates": here},
                {
                    "radius": 4,
                    "color": "#222",
                    "weight": 1,
                    "fill": True,
                    "fillColor": colors.get(main, "#555"),
                    "fillOpacity": 0.9,
                },
                popup=popup_table(place.name or place.id, rows),
                tip=esc(place.name or place.id),
                cluster=True,
            )
        )
    # As on route maps, many points cluster (coloured by their stations).
    cluster = not canvas.planar and len(served) >= CLUSTER_FROM
    add_layer(canvas, tr(lang, "Service areas", "服务范围"), lines + served, cluster=cluster)
    return lines + served


def _add_haul(canvas: Canvas, decision: Decision, places: dict[str, Stop | Site]) -> list[Feature]:
    """Add the onward haul to treatment plants, as thick as the daily flow."""
    lang = canvas.lang
    haul: list[Feature] = []
    biggest = max((f.amount for f in decision.flows), default=0.0) or 1.0
    for flow in decision.flows:
        a, b = places[flow.source], places[flow.target]
        rows = [
            (tr(lang, "From", "起点"), a.name or a.id),
            (tr(lang, "To", "终点"), b.name or b.id),
            (tr(lang, "Stream", "垃圾类别"), _stream_text(lang, flow.stream)),
            (tr(lang, "Amount", "运量"), _per_day(lang, flow.amount)),
        ]
        haul.append(
            feature(
                {
                    "type": "LineString",
                    "coordinates": [canvas.point(a.lat, a.lon), canvas.point(b.lat, b.lon)],
                },
                {
                    "color": "#333",
                    "weight": 2 + 6 * flow.amount / biggest,
                    "opacity": 0.7,
                    "dashArray": "10 6",
                },
                popup=popup_table(tr(lang, "Haul to treatment", "转运至处理设施"), rows),
            )
        )
    if haul:
        add_layer(canvas, tr(lang, "Haul to treatment", "转运至处理设施"), haul)
    return haul


def _add_stations(
    canvas: Canvas,
    instance: Instance,
    result: SitingResult,
    opened: dict[str, str],
    colors: dict[str, str],
) -> list[Feature]:
    """Add opened stations (size class shown, in their lines' colour), candidates, other sites."""
    lang = canvas.lang
    open_feats: list[Feature] = []
    closed_feats: list[Feature] = []
    other_feats: list[Feature] = []
    for site in instance.sites:
        rows = site_rows(lang, site)
        if site.id in opened:
            size_class = opened[site.id]
            rows.append((tr(lang, "Size class", "规模等级"), size_class))
            load = result.load.get(site.id)
            capacity = result.capacity.get(site.id)
            if load is not None:
                rows.append((tr(lang, "Load", "负荷"), _per_day(lang, load)))
            if load is not None and capacity:
                rows.append((tr(lang, "Utilisation", "利用率"), f"{load / capacity:.0%}"))
            size = round(22 + 12 * _size_rank(site, size_class))
            # The name, and the size class where siting chose a build size
            # (existing sites would crowd the map with the same word).
            name = site.name or site.id
            label = f"{name} · {size_class}" if site.candidate else name
            open_feats.append(
                site_feature(canvas, site, rows, size=size, label=label, color=colors[site.id])
            )
        elif site.candidate:
            for option in site.build_options:
                capital = f"{option.capital_cost:,.0f}" + tr(lang, " yuan", " 元")
                text = f"{_per_day(lang, option.capacity_kg_per_day)}, {capital}"
                rows.append(
                    (tr(lang, f"Option {option.size_class}", f"方案 {option.size_class}"), text)
                )
            closed_feats.append(site_feature(canvas, site, rows, muted=True))
        else:
            other_feats.append(site_feature(canvas, site, rows, label=site.name or site.id))
    for name, feats in (
        (
            tr(lang, f"Opened stations ({len(open_feats)})", f"选中站点（{len(open_feats)}）"),
            open_feats,
        ),
        (tr(lang, "Candidates not opened", "未选中的候选站址"), closed_feats),
        (tr(lang, "Other sites", "其他设施"), other_feats),
    ):
        if feats:
            add_layer(canvas, esc(name), feats, icons=True)
    return open_feats + closed_feats + other_feats


def render_siting(
    instance: Instance,
    result: SitingResult,
    path: str | Path,
    *,
    lang: Lang = "en",
    basemap: str | None = None,
    offline: bool = False,
    tianditu_key: str | None = None,
) -> Path:
    """Write the siting map of ``result`` on ``instance`` to an HTML file.

    Opened stations are drawn with their size class (label and icon size),
    candidates left closed as hollow icons, each served point joined to its
    station(s) by a line in the station's colour, and the onward haul to
    treatment plants as lines as thick as the daily flow.

    Parameters
    ----------
    instance
        The county instance the siting problem was built from; customer and
        facility ids of the result are its stop and site ids.
    result
        The siting result; without a decision (infeasible, no solution) the
        map shows the candidates and the diagnosis.
    path
        The HTML file to write (atomically).
    lang, basemap, offline, tianditu_key
        As for :func:`optimizer.maps.render_routes`.

    Returns
    -------
    Path
        The written file.

    """
    places = _places(instance)
    decision = result.decision
    ids: set[str] = set()
    if decision is not None:
        ids = set(decision.open) | set(decision.assignment)
        ids |= {f for shares in decision.assignment.values() for f in shares}
        ids |= {x for flow in decision.flows for x in (flow.source, flow.target)}
    require_known(instance, ids, what="the siting result")
    title = tr(lang, f"Station siting — {instance.name}", f"转运站选址 — {instance.name}")
    canvas = new_canvas(
        instance,
        lang=lang,
        basemap=basemap,
        offline=offline,
        tianditu_key=tianditu_key,
        title=title,
    )
    opened = dict(decision.open) if decision is not None else {}
    colors = {fid: vehicle_color(k) for k, fid in enumerate(sorted(opened))}
    features: list[Feature] = []

    if decision is not None:
        features += _add_service_areas(canvas, decision, places, colors)
        features += _add_haul(canvas, decision, places)
    features += _add_stations(canvas, instance, result, opened, colors)

    status = status_label(result.status, lang, result.gap)
    lines_html = [tr(lang, f"Status: {status}", f"状态：{status}")]
    if result.gap:
        lines_html.append(
            tr(lang, f"Optimality gap {result.gap:.2%}", f"最优间隙 {result.gap:.2%}")
        )
    if decision is not None:
        lines_html.append(
            tr(
                lang,
                f"{len(opened)} stations open, capital {result.capital:,.0f} yuan, "
                f"cost {result.total_cost:,.0f} yuan/year, {result.total_co2:,.0f} kg CO2e/year",
                f"开设 {len(opened)} 个站点，投资 {result.capital:,.0f} 元，"
                f"年成本 {result.total_cost:,.0f} 元，年排放 {result.total_co2:,.0f} kg CO2e",
            )
        )
    lines_html += list(result.diagnosis)
    legend = "".join(f"<div>{esc(t)}</div>" for t in lines_html) + "<hr>"
    rows = [
        f"<div>{swatch(colors[fid], circle=True)} {esc(places[fid].name or fid)} · "
        f"{esc(opened[fid])}</div>"
        for fid in sorted(opened)
    ]
    legend += key_list(tr(lang, f"Opened ({len(rows)})", f"选中站点（{len(rows)}）"), rows)
    return finish(canvas, features, title=title, legend=legend, path=Path(path))
