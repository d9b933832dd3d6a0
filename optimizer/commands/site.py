"""``countyopt site``: choose transfer stations and sizes, assign every stop, size treatment."""

from __future__ import annotations

from pathlib import Path

import click

from optimizer.commands.common import (
    EXIT_INFEASIBLE,
    ROADS_OPTION,
    check_writable,
    exit_on_violations,
    lang_of,
    reports_input_errors,
)
from optimizer.commands.site_lrp import run_location_routing
from optimizer.commands.siting_options import SitingOptions, siting_options
from optimizer.distances import choose_travel, travel_note
from optimizer.i18n import Lang, tr
from optimizer.io.load import SITING_FORMATS, read_facility_problem, read_instance, siting_format
from optimizer.io.siting_output import write_siting
from optimizer.model import SITE_KIND_ZH, Instance, SiteKind
from optimizer.native_output import native_stdout_silenced
from optimizer.siting.config import SitingConfig
from optimizer.siting.county import assumption_values, build_county_problem, site_county
from optimizer.siting.diagnose import (
    StationNote,
    diagnosis_text,
    explain_stations,
    station_lines,
)
from optimizer.siting.mip import solve as solve_facility_problem
from optimizer.siting.problem import FacilityProblem
from optimizer.siting.result import SitingResult, status_label
from optimizer.siting.sensitivity import Sensitivity, sensitivity, sensitivity_lines

MAX_LISTED = 20  # longer diagnoses are cut to this many lines on screen

# Size classes the siting model names itself; custom classes from a config stay as given.
_SIZE_ZH = {"existing": "现有"}

_PART_ZH = {
    "capital_annualised": "年化投资",
    "fixed_operating": "固定运营",
    "station_operating": "转运站运营",
    "collection_transport": "收集运输",
    "transfer_transport": "转运运输",
    "treatment": "处理费",
    "carbon": "碳成本",
}


def summary_lines(
    instance: Instance, result: SitingResult, config: SitingConfig, lang: Lang
) -> list[str]:
    """Return the siting plan's summary as text lines in ``lang``."""
    status = status_label(result.status, lang, result.gap)
    lines = [tr(lang, f"Siting: {status} ({result.solver})", f"选址：{status}（{result.solver}）")]
    d = result.decision
    if d is None or result.objective is None:
        lines += [f"  - {diagnosis_text(why, lang)}" for why in result.diagnosis[:MAX_LISTED]]
        if len(result.diagnosis) > MAX_LISTED:
            more = len(result.diagnosis) - MAX_LISTED
            lines.append(
                tr(
                    lang,
                    f"  … and {more} more (see siting.json)",
                    f"  …… 另有 {more} 条（见 siting.json）",
                )
            )
        return lines
    gap = result.gap or 0.0
    lines.append(
        tr(
            lang,
            f"Annual cost {result.objective:,.0f} yuan/year (bound {result.bound:,.0f}, "
            f"gap {gap:.4%}); capital {result.capital:,.0f} yuan",
            f"年成本 {result.objective:,.0f} 元/年（下界 {result.bound:,.0f}，间隙 {gap:.4%}）；"
            f"投资 {result.capital:,.0f} 元",
        )
    )
    if config.budget_yuan is not None:
        lines.append(
            tr(
                lang,
                f"  budget {config.budget_yuan:,.0f} yuan",
                f"  预算 {config.budget_yuan:,.0f} 元",
            )
        )
    served: dict[str, int] = {}
    for shares in d.assignment.values():
        for fid in shares:
            served[fid] = served.get(fid, 0) + 1
    for site in instance.sites:
        if not site.is_facility:
            continue
        if site.id not in d.open:
            if site.candidate or site.kind is SiteKind.TRANSFER:
                lines.append(tr(lang, f"  {site.id}: closed", f"  {site.id}：不开设"))
            continue
        load_t = result.load.get(site.id, 0.0) / 1000
        size, n = d.open[site.id], served.get(site.id, 0)
        cap = result.capacity.get(site.id)
        cap_txt = "" if cap is None else f" / {cap / 1000:,.1f}"
        lines.append(
            tr(
                lang,
                f"  {site.id} ({site.kind.value}, size {size}): {n} stops, "
                f"{load_t:,.1f}{cap_txt} t/day",
                f"  {site.id}（{SITE_KIND_ZH[site.kind]}，规模 {_SIZE_ZH.get(size, size)}）："
                f"{n} 个收集点，"
                f"{load_t:,.1f}{cap_txt} 吨/日",
            )
        )
        least = config.incinerator_min_t_per_day
        if site.kind is SiteKind.INCINERATOR and site.candidate and load_t < least:
            lines.append(
                tr(
                    lang,
                    f"    note: below {least:g} t/day a county incinerator "
                    "needs special justification (发改环资〔2022〕1746号)",
                    f"    注意：日处理量低于 {least:g} 吨的县级焚烧设施需专门论证"
                    "（发改环资〔2022〕1746号）",
                )
            )
    for part, value in sorted(result.costs.items()):
        lines.append(
            tr(
                lang,
                f"  {part.replace('_', ' ')}: {value:,.0f} yuan/year",
                f"  {_PART_ZH.get(part, part)}：{value:,.0f} 元/年",
            )
        )
    lines.append(
        tr(
            lang,
            f"Transport CO2: {result.total_co2 / 1000:,.1f} t CO2e/year",
            f"运输碳排放：{result.total_co2 / 1000:,.1f} 吨 CO2e/年",
        )
    )
    lines.append(
        tr(
            lang,
            f"Time: build {result.build_time_s:.1f} s, solve {result.solve_time_s:.1f} s",
            f"用时：建模 {result.build_time_s:.1f} 秒，求解 {result.solve_time_s:.1f} 秒",
        )
    )
    return lines


def run_siting(
    ctx: click.Context,
    instance: Instance,
    out: Path,
    siting: SitingOptions,
    *,
    with_sensitivity: bool = False,
) -> SitingResult:
    """Solve, write and summarise a county's siting; exit on infeasibility or a checker finding.

    Every station's economics are written and printed; ``with_sensitivity``
    also re-solves over the main cost assumptions and reports where the
    station decision flips.
    """
    lang = lang_of(ctx)
    config = siting.config()
    with native_stdout_silenced():  # HiGHS prints its banner from C++
        result = site_county(instance, config, params=siting.params(), split=siting.split)
    notes: list[StationNote] = []
    flips: Sensitivity | None = None
    if result.decision is not None:
        problem = build_county_problem(instance, config, split=siting.split).problem
        notes = explain_stations(problem, result.decision)
        if with_sensitivity:
            with native_stdout_silenced():
                flips = sensitivity(problem, params=siting.params())
    files = write_siting(result, out, lang=lang, stations=notes, sensitivity=flips)
    for line in summary_lines(instance, result, config, lang):
        click.echo(line)
    if notes:
        click.echo(tr(lang, "Transfer stations:", "转运站："))
        click.echo(
            tr(
                lang,
                "  (yuan/year: collection haul saved against handling and onward haul added "
                "and the station's own fixed cost; net > 0 means it pays)",
                "  （元/年：节省的收运运输 对比 增加的转运处理与二次运输及站点自身固定费用；"
                "净节省 > 0 即值得建站）",
            )
        )
        for line in station_lines(notes, lang):
            click.echo(line)
    if flips is not None:
        values = assumption_values(instance, config, problem, lang)
        for line in sensitivity_lines(*flips, values, lang):
            click.echo(line)
    click.echo(
        tr(lang, f"Wrote {len(files)} files to {out}", f"已写出 {len(files)} 个文件到 {out}")
    )
    exit_on_violations(ctx, result.violations)
    if result.decision is None:
        ctx.exit(EXIT_INFEASIBLE)
    return result


def benchmark_summary_lines(
    problem: FacilityProblem, result: SitingResult, lang: Lang
) -> list[str]:
    """Return the summary of a benchmark siting plan (costs in the file's own unit)."""
    status = status_label(result.status, lang, result.gap)
    lines = [tr(lang, f"Siting: {status} ({result.solver})", f"选址：{status}（{result.solver}）")]
    d = result.decision
    if d is None or result.objective is None:
        return lines + [f"  - {why}" for why in result.diagnosis[:MAX_LISTED]]
    gap = result.gap or 0.0
    opened = ", ".join(sorted(d.open, key=problem.facilities.index))
    lines += [
        tr(
            lang,
            f"Cost {result.total_cost:,.3f} in the file's unit (bound {result.bound:,.3f}, "
            f"gap {gap:.4%}); {len(d.open)} of {len(problem.facilities)} open: {opened}",
            f"成本 {result.total_cost:,.3f}（文件自身单位；下界 {result.bound:,.3f}，"
            f"间隙 {gap:.4%}）；"
            f"开设 {len(d.open)} / {len(problem.facilities)} 个：{opened}",
        ),
        tr(
            lang,
            f"Time: build {result.build_time_s:.1f} s, solve {result.solve_time_s:.1f} s",
            f"用时：建模 {result.build_time_s:.1f} 秒，求解 {result.solve_time_s:.1f} 秒",
        ),
    ]
    return lines


@click.command("site")
@click.argument("workbook", type=click.Path(exists=True, path_type=Path), metavar="INPUT")
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Output folder.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["county", *SITING_FORMATS]),
    default=None,
    help="Format of INPUT [default: from its name: cap41.txt = cap, pmed1.txt = pmed, "
    "p1 = holmberg, coord20-5-1.dat = lrp (Prodhon/Barreto location-routing), else a county]; "
    "uncap reads a cap file without capacities.",
)
@click.option(
    "--sensitivity",
    "with_sensitivity",
    is_flag=True,
    help="Also re-solve with the truck cost per t·km, the transfer cost per t·km and the "
    "station capital each scaled (x0.25 to x5) and report where the station decision flips "
    "(county input; about 30 more solves).",
)
@siting_options
@ROADS_OPTION
@click.pass_context
@reports_input_errors
def site_command(
    ctx: click.Context,
    workbook: Path,
    out: Path,
    fmt: str | None,
    with_sensitivity: bool,
    siting: SitingOptions,
    roads: Path | None,
) -> None:
    """Choose transfer stations and sizes and assign every stop (exact MIP).

    INPUT is a county (workbook, .json, .geojson) or a benchmark file
    (OR-Library cap/uncap/pmed, Holmberg; Prodhon/Barreto location-routing,
    solved by the LRP search within --time-limit and written to
    lrp_plan.json); benchmark plans keep the file's
    numbering (F1 = first facility, C1 = first customer) and are solved as
    the file states them (the county costs and limits do not apply). Writes
    siting.json, CSV tables and siting.xlsx into OUT. Exit code 3 with a
    diagnosis when no plan meets the haul limit, capacities and budget.
    """
    check_writable(out, "--out")
    kind = siting_format(workbook, fmt)
    if kind == "county":
        instance = choose_travel(
            read_instance(workbook), source=workbook, roads=roads, parallel=True
        )
        run_siting(ctx, instance, out, siting, with_sensitivity=with_sensitivity)
        if note := travel_note(instance, lang_of(ctx)):
            click.echo(note)
        return
    if roads is not None:
        raise click.UsageError("--roads applies to county workbooks, not benchmark files")
    if kind == "lrp":
        run_location_routing(ctx, workbook, out, siting.time_limit)
        return
    if with_sensitivity:
        raise click.UsageError("--sensitivity applies to county workbooks, not benchmark files")
    lang = lang_of(ctx)
    problem = read_facility_problem(workbook, kind)
    with native_stdout_silenced():  # HiGHS prints its banner from C++
        result = solve_facility_problem(problem, params=siting.params())
    files = write_siting(result, out, lang=lang)
    for line in benchmark_summary_lines(problem, result, lang):
        click.echo(line)
    click.echo(
        tr(lang, f"Wrote {len(files)} files to {out}", f"已写出 {len(files)} 个文件到 {out}")
    )
    exit_on_violations(ctx, result.violations)
    if result.decision is None:
        ctx.exit(EXIT_INFEASIBLE)
