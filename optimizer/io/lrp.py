"""Read location-routing benchmark files: Prodhon/Prins (2006) and Barreto (2007).

Both sets share one whitespace-separated layout (the files' ``format.txt``):
number of customers ``n``; number of depots ``m``; m depot coordinates
``x y``; n customer coordinates; vehicle capacity; m depot capacities; n
demands; m depot opening costs; the fixed cost of a route; and a flag, 0 for
integer costs (100 × Euclidean distance per edge, rounded up as the
published best-known values are: see :mod:`optimizer.lrp.instance`) or 1
for real costs (Barreto). Lines may end in CR LF.
``parse_lrp`` takes the text, ``read_lrp`` opens a file.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

from optimizer.i18n import Text
from optimizer.io.errors import InputError, InputProblem
from optimizer.io.load import read_input_text
from optimizer.lrp.instance import LrpInstance


class _Tokens:
    """The numbers of an LRP file in order, each with its line number."""

    def __init__(self, text: str, file: str) -> None:
        self.file = file
        self.last_row: int | None = None
        self._items: Iterator[tuple[int, str]] = (
            (row, tok)
            for row, line in enumerate(text.splitlines(), start=1)
            for tok in line.split()
        )

    def _next(self, what: Text) -> tuple[int, str]:
        try:
            row, tok = next(self._items)
        except StopIteration:
            raise InputError(
                [
                    InputProblem(
                        self.file,
                        None,
                        what.en,
                        "",
                        Text(
                            f"more numbers (the file ends before {what.en})",
                            f"更多数值（文件在{what.zh}之前结束）",
                        ),
                    )
                ]
            ) from None
        self.last_row = row
        return row, tok

    def number(self, what: Text, *, positive: bool = False) -> float:
        """Return the next number (>= 0, or > 0 when ``positive``), naming ``what`` if it is bad."""
        row, tok = self._next(what)
        try:
            value = float(tok)
        except ValueError:
            value = math.nan
        if not math.isfinite(value) or value < 0 or (positive and value == 0):
            bound = Text("> 0", "大于 0") if positive else Text(">= 0", "不小于 0")
            raise InputError(
                [
                    InputProblem(
                        self.file,
                        row,
                        what.en,
                        tok,
                        Text(f"a finite number {bound.en}", f"{bound.zh} 的有限数值"),
                    )
                ]
            )
        return value

    def count(self, what: Text) -> int:
        """Return the next token as a positive integer."""
        row, tok = self._next(what)
        if not tok.isdigit() or int(tok) < 1:
            raise InputError(
                [InputProblem(self.file, row, what.en, tok, Text("a positive integer", "正整数"))]
            )
        return int(tok)

    def rest(self) -> list[tuple[int, str]]:
        """Return the tokens left after the last field."""
        return list(self._items)


def parse_lrp(text: str, file: str, *, name: str | None = None) -> LrpInstance:
    """Parse an LRP file in the Prodhon/Barreto layout.

    Parameters
    ----------
    text
        The file's content.
    file
        The file name used in error messages.
    name
        Instance name (default: ``file`` without folder and ``.dat``).

    Raises
    ------
    InputError
        Naming the file, line and field of the first bad or missing number,
        or every customer whose demand no vehicle can carry, or a total
        demand the depots together cannot hold.

    """
    tok = _Tokens(text, file)
    n = tok.count(Text("number of customers", "客户数"))
    m = tok.count(Text("number of depots", "候选站点数"))

    def xy(kind: Text, k: int) -> tuple[float, float]:
        return (
            tok.number(Text(f"x of {kind.en} {k}", f"{kind.zh} {k} 的 x")),
            tok.number(Text(f"y of {kind.en} {k}", f"{kind.zh} {k} 的 y")),
        )

    depots = tuple(xy(Text("depot", "站点"), i + 1) for i in range(m))
    customers = tuple(xy(Text("customer", "客户"), j + 1) for j in range(n))
    capacity = tok.number(Text("vehicle capacity", "车辆容量"), positive=True)
    depot_cap = tuple(
        tok.number(Text(f"capacity of depot {i + 1}", f"站点 {i + 1} 的容量")) for i in range(m)
    )
    demand: list[float] = []
    problems: list[InputProblem] = []
    for j in range(n):
        what = Text(f"demand of customer {j + 1}", f"客户 {j + 1} 的需求")
        d = tok.number(what)
        if d > capacity:
            problems.append(
                InputProblem(
                    file,
                    tok.last_row,
                    what.en,
                    f"{d:g}",
                    Text(
                        f"at most the vehicle capacity {capacity:g}",
                        f"不超过车辆容量 {capacity:g}",
                    ),
                )
            )
        demand.append(d)
    opening = tuple(
        tok.number(Text(f"opening cost of depot {i + 1}", f"站点 {i + 1} 的开设成本"))
        for i in range(m)
    )
    route_cost = tok.number(Text("route cost (vehicle fixed cost)", "每条路线的固定成本"))
    flag_what = Text("cost flag", "成本类型标志")
    flag = tok.number(flag_what)
    if flag not in (0.0, 1.0):
        problems.append(
            InputProblem(
                file,
                tok.last_row,
                flag_what.en,
                f"{flag:g}",
                Text("0 (integer costs) or 1 (real costs)", "0（整数成本）或 1（实数成本）"),
            )
        )
    extra = tok.rest()
    if extra:
        row, value = extra[0]
        problems.append(
            InputProblem(
                file,
                row,
                "",
                value,
                Text(
                    f"nothing after the cost flag ({len(extra)} more values; "
                    "are the counts on the first two lines right?)",
                    f"成本类型标志之后不应再有数值（多出 {len(extra)} 个；请核对前两行的数量）",
                ),
            )
        )
    if sum(demand) > sum(depot_cap) and not problems:
        problems.append(
            InputProblem(
                file,
                None,
                "depot capacities",
                f"{sum(depot_cap):g}",
                Text(
                    f"at least the total demand {sum(demand):g} (all depots together)",
                    f"所有站点合计不少于总需求 {sum(demand):g}",
                ),
            )
        )
    if problems:
        raise InputError(_bounded(problems, file))
    return LrpInstance(
        name=name if name is not None else Path(file).name.removesuffix(".dat"),
        depot_xy=depots,
        customer_xy=customers,
        demand=tuple(demand),
        vehicle_capacity=capacity,
        depot_capacity=depot_cap,
        opening_cost=opening,
        route_cost=route_cost,
        integer_costs=flag == 0.0,
    )


_MAX_LISTED = 10


def _bounded(problems: list[InputProblem], file: str) -> list[InputProblem]:
    """Return the first problems and a count of the rest (a shifted file breaks every value)."""
    if len(problems) <= _MAX_LISTED:
        return problems
    more = len(problems) - _MAX_LISTED
    return [
        *problems[:_MAX_LISTED],
        InputProblem(
            file,
            None,
            "",
            "",
            Text(
                f"the values above and {more} more to be right (check the counts on the "
                "first two lines: one wrong count shifts every later value)",
                f"以上数值及另外 {more} 处正确"
                "（请核对前两行的数量：一个数量错误会使之后所有数值错位）",
            ),
        ),
    ]


def read_lrp(path: str | Path) -> LrpInstance:
    """Read a Prodhon/Barreto LRP file (see :func:`parse_lrp`)."""
    src = Path(path)
    # The files are plain ASCII; latin-1 never fails, so a stray byte is
    # reported as a bad number on its line rather than as an encoding error.
    return parse_lrp(read_input_text(src, encoding="latin-1"), str(src))
