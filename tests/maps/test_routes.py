"""The route map: layers, popups, escaping, languages and base maps (no browser)."""

from __future__ import annotations

import html
import math
import re
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import folium
import pytest
from maps_fixtures import XSS_NAME, ZH_NAME, county_plan, page_layers, points, small_instance

from optimizer.coords import wgs84_to_gcj02
from optimizer.distances import haversine_m
from optimizer.maps import render_compare, render_routes
from optimizer.maps.page import CLUSTER_FROM
from optimizer.model import Instance
from optimizer.routing.result import Route, RoutingResult, Visit, VisitKind


def _render(instance: Instance, result: RoutingResult, tmp_path: Path, **kw: object) -> str:
    path = render_routes(instance, result, tmp_path / "map.html", **kw)  # type: ignore[arg-type]
    return path.read_text(encoding="utf-8")


def _vehicle_layers(layers: dict[str, dict], result: RoutingResult) -> dict[str, dict]:
    return {
        r.vehicle: next(layer for name, layer in layers.items() if f" {r.vehicle}" in name)
        for r in result.routes
    }


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for key, value in attrs:
            if key in ("src", "href") and value:
                self.urls.append(value)


def test_one_layer_per_vehicle_with_each_served_stop_once(instance, result, tmp_path):
    """Every vehicle has its own layer holding exactly its stops, in visiting order."""
    layers = page_layers(_render(instance, result, tmp_path))
    by_vehicle = _vehicle_layers(layers, result)
    assert len(by_vehicle) == len(result.routes) == 2
    for route in result.routes:
        stop_points = [
            f for f in points(by_vehicle[route.vehicle]) if f["properties"]["style"]["radius"] == 5
        ]
        drawn = [
            (f["geometry"]["coordinates"][1], f["geometry"]["coordinates"][0]) for f in stop_points
        ]
        expected = [(instance.stop(s).lat, instance.stop(s).lon) for s in route.stops]
        # pytest.approx takes flat sequences only (pytest >= 9.2)
        assert [c for p in drawn for c in p] == pytest.approx([c for p in expected for c in p])
        tips = [html.unescape(f["properties"]["tip"]) for f in stop_points]
        assert tips == [f"{k}. {instance.stop(s).name}" for k, s in enumerate(route.stops, 1)]


def test_popups_show_arrival_load_stream_and_demand(instance, result, tmp_path):
    """A stop's popup states its planned arrival, load on board, stream and demand."""
    layers = page_layers(_render(instance, result, tmp_path))
    first = _vehicle_layers(layers, result)["C8#1"]
    popup = html.unescape(points(first)[0]["properties"]["popup"])
    for text in ("06:12", "800 kg", "other", "Planned arrival", "Load on board after"):
        assert text in popup


def test_unloading_trip_dashed_and_break_marked(instance, result, tmp_path):
    """Legs to a facility are dashed, and the driver's break has its own marker."""
    layers = page_layers(_render(instance, result, tmp_path))
    first = _vehicle_layers(layers, result)["C8#1"]
    lines = [f for f in first["features"] if f["geometry"]["type"] == "LineString"]
    t1 = instance.site("T1")
    to_t1 = [f for f in lines if f["geometry"]["coordinates"][1] == [t1.lon, t1.lat]]
    assert to_t1 and all(f["properties"]["style"]["dashArray"] for f in to_t1)
    assert any("Driver break" in f["properties"]["popup"] for f in points(first))


def test_direction_chevrons_point_along_each_leg(instance, result, tmp_path):
    """Each leg has a chevron whose tip lies ahead of its wings in the direction of travel."""
    layers = page_layers(_render(instance, result, tmp_path))
    first = _vehicle_layers(layers, result)["C8#1"]
    legs = [
        f["geometry"]["coordinates"]
        for f in first["features"]
        if f["geometry"]["type"] == "LineString"
    ]
    (chevrons,) = [f for f in first["features"] if f["geometry"]["type"] == "MultiLineString"]
    assert len(chevrons["geometry"]["coordinates"]) == len(legs)
    for (a, b), (w1, tip, w2) in zip(legs, chevrons["geometry"]["coordinates"], strict=True):
        direction = (b[0] - a[0], b[1] - a[1])
        for wing in (w1, w2):
            ahead = (tip[0] - wing[0]) * direction[0] + (tip[1] - wing[1]) * direction[1]
            assert ahead > 0


def test_unserved_stop_flagged_with_reason(instance, result, tmp_path):
    """The unserved stop is in its own layer with the reason in its popup."""
    layers = page_layers(_render(instance, result, tmp_path))
    (name,) = [n for n in layers if n.startswith("Unserved stops")]
    (flag,) = layers[name]["features"]
    assert flag["geometry"]["coordinates"] == [120.08, 30.06]
    assert "demand exceeds every vehicle" in flag["properties"]["popup"]


def test_text_from_input_is_escaped(instance, result, tmp_path):
    """Names with markup (a script tag) reach the page only as escaped text."""
    page = _render(instance, result, tmp_path)
    assert XSS_NAME not in page
    assert "<i>station</i>" not in page
    assert "<b>&</b>" not in page
    layers = page_layers(page)
    popups = [
        f["properties"].get("popup", "") for layer in layers.values() for f in layer["features"]
    ]
    assert any(html.escape(XSS_NAME) in p for p in popups)


def test_chinese_legend_and_popups(instance, result, tmp_path):
    """With lang="zh" the legend, layer names and popups are Chinese."""
    page = _render(instance, result, tmp_path, lang="zh")
    layers = page_layers(page)
    assert "车场与设施" in layers
    assert any("未收运点" in n for n in layers)
    popups = " ".join(
        f["properties"].get("popup", "") for layer in layers.values() for f in layer["features"]
    )
    for text in ("计划到达", "作业后车载量", "其他垃圾", ZH_NAME, "卸料行程"):
        assert text in popups
    assert "收运路线" in page and "Planned arrival" not in page


def test_default_page_links_nothing_remote(instance, result, tmp_path):
    """A map written with default options inlines Leaflet and links no script, style or tile."""
    page = _render(instance, result, tmp_path)
    tags = _Tags()
    tags.feed(page)
    assert [u for u in tags.urls if "//" in u and not u.startswith("https://leafletjs.com")] == []
    assert "L.map(" in page and 'version="1.9.3"' in page
    assert "L.tileLayer(" not in page


def test_tiles_only_when_asked_and_folium_defaults_untouched(instance, result, tmp_path):
    """Asking for OSM adds its tiles and nothing else remote; folium's shared lists stay intact."""
    before_js, before_css = list(folium.Map.default_js), list(folium.Map.default_css)
    page = _render(instance, result, tmp_path, basemap="osm")
    tags = _Tags()
    tags.feed(page)
    assert [u for u in tags.urls if "//" in u and not u.startswith("https://leafletjs.com")] == []
    assert "tile.openstreetmap.org" in page and "L.map(" in page
    assert folium.Map.default_js == before_js and folium.Map.default_css == before_css
    plain = folium.Map().get_root().render()
    assert "jquery" in plain  # an ordinary folium map is unaffected by ours


def test_amap_overlays_are_shifted_to_gcj02(instance, result, tmp_path):
    """On AMap tiles every overlay is converted to GCJ-02, about half a kilometre off WGS-84."""
    osm = page_layers(_render(instance, result, tmp_path, basemap="osm"))
    amap = page_layers(_render(instance, result, tmp_path, basemap="amap"))
    stop = instance.stop("S1")
    glat, glon = wgs84_to_gcj02(stop.lat, stop.lon)
    osm_pt = points(_vehicle_layers(osm, result)["C8#1"])[0]["geometry"]["coordinates"]
    amap_pt = points(_vehicle_layers(amap, result)["C8#1"])[0]["geometry"]["coordinates"]
    assert osm_pt == pytest.approx([stop.lon, stop.lat])
    assert amap_pt == pytest.approx([float(glon), float(glat)], abs=1e-7)
    shift = float(haversine_m(stop.lat, stop.lon, amap_pt[1], amap_pt[0]))
    assert 200 < shift < 900


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"basemap": "tianditu"}, "key"),
        ({"basemap": "tianditu", "tianditu_key": "abc"}, "key"),
        ({"basemap": "osm", "offline": True}, "offline"),
        ({"basemap": "bing"}, "unknown base map"),
    ],
)
def test_bad_basemap_options_are_refused(instance, result, tmp_path, options, message):
    """Base-map options that cannot be honoured raise a clear error and write nothing."""
    with pytest.raises(ValueError, match=message):
        render_routes(instance, result, tmp_path / "map.html", **options)  # type: ignore[arg-type]
    assert not (tmp_path / "map.html").exists()


def test_tianditu_key_goes_into_tile_urls(instance, result, tmp_path):
    """A valid Tianditu key is used in the tile URLs of the vector map and its labels."""
    key = "0123456789abcdef0123456789abcdef"
    page = _render(instance, result, tmp_path, basemap="tianditu", tianditu_key=key)
    assert page.count(f"tk={key}") == 2


def test_same_plan_gives_the_same_file(instance, result, tmp_path):
    """Rendering is deterministic: the same plan writes byte-identical HTML."""
    first = render_routes(instance, result, tmp_path / "a.html").read_bytes()
    second = render_routes(instance, result, tmp_path / "b.html").read_bytes()
    assert first == second


def test_plan_for_another_instance_is_refused(instance, result, tmp_path):
    """A plan visiting ids the instance lacks is refused, naming the ids."""
    bad = Route("X#1", "C8", (Visit(VisitKind.STOP, "NOPE", 0, 0, 0, 0),), 0, 0, 0, 0, 0)
    other = RoutingResult("t", (bad,), (), "distance", 0.0, "hand")
    with pytest.raises(ValueError, match="NOPE"):
        render_routes(instance, other, tmp_path / "map.html")


def test_planar_instance_drawn_without_tiles(result, tmp_path):
    """Benchmark instances in planar coordinates get a simple-CRS map with no tiles or scale."""
    base = small_instance()
    planar = Instance(
        base.name, base.stops, base.sites, base.vehicle_types, base.travel, {"coord_sys": "planar"}
    )
    page = _render(planar, result, tmp_path)
    assert "L.CRS.Simple" in page and "L.tileLayer(" not in page
    assert "control.scale" not in page
    assert not math.isnan(len(page_layers(page)))


def test_compare_shows_both_plans_as_layers(instance, result, tmp_path):
    """The comparison map has one layer per vehicle of each plan, labelled by plan."""
    shorter = RoutingResult(
        result.instance, result.routes[:1], result.unserved, "distance", 0.0, "hand"
    )
    path = render_compare(
        instance, result, shorter, tmp_path / "cmp.html", labels=("today", "optimised")
    )
    layers = page_layers(path.read_text(encoding="utf-8"))
    assert len([n for n in layers if "today · C8#" in n]) == 2
    assert len([n for n in layers if "optimised · C8#" in n]) == 1
    assert "-11.0 km" in path.read_text(encoding="utf-8")


def test_template_syntax_in_names_is_not_evaluated(result, tmp_path):
    """A name holding Jinja syntax reaches the page as text; folium never evaluates it."""
    base = small_instance()
    stops = list(base.stops)
    stops[0] = replace(stops[0], name="{{ 7*7 }} {% if true %}X{% endif %}")
    instance = replace(base, stops=tuple(stops), name="{{ 6*7 }}")
    page = _render(instance, result, tmp_path)
    assert "<title>Routes — &#123;&#123; 6*7 &#125;&#125;</title>" in page
    popups = [
        html.unescape(f["properties"].get("popup", ""))
        for layer in page_layers(page).values()
        for f in layer["features"]
    ]
    assert any("{{ 7*7 }} {% if true %}X{% endif %}" in p for p in popups)
    assert "49" not in " ".join(popups)


def test_large_plan_clusters_its_stops_and_small_plan_does_not(instance, result, tmp_path):
    """From CLUSTER_FROM stops the stop markers go into the cluster group; a small plan's don't."""
    small = _render(instance, result, tmp_path)
    big_instance, big_result = county_plan(CLUSTER_FROM, per_route=50)
    big = (tmp_path / "big.html").name
    page = render_routes(big_instance, big_result, tmp_path / big).read_text(encoding="utf-8")
    assert re.findall(r'countyoptLayer\("layer\d+",\s*false, true\)', page)
    layers = _vehicle_layers(page_layers(page), big_result)
    clustered = [
        f for layer in layers.values() for f in points(layer) if f["properties"].get("cluster")
    ]
    assert len(clustered) == CLUSTER_FROM
    assert not re.findall(r'countyoptLayer\("layer\d+",\s*\w+, true\)', small)


def test_sixty_vehicles_drawn_in_sixty_colours(tmp_path):
    """Every vehicle of a 60-vehicle plan has legs of its own colour, used by no other."""
    big_instance, big_result = county_plan(600, per_route=10)
    page = render_routes(big_instance, big_result, tmp_path / "m.html").read_text(encoding="utf-8")
    colours = {
        vehicle: {
            f["properties"]["style"]["color"]
            for f in layer["features"]
            if f["geometry"]["type"] != "Point"
        }
        for vehicle, layer in _vehicle_layers(page_layers(page), big_result).items()
    }
    assert len(colours) == 60 and all(len(c) == 1 for c in colours.values())
    assert len(set().union(*colours.values())) == 60


def test_legs_follow_road_geometry_when_given(instance, result, tmp_path):
    """A leg with road geometry is drawn through its road points; the others stay straight."""
    route = result.routes[0]
    a, b = route.visits[0].location, route.visits[1].location
    pa = instance.site(a) if a in {s.id for s in instance.sites} else instance.stop(a)
    pb = instance.site(b) if b in {s.id for s in instance.sites} else instance.stop(b)
    bend = [(pa.lat + pb.lat) / 2 + 0.003, (pa.lon + pb.lon) / 2 - 0.002]
    roads = {(a, b): [[pa.lat, pa.lon], bend, [pb.lat, pb.lon]]}
    layers = page_layers(_render(instance, result, tmp_path, roads=roads))
    lines = [
        f["geometry"]["coordinates"]
        for layer in _vehicle_layers(layers, result).values()
        for f in layer["features"]
        if f["geometry"]["type"] == "LineString"
    ]
    assert any([round(bend[1], 7), round(bend[0], 7)] in line for line in lines)
    assert sum(len(line) > 2 for line in lines) == 1
