"""``countyopt bench lrp``: a checked plan per run, its gap to the published value, re-costable."""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path

import pytest
from click.testing import CliRunner

from optimizer.bench.sets import SETS, resolve
from optimizer.bench.task import execute, make_task
from optimizer.cli import main

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
LRP = DATA / "siting" / "lrp"
needs_data = pytest.mark.skipif(not LRP.is_dir(), reason="shared benchmark data not present")


def _numbers(path: Path) -> list[float]:
    return [float(t) for t in path.read_text(encoding="latin-1").split()]


def plain_cost(dat: Path, plan: dict) -> float:
    """Return a plan's cost from the .dat file alone (ceil(100 d) per edge, as the BKS use)."""
    v = _numbers(dat)
    n, m = int(v[0]), int(v[1])
    xy = [(v[2 + 2 * k], v[3 + 2 * k]) for k in range(m + n)]
    at = 2 + 2 * (m + n) + 1 + m + n
    opening, route_cost = v[at : at + m], v[at + m]
    depot = {f"D{i + 1}": xy[i] for i in range(m)}
    cust = {f"C{j + 1}": xy[m + j] for j in range(n)}
    total = sum(opening[int(d[1:]) - 1] for d in plan["open_depots"])
    for r in plan["routes"]:
        pts = [depot[r["depot"]], *(cust[c] for c in r["customers"]), depot[r["depot"]]]
        legs = itertools.pairwise(pts)
        total += route_cost + sum(math.ceil(100 * math.dist(a, b)) for a, b in legs)
    return total


@needs_data
def test_sets_list_the_prodhon_and_barreto_files() -> None:
    """The lrp set is Prodhon's 30 files and lrp_barreto Barreto's 14, read as location-routing."""
    prodhon = resolve(["lrp"], DATA)
    barreto = resolve(["lrp_barreto"], DATA)
    assert len(prodhon) == 30 and len(barreto) == 14
    assert {i.kind for i in prodhon + barreto} == {"lrp"} and SETS["lrp"].domain == "siting"


@needs_data
def test_bench_run_keeps_a_checked_plan_with_its_gap(tmp_path: Path) -> None:
    """One run records a feasible objective, its gap to the BKS, and a plan plain code re-costs."""
    dat = LRP / "prodhon_prins2006" / "coord20-5-2b.dat"
    record = execute(make_task(dat, "lrp", 0, 4.0, kind="lrp", out_dir=tmp_path))
    assert record["status"] == "ok" and record["feasible"], record.get("error")
    assert record["bks"] == 37542 and record["bks_source"] == "bks/P_prodhon.json"
    assert record["gap_pct"] == pytest.approx(100 * (record["objective"] - 37542) / 37542)
    assert record["gap_pct"] < 5
    plan = json.loads((tmp_path / record["plan"]).read_text(encoding="utf-8"))
    assert plain_cost(dat, plan) == record["objective"] == plan["cost"]["total"]


@needs_data
def test_bench_command_summarises_lrp_gaps(tmp_path: Path) -> None:
    """``bench`` on one LRP file runs the lrp engine by default and prints its gap table."""
    dat = LRP / "prodhon_prins2006" / "coord20-5-1b.dat"
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["bench", str(dat), "--time-limit", "3", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert " lrp seed 0: " in res.output and "gap" in res.output
    records = [json.loads(x) for x in (out / "results.jsonl").read_text().splitlines()]
    assert [r["engine"] for r in records] == ["lrp"] and records[0]["feasible"]
    assert (out / "summary.md").read_text(encoding="utf-8").count("lrp") >= 1


@needs_data
@pytest.mark.parametrize("command", ["site", "plan"])
def test_site_and_plan_solve_an_lrp_file_with_a_plan_plain_code_recosts(
    tmp_path: Path, command: str
) -> None:
    """``site`` and ``plan`` on a Prodhon file write lrp_plan.json serving every customer once."""
    dat = LRP / "prodhon_prins2006" / "coord20-5-1b.dat"
    out = tmp_path / "out"
    args = [command, str(dat), "--time-limit", "3", "--out", str(out)]
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 0, res.output
    plan = json.loads((out / "lrp_plan.json").read_text(encoding="utf-8"))
    served = sorted(c for r in plan["routes"] for c in r["customers"])
    assert served == sorted(f"C{j}" for j in range(1, 21))
    assert plain_cost(dat, plan) == plan["cost"]["total"]
    assert f"{plan['cost']['total']:,.1f}" in res.output
