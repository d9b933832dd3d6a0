"""``countyopt fleet``: today's sanitation fleet against electric scenarios on the county routes."""

from __future__ import annotations

import tomllib
from pathlib import Path

import click

from optimizer.commands.common import (
    ROADS_OPTION,
    check_writable,
    exit_on_violations,
    lang_of,
    reports_input_errors,
)
from optimizer.distances import choose_travel
from optimizer.evaluate import check
from optimizer.factors import grid_kg_per_kwh
from optimizer.fleet.check import check_study
from optimizer.fleet.output import write_fleet
from optimizer.fleet.params import params_from_settings
from optimizer.fleet.study import FleetStudy, study_fleet
from optimizer.i18n import Lang, Text, tr
from optimizer.io.errors import InputError, InputProblem
from optimizer.io.load import read_input_text
from optimizer.io.solution import read_solution_json
from optimizer.io.workbook import read_tables, read_workbook
from optimizer.model import Instance
from optimizer.model import check as check_instance
from optimizer.native_output import native_stdout_silenced
from optimizer.routing.params import RoutingParams
from optimizer.routing.result import RoutingResult
from optimizer.routing.solve import solve

GRID_REGIONS = ("china", "north", "northeast", "east", "central", "northwest", "south", "southwest")


def routes_for(
    instance: Instance, routes: Path | None, *, time_limit_s: float, seed: int
) -> tuple[RoutingResult, str]:
    """Return the day's routes: read from ``routes`` (re-checked) or planned now."""
    if routes is None:
        check_instance(instance, strict=True)
        with native_stdout_silenced():
            result = solve(instance, params=RoutingParams(time_limit_s=time_limit_s, seed=seed))
        return result, f"countyopt route (seed {seed}, {time_limit_s:g} s)"
    result = read_solution_json(routes)
    known = {vt.id for vt in instance.vehicle_types}
    violations = [
        InputProblem(
            str(routes),
            None,
            f"routes[{k}].vehicle_type",
            r.vehicle_type,
            "a vehicle type of the workbook",
        )
        for k, r in enumerate(result.routes)
        if r.vehicle_type not in known
    ]
    if not violations:
        # A plan that does not fit this workbook is the user's input, not our bug.
        violations = [
            InputProblem(
                str(routes),
                None,
                "routes",
                str(v),
                Text(
                    "a plan that fits the workbook and its travel (--roads as when it was routed)",
                    "与工作簿及其行驶距离相符的方案（规划时用了 --roads 则此处也需要）",
                ),
            )
            for v in check(instance, result)[:20]
        ]
    if violations:
        raise InputError(violations)
    return result, str(routes)


def write_carbon_scenario(base: Path, scenario: str) -> str:
    """Return the carbon scenario ``base`` with a ``[sanitation]`` section linking fleet.json."""
    text = read_input_text(base)
    try:
        tree = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise InputError([InputProblem(str(base), None, "", "", f"valid TOML ({err})")]) from err
    if "sanitation" in tree:
        raise InputError(
            [
                InputProblem(
                    str(base),
                    None,
                    "sanitation",
                    "",
                    "a scenario without a [sanitation] section (countyopt fleet writes it)",
                )
            ]
        )
    return (
        text.rstrip("\n")
        + "\n\n# Sanitation sector from the county's own routes (countyopt fleet).\n"
        + "# It replaces demand.sanitation_km and the sanitation trucks of [stock].\n"
        + "[sanitation]\n"
        + 'from_result = "fleet.json"\n'
        + f'scenario = "{scenario}"\n'
    )


def _trucks(n: int) -> str:
    return f"{n} truck" if n == 1 else f"{n} trucks"


def summary_lines(study: FleetStudy, lang: Lang) -> list[str]:
    """Return the answer a county asks: how many trucks and chargers, what it costs and saves."""
    years = len(study.years)
    today = study.scenarios[0]
    lines = [
        tr(
            lang,
            f"{study.instance}: {_trucks(today.vehicles)}, {today.km_per_day:,.0f} km a day "
            f"({study.routes_source}); grid {study.grid_region} "
            f"{grid_kg_per_kwh(study.grid_region, study.first_year):.3f} kg CO2/kWh",
            f"{study.instance}：{today.vehicles} 辆车每日行驶 {today.km_per_day:,.0f} km"
            f"（{study.routes_source}）；电网 {study.grid_region} "
            f"{grid_kg_per_kwh(study.grid_region, study.first_year):.3f} kg CO2/kWh",
        ),
    ]
    base_co2 = sum(today.co2_t_by_year.values())
    for s in study.scenarios:
        kw = sum(p.peak_trucks for p in s.charging.values()) * study.params["charger_kw"]
        saved = base_co2 - sum(s.co2_t_by_year.values())
        extra = (s.tco_yuan - today.tco_yuan) / 1e6
        lines.append(
            tr(
                lang,
                f"  {s.scenario.label.en}: {_trucks(s.vehicles)} ({s.electric_vehicles} electric), "
                f"{s.chargers} charger{'' if s.chargers == 1 else 's'} (peak {kw:,.0f} kW), "
                f"{s.electricity_kwh_per_day:,.0f} kWh/day, "
                f"{s.co2_t_by_year[study.first_year]:,.1f} t CO2/year; {years}-year cost "
                f"{s.tco_yuan / 1e6:,.2f} M yuan ({extra:+,.2f} vs today), "
                f"saves {saved:,.0f} t CO2",
                f"  {s.scenario.label.zh}：{s.vehicles} 辆车（电动 {s.electric_vehicles} 辆），"
                f"充电桩 {s.chargers} 台（峰值 {kw:,.0f} kW），"
                f"日用电 {s.electricity_kwh_per_day:,.0f} kWh，"
                f"年排放 {s.co2_t_by_year[study.first_year]:,.1f} 吨；{years} 年成本 "
                f"{s.tco_yuan / 1e6:,.2f} 百万元（较现状 {extra:+,.2f}），减排 {saved:,.0f} 吨",
            )
        )
    for s in study.scenarios:
        if not all(p.proven for p in s.charging.values()):
            bound = sum(p.lower_bound for p in s.charging.values())
            lines.append(
                tr(
                    lang,
                    f"  {s.scenario.name}: {s.chargers} chargers is not proven minimal "
                    f"(at least {bound}).",
                    f"  {s.scenario.name}：充电桩 {s.chargers} 台未证明最少（至少 {bound} 台）。",
                )
            )
    if study.unserved:
        lines.append(
            tr(
                lang,
                f"{study.unserved} stop(s) are not served by these routes: "
                "the study covers the served ones only.",
                f"有 {study.unserved} 个收集点未被这些线路收运：分析仅涵盖已收运的收集点。",
            )
        )
    if study.params.estimates:
        lines.append(
            tr(
                lang,
                f"Estimates used ({len(study.params.estimates)} numbers, "
                "see fleet_assumptions.csv); "
                "give the county's own prices in the workbook's settings.",
                f"使用了估计值（{len(study.params.estimates)} 项，见 fleet_assumptions.csv）；"
                "可在工作簿 settings 表中填写本县价格。",
            )
        )
    for s in study.scenarios:
        over = [r.vehicle for r in s.routes if r.over_battery]
        if over:
            lines.append(
                tr(
                    lang,
                    f"  {s.scenario.name}: {len(over)} route(s) need more than one battery "
                    f"({', '.join(over[:5])}): counted as extra trucks",
                    f"  {s.scenario.name}：{len(over)} 条线路超出单车电池"
                    f"（{', '.join(over[:5])}），按增加车辆计",
                )
            )
    return lines


@click.command("fleet")
@click.argument("workbook", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder for fleet.json, tables (CSV, Excel) and the chart.",
)
@click.option(
    "--routes",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="solution.json of an earlier `countyopt route` on this workbook (default: route now).",
)
@click.option(
    "--first-year",
    type=click.IntRange(2000, 2100),
    default=2026,
    show_default=True,
    help="First year of the vehicles' life (grid emission factor by year).",
)
@click.option(
    "--grid-region",
    type=click.Choice(GRID_REGIONS),
    default=None,
    help="Regional grid (MEE factors); default the workbook's grid_region setting, else china.",
)
@click.option(
    "--charger-kw",
    type=click.FloatRange(min=0, min_open=True, max=1000),
    default=None,
    help="Charger power in kW (default the workbook's charger_kw setting, else 60).",
)
@click.option(
    "--write-carbon",
    "write_carbon",
    default=None,
    metavar="SCENARIO",
    help="Also write carbon_scenario.toml whose sanitation sector is this scenario "
    "(e.g. all_electric, stream:kitchen, class:medium).",
)
@click.option(
    "--carbon",
    "carbon_base",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="The county's carbon scenario (.toml) that --write-carbon extends (default: the demo's).",
)
@click.option(
    "--time-limit",
    type=click.FloatRange(min=0, min_open=True),
    default=30.0,
    show_default=True,
    help="Routing time limit in seconds (without --routes).",
)
@click.option(
    "--seed", type=int, default=0, show_default=True, help="Seed of routing and charging."
)
@ROADS_OPTION
@click.pass_context
@reports_input_errors
def fleet_command(
    ctx: click.Context,
    workbook: Path,
    out_dir: Path,
    routes: Path | None,
    first_year: int,
    grid_region: str | None,
    charger_kw: float | None,
    write_carbon: str | None,
    carbon_base: Path | None,
    time_limit: float,
    seed: int,
    roads: Path | None,
) -> None:
    """Compare today's sanitation fleet with electric scenarios on the county's routes.

    For today's fleet, all electric, each waste stream's trucks and each size
    class: trucks and chargers needed, kWh per day, peak depot power, CO2 per
    year (regional grid factor by year) and the cost of ownership over the
    vehicles' life. Prices and subsidies come from the workbook's settings
    where given, else from sourced defaults (estimates are marked).
    """
    lang = lang_of(ctx)
    check_writable(out_dir, "--out")
    # The travel `route` uses (roads when given), so a plan of `route --roads` fits.
    instance = choose_travel(read_workbook(workbook), source=workbook, roads=roads, parallel=True)
    params = params_from_settings(read_tables(workbook).get("settings"))
    if charger_kw is not None:
        params = params.with_value("charger_kw", charger_kw, "command line --charger-kw")
    region = grid_region or instance.meta.get("grid_region", "china")
    if region not in GRID_REGIONS:
        raise InputError(
            [
                InputProblem(
                    "settings", None, "grid_region", region, "one of " + ", ".join(GRID_REGIONS)
                )
            ]
        )
    if write_carbon is not None and carbon_base is None:
        from optimizer.carbon.scenario import demo_scenario_path

        carbon_base = demo_scenario_path()
    result, source = routes_for(instance, routes, time_limit_s=time_limit, seed=seed)
    if routes is None:
        exit_on_violations(ctx, check(instance, result), "the routes")
    study = study_fleet(
        instance,
        result,
        params,
        first_year=first_year,
        grid_region=region,
        routes_source=source,
        seed=seed,
    )
    exit_on_violations(ctx, check_study(study), "the charging plans")
    more = {}
    if write_carbon is not None:
        names = [s.scenario.name for s in study.scenarios]
        if write_carbon not in names:
            raise click.BadParameter(
                f"{write_carbon!r} is not one of {', '.join(names)}", param_hint="--write-carbon"
            )
        assert carbon_base is not None
        toml = write_carbon_scenario(carbon_base, write_carbon)
        more["carbon_scenario.toml"] = lambda p: p.write_text(toml, encoding="utf-8")
    files = write_fleet(study, out_dir, lang=lang, chosen=write_carbon, more=more)
    for line in summary_lines(study, lang):
        click.echo(line)
    click.echo(
        tr(
            lang,
            f"Wrote {len(files)} files to {out_dir}",
            f"已写出 {len(files)} 个文件到 {out_dir}",
        )
    )
