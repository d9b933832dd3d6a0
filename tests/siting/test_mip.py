"""The OR-Tools MIP adapter on generic facility-location problems."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from optimizer.siting import mip
from optimizer.siting.check import evaluate
from optimizer.siting.params import SOLVERS, SitingParams
from optimizer.siting.problem import FacilityProblem, Option, Status
from optimizer.siting.result import SolveStatus


def _problem(
    m: int,
    n: int,
    seed: int,
    *,
    single: bool = True,
    capacitated: bool = True,
    status: tuple[Status, ...] | None = None,
    num_open: int | None = None,
    budget: float | None = None,
) -> FacilityProblem:
    rng = np.random.default_rng(seed)
    demand = rng.integers(1, 20, n).astype(float)
    cap = float(demand.sum()) / max(1, m - 1) + 20.0
    options = tuple(
        (
            Option("s", cap if capacitated else None, {"fixed": float(rng.integers(50, 150))}, 1.0),
            Option(
                "l", 2 * cap if capacitated else None, {"fixed": float(rng.integers(150, 250))}, 2.0
            ),
        )
        for _ in range(m)
    )
    return FacilityProblem(
        name=f"random{seed}",
        facilities=tuple(f"F{i}" for i in range(m)),
        customers=tuple(f"C{j}" for j in range(n)),
        demand=demand,
        options=options,
        status=status or (Status.FREE,) * m,
        assign_parts={"assignment": rng.integers(1, 100, (m, n)).astype(float)},
        single_source=single,
        num_open=num_open,
        budget=budget,
    )


@settings(max_examples=15, deadline=None)
@given(
    m=st.integers(2, 5),
    n=st.integers(1, 12),
    seed=st.integers(0, 10_000),
    single=st.booleans(),
    capacitated=st.booleans(),
)
def test_solution_passes_the_checker_and_costs_the_objective(
    m: int, n: int, seed: int, single: bool, capacitated: bool
) -> None:
    """On random small problems the plan breaks no rule and its recomputed cost is the objective."""
    problem = _problem(m, n, seed, single=single, capacitated=capacitated)
    result = mip.solve(problem)
    assert result.status is SolveStatus.OPTIMAL and result.decision is not None
    ev = evaluate(problem, result.decision)
    assert ev.violations == []
    assert ev.total_cost == pytest.approx(result.objective, rel=1e-7, abs=1e-6)
    assert result.gap == pytest.approx(0.0, abs=1e-9)


@pytest.mark.parametrize("solver", SOLVERS)
def test_every_backend_finds_the_same_optimum(solver: str) -> None:
    """SCIP, HiGHS and CBC prove the same optimal cost on one single-source problem."""
    problem = _problem(5, 15, 7)
    reference = mip.solve(problem, params=SitingParams(solver="scip"))
    result = mip.solve(problem, params=SitingParams(solver=solver))
    assert result.status is SolveStatus.OPTIMAL
    assert result.objective == pytest.approx(reference.objective, rel=1e-9)


def test_constraints_are_named_like_the_model() -> None:
    """Rows read as assign[customer], capacity[facility], link and one_size in LP exports."""
    model = mip.build(_problem(2, 3, 1), SitingParams())
    names = {c.name() for c in model.solver.constraints()}
    assert {"assign[C0]", "assign[C2]", "capacity[F0]", "one_size[F1]", "link[F0,C1]"} <= names


def test_forced_open_closed_and_count_are_honoured() -> None:
    """A facility that must open opens, one that must stay closed does not, and p are open."""
    status = (Status.OPEN, Status.CLOSED, Status.FREE, Status.FREE)
    problem = _problem(4, 10, 3, capacitated=False, status=status, num_open=2)
    result = mip.solve(problem)
    assert result.decision is not None
    assert "F0" in result.decision.open and "F1" not in result.decision.open
    assert len(result.decision.open) == 2


def test_budget_too_small_is_diagnosed() -> None:
    """A budget below the capital any covering plan needs is named with that capital."""
    problem = _problem(3, 10, 5, num_open=3, budget=2.5)
    result = mip.solve(problem)
    assert result.status is SolveStatus.INFEASIBLE
    assert any("is too small" in d and d.endswith("needs 3") for d in result.diagnosis)


def test_uncoverable_customer_is_named_before_solving() -> None:
    """A customer every facility is forbidden to serve is named in the diagnosis."""
    base = _problem(2, 3, 2)
    cost = np.array(base.assign_parts["assignment"])
    cost[:, 1] = np.inf
    problem = FacilityProblem(
        base.name, base.facilities, base.customers, base.demand, base.options, base.status,
        {"assignment": cost},
    )  # fmt: skip
    result = mip.solve(problem)
    assert result.status is SolveStatus.INFEASIBLE
    assert "C1" in result.diagnosis[0] and "C0" not in result.diagnosis[0]


def test_pmedian_cover_formulation_matches_the_pair_formulation() -> None:
    """The radius (cover) model and the classical pair model give the same p-median optimum."""
    p = _problem(6, 14, 11, capacitated=False, num_open=2)
    assert mip.uses_cover(p)
    cover = mip.solve(p)
    huge = float(p.demand.sum())
    capped = tuple(tuple(Option(o.size_class, huge, o.costs) for o in opts) for opts in p.options)
    pair_problem = FacilityProblem(
        p.name, p.facilities, p.customers, p.demand, capped, p.status, p.assign_parts, num_open=2
    )
    assert not mip.uses_cover(pair_problem)
    pair = mip.solve(pair_problem)
    assert cover.objective == pytest.approx(pair.objective, rel=1e-9)


@pytest.mark.parametrize("solver", ["scip", "highs"])
def test_time_limit_stop_reports_plan_bound_and_gap(solver: str) -> None:
    """A solve stopped by its time limit returns promptly with a consistent bound and gap."""
    problem = _problem(40, 120, 4, single=True, capacitated=True)
    params = SitingParams(solver=solver, time_limit_s=0.05)
    result = mip.solve(problem, params=params)
    assert result.solve_time_s < 10
    assert result.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE, SolveStatus.NO_SOLUTION)
    if result.status is SolveStatus.FEASIBLE:
        assert result.bound is not None and result.objective is not None
        assert result.bound <= result.objective + 1e-6
        assert result.gap is not None and result.gap >= 0
        assert result.violations == ()


def test_highs_after_pulp_fails_with_a_reason_not_a_crash() -> None:
    """After PuLP was imported first, asking for HiGHS raises an error instead of crashing."""
    import subprocess
    import sys

    code = (
        "import pulp\n"
        "import numpy as np\n"
        "from optimizer.siting import mip\n"
        "from optimizer.siting.params import SitingParams\n"
        "from optimizer.siting.problem import FacilityProblem, Option, Status\n"
        "p = FacilityProblem('x', ('F',), ('C',), np.ones(1), ((Option('s', None),),),\n"
        "    (Status.FREE,), {'a': np.ones((1, 1))})\n"
        "mip.solve(p, params=SitingParams(solver='highs', reduce=False))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert "imported PuLP before OR-Tools" in done.stderr


def test_a_plan_within_a_requested_gap_is_not_called_optimal() -> None:
    """`--gap` stops with a gap left: the summary names it instead of "proven optimal"."""
    from optimizer.siting.result import SolveStatus, status_label

    assert status_label(SolveStatus.OPTIMAL, "en", 0.0) == "proven optimal"
    assert status_label(SolveStatus.OPTIMAL, "en", None) == "proven optimal"
    text = status_label(SolveStatus.OPTIMAL, "en", 0.000394)
    assert "optimal" not in text and "0.0394%" in text
    assert "0.0394%" in status_label(SolveStatus.OPTIMAL, "zh", 0.000394)
