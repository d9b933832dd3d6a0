"""With ``--lang zh`` every input problem reads in Chinese, the "expected" part included.

One bad input per kind of problem the county readers report, and one broken
file of each benchmark format (OR-Library cap and p-median, Holmberg, Kim,
VRPLIB, E-VRPTW, PVRP-IF, OSeMOSYS, a bench set name), goes through the
command line; the text after "应为" may hold quoted values, column and table
names, stream/kind/fuel codes, units and format names, but no English prose.
The same inputs in English must fail the check, so the test can bite.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from workbook_mutations import base_book, write_book

from optimizer.cli import main
from optimizer.io.cells import MAX_ROWS
from optimizer.io.columns import TABLE_COLUMNS
from optimizer.model import Fuel, SiteKind, Stream

GOOD = Path(__file__).resolve().parents[1] / "data" / "workbook" / "good"
VRPLIB_BAD = Path(__file__).resolve().parent / "vrplib_bad"
_EVRPTW = (
    b"StringID Type x y demand ReadyTime DueDate ServiceTime\n"
    b"D0 d 40 50 0 0 1236 0\nC1 c 41 51 1 abc 10 0\nC2 x 1 2\n"
)
_PVRPIF = json.dumps(
    {
        "type": "FeatureCollection",
        "info": {"planningHorizon": "x"},
        "duration": [[0]],
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [9.1, 45.4]},
                "properties": {"id": 0, "type": "castle"},
            }
        ],
    }
).encode()

#: Words that may stand in a Chinese message: identifiers users type, codes, units, formats.
ALLOWED = (
    {w for cols in TABLE_COLUMNS.values() for c in cols for w in re.split(r"[_\W]+", c.name)}
    | set(TABLE_COLUMNS)
    | {m.value for e in (Stream, SiteKind, Fuel) for m in e}
    | {"build", "options", "kg", "km", "m", "s", "t", "h", "d", "MB", "HH", "MM", "SS"}
    | {
        "CSV",
        "csv",
        "UTF",
        "GB",
        "GBK",
        "GB18030",
        "format",
        "location",
        "stop_id",
        "Excel",
        "xlsx",
        "xls",
        "json",
        "geojson",
        "JSON",
    }
    | {"GeoJSON", "FeatureCollection", "Point", "feature", "countyopt", "instance", "null"}
    | {"VRPLIB", "vrp", "vrptw", "VRPTW", "E", "Kim"}  # benchmark format names
    | {"OSeMOSYS", "MathProg", "otoole", "PVRP", "IF"}
    | {"yes", "no", "true", "false", "wgs84", "gcj02", "planar", "coord_sys", "seq"}
    | {"vehicle", "type", "stop", "ids", "start_s", "end_s", "distance_m", "duration_s"}
)
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")


def _folder(tmp: Path, edits: dict[str, Callable[[str], str] | None]) -> Path:
    folder = tmp / "county"
    shutil.copytree(GOOD, folder)
    for name, edit in edits.items():
        path = folder / name
        if edit is None:
            path.unlink()
        else:
            old = path.read_text(encoding="utf-8") if path.exists() else ""
            path.write_text(edit(old), encoding="utf-8")
    return folder


def _sub(old: str, new: str) -> Callable[[str], str]:
    def edit(text: str) -> str:
        assert old in text, old
        return text.replace(old, new)

    return edit


def _const(text: str) -> Callable[[str], str]:
    return lambda _: text


_STOPS = {
    "bad_number": _sub(",120,", ",abc,"),
    "huge_number": _sub(",120,", ",1e300,"),
    "bad_time": _sub("06:00", "7.30"),
    "time_past_48h": _sub("09:00", "999:00"),
    "date_for_time": _sub("06:00", "2024-05-01"),
    "unknown_stream": _sub("kitchen,120", "construction,120"),
    "half_window": _sub("06:00,09:00", "06:00,"),
    "window_backwards": _sub("06:00,09:00", "09:00,06:00"),
    "duplicate_id": _sub("S2,", "S1,"),
    "empty_id": _sub("S2,", ","),
    "control_character": _sub("S2,", "S\x1b2,"),
    "long_row": _sub(",urban\nS2", ",urban,x,y\nS2"),
    "bad_quote": _sub("S2,", '"S2,'),
    "huge_cell": _sub("东门小区", "x" * 200_000),
    "duplicate_header": _sub("id,name", "id,编号"),
    "missing_column": _sub("id,name,lat,", "id,name,"),
    "empty_file": _const(""),
    "too_many_rows": lambda t: (
        t + "".join(f"X{k},n,34.8,114.3,other,1,,,,\n" for k in range(MAX_ROWS["stops"]))
    ),
}
_VEHICLES = {
    "not_whole": _sub("C8,2,", "C8,2.5,"),
    "unknown_fuel": _sub("diesel", "steam"),
    "unknown_depot": _sub(",D,", ",NOPE,"),
    "depot_not_depot": _sub(",D,", ",T,"),
    "duplicate_type": lambda t: t + t.splitlines()[1] + "\n",
    "zero_break": _sub(",30\n", ",0\n"),
    "no_shift": _sub("05:30,14:00", ","),
}
_SITES = {
    "unknown_kind": _sub("transfer", "castle"),
    "bad_flag": lambda t: (
        t.replace("capacity_t_per_day\n", "capacity_t_per_day,candidate\n")
        .replace(",150\n", ",150,maybe\n")
        .replace(",,,,,\n", ",,,,,,no\n")
    ),
}


def _cases() -> dict[str, Callable[[Path], list[str]]]:
    cases: dict[str, Callable[[Path], list[str]]] = {}
    for table, edits in (("stops", _STOPS), ("vehicles", _VEHICLES), ("sites", _SITES)):
        for name, edit in edits.items():
            cases[name] = lambda tmp, table=table, edit=edit: [
                "check",
                str(_folder(tmp, {f"{table}.csv": edit})),
            ]
    matrix = "from,to,distance_m,duration_s\nD,T,100,10\nD,T,100,10\nD,ZZ,1,1\n"
    cases |= {
        "binary_csv": lambda tmp: ["check", str(_binary(tmp))],
        "missing_table": lambda tmp: ["check", str(_folder(tmp, {"vehicles.csv": None}))],
        "two_files": lambda tmp: [
            "check",
            str(_folder(tmp, {"收集点.csv": _const((GOOD / "stops.csv").read_text("utf-8"))})),
        ],
        "bad_setting": lambda tmp: [
            "check",
            str(_folder(tmp, {"settings.csv": _const("key,value\ncoord_sys,utm\n")})),
        ],
        "planar_without_matrix": lambda tmp: [
            "check",
            str(_folder(tmp, {"settings.csv": _const("key,value\ncoord_sys,planar\n")})),
        ],
        "matrix_file_missing": lambda tmp: [
            "check",
            str(_folder(tmp, {"settings.csv": _const("key,value\nmatrix,none.csv\n")})),
        ],
        "matrix_rows": lambda tmp: [
            "check",
            str(_folder(tmp, {"matrix.csv": _const(matrix)})),
        ],
        "build_option_site": lambda tmp: [
            "check",
            str(
                _folder(
                    tmp,
                    {
                        "build_options.csv": _const(
                            "site,size_class,capacity_t_per_day,capital_cost_yuan\nNOPE,S,50,1\n"
                        )
                    },
                )
            ),
        ],
        "damaged_xlsx": lambda tmp: ["check", str(_write(tmp / "bad.xlsx", b"PK\x03\x04junk"))],
        "missing_sheet": lambda tmp: ["check", str(_xlsx_without_vehicles(tmp))],
        "old_xls": lambda tmp: ["check", str(_write(tmp / "county.xls", b"\xd0\xcf\x11\xe0"))],
        "bad_json": lambda tmp: ["check", str(_write(tmp / "c.json", b"{"))],
        "wrong_json": lambda tmp: ["check", str(_write(tmp / "c.json", b'{"format": "x"}'))],
        "json_fields": lambda tmp: ["check", str(_json_with_bad_fields(tmp))],
        "not_geojson": lambda tmp: ["check", str(_write(tmp / "c.geojson", b"{}"))],
        "geojson_geometry": lambda tmp: ["check", str(_bad_geometry(tmp))],
        "initial_routes": lambda tmp: [
            "route",
            str(GOOD),
            "--out",
            str(tmp / "out"),
            "--initial",
            str(_write(tmp / "today.csv", b"vehicle,seq\nA,x\n")),
        ],
        # Benchmark readers: one broken file of each format.
        "orlib_cap": lambda tmp: [
            "site",
            str(_write(tmp / "cap41.txt", b"2 1\n10 5\n10 x\n4 8 3\n")),
            "--out",
            str(tmp / "out"),
        ],
        "orlib_pmed": lambda tmp: [
            "site",
            str(_write(tmp / "pmed1.txt", b"3 1 1\n1 2 5\n")),
            "--out",
            str(tmp / "out"),
        ],
        "holmberg": lambda tmp: [
            "site",
            str(_write(tmp / "p1", b"2 1\n10 x\n")),
            "--out",
            str(tmp / "out"),
        ],
        "kim": lambda tmp: [
            "check",
            str(_write(tmp / "kim.txt", b"0\n-1\n5\n1800\n40\nhead\n1 0 0 0800 1700 0 0 7\n")),
        ],
        "vrplib": lambda tmp: ["check", str(VRPLIB_BAD / "DimensionNotANumber.vrp")],
        "vrplib_section": lambda tmp: ["check", str(VRPLIB_BAD / "UnsupportedSection.vrp")],
        "evrptw": lambda tmp: ["check", str(_write(tmp / "e.txt", _EVRPTW))],
        "pvrpif": lambda tmp: [
            "week",
            str(_write(tmp / "w.geojson", _PVRPIF)),
            "--out",
            str(tmp / "o"),
        ],
        "osemosys": lambda tmp: [
            "carbon",
            str(_write(tmp / "model.txt", b"param X := garbage ;;; end\n")),
            "--out",
            str(tmp / "out"),
        ],
        "bench_set": lambda tmp: ["bench", "no_such_set", "--out", str(tmp / "out")],
        "unwritable_out": lambda tmp: [
            "route",
            str(GOOD),
            "--out",
            str(_write(tmp / "file", b"x") / "sub"),
        ],
    }
    return cases


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _binary(tmp: Path) -> Path:
    folder = _folder(tmp, {})
    text = (folder / "stops.csv").read_text("utf-8")
    (folder / "stops.csv").write_bytes(text.encode("utf-16"))
    return folder


def _xlsx_without_vehicles(tmp: Path) -> Path:
    book = base_book("good", "xlsx")
    del book.tables["vehicles"]
    return write_book(book, tmp)


def _json_with_bad_fields(tmp: Path) -> Path:
    from optimizer.io.instance_json import to_dict
    from optimizer.io.load import read_instance

    doc = to_dict(read_instance(GOOD))
    doc["stops"][0]["demand_kg"] = "many"
    doc["stops"][1]["stream"] = "construction"
    del doc["vehicle_types"][0]["capacity_kg"]
    return _write(tmp / "c.json", json.dumps(doc).encode())


def _bad_geometry(tmp: Path) -> Path:
    doc = {"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": None}]}
    return _write(tmp / "c.geojson", json.dumps(doc).encode())


CASES = _cases()


def _expected_parts(output: str, marker: str) -> list[str]:
    return [line.split(marker, 1)[1] for line in output.splitlines() if marker in line]


def _prose(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z][A-Za-z0-9]*", _QUOTED.sub("", text))) - ALLOWED


@pytest.mark.parametrize("case", sorted(CASES))
def test_chinese_messages_carry_no_english_expected_text(case: str, tmp_path: Path) -> None:
    """Each kind of bad input, reported with --lang zh, says what is expected in Chinese."""
    args = CASES[case](tmp_path)
    zh = CliRunner().invoke(main, ["--lang", "zh", *args])
    assert zh.exit_code == 2, zh.output
    parts = _expected_parts(zh.output, "；应为 ")
    assert parts, zh.output
    for part in parts:
        assert not _prose(part), (case, part)
    en = CliRunner().invoke(main, ["--lang", "en", *args])
    english = _expected_parts(en.output, "; expected ")
    assert english and any(_prose(part) for part in english), en.output


@pytest.mark.parametrize("command", ["check", "route"])
def test_instance_problems_are_chinese_under_lang_zh(command: str, tmp_path: Path) -> None:
    """A county that reads but breaks a model rule is explained in Chinese with --lang zh."""
    book = _folder(tmp_path, {})
    vehicles = book / "vehicles.csv"
    text = vehicles.read_text(encoding="utf-8")
    vehicles.write_text(text.replace("10:30,12:00,30", "13:30,14:00,30"), encoding="utf-8")
    args = [command, str(book)] + (["--out", str(tmp_path / "out")] if command == "route" else [])
    zh = CliRunner().invoke(main, ["--lang", "zh", *args])
    assert zh.exit_code == 2, zh.output
    assert "休息时间窗超出班次" in zh.output
    assert "break window" not in zh.output
    en = CliRunner().invoke(main, ["--lang", "en", *args])
    assert "break window lies outside the shift" in en.output
