"""The maps in a real browser: headless Chromium opens them with no network."""

from __future__ import annotations

import subprocess
from dataclasses import replace

import numpy as np
import pytest
from maps_browser import Loaded, chromium, load, require_cjk_font, screenshot
from maps_fixtures import IMG_XSS_NAME, XSS_NAME, county_plan, small_instance

from optimizer.distances import great_circle_matrix
from optimizer.maps import render_compare, render_routes, render_siting
from optimizer.siting.result import Decision, Flow, SitingResult, SolveStatus

pytestmark = pytest.mark.browser

_LOCAL = ("file:", "data:", "blob:", "about:")


def test_default_map_works_with_no_request_leaving(instance, result, tmp_path):
    """The default map builds its panes and one layer per vehicle without any remote request."""
    page = render_routes(instance, result, tmp_path / "map.html")
    loaded = load(page, tmp_path / "browser")
    probe = loaded.probe
    assert probe["map"] and probe["panes"] >= 7
    vehicle_layers = [name for name in probe["overlays"] if "C8#" in name]
    assert len(vehicle_layers) == len(result.routes)
    assert "Depots and facilities" in probe["overlays"]
    assert [u for u in loaded.requests if not u.startswith(_LOCAL)] == []
    assert [u for u in probe["resources"] if not u.startswith(_LOCAL)] == []
    assert probe["errors"] == [] and probe["grid_labels"]


def test_network_check_sees_a_tiled_map_reaching_out(instance, result, tmp_path):
    """The request check has teeth: a map asked for OSM tiles is seen fetching them."""
    page = render_routes(instance, result, tmp_path / "online.html", basemap="osm")
    exe = chromium()
    from maps_browser import _flags, page_requests

    netlog = tmp_path / "netlog.json"
    subprocess.run(
        [
            exe,
            *_flags(tmp_path),
            f"--log-net-log={netlog}",
            "--virtual-time-budget=3000",
            "--dump-dom",
            page.resolve().as_uri(),
        ],
        capture_output=True,
        timeout=120,
        check=True,
    )
    assert any("tile.openstreetmap.org" in u for u in page_requests(netlog))


def test_names_with_markup_show_as_text(instance, result, tmp_path):
    """Stop names holding a script tag or an img with onerror show as text and run nothing."""
    page = render_routes(instance, result, tmp_path / "map.html")
    probe = load(page, tmp_path / "browser").probe
    popups = " ".join(probe["popups"])
    assert XSS_NAME in popups and IMG_XSS_NAME in popups
    assert probe["injected"] == 0
    assert probe["title"] != "pwned"
    assert "Test county <测试县>" in probe["legend"]


def test_chinese_map_renders_chinese_labels(instance, result, tmp_path):
    """With lang="zh" the legend and popups are Chinese, and the screenshot is not blank."""
    require_cjk_font()
    page = render_routes(instance, result, tmp_path / "map.html", lang="zh")
    probe = load(page, tmp_path / "browser").probe
    assert "收运路线" in probe["legend"] and "车场与设施" in probe["overlays"]
    assert any("计划到达" in p for p in probe["popups"])
    from PIL import Image

    pixels = np.asarray(Image.open(screenshot(page, tmp_path / "shot")).convert("L"))
    legend = pixels[-260:, :380]  # the legend's corner
    assert (legend < 100).sum() > 500  # text and symbols, not an empty box
    assert len(np.unique(pixels)) > 20


def _clean(loaded: Loaded) -> None:
    assert loaded.probe["errors"] == []
    assert [u for u in loaded.requests if not u.startswith(_LOCAL)] == []
    assert [u for u in loaded.probe["resources"] if not u.startswith(_LOCAL)] == []


def test_compare_map_names_both_plans(instance, result, tmp_path):
    """A compare map loads offline and names each plan in its layers and legend."""
    shorter = replace(result, routes=result.routes[:1])
    page = render_compare(instance, result, shorter, tmp_path / "c.html", labels=("现状", "优化"))
    loaded = load(page, tmp_path / "browser", popups=False)
    _clean(loaded)
    overlays = loaded.probe["overlays"]
    assert len([o for o in overlays if "现状 · C8#" in o]) == 2
    assert len([o for o in overlays if "优化 · C8#" in o]) == 1
    assert "现状:" in loaded.probe["legend"] and "优化:" in loaded.probe["legend"]


def test_siting_map_renders_offline(instance, tmp_path):
    """A siting map loads offline with its opened station, service lines and haul."""
    decision = Decision(
        open={"T1": "existing"},
        assignment={"S1": {"T1": 1.0}, "S2": {"T1": 1.0}},
        flows=(Flow("T1", "I1", "other", 1_400.0),),
    )
    siting = SitingResult(instance.name, SolveStatus.OPTIMAL, decision, 1.0, 1.0, 0.0)
    page = render_siting(instance, siting, tmp_path / "s.html")
    loaded = load(page, tmp_path / "browser", popups=False)
    _clean(loaded)
    overlays = loaded.probe["overlays"]
    assert "Opened stations (1)" in overlays and "Service areas" in overlays
    assert "Haul to treatment" in overlays
    assert len(loaded.probe["line_colors"]) >= 2  # the station's lines and the haul


def test_sixty_vehicle_town_is_clustered_in_distinct_colours(tmp_path):
    """3,000 stops of 60 vehicles load offline clustered, each vehicle's lines in its own colour."""
    instance, result = county_plan(3000, per_route=50)
    page = render_routes(instance, result, tmp_path / "big.html")
    loaded = load(page, tmp_path / "browser", budget_ms=20_000, popups=False)
    _clean(loaded)
    clusters = loaded.probe["clusters"]
    assert clusters and 1000 < sum(clusters) <= 3000  # most stops merge at county zoom
    assert len(clusters) < 200
    assert len(loaded.probe["line_colors"]) == len(result.routes) == 60


def test_legend_click_shows_one_vehicle_alone_and_all_again(tmp_path):
    """Clicking a vehicle in the legend leaves only its layer on; "show all" brings all back."""
    instance, result = county_plan(300, per_route=50)
    page = render_routes(instance, result, tmp_path / "m.html")
    probe = load(page, tmp_path / "browser", popups=False).probe
    first = result.routes[0].vehicle
    alone = [name for name in probe["checked_alone"] if "C8#" in name]
    assert len(alone) == 1 and f" {first}:" in alone[0]
    assert len([name for name in probe["checked_all"] if "C8#" in name]) == len(result.routes)


def test_overlapping_site_labels_are_thinned(instance, result, tmp_path):
    """Of two sites a few metres apart only the first keeps its name shown; the others all do."""
    depot = instance.site("D1")
    twin = replace(depot, id="D2", name="Twin depot", lat=depot.lat + 1e-5)
    sites = (*instance.sites, twin)
    points = [(p.id, p.lat, p.lon) for p in (*instance.stops, *sites)]
    crowded = replace(instance, sites=sites, travel=great_circle_matrix(points))
    page = render_routes(crowded, result, tmp_path / "m.html")
    probe = load(page, tmp_path / "browser", popups=False).probe
    assert len(probe["labels"]) == len(crowded.sites)
    assert "Twin depot" not in probe["labels_shown"]
    assert set(probe["labels_shown"]) == {s.name for s in instance.sites}


def test_planar_benchmark_map_has_a_unit_grid(result, tmp_path):
    """A planar (benchmark) map loads without errors and labels its grid in plain units."""
    base = small_instance()
    planar = replace(base, meta={"coord_sys": "planar"})
    page = render_routes(planar, result, tmp_path / "p.html")
    loaded = load(page, tmp_path / "browser", popups=False)
    _clean(loaded)
    labels = loaded.probe["grid_labels"]
    assert labels and not any("°" in label for label in labels)


@pytest.mark.benchmark
def test_ten_thousand_stop_map_opens_within_ten_seconds(tmp_path):
    """Issue 13: a 10,000-stop map is at most 30 MB and opens, clustered, within 10 s."""
    instance, result = county_plan(10_000)
    page = render_routes(instance, result, tmp_path / "big.html", lang="zh")
    assert page.stat().st_size <= 30e6
    loaded = load(page, tmp_path / "browser", budget_ms=None, popups=False, clicks=False)
    _clean(loaded)
    assert loaded.seconds <= 10 and 9000 < sum(loaded.probe["clusters"]) <= 10_000
