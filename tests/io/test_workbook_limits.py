"""Workbooks at the edges: zip bombs, 100,000-row sheets, Excel's dates, times and merged cells."""

from __future__ import annotations

import datetime as dt
import io
import json
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from workbook_mutations import base_book, write_book, zip_bomb

from optimizer.cli import main
from optimizer.io.cells import MAX_ROWS
from optimizer.io.errors import InputError
from optimizer.io.load import read_instance

GOOD = Path(__file__).resolve().parents[1] / "data" / "workbook" / "good"


def _check(path: Path, *args: str) -> tuple[int, str, float]:
    start = time.process_time()
    result = CliRunner().invoke(main, [*args, "check", str(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    return result.exit_code, result.output, time.process_time() - start


def test_zip_bomb_is_refused_before_it_inflates(tmp_path: Path) -> None:
    """An .xlsx whose sheet unpacks to 300 MB is refused at once, naming the file and the size."""
    book = base_book("good", "xlsx")
    book.zip_edits.append(zip_bomb)
    path = write_book(book, tmp_path)
    assert path.stat().st_size < 2_000_000
    code, out, seconds = _check(path)
    assert code == 2
    assert "county.xlsx" in out and "zip bomb" in out
    assert seconds < 2.0


def _xlsx_with_stops_rows(tmp_path: Path, rows: list[str]) -> Path:
    """Return the good workbook as .xlsx with ``rows`` (XML) below the stops header."""
    book = base_book("good", "xlsx")
    path = write_book(book, tmp_path)
    sheet = f"xl/worksheets/sheet{list(book.tables).index('stops') + 1}.xml"
    src = zipfile.ZipFile(path)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in src.namelist():
            body = src.read(name)
            if name == sheet:
                head, _, rest = body.partition(b"</row>")  # keep the header row
                tail = rest[rest.index(b"</sheetData>") :]
                body = head + b"</row>" + "".join(rows).encode() + tail
            dst.writestr(name, body)
    src.close()
    path.write_bytes(out.getvalue())
    return path


def _stop_row_xml(k: int) -> str:
    cells = [f"X{k}", "n", 34.8, 114.3, "kitchen", 100, 3, "06:00", "09:00", "urban"]
    xml = []
    for col, value in zip("ABCDEFGHIJ", cells, strict=True):
        ref = f"{col}{k}"
        if isinstance(value, str):
            xml.append(f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>')
        else:
            xml.append(f'<c r="{ref}"><v>{value}</v></c>')
    return f'<row r="{k}">{"".join(xml)}</row>'


def test_100000_row_excel_sheet_is_refused_quickly_at_the_row_past_the_limit(
    tmp_path: Path,
) -> None:
    """A stops sheet of 100,000 rows stops with exit 2 at the first row past the limit, fast."""
    path = _xlsx_with_stops_rows(tmp_path, [_stop_row_xml(k) for k in range(2, 100_002)])
    code, out, seconds = _check(path)
    assert code == 2
    assert f"county.xlsx[stops], row {MAX_ROWS['stops'] + 2}" in out
    assert seconds < 15.0


def test_100000_row_csv_is_refused_quickly_at_the_row_past_the_limit(tmp_path: Path) -> None:
    """A stops.csv of 100,000 rows is refused with exit 2 naming the row past the limit, fast."""
    for src in GOOD.iterdir():
        (tmp_path / src.name).write_bytes(src.read_bytes())
    lines = ["id,name,lat,lon,stream,demand_kg"]
    lines += [f"X{k},n,34.8,114.3,kitchen,100" for k in range(100_000)]
    (tmp_path / "stops.csv").write_text("\n".join(lines), encoding="utf-8")
    code, out, seconds = _check(tmp_path)
    assert code == 2
    assert f"stops.csv, row {MAX_ROWS['stops'] + 2}" in out
    assert seconds < 10.0


def test_100000_blank_formatted_rows_are_ignored(tmp_path: Path) -> None:
    """Blank but formatted rows down to row 100,001 (as Excel saves them) do not stop the check."""
    blank = [f'<row r="{k}"><c r="A{k}" s="0"/></row>' for k in range(3, 100_002)]
    rows = [_stop_row_xml(2), *blank]
    path = _xlsx_with_stops_rows(tmp_path, rows)
    code, out, seconds = _check(path)
    assert code == 0, out
    assert seconds < 15.0


def _typed_stops(tmp_path: Path, tw_start: object, tw_end: object) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name in ("sites", "vehicles"):
        sheet = book.create_sheet(name)
        text = (GOOD / f"{name}.csv").read_text(encoding="utf-8").splitlines()
        for line in text:
            sheet.append(line.split(","))
    stops = book.create_sheet("stops")
    stops.append(["id", "lat", "lon", "stream", "demand_kg", "tw_start", "tw_end"])
    stops.append(["S1", 34.8, 114.3, "kitchen", 120, tw_start, tw_end])
    path = tmp_path / "typed.xlsx"
    book.save(path)
    return path


@pytest.mark.parametrize(
    ("start", "end", "seconds"),
    [
        (dt.time(6, 0), dt.time(9, 30), (6 * 3600, 9 * 3600 + 1800)),
        (dt.datetime(2024, 5, 1, 6, 0), dt.datetime(2024, 5, 1, 9, 0), (6 * 3600, 9 * 3600)),
        (dt.time(22, 0), dt.timedelta(hours=26, minutes=30), (22 * 3600, 26 * 3600 + 1800)),
        ("06:00", dt.time(7, 15, 30), (6 * 3600, 7 * 3600 + 930)),
    ],
)
def test_excel_time_and_date_time_cells_are_read_as_clock_times(
    tmp_path: Path, start: object, end: object, seconds: tuple[int, int]
) -> None:
    """Cells Excel typed as times, date-times or [h]:mm durations read as the clock time shown."""
    inst = read_instance(_typed_stops(tmp_path, start, end))
    window = inst.stop("S1").window
    assert window is not None and (window.start, window.end) == seconds


def test_a_date_without_time_in_a_time_column_is_refused(tmp_path: Path) -> None:
    """A date typed where a time belongs is named by sheet, row and column, not read as 00:00."""
    with pytest.raises(InputError) as err:
        read_instance(_typed_stops(tmp_path, dt.datetime(2024, 5, 1), dt.time(9, 0)))
    places = {(p.file, p.row, p.column): str(p.expected) for p in err.value.problems}
    assert "not a date" in places[("typed.xlsx[stops]", 2, "tw_start")]


def test_merged_cells_count_for_every_row_they_cover(tmp_path: Path) -> None:
    """A stream or area merged down several rows (合并单元格) applies to each of those rows."""
    book = base_book("good", "xlsx")
    rows = book.tables["stops"]
    heads = list(rows[0])
    col = heads.index("stream")
    rows[2][col] = None  # Excel keeps a merged range's value in its first cell only
    letter = "ABCDEFGHIJ"[col]
    book.merges.append(("stops", f"{letter}2:{letter}3"))
    inst = read_instance(write_book(book, tmp_path))
    assert inst.stop("S1").stream is inst.stop("S2").stream


def test_title_rows_above_the_header_are_skipped_and_rows_keep_their_numbers(
    tmp_path: Path,
) -> None:
    """A title row above the header is skipped, and problems keep the row numbers Excel shows."""
    for src in GOOD.iterdir():
        (tmp_path / src.name).write_bytes(src.read_bytes())
    text = (GOOD / "stops.csv").read_text(encoding="utf-8")
    text = "某县生活垃圾收集点清单（2024年）\n\n" + text.replace(",120,", ",lots,")
    (tmp_path / "stops.csv").write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_instance(tmp_path)
    assert [(p.file, p.row, p.column) for p in err.value.problems] == [
        ("stops.csv", 4, "demand_kg")
    ]


def test_good_workbook_as_xlsx_still_reads_like_the_csv_folder(tmp_path: Path) -> None:
    """The guards leave a normal .xlsx alone: it reads to the same instance as its CSV folder."""
    path = write_book(base_book("good", "xlsx"), tmp_path)
    a, b = read_instance(GOOD), read_instance(path)
    assert a.stops == b.stops and a.sites == b.sites and a.vehicle_types == b.vehicle_types


def test_geojson_with_too_many_features_is_refused_before_the_travel_matrix(
    tmp_path: Path,
) -> None:
    """GeoJSON stops past the limit stop at the feature past it instead of a huge matrix."""
    point = {"type": "Point", "coordinates": [114.3, 34.8]}
    feats = [
        {"type": "Feature", "geometry": point, "properties": {"id": "D", "kind": "depot"}},
    ] + [
        {
            "type": "Feature",
            "geometry": point,
            "properties": {"id": f"X{k}", "stream": "other", "demand_kg": 1},
        }
        for k in range(MAX_ROWS["stops"] + 1)
    ]
    path = tmp_path / "county.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats}), "utf-8")
    code, out, seconds = _check(path)
    assert code == 2
    assert f"county.geojson features, row {MAX_ROWS['stops'] + 2}" in out
    assert seconds < 10.0


@pytest.mark.parametrize("separator", ["\t", ";"])
def test_tab_and_semicolon_separated_tables_read_like_csv(tmp_path: Path, separator: str) -> None:
    """Excel's tab-delimited .txt and semicolon "CSV" read to the same county as the CSV folder."""
    for src in GOOD.iterdir():
        text = src.read_text(encoding="utf-8")
        if src.stem == "stops":
            rows = [line.split(",") for line in text.splitlines()]
            # A list cell keeps its own separator; quote nothing else.
            text = "\n".join(separator.join(cells) for cells in rows) + "\n"
            (tmp_path / "stops.txt").write_text(text, encoding="gb18030")
        else:
            (tmp_path / src.name).write_text(text, encoding="utf-8")
    assert read_instance(tmp_path).stops == read_instance(GOOD).stops
