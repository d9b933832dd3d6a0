"""The local search over open facilities and size classes, on problems small enough to enumerate."""

from __future__ import annotations

import itertools

import numpy as np

from optimizer.siting.sized_search import SizedProblem, sized_search


def _two_stations(num_open: int | None = None) -> SizedProblem:
    # Facility 0: a plant that must stay open, unlimited, far from everyone.
    # Facilities 1 and 2: stations offered a small (2 units) and a large (4
    # units) class; the large one is cheaper per unit (economies of scale).
    inf = np.inf
    cost = np.array(
        [
            [30.0, 30.0, 30.0, 30.0],
            [0.0, 0.0, 1.0, 1.0],
            [1.0, 1.0, 0.0, 0.0],
        ]
    )
    return SizedProblem(
        cost=cost,
        demand=np.ones(4),
        fixed=[np.zeros(1), np.array([10.0, 11.0]), np.array([10.0, 11.0])],
        caps=[np.array([inf]), np.array([2.0, 4.0]), np.array([2.0, 4.0])],
        may=np.ones(3, dtype=bool),
        must=np.array([True, False, False]),
        num_open=num_open,
    )


def _brute_force(sp: SizedProblem) -> float:
    best = np.inf
    for b, c in itertools.product([-1, 0, 1], repeat=2):
        choice = np.array([0, b, c], dtype=np.int64)
        if sp.num_open is not None and int((choice >= 0).sum()) != sp.num_open:
            continue
        best = min(best, sp.price(choice)[0])
    return float(best)


def test_two_small_stations_become_one_large_one() -> None:
    """From two small stations the search opens the larger class at one and closes the other."""
    sp = _two_stations()
    choice, cost, where = sized_search(sp, np.array([0, 0, 0], dtype=np.int64))
    assert cost == _brute_force(sp) == 13.0  # 11 fixed + two customers at 1
    assert sorted(choice.tolist()[1:]) == [-1, 1]
    assert where is not None and sp.price(choice, where)[0] == cost


def test_a_fixed_number_of_sites_is_only_resized() -> None:
    """With the number of open sites fixed, the search changes sizes but never opens or closes."""
    sp = _two_stations(num_open=3)
    choice, cost, where = sized_search(sp, np.array([0, 0, 0], dtype=np.int64))
    assert (choice >= 0).all() and where is not None
    assert cost == _brute_force(sp) == 20.0


def test_customers_that_do_not_fit_give_no_plan() -> None:
    """A plan whose capacities cannot hold the demand is priced as impossible, not returned."""
    sp = _two_stations()
    tight = SizedProblem(
        sp.cost, sp.demand, sp.fixed, [np.array([1.0]), *sp.caps[1:]], sp.may, sp.must, None
    )
    assert tight.price(np.array([0, -1, -1], dtype=np.int64))[0] == np.inf
