"""The siting map: opened stations with size class, service lines, haul, diagnosis."""

from __future__ import annotations

import html
from dataclasses import replace

import pytest
from maps_fixtures import page_layers, points

from optimizer.maps import render_siting
from optimizer.model import BuildOption, Instance, Site, SiteKind, Stream
from optimizer.siting.result import Decision, Flow, SitingResult, SolveStatus


@pytest.fixture
def county(instance: Instance) -> Instance:
    """Return the small county with two candidate transfer-station sites."""
    options = (BuildOption("small", 20_000.0, 1e6), BuildOption("large", 80_000.0, 3e6))
    other = frozenset({Stream.OTHER, Stream.KITCHEN})
    candidates = (
        Site(
            "C1",
            "North candidate",
            SiteKind.TRANSFER,
            30.018,
            120.015,
            streams=other,
            candidate=True,
            build_options=options,
        ),
        Site(
            "C2",
            "East <candidate>",
            SiteKind.TRANSFER,
            30.010,
            120.050,
            streams=other,
            candidate=True,
            build_options=options,
        ),
    )
    from optimizer.distances import great_circle_matrix

    sites = (*instance.sites, *candidates)
    pts = [(s.id, s.lat, s.lon) for s in (*instance.stops, *sites)]
    return replace(instance, sites=sites, travel=great_circle_matrix(pts))


def _result(decision: Decision | None, status: SolveStatus = SolveStatus.OPTIMAL) -> SitingResult:
    return SitingResult(
        name="small",
        status=status,
        decision=decision,
        objective=None if decision is None else 1.0,
        bound=None,
        gap=None if decision is None else 0.0,
        load={"C1": 2_600.0, "T1": 280.0},
        capacity={"C1": 80_000.0, "T1": None},
        diagnosis=() if decision is not None else ("demand 11,000 kg/day exceeds all capacity",),
    )


DECISION = Decision(
    open={"C1": "large", "T1": "existing"},
    assignment={
        "S1": {"C1": 1.0},
        "S2": {"C1": 1.0},
        "S3": {"C1": 1.0},
        "S4": {"C1": 0.3, "T1": 0.7},
    },
    flows=(Flow("C1", "I1", "other", 2_600.0),),
)


def test_opened_and_closed_stations_are_told_apart(county, tmp_path):
    """Opened stations show their name (built ones their size class too); closed ones a layer."""
    page = render_siting(county, _result(DECISION), tmp_path / "s.html").read_text(encoding="utf-8")
    layers = page_layers(page)
    opened = {f["properties"].get("label", "") for f in layers["Opened stations (2)"]["features"]}
    # The built candidate shows its size class; the existing site just its (escaped) name.
    assert opened == {"North candidate · large", "Transfer &lt;i&gt;station&lt;/i&gt;"}
    popups = " ".join(f["properties"]["popup"] for f in layers["Opened stations (2)"]["features"])
    assert "existing" in popups and "large" in popups
    (closed,) = layers["Candidates not opened"]["features"]
    assert "East &lt;candidate&gt;" in closed["properties"]["popup"]
    assert "stroke-dasharray" in closed["properties"]["icon"]  # hollow icon


def test_every_assignment_has_a_line_to_its_station(county, tmp_path):
    """Each served point has one line per serving station, and its colour is its main station's."""
    page = render_siting(county, _result(DECISION), tmp_path / "s.html").read_text(encoding="utf-8")
    areas = page_layers(page)["Service areas"]
    lines = [f for f in areas["features"] if f["geometry"]["type"] == "LineString"]
    assert len(lines) == sum(len(v) for v in DECISION.assignment.values())
    dots = points(areas)
    assert len(dots) == len(DECISION.assignment)
    c1 = county.site("C1")
    to_c1 = {
        f["properties"]["style"]["color"]
        for f in lines
        if f["geometry"]["coordinates"][1] == [c1.lon, c1.lat]
    }
    (c1_color,) = to_c1
    s4 = next(f for f in dots if "S4" in f["properties"]["popup"])
    assert s4["properties"]["style"]["fillColor"] != c1_color  # S4 is mostly served by T1
    assert "70%" in s4["properties"]["popup"]
    layers = page_layers(page)
    c1_icon = next(
        f for f in layers["Opened stations (2)"]["features"] if "C1" in f["properties"]["popup"]
    )
    assert c1_color in c1_icon["properties"]["icon"]  # the station is drawn in its lines' colour


def test_haul_to_treatment_with_daily_amount(county, tmp_path):
    """The onward haul joins the station to the plant and states the daily amount."""
    page = render_siting(county, _result(DECISION), tmp_path / "s.html", lang="zh").read_text(
        encoding="utf-8"
    )
    (haul,) = page_layers(page)["转运至处理设施"]["features"]
    c1, i1 = county.site("C1"), county.site("I1")
    assert haul["geometry"]["coordinates"] == [[c1.lon, c1.lat], [i1.lon, i1.lat]]
    popup = html.unescape(haul["properties"]["popup"])
    assert "2,600 kg/日" in popup and "其他垃圾" in popup


def test_infeasible_result_shows_candidates_and_diagnosis(county, tmp_path):
    """Without a plan the map still shows every candidate and states why there is none."""
    page = render_siting(county, _result(None, SolveStatus.INFEASIBLE), tmp_path / "s.html")
    text = page.read_text(encoding="utf-8")
    layers = page_layers(text)
    assert len(layers["Candidates not opened"]["features"]) == 2
    assert "infeasible: no plan exists" in text and "exceeds all capacity" in text


def test_result_of_another_instance_is_refused(county, tmp_path):
    """A siting result naming ids the instance lacks is refused, naming them."""
    bad = Decision(open={"ZZ": "large"}, assignment={"S1": {"ZZ": 1.0}})
    with pytest.raises(ValueError, match="ZZ"):
        render_siting(county, _result(bad), tmp_path / "s.html")
