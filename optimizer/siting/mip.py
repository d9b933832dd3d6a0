"""The OR-Tools MIP adapter: the only siting module that sees solver objects.

The model is built in small named steps (:func:`define_variables`,
:func:`define_constraints`, :func:`define_objective`) over
``ortools.linear_solver.pywraplp``; every constraint carries a name that reads
like the model (``assign[U0012]``, ``capacity[T3]``). Results carry domain
ids only.
"""

from __future__ import annotations

import math
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray
from ortools.linear_solver import pywraplp

from optimizer.siting.check import evaluate
from optimizer.siting.diagnose import diagnose_before, explain_budget
from optimizer.siting.lagrange import UpperBound, reduce, reducible
from optimizer.siting.params import SitingParams
from optimizer.siting.problem import FacilityProblem, Status
from optimizer.siting.result import Decision, Flow, SitingResult, SolveStatus

_BACKEND = {"scip": "SCIP", "highs": "HIGHS", "cbc": "CBC"}

_STATUS = {
    pywraplp.Solver.OPTIMAL: SolveStatus.OPTIMAL,
    pywraplp.Solver.FEASIBLE: SolveStatus.FEASIBLE,
    pywraplp.Solver.INFEASIBLE: SolveStatus.INFEASIBLE,
    pywraplp.Solver.NOT_SOLVED: SolveStatus.NO_SOLUTION,
}

# The MIP restricted to an open set (a first plan before fixing) keeps each
# customer's RESTRICTED_NEAREST cheapest facilities when it would have more
# than RESTRICTED_PAIRS pairs.
RESTRICTED_PAIRS = 20_000
RESTRICTED_NEAREST = 4

# Values of binaries above this count as 1; shares and flows below SHARE_EPS
# are solver noise.
_HALF = 0.5
_SHARE_EPS = 1e-9


@dataclass
class MipModel:
    """A built model: the solver and its variables, keyed by row positions of the problem."""

    solver: Any
    open: dict[tuple[int, int], Any] = field(default_factory=dict)  # (facility, option)
    assign: dict[tuple[int, int], Any] = field(default_factory=dict)  # (facility, customer)
    flow: dict[int, Any] = field(default_factory=dict)  # arc index
    cover: dict[tuple[int, int], Any] = field(default_factory=dict)  # (customer, level)
    levels: dict[int, NDArray[np.float64]] = field(default_factory=dict)  # customer: costs
    budget: Any = None


def create_solver(params: SitingParams, *, cpu_clock: bool = False) -> Any:
    """Return a fresh OR-Tools solver for ``params.solver`` with its limits set.

    ``cpu_clock`` makes SCIP's time limit count CPU seconds, so that a short
    helper solve does the same work on a busy machine as on an idle one.
    """
    loaded = list(sys.modules)
    if (
        params.solver == "highs"
        and "pulp" in loaded
        and loaded.index("pulp") < loaded.index(pywraplp.__name__)
    ):
        # Seen with ortools 9.15 and pulp 3.3.2: OR-Tools' HiGHS segfaults in
        # a process that imported PuLP before OR-Tools. Fail with a reason.
        raise RuntimeError(
            "OR-Tools' HiGHS backend crashes in a process that imported PuLP before "
            "OR-Tools; import optimizer.siting first or use the scip solver"
        )
    solver = pywraplp.Solver.CreateSolver(_BACKEND[params.solver])
    if solver is None:  # pragma: no cover - depends on the ortools wheel
        raise RuntimeError(f"OR-Tools offers no {params.solver} backend here")
    solver.SetTimeLimit(max(1, round(params.time_limit_s * 1000)))
    solver.SetNumThreads(params.threads)
    if params.solver == "scip":
        text = f"randomization/randomseedshift = {params.seed}"
        if cpu_clock:
            text += "\ntiming/clocktype = 1"
        solver.SetSolverSpecificParametersAsString(text)
    return solver


def uses_cover(problem: FacilityProblem) -> bool:
    """Return whether ``problem`` is built in the radius (cover) formulation.

    Without capacities or forwarding every customer goes whole to its
    cheapest open facility, so its cost is a step function of which
    facilities open. Elloumi's (2010, Discrete Applied Mathematics 158:
    1208-1217) formulation writes that step function with one variable per
    distinct cost level instead of one per pair; its LP bound equals the
    classical strong one and p-median instances solve far faster.
    """
    return not problem.capacitated and not problem.forwarders


def define_variables(model: MipModel, problem: FacilityProblem) -> None:
    """Add open (facility, size) variables, then assignment and flow or cover-level ones."""
    s = model.solver
    for i, fid in enumerate(problem.facilities):
        if problem.status[i] is Status.CLOSED:
            continue
        for k, opt in enumerate(problem.options[i]):
            model.open[i, k] = s.BoolVar(f"open[{fid},{opt.size_class}]")
    if uses_cover(problem):
        _define_levels(model, problem)
        return
    allowed = problem.allowed
    for i, fid in enumerate(problem.facilities):
        for j, cid in enumerate(problem.customers):
            if allowed[i, j]:
                name = f"x[{fid},{cid}]"
                model.assign[i, j] = (
                    s.BoolVar(name) if problem.single_source else s.NumVar(0.0, 1.0, name)
                )
    for a, arc in enumerate(problem.arcs):
        if problem.status[problem.facility_index(arc.target)] is not Status.CLOSED:
            name = f"flow[{arc.source},{arc.target},{arc.stream}]"
            model.flow[a] = s.NumVar(0.0, s.infinity(), name)


def _define_levels(model: MipModel, problem: FacilityProblem) -> None:
    # z[j, k] = 1 when customer j has no open facility cheaper than level k
    # (k >= 1; level 0 is always paid).
    cost, allowed = problem.assign_cost, problem.allowed
    for j, cid in enumerate(problem.customers):
        levels = np.unique(cost[allowed[:, j], j])
        model.levels[j] = levels
        for k in range(1, len(levels)):
            model.cover[j, k] = model.solver.NumVar(0.0, 1.0, f"z[{cid},{k}]")


def define_constraints(model: MipModel, problem: FacilityProblem) -> None:
    """Add size choice, budget and count rows, then the formulation's own rows."""
    s = model.solver
    opened: dict[int, Any] = {}
    for i, fid in enumerate(problem.facilities):
        ks = [k for k in range(len(problem.options[i])) if (i, k) in model.open]
        if not ks:
            continue
        opened[i] = s.Sum([model.open[i, k] for k in ks])
        if problem.status[i] is Status.OPEN:
            s.Add(opened[i] == 1, f"keep_open[{fid}]")
        else:
            s.Add(opened[i] <= 1, f"one_size[{fid}]")
    if problem.budget is not None:
        spend = s.Sum([problem.options[i][k].capital * v for (i, k), v in model.open.items()])
        model.budget = s.Add(spend <= problem.budget, "budget")
    if problem.num_open is not None:
        s.Add(s.Sum(list(opened.values())) == problem.num_open, "num_open")
    if uses_cover(problem):
        _define_cover(model, problem, opened)
    else:
        _define_assignment(model, problem, opened)


def _define_cover(model: MipModel, problem: FacilityProblem, opened: dict[int, Any]) -> None:
    # Chained form: z[j,k+1] >= z[j,k] - (open facilities at level k), with
    # z[j,0] = 1 and z past the last level = 0; each open variable appears
    # once per customer, so the model has as many nonzeros as the pair model.
    s = model.solver
    cost, allowed = problem.assign_cost, problem.allowed
    for j, cid in enumerate(problem.customers):
        levels = model.levels[j]
        at_level: dict[int, list[Any]] = defaultdict(list)
        for i in np.flatnonzero(allowed[:, j]):
            k = int(np.searchsorted(levels, cost[i, j]))
            at_level[k].append(opened[int(i)])
        for k in range(len(levels)):
            before = model.cover[j, k] if k > 0 else 1.0
            after = model.cover[j, k + 1] if k + 1 < len(levels) else 0.0
            s.Add(after + s.Sum(at_level[k]) >= before, f"cover[{cid},{k}]")


def _define_assignment(model: MipModel, problem: FacilityProblem, opened: dict[int, Any]) -> None:
    s = model.solver
    by_customer: dict[int, list[int]] = defaultdict(list)
    by_facility: dict[int, list[int]] = defaultdict(list)
    for i, j in model.assign:
        by_customer[j].append(i)
        by_facility[i].append(j)
    for j, cid in enumerate(problem.customers):
        s.Add(s.Sum([model.assign[i, j] for i in by_customer[j]]) == 1, f"assign[{cid}]")
    for i, j in model.assign:
        s.Add(
            model.assign[i, j] <= opened[i],
            f"link[{problem.facilities[i]},{problem.customers[j]}]",
        )
    inflow: dict[int, list[Any]] = defaultdict(list)
    for a, var in model.flow.items():
        inflow[problem.facility_index(problem.arcs[a].target)].append(var)
    total_demand = float(problem.demand.sum())
    for i, fid in enumerate(problem.facilities):
        opts = problem.options[i]
        if i not in opened or all(o.capacity is None for o in opts):
            continue
        load = [float(problem.demand[j]) * model.assign[i, j] for j in by_facility[i]]
        # An unlimited option among limited ones can carry everything there is.
        cap = [
            (total_demand if o.capacity is None else o.capacity) * model.open[i, k]
            for k, o in enumerate(opts)
        ]
        s.Add(s.Sum(load + inflow[i]) <= s.Sum(cap), f"capacity[{fid}]")
    _define_forwarding(model, problem, by_facility)


def _define_forwarding(
    model: MipModel, problem: FacilityProblem, by_facility: dict[int, list[int]]
) -> None:
    s = model.solver
    out: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for a, var in model.flow.items():
        out[problem.arcs[a].source, problem.arcs[a].stream].append(var)
    for i, fid in enumerate(problem.facilities):
        if fid not in problem.forwarders:
            continue
        received: dict[str, list[Any]] = defaultdict(list)
        for j in by_facility[i]:
            received[problem.customer_stream[j]].append(
                float(problem.demand[j]) * model.assign[i, j]
            )
        for stream in sorted(received):
            if (fid, stream) not in problem.forwarded:
                continue
            s.Add(s.Sum(out[fid, stream]) == s.Sum(received[stream]), f"forward[{fid},{stream}]")


def define_objective(model: MipModel, problem: FacilityProblem) -> None:
    """Minimise fixed costs of the chosen sizes plus assignment and flow costs."""
    cost = problem.assign_cost
    terms: list[Any] = [problem.options[i][k].fixed_cost * v for (i, k), v in model.open.items()]
    if uses_cover(problem):
        for j, levels in model.levels.items():
            terms.append(float(levels[0]))
            terms += [
                float(levels[k] - levels[k - 1]) * model.cover[j, k] for k in range(1, len(levels))
            ]
    else:
        terms += [float(cost[i, j]) * v for (i, j), v in model.assign.items()]
        terms += [problem.arcs[a].unit_cost * v for a, v in model.flow.items()]
    model.solver.Minimize(model.solver.Sum(terms))


def build(problem: FacilityProblem, params: SitingParams, *, cpu_clock: bool = False) -> MipModel:
    """Build the full MIP of ``problem`` for the solver named in ``params``."""
    model = MipModel(create_solver(params, cpu_clock=cpu_clock))
    define_variables(model, problem)
    define_constraints(model, problem)
    define_objective(model, problem)
    return model


def _cheapest_open(problem: FacilityProblem, open_: dict[str, str]) -> dict[str, dict[str, float]]:
    rows = [problem.facility_index(f) for f in sorted(open_, key=problem.facility_index)]
    cost = np.where(problem.allowed, problem.assign_cost, np.inf)[rows, :]
    best = np.argmin(cost, axis=0)
    return {
        cid: {problem.facilities[rows[best[j]]]: 1.0} for j, cid in enumerate(problem.customers)
    }


def _decision(model: MipModel, problem: FacilityProblem) -> Decision:
    open_ = {
        problem.facilities[i]: problem.options[i][k].size_class
        for (i, k), v in sorted(model.open.items())
        if v.solution_value() > _HALF
    }
    if uses_cover(problem):
        return Decision(open_, _cheapest_open(problem, open_))
    shares: dict[str, dict[str, float]] = defaultdict(dict)
    for (i, j), v in sorted(model.assign.items()):
        value = v.solution_value()
        if value > _SHARE_EPS:
            shares[problem.customers[j]][problem.facilities[i]] = value
    assignment: dict[str, dict[str, float]] = {}
    for cid, got in shares.items():
        if problem.single_source:
            assignment[cid] = {max(sorted(got), key=lambda f: got[f]): 1.0}
        else:
            total = sum(got.values())
            assignment[cid] = {f: x / total for f, x in got.items()}
    flows = tuple(
        Flow(
            problem.arcs[a].source,
            problem.arcs[a].target,
            problem.arcs[a].stream,
            v.solution_value(),
        )
        for a, v in sorted(model.flow.items())
        if v.solution_value() > _SHARE_EPS
    )
    return Decision(open_, assignment, flows)


def minimum_capital(problem: FacilityProblem, params: SitingParams) -> float | None:
    """Return the least capital of any plan that ignores the budget (None: none exists)."""
    relaxed = replace(problem, budget=None)
    model = MipModel(create_solver(params))
    define_variables(model, relaxed)
    define_constraints(model, relaxed)
    terms = [relaxed.options[i][k].capital * v for (i, k), v in model.open.items()]
    model.solver.Minimize(model.solver.Sum(terms))
    code = model.solver.Solve()
    if code not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
        return None
    # The bound, not the incumbent: a budget below it is certainly too small.
    return float(model.solver.Objective().BestBound())


def diagnose_infeasible(problem: FacilityProblem, params: SitingParams) -> tuple[str, ...]:
    """Explain why a problem the solver proved infeasible has no plan."""
    found: list[str] = []
    if problem.budget is not None:
        found += explain_budget(problem, minimum_capital(problem, params))
    if not found:
        found.append(
            "no plan meets all capacities, haul limits and the number of sites at once; "
            "relax one of them (larger size classes, a longer haul limit, more candidates)"
        )
    return tuple(found)


def _hint(model: MipModel, problem: FacilityProblem, start: Decision) -> None:
    """Give the solver ``start`` (a plan of ``problem``) as its first incumbent."""
    variables, values = [], []
    for (i, k), var in model.open.items():
        size = start.open.get(problem.facilities[i])
        variables.append(var)
        values.append(1.0 if size == problem.options[i][k].size_class else 0.0)
    for (i, j), var in model.assign.items():
        shares = start.assignment.get(problem.customers[j], {})
        variables.append(var)
        values.append(float(shares.get(problem.facilities[i], 0.0)))
    model.solver.SetHint(variables, values)


def _restricted(problem: FacilityProblem, params: SitingParams) -> UpperBound:
    """Return an upper-bound function: the MIP restricted to an open set, briefly."""
    tried: set[tuple[bool, ...]] = set()
    quick = replace(params, time_limit_s=min(5.0, max(1.0, params.time_limit_s / 20)), reduce=False)

    def upper(
        choice: NDArray[np.int64], owner: NDArray[np.int64] | None
    ) -> tuple[float, Decision | None]:
        key = tuple(bool(c >= 0) for c in choice)
        if key in tried:
            return math.inf, None
        tried.add(key)
        status = tuple(
            s if s is Status.CLOSED or key[i] else Status.CLOSED
            for i, s in enumerate(problem.status)
        )
        if any(s is Status.OPEN and not key[i] for i, s in enumerate(problem.status)):
            return math.inf, None
        sub = replace(problem, status=status)
        allowed = sub.allowed
        if int(allowed.sum()) > RESTRICTED_PAIRS:
            # A large restricted problem: each customer keeps its cheapest few facilities.
            cost = np.where(allowed, sub.assign_cost, np.inf)
            keep = min(RESTRICTED_NEAREST, cost.shape[0])
            rank = np.argsort(np.argsort(cost, axis=0, kind="stable"), axis=0, kind="stable")
            parts = dict(sub.assign_parts)
            first = next(iter(parts))
            parts[first] = np.where(rank < keep, parts[first], np.inf)
            sub = replace(sub, assign_parts=parts)
        if diagnose_before(sub):
            return math.inf, None
        found = _solve_model(sub, problem, quick, None, cpu_clock=True)
        if found.decision is None or found.violations:
            return math.inf, None
        return found.total_cost, found.decision

    return upper


def _settings(params: SitingParams) -> dict[str, str]:
    return {
        "solver": params.solver,
        "relative_gap": repr(params.relative_gap),
        "time_limit_s": repr(params.time_limit_s),
        "seed": str(params.seed),
        "threads": str(params.threads),
        "reduce": str(params.reduce).lower(),
    }


def _solve_model(
    model_problem: FacilityProblem,
    problem: FacilityProblem,
    params: SitingParams,
    start: Decision | None,
    *,
    cpu_clock: bool = False,
) -> SitingResult:
    """Build and solve the MIP of ``model_problem``; check the plan against ``problem``.

    ``model_problem`` is ``problem`` itself or a reduction of it with the
    same optimum; ``start`` is a plan to begin from; ``cpu_clock`` as in
    :func:`create_solver`.
    """
    settings = _settings(params)
    t0 = time.perf_counter()
    model = build(model_problem, params, cpu_clock=cpu_clock)
    if start is not None and params.solver == "scip":
        # OR-Tools' HiGHS backend crashed on hints here (ortools 9.15).
        _hint(model, model_problem, start)
    mp = pywraplp.MPSolverParameters()
    mp.SetDoubleParam(pywraplp.MPSolverParameters.RELATIVE_MIP_GAP, params.relative_gap)
    t1 = time.perf_counter()
    if not cpu_clock:
        # The time limit covers building the model too (large models take a while).
        model.solver.SetTimeLimit(max(1000, round((params.time_limit_s - (t1 - t0)) * 1000)))
    code = model.solver.Solve(mp)
    t2 = time.perf_counter()
    status = _STATUS.get(code, SolveStatus.ERROR)
    if status is SolveStatus.ERROR and t2 - t0 >= 0.9 * params.time_limit_s:
        # HiGHS reports an unknown status, not NOT_SOLVED, when the time
        # limit stops it before it has any plan.
        status = SolveStatus.NO_SOLUTION
    settings["solver_version"] = model.solver.SolverVersion()
    if status not in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE):
        diagnosis: tuple[str, ...] = ()
        if status is SolveStatus.INFEASIBLE:
            diagnosis = diagnose_infeasible(problem, params)
        return SitingResult(
            problem.name, status, None, None, None, None, solver=params.solver,
            settings=settings, build_time_s=t1 - t0, solve_time_s=t2 - t1, diagnosis=diagnosis,
        )  # fmt: skip
    objective = float(model.solver.Objective().Value())
    bound = float(model.solver.Objective().BestBound())
    if not math.isfinite(bound):
        bound = objective if status is SolveStatus.OPTIMAL else -math.inf
    return _result(
        problem, _decision(model, model_problem), status, objective, bound, params,
        settings, t1 - t0, t2 - t1,
    )  # fmt: skip


def _result(
    problem: FacilityProblem,
    decision: Decision,
    status: SolveStatus,
    objective: float,
    bound: float,
    params: SitingParams,
    settings: dict[str, str],
    build_s: float,
    solve_s: float,
) -> SitingResult:
    gap = max(0.0, objective - bound) / max(abs(objective), 1e-10)
    ev = evaluate(problem, decision)
    return SitingResult(
        name=problem.name,
        status=status,
        decision=decision,
        objective=objective,
        bound=bound,
        gap=gap,
        costs=ev.costs,
        co2=ev.co2,
        load=ev.load,
        capacity=ev.capacity,
        capital=ev.capital,
        solver=params.solver,
        settings=settings,
        build_time_s=build_s,
        solve_time_s=solve_s,
        violations=tuple(ev.violations),
    )


def _proven(lower: float, upper: float, relative_gap: float) -> bool:
    """Return whether ``upper`` is proven within ``relative_gap`` of the optimum by ``lower``."""
    return upper - lower <= max(relative_gap * abs(upper), 1e-9 * max(1.0, abs(upper)))


def solve(problem: FacilityProblem, *, params: SitingParams | None = None) -> SitingResult:
    """Solve ``problem`` to proven optimality (or the requested gap / time limit).

    With ``params.reduce`` (the default) problems that
    :func:`optimizer.siting.lagrange.reducible` accepts are first bounded by
    Lagrangian relaxation, a good plan is found and the choices no optimal
    plan makes are removed; the MIP then solves the smaller problem, which
    has the same optimum. The reported bound is the better of the
    Lagrangian and the MIP's.

    Parameters
    ----------
    problem
        The facility-location problem.
    params
        Solver name, relative gap, time limit, seed, threads, reduction.

    Returns
    -------
    SitingResult
        The decision with costs recomputed from it, the solver's objective,
        best bound and remaining gap; on infeasibility a diagnosis instead.

    """
    params = params or SitingParams()
    found = diagnose_before(problem)
    if found:
        return SitingResult(
            problem.name, SolveStatus.INFEASIBLE, None, None, None, None,
            solver=params.solver, settings=_settings(params), diagnosis=found,
        )  # fmt: skip
    if not (params.reduce and reducible(problem)):
        return _solve_model(problem, problem, params, None)
    t0 = time.perf_counter()
    polish = _restricted(problem, params) if problem.capacitated else None
    red = reduce(problem, polish=polish, time_limit_s=0.25 * params.time_limit_s)
    settings = _settings(params)
    settings["reduction"] = (
        f"lagrangian bound {red.lower_bound:.6g} after {red.iterations} iterations, "
        f"start {red.upper_bound:.6g}; closed {red.num_closed}, forced open "
        f"{red.num_forced_open}, removed {red.num_pairs_removed} pairs in {red.time_s:.2f} s"
    )
    integral = _integral_costs(problem)
    lower = math.ceil(red.lower_bound - 1e-6) if integral else red.lower_bound
    if red.start is not None and _proven(lower, red.upper_bound, params.relative_gap):
        t1 = time.perf_counter()
        return _result(
            problem, red.start, SolveStatus.OPTIMAL, red.upper_bound, min(lower, red.upper_bound),
            params, settings, t1 - t0, 0.0,
        )  # fmt: skip
    rest = max(1.0, params.time_limit_s - (time.perf_counter() - t0))
    mip = _solve_model(red.problem, problem, replace(params, time_limit_s=rest), red.start)
    settings.update({k: v for k, v in mip.settings.items() if k not in settings})
    build_s = mip.build_time_s + red.time_s
    if red.start is not None and (mip.objective is None or mip.total_cost > red.upper_bound):
        # The MIP stopped before it matched the plan found first, or proved
        # that nothing cheaper exists: keep that plan.
        bound = max(lower, mip.bound if mip.bound is not None else -math.inf)
        if red.only_better and mip.status is SolveStatus.INFEASIBLE:
            bound = red.upper_bound
        status = (
            SolveStatus.OPTIMAL
            if _proven(bound, red.upper_bound, params.relative_gap)
            else SolveStatus.FEASIBLE
        )
        return _result(
            problem, red.start, status, red.upper_bound, min(bound, red.upper_bound), params,
            settings, build_s, mip.solve_time_s,
        )  # fmt: skip
    if mip.decision is None or mip.objective is None or mip.bound is None:
        return replace(mip, settings=settings, build_time_s=build_s)
    bound = min(max(lower, mip.bound), mip.objective)
    return replace(
        mip,
        bound=bound,
        gap=max(0.0, mip.objective - bound) / max(abs(mip.objective), 1e-10),
        settings=settings,
        build_time_s=build_s,
    )


def _integral_costs(problem: FacilityProblem) -> bool:
    """Return whether every cost is a whole number (then bounds round up)."""
    cost = problem.assign_cost[np.isfinite(problem.assign_cost)]
    fixed = [o.fixed_cost for opts in problem.options for o in opts]
    return bool(np.all(cost == np.round(cost))) and all(f == round(f) for f in fixed)
