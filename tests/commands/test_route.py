"""End-to-end tests of ``countyopt route`` on a small county, in-process."""

from __future__ import annotations

import dataclasses
import json
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from optimizer.cli import main
from optimizer.commands import route as route_module
from optimizer.commands.common import EXIT_CHECK, EXIT_INFEASIBLE, EXIT_INPUT, EXIT_INTERRUPTED
from optimizer.evaluate import check
from optimizer.io.initial_routes import read_initial_routes
from optimizer.io.instance_json import write_instance_json
from optimizer.io.load import read_instance
from optimizer.io.solution import read_solution_json
from optimizer.model import Instance
from optimizer.routing.result import RoutingResult
from optimizer.routing.solve import vehicles_needed
from optimizer.routing.summary import compare

# A solution limit, not a time limit, keeps the search reproducible; OR-Tools
# alone reaches it fastest on this small county.
FAST = ["--engine", "ortools", "--solution-limit", "300", "--time-limit", "20", "--quiet"]
OUTPUTS = {"solution.json", "routes.csv", "routes.xlsx", "routes.geojson", "route_map.html"}


def _run(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def test_route_end_to_end(county_dir: Path, tmp_path: Path) -> None:
    """The command serves every stop once, passes the checker and writes every file."""
    out = tmp_path / "out"
    code, stdout, _ = _run("route", county_dir, "--out", out, *FAST)
    assert code == 0, stdout
    assert {p.name for p in out.iterdir()} == OUTPUTS
    instance = read_instance(county_dir)
    result = read_solution_json(out / "solution.json")
    served = Counter(s for r in result.routes for s in r.stops)
    assert sorted(served) == sorted(s.id for s in instance.stops)
    assert set(served.values()) == {1}
    assert check(instance, result) == []
    assert "Stops served: 10 of 10" in stdout
    assert "building matrices and model" in stdout and "search" in stdout
    need = vehicles_needed(instance, instance.stops)
    assert 1 <= need <= result.num_vehicles
    assert f"Fewest vehicles any plan needs (a lower bound): {need};" in stdout


def test_route_in_chinese(county_dir: Path, tmp_path: Path) -> None:
    """With --lang zh the summary is Chinese and the Excel sheets have Chinese headers."""
    out = tmp_path / "out"
    code, stdout, _ = _run("--lang", "zh", "route", county_dir, "--out", out, *FAST)
    assert code == 0, stdout
    assert "已收运收集点：10 / 10 个" in stdout and "耗时" in stdout
    assert "任何方案至少需要车辆（下限）：" in stdout
    book = openpyxl.load_workbook(out / "routes.xlsx", read_only=True)
    assert book.sheetnames[0] == "汇总"
    rows = list(book[book.sheetnames[1]].iter_rows(values_only=True))
    assert rows[1][0] == "车辆" and "到达 (HH:MM)" in rows[4]
    book.close()


def test_progress_shown_unless_quiet(county_dir: Path, tmp_path: Path) -> None:
    """Progress with elapsed time and best cost goes to stderr, and --quiet silences it."""
    args = ["route", county_dir, "--engine", "ortools", "--solution-limit", "50"]
    _, _, stderr = _run(*args, "--out", tmp_path / "a")
    assert " s   best " in stderr
    _, _, quiet = _run(*args, "--out", tmp_path / "b", "--quiet")
    assert quiet == ""


def test_improvement_over_todays_routes(county_dir: Path, tmp_path: Path) -> None:
    """Against a zig-zag day on three trucks, the report shows what the plan saves, correctly."""
    order = ["S00", "S09", "S01", "S08", "S02", "S07", "S03", "S06", "S04", "S05"]
    rows = ["vehicle,type,seq,stop"]
    trucks = [("A", "C3t-D"), ("B", "C3t-D"), ("E", "C2t-E")]
    for k, stop in enumerate(order):
        vehicle, vtype = trucks[k % 3]
        rows.append(f"{vehicle},{vtype},{k + 1},{stop}")
    routes_csv = tmp_path / "ROUTES.csv"
    routes_csv.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    code, stdout, _ = _run(
        "route", county_dir, "--out", out, "--initial", routes_csv, "--objective", "distance", *FAST
    )
    assert code == 0, stdout
    instance = read_instance(county_dir)
    today = read_initial_routes(routes_csv, instance, objective="distance")
    plan = read_solution_json(out / "solution.json")
    comparison = compare(instance, plan, today.result)
    assert "Against today's routes:" in stdout
    km = f"{today.result.distance_m / 1000:.1f} → {plan.distance_m / 1000:.1f}"
    assert f"km: {km}" in stdout
    assert f"vehicles: {today.result.num_vehicles} → {plan.num_vehicles}" in stdout
    assert comparison.distance_saved_m > 0
    assert comparison.vehicles_saved >= 1


def test_bad_initial_routes_exit_2(county_dir: Path, tmp_path: Path) -> None:
    """A routes file naming an unknown stop exits 2, naming the row, and writes nothing."""
    routes_csv = tmp_path / "ROUTES.csv"
    routes_csv.write_text("vehicle,type,seq,stop\nA,C3t-D,1,S99\n", encoding="utf-8")
    out = tmp_path / "out"
    code, _, stderr = _run("route", county_dir, "--out", out, "--initial", routes_csv, *FAST)
    assert code == EXIT_INPUT
    assert "row 2" in stderr and "'S99'" in stderr and "Traceback" not in stderr
    assert not out.exists()


def test_unreachable_scheduler_exits_2_before_solving(county_dir: Path, tmp_path: Path) -> None:
    """A --scheduler address no Dask scheduler answers at exits 2, naming the option; no output."""
    out = tmp_path / "out"
    code, _, stderr = _run("route", county_dir, "--out", out, "--scheduler", "no-port", *FAST)
    assert code == EXIT_INPUT
    assert "--scheduler" in stderr and "'no-port'" in stderr and "Traceback" not in stderr
    assert not out.exists()


def test_checker_violation_fails_loudly(
    county_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the engine returned a plan that breaks a rule, exit 4 and write nothing."""
    real_solve = route_module.solve

    def broken_solve(*args: object, **kwargs: object) -> RoutingResult:
        result = real_solve(*args, **kwargs)  # type: ignore[arg-type]
        first = result.routes[0]
        # Drop the first stop: it is then neither served nor reported unserved.
        visits = first.visits[:1] + first.visits[2:]
        return dataclasses.replace(
            result, routes=(dataclasses.replace(first, visits=visits), *result.routes[1:])
        )

    monkeypatch.setattr(route_module, "solve", broken_solve)
    out = tmp_path / "out"
    code, _, stderr = _run("route", county_dir, "--out", out, *FAST)
    assert code == EXIT_CHECK
    assert "internal error: checker found violations" in stderr
    assert not out.exists()


def test_nothing_servable_exits_3_with_diagnosis(kitchen_only_dir: Path, tmp_path: Path) -> None:
    """When no stop can be served (no truck carries kitchen waste), exit 3 with the reason."""
    out = tmp_path / "out"
    code, _, stderr = _run("route", kitchen_only_dir, "--out", out, *FAST)
    assert code == EXIT_INFEASIBLE
    assert "no vehicle type carries its stream" in stderr
    assert "S00" in stderr
    assert not out.exists()


def test_interrupted_search_keeps_best_plan(
    county_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A search stopped by Ctrl-C still writes its best plan and says it was interrupted."""
    real_solve = route_module.solve

    def interrupted_solve(*args: object, **kwargs: object) -> RoutingResult:
        result = real_solve(*args, **kwargs)  # type: ignore[arg-type]
        return dataclasses.replace(result, status="interrupted")

    monkeypatch.setattr(route_module, "solve", interrupted_solve)
    out = tmp_path / "out"
    code, stdout, _ = _run("route", county_dir, "--out", out, *FAST)
    assert code == EXIT_INTERRUPTED
    assert "Interrupted: best plan kept." in stdout
    assert json.loads((out / "solution.json").read_text(encoding="utf-8"))["status"] == (
        "interrupted"
    )


def test_missing_workbook_exit_2(tmp_path: Path) -> None:
    """A workbook path that does not exist is a usage error, not a traceback."""
    code, _, stderr = _run("route", tmp_path / "nowhere", "--out", tmp_path / "out")
    assert code == EXIT_INPUT
    assert "does not exist" in stderr


def test_ctrl_c_writes_best_plan(county_dir: Path, tmp_path: Path) -> None:
    """Ctrl-C during the search ends the run with the best plan written and checked."""
    out = tmp_path / "out"
    command = [
        sys.executable,
        "-c",
        "from optimizer.cli import main; main()",
        "route",
        str(county_dir),
        "--out",
        str(out),
        "--engine",
        "ortools",
        "--time-limit",
        "120",
    ]
    repo = Path(__file__).resolve().parents[2]
    with subprocess.Popen(
        command, cwd=repo, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as proc:
        assert proc.stderr is not None
        for line in proc.stderr:  # wait until the search has a plan
            if "solutions)" in line:
                break
        proc.send_signal(signal.SIGINT)
        stdout, _ = proc.communicate(timeout=60)
    assert proc.returncode == EXIT_INTERRUPTED, stdout
    assert "Interrupted: best plan kept." in stdout
    result = read_solution_json(out / "solution.json")
    assert result.status == "interrupted"
    assert check(read_instance(county_dir), result) == []


def test_planar_instance_skips_geojson_and_says_so(
    small_county_instance: Instance, tmp_path: Path
) -> None:
    """An instance in planar coordinates is routed; GeoJSON is skipped with a note."""
    planar = dataclasses.replace(small_county_instance, meta={"coord_sys": "planar"})
    source = tmp_path / "planar.json"
    write_instance_json(planar, source)
    out = tmp_path / "out"
    code, stdout, _ = _run("route", source, "--out", out, *FAST)
    assert code == 0, stdout
    assert {p.name for p in out.iterdir()} == OUTPUTS - {"routes.geojson"}
    assert "no routes.geojson" in stdout
