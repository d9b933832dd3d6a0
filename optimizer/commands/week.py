"""``countyopt week``: plan a repeating week of collection (visiting days and daily routes)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import click

from optimizer.commands.common import (
    ENGINE_OPTION,
    EXIT_INFEASIBLE,
    check_writable,
    exit_on_violations,
    lang_of,
    reports_input_errors,
)
from optimizer.i18n import Lang, Text, tr
from optimizer.io.errors import InputError, InputProblem
from optimizer.io.load import read_instance
from optimizer.model import Instance, InstanceError, ModelError
from optimizer.model import check as check_instance
from optimizer.periodic.check import WeekViolation, check_week
from optimizer.periodic.model import WeekInstance, day_name
from optimizer.periodic.output import write_week_outputs
from optimizer.periodic.result import WeekResult
from optimizer.periodic.rules import week_from_instance
from optimizer.periodic.solve import WeekParams, WeekProgress, independent_days, solve_week
from optimizer.routing.params import Objective

MAX_LISTED = 20


def load_week(source: Path, days: int) -> WeekInstance:
    """Read a workbook (or a PVRP-IF file) as a week; bad week rules become input errors."""
    if source.suffix.lower() == ".geojson":
        from optimizer.io.pvrpif import is_pvrpif_file, read_pvrpif

        if is_pvrpif_file(source):
            return read_pvrpif(source)
    instance = read_instance(source)
    problems = [p for p in check_instance(instance) if not p.about_stop]
    if problems:
        raise InstanceError(problems)
    try:
        return week_from_instance(instance, days=days)
    except ModelError as err:
        raise InputError(
            [
                InputProblem(
                    str(source),
                    None,
                    "",
                    "",
                    Text(f"valid week rules ({err})", f"有效的周计划规则（{str(err)!r}）"),
                )
            ]
        ) from None


def week_lines(week: WeekInstance, result: WeekResult, lang: Lang) -> list[str]:
    """Return the week's totals as text lines in ``lang``."""
    per_day = ", ".join(
        f"{day_name(d, lang=lang)} {n}" for d, n in enumerate(result.vehicles_per_day)
    )
    hours = sum(r.duration_s for day in result.days for r in day.routes) / 3600
    tried = result.settings.get("moves_tried", 0)
    kept = result.settings.get("moves_kept", 0)
    search = tr(
        lang,
        f"pattern moves tried {tried}, kept {kept}",
        f"尝试调整收运日 {tried} 次，采纳 {kept} 次",
    )
    if result.settings.get("proven_optimal"):
        search = tr(
            lang,
            "proven optimal (every combination of visiting days, days planned exactly)",
            "已证明最优（穷举所有收运日组合，每日路线精确求解）",
        )
    return [
        tr(
            lang,
            f"Week of {week.days} days: vehicles per day {per_day} (fleet needed "
            f"{result.peak_vehicles}), {result.distance_m / 1000:,.1f} km, "
            f"{hours:,.1f} vehicle-hours, {result.co2_kg:,.0f} kg CO2",
            f"{week.days} 天计划：每日车辆 {per_day}（所需车队 {result.peak_vehicles} 辆），"
            f"里程 {result.distance_m / 1000:,.1f} km，车辆工时 {hours:,.1f} h，"
            f"碳排放 {result.co2_kg:,.0f} kg CO2",
        ),
        tr(
            lang,
            f"Visits missed: {result.num_unserved}; {search}; {result.runtime_s:.1f} s",
            f"漏收次数：{result.num_unserved}；{search}；用时 {result.runtime_s:.1f} 秒",
        ),
    ]


def _bugs(violations: list[WeekViolation]) -> list[WeekViolation]:
    return [v for v in violations if v.rule != "missed_visit"]


def _map_writer(lang: Lang) -> Any:
    from optimizer.maps import render_routes

    def draw(instance: Instance, result: Any, path: Path) -> object:
        return render_routes(instance, result, path, lang=lang)

    return draw


@click.command("week")
@click.argument("source", type=click.Path(exists=True, path_type=Path), metavar="WORKBOOK")
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for solution.json, calendar.csv, totals.csv, week.xlsx, per-day sheets, maps.",
)
@click.option(
    "--days",
    type=click.IntRange(1, 28),
    default=7,
    show_default=True,
    help="Days in the repeating plan.",
)
@click.option(
    "--time-limit",
    type=click.FloatRange(min=0, min_open=True),
    default=60.0,
    show_default=True,
    help="Search time limit in seconds for the whole week.",
)
@click.option(
    "--objective",
    type=click.Choice([o.value for o in Objective]),
    default=None,
    help="What to minimise over the week: distance, working time, cost or CO2 "
    "[default: cost; the set's own for benchmark files, e.g. time for PVRP-IF].",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed of the search.")
@ENGINE_OPTION
@click.option(
    "--balance/--no-balance",
    default=True,
    show_default=True,
    help="Fewest vehicles on the busiest day first, and even out hours across days.",
)
@click.option(
    "--same-vehicle/--any-vehicle",
    default=True,
    show_default=True,
    help="Keep each stop on the same vehicle (crew) on all its days where possible.",
)
@click.option(
    "--day-solution-limit",
    type=click.IntRange(min=1),
    default=5,
    show_default=True,
    help="Search per day while visiting days change (a fixed amount of work).",
)
@click.option(
    "--max-moves",
    type=click.IntRange(min=0),
    default=None,
    help="Stop after this many pattern moves (reproducible runs).",
)
@click.option(
    "--compare-daily/--no-compare-daily",
    default=True,
    show_default=True,
    help="Also plan each day on its own (stops on their first allowed days); report the saving.",
)
@click.option("--no-maps", is_flag=True, help="Do not draw the per-day maps.")
@click.pass_context
@reports_input_errors
def week_command(
    ctx: click.Context,
    source: Path,
    out_dir: Path,
    days: int,
    time_limit: float,
    objective: str | None,
    seed: int,
    engine: str,
    balance: bool,
    same_vehicle: bool,
    day_solution_limit: int,
    max_moves: int | None,
    compare_daily: bool,
    no_maps: bool,
) -> None:
    """Plan a repeating week: which days each stop is visited and each day's routes.

    Stops keep their frequency (frequency_per_week), allowed patterns
    (column or setting ``patterns``) and maximum interval (medical waste: at
    most 2 days); what a visit collects is what accumulated since the
    previous one. Every day is re-checked independently before anything is
    written; Ctrl-C stops the search and keeps the best week.
    """
    lang = lang_of(ctx)
    check_writable(out_dir, "--out")
    week = load_week(source, days)
    params = WeekParams(
        objective=Objective(objective or week.base.meta.get("objective", "cost")),
        time_limit_s=time_limit,
        seed=seed,
        engine=engine,
        day_solution_limit=day_solution_limit,
        max_moves=max_moves,
        balance=balance,
        same_vehicle=same_vehicle,
    )
    click.echo(
        tr(
            lang,
            f"Planning {len(week.base.stops)} stops over {week.days} days "
            f"(time limit {time_limit:g} s)…",
            f"正在规划 {len(week.base.stops)} 个收集点的 {week.days} 天计划"
            f"（时限 {time_limit:g} 秒）…",
        ),
        err=True,
    )
    t0 = time.perf_counter()

    def show(p: WeekProgress) -> None:
        del p

    result = solve_week(week, params=params, progress=show)
    violations = check_week(week, result)
    bugs = _bugs(violations)
    exit_on_violations(ctx, bugs, "the week")
    if week.base.stops and not any(day.routes for day in result.days):
        click.echo(
            tr(
                lang,
                "No stop can be served on any day; nothing was written.",
                "任何一天都无法收运，未写出任何文件。",
            ),
            err=True,
        )
        for v in violations[:MAX_LISTED]:
            click.echo(f"  - {v}", err=True)
        ctx.exit(EXIT_INFEASIBLE)
    written = write_week_outputs(
        week, result, out_dir, lang=lang, map_writer=None if no_maps else _map_writer(lang)
    )
    if result.status == "interrupted":
        click.echo(tr(lang, "Interrupted: best week kept.", "已中断：保留当前最优周计划。"))
    for line in week_lines(week, result, lang):
        click.echo(line)
    for v in violations[:MAX_LISTED]:
        click.echo(f"  - {v}")
    if compare_daily:
        alone = independent_days(week, params)
        saved = alone.peak_vehicles - result.peak_vehicles
        km_saved = (alone.distance_m - result.distance_m) / 1000
        more = alone.num_unserved - result.num_unserved
        click.echo(
            tr(
                lang,
                f"Each day planned on its own (first allowed days): fleet {alone.peak_vehicles}, "
                f"{alone.distance_m / 1000:,.1f} km, visits missed {alone.num_unserved}; the week "
                f"saves {saved} vehicle(s) and {km_saved:,.1f} km, and makes {more} more visits",
                f"逐日单独规划（按默认收运日）：车队 {alone.peak_vehicles} 辆，里程 "
                f"{alone.distance_m / 1000:,.1f} km，漏收 {alone.num_unserved} 次；"
                f"周计划节省 {saved} 辆车、{km_saved:,.1f} km，多完成 {more} 次收运",
            )
        )
    click.echo(
        tr(
            lang,
            f"Written to {out_dir} ({time.perf_counter() - t0:.0f} s):",
            f"已写入 {out_dir}（{time.perf_counter() - t0:.0f} 秒）：",
        )
    )
    for path in written:
        click.echo(f"  {path.name}")
