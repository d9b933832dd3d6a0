"""Choose a county's stations and its collection routes together (location-routing).

Sequential planning sites stations with an *estimated* collection cost
(t·km rates on straight-line or road distances) and routes afterwards. Here
the station set is searched with real routing as the inner evaluation:

1. Start from the sequential plan: the siting MIP's optimum, routed.
2. Neighbours: for each station siting may decide (status ``free``), force
   it the other way (closed if open, open if closed); the siting MIP then
   re-assigns the stops (and may re-size or re-choose other stations). Its
   objective is the cheap screen: the :data:`SCREEN` best unseen neighbours
   that send some stop elsewhere are routed for real (a station forced open
   that the MIP leaves idle changes no route and only adds cost).
3. Move to the best routed neighbour if its *real* daily cost is lower;
   stop when none is, or after ``max_evaluations`` routed plans.

A plan's real daily cost is the siting plan's cost without its estimated
collection part (station capital and operating cost, handling, onward haul,
treatment: yuan/year ÷ 365) plus the routing plan's own cost (yuan/day).
Every plan compared is checked: the siting decision by
:func:`optimizer.siting.check.evaluate`, the routes by
:func:`optimizer.evaluate.check`; a plan with violations is never chosen.
Plans that leave stops unserved rank after plans that serve them all.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

from optimizer.evaluate import check
from optimizer.model import Instance
from optimizer.routing.result import RoutingResult
from optimizer.routing.summary import summarize
from optimizer.siting.check import evaluate
from optimizer.siting.county import DAYS_PER_YEAR
from optimizer.siting.problem import FacilityProblem, Status
from optimizer.siting.result import SitingResult

SCREEN = 2  # neighbours routed per step, best siting estimates first
# The parts of the county siting model that estimate collection, replaced by real routes.
COLLECTION_PARTS = ("collection_transport", "carbon")

RouteFn = Callable[[SitingResult], tuple[Instance, RoutingResult]]
SiteFn = Callable[[FacilityProblem], SitingResult]


@dataclass(frozen=True)
class JointCandidate:
    """A station set with its routes: the siting plan, the county as built, and daily costs."""

    sited: SitingResult
    county: Instance
    plan: RoutingResult
    stations_per_day: float  # yuan/day: siting cost without the estimated collection
    routing_per_day: float  # yuan/day: the routes' own cost
    estimate_per_day: float  # yuan/day: the siting objective (estimated collection)
    violations: tuple[str, ...]

    @property
    def total_per_day(self) -> float:
        """Return the plan's real daily cost: stations and onward chain plus routes."""
        return self.stations_per_day + self.routing_per_day

    @property
    def opened(self) -> tuple[str, ...]:
        """Return the open receiving sites (with size class) of the siting plan."""
        assert self.sited.decision is not None
        return tuple(f"{f} ({c})" for f, c in sorted(self.sited.decision.open.items()))

    def rank(self) -> tuple[int, int, float]:
        """Return the sort key: checked first, then fewest unserved stops, then cost."""
        return (1 if self.violations else 0, len(self.plan.unserved), self.total_per_day)


@dataclass(frozen=True)
class JointResult:
    """The best plan found, the sequential plan it started from, and every plan routed."""

    best: JointCandidate
    sequential: JointCandidate
    tried: tuple[JointCandidate, ...]


def estimated_collection(problem: FacilityProblem, sited: SitingResult) -> float:
    """Return the siting plan's estimated collection cost (yuan/year) from the problem's parts."""
    assert sited.decision is not None
    total = 0.0
    for part in COLLECTION_PARTS:
        matrix = problem.assign_parts.get(part)
        if matrix is None:
            continue
        for customer, shares in sited.decision.assignment.items():
            j = problem.customers.index(customer)
            for facility, share in shares.items():
                total += share * float(matrix[problem.facility_index(facility), j])
    return total


def evaluate_candidate(
    problem: FacilityProblem,
    sited: SitingResult,
    route: RouteFn,
    *,
    routed: tuple[Instance, RoutingResult] | None = None,
) -> JointCandidate:
    """Route ``sited`` (unless ``routed`` has its routes); return it with its checked daily cost."""
    assert sited.decision is not None
    ev = evaluate(problem, sited.decision)
    county, plan = route(sited) if routed is None else routed
    violations = tuple(ev.violations) + tuple(str(v) for v in check(county, plan))
    stations = (ev.total_cost - estimated_collection(problem, sited)) / DAYS_PER_YEAR
    return JointCandidate(
        sited=sited,
        county=county,
        plan=plan,
        stations_per_day=stations,
        routing_per_day=summarize(county, plan).cost,
        estimate_per_day=ev.total_cost / DAYS_PER_YEAR,
        violations=violations,
    )


def _same_routes(a: SitingResult, b: SitingResult) -> bool:
    """Return whether two plans send every stop to the same site (so routing is the same)."""
    assert a.decision is not None and b.decision is not None
    da, db = a.decision, b.decision
    return da.assignment.keys() == db.assignment.keys() and all(
        da.main_facility(s) == db.main_facility(s) for s in da.assignment
    )


def _neighbours(problem: FacilityProblem, current: SitingResult) -> list[FacilityProblem]:
    assert current.decision is not None
    out = []
    for i, fid in enumerate(problem.facilities):
        if problem.status[i] is not Status.FREE:
            continue
        flip = Status.CLOSED if fid in current.decision.open else Status.OPEN
        status = (*problem.status[:i], flip, *problem.status[i + 1 :])
        out.append(dataclasses.replace(problem, status=status))
    return out


def plan_jointly(
    problem: FacilityProblem,
    sequential: SitingResult,
    *,
    site: SiteFn,
    route: RouteFn,
    max_evaluations: int,
    routed: tuple[Instance, RoutingResult] | None = None,
    interrupted: Callable[[], bool] = lambda: False,
) -> JointResult:
    """Search station sets from ``sequential`` with routing as the inner evaluation.

    Parameters
    ----------
    problem
        The county siting problem (:func:`optimizer.siting.county.build_county_problem`).
    sequential
        Its siting plan (the start, and the plan to beat).
    site
        Solves a siting problem (the MIP), used on each neighbour.
    route
        Routes a siting plan: returns the county as built and its routes.
    max_evaluations
        Routed plans at most, the sequential one included.
    routed
        The sequential plan's routes, if already made (not routed again).
    interrupted
        Polled between evaluations; True stops the search with the best so far.

    """
    start = evaluate_candidate(problem, sequential, route, routed=routed)
    best = start
    tried = [start]
    seen = {frozenset(sequential.decision.open.items())} if sequential.decision else set()
    while len(tried) < max_evaluations and not interrupted():
        screened = []
        for neighbour in _neighbours(problem, best.sited):
            result = site(neighbour)
            if result.decision is None or result.objective is None:
                continue
            key = frozenset(result.decision.open.items())
            if _same_routes(result, best.sited):
                continue  # the same stops to the same sites: equal routes, more stations
            if key not in seen:
                seen.add(key)
                screened.append((result.objective, sorted(key), result))
        screened.sort(key=lambda t: (t[0], t[1]))
        moved = False
        for _, _, result in screened[:SCREEN]:
            if len(tried) >= max_evaluations or interrupted():
                break
            cand = evaluate_candidate(problem, result, route)
            tried.append(cand)
            if cand.plan.status == "interrupted":
                return JointResult(best=best, sequential=start, tried=tuple(tried))
            if cand.rank() < best.rank():
                best, moved = cand, True
        if not moved:
            break
    return JointResult(best=best, sequential=start, tried=tuple(tried))
