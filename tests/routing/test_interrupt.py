"""An interrupted run says which stops were never searched, and the CLI exits 130."""

from __future__ import annotations

import dataclasses
import os
import signal
from pathlib import Path

import pytest
from click.testing import CliRunner

from optimizer.cli import main
from optimizer.commands.common import EXIT_INTERRUPTED
from optimizer.commands.route import ProgressLine
from optimizer.evaluate import check
from optimizer.io.solution import read_solution_json
from optimizer.io.workbook import write_workbook
from optimizer.model import Instance, Stream, VehicleType
from optimizer.routing.params import Objective, RoutingParams
from optimizer.routing.result import UnservedReason
from optimizer.routing.solve import Progress, solve
from tests.commands.conftest import small_county


def two_stream_county() -> Instance:
    """Return the small county with half its stops kitchen waste and a kitchen truck."""
    base = small_county()
    stops = tuple(
        dataclasses.replace(s, stream=Stream.KITCHEN) if k % 2 else s
        for k, s in enumerate(base.stops)
    )
    kitchen = VehicleType(
        "K2t",
        1,
        "D1",
        frozenset({Stream.KITCHEN}),
        capacity_kg=2000.0,
        shift=base.vehicle_types[0].shift,
    )
    return dataclasses.replace(base, stops=stops, vehicle_types=(*base.vehicle_types, kitchen))


def _interrupt_at_first(p: Progress) -> None:
    if p.num_solutions == 1:
        os.kill(os.getpid(), signal.SIGINT)


def test_stops_of_unsearched_streams_are_not_planned_because_interrupted() -> None:
    """Ctrl-C in the first stream marks the other stream's stops "interrupted", not "no place"."""
    inst = two_stream_county()
    params = RoutingParams(engine="ortools", objective="distance", time_limit_s=30)
    result = solve(inst, params=params, progress=_interrupt_at_first)
    assert result.status == "interrupted"
    assert check(inst, result) == []
    served = {s for r in result.routes for s in r.stops}
    reasons = {u.stop: u.reason for u in result.unserved}
    assert served | set(reasons) == {s.id for s in inst.stops}
    kitchen = {s.id for s in inst.stops if s.stream is Stream.KITCHEN}
    # Components are searched in stream order: kitchen first, other second.
    other = {s.id for s in inst.stops if s.stream is Stream.OTHER}
    assert all(reasons[s] is UnservedReason.INTERRUPTED for s in other)
    assert not any(r is UnservedReason.NOT_ROUTED for r in reasons.values())
    assert kitchen & served or all(reasons[s] is UnservedReason.INTERRUPTED for s in kitchen)


def test_progress_counts_stops_planned_over_the_whole_plan() -> None:
    """Progress reports the part being searched and a planned-stop count that never falls."""
    inst = two_stream_county()
    seen: list[Progress] = []
    params = RoutingParams(engine="ortools", objective="distance", solution_limit=20)
    result = solve(inst, params=params, progress=seen.append)
    assert {p.num_parts for p in seen} == {2} and {p.part for p in seen} == {1, 2}
    planned = [p.num_planned for p in seen]
    assert planned == sorted(planned) and planned[-1] > 0
    assert all(p.num_stops == len(inst.stops) for p in seen)
    first = [p.best_objective for p in seen if p.part == 1]
    assert first == sorted(first, reverse=True)
    assert sum(len(r.stops) for r in result.routes) >= planned[-1]


def test_route_command_exits_130_and_writes_the_plan_when_interrupted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C during `route` keeps the plan on disk, labels unsearched stops, and exits 130."""
    county = tmp_path / "county"
    write_workbook(two_stream_county(), county)

    def show(self: ProgressLine, progress: Progress) -> None:
        _interrupt_at_first(progress)

    monkeypatch.setattr(ProgressLine, "__call__", show)
    out = tmp_path / "out"
    args = ["--lang", "zh", "route", str(county), "--out", str(out), "--engine", "ortools"]
    res = CliRunner().invoke(main, [*args, "--time-limit", "30"])
    assert res.exit_code == EXIT_INTERRUPTED, res.output
    assert "未规划：运行被中断" in res.output
    plan = read_solution_json(out / "solution.json")
    assert plan.status == "interrupted"
    assert any(u.reason is UnservedReason.INTERRUPTED for u in plan.unserved)


def test_progress_line_shows_the_part_and_the_stops_planned() -> None:
    """With several stream groups the progress line names the part and counts planned stops."""
    line = ProgressLine("zh", Objective.DISTANCE, every_s=0.0)
    runner = CliRunner()
    with runner.isolation() as (_, err, _):
        line(Progress(3.0, 12_000.0, 7, num_planned=5, num_stops=10, part=2, num_parts=2))
        text = err.getvalue().decode()
    assert "第 2/2 部分" in text and "已规划 5 / 10 个收集点" in text and "12.0 km" in text
