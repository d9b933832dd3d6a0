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

    Only arcs the vehicle is on while the break window is open are tried (an
    earlier arc would mean idling until the window opens). Returns the route
    without a break if it needs none, and the route without a break (which
    the checker then reports) if no arc works.
    """
    seq = [x for x in sequence if x[0] is not VisitKind.BREAK]
    plain = simulate_route(instance, name, vehicle_type, seq, departure_s)
    brk = vehicle_type.break_
    if brk is None or not check_route(instance, plain):
        return plain
    visits = plain.visits
    arcs = [
        p
        for p in range(len(seq) - 1)
        if visits[p].departure_s <= brk.window.end and visits[p + 1].arrival_s >= brk.window.start
    ]
    best: Route | None = None
    for arc in arcs:
        trial = [*seq[: arc + 1], (VisitKind.BREAK, seq[arc][1]), *seq[arc + 1 :]]
        route = simulate_route(instance, name, vehicle_type, trial, departure_s)
        if check_route(instance, route):
            continue
        if best is None or route.visits[-1].arrival_s < best.visits[-1].arrival_s:
            best = route
        else:
            break  # later arcs only push the day further out
    return best if best is not None else plain


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
        if check_route(instance, trial) or trial.duration_s >= best.duration_s:
            break
        best = trial
    return best
