"""Where the siting decision flips: re-solve over the main cost assumptions.

Three assumptions decide whether a transfer station pays: what the
collecting trucks cost per t·km (the haul a station saves), what the large
transfer trucks cost per t·km (the onward haul it adds) and the station's
capital. Each is scaled by factors of its value in the model (one at a
time, the others kept), the problem is re-solved exactly, and between two
factors that give different station sets the factor where the decision
flips is narrowed down by bisection.

The scaling acts on the county model's cost parts (see
:mod:`optimizer.siting.county`): ``collection_transport`` of the
assignments, ``transfer_transport`` of the onward arcs and
``capital_annualised`` of the stations' size options (their capital, which
a budget limits, scales with it).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from optimizer.i18n import Lang, tr
from optimizer.siting.params import SitingParams
from optimizer.siting.problem import FacilityProblem, Status
from optimizer.siting.result import SitingResult

#: The assumptions, with their English and Chinese names.
ASSUMPTIONS: Mapping[str, tuple[str, str]] = {
    "truck_cost": ("collection truck cost per t·km", "收运车辆每吨公里费用"),
    "transfer_cost": ("transfer truck cost per t·km", "转运车辆每吨公里费用"),
    "station_capital": ("station capital", "转运站投资"),
}

#: Factors of each assumption's model value that are solved by default.
FACTORS = (0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 5.0)

#: Bisection steps between two factors with different decisions, and the
#: most flips looked for between two neighbouring factors.
REFINE_STEPS = 4
MAX_FLIPS_PER_STEP = 3


@dataclass(frozen=True)
class SensitivityRow:
    """One re-solve: an assumption scaled by ``factor``, and what siting decided."""

    assumption: str
    factor: float
    stations: tuple[str, ...]  # stations that receive waste ("id" or "id:size" if built)
    cost: float | None  # yuan/year of the plan at the scaled assumption
    proven: bool


@dataclass(frozen=True)
class Flip:
    """A change of the station set between two factors of one assumption."""

    assumption: str
    low: float  # factor with the ``before`` stations
    high: float  # factor with the ``after`` stations
    before: tuple[str, ...]
    after: tuple[str, ...]

    @property
    def at(self) -> float:
        """Return the factor where the decision flips (middle of the bracket)."""
        return (self.low + self.high) / 2


#: What :func:`sensitivity` returns: every re-solve, and the flips found.
Sensitivity = tuple[list[SensitivityRow], list[Flip]]


def scaled(problem: FacilityProblem, assumption: str, factor: float) -> FacilityProblem:
    """Return ``problem`` with one cost assumption multiplied by ``factor``."""
    if assumption not in ASSUMPTIONS:
        raise ValueError(f"unknown assumption {assumption!r}; expected one of {list(ASSUMPTIONS)}")
    if assumption == "truck_cost":
        parts = dict(problem.assign_parts)
        parts["collection_transport"] = parts["collection_transport"] * factor
        return replace(problem, assign_parts=parts)
    if assumption == "transfer_cost":
        arcs = tuple(
            replace(a, costs=_times(a.costs, "transfer_transport", factor)) for a in problem.arcs
        )
        return replace(problem, arcs=arcs)
    options = tuple(
        tuple(
            replace(
                o,
                costs=_times(o.costs, "capital_annualised", factor),
                capital=o.capital * factor,
            )
            for o in opts
        )
        if fid in problem.forwarders
        else opts
        for fid, opts in zip(problem.facilities, problem.options, strict=True)
    )
    return replace(problem, options=options)


def _times(costs: Mapping[str, float], key: str, factor: float) -> dict[str, float]:
    return {k: v * factor if k == key else v for k, v in costs.items()}


def stations_used(problem: FacilityProblem, result: SitingResult) -> tuple[str, ...]:
    """Return the stations that receive waste (built ones with their size class)."""
    if result.decision is None:
        return ()
    used = []
    for fid in problem.forwarders:
        if result.load.get(fid, 0.0) <= 0.0:
            continue
        i = problem.facility_index(fid)
        built = problem.status[i] is not Status.OPEN and len(problem.options[i]) > 1
        used.append(f"{fid}:{result.decision.open[fid]}" if built else fid)
    return tuple(sorted(used))


def sensitivity(
    problem: FacilityProblem,
    *,
    params: SitingParams | None = None,
    factors: Sequence[float] = FACTORS,
    refine_steps: int = REFINE_STEPS,
    assumptions: Sequence[str] = tuple(ASSUMPTIONS),
) -> Sensitivity:
    """Re-solve ``problem`` with each assumption scaled; return the rows and the flips.

    Every plan is solved exactly (``params``, by default a proven optimum)
    and checked like any other; a flip is bracketed to within
    ``(high - low) / 2**refine_steps`` of the grid step it lies in.
    """
    from optimizer.siting.mip import solve

    params = params or SitingParams()
    rows: list[SensitivityRow] = []
    flips: list[Flip] = []
    for name in assumptions:

        def run(factor: float, name: str = name) -> SensitivityRow:
            scaled_problem = scaled(problem, name, factor)
            result = solve(scaled_problem, params=params)
            cost = result.total_cost if result.decision is not None else None
            return SensitivityRow(
                name, factor, stations_used(scaled_problem, result), cost, result.proven_optimal
            )

        grid = [run(f) for f in sorted(factors)]
        rows += grid
        for a, b in itertools.pairwise(grid):
            # Several flips may lie between two grid factors: find them left to right.
            for _ in range(MAX_FLIPS_PER_STEP):
                if a.stations == b.stations:
                    break
                low, high, after = a.factor, b.factor, b
                for _ in range(refine_steps):
                    mid = run((low + high) / 2)
                    if mid.stations == a.stations:
                        low = mid.factor
                    else:
                        high, after = mid.factor, mid
                flips.append(Flip(name, low, high, a.stations, after.stations))
                a = after
    return rows, flips


def _names(stations: tuple[str, ...], lang: Lang) -> str:
    return ", ".join(stations) if stations else tr(lang, "none", "无")


def sensitivity_lines(
    rows: list[SensitivityRow], flips: list[Flip], base: Mapping[str, str], lang: Lang
) -> list[str]:
    """Return the sensitivity table and the flips as text lines in ``lang``.

    ``base`` gives each assumption's model value as text (e.g. "2.16 yuan/t·km").
    """
    lines = [
        tr(
            lang,
            "Sensitivity (one assumption scaled at a time, each plan re-solved exactly):",
            "敏感性分析（每次只调整一项假设，每个方案均重新精确求解）：",
        ),
        tr(
            lang,
            "  assumption | × model value | stations receiving waste | annual cost (yuan/year)",
            "  假设 | 模型取值倍数 | 接收垃圾的转运站 | 年成本（元/年）",
        ),
    ]
    for row in rows:
        en, zh = ASSUMPTIONS[row.assumption]
        cost = "-" if row.cost is None else f"{row.cost:,.0f}"
        mark = "" if row.proven else tr(lang, " (not proven)", "（未证明最优）")
        lines.append(
            f"  {tr(lang, en, zh)} | ×{row.factor:g} | {_names(row.stations, lang)} | {cost}{mark}"
        )
    for name in dict.fromkeys(r.assumption for r in rows):
        en, zh = ASSUMPTIONS[name]
        found = [f for f in flips if f.assumption == name]
        value = base.get(name, "")
        where = f" ({value})" if value else ""
        if not found:
            lo = min(r.factor for r in rows if r.assumption == name)
            hi = max(r.factor for r in rows if r.assumption == name)
            lines.append(
                tr(
                    lang,
                    f"  {en}{where}: the stations stay the same from ×{lo:g} to ×{hi:g}",
                    f"  {zh}{where}：在 ×{lo:g} 至 ×{hi:g} 之间转运站方案不变",
                )
            )
        for f in found:
            lines.append(
                tr(
                    lang,
                    f"  {en}{where}: the decision flips at about ×{f.at:.3g} "
                    f"(between ×{f.low:.3g} and ×{f.high:.3g}): "
                    f"{_names(f.before, lang)} → {_names(f.after, lang)}",
                    f"  {zh}{where}：约在 ×{f.at:.3g}"
                    f"（×{f.low:.3g} 至 ×{f.high:.3g} 之间）方案改变："
                    f"{_names(f.before, lang)} → {_names(f.after, lang)}",
                )
            )
    return lines
