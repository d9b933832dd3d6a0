"""Run a county scenario end to end: solve in the chosen mode, diagnose, write tables and charts."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol

from optimizer.carbon.diagnose import Diagnosis, diagnose
from optimizer.carbon.objectives import TradeoffPoint, minimise_cost, minimise_emissions, tradeoff
from optimizer.carbon.report import (
    plot_pathway,
    plot_tradeoff,
    tables,
    tradeoff_table,
    write_csv,
    write_tables,
)
from optimizer.carbon.result import CarbonResult
from optimizer.carbon.scenario import (
    CO2,
    KG_PER_KT,
    YUAN_PER_MYUAN,
    CountyScenario,
    demo_scenario_path,
    read_scenario,
)
from optimizer.carbon.solve import SolveParams
from optimizer.i18n import Lang, tr


class DemoLike(Protocol):
    """What the carbon demo step needs from the demo's context."""

    out_dir: Path
    lang: Lang
    time_limit_s: float
    results: dict[str, object]


Objective = Literal["cost", "emissions"]
DEMO_LP_LIMIT_S = 120.0


@dataclass(frozen=True)
class CarbonRun:
    """What a run produced: the result (None if infeasible), a diagnosis, and files written."""

    scenario: CountyScenario
    result: CarbonResult | None
    diagnosis: Diagnosis | None
    tradeoff: list[TradeoffPoint] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)


def run_scenario(
    scenario: CountyScenario,
    out: Path,
    *,
    objective: Objective = "cost",
    budget_yuan: float | None = None,
    cap_t: float | None = None,
    tradeoff_points: int = 0,
    params: SolveParams | None = None,
    lang: Lang = "en",
) -> CarbonRun:
    """Solve ``scenario`` and write its tables and charts into ``out``.

    Parameters
    ----------
    scenario
        A compiled county scenario.
    out
        Output folder (created).
    objective
        ``cost`` (under ``cap_t`` and the scenario's CO2 pathway, if any) or
        ``emissions`` (within ``budget_yuan``).
    budget_yuan
        Limit on the total discounted cost, yuan.
    cap_t
        Limit on CO2 summed over the horizon, tonnes.
    tradeoff_points
        Also compute a cost-emissions curve with this many points (0: none).
    params
        Solver settings.
    lang
        Language of table headers and chart labels.

    """
    budget = None if budget_yuan is None else budget_yuan / YUAN_PER_MYUAN
    cap = None if cap_t is None else cap_t * 1000 / KG_PER_KT
    data = scenario.data
    pathway: dict[int, float] = {}
    if objective == "emissions":
        result = minimise_emissions(data, emission=CO2, budget=budget, params=params)
    else:
        pathway = {y: t * 1000 / KG_PER_KT for y, t in scenario.co2_pathway_t.items()}
        result = minimise_cost(data, emission=CO2, cap=cap, pathway=pathway, params=params)
    out.mkdir(parents=True, exist_ok=True)
    if not result.outcome.has_solution:
        why = diagnose(data, emission=CO2, cap=cap, pathway=pathway, budget=budget, params=params)
        return CarbonRun(scenario, None, why)
    frames = tables(scenario, result)
    files = write_tables(frames, out, lang=lang)
    files.append(plot_pathway(frames["by_year"], out, scenario.name, lang=lang))
    points: list[TradeoffPoint] = []
    if tradeoff_points >= 2:
        points = tradeoff(data, points=tradeoff_points, emission=CO2, params=params)
        table = tradeoff_table(points)
        files.append(write_csv(table, out / "carbon_tradeoff.csv", lang=lang))
        files.append(plot_tradeoff(points, out, lang=lang))
    return CarbonRun(scenario, result, None, points, files)


def demo_step(ctx: DemoLike) -> tuple[str, tuple[Path, ...]]:
    """Run the shipped demo county scenario at least cost for ``countyopt demo``.

    Returns the step's one-line message and the files written.
    """
    scenario = read_scenario(demo_scenario_path())
    # The demo's time limit paces the routing searches; the carbon LPs are solved
    # to optimality and take seconds, so their cap is never below DEMO_LP_LIMIT_S.
    params = SolveParams(time_limit_s=max(ctx.time_limit_s, DEMO_LP_LIMIT_S))
    run = run_scenario(scenario, ctx.out_dir / "carbon", params=params, lang=ctx.lang)
    ctx.results["carbon"] = run
    if run.result is None:
        detail = run.diagnosis.detail if run.diagnosis else ""
        raise RuntimeError(f"the demo carbon scenario has no feasible plan: {detail}")
    res = run.result
    cost = res.total_discounted_cost * YUAN_PER_MYUAN / 1e8
    co2 = res.emissions_total(CO2) * KG_PER_KT / 1e9  # Mt
    status = res.outcome.status
    status_zh = "已证明最优" if res.outcome.optimal else status
    return (
        tr(
            ctx.lang,
            f"least-cost plan {first_last(scenario)}: {cost:,.1f} hundred million yuan, "
            f"{co2:,.2f} Mt CO2 ({status}, build {res.outcome.build_s:.1f} s, "
            f"solve {res.outcome.solve_s:.1f} s)",
            f"{first_last(scenario)} 最低成本方案：{cost:,.1f} 亿元，"
            f"{co2:,.2f} 百万吨二氧化碳（{status_zh}，建模 {res.outcome.build_s:.1f} 秒，"
            f"求解 {res.outcome.solve_s:.1f} 秒）",
        ),
        tuple(run.files),
    )


def first_last(scenario: CountyScenario) -> str:
    """Return the planning horizon as ``first–last``."""
    years = scenario.data.years
    return f"{years[0]}–{years[-1]}"
