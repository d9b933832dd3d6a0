"""The demo's siting step: site the demo county, check the plan, write it."""

from __future__ import annotations

from pathlib import Path

from optimizer.i18n import Lang, tr
from optimizer.io.siting_output import write_siting
from optimizer.model import Instance
from optimizer.siting.config import load_config
from optimizer.siting.county import site_county
from optimizer.siting.params import SitingParams
from optimizer.siting.result import SitingResult, SolveStatus


def siting_step(
    instance: Instance, out_dir: Path, *, lang: Lang = "en", time_limit_s: float = 30.0
) -> tuple[SitingResult, list[Path], str]:
    """Site ``instance`` with the shipped defaults and write the plan into ``out_dir``.

    Returns
    -------
    tuple
        The result, the files written and a one-line summary in ``lang``.

    Raises
    ------
    RuntimeError
        If there is no plan (with the diagnosis) or the checker rejects it.

    """
    result = site_county(instance, load_config(), params=SitingParams(time_limit_s=time_limit_s))
    if result.violations:
        raise RuntimeError(
            "internal error: siting checker found: " + "; ".join(result.violations[:5])
        )
    if result.decision is None or result.objective is None:
        raise RuntimeError(f"siting {result.status.value}: " + "; ".join(result.diagnosis[:5]))
    files = write_siting(result, out_dir, lang=lang)
    new = [f for f in result.decision.open if instance.site(f).candidate]
    proof = (
        tr(lang, "proven optimal", "已证明最优")
        if result.status is SolveStatus.OPTIMAL
        else tr(lang, f"gap {result.gap or 0:.2%}", f"间隙 {result.gap or 0:.2%}")
    )
    seconds = result.build_time_s + result.solve_time_s
    message = tr(
        lang,
        f"{len(result.decision.open)} sites in use ({len(new)} new), "
        f"{result.objective:,.0f} yuan/year, {result.total_co2 / 1000:,.0f} t CO2e/year "
        f"of haulage, {proof} in {seconds:.1f} s",
        f"使用 {len(result.decision.open)} 处站点（新建 {len(new)} 处），年成本 "
        f"{result.objective:,.0f} 元，运输排放 {result.total_co2 / 1000:,.0f} 吨 CO2e/年，"
        f"{proof}，用时 {seconds:.1f} 秒",
    )
    return result, files, message
