"""Vehicle colours: never repeated, far apart for a county's fleet, unlike the warning red."""

from __future__ import annotations

import itertools

from optimizer.maps.style import UNSERVED_STYLE, color_distance, vehicle_color


def test_sixty_vehicles_get_sixty_clearly_different_colours():
    """The first 60 vehicle colours are unique and pairwise at least 15 Delta-E apart."""
    colors = [vehicle_color(i) for i in range(60)]
    assert len(set(colors)) == 60
    closest = min(color_distance(a, b) for a, b in itertools.combinations(colors, 2))
    assert closest >= 15


def test_colours_do_not_repeat_for_hundreds_of_vehicles():
    """Even a 300-vehicle county has no two vehicles in the same colour."""
    colors = [vehicle_color(i) for i in range(300)]
    assert len(set(colors)) == 300


def test_vehicle_colours_stay_readable_and_unlike_unserved_red():
    """No vehicle colour is near white (unreadable) or near the unserved-stop red."""
    red = str(UNSERVED_STYLE["color"])
    for i in range(60):
        assert color_distance(vehicle_color(i), "#ffffff") > 35
        assert color_distance(vehicle_color(i), red) > 15
