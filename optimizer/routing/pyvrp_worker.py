"""Run PyVRP searches in a worker process that is ended if a search does not stop.

PyVRP 0.14's local search can loop without end on some problems (found by
the generated-county campaign, class #9 in ``benchmarks/robustness/README.md``;
upstream issue PyVRP#1045 reports the same symptom). The loop is inside C++
code, so neither the stopping criterion nor Ctrl-C can end it from Python.
Searches therefore run in a forked child process:

- progress (each better cost) comes back through a pipe and reaches the
  caller's ``on_solution`` in this process;
- Ctrl-C in this process sets a shared flag the child's stopping criterion
  polls, so the child returns its best solution at the next iteration (a
  stuck child is then ended after its grace, not after its time limit);
- the child stamps its own CPU time into shared memory at every call of the
  stopping criterion (once per iteration). Once the search's time limit has
  passed, a child that has burnt ``grace`` CPU seconds without a stamp is
  stuck and is killed; the caller gets :class:`Ended` and plans otherwise.
  Counting the child's CPU time, not wall time, keeps a child that a busy
  machine merely starves from being taken for a stuck one.

A search whose job pickles (``keep=True``) goes to one long-lived worker
per process, which receives the job through the pipe and waits for the
next after answering; it is forked again only after a search was ended.
Forking a child for each search cost 14.4 ms a search on PVRP-IF's days of
10-35 visits, against 2.3 ms for the search itself
(benchmarks/periodic/README.md); sending the job costs about
``pickle`` of the problem data there and back (0.4 ms at 30 clients,
5 ms at 300, 180 ms at 2,100), so for big problems the caller forks a
child per search (``keep=False``: the job inherited, nothing pickled).

Where ``fork`` is not available, or this process is a daemonic pool worker
(which may not start children), the search runs in this process as before.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
import threading
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Protocol

import pyvrp

# CPU seconds a child may spend past its time limit without finishing an
# iteration: the largest of GRACE_MIN_S, GRACE_SHARE of its time limit and
# GRACE_ITERATIONS times its longest iteration so far. Before its first
# iteration (neighbourhoods and a first descent from a random start, about
# quadratic in the clients) GRACE_PER_CLIENT2_S per client squared is added.
# Measured on the demo county's 400-stop component (PyVRP 0.14.1): start
# 0.46 CPU s (2.9e-6 s per client squared), iterations 0.04 s on average and
# 0.22 s at most; see benchmarks/robustness/README.md (class #9).
GRACE_MIN_S = 1.0
GRACE_SHARE = 0.5
GRACE_ITERATIONS = 10
GRACE_PER_CLIENT2_S = 2.5e-5
POLL_S = 0.02  # how often the parent looks at the pipe, the flag and the clock


class SearchStop(Protocol):
    """The stopping criterion the engine passes (``pyvrp_engine._Stop``)."""

    on_solution: Callable[[float, int], None] | None
    interrupted: Callable[[], bool] | None
    best: float
    improvements: int
    iterations: int
    complete: bool
    was_interrupted: bool
    beat: Callable[[], None] | None  # called at every iteration (the worker's heartbeat)

    def __call__(self, best_cost: float) -> bool:
        """Return True to stop the search at this best cost."""


@dataclass(frozen=True)
class Ended:
    """A search that did not stop in time and was killed."""

    after_s: float  # wall seconds from its start to the kill


def _cpu_seconds(pid: int) -> float | None:
    """Return the CPU time (user + system) of process ``pid``, or None if unknown."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


_Job = tuple[Callable[[], pyvrp.Solution], SearchStop, bool]  # run, its stop, report progress


class _Shared:
    """What parent and child share besides the pipe: heartbeat, iteration times, Ctrl-C."""

    def __init__(self, ctx: Any) -> None:
        self.beat = ctx.Value("d", 0.0, lock=False)  # child CPU time at its last iteration
        self.calls = ctx.Value("q", 0, lock=False)  # iterations of the present search
        self.longest = ctx.Value("d", 0.0, lock=False)  # its longest iteration (CPU s)
        self.flag = ctx.Value("b", 0, lock=False)  # Ctrl-C: stop at the next iteration

    def reset(self) -> None:
        """Start the count of a new search (the child stamps ``beat`` when it begins)."""
        self.calls.value, self.longest.value, self.flag.value = 0, 0.0, 0


def _run_one(
    conn: Connection,
    run: Callable[[], pyvrp.Solution],
    stop: SearchStop,
    report: bool,
    shared: _Shared,
) -> None:
    """Run one search in the child: report progress, watch the flag, send the best solution.

    Progress goes to the parent only if it has a reporter (``report``): on
    PVRP-IF's short day searches each message wakes the parent.
    """
    stamp = time.process_time
    shared.beat.value = stamp()

    def forward(cost: float, improvements: int) -> None:
        if report:
            conn.send(("progress", cost, improvements))

    def stop_now() -> bool:
        return bool(shared.flag.value)

    def heartbeat() -> None:
        now = stamp()
        if shared.calls.value:
            shared.longest.value = max(shared.longest.value, now - shared.beat.value)
        shared.beat.value = now
        shared.calls.value += 1

    stop.on_solution = forward
    stop.interrupted = stop_now
    stop.beat = heartbeat
    try:
        best = run()
    except Exception as err:  # raised again in the parent, as without the worker
        try:
            conn.send(("error", err))
        except Exception:  # an exception that does not pickle: its text
            conn.send(("error", RuntimeError(f"PyVRP search failed: {type(err).__name__}: {err}")))
    else:
        conn.send(
            (
                "done",
                best,
                (stop.best, stop.improvements, stop.iterations, stop.complete),
                stop.was_interrupted,
            )
        )


def _child(
    conn: Connection,
    other: Connection,
    job: _Job | None,
    shared: _Shared,
) -> None:
    """Run ``job`` and end, or (without one) run the jobs the pipe brings (the worker)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides what Ctrl-C does
    other.close()  # the parent's end: its exit then ends ``recv`` below
    if job is not None:
        _run_one(conn, *job, shared)
        return
    while True:
        try:
            payload = conn.recv_bytes()
        except EOFError:  # the parent has gone
            return
        run, stop, report = pickle.loads(payload)  # from the parent only: the same program
        _run_one(conn, run, stop, report, shared)


class _Worker:
    """A forked child and its pipe."""

    def __init__(self, ctx: Any, job: _Job | None) -> None:
        self.shared = _Shared(ctx)
        self.conn, theirs = ctx.Pipe(duplex=True)
        self.proc = ctx.Process(
            target=_child, args=(theirs, self.conn, job, self.shared), daemon=True
        )
        with warnings.catch_warnings():
            # Python >= 3.12 warns that a fork of a threaded process may deadlock;
            # the child only runs PyVRP, which takes no lock another thread holds.
            warnings.simplefilter("ignore", DeprecationWarning)
            self.proc.start()
        theirs.close()

    def end(self) -> None:
        """Kill the child (if it still runs) and close the pipe."""
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join()
        self.conn.close()


_kept: _Worker | None = None  # the long-lived worker of this process (keep=True)
# Held while a search uses ``_kept``: a search from another thread meanwhile forks its own.
_kept_lock = threading.Lock()


def _forget_kept() -> None:
    """In a forked child: drop the parent's worker and close the child's copy of its pipe.

    The worker then sees its parent's exit (end of file) even while this
    child lives on.
    """
    global _kept, _kept_lock
    _kept_lock = threading.Lock()  # another thread of the parent may have held it
    if _kept is not None:
        _kept.conn.close()
        _kept = None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_kept)


def _kept_worker(ctx: Any) -> _Worker:
    """Return this process's long-lived worker, forking it if there is none yet."""
    global _kept
    if _kept is not None and not _kept.proc.is_alive():
        _kept.end()
        _kept = None
    if _kept is None:
        _kept = _Worker(ctx, None)
    return _kept


def _send(ctx: Any, run: Callable[[], pyvrp.Solution], stop: SearchStop) -> _Worker:
    """Send the search to this process's long-lived worker; return the worker."""
    global _kept
    interrupted, on_solution = stop.interrupted, stop.on_solution
    # The parent's callbacks do not travel: the child puts its own in their place.
    stop.interrupted = stop.on_solution = None
    try:
        payload = pickle.dumps((run, stop, on_solution is not None), pickle.HIGHEST_PROTOCOL)
    finally:
        stop.interrupted, stop.on_solution = interrupted, on_solution
    worker = _kept_worker(ctx)
    worker.shared.reset()
    try:
        worker.conn.send_bytes(payload)
    except BaseException:  # a job half sent: this worker cannot be trusted
        worker.end()
        _kept = None
        raise
    return worker


def search(
    run: Callable[[], pyvrp.Solution],
    stop: SearchStop,
    *,
    num_clients: int,
    limit_s: float,
    keep: bool = False,
) -> pyvrp.Solution | Ended:
    """Return the best solution ``run`` finds, or :class:`Ended` if the search was stuck.

    ``run`` is a PyVRP search whose stopping criterion is ``stop``;
    ``limit_s`` bounds it (``stop`` enforces it); the worker is only ended
    once it has passed and the child has burnt its grace (see the module
    docstring) without finishing an iteration. ``stop`` keeps its progress
    (best cost, improvements, iterations, interruption) as if the search
    had run here. With ``keep`` the search goes to this process's
    long-lived worker: ``run`` and ``stop`` must pickle (``run`` may refer
    to ``stop``: they travel together).
    """
    try:
        ctx = multiprocessing.get_context("fork")
    except ValueError:
        ctx = None
    # Without fork (Windows), or inside a daemonic worker (multiprocessing.Pool),
    # which may not have children: search here, unguarded.
    if ctx is None or multiprocessing.current_process().daemon:
        return run()
    t0 = time.perf_counter()
    lock = _kept_lock
    if keep and not lock.acquire(blocking=False):
        keep = False  # another thread is using the kept worker
    if keep:
        try:
            worker = _send(ctx, run, stop)
        except BaseException:
            lock.release()
            raise
    else:
        worker = _Worker(ctx, (run, stop, stop.on_solution is not None))
    shared = worker.shared
    deadline = t0 + limit_s
    start_s = GRACE_PER_CLIENT2_S * num_clients**2
    finished = False
    try:
        while True:
            if worker.conn.poll(POLL_S):
                try:
                    message = worker.conn.recv()
                except EOFError:  # the child died without a word
                    return Ended(time.perf_counter() - t0)
                if message[0] == "progress":
                    if stop.on_solution is not None:
                        stop.on_solution(message[1], message[2])
                    continue
                finished = True
                if message[0] == "error":
                    raise message[1]
                _, best, progress, stop.was_interrupted = message
                stop.best, stop.improvements, stop.iterations, stop.complete = progress
                return best  # type: ignore[no-any-return]
            now = time.perf_counter()
            if stop.interrupted is not None and not shared.flag.value and stop.interrupted():
                shared.flag.value = 1
                deadline = min(deadline, now)  # a stuck child must not outlast Ctrl-C
            past = now - deadline
            if past <= 0:
                continue
            # After Ctrl-C the time limit no longer buys grace.
            share = 0.0 if shared.flag.value else GRACE_SHARE * limit_s
            allowed = max(GRACE_MIN_S, share, GRACE_ITERATIONS * shared.longest.value)
            if not shared.calls.value:
                allowed += start_s
            pid = worker.proc.pid
            cpu = _cpu_seconds(pid) if pid is not None else None
            # CPU burnt since the last iteration ended; without /proc, wall time past the limit.
            stuck = cpu - shared.beat.value if cpu is not None else past
            if stuck > allowed:
                return Ended(time.perf_counter() - t0)
    finally:
        # A kept worker that answered waits for the next search; any other is ended.
        if not (keep and finished):
            worker.end()
            if keep:
                global _kept
                _kept = None
        if keep:
            lock.release()
