"""Two plans of the same instance on one map, each vehicle a toggleable layer."""

from __future__ import annotations

from pathlib import Path

from optimizer.i18n import Lang, tr
from optimizer.maps.labels import esc
from optimizer.maps.page import finish, new_canvas, swatch
from optimizer.maps.routes import (
    THIN_DASHED,
    WIDE_SOLID,
    add_routes,
    add_unserved,
    plan_summary,
    require_plan_of,
    vehicles_legend,
)
from optimizer.maps.sites import add_sites
from optimizer.model import Instance
from optimizer.routing.result import RoutingResult


def render_compare(
    instance: Instance,
    a: RoutingResult,
    b: RoutingResult,
    path: str | Path,
    *,
    labels: tuple[str, str] = ("A", "B"),
    lang: Lang = "en",
    basemap: str | None = None,
    offline: bool = False,
    tianditu_key: str | None = None,
) -> Path:
    """Write a map showing plans ``a`` and ``b`` of ``instance`` as toggleable layers.

    Parameters
    ----------
    instance
        The instance both plans were made for.
    a, b
        The two plans, e.g. today's routes and the optimised ones.
    path
        The HTML file to write (atomically).
    labels
        Short names of the two plans (e.g. their file names), prefixed to
        their layers and totals. Plan ``a`` is drawn in wide solid lines,
        plan ``b`` in thin dashed lines over it.
    lang, basemap, offline, tianditu_key
        As for :func:`optimizer.maps.render_routes`.

    Returns
    -------
    Path
        The written file.

    """
    for label, result in zip(labels, (a, b), strict=True):
        require_plan_of(instance, result, what=f"plan {label!r}")
    title = tr(lang, f"Compare plans — {instance.name}", f"方案对比 — {instance.name}")
    canvas = new_canvas(
        instance,
        lang=lang,
        basemap=basemap,
        offline=offline,
        tianditu_key=tianditu_key,
        title=title,
    )
    # Unserved stops first, so that the routes are drawn over them.
    features = add_unserved(canvas, instance, a, label=f"{labels[0]} · ")
    features += add_unserved(canvas, instance, b, label=f"{labels[1]} · ")
    routed_a, keys_a = add_routes(
        canvas, instance, a, label=f"{labels[0]} · ", plan_style=WIDE_SOLID
    )
    features += routed_a
    more, keys_b = add_routes(
        canvas,
        instance,
        b,
        label=f"{labels[1]} · ",
        first_color=len(a.routes),
        plan_style=THIN_DASHED,
    )
    features += more
    features += add_sites(canvas, instance)
    delta_km = (b.distance_m - a.distance_m) / 1000
    delta_co2 = b.co2_kg - a.co2_kg
    delta = tr(
        lang,
        f"{labels[1]} − {labels[0]}: {delta_km:+,.1f} km, {delta_co2:+,.0f} kg CO2e, "
        f"{b.num_vehicles - a.num_vehicles:+d} vehicles",
        f"{labels[1]} − {labels[0]}：{delta_km:+,.1f} km，{delta_co2:+,.0f} kg CO2e，"
        f"车辆 {b.num_vehicles - a.num_vehicles:+d}",
    )
    styles = (
        swatch("#444", width=5),
        swatch("#444", dash=True),
    )
    legend = (
        "".join(
            f"<div>{key} {esc(plan_summary(lang, plan, label=label + ': '))}</div>"
            for key, label, plan in zip(styles, labels, (a, b), strict=True)
        )
        + f"<div><b>{esc(delta)}</b></div><hr>"
        + vehicles_legend(lang, keys_a, dashed=keys_b)
    )
    return finish(canvas, features, title=title, legend=legend, path=Path(path))
