"""Solve a routing instance: diagnose, decompose, dispatch to an engine, assemble.

Driver breaks are part of each engine's model (where a crew can take them:
see :class:`optimizer.model.Break`).

Streams carried by disjoint sets of vehicle types are independent problems
(kitchen trucks never help compactors); each such component is solved on its
own with a share of the time limit proportional to its number of stops.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType, MappingProxyType

from optimizer.evaluate import objective_value
from optimizer.model import STREAM_ZH, Instance, Stop, Stream, VehicleType
from optimizer.routing.diagnose import detail, explain_unrouted, unservable_stops
from optimizer.routing.fleet_bound import fleet_lower_bound
from optimizer.routing.params import RoutingParams
from optimizer.routing.result import Route, RoutingResult, Unserved, UnservedReason
from optimizer.routing.trip_order import reorder_trips


@dataclass(frozen=True)
class Progress:
    """Search progress over the whole plan.

    ``best_objective`` is the best objective (in the objective's unit) of the
    component being searched, added to the objectives of the components
    already finished; it never rises within a component but grows when the
    next component starts, so a display of the whole plan reads
    ``num_planned`` of ``num_stops``: the stops routed in finished components
    (it never falls). ``part`` counts components from 1 up to ``num_parts``.

    A large county planned by parts (:mod:`optimizer.routing.decompose`)
    reports ``whole_plan`` progress instead: ``best_objective`` is the cost
    of the best plan of every stream, ``num_planned`` the stops it serves
    and ``part`` the improvement round. The best plan serves the most stops,
    then costs least: its cost never rises unless it serves more stops.
    """

    elapsed_s: float
    best_objective: float
    num_solutions: int
    num_planned: int = 0
    num_stops: int = 0
    part: int = 1
    num_parts: int = 1
    whole_plan: bool = False  # a plan of every stream: best_objective never rises (see below)


@dataclass(frozen=True)
class Component:
    """Stops and vehicle types that share nothing with the rest of the fleet."""

    stops: tuple[str, ...]
    types: tuple[VehicleType, ...]


def components(instance: Instance, stop_ids: list[str]) -> list[Component]:
    """Split stops and vehicle types into independent components by stream."""
    types = [vt for vt in instance.vehicle_types if vt.count > 0]
    parent: dict[Stream, Stream] = {}

    def root(s: Stream) -> Stream:
        while parent.setdefault(s, s) != s:
            s = parent[s]
        return s

    for vt in types:
        first, *rest = sorted(vt.streams)
        for s in rest:
            parent[root(s)] = root(first)
    groups: dict[Stream, list[str]] = {}
    for sid in stop_ids:
        groups.setdefault(root(instance.stop(sid).stream), []).append(sid)
    return [
        Component(tuple(ids), tuple(vt for vt in types if root(min(vt.streams)) == key))
        for key, ids in sorted(groups.items())
    ]


def vehicles_needed(instance: Instance, stops: Iterable[Stop]) -> int:
    """Return a lower bound on the vehicles of any plan serving ``stops``, all types together.

    The sum over the :func:`components` (no vehicle serves two) of
    :func:`~optimizer.routing.fleet_bound.fleet_lower_bound` with the
    component's types.
    """
    return sum(
        fleet_lower_bound(instance, [instance.stop(s) for s in part.stops], part.types)
        for part in components(instance, [s.id for s in stops])
    )


@contextmanager
def sigint_flag() -> Iterator[Callable[[], bool]]:
    """Turn Ctrl-C into a flag the search polls, so the best solution survives."""
    hit = [False]
    if threading.current_thread() is not threading.main_thread():
        yield lambda: hit[0]
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        hit[0] = True

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield lambda: hit[0]
    finally:
        signal.signal(signal.SIGINT, previous)


def solve(
    instance: Instance,
    *,
    params: RoutingParams,
    initial: RoutingResult | None = None,
    progress: Callable[[Progress], None] | None = None,
) -> RoutingResult:
    """Plan the day's routes of ``instance``.

    Parameters
    ----------
    instance
        A checked instance.
    params
        Objective, engine and limits; see :mod:`optimizer.routing.engines`
        for how ``engine="auto"`` chooses per component.
    initial
        Today's routes to start from (kept where feasible).
    progress
        Called at every solution the search finds.

    Returns
    -------
    RoutingResult
        Routes in domain ids, every stop served or reported unserved with a
        reason, status "interrupted" if Ctrl-C stopped the search.

    """
    from optimizer.routing import engines

    t0 = time.perf_counter()
    unserved: list[Unserved] = unservable_stops(instance)
    skip = {u.stop for u in unserved}
    parts = components(instance, [s.id for s in instance.stops if s.id not in skip])
    by_parts = sum(len(p.stops) for p in parts) > params.decompose_above or any(
        len(p.stops) > params.improve_above for p in parts
    )
    if initial is None and by_parts:
        return _solve_by_parts(instance, parts, unserved, params, t0, progress)
    total = sum(len(c.stops) for c in parts) or 1
    routes: list[Route] = []
    statuses: list[str] = []
    build_s = 0.0
    done_objective = 0.0
    num_solutions = 0
    choices: list[str] = []
    choices_zh: list[str] = []
    num_planned = 0
    with sigint_flag() as interrupted:
        for k, part in enumerate(parts, start=1):
            # Each component gets a floor (small ones still need a real search),
            # the rest of the time in proportion to its stops.
            floor = min(1.0, params.time_limit_s / (2 * len(parts)))
            spare = params.time_limit_s - floor * len(parts)
            share = floor + spare * len(part.stops) / total

            def report(
                best: float,
                n: int,
                base: float = done_objective,
                seen: int = num_solutions,
                planned: int = num_planned,
                k: int = k,
            ) -> None:
                if progress is not None:
                    elapsed = time.perf_counter() - t0
                    progress(
                        Progress(
                            elapsed,
                            base + best,
                            seen + n,
                            planned,
                            len(instance.stops),
                            k,
                            len(parts),
                        )
                    )

            choice = engines.choose(instance, part.types, params, initial)
            group = "+".join(sorted({s for vt in part.types for s in vt.streams}))
            choices.append(f"{group}: {choice.engine} ({choice.reason})")
            group_zh = "、".join(
                STREAM_ZH[s] for s in sorted({s for vt in part.types for s in vt.streams})
            )
            choices_zh.append(f"{group_zh}：{choice.engine}（{choice.reason_zh}）")
            run = engines.run(
                choice,
                instance,
                part.stops,
                part.types,
                params=params,
                time_limit_s=share,
                initial=initial,
                # No reporter without a progress callback: PyVRP's worker
                # then sends no message per better plan.
                on_solution=report if progress is not None else None,
                interrupted=interrupted,
            )
            if run.note[0]:
                choices[-1] += f"; {run.note[0]}"
                choices_zh[-1] += f"；{run.note[1]}"
            routes += run.routes
            statuses.append(run.status)
            build_s += run.build_s
            done_objective += run.objective_value
            num_solutions += run.num_solutions
            num_planned += sum(len(r.stops) for r in run.routes)
            if run.status == "interrupted" or interrupted():
                # The search of this component was cut short and the later ones
                # never ran: their stops are not planned because of the
                # interruption, not because no place exists for them.
                statuses.append("interrupted")
                if run.status == "interrupted":
                    unserved += interrupted_stops(run.dropped, detail("interrupted"))
                else:
                    unserved += explain_unrouted(instance, run.dropped, part.stops, part.types)
                for other in parts[k:]:
                    streams = "+".join(sorted({s for vt in other.types for s in vt.streams}))
                    unserved += interrupted_stops(
                        other.stops, detail("not_searched", streams=streams)
                    )
                break
            unserved += explain_unrouted(instance, run.dropped, part.stops, part.types)
    # Each route's trips in their best order, paths and facilities (exact for
    # the trips as planned; kept only if checked and cheaper), while time is left.
    routes = [
        r
        if time.perf_counter() - t0 > params.time_limit_s
        else reorder_trips(instance, r, str(params.objective))
        for r in routes
    ]
    status = _overall(statuses)
    # What the routes cost, as the checker recomputes it (an engine's own
    # objective is its rounded integer model: OR-Tools reported 324.50 yuan
    # for routes costing 324.49 on a generated county).
    solver_objective = objective_value(routes, str(params.objective))
    runtime = time.perf_counter() - t0
    return RoutingResult(
        instance=instance.name,
        routes=tuple(routes),
        unserved=tuple(sorted(unserved, key=lambda u: u.stop)),
        objective=str(params.objective),
        objective_value=solver_objective,
        engine=params.engine,
        settings=MappingProxyType(
            {
                "time_limit_s": params.time_limit_s,
                "solution_limit": params.solution_limit,
                "minimize_vehicles": params.minimize_vehicles,
                "unserved_penalty": params.unserved_penalty,
                "components": len(parts),
                "engine_choice": tuple(choices),
                "engine_choice_zh": tuple(choices_zh),
                "num_solutions": num_solutions,
                "checked_objective": objective_value(routes, str(params.objective)),
            }
        ),
        seed=params.seed,
        runtime_s=runtime,
        build_s=build_s,
        status=status,
    )


# Kept from the time limit for assembling the plan after the last part.
ASSEMBLY_S = 2.0


def _solve_by_parts(
    instance: Instance,
    parts: list[Component],
    unserved: list[Unserved],
    params: RoutingParams,
    t0: float,
    progress: Callable[[Progress], None] | None,
) -> RoutingResult:
    """Plan a large county by parts (see :mod:`optimizer.routing.decompose`).

    Every stream component joins the first whole plan at once (a component
    of more than ``decompose_above`` stops in several parts), so the time
    limit holds and progress reports cover the whole plan.
    """
    from optimizer.routing import decompose

    objective = str(params.objective)

    def report(plan: decompose.Plan, rounds: int, num_solutions: int) -> None:
        if progress is not None:
            served = sum(len(r.stops) for routes in plan.routes for r in routes)
            progress(
                Progress(
                    time.perf_counter() - t0,
                    plan.key(objective)[1],
                    num_solutions,
                    served,
                    len(instance.stops),
                    rounds,
                    0,
                    whole_plan=True,
                )
            )

    # decompose keeps time on time.monotonic(), the same clock in its workers.
    spent = time.perf_counter() - t0
    reserve = min(ASSEMBLY_S, 0.05 * params.time_limit_s)
    deadline = time.monotonic() + params.time_limit_s - spent - reserve
    with sigint_flag() as interrupted:
        out = decompose.solve_components(
            instance,
            [p.stops for p in parts],
            [p.types for p in parts],
            params=params,
            deadline=deadline,
            interrupted=interrupted,
            report=report,
        )
    # Trips are not reordered here (see solve): the parts' search runs to the
    # deadline, and a 5,000-stop county at 60 s had no time left for it.
    routes = decompose.renumber([r for rs in out.routes for r in rs])
    choices, choices_zh = [], []
    for part, dropped, cut, note in zip(parts, out.dropped, out.unsearched, out.notes, strict=True):
        streams = sorted({s for vt in part.types for s in vt.streams})
        choices.append(f"{'+'.join(streams)}: {note[0]}")
        choices_zh.append(f"{'、'.join(STREAM_ZH[s] for s in streams)}：{note[1]}")
        unserved += explain_unrouted(instance, dropped, part.stops, part.types)
        unserved += interrupted_stops(cut, detail("not_searched", streams="+".join(streams)))
    return RoutingResult(
        instance=instance.name,
        routes=tuple(routes),
        unserved=tuple(sorted(unserved, key=lambda u: u.stop)),
        objective=objective,
        objective_value=objective_value(routes, objective),
        engine=params.engine,
        settings=MappingProxyType(
            {
                "time_limit_s": params.time_limit_s,
                "solution_limit": params.solution_limit,
                "minimize_vehicles": params.minimize_vehicles,
                "unserved_penalty": params.unserved_penalty,
                "components": len(parts),
                "engine_choice": tuple(choices),
                "engine_choice_zh": tuple(choices_zh),
                "num_solutions": out.num_solutions,
                "checked_objective": objective_value(routes, objective),
                "jobs": params.jobs,
                "scheduler": params.scheduler,
                "part_stops": params.part_stops,
                "improvement_rounds": out.rounds,
                "first_plan_s": round(out.first_plan_s, 3),
            }
        ),
        seed=params.seed,
        runtime_s=time.perf_counter() - t0,
        build_s=0.0,
        status=_overall(out.statuses),
    )


def interrupted_stops(stop_ids: tuple[str, ...] | list[str], why: str) -> list[Unserved]:
    """Return ``stop_ids`` as not planned because the run was interrupted."""
    return [Unserved(s, UnservedReason.INTERRUPTED, why) for s in stop_ids]


def _overall(statuses: list[str]) -> str:
    for worst in ("interrupted", "no_solution", "time_limit", "solution_limit"):
        if worst in statuses:
            return worst
    return "local_optimum" if statuses else "empty"
