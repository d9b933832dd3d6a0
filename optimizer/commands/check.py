"""``countyopt check``: validate a county workbook and summarise what it holds."""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path

import click
import numpy as np

from optimizer.commands.common import EXIT_INPUT, lang_of, reports_input_errors
from optimizer.coords import in_china
from optimizer.i18n import Lang, tr
from optimizer.io.columns import FUEL_ZH
from optimizer.io.load import read_instance
from optimizer.model import SITE_KIND_ZH, STREAM_ZH, Instance, Site, Stop, Stream
from optimizer.model import check as check_instance


def _stream_name(stream: Stream, lang: Lang) -> str:
    return tr(lang, stream.value, STREAM_ZH[stream])


def _table(rows: list[list[str]]) -> list[str]:
    # Width by display cells: a CJK character takes two columns in a terminal.
    def width(text: str) -> int:
        return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)

    widths = [max(width(r[k]) for r in rows) for k in range(len(rows[0]))]
    return [
        "  " + "  ".join(c + " " * (w - width(c)) for c, w in zip(r, widths, strict=True)).rstrip()
        for r in rows
    ]


def summary_lines(instance: Instance, lang: Lang) -> list[str]:
    """Return the summary of ``instance``: stops, sites, demand and fleet against demand."""
    out = [
        tr(lang, f"Instance {instance.name!r}", f"实例 {instance.name!r}"),
        tr(
            lang,
            f"{len(instance.stops)} stops, {len(instance.sites)} sites, "
            f"{instance.num_vehicles} vehicles in {len(instance.vehicle_types)} types",
            f"收集点 {len(instance.stops)} 个，设施 {len(instance.sites)} 个，"
            f"车辆 {instance.num_vehicles} 辆（{len(instance.vehicle_types)} 种车型）",
        ),
    ]
    areas = Counter(s.area or tr(lang, "(none)", "（未填）") for s in instance.stops)
    if len(areas) > 1 or "" not in {s.area for s in instance.stops}:
        out.append(tr(lang, "Stops by area:", "按区域的收集点："))
        out += _table([[a, str(n)] for a, n in sorted(areas.items())])
    kinds = Counter(s.kind for s in instance.sites)
    out.append(tr(lang, "Sites by kind:", "按类型的设施："))
    out += _table([[tr(lang, k.value, SITE_KIND_ZH[k]), str(n)] for k, n in sorted(kinds.items())])
    out.append(tr(lang, "Fleet:", "车队："))
    out += _table(
        [
            [
                tr(lang, "type", "车型"),
                tr(lang, "count", "数量"),
                tr(lang, "capacity_t", "载重_吨"),
                tr(lang, "fuel", "燃料"),
                tr(lang, "streams", "收运类别"),
            ]
        ]
        + [
            [
                v.id,
                str(v.count),
                f"{v.capacity_kg / 1000:g}",
                tr(lang, v.fuel.value, FUEL_ZH[v.fuel]),
                ", ".join(_stream_name(s, lang) for s in sorted(v.streams, key=list(Stream).index)),
            ]
            for v in instance.vehicle_types
        ]
    )
    out.append(
        tr(
            lang,
            "Demand per collection day against the fleet (a type carrying several streams "
            "counts for each):",
            "每个收运日的垃圾量与车队能力（可收多类垃圾的车型在每一类中都计入）：",
        )
    )
    rows = [
        [
            tr(lang, "stream", "类别"),
            tr(lang, "stops", "点位数"),
            tr(lang, "demand_t", "垃圾量_吨"),
            tr(lang, "vehicles", "可用车辆"),
            tr(lang, "one_trip_each_t", "每车一趟_吨"),
            tr(lang, "full_loads_needed", "需满载车次"),
        ]
    ]
    for stream in Stream:
        stops = [s for s in instance.stops if s.stream is stream]
        if not stops:
            continue
        demand = sum(s.demand_kg for s in stops)
        carriers = [v for v in instance.vehicle_types if stream in v.streams and v.count > 0]
        vehicles = sum(v.count for v in carriers)
        one_trip = sum(v.count * v.capacity_kg for v in carriers)
        biggest = max((v.capacity_kg for v in carriers), default=0.0)
        loads = str(math.ceil(demand / biggest)) if biggest > 0 else "-"
        rows.append(
            [
                _stream_name(stream, lang),
                str(len(stops)),
                f"{demand / 1000:.3f}",
                str(vehicles),
                f"{one_trip / 1000:.3f}",
                loads,
            ]
        )
    out += _table(rows)
    return out


def outside_china(instance: Instance) -> list[str]:
    """Return the ids of stops and sites outside China's bounding box (WGS-84 only)."""
    if instance.coord_sys != "wgs84":
        return []
    records: list[Site | Stop] = [*instance.sites, *instance.stops]
    inside = in_china(np.array([r.lat for r in records]), np.array([r.lon for r in records]))
    return [r.id for r, ok in zip(records, inside, strict=True) if not ok]


@click.command("check")
@click.argument("workbook", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--coord-sys",
    type=click.Choice(["wgs84", "gcj02"]),
    default=None,
    help="Datum of the coordinates (GCJ-02 from Chinese web maps is converted to WGS-84); "
    "overrides the workbook's coord_sys setting.",
)
@click.pass_context
@reports_input_errors
def check_command(ctx: click.Context, workbook: Path, coord_sys: str | None) -> None:
    """Validate WORKBOOK (folder, .xlsx, .json or .geojson) and summarise it.

    Exit code 0 when the county is ready to plan, 2 when the input has problems
    (every one listed with file, row and column).
    """
    lang = lang_of(ctx)
    instance = read_instance(workbook, coord_sys=coord_sys)
    far = outside_china(instance)
    if far:
        shown = ", ".join(far[:10]) + (" …" if len(far) > 10 else "")
        click.echo(
            tr(
                lang,
                f"Warning: {len(far)} point(s) lie outside China: {shown} "
                "(check that lat and lon are not swapped)",
                f"警告：{len(far)} 个点位于中国范围以外：{shown}（请检查经纬度是否填反）",
            ),
            err=True,
        )
    for line in summary_lines(instance, lang):
        click.echo(line)
    problems = check_instance(instance)
    if problems:
        click.echo(
            tr(
                lang,
                f"The instance has {len(problems)} problem(s):",
                f"实例有 {len(problems)} 处问题：",
            ),
            err=True,
        )
        for p in problems:
            click.echo(f"  - {p.line(lang)}", err=True)
        ctx.exit(EXIT_INPUT)
    click.echo(tr(lang, "OK: ready to plan.", "检查通过，可以开始规划。"))
