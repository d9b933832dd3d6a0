"""``countyopt route``: plan the day's collection routes and write route sheets."""

from __future__ import annotations

import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import click

from optimizer.commands.common import (
    ENGINE_OPTION,
    EXIT_INFEASIBLE,
    EXIT_INTERRUPTED,
    ROADS_OPTION,
    check_scheduler,
    check_writable,
    exit_on_violations,
    lang_of,
    reports_input_errors,
)
from optimizer.distances import choose_travel, travel_note
from optimizer.evaluate import Violation, check
from optimizer.i18n import Lang, tr
from optimizer.io.initial_routes import read_initial_routes
from optimizer.io.load import read_instance
from optimizer.io.route_sheets import write_route_outputs
from optimizer.io.vrplib_solution import benchmark_outputs
from optimizer.maps import render_routes
from optimizer.model import STREAM_ZH, Instance, InstanceError
from optimizer.model import check as check_instance
from optimizer.roads.travel import route_geometry
from optimizer.routing.diagnose import detail_text
from optimizer.routing.params import Objective, RoutingParams
from optimizer.routing.result import RoutingResult, UnservedReason
from optimizer.routing.solve import Progress, solve, vehicles_needed
from optimizer.routing.summary import Comparison, RoutingSummary, compare, reason_label, summarize

MAX_LISTED = 20  # longer lists of violations or unserved stops are cut to this many
# Checking and writing a plan (route sheets, Excel, map) took 3.7 ms per stop
# at 10,000 stops on a 2-core machine under a load of 14, about 1 ms when
# quieter (benchmarks/scale/README.md); what the time limit's slack (5 % +
# 10 s) does not cover comes off the search.
WRITE_S_PER_STOP = 0.004


def search_limit(time_limit: float, spent_s: float, num_stops: int) -> float:
    """Return the search's share of ``time_limit`` after reading (``spent_s``) and writing.

    The whole command should end within ``time_limit × 1.05 + 10 s``.
    """
    writing = WRITE_S_PER_STOP * num_stops - (0.05 * time_limit + 5.0)
    return max(0.1 * time_limit, time_limit - spent_s - max(0.0, writing))


_STATUS_TEXT = {
    "time_limit": ("stopped at the time limit", "达到时限后停止"),
    "solution_limit": ("stopped at the solution limit", "达到解的数量上限后停止"),
    "local_optimum": ("no further improvement found", "已找不到更优方案"),
    "interrupted": ("interrupted by Ctrl-C", "被 Ctrl-C 中断"),
    "no_solution": ("no plan found", "未找到方案"),
    "empty": ("nothing to route", "没有需要规划的收集点"),
}


def status_text(status: str, lang: Lang) -> str:
    """Return why the search stopped, as a phrase in ``lang`` (unknown statuses as given)."""
    en, zh = _STATUS_TEXT.get(status, (status, status))
    return tr(lang, en, zh)


def objective_text(objective: Objective, value: float, lang: Lang) -> str:
    """Return an objective value in the unit a planner reads: km, hours, yuan or kg CO2."""
    match objective:
        case Objective.DISTANCE:
            return f"{value / 1000:,.1f} km"
        case Objective.TIME:
            return tr(lang, f"{value / 3600:,.1f} vehicle-hours", f"{value / 3600:,.1f} 车辆工时")
        case Objective.COST:
            return tr(lang, f"{value:,.0f} yuan", f"{value:,.0f} 元")
        case Objective.CO2:
            return f"{value:,.1f} kg CO2"


class ProgressLine:
    """Show the search's progress on stderr: elapsed time, best objective, solutions.

    On a terminal one line is redrawn in place (at most four times a second,
    since a search may find thousands of solutions a second); elsewhere (logs,
    CI) a line is printed at most every ``every_s`` seconds.
    """

    def __init__(self, lang: Lang, objective: Objective, *, every_s: float = 5.0) -> None:
        self.lang = lang
        self.objective = objective
        self.tty = sys.stderr.isatty()  # click 8.5 deprecates get_text_stream
        self.every_s = 0.25 if self.tty else every_s
        self.last_shown = -float("inf")
        self.shown = False
        self.width = 0

    def __call__(self, progress: Progress) -> None:
        """Show one progress report."""
        # The engines report their best so far, summed over the streams already
        # solved; a running minimum here would freeze on the first stream's value.
        best = objective_text(self.objective, progress.best_objective, self.lang)
        now = time.monotonic()
        if now - self.last_shown < self.every_s:
            return
        self.last_shown = now
        if progress.whole_plan:
            text = tr(
                self.lang,
                f"  {progress.elapsed_s:7.1f} s   best plan {best}   "
                f"serves {progress.num_planned} of {progress.num_stops} stops   "
                f"(round {progress.part}, {progress.num_solutions} solutions)",
                f"  {progress.elapsed_s:7.1f} 秒   当前最优方案 {best}   "
                f"收运 {progress.num_planned} / {progress.num_stops} 个收集点   "
                f"（第 {progress.part} 轮，已找到 {progress.num_solutions} 个解）",
            )
        elif progress.num_parts > 1:
            # Stream groups are searched one after another, so the objective
            # grows as each group joins the plan; the whole-plan figure is the
            # count of stops planned in the groups finished, which never falls.
            text = tr(
                self.lang,
                f"  {progress.elapsed_s:7.1f} s   part {progress.part}/{progress.num_parts}   "
                f"planned {progress.num_planned} of {progress.num_stops} stops   "
                f"plan so far {best}   ({progress.num_solutions} solutions)",
                f"  {progress.elapsed_s:7.1f} 秒   第 {progress.part}/{progress.num_parts} 部分   "
                f"已规划 {progress.num_planned} / {progress.num_stops} 个收集点   "
                f"目前方案 {best}   （已找到 {progress.num_solutions} 个解）",
            )
        else:
            text = tr(
                self.lang,
                f"  {progress.elapsed_s:7.1f} s   best {best}   "
                f"({progress.num_solutions} solutions)",
                f"  {progress.elapsed_s:7.1f} 秒   当前最优 {best}   "
                f"（已找到 {progress.num_solutions} 个解）",
            )
        if self.tty:
            # Pad so that a shorter line fully covers the previous one.
            click.echo("\r" + text.ljust(self.width), nl=False, err=True)
            self.width = max(self.width, len(text))
            self.shown = True
        else:
            click.echo(text, err=True)

    def close(self) -> None:
        """End the redrawn line so that later output starts on a fresh line."""
        if self.shown:
            click.echo("", err=True)
            self.shown = False


def _change(base: float, plan: float, digits: int = 1) -> str:
    """Return "+d, +p%" for the change from ``base`` to ``plan`` (negative = saved)."""
    text = f"{plan - base:+.{digits}f}"
    if base:
        text += f", {100.0 * (plan - base) / base:+.1f}%"
    return text


def summary_lines(summary: RoutingSummary, num_stops: int, lang: Lang) -> list[str]:
    """Return the plan's totals as text lines in ``lang``."""
    types = ", ".join(f"{t}: {n}" for t, n in summary.vehicles_by_type.items())
    streams = tr(lang, ", ", "，").join(
        f"{tr(lang, s.value, STREAM_ZH[s])} {kg / 1000:.2f} t"
        for s, kg in summary.collected_kg_by_stream.items()
    )
    lines = [
        tr(
            lang,
            f"Plan: {summary.num_vehicles} vehicle{'' if summary.num_vehicles == 1 else 's'} "
            f"({types}), "
            f"{summary.distance_m / 1000:.1f} km, {summary.duration_s / 3600:.1f} vehicle-hours, "
            f"{summary.co2_kg:.1f} kg CO2, {summary.energy_kwh:.0f} kWh, "
            f"cost {summary.cost:,.0f} yuan",
            f"方案：车辆 {summary.num_vehicles} 辆（{types}），"
            f"里程 {summary.distance_m / 1000:.1f} km，"
            f"车辆工时 {summary.duration_s / 3600:.1f} h，碳排放 {summary.co2_kg:.1f} kg CO2，"
            f"能耗 {summary.energy_kwh:.0f} kWh，成本 {summary.cost:,.0f} 元",
        ),
        tr(
            lang,
            f"Collected: {summary.collected_kg / 1000:.2f} t ({streams})",
            f"收运量：{summary.collected_kg / 1000:.2f} t（{streams}）",
        ),
        tr(
            lang,
            f"Stops served: {summary.num_served} of {num_stops}",
            f"已收运收集点：{summary.num_served} / {num_stops} 个",
        ),
    ]
    for reason, n in summary.unserved_by_reason.items():
        label = reason_label(reason, lang)
        lines.append(tr(lang, f"  unserved ({label}): {n}", f"  未收运（{label}）：{n} 个"))
    if summary.num_loaded_breaks:
        n = summary.num_loaded_breaks
        lines.append(
            tr(
                lang,
                f"Breaks taken with waste on board (the workbook allows it): {n}",
                f"带载休息（车型设置允许）：{n} 次",
            )
        )
    lines.append(
        tr(
            lang,
            f"Time: building matrices and model {summary.build_s:.1f} s, "
            f"search {summary.search_s:.1f} s (engine {summary.engine}, "
            f"{status_text(summary.status, lang)})",
            f"耗时：构建矩阵与模型 {summary.build_s:.1f} 秒，搜索 {summary.search_s:.1f} 秒"
            f"（引擎 {summary.engine}，{status_text(summary.status, lang)}）",
        )
    )
    for en, zh in zip(summary.engine_choice, summary.engine_choice_zh, strict=False):
        lines.append(tr(lang, f"  engine for {en}", f"  引擎选择 {zh}"))
    return lines


#: Reasons a stop can never be served: no plan serves it, so no bound counts it.
_NEVER_SERVABLE = frozenset(
    {
        UnservedReason.DEMAND_TOO_LARGE,
        UnservedReason.NO_VEHICLE_FOR_STREAM,
        UnservedReason.NO_FACILITY_FOR_STREAM,
        UnservedReason.WINDOW_UNREACHABLE,
    }
)


def fleet_bound_line(instance: Instance, result: RoutingResult, lang: Lang) -> str:
    """Return the fewest vehicles any plan of the servable stops needs, against this plan's."""
    never = {u.stop for u in result.unserved if u.reason in _NEVER_SERVABLE}
    need = vehicles_needed(instance, (s for s in instance.stops if s.id not in never))
    used = result.num_vehicles
    if used <= need:
        return tr(
            lang,
            f"Fewest vehicles any plan needs (a lower bound): {need}; this plan uses no more",
            f"任何方案至少需要车辆（下限）：{need} 辆；本方案车辆数已达下限",
        )
    return tr(
        lang,
        f"Fewest vehicles any plan needs (a lower bound): {need}; this plan uses {used}",
        f"任何方案至少需要车辆（下限）：{need} 辆；本方案 {used} 辆",
    )


def comparison_lines(comparison: Comparison, lang: Lang) -> list[str]:
    """Return what the plan saves against today's routes as text lines in ``lang``."""
    base, plan = comparison.baseline, comparison.plan
    rows = [
        (tr(lang, "vehicles", "车辆"), base.num_vehicles, plan.num_vehicles, 0),
        (tr(lang, "km", "里程 km"), base.distance_m / 1000, plan.distance_m / 1000, 1),
        (
            tr(lang, "vehicle-hours", "车辆工时 h"),
            base.duration_s / 3600,
            plan.duration_s / 3600,
            1,
        ),
        (tr(lang, "kg CO2", "碳排放 kg CO2"), base.co2_kg, plan.co2_kg, 1),
        (tr(lang, "cost yuan", "成本 元"), base.cost, plan.cost, 0),
    ]
    lines = [tr(lang, "Against today's routes:", "与现行路线相比：")]
    lines += [f"  {name}: {b:.{d}f} → {p:.{d}f} ({_change(b, p, d)})" for name, b, p, d in rows]
    if comparison.extra_stops_served:
        lines.append(
            tr(
                lang,
                f"  stops served: {base.num_served} → {plan.num_served}",
                f"  收运点数：{base.num_served} → {plan.num_served}",
            )
        )
    return lines


def _violation_lines(violations: list[Violation] | tuple[Violation, ...]) -> list[str]:
    lines = [f"  - {v}" for v in violations[:MAX_LISTED]]
    if len(violations) > MAX_LISTED:
        lines.append(f"  … (+{len(violations) - MAX_LISTED})")
    return lines


def diagnosis_lines(result: RoutingResult, lang: Lang) -> list[str]:
    """Return why stops are unserved, one line per stop (cut at ``MAX_LISTED``).

    Stops not planned because of an interruption share one line per cause:
    listing hundreds of them would hide the stops with a real problem.
    """
    lines = []
    cut = [u for u in result.unserved if u.reason is UnservedReason.INTERRUPTED]
    rest = [u for u in result.unserved if u.reason is not UnservedReason.INTERRUPTED]
    for u in rest[:MAX_LISTED]:
        detail = detail_text(u.detail, lang)
        detail = tr(lang, f" ({detail})", f"（{detail}）") if detail else ""
        lines.append(f"  - {u.stop}: {reason_label(u.reason, lang)}{detail}")
    if len(rest) > MAX_LISTED:
        lines.append(f"  … (+{len(rest) - MAX_LISTED})")
    label = reason_label(UnservedReason.INTERRUPTED, lang)
    for why, n in Counter(detail_text(u.detail, lang) for u in cut).items():
        lines.append(
            tr(lang, f"  - {n} stops: {label} ({why})", f"  - {n} 个收集点：{label}（{why}）")
        )
    return lines


def _structural_check(instance: Instance) -> None:
    # Problems of single stops become unserved stops with a reason (the
    # engine's diagnosis); problems of sites or the fleet stop the run.
    problems = [p for p in check_instance(instance) if not p.about_stop]
    if problems:
        raise InstanceError(problems)


@click.command("route")
@click.argument("source", type=click.Path(exists=True, path_type=Path), metavar="INPUT")
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for solution.json, routes.csv, routes.xlsx, routes.geojson and the map.",
)
@click.option(
    "--time-limit",
    type=click.FloatRange(min=0, min_open=True),
    default=30.0,
    show_default=True,
    help="Search time limit in seconds.",
)
@click.option(
    "--objective",
    type=click.Choice([o.value for o in Objective]),
    default=None,
    help="What to minimise: distance, working time, cost or CO2 "
    "[default: cost; a benchmark file's own objective].",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed of the search.")
@ENGINE_OPTION
@click.option("--minimize-vehicles", is_flag=True, help="Use as few vehicles as possible first.")
@click.option(
    "--initial",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Today's routes (ROUTES.csv: vehicle, type, seq, stop) to start from and compare with.",
)
@click.option(
    "--solution-limit",
    type=click.IntRange(min=1),
    default=None,
    help="Stop after this many improving solutions (reproducible runs).",
)
@click.option("--quiet", is_flag=True, help="Do not show search progress.")
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Parts of a large county (over 2,500 stops, planned by parts) solved at once, "
    "each in its own process.",
)
@click.option(
    "--scheduler",
    default=None,
    help="Address of a Dask distributed scheduler (e.g. tcp://10.0.0.5:8786): the parts of "
    "a large county run on its workers instead (needs the dask extra).",
)
@ROADS_OPTION
@click.pass_context
@reports_input_errors
def route_command(
    ctx: click.Context,
    source: Path,
    out_dir: Path,
    time_limit: float,
    objective: str | None,
    seed: int,
    engine: str,
    minimize_vehicles: bool,
    initial: Path | None,
    solution_limit: int | None,
    quiet: bool,
    jobs: int,
    scheduler: str | None,
    roads: Path | None,
) -> None:
    """Plan the day's collection routes and write route sheets.

    INPUT is a county workbook (a folder of CSV files or an .xlsx file), a
    countyopt instance (.json, .geojson) or a benchmark file (VRPLIB .vrp /
    .vrptw, Solomon, E-VRPTW, Kim et al.); benchmark plans keep the file's
    node numbers and also get a VRPLIB solution.sol. The plan is re-checked independently before
    anything is written; Ctrl-C stops the search and keeps the best plan.
    """
    lang = lang_of(ctx)
    started = time.perf_counter()
    check_writable(out_dir, "--out")
    check_scheduler(scheduler)
    instance = choose_travel(read_instance(source), source=source, roads=roads, parallel=True)
    _structural_check(instance)
    objective = objective or instance.meta.get("objective", Objective.COST.value)
    params = RoutingParams(
        objective=Objective(objective),
        time_limit_s=search_limit(time_limit, time.perf_counter() - started, len(instance.stops)),
        solution_limit=solution_limit,
        seed=seed,
        minimize_vehicles=minimize_vehicles,
        engine=engine,
        jobs=jobs,
        scheduler=scheduler,
    )
    today = None
    if initial is not None:
        today = read_initial_routes(initial, instance, objective=objective)
        base = summarize(instance, today.result)
        click.echo(
            tr(
                lang,
                f"Today's routes: {base.num_vehicles} vehicles, {base.distance_m / 1000:.1f} km, "
                f"{len(today.violations)} rule violation(s)",
                f"现行路线：车辆 {base.num_vehicles} 辆，里程 {base.distance_m / 1000:.1f} km，"
                f"违反规则 {len(today.violations)} 处",
            )
        )
        for line in _violation_lines(today.violations):
            click.echo(line)
    progress = None if quiet else ProgressLine(lang, params.objective)
    if progress is not None:
        click.echo(
            tr(
                lang,
                f"Routing {len(instance.stops)} stops (time limit {time_limit:g} s; Ctrl-C stops "
                "and keeps the best plan)…",
                f"正在规划 {len(instance.stops)} 个收集点（时限 {time_limit:g} 秒；按 Ctrl-C "
                "可提前结束并保留当前最优方案）…",
            ),
            err=True,
        )
    try:
        result = solve(
            instance,
            params=params,
            initial=None if today is None else today.result,
            progress=progress,
        )
    except KeyboardInterrupt:
        if progress is not None:
            progress.close()
        click.echo(
            tr(
                lang,
                "Interrupted before any plan was found; nothing was written.",
                "在找到方案之前被中断，未写出任何文件。",
            ),
            err=True,
        )
        ctx.exit(EXIT_INTERRUPTED)
    if progress is not None:
        progress.close()

    violations = check(instance, result)
    exit_on_violations(ctx, violations)
    if instance.stops and not any(r.stops for r in result.routes):
        click.echo(
            tr(
                lang,
                "No stop can be served; nothing was written. Diagnosis:",
                "没有任何收集点可以收运，未写出任何文件。诊断：",
            ),
            err=True,
        )
        for line in diagnosis_lines(result, lang):
            click.echo(line, err=True)
        ctx.exit(EXIT_INFEASIBLE)

    legs = route_geometry(instance, result)
    extra: dict[str, Callable[[Path], object]] = {
        "route_map.html": lambda path: render_routes(instance, result, path, lang=lang, roads=legs),
        **benchmark_outputs(instance, result),
    }
    written = write_route_outputs(instance, result, out_dir, lang=lang, extra=extra, geometry=legs)

    if result.status == "interrupted":
        click.echo(tr(lang, "Interrupted: best plan kept.", "已中断：保留当前最优方案。"))
    for line in summary_lines(summarize(instance, result), len(instance.stops), lang):
        click.echo(line)
    click.echo(fleet_bound_line(instance, result, lang))
    if note := travel_note(instance, lang):
        click.echo(note)
    if result.unserved:
        click.echo(tr(lang, "Unserved stops:", "未收运的收集点："))
        for line in diagnosis_lines(result, lang):
            click.echo(line)
    if today is not None:
        for line in comparison_lines(compare(instance, result, today.result), lang):
            click.echo(line)
    click.echo(tr(lang, f"Written to {out_dir}:", f"已写入 {out_dir}："))
    for path in written:
        click.echo(f"  {path.name}")
    if instance.coord_sys != "wgs84":
        click.echo(
            tr(
                lang,
                f"  (no routes.geojson: coordinates are {instance.coord_sys}; "
                "GeoJSON needs WGS-84)",
                f"  （未写出 routes.geojson：坐标为 {instance.coord_sys}，GeoJSON 需要 WGS-84）",
            )
        )
    if result.status == "interrupted":
        # The plan is written, but it is not what the time limit would have given.
        ctx.exit(EXIT_INTERRUPTED)
