"""``countyopt map``: a solution file and its workbook in, an HTML map out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from maps_fixtures import page_layers, points

from optimizer.cli import main
from optimizer.io.siting_output import write_siting
from optimizer.io.solution import write_solution_json
from optimizer.io.workbook import write_workbook
from optimizer.model import Instance
from optimizer.routing.result import RoutingResult
from optimizer.siting.result import Decision, Flow, SitingResult, SolveStatus


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


def _map(*args: str) -> Result:
    return CliRunner().invoke(main, ["map", *args])


def test_same_file_names_in_two_folders_are_told_apart(files, tmp_path):
    """Two plans both called solution.json are named by their folders, not both "solution"."""
    workbook, solution = files
    for folder in ("today", "optimised"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "solution.json").write_bytes(solution.read_bytes())
    out = tmp_path / "cmp.html"
    run = _map(
        str(tmp_path / "today" / "solution.json"),
        "--instance",
        str(workbook),
        "--compare",
        str(tmp_path / "optimised" / "solution.json"),
        "--out",
        str(out),
    )
    assert run.exit_code == 0, run.output
    names = list(page_layers(out.read_text(encoding="utf-8")))
    assert any(n.startswith("today/solution · ") for n in names)
    assert any(n.startswith("optimised/solution · ") for n in names)


def test_names_option_labels_the_two_plans(files, tmp_path):
    """`--names A,B` labels the layers of the two plans; a malformed value exits 2."""
    workbook, solution = files
    out = tmp_path / "cmp.html"
    base = [str(solution), "--instance", str(workbook), "--compare", str(solution)]
    run = _map(*base, "--names", "现状,优化后", "--out", str(out))
    assert run.exit_code == 0, run.output
    names = list(page_layers(out.read_text(encoding="utf-8")))
    assert any(n.startswith("现状 · ") for n in names)
    assert any(n.startswith("优化后 · ") for n in names)
    bad = _map(*base, "--names", "only-one", "--out", str(out))
    assert bad.exit_code == 2 and "--names" in bad.output


def test_map_command_draws_a_siting_json(instance, files, tmp_path):
    """`map siting.json` recognises a siting result and draws opened stations and areas."""
    workbook, _ = files
    decision = Decision(
        open={"T1": "existing"},
        assignment={"S1": {"T1": 1.0}, "S2": {"T1": 1.0}},
        flows=(Flow("T1", "I1", "other", 1_400.0),),
    )
    siting = SitingResult(instance.name, SolveStatus.OPTIMAL, decision, 1.0, 1.0, 0.0)
    write_siting(siting, tmp_path / "site")
    out = tmp_path / "siting.html"
    siting_json = str(tmp_path / "site" / "siting.json")
    run = _map(siting_json, "--instance", str(workbook), "--out", str(out))
    assert run.exit_code == 0, run.output
    layers = page_layers(out.read_text(encoding="utf-8"))
    assert "Opened stations (1)" in layers and "Service areas" in layers
    assert len(points(layers["Service areas"])) == 2
    refused = _map(
        siting_json,
        "--instance",
        str(workbook),
        "--compare",
        siting_json,
        "--out",
        str(out),
    )
    assert refused.exit_code == 2 and "siting" in refused.output


def test_damaged_siting_json_is_reported_by_field(files, tmp_path):
    """A siting.json naming an unknown station or missing a field exits 2 naming the field."""
    workbook, _ = files
    doc = {
        "instance": "Test county <测试县>",
        "status": "optimal",
        "open_sites": {"GHOST": "large"},
        "assignment": {"S1": {"GHOST": 1.0}},
        "flows_kg_per_day": [],
        "costs_yuan_per_year": {},
        "co2_kg_per_year": {},
        "load_kg_per_day": {},
        "capacity_kg_per_day": {},
    }
    bad = tmp_path / "siting.json"
    bad.write_text(json.dumps(doc), encoding="utf-8")
    run = _map(str(bad), "--instance", str(workbook), "--out", str(tmp_path / "m.html"))
    assert run.exit_code == 2 and "GHOST" in run.output
    del doc["status"]
    bad.write_text(json.dumps(doc), encoding="utf-8")
    run = _map(str(bad), "--instance", str(workbook), "--out", str(tmp_path / "m.html"))
    assert run.exit_code == 2 and "status" in run.output
    assert not (tmp_path / "m.html").exists()
