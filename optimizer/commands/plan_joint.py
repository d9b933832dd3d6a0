"""``countyopt plan --joint``: station sets searched with real routing, set against sequential."""

from __future__ import annotations

import click

from optimizer.commands.common import lang_of
from optimizer.i18n import Lang, tr
from optimizer.lrp.county import JointCandidate, JointResult, RouteFn, plan_jointly
from optimizer.model import Instance
from optimizer.native_output import native_stdout_silenced
from optimizer.routing.result import RoutingResult
from optimizer.siting.mip import solve as solve_facility_problem
from optimizer.siting.params import SitingParams
from optimizer.siting.problem import FacilityProblem
from optimizer.siting.result import SitingResult


def _stations(cand: JointCandidate) -> str:
    return ", ".join(cand.opened) or "—"


def joint_lines(found: JointResult, lang: Lang) -> list[str]:
    """Return the station sets routed, their real daily costs, and the plan against sequential."""
    lines = [
        tr(
            lang,
            "Stations and routes together (real routing cost per station set, yuan/day):",
            "站点与路线联合优化（各站点组合按实际路线计算的成本，元/日）：",
        )
    ]
    for k, cand in enumerate(found.tried):
        mark = " *" if cand is found.best else ""
        checked = (
            tr(lang, f", {len(cand.violations)} violations", f"，{len(cand.violations)} 处违规")
            if cand.violations
            else ""
        )
        unserved = (
            tr(
                lang,
                f", {len(cand.plan.unserved)} unserved",
                f"，未收运 {len(cand.plan.unserved)} 个",
            )
            if cand.plan.unserved
            else ""
        )
        lines.append(
            tr(
                lang,
                f"  {k + 1}. {_stations(cand)}: stations and onward {cand.stations_per_day:,.0f} + "
                f"routes {cand.routing_per_day:,.0f} = {cand.total_per_day:,.0f} "
                f"(siting estimate {cand.estimate_per_day:,.0f}){unserved}{checked}{mark}",
                f"  {k + 1}. {_stations(cand)}：站点及转运 {cand.stations_per_day:,.0f} + "
                f"路线 {cand.routing_per_day:,.0f} = {cand.total_per_day:,.0f}"
                f"（选址估算 {cand.estimate_per_day:,.0f}）{unserved}{checked}{mark}",
            )
        )
    best, seq = found.best, found.sequential
    saved = seq.total_per_day - best.total_per_day
    pct = 100.0 * saved / seq.total_per_day if seq.total_per_day else 0.0
    lines.append(
        tr(
            lang,
            f"Joint plan: {best.total_per_day:,.0f} yuan/day against {seq.total_per_day:,.0f} "
            f"for sequential siting then routing ({saved:,.0f} yuan/day, {pct:.1f} % less).",
            f"联合方案：每日 {best.total_per_day:,.0f} 元，"
            f"先选址后排线为 {seq.total_per_day:,.0f} 元"
            f"（每日节省 {saved:,.0f} 元，{pct:.1f} %）。",
        )
        if best is not seq
        else tr(
            lang,
            f"Joint plan: the sequential plan stays best ({seq.total_per_day:,.0f} yuan/day); "
            f"{len(found.tried) - 1} other station sets were routed and cost more.",
            f"联合方案：先选址后排线的方案仍最优（每日 {seq.total_per_day:,.0f} 元）；"
            f"另外试算的 {len(found.tried) - 1} 个站点组合成本更高。",
        )
    )
    return lines


def search_jointly(
    ctx: click.Context,
    problem: FacilityProblem,
    sequential: SitingResult,
    routed: tuple[Instance, RoutingResult],
    *,
    params: SitingParams,
    route: RouteFn,
    max_evaluations: int,
) -> JointResult:
    """Run the joint search from the sequential plan and print what it found."""
    lang = lang_of(ctx)

    def site(p: FacilityProblem) -> SitingResult:
        with native_stdout_silenced():  # HiGHS prints its banner from C++
            return solve_facility_problem(p, params=params)

    found = plan_jointly(
        problem, sequential, site=site, route=route, max_evaluations=max_evaluations, routed=routed
    )
    for line in joint_lines(found, lang):
        click.echo(line)
    return found
