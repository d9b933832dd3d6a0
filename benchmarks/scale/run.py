"""Route a generated large county with the command line and measure what a user waits for.

For each (stops, time limit, jobs) it writes the county workbook
(:func:`optimizer.demo_county.build_large_county`, seeded), runs
``python cli.py route COUNTY --out OUT --time-limit T --jobs J`` in a child
process, and records: wall and CPU seconds of the whole command (reading,
search, checking, writing; CPU includes the worker processes), peak memory
(the largest sum over the process tree of proportional set size, sampled
every 0.5 s, so pages the forked workers share with the parent count once;
and ``ru_maxrss``, the largest single process), the time the first whole
plan was shown and every later progress line (cost against time), stops
served, and the checker's verdict (the command exits 4 on a violation).
One JSON line per run goes to ``--results``. Run from the repository root:

    nice -n 10 python benchmarks/scale/run.py --stops 10000 --time-limit 600 --jobs 2
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from optimizer.bench.runner import provenance  # noqa: E402
from optimizer.demo_county import build_large_county  # noqa: E402
from optimizer.io.workbook import write_workbook  # noqa: E402

PROGRESS = re.compile(
    r"^\s*([\d.]+) s\s+best plan ([\d,]+) yuan\s+serves (\d+) of (\d+) stops\s+\(round (\d+)"
)


def _tree(pid: int) -> list[int]:
    out = [pid]
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as f:
                for child in f.read().split():
                    out += _tree(int(child))
    except OSError:
        pass
    return out


def _pss_mb(pid: int) -> float:
    total = 0.0
    for p in _tree(pid):
        try:
            with open(f"/proc/{p}/smaps_rollup", encoding="ascii") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1]) / 1024
                        break
        except OSError:
            continue
    return total


def measure(
    stops: int, time_limit: float, jobs: int, seed: int, keep: Path | None
) -> dict[str, Any]:
    """Run one route command on a generated county of ``stops`` stops; return its record."""
    with tempfile.TemporaryDirectory(prefix="countyopt-scale-") as tmp:
        county = Path(tmp) / "county"
        t0 = time.perf_counter()
        write_workbook(build_large_county(stops, seed=seed), county)
        generate_s = time.perf_counter() - t0
        out = keep if keep is not None else Path(tmp) / "out"
        cmd = [
            sys.executable,
            "cli.py",
            "route",
            str(county),
            "--out",
            str(out),
            "--time-limit",
            f"{time_limit:g}",
            "--jobs",
            str(jobs),
            "--seed",
            str(seed),
        ]
        peak = [0.0]
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        done = threading.Event()

        def sample() -> None:
            while not done.wait(0.5):
                peak[0] = max(peak[0], _pss_mb(proc.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        lines: list[tuple[float, str]] = []

        def read_err() -> None:
            assert proc.stderr is not None
            for line in proc.stderr:
                lines.append((time.perf_counter() - t0, line.rstrip()))

        reader = threading.Thread(target=read_err, daemon=True)
        reader.start()
        assert proc.stdout is not None
        stdout = proc.stdout.read()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        done.set()
        reader.join(5)
        trace = []
        for seen_s, line in lines:
            m = PROGRESS.match(line)
            if m:
                trace.append(
                    {
                        "wall_s": round(seen_s, 1),
                        "search_s": float(m.group(1)),
                        "cost_yuan": int(m.group(2).replace(",", "")),
                        "served": int(m.group(3)),
                        "round": int(m.group(5)),
                    }
                )
        served = re.search(r"Stops served: (\d+) of (\d+)", stdout)
        cost = re.search(r"cost ([\d,]+) yuan", stdout)
        vehicles = re.search(r"Plan: (\d+) vehicles", stdout)
        return {
            "stops": stops,
            "time_limit_s": time_limit,
            "jobs": jobs,
            "seed": seed,
            "exit_code": os.waitstatus_to_exitcode(status),
            "generate_s": round(generate_s, 1),
            "wall_s": round(wall, 1),
            "cpu_s": round(usage.ru_utime + usage.ru_stime, 1),
            "limit_bound_s": round(time_limit * 1.05 + 10, 1),
            "peak_pss_mb": round(peak[0], 1),
            "max_rss_mb": round(usage.ru_maxrss / 1024, 1),
            "first_plan_s": trace[0]["wall_s"] if trace else None,
            "served": int(served.group(1)) if served else None,
            "cost_yuan": int(cost.group(1).replace(",", "")) if cost else None,
            "vehicles": int(vehicles.group(1)) if vehicles else None,
            "trace": trace,
            "load_avg_end": round(os.getloadavg()[0], 2),
            "finished_utc": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "stdout_tail": stdout[-1500:],
            "stderr_tail": "\n".join(line for _, line in lines[-5:]),
        }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stops", type=int, nargs="+", default=[10_000])
    parser.add_argument("--time-limit", type=float, nargs="+", default=[600.0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=2022)
    parser.add_argument("--results", type=Path, default=Path("benchmarks/scale/results.jsonl"))
    parser.add_argument("--keep", type=Path, default=None, help="Keep the last run's outputs here.")
    args = parser.parse_args()
    context = provenance(" ".join(["python", *sys.argv]))
    for stops in args.stops:
        for limit in args.time_limit:
            record = measure(stops, limit, args.jobs, args.seed, args.keep) | context
            print(json.dumps({k: v for k, v in record.items() if k not in ("trace",)}), flush=True)
            with args.results.open("a", encoding="utf-8") as f:
                f.write(json.dumps(record) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
