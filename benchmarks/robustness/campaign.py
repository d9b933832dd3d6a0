"""Generated-county campaign: every command on random valid counties, in one process.

Draws counties with ``tests/county_gen.py`` (Hypothesis, seeded), writes each
one to a temporary folder, runs ``route`` with every engine, ``site`` and
``plan`` through click's CliRunner and judges each outcome
(:func:`tests.county_gen.judge`). One JSON line per county goes to
``RUNS/campaign-SEED.jsonl``; a county with a failure is kept in
``RUNS/failures/`` to be minimised, one where the engines disagree (one
plans, another exits 3) in ``RUNS/disagreements/``. Stops at ``--count`` counties or at the
``--until`` deadline (UTC ``HH:MM``), whichever comes first, and prints the
counts per command.

    nice -n 15 python benchmarks/robustness/campaign.py --count 10000 --until 06:40 --seed 1
"""

from __future__ import annotations

import argparse
import datetime as dt
import faulthandler
import json
import resource
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from hypothesis import HealthCheck, Phase, given, seed, settings  # noqa: E402

from tests.county_gen import (  # noqa: E402
    COMMANDS,
    LIB_COMMANDS,
    County,
    counties,
    describe,
    judge,
)

RUNS = ROOT / "benchmarks" / "runs" / "robustness"
COUNTY_WATCHDOG_S = 120.0


def _cpu_s() -> float:
    """Return CPU seconds of this process and its finished children (PyVRP's workers)."""
    own, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _deadline(until: str | None) -> float:
    if until is None:
        return float("inf")
    now = dt.datetime.now(dt.UTC)
    hh, mm = (int(x) for x in until.split(":"))
    end = now.replace(hour=hh, minute=mm, second=0, microsecond=0)
    if end <= now:
        end += dt.timedelta(days=1)
    return time.time() + (end - now).total_seconds()


def main(argv: list[str] | None = None) -> int:
    """Run the campaign; return 1 if any failure was found."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=100, help="counties to try at most")
    ap.add_argument("--until", help="stop starting counties after this UTC time (HH:MM)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument(
        "--cli-every",
        type=int,
        default=5,
        help="run route (every engine) and plan through the CLI on every N-th county; "
        "on the others run the engines through the library and site through the CLI",
    )
    ap.add_argument("--max-stops", type=int, default=30)
    ap.add_argument("--runs", type=Path, default=RUNS)
    ap.add_argument("--keep", action="store_true", help="keep every county, not only failures")
    ap.add_argument(
        "--replay", nargs="+", type=Path, help="run every command on these kept county folders"
    )
    ap.add_argument("--summary", type=Path, help="print the counts of a campaign JSONL file")
    args = ap.parse_args(argv)
    if args.summary:
        return summary(args.summary)
    if args.replay:
        return replay(args.replay)
    every = max(1, args.cli_every)
    cli_set = list(COMMANDS)
    lib_set = [*LIB_COMMANDS, "site"]
    commands = [*cli_set, *LIB_COMMANDS]
    end = _deadline(args.until)
    args.runs.mkdir(parents=True, exist_ok=True)
    (args.runs / "failures").mkdir(exist_ok=True)
    log = args.runs / f"campaign-{args.seed}.jsonl"
    tried: Counter[str] = Counter()
    codes: Counter[tuple[str, int]] = Counter()
    failed: Counter[str] = Counter()
    classes: Counter[str] = Counter()
    n = [0]
    t_start = time.time()
    cpu_start = _cpu_s()

    @settings(
        max_examples=args.count,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @seed(args.seed)
    @given(counties(max_stops=args.max_stops))
    def one(county: County) -> None:
        if time.time() > end:
            return
        k = n[0]
        n[0] += 1
        # A county still running after COUNTY_WATCHDOG_S (or past the deadline by
        # that much) ends the process with every thread's stack in the log: a
        # hang is a finding, and the run must end on time.
        faulthandler.dump_traceback_later(
            max(1.0, min(COUNTY_WATCHDOG_S, end + COUNTY_WATCHDOG_S - time.time())), exit=True
        )
        runs: list[dict[str, object]] = []
        record: dict[str, object] = {"county": k, **describe(county), "runs": runs}
        with tempfile.TemporaryDirectory(prefix="county-") as tmp:
            workbook = county.write(Path(tmp))
            for cmd in cli_set if k % every == 0 else lib_set:
                v = judge(cmd, workbook, Path(tmp) / f"out-{cmd.replace(':', '-')}")
                tried[cmd] += 1
                codes[(cmd, v.exit_code)] += 1
                runs.append(
                    {"cmd": cmd, "exit": v.exit_code, "s": round(v.seconds, 3), "why": v.why}
                )
                if not v.ok:
                    failed[cmd] += 1
                    classes[v.why.split(" at ")[0][:120]] += 1
            # Engines that disagree (one plans, another finds nothing) are no
            # failure, but worth a look: kept apart from the failures.
            engine_exits = {r["exit"] for r in runs if str(r["cmd"]).startswith(("lib:", "route:"))}
            folder = "failures" if any(r["why"] for r in runs) else None
            if folder is None and len(engine_exits) > 1:
                folder = "disagreements"
            if folder is None and args.keep:
                folder = "kept"
            if folder is not None:
                keep = args.runs / folder / f"s{args.seed}-c{k}"
                shutil.copytree(tmp, keep, ignore=shutil.ignore_patterns("out-*"))
        with log.open("a", encoding="utf-8") as f:
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
        if k % 25 == 0:
            print(f"{k} counties, {sum(failed.values())} failures", flush=True)

    one()
    faulthandler.cancel_dump_traceback_later()
    wall = time.time() - t_start
    cpu = _cpu_s() - cpu_start
    print(
        f"counties: {n[0]}  wall {wall:.0f} s  cpu {cpu:.0f} s  "
        f"({cpu / max(n[0], 1):.2f} s cpu each)"
    )
    for cmd in commands:
        exits = ", ".join(f"exit {c}: {m}" for (k2, c), m in sorted(codes.items()) if k2 == cmd)
        print(f"  {cmd:14s} tried {tried[cmd]:6d}  failures {failed[cmd]:4d}  ({exits})")
    for why, m in classes.most_common():
        print(f"  {m:5d} × {why}")
    return 1 if failed else 0


def summary(path: Path) -> int:
    """Print counties, runs, exit codes and failure classes per command from a JSONL log."""
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    tried: Counter[str] = Counter()
    codes: Counter[tuple[str, int]] = Counter()
    failed: Counter[str] = Counter()
    seconds: Counter[str] = Counter()
    classes: Counter[str] = Counter()
    for rec in records:
        for r in rec["runs"]:
            tried[r["cmd"]] += 1
            codes[(r["cmd"], r["exit"])] += 1
            seconds[r["cmd"]] += r["s"]
            if r["why"]:
                failed[r["cmd"]] += 1
                classes[r["why"].split(" at ")[0][:100]] += 1
    print(f"counties: {len(records)}")
    print("| command | runs | exit 0 | exit 2 | exit 3 | failures | mean wall s |")
    print("|---|---|---|---|---|---|---|")
    for cmd in sorted(tried):
        c = {k: m for (k2, k), m in codes.items() if k2 == cmd}
        print(
            f"| {cmd} | {tried[cmd]} | {c.get(0, 0)} | {c.get(2, 0)} | {c.get(3, 0)} "
            f"| {failed[cmd]} | {seconds[cmd] / tried[cmd]:.2f} |"
        )
    for why, m in classes.most_common():
        print(f"  {m} × {why}")
    return 1 if failed else 0


def replay(folders: list[Path]) -> int:
    """Run every command (CLI and library) on kept counties; print what fails."""
    bad = 0
    for folder in folders:
        workbook = next(p for p in sorted(folder.iterdir()) if p.name.startswith("county"))
        with tempfile.TemporaryDirectory(prefix="replay-") as tmp:
            for cmd in [*COMMANDS, *LIB_COMMANDS]:
                v = judge(cmd, workbook, Path(tmp) / f"out-{cmd.replace(':', '-')}")
                bad += not v.ok
                print(f"{folder.name} {cmd:14s} exit {v.exit_code} {v.seconds:6.2f} s {v.why}")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
