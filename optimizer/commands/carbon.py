"""``countyopt carbon``: plan a county's carbon cuts from a scenario TOML file."""

from __future__ import annotations

from pathlib import Path

import click

from optimizer.carbon.objectives import minimise_cost, minimise_emissions
from optimizer.carbon.pipeline import run_scenario
from optimizer.carbon.scenario import KG_PER_KT, YUAN_PER_MYUAN, CountyScenario, read_scenario
from optimizer.carbon.solve import SOLVERS, SolveParams
from optimizer.commands.common import (
    EXIT_CHECK,
    EXIT_INFEASIBLE,
    check_writable,
    lang_of,
    reports_input_errors,
)
from optimizer.i18n import Lang, tr
from optimizer.io.load import carbon_format, read_energy_data
from optimizer.io.osemosys_output import objective_summary, write_osemosys_outputs
from optimizer.native_output import native_stdout_silenced


def solve_osemosys(
    ctx: click.Context, path: Path, out_dir: Path, objective: str, params: SolveParams
) -> None:
    """Solve an OSeMOSYS model as its file states it; write and summarise the plan."""
    lang = lang_of(ctx)
    data = read_energy_data(path)
    emissions = data.sets["EMISSION"]
    if objective == "emissions":
        if "CO2" not in emissions:
            raise click.UsageError(f"{path} has no emission named CO2 to minimise")
        with native_stdout_silenced():
            result = minimise_emissions(data, emission="CO2", params=params)
    else:
        with native_stdout_silenced():
            result = minimise_cost(data, params=params)
    if not result.outcome.has_solution:
        click.echo(
            tr(lang, f"No plan: {result.outcome.status}.", f"无方案：{result.outcome.status}。"),
            err=True,
        )
        ctx.exit(EXIT_INFEASIBLE)
        return
    files = write_osemosys_outputs(data, result, out_dir)
    summary = objective_summary(data, result)
    o = result.outcome
    click.echo(tr(lang, f"Solver {o.solver}: {o.status}", f"求解器 {o.solver}：{o.status}"))
    click.echo(
        tr(
            lang,
            f"Total discounted cost {summary['total_discounted_cost']:.10g} in the model's unit "
            f"(recomputed from the plan: {summary['recomputed_total_discounted_cost']:.10g})",
            f"折现总成本 {summary['total_discounted_cost']:.10g}（模型自身单位；"
            f"由方案重新计算：{summary['recomputed_total_discounted_cost']:.10g}）",
        )
    )
    click.echo(
        tr(
            lang,
            f"Wrote {len(files)} files to {out_dir}",
            f"已写出 {len(files)} 个文件到 {out_dir}",
        )
    )
    if not summary["recheck_ok"]:
        click.echo("internal error: the recomputed cost differs from the LP's objective", err=True)
        ctx.exit(EXIT_CHECK)


_SECTOR_ZH = {"sanitation": "环卫", "waste": "垃圾处理"}


def link_lines(scenario: CountyScenario, lang: Lang) -> list[str]:
    """Return where linked sectors took their activity, and which factors are estimates."""
    lines = [
        tr(
            lang,
            f"{sector} activity from {source}",
            f"{_SECTOR_ZH.get(sector, sector)}活动数据来自 {source}",
        )
        for sector, source in scenario.links.items()
    ]
    if "incinerated_t" in scenario.activity or "landfilled_t" in scenario.activity:
        lines.append(
            tr(
                lang,
                "Waste factors: the carbon content and fossil share of the waste and the "
                "landfill's degradable carbon are estimates (optimizer/data/emission_factors.csv).",
                "垃圾处理排放因子中，垃圾含碳率、化石碳比例和填埋可降解有机碳为估计值"
                "（见 optimizer/data/emission_factors.csv）。",
            )
        )
    return lines


@click.command("carbon")
@click.argument("scenario", type=click.Path(exists=True, path_type=Path), metavar="INPUT")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder for tables and charts.",
)
@click.option(
    "--objective",
    type=click.Choice(["cost", "emissions"]),
    default="cost",
    show_default=True,
    help="Minimise total discounted cost, or CO2 within --budget.",
)
@click.option(
    "--budget",
    type=click.FloatRange(min=0),
    default=None,
    help="Budget: total discounted cost in yuan (with --objective emissions).",
)
@click.option(
    "--cap",
    type=click.FloatRange(min=0),
    default=None,
    help="Cap on CO2 over the horizon, in tonnes (with --objective cost).",
)
@click.option(
    "--tradeoff",
    "tradeoff_points",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Also compute a cost-emissions curve with N points (N ≥ 2), in parallel processes.",
)
@click.option(
    "--solver",
    type=click.Choice(list(SOLVERS)),
    default="highs",
    show_default=True,
    help="LP solver (through PuLP).",
)
@click.option(
    "--write-lp", is_flag=True, help="Also write the model as carbon_model.lp into --out."
)
@click.option(
    "--time-limit",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    help="Solver time limit per solve, in seconds.",
)
@click.pass_context
@reports_input_errors
def carbon_command(
    ctx: click.Context,
    scenario: Path,
    out_dir: Path,
    objective: str,
    budget: float | None,
    cap: float | None,
    tradeoff_points: int,
    solver: str,
    write_lp: bool,
    time_limit: float | None,
) -> None:
    """Find the cheapest plan under a CO2 cap, or the lowest CO2 within a budget.

    INPUT is a county scenario (.toml), or an OSeMOSYS model: a GNU MathProg
    data file (such as utopia.txt) or an otoole CSV folder. An OSeMOSYS model
    is solved as the file states it (least cost, or least CO2 with
    --objective emissions), in the file's names and units; its plan is
    written as carbon_objective.json (with the cost recomputed independently)
    and CSV tables.
    """
    lang = lang_of(ctx)
    if tradeoff_points == 1:
        raise click.BadParameter("a curve needs at least 2 points", param_hint="--tradeoff")
    if budget is not None and objective != "emissions":
        raise click.UsageError("--budget applies to --objective emissions")
    if cap is not None and objective != "cost":
        raise click.UsageError("--cap applies to --objective cost")
    check_writable(out_dir, "--out")
    if carbon_format(scenario) != "scenario":
        if budget is not None or cap is not None or tradeoff_points or write_lp:
            raise click.UsageError(
                "--budget, --cap, --tradeoff and --write-lp apply to county scenarios (.toml)"
            )
        solve_osemosys(
            ctx,
            scenario,
            out_dir,
            objective,
            SolveParams(solver="cbc" if solver == "cbc" else "highs", time_limit_s=time_limit),
        )
        return
    compiled = read_scenario(scenario)
    out_dir.mkdir(parents=True, exist_ok=True)
    params = SolveParams(
        solver="cbc" if solver == "cbc" else "highs",
        time_limit_s=time_limit,
        write_lp=out_dir / "carbon_model.lp" if write_lp else None,
    )
    with native_stdout_silenced():
        run = run_scenario(
            compiled,
            out_dir,
            objective="emissions" if objective == "emissions" else "cost",
            budget_yuan=budget,
            cap_t=cap,
            tradeoff_points=tradeoff_points,
            params=params,
            lang=lang,
        )
    if run.result is None:
        why = run.diagnosis
        click.echo(tr(lang, "No feasible plan.", "无可行方案。"), err=True)
        if why is not None and why.reachable is not None and why.cause == "cap_below_reachable":
            t = why.reachable * KG_PER_KT / 1000
            message = tr(
                lang,
                f"  The cap ({cap:,.0f} t) is below the lowest CO2 the measures can reach."
                f"\n  Lowest reachable CO2: {t:,.0f} t",
                f"  排放上限（{cap:,.0f} 吨）低于现有措施可达到的最低排放。"
                f"\n  可达到的最低二氧化碳排放：{t:,.0f} 吨",
            )
        elif (
            why is not None and why.reachable is not None and why.cause == "pathway_below_reachable"
        ):
            t = why.reachable * KG_PER_KT / 1000
            message = tr(
                lang,
                f"  The CO2 pathway cannot be met in {why.year}."
                f"\n  Lowest reachable CO2 in {why.year}: {t:,.0f} t",
                f"  {why.year} 年的排放路径无法实现。"
                f"\n  {why.year} 年可达到的最低二氧化碳排放：{t:,.0f} 吨",
            )
        elif why is not None and why.reachable is not None and why.cause == "budget_below_cheapest":
            y = why.reachable * YUAN_PER_MYUAN
            message = tr(
                lang,
                f"  The budget is below the cheapest plan: {y:,.0f} yuan",
                f"  预算低于最低成本方案：{y:,.0f} 元",
            )
        else:
            message = f"  {why.detail}" if why is not None else ""
        click.echo(message, err=True)
        ctx.exit(EXIT_INFEASIBLE)
        return
    res = run.result
    o = res.outcome
    cost = res.total_discounted_cost * YUAN_PER_MYUAN
    co2 = res.emissions_total("CO2") * KG_PER_KT / 1000
    synthetic = tr(lang, " (synthetic data)", "（合成数据）") if compiled.synthetic else ""
    click.echo(f"{compiled.name}{synthetic}")
    # The solver's own status words are kept in English (they name the solver's
    # state exactly); only the verdict a planner needs is translated.
    verdict_zh = "已证明最优" if o.optimal else o.status
    click.echo(tr(lang, f"Solver {o.solver}: {o.status}", f"求解器 {o.solver}：{verdict_zh}"))
    if not o.optimal:
        click.echo(tr(lang, "  Warning: not proven optimal.", "  警告：未证明最优。"))
    click.echo(
        tr(
            lang,
            f"Total discounted cost: {cost / 1e8:,.2f} hundred million yuan",
            f"折现总成本：{cost / 1e8:,.2f} 亿元",
        )
    )
    click.echo(
        tr(lang, f"CO2 over the horizon: {co2:,.0f} t", f"规划期二氧化碳排放：{co2:,.0f} 吨")
    )
    for line in link_lines(compiled, lang):
        click.echo(line)
    click.echo(
        tr(
            lang,
            f"Build {o.build_s:.1f} s, solve {o.solve_s:.1f} s",
            f"建模 {o.build_s:.1f} 秒，求解 {o.solve_s:.1f} 秒",
        )
    )
    click.echo(
        tr(
            lang,
            f"Wrote {len(run.files)} files to {out_dir}",
            f"已写出 {len(run.files)} 个文件到 {out_dir}",
        )
    )
