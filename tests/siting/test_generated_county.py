"""The generated county for siting at scale: reproducible, and sited exactly."""

from __future__ import annotations

from optimizer.siting.check import evaluate
from optimizer.siting.config import load_config
from optimizer.siting.county import build_county_problem
from optimizer.siting.generated_county import build_generated_county
from optimizer.siting.mip import solve
from optimizer.siting.params import SitingParams
from optimizer.siting.result import SolveStatus


def test_same_seed_gives_the_same_county_and_another_seed_another() -> None:
    """The generator is reproducible from its seed and has the asked sizes and size classes."""
    one = build_generated_county(num_stops=60, num_candidates=6, seed=3)
    two = build_generated_county(num_stops=60, num_candidates=6, seed=3)
    other = build_generated_county(num_stops=60, num_candidates=6, seed=4)
    assert one.stops == two.stops and one.sites == two.sites
    assert one.stops != other.stops
    candidates = [s for s in one.sites if s.candidate]
    assert len(one.stops) == 60 and len(candidates) == 6
    assert all(len(s.build_options) == 3 for s in candidates)


def test_small_generated_county_is_sited_optimally_with_and_without_the_reduction() -> None:
    """The reduction and the plain MIP prove the same optimal cost, and the checker agrees."""
    county = build_generated_county(num_stops=40, num_candidates=5, seed=1)
    problem = build_county_problem(county, load_config()).problem
    reduced = solve(problem)
    plain = solve(problem, params=SitingParams(reduce=False))
    assert reduced.status is SolveStatus.OPTIMAL and plain.status is SolveStatus.OPTIMAL
    assert reduced.decision is not None and not evaluate(problem, reduced.decision).violations
    assert abs(reduced.total_cost - plain.total_cost) <= 1e-6 * plain.total_cost
