"""The maps in a real browser: headless Chromium opens them with no network."""

from __future__ import annotations

import subprocess

import numpy as np
import pytest
from maps_browser import chromium, load, require_cjk_font, screenshot
from maps_fixtures import IMG_XSS_NAME, XSS_NAME

from optimizer.maps import render_routes

pytestmark = pytest.mark.browser

_LOCAL = ("file:", "data:", "blob:", "about:")


def test_offline_map_works_with_no_request_leaving(instance, result, tmp_path):
    """The offline map builds its panes and one layer per vehicle without any remote request."""
    page = render_routes(instance, result, tmp_path / "map.html", offline=True)
    loaded = load(page, tmp_path / "browser")
    probe = loaded.probe
    assert probe["map"] and probe["panes"] >= 7
    vehicle_layers = [name for name in probe["overlays"] if "C8#" in name]
    assert len(vehicle_layers) == len(result.routes)
    assert "Depots and facilities" in probe["overlays"]
    assert [u for u in loaded.requests if not u.startswith(_LOCAL)] == []
    assert [u for u in probe["resources"] if not u.startswith(_LOCAL)] == []


def test_network_check_sees_an_online_map_reaching_out(instance, result, tmp_path):
    """The request check has teeth: the online map's attempt to fetch Leaflet is seen."""
    page = render_routes(instance, result, tmp_path / "online.html", basemap="none")
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
    assert any(u.startswith("https://cdn.jsdelivr.net/") for u in page_requests(netlog))


def test_names_with_markup_show_as_text(instance, result, tmp_path):
    """Stop names holding a script tag or an img with onerror show as text and run nothing."""
    page = render_routes(instance, result, tmp_path / "map.html", offline=True)
    probe = load(page, tmp_path / "browser").probe
    popups = " ".join(probe["popups"])
    assert XSS_NAME in popups and IMG_XSS_NAME in popups
    assert probe["injected"] == 0
    assert probe["title"] != "pwned"
    assert "Test county <测试县>" in probe["legend"]


def test_chinese_map_renders_chinese_labels(instance, result, tmp_path):
    """With lang="zh" the legend and popups are Chinese, and the screenshot is not blank."""
    require_cjk_font()
    page = render_routes(instance, result, tmp_path / "map.html", offline=True, lang="zh")
    probe = load(page, tmp_path / "browser").probe
    assert "收运路线" in probe["legend"] and "车场与设施" in probe["overlays"]
    assert any("计划到达" in p for p in probe["popups"])
    from PIL import Image

    pixels = np.asarray(Image.open(screenshot(page, tmp_path / "shot")).convert("L"))
    legend = pixels[-260:, :380]  # the legend's corner
    assert (legend < 100).sum() > 500  # text and symbols, not an empty box
    assert len(np.unique(pixels)) > 20
