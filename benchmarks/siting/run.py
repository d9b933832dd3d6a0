"""Time to proven optimum on the shared siting benchmarks: OR-Tools MIP vs PuLP + CBC.

Solves every OR-Library cap instance (capacitated, split demand), every
Holmberg single-source instance and pmed1-20 with countyopt's model through
OR-Tools (SCIP by default) and with the *same* model written in PuLP and
solved by its bundled CBC, both asked for a proven optimum (relative gap 0),
one thread, the same time limit. CBC's own solution status is read, since
PuLP reports a CBC time-out as "Optimal".

Usage (from the repository root; needs ../shared/data)::

    nice -n 10 python benchmarks/siting/run.py [--sets cap,holmberg,pmed]
        [--solvers scip,pulp-cbc] [--time-limit 60] [--out benchmarks/siting]

Writes ``results.csv`` and ``results.md`` (the table for the README).
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from optimizer.io.holmberg import read_holmberg  # noqa: E402
from optimizer.io.orlib import read_cap, read_pmed  # noqa: E402
from optimizer.siting.check import evaluate  # noqa: E402
from optimizer.siting.mip import solve, uses_cover  # noqa: E402
from optimizer.siting.params import SitingParams  # noqa: E402
from optimizer.siting.problem import FacilityProblem  # noqa: E402

# isort: split
# PuLP only after OR-Tools: OR-Tools' HiGHS backend crashes the process if
# PuLP was imported first (see optimizer.siting.mip.create_solver).
import pulp  # noqa: E402

DATA = ROOT / ".." / "shared" / "data" / "siting"


def instances(sets: list[str]) -> list[tuple[str, FacilityProblem, float]]:
    """Return (set, problem, published optimum) for the requested sets."""
    optima: dict[tuple[str, str], float] = {}
    with open(DATA / "optima.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            optima[row["set"], row["instance"]] = float(row["value"])
    out: list[tuple[str, FacilityProblem, float]] = []
    if "cap" in sets:
        names = sorted(
            (p.stem for p in (DATA / "orlib_cap").glob("cap*.txt") if p.stem != "capopt"),
            key=lambda s: int(s[3:]),
        )
        for name in names:
            problem = read_cap(DATA / "orlib_cap" / f"{name}.txt")
            out.append(("cap", problem, optima["ORLIB-CFLP(MS)", name]))
    if "holmberg" in sets:
        for k in range(1, 36):
            problem = read_holmberg(DATA / "holmberg_sscflp" / f"p{k}")
            out.append(("holmberg", problem, optima["Holmberg-SSCFLP", f"p{k}"]))
    if "pmed" in sets:
        for k in range(1, 21):
            problem = read_pmed(DATA / "pmed" / f"pmed{k}.txt")
            out.append(("pmed", problem, optima["ORLIB-pmedian", f"pmed{k}"]))
    return out


def solve_pulp(problem: FacilityProblem, time_limit: float) -> tuple[str, float | None, float]:
    """Solve the same formulation as the OR-Tools adapter with PuLP + CBC."""
    start = time.perf_counter()
    lp = pulp.LpProblem(problem.name, pulp.LpMinimize)
    m = len(problem.facilities)
    y = {i: pulp.LpVariable(f"open_{i}", cat="Binary") for i in range(m)}
    fixed = [problem.options[i][0].fixed_cost for i in range(m)]
    cost, allowed = problem.assign_cost, problem.allowed
    if uses_cover(problem):
        terms = []
        for j in range(len(problem.customers)):
            levels = np.unique(cost[allowed[:, j], j])
            z = {k: pulp.LpVariable(f"z_{j}_{k}", 0, 1) for k in range(1, len(levels))}
            terms.append(float(levels[0]))
            terms += [float(levels[k] - levels[k - 1]) * z[k] for k in z]
            at: dict[int, list[pulp.LpVariable]] = {}
            for i in np.flatnonzero(allowed[:, j]):
                at.setdefault(int(np.searchsorted(levels, cost[i, j])), []).append(y[int(i)])
            for k in range(len(levels)):
                before = z[k] if k > 0 else 1.0
                after = z[k + 1] if k + 1 < len(levels) else 0.0
                lp += after + pulp.lpSum(at.get(k, [])) >= before, f"cover_{j}_{k}"
        lp += pulp.lpSum(fixed[i] * y[i] for i in y) + pulp.lpSum(terms)
    else:
        cat = "Binary" if problem.single_source else "Continuous"
        pairs = list(zip(*np.nonzero(allowed), strict=True))
        x = {(int(i), int(j)): pulp.LpVariable(f"x_{i}_{j}", 0, 1, cat=cat) for i, j in pairs}
        lp += pulp.lpSum(fixed[i] * y[i] for i in y) + pulp.lpSum(
            float(cost[i, j]) * v for (i, j), v in x.items()
        )
        for j in range(len(problem.customers)):
            lp += pulp.lpSum(x[i, jj] for (i, jj) in x if jj == j) == 1, f"assign_{j}"
        for (i, j), v in x.items():
            lp += v <= y[i], f"link_{i}_{j}"
        for i in range(m):
            cap = problem.options[i][0].capacity
            if cap is not None:
                load = pulp.lpSum(
                    float(problem.demand[j]) * v for (ii, j), v in x.items() if ii == i
                )
                lp += load <= cap * y[i], f"capacity_{i}"
    if problem.num_open is not None:
        lp += pulp.lpSum(y.values()) == problem.num_open, "num_open"
    solver = pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit, gapRel=0.0, threads=1)
    lp.solve(solver)
    elapsed = time.perf_counter() - start
    # PuLP maps a CBC time-out to "Optimal"; the solution status tells them apart.
    status = {1: "optimal", 2: "feasible", 0: "no_solution", -1: "infeasible"}.get(
        lp.sol_status, f"status {lp.sol_status}"
    )
    value = pulp.value(lp.objective) if lp.sol_status in (1, 2) else None
    return status, value, elapsed


def write_tables(rows: list[dict[str, str]], solvers: list[str], out: Path) -> None:
    """Write ``results.csv`` and the README table ``results.md`` into ``out``."""
    with open(out / "results.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    lines = [
        "| set | instance | size | optimum | "
        + " | ".join(f"{s} status | {s} s" for s in solvers)
        + " |",
        "|---|---|---|---|" + "---|---|" * len(solvers),
    ]
    keyed = {(r["instance"], r["solver"]): r for r in rows}
    seen: list[tuple[str, str, str, str]] = []
    for r in rows:
        key = (r["set"], r["instance"], r["size"], r["published_optimum"])
        if key not in seen:
            seen.append(key)
    for set_name, inst, size, opt in seen:
        cells = []
        for s in solvers:
            r = keyed.get((inst, s))
            if r is None:
                cells += ["not run", ""]
                continue
            mark = r["status"] + ("" if r["matches"] == "yes" else " (≠ optimum)")
            cells += [mark, r["seconds"]]
        lines.append(f"| {set_name} | {inst} | {size} | {opt} | " + " | ".join(cells) + " |")
    (out / "results.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    """Run the benchmark and write the results table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sets", default="cap,holmberg,pmed")
    ap.add_argument("--solvers", default="scip,pulp-cbc")
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--out", default=str(Path(__file__).resolve().parent))
    args = ap.parse_args()
    rows = []
    for set_name, problem, optimum in instances(args.sets.split(",")):
        for solver in args.solvers.split(","):
            if solver == "pulp-cbc":
                status, value, seconds = solve_pulp(problem, args.time_limit)
            else:
                params = SitingParams(solver=solver, time_limit_s=args.time_limit)
                start = time.perf_counter()
                result = solve(problem, params=params)
                seconds = time.perf_counter() - start
                status, value = result.status.value, result.objective
                if result.decision is not None:
                    value = evaluate(problem, result.decision).total_cost
            hit = value is not None and abs(value - optimum) <= 1e-6 * max(1.0, abs(optimum)) + 0.01
            rows.append(
                {
                    "set": set_name,
                    "instance": problem.name,
                    "size": f"{len(problem.facilities)}x{len(problem.customers)}",
                    "solver": solver,
                    "status": status,
                    "objective": "" if value is None else f"{value:.3f}",
                    "published_optimum": f"{optimum:.3f}",
                    "matches": "yes" if hit else "no",
                    "seconds": f"{seconds:.2f}",
                }
            )
            print(",".join(rows[-1].values()), flush=True)
    write_tables(rows, args.solvers.split(","), Path(args.out))


if __name__ == "__main__":
    main()
