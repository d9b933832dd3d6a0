"""Exact optima of the small E-VRPTW files: route labelling, then set partitioning with HiGHS.

Independent of countyopt: it reads the instance file with the plain
re-check's reader (``plain_check.read_instance``) and nothing else.

Rules (those of ``optimizer.evaluate.check`` and of ``plain_check``): each
vehicle leaves the depot at time 0 with a full battery Q, serves customers
(service starts within [ReadyTime, DueDate], waiting allowed, load at most
C), may stop at any station any number of times and buy any amount of
energy there (partial linear recharging: e units take g x e time, the
battery never above Q), never lets its charge fall below 0 (consumption r
per unit of distance, travel time distance / v) and is back at the depot by
its due date. Plans rank by vehicles, then total distance.

Method.

1. *Every feasible route, shortest per customer set* (a forward labelling
   over customer subsets, as in Desaulniers, Errico, Irnich & Schneider
   2016, "Exact algorithms for electric vehicle-routing problems with time
   windows", Operations Research 64(6)). After its last station a partial
   route can leave its current node with energy e in [emin, emax] no
   earlier than max(L, B + g e): buying one more unit at the last station
   costs g time, unless waiting at a later customer absorbs it. That front
   stays of this two-number form through every extension, so a label is
   (distance, load, L, B, emin, emax). A label is dropped when another at
   the same node with the same customer set is no longer, leaves no later
   for every energy, and can carry at least as much energy (an exact test
   of the fronts, :func:`dominates`). Stations may follow each other and
   be revisited; a revisit only adds distance, so it is dominated and the
   labelling ends. No bound from any heuristic prunes anything.
2. *Set partitioning* over the shortest route of every customer set
   (HiGHS MIP, each customer exactly once): first the fewest routes, then
   the shortest total distance with that many routes.
3. The chosen routes are re-simulated step by step (charging at each
   station just what the rest of the route needs, as late as the windows
   allow is not needed: the labelling's decision is replayed) and checked.

Usage (writes one CSV row per file)::

    python benchmarks/evrptw/exact_small.py ../shared/data/vrp/evrptw/{5,10,15}/*.txt \
        --out benchmarks/evrptw/small_optima.csv
"""

from __future__ import annotations

import argparse
import csv
import math
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from plain_check import read_instance

EPS = 1e-9
NEG = -1e18  # B of a label whose departure time does not grow with its energy (yet)


@dataclass(eq=False, slots=True)
class Label:
    """A partial route: its front, distance, load, customer set and the path back to the depot."""

    dist: float
    load: float
    L: float
    B: float
    emin: float
    emax: float
    mask: int
    node: int
    parent: Label | None


@dataclass
class Problem:
    """The instance as arrays: node 0 the depot, 1..n customers, n+1.. stations."""

    names: list[str]
    n: int
    x: list[float]
    y: list[float]
    q: list[float]
    a: list[float]
    b: list[float]
    s: list[float]
    Q: float
    C: float
    r: float
    g: float
    v: float
    d: list[list[float]]

    @property
    def stations(self) -> range:
        """Indices of the stations."""
        return range(self.n + 1, len(self.names))


@dataclass
class Optimum:
    """What :func:`solve` proved."""

    vehicles: int
    distance: float
    routes: list[list[str]]
    status: str
    gap: float
    labels: int
    columns: int
    seconds: float
    cpu_seconds: float


def load(path: Path) -> Problem:
    """Return the problem of an E-VRPTW file."""
    nodes, par = read_instance(path)
    depot = [k for k, v in nodes.items() if v["type"] == "d"]
    customers = [k for k, v in nodes.items() if v["type"] == "c"]
    stations = [k for k, v in nodes.items() if v["type"] == "f"]
    names = depot + customers + stations
    col = {key: [float(nodes[k][key]) for k in names] for key in ("x", "y", "q", "a", "b", "s")}
    if any(col["a"][i] > 0 for i in [0, *range(len(customers) + 1, len(names))]):
        raise ValueError(f"{path}: a station or the depot opens after 0 (not modelled)")
    d = [
        [
            math.hypot(col["x"][i] - col["x"][j], col["y"][i] - col["y"][j])
            for j in range(len(names))
        ]
        for i in range(len(names))
    ]
    return Problem(
        names,
        len(customers),
        col["x"],
        col["y"],
        col["q"],
        col["a"],
        col["b"],
        col["s"],
        par["Q"],
        par["C"],
        par["r"],
        par["g"],
        par["v"],
        d,
    )


def extend(p: Problem, lab: Label, j: int) -> Label | None:
    """Return the label of ``lab`` followed by node ``j`` (after service or charging), or None."""
    i = lab.node
    dist = p.d[i][j]
    use, travel = p.r * dist, dist / p.v
    lo = max(lab.emin, use)
    if lo > lab.emax + EPS:
        return None  # not enough charge for the leg
    emin, emax = lo - use, lab.emax - use
    floor, offset = (
        lab.L + travel,
        lab.B + p.g * use + travel,
    )  # arrival >= max(floor, offset + g e)
    due = p.b[j]
    if floor > due + EPS:
        return None
    if offset > NEG / 2:
        emax = min(emax, (due - offset) / p.g)  # more charge was bought later: arrives later
    if emax < emin - EPS:
        return None
    emax = max(emax, emin)
    mask, load_ = lab.mask, lab.load
    if 1 <= j <= p.n:
        load_ += p.q[j]
        if load_ > p.C + EPS:
            return None
        mask |= 1 << (j - 1)
        floor, offset = max(p.a[j], floor) + p.s[j], offset + p.s[j]
    elif j > p.n:
        # Charge to any level z in [emin, Q]: take the most charge on arrival
        # (min(z, emax)) and buy the rest here, g per unit.
        offset = max(offset, floor - p.g * emax)
        emax = p.Q
    if j and max(floor, offset + p.g * emin) + p.d[j][0] / p.v > p.b[0] + EPS:
        return None  # cannot be back at the depot in time, even directly
    return Label(lab.dist + dist, load_, floor, offset, emin, emax, mask, j, lab)


def depart(lab: Label, e: float, g: float) -> float:
    """Return the earliest departure of ``lab`` carrying energy ``e`` (within its range)."""
    return max(lab.L, lab.B + g * e)


def dominates(x: Label, y: Label, g: float) -> bool:
    """Whether ``x`` is as good as ``y`` for every completion (same node and customer set).

    x must be no longer, carry at least y's highest charge, and for every
    charge e y can have, x must be able to leave no later with at least e:
    x leaves with max(e, x.emin) at max(K, x.B + g e), K = x's departure at
    x.emin; that is at most max(y.L, y.B + g e) for all e in y's range iff
    K <= y's departure at y.emin and (x.B <= y.B or x.B + g y.emax <= y.L).
    """
    if x.dist > y.dist + EPS or x.emax < y.emax - EPS:
        return False
    if depart(x, x.emin, g) > depart(y, y.emin, g) + EPS:
        return False
    return x.B <= y.B + EPS or x.B + g * y.emax <= y.L + EPS


def _add(bucket: list[Label], lab: Label, g: float) -> bool:
    """Insert ``lab`` unless dominated; drop the labels it dominates. Return whether kept."""
    for other in bucket:
        if dominates(other, lab, g):
            return False
    bucket[:] = [o for o in bucket if not dominates(lab, o, g)]
    bucket.append(lab)
    return True


def routes_by_set(p: Problem, deadline: float) -> tuple[dict[int, Label], int]:
    """Return the shortest closed route (its last label) per customer set, and the labels made."""
    buckets: dict[tuple[int, int], list[Label]] = {}
    start = Label(0.0, 0.0, 0.0, NEG, p.Q, p.Q, 0, 0, None)
    level: list[Label] = [start]
    best: dict[int, Label] = {}
    made = 1

    def kept(lab: Label, node: int) -> Label | None:
        # Extend lab to node; return the new label if its bucket keeps it.
        nonlocal made
        new = extend(p, lab, node)
        if new is None:
            return None
        made += 1
        return new if _add(buckets.setdefault((new.mask, node), []), new, p.g) else None

    for _size in range(p.n + 1):
        if time.perf_counter() > deadline:
            raise TimeoutError
        # Station chains within this customer set size.
        work = list(level)
        at_stations: list[Label] = []
        while work:
            lab = work.pop()
            for st in p.stations:
                if st != lab.node and (new := kept(lab, st)) is not None:
                    work.append(new)
                    at_stations.append(new)
        alive = level + [lab for lab in at_stations if lab in buckets[(lab.mask, lab.node)]]
        nxt: list[Label] = []
        for lab in alive:
            if lab.mask:
                back = extend(p, lab, 0)
                if back is not None and (lab.mask not in best or back.dist < best[lab.mask].dist):
                    best[lab.mask] = back
            for j in range(1, p.n + 1):
                if not lab.mask >> (j - 1) & 1 and (new := kept(lab, j)) is not None:
                    nxt.append(new)
        level = [lab for lab in nxt if lab in buckets[(lab.mask, lab.node)]]
    return best, made


def partition(
    p: Problem, columns: dict[int, Label], time_limit: float
) -> tuple[int, float, list[int], str, float]:
    """Return (vehicles, distance, chosen sets, status, gap): lexicographic set partitioning."""
    import highspy

    masks = sorted(columns)
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 1)
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("mip_abs_gap", 1e-7)
    inf = highspy.kHighsInf
    for _ in masks:
        h.addVar(0.0, 1.0)
    h.changeColsIntegrality(
        len(masks), list(range(len(masks))), [highspy.HighsVarType.kInteger] * len(masks)
    )
    for c in range(p.n):
        idx = [k for k, m in enumerate(masks) if m >> c & 1]
        h.addRow(1.0, 1.0, len(idx), idx, [1.0] * len(idx))

    def run(costs: list[float], limit: float) -> tuple[list[float], str, float]:
        h.changeColsCost(len(masks), list(range(len(masks))), costs)
        h.setOptionValue("time_limit", max(1.0, limit))
        h.run()
        status = h.modelStatusToString(h.getModelStatus())
        info = h.getInfo()
        return list(h.getSolution().col_value), status, float(info.mip_gap)

    t0 = time.perf_counter()
    sol, status, _ = run([1.0] * len(masks), time_limit)
    if status != "Optimal":
        return 0, math.inf, [], status, math.inf
    k = round(sum(sol))
    h.addRow(k, k, len(masks), list(range(len(masks))), [1.0] * len(masks))
    sol, status, gap = run(
        [columns[m].dist for m in masks], time_limit - (time.perf_counter() - t0)
    )
    chosen = [m for m, v in zip(masks, sol, strict=True) if v > 0.5]
    _ = inf
    return k, sum(columns[m].dist for m in chosen), chosen, status, gap


def path(lab: Label) -> list[int]:
    """Return the node sequence of a closed route's label, depot to depot."""
    out: list[int] = []
    node: Label | None = lab
    while node is not None:
        out.append(node.node)
        node = node.parent
    return out[::-1]


def route_lp(p: Problem, nodes: list[int]) -> list[float] | None:
    """Return the charge bought at each position of a fixed route by an LP, or None if infeasible.

    An independent cross-check of the labelling on the routes it picks:
    variables are the time service (or charging) starts, the charge on
    arrival and the charge bought at each position; constraints are the
    rules above, written directly.
    """
    import highspy

    m = len(nodes)
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    inf = highspy.kHighsInf
    t = [h.addVariable(0.0, inf) for _ in nodes]
    e = [h.addVariable(0.0, p.Q) for _ in nodes]
    y = [h.addVariable(0.0, p.Q if v > p.n else 0.0) for v in nodes]
    h.addConstr(e[0] == p.Q)
    h.addConstr(t[0] == 0.0)
    for k in range(m):
        v = nodes[k]
        h.addConstr(e[k] + y[k] <= p.Q)
        h.addConstr(t[k] <= p.b[v])
        if 1 <= v <= p.n:
            h.addConstr(t[k] >= p.a[v])
        if k:
            u, d = nodes[k - 1], p.d[nodes[k - 1]][v]
            service = p.s[u] if 1 <= u <= p.n else 0.0
            h.addConstr(e[k] - e[k - 1] - y[k - 1] == -p.r * d)
            h.addConstr(t[k] - t[k - 1] - p.g * y[k - 1] >= service + d / p.v)
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    return [h.val(var) for var in y]


def solve(path_: Path, time_limit: float = 600.0) -> Optimum:
    """Return the proven optimum of one file (status and gap say whether it is proven)."""
    t0, c0 = time.perf_counter(), time.process_time()
    p = load(path_)
    try:
        columns, made = routes_by_set(p, t0 + time_limit)
    except TimeoutError:
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        return Optimum(0, math.nan, [], "labelling_time_limit", math.inf, 0, 0, wall, cpu)
    k, dist, chosen, status, gap = partition(p, columns, time_limit - (time.perf_counter() - t0))
    routes = [[p.names[v] for v in path(columns[m])] for m in chosen]
    for m in chosen:
        if route_lp(p, path(columns[m])) is None:
            raise AssertionError(f"{path_}: the labelling picked an infeasible route {m}")
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    return Optimum(k, dist, routes, status, gap, made, len(columns), wall, cpu)


FIELDS = [
    "instance",
    "customers",
    "vehicles",
    "distance",
    "status",
    "gap",
    "seconds",
    "cpu_seconds",
    "labels",
    "routes_feasible_sets",
    "routes",
]


def main(argv: list[str]) -> int:
    """Solve each file; print one line each and write the CSV."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="+", type=Path)
    ap.add_argument("--out", type=Path)
    ap.add_argument("--time-limit", type=float, default=600.0)
    args = ap.parse_args(argv)
    done: set[str] = set()
    if args.out and args.out.exists():  # resume: files already recorded are skipped
        with args.out.open(encoding="utf-8") as fh:
            done = {row["instance"] for row in csv.DictReader(fh)}
    for f in args.files:
        if f.stem in done:
            continue
        opt = solve(f, args.time_limit)
        row = {
            "instance": f.stem,
            "customers": f.parent.name,
            "vehicles": opt.vehicles,
            "distance": f"{opt.distance:.3f}",
            "status": opt.status.lower(),
            "gap": f"{opt.gap:.4f}" if math.isfinite(opt.gap) else "inf",
            "seconds": f"{opt.seconds:.1f}",
            "cpu_seconds": f"{opt.cpu_seconds:.1f}",
            "labels": opt.labels,
            "routes_feasible_sets": opt.columns,
            "routes": " | ".join(" ".join(r) for r in opt.routes),
        }
        print(
            f"{row['instance']}: {row['vehicles']} vehicles, {row['distance']}, {row['status']}, "
            f"{row['seconds']} s ({row['cpu_seconds']} CPU s), {row['labels']} labels, "
            f"{row['routes_feasible_sets']} sets",
            flush=True,
        )
        if args.out:  # one complete line per file, so that a long sweep can resume
            new = not args.out.exists()
            with args.out.open("a", newline="", encoding="utf-8") as fh:
                w = csv.DictWriter(fh, FIELDS)
                if new:
                    w.writeheader()
                w.writerow(row)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
