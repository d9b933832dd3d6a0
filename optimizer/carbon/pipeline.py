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


#: Where the demo's earlier steps leave the results the carbon scenario links to,
#: relative to the carbon folder.
DEMO_LINKS = {
    "sanitation": ("../fleet/fleet.json", "from_result"),
    "waste": ("../siting/siting.json", "from_siting"),
}


def linked_demo_scenario(carbon_dir: Path) -> Path:
    """Write the demo scenario into ``carbon_dir``, linked to the fleet and siting results found.

    The shipped scenario's typed sanitation km and trucks give way to the
    demo's ``fleet.json`` (its chosen scenario), and the incinerators of its
    ``siting.json`` feed the waste sector.
    """
    from optimizer.io.atomic import write_text_atomic

    text = demo_scenario_path().read_text(encoding="utf-8").rstrip("\n") + "\n"
    for section, (rel, key) in DEMO_LINKS.items():
        if (carbon_dir / rel).is_file():
            text += f'\n# Linked by countyopt demo.\n[{section}]\n{key} = "{rel}"\n'
    path = carbon_dir / demo_scenario_path().name
    write_text_atomic(path, text)
    return path


def link_row(
    scenario: CountyScenario, result: CarbonResult, *, fleet: bool, plant: bool
) -> dict[str, object]:
    """Return one row of ``carbon_links.csv``: a variant's CO2 and its linked activity."""
    first = scenario.data.years[0]
    act = scenario.activity
    co2_first = sum(
        v for (_, e, y), v in result.annual_emissions.items() if e == CO2 and int(y) == first
    )
    return {
        "electric_fleet": fleet,
        "incinerator": plant,
        "co2_t": round(result.emissions_total(CO2) * KG_PER_KT / 1000, 1),
        "co2_t_first_year": round(co2_first * KG_PER_KT / 1000, 1),
        "sanitation_km_per_year": round(act.get("sanitation_km", 0.0), 1),
        "electric_sanitation_trucks": int(act.get("electric_sanitation_trucks", 0)),
        "incinerated_t_per_year": round(act.get("incinerated_t", 0.0), 1),
        "waste_co2e_t_per_year": round(act.get("waste_co2e_t", 0.0), 1),
    }


def with_and_without(
    path: Path,
    params: SolveParams,
    *,
    variants: tuple[tuple[bool, bool], ...] = ((False, False), (True, False), (True, True)),
) -> list[dict[str, object]]:
    """Return the least-cost CO2 of the linked scenario with and without fleet and incinerator.

    ``variants`` are (electric fleet, incinerator) pairs. "Without the electric
    fleet" drives today's fleet (scenario ``today`` of the fleet study);
    "without the incinerator" sends the same waste to landfill. The default
    three give each link's effect on top of the other's absence.
    """
    import tomllib

    from optimizer.carbon.scenario import scenario_from_dict

    tree = tomllib.loads(path.read_text(encoding="utf-8"))
    rows = []
    for fleet, plant in variants:
        if ("sanitation" not in tree and fleet) or ("waste" not in tree and plant):
            continue
        variant = {k: dict(v) if isinstance(v, dict) else v for k, v in tree.items()}
        if "sanitation" in variant and not fleet:
            variant["sanitation"]["scenario"] = "today"
        if "waste" in variant:
            variant["waste"]["incineration"] = plant
        scenario = scenario_from_dict(variant, source=str(path))
        result = minimise_cost(scenario.data, emission=CO2, params=params)
        if not result.outcome.has_solution:
            raise RuntimeError(f"no least-cost plan for a linked variant: {result.outcome.status}")
        rows.append(link_row(scenario, result, fleet=fleet, plant=plant))
    return rows


def demo_step(ctx: DemoLike) -> tuple[str, tuple[Path, ...]]:
    """Run the demo county scenario, linked to the demo's fleet and siting, at least cost.

    Also solves it without the electrified fleet and without the incinerator
    and writes the comparison as ``carbon_links.csv``. Returns the step's
    one-line message and the files written.
    """
    out = ctx.out_dir / "carbon"
    out.mkdir(parents=True, exist_ok=True)
    path = linked_demo_scenario(out)
    scenario = read_scenario(path)
    # The demo's time limit paces the routing searches; the carbon LPs are solved
    # to optimality and take seconds, so their cap is never below DEMO_LP_LIMIT_S.
    params = SolveParams(time_limit_s=max(ctx.time_limit_s, DEMO_LP_LIMIT_S))
    run = run_scenario(scenario, out, params=params, lang=ctx.lang)
    ctx.results["carbon"] = run
    if run.result is None:
        detail = run.diagnosis.detail if run.diagnosis else ""
        raise RuntimeError(f"the demo carbon scenario has no feasible plan: {detail}")
    # The linked run is (fleet, incinerator); two more runs separate their effects.
    rows = with_and_without(path, params, variants=((False, False), (True, False)))
    rows.append(
        link_row(
            scenario,
            run.result,
            fleet="sanitation" in scenario.links,
            plant="waste" in scenario.links,
        )
    )
    import pandas as pd

    links = write_csv(pd.DataFrame(rows), out / "carbon_links.csv", lang=ctx.lang)
    res = run.result
    cost = res.total_discounted_cost * YUAN_PER_MYUAN / 1e8
    co2 = res.emissions_total(CO2) * KG_PER_KT / 1e9  # Mt
    status = res.outcome.status
    status_zh = "已证明最优" if res.outcome.optimal else status
    by = {(bool(r["electric_fleet"]), bool(r["incinerator"])): float(str(r["co2_t"])) for r in rows}
    effects_en, effects_zh = [], []
    if (False, False) in by and (True, False) in by:
        kt = (by[False, False] - by[True, False]) / 1000
        effects_en.append(
            f"without the electric fleet and the incinerator {by[False, False] / 1e6:,.3f} Mt; "
            f"the electric fleet saves {kt:,.1f} kt"
        )
        effects_zh.append(
            f"无电动车队和焚烧厂时 {by[False, False] / 1e6:,.3f} 百万吨；"
            f"电动车队减排 {kt:,.1f} 千吨"
        )
    if (True, False) in by and (True, True) in by:
        kt = (by[True, False] - by[True, True]) / 1000
        effects_en.append(f"the incinerator {kt:,.1f} kt (vs landfill)")
        effects_zh.append(f"焚烧厂减排 {kt:,.1f} 千吨（相对填埋）")
    return (
        tr(
            ctx.lang,
            f"least-cost plan {first_last(scenario)}: {cost:,.1f} hundred million yuan, "
            f"{co2:,.3f} Mt CO2 ({status}, build {res.outcome.build_s:.1f} s, "
            f"solve {res.outcome.solve_s:.1f} s)" + "".join("; " + e for e in effects_en),
            f"{first_last(scenario)} 最低成本方案：{cost:,.1f} 亿元，"
            f"{co2:,.3f} 百万吨二氧化碳（{status_zh}，建模 {res.outcome.build_s:.1f} 秒，"
            f"求解 {res.outcome.solve_s:.1f} 秒）" + "".join("；" + e for e in effects_zh),
        ),
        (*run.files, links, path),
    )


def first_last(scenario: CountyScenario) -> str:
    """Return the planning horizon as ``first–last``."""
    years = scenario.data.years
    return f"{years[0]}–{years[-1]}"
