"""Planning commands on roads: a small county placed on the Helsinki extract."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner

from optimizer.cli import main
from optimizer.distances import choose_travel, haversine_m
from optimizer.evaluate import check
from optimizer.io.errors import InputError
from optimizer.io.load import read_instance
from optimizer.io.solution import read_solution_json

# Stop coordinates inside the extract, each within 30 m of a street.
STOPS = [
    (60.16777, 24.94796),
    (60.16913, 24.94589),
    (60.17224, 24.94784),
    (60.16785, 24.94314),
    (60.1709, 24.9471),
    (60.17052, 24.94376),
    (60.17088, 24.94638),
    (60.17284, 24.9428),
]


HELSINKI_SITES = ((60.16963, 24.94036), (60.16701, 24.94016))


def _workbook(
    folder: Path,
    stops: list[tuple[float, float]] = STOPS,
    settings: str = "",
    sites: tuple[tuple[float, float], ...] = HELSINKI_SITES,
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (depot_lat, depot_lon), (unload_lat, unload_lon) = sites
    (folder / "sites.csv").write_text(
        "id,name,kind,lat,lon,streams,open,close,unload_min\n"
        f"D,Depot,depot,{depot_lat},{depot_lon},,,,\n"
        f"T,Transfer,transfer,{unload_lat},{unload_lon},other,05:00,20:00,10\n",
        encoding="utf-8",
    )
    rows = [f"S{k},Stop {k},{lat},{lon},other,400,3\n" for k, (lat, lon) in enumerate(stops)]
    (folder / "stops.csv").write_text(
        "id,name,lat,lon,stream,demand_kg,service_min\n" + "".join(rows), encoding="utf-8"
    )
    (folder / "vehicles.csv").write_text(
        "type,count,depot,streams,capacity_kg,fuel,shift_start,shift_end,width_m,height_m,weight_t\n"
        "C8,2,D,other,2000,diesel,05:30,14:00,2.5,3.4,8\n",
        encoding="utf-8",
    )
    if settings:
        (folder / "settings.csv").write_text("key,value\n" + settings, encoding="utf-8")
    return folder


def _route(args: list[str]) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["route", *args, "--solution-limit", "20", "--quiet"])
    return result.exit_code, result.output


def test_plan_on_roads_passes_the_checker_with_road_times(tmp_path: Path, helsinki: Path) -> None:
    """A route plan on Helsinki's roads is re-checked against road times and says so."""
    book = _workbook(tmp_path / "county")
    code, out = _route([str(book), "--out", str(tmp_path / "out"), "--roads", str(helsinki)])
    assert code == 0, out
    assert "road paths on the OpenStreetMap extract Helsinki.osm.pbf" in out
    assert "largest vehicle (width 2.5 m, height 3.4 m, weight 8 t, hgv)" in out
    instance = choose_travel(read_instance(book), source=book, roads=helsinki)
    result = read_solution_json(tmp_path / "out" / "solution.json")
    assert check(instance, result) == []
    assert result.distance_m > 0
    # Road legs are never shorter than the straight lines between the same points.
    lat = np.array([p.lat for p in (*instance.sites, *instance.stops)])
    lon = np.array([p.lon for p in (*instance.sites, *instance.stops)])
    gc = haversine_m(lat[:, None], lon[:, None], lat[None, :], lon[None, :])
    assert np.all(instance.travel.distance_m >= gc - 1.0)


def test_solution_and_geojson_carry_each_legs_road_geometry(tmp_path: Path, helsinki: Path) -> None:
    """Visits reached along roads carry a [lat, lon] polyline; the GeoJSON route follows it."""
    book = _workbook(tmp_path / "county")
    code, out = _route([str(book), "--out", str(tmp_path / "out"), "--roads", str(helsinki)])
    assert code == 0, out
    doc = json.loads((tmp_path / "out" / "solution.json").read_text(encoding="utf-8"))
    legs = [v["geometry"] for r in doc["routes"] for v in r["visits"][1:] if "geometry" in v]
    assert legs and all(len(g) >= 2 and len(g[0]) == 2 for g in legs)
    assert any(len(g) > 2 for g in legs)  # bends, not straight lines
    geo = json.loads((tmp_path / "out" / "routes.geojson").read_text(encoding="utf-8"))
    lines = [f for f in geo["features"] if f["geometry"]["type"] == "LineString"]
    num_visits = len(doc["routes"][0]["visits"])
    assert len(lines[0]["geometry"]["coordinates"]) > num_visits


def test_without_an_extract_the_summary_says_straight_line(tmp_path: Path) -> None:
    """Without --roads the plan is as before and the summary names straight-line estimates."""
    book = _workbook(tmp_path / "county")
    code, out = _route([str(book), "--out", str(tmp_path / "out")])
    assert code == 0, out
    assert "straight-line estimates" in out
    doc = json.loads((tmp_path / "out" / "solution.json").read_text(encoding="utf-8"))
    assert not any("geometry" in v for r in doc["routes"] for v in r["visits"])


def test_stop_far_from_any_road_is_an_input_problem(tmp_path: Path, helsinki: Path) -> None:
    """A stop 1 km out in the sea is exit 2 naming the stop, its distance and the nearest road."""
    book = _workbook(tmp_path / "county", [*STOPS, (60.1600, 24.9600)])
    code, out = _route([str(book), "--out", str(tmp_path / "out"), "--roads", str(helsinki)])
    assert code == 2
    assert "stop S8" in out and " m from the nearest usable road" in out
    assert "OSM way" in out and "within 200 m" in out
    assert not (tmp_path / "out").exists()


def test_roads_setting_is_relative_to_the_workbook(tmp_path: Path, helsinki: Path) -> None:
    """A workbook naming its extract in settings routes on roads without --roads (zh summary)."""
    book = _workbook(tmp_path / "county", settings="roads,maps/county.osm.pbf\n")
    (book / "maps").mkdir()
    shutil.copy(helsinki, book / "maps" / "county.osm.pbf")
    result = CliRunner().invoke(
        main,
        [
            "--lang",
            "zh",
            "route",
            str(book),
            "--out",
            str(tmp_path / "o"),
            "--solution-limit",
            "20",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "基于 OpenStreetMap 路网数据 county.osm.pbf" in result.output
    assert "（宽 2.5 m，高 3.4 m，总重 8 t，重型货车）" in result.output


def test_matrix_is_cached_by_content(tmp_path: Path, helsinki: Path) -> None:
    """A second run reuses the cached roads and matrix; other speeds make one new matrix."""
    book = _workbook(tmp_path / "county")
    first = choose_travel(read_instance(book), source=book, roads=helsinki)
    cache = tmp_path / "cache" / "roads"
    assert len(list(cache.glob("*.npz"))) == 2  # the parsed roads and the matrix
    again = choose_travel(read_instance(book), source=book, roads=helsinki)
    assert again.travel == first.travel
    assert len(list(cache.glob("*.npz"))) == 2
    slow = _workbook(tmp_path / "slow", settings="road_speed_kmh.primary,10\n")
    slower = choose_travel(read_instance(slow), source=slow, roads=helsinki)
    assert len(list(cache.glob("*.npz"))) == 3
    assert slower.travel.duration_s.sum() > first.travel.duration_s.sum()


def test_bad_road_settings_are_input_problems(tmp_path: Path, helsinki: Path) -> None:
    """A bad road_area and a bad vehicle width are reported together with exit 2."""
    book = _workbook(tmp_path / "county", settings="road_area,mountain\n")
    (book / "vehicles.csv").write_text(
        "type,count,depot,streams,capacity_kg,fuel,shift_start,shift_end,width_m\n"
        "C8,2,D,other,2000,diesel,05:30,14:00,wide\n",
        encoding="utf-8",
    )
    code, out = _route([str(book), "--out", str(tmp_path / "out"), "--roads", str(helsinki)])
    assert code == 2
    assert "'road_area': got 'mountain'; expected urban or rural" in out
    assert "'width_m': got 'wide'" in out


def test_stop_near_a_cut_off_road_says_so(tmp_path: Path, ladder: Path) -> None:
    """A stop beside a road with no link to the rest is an input problem naming that road."""
    book = _workbook(
        tmp_path / "town",
        [(30.0031, 120.0025), (30.0061, 120.0025)],
        sites=((30.0, 120.0), (30.0, 120.01)),
    )
    with pytest.raises(InputError) as err:
        choose_travel(read_instance(book), source=book, roads=ladder)
    (problem,) = err.value.problems
    assert problem.column == "stop S1"
    assert problem.value == "345 m from the nearest usable road"
    assert "North St (OSM way 12)" in str(problem.expected)
    assert "Island Rd (OSM way 16), 11 m away, is cut off" in str(problem.expected)
    assert "'North St (OSM way 12)'" in problem.expected_in("zh")
    assert "与其余道路不连通" in problem.expected_in("zh")


def _helsinki_siting_county(folder: Path) -> Path:
    """Write the siting test county scaled into central Helsinki and return its folder."""
    from dataclasses import replace

    from optimizer.distances import great_circle_matrix
    from optimizer.io.workbook import write_workbook
    from tests.siting.tiny_county import tiny_county

    def moved(rec: Any) -> Any:
        lat = 60.167 + (rec.lat - 29.996) / 0.604 * 0.009
        lon = 24.938 + (rec.lon - 119.996) / 0.208 * 0.012
        return replace(rec, lat=lat, lon=lon)

    county = tiny_county()
    stops, sites = tuple(map(moved, county.stops)), tuple(map(moved, county.sites))
    points = [(p.id, p.lat, p.lon) for p in (*stops, *sites)]
    meta = {"road_snap_max_m": "400"}
    write_workbook(
        replace(county, stops=stops, sites=sites, travel=great_circle_matrix(points), meta=meta),
        folder,
    )
    return folder


def test_site_and_plan_run_on_roads(tmp_path: Path, helsinki: Path) -> None:
    """Siting and the site-then-route plan both run on road times, re-checked, with road legs."""
    book = _helsinki_siting_county(tmp_path / "county")
    roads = ["--roads", str(helsinki)]
    site = CliRunner().invoke(main, ["site", str(book), "--out", str(tmp_path / "s"), *roads])
    assert site.exit_code == 0, site.output
    assert "road paths on the OpenStreetMap extract" in site.output
    plan = CliRunner().invoke(
        main, ["plan", str(book), "--out", str(tmp_path / "p"), "--route-time-limit", "2", *roads]
    )
    assert plan.exit_code == 0, plan.output
    doc = json.loads((tmp_path / "p" / "routing" / "solution.json").read_text(encoding="utf-8"))
    visits = [v for r in doc["routes"] for v in r["visits"][1:]]
    assert visits and any("geometry" in v for v in visits)


def test_fleet_dimensions_decide_whether_the_lane_is_used(tmp_path: Path, ladder: Path) -> None:
    """A van-only fleet's matrix goes up the 2 m lane; a fleet with a 2.5 m compactor's does not."""
    book = _workbook(
        tmp_path / "town",
        [(30.0000, 120.0045), (30.0031, 120.0055)],
        sites=((30.0, 120.0), (30.0, 120.01)),
    )
    van = "V2,1,D,other,800,diesel,05:30,14:00,1.8,2.2,3\n"
    truck = "C8,1,D,other,8000,diesel,05:30,14:00,2.5,3.4,16\n"
    head = "type,count,depot,streams,capacity_kg,fuel,shift_start,shift_end,"
    head += "width_m,height_m,weight_t\n"
    lengths = []
    for fleet in (van, van + truck):
        (book / "vehicles.csv").write_text(head + fleet, encoding="utf-8")
        instance = choose_travel(read_instance(book), source=book, roads=ladder)
        lengths.append(instance.travel.distance("S0", "S1"))
    assert lengths[0] < 500
    assert lengths[1] > 2 * lengths[0]


@pytest.mark.parametrize("content", [None, b"not an extract"], ids=["missing", "garbage"])
def test_unreadable_extract_is_an_input_problem(tmp_path: Path, content: bytes | None) -> None:
    """A missing or garbled extract is exit 2 naming the file; nothing is written."""
    book = _workbook(tmp_path / "county")
    extract = tmp_path / "county.osm.pbf"
    if content is not None:
        extract.write_bytes(content)
    code, out = _route([str(book), "--out", str(tmp_path / "out"), "--roads", str(extract)])
    assert code == 2
    assert "county.osm.pbf" in out and "Traceback" not in out
    assert not (tmp_path / "out").exists()


def test_fleet_studies_a_plan_made_on_roads(tmp_path: Path, helsinki: Path) -> None:
    """`fleet --roads` accepts the plan of `route --roads` and measures its road kilometres."""
    book = _workbook(tmp_path / "county")
    code, out = _route([str(book), "--out", str(tmp_path / "out"), "--roads", str(helsinki)])
    assert code == 0, out
    solution = tmp_path / "out" / "solution.json"
    args = ["fleet", str(book), "--routes", str(solution), "--out", str(tmp_path / "fleet")]
    result = CliRunner().invoke(main, [*args, "--roads", str(helsinki)])
    assert result.exit_code == 0, result.output
    doc = json.loads((tmp_path / "fleet" / "fleet.json").read_text(encoding="utf-8"))
    plan = read_solution_json(solution)
    assert doc["scenarios"][0]["km_per_day"] == pytest.approx(plan.distance_m / 1000)
    # On straight lines the same plan does not fit: the user is told, nothing is written.
    result = CliRunner().invoke(main, [*args[:-1], str(tmp_path / "straight")])
    assert result.exit_code == 2
    assert not (tmp_path / "straight").exists()
