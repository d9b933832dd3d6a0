"""Build the OSeMOSYS linear programme in PuLP as small named steps.

The equations are those of the OSeMOSYS reference formulation (GNU MathProg
``osemosys.txt``), with its accounting variables (RateOfProduction, Use,
DiscountedCapitalInvestment, ...) substituted into the constraints and the
objective instead of being separate columns. The optimum is the same, the LP
is several times smaller, and nothing of the objective is dropped: the fixed
cost of residual capacity stays in as the objective's constant (the "fast"
formulation's 1242.725244 for UTOPIA).

Constraints carry the OSeMOSYS names (``EBa11_EnergyBalanceEachTS5_...``) so
that LP files and infeasibility reports read like the reference model. Rows
are built from pre-grouped coefficient dictionaries handed to
``pulp.LpAffineExpression`` in one go; ``+=`` loops were the build bottleneck.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import pulp

from optimizer.carbon.data import EnergyData, Index, Key

Terms = dict[pulp.LpVariable, float]
LE, GE, EQ = pulp.LpConstraintLE, pulp.LpConstraintGE, pulp.LpConstraintEQ


@dataclass
class EnergyModel:
    """A built LP: the PuLP problem, its variables by domain index, and key expressions."""

    data: EnergyData
    prob: pulp.LpProblem
    activity: dict[Index, pulp.LpVariable] = field(default_factory=dict)  # r,l,t,m,y
    new_capacity: dict[Index, pulp.LpVariable] = field(default_factory=dict)  # r,t,y
    new_units: dict[Index, pulp.LpVariable] = field(default_factory=dict)  # r,t,y
    new_storage: dict[Index, pulp.LpVariable] = field(default_factory=dict)  # r,s,y
    trade: dict[Index, pulp.LpVariable] = field(default_factory=dict)  # r,rr,l,f,y
    storage_level: dict[Index, pulp.LpVariable] = field(default_factory=dict)  # kind,r,s,...
    cost: pulp.LpAffineExpression = field(default_factory=pulp.LpAffineExpression)
    emissions: dict[Index, pulp.LpAffineExpression] = field(default_factory=dict)  # r,e,y
    build_s: float = 0.0
    step_s: dict[str, float] = field(default_factory=dict)  # build time per step

    def capacity_terms(self, r: Key, t: Key, y: int) -> tuple[Terms, float]:
        """Return TotalCapacityAnnual[r,t,y] as (new-capacity terms, residual constant)."""
        life = self.data.value("OperationalLife", r, t)
        terms = {self.new_capacity[r, t, yy]: 1.0 for yy in self.data.years if 0 <= y - yy < life}
        return terms, self.data.value("ResidualCapacity", r, t, y)

    def storage_capacity_terms(self, r: Key, s: Key, y: int) -> tuple[Terms, float]:
        """Return StorageUpperLimit[r,s,y] as (new-storage terms, residual constant)."""
        life = self.data.value("OperationalLifeStorage", r, s)
        terms = {self.new_storage[r, s, yy]: 1.0 for yy in self.data.years if 0 <= y - yy < life}
        return terms, self.data.value("ResidualStorageCapacity", r, s, y)


def build(data: EnergyData, *, name: str = "osemosys") -> EnergyModel:
    """Build the cost-minimising OSeMOSYS model of ``data``."""
    start = time.perf_counter()
    model = EnergyModel(data=data, prob=pulp.LpProblem(name, pulp.LpMinimize))
    step = time.perf_counter()
    define_variables(model)
    model.step_s["define_variables"] = time.perf_counter() - step
    define_constraints(model)
    step = time.perf_counter()
    define_objective(model)
    model.step_s["define_objective"] = time.perf_counter() - step
    model.build_s = time.perf_counter() - start
    return model


# --------------------------------------------------------------------------- helpers


def _name(prefix: str, *index: Key) -> str:
    return prefix + "_" + "_".join(str(i) for i in index)


def _add(model: EnergyModel, name: str, terms: Terms, sense: int, rhs: float) -> None:
    expr = pulp.LpAffineExpression(terms)
    model.prob.addConstraint(pulp.LpConstraint(expr, sense, name, rhs))


def _accumulate(target: Terms, source: Terms, factor: float) -> None:
    for var, coef in source.items():
        target[var] = target.get(var, 0.0) + coef * factor


def _nonzero(data: EnergyData, name: str) -> Iterable[tuple[Index, float]]:
    return ((k, v) for k, v in data.given(name).items() if v != 0)


# --------------------------------------------------------------------------- variables


def active_modes(
    d: EnergyData,
) -> tuple[dict[tuple[Key, Key], set[Key]], dict[tuple[Key, Key], bool]]:
    """Return the modes each technology uses, and which technologies must keep every mode.

    A mode with no input, output, emission or storage ratio produces
    nothing and only adds its (non-negative) variable cost, so an optimum
    never uses it unless a lower activity limit could be met through it or
    its cost is negative; those technologies keep all modes. UTOPIA's
    ``VariableCost default 0.00001`` applies to such empty modes.
    """
    used: dict[tuple[Key, Key], set[Key]] = defaultdict(set)
    for name in ("InputActivityRatio", "OutputActivityRatio"):
        for (r, t, _, m, _), _v in _nonzero(d, name):
            used[r, t].add(m)
    for (r, t, _, m, _), _v in _nonzero(d, "EmissionActivityRatio"):
        used[r, t].add(m)
    for name in ("TechnologyToStorage", "TechnologyFromStorage"):
        for (r, t, _, m), _v in _nonzero(d, name):
            used[r, t].add(m)
    needs_all: dict[tuple[Key, Key], bool] = defaultdict(bool)
    for (r, t, _, _), cost in d.given("VariableCost").items():
        if cost < 0:
            needs_all[r, t] = True
    for name in (
        "TotalTechnologyAnnualActivityLowerLimit",
        "TotalTechnologyModelPeriodActivityLowerLimit",
    ):
        for key, limit in d.given(name).items():
            if limit > 0:
                needs_all[key[0], key[1]] = True
    if d.defaults["VariableCost"] < 0:
        for r in d.sets["REGION"]:
            for t in d.sets["TECHNOLOGY"]:
                needs_all[r, t] = True
    for r in d.sets["REGION"]:
        for t in d.sets["TECHNOLOGY"]:
            if not used.get((r, t)):
                needs_all[r, t] = True
    return used, needs_all


def define_variables(model: EnergyModel) -> None:
    """Create activity, capacity, storage and trade variables."""
    d = model.data
    regions, years = d.sets["REGION"], d.years
    techs, modes, slices = d.sets["TECHNOLOGY"], d.sets["MODE_OF_OPERATION"], d.sets["TIMESLICE"]
    var = model.prob.add_variable
    used, needs_all = active_modes(d)
    for r in regions:
        for t in techs:
            for y in years:
                nc = var(_name("NewCapacity", r, t, y), lowBound=0)
                max_inv = d.value("TotalAnnualMaxCapacityInvestment", r, t, y)
                if max_inv >= 0:  # NCC1 as a bound: negative means no limit
                    nc.upBound = max_inv
                model.new_capacity[r, t, y] = nc
                unit = d.value("CapacityOfOneTechnologyUnit", r, t, y)
                if unit != 0:
                    model.new_units[r, t, y] = var(
                        _name("NumberOfNewTechnologyUnits", r, t, y), lowBound=0, cat="Integer"
                    )
                for m in modes:
                    if m not in used.get((r, t), ()) and not needs_all.get((r, t), False):
                        continue  # see active_modes: never useful at an optimum
                    for ts in slices:
                        model.activity[r, ts, t, m, y] = var(
                            _name("RateOfActivity", r, ts, t, m, y), lowBound=0
                        )
        for s in d.sets["STORAGE"]:
            for y in years:
                model.new_storage[r, s, y] = var(_name("NewStorageCapacity", r, s, y), lowBound=0)
    for r, rr, f, route_year in dict(_nonzero(d, "TradeRoute")):
        for ts in slices:
            model.trade[r, rr, ts, f, route_year] = var(_name("Trade", r, rr, ts, f, route_year))


# --------------------------------------------------------------------------- constraints


def define_constraints(model: EnergyModel) -> None:
    """Add every OSeMOSYS constraint block, timing each (``model.step_s``)."""
    for block in (
        define_demand_and_energy_balance,
        define_capacity_adequacy,
        define_storage,
        define_capacity_and_investment_limits,
        define_activity_limits,
        define_reserve_margin,
        define_re_target,
        define_emissions,
    ):
        start = time.perf_counter()
        block(model)
        model.step_s[block.__name__] = time.perf_counter() - start


def _ratio_by_fuel(
    d: EnergyData, name: str
) -> dict[tuple[Key, Key, int], list[tuple[Key, Key, float]]]:
    """Group an activity ratio by (region, fuel, year) into (tech, mode, ratio) lists."""
    grouped: dict[tuple[Key, Key, int], list[tuple[Key, Key, float]]] = defaultdict(list)
    for (r, t, f, m, y), v in _nonzero(d, name):
        grouped[r, f, int(y)].append((t, m, v))
    return grouped


def define_demand_and_energy_balance(model: EnergyModel) -> None:
    """Add EBa11 (each time slice) and EBb4 (each year, accumulated demand)."""
    d, act = model.data, model.activity
    out = _ratio_by_fuel(d, "OutputActivityRatio")
    inp = _ratio_by_fuel(d, "InputActivityRatio")
    sad = d.given("SpecifiedAnnualDemand")
    keys = set(out) | set(inp) | {(k[0], k[1], int(k[2])) for k, v in sad.items() if v != 0}
    trade_by: dict[Index, list[tuple[pulp.LpVariable, float]]] = defaultdict(list)
    for (r, rr, ts, f, y), v in model.trade.items():
        trade_by[r, ts, f, y].append((v, d.value("TradeRoute", r, rr, f, y)))
    for r, f, y in sorted(keys, key=str):
        for ts in d.sets["TIMESLICE"]:
            split = d.value("YearSplit", ts, y)
            terms: Terms = {}
            for t, m, ratio in out.get((r, f, y), ()):
                v = act[r, ts, t, m, y]
                terms[v] = terms.get(v, 0.0) + ratio * split
            for t, m, ratio in inp.get((r, f, y), ()):
                v = act[r, ts, t, m, y]
                terms[v] = terms.get(v, 0.0) - ratio * split
            for v, route in trade_by.get((r, ts, f, y), ()):
                terms[v] = terms.get(v, 0.0) - route
            demand = sad.get((r, f, y), 0.0) * d.value("SpecifiedDemandProfile", r, f, ts, y)
            _add(model, _name("EBa11_EnergyBalanceEachTS5", r, ts, f, y), terms, GE, demand)
    for (r, f, y), acc in _nonzero(d, "AccumulatedAnnualDemand"):
        terms = {}
        for ts in d.sets["TIMESLICE"]:
            split = d.value("YearSplit", ts, y)
            for t, m, ratio in out.get((r, f, int(y)), ()):
                v = act[r, ts, t, m, y]
                terms[v] = terms.get(v, 0.0) + ratio * split
            for t, m, ratio in inp.get((r, f, int(y)), ()):
                v = act[r, ts, t, m, y]
                terms[v] = terms.get(v, 0.0) - ratio * split
            for v, route in trade_by.get((r, ts, f, y), ()):
                terms[v] = terms.get(v, 0.0) - route
        _add(model, _name("EBb4_EnergyBalanceEachYear4", r, f, y), terms, GE, acc)
    for (r, rr, ts, f, y), v in model.trade.items():
        if (rr, r, ts, f, y) in model.trade and str(r) < str(rr):
            _add(
                model,
                _name("EBa10_EnergyBalanceEachTS4", r, rr, ts, f, y),
                {v: 1.0, model.trade[rr, r, ts, f, y]: 1.0},
                EQ,
                0.0,
            )


def capacity_is_free(d: EnergyData, r: Key, t: Key) -> bool:
    """Return True when a technology's capacity costs nothing and nothing limits or uses it.

    Its CAa4/CAb1 rows can then always be met by building more capacity at
    no cost, so they are left out (zero capacity factors still fix activity
    at zero). Supply technologies of county scenarios are like this, and
    their rows were a quarter of the hourly model.
    """
    for name in (
        "CapitalCost",
        "FixedCost",
        "CapacityOfOneTechnologyUnit",
        "ReserveMarginTagTechnology",
    ):
        if any(k[0] == r and k[1] == t and v != 0 for k, v in d.given(name).items()):
            return False
    for name in ("TotalAnnualMaxCapacity", "TotalAnnualMaxCapacityInvestment"):
        if d.defaults[name] >= 0 or any(
            k[0] == r and k[1] == t and v >= 0 for k, v in d.given(name).items()
        ):
            return False
    for name in ("TotalAnnualMinCapacity", "TotalAnnualMinCapacityInvestment"):
        if d.defaults[name] > 0 or any(
            k[0] == r and k[1] == t and v > 0 for k, v in d.given(name).items()
        ):
            return False
    return all(
        d.defaults[n] == 0 for n in ("CapitalCost", "FixedCost", "CapacityOfOneTechnologyUnit")
    )


def define_capacity_adequacy(model: EnergyModel) -> None:
    """Add CAa4 (activity within capacity), CAa5 (whole units) and CAb1 (availability)."""
    d, act = model.data, model.activity
    modes, slices = d.sets["MODE_OF_OPERATION"], d.sets["TIMESLICE"]
    for r in d.sets["REGION"]:
        for t in d.sets["TECHNOLOGY"]:
            cta = d.value("CapacityToActivityUnit", r, t)
            free = capacity_is_free(d, r, t)
            for y in d.years:
                avail = d.value("AvailabilityFactor", r, t, y)
                if free:
                    for ts in slices:
                        if d.value("CapacityFactor", r, t, ts, y) * avail * cta <= 0:
                            for m in modes:
                                if (k := (r, ts, t, m, y)) in act:
                                    act[k].upBound = 0
                    continue
                cap_terms, residual = model.capacity_terms(r, t, y)
                # Capacity that cannot grow makes CAa4 a bound on a single activity.
                fixed = all(v.upBound == 0 for v in cap_terms) and len(modes) == 1
                for ts in slices:
                    cf = d.value("CapacityFactor", r, t, ts, y)
                    if fixed:
                        if (k := (r, ts, t, modes[0], y)) in act:
                            act[k].upBound = max(0.0, cf * cta * residual)
                        continue
                    terms: Terms = {act[k]: 1.0 for m in modes if (k := (r, ts, t, m, y)) in act}
                    _accumulate(terms, cap_terms, -cf * cta)
                    name = _name("CAa4_Constraint_Capacity", r, ts, t, y)
                    _add(model, name, terms, LE, cf * cta * residual)
                if avail < 1:  # with full availability CAb1 is implied by CAa4
                    annual: Terms = {}
                    annual_cap = 0.0
                    for ts in slices:
                        split = d.value("YearSplit", ts, y)
                        for m in modes:
                            if (k := (r, ts, t, m, y)) in act:
                                annual[act[k]] = split
                        annual_cap += d.value("CapacityFactor", r, t, ts, y) * split
                    _accumulate(annual, cap_terms, -annual_cap * avail * cta)
                    _add(
                        model,
                        _name("CAb1_PlannedMaintenance", r, t, y),
                        annual,
                        LE,
                        annual_cap * avail * cta * residual,
                    )
    for (ru, tu, yu), units in model.new_units.items():
        size = d.value("CapacityOfOneTechnologyUnit", ru, tu, yu)
        _add(
            model,
            _name("CAa5_TotalNewCapacity", ru, tu, yu),
            {model.new_capacity[ru, tu, yu]: 1.0, units: -size},
            EQ,
            0.0,
        )


def _conversions(d: EnergyData) -> tuple[dict[Key, list[tuple[Key, float]]], ...]:
    """Group Conversionls/ld/lh by time slice: the (season|daytype|bracket, share) pairs ≠ 0."""
    grouped: list[dict[Key, list[tuple[Key, float]]]] = []
    for name in ("Conversionls", "Conversionld", "Conversionlh"):
        by_ts: dict[Key, list[tuple[Key, float]]] = defaultdict(list)
        for (ts, part), share in _nonzero(d, name):
            by_ts[ts].append((part, share))
        grouped.append(by_ts)
    return tuple(grouped)


def _storage_rates(
    model: EnergyModel, r: Key, s: Key, y: int
) -> tuple[dict[Index, Terms], dict[Index, float], dict[Index, float]]:
    """Return net charge rate terms, year weights and day weights per (season, daytype, bracket)."""
    d, act = model.data, model.activity
    to_store = [
        (t, m, v)
        for (rr, t, ss, m), v in _nonzero(d, "TechnologyToStorage")
        if (rr, ss) == (r, s) and v > 0
    ]
    from_store = [
        (t, m, v)
        for (rr, t, ss, m), v in _nonzero(d, "TechnologyFromStorage")
        if (rr, ss) == (r, s) and v > 0
    ]
    parts = _conversions(d)
    net: dict[Index, Terms] = defaultdict(dict)
    year_w: dict[Index, float] = defaultdict(float)
    for ts in d.sets["TIMESLICE"]:
        split = d.value("YearSplit", ts, y)
        for ls, a in parts[0].get(ts, ()):
            for ld, b in parts[1].get(ts, ()):
                for lh, c in parts[2].get(ts, ()):
                    w = a * b * c
                    key = (ls, ld, lh)
                    terms = net[key]
                    for t, m, v in to_store:
                        var = act[r, ts, t, m, y]
                        terms[var] = terms.get(var, 0.0) + v * w
                    for t, m, v in from_store:
                        var = act[r, ts, t, m, y]
                        terms[var] = terms.get(var, 0.0) - v * w
                    year_w[key] += split * w
    day_w = {key: d.value("DaySplit", key[2], y) for key in net}
    return net, year_w, day_w


def define_storage(model: EnergyModel) -> None:
    """Add the storage equations S1–S15, limits SC1–SC6 and investments SI1–SI3.

    RateOfStorageCharge − RateOfStorageDischarge per (season, day type,
    bracket) is an expression in the activities (S1–S4). The level within a
    day, which SC1–SC4 bound through prefix sums of NetChargeWithinDay, is
    carried by one chained variable per bracket instead: the same constraints,
    without quadratic growth in the number of brackets.
    """
    d = model.data
    seasons, daytypes = d.sets["SEASON"], d.sets["DAYTYPE"]
    years = d.years
    var = model.prob.add_variable
    for r in d.sets["REGION"]:
        for s in d.sets["STORAGE"]:
            for y in years:
                lvl = model.storage_level
                for kind in ("YearStart", "YearFinish"):
                    lvl[kind, r, s, y] = var(_name(f"StorageLevel{kind}", r, s, y), lowBound=0)
                for ls in seasons:
                    lvl["SeasonStart", r, s, ls, y] = var(
                        _name("StorageLevelSeasonStart", r, s, ls, y), lowBound=0
                    )
                    for ld in daytypes:
                        for kind in ("DayTypeStart", "DayTypeFinish"):
                            lvl[kind, r, s, ls, ld, y] = var(
                                _name(f"StorageLevel{kind}", r, s, ls, ld, y), lowBound=0
                            )
            for i, y in enumerate(years):
                _storage_year(model, r, s, y, i)


def _storage_year(model: EnergyModel, r: Key, s: Key, y: int, i: int) -> None:
    d, lvl = model.data, model.storage_level
    seasons, daytypes, brackets = d.sets["SEASON"], d.sets["DAYTYPE"], d.sets["DAILYTIMEBRACKET"]
    years = d.years
    net, year_w, day_w = _storage_rates(model, r, s, y)

    def year_net(keys: Iterable[Index]) -> Terms:
        terms: Terms = {}
        for key in keys:
            _accumulate(terms, net.get(key, {}), year_w.get(key, 0.0))
        return terms

    def day_net(ls: Key, ld: Key, lhs: Iterable[Key], factor: float = 1.0) -> Terms:
        terms: Terms = {}
        for lh in lhs:
            key = (ls, ld, lh)
            _accumulate(terms, net.get(key, {}), day_w.get(key, 0.0) * factor)
        return terms

    all_keys = [(ls, ld, lh) for ls in seasons for ld in daytypes for lh in brackets]
    start = lvl["YearStart", r, s, y]
    if i == 0:
        _add(
            model,
            _name("S5_and_S6_StorageLevelYearStart", r, s, y),
            {start: 1.0},
            EQ,
            d.value("StorageLevelStart", r, s),
        )
    else:
        prev = years[i - 1]
        prev_net, prev_year_w, _ = _storage_rates(model, r, s, prev)
        terms: Terms = {start: 1.0, lvl["YearStart", r, s, prev]: -1.0}
        for key, net_terms in prev_net.items():
            _accumulate(terms, net_terms, -prev_year_w.get(key, 0.0))
        _add(model, _name("S5_and_S6_StorageLevelYearStart", r, s, y), terms, EQ, 0.0)
    finish = lvl["YearFinish", r, s, y]
    if i + 1 < len(years):
        terms = {finish: 1.0, lvl["YearStart", r, s, years[i + 1]]: -1.0}
    else:
        terms = {finish: 1.0, start: -1.0}
        _accumulate(terms, year_net(all_keys), -1.0)
    _add(model, _name("S7_and_S8_StorageLevelYearFinish", r, s, y), terms, EQ, 0.0)
    for j, ls in enumerate(seasons):
        season_start = lvl["SeasonStart", r, s, ls, y]
        if j == 0:
            terms = {season_start: 1.0, start: -1.0}
        else:
            prev_ls = seasons[j - 1]
            terms = {season_start: 1.0, lvl["SeasonStart", r, s, prev_ls, y]: -1.0}
            _accumulate(terms, year_net(k for k in all_keys if k[0] == prev_ls), -1.0)
        _add(model, _name("S9_and_S10_StorageLevelSeasonStart", r, s, ls, y), terms, EQ, 0.0)
        for k, ld in enumerate(daytypes):
            dt_start = lvl["DayTypeStart", r, s, ls, ld, y]
            if k == 0:
                terms = {dt_start: 1.0, season_start: -1.0}
            else:
                prev_ld = daytypes[k - 1]
                days = d.value("DaysInDayType", ls, prev_ld, y)
                terms = {dt_start: 1.0, lvl["DayTypeStart", r, s, ls, prev_ld, y]: -1.0}
                _accumulate(terms, day_net(ls, prev_ld, brackets, days), -1.0)
            _add(
                model,
                _name("S11_and_S12_StorageLevelDayTypeStart", r, s, ls, ld, y),
                terms,
                EQ,
                0.0,
            )
            dt_finish = lvl["DayTypeFinish", r, s, ls, ld, y]
            if j + 1 == len(seasons) and k + 1 == len(daytypes):
                terms = {dt_finish: 1.0, finish: -1.0}
            elif k + 1 == len(daytypes):
                terms = {dt_finish: 1.0, lvl["SeasonStart", r, s, seasons[j + 1], y]: -1.0}
            else:
                nxt = daytypes[k + 1]
                days = d.value("DaysInDayType", ls, nxt, y)
                terms = {dt_finish: 1.0, lvl["DayTypeFinish", r, s, ls, nxt, y]: -1.0}
                _accumulate(terms, day_net(ls, nxt, brackets, days), 1.0)
            _add(
                model,
                _name("S13_and_S14_and_S15_StorageLevelDayTypeFinish", r, s, ls, ld, y),
                terms,
                EQ,
                0.0,
            )
            one_day = (
                len(daytypes) == 1
                and d.value("DaysInDayType", ls, ld, y) == 1
                and all(
                    math.isclose(year_w.get(key, 0.0), day_w.get(key, 0.0))
                    for key in all_keys
                    if key[0] == ls
                )
            )
            _storage_day_limits(model, r, s, ls, k, y, net, day_w, one_day)
    _storage_rate_limits(model, r, s, y, net)


def _storage_day_limits(
    model: EnergyModel,
    r: Key,
    s: Key,
    ls: Key,
    k: int,
    y: int,
    net: dict[Index, Terms],
    day_w: dict[Index, float],
    one_day_season: bool,
) -> None:
    """Add SC1–SC4: the level at each bracket of the first and last day of a day type.

    The reference writes each level as a day-type start plus a prefix sum of
    NetChargeWithinDay; here a level variable per bracket is chained to the
    previous one (``SCn_LevelChain``), which gives the same feasible set
    with a number of nonzeros linear, not quadratic, in the brackets.
    """
    d, lvl = model.data, model.storage_level
    daytypes, brackets = d.sets["DAYTYPE"], d.sets["DAILYTIMEBRACKET"]
    ld = daytypes[k]
    cap_terms, residual = model.storage_capacity_terms(r, s, y)
    min_charge = d.value("MinStorageCharge", r, s, y)

    def net_day(day: Key, lh: Key, sign: float) -> Terms:
        key = (ls, day, lh)
        w = day_w.get(key, 0.0) * sign
        return {v: c * w for v, c in net.get(key, {}).items()}

    def bound(label: str, level: pulp.LpVariable, lh: Key) -> None:
        upper: Terms = {level: 1.0}
        _accumulate(upper, cap_terms, -1.0)
        _add(model, _name(f"{label}_UpperLimit", r, s, ls, ld, lh, y), upper, LE, residual)
        if min_charge > 0:
            lower: Terms = {level: 1.0}
            _accumulate(lower, cap_terms, -min_charge)
            name = _name(f"{label}_LowerLimit", r, s, ls, ld, lh, y)
            _add(model, name, lower, GE, min_charge * residual)

    def chain(label: str, anchor: pulp.LpVariable, order: list[Key], day: Key, sign: float) -> None:
        """Bound the level at each bracket in ``order``, starting from ``anchor``."""
        level = anchor
        for i, lh in enumerate(order):
            if i > 0:
                nxt = model.prob.add_variable(
                    _name(f"{label}_Level", r, s, ls, ld, lh, y), lowBound=0
                )
                terms: Terms = {nxt: 1.0, level: -1.0}
                _accumulate(terms, net_day(day, order[i - 1], -sign), 1.0)
                _add(model, _name(f"{label}_LevelChain", r, s, ls, ld, lh, y), terms, EQ, 0.0)
                level = nxt
            bound(label, level, lh)

    start = lvl["DayTypeStart", r, s, ls, ld, y]
    finish = lvl["DayTypeFinish", r, s, ls, ld, y]
    # SC1: start of each bracket in the first day of this day type.
    chain("SC1", start, list(brackets), ld, 1.0)
    if one_day_season:
        # The first day is the last: SC3's levels are SC1's one bracket later;
        # only the level at the end of the day is new.
        bound("SC3", finish, brackets[-1])
    else:
        # SC3: end of each bracket in the last day of this day type (walking backwards).
        chain("SC3", finish, list(reversed(brackets)), ld, -1.0)
    if k == 0:
        return
    prev = daytypes[k - 1]
    # SC2: end of each bracket in the last day of the previous day type.
    chain("SC2", start, list(reversed(brackets)), prev, -1.0)
    # SC4: start of each bracket in the first day of this day type, after the previous one.
    chain("SC4", lvl["DayTypeFinish", r, s, ls, prev, y], list(brackets), ld, 1.0)


def _storage_rate_limits(
    model: EnergyModel, r: Key, s: Key, y: int, net: dict[Index, Terms]
) -> None:
    """Add SC5/SC6 where a charge or discharge rate limit is given (0 means none)."""
    d = model.data
    max_charge = d.value("StorageMaxChargeRate", r, s)
    max_discharge = d.value("StorageMaxDischargeRate", r, s)
    if max_charge <= 0 and max_discharge <= 0:
        return
    for key, terms in net.items():
        charge = {v: c for v, c in terms.items() if c > 0}
        discharge = {v: -c for v, c in terms.items() if c < 0}
        if max_charge > 0 and charge:
            _add(model, _name("SC5_MaxChargeConstraint", r, s, *key, y), charge, LE, max_charge)
        if max_discharge > 0 and discharge:
            _add(
                model,
                _name("SC6_MaxDischargeConstraint", r, s, *key, y),
                discharge,
                LE,
                max_discharge,
            )


def define_capacity_and_investment_limits(model: EnergyModel) -> None:
    """Add TCC1/TCC2 (total capacity) and NCC2 (minimum investment); NCC1 is a bound."""
    d = model.data
    for r in d.sets["REGION"]:
        for t in d.sets["TECHNOLOGY"]:
            for y in d.years:
                cap_max = d.value("TotalAnnualMaxCapacity", r, t, y)
                cap_min = d.value("TotalAnnualMinCapacity", r, t, y)
                if cap_max < 0 and cap_min <= 0:
                    continue
                terms, residual = model.capacity_terms(r, t, y)
                if cap_max >= 0:
                    _add(
                        model,
                        _name("TCC1_TotalAnnualMaxCapacityConstraint", r, t, y),
                        terms,
                        LE,
                        cap_max - residual,
                    )
                if cap_min > 0:
                    _add(
                        model,
                        _name("TCC2_TotalAnnualMinCapacityConstraint", r, t, y),
                        terms,
                        GE,
                        cap_min - residual,
                    )
    for (r, t, inv_year), lower in _nonzero(d, "TotalAnnualMinCapacityInvestment"):
        if lower > 0:
            _add(
                model,
                _name("NCC2_TotalAnnualMinNewCapacityConstraint", r, t, inv_year),
                {model.new_capacity[r, t, int(inv_year)]: 1.0},
                GE,
                lower,
            )


def annual_activity_terms(model: EnergyModel, r: Key, t: Key, y: int) -> Terms:
    """Return TotalTechnologyAnnualActivity[r,t,y] as activity terms."""
    d = model.data
    act = model.activity
    return {
        act[k]: d.value("YearSplit", ts, y)
        for ts in d.sets["TIMESLICE"]
        for m in d.sets["MODE_OF_OPERATION"]
        if (k := (r, ts, t, m, y)) in act
    }


def define_activity_limits(model: EnergyModel) -> None:
    """Add AAC2/AAC3 (annual activity) and TAC2/TAC3 (model-period activity)."""
    d = model.data
    for (r, t, y), upper in d.given("TotalTechnologyAnnualActivityUpperLimit").items():
        if upper >= 0:
            _add(
                model,
                _name("AAC2_TotalAnnualTechnologyActivityUpperLimit", r, t, y),
                annual_activity_terms(model, r, t, int(y)),
                LE,
                upper,
            )
    for (r, t, y), lower in _nonzero(d, "TotalTechnologyAnnualActivityLowerLimit"):
        if lower > 0:
            _add(
                model,
                _name("AAC3_TotalAnnualTechnologyActivityLowerLimit", r, t, y),
                annual_activity_terms(model, r, t, int(y)),
                GE,
                lower,
            )
    for name, label, sense in (
        (
            "TotalTechnologyModelPeriodActivityUpperLimit",
            "TAC2_TotalModelHorizonTechnologyActivityUpperLimit",
            LE,
        ),
        (
            "TotalTechnologyModelPeriodActivityLowerLimit",
            "TAC3_TotalModelHorizenTechnologyActivityLowerLimit",
            GE,
        ),
    ):
        for (r, t), limit in d.given(name).items():
            if (sense == LE and limit < 0) or (sense == GE and limit <= 0):
                continue
            terms: Terms = {}
            for y in d.years:
                _accumulate(terms, annual_activity_terms(model, r, t, y), 1.0)
            _add(model, _name(label, r, t), terms, sense, limit)


def define_reserve_margin(model: EnergyModel) -> None:
    """Add RM3: tagged capacity covers tagged production times the reserve margin."""
    d = model.data
    fuel_tags: dict[tuple[Key, int], dict[Key, float]] = defaultdict(dict)
    for (r, f, y), tag in _nonzero(d, "ReserveMarginTagFuel"):
        fuel_tags[r, int(y)][f] = tag
    tech_tags: dict[tuple[Key, int], dict[Key, float]] = defaultdict(dict)
    for (r, t, y), tag in _nonzero(d, "ReserveMarginTagTechnology"):
        tech_tags[r, int(y)][t] = tag
    out = _ratio_by_fuel(d, "OutputActivityRatio")
    for (r, y), fuels in fuel_tags.items():
        margin = d.value("ReserveMargin", r, y)
        capacity: Terms = {}
        constant = 0.0
        for t, tag in tech_tags.get((r, y), {}).items():
            terms, residual = model.capacity_terms(r, t, y)
            cta = d.value("CapacityToActivityUnit", r, t)
            _accumulate(capacity, terms, -tag * cta)
            constant += residual * tag * cta
        for ts in d.sets["TIMESLICE"]:
            terms = dict(capacity)
            for f, tag in fuels.items():
                for t, m, ratio in out.get((r, f, y), ()):
                    v = model.activity[r, ts, t, m, y]
                    terms[v] = terms.get(v, 0.0) + ratio * tag * margin
            _add(model, _name("RM3_ReserveMargin_Constraint", r, ts, y), terms, LE, constant)


def define_re_target(model: EnergyModel) -> None:
    """Add RE4: renewable-tagged production reaches the target share of tagged fuels."""
    d = model.data
    out = _ratio_by_fuel(d, "OutputActivityRatio")
    for (r, y), target in _nonzero(d, "REMinProductionTarget"):
        y = int(y)
        terms: Terms = {}
        for (rr, f, yy), group in out.items():
            if (rr, yy) != (r, y):
                continue
            fuel_tag = d.value("RETagFuel", r, f, y)
            for t, m, ratio in group:
                coef = ratio * (d.value("RETagTechnology", r, t, y) - target * fuel_tag)
                if coef == 0:
                    continue
                for ts in d.sets["TIMESLICE"]:
                    v = model.activity[r, ts, t, m, y]
                    terms[v] = terms.get(v, 0.0) + coef * d.value("YearSplit", ts, y)
        _add(model, _name("RE4_EnergyConstraint", r, y), terms, GE, 0.0)


def define_emissions(model: EnergyModel) -> None:
    """Build AnnualEmissions (E1–E6) and add the limits E8 (annual) and E9 (model period)."""
    d = model.data
    by_key: dict[Index, Terms] = defaultdict(dict)
    for (r, t, e, m, y), ratio in _nonzero(d, "EmissionActivityRatio"):
        terms = by_key[r, e, int(y)]
        for ts in d.sets["TIMESLICE"]:
            v = model.activity[r, ts, t, m, y]
            terms[v] = terms.get(v, 0.0) + ratio * d.value("YearSplit", ts, y)
    for r in d.sets["REGION"]:
        for e in d.sets["EMISSION"]:
            for y in d.years:
                model.emissions[r, e, y] = pulp.LpAffineExpression(by_key.get((r, e, y), {}))
    for (r, e, y), limit in d.given("AnnualEmissionLimit").items():
        if limit >= 0:
            exo = d.value("AnnualExogenousEmission", r, e, y)
            _add(
                model,
                _name("E8_AnnualEmissionsLimit", r, e, y),
                dict(by_key.get((r, e, int(y)), {})),
                LE,
                limit - exo,
            )
    for (r, e), limit in d.given("ModelPeriodEmissionLimit").items():
        if limit >= 0:
            period: Terms = {}
            for y in d.years:
                _accumulate(period, by_key.get((r, e, y), {}), 1.0)
            exo = d.value("ModelPeriodExogenousEmission", r, e)
            _add(model, _name("E9_ModelPeriodEmissionsLimit", r, e), period, LE, limit - exo)


# --------------------------------------------------------------------------- costs


def discount_factor(rate: float, years_from_start: float) -> float:
    """Return (1 + rate) ** years_from_start, the OSeMOSYS discount divisor."""
    return float((1.0 + rate) ** years_from_start)


def capital_annuity_factor(d: EnergyData, r: Key, t: Key) -> float:
    """Return CapitalRecoveryFactor × PvAnnuity: 1 unless an own DiscountRateIdv is given."""
    rate = d.value("DiscountRate", r)
    idv = d.given("DiscountRateIdv").get((r, t))
    life = d.value("OperationalLife", r, t)
    if idv is None or idv == rate or rate == 0 or idv == 0:
        return 1.0
    crf = (1 - (1 + idv) ** -1) / (1 - (1 + idv) ** -life)
    pv = (1 - (1 + rate) ** -life) * (1 + rate) / rate
    return float(crf * pv)


def salvage_share(d: EnergyData, r: Key, rate: float, life: float, y: int) -> float:
    """Return the share of an investment in year ``y`` left at the end of the horizon (SV1–SV3)."""
    last = d.years[-1]
    if y + life - 1 <= last:
        return 0.0
    method = d.value("DepreciationMethod", r)
    if method == 1 and rate > 0:
        return float(1 - ((1 + rate) ** (last - y + 1) - 1) / ((1 + rate) ** life - 1))
    return float(1 - (last - y + 1) / life)


def capital_less_salvage(
    d: EnergyData, r: Key, capital: float, rate: float, life: float, y: int
) -> float:
    """Return the discounted cost of investing ``capital`` in year ``y`` less its salvage value.

    The same form serves technologies (CC1–CC2, SV1–SV4) and storage
    (SI4–SI10): capital discounted to the first year, minus the share left at
    the end of the horizon, discounted from the year after the last.
    """
    first, last = d.years[0], d.years[-1]
    invest = capital / discount_factor(rate, y - first)
    salvage = capital * salvage_share(d, r, rate, life, y) / discount_factor(rate, last - first + 1)
    return invest - salvage


def define_capital_and_salvage_costs(model: EnergyModel, cost: Terms) -> None:
    """Add CC1–CC2 (discounted capital) minus SV1–SV4 (discounted salvage) to ``cost``."""
    d = model.data
    for (r, t, y), nc in model.new_capacity.items():
        capital = d.value("CapitalCost", r, t, y) * capital_annuity_factor(d, r, t)
        if capital == 0:
            continue
        rate = d.value("DiscountRate", r)
        life = d.value("OperationalLife", r, t)
        cost[nc] = cost.get(nc, 0.0) + capital_less_salvage(d, r, capital, rate, life, int(y))


def define_operating_costs(model: EnergyModel, cost: Terms) -> float:
    """Add OC1–OC4 (fixed and variable, mid-year discounted) to ``cost``; return the constant."""
    d = model.data
    first = d.years[0]
    constant = 0.0
    for r in d.sets["REGION"]:
        rate = d.value("DiscountRate", r)
        for t in d.sets["TECHNOLOGY"]:
            for y in d.years:
                mid = discount_factor(rate, y - first + 0.5)
                fixed = d.value("FixedCost", r, t, y)
                if fixed != 0:
                    terms, residual = model.capacity_terms(r, t, y)
                    _accumulate(cost, terms, fixed / mid)
                    constant += fixed * residual / mid
                for m in d.sets["MODE_OF_OPERATION"]:
                    var_cost = d.value("VariableCost", r, t, m, y)
                    penalty = sum(
                        d.value("EmissionActivityRatio", r, t, e, m, y)
                        * d.value("EmissionsPenalty", r, e, y)
                        for e in d.sets["EMISSION"]
                    )
                    coef = (var_cost + penalty) / mid
                    if coef == 0 or (r, d.sets["TIMESLICE"][0], t, m, y) not in model.activity:
                        continue
                    for ts in d.sets["TIMESLICE"]:
                        v = model.activity[r, ts, t, m, y]
                        cost[v] = cost.get(v, 0.0) + coef * d.value("YearSplit", ts, y)
    return constant


def define_storage_costs(model: EnergyModel, cost: Terms) -> None:
    """Add SI4–SI10 (discounted storage investment minus salvage) to ``cost``."""
    d = model.data
    for (r, s, y), ns in model.new_storage.items():
        capital = d.value("CapitalCostStorage", r, s, y)
        if capital == 0:
            continue
        rate = d.value("DiscountRateStorage", r, s)
        life = d.value("OperationalLifeStorage", r, s)
        cost[ns] = cost.get(ns, 0.0) + capital_less_salvage(d, r, capital, rate, life, int(y))


def define_objective(model: EnergyModel) -> None:
    """Set the objective to the total discounted cost (TDC1–TDC2), constant included."""
    cost: Terms = {}
    define_capital_and_salvage_costs(model, cost)
    constant = define_operating_costs(model, cost)
    define_storage_costs(model, cost)
    model.cost = pulp.LpAffineExpression(cost, constant=constant)
    model.prob.setObjective(model.cost)
