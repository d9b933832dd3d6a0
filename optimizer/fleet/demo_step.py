"""The demo's fleet step: electrification scenarios on the demo county's routes."""

from __future__ import annotations

from pathlib import Path

from optimizer.fleet.check import check_study
from optimizer.fleet.output import write_fleet
from optimizer.fleet.params import default_params
from optimizer.fleet.study import FleetStudy, study_fleet
from optimizer.i18n import Lang, tr
from optimizer.model import Instance
from optimizer.routing.result import RoutingResult

#: The scenario the demo writes into the carbon scenario's sanitation sector.
DEMO_CHOICE = "all_electric"
DEMO_FIRST_YEAR = 2026


def fleet_step(
    instance: Instance, result: RoutingResult, out_dir: Path, *, lang: Lang = "en", seed: int = 0
) -> tuple[FleetStudy, list[Path], str]:
    """Study the demo fleet on ``result``'s routes and write it into ``out_dir``.

    Returns the study, the files written and a one-line summary in ``lang``.
    """
    study = study_fleet(
        instance,
        result,
        default_params(),
        first_year=DEMO_FIRST_YEAR,
        routes_source="routing/solution.json",
        seed=seed,
    )
    problems = check_study(study)
    if problems:
        raise RuntimeError("internal error: fleet checker found: " + "; ".join(problems[:5]))
    # A fleet already all electric has no option beyond today's.
    names = [s.scenario.name for s in study.scenarios]
    choice = DEMO_CHOICE if DEMO_CHOICE in names else "today"
    files = write_fleet(study, out_dir, lang=lang, chosen=choice)
    today, chosen = study.scenarios[0], study.scenario(choice)
    years = len(study.years)
    saved = sum(today.co2_t_by_year.values()) - sum(chosen.co2_t_by_year.values())
    extra = (chosen.tco_yuan - today.tco_yuan) / 1e6
    message = tr(
        lang,
        f"{chosen.scenario.label.en}: {chosen.vehicles} trucks ({today.vehicles} today), "
        f"{chosen.chargers} chargers, {chosen.electricity_kwh_per_day:,.0f} kWh/day; "
        f"{years} years cost {extra:+,.2f} M yuan (estimated prices), "
        f"save {saved:,.0f} t CO2",
        f"{chosen.scenario.label.zh}：{chosen.vehicles} 辆车（现有 {today.vehicles} 辆），"
        f"{chosen.chargers} 台充电桩，"
        f"日用电 {chosen.electricity_kwh_per_day:,.0f} kWh；{years} 年成本变化 {extra:+,.2f} 百万元"
        f"（价格为估计值），减排 {saved:,.0f} 吨 CO2",
    )
    return study, files, message
