"""Tables read as text, and typed values taken from their cells.

Every reader of tabular input (CSV, Excel, GeoJSON properties) turns its
source into :class:`Table` rows of strings; :class:`Row` converts one cell at
a time and records an :class:`~optimizer.io.errors.InputProblem` naming file,
spreadsheet row, column header, value and what was expected, so that a
reader can list every bad cell at once.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from optimizer.i18n import Text
from optimizer.io.columns import TABLE_COLUMNS, TABLE_ZH, column_of
from optimizer.io.errors import InputError, InputProblem
from optimizer.timefmt import format_clock, parse_clock

_ENCODINGS = ("utf-8-sig", "gb18030")
_LIST_SEPARATORS = re.compile(r"[;,；，、|]")
_TRUE = frozenset({"yes", "y", "true", "1", "是", "对", "x", "✓"})
_FALSE = frozenset({"no", "n", "false", "0", "否", "不是", ""})
# Invisible characters that Excel and web pages leave in cells (a BOM, zero-width spaces).
_INVISIBLE = str.maketrans("", "", "\ufeff\u200b\u200c\u200d\u2060")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# A date, or a date and a time, as Excel and other tools write them ("2024-05-01 07:30").
_DATE_TIME = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T](\d{1,2}:\d{2}(?::\d{2})?))?$")

#: Largest magnitude of any number in a workbook: nothing a county measures
#: comes near it, and every bound below it keeps sums far from overflow.
MAX_MAGNITUDE = 1e15
#: Latest clock time a cell may hold: the planning day and the night after.
MAX_CLOCK_S = 48 * 3600
#: Largest CSV file read (a full matrix of 2,000 locations is about 120 MB).
MAX_CSV_BYTES = 256 * 1024 * 1024
#: Most data rows per table. A whole county holds 10,000-30,000 collection
#: points (the scale countyopt plans); the travel matrix over stops and sites
#: grows with the square of their number, so a larger area is planned part by
#: part, one workbook each.
MAX_ROWS = {
    "stops": 30_000,
    "sites": 2_000,
    "vehicles": 500,
    "build_options": 5000,
    "settings": 500,
    # A full long-format matrix of 2,000 locations; more take GBs as text rows.
    "matrix": 4_000_000,
}
#: Units as messages name them, in both languages.
_UNITS: dict[str, str] = {
    "": "",
    "kg": "千克",
    "m3": "立方米",
    "m": "米",
    "s": "秒",
    "km": "公里",
    "km/h": "公里/小时",
    "t/day": "吨/日",
    "minutes": "分钟",
    "hours": "小时",
    "yuan": "元",
    "yuan/year": "元/年",
    "degrees latitude": "度（纬度）",
    "degrees longitude": "度（经度）",
}


@dataclass(frozen=True)
class Table:
    """One table as text: the header as written and the data rows.

    ``first_row`` is the spreadsheet row number of ``rows[0]`` (the header
    is row ``first_row - 1``).
    """

    name: str  # canonical table name, e.g. "stops"
    file: str  # how messages name the source, e.g. "stops.csv" or "county.xlsx[收集点]"
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    first_row: int = 2
    encoding: str = ""
    numbers: tuple[int, ...] = ()  # row numbers of ``rows`` when not consecutive


@dataclass
class Columns:
    """Where each canonical column of a table is, and which headers are extra."""

    table: Table
    index: dict[str, int] = field(default_factory=dict)
    extras: list[tuple[str, int]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def decode(data: bytes, file: str, problems: list[InputProblem]) -> tuple[str, str] | None:
    """Return (text, encoding) of a CSV file: UTF-8 (BOM or not), else GB18030.

    GB18030 is a superset of GBK and GB2312, the encodings Excel uses for
    "CSV" on Chinese Windows.
    """
    # NUL bytes never occur in CSV text: they mean UTF-16 ("Unicode text" in
    # Excel) or a binary file renamed, which GB18030 would decode into garbage.
    if b"\x00" not in data:
        for encoding in _ENCODINGS:
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            return text, "utf-8" if encoding == "utf-8-sig" else encoding
    problems.append(
        InputProblem(
            file,
            None,
            "",
            "",
            Text(
                'a CSV text file in UTF-8 or GB18030/GBK (in Excel: Save As "CSV UTF-8"); '
                "this file is binary or UTF-16",
                "UTF-8 或 GB18030/GBK 编码的 CSV 文本文件（在 Excel 中“另存为”“CSV UTF-8”）；"
                "此文件是二进制文件或 UTF-16 编码",
            ),
        )
    )
    return None


def parse_csv(text: str, *, name: str, file: str, encoding: str = "") -> Table:
    """Return the table in CSV ``text`` (header on the first line).

    Raises
    ------
    InputError
        If the text is empty, not well-formed CSV, or has too many rows.

    """
    if not text.strip():
        raise InputError([InputProblem(file, None, "", "", header_hint(name))])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)
    values: list[list[str]] = []
    try:
        for record in reader:
            values.append(record)
            if len(values) > _row_cap(name):
                break
    except csv.Error as err:
        limit = csv.field_size_limit()
        expected = (
            Text(f"cells of at most {limit:,} characters", f"每个单元格最多 {limit:,} 个字符")
            if "field limit" in str(err)
            else Text(
                'well-formed CSV: a cell that starts with a quote (") ends with one, '
                "and a cell holding a comma or a line break is quoted",
                '格式正确的 CSV：以引号（"）开头的单元格要以引号结尾，含逗号或换行的单元格要加引号',
            )
        )
        raise InputError([InputProblem(file, reader.line_num, "", "", expected)]) from None
    return table_from_rows(values, name=name, file=file, encoding=encoding)


def _delimiter(text: str) -> str:
    """Return the cell separator: a comma, unless the first line has none but tabs or semicolons.

    Excel saves "Text (Tab delimited)" (文本文件(制表符分隔)) as .txt, and in
    some locales saves "CSV" with semicolons; the header line tells which.
    """
    first = next((line for line in text.splitlines() if line.strip()), "")
    if "," in first:
        return ","
    if "\t" in first:
        return "\t"
    return ";" if ";" in first else ","


def _row_cap(name: str) -> int:
    # Title rows above the header and blank rows do not count against the cap.
    return MAX_ROWS.get(name, 10**9) + _HEADER_SEARCH + 10_000


_HEADER_SEARCH = 10  # rows searched for the header below titles


def _header_index(name: str, values: Sequence[Sequence[str]]) -> int:
    """Return the index of the header row: the first, unless titles sit above it.

    Spreadsheets often carry a title ("某某县收集点清单") or notes above the
    header; the header is the first of the top rows that names two known columns.
    """
    for k, cells in enumerate(values[:_HEADER_SEARCH]):
        if sum(column_of(name, c) is not None for c in cells if c.strip()) >= 2:
            return k
    return 0


def table_from_rows(
    values: Sequence[Sequence[str]], *, name: str, file: str, encoding: str = ""
) -> Table:
    """Return a table from rows of text: header, then data; ragged rows are evened out.

    Raises
    ------
    InputError
        If the table holds no header, a row has more cells than the header
        has columns, or the table has more than ``MAX_ROWS`` data rows.

    """
    rows = [list(r) for r in values]
    while rows and all(not c.strip() for c in rows[-1]):
        rows.pop()
    if not rows:
        raise InputError([InputProblem(file, None, "", "", header_hint(name))])
    top = _header_index(name, rows)
    head = list(rows[top])
    while head and not head[-1].strip():
        head.pop()
    problems: list[InputProblem] = []
    data: list[tuple[str, ...]] = []
    width = len(head)
    filled = 0
    cap = MAX_ROWS.get(name)
    for k, cells in enumerate(rows[top + 1 :]):
        number = top + 2 + k
        extra = [c for c in cells[width:] if c.strip()]
        if extra and len(problems) < 10:
            problems.append(
                InputProblem(
                    file,
                    number,
                    "",
                    extra[0][:80],
                    Text(
                        f"at most {width} cells, one per column of the header "
                        "(quote a cell that holds a comma)",
                        f"最多 {width} 个单元格，与表头的列一一对应（含逗号的单元格要加引号）",
                    ),
                )
            )
        if any(c.strip() for c in cells):
            filled += 1
            if cap is not None and filled > cap:
                problems.append(too_many_rows(name, file, number))
                break
        data.append(tuple(cells[:width]) + ("",) * (width - len(cells)))
    if problems:
        raise InputError(problems)
    return Table(name, file, tuple(head), tuple(data), top + 2, encoding)


def too_many_rows(name: str, file: str, row: int) -> InputProblem:
    """Return the problem of a table with more data rows than ``MAX_ROWS`` allows."""
    cap = MAX_ROWS[name]
    return InputProblem(
        file,
        row,
        "",
        "",
        Text(
            f"at most {cap:,} rows in table {name!r}; plan a larger county area by area, "
            "one workbook per area",
            f"{TABLE_ZH.get(name, name)}表最多 {cap:,} 行；更大的县请按片区分别建表规划",
        ),
    )


def header_hint(name: str) -> Text:
    """Return what an empty table should have held."""
    cols = ", ".join(c.name for c in TABLE_COLUMNS[name] if c.required)
    return Text(
        f"a header row with the columns {cols} (the table is empty)",
        f"包含 {cols} 这些列的表头行（表是空的）",
    )


def locate_columns(table: Table, problems: list[InputProblem]) -> Columns:
    """Match the headers of ``table`` to its canonical columns, reporting gaps and repeats."""
    cols = Columns(table)
    header_row = table.first_row - 1
    for pos, head in enumerate(table.headers):
        name = column_of(table.name, head)
        if name is None:
            if head.strip():
                cols.extras.append((head, pos))
            continue
        if name in cols.index:
            first = table.headers[cols.index[name]]
            problems.append(
                InputProblem(
                    table.file,
                    header_row,
                    head,
                    head,
                    Text(
                        f"each column once; {head!r} and {first!r} both mean {name!r}",
                        f"每列只出现一次；{head!r} 和 {first!r} 都表示 {name!r}",
                    ),
                )
            )
            continue
        cols.index[name] = pos
    found = ", ".join(repr(h) for h in table.headers) or "-"
    for col in TABLE_COLUMNS[table.name]:
        if col.required and col.name not in cols.index:
            cols.missing.append(col.name)
            problems.append(
                InputProblem(
                    table.file,
                    header_row,
                    col.name,
                    "",
                    Text(
                        f"a column {col.name!r} (or {col.zh!r}); headers found: {found}",
                        f"列 {col.name!r}（或 {col.zh!r}）；现有表头：{found}",
                    ),
                )
            )
    return cols


def rows_of(cols: Columns, problems: list[InputProblem]) -> Iterator[Row]:
    """Yield the non-blank data rows of a table whose columns were located."""
    for k, cells in enumerate(cols.table.rows):
        if all(not c.strip() for c in cells):
            continue
        numbers = cols.table.numbers
        yield Row(cols, numbers[k] if numbers else cols.table.first_row + k, cells, problems)


def _bound(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() and abs(x) < 1e16 else f"{x:g}"


def _fmt_expected(
    low: float | None, high: float | None, what: Text, *, low_open: bool = False
) -> Text:
    if low is not None and high is not None:
        lo, hi = _bound(low), _bound(high)
        if low_open:
            return Text(f"{what.en} > {lo} and <= {hi}", f"大于 {lo} 且不超过 {hi} 的{what.zh}")
        return Text(f"{what.en} between {lo} and {hi}", f"{lo} 到 {hi} 之间的{what.zh}")
    if low is not None:
        op = ">" if low_open else ">="
        return Text(f"{what.en} {op} {_bound(low)}", f"{op} {_bound(low)} 的{what.zh}")
    if high is not None:
        return Text(f"{what.en} <= {_bound(high)}", f"<= {_bound(high)} 的{what.zh}")
    return what


def _number_text(unit: str) -> Text:
    zh = _UNITS.get(unit, unit)
    return Text(f"a number in {unit}", f"以{zh}计的数") if unit else Text("a number", "数")


class Row:
    """One data row: typed access to its cells, recording every bad value."""

    def __init__(
        self, cols: Columns, number: int, cells: Sequence[str], problems: list[InputProblem]
    ) -> None:
        self.cols = cols
        self.row_no = number
        self.cells = cells
        self.problems = problems
        self._start = len(problems)

    @property
    def ok(self) -> bool:
        """Return whether no cell of this row has been reported so far."""
        return len(self.problems) == self._start

    def header(self, name: str) -> str:
        """Return the header as written for canonical column ``name``."""
        pos = self.cols.index.get(name)
        return name if pos is None else self.cols.table.headers[pos]

    def raw(self, name: str) -> str:
        """Return the cell of column ``name`` as written, or "" if absent."""
        pos = self.cols.index.get(name)
        if pos is None or pos >= len(self.cells):
            return ""
        return self.cells[pos]

    def text(self, name: str) -> str:
        """Return the cell of column ``name`` without surrounding spaces or invisible marks."""
        return self.raw(name).translate(_INVISIBLE).strip()

    def report(self, name: str, value: str, expected: Text) -> None:
        """Record a problem with the cell of column ``name``."""
        self.problems.append(
            InputProblem(self.cols.table.file, self.row_no, self.header(name), value, expected)
        )

    def required(self, name: str) -> str | None:
        """Return the non-empty text of ``name``, or report it as missing."""
        text = self.text(name)
        if not text and name not in self.cols.missing:
            self.report(
                name, "", Text(f"a value in {name!r} (the cell is empty)", "一个值（单元格为空）")
            )
            return None
        if _CONTROL.search(text):
            self.report(
                name,
                text,
                Text("text without control characters", "不含控制字符的文本"),
            )
            return None
        return text or None

    def decimal(
        self,
        name: str,
        *,
        required: bool = False,
        low: float | None = None,
        high: float | None = None,
        low_open: bool = False,
        unit: str = "",
    ) -> Decimal | None:
        """Return the number in ``name`` as an exact decimal, or None if empty or bad.

        Without an explicit ``high``, numbers beyond ``MAX_MAGNITUDE`` are refused.
        """
        text = self.text(name)
        what = _number_text(unit)
        if not text:
            if required and name not in self.cols.missing:
                self.report(name, "", what + Text(" (the cell is empty)", "（单元格为空）"))
            return None
        try:
            value = Decimal(text.replace("，", "").replace(",", "").replace("_", ""))
        except InvalidOperation:
            value = Decimal("NaN")
        top = MAX_MAGNITUDE if high is None else high
        bottom = -MAX_MAGNITUDE if low is None else low
        if (
            not value.is_finite()
            or value < Decimal(repr(bottom))
            or (low_open and value == Decimal(repr(bottom)))
            or value > Decimal(repr(top))
        ):
            # Name the magnitude limit only to those who went past it.
            huge = value.is_finite() and value.copy_abs() > Decimal(repr(MAX_MAGNITUDE))
            shown = _fmt_expected(
                bottom if huge else low, top if huge else high, what, low_open=low_open
            )
            self.report(name, text, shown)
            return None
        return value

    def number(
        self,
        name: str,
        *,
        required: bool = False,
        low: float | None = None,
        high: float | None = None,
        low_open: bool = False,
        scale: int = 0,
        unit: str = "",
    ) -> float | None:
        """Return the number in ``name`` times ``10**scale`` (exact), or None."""
        value = self.decimal(
            name, required=required, low=low, high=high, low_open=low_open, unit=unit
        )
        return None if value is None else float(value.scaleb(scale))

    def integer(
        self,
        name: str,
        *,
        required: bool = False,
        low: int | None = None,
        high: int | None = None,
    ) -> int | None:
        """Return the whole number in ``name``, or None."""
        value = self.decimal(name, required=required, low=low, high=high)
        if value is None:
            return None
        if value != value.to_integral_value():
            self.report(
                name, self.text(name), _fmt_expected(low, high, Text("a whole number", "整数"))
            )
            return None
        return int(value)

    def seconds(
        self,
        name: str,
        *,
        per: int,
        required: bool = False,
        low: float | None = 0.0,
        high: float | None = None,
    ) -> int | None:
        """Return a duration given in minutes (``per=60``) or hours (3600) as whole seconds.

        At most two days unless ``high`` (in the same unit) says otherwise.
        """
        unit = {60: "minutes", 3600: "hours"}.get(per, "s")
        top = MAX_CLOCK_S / per if high is None else high
        value = self.decimal(name, required=required, low=low, high=top, unit=unit)
        return None if value is None else round(value * per)

    def time(self, name: str, *, required: bool = False) -> int | None:
        """Return a clock time "HH:MM" or "HH:MM:SS" as seconds from midnight, or None.

        Hours past 24 stand for the next day (night shifts: "26:30"), up to
        48:00. A date and time ("2024-05-01 07:30", as Excel writes a cell
        typed as a date and time) gives its time of day.
        """
        text = self.text(name)
        if not text:
            if required and name not in self.cols.missing:
                self.report(
                    name,
                    "",
                    Text("a time HH:MM (the cell is empty)", "HH:MM 格式的时间（单元格为空）"),
                )
            return None
        clock = text
        dated = _DATE_TIME.match(text)
        if dated is not None:
            if dated.group(4) is None:
                self.report(
                    name,
                    text,
                    Text(
                        "a time of day HH:MM, not a date (format the cell as a time)",
                        "HH:MM 格式的时刻，而不是日期（请把单元格格式设为时间）",
                    ),
                )
                return None
            clock = dated.group(4)
        seconds = parse_clock(clock)
        if seconds is None:
            self.report(
                name,
                text,
                Text(
                    "a time HH:MM, e.g. 07:30 (after midnight: 25:30)",
                    "HH:MM 格式的时间，例如 07:30（过了午夜写作 25:30）",
                ),
            )
        elif seconds > MAX_CLOCK_S:
            last = format_clock(MAX_CLOCK_S)
            self.report(
                name,
                text,
                Text(
                    f"a time from 00:00 to {last} (the planning day and the night after)",
                    f"00:00 到 {last} 之间的时间（规划日及其后的夜间）",
                ),
            )
            return None
        return seconds

    def flag(self, name: str) -> bool:
        """Return a yes/no cell (yes, no, true, false, 1, 0, 是, 否) as a bool."""
        text = self.text(name).lower()
        if text in _TRUE:
            return True
        if text not in _FALSE:
            self.report(
                name,
                self.text(name),
                Text("yes or no (是 or 否; true/false, 1/0)", "是或否（yes/no、true/false、1/0）"),
            )
        return False

    def items(self, name: str) -> list[str]:
        """Return the items of a list cell separated by ; , 、 or |."""
        return [p.strip() for p in _LIST_SEPARATORS.split(self.text(name)) if p.strip()]

    def extra(self) -> dict[str, str]:
        """Return the non-empty cells of the extra columns, by header."""
        out: dict[str, str] = {}
        for head, pos in self.cols.extras:
            value = self.cells[pos] if pos < len(self.cells) else ""
            if value.strip():
                out[head] = value
        return out


def format_number(value: float, *, scale: int = 0) -> str:
    """Return ``value`` times ``10**scale`` as exact decimal text ("" for NaN).

    Shifting the decimal point of ``repr(value)`` is exact, so
    ``Row.number(..., scale=-scale)`` reads back the very same float.
    """
    value = float(value)
    if math.isnan(value):
        return ""
    if value.is_integer() and scale == 0 and abs(value) < 1e15:
        return str(int(value))
    text = format(Decimal(repr(value)).scaleb(scale), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def cell_text(value: object) -> str:
    """Return a typed value (an Excel cell, a JSON property) as the text a user would type.

    Readers of typed formats convert with this so that :class:`Row` parses
    every format alike: None is empty, booleans are yes/no, floats keep every
    digit (``repr``) and lists are joined with ";".
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, list | tuple):
        return ";".join(cell_text(v) for v in value)
    return str(value)
