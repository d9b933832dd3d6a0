"""The demo's maps: every plan the demo made, each as one page that works offline."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from optimizer.i18n import Lang
from optimizer.maps.routes import render_routes
from optimizer.maps.siting import render_siting
from optimizer.model import Instance
from optimizer.routing.result import RoutingResult
from optimizer.siting.result import SitingResult


def write_demo_maps(
    instance: Instance, results: Mapping[str, object], out_dir: str | Path, *, lang: Lang = "en"
) -> list[Path]:
    """Write a map of each routing and siting result in ``results`` into ``out_dir``.

    Every page is self-contained (Leaflet inlined, no tiles), so it opens in
    an office without internet. Results of other kinds are left to their own
    steps.

    Returns
    -------
    list[Path]
        The written files, in the order of ``results``.

    """
    out = Path(out_dir)
    written: list[Path] = []
    for name, result in results.items():
        if isinstance(result, RoutingResult):
            written.append(render_routes(instance, result, out / f"{name}.html", lang=lang))
        elif isinstance(result, SitingResult):
            written.append(render_siting(instance, result, out / f"{name}.html", lang=lang))
    return written
