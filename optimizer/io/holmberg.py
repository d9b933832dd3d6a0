"""Holmberg, Rönnqvist & Yuan (1999) single-source capacitated facility location.

Format: ``m n``; m lines ``capacity fixed_cost``; n demands; then the cost
matrix stored one row per *facility* (m rows of n costs, wrapped 10 values a
line). Reading it customer-first gives wrong optima (p1: 9907, not 8848).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from optimizer.i18n import Text
from optimizer.io.orlib import Tokens
from optimizer.siting.problem import FacilityProblem, Option, Status


def parse_holmberg(text: str, name: str) -> FacilityProblem:
    """Parse a Holmberg SSCFLP file into a single-source facility-location problem."""
    tok = Tokens(text, name)
    m = tok.count(Text("number of facilities", "设施数"))
    n = tok.count(Text("number of customers", "客户数"))
    caps, fixed = [], []
    for i in range(m):
        caps.append(tok.number(Text(f"capacity of facility {i + 1}", f"设施 {i + 1} 的容量")))
        fixed.append(
            tok.number(Text(f"fixed cost of facility {i + 1}", f"设施 {i + 1} 的固定成本"))
        )
    demand = np.array(
        [tok.number(Text(f"demand of customer {j + 1}", f"客户 {j + 1} 的需求")) for j in range(n)]
    )
    cost = np.array(
        [
            [
                tok.number(
                    Text(
                        f"cost of facility {i + 1} to customer {j + 1}",
                        f"设施 {i + 1} 服务客户 {j + 1} 的成本",
                    )
                )
                for j in range(n)
            ]
            for i in range(m)
        ]
    )
    return FacilityProblem(
        name=name,
        facilities=tuple(f"F{i + 1}" for i in range(m)),
        customers=tuple(f"C{j + 1}" for j in range(n)),
        demand=demand,
        options=tuple((Option("site", caps[i], {"fixed": fixed[i]}),) for i in range(m)),
        status=(Status.FREE,) * m,
        assign_parts={"assignment": cost},
        single_source=True,
    )


def read_holmberg(path: str | Path) -> FacilityProblem:
    """Read a Holmberg SSCFLP file (see :func:`parse_holmberg`)."""
    path = Path(path)
    return parse_holmberg(path.read_text(encoding="latin-1"), path.name)
