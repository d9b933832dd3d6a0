"""What every countyopt map shares: the map, its layers, legend and atomic write."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import folium
from branca.element import Element, Figure, MacroElement
from folium.map import Layer
from folium.template import Template

from optimizer.i18n import Lang, tr
from optimizer.io.atomic import write_text_atomic
from optimizer.maps.basemaps import Projection, add_basemap, projection, resolve_basemap
from optimizer.maps.labels import esc
from optimizer.maps.offline import RawElement, use_leaflet
from optimizer.model import Instance

Feature = dict[str, Any]

_CSS = """<style>
.co-popup table { border-collapse: collapse; font-size: 12px; }
.co-popup th { text-align: left; padding: 1px 8px 1px 0; font-weight: normal; color: #555; }
.co-popup td { padding: 1px 0; }
.co-legend { background: rgba(255,255,255,0.92); padding: 6px 9px; border-radius: 4px;
  box-shadow: 0 1px 4px rgba(0,0,0,0.35); font: 12px/1.45 sans-serif; max-height: 60vh;
  overflow-y: auto; }
.co-legend summary { cursor: pointer; margin-bottom: 3px; font-size: 13px; }
.co-legend .co-sw { display: inline-block; width: 18px; margin-right: 5px; vertical-align: middle; }
.co-icon { background: none; border: none; }
.co-veh { cursor: pointer; }
.co-veh:hover { background: #eef; }
.co-all { color: #335; margin-bottom: 2px; }
.co-label { font-size: 11px; padding: 1px 4px; }
.co-cluster { border-radius: 50%; display: flex; align-items: center; justify-content: center;
  box-shadow: 0 0 0 1px #222; }
.co-cluster span { background: #fff; border-radius: 50%; min-width: 55%; height: 55%;
  display: flex; align-items: center; justify-content: center; font: bold 11px sans-serif;
  color: #222; padding: 0 2px; }
.co-grid-label { color: #69737d; font: 10px sans-serif; white-space: nowrap; }
.co-grid-lon { margin: 2px 0 0 3px; }
.co-grid-lat { margin: -13px 0 0 3px; }
@media print { .leaflet-control-zoom { display: none; } }
</style>"""

_PLAIN_CSS = "<style>.leaflet-container { background: #f6f5f0; }</style>"

# Functions shared by every layer. Popup, tooltip and icon HTML is built and
# escaped in Python (optimizer.maps.labels); here it is only attached.
#
# Clustered layers hand their points to one shared Leaflet.markercluster
# group while they are shown: in a town centre hundreds of stops merge into
# rings that show how many stops of which vehicles (colours) lie there, and
# split up as the user zooms in. Lines stay in the layer itself.
#
# The grid draws light lines at round coordinates with labels at the edges,
# so a page without tiles still shows where north is, how far things are
# (with the scale bar) and where a clicked place lies.
_LAYER_JS = """<script>
var countyoptClusters = null;
var countyoptLayers = {};
function countyoptClusterIcon(cluster) {
    var counts = {}, total = 0;
    cluster.getAllChildMarkers().forEach(function (m) {
        var c = m.options.fillColor || "#555";
        counts[c] = (counts[c] || 0) + 1; total += 1;
    });
    var stops = [], at = 0;
    Object.keys(counts).sort().forEach(function (c) {
        var end = at + 360 * counts[c] / total;
        stops.push(c + " " + at.toFixed(1) + "deg " + end.toFixed(1) + "deg"); at = end;
    });
    var size = total < 10 ? 30 : total < 100 ? 36 : total < 1000 ? 42 : 48;
    return L.divIcon({
        html: '<div class="co-cluster" style="width:' + size + 'px;height:' + size +
              'px;background:conic-gradient(' + stops.join(",") + ')"><span>' + total +
              "</span></div>",
        className: "co-icon", iconSize: [size, size]});
}
function countyoptClusterGroup() {
    // Built empty; countyoptStart puts it on the map once every layer has
    // handed it its points, so that all are clustered in one pass.
    if (!countyoptClusters) {
        countyoptClusters = L.markerClusterGroup({
            animate: false, chunkedLoading: false, showCoverageOnHover: false,
            spiderfyOnMaxZoom: false, maxClusterRadius: 45,
            disableClusteringAtZoom: countyoptData.cluster_off_zoom,
            iconCreateFunction: countyoptClusterIcon});
    }
    return countyoptClusters;
}
// While a legend click switches many layers, their points are collected
// here and handed to the cluster group at once (one re-clustering, not one
// per vehicle).
var countyoptBatch = null;
function countyoptLayer(key, icons, cluster) {
    var layer = L.geoJson(countyoptData.layers[key], {
        style: function (feature) { return feature.properties.style; },
        pointToLayer: function (feature, latlng) {
            var p = feature.properties;
            if (!icons) { return L.circleMarker(latlng, p.style); }
            var size = p.icon_size || 24;
            return L.marker(latlng, {icon: L.divIcon({
                html: p.icon, className: "co-icon",
                iconSize: [size, size], iconAnchor: [size / 2, size / 2]})});
        },
        onEachFeature: function (feature, layer) {
            var p = feature.properties;
            if (p.popup) { layer.bindPopup(p.popup, {maxWidth: 360}); }
            if (p.label) {
                layer.bindTooltip(p.label, {permanent: true, direction: "right",
                                            offset: [10, 0], className: "co-label"});
            } else if (p.tip) {
                layer.bindTooltip(p.tip);
            }
        }
    });
    countyoptLayers[key] = layer;
    if (!cluster) { return layer; }
    var points = [];
    layer.eachLayer(function (l) {
        if (l.feature.properties.cluster) { points.push(l); }
    });
    points.forEach(function (l) { layer.removeLayer(l); });
    layer.on("add", function () {
        if (countyoptBatch) { countyoptBatch.add.push(points); }
        else { countyoptClusterGroup().addLayers(points); }
    });
    layer.on("remove", function () {
        if (countyoptBatch) { countyoptBatch.remove.push(points); }
        else { countyoptClusterGroup().removeLayers(points); }
    });
    return layer;
}
function countyoptShowLayers(map, control, show) {
    // Show exactly the layers whose keys ``show`` maps to true, in one batch.
    countyoptBatch = {add: [], remove: []};
    // Leaflet's layer control rebuilds its list on every change; once is enough.
    if (control) { control._handlingClick = true; }
    Object.keys(show).forEach(function (key) {
        var layer = countyoptLayers[key];
        if (show[key] && !map.hasLayer(layer)) { map.addLayer(layer); }
        if (!show[key] && map.hasLayer(layer)) { map.removeLayer(layer); }
    });
    if (control) { control._handlingClick = false; control._update(); }
    var batch = countyoptBatch;
    countyoptBatch = null;
    var flat = function (lists) { return [].concat.apply([], lists); };
    if (batch.remove.length) { countyoptClusterGroup().removeLayers(flat(batch.remove)); }
    if (batch.add.length) { countyoptClusterGroup().addLayers(flat(batch.add)); }
    map.fire("countyoptlayers");
}
function countyoptLegendClicks(div, map, control) {
    // A vehicle's row in the legend shows that vehicle alone; the "all" row every vehicle.
    L.DomEvent.on(div, "click", function (e) {
        var row = e.target.closest && e.target.closest(".co-veh");
        if (!row) { return; }
        var alone = row.getAttribute("data-layer"), show = {};
        div.querySelectorAll(".co-veh[data-layer]").forEach(function (other) {
            show[other.getAttribute("data-layer")] = !alone || other === row;
        });
        countyoptShowLayers(map, control(), show);
    });
}
function countyoptDeclutter(map) {
    // Fixed labels (site names) that would overlap one already shown are
    // hidden until the user zooms in far enough to part them.
    function run() {
        if (countyoptBatch) { return; }
        var kept = [];
        document.querySelectorAll(".co-label").forEach(function (el) {
            el.style.visibility = "";
            var r = el.getBoundingClientRect();
            var clash = kept.some(function (k) {
                return r.left < k.right && k.left < r.right && r.top < k.bottom && k.top < r.bottom;
            });
            if (clash) { el.style.visibility = "hidden"; } else { kept.push(r); }
        });
    }
    map.on("zoomend moveend overlayadd overlayremove countyoptlayers", run);
    run();
}
function countyoptStart(map) {
    // Runs once every layer is built: cluster all points, then thin the labels.
    if (countyoptClusters) { map.addLayer(countyoptClusters); }
    countyoptDeclutter(map);
}
function countyoptNiceStep(span) {
    // The round step (1, 2 or 5 times a power of ten) nearest to an eighth of the span.
    var raw = span / 8, unit = Math.pow(10, Math.floor(Math.log10(raw))), best = unit;
    [1, 2, 5, 10].forEach(function (k) {
        var off = Math.abs(Math.log(k * unit / raw));
        if (off < Math.abs(Math.log(best / raw))) { best = k * unit; }
    });
    return best;
}
function countyoptGrid(planar) {
    var grid = L.layerGroup();
    function label(value, step, axis) {
        var digits = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
        var text = Math.abs(value).toFixed(digits);
        if (planar) { return (value < 0 ? "-" : "") + text; }
        var side = axis === "lat" ? (value < 0 ? "S" : "N") : (value < 0 ? "W" : "E");
        return text + "\u00b0" + side;
    }
    function draw() {
        var map = grid._map;
        if (!map) { return; }
        grid.clearLayers();
        var b = map.getBounds(), s = b.getSouth(), n = b.getNorth();
        var w = b.getWest(), e = b.getEast();
        var style = {color: "#9aa3ad", weight: 1, opacity: 0.45, interactive: false,
                     pane: "co-grid"};
        var d = countyoptNiceStep(Math.max(n - s, e - w));
        function add(line, at, value, axis) {
            grid.addLayer(L.polyline(line, style));
            grid.addLayer(L.marker(at, {interactive: false, keyboard: false, pane: "co-grid",
                icon: L.divIcon({className: "co-grid-label co-grid-" + axis,
                                 html: label(value, d, axis), iconSize: null})}));
        }
        var k, v;
        for (k = Math.ceil(w / d); k * d <= e; k++) {
            v = k * d; add([[s, v], [n, v]], [n, v], v, "lon");
        }
        for (k = Math.ceil(s / d); k * d <= n; k++) {
            v = k * d; add([[v, w], [v, e]], [v, w], v, "lat");
        }
    }
    grid.on("add", function (e) {
        var map = e.target._map;
        if (!map.getPane("co-grid")) {
            var pane = map.createPane("co-grid");
            pane.style.zIndex = 250; pane.style.pointerEvents = "none";
        }
        map.on("moveend", draw); draw();
    });
    grid.on("remove", function (e) { e.target._map && e.target._map.off("moveend", draw); });
    return grid;
}
</script>"""


@dataclass(frozen=True)
class Canvas:
    """A map being drawn: the folium map, the overlay projection and the language."""

    map: folium.Map
    project: Projection
    lang: Lang
    planar: bool
    layers: dict[str, dict[str, Any]] = field(default_factory=dict)

    def point(self, lat: float, lon: float) -> list[float]:
        """Return a GeoJSON position ``[x, y]`` on the base map for a WGS-84 point."""
        plat, plon = self.project(lat, lon)
        return [round(plon, 7), round(plat, 7)]


def unknown_ids(instance: Instance, ids: Iterable[str]) -> list[str]:
    """Return, sorted, the ``ids`` that are neither a stop nor a site of ``instance``."""
    known = {s.id for s in instance.stops} | {s.id for s in instance.sites}
    return sorted(set(ids) - known)


def require_known(instance: Instance, ids: Iterable[str], *, what: str) -> None:
    """Raise ValueError naming the ``ids`` of ``what`` (e.g. "the plan") that ``instance`` lacks.

    A result drawn on the wrong instance would put markers in the wrong
    places or fail half-way through; refusing it names the culprits.
    """
    missing = unknown_ids(instance, ids)
    if missing:
        raise ValueError(
            f"{what} names ids that instance {instance.name!r} lacks: {', '.join(missing[:10])}"
        )


def new_canvas(
    instance: Instance,
    *,
    lang: Lang,
    basemap: str | None,
    offline: bool,
    tianditu_key: str | None,
    title: str,
) -> Canvas:
    """Start a map of ``instance`` with its base map and Leaflet assets.

    ``basemap`` is resolved by :func:`optimizer.maps.basemaps.resolve_basemap`.
    """
    planar = instance.coord_sys == "planar"
    basemap = resolve_basemap(basemap, planar=planar, offline=offline, tianditu_key=tianditu_key)
    m = folium.Map(
        tiles=None,
        crs="Simple" if planar else "EPSG3857",
        control_scale=not planar,
        prefer_canvas=True,  # one canvas draws thousands of stops far faster than SVG nodes
    )
    # Without a tile layer Leaflet has no zoom limits; planar coordinates may
    # need negative zoom levels to fit.
    m.options["max_zoom"] = 19
    if planar:
        m.options["min_zoom"] = -20
        m.options["zoom_snap"] = 0
    elif basemap == "none":
        # No tiles to keep sharp: fit the plan more closely than whole zoom levels allow.
        m.options["zoom_snap"] = 0.25
    use_leaflet(m)
    figure = m.get_root()
    if isinstance(figure, Figure):
        # branca writes the title into <title> unescaped.
        figure.title = esc(title)
        figure.header.add_child(RawElement(_CSS), name="countyopt_css")
        figure.header.add_child(RawElement(_LAYER_JS), name="countyopt_layers")
        figure.header.add_child(
            RawElement('<meta name="generator" content="countyopt" />'), name="generator"
        )
        if basemap == "none":
            figure.header.add_child(RawElement(_PLAIN_CSS), name="countyopt_plain")
    add_basemap(m, basemap, tianditu_key=tianditu_key)
    # Without tiles the grid (with the scale bar) is what tells distance and
    # direction; over tiles it is there to switch on.
    grid_name = tr(lang, "Grid", "网格") if planar else tr(lang, "Coordinate grid", "经纬网格")
    GridLayer(grid_name, planar=planar, show=basemap == "none").add_to(m)
    return Canvas(m, projection(basemap), lang, planar)


class GridLayer(Layer):
    """Light grid lines at round coordinates, labelled at the map's edges, redrawn on move."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = countyoptGrid({{ this.planar|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, name: str, *, planar: bool, show: bool) -> None:
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "GridLayer"
        self.planar = planar


class FeatureLayer(Layer):
    """A toggleable layer drawing ``countyoptData.layers[key]`` with the shared functions.

    The features themselves live in one data script written verbatim (see
    :func:`finish`): folium re-parses every rendered layer script as a Jinja
    template, so data inside it would be slow to render and any ``{{ }}`` in
    an input name would be evaluated as template code.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = countyoptLayer({{ this.key|tojson }},
            {{ this.icons|tojson }}, {{ this.cluster|tojson }});
        {% endmacro %}
        """
    )

    def __init__(
        self, key: str, name: str, *, icons: bool, show: bool, cluster: bool = False
    ) -> None:
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "FeatureLayer"
        self.key = key
        self.icons = icons
        self.cluster = cluster


def add_layer(
    canvas: Canvas,
    name: str,
    features: Sequence[Feature],
    *,
    icons: bool = False,
    show: bool = True,
    cluster: bool = False,
) -> FeatureLayer:
    """Add a toggleable layer of GeoJSON features styled by their ``style`` property.

    Points become circle markers, or markers drawn from their ``icon`` HTML
    when ``icons`` is set. ``name`` is shown as HTML and must be escaped.
    With ``cluster`` the points join the map's one marker-cluster group while
    the layer is shown (see ``CLUSTER_FROM``).
    """
    key = f"layer{len(canvas.layers)}"
    canvas.layers[key] = {"type": "FeatureCollection", "features": list(features)}
    layer = FeatureLayer(key, name, icons=icons, show=show, cluster=cluster)
    layer.add_to(canvas.map)
    return layer


def script_json(data: object) -> str:
    """Return JSON that is safe verbatim inside an HTML ``<script>`` element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    # Inside <script> only "</" (which may close it) and "<!--" (which changes
    # how the parser looks for the end) matter; escaping just those keeps the
    # popup markup compact. Both escapes are plain JSON.
    return text.replace("</", "<\\/").replace("<!--", "\\u003c!--")


class Legend(MacroElement):
    """A box in a corner of the map showing ``countyoptData.legend``.

    It also starts the page's behaviour that needs the finished map: clicks
    on vehicles in the legend, and hiding fixed labels that would overlap.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.control({position: {{ this.position|tojson }}});
        {{ this.get_name() }}.onAdd = function () {
            var div = L.DomUtil.create("div", "co-legend");
            div.innerHTML = countyoptData.legend;
            L.DomEvent.disableClickPropagation(div);
            L.DomEvent.disableScrollPropagation(div);
            countyoptLegendClicks(div, {{ this._parent.get_name() }}, function () {
                return {{ this.control.get_name() }};
            });
            return div;
        };
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        countyoptStart({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, control: folium.LayerControl, position: str = "bottomleft") -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "Legend"
        self.control = control  # the map's layer control, updated once per legend click
        self.position = position


# Route maps with at least this many stops cluster them (town centres would
# otherwise be a tangle of dots); smaller plans show every stop. From zoom 17
# (a few streets on the screen) every stop is drawn on its own.
CLUSTER_FROM = 200
CLUSTER_OFF_ZOOM = 17

FOLD_OVER = 12  # legend lists and layer controls longer than this start folded


def key_list(summary: str, rows: Sequence[str]) -> str:
    """Return legend rows (HTML) under a plain-text summary that folds them away.

    Long lists start folded so that the legend does not cover the map.
    """
    is_open = " open" if len(rows) <= FOLD_OVER else ""
    return f"<details{is_open}><summary>{esc(summary)}</summary>{''.join(rows)}</details>"


def swatch(
    color: object,
    *,
    dash: bool = False,
    circle: bool = False,
    fill: object = None,
    width: float = 3,
) -> str:
    """Return a small inline SVG legend key: a line (solid or dashed, ``width`` px) or a dot.

    A dot is filled with ``color`` and outlined in dark grey, or, given
    ``fill``, filled with that and outlined in ``color``.
    """
    if circle:
        stroke, ring = ("#222", 1.0) if fill is None else (color, 2.5)
        inside = color if fill is None else fill
        shape = (
            f'<circle cx="9" cy="6" r="4.5" fill="{inside}" stroke="{stroke}" '
            f'stroke-width="{ring}"/>'
        )
    else:
        dash_attr = ' stroke-dasharray="4 3"' if dash else ""
        shape = (
            f'<line x1="0" y1="6" x2="18" y2="6" stroke="{color}" '
            f'stroke-width="{width}"{dash_attr}/>'
        )
    return f'<svg class="co-sw" width="18" height="12">{shape}</svg>'


def _bounds(features: Iterable[Feature]) -> list[list[float]] | None:
    xs: list[float] = []
    ys: list[float] = []
    for f in features:
        geom = f["geometry"]
        coords = geom["coordinates"]
        if geom["type"] == "Point":
            coords = [coords]
        elif geom["type"] == "MultiLineString":
            coords = [p for line in coords for p in line]
        for x, y in coords:
            xs.append(x)
            ys.append(y)
    if not xs:
        return None
    return [[min(ys), min(xs)], [max(ys), max(xs)]]


def _number_elements(root: Element) -> None:
    # folium names elements with random UUIDs; numbering them instead makes
    # the same plan give the same file, so outputs can be diffed and cached.
    counter = 0
    stack = [root]
    while stack:
        element = stack.pop()
        counter += 1
        element._id = f"{counter:08x}"
        stack.extend(reversed(list(element._children.values())))


def finish(
    canvas: Canvas, features: Sequence[Feature], *, title: str, legend: str, path: Path
) -> Path:
    """Fit the view to ``features``, add legend and layer control, and write ``path``.

    ``title`` is plain text (escaped here); ``legend`` is HTML built and
    escaped by the caller. The legend folds away under its title.
    """
    m = canvas.map
    bounds = _bounds(features)
    if bounds is not None:
        # Extra room at the bottom keeps most of the plan clear of the legend.
        m.fit_bounds(bounds, padding_top_left=(40, 40), padding_bottom_right=(40, 180))
    # Past a dozen layers an open control would hide the map: it then opens on hover.
    many = len(canvas.layers) > FOLD_OVER
    control = folium.LayerControl(collapsed=many, position="topright")
    Legend(control).add_to(m)
    control.add_to(m)
    _number_elements(m)
    data = {
        "cluster_off_zoom": CLUSTER_OFF_ZOOM,
        "layers": canvas.layers,
        "legend": f"<details open><summary><b>{esc(title)}</b></summary>{legend}</details>",
    }
    figure = m.get_root()
    if isinstance(figure, Figure):
        figure.header.add_child(
            RawElement(f"<script>var countyoptData = {script_json(data)};</script>"),
            name="countyopt_data",
        )
    html = figure.render()
    write_text_atomic(path, html)
    return path


def feature(geometry: dict[str, Any], style: dict[str, Any], **props: Any) -> Feature:
    """Return a GeoJSON feature carrying its Leaflet style and popup properties."""
    return {"type": "Feature", "geometry": geometry, "properties": {"style": style, **props}}
