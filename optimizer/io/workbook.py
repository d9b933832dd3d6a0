"""The county workbook: a folder of CSV files or one Excel file (see DESIGN.md).

Tables ``stops``, ``sites`` and ``vehicles`` are required; ``build_options``,
``settings`` and ``matrix`` are optional. Headers and values may be English
or Chinese (:mod:`optimizer.io.columns`). CSV files may be UTF-8 (with or
without BOM) or GB18030/GBK as Excel exports them on Chinese Windows.

Reading lists every bad cell at once in an :class:`InputError`.
:func:`parse_tables` does the work on tables of text; :func:`read_workbook`
only gets the text out of files. :func:`write_workbook` writes what
:func:`read_workbook` reads back to an equal instance, apart from the
provenance keys in :data:`READER_META_KEYS`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd

from optimizer.coords import records_to_wgs84
from optimizer.distances import DEFAULT_CIRCUITY, DEFAULT_SPEED_KMH, great_circle_matrix
from optimizer.i18n import Lang, Text
from optimizer.io.atomic import atomic_path, write_folder_atomic
from optimizer.io.cells import (
    MAX_CSV_BYTES,
    MAX_ROWS,
    Row,
    Table,
    cell_text,
    decode,
    format_number,
    locate_columns,
    parse_csv,
    rows_of,
    table_from_rows,
    too_many_rows,
)
from optimizer.io.columns import (
    FUEL_ZH,
    REQUIRED_TABLES,
    TABLE_COLUMNS,
    TABLE_ZH,
    column,
    fuel_of,
    header,
    kind_of,
    stream_of,
    table_of,
    valid_names,
)
from optimizer.io.errors import InputError, InputProblem
from optimizer.io.matrix_csv import parse_matrix, read_matrix_table
from optimizer.model import (
    SITE_KIND_ZH,
    STREAM_ZH,
    Break,
    BuildOption,
    Fuel,
    Instance,
    ModelError,
    Site,
    SiteKind,
    Stop,
    Stream,
    TimeWindow,
    TravelMatrix,
    VehicleType,
)
from optimizer.timefmt import format_clock

#: Meta keys the reader sets to say how it read the input; never written back.
READER_META_KEYS = frozenset({"input_format", "input_encoding", "travel_source", "headers_lang"})
#: Settings with a meaning to the reader; any other key goes to ``Instance.meta``.
COORD_SYSTEMS = ("wgs84", "gcj02", "planar")
# Share of the battery an electric truck keeps in reserve when the workbook
# gives none. An assumption (no standard sets it): operators commonly avoid
# running traction batteries below 10-20 % state of charge.
DEFAULT_RESERVE_PCT = 10.0
_R = TypeVar("_R")


# --- reading files into tables --------------------------------------------


def _read_csv_file(path: Path, name: str, problems: list[InputProblem]) -> Table | None:
    size = path.stat().st_size
    if size > MAX_CSV_BYTES:
        problems.append(
            InputProblem(
                path.name,
                None,
                "",
                f"{size:,} bytes",
                Text(
                    f"a CSV file of at most {MAX_CSV_BYTES // 2**20} MB",
                    f"不超过 {MAX_CSV_BYTES // 2**20} MB 的 CSV 文件",
                ),
            )
        )
        return None
    decoded = decode(path.read_bytes(), path.name, problems)
    if decoded is None:
        return None
    try:
        return parse_csv(decoded[0], name=name, file=path.name, encoding=decoded[1])
    except InputError as err:
        problems.extend(err.problems)
        return None


def _read_folder(folder: Path, problems: list[InputProblem]) -> dict[str, Table]:
    tables: dict[str, Table] = {}
    for path in sorted(folder.iterdir()):
        name = table_of(path.stem)
        if name is None or path.suffix.lower() not in (".csv", ".txt") or not path.is_file():
            continue
        if name in tables:
            problems.append(
                InputProblem(
                    path.name,
                    None,
                    "",
                    "",
                    Text(
                        f"one file for table {name!r}, found two",
                        f"{TABLE_ZH[name]}表只能有一个文件，找到了两个",
                    ),
                )
            )
            continue
        table = _read_csv_file(path, name, problems)
        if table is not None:
            tables[name] = table
    return tables


#: Largest .xlsx file, and the most its parts may unpack to: a workbook of
#: 5,000 stops takes a few MB; anything far bigger is a zip bomb or not a county.
MAX_XLSX_BYTES = 64 * 2**20
MAX_XLSX_UNPACKED = 256 * 2**20
_MAX_XLSX_PARTS = 10_000
#: Excel's first day (serial 1 is 1900-01-01); a date-time before 1900-03-01 is
#: a duration or a time past 24:00 typed into a cell formatted [h]:mm.
_EXCEL_DAYS_END = dt.datetime(1900, 3, 1)


def _excel_cell(value: Any) -> str:
    # Cells typed by Excel come back as Python objects; turn them into the
    # text a user would have typed so that one parser handles both formats.
    if isinstance(value, dt.datetime):
        if value < _EXCEL_DAYS_END:
            from openpyxl.utils.datetime import to_excel

            return format_clock(round(float(to_excel(value)) * 86400), exact=True)
        if value.time() == dt.time(0):
            return value.date().isoformat()
        clock = value.hour * 3600 + value.minute * 60 + value.second
        return f"{value.date().isoformat()} {format_clock(clock, exact=True)}"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return format_clock(value.hour * 3600 + value.minute * 60 + value.second, exact=True)
    if isinstance(value, dt.timedelta):
        return format_clock(round(value.total_seconds()), exact=True)
    return cell_text(value)


def _damaged(path: Path) -> InputProblem:
    return InputProblem(
        path.name,
        None,
        "",
        "",
        Text(
            "an Excel .xlsx file that Excel can open; this one is damaged or not .xlsx",
            "Excel 能打开的 .xlsx 文件；此文件已损坏或不是 .xlsx 格式",
        ),
    )


def _xlsx_size_problem(path: Path) -> InputProblem | None:
    """Return a problem if the .xlsx is too big or unpacks to too much (a zip bomb)."""
    import zipfile

    size = path.stat().st_size
    if size > MAX_XLSX_BYTES:
        limit = MAX_XLSX_BYTES // 2**20
        return InputProblem(
            path.name,
            None,
            "",
            f"{size:,} bytes",
            Text(
                f"an .xlsx file of at most {limit} MB (save big tables as CSV files)",
                f"不超过 {limit} MB 的 .xlsx 文件（大表请另存为 CSV 文件）",
            ),
        )
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    # A flipped bit in a header also gives NotImplementedError ("zip file version").
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        return _damaged(path)
    # Reading never inflates a part past the size its header declares, so the
    # declared sizes bound the work before any XML is parsed.
    unpacked = sum(p.file_size for p in parts)
    if len(parts) > _MAX_XLSX_PARTS or unpacked > MAX_XLSX_UNPACKED:
        limit = MAX_XLSX_UNPACKED // 2**20
        return InputProblem(
            path.name,
            None,
            "",
            f"{unpacked:,} bytes",
            Text(
                f"an .xlsx file whose parts unpack to at most {limit} MB "
                "(this one is a zip bomb or far bigger than a county workbook)",
                f"解压后不超过 {limit} MB 的 .xlsx 文件（此文件是压缩炸弹或远大于县域工作簿）",
            ),
        )
    return None


_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\s[^>]*?ref=\"([A-Z]+[0-9]+):([A-Z]+[0-9]+)\"")


def _merged_ranges(book: Any, sheet: Any) -> list[tuple[int, int, int, int]]:
    """Return the merged ranges of a read-only sheet as 0-based (row0, col0, row1, col1)."""
    from openpyxl.utils.cell import coordinate_to_tuple

    found: list[tuple[int, int, int, int]] = []
    tail = b""
    with book._archive.open(sheet._worksheet_path) as src:
        while chunk := src.read(1 << 20):
            data = tail + chunk
            for m in _MERGE.finditer(data):
                r0, c0 = coordinate_to_tuple(m.group(1).decode())
                r1, c1 = coordinate_to_tuple(m.group(2).decode())
                found.append((r0 - 1, c0 - 1, r1 - 1, c1 - 1))
            tail = data[-200:] if not _MERGE.search(data[-200:]) else b""
    return found


def _fill_merged(values: list[list[str]], ranges: list[tuple[int, int, int, int]]) -> None:
    # A merged cell (合并单元格) means its value for every cell it covers,
    # as the user sees it; Excel stores the value in the first cell only.
    for r0, c0, r1, c1 in ranges:
        if r0 >= len(values) or c0 >= len(values[r0]):
            continue
        value = values[r0][c0]
        for r in range(r0, min(r1, len(values) - 1) + 1):
            row = values[r]
            for c in range(c0, min(c1, len(row) - 1) + 1):
                row[c] = value


def _sheet_values(book: Any, sheet: Any, name: str, file: str) -> list[list[str]]:
    # Excel's stored dimension can claim a million rows and 16,384 columns;
    # read only the cells the sheet holds.
    sheet.reset_dimensions()
    values: list[list[str]] = []
    filled = 0
    cap = MAX_ROWS.get(name)
    for row in sheet.iter_rows(values_only=True):
        cells = [_excel_cell(v) for v in row]
        while cells and not cells[-1].strip():
            cells.pop()
        values.append(cells)
        if cells:
            filled += 1
            # Enough rows read for the table to hold more than ``cap`` data
            # rows below any titles: the table reports the exact row.
            if cap is not None and filled > cap + 12:
                break
    _fill_merged(values, _merged_ranges(book, sheet))
    return values


def _read_xlsx(path: Path, problems: list[InputProblem]) -> dict[str, Table]:
    import openpyxl

    refused = _xlsx_size_problem(path)
    if refused is not None:
        problems.append(refused)
        return {}
    tables: dict[str, Table] = {}
    try:
        # Our own handle: openpyxl leaves its file open when the archive is damaged.
        with path.open("rb") as handle:
            book = openpyxl.load_workbook(handle, read_only=True, data_only=True)
            try:
                for sheet in book.worksheets:
                    name = table_of(sheet.title)
                    if name is None:
                        continue
                    file = f"{path.name}[{sheet.title}]"
                    if name in tables:
                        problems.append(
                            InputProblem(
                                file,
                                None,
                                "",
                                "",
                                Text(
                                    f"one sheet for table {name!r}, found two",
                                    f"{TABLE_ZH[name]}表只能有一个工作表，找到了两个",
                                ),
                            )
                        )
                        continue
                    try:
                        values = _sheet_values(book, sheet, name, file)
                        tables[name] = table_from_rows(
                            values, name=name, file=file, encoding="xlsx"
                        )
                    except InputError as err:
                        problems.extend(err.problems)
            finally:
                book.close()
    except MemoryError:
        raise
    # openpyxl raises whatever its zip and XML layers raise on a damaged file
    # (BadZipFile, zlib.error, ParseError, KeyError, IndexError, TypeError, ...):
    # every one of them means the file, not the program, is broken.
    except Exception:
        problems.append(_damaged(path))
        return {}
    return tables


def read_tables(path: str | Path) -> dict[str, Table]:
    """Return the tables of a workbook folder or .xlsx file, as text.

    Raises
    ------
    InputError
        If a required table is missing, a file is empty or cannot be decoded.

    """
    src = Path(path)
    problems: list[InputProblem] = []
    if src.is_dir():
        tables = _read_folder(src, problems)
        where = "folder"
    elif src.suffix.lower() in (".xlsx", ".xlsm"):
        if not src.exists():
            raise InputError(
                [InputProblem(src.name, None, "", "", Text("an existing file", "存在的文件"))]
            )
        tables = _read_xlsx(src, problems)
        where = "sheet"
    else:
        raise InputError(
            [
                InputProblem(
                    str(src),
                    None,
                    "",
                    "",
                    Text(
                        "a workbook folder of CSV files or an .xlsx file",
                        "由 CSV 文件组成的工作簿文件夹或 .xlsx 文件",
                    ),
                )
            ]
        )
    reported = {p.file for p in problems}
    if src.name in reported:
        raise InputError(problems)  # the workbook as a whole is unreadable
    for name in REQUIRED_TABLES:
        if name not in tables and not any(name in f or TABLE_ZH[name] in f for f in reported):
            zh = TABLE_ZH[name]
            wanted = (
                Text(
                    f"a file {name}.csv (or {zh}.csv) in the folder",
                    f"文件夹中的文件 {name}.csv（或 {zh}.csv）",
                )
                if where == "folder"
                else Text(
                    f"a sheet named {name!r} (or {zh!r})", f"名为 {name!r}（或 {zh!r}）的工作表"
                )
            )
            problems.append(InputProblem(src.name, None, "", "", wanted))
    if problems:
        raise InputError(problems)
    return tables


def read_workbook(path: str | Path, *, coord_sys: str | None = None) -> Instance:
    """Read a county workbook (folder of CSV files or .xlsx) into an instance.

    Parameters
    ----------
    path
        The folder or Excel file.
    coord_sys
        ``"wgs84"`` or ``"gcj02"`` (converted to WGS-84 on read); overrides
        the workbook's ``coord_sys`` setting.

    Raises
    ------
    InputError
        Listing every problem found, each with file, row, column and value.

    """
    src = Path(path)
    tables = read_tables(src)
    settings = _settings_values(tables.get("settings"))
    matrix_file = settings.get("matrix", "").strip()
    if matrix_file and "matrix" not in tables:
        base = src if src.is_dir() else src.parent
        tables["matrix"] = read_matrix_table(base / matrix_file)
    encodings = {t.encoding for t in tables.values()}
    if len(encodings) == 1:
        encoding = encodings.pop()
    else:
        encoding = "; ".join(f"{t.file}: {t.encoding}" for t in tables.values())
    meta = {
        "input_format": "xlsx" if src.is_file() else "csv",
    }
    if encoding != "xlsx":
        meta["input_encoding"] = encoding
    name = src.stem if src.is_file() else src.name
    return parse_tables(tables, name=name, coord_sys=coord_sys, meta=meta)


# --- tables to records ------------------------------------------------------


def _settings_values(table: Table | None) -> dict[str, str]:
    if table is None:
        return {}
    return {
        r[0].strip(): r[1].strip() if len(r) > 1 else "" for r in table.rows if r and r[0].strip()
    }


def _one_of(names: str) -> Text:
    return Text(f"one of {names}", f"以下之一：{names}")


def _stream(row: Row, name: str, text: str) -> Stream | None:
    stream = stream_of(text)
    if stream is None:
        row.report(name, text, _one_of(valid_names(list(Stream), STREAM_ZH)))
    return stream


def _streams(row: Row, name: str) -> frozenset[Stream]:
    found = [_stream(row, name, item) for item in row.items(name)]
    return frozenset(s for s in found if s is not None)


def _window(row: Row, start_col: str, end_col: str) -> TimeWindow | None:
    start, end = row.time(start_col), row.time(end_col)
    if start is None and end is None:
        return None
    if start is None or end is None:
        if row.text(start_col) and row.text(end_col):
            return None  # a bad time, already reported
        missing = end_col if start is not None else start_col
        row.report(
            missing,
            "",
            Text(
                f"both {start_col} and {end_col}, or neither",
                f"{start_col} 和 {end_col} 都填或都不填",
            ),
        )
        return None
    if end < start:
        row.report(
            end_col,
            row.text(end_col),
            Text(
                f"a time at or after {start_col} {format_clock(start, exact=True)} "
                "(a window past midnight ends at e.g. 26:00)",
                f"不早于 {start_col} {format_clock(start, exact=True)} 的时间"
                "（跨过午夜的时间窗写作如 26:00 结束）",
            ),
        )
        return None
    return TimeWindow(start, end)


def _build(row: Row, make: Callable[..., _R], fields: dict[str, Any]) -> _R | None:
    # Records validate themselves; a rule the cell checks missed still
    # reaches the user with the row it came from.
    if not row.ok or row.cols.missing:
        return None
    try:
        return make(**fields)
    except ModelError as err:
        row.report("id", row.text("id"), Text(f"a valid record ({err})", f"有效的记录（{err}）"))
        return None


@dataclass
class _Ids:
    """Location ids seen so far, with the file and row where each was first used."""

    first: dict[str, tuple[str, int]]

    def claim(self, row: Row, col: str, value: str) -> bool:
        if value in self.first:
            file, number = self.first[value]
            row.report(
                col,
                value,
                Text(
                    f"a unique id (already used in {file} row {number})",
                    f"不重复的编号（已用于 {file} 第 {number} 行）",
                ),
            )
            return False
        self.first[value] = (row.cols.table.file, row.row_no)
        return True


def _coords(row: Row, coord_sys: str) -> tuple[float | None, float | None]:
    if coord_sys == "planar":
        return row.number("lat", required=True), row.number("lon", required=True)
    lat = row.number("lat", required=True, low=-90, high=90, unit="degrees latitude")
    lon = row.number("lon", required=True, low=-180, high=180, unit="degrees longitude")
    return lat, lon


def _parse_stops(
    table: Table, ids: _Ids, coord_sys: str, problems: list[InputProblem]
) -> list[Stop]:
    cols = locate_columns(table, problems)
    stops: list[Stop] = []
    for row in rows_of(cols, problems):
        stop_id = row.required("id")
        if stop_id is not None:
            ids.claim(row, "id", stop_id)
        lat, lon = _coords(row, coord_sys)
        stream_text = row.required("stream")
        stream = _stream(row, "stream", stream_text) if stream_text else None
        demand = row.number("demand_kg", required=True, low=0, high=1e6, unit="kg")
        demand_m3 = row.number("demand_m3", low=0, high=1e4, unit="m3")
        service = row.seconds("service_min", per=60)
        window = _window(row, "tw_start", "tw_end")
        freq = row.integer("frequency_per_week", low=1, high=14)
        release = row.time("release")
        stop = _build(
            row,
            Stop,
            dict(
                id=stop_id or "",
                name=row.text("name"),
                lat=lat,
                lon=lon,
                stream=stream,
                demand_kg=demand,
                demand_m3=demand_m3 or 0.0,
                service_s=service or 0,
                window=window,
                frequency_per_week=7 if freq is None else freq,
                release_s=release or 0,
                area=row.text("area"),
                extra=row.extra(),
            ),
        )
        if stop is not None:
            stops.append(stop)
    if not stops and not any(p.file == table.file for p in problems):
        problems.append(
            InputProblem(
                table.file,
                2,
                "",
                "",
                Text(
                    "at least one stop (the table has no rows)", "至少一个收集点（表中没有数据行）"
                ),
            )
        )
    return stops


def _parse_sites(
    table: Table, ids: _Ids, coord_sys: str, problems: list[InputProblem]
) -> list[Site]:
    cols = locate_columns(table, problems)
    sites: list[Site] = []
    for row in rows_of(cols, problems):
        site_id = row.required("id")
        if site_id is not None:
            ids.claim(row, "id", site_id)
        kind_text = row.required("kind")
        kind = kind_of(kind_text) if kind_text else None
        if kind_text and kind is None:
            row.report("kind", kind_text, _one_of(valid_names(list(SiteKind), SITE_KIND_ZH)))
        lat, lon = _coords(row, coord_sys)
        streams = _streams(row, "streams")
        hours = _window(row, "open", "close")
        unload = row.seconds("unload_min", per=60)
        capacity = row.number("capacity_t_per_day", low=0, high=1e5, scale=3, unit="t/day")
        candidate = row.flag("candidate")
        charger_kw = row.number("charger_kw", low=0, low_open=True, high=1e4, unit="kW")
        chargers = row.integer("chargers", low=1, high=1000)
        if chargers is not None and charger_kw is None and row.ok:
            row.report(
                "chargers",
                row.text("chargers"),
                Text(
                    "a charger power in charger_kw as well (how fast the chargers charge)",
                    "同时填写充电功率 charger_kw（充电桩的功率）",
                ),
            )
        site = _build(
            row,
            Site,
            dict(
                id=site_id or "",
                name=row.text("name"),
                kind=kind,
                lat=lat,
                lon=lon,
                streams=streams,
                hours=hours,
                unload_s=unload or 0,
                capacity_kg_per_day=capacity,
                candidate=candidate,
                charger_kw=charger_kw,
                chargers=chargers,
                extra=row.extra(),
            ),
        )
        if site is not None:
            sites.append(site)
    if not sites and not any(p.file == table.file for p in problems):
        problems.append(
            InputProblem(
                table.file,
                2,
                "",
                "",
                Text(
                    "at least one site: a depot and the facilities",
                    "至少一个设施：车场和处理设施",
                ),
            )
        )
    return sites


def _parse_build_options(
    table: Table, site_ids: set[str], problems: list[InputProblem]
) -> dict[str, list[BuildOption]]:
    cols = locate_columns(table, problems)
    options: dict[str, list[BuildOption]] = {}
    for row in rows_of(cols, problems):
        site = row.required("site")
        if site is not None and site not in site_ids:
            row.report(
                "site", site, Text("the id of a site in the sites table", "设施表中某个设施的编号")
            )
        size = row.required("size_class")
        capacity = row.number(
            "capacity_t_per_day",
            required=True,
            low=0,
            low_open=True,
            high=1e5,
            scale=3,
            unit="t/day",
        )
        capital = row.number("capital_cost_yuan", required=True, low=0, high=1e12, unit="yuan")
        fixed = row.number("fixed_cost_yuan_per_year", low=0, high=1e11, unit="yuan/year")
        option = _build(
            row,
            BuildOption,
            dict(
                size_class=size or "",
                capacity_kg_per_day=capacity,
                capital_cost=capital,
                fixed_cost_per_year=fixed or 0.0,
            ),
        )
        if option is not None and site is not None:
            options.setdefault(site, []).append(option)
    return options


def _parse_vehicles(
    table: Table,
    site_ids: set[str],
    kinds: Mapping[str, SiteKind],
    problems: list[InputProblem],
) -> list[VehicleType]:
    cols = locate_columns(table, problems)
    types: list[VehicleType] = []
    seen: dict[str, int] = {}
    for row in rows_of(cols, problems):
        type_id = row.required("type")
        if type_id is not None:
            if type_id in seen:
                row.report(
                    "type",
                    type_id,
                    Text(
                        f"a unique vehicle type (already in row {seen[type_id]})",
                        f"不重复的车型（第 {seen[type_id]} 行已有）",
                    ),
                )
            seen.setdefault(type_id, row.row_no)
        count = row.integer("count", required=True, low=0, high=1000)
        depot = row.required("depot")
        if depot is not None:
            if depot not in site_ids:
                row.report(
                    "depot",
                    depot,
                    Text(
                        "the id of a site of kind depot in the sites table",
                        "设施表中类型为车场（depot）的设施编号",
                    ),
                )
            elif depot in kinds and kinds[depot] is not SiteKind.DEPOT:
                kind = kinds[depot]
                row.report(
                    "depot",
                    depot,
                    Text(
                        f"a site of kind depot (this one is {kind.value})",
                        f"类型为车场的设施（此设施是{SITE_KIND_ZH[kind]}）",
                    ),
                )
        streams = _streams(row, "streams") if row.required("streams") else frozenset()
        capacity = row.number(
            "capacity_kg", required=True, low=0, low_open=True, high=1e5, unit="kg"
        )
        capacity_m3 = row.number("capacity_m3", low=0, low_open=True, high=1000, unit="m3")
        fuel_text = row.required("fuel")
        fuel = fuel_of(fuel_text) if fuel_text else None
        if fuel_text and fuel is None:
            row.report("fuel", fuel_text, _one_of(valid_names(list(Fuel), FUEL_ZH)))
        range_m = row.number("range_km", low=0, low_open=True, high=1e4, scale=3, unit="km")
        battery = row.number("battery_kwh", low=0, low_open=True, high=1e4, unit="kWh")
        reserve = row.number("reserve_pct", low=0, high=90, unit="%")
        if battery is not None and fuel is not None and fuel is not Fuel.ELECTRIC:
            row.report(
                "battery_kwh",
                row.text("battery_kwh"),
                Text(
                    "empty unless fuel is electric (only electric trucks have a traction battery)",
                    "仅纯电动（electric）车型填写电池容量",
                ),
            )
        if reserve is not None and battery is None and row.ok:
            row.report(
                "reserve_pct",
                row.text("reserve_pct"),
                Text("a battery_kwh as well", "同时填写电池容量 battery_kwh"),
            )
        if battery is not None and reserve is None:
            reserve = DEFAULT_RESERVE_PCT
        shift = _window(row, "shift_start", "shift_end")
        if shift is None and row.ok:
            row.report(
                "shift_start",
                row.text("shift_start"),
                Text("a shift start and end, HH:MM", "上班和下班时间，HH:MM"),
            )
        brk = _break(row)
        max_stops = row.integer("max_stops", low=1, high=MAX_ROWS["stops"])
        max_load = row.number("max_load_kg_per_day", low=0, low_open=True, high=1e6, unit="kg")
        max_duration = row.seconds("max_shift_h", per=3600, low=0)
        speed = row.number("speed_factor", low=0.05, high=20)
        costs = [
            row.number(c, low=0, high=high, unit="yuan")
            for c, high in (("fixed_cost", 1e6), ("cost_per_km", 1e4), ("cost_per_h", 1e5))
        ]
        vt = _build(
            row,
            VehicleType,
            dict(
                id=type_id or "",
                count=count,
                depot=depot or "",
                streams=streams,
                capacity_kg=capacity,
                capacity_m3=capacity_m3,
                fuel=fuel,
                range_m=range_m,
                battery_kwh=battery,
                reserve_kwh=0.0 if battery is None else battery * (reserve or 0.0) / 100.0,
                shift=shift,
                break_=brk,
                max_stops=max_stops,
                max_load_kg_per_day=max_load,
                max_duration_s=max_duration,
                fixed_cost=costs[0] or 0.0,
                cost_per_km=costs[1] or 0.0,
                cost_per_h=costs[2] or 0.0,
                speed_factor=1.0 if speed is None else speed,
                name=row.text("name"),
                extra=row.extra(),
            ),
        )
        if vt is not None:
            types.append(vt)
    if not types and not any(p.file == table.file for p in problems):
        problems.append(
            InputProblem(table.file, 2, "", "", Text("at least one vehicle type", "至少一种车型"))
        )
    return types


def _break(row: Row) -> Break | None:
    given = [row.text(c) for c in ("break_start", "break_end", "break_min")]
    if not any(given):
        return None
    window = _window(row, "break_start", "break_end")
    minutes = row.seconds("break_min", per=60, required=True, low=0)
    if minutes is not None and minutes <= 0:
        row.report(
            "break_min",
            row.text("break_min"),
            Text("a break length > 0 minutes", "大于 0 分钟的休息时长"),
        )
        return None
    loaded = row.flag("break_loaded")
    if window is None or minutes is None:
        return None
    return Break(window, minutes, loaded=loaded)


def _parse_settings(
    table: Table | None, coord_sys: str | None, problems: list[InputProblem]
) -> tuple[dict[str, str], str, float, float]:
    meta: dict[str, str] = {}
    circuity, speed = DEFAULT_CIRCUITY, DEFAULT_SPEED_KMH
    if table is None:
        return meta, coord_sys or "wgs84", circuity, speed
    cols = locate_columns(table, problems)
    chosen = coord_sys
    for row in rows_of(cols, problems):
        key = row.text("key")
        value = row.text("value")
        if key == "coord_sys":
            if value.lower() not in COORD_SYSTEMS:
                row.report(
                    "value",
                    value,
                    Text("coord_sys wgs84, gcj02 or planar", "坐标系 wgs84、gcj02 或 planar"),
                )
            elif chosen is None:
                chosen = value.lower()
            continue
        if key == "circuity":
            circuity = row.number("value", low=1.0, high=10.0) or circuity
        elif key == "speed_kmh":
            speed = row.number("value", low=0, low_open=True, high=200, unit="km/h") or speed
        if key not in ("matrix",):
            meta[key] = value
    return meta, chosen or "wgs84", circuity, speed


def parse_tables(
    tables: Mapping[str, Table],
    *,
    name: str,
    coord_sys: str | None = None,
    meta: Mapping[str, str] | None = None,
) -> Instance:
    """Build an instance from workbook tables of text.

    Parameters
    ----------
    tables
        Tables by canonical name (``stops``, ``sites``, ``vehicles`` and the
        optional ``build_options``, ``settings``, ``matrix``).
    name
        Instance name unless the settings give one.
    coord_sys
        Overrides the ``coord_sys`` setting (``wgs84`` or ``gcj02``).
    meta
        Provenance to add to the instance's meta.

    Raises
    ------
    InputError
        Listing every problem found.

    """
    _check_row_counts(tables)
    problems: list[InputProblem] = []
    if coord_sys is not None and coord_sys not in COORD_SYSTEMS:
        problems.append(
            InputProblem(
                "--coord-sys",
                None,
                "",
                coord_sys,
                Text("wgs84, gcj02 or planar", "wgs84、gcj02 或 planar"),
            )
        )
        coord_sys = None
    settings, coord, circuity, speed = _parse_settings(tables.get("settings"), coord_sys, problems)
    ids = _Ids({})
    sites = _parse_sites(tables["sites"], ids, coord, problems) if "sites" in tables else []
    # Ids of site rows with other problems still count as known, so that a bad
    # cell in a site is not reported again as an unknown depot or site.
    site_ids = set(ids.first)
    stops = _parse_stops(tables["stops"], ids, coord, problems) if "stops" in tables else []
    if "build_options" in tables:
        options = _parse_build_options(tables["build_options"], site_ids, problems)
        sites = [_with_options(s, options[s.id]) if s.id in options else s for s in sites]
    types = (
        _parse_vehicles(tables["vehicles"], site_ids, {s.id: s.kind for s in sites}, problems)
        if "vehicles" in tables
        else []
    )
    out_meta = dict(settings)
    out_meta.pop("name", None)
    if "stops" in tables and any(_is_cjk(h) for h in tables["stops"].headers):
        # Route sheets follow the language the county wrote its workbook in.
        out_meta["headers_lang"] = "zh"
    if coord == "gcj02":
        sites, stops = records_to_wgs84(sites), records_to_wgs84(stops)
        out_meta["coord_sys"] = "wgs84"
        out_meta["coord_sys_input"] = "gcj02"
    elif coord == "planar" or "coord_sys" in settings:
        out_meta["coord_sys"] = coord
    travel: TravelMatrix | None = None
    located = [(s.id, s.lat, s.lon) for s in sites] + [(s.id, s.lat, s.lon) for s in stops]
    if "matrix" in tables:
        travel = parse_matrix(tables["matrix"], [p[0] for p in located], problems)
        out_meta["travel_source"] = "matrix"
    elif coord == "planar":
        problems.append(
            InputProblem(
                tables["stops"].file if "stops" in tables else name,
                None,
                "",
                "",
                Text(
                    "a matrix table: planar coordinates do not give road distances",
                    "距离矩阵表：平面坐标无法给出道路距离",
                ),
            )
        )
    else:
        out_meta["travel_source"] = "great_circle"
    if problems:
        raise InputError(problems)
    if travel is None:
        travel = great_circle_matrix(located, circuity=circuity, speed_kmh=speed)
    out_meta.update(meta or {})
    return Instance(
        name=settings.get("name") or name,
        stops=tuple(stops),
        sites=tuple(sites),
        vehicle_types=tuple(types),
        travel=travel,
        meta=out_meta,
    )


def _is_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _check_row_counts(tables: Mapping[str, Table]) -> None:
    """Raise InputError at the first row past ``MAX_ROWS`` of any table, before parsing.

    Readers of text tables stop at the limit themselves; this catches tables
    built from other sources (GeoJSON features) before the travel matrix,
    which grows with the square of the rows, is built.
    """
    for name, table in tables.items():
        cap = MAX_ROWS.get(name)
        if cap is None or len(table.rows) <= cap:
            continue
        filled = [k for k, r in enumerate(table.rows) if any(c.strip() for c in r)]
        if len(filled) > cap:
            k = filled[cap]
            row = table.numbers[k] if table.numbers else table.first_row + k
            raise InputError([too_many_rows(name, table.file, row)])


def _with_options(site: Site, options: list[BuildOption]) -> Site:
    return replace(site, build_options=tuple(options))


# --- writing ----------------------------------------------------------------


def _opt(value: float | None, *, scale: int = 0) -> str:
    return "" if value is None else format_number(value, scale=scale)


def _minutes(seconds: int | None, per: int = 60) -> str:
    if seconds is None:
        return ""
    return format_number(seconds / per) if seconds % per else str(seconds // per)


def _window_cells(window: TimeWindow | None) -> list[str]:
    return (
        ["", ""]
        if window is None
        else [format_clock(window.start, exact=True), format_clock(window.end, exact=True)]
    )


def _extras(records: Sequence[Stop | Site | VehicleType]) -> list[str]:
    keys: list[str] = []
    for rec in records:
        keys += [k for k in rec.extra if k not in keys]
    return keys


def _streams_text(streams: Iterable[Stream]) -> str:
    return ";".join(s.value for s in sorted(streams, key=list(Stream).index))


def _table_rows(instance: Instance) -> dict[str, tuple[list[str], list[list[str]]]]:
    """Return canonical headers and text rows of every table to write."""
    out: dict[str, tuple[list[str], list[list[str]]]] = {}
    stop_extra = _extras(instance.stops)
    out["stops"] = (
        [c.name for c in TABLE_COLUMNS["stops"]] + stop_extra,
        [
            [
                s.id,
                s.name,
                repr(float(s.lat)),
                repr(float(s.lon)),
                s.stream.value,
                format_number(s.demand_kg),
                format_number(s.demand_m3),
                _minutes(s.service_s),
                *_window_cells(s.window),
                str(s.frequency_per_week),
                format_clock(s.release_s, exact=True) if s.release_s else "",
                s.area,
            ]
            + [s.extra.get(k, "") for k in stop_extra]
            for s in instance.stops
        ],
    )
    site_extra = _extras(instance.sites)
    out["sites"] = (
        [c.name for c in TABLE_COLUMNS["sites"]] + site_extra,
        [
            [
                s.id,
                s.name,
                s.kind.value,
                repr(float(s.lat)),
                repr(float(s.lon)),
                _streams_text(s.streams),
                *_window_cells(s.hours),
                _minutes(s.unload_s),
                _opt(s.capacity_kg_per_day, scale=-3),
                "yes" if s.candidate else "no",
                _opt(s.charger_kw),
                "" if s.chargers is None else str(s.chargers),
            ]
            + [s.extra.get(k, "") for k in site_extra]
            for s in instance.sites
        ],
    )
    vt_extra = _extras(instance.vehicle_types)
    out["vehicles"] = (
        [c.name for c in TABLE_COLUMNS["vehicles"]] + vt_extra,
        [
            [
                v.id,
                v.name,
                str(v.count),
                v.depot,
                _streams_text(v.streams),
                format_number(v.capacity_kg),
                _opt(v.capacity_m3),
                v.fuel.value,
                _opt(v.range_m, scale=-3),
                format_clock(v.shift.start, exact=True),
                format_clock(v.shift.end, exact=True),
                *_window_cells(None if v.break_ is None else v.break_.window),
                "" if v.break_ is None else _minutes(v.break_.duration_s),
                "yes" if v.break_ is not None and v.break_.loaded else "",
                "" if v.max_stops is None else str(v.max_stops),
                _opt(v.max_load_kg_per_day),
                _minutes(v.max_duration_s, 3600),
                format_number(v.speed_factor),
                format_number(v.fixed_cost),
                format_number(v.cost_per_km),
                format_number(v.cost_per_h),
                _opt(v.battery_kwh),
                ""
                if v.battery_kwh is None
                else format_number(100.0 * v.reserve_kwh / v.battery_kwh),
            ]
            + [v.extra.get(k, "") for k in vt_extra]
            for v in instance.vehicle_types
        ],
    )
    options = [
        [
            s.id,
            o.size_class,
            format_number(o.capacity_kg_per_day, scale=-3),
            format_number(o.capital_cost),
            format_number(o.fixed_cost_per_year),
        ]
        for s in instance.sites
        for o in s.build_options
    ]
    if options:
        out["build_options"] = ([c.name for c in TABLE_COLUMNS["build_options"]], options)
    settings = [["name", instance.name]] + [
        [k, v] for k, v in instance.meta.items() if k not in READER_META_KEYS
    ]
    out["settings"] = (["key", "value"], settings)
    if _needs_matrix(instance):
        t = instance.travel
        out["matrix"] = (
            [c.name for c in TABLE_COLUMNS["matrix"]],
            [
                [a, b, repr(float(t.distance_m[i, j])), repr(float(t.duration_s[i, j]))]
                for i, a in enumerate(t.ids)
                for j, b in enumerate(t.ids)
            ],
        )
    return out


def _needs_matrix(instance: Instance) -> bool:
    """Return whether the reader could not recompute the instance's travel matrix."""
    if instance.coord_sys != "wgs84":
        return True
    try:
        circuity = float(instance.meta.get("circuity", DEFAULT_CIRCUITY))
        speed = float(instance.meta.get("speed_kmh", DEFAULT_SPEED_KMH))
        where = {s.id: (s.lat, s.lon) for s in instance.sites}
        where.update({s.id: (s.lat, s.lon) for s in instance.stops})
        points = [(i, *where[i]) for i in instance.travel.ids]
        return great_circle_matrix(points, circuity=circuity, speed_kmh=speed) != instance.travel
    except (KeyError, ValueError):
        return True


def _zh_streams(text: str) -> str:
    return "、".join(STREAM_ZH[Stream(v)] for v in text.split(";") if v)


#: Cells shown in Chinese when writing with lang="zh": (table, column) -> translation.
_ZH_CELLS: Mapping[tuple[str, str], Callable[[str], str]] = {
    ("stops", "stream"): lambda v: STREAM_ZH[Stream(v)],
    ("sites", "kind"): lambda v: SITE_KIND_ZH[SiteKind(v)],
    ("sites", "streams"): _zh_streams,
    ("sites", "candidate"): lambda v: "是" if v == "yes" else "否",
    ("vehicles", "break_loaded"): lambda v: "是" if v == "yes" else "",
    ("vehicles", "streams"): _zh_streams,
    ("vehicles", "fuel"): lambda v: FUEL_ZH[Fuel(v)],
}


def _translate(
    table: str, headers: list[str], rows: list[list[str]], lang: Lang
) -> tuple[list[str], list[list[str]]]:
    if lang != "zh":
        return headers, rows
    known = {c.name for c in TABLE_COLUMNS[table]}
    heads = [header(table, h, lang) if h in known else h for h in headers]
    zh = [(k, _ZH_CELLS[table, h]) for k, h in enumerate(headers) if (table, h) in _ZH_CELLS]
    out = []
    for row in rows:
        cells = list(row)
        for k, translate in zh:
            if cells[k]:
                cells[k] = translate(cells[k])
        out.append(cells)
    return heads, out


def workbook_tables(
    instance: Instance, *, lang: Lang = "en"
) -> dict[str, tuple[list[str], list[list[str]]]]:
    """Return the workbook tables of ``instance``: headers and text rows, by table name."""
    return {
        name: _translate(name, heads, rows, lang)
        for name, (heads, rows) in _table_rows(instance).items()
    }


def typed_cell(table: str, head: str, text: str) -> Any:
    """Return a cell as a number if its column is numeric, None if empty, else the text."""
    # Numbers go to Excel and GeoJSON as numbers so that users can compute with them.
    if not text:
        return None
    try:
        col = column(table, head)
    except KeyError:
        return text
    if not col.numeric:
        return text
    number = float(text)
    if number.is_integer() and "." not in text and abs(number) < 2**53:
        return int(number)
    # A number cell must give back the very decimal written (tonnes from kg may need
    # more digits than a float keeps), and Excel keeps only 15 significant digits:
    # anything else stays text so that it reads back exactly.
    exact = (
        Decimal(repr(number)) == Decimal(text)
        and float(f"{number:.15g}") == number
        and (number == 0 or 1e-300 < abs(number) < 1e300)
    )
    return number if exact else text


def write_workbook(instance: Instance, path: str | Path, *, lang: Lang = "en") -> None:
    """Write ``instance`` as a county workbook that :func:`read_workbook` reads back.

    Parameters
    ----------
    instance
        The instance to write.
    path
        A folder (one UTF-8 CSV file per table, with BOM so Excel shows
        Chinese correctly) or an ``.xlsx`` file (one sheet per table).
        Written atomically; other files in the folder are kept.
    lang
        ``"zh"`` writes Chinese headers, stream names and sheet names.

    """
    target = Path(path)
    tables = _table_rows(instance)
    if target.suffix.lower() == ".xlsx":
        _write_xlsx(tables, target, lang)
        return
    writers: dict[str, Callable[[Path], None]] = {}
    for name, (heads, rows) in tables.items():
        shown = _translate(name, heads, rows, lang)
        writers[f"{name}.csv"] = _csv_writer(*shown)
    write_folder_atomic(target, writers)
    # Table files left from an earlier workbook (a matrix no longer needed, or
    # 收集点.csv beside the new stops.csv) would be read with the new ones.
    for old in target.iterdir():
        if (
            old.suffix.lower() in (".csv", ".txt")
            and old.name not in writers
            and table_of(old.stem) is not None
        ):
            old.unlink()


def _csv_writer(heads: list[str], rows: list[list[str]]) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        frame = pd.DataFrame(rows, columns=range(len(heads)), dtype=object)
        frame.columns = pd.Index(heads)
        frame.to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\n")

    return write


def _write_xlsx(
    tables: Mapping[str, tuple[list[str], list[list[str]]]], target: Path, lang: Lang
) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, (heads, rows) in tables.items():
        shown_heads, shown_rows = _translate(name, heads, rows, lang)
        sheet = book.create_sheet(TABLE_ZH[name] if lang == "zh" else name)
        sheet.append(shown_heads)
        for shown in shown_rows:
            sheet.append([typed_cell(name, h, c) for h, c in zip(heads, shown, strict=True)])
    with atomic_path(target) as tmp:
        book.save(tmp)


__all__ = [
    "READER_META_KEYS",
    "Table",
    "decode",
    "parse_csv",
    "parse_tables",
    "read_tables",
    "read_workbook",
    "workbook_tables",
    "write_workbook",
]
