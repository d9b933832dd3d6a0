"""The county workbook reader: good input reads, every defect is reported with its place."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from optimizer.io.errors import InputError
from optimizer.io.load import read_instance
from optimizer.io.workbook import write_workbook
from optimizer.model import Stream, check

DATA = Path(__file__).resolve().parents[1] / "data" / "workbook"

# folder -> (file, row, column) that the report must name
DEFECTS = {
    "stops_missing_lat_column": ("stops.csv", 1, "lat"),
    "stops_demand_not_numeric": ("stops.csv", 3, "demand_kg"),
    "duplicate_stop_ids": ("stops.csv", 4, "id"),
    "unknown_depot": ("vehicles.csv", 2, "depot"),
    "tw_end_before_start": ("stops.csv", 4, "tw_end"),
    "empty_stops_file": ("stops.csv", None, ""),
    "unknown_stream": ("stops.csv", 4, "stream"),
    "lat_out_of_range": ("stops.csv", 3, "lat"),
    "missing_vehicles_table": ("missing_vehicles_table", None, ""),
    "unknown_fuel": ("vehicles.csv", 2, "fuel"),
    # Found by the mutation campaign (benchmarks/robustness/README.md, reader fuzzing):
    "demand_exponent_overflow": ("stops.csv", 2, "demand_kg"),
    "circuity_overflow": ("settings.csv", 2, "value"),
    "vehicle_count_astronomical": ("vehicles.csv", 2, "count"),
    "row_longer_than_header": ("stops.csv", 3, ""),
    "stop_id_control_character": ("stops.csv", 3, "id"),
    "time_past_48_hours": ("vehicles.csv", 2, "shift_end"),
    "xlsx_sheet_xml_damaged.xlsx": ("xlsx_sheet_xml_damaged.xlsx", None, ""),
    "date_in_time_column.xlsx": ("date_in_time_column.xlsx[stops]", 2, "tw_start"),
    "xlsx_zip_version_flipped.xlsx": ("xlsx_zip_version_flipped.xlsx", None, ""),
}


def test_good_workbook_reads_and_passes_check() -> None:
    """The good workbook gives three stops, two sites and one truck type with no problem."""
    inst = read_instance(DATA / "good")
    assert [s.id for s in inst.stops] == ["S1", "S2", "S3"]
    assert inst.stop("S3").stream is Stream.OTHER  # 其他垃圾
    assert inst.stop("S1").window is not None and inst.stop("S1").window.start == 6 * 3600
    assert inst.site("T").capacity_kg_per_day == 150_000.0
    assert inst.vehicle_types[0].break_ is not None
    assert inst.vehicle_types[0].break_.duration_s == 1800
    assert check(inst) == []


@pytest.mark.parametrize("folder", sorted(DEFECTS))
def test_defect_is_reported_with_file_row_and_column(folder: str) -> None:
    """Each malformed workbook raises one InputError naming the file, row and column at fault."""
    with pytest.raises(InputError) as err:
        read_instance(DATA / folder)
    file, row, column = DEFECTS[folder]
    places = [(p.file, p.row, p.column) for p in err.value.problems]
    assert (file, row, column) in places, places
    assert all(p.expected for p in err.value.problems)


def test_unknown_stream_lists_valid_values_in_both_languages() -> None:
    """An unknown stream's message names the bad value and the valid ones in English and Chinese."""
    with pytest.raises(InputError) as err:
        read_instance(DATA / "unknown_stream")
    text = str(err.value)
    assert "建筑垃圾" in text and "kitchen (厨余垃圾)" in text and "medical (医疗废物)" in text


def test_every_problem_is_listed_at_once(tmp_path: Path) -> None:
    """Two bad cells in different files are both reported in one error."""
    for src in (DATA / "stops_demand_not_numeric").iterdir():
        (tmp_path / src.name).write_bytes(src.read_bytes())
    text = (tmp_path / "vehicles.csv").read_text(encoding="utf-8").replace(",D,", ",NOPE,")
    (tmp_path / "vehicles.csv").write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_instance(tmp_path)
    columns = {(p.file, p.column) for p in err.value.problems}
    assert {("stops.csv", "demand_kg"), ("vehicles.csv", "depot")} <= columns


def test_gbk_csv_is_decoded_and_reported_in_meta() -> None:
    """A GBK export from Excel reads with its Chinese names intact and says so in meta."""
    inst = read_instance(DATA / "stops_gbk_encoded")
    assert inst.stop("S1").name == "东门小区"
    assert "gb18030" in inst.meta["input_encoding"]


def test_chinese_headers_and_values_are_understood() -> None:
    """Chinese headers (编号, 纬度, 产生量（kg）) and stream names read like English ones."""
    inst = read_instance(DATA / "chinese_headers")
    assert inst.stop("S2").demand_kg == 300.0
    assert inst.stop("S1").stream is Stream.KITCHEN
    assert inst.stop("S1").service_s == 180


def test_xlsx_missing_sheet_is_named(tmp_path: Path) -> None:
    """An Excel workbook without a vehicles sheet is refused with the sheet's names."""
    good = read_instance(DATA / "good")
    path = tmp_path / "county.xlsx"
    write_workbook(good, path)
    book = openpyxl.load_workbook(path)
    del book["vehicles"]
    book.save(path)
    with pytest.raises(InputError) as err:
        read_instance(path)
    texts = [str(p.expected) for p in err.value.problems]
    assert any("vehicles" in t and "车辆" in t for t in texts)


def test_gcj02_setting_moves_points_to_wgs84() -> None:
    """Reading with coord_sys gcj02 shifts points by the GCJ offset (a few hundred metres)."""
    wgs = read_instance(DATA / "good")
    gcj = read_instance(DATA / "good", coord_sys="gcj02")
    assert gcj.meta["coord_sys_input"] == "gcj02"
    d_lon = wgs.stop("S1").lon - gcj.stop("S1").lon
    assert 0.001 < d_lon < 0.01  # GCJ-02 lies east of WGS-84 in central China


def test_write_keeps_other_files_and_removes_stale_tables(tmp_path: Path) -> None:
    """Rewriting a workbook folder keeps a README but drops old table files it would misread."""
    inst = read_instance(DATA / "good")
    (tmp_path / "README.md").write_text("provenance", encoding="utf-8")
    (tmp_path / "matrix.csv").write_text("from,to,distance_m,duration_s\n", encoding="utf-8")
    (tmp_path / "收集点.csv").write_text("编号\n", encoding="utf-8")
    write_workbook(inst, tmp_path)
    assert (tmp_path / "README.md").exists()
    assert not (tmp_path / "matrix.csv").exists()
    assert not (tmp_path / "收集点.csv").exists()
    assert read_instance(tmp_path).stops == inst.stops


def test_excel_typed_cells_are_read(tmp_path: Path) -> None:
    """Excel time cells (also past midnight) and number cells read like the text a user typed."""
    import datetime as dt

    book = openpyxl.Workbook()
    stops = book.active
    stops.title = "收集点"
    stops.append(["编号", "纬度", "经度", "垃圾类别", "产生量_kg", "最早时间", "最晚时间"])
    stops.append(["S1", 34.8, 114.3, "厨余垃圾", 120, dt.time(21, 30), dt.time(23, 0)])
    sites = book.create_sheet("设施")
    sites.append(["编号", "类型", "纬度", "经度", "接收类别"])
    sites.append(["D", "车场", 34.79, 114.29, None])
    sites.append(["T", "转运站", 34.82, 114.33, "厨余垃圾"])
    fleet = book.create_sheet("车辆")
    fleet.append(["车型", "数量", "车场", "收运类别", "载重_kg", "燃料", "上班时间", "下班时间"])
    fleet.append(["K5", 2, "D", "厨余垃圾", 5000, "柴油", dt.time(20, 0), 26 / 24])
    fleet.append(["K8", 1, "D", "厨余垃圾", 8000, "柴油", dt.time(20, 0), dt.timedelta(hours=26)])
    fleet["H2"].number_format = "h:mm"  # 26:00 typed into an h:mm cell: serial 1.0833
    path = tmp_path / "county.xlsx"
    book.save(path)
    inst = read_instance(path)
    window = inst.stop("S1").window
    assert window is not None and (window.start, window.end) == (21 * 3600 + 1800, 23 * 3600)
    assert [v.shift.end for v in inst.vehicle_types] == [26 * 3600, 26 * 3600]
    assert inst.vehicle_types[0].count == 2
    assert check(inst) == []


def test_matrix_named_in_settings_is_read(tmp_path: Path) -> None:
    """A settings row `matrix` naming a CSV file next to the workbook supplies the travel matrix."""
    import shutil

    folder = tmp_path / "wb"
    shutil.copytree(DATA / "good", folder)
    ids = ["D", "T", "S1", "S2", "S3"]
    rows = [f"{a},{b},{1000 + i},{100 + j}" for i, a in enumerate(ids) for j, b in enumerate(ids)]
    (folder / "roads.csv").write_text(
        "from,to,distance_m,duration_s\n" + "\n".join(rows) + "\n", encoding="utf-8"
    )
    (folder / "settings.csv").write_text("key,value\nmatrix,roads.csv\n", encoding="utf-8")
    inst = read_instance(folder)
    assert inst.travel.distance("T", "S1") == 1001.0
    assert inst.travel.duration("T", "S1") == 102.0
    assert inst.meta["travel_source"] == "matrix"


def test_utf16_csv_is_refused_with_advice(tmp_path: Path) -> None:
    """A UTF-16 export is refused, naming the file and how to save it as CSV UTF-8."""
    import shutil

    folder = tmp_path / "wb"
    shutil.copytree(DATA / "good", folder)
    text = (folder / "sites.csv").read_text(encoding="utf-8")
    (folder / "sites.csv").write_bytes(text.encode("utf-16"))
    with pytest.raises(InputError) as err:
        read_instance(folder)
    assert [(p.file, p.row) for p in err.value.problems] == [("sites.csv", None)]
    assert "CSV UTF-8" in str(err.value.problems[0].expected)
