"""Put each driver break where a crew can take it: empty, after unloading at a facility.

The engines place the break on any arc inside its window, so a crew may be
told to rest at a school gate with 3 t of waste on board, or to idle before
the break starts. The rule a dispatcher expects, and this module applies
after every engine: the break is taken on leaving a facility after
unloading (the truck is empty; the crew rests at the facility or on the
way), without an idle wait right before it, if the route stays feasible;
among such places the one that ends the day first. Where no empty place
fits (the window closes while the truck is out collecting), the engine's
placement stays and :func:`loaded_breaks` counts it for the summary.
"""

from __future__ import annotations

from optimizer.evaluate import check_route, simulate_route
from optimizer.model import Instance
from optimizer.routing.result import Route, VisitKind

#: An idle wait before a break shorter than this is not worth a move (s).
IDLE_TOLERANCE_S = 60.0


def is_crew_friendly(route: Route, position: int) -> bool:
    """Return whether the break at ``route.visits[position]`` is taken empty and without idling."""
    brk, before = route.visits[position], route.visits[position - 1]
    empty = brk.load_kg <= 1e-6 and brk.load_m3 <= 1e-9
    idle = _idle_before_break(route, position)
    # A break on leaving the depot at the start of the day is no break at all.
    return empty and before.kind is VisitKind.UNLOAD and idle < IDLE_TOLERANCE_S


def loaded_breaks(route: Route) -> int:
    """Return how many breaks of ``route`` are taken with waste on board."""
    return sum(
        1
        for v in route.visits
        if v.kind is VisitKind.BREAK and (v.load_kg > 1e-6 or v.load_m3 > 1e-9)
    )


def place_crew_break(instance: Instance, route: Route) -> Route:
    """Return ``route`` with its break moved to after an unload, if that keeps it feasible.

    Tries the break on every arc; keeps, among the places the checker
    accepts, the one that ends the day first on leaving a facility empty
    without an idle wait. If none fits and the engine's break
    is loaded and starts after an idle wait, a place without one is taken.
    Returns ``route`` unchanged when it has no break or its break is already
    crew-friendly.
    """
    positions = [i for i, v in enumerate(route.visits) if v.kind is VisitKind.BREAK]
    if len(positions) != 1 or is_crew_friendly(route, positions[0]):
        return route
    vt = instance.vehicle_type(route.vehicle_type)
    seq = [(v.kind, v.location) for v in route.visits if v.kind is not VisitKind.BREAK]
    plain = [v for v in route.visits if v.kind is not VisitKind.BREAK]
    departure = route.visits[0].departure_s
    best: Route | None = None
    unhurried: Route | None = None  # loaded, but without an idle wait first
    for arc in range(len(plain) - 1):
        trial_seq = [*seq[: arc + 1], (VisitKind.BREAK, seq[arc][1]), *seq[arc + 1 :]]
        trial = simulate_route(instance, route.vehicle, vt, trial_seq, departure)
        if check_route(instance, trial):
            continue
        end = trial.visits[-1].arrival_s
        if is_crew_friendly(trial, arc + 1):
            if best is None or end < best.visits[-1].arrival_s:
                best = trial
        elif _idle_before_break(trial, arc + 1) < IDLE_TOLERANCE_S and (
            unhurried is None or end < unhurried.visits[-1].arrival_s
        ):
            unhurried = trial
    if best is not None:
        return best
    # An idle wait before a break taken empty at a facility is a longer rest;
    # loaded at a customer's gate it is not, so only then is a move worth it.
    here = positions[0]
    if (
        unhurried is not None
        and loaded_breaks(route)
        and _idle_before_break(route, here) >= (IDLE_TOLERANCE_S)
    ):
        return unhurried
    return route


def _idle_before_break(route: Route, position: int) -> float:
    return route.visits[position].start_s - route.visits[position - 1].departure_s
