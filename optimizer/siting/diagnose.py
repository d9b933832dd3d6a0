"""Explain why a siting problem has no plan, in the planner's terms.

Checks that need no solver run before the solve (uncoverable customers, too
few sites, forced sites over budget, too little capacity); after an
infeasible solve the MIP adapter measures the least capital any plan needs
and :func:`explain_budget` compares it with the budget.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from optimizer.i18n import Lang, tr, translate
from optimizer.model import STREAM_ZH, Stream
from optimizer.siting.problem import FacilityProblem, Status
from optimizer.siting.result import Decision

DAYS_PER_YEAR = 365.0  # as in optimizer.siting.county, which turns days into years

#: The diagnoses a siting run may give, (English, Chinese) with ``{field}``
#: placeholders; results keep the English text, :func:`diagnosis_text` reads
#: it in Chinese. The last two are written by :mod:`optimizer.siting.county`.
DIAGNOSES: tuple[tuple[str, str], ...] = (
    (
        "{n} customer(s) have no facility that may serve them "
        "(haul limit, stream or closed sites): {head}",
        "{n} 个收集点没有可服务的设施（运距限制、垃圾类别或站点关闭）：{head}",
    ),
    ("{n} facilities must open but only {k} may", "{n} 处设施必须启用，但最多只能启用 {k} 处"),
    (
        "the capital budget {budget} is below the {least} that the sites which must open need",
        "投资预算 {budget} 元低于必须启用的站点所需的 {least} 元",
    ),
    (
        "customer {cid}: demand {demand} exceeds the largest capacity among the facilities "
        "that may serve it ({cap})",
        "收集点 {cid}：需求 {demand} 超过可服务它的设施的最大能力（{cap}）",
    ),
    (
        "total demand {total} exceeds the largest capacity all sites together could have ({cap})",
        "总需求 {total} 超过全部站点合计可能具备的最大能力（{cap}）",
    ),
    (
        "the capital budget {budget} is too small: the cheapest plan that covers all demand "
        "within the haul and capacity limits needs {least}",
        "投资预算 {budget} 元不足：在运距与能力限制内覆盖全部需求的最低投资方案需要 {least} 元",
    ),
    ("stop {sid}: no site accepts stream {stream}", "收集点 {sid}：没有站点接收 {stream}"),
    (
        "stop {sid} ({stream}): the nearest site that accepts it, {site}, is {km} km / "
        "{minutes} min away, beyond the haul limit of {limit} (or closed)",
        "收集点 {sid}（{stream}）：最近的可接收站点 {site} 距离 {km} km / {minutes} 分钟，"
        "超出运距限制 {limit}（或已关闭）",
    ),
)


def diagnosis_text(text: str, lang: Lang) -> str:
    """Return one siting diagnosis in ``lang`` (text from elsewhere as given)."""

    def convert(key: str, value: str) -> str:
        if key == "stream":
            known = {s.value: STREAM_ZH[s] for s in Stream}
            return known.get(value.strip("'"), value)
        return value.replace(" and ", " 且 ") if key == "limit" else value

    return translate(text, DIAGNOSES, lang, convert=convert)


def _max_capacity(problem: FacilityProblem, i: int) -> float:
    caps = [o.capacity for o in problem.options[i]]
    return float("inf") if any(c is None for c in caps) else max(c or 0.0 for c in caps)


def diagnose_before(problem: FacilityProblem) -> tuple[str, ...]:
    """Return the reasons, visible without solving, why ``problem`` has no plan."""
    found: list[str] = []
    allowed = problem.allowed
    uncovered = [c for j, c in enumerate(problem.customers) if not allowed[:, j].any()]
    if uncovered:
        head = ", ".join(uncovered[:20]) + (" …" if len(uncovered) > 20 else "")
        found.append(
            f"{len(uncovered)} customer(s) have no facility that may serve them "
            f"(haul limit, stream or closed sites): {head}"
        )
    forced = [i for i, s in enumerate(problem.status) if s is Status.OPEN]
    usable = [i for i, s in enumerate(problem.status) if s is not Status.CLOSED]
    if problem.num_open is not None:
        if len(forced) > problem.num_open:
            found.append(f"{len(forced)} facilities must open but only {problem.num_open} may")
        if len(usable) < problem.num_open:
            found.append(f"{problem.num_open} facilities must open but only {len(usable)} may")
    if problem.budget is not None:
        least = sum(min(o.capital for o in problem.options[i]) for i in forced)
        if least > problem.budget:
            found.append(
                f"the capital budget {problem.budget:,.0f} is below the {least:,.0f} "
                "that the sites which must open need"
            )
    caps = np.array(
        [_max_capacity(problem, i) if i in usable else 0.0 for i in range(len(problem.facilities))]
    )
    if problem.single_source:
        for j, cid in enumerate(problem.customers):
            reach = caps[allowed[:, j]]
            if reach.size and problem.demand[j] > reach.max():
                found.append(
                    f"customer {cid}: demand {problem.demand[j]:,.1f} exceeds the largest "
                    f"capacity among the facilities that may serve it ({reach.max():,.1f})"
                )
    total = float(problem.demand.sum())
    if problem.capacitated and total > caps[usable].sum():
        found.append(
            f"total demand {total:,.1f} exceeds the largest capacity all sites together "
            f"could have ({caps[usable].sum():,.1f})"
        )
    return tuple(found)


def explain_budget(problem: FacilityProblem, least_capital: float | None) -> list[str]:
    """Say whether the budget is what makes ``problem`` infeasible.

    Parameters
    ----------
    problem
        The infeasible problem (with a budget).
    least_capital
        The least capital of any plan without the budget, or None if even
        that has no plan.

    """
    if problem.budget is None or least_capital is None:
        return []
    if least_capital > problem.budget * (1 + 1e-9):
        return [
            f"the capital budget {problem.budget:,.0f} is too small: the cheapest plan that "
            f"covers all demand within the haul and capacity limits needs {least_capital:,.0f}"
        ]
    return []


@dataclass(frozen=True)
class StationNote:
    """Why a transfer station is used or idle, in yuan/year.

    ``num_stops`` are the stops it serves (used) or the stops nearer to it
    than to where they now go (idle). For those stops, ``haul_saved`` is the
    collection haul (and its carbon) saved by unloading at the station rather
    than where they now go or would otherwise go, and ``handling_added`` the
    station's handling plus the onward haul and treatment, less the treatment
    paid without it. ``fixed`` is what having the station costs a year
    (annualised capital and fixed operating cost of its size, or of the
    smallest size that holds those stops if it is idle; 0 for an existing
    station kept either way). A station pays when ``net > 0``.
    """

    station: str
    used: bool
    num_stops: int
    haul_saved: float
    handling_added: float
    load: float  # kg/day received
    capacity: float | None  # kg/day of its size, None if unlimited
    fixed: float = 0.0
    size_class: str = ""

    @property
    def net(self) -> float:
        """Return the yuan/year the station saves (negative: it costs more than it saves)."""
        return self.haul_saved - self.handling_added - self.fixed


def _haul(problem: FacilityProblem, i: int, j: int) -> float:
    parts = problem.assign_parts
    carbon = float(parts["carbon"][i, j]) if "carbon" in parts else 0.0
    return float(parts["collection_transport"][i, j]) + carbon


def _rest(problem: FacilityProblem, i: int, j: int, onward: dict[tuple[str, str], float]) -> float:
    """Return what serving customer j at facility i costs beyond its collection haul."""
    parts = problem.assign_parts
    cost = float(parts["station_operating"][i, j] + parts["treatment"][i, j])
    fac = problem.facilities[i]
    if fac in problem.forwarders:
        stream = problem.customer_stream[j]
        cost += float(problem.demand[j]) * onward.get((fac, stream), 0.0)
    return cost


def explain_stations(problem: FacilityProblem, decision: Decision) -> list[StationNote]:
    """Return for every transfer station why it is used or idle: haul saved against handling.

    Only the county model's cost parts are used (``collection_transport``,
    ``carbon``, ``station_operating``, ``treatment`` and the onward arcs), so
    the notes add up to the differences the optimiser weighed.
    """
    onward: dict[tuple[str, str], float] = {}
    for arc in problem.arcs:
        key = (arc.source, arc.stream)
        onward[key] = min(onward.get(key, float("inf")), arc.unit_cost)
    index = {f: i for i, f in enumerate(problem.facilities)}
    ok = np.isfinite(problem.assign_parts["collection_transport"])
    plants = [i for i, f in enumerate(problem.facilities) if f not in problem.forwarders]
    notes = []
    for fac in problem.facilities:
        if fac not in problem.forwarders:
            continue
        i = index[fac]
        used = any(decision.main_facility(c) == fac for c in problem.customers)
        saved = added = load = 0.0
        count = 0
        for j, cid in enumerate(problem.customers):
            if not ok[i, j]:
                continue
            here = decision.main_facility(cid)
            if used and here == fac:
                # Where it would go without this station: its cheapest plant.
                options = [k for k in plants if ok[k, j]]
                if not options:
                    continue
                k = min(options, key=lambda k: _haul(problem, k, j) + _rest(problem, k, j, onward))
            elif not used and _haul(problem, i, j) < _haul(problem, index[here], j):
                k = index[here]
            else:
                continue
            count += 1
            load += float(problem.demand[j])
            saved += _haul(problem, k, j) - _haul(problem, i, j)
            added += _rest(problem, i, j, onward) - _rest(problem, k, j, onward)
        caps = [o.capacity for o in problem.options[i]]
        capacity = None if any(c is None for c in caps) else max(c or 0.0 for c in caps)
        fixed, size = _fixed_for(problem, i, decision.open.get(fac), load)
        notes.append(StationNote(fac, used, count, saved, added, load, capacity, fixed, size))
    return notes


def _fixed_for(
    problem: FacilityProblem, i: int, chosen: str | None, load: float
) -> tuple[float, str]:
    """Return (fixed cost a year, size class) of station ``i``: its size, or the least that fits.

    An existing station that must stay open costs the same with or without
    its stops, so nothing is charged to them.
    """
    opts = problem.options[i]
    if problem.status[i] is Status.OPEN and len(opts) == 1:
        return 0.0, opts[0].size_class
    if chosen is not None:
        opt = next(o for o in opts if o.size_class == chosen)
        return opt.fixed_cost, opt.size_class
    fits = [o for o in opts if o.capacity is None or o.capacity >= load] or list(opts)
    best = min(fits, key=lambda o: (o.fixed_cost, o.size_class))
    return best.fixed_cost, best.size_class


def station_lines(notes: list[StationNote], lang: Lang) -> list[str]:
    """Return one sentence per station saying why it is used or idle, in ``lang``.

    Each gives the collection haul saved, the handling and onward haul
    added, the station's own fixed cost and the net (yuan/year).
    """
    lines = []
    for n in notes:
        cap = "" if n.capacity is None else f" / {n.capacity / 1000:,.1f}"
        load = f"{n.load / 1000:,.1f}{cap} t/day"
        fixed_en = (
            f" and {n.fixed:,.0f} yuan/year of capital and fixed cost (size {n.size_class})"
            if n.fixed
            else ""
        )
        fixed_zh = ""
        if n.fixed:
            fixed_zh = f"，另有年化投资与固定费用 {n.fixed:,.0f} 元/年（规模 {n.size_class}）"
        net_en = f"net {n.net:+,.0f} yuan/year"
        net_zh = f"净节省 {n.net:+,.0f} 元/年"
        if n.used:
            lines.append(
                tr(
                    lang,
                    f"  {n.station}: used by {n.num_stops} stops ({load}): saves "
                    f"{n.haul_saved:,.0f} yuan/year of collection haul for "
                    f"{n.handling_added:,.0f} yuan/year of handling and onward haul"
                    f"{fixed_en}; {net_en}",
                    f"  {n.station}：启用，服务 {n.num_stops} 个收集点（{load}）：节省收运运输 "
                    f"{n.haul_saved:,.0f} 元/年，增加转运处理与二次运输 "
                    f"{n.handling_added:,.0f} 元/年{fixed_zh}；{net_zh}",
                )
            )
        elif n.num_stops == 0:
            lines.append(
                tr(
                    lang,
                    f"  {n.station}: idle: no stop is nearer to it than to where it goes now",
                    f"  {n.station}：闲置：没有收集点离它比离现去向更近",
                )
            )
        else:
            why = (
                tr(lang, "handling costs more than the haul saved", "转运处理费用高于节省的运输")
                if n.handling_added >= n.haul_saved
                else tr(lang, "its fixed cost exceeds the net saving", "固定费用高于净节省")
                if n.net <= 0
                else tr(lang, "capacity or haul limits", "受能力或运距限制")
            )
            lines.append(
                tr(
                    lang,
                    f"  {n.station}: idle ({why}): its {n.num_stops} nearer stops "
                    f"({n.load / 1000:,.1f} t/day) would save {n.haul_saved:,.0f} yuan/year "
                    f"of collection haul but add {n.handling_added:,.0f} yuan/year of handling "
                    f"and onward haul{fixed_en}; {net_en}",
                    f"  {n.station}：闲置（{why}）：离它更近的 {n.num_stops} 个收集点"
                    f"（{n.load / 1000:,.1f} t/日）改经此站可节省收运运输 "
                    f"{n.haul_saved:,.0f} 元/年，"
                    f"但增加转运处理与二次运输 {n.handling_added:,.0f} 元/年{fixed_zh}；{net_zh}",
                )
            )
    return lines


def station_handling_per_day(
    problem: FacilityProblem, received: dict[tuple[str, str], float]
) -> float:
    """Return what stations charge a day (yuan) for what they receive, onward haul included.

    ``received`` maps (station id, stream) to kg/day unloaded there, e.g. by
    a routing plan that ignored siting. Uses the county model's rates: the
    station's handling per kg and its cheapest onward arc for the stream.
    """
    onward: dict[tuple[str, str], float] = {}
    for arc in problem.arcs:
        key = (arc.source, arc.stream)
        onward[key] = min(onward.get(key, float("inf")), arc.unit_cost)
    index = {f: i for i, f in enumerate(problem.facilities)}
    per_year = 0.0
    for (station, stream), kg in received.items():
        i = index.get(station)
        if i is None or station not in problem.forwarders or kg <= 0:
            continue
        operating = problem.assign_parts["station_operating"][i]
        # Handling is proportional to demand: any customer gives the rate per kg/day.
        rates = [
            float(operating[j]) / float(problem.demand[j])
            for j in range(len(problem.customers))
            if problem.demand[j] > 0 and np.isfinite(operating[j])
        ]
        rate = rates[0] if rates else 0.0
        per_year += kg * (rate + onward.get((station, stream), 0.0))
    return per_year / DAYS_PER_YEAR
