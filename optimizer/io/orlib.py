"""OR-Library facility-location readers: capacitated/uncapacitated (cap*) and p-median.

Formats (Beasley's OR-Library; traps checked against the published optima):

- ``cap*.txt``: ``m n``; m lines ``capacity fixed_cost``; then per customer
  its demand followed by m costs, each the cost of serving the customer's
  *whole* demand from that site (lines wrap freely).
- ``pmed*.txt``: ``n edges p``; then ``i j length`` edges of an undirected
  graph. An edge listed twice takes its *last* length; costs are all-pairs
  shortest-path lengths; every node is a customer (demand 1) and a site.

``parse_*`` take the text, ``read_*`` open a file.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import shortest_path

from optimizer.i18n import Text
from optimizer.io.errors import InputError, InputProblem
from optimizer.siting.problem import FacilityProblem, Option, Status


class Tokens:
    """Whitespace-separated numbers of a text file, with their line numbers."""

    def __init__(self, text: str, file: str) -> None:
        self.file = file
        self._items: Iterator[tuple[int, str]] = (
            (row, tok)
            for row, line in enumerate(text.splitlines(), start=1)
            for tok in line.split()
        )

    def _next(self, what: Text) -> tuple[int, str]:
        try:
            return next(self._items)
        except StopIteration:
            raise InputError(
                [
                    InputProblem(
                        self.file,
                        None,
                        what,
                        "",
                        Text(
                            f"more numbers (file ends before {what.en})",
                            f"更多数字（文件在“{what.zh}”之前结束）",
                        ),
                    )
                ]
            ) from None

    def number(self, what: Text) -> float:
        """Return the next token as a float, naming ``what`` if it is not one."""
        row, tok = self._next(what)
        try:
            value = float(tok)
        except ValueError:
            raise InputError(
                [InputProblem(self.file, row, what, tok, Text("a number", "一个数字"))]
            ) from None
        if not np.isfinite(value) or value < 0:
            raise InputError(
                [
                    InputProblem(
                        self.file, row, what, tok, Text("a finite number >= 0", "≥ 0 的有限数字")
                    )
                ]
            )
        return value

    def count(self, what: Text) -> int:
        """Return the next token as a positive integer."""
        row, tok = self._next(what)
        if not tok.isdigit() or int(tok) < 1:
            raise InputError(
                [InputProblem(self.file, row, what, tok, Text("a positive integer", "正整数"))]
            )
        return int(tok)


def parse_cap(text: str, name: str, *, capacitated: bool = True) -> FacilityProblem:
    """Parse an OR-Library cap file into a facility-location problem.

    Parameters
    ----------
    text
        The file's content.
    name
        Instance name (also used as the file name in error messages).
    capacitated
        True: capacitated facility location with split demand (``capopt``);
        False: the uncapacitated variant of the same file (``uncapopt``).

    """
    tok = Tokens(text, name)
    m = tok.count(Text("number of sites", "站点数"))
    n = tok.count(Text("number of customers", "客户数"))
    caps, fixed = [], []
    for i in range(m):
        caps.append(tok.number(Text(f"capacity of site {i + 1}", f"站点 {i + 1} 的容量")))
        fixed.append(tok.number(Text(f"fixed cost of site {i + 1}", f"站点 {i + 1} 的固定成本")))
    demand = np.zeros(n)
    cost = np.zeros((m, n))
    for j in range(n):
        demand[j] = tok.number(Text(f"demand of customer {j + 1}", f"客户 {j + 1} 的需求"))
        for i in range(m):
            cost[i, j] = tok.number(
                Text(
                    f"cost of customer {j + 1} at site {i + 1}",
                    f"客户 {j + 1} 由站点 {i + 1} 服务的成本",
                )
            )
    options = tuple(
        (Option("site", caps[i] if capacitated else None, {"fixed": fixed[i]}),) for i in range(m)
    )
    return FacilityProblem(
        name=name,
        facilities=tuple(f"F{i + 1}" for i in range(m)),
        customers=tuple(f"C{j + 1}" for j in range(n)),
        demand=demand,
        options=options,
        status=(Status.FREE,) * m,
        assign_parts={"assignment": cost},
        single_source=not capacitated,
    )


def parse_pmed(text: str, name: str) -> FacilityProblem:
    """Parse an OR-Library p-median file (graph, p) into a facility-location problem."""
    tok = Tokens(text, name)
    n = tok.count(Text("number of nodes", "节点数"))
    num_edges = tok.count(Text("number of edges", "边数"))
    p = tok.count(Text("p (number of medians)", "p（中位点数）"))
    length: dict[tuple[int, int], float] = {}
    for e in range(num_edges):
        a = tok.count(Text(f"edge {e + 1} start", f"第 {e + 1} 条边的起点"))
        b = tok.count(Text(f"edge {e + 1} end", f"第 {e + 1} 条边的终点"))
        w = tok.number(Text(f"edge {e + 1} length", f"第 {e + 1} 条边的长度"))
        if a > n or b > n:
            raise InputError(
                [
                    InputProblem(
                        name,
                        None,
                        Text(f"edge {e + 1}", f"第 {e + 1} 条边"),
                        f"{a} {b}",
                        Text(f"nodes 1..{n}", f"节点 1..{n}"),
                    )
                ]
            )
        length[min(a, b) - 1, max(a, b) - 1] = w  # the last listing of an edge wins
    rows = [a for a, _ in length] + [b for _, b in length]
    cols = [b for _, b in length] + [a for a, _ in length]
    data = list(length.values()) * 2
    dist = shortest_path(csr_matrix((data, (rows, cols)), shape=(n, n)), directed=False)
    if not np.all(np.isfinite(dist)):
        raise InputError(
            [InputProblem(name, None, Text("edges", "边"), "", Text("a connected graph", "连通图"))]
        )
    ids = tuple(f"N{i + 1}" for i in range(n))
    return FacilityProblem(
        name=name,
        facilities=ids,
        customers=ids,
        demand=np.ones(n),
        options=((Option("median", None),),) * n,
        status=(Status.FREE,) * n,
        assign_parts={"distance": np.asarray(dist, dtype=np.float64)},
        num_open=p,
    )


def read_cap(path: str | Path, *, capacitated: bool = True) -> FacilityProblem:
    """Read an OR-Library cap file (see :func:`parse_cap`)."""
    path = Path(path)
    return parse_cap(path.read_text(encoding="latin-1"), path.stem, capacitated=capacitated)


def read_pmed(path: str | Path) -> FacilityProblem:
    """Read an OR-Library p-median file (see :func:`parse_pmed`)."""
    path = Path(path)
    return parse_pmed(path.read_text(encoding="latin-1"), path.stem)
