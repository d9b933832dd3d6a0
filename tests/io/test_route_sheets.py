"""Tests of the route sheets: CSV, Excel, GeoJSON and the all-or-nothing output folder."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import json
import math
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from optimizer.io import route_sheets
from optimizer.io.route_sheets import (
    routes_geojson,
    sheet_names,
    write_route_outputs,
    write_routes_csv,
    write_routes_geojson,
    write_routes_xlsx,
)
from optimizer.io.solution import read_solution_json
from optimizer.model import Instance
from optimizer.routing.result import RoutingResult

_UNIT = ("(km)", "(HH:MM)", "(HH:MM-HH:MM)", "(kg)", "(kWh)", "(deg)", "(度)")
_UNITLESS = {
    "vehicle",
    "vehicle type",
    "seq",
    "activity",
    "location id",
    "location name",
    "stream",
    "车辆",
    "车型",
    "序号",
    "作业",
    "地点编号",
    "地点名称",
    "垃圾类别",
    "stop id",
    "stop name",
    "reason",
    "detail",
    "收集点编号",
    "收集点名称",
    "原因",
    "说明",
}


def _has_unit(header: str) -> bool:
    return header in _UNITLESS or header.endswith(_UNIT)


def test_csv_has_vehicle_column_and_units(
    tmp_path: Path, tiny_county: Instance, tiny_plan: RoutingResult
) -> None:
    """The CSV lists every visit in order with a vehicle column, times as HH:MM and km legs."""
    path = write_routes_csv(tiny_county, tiny_plan, tmp_path / "routes.csv")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == len(tiny_plan.routes[0].visits)
    assert {r["vehicle"] for r in rows} == {"C2t#1"}
    assert [r["location id"] for r in rows] == ["D", "S1", "S2", "S2", "T", "D"]
    assert rows[1]["arrival (HH:MM)"] == "05:01"
    assert float(rows[2]["load on board after (kg)"]) == 700.0
    assert float(rows[4]["unloaded (kg)"]) == 700.0
    legs = [float(r["leg (km)"]) for r in rows]
    assert math.isclose(float(rows[-1]["cumulative (km)"]), sum(legs), abs_tol=0.01)
    expected_leg = tiny_county.travel.distance("D", "S1") / 1000
    assert math.isclose(legs[1], expected_leg, abs_tol=0.001)
    assert all(_has_unit(h) for h in rows[0])


def test_csv_in_chinese(tmp_path: Path, tiny_county: Instance, tiny_plan: RoutingResult) -> None:
    """With lang zh the headers, activities and streams are Chinese and names stay intact."""
    path = write_routes_csv(tiny_county, tiny_plan, tmp_path / "routes.csv", lang="zh")
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert "到达 (HH:MM)" in rows[0] and "车辆" in rows[0]
    assert rows[1]["作业"] == "收集" and rows[1]["垃圾类别"] == "其他垃圾"
    assert rows[1]["地点名称"] == "幸福小区"
    assert rows[4]["作业"] == "卸料"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_excel_one_sheet_per_vehicle(
    tmp_path: Path, tiny_county: Instance, tiny_plan: RoutingResult, lang: Any
) -> None:
    """The workbook has a summary sheet, one printable sheet per vehicle and an unserved sheet."""
    path = write_routes_xlsx(tiny_county, tiny_plan, tmp_path / "routes.xlsx", lang=lang)
    book = openpyxl.load_workbook(path)
    summary, unserved = ("summary", "unserved") if lang == "en" else ("汇总", "未收运")
    assert book.sheetnames == [summary, "C2t#1", unserved]
    sheet = book["C2t#1"]
    title = route_sheets._TITLE_ROW
    header = [c.value for c in sheet[title]]
    assert sheet.max_row == title + len(tiny_plan.routes[0].visits)
    assert len(header) == len(route_sheets.SHEET_COLUMNS) <= 12
    if lang == "zh":
        assert "到达 (HH:MM)" in header and "离开时车载量 (kg)" in header
        assert sheet["A1"].value == "收运路线单：C2t#1" and sheet["E2"].value == "驾驶员"
    else:
        assert "arrival (HH:MM)" in header
        assert sheet["A1"].value == "Route sheet: C2t#1" and sheet["E2"].value == "driver"
    totals = [[c.value for c in row] for row in book[summary].iter_rows()]
    co2_header = "CO2 (kg CO2)" if lang == "en" else "碳排放 (kg CO2)"
    co2 = totals[0].index(co2_header)
    assert totals[1][co2] == pytest.approx(3.1)
    assert len(list(book[unserved].iter_rows())) == 3
    book.close()


def test_excel_sheet_prints_with_time_cells_and_rounded_units(
    tmp_path: Path, tiny_county: Instance, tiny_plan: RoutingResult
) -> None:
    """Times are Excel time cells shown HH:MM, working time [h]:mm, loads without float noise."""
    visits = list(tiny_plan.routes[0].visits)
    visits[2] = dataclasses.replace(visits[2], load_kg=639.8000000000001)
    route = dataclasses.replace(tiny_plan.routes[0], visits=tuple(visits))
    plan = dataclasses.replace(tiny_plan, routes=(route,))
    path = write_routes_xlsx(tiny_county, plan, tmp_path / "routes.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book["C2t#1"]
    title = route_sheets._TITLE_ROW
    col = {c.value: c.column for c in sheet[title]}
    arrival = sheet.cell(row=title + 2, column=col["arrival (HH:MM)"])
    assert isinstance(arrival.value, dt.time) and arrival.number_format == "hh:mm"
    assert arrival.value == dt.time(5, 1)
    load = sheet.cell(row=title + 3, column=col["load on board after (kg)"])
    assert load.data_type == "n" and load.value == 639.8
    # Header block: the working time is a duration cell, not decimal hours.
    working = sheet["L3"]
    assert sheet["K3"].value == "working time"
    assert working.value == dt.timedelta(seconds=3300) and working.number_format == "[h]:mm"
    setup = sheet.page_setup
    assert setup.orientation == "landscape" and setup.fitToWidth == 1
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == f"${title}:${title}"
    summary = book["summary"]
    heads = [c.value for c in summary[1]]
    duration = summary.cell(row=2, column=heads.index("working time (HH:MM)") + 1)
    assert duration.value == dt.timedelta(seconds=3300)
    start = summary.cell(row=2, column=heads.index("leaves depot (HH:MM)") + 1)
    assert isinstance(start.value, dt.time)
    book.close()


def test_chinese_workbook_gets_chinese_sheets_by_default(
    tmp_path: Path, tiny_county: Instance, tiny_plan: RoutingResult
) -> None:
    """A county that wrote its workbook with Chinese headers gets Chinese route sheets."""
    chinese = dataclasses.replace(tiny_county, meta={"headers_lang": "zh"})
    assert route_sheets.sheet_lang(chinese, "en") == "zh"
    assert route_sheets.sheet_lang(tiny_county, "en") == "en"
    written = write_route_outputs(chinese, tiny_plan, tmp_path / "out")
    book = openpyxl.load_workbook(next(p for p in written if p.suffix == ".xlsx"))
    assert book.sheetnames[0] == "汇总"
    book.close()


def test_sheet_names_are_valid_and_distinct() -> None:
    """Vehicle names with forbidden characters, great length or case clashes get valid names."""
    names = sheet_names(["a/b", "A/B", "x" * 40, "x" * 40, "[q]"])
    assert len(set(n.casefold() for n in names)) == 5
    assert all(len(n) <= 31 and not set(n) & set("[]:*?/\\") for n in names)


def _assert_valid_geojson(doc: dict[str, Any]) -> None:
    assert doc["type"] == "FeatureCollection"
    for feat in doc["features"]:
        assert feat["type"] == "Feature" and isinstance(feat["properties"], dict)
        geom = feat["geometry"]
        positions = [geom["coordinates"]] if geom["type"] == "Point" else geom["coordinates"]
        assert geom["type"] in ("Point", "LineString")
        if geom["type"] == "LineString":
            assert len(positions) >= 2
        for lon, lat in positions:
            assert -180 <= lon <= 180 and -90 <= lat <= 90


def test_geojson_is_valid_and_complete(
    tmp_path: Path, tiny_county: Instance, tiny_plan: RoutingResult
) -> None:
    """GeoJSON has one LineString per route in lon/lat order, a Point per visit and unserved."""
    path = write_routes_geojson(tiny_county, tiny_plan, tmp_path / "routes.geojson")
    doc = json.loads(path.read_text(encoding="utf-8"))
    _assert_valid_geojson(doc)
    lines = [f for f in doc["features"] if f["geometry"]["type"] == "LineString"]
    assert len(lines) == 1
    depot = tiny_county.site("D")
    assert lines[0]["geometry"]["coordinates"][0] == [depot.lon, depot.lat]
    points = [f["properties"] for f in doc["features"] if f["geometry"]["type"] == "Point"]
    assert [p["location"] for p in points if p["kind"] == "unserved"] == ["S3", "S4"]
    stop_s2 = next(p for p in points if p["location"] == "S2" and p["kind"] == "stop")
    assert stop_s2["load_kg"] == 700.0 and stop_s2["name"] == "<b>market</b>"


def test_geojson_refuses_planar_instance(tiny_county: Instance, tiny_plan: RoutingResult) -> None:
    """A benchmark instance in planar coordinates cannot be written as GeoJSON."""
    planar = Instance(
        tiny_county.name,
        tiny_county.stops,
        tiny_county.sites,
        tiny_county.vehicle_types,
        tiny_county.travel,
        {"coord_sys": "planar"},
    )
    with pytest.raises(ValueError, match="WGS-84"):
        routes_geojson(planar, tiny_plan)


def test_outputs_all_written(
    tmp_path: Path, tiny_county: Instance, tiny_plan: RoutingResult
) -> None:
    """The output folder receives the solution, CSV, Excel and GeoJSON, and nothing else."""
    out = tmp_path / "out"
    written = write_route_outputs(tiny_county, tiny_plan, out, lang="zh")
    names = {"solution.json", "routes.csv", "routes.xlsx", "routes.geojson"}
    assert {p.name for p in written} == names
    assert {p.name for p in out.iterdir()} == names
    assert read_solution_json(out / "solution.json") == tiny_plan
    assert {p.name for p in tmp_path.iterdir()} == {"out"}


@pytest.mark.parametrize("existing", [False, True])
def test_failure_mid_write_leaves_nothing(
    tmp_path: Path,
    tiny_county: Instance,
    tiny_plan: RoutingResult,
    monkeypatch: pytest.MonkeyPatch,
    existing: bool,
) -> None:
    """If one file fails after others were written, the folder gets none of them."""
    out = tmp_path / "out"
    if existing:
        out.mkdir()
        (out / "notes.txt").write_text("keep me", encoding="utf-8")

    def fail(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(route_sheets, "write_routes_geojson", fail)
    with pytest.raises(OSError, match="disk full"):
        write_route_outputs(tiny_county, tiny_plan, out)
    if existing:
        assert [p.name for p in out.iterdir()] == ["notes.txt"]
    else:
        assert not out.exists()
    assert {p.name for p in tmp_path.iterdir()} == ({"out"} if existing else set())


def test_chinese_headers_are_recorded_when_reading_a_workbook() -> None:
    """A workbook with Chinese column names is marked so that its sheets default to Chinese."""
    from optimizer.io.load import read_instance

    data = Path(__file__).parents[1] / "data" / "workbook"
    assert read_instance(data / "chinese_headers").meta.get("headers_lang") == "zh"
    assert "headers_lang" not in read_instance(data / "good").meta
