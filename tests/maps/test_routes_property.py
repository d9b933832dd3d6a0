"""Property: for any names and any split of stops, the map shows each stop once, as text."""

from __future__ import annotations

import html
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from maps_fixtures import page_layers, points

from optimizer.distances import great_circle_matrix
from optimizer.maps import render_routes
from optimizer.model import Instance, Site, SiteKind, Stop, Stream, VehicleType
from optimizer.routing.result import Route, RoutingResult, Visit, VisitKind

# Characters that break HTML, JavaScript strings or Jinja templates, and Chinese.
_NAMES = st.text(
    alphabet=st.sampled_from("<>&\"'`{}%#/\\$ \n\u2028ab厨余转运"), min_size=1, max_size=12
)


@st.composite
def plans(draw: st.DrawFn) -> tuple[Instance, RoutingResult]:
    """Draw stops with hostile names and split them over 1-3 routes in random order."""
    n = draw(st.integers(1, 8))
    names = draw(st.lists(_NAMES, min_size=n, max_size=n))
    coords = draw(
        st.lists(st.tuples(st.floats(29.9, 30.1), st.floats(119.9, 120.1)), min_size=n, max_size=n)
    )
    stops = tuple(
        Stop(f"S{i}", name, lat, lon, Stream.OTHER, 100.0)
        for i, (name, (lat, lon)) in enumerate(zip(names, coords, strict=True))
    )
    sites = (
        Site("D", draw(_NAMES), SiteKind.DEPOT, 30.0, 120.0),
        Site(
            "T", draw(_NAMES), SiteKind.TRANSFER, 30.05, 120.05, streams=frozenset({Stream.OTHER})
        ),
    )
    fleet = (VehicleType(draw(_NAMES), 3, "D", frozenset({Stream.OTHER}), 8000.0),)
    pts = [(s.id, s.lat, s.lon) for s in (*stops, *sites)]
    instance = Instance(draw(_NAMES), stops, sites, fleet, great_circle_matrix(pts))
    order = draw(st.permutations(range(n)))
    cuts = sorted(draw(st.lists(st.integers(0, n), max_size=2)))
    routes = []
    for k, (a, b) in enumerate(zip([0, *cuts], [*cuts, n], strict=True)):
        visits = [Visit(VisitKind.DEPOT, "D", 0, 0, 0, 0)]
        visits += [
            Visit(VisitKind.STOP, f"S{i}", 60.0 * j, 60.0 * j, 60.0 * j, 100.0)
            for j, i in enumerate(order[a:b])
        ]
        visits += [
            Visit(VisitKind.UNLOAD, "T", 9e3, 9e3, 9e3, 0),
            Visit(VisitKind.DEPOT, "D", 1e4, 1e4, 1e4, 0),
        ]
        routes.append(
            Route(f"{fleet[0].id}#{k}", fleet[0].id, tuple(visits), 1.0, 1.0, 0.0, 0.0, 0.0)
        )
    return instance, RoutingResult(instance.name, tuple(routes), (), "distance", 0.0, "hand")


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans())
def test_every_stop_once_and_names_as_text(plan):
    """Every served stop is drawn once in its vehicle's layer, and each name reads back exactly."""
    instance, result = plan
    with tempfile.TemporaryDirectory() as tmp:
        page = render_routes(instance, result, Path(tmp) / "m.html", lang="zh").read_text(
            encoding="utf-8"
        )
    layers = list(page_layers(page).values())
    drawn = []
    for layer in layers[: len(result.routes)]:
        tips = [f["properties"]["tip"] for f in points(layer) if "tip" in f["properties"]]
        # What Leaflet receives as HTML holds no markup or template characters of its own.
        assert not any(c in tip for tip in tips for c in "<>{}\"'")
        drawn += [html.unescape(t).split(". ", 1)[1] for t in tips]
    assert sorted(drawn) == sorted(instance.stop(s).name for r in result.routes for s in r.stops)
