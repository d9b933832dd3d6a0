"""Headless Chromium for the map tests: load a page, read its DOM and its network log.

A small probe script appended to a copy of the page reports, once the page
has loaded, what Leaflet built (panes, layer-control entries, legend, popup
texts). Chromium's NetLog records every request the page starts, so the
tests see a request even when it fails (DNS is blocked and a proxy points at
a closed port, so nothing can leave the machine).
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

_NAMES = ("chromium", "chromium-browser", "google-chrome")

# Put first in <head>: records every script error of the page.
ERRORS = """<script>window.countyoptErrors = [];
window.addEventListener("error", function (e) { window.countyoptErrors.push(String(e.message)); });
</script>"""

PROBE = """<script>
window.addEventListener("load", function () { var probe = function () {
  var out = {loaded_ms: performance.now()};
  var name = Object.keys(window).find(function (k) { return /^map_[0-9a-f]+$/.test(k); });
  var map = name && window[name];
  out.map = !!(map && map.getCenter);
  out.panes = document.querySelectorAll(".leaflet-pane").length;
  out.overlays = Array.from(document.querySelectorAll(".leaflet-control-layers-overlays label"))
    .map(function (l) { return l.textContent.trim(); });
  var legend = document.querySelector(".co-legend");
  out.legend = legend ? legend.textContent : "";
  out.popups = [];
  if (out.map && OPEN_POPUPS) { map.eachLayer(function (layer) {
    if (layer.feature && layer.getPopup && layer.getPopup()) {
      layer.openPopup();
      var el = layer.getPopup().getElement();
      out.popups.push(el ? el.textContent : "");
    }
  }); }
  out.title = document.title;
  var colors = {};
  if (out.map) { map.eachLayer(function (layer) {
    if (layer instanceof L.Polyline && layer.options.pane !== "co-grid") {
      colors[layer.options.color] = true;
    }
  }); }
  out.line_colors = Object.keys(colors);
  function checked() {
    return Array.from(document.querySelectorAll(".leaflet-control-layers-overlays label"))
      .filter(function (l) { return l.querySelector("input").checked; })
      .map(function (l) { return l.textContent.trim(); });
  }
  // Click the first vehicle in the legend, then "show all": the layers shown after each.
  var one = document.querySelector(".co-veh[data-layer]");
  if (one && LEGEND_CLICKS) {
    var t0 = performance.now();
    one.click();
    out.click_alone_ms = performance.now() - t0;
    out.checked_alone = checked();
    var all = document.querySelector(".co-all");
    if (all) {
      t0 = performance.now();
      all.click();
      out.click_all_ms = performance.now() - t0;
      out.checked_all = checked();
    }
  }
  out.errors = window.countyoptErrors || [];
  out.clusters = Array.from(document.querySelectorAll(".co-cluster span"))
    .map(function (s) { return parseInt(s.textContent, 10); });
  out.grid_labels = Array.from(document.querySelectorAll(".co-grid-label"))
    .map(function (l) { return l.textContent; });
  out.labels = Array.from(document.querySelectorAll(".co-label"))
    .map(function (l) { return l.textContent; });
  out.labels_shown = Array.from(document.querySelectorAll(".co-label"))
    .filter(function (l) { return l.style.visibility !== "hidden"; })
    .map(function (l) { return l.textContent; });
  out.injected = document.querySelectorAll(".leaflet-container script, img[src='x']").length;
  out.resources = performance.getEntriesByType("resource").map(function (e) { return e.name; });
  // The scripts have run; dropping them keeps Chromium's DOM dump small
  // (a 10,000-stop page inlines 14 MB of data), so wall times measure the page.
  document.querySelectorAll("script").forEach(function (el) { el.remove(); });
  var pre = document.createElement("pre");
  pre.id = "co-probe";
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
}; if (PROBE_DELAY_MS) { setTimeout(probe, PROBE_DELAY_MS); } else { probe(); } });
</script>"""


def chromium() -> str:
    """Return the Chromium executable; skip the test without one, fail on CI."""
    for name in _NAMES:
        path = shutil.which(name)
        if path:
            return path
    if os.environ.get("CI") == "true":
        pytest.fail("Chromium is missing on CI: .ci/run must install the Debian chromium package")
    pytest.skip("headless Chromium is not installed (apt-get install chromium fonts-noto-cjk)")


def require_cjk_font() -> None:
    """Skip (fail on CI) unless fontconfig knows a font with Chinese glyphs."""
    fc_list = shutil.which("fc-list")
    fonts = ""
    if fc_list:
        run = subprocess.run([fc_list, ":lang=zh"], capture_output=True, text=True, check=False)
        fonts = run.stdout.strip()
    if fonts:
        return
    if os.environ.get("CI") == "true":
        pytest.fail("no CJK font on CI: .ci/run must install fonts-noto-cjk")
    pytest.skip("no CJK font installed (apt-get install fonts-noto-cjk)")


def _flags(tmp: Path) -> list[str]:
    return [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--hide-scrollbars",
        f"--user-data-dir={tmp / 'profile'}",
        # Nothing may leave the machine even if the page tried: no DNS, dead proxy.
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--proxy-server=127.0.0.1:9",
        "--window-size=1200,800",
    ]


@dataclass(frozen=True)
class Loaded:
    """What a page did in the browser: its final DOM (scripts removed), the probe, its requests."""

    dom: str
    probe: dict[str, Any]
    requests: list[str]
    seconds: float


def page_requests(netlog: Path) -> list[str]:
    """Return the URLs of the requests the page (a file:// document) started."""
    log = json.loads(netlog.read_text(encoding="utf-8"))
    start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    urls = []
    for event in log["events"]:
        params = event.get("params", {})
        # Chromium's own background requests carry no file:// isolation key.
        if event["type"] == start and "file://" in params.get("network_isolation_key", ""):
            urls.append(params["url"])
    return urls


def load(
    page: Path,
    tmp: Path,
    *,
    budget_ms: int | None = 10_000,
    popups: bool = True,
    clicks: bool = True,
) -> Loaded:
    """Open a copy of ``page`` with the probe in headless Chromium and report.

    ``popups`` opens every feature's popup in turn to read its text (slow
    on thousands of features); ``clicks`` clicks the first vehicle in the
    legend and then "show all". With a ``budget_ms`` Chromium runs on
    virtual time (deterministic; the page's clock stands still while
    scripts run); with None on the real clock, the probe then running in
    the load event itself, so that its times are real (benchmarks).
    """
    exe = chromium()
    tmp.mkdir(parents=True, exist_ok=True)
    probed = tmp / f"probed-{page.name}"
    text = page.read_text(encoding="utf-8")
    probe = PROBE.replace("OPEN_POPUPS", "true" if popups else "false")
    probe = probe.replace("LEGEND_CLICKS", "true" if clicks else "false")
    probe = probe.replace("PROBE_DELAY_MS", "50" if budget_ms is not None else "0")
    text = text.replace("<head>", "<head>" + ERRORS, 1)
    probed.write_text(text.replace("</html>", probe + "</html>"), encoding="utf-8")
    netlog = tmp / "netlog.json"
    args = [
        exe,
        *_flags(tmp),
        f"--log-net-log={netlog}",
        *([f"--virtual-time-budget={budget_ms}"] if budget_ms is not None else []),
        "--dump-dom",
        probed.resolve().as_uri(),
    ]
    t0 = time.perf_counter()
    run = subprocess.run(args, capture_output=True, text=True, timeout=120, check=False)
    seconds = time.perf_counter() - t0
    assert run.returncode == 0, run.stderr[-2000:]
    match = re.search(r'<pre id="co-probe">(.*?)</pre>', run.stdout, re.DOTALL)
    assert match, "the probe did not report: the page never finished loading"
    report = json.loads(html.unescape(match.group(1)))
    return Loaded(run.stdout, report, page_requests(netlog), seconds)


def screenshot(page: Path, tmp: Path, *, budget_ms: int = 5_000) -> Path:
    """Return a PNG screenshot (1200 x 800) of ``page`` in headless Chromium."""
    exe = chromium()
    tmp.mkdir(parents=True, exist_ok=True)
    png = tmp / "shot.png"
    args = [
        exe,
        *_flags(tmp),
        f"--virtual-time-budget={budget_ms}",
        f"--screenshot={png}",
        page.resolve().as_uri(),
    ]
    run = subprocess.run(args, capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0 and png.exists(), run.stderr[-2000:]
    return png
