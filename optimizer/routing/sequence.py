"""Repair planned visit sequences for engines that lack a rule: breaks, idle unloads."""

from __future__ import annotations

from collections.abc import Sequence

from optimizer.evaluate import check_route, simulate_route
from optimizer.model import Instance, Stream, VehicleType
from optimizer.routing.result import Route, VisitKind


def place_break(
    instance: Instance,
    name: str,
    vehicle_type: VehicleType,
    sequence: Sequence[tuple[VisitKind, str]],
    departure_s: float,
) -> Route:
    """Simulate a route with its break where the checker accepts it and the day ends first.

    The engines decide where a route can break (an unload inside the break
    window); this settles the exact arc of a given visit order, e.g. after
    routes were cut or built by a heuristic. Tried: the arcs the vehicle is
    on while the break window is open, leaving the depot or a facility
    unless the break may be taken loaded (see :class:`optimizer.model.Break`);
    among equal ends, the one with the shortest idle wait before the break.
    Returns the route without a break if it needs none, and the route
    without a break (which the checker then reports) if no arc works.
    """
    seq = [x for x in sequence if x[0] is not VisitKind.BREAK]
    plain = simulate_route(instance, name, vehicle_type, seq, departure_s)
    brk = vehicle_type.break_
    if brk is None or not check_route(instance, plain, metrics=False):
        return plain
    visits = plain.visits
    arcs = [
        p
        for p in range(len(seq) - 1)
        if visits[p].departure_s <= brk.window.end
        and visits[p + 1].arrival_s >= brk.window.start
        and (brk.loaded or seq[p][0] in (VisitKind.DEPOT, VisitKind.UNLOAD))
    ]
    best: Route | None = None
    best_key = (0.0, 0.0)
    for arc in arcs:
        trial = [*seq[: arc + 1], (VisitKind.BREAK, seq[arc][1]), *seq[arc + 1 :]]
        route = simulate_route(instance, name, vehicle_type, trial, departure_s)
        if check_route(instance, route, metrics=False):
            continue
        key = (route.visits[-1].arrival_s, idle_before_break(route))
        if best is None or key < best_key:
            best, best_key = route, key
        elif key[0] > best_key[0]:
            break  # later arcs only push the day further out
    if best is None and not brk.loaded:
        best = _unload_for_break(instance, name, vehicle_type, seq, plain)
    return best if best is not None else plain


def _unload_for_break(
    instance: Instance,
    name: str,
    vehicle_type: VehicleType,
    seq: list[tuple[VisitKind, str]],
    plain: Route,
) -> Route | None:
    """Return the route with an extra unload and the break after it that ends first, or None.

    The repair when no unload of the visit order falls where the break can
    be taken: on an arc the vehicle is on near the break window, it drives
    to a facility that takes all it carries, unloads and rests there.
    """
    brk = vehicle_type.break_
    assert brk is not None
    sites = [f for f in instance.unloading_sites if vehicle_type.streams <= f.streams]
    visits = plain.visits
    best: Route | None = None
    for arc in range(len(seq) - 1):
        if visits[arc].departure_s > brk.window.end:
            break
        if visits[arc + 1].arrival_s < brk.window.start - brk.duration_s:
            continue
        for site in sites:
            trial = drop_idle_unloads(
                instance,
                [
                    *seq[: arc + 1],
                    (VisitKind.UNLOAD, site.id),
                    (VisitKind.BREAK, site.id),
                    *seq[arc + 1 :],
                ],
            )
            # Leaving at the shift start may win the time the detour needs.
            for leave in {plain.visits[0].departure_s, float(vehicle_type.shift.start)}:
                route = simulate_route(instance, name, vehicle_type, trial, leave)
                if check_route(instance, route, metrics=False):
                    continue
                if best is None or route.visits[-1].arrival_s < best.visits[-1].arrival_s:
                    best = route
    return best


def idle_before_break(route: Route) -> float:
    """Return how long the crew of ``route`` waits before its break starts (s; 0 if none)."""
    for i, v in enumerate(route.visits):
        if v.kind is VisitKind.BREAK:
            return v.start_s - route.visits[i - 1].departure_s
    return 0.0


def loaded_breaks(route: Route) -> int:
    """Return how many breaks of ``route`` are taken with waste on board."""
    return sum(
        1
        for v in route.visits
        if v.kind is VisitKind.BREAK and (v.load_kg > 1e-6 or v.load_m3 > 1e-9)
    )


def drop_idle_unloads(
    instance: Instance, sequence: Sequence[tuple[VisitKind, str]]
) -> list[tuple[VisitKind, str]]:
    """Remove unloading visits with nothing on board that the facility takes.

    PyVRP may visit a reload depot at the start of a route or twice in a
    row; such a visit does nothing but cost time, and the checker refuses it.
    """
    out: list[tuple[VisitKind, str]] = []
    on_board: set[Stream] = set()
    for kind, loc in sequence:
        if kind is VisitKind.STOP:
            on_board.add(instance.stop(loc).stream)
        elif kind is VisitKind.UNLOAD:
            taken = on_board & instance.site(loc).streams
            if not taken:
                continue
            on_board -= taken
        out.append((kind, loc))
    return out


def checked_route(
    instance: Instance,
    name: str,
    vehicle_type: VehicleType,
    sequence: Sequence[tuple[VisitKind, str]],
    departure_s: float,
) -> Route | None:
    """Return the route driving ``sequence`` (idle unloads dropped, break placed), or None.

    None when the checker finds a broken rule.
    """
    seq = drop_idle_unloads(instance, sequence)
    route = place_break(instance, name, vehicle_type, seq, departure_s)
    return None if check_route(instance, route, metrics=False) else route


def leave_later(instance: Instance, route: Route) -> Route:
    """Return ``route`` leaving the depot as late as it can without breaking a rule.

    Engines that plan the last unload outside their model (PyVRP's virtual
    end) may let a truck leave early and wait at a facility that is not open
    yet; starting later removes that wait from the day.
    """
    vehicle_type = instance.vehicle_type(route.vehicle_type)
    sequence = [(v.kind, v.location) for v in route.visits]
    best = route
    for _ in range(8):
        wait = next(
            (v.start_s - v.arrival_s for v in best.visits[1:] if v.start_s - v.arrival_s > 0.5),
            0.0,
        )
        if wait <= 0:
            break
        departure = best.visits[0].departure_s + wait
        trial = simulate_route(instance, route.vehicle, vehicle_type, sequence, departure)
        if check_route(instance, trial, metrics=False) or trial.duration_s >= best.duration_s:
            break
        best = trial
    return best


def drop_unneeded_break(instance: Instance, route: Route) -> Route:
    """Return ``route`` without its break if the day needs none and ends no later without it.

    Engines that plan a break node for every vehicle may give one to a route
    that ends before the break window closes (or starts after a break would
    have ended); such a crew rests after its day instead.
    """
    if not any(v.kind is VisitKind.BREAK for v in route.visits):
        return route
    seq = [(v.kind, v.location) for v in route.visits if v.kind is not VisitKind.BREAK]
    vehicle_type = instance.vehicle_type(route.vehicle_type)
    plain = simulate_route(instance, route.vehicle, vehicle_type, seq, route.visits[0].departure_s)
    if (
        check_route(instance, plain, metrics=False)
        or plain.visits[-1].arrival_s > route.visits[-1].arrival_s
    ):
        return route
    return plain


def start_with_shift(instance: Instance, route: Route) -> Route:
    """Return ``route`` leaving at its shift start if the day is then no longer.

    An engine that rewards a break (PyVRP's markers) may start a short day
    late so that it reaches a facility inside the break window; done from
    the shift start, the same visits may need no break at all. The visit
    order is kept; the break is placed again (:func:`place_break`).
    """
    vehicle_type = instance.vehicle_type(route.vehicle_type)
    start = float(vehicle_type.shift.start)
    if vehicle_type.break_ is None or route.visits[0].departure_s <= start:
        return route  # without a break the engine's departure is already the best
    sequence = [(v.kind, v.location) for v in route.visits]
    early = place_break(instance, route.vehicle, vehicle_type, sequence, start)
    if check_route(instance, early, metrics=False) or early.duration_s > route.duration_s:
        return route
    return early
