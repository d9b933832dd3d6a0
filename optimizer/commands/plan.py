"""``countyopt plan``: site stations, then route each station's stops to it, as one plan."""

from __future__ import annotations

import dataclasses
from collections import Counter
from pathlib import Path

import click

from optimizer.commands.common import (
    ENGINE_OPTION,
    EXIT_INTERRUPTED,
    ROADS_OPTION,
    check_writable,
    exit_on_violations,
    lang_of,
    reports_input_errors,
)
from optimizer.commands.plan_joint import search_jointly
from optimizer.commands.route import diagnosis_lines, fleet_bound_line, summary_lines
from optimizer.commands.site import run_siting
from optimizer.commands.site_lrp import run_location_routing
from optimizer.commands.siting_options import SitingOptions, siting_options
from optimizer.distances import choose_travel, travel_note
from optimizer.evaluate import check, objective_value
from optimizer.i18n import Lang, tr
from optimizer.io.load import is_location_routing_file, read_instance
from optimizer.io.route_sheets import write_route_outputs
from optimizer.io.siting_output import write_siting
from optimizer.maps import render_routes
from optimizer.model import Instance
from optimizer.roads.travel import route_geometry
from optimizer.routing.diagnose import detail
from optimizer.routing.params import RoutingParams
from optimizer.routing.result import Route, RoutingResult, Unserved, VisitKind
from optimizer.routing.solve import interrupted_stops, solve
from optimizer.routing.summary import RoutingSummary, summarize
from optimizer.siting.county import build_county_problem
from optimizer.siting.diagnose import explain_stations, station_handling_per_day
from optimizer.siting.feed import as_built, routing_instances
from optimizer.siting.result import SitingResult


def sited_county(instance: Instance, sited: SitingResult) -> Instance:
    """Return ``instance`` with the candidate sites the siting plan builds as built."""
    assert sited.decision is not None
    chosen = sited.decision.open
    return dataclasses.replace(
        instance,
        sites=tuple(as_built(s, chosen[s.id]) if s.id in chosen else s for s in instance.sites),
    )


def merge_results(
    instance: Instance, parts: dict[str, RoutingResult], extra_unserved: list[Unserved]
) -> RoutingResult:
    """Return one county plan from the plans of each receiving site.

    Vehicles are renumbered per type over all sites ("CT8-D#1" …) so that
    every vehicle has one sheet and one colour on the map.
    """
    counter: Counter[str] = Counter()
    routes: list[Route] = []
    for result in parts.values():
        for route in result.routes:
            counter[route.vehicle_type] += 1
            name = f"{route.vehicle_type}#{counter[route.vehicle_type]}"
            routes.append(dataclasses.replace(route, vehicle=name))
    unserved = [u for r in parts.values() for u in r.unserved] + extra_unserved
    statuses = {r.status for r in parts.values()}
    status = next(
        (
            s
            for s in ("interrupted", "no_solution", "time_limit", "solution_limit")
            if s in statuses
        ),
        "local_optimum",
    )
    first = next(iter(parts.values()), None)
    objective = first.objective if first is not None else "cost"
    return RoutingResult(
        instance=instance.name,
        routes=tuple(routes),
        unserved=tuple(sorted(unserved, key=lambda u: u.stop)),
        objective=objective,
        objective_value=objective_value(routes, objective),
        engine=first.engine if first is not None else "",
        settings={
            "sites": tuple(parts),
            "engine_choice": tuple(
                f"{site} {c}" for site, r in parts.items() for c in _texts(r, "engine_choice")
            ),
            "engine_choice_zh": tuple(
                f"{site} {c}" for site, r in parts.items() for c in _texts(r, "engine_choice_zh")
            ),
        },
        seed=first.seed if first is not None else 0,
        runtime_s=sum(r.runtime_s for r in parts.values()),
        build_s=sum(r.build_s for r in parts.values()),
        status=status,
    )


def _texts(result: RoutingResult, key: str) -> tuple[str, ...]:
    value = result.settings.get(key, ())
    return tuple(str(v) for v in value) if isinstance(value, list | tuple) else ()


def received_per_day(instance: Instance, result: RoutingResult) -> dict[tuple[str, str], float]:
    """Return kg unloaded per (site id, stream) over all routes of ``result``."""
    out: dict[tuple[str, str], float] = {}
    for route in result.routes:
        on_board: dict[str, float] = {}
        for visit in route.visits:
            if visit.kind is VisitKind.STOP:
                stop = instance.stop(visit.location)
                on_board[stop.stream.value] = on_board.get(stop.stream.value, 0.0) + stop.demand_kg
            elif visit.kind is VisitKind.UNLOAD:
                for stream in instance.site(visit.location).streams:
                    kg = on_board.pop(stream.value, 0.0)
                    if kg:
                        key = (visit.location, stream.value)
                        out[key] = out.get(key, 0.0) + kg
    return out


def _pct(base: float, plan: float) -> str:
    return f"{100.0 * (plan - base) / base:+.1f}%" if base else "—"


def comparison_with_route(
    plan: RoutingSummary,
    alone: RoutingSummary,
    stations_idle: bool,
    lang: Lang,
    *,
    alone_handling: float = 0.0,
    alone_station_t: float = 0.0,
) -> list[str]:
    """Return the plan against routing the same workbook without siting, and why it differs.

    ``alone_station_t`` is what routing alone unloads at transfer stations
    (t/day), ``alone_handling`` what the stations charge for it a day
    (yuan, handling and onward haul), which routing's own cost leaves out.
    """
    rows = [
        (tr(lang, "vehicles", "车辆"), alone.num_vehicles, plan.num_vehicles, 0),
        (tr(lang, "km", "里程 km"), alone.distance_m / 1000, plan.distance_m / 1000, 1),
        (tr(lang, "kg CO2", "碳排放 kg CO2"), alone.co2_kg, plan.co2_kg, 1),
        (tr(lang, "cost yuan", "成本 元"), alone.cost, plan.cost, 0),
        (tr(lang, "stops served", "收运点数"), alone.num_served, plan.num_served, 0),
    ]
    lines = [tr(lang, "Against `route` alone (no siting):", "与仅做路线规划（不选址）相比：")]
    lines += [f"  {name}: {a:,.{d}f} → {p:,.{d}f} ({_pct(a, p)})" for name, a, p, d in rows]
    worse = plan.distance_m > alone.distance_m * 1.001 or plan.cost > alone.cost * 1.001
    if worse:
        lines.append(
            tr(
                lang,
                "  Why longer: `route` alone lets every truck unload at the nearest site that "
                "takes its stream, but leaves out what a transfer station costs after the "
                "truck leaves (handling, onward haul). The siting plan weighs those"
                + (
                    " and sends the waste straight to the plants (see the stations above)."
                    if stations_idle
                    else ", and each stop unloads only at its assigned site."
                ),
                "  路线更长的原因：仅做路线规划时每辆车就近卸到接收该类垃圾的站点，"
                "但不计卸车之后转运站的费用（转运处理、二次运输）。选址方案计入了这些费用"
                + (
                    "，因而把垃圾直接运往处理厂（见上方各站说明）。"
                    if stations_idle
                    else "，且每个收集点只卸到为其指定的站点。"
                ),
            )
        )
    if alone_station_t > 0:
        lines.append(
            tr(
                lang,
                f"  `route` alone unloads {alone_station_t:,.1f} t/day at transfer stations; "
                f"their handling and onward haul cost about {alone_handling:,.0f} yuan/day more, "
                f"so its full cost is about {alone.cost + alone_handling:,.0f} yuan/day "
                f"against {plan.cost:,.0f} for the plan.",
                f"  仅做路线规划时每日有 {alone_station_t:,.1f} t 卸到转运站，"
                f"转运处理与二次运输每日约另需 {alone_handling:,.0f} 元，"
                f"全部费用约 {alone.cost + alone_handling:,.0f} 元/日，"
                f"本方案为 {plan.cost:,.0f} 元/日。",
            )
        )
    if plan.num_served < alone.num_served:
        lines.append(
            tr(
                lang,
                "  Fewer stops served: each site routes with its share of the fleet, "
                "so one site's spare trucks cannot help another's.",
                "  收运点数较少：各站点只使用分到的车辆，一个站点的空闲车辆无法支援另一站点。",
            )
        )
    return lines


def route_sited(
    instance: Instance,
    sited: SitingResult,
    *,
    time_limit_s: float,
    seed: int,
    engine: str,
    lang: Lang,
    quiet: bool = False,
) -> tuple[Instance, RoutingResult]:
    """Route each receiving site's stops to it; return the county as built and its plan.

    ``time_limit_s`` is shared by the sites in proportion to their stops.
    Unless ``quiet``, one line per site is printed.
    """
    parts = routing_instances(instance, sited)
    total = sum(len(p.stops) for p in parts.values()) or 1
    results: dict[str, RoutingResult] = {}
    not_searched: list[Unserved] = []
    if not quiet:
        click.echo(tr(lang, "Routing per site:", "按站点规划收运路线："))
    order = list(parts)
    for site_id, sub in parts.items():
        share = max(1.0, time_limit_s * len(sub.stops) / total)
        result = solve(sub, params=RoutingParams(time_limit_s=share, seed=seed, engine=engine))
        results[site_id] = result
        if not quiet:
            click.echo(
                tr(
                    lang,
                    f"  {site_id}: {len(sub.stops)} stops, {result.num_vehicles} vehicles, "
                    f"{result.distance_m / 1000:.1f} km, {len(result.unserved)} unserved",
                    f"  {site_id}：{len(sub.stops)} 个收集点，{result.num_vehicles} 辆车，"
                    f"{result.distance_m / 1000:.1f} km，未收运 {len(result.unserved)} 个",
                )
            )
        if result.status == "interrupted":
            # Each site's search catches Ctrl-C itself; the sites after it are
            # not searched, and their stops say so.
            for rest in order[order.index(site_id) + 1 :]:
                not_searched += interrupted_stops(
                    [s.id for s in parts[rest].stops], detail("site_not_searched", site=rest)
                )
            break
    county = sited_county(instance, sited)
    return county, merge_results(county, results, not_searched)


@click.command("plan")
@click.argument("workbook", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Output folder: siting/ and routing/ (one workbook and one map for the county).",
)
@siting_options
@click.option(
    "--route-time-limit",
    type=click.FloatRange(min=0, min_open=True),
    default=60.0,
    show_default=True,
    help="Routing time over all sites (seconds), shared by number of stops.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Routing seed.")
@ENGINE_OPTION
@click.option(
    "--compare/--no-compare",
    default=True,
    show_default=True,
    help="Also route the workbook without siting (same time limit) and report the difference.",
)
@click.option(
    "--joint",
    is_flag=True,
    help="Choose stations and routes together: route neighbouring station sets for real and "
    "keep the cheapest (stations, onward haul and routes), reported against sequential siting.",
)
@click.option(
    "--joint-evaluations",
    type=click.IntRange(min=1),
    default=6,
    show_default=True,
    help="With --joint: station sets routed at most (each takes --route-time-limit).",
)
@ROADS_OPTION
@click.pass_context
@reports_input_errors
def plan_command(
    ctx: click.Context,
    workbook: Path,
    out: Path,
    siting: SitingOptions,
    route_time_limit: float,
    seed: int,
    engine: str,
    compare: bool,
    joint: bool,
    joint_evaluations: int,
    roads: Path | None,
) -> None:
    """Site transfer stations, then plan the routes so each stop unloads at its station.

    Routing runs once per receiving site on the stops assigned to it, with
    that site's share of the fleet (split by the demand each type can carry
    there), so all sites together never use more vehicles than the county
    has. The county's routes are written as one plan (routing/: solution.json,
    route sheets, map) and, with --compare, set against routing the same
    workbook without siting. With --joint, station sets next to the sited
    one (each candidate station opened or closed, the rest re-sited) are
    routed for real and the cheapest checked plan is kept.

    A Prodhon/Barreto location-routing file (``coord20-5-1.dat``) is solved
    as ``site`` solves it: depots and routes together within --time-limit,
    written to OUT/lrp_plan.json.
    """
    lang = lang_of(ctx)
    check_writable(out, "--out")
    if is_location_routing_file(workbook):
        if roads is not None:
            raise click.UsageError("--roads applies to county workbooks, not benchmark files")
        run_location_routing(ctx, workbook, out, siting.time_limit)
        return
    instance = choose_travel(read_instance(workbook), source=workbook, roads=roads, parallel=True)
    sited = run_siting(ctx, instance, out / "siting", siting)
    assert sited.decision is not None
    problem = build_county_problem(instance, siting.config(), split=siting.split).problem
    # run_siting printed why each station is used or idle; the comparison needs it too.
    notes = explain_stations(problem, sited.decision)
    county, plan = route_sited(
        instance, sited, time_limit_s=route_time_limit, seed=seed, engine=engine, lang=lang
    )
    if joint and plan.status != "interrupted":
        found = search_jointly(
            ctx,
            problem,
            sited,
            (county, plan),
            params=siting.params(),
            route=lambda s: route_sited(
                instance,
                s,
                time_limit_s=route_time_limit,
                seed=seed,
                engine=engine,
                lang=lang,
                quiet=True,
            ),
            max_evaluations=joint_evaluations,
        )
        if found.best is not found.sequential:
            sited, county, plan = found.best.sited, found.best.county, found.best.plan
            write_siting(sited, out / "siting", lang=lang)
            assert sited.decision is not None
            notes = explain_stations(problem, sited.decision)
    violations = check(county, plan)
    exit_on_violations(ctx, violations)
    legs = route_geometry(county, plan)
    written = write_route_outputs(
        county,
        plan,
        out / "routing",
        lang=lang,
        extra={
            "route_map.html": lambda path: render_routes(county, plan, path, lang=lang, roads=legs)
        },
        geometry=legs,
    )
    summary = summarize(county, plan)
    for line in summary_lines(summary, len(instance.stops), lang):
        click.echo(line)
    click.echo(fleet_bound_line(county, plan, lang))
    if plan.unserved:
        click.echo(tr(lang, "Unserved stops:", "未收运的收集点："))
        for line in diagnosis_lines(plan, lang):
            click.echo(line)
    click.echo(tr(lang, f"Written to {out / 'routing'}:", f"已写入 {out / 'routing'}："))
    for path in written:
        click.echo(f"  {path.name}")
    if plan.status == "interrupted":
        click.echo(
            tr(lang, "Interrupted: routes kept so far.", "已中断：保留已规划的路线。"), err=True
        )
    elif compare:
        alone = solve(
            instance, params=RoutingParams(time_limit_s=route_time_limit, seed=seed, engine=engine)
        )
        if alone.status == "interrupted":
            click.echo(
                tr(
                    lang,
                    "Comparison with `route` alone interrupted; the plan is written.",
                    "与仅做路线规划的比较被中断；方案已写出。",
                ),
                err=True,
            )
            ctx.exit(EXIT_INTERRUPTED)
        idle = any(not n.used for n in notes)
        received = {
            key: kg
            for key, kg in received_per_day(instance, alone).items()
            if key[0] in problem.forwarders
        }
        lines = comparison_with_route(
            summary,
            summarize(instance, alone),
            idle,
            lang,
            alone_handling=station_handling_per_day(problem, received),
            alone_station_t=sum(received.values()) / 1000,
        )
        for line in lines:
            click.echo(line)
    if note := travel_note(instance, lang):
        click.echo(note)
    if plan.status == "interrupted":
        ctx.exit(EXIT_INTERRUPTED)
