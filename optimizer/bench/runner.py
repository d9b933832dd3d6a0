"""Run benchmark tasks in separate processes, locally or on a Dask cluster.

Every task runs in a fresh Python process (``python -m optimizer.bench.task``):
OR-Tools holds the GIL, so threads would not run solves in parallel, and a
crash or memory blow-up of one solve must not take the sweep with it. The
parent measures the child's wall time and, from ``os.wait4``, its CPU time
and peak memory, and kills it after a hard limit. ``--jobs N`` keeps N such
processes busy; with a Dask scheduler the same function runs on the
cluster's workers. Each finished task appends one JSON line to
``results.jsonl``; tasks already there are skipped, so a sweep resumes.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import optimizer
from optimizer.bench.task import Task, task_id

RESULTS = "results.jsonl"
HARD_LIMIT_FACTOR = 2.0
HARD_LIMIT_EXTRA_S = 120.0  # reading a 1000-node instance and building its model


def _env() -> dict[str, str]:
    # The child must import this very package, also when it is not installed.
    root = str(Path(optimizer.__file__).resolve().parents[1])
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
    return env


def run_isolated(task_json: str) -> dict[str, Any]:
    """Run one task (JSON, see :class:`Task`) in a fresh process; return its record.

    The record gains ``wall_s``, ``cpu_s`` and ``peak_mem_mb`` of the whole
    child process. A child that dies or overruns ``time limit × 2 + 120 s``
    gives a record with status ``crashed`` or ``timeout`` and the end of its
    error output.
    """
    task = Task.from_json(task_json)
    limit = task.time_limit_s * HARD_LIMIT_FACTOR + HARD_LIMIT_EXTRA_S
    with tempfile.TemporaryDirectory(prefix="countyopt-bench-") as tmp:
        task_file, out_file, err_file = (Path(tmp) / n for n in ("task.json", "out.json", "err"))
        task_file.write_text(task_json, encoding="utf-8")
        t0 = time.perf_counter()
        with err_file.open("wb") as err:
            proc = subprocess.Popen(
                [sys.executable, "-m", "optimizer.bench.task", str(task_file), str(out_file)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=err,
                env=_env(),
            )
            killed = threading.Event()

            def kill() -> None:
                killed.set()
                proc.kill()

            timer = threading.Timer(limit, kill)
            timer.start()
            try:
                # wait4 reaps the child and returns its own resource usage.
                _, status, usage = os.wait4(proc.pid, 0)
            finally:
                timer.cancel()
            proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - t0
        record: dict[str, Any]
        try:
            record = json.loads(out_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            tail = err_file.read_text(encoding="utf-8", errors="replace")[-1500:]
            code = proc.returncode
            how = f"killed by signal {-code}" if code < 0 else f"exit code {code}"
            record = task.record(
                "timeout" if killed.is_set() else "crashed",
                (f"no result after {limit:.0f} s; " if killed.is_set() else "")
                + f"{how}; {tail.strip()}",
            )
    record.update(
        finished_utc=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        # Load average over the last minute when the run ended: above the
        # number of cores, the run shared its core with other work.
        load_avg=round(os.getloadavg()[0], 2),
        cores=os.cpu_count(),
        wall_s=round(wall, 3),
        cpu_s=round(usage.ru_utime + usage.ru_stime, 3),
        # ru_maxrss is in KiB on Linux.
        peak_mem_mb=round(usage.ru_maxrss / 1024, 1),
        host=os.uname().nodename,
    )
    return record


def _git(*args: str) -> str:
    root = Path(optimizer.__file__).resolve().parents[1]
    try:
        done = subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def machine() -> str:
    """Return the machine a sweep runs on: CPU model and cores (no host names or users)."""
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} cores, {platform.system()} {platform.release()}"


def provenance(command: str) -> dict[str, Any]:
    """Return what every record of a sweep states about how it was made.

    ``command`` is the command line as typed (what reproduces the run),
    ``commit`` the source's git commit (``+dirty`` with uncommitted changes,
    empty outside a checkout), ``machine`` the CPU and cores.
    """
    commit = _git("rev-parse", "--short=12", "HEAD")
    if commit and _git("status", "--porcelain", "--untracked-files=no", "--", "optimizer"):
        commit += "+dirty"
    return {"command": command, "commit": commit, "machine": machine()}


def read_records(path: Path) -> list[dict[str, Any]]:
    """Return the records of ``results.jsonl``, skipping a torn last line."""
    if not path.is_file():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            out.append(json.loads(line))
        except ValueError:
            continue  # a line cut short when a sweep was killed mid-write
    return out


def record_id(record: dict[str, Any]) -> str:
    """Return the task identity of a record."""
    return task_id(
        record["key"], record["engine"], record["seed"], record["settings"]["time_limit_s"]
    )


def pending(tasks: Sequence[Task], out_dir: Path, *, retry_failed: bool = False) -> list[Task]:
    """Return the tasks not yet recorded in ``out_dir/results.jsonl``."""
    done = {
        record_id(r)
        for r in read_records(out_dir / RESULTS)
        if not retry_failed or r.get("status") in ("ok", "unsupported")
    }
    return [t for t in tasks if t.id not in done]


def _append(path: Path, record: dict[str, Any]) -> None:
    # One writer (this process) and one line per write: lines never interleave.
    with path.open("a", encoding="utf-8") as f:
        f.write(json.dumps(record) + "\n")
        f.flush()
        os.fsync(f.fileno())


def run_tasks(
    tasks: Sequence[Task],
    out_dir: Path,
    *,
    jobs: int = 1,
    scheduler: str | None = None,
    on_record: Callable[[dict[str, Any]], None] | None = None,
    context: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """Run ``tasks``, appending each record to ``out_dir/results.jsonl`` as it finishes.

    Parameters
    ----------
    tasks
        The tasks to run (filter them with :func:`pending` to resume).
    out_dir
        Output folder, created if missing.
    jobs
        Processes run at once on this machine.
    scheduler
        Address of a Dask distributed scheduler; the tasks then run on its
        workers (each still in a fresh process) and ``jobs`` is ignored.
    on_record
        Called with each record as it is written.
    context
        Fields added to every record (the command, commit and machine: see
        :func:`provenance`).

    """
    out_dir.mkdir(parents=True, exist_ok=True)
    results = out_dir / RESULTS
    records: list[dict[str, Any]] = []
    for record in _records(tasks, jobs, scheduler):
        record.update(context or {})
        _append(results, record)
        records.append(record)
        if on_record is not None:
            on_record(record)
    return records


def _records(tasks: Sequence[Task], jobs: int, scheduler: str | None) -> Iterable[dict[str, Any]]:
    if not tasks:
        return
    if scheduler is not None:
        yield from _dask_records(tasks, scheduler)
        return
    if jobs < 1:
        raise ValueError(f"jobs must be >= 1, got {jobs}")
    # Threads only wait on child processes; the solving happens in the children.
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(run_isolated, t.to_json()) for t in tasks]
        for fut in as_completed(futures):
            yield fut.result()


def _dask_records(tasks: Sequence[Task], address: str) -> Iterable[dict[str, Any]]:
    from distributed import Client
    from distributed import as_completed as dask_completed

    with Client(address) as client:  # type: ignore[no-untyped-call]
        futures = {
            client.submit(run_isolated, t.to_json(), key=f"bench-{t.id}", pure=False): t
            for t in tasks
        }
        for fut in dask_completed(futures):  # type: ignore[no-untyped-call]
            task = futures[fut]
            try:
                record: dict[str, Any] = fut.result()
            except Exception as err:  # the worker itself died: record, do not lose
                record = task.record("crashed", f"Dask worker failed: {type(err).__name__}: {err}")
            yield record
