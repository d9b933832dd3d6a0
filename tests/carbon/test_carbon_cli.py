"""The ``countyopt carbon`` command: files, bilingual summary, exit codes."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from optimizer.cli import main
from optimizer.commands.common import EXIT_INFEASIBLE, EXIT_INPUT


def test_carbon_command_writes_tables_and_charts(tiny_county_path: Path, tmp_path: Path) -> None:
    """A least-cost run writes CSV and Excel tables and a pathway PNG, and reports the status."""
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["carbon", str(tiny_county_path), "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "Optimal" in res.output
    for name in ("carbon_by_year.csv", "carbon_by_sector.csv", "carbon_by_measure.csv"):
        assert (out / name).stat().st_size > 0
    assert (out / "carbon_results.xlsx").exists()
    assert (out / "carbon_pathway.png").read_bytes().startswith(b"\x89PNG")
    header = (out / "carbon_by_year.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert header == "year,co2_t"


def test_carbon_command_speaks_chinese_and_writes_the_lp(
    tiny_county_path: Path, tmp_path: Path
) -> None:
    """With --lang zh the summary is in Chinese, and --write-lp writes the named LP."""
    out = tmp_path / "out"
    args = ["--lang", "zh", "carbon", str(tiny_county_path), "--out", str(out), "--write-lp"]
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 0, res.output
    assert "折现总成本" in res.output
    assert "EBa11_EnergyBalanceEachTS5" in (out / "carbon_model.lp").read_text(encoding="utf-8")
    header = (out / "carbon_by_year.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert header == "年份,二氧化碳排放 (t)"
    book = openpyxl.load_workbook(out / "carbon_results.xlsx", read_only=True)
    assert "逐年排放" in book.sheetnames
    book.close()


def test_solver_banner_never_reaches_the_console(
    tiny_county_path: Path, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """HiGHS writes its banner to descriptor 1 from C++; the carbon command keeps it off."""
    res = CliRunner().invoke(main, ["carbon", str(tiny_county_path), "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    assert "HiGHS" not in capfd.readouterr().out


def test_unreachable_cap_exits_with_a_diagnosis(tiny_county_path: Path, tmp_path: Path) -> None:
    """A cap below what the measures reach exits with code 3 and states the lowest reachable CO2."""
    args = ["carbon", str(tiny_county_path), "--out", str(tmp_path / "o"), "--cap", "1"]
    res = CliRunner().invoke(main, args)
    assert res.exit_code == EXIT_INFEASIBLE
    assert "Lowest reachable CO2" in res.output


def test_bad_scenario_exits_with_input_error(tmp_path: Path) -> None:
    """A scenario missing its county section exits with code 2 and names the key."""
    bad = tmp_path / "bad.toml"
    bad.write_text("[time]\nfirst_year = 2025\nlast_year = 2025\n", encoding="utf-8")
    res = CliRunner().invoke(main, ["carbon", str(bad), "--out", str(tmp_path / "o")])
    assert res.exit_code == EXIT_INPUT
    assert "county.name" in res.output


def test_options_that_would_be_ignored_are_refused(tiny_county_path: Path, tmp_path: Path) -> None:
    """A budget with least cost, a cap with least CO2, or a one-point curve is refused."""
    base = ["carbon", str(tiny_county_path), "--out", str(tmp_path / "o")]
    for extra in (
        ["--budget", "1e9"],
        ["--objective", "emissions", "--cap", "5"],
        ["--tradeoff", "1"],
    ):
        res = CliRunner().invoke(main, base + extra)
        assert res.exit_code == 2, extra
        assert not (tmp_path / "o" / "carbon_summary.csv").exists()


def test_unreachable_pathway_year_is_diagnosed(tiny_county_path: Path, tmp_path: Path) -> None:
    """A pathway year below what the measures can reach exits with code 3 naming that year."""
    scenario = tmp_path / "pathway.toml"
    text = tiny_county_path.read_text(encoding="utf-8")
    scenario.write_text(text + '\n[policy]\nco2_pathway_t = { "2026" = 1.0 }\n', encoding="utf-8")
    res = CliRunner().invoke(main, ["carbon", str(scenario), "--out", str(tmp_path / "o")])
    assert res.exit_code == EXIT_INFEASIBLE
    assert "Lowest reachable CO2 in 2026" in res.output
