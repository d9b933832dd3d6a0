"""One conformance suite over every routing engine: same instances, same checker."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from optimizer import evaluate
from optimizer.distances import great_circle_matrix
from optimizer.model import (
    Break,
    Instance,
    Site,
    SiteKind,
    Stop,
    Stream,
    TimeWindow,
    VehicleType,
)
from optimizer.routing.params import RoutingParams
from optimizer.routing.solve import solve

ENGINES = ["ortools", "pyvrp", "auto"]
H = 3600


@st.composite
def solvable_instances(draw: st.DrawFn) -> Instance:
    """Draw a small county day that some plan serves completely."""
    seed = draw(st.integers(0, 2**31 - 1))
    rng = np.random.default_rng(seed)
    n = draw(st.integers(3, 12))
    with_break = draw(st.booleans())
    with_limits = draw(st.booleans())
    two_types = draw(st.booleans())
    sites = [
        Site("D", "depot", SiteKind.DEPOT, 34.82, 114.82),
        Site(
            "T",
            "transfer",
            SiteKind.TRANSFER,
            34.83,
            114.80,
            streams=frozenset({Stream.OTHER, Stream.KITCHEN}),
            hours=TimeWindow(4 * H, 20 * H),
            unload_s=int(rng.integers(0, 900)),
        ),
        Site(
            "P",
            "kitchen plant",
            SiteKind.COMPOSTING,
            34.80,
            114.86,
            streams=frozenset({Stream.KITCHEN}),
            hours=TimeWindow(6 * H, 16 * H),
            unload_s=300,
        ),
    ]
    stops = []
    for i in range(n):
        stream = Stream.KITCHEN if two_types and i % 3 == 0 else Stream.OTHER
        window = None
        if rng.random() < 0.3:
            start = int(rng.integers(6 * H, 9 * H))
            window = TimeWindow(start, start + 2 * H)
        stops.append(
            Stop(
                f"S{i}",
                f"stop {i}",
                34.82 + float(rng.uniform(-0.03, 0.03)),
                114.82 + float(rng.uniform(-0.03, 0.03)),
                stream,
                float(rng.integers(50, 900)),
                demand_m3=float(rng.uniform(0.0, 2.0)),
                service_s=int(rng.integers(0, 300)),
                window=window,
            )
        )
    shift = TimeWindow(5 * H, 15 * H)
    brk = Break(TimeWindow(10 * H, 11 * H), 1800) if with_break else None
    types = [
        VehicleType(
            "C",
            3,
            "D",
            frozenset({Stream.OTHER}),
            capacity_kg=float(rng.integers(1000, 3000)),
            capacity_m3=8.0,
            shift=shift,
            break_=brk,
            max_stops=8 if with_limits else None,
            max_load_kg_per_day=5000.0 if with_limits else None,
            fixed_cost=100.0,
            cost_per_km=3.0,
            cost_per_h=40.0,
        )
    ]
    if two_types:
        types.append(
            VehicleType(
                "K",
                2,
                "D",
                frozenset({Stream.KITCHEN}),
                capacity_kg=1500.0,
                shift=shift,
                break_=brk,
                speed_factor=0.8,
                fixed_cost=80.0,
                cost_per_km=2.0,
                cost_per_h=35.0,
            )
        )
    points = [(s.id, s.lat, s.lon) for s in sites] + [(s.id, s.lat, s.lon) for s in stops]
    return Instance("random", tuple(stops), tuple(sites), tuple(types), great_circle_matrix(points))


@pytest.mark.parametrize("engine", ENGINES)
@settings(
    max_examples=8,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(instance=solvable_instances(), objective=st.sampled_from(["distance", "time", "cost"]))
def test_engine_result_passes_the_independent_checker(
    engine: str, instance: Instance, objective: str
) -> None:
    """Every engine serves every stop, breaks no rule, and reports the checker's objective."""
    params = RoutingParams(
        objective=objective, engine=engine, time_limit_s=60.0, solution_limit=30, seed=1
    )
    result = solve(instance, params=params)
    assert evaluate.check(instance, result) == []
    assert not result.unserved, result.settings
    served = sorted(s for r in result.routes for s in r.stops)
    assert served == sorted(s.id for s in instance.stops)
    recomputed = evaluate.objective_value(evaluate.recompute(instance, result).routes, objective)
    # Engines work on integers: metres rounded and seconds rounded up per arc.
    arcs = sum(len(r.visits) for r in result.routes)
    tol = {"distance": 0.5 * arcs, "time": 1.0 * arcs, "cost": 0.01 * arcs + 1e-6}[objective]
    assert recomputed == pytest.approx(result.objective_value, abs=tol)
