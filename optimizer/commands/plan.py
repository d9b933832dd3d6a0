"""``countyopt plan``: site stations, then route each station's stops to it."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import click

from optimizer.commands.common import (
    ENGINE_OPTION,
    EXIT_CHECK,
    EXIT_INTERRUPTED,
    ROADS_OPTION,
    check_writable,
    lang_of,
    reports_input_errors,
)
from optimizer.commands.route import diagnosis_lines
from optimizer.commands.site import run_siting
from optimizer.commands.siting_options import SitingOptions, siting_options
from optimizer.distances import choose_travel, travel_note
from optimizer.evaluate import check
from optimizer.i18n import tr
from optimizer.io.load import read_instance
from optimizer.io.route_sheets import write_route_outputs
from optimizer.roads.travel import route_geometry
from optimizer.routing.params import RoutingParams
from optimizer.routing.solve import solve
from optimizer.siting.feed import routing_instances


@click.command("plan")
@click.argument("workbook", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Output folder (siting/ and routing/<site>/ inside).",
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
    roads: Path | None,
) -> None:
    """Site transfer stations, then plan the routes so each stop unloads at its station.

    Routing runs once per receiving site on the stops assigned to it, with
    that site's share of the fleet (split by the demand each type can carry
    there), so all sites together never use more vehicles than the county has.
    """
    lang = lang_of(ctx)
    check_writable(out, "--out")
    instance = choose_travel(read_instance(workbook), source=workbook, roads=roads, parallel=True)
    sited = run_siting(ctx, instance, out / "siting", siting)
    parts = routing_instances(instance, sited)
    total = sum(len(p.stops) for p in parts.values()) or 1
    used: Counter[str] = Counter()
    km = co2 = 0.0
    unserved = 0
    click.echo(tr(lang, "Routing per site:", "按站点规划收运路线："))
    for site_id, sub in parts.items():
        share = max(1.0, route_time_limit * len(sub.stops) / total)
        result = solve(sub, params=RoutingParams(time_limit_s=share, seed=seed, engine=engine))
        violations = check(sub, result)
        if violations:
            click.echo(
                tr(lang, "Internal error: routing checker:", "内部错误：路线校验未通过："), err=True
            )
            for v in violations[:20]:
                click.echo(f"  - {v}", err=True)
            ctx.exit(EXIT_CHECK)
        write_route_outputs(
            sub, result, out / "routing" / site_id, lang=lang, geometry=route_geometry(sub, result)
        )
        used.update(r.vehicle_type for r in result.routes)
        km += result.distance_m / 1000
        co2 += result.co2_kg
        unserved += len(result.unserved)
        click.echo(
            tr(
                lang,
                f"  {site_id}: {len(sub.stops)} stops, {result.num_vehicles} vehicles, "
                f"{result.distance_m / 1000:.1f} km, {result.co2_kg:.0f} kg CO2, "
                f"{len(result.unserved)} unserved",
                f"  {site_id}：{len(sub.stops)} 个收集点，{result.num_vehicles} 辆车，"
                f"{result.distance_m / 1000:.1f} km，{result.co2_kg:.0f} kg CO2，"
                f"未收运 {len(result.unserved)} 个",
            )
        )
        # A count alone leaves the planner guessing: say which stops and why.
        for line in diagnosis_lines(result, lang):
            click.echo("  " + line)
        if result.status == "interrupted":
            # Each site's search catches Ctrl-C itself; without this the next
            # site would start a fresh search and the user's Ctrl-C be lost.
            order = list(parts)
            rest = order[order.index(site_id) + 1 :]
            click.echo(
                tr(
                    lang,
                    f"Interrupted: routes kept up to {site_id}; not routed: {', '.join(rest)}",
                    f"已中断：已保留至 {site_id} 的路线；未规划：{'，'.join(rest)}",
                ),
                err=True,
            )
            ctx.exit(EXIT_INTERRUPTED)
    click.echo(
        tr(
            lang,
            f"Routing total: {sum(used.values())} vehicles, {km:.1f} km, {co2:.0f} kg CO2 a day, "
            f"{unserved} stops unserved",
            f"路线合计：{sum(used.values())} 辆车，每日 {km:.1f} km，{co2:.0f} kg CO2，"
            f"未收运 {unserved} 个收集点",
        )
    )
    if note := travel_note(instance, lang):
        click.echo(note)
