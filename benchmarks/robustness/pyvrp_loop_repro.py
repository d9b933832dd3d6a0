"""A PyVRP 0.14.1 local search that never ends (robustness campaign class #9), from scratch.

The smallest problem the campaign's county reduced to (12 locations: a home
depot, a reload depot, 10 clients, and the virtual end depot our engine
adds; one vehicle). ``pyvrp.solve`` with ``MaxIterations(2000)`` returns
for seeds 0-3 when any one of these is removed, and loops inside
``LocalSearch.__call__`` (C++) otherwise: the release date of S18, the
vehicle's ``shift_duration``, a load that needs the reload, the vehicle's
latest end ``tw_late``. Arcs our engine forbids (``X``) may be 1e5 instead
of 1e9: it still loops. Material for an upstream report (see PyVRP#1045).

    python benchmarks/robustness/pyvrp_loop_repro.py          # ends: PyVRP in a worker, ended
    python benchmarks/robustness/pyvrp_loop_repro.py --bare   # never ends (Ctrl-C does not help)
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pyvrp
from pyvrp.stop import MaxIterations

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

X = 10**9  # an arc the route must not use
# Locations: 0 home, 1 reload depot, 2-11 clients, 12 the vehicle's end.
DISTANCE = [
    [0, 24425, 21887, 9450, 30074, 23398, 14818, 38412, 9424, 11913, 11425, 19453, X],
    [X, 0, 46309, 31305, 36550, 43995, 32238, 52811, 30318, 35703, 29109, 39605, 24425],
    [X, 46309, 0, 17252, 38756, 17342, 22018, 35738, 18719, 12047, 22155, 17626, 70734],
    [X, 31305, 17252, 0, 24479, 13991, 6967, 29512, 1492, 12901, 5261, 10005, 55730],
    [X, 36550, 38756, 24479, 0, 23509, 17676, 18910, 23247, 37380, 19618, 21382, 60975],
    [X, 43995, 17342, 13991, 23509, 0, 11963, 18681, 14391, 22133, 14886, 4390, 68420],
    [X, 32238, 22018, 6967, 17676, 11963, 0, 23668, 5982, 19792, 3617, 7662, 56663],
    [X, 52811, 35738, 29512, 18910, 18681, 23668, 0, 29111, 40296, 27234, 20464, 77236],
    [X, 30318, 18719, 1492, 23247, 14391, 5982, 29111, 0, 14171, 3825, 10211, 54743],
    [X, 35703, 12047, 12901, 37380, 22133, 19792, 40296, 14171, 0, 17936, 19854, 60128],
    [X, 29109, 22155, 5261, 19618, 14886, 3617, 27234, 3825, 17936, 0, 10497, 53534],
    [X, 39605, 17626, 10005, 21382, 4390, 7662, 20464, 10211, 19854, 10497, 0, 64030],
    [X, X, X, X, X, X, X, X, X, X, X, X, 0],
]
DURATION = [
    [0, 2931, 2627, 1134, 3609, 2808, 1779, 4610, 1131, 1430, 1371, 2335, X],
    [X, 0, 5558, 3757, 4386, 5280, 3869, 6338, 3639, 4285, 3494, 4753, 2931],
    [X, 5558, 0, 2071, 4651, 2081, 2643, 4289, 2247, 1446, 2659, 2116, 9089],
    [X, 3757, 2071, 0, 2938, 1679, 837, 3542, 180, 1549, 632, 1201, 7288],
    [X, 4386, 4651, 2938, 0, 2822, 2122, 2270, 2790, 4486, 2355, 2566, 7917],
    [X, 5280, 2081, 1679, 2822, 0, 1436, 2242, 1727, 2657, 1787, 527, 8811],
    [X, 3869, 2643, 837, 2122, 1436, 0, 2841, 718, 2375, 435, 920, 7400],
    [X, 6338, 4289, 3542, 2270, 2242, 2841, 0, 3494, 4836, 3269, 2456, 9869],
    [X, 3639, 2247, 180, 2790, 1727, 718, 3494, 0, 1701, 460, 1226, 7170],
    [X, 4285, 1446, 1549, 4486, 2657, 2375, 4836, 1701, 0, 2153, 2383, 7816],
    [X, 3494, 2659, 632, 2355, 1787, 435, 3269, 460, 2153, 0, 1260, 7025],
    [X, 4753, 2116, 1201, 2566, 527, 920, 2456, 1226, 2383, 1260, 0, 8284],
    [X, X, X, X, X, X, X, X, X, X, X, X, 0],
]
# (name, load in grams, release time in s)
CLIENTS = [
    ("S2", 1, 0),
    ("S3", 2000000, 0),
    ("S7", 1, 0),
    ("S11", 1, 0),
    ("S12", 150000, 0),
    ("S14", 1, 0),
    ("S16", 1, 0),
    ("S18", 1, 21600),
    ("S19", 1, 0),
    ("S20", 900000, 0),
]


def problem() -> pyvrp.ProblemData:
    """Return the looping problem."""
    m = pyvrp.Model()
    locs = [m.add_location(x=0, y=0) for _ in range(len(DISTANCE))]
    home = m.add_depot(locs[0], name="home")
    reload = m.add_depot(locs[1], name="reload")
    end = m.add_depot(locs[12], name="end")
    for k, (name, load, release) in enumerate(CLIENTS):
        m.add_client(locs[2 + k], pickup=[load], release_time=release, name=name)
    m.add_vehicle_type(
        capacity=[3000000],
        start_depot=home,
        end_depot=end,
        tw_late=42300,
        shift_duration=19800,
        reload_depots=[reload],
    )
    data = m.data()
    return data.replace(
        distance_matrices=[np.array(DISTANCE, dtype=np.int64)],
        duration_matrices=[np.array(DURATION, dtype=np.int64)],
    )


def main() -> int:
    """Solve seeds 0-3; with --bare in this process, else in the guarded worker."""
    from optimizer.routing.pyvrp_worker import Ended, search

    class Stop:
        def __init__(self) -> None:
            self.limit = MaxIterations(2000)
            self.on_solution = None
            self.interrupted = None
            self.best = float("inf")
            self.improvements = 0
            self.iterations = 0
            self.complete = False
            self.was_interrupted = False
            self.beat = None

        def __call__(self, best_cost: float) -> bool:
            if self.beat is not None:
                self.beat()
            return bool(self.limit(best_cost))

    data = problem()
    for seed in range(4):
        if "--bare" in sys.argv:
            res = pyvrp.solve(data, stop=MaxIterations(2000), seed=seed, collect_stats=False)
            print(f"seed {seed}: ended normally, cost {res.cost()}")
            continue
        stop = Stop()
        found = search(
            lambda s=seed, st=stop: pyvrp.solve(data, stop=st, seed=s, collect_stats=False).best,
            stop,
            num_clients=data.num_clients,
            limit_s=0.0,
        )
        print(
            f"seed {seed}:", "stuck, worker ended" if isinstance(found, Ended) else "ended normally"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
