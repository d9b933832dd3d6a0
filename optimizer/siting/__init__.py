"""Transfer-station siting and treatment capacity: exact facility-location models.

- :func:`site_county` sites a county instance (stations, sizes, treatment,
  haul limit, budget) and returns a :class:`SitingResult`;
- :func:`solve` solves any :class:`FacilityProblem` (capacitated with split
  or single-sourced demand, uncapacitated, p-median) with OR-Tools' MIP
  solvers (SCIP, HiGHS or CBC);
- :func:`evaluate` recomputes a decision's cost and capacity use;
- :func:`routing_instances` turns a result into one routing instance per site.
"""

from __future__ import annotations

from optimizer.siting.check import evaluate
from optimizer.siting.config import SitingConfig, load_config
from optimizer.siting.county import build_county_problem, site_county
from optimizer.siting.feed import routing_instances
from optimizer.siting.mip import solve
from optimizer.siting.params import SitingParams
from optimizer.siting.problem import FacilityProblem, ForwardArc, Option, Status
from optimizer.siting.result import Decision, Flow, SitingResult, SolveStatus

__all__ = [
    "Decision",
    "FacilityProblem",
    "Flow",
    "ForwardArc",
    "Option",
    "SitingConfig",
    "SitingParams",
    "SitingResult",
    "SolveStatus",
    "Status",
    "build_county_problem",
    "evaluate",
    "load_config",
    "routing_instances",
    "site_county",
    "solve",
]
