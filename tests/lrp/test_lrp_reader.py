"""Prodhon and Barreto location-routing files: read as stated, bad ones named by line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from optimizer.io.errors import InputError
from optimizer.io.lrp import parse_lrp, read_lrp
from optimizer.lrp.check import LrpPlan, LrpRoute, evaluate

LRP = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "siting" / "lrp"
needs_data = pytest.mark.skipif(not LRP.is_dir(), reason="shared benchmark data not present")

# A 3-customer, 2-depot file in the shared layout (integer costs).
TINY = """3
2

0 0
10 0

1 0
9 0
9 1

10

20
15

4
4
4

100
50

7

0
"""


@needs_data
def test_prodhon_file_is_read_as_stated() -> None:
    """Prodhon's 20-5-1 gives 20 customers, 5 depots, its capacities, costs and integer costs."""
    inst = read_lrp(LRP / "prodhon_prins2006" / "coord20-5-1.dat")
    assert (inst.num_customers, inst.num_depots) == (20, 5)
    assert inst.depot_xy[0] == (6.0, 7.0) and inst.customer_xy[0] == (20.0, 35.0)
    assert inst.vehicle_capacity == 70 and inst.depot_capacity == (140.0,) * 5
    assert inst.opening_cost[:2] == (10841.0, 11961.0) and inst.route_cost == 1000
    assert inst.integer_costs and inst.total_demand == 315


@needs_data
def test_barreto_file_is_read_with_real_costs() -> None:
    """Barreto's Gaskell 21x5 (CR LF, trailing blanks) reads with real costs and no route cost."""
    inst = read_lrp(LRP / "barreto2007_prodhon_format" / "coordGaspelle.dat")
    assert (inst.num_customers, inst.num_depots) == (21, 5)
    assert inst.depot_xy[0] == (136.0, 194.0) and inst.customer_xy[-1] == (139.0, 182.0)
    assert inst.vehicle_capacity == 6000 and inst.depot_capacity == (15000.0,) * 5
    assert inst.demand[:2] == (1100.0, 700.0) and inst.route_cost == 0
    assert not inst.integer_costs


@needs_data
def test_published_value_is_reproduced_with_rounding_up() -> None:
    """A best plan of 20-5-1b costs the published 39104 with costs rounded up (truncated: less)."""
    inst = read_lrp(LRP / "prodhon_prins2006" / "coord20-5-1b.dat")
    plan = LrpPlan(
        (2, 3),
        (
            LrpRoute(2, (16, 0, 17, 1, 9, 15, 14, 6, 19)),
            LrpRoute(2, (7, 18, 2)),
            LrpRoute(3, (5, 8, 3, 10, 13, 4, 12, 11)),
        ),
    )
    ev = evaluate(inst, plan)
    assert ev.feasible and ev.total == 39104


def test_tiny_text_parses() -> None:
    """The layout's fields land where format.txt puts them."""
    inst = parse_lrp(TINY, "tiny.dat")
    assert inst.name == "tiny" and inst.customer_xy == ((1.0, 0.0), (9.0, 0.0), (9.0, 1.0))
    assert inst.depot_capacity == (20.0, 15.0) and inst.opening_cost == (100.0, 50.0)
    assert inst.route_cost == 7 and inst.integer_costs


@pytest.mark.parametrize(
    ("text", "row", "field", "zh"),
    [
        (TINY.replace("9 1", "9 x"), 9, "y of customer 3", "有限数值"),
        (TINY.replace("\n4\n4\n4\n", "\n4\n40\n4\n"), 17, "demand of customer 2", "车辆容量"),
        (TINY.replace("\n0\n", "\n2\n"), 25, "cost flag", "0（整数成本）"),
        (TINY.replace("3\n2\n", "3\n-2\n", 1), 2, "number of depots", "正整数"),
    ],
)
def test_bad_value_names_line_and_field(text: str, row: int, field: str, zh: str) -> None:
    """A bad number is reported with its file, line and field, in English and Chinese."""
    with pytest.raises(InputError) as err:
        parse_lrp(text, "bad.dat")
    problem = err.value.problems[0]
    assert (problem.file, problem.row, problem.column) == ("bad.dat", row, field)
    assert zh in problem.line("zh")


def test_short_file_says_what_is_missing() -> None:
    """A file cut short names the first missing field."""
    with pytest.raises(InputError) as err:
        parse_lrp(TINY[: TINY.index("100")], "short.dat")
    assert err.value.problems[0].column == "opening cost of depot 1"
    assert "文件在" in err.value.problems[0].line("zh")


@needs_data
def test_malformed_barreto_file_is_reported_not_read() -> None:
    """Barreto's Or117 (counts that do not match its values) is an input problem, listed briefly."""
    with pytest.raises(InputError) as err:
        read_lrp(LRP / "barreto2007_prodhon_format" / "coordOr117.dat")
    problems = err.value.problems
    assert 1 < len(problems) <= 11
    assert "first two lines" in str(problems[-1])
