"""``countyopt map``: a solution file and its workbook in, an HTML map out."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from maps_fixtures import page_layers

from optimizer.cli import main
from optimizer.io.solution import write_solution_json
from optimizer.io.workbook import write_workbook
from optimizer.model import Instance
from optimizer.routing.result import RoutingResult


@pytest.fixture
def files(instance: Instance, result: RoutingResult, tmp_path: Path) -> tuple[Path, Path]:
    """Write the small county as a workbook folder and its plan as solution.json."""
    workbook = tmp_path / "county"
    write_workbook(instance, workbook)
    solution = write_solution_json(result, instance, tmp_path / "solution.json")
    return workbook, solution


def test_map_command_writes_offline_chinese_map(files, tmp_path):
    """`--lang zh map … --offline` writes a self-contained map with one layer per vehicle."""
    workbook, solution = files
    out = tmp_path / "out" / "map.html"
    run = CliRunner().invoke(
        main,
        [
            "--lang",
            "zh",
            "map",
            str(solution),
            "--instance",
            str(workbook),
            "--offline",
            "--out",
            str(out),
        ],
    )
    assert run.exit_code == 0, run.output
    assert "地图已写入" in run.output
    page = out.read_text(encoding="utf-8")
    assert '<script src="http' not in page
    assert len([n for n in page_layers(page) if "C8#" in n]) == 2


def test_map_command_compares_two_solutions(files, tmp_path):
    """`--compare` draws both plans, each vehicle a layer named after its file."""
    workbook, solution = files
    other = tmp_path / "optimised.json"
    other.write_bytes(solution.read_bytes())
    out = tmp_path / "cmp.html"
    run = CliRunner().invoke(
        main,
        [
            "map",
            str(solution),
            "--instance",
            str(workbook),
            "--compare",
            str(other),
            "--out",
            str(out),
        ],
    )
    assert run.exit_code == 0, run.output
    names = list(page_layers(out.read_text(encoding="utf-8")))
    assert len([n for n in names if "solution · C8#" in n]) == 2
    assert len([n for n in names if "optimised · C8#" in n]) == 2


def test_map_command_reports_missing_solution(files, tmp_path):
    """A missing solution file is reported with its name and exit code 2, without a traceback."""
    workbook, _ = files
    run = CliRunner().invoke(
        main,
        [
            "map",
            str(tmp_path / "nope.json"),
            "--instance",
            str(workbook),
            "--out",
            str(tmp_path / "m.html"),
        ],
    )
    assert run.exit_code == 2
    assert "nope.json" in run.output and "Traceback" not in run.output
    assert not (tmp_path / "m.html").exists()


def test_map_command_reports_plan_of_another_instance(files, instance, tmp_path):
    """A plan that visits ids the workbook lacks is reported id by id with exit code 2."""
    workbook, solution = files
    text = solution.read_text(encoding="utf-8").replace('"S1"', '"GHOST"')
    bad = tmp_path / "bad.json"
    bad.write_text(text, encoding="utf-8")
    run = CliRunner().invoke(
        main, ["map", str(bad), "--instance", str(workbook), "--out", str(tmp_path / "m.html")]
    )
    assert run.exit_code == 2, run.output
    assert "GHOST" in run.output


def test_map_command_refuses_offline_tiles(files, tmp_path):
    """Asking for tiles on an offline map is a usage error that explains why."""
    workbook, solution = files
    run = CliRunner().invoke(
        main,
        [
            "map",
            str(solution),
            "--instance",
            str(workbook),
            "--offline",
            "--basemap",
            "osm",
            "--out",
            str(tmp_path / "m.html"),
        ],
    )
    assert run.exit_code == 2
    assert "offline" in run.output
