"""Single-source assignment from the transportation LP: within capacity, optimal if the LP is."""

from __future__ import annotations

import itertools

import numpy as np

from optimizer.siting.local_search import assign_by_transport


def _brute_force(cost: np.ndarray, demand: np.ndarray, capacity: np.ndarray) -> float:
    best = np.inf
    n = cost.shape[1]
    for where in itertools.product(range(cost.shape[0]), repeat=n):
        load = np.bincount(where, weights=demand, minlength=cost.shape[0])
        if np.all(load <= capacity + 1e-9):
            best = min(best, float(cost[list(where), np.arange(n)].sum()))
    return float(best)


def test_unit_demands_get_the_optimal_assignment() -> None:
    """With unit demands the LP is integral, so the assignment equals the enumerated optimum."""
    rng = np.random.default_rng(7)
    for _ in range(5):
        cost = rng.uniform(1.0, 20.0, size=(3, 7)).round()
        demand = np.ones(7)
        capacity = np.array([3.0, 2.0, 4.0])
        where = assign_by_transport(cost, demand, capacity, np.arange(3))
        assert where is not None
        assert np.all(np.bincount(where, weights=demand, minlength=3) <= capacity)
        got = float(cost[where, np.arange(7)].sum())
        assert abs(got - _brute_force(cost, demand, capacity)) < 1e-6


def test_uneven_demands_stay_within_capacity_or_give_none() -> None:
    """Rounded plans never overload a facility; demand beyond the total capacity gives no plan."""
    rng = np.random.default_rng(3)
    cost = rng.uniform(1.0, 9.0, size=(3, 8))
    demand = rng.uniform(1.0, 3.0, size=8)
    capacity = np.array([np.inf, 4.0, 4.0])
    where = assign_by_transport(cost, demand, capacity, np.arange(3))
    assert where is not None
    assert np.all(np.bincount(where, weights=demand, minlength=3) <= capacity + 1e-9)
    assert assign_by_transport(cost, demand, np.array([1.0, 1.0, 1.0]), np.arange(3)) is None
