"""Hypothesis strategies for random *valid* county workbooks, and a judge of what the CLI did.

Unlike :mod:`tests.strategies` (arbitrary values for reader round trips), a
county drawn here is one a sanitation office could bring: every stream it
names has a carrier and a facility, demands fit a truck, windows meet a
shift. Within that, it covers what the workbook contract allows
(``optimizer/io/README.md``): 1-5 streams including medical; single- and
multi-stream vehicle types; 1-3 depots; facility hours and stream sets
(sometimes a stream taken only by one far facility); wide, tight and
break-overlapping stop windows; breaks, shifts, stop and daily load limits,
electric range, speed factors, volumes, release times, ``frequency_per_week``;
candidate stations with build options; with or without a ``matrix``; WGS-84
or GCJ-02; English or Chinese headers; CSV in UTF-8 or GBK, or ``.xlsx``.

:func:`judge` runs one CLI command on a written county in-process and says
whether the outcome keeps the promise of issue 12: exit 0 with a plan that the
independent checker accepts and that serves or explains every stop, or exit
2/3 with a message, never a traceback. ``benchmarks/robustness/campaign.py``
uses both.
"""

from __future__ import annotations

import dataclasses
import json
import math
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from hypothesis import strategies as st

from optimizer.coords import wgs84_to_gcj02
from optimizer.distances import great_circle_matrix
from optimizer.model import (
    Break,
    BuildOption,
    Fuel,
    Instance,
    Site,
    SiteKind,
    Stop,
    Stream,
    TimeWindow,
    TravelMatrix,
    VehicleType,
)
from optimizer.model import check as check_instance

H = 3600
_NAMES = "东西南北中新老李王张刘陈村镇街小区路口菜场学校医院"
# Facility kind receiving each stream (a transfer station may take several).
_KIND_OF = {
    Stream.KITCHEN: SiteKind.COMPOSTING,
    Stream.RECYCLABLE: SiteKind.RECYCLING,
    Stream.HAZARDOUS: SiteKind.HAZARDOUS,
    Stream.OTHER: SiteKind.INCINERATOR,
    Stream.MEDICAL: SiteKind.MEDICAL,
}


@dataclass(frozen=True)
class Form:
    """How a county is written: file format, header language, encoding, datum, matrix."""

    fmt: str  # "csv" or "xlsx"
    lang: str  # "en" or "zh"
    encoding: str  # "utf-8-sig" or "gbk" (CSV only)
    coord_sys: str  # "wgs84" or "gcj02"
    matrix: bool


@dataclass(frozen=True)
class County:
    """A valid county instance (WGS-84 inside) and the form to write it in."""

    instance: Instance
    form: Form

    def write(self, folder: Path) -> Path:
        """Write the county under ``folder``; return the workbook path to pass to the CLI."""
        return write_county(self.instance, self.form, folder)


def _offset(draw: st.DrawFn, lat: float, lon: float, km: float) -> tuple[float, float]:
    """Draw a point within ``km`` of (lat, lon), rounded as a user would type it."""
    dy = draw(st.floats(-km, km)) / 111.0
    dx = draw(st.floats(-km, km)) / (111.0 * math.cos(math.radians(lat)))
    return round(lat + dy, 5), round(lon + dx, 5)


def _name(draw: st.DrawFn) -> str:
    return "".join(draw(st.lists(st.sampled_from(_NAMES), min_size=2, max_size=4)))


def _clock(draw: st.DrawFn, lo: int, hi: int, step: int = 15 * 60) -> int:
    """Draw a time of day in [lo, hi] on a ``step`` grid (a user types whole minutes)."""
    return draw(st.integers(lo // step, max(lo // step, hi // step))) * step


@st.composite
def forms(draw: st.DrawFn) -> Form:
    """Draw how the workbook is written."""
    fmt = draw(st.sampled_from(["csv", "csv", "xlsx"]))
    return Form(
        fmt=fmt,
        lang=draw(st.sampled_from(["en", "zh"])),
        encoding=draw(st.sampled_from(["utf-8-sig", "gbk"])) if fmt == "csv" else "xlsx",
        coord_sys=draw(st.sampled_from(["wgs84", "gcj02"])),
        matrix=draw(st.booleans()),
    )


@st.composite
def _facilities(draw: st.DrawFn, streams: list[Stream], lat: float, lon: float) -> list[Site]:
    """Draw facilities so that every stream has at least one; maybe one far-only stream."""
    out: list[Site] = []
    uncovered = set(streams)
    far = draw(st.none() | st.sampled_from(streams))
    n_extra = draw(st.integers(0, 2))
    groups: list[frozenset[Stream]] = []
    for _ in range(n_extra):
        near = [s for s in streams if s != far] or streams
        groups.append(frozenset(draw(st.sets(st.sampled_from(near), min_size=1, max_size=3))))
    for s in sorted(uncovered - set().union(*groups)) if groups else sorted(uncovered):
        groups.append(frozenset({s}))
    for k, group in enumerate(groups):
        only_far = (
            far is not None
            and group == frozenset({far})
            and far not in set().union(*(g for g in groups if g is not group))
        )
        kind = SiteKind.TRANSFER if len(group) > 1 else _KIND_OF[next(iter(group))]
        hours = draw(
            st.sampled_from(
                [None, TimeWindow(5 * H, 20 * H), TimeWindow(0, 24 * H), TimeWindow(9 * H, 17 * H)]
            )
        )
        if draw(st.integers(0, 9)) == 0:
            open_ = _clock(draw, 4 * H, 14 * H)
            hours = TimeWindow(open_, open_ + _clock(draw, 2 * H, 10 * H))
        flat, flon = _offset(draw, lat, lon, 60.0 if only_far else 12.0)
        out.append(
            Site(
                id=f"F{k + 1}",
                name=_name(draw) + "处理厂",
                kind=kind,
                lat=flat,
                lon=flon,
                streams=group,
                hours=hours,
                unload_s=draw(st.sampled_from([0, 5, 10, 20])) * 60,
                capacity_kg_per_day=draw(st.none() | st.sampled_from([50_000.0, 300_000.0])),
            )
        )
    return out


@st.composite
def _candidates(draw: st.DrawFn, streams: list[Stream], lat: float, lon: float) -> list[Site]:
    """Draw 0-2 candidate transfer stations with build options (for ``site``/``plan``)."""
    out = []
    for k in range(draw(st.integers(0, 2))):
        clat, clon = _offset(draw, lat, lon, 10.0)
        options = (
            BuildOption("S", 60_000.0, 2_000_000.0, 100_000.0),
            BuildOption("L", 200_000.0, 5_000_000.0, 250_000.0),
        )
        out.append(
            Site(
                id=f"C{k + 1}",
                name=_name(draw) + "转运站",
                kind=SiteKind.TRANSFER,
                lat=clat,
                lon=clon,
                streams=frozenset(draw(st.sets(st.sampled_from(streams), min_size=1))),
                hours=draw(st.sampled_from([None, TimeWindow(5 * H, 20 * H)])),
                unload_s=600,
                candidate=True,
                build_options=options[: draw(st.integers(1, 2))],
            )
        )
    return out


@st.composite
def _vehicle_types(draw: st.DrawFn, streams: list[Stream], depots: list[str]) -> list[VehicleType]:
    """Draw 1-4 vehicle types, single- or multi-stream, so that every stream has a carrier."""
    carried: list[frozenset[Stream]] = []
    for _ in range(draw(st.integers(1, 4))):
        carried.append(frozenset(draw(st.sets(st.sampled_from(streams), min_size=1, max_size=3))))
    for s in streams:
        if not any(s in c for c in carried):
            carried.append(frozenset({s}))
    out = []
    for k, group in enumerate(carried):
        fuel = draw(st.sampled_from(list(Fuel)))
        # Mostly day shifts; sometimes a night shift running past midnight (26:00).
        night = draw(st.integers(0, 7)) == 0
        start = _clock(draw, 20 * H, 22 * H) if night else _clock(draw, 4 * H, 8 * H)
        end = start + _clock(draw, 5 * H, 10 * H)
        brk = None
        if draw(st.booleans()):
            b0 = _clock(draw, start + H, end - 2 * H)
            b1 = min(b0 + _clock(draw, 0, 2 * H), end - H)
            brk = Break(TimeWindow(b0, b1), draw(st.sampled_from([20, 30, 45, 60])) * 60)
        cap = float(draw(st.sampled_from([1500, 3000, 5000, 8000, 12000])))
        out.append(
            VehicleType(
                id=f"V{k + 1}",
                count=draw(st.integers(1, 3)),
                depot=draw(st.sampled_from(depots)),
                streams=group,
                capacity_kg=cap,
                capacity_m3=draw(st.none() | st.sampled_from([6.0, 12.0, 20.0])),
                fuel=fuel,
                range_m=(
                    draw(st.none() | st.sampled_from([60_000.0, 120_000.0, 250_000.0]))
                    if fuel is Fuel.ELECTRIC
                    else None
                ),
                shift=TimeWindow(start, end),
                break_=brk,
                max_stops=draw(st.none() | st.integers(3, 25) | st.just(1)),
                max_load_kg_per_day=draw(st.none() | st.sampled_from([cap, 1.5 * cap, 3 * cap])),
                max_duration_s=draw(st.none() | st.sampled_from([6 * H, 8 * H])),
                fixed_cost=float(draw(st.sampled_from([0, 200, 400]))),
                cost_per_km=float(draw(st.sampled_from([0.0, 1.5, 3.0]))),
                cost_per_h=float(draw(st.sampled_from([0.0, 60.0]))),
                speed_factor=draw(st.sampled_from([1.0, 1.0, 0.7, 1.2])),
                name=draw(st.sampled_from(["", "8t compactor", "电动压缩车"])),
            )
        )
    return out


@st.composite
def _stop(
    draw: st.DrawFn, k: int, streams: list[Stream], types: list[VehicleType], lat: float, lon: float
) -> Stop:
    """Draw a stop whose demand fits a carrier and whose window meets a carrier's shift."""
    stream = draw(st.sampled_from(streams))
    carriers = [vt for vt in types if stream in vt.streams]
    vt = draw(st.sampled_from(carriers))
    cap = max(c.capacity_kg for c in carriers)
    slat, slon = _offset(draw, lat, lon, draw(st.sampled_from([3.0, 8.0, 15.0])))
    kind = draw(st.sampled_from(["none", "none", "wide", "tight", "break"]))
    shift = vt.shift
    window: TimeWindow | None = None
    if kind == "wide":
        window = TimeWindow(shift.start, shift.end)
    elif kind == "tight":
        t0 = _clock(draw, shift.start, shift.end - H)
        window = TimeWindow(t0, t0 + draw(st.sampled_from([30, 60])) * 60)
    elif kind == "break" and vt.break_ is not None:
        b = vt.break_.window
        window = TimeWindow(max(shift.start, b.start - 30 * 60), b.end + 30 * 60)
    m3_caps = [c.capacity_m3 for c in carriers]
    vol = 0.0
    if draw(st.booleans()):
        vol = round(draw(st.floats(0.1, 3.0)), 2)
        if all(c is not None for c in m3_caps):
            vol = min(vol, max(c for c in m3_caps if c is not None))
    return Stop(
        id=f"S{k + 1}",
        name=_name(draw),
        lat=slat,
        lon=slon,
        stream=stream,
        demand_kg=float(min(cap, draw(st.sampled_from([20, 80, 150, 400, 900, 2000, 0])))),
        demand_m3=vol,
        service_s=draw(st.sampled_from([0, 2, 5, 10])) * 60,
        window=window,
        frequency_per_week=draw(st.sampled_from([7, 7, 7, 1, 2, 3, 14])),
        release_s=draw(st.sampled_from([0, 0, 0, 6 * H])),
        area=draw(st.sampled_from(["", "urban", "village", "城关镇"])),
    )


@st.composite
def county_instances(draw: st.DrawFn, *, min_stops: int = 5, max_stops: int = 30) -> Instance:
    """Draw a valid county instance (WGS-84 coordinates, great-circle travel)."""
    lat = round(draw(st.floats(22.0, 40.0)), 3)
    lon = round(draw(st.floats(104.0, 120.0)), 3)
    streams = sorted(draw(st.sets(st.sampled_from(list(Stream)), min_size=1, max_size=5)))
    depots = []
    for k in range(draw(st.integers(1, 3))):
        dlat, dlon = _offset(draw, lat, lon, 8.0)
        depots.append(Site(f"D{k + 1}", _name(draw) + "车场", SiteKind.DEPOT, dlat, dlon))
    facilities = draw(_facilities(streams, lat, lon))
    candidates = draw(_candidates(streams, lat, lon))
    types = draw(_vehicle_types(streams, [d.id for d in depots]))
    if draw(st.integers(0, 9)) == 0:
        # A type the county owns none of today (count 0) is allowed and ignored.
        types.append(dataclasses.replace(types[0], id=f"V{len(types) + 1}", count=0))
    n = draw(st.integers(min_stops, max_stops))
    stop_list = [draw(_stop(k, streams, types, lat, lon)) for k in range(n)]
    if draw(st.integers(0, 9)) == 0:
        # A stop at the very place of a depot or facility (zero travel).
        site = draw(st.sampled_from([*depots, *facilities]))
        stop_list[0] = dataclasses.replace(stop_list[0], lat=site.lat, lon=site.lon)
    sites = (*depots, *facilities, *candidates)
    meta = {"source": "county_gen"}
    speed = draw(st.sampled_from([None, 25.0, 35.0]))
    if speed is not None:
        meta["speed_kmh"] = repr(speed)
    points = [(s.id, s.lat, s.lon) for s in sites] + [(s.id, s.lat, s.lon) for s in stop_list]
    travel = great_circle_matrix(points, **({"speed_kmh": speed} if speed else {}))
    inst = Instance(
        name="county",
        stops=tuple(stop_list),
        sites=sites,
        vehicle_types=tuple(types),
        travel=travel,
        meta=meta,
    )
    check_instance(inst, strict=True)  # the generator's promise: valid by construction
    return inst


@st.composite
def counties(draw: st.DrawFn, *, min_stops: int = 5, max_stops: int = 30) -> County:
    """Draw a valid county and how to write it."""
    inst = draw(county_instances(min_stops=min_stops, max_stops=max_stops))
    form = draw(forms())
    if form.matrix:
        # A road matrix: great-circle stretched by 1.1-1.8 per pair, asymmetric.
        rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
        t = inst.travel
        factor = rng.uniform(1.1, 1.8, size=t.distance_m.shape)
        dist = np.round(t.distance_m * factor, 1)
        dur = np.round(t.duration_s * factor, 1)
        np.fill_diagonal(dist, 0.0)
        np.fill_diagonal(dur, 0.0)
        inst = dataclasses.replace(inst, travel=TravelMatrix(t.ids, dist, dur))
    return County(inst, form)


def write_county(instance: Instance, form: Form, folder: Path) -> Path:
    """Write ``instance`` in ``form`` under ``folder``; return the path of the workbook."""
    from optimizer.io.workbook import typed_cell, workbook_tables

    tables = workbook_tables(instance, lang="en")
    shown = workbook_tables(instance, lang=form.lang)  # type: ignore[arg-type]
    if form.coord_sys == "gcj02":
        for name in ("stops", "sites"):
            heads, rows = tables[name]
            i, j = heads.index("lat"), heads.index("lon")
            for row, out in zip(rows, shown[name][1], strict=True):
                glat, glon = wgs84_to_gcj02(float(row[i]), float(row[j]))
                out[i], out[j] = repr(round(float(glat), 6)), repr(round(float(glon), 6))
        shown["settings"][1].append(["coord_sys", "gcj02"])
    if not form.matrix:
        shown.pop("matrix", None)
        tables.pop("matrix", None)
    if form.fmt == "xlsx":
        import openpyxl

        from optimizer.io.columns import TABLE_ZH

        book = openpyxl.Workbook()
        book.remove(book.active)
        for name, (heads, rows) in shown.items():
            sheet = book.create_sheet(TABLE_ZH[name] if form.lang == "zh" else name)
            sheet.append(heads)
            canon = tables[name][0]
            for row in rows:
                sheet.append([typed_cell(name, h, c) for h, c in zip(canon, row, strict=True)])
        path = folder / "county.xlsx"
        book.save(path)
        return path
    path = folder / "county"
    path.mkdir(parents=True, exist_ok=True)
    import csv

    for name, (heads, rows) in shown.items():
        with open(path / f"{name}.csv", "w", encoding=form.encoding, newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(heads)
            w.writerows(rows)
    return path


def two_stream_van_county(n: int = 40, vans: int = 4) -> Instance:
    """Return recyclable and hazardous stops served by one kind of van that carries both.

    No facility takes both streams (the case of issue 12, point 4); ``n`` stops, ``vans`` vans.
    """
    sites = (
        Site("D", "车场", SiteKind.DEPOT, 30.000, 110.000),
        Site(
            "R",
            "分拣中心",
            SiteKind.RECYCLING,
            30.030,
            110.020,
            streams=frozenset({Stream.RECYCLABLE}),
            unload_s=600,
        ),
        Site(
            "Z",
            "有害垃圾暂存",
            SiteKind.HAZARDOUS,
            29.980,
            110.030,
            streams=frozenset({Stream.HAZARDOUS}),
            unload_s=600,
        ),
    )
    stops = tuple(
        Stop(
            f"S{k:02d}",
            f"点{k}",
            30.0 + 0.003 * (k % 7),
            110.0 + 0.004 * (k // 7),
            Stream.HAZARDOUS if k % 4 == 0 else Stream.RECYCLABLE,
            60.0,
            service_s=120,
        )
        for k in range(n)
    )
    van = VehicleType(
        "VAN",
        vans,
        "D",
        frozenset({Stream.RECYCLABLE, Stream.HAZARDOUS}),
        capacity_kg=1000.0,
        fuel=Fuel.DIESEL,
        shift=TimeWindow(6 * H, 14 * H),
        cost_per_km=2.0,
    )
    points = [(s.id, s.lat, s.lon) for s in (*sites, *stops)]
    return Instance("vans", stops, sites, (van,), great_circle_matrix(points))


# -- judging a CLI run ---------------------------------------------------------

#: Commands judged: ``route:ENGINE``, ``site`` and ``plan`` through the CLI;
#: ``lib:ENGINE`` through the library (see :func:`judge`).
COMMANDS = ("route:ortools", "route:pyvrp", "route:auto", "site", "plan")
LIB_COMMANDS = ("lib:ortools", "lib:pyvrp", "lib:auto")
# Search limits of the library runs: robustness, not plan quality, is judged,
# so a few solutions (or half a second on a busy machine) are enough.
LIB_SOLUTIONS = 5
LIB_TIME_S = 0.5


@dataclass(frozen=True)
class Verdict:
    """What one command did on one county and whether that keeps the promise."""

    command: str
    exit_code: int
    ok: bool
    why: str  # empty when ok
    seconds: float


def cli_args(command: str, workbook: Path, out: Path) -> list[str]:
    """Return the CLI arguments of ``command`` ("route:ENGINE", "site" or "plan"), kept fast."""
    if command.startswith("route:"):
        engine = command.split(":", 1)[1]
        return [
            "route", str(workbook), "--out", str(out), "--engine", engine,
            "--solution-limit", "10", "--time-limit", "1", "--quiet", "--seed", "1",
        ]  # fmt: skip
    if command == "site":
        return ["site", str(workbook), "--out", str(out), "--time-limit", "5"]
    return [
        "plan", str(workbook), "--out", str(out), "--time-limit", "5",
        "--route-time-limit", "0.3",
    ]  # fmt: skip


def _check_route_output(workbook: Path, out: Path) -> str:
    """Re-check solution.json against the workbook read afresh; return the first problem."""
    from optimizer.evaluate import check
    from optimizer.io.load import read_instance
    from optimizer.io.solution import read_solution_json

    instance = read_instance(workbook)
    result = read_solution_json(out / "solution.json")
    violations = check(instance, result)
    if violations:
        return f"checker: {violations[0]}"
    for u in result.unserved:
        if not str(u.reason).strip():
            return f"stop {u.stop} unserved without a reason"
    return ""


def _check_plan_output(workbook: Path, out: Path) -> str:
    """Check that every stop is served once or explained across the plan's sites."""
    from optimizer.io.load import read_instance
    from optimizer.io.solution import read_solution_json
    from optimizer.routing.result import VisitKind

    instance = read_instance(workbook)
    seen: dict[str, int] = {}
    for sol in sorted((out / "routing").glob("*/solution.json")):
        result = read_solution_json(sol)
        for r in result.routes:
            for v in r.visits:
                if v.kind is VisitKind.STOP:
                    seen[v.location] = seen.get(v.location, 0) + 1
        for u in result.unserved:
            seen[u.stop] = seen.get(u.stop, 0) + 1
    twice = [s for s, n in seen.items() if n > 1]
    if twice:
        return f"stop {twice[0]} served or listed more than once across sites"
    unknown = [s for s in seen if s not in {st_.id for st_ in instance.stops}]
    if unknown:
        return f"plan names unknown stop {unknown[0]}"
    siting = out / "siting" / "siting.json"
    if not siting.exists():
        return "plan wrote no siting/siting.json"
    return ""


def _judge_library(command: str, workbook: Path) -> tuple[int, str]:
    """Read, check and solve through the library as ``route`` does, without writing outputs.

    Returns the exit code the command would give and the problem found (empty if none).
    """
    from optimizer.evaluate import check
    from optimizer.io.errors import InputError
    from optimizer.io.load import read_instance
    from optimizer.model import InstanceError
    from optimizer.routing.params import RoutingParams
    from optimizer.routing.solve import solve

    try:
        instance = read_instance(workbook)
        check_instance(instance, strict=True)
    except (InputError, InstanceError) as exc:
        return 2, "" if str(exc).strip() else "input rejected without a message"
    params = RoutingParams(
        time_limit_s=LIB_TIME_S,
        solution_limit=LIB_SOLUTIONS,
        seed=1,
        engine=command.split(":", 1)[1],
    )
    result = solve(instance, params=params)
    violations = check(instance, result)
    if violations:
        return 4, f"checker: {violations[0]}"
    for u in result.unserved:
        if not str(u.reason).strip():
            return 0, f"stop {u.stop} unserved without a reason"
    return (3 if not result.routes and instance.stops else 0), ""


def judge(command: str, workbook: Path, out: Path, *, valid: bool = True) -> Verdict:
    """Run ``command`` on ``workbook`` in-process and judge the outcome (see module doc).

    ``lib:ENGINE`` runs what ``route --engine ENGINE`` runs (read, check,
    solve, independent check) without writing route sheets and maps, which
    cost most of a small county's time; the other commands go through the CLI.
    ``valid``: the workbook is valid by construction, so exit 2 (bad input)
    means the reader refused what the writer wrote, a failure.
    """
    import time

    from click.testing import CliRunner

    from optimizer.cli import main

    t0 = time.perf_counter()
    if command.startswith("lib:"):
        try:
            code, why = _judge_library(command, workbook)
        except Exception as exc:
            tb = traceback.format_exception(exc)
            where = tb[-2].strip().splitlines()[0] if len(tb) >= 2 else ""
            code, why = 1, f"exception: {type(exc).__name__}: {exc} at {where}"
        if valid and code == 2 and not why:
            why = "a valid county was rejected as bad input"
        return Verdict(command, code, not why, why, time.perf_counter() - t0)
    res = CliRunner().invoke(main, cli_args(command, workbook, out), catch_exceptions=True)
    code = res.exit_code
    text = res.output + (res.stderr if res.stderr_bytes is not None else "")
    why = ""
    if res.exception is not None and not isinstance(res.exception, SystemExit):
        exc = res.exception
        tb = traceback.format_exception(exc)
        where = tb[-2].strip().splitlines()[0] if len(tb) >= 2 else ""
        why = f"exception: {type(exc).__name__}: {exc} at {where}"
    elif "Traceback" in text:
        why = "traceback printed"
    elif code == 0:
        try:
            if command.startswith("route:"):
                why = _check_route_output(workbook, out)
            elif command == "site":
                why = "" if (out / "siting.json").exists() else "site wrote no siting.json"
            else:
                why = _check_plan_output(workbook, out)
        except Exception as exc:
            why = f"output unreadable: {type(exc).__name__}: {exc}"
    elif code in (2, 3):
        if not text.strip():
            why = f"exit {code} without a message"
        elif valid and code == 2:
            why = f"a valid county was rejected as bad input: {text.strip().splitlines()[0]}"
    else:
        why = f"exit {code}: {text.strip().splitlines()[-1] if text.strip() else ''}"
    return Verdict(command, code, not why, why, time.perf_counter() - t0)


def describe(county: County) -> dict[str, Any]:
    """Return a short JSON-able description of a county (for campaign records)."""
    inst = county.instance
    return {
        "stops": len(inst.stops),
        "streams": sorted({s.stream.value for s in inst.stops}),
        "types": [
            "+".join(sorted(s.value for s in vt.streams)) + f"x{vt.count}"
            for vt in inst.vehicle_types
        ],
        "depots": sum(1 for s in inst.sites if s.kind is SiteKind.DEPOT),
        "form": json.loads(json.dumps(county.form.__dict__)),
    }
