"""Plan a large county by parts: split geographically, solve the parts, recombine, improve.

One engine run on 5,000 stops is slow to build, holds dense n×n matrices
(PyVRP: distance and duration per profile plus a proximity matrix) and, on a
shared time limit, may find no plan at all for the streams searched last.
Here every stream component is handled at once:

1. **First plan.** A component larger than ``RoutingParams.decompose_above``
   stops is cut by a sweep around its depots into parts of about
   ``part_stops`` stops; each vehicle type's count is shared among the parts
   in proportion to their stops (largest remainder). Smaller components are
   one part. Every part is solved by the engine chosen for its component
   (:func:`optimizer.routing.engines.run`, with its rescue), each with a
   share of the first round's time in proportion to its stops. Stops a part
   left out are tried once more with the vehicles the parts left unused.
2. **Improvement rounds**, while time remains (or up to ``rounds``): the
   routes of each component are regrouped around their barycentres (a
   random route, then the routes whose barycentres lie nearest, until the
   group holds ``part_stops`` stops; unserved stops join the nearest group,
   unused vehicles are shared out), each group is searched again starting
   from its current routes (PyVRP's search takes them as its first
   solution), and its new routes replace the old ones only if they serve
   more stops, or as many (with as few vehicles, when vehicles are
   minimised) at a lower cost. The whole plan therefore never gets worse.

A component of more than ``RoutingParams.improve_above`` stops that is not
cut (the Kim set's 1,048-2,092) gets the rounds too, after a first plan of
the whole component (``WHOLE_SHARE`` of the time when no component is cut;
where vehicles are minimised at most ``WHOLE_REDUCE_SHARE``: its search
ends when its route removal ends, but not before ``WHOLE_SHARE``), in
groups of about ``group_stops`` stops and rounds of a tenth of the time: on
a few routes PyVRP makes many more search steps a second than on the whole
component.

Parts are plain data (stop ids and vehicle counts); with ``jobs > 1`` they
run in forked worker processes that share the instance read by the parent
(a great-circle matrix is computed on demand, so no n×n array is copied).
Each worker builds only its part's matrices. With a Dask scheduler
(``RoutingParams.scheduler``) the parts run on the cluster's workers instead:
the instance is sent to every worker once, each part carries its time left
(machines share wall clocks, not monotonic ones), as many parts run at once as the
cluster has worker threads. Ctrl-C stops the workers (Dask: the parts
running are cancelled); the best whole plan so far is kept.
"""

from __future__ import annotations

import dataclasses
import math
import multiprocessing
import signal
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from optimizer.evaluate import objective_value
from optimizer.model import Instance, VehicleType
from optimizer.routing.engine_run import EngineRun, plan_key
from optimizer.routing.params import RoutingParams
from optimizer.routing.result import Route

# Share of the time limit for the first plan, and its cap in seconds: a
# county of 10,000 stops should have a whole plan within a minute.
FIRST_SHARE = 0.3
FIRST_CAP_S = 30.0
# An improvement round lasts a tenth of the time limit, at least MIN_ROUND_S
# (or what is left): each part's search starts from its current routes, so
# more regroupings (new borders between parts) gain more than longer ones.
ROUNDS_PER_LIMIT = 10
MIN_ROUND_S = 20.0
# When no component is cut, the first plan (each component whole) takes
# WHOLE_SHARE of the time, the rounds the rest. Where vehicles are
# minimised it may take up to WHOLE_REDUCE_SHARE: a removal attempt needs a
# long enough share (Kim 1932/2100_stop lost a vehicle with 0.5), so the
# search of a component the rounds improve ends when its route removal
# ends, or at WHOLE_SHARE if that comes first (a plan already at its lower
# bound: searched whole until then, Kim 1351_stop 965 miles when the rounds
# started from its first plan; benchmarks/kim/README.md).
WHOLE_SHARE = 0.5
WHOLE_REDUCE_SHARE = 0.8
# A part's search gets at least this long: PyVRP needs a few iterations.
MIN_PART_S = 1.0
# How long past the deadline a running part is waited for (decoding, breaks).
GRACE_S = 2.0


@dataclass(frozen=True)
class Part:
    """One sub-problem: a component's stops and the vehicles (type id, count) it may use."""

    component: int
    stops: tuple[str, ...]
    counts: tuple[tuple[str, int], ...]
    time_limit_s: float
    seed: int
    deadline: float  # time.monotonic() (the same clock in every process) to stop by
    start: tuple[Route, ...] = ()  # the part's current routes: the search starts from them
    polish_until: float = 1.0  # RoutingParams.polish_until: less where the rounds take over


@dataclass(frozen=True)
class PartResult:
    """What a part's engine run gave (picklable, sent back from a worker)."""

    part: Part
    run: EngineRun
    engine_note: tuple[str, str]


@dataclass
class Plan:
    """The whole plan being improved: routes and stops left out, per component."""

    routes: list[list[Route]]
    dropped: list[set[str]]

    def key(self, objective: str) -> tuple[int, float]:
        """Return (stops left out, cost): smaller is better."""
        return (
            sum(len(d) for d in self.dropped),
            sum(objective_value(r, objective) for r in self.routes),
        )


@dataclass(frozen=True)
class Outcome:
    """What :func:`solve_components` returns per component, and its bookkeeping."""

    routes: list[list[Route]]
    dropped: list[tuple[str, ...]]
    unsearched: list[tuple[str, ...]]  # stops of parts Ctrl-C stopped before they ran
    statuses: list[str]
    notes: list[tuple[str, str]]
    num_solutions: int
    rounds: int
    first_plan_s: float


# Set in the parent before the workers fork; workers read it, nothing is pickled.
_STATE: tuple[Instance, RoutingParams, list[tuple[VehicleType, ...]]] | None = None


def solve_part(part: Part) -> PartResult:
    """Solve one part with the engine chosen for its vehicles (in a worker or in-process)."""
    return _solve_part(part, None)


def _solve_part(part: Part, interrupted: Callable[[], bool] | None) -> PartResult:
    from optimizer.routing import engines

    assert _STATE is not None
    instance, params, types = _STATE
    counts = dict(part.counts)
    part_types = [
        dataclasses.replace(vt, count=counts[vt.id])
        for vt in types[part.component]
        if counts.get(vt.id, 0) > 0
    ]
    if not part_types or not part.stops:
        run = EngineRun((), part.stops, 0.0, "empty", 0, 0.0, 0.0)
        return PartResult(part, run, ("", ""))
    from optimizer.routing.rescue import start_plan

    choice = engines.choose(instance, part_types, params, None)
    start = None
    if part.start:
        routes = renumber(part.start)
        start = start_plan(instance, routes, params, 0.0, engine="parts")
    # A part queued behind others must still end by the deadline.
    limit = max(MIN_PART_S, min(part.time_limit_s, part.deadline - time.monotonic()))
    run = engines.run(
        choice,
        instance,
        part.stops,
        part_types,
        params=dataclasses.replace(params, seed=part.seed, polish_until=part.polish_until),
        time_limit_s=limit,
        initial=start,
        on_solution=None,
        interrupted=interrupted,
    )
    return PartResult(part, run, (choice.engine, choice.reason))


def _ignore_sigint() -> None:
    # The parent turns Ctrl-C into a flag and stops the workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _xy(instance: Instance, stop_ids: Sequence[str]) -> np.ndarray:
    """Return planar coordinates (x east, y north) of stops, in comparable units."""
    lat = np.array([instance.stop(s).lat for s in stop_ids], dtype=float)
    lon = np.array([instance.stop(s).lon for s in stop_ids], dtype=float)
    if instance.coord_sys == "wgs84" and len(lat):
        lon = lon * math.cos(math.radians(float(np.mean(lat))))
    return np.column_stack([lon, lat]) if len(lat) else np.zeros((0, 2))


def _share(total: int, weights: Sequence[float]) -> list[int]:
    """Split ``total`` into whole numbers in proportion to ``weights`` (largest remainder)."""
    w = np.asarray(weights, dtype=float)
    if total <= 0 or w.sum() <= 0:
        return [0] * len(w)
    exact = total * w / w.sum()
    out = np.floor(exact).astype(int)
    order = np.argsort(-(exact - out), kind="stable")
    for k in order[: total - int(out.sum())]:
        out[k] += 1
    return [int(v) for v in out]


def sweep_parts(
    instance: Instance, stop_ids: Sequence[str], types: Sequence[VehicleType], part_stops: int
) -> list[tuple[tuple[str, ...], dict[str, int]]]:
    """Cut stops into sectors around their depots, ``part_stops`` each; share the fleet.

    Returns (stops, vehicles per type id) per part.
    """
    k = max(1, round(len(stop_ids) / part_stops))
    if k == 1:
        return [(tuple(stop_ids), {vt.id: vt.count for vt in types})]
    depots = {vt.depot for vt in types}
    centre_lat = float(np.mean([instance.site(d).lat for d in depots]))
    centre_lon = float(np.mean([instance.site(d).lon for d in depots]))
    xy = _xy(instance, stop_ids)
    cx = centre_lon * (
        math.cos(math.radians(float(np.mean([instance.stop(s).lat for s in stop_ids]))))
        if instance.coord_sys == "wgs84"
        else 1.0
    )
    angle = np.arctan2(xy[:, 1] - centre_lat, xy[:, 0] - cx)
    # Start the sweep in the widest empty sector, so no part straddles a crowd.
    ordered = np.sort(angle)
    gaps = np.diff(np.concatenate([ordered, ordered[:1] + 2 * math.pi]))
    start = ordered[int(np.argmax(gaps)) + 1 if int(np.argmax(gaps)) + 1 < len(ordered) else 0]
    order = np.argsort((angle - start) % (2 * math.pi), kind="stable")
    chunks = np.array_split(order, k)
    sizes = [len(c) for c in chunks]
    shares = {vt.id: _share(vt.count, sizes) for vt in types}
    return [
        (tuple(stop_ids[i] for i in chunk), {t: shares[t][p] for t in shares})
        for p, chunk in enumerate(chunks)
    ]


def barycentre_groups(
    instance: Instance,
    routes: Sequence[Route],
    loose: Sequence[str],
    part_stops: int,
    rng: np.random.Generator,
) -> list[tuple[list[Route], list[str]]]:
    """Group routes around their barycentres into groups of about ``part_stops`` stops.

    A group starts at a random route and takes the routes whose barycentres
    lie nearest until it holds ``part_stops`` stops; ``loose`` stops (left
    out of the plan) join the group with the nearest barycentre.
    """
    if not routes:
        return [([], list(loose))] if loose else []
    centres = np.array([_xy(instance, r.stops).mean(axis=0) for r in routes])
    sizes = np.array([len(r.stops) for r in routes])
    left = np.ones(len(routes), dtype=bool)
    groups: list[list[int]] = []
    while left.any():
        candidates = np.flatnonzero(left)
        seed = int(rng.choice(candidates))
        d = np.hypot(*(centres[candidates] - centres[seed]).T)
        taken, count = [], 0
        for k in candidates[np.argsort(d, kind="stable")]:
            if count >= part_stops:
                break
            taken.append(int(k))
            count += int(sizes[k])
        left[taken] = False
        groups.append(taken)
    # A small last group joins the group nearest to it.
    if len(groups) > 1 and sum(sizes[groups[-1]]) < part_stops / 2:
        last = groups.pop()
        here = centres[last].mean(axis=0)
        near = min(
            range(len(groups)),
            key=lambda g: float(np.hypot(*(centres[groups[g]].mean(axis=0) - here))),
        )
        groups[near] += last
    out: list[tuple[list[Route], list[str]]] = [([routes[k] for k in g], []) for g in groups]
    if loose:
        gc = np.array([centres[g].mean(axis=0) for g in groups])
        for sid, p in zip(loose, _xy(instance, loose), strict=True):
            out[int(np.argmin(np.hypot(*(gc - p).T)))][1].append(sid)
    return out


class _Runner:
    """Run parts in-process (``jobs`` = 1) or in forked worker processes."""

    def __init__(self, jobs: int, interrupted: Callable[[], bool]) -> None:
        self.jobs = jobs
        self.interrupted = interrupted
        self.pool: multiprocessing.pool.Pool | None = None
        self.dirty = False
        if jobs > 1:
            ctx = multiprocessing.get_context("fork")
            self.pool = ctx.Pool(jobs, initializer=_ignore_sigint)

    def run(
        self,
        parts: Sequence[Part],
        on_result: Callable[[PartResult], None],
        *,
        give_up: float = math.inf,
    ) -> None:
        """Solve ``parts`` (longest first), calling ``on_result`` as each finishes.

        Past ``give_up`` (``time.monotonic()``) parts not yet started are
        skipped and running ones no longer waited for.
        """
        ordered = sorted(parts, key=lambda p: -p.time_limit_s)
        if self.pool is None:
            for part in ordered:
                if self.interrupted() or time.monotonic() > give_up:
                    return
                on_result(_solve_part(part, self.interrupted))
            return
        if self.dirty:
            # Workers still busy with parts given up on: start afresh.
            self.close()
            self.pool = multiprocessing.get_context("fork").Pool(
                self.jobs, initializer=_ignore_sigint
            )
            self.dirty = False
        pending = [self.pool.apply_async(solve_part, (part,)) for part in ordered]
        while pending:
            if self.interrupted() or time.monotonic() > give_up:
                self.dirty = True
                return
            done = [f for f in pending if f.ready()]
            for f in done:
                pending.remove(f)
                on_result(f.get())
            if not done:
                pending[0].wait(0.2)

    def close(self) -> None:
        """Stop the workers (at once: a part still running is not waited for)."""
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()
            self.pool = None


def solve_part_on(state: object, part: Part, wall_deadline: float) -> PartResult:
    """Solve ``part`` on a Dask worker holding ``state`` (the instance, params and types).

    ``wall_deadline`` is a ``time.time()`` value: machines share wall clocks
    (NTP), not monotonic ones.
    """
    global _STATE
    _STATE = state  # type: ignore[assignment]
    part = dataclasses.replace(part, deadline=time.monotonic() + wall_deadline - time.time())
    return _solve_part(part, None)


class _DaskRunner:
    """Run parts on a Dask cluster (``RoutingParams.scheduler``), as :class:`_Runner` does."""

    def __init__(self, address: str, interrupted: Callable[[], bool]) -> None:
        from distributed import Client

        self.interrupted = interrupted
        self.client = Client(address)  # type: ignore[no-untyped-call]
        self.state = self.client.scatter(_STATE, broadcast=True)  # type: ignore[no-untyped-call]
        self.jobs = max(1, sum(self.client.nthreads().values()))  # type: ignore[no-untyped-call]

    def run(
        self,
        parts: Sequence[Part],
        on_result: Callable[[PartResult], None],
        *,
        give_up: float = math.inf,
    ) -> None:
        """Solve ``parts`` (longest first), calling ``on_result`` as each finishes."""
        from distributed import wait

        ordered = sorted(parts, key=lambda p: -p.time_limit_s)
        pending = [
            self.client.submit(
                solve_part_on,
                self.state,
                part,
                time.time() + part.deadline - time.monotonic(),
                pure=False,
                priority=-k,
            )
            for k, part in enumerate(ordered)
        ]
        try:
            while pending:
                if self.interrupted() or time.monotonic() > give_up:
                    return
                try:
                    wait(pending, timeout=0.2, return_when="FIRST_COMPLETED")  # type: ignore[no-untyped-call]
                except TimeoutError:
                    continue
                for f in [f for f in pending if f.done()]:  # type: ignore[no-untyped-call]
                    pending.remove(f)
                    on_result(f.result())
        finally:
            if pending:
                self.client.cancel(pending)  # type: ignore[no-untyped-call]

    def close(self) -> None:
        """Let go of the cluster (its workers stay up for the next run)."""
        self.client.close()  # type: ignore[no-untyped-call]


def _runner(params: RoutingParams, interrupted: Callable[[], bool]) -> _Runner | _DaskRunner:
    if params.scheduler is not None:
        return _DaskRunner(params.scheduler, interrupted)
    return _Runner(params.jobs, interrupted)


def _better(
    new: EngineRun, old_routes: Sequence[Route], old_dropped: int, params: RoutingParams
) -> bool:
    new_key = plan_key(new.routes, len(new.dropped), params)
    old_key = plan_key(old_routes, old_dropped, params)
    return new_key < tuple(v - 1e-6 if isinstance(v, float) else v for v in old_key)


def solve_components(
    instance: Instance,
    stops: Sequence[Sequence[str]],
    types: Sequence[Sequence[VehicleType]],
    *,
    params: RoutingParams,
    deadline: float,
    interrupted: Callable[[], bool],
    report: Callable[[Plan, int, int], None],
) -> Outcome:
    """Plan every component by parts until ``deadline`` (a ``time.monotonic()`` value).

    ``report(plan, round, solutions)`` is called each time the whole plan
    gets better (and once the first whole plan exists).
    """
    global _STATE
    t0 = time.monotonic()
    _STATE = (instance, params, [tuple(t) for t in types])
    runner = _runner(params, interrupted)
    notes: list[tuple[str, str]] = [("", "") for _ in stops]
    engines_used: list[Counter[str]] = [Counter() for _ in stops]
    num_solutions = 0
    statuses = ["local_optimum"] * len(stops)
    plan = Plan([[] for _ in stops], [set() for _ in stops])
    rounds = 0
    try:
        # 1. First plan: sweep parts of every component.
        first: list[Part] = []
        cut = [
            sweep_parts(instance, list(s), list(t), params.part_stops)
            if len(s) > params.decompose_above
            else [(tuple(s), {vt.id: vt.count for vt in t})]
            for s, t in zip(stops, types, strict=True)
        ]
        total = sum(len(s) for s in stops) or 1
        whole = all(len(parts) == 1 for parts in cut)
        if whole:
            share = WHOLE_REDUCE_SHARE if params.minimize_vehicles else WHOLE_SHARE
            budget = share * (deadline - t0) * runner.jobs
        else:
            budget = min(FIRST_SHARE * (deadline - t0), FIRST_CAP_S) * runner.jobs
        for c, parts in enumerate(cut):
            for p, (ids, counts) in enumerate(parts):
                limit = max(MIN_PART_S, budget * len(ids) / total)
                part = Part(c, ids, tuple(counts.items()), limit, params.seed + p, deadline)
                if whole and params.minimize_vehicles and len(ids) > params.improve_above:
                    until = WHOLE_SHARE / WHOLE_REDUCE_SHARE
                    part = dataclasses.replace(part, polish_until=until)
                first.append(part)

        def take_first(res: PartResult) -> None:
            nonlocal num_solutions
            c = res.part.component
            unsearched[c] -= set(res.part.stops)
            plan.routes[c] += res.run.routes
            plan.dropped[c] |= set(res.run.dropped)
            num_solutions += res.run.num_solutions
            engines_used[c][res.engine_note[0]] += 1
            if res.run.status == "no_solution":
                statuses[c] = res.run.status

        unsearched = [set(s) for s in stops]
        runner.run(first, take_first)
        # Stops a part left out, with the vehicles the parts did not use.
        spare_parts = []
        for c, t in enumerate(types):
            if not plan.dropped[c] or interrupted():
                continue
            used = Counter(r.vehicle_type for r in plan.routes[c])
            spare = {vt.id: vt.count - used[vt.id] for vt in t if vt.count > used[vt.id]}
            left = max(MIN_PART_S, min(budget, deadline - time.monotonic()) / 4)
            if spare and deadline - time.monotonic() > left:
                ids = tuple(sorted(plan.dropped[c]))
                part = Part(c, ids, tuple(spare.items()), left, params.seed + 999, deadline)
                spare_parts.append(part)

        def take_spare(res: PartResult) -> None:
            nonlocal num_solutions
            c = res.part.component
            served = {s for r in res.run.routes for s in r.stops}
            plan.routes[c] += res.run.routes
            plan.dropped[c] -= served
            num_solutions += res.run.num_solutions

        runner.run(spare_parts, take_spare)
        first_plan_s = time.monotonic() - t0
        report(plan, 0, num_solutions)

        # 2. Improvement rounds around route barycentres.
        rng = np.random.default_rng(params.seed)

        def group_size(c: int) -> int:
            # Groups as large as the parts where a component was cut; smaller
            # ones on a large whole component; a small component is one group.
            n = len(stops[c])
            if n > params.decompose_above:
                return params.part_stops
            return params.group_stops if n > params.improve_above else max(n, 1)

        while not interrupted() and (params.rounds is None or rounds < params.rounds):
            left = deadline - time.monotonic()
            shortest = MIN_PART_S if whole else MIN_ROUND_S
            round_s = min(left, max(shortest, (deadline - t0) / ROUNDS_PER_LIMIT))
            if round_s < 2 * MIN_PART_S:
                break
            rounds += 1
            work: list[tuple[Part, list[Route], set[str]]] = []
            for c, t in enumerate(types):
                groups = barycentre_groups(
                    instance, plan.routes[c], sorted(plan.dropped[c]), group_size(c), rng
                )
                used = Counter(r.vehicle_type for r in plan.routes[c])
                spare_by_type = {vt.id: vt.count - used[vt.id] for vt in t}
                weights = [sum(len(r.stops) for r in g) + len(lo) for g, lo in groups]
                spare_share = {tid: _share(k, weights) for tid, k in spare_by_type.items()}
                for g, (group_routes, loose) in enumerate(groups):
                    ids = tuple(s for r in group_routes for s in r.stops) + tuple(loose)
                    own = Counter(r.vehicle_type for r in group_routes)
                    # Groups of a round never share a vehicle: spare ones are shared out.
                    counts = {vt.id: own[vt.id] + spare_share[vt.id][g] for vt in t}
                    limit = max(MIN_PART_S, round_s * runner.jobs * len(ids) / total)
                    seed = params.seed + 1000 * rounds + g
                    start = tuple(group_routes)
                    part = Part(c, ids, tuple(counts.items()), limit, seed, deadline, start)
                    work.append((part, group_routes, set(loose)))
            if not work:
                break
            by_key = {(p.component, p.stops): (old, loose) for p, old, loose in work}

            def take(
                res: PartResult,
                by_key: dict[tuple[int, tuple[str, ...]], tuple[list[Route], set[str]]] = by_key,
                rounds: int = rounds,
            ) -> None:
                nonlocal num_solutions
                c = res.part.component
                old_routes, old_loose = by_key[(c, res.part.stops)]
                num_solutions += res.run.num_solutions
                if interrupted():
                    return  # Ctrl-C: the search of this part was cut short
                if not _better(res.run, old_routes, len(old_loose), params):
                    return
                gone = {id(r) for r in old_routes}
                kept = [r for r in plan.routes[c] if id(r) not in gone]
                plan.routes[c] = kept + list(res.run.routes)
                plan.dropped[c] = (plan.dropped[c] - old_loose) | set(res.run.dropped)
                report(plan, rounds, num_solutions)

            runner.run([p for p, _, _ in work], take, give_up=deadline + GRACE_S)
    finally:
        runner.close()
        _STATE = None
    if interrupted():
        statuses = ["interrupted"] * len(stops)
    elif params.rounds is None:
        statuses = [s if s != "local_optimum" else "time_limit" for s in statuses]
    for c in range(len(stops)):
        n_parts = len(cut[c]) if stops[c] else 0
        engines = ", ".join(f"{e}" for e in engines_used[c] if e)
        notes[c] = (
            f"{n_parts} part(s) by {engines or 'none'}, {rounds} improvement round(s)",
            f"分为 {n_parts} 个子问题（{engines or '无'}），改进 {rounds} 轮",
        )
    return Outcome(
        routes=plan.routes,
        dropped=[tuple(sorted(d)) for d in plan.dropped],
        unsearched=[tuple(sorted(u)) for u in unsearched],
        statuses=statuses,
        notes=notes,
        num_solutions=num_solutions,
        rounds=rounds,
        first_plan_s=first_plan_s,
    )


def renumber(routes: Sequence[Route]) -> list[Route]:
    """Name the vehicles of each type ``type#1``, ``type#2``, … (parts reuse names)."""
    seen: Counter[str] = Counter()
    out = []
    for r in routes:
        seen[r.vehicle_type] += 1
        out.append(dataclasses.replace(r, vehicle=f"{r.vehicle_type}#{seen[r.vehicle_type]}"))
    return out
