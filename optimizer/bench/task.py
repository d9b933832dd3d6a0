"""One benchmark task: an (instance, engine, seed, time limit) run and its record.

:func:`execute` runs in a fresh process (see :mod:`optimizer.bench.runner`):
it reads the instance, runs the engine, re-checks the plan with the
independent checker and returns one JSON-ready record. Run as
``python -m optimizer.bench.task TASK.json RECORD.json``.

Engines are named: ``ortools`` (the project's setup through
:func:`optimizer.routing.solve.solve`), ``ortools-plain`` (the documented
baseline of :mod:`optimizer.bench.plain_ortools`), ``pyvrp`` (through
``solve``), ``pyvrp-plain`` (PyVRP's documented model,
:mod:`optimizer.bench.plain_pyvrp`), or ``package.module:function`` for
an engine of one's own, called as ``function(instance, time_limit_s, seed,
on_solution)`` and returning a :class:`~optimizer.routing.result.RoutingResult`
(``on_solution(elapsed_s, objective)`` reports each solution found).
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import resource
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from optimizer.bench.plain_ortools import PlainRun, Unsupported, solve_plain
from optimizer.bench.plans import plan_stem
from optimizer.bench.sets import (
    LRP_KIND,
    PERIODIC_KIND,
    best_known,
    domain_of,
    load_instance,
)
from optimizer.evaluate import check, objective_value, recompute
from optimizer.io.solution import write_solution_json
from optimizer.io.vrplib_sets import objective_scale
from optimizer.io.vrplib_solution import is_vrplib, result_from_routes, write_vrplib_solution
from optimizer.model import Instance
from optimizer.routing.result import RoutingResult, Unserved, UnservedReason

OnSolution = Callable[[float, float], None]
EngineFn = Callable[[Instance, float, int, OnSolution], RoutingResult]
ROUTING_ENGINES = ("ortools", "ortools-plain", "pyvrp", "pyvrp-plain", "auto")
SITING_ENGINES = ("scip", "highs", "cbc", "pulp-cbc")  # OR-Tools MIP backends; PuLP + CBC
CARBON_ENGINES = ("highs", "cbc")  # LP solvers through PuLP
LRP_ENGINES = ("lrp",)  # location-routing search (optimizer.lrp.solve)
PERIODIC_ENGINES = ("week",)  # the week solver (optimizer.periodic.solve)
BUILTIN_ENGINES = tuple(
    dict.fromkeys(
        ROUTING_ENGINES + SITING_ENGINES + CARBON_ENGINES + LRP_ENGINES + PERIODIC_ENGINES
    )
)
DEFAULT_ENGINES = {
    "routing": ("ortools", "ortools-plain"),
    "siting": ("scip", "pulp-cbc"),
    "carbon": ("highs", "cbc"),
}


def default_engines(kind: str) -> tuple[str, ...]:
    """Return the engines a sweep runs on an instance of ``kind`` unless told otherwise."""
    if kind == LRP_KIND:
        return LRP_ENGINES
    if kind == PERIODIC_KIND:
        return PERIODIC_ENGINES
    return DEFAULT_ENGINES[domain_of(kind)]


MAX_TRACE = 200  # improving solutions kept per run for the gap-over-time plot
MAX_MESSAGES = 5  # violation messages kept per run


@dataclass(frozen=True)
class Task:
    """What to run: an instance file, an engine, a seed and a time limit (s)."""

    file: str
    key: str  # "folder/file name": stable across data-dir locations
    engine: str
    seed: int
    time_limit_s: float
    kind: str = "routing"  # see optimizer.bench.sets: routing, a siting kind, osemosys
    out_dir: str = ""  # where the plan is written ("" = nowhere)

    @property
    def id(self) -> str:
        """Return the identity used to skip tasks already in ``results.jsonl``."""
        return task_id(self.key, self.engine, self.seed, self.time_limit_s)

    def to_json(self) -> str:
        """Return the task as a JSON object."""
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> Task:
        """Build a task from :meth:`to_json` output."""
        return cls(**json.loads(text))

    def record(self, status: str, error: str = "") -> dict[str, Any]:
        """Return the start of this task's record: what ran, and its status."""
        return {
            "instance": Path(self.file).name,
            "key": self.key,
            "kind": self.kind,
            "domain": domain_of(self.kind),
            "engine": self.engine,
            "seed": self.seed,
            "settings": {"time_limit_s": self.time_limit_s},
            "status": status,
            "error": error,
        }


def task_id(key: str, engine: str, seed: int, time_limit_s: float) -> str:
    """Return the identity of a task, also computed from a record."""
    return f"{key}|{engine}|{seed}|{float(time_limit_s):g}"


def make_task(
    path: Path,
    engine: str,
    seed: int,
    time_limit_s: float,
    *,
    kind: str = "routing",
    out_dir: Path | None = None,
) -> Task:
    """Return the task running ``engine`` on the instance at ``path``.

    With ``out_dir`` the run writes its plan there (see :mod:`optimizer.bench.plans`).
    """
    return Task(
        str(path.resolve()),
        f"{path.parent.name}/{path.name}",
        engine,
        seed,
        time_limit_s,
        kind,
        "" if out_dir is None else str(out_dir.resolve()),
    )


def plan_target(task: Task) -> tuple[Path, str] | None:
    """Return (absolute path without suffix, relative path) of the task's plan, if it writes one."""
    if not task.out_dir:
        return None
    rel = plan_stem(task.key, task.engine, task.seed, task.time_limit_s)
    path = Path(task.out_dir) / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    return path, rel


def _minimize_vehicles(instance: Instance) -> bool:
    # Kim et al. and the E-VRPTW set rank plans by vehicles first; the VRPLIB
    # sets here by cost alone. For E-VRPTW this is the fair reading of
    # bks_schiffer2017.csv: ranked by distance alone, our plans for r201 and
    # rc201 use 8 vehicles where the table has 3 and 4, and are 12 % shorter;
    # ranked by vehicles, they never use more vehicles than the table (one
    # fewer on c105, r101 and rc101), so their distance gap is not bought
    # with extra vehicles (benchmarks/evrptw/README.md, 4 Dec 2026).
    return instance.meta.get("set_type", "") not in (
        "CVRP",
        "VRPTW",
        "CVRPTW",
        "MTVRPTW",
        "MTVRPTWR",
        "HFVRP",
    )


def _solve_engine(engine: str) -> EngineFn:
    def run(instance: Instance, time_limit_s: float, seed: int, on: OnSolution) -> RoutingResult:
        from optimizer.routing.params import Objective, RoutingParams
        from optimizer.routing.solve import solve

        params = RoutingParams(
            objective=Objective(instance.meta.get("objective", "distance")),
            time_limit_s=time_limit_s,
            seed=seed,
            engine=engine,
            minimize_vehicles=_minimize_vehicles(instance),
        )
        return solve(instance, params=params, progress=lambda p: on(p.elapsed_s, p.best_objective))

    return run


def _plain(instance: Instance, time_limit_s: float, seed: int, on: OnSolution) -> RoutingResult:
    objective = instance.meta.get("objective", "distance")
    run = solve_plain(instance, time_limit_s=time_limit_s, objective=objective, on_solution=on)
    return _plain_result(instance, run, "ortools-plain")


def _plain_pyvrp(
    instance: Instance, time_limit_s: float, seed: int, on: OnSolution
) -> RoutingResult:
    from optimizer.bench.plain_pyvrp import solve_plain_pyvrp

    objective = instance.meta.get("objective", "distance")
    run = solve_plain_pyvrp(
        instance, time_limit_s=time_limit_s, seed=seed, objective=objective, on_solution=on
    )
    return _plain_result(instance, run, "pyvrp-plain")


def _plain_result(instance: Instance, run: PlainRun, engine: str) -> RoutingResult:
    result = result_from_routes(instance, run.routes, engine=engine)
    missing = {s.id for s in instance.stops} - {s for r in result.routes for s in r.stops}
    if missing:
        unserved = tuple(
            Unserved(s, UnservedReason.NOT_ROUTED, "no solution found") for s in sorted(missing)
        )
        return dataclasses.replace(result, unserved=unserved, status=run.status)
    return dataclasses.replace(result, status=run.status)


def engine_function(engine: str) -> EngineFn:
    """Return the function running ``engine`` (a built-in name or ``module:function``)."""
    if engine == "ortools-plain":
        return _plain
    if engine == "pyvrp-plain":
        return _plain_pyvrp
    if engine in ("ortools", "pyvrp", "auto"):
        return _solve_engine(engine)
    module, sep, attr = engine.partition(":")
    if not sep:
        raise ValueError(
            f"unknown engine {engine!r}; expected {', '.join(BUILTIN_ENGINES)} or module:function"
        )
    fn: EngineFn = getattr(importlib.import_module(module), attr)
    return fn


def execute(task: Task) -> dict[str, Any]:
    """Run ``task`` in this process and return its record.

    The record holds the objective in the set's published unit (recomputed
    by :func:`optimizer.evaluate.recompute`, never the engine's claim), the
    gap to the best-known value in %, the checker's verdict, the time to the
    first solution and the solve time. A run is ``feasible`` when the
    checker finds no violation and every stop is served.
    """
    record = task.record("failed")
    t0 = time.perf_counter()
    try:
        if task.kind == LRP_KIND:
            from optimizer.bench.lrp_task import run_lrp

            run_lrp(task, record)
        elif task.kind == PERIODIC_KIND:
            from optimizer.bench.week_task import run_week

            run_week(task, record)
        elif domain_of(task.kind) == "siting":
            from optimizer.bench.siting_task import run_siting

            run_siting(task, record)
        elif domain_of(task.kind) == "carbon":
            from optimizer.bench.carbon_task import run_carbon

            run_carbon(task, record)
        else:
            _run_routing(task, record, t0)
    except Unsupported as err:
        record.update(status="unsupported", error=str(err))
    except Exception as err:  # a failed run is a result to record, not a crash of the sweep
        record.update(status="failed", error=f"{type(err).__name__}: {err}")
        record["traceback"] = traceback.format_exc()[-2000:]
    usage = resource.getrusage(resource.RUSAGE_SELF)
    record["child_cpu_s"] = round(usage.ru_utime + usage.ru_stime, 3)
    return record


def _write_plan(task: Task, instance: Instance, result: RoutingResult, objective: float) -> str:
    """Write the run's plan (VRPLIB ``.sol`` or ``solution.json``); return its relative path."""
    target = plan_target(task)
    if target is None or not result.routes:
        return ""
    path, rel = target
    if is_vrplib(instance) and not result.unserved:
        # The cost line states the recomputed objective, not the engine's claim.
        write_vrplib_solution(
            path.with_name(path.name + ".sol"),
            instance,
            dataclasses.replace(result, objective_value=objective),
        )
        return rel + ".sol"
    write_solution_json(result, instance, path.with_name(path.name + ".json"))
    return rel + ".json"


def _run_routing(task: Task, record: dict[str, Any], t0: float) -> None:
    if task.engine in SITING_ENGINES + CARBON_ENGINES + LRP_ENGINES + PERIODIC_ENGINES:
        raise Unsupported(f"{task.engine} is not a routing engine")
    instance = load_instance(Path(task.file))
    record["instance"] = instance.name
    record["num_stops"] = len(instance.stops)
    record["set_type"] = instance.meta.get("set_type", "")
    bks, source = best_known(Path(task.file), instance)
    record["bks"], record["bks_source"] = bks, source
    scale = objective_scale(instance)
    objective = instance.meta.get("objective", "distance")
    record["objective_kind"] = objective
    trace: list[tuple[float, float]] = []

    def on_solution(elapsed: float, value: float) -> None:
        if not trace or value < trace[-1][1] * scale:
            trace.append((round(elapsed, 3), value / scale))

    load_s = time.perf_counter() - t0
    t1 = time.perf_counter()
    result = engine_function(task.engine)(instance, task.time_limit_s, task.seed, on_solution)
    solve_s = time.perf_counter() - t1
    violations = check(instance, result)
    redo = recompute(instance, result)
    model_value = objective_value(redo.routes, objective)
    value = model_value / scale
    feasible = not violations and not result.unserved
    record.update(
        plan=_write_plan(task, instance, result, model_value),
        rank_by_vehicles=_minimize_vehicles(instance),
        status="ok" if result.routes or not instance.stops else "no_solution",
        engine_status=result.status,
        objective=value,
        routes=len(result.routes),
        unserved=len(result.unserved),
        feasible=feasible,
        violations=len(violations),
        violation_messages=[str(v) for v in violations[:MAX_MESSAGES]],
        gap_pct=None if bks is None or not feasible else 100.0 * (value - bks) / bks,
        first_solution_s=trace[0][0] if trace else None,
        load_s=round(load_s, 3),
        solve_s=round(solve_s, 3),
        trace=trace[:: max(1, len(trace) // MAX_TRACE)],
    )


def main(argv: list[str]) -> int:
    """Run the task in ``argv[0]`` (JSON file) and write its record to ``argv[1]``."""
    task = Task.from_json(Path(argv[0]).read_text(encoding="utf-8"))
    record = execute(task)
    Path(argv[1]).write_text(json.dumps(record), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
