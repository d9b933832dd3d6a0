"""Rough edges found by using the CLI as a county user would, each pinned by a test."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner, Result

from optimizer.carbon.scenario import demo_scenario_path
from optimizer.cli import main
from optimizer.commands import plan as plan_module
from optimizer.commands import route as route_module
from optimizer.commands import site as site_module
from optimizer.commands.common import EXIT_INPUT, EXIT_INTERRUPTED
from optimizer.commands.route import ProgressLine
from optimizer.io.solution import read_solution_json
from optimizer.io.workbook import write_workbook
from optimizer.model import Instance
from optimizer.routing.params import Objective
from optimizer.routing.result import RoutingResult, UnservedReason
from optimizer.routing.solve import Progress

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "siting"))
from tiny_county import tiny_county

DATA = Path(__file__).resolve().parents[1] / "data" / "workbook"
FAST_ROUTE = ["--engine", "ortools", "--solution-limit", "50", "--time-limit", "10", "--quiet"]


def _invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def _files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


@pytest.fixture
def a_file(tmp_path: Path) -> Path:
    """Provide a plain file where a user might mistakenly point an output folder."""
    path = tmp_path / "notes.txt"
    path.write_text("not a folder\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "command",
    [
        ["route", DATA / "good", *FAST_ROUTE],
        ["site", DATA / "good"],
        ["plan", DATA / "good"],
        ["carbon", demo_scenario_path()],
        ["demo", "--time-limit", "1"],
        ["fleet", DATA / "good", "--time-limit", "1"],
    ],
    ids=["route", "site", "plan", "carbon", "demo", "fleet"],
)
def test_output_folder_inside_a_file_is_refused_before_solving(
    command: list[str | Path], a_file: Path, tmp_path: Path
) -> None:
    """An --out below a file exits 2 naming --out, with no traceback and nothing written."""
    before = _files_under(tmp_path)
    res = _invoke(*command, "--out", a_file / "out")
    assert res.exit_code == EXIT_INPUT, res.output
    assert "--out" in res.output and "is a file" in res.output
    assert "Traceback" not in res.output and not isinstance(res.exception, OSError)
    assert _files_under(tmp_path) == before


def test_map_output_inside_a_file_is_refused(a_file: Path, tmp_path: Path) -> None:
    """``map --out`` below a file exits 2 in Chinese too, and writes nothing."""
    solution = tmp_path / "solution.json"
    solution.write_text("{}", encoding="utf-8")
    res = _invoke(
        "--lang", "zh", "map", solution, "--instance", DATA / "good", "--out", a_file / "m.html"
    )
    assert res.exit_code == EXIT_INPUT, res.output
    assert "是一个文件" in res.output
    assert not (tmp_path / "m.html").exists()


def test_write_failure_is_reported_without_traceback(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A disk or permission error while writing exits 2 naming the path, not with a traceback."""

    def refuse(*args: object, **kwargs: object) -> list[Path]:
        raise PermissionError(13, "Permission denied", str(tmp_path / "out" / "routes.csv"))

    monkeypatch.setattr(route_module, "write_route_outputs", refuse)
    res = _invoke("--lang", "zh", "route", DATA / "good", "--out", tmp_path / "out", *FAST_ROUTE)
    assert res.exit_code == EXIT_INPUT, res.output
    assert "无法读取或写入" in res.output and "routes.csv" in res.output
    assert not isinstance(res.exception, OSError)
    assert not (tmp_path / "out").exists()


def test_chinese_input_problems_have_a_chinese_frame() -> None:
    """With --lang zh a bad cell is reported as 第 N 行 / 列 / 值为 / 应为, not in English words."""
    res = _invoke("--lang", "zh", "check", DATA / "stops_demand_not_numeric")
    assert res.exit_code == EXIT_INPUT
    assert "stops.csv，第 3 行，列 'demand_kg'：值为" in res.output
    assert "row 3" not in res.output and "expected" not in res.output


def test_renamed_non_excel_file_is_an_input_error(tmp_path: Path) -> None:
    """A text file named .xlsx exits 2 saying an Excel file was expected, without a traceback."""
    fake = tmp_path / "county.xlsx"
    fake.write_text("id,name\nS1,a\n", encoding="utf-8")
    res = _invoke("check", fake)
    assert res.exit_code == EXIT_INPUT, res.output
    assert "county.xlsx; expected an Excel .xlsx file" in res.output
    assert res.exception is None or isinstance(res.exception, SystemExit)


def test_progress_shows_the_running_total_with_its_unit() -> None:
    """The progress line shows the latest total (it grows as streams are solved) in yuan."""
    line = ProgressLine("en", Objective.COST, every_s=0.0)
    runner = CliRunner()
    with runner.isolation() as (_, err, _):
        line(Progress(0.1, 230.7, 1))
        line(Progress(5.0, 21_104.0, 15))
        text = err.getvalue().decode()
    assert "best 231 yuan" in text and "best 21,104 yuan" in text.splitlines()[-1]


def test_route_summary_states_why_the_search_stopped_in_chinese(tmp_path: Path) -> None:
    """The Chinese route summary says why the search stopped in words, not a status code."""
    res = _invoke("--lang", "zh", "route", DATA / "good", "--out", tmp_path / "o", *FAST_ROUTE)
    assert res.exit_code == 0, res.output
    assert "达到解的数量上限后停止" in res.output or "已找不到更优方案" in res.output
    assert "solution_limit" not in res.output and "local_optimum" not in res.output


def test_site_summary_is_fully_translated(tmp_path: Path) -> None:
    """The Chinese siting summary names site kinds and size classes in Chinese."""
    county = tmp_path / "county"
    write_workbook(tiny_county(), county)
    res = _invoke("--lang", "zh", "site", county, "--out", tmp_path / "o")
    assert res.exit_code == 0, res.output
    assert "转运站" in res.output and "收集运输：" in res.output
    for english in ("transfer，", "incinerator，", "existing", "collection_transport"):
        assert english not in res.output
    res_en = _invoke("site", county, "--out", tmp_path / "o2")
    assert "collection transport:" in res_en.output and "collection_transport" not in res_en.output


def test_ctrl_c_during_siting_exits_130_and_writes_nothing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Ctrl-C during a siting solve exits 130 with a short message, no traceback, no files."""

    def interrupted(*args: object, **kwargs: object) -> object:
        raise KeyboardInterrupt

    monkeypatch.setattr(site_module, "site_county", interrupted)
    county = tmp_path / "county"
    write_workbook(tiny_county(), county)
    res = _invoke("--lang", "zh", "site", county, "--out", tmp_path / "o")
    assert res.exit_code == EXIT_INTERRUPTED
    assert "已中断" in res.output
    assert not (tmp_path / "o").exists()


def test_carbon_verdict_is_translated(tmp_path: Path) -> None:
    """The Chinese carbon summary states the solver's verdict in Chinese, not "Optimal"."""
    res = _invoke("--lang", "zh", "carbon", demo_scenario_path(), "--out", tmp_path / "o")
    assert res.exit_code == 0, res.output
    assert "已证明最优" in res.output and "Optimal" not in res.output


def test_map_of_another_countys_plan_says_so_in_one_line(tmp_path: Path) -> None:
    """Mapping a plan over the wrong workbook exits 2 with one line naming both instances."""
    res = _invoke("route", DATA / "good", "--out", tmp_path / "plan", *FAST_ROUTE)
    assert res.exit_code == 0, res.output
    county = tmp_path / "county"
    write_workbook(tiny_county(), county)
    out = tmp_path / "m.html"
    res = _invoke("map", tmp_path / "plan" / "solution.json", "--instance", county, "--out", out)
    assert res.exit_code == EXIT_INPUT, res.output
    problems = [line for line in res.output.splitlines() if line.startswith("  - ")]
    assert len(problems) == 1 and "column 'instance'" in problems[0]
    assert not out.exists()


def test_chinese_siting_tables_have_chinese_headers_with_units(tmp_path: Path) -> None:
    """With --lang zh the siting CSV and Excel headers are Chinese with units, readable in Excel."""
    county = tmp_path / "county"
    write_workbook(tiny_county(), county)
    out = tmp_path / "o"
    res = _invoke("--lang", "zh", "site", county, "--out", out)
    assert res.exit_code == 0, res.output
    raw = (out / "siting_sites.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel needs the BOM to read UTF-8 Chinese
    header = raw.decode("utf-8-sig").splitlines()[0]
    assert header == "站点编号,规模等级,处理量 (吨/日),能力 (吨/日)"
    book = openpyxl.load_workbook(out / "siting.xlsx", read_only=True)
    assert book.sheetnames == ["站点", "分配", "转运", "费用", "转运站经济性"]
    first_row = next(book["分配"].iter_rows(max_row=1, values_only=True))
    assert first_row == ("收集点编号", "站点编号", "分配比例 (0-1)")


def test_scenario_type_errors_speak_a_planners_language(tmp_path: Path) -> None:
    """A text where the scenario needs a number says "a number" and shows the value once quoted."""
    text = demo_scenario_path().read_text(encoding="utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_text(
        text.replace("discount_rate = ", 'discount_rate = "abc" # ', 1), encoding="utf-8"
    )
    res = _invoke("carbon", bad, "--out", tmp_path / "o")
    assert res.exit_code == EXIT_INPUT, res.output
    assert "column 'county.discount_rate': got 'abc'; expected a number" in res.output
    assert "float" not in res.output
    assert not (tmp_path / "o").exists()


def test_plan_says_which_stops_stay_unserved_and_why(tmp_path: Path) -> None:
    """A stop too heavy for every truck is named with its reason in the plan's routing lines."""
    county = tiny_county()
    heavy = dataclasses.replace(county.stop("KW0"), demand_kg=20_000.0)
    stops = tuple(heavy if s.id == "KW0" else s for s in county.stops)
    folder = tmp_path / "county"
    write_workbook(dataclasses.replace(county, stops=stops), folder)
    res = _invoke(
        "--lang", "zh", "plan", folder, "--out", tmp_path / "o", "--route-time-limit", "2"
    )
    assert res.exit_code == 0, res.output
    assert "KW0: 产生量超过所有可收运该类垃圾车辆的容量" in res.output


def test_misplaced_siting_config_key_is_refused_with_its_home(tmp_path: Path) -> None:
    """A budget written outside [limits] exits 2 pointing to limits.budget_yuan, not ignored."""
    county = tmp_path / "county"
    write_workbook(tiny_county(), county)
    config = tmp_path / "county.toml"
    config.write_text("budget_yuan = 1_000_000\n", encoding="utf-8")
    res = _invoke("site", county, "--out", tmp_path / "o", "--config", config)
    assert res.exit_code == EXIT_INPUT, res.output
    assert "column 'budget_yuan'; expected the key under its table: limits.budget_yuan" in (
        res.output
    )
    assert not (tmp_path / "o").exists()


def test_valid_siting_config_keys_are_still_accepted(tmp_path: Path) -> None:
    """Limits, custom size classes and per-kind treatment fees pass the unknown-key check."""
    county = tmp_path / "county"
    write_workbook(tiny_county(), county)
    config = tmp_path / "county.toml"
    config.write_text(
        "[limits]\nbudget_yuan = 5e8\nmax_haul_km = 80\n"
        "[[station.size_class]]\nname = 'X'\ncapacity_t_per_day = 900\n"
        "capital_yuan = 1e7\nfixed_yuan_per_year = 1e5\n"
        "[treatment_yuan_per_t]\nincinerator = 90.0\n",
        encoding="utf-8",
    )
    res = _invoke("site", county, "--out", tmp_path / "o", "--config", config)
    assert res.exit_code == 0, res.output
    assert "budget 500,000,000 yuan" in res.output


def test_ctrl_c_in_plan_stops_all_routing_not_just_one_site(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Ctrl-C during the first site's routing exits 130 and starts no further site's search."""
    calls: list[str] = []
    real_solve = plan_module.solve

    def interrupted_solve(instance: Instance, **kwargs: Any) -> RoutingResult:
        calls.append(instance.name)
        return dataclasses.replace(real_solve(instance, **kwargs), status="interrupted")

    monkeypatch.setattr(plan_module, "solve", interrupted_solve)
    county = tmp_path / "county"
    write_workbook(tiny_county(), county)
    out = tmp_path / "o"
    res = _invoke("plan", county, "--out", out, "--route-time-limit", "2")
    assert res.exit_code == EXIT_INTERRUPTED, res.output
    assert len(calls) == 1 and "Interrupted: routes kept so far." in res.output
    plan = read_solution_json(out / "routing" / "solution.json")
    assert plan.status == "interrupted"
    reasons = {u.reason for u in plan.unserved}
    assert reasons == {UnservedReason.INTERRUPTED}
