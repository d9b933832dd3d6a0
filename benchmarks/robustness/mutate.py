"""Mutation campaign for the county workbook readers: read and check only, never solve.

Each case takes a valid base workbook (``tests/data/workbook/good``,
``chinese_headers`` or the first rows of ``instances/demo_county``), writes it
as a CSV folder or an .xlsx file after one to three random mutations from
``tests/io/workbook_mutations.py``, and runs ``countyopt check`` on it
in-process (a workbook the reader refuses goes through the command every
``--cli-every``-th case; otherwise its problems are judged directly). A case
fails if anything but exit 0 or exit 2 with a complete report comes out,
if it takes longer than ``MAX_SECONDS`` of CPU, or if a cell it surely
broke is not named. Every ``--commands-every``-th workbook
the reader refuses is also given to ``route`` and ``site``, which must exit 2
and write nothing. One zip bomb runs first. Memory is capped (``--max-gb``)
so a memory bomb fails the case instead of the machine.

Usage (figures in README.md, "Reader fuzzing")::

    nice -n 15 python benchmarks/robustness/mutate.py --count 60000 --until 06:35 --seed 1
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import resource
import shutil
import signal
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from types import FrameType

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "io")]

import workbook_mutations as wm  # noqa: E402

#: Base workbooks and how often each is drawn; the demo county is cut to its
#: first rows except now and then, to keep a case near 50 ms.
BASES = (("good", None, 4), ("chinese_headers", None, 3), ("demo_county", 30, 3))
FULL_DEMO_EVERY = 200
#: Share of cases written as .xlsx: writing one takes ten times a CSV folder.
XLSX_SHARE = 0.35


class CaseTimeout(Exception):
    """A case ran past its wall-clock alarm."""


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise CaseTimeout


def draw_case(rng: random.Random, index: int, slow_every: int) -> wm.Book:
    """Return the mutated book of case ``index``."""
    names = [b[0] for b in BASES]
    name = rng.choices(names, weights=[b[2] for b in BASES])[0]
    cut = dict((b[0], b[1]) for b in BASES)[name]
    if name == "demo_county" and index % FULL_DEMO_EVERY == 0:
        cut = None
    fmt = "xlsx" if rng.random() < XLSX_SHARE else "csv"
    book = wm.base_book(name, fmt, max_rows=cut)
    ops = rng.choices(sorted(wm.MUTATIONS), k=rng.randint(1, 3))
    if slow_every and index % slow_every == slow_every - 1:
        ops.append("many_rows")
    book.labels.append(f"base:{name}:{fmt}:{cut}")
    return wm.mutate(book, rng, ops)


def run_case(book: wm.Book, lang: str, commands: bool, cli: bool, work: Path) -> wm.Outcome:
    """Write and judge one book in a fresh folder under ``work``."""
    work.mkdir(parents=True, exist_ok=True)  # a cleaner of /tmp must not fail every case
    folder = Path(tempfile.mkdtemp(dir=work))
    try:
        path = wm.write_book(book, folder)
        return wm.check_book(path, book, lang=lang, commands=commands, cli=cli)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def keep_example(book: wm.Book, failure: str, out: Path, k: int) -> None:
    """Write a failing book and what happened to ``out/failures/k``."""
    folder = out / "failures" / str(k)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    try:
        wm.write_book(book, folder)
    except Exception as exc:  # the writer itself may be what failed
        failure += f" (writing: {type(exc).__name__})"
    (folder / "case.json").write_text(
        json.dumps({"failure": failure, "labels": book.labels}, ensure_ascii=False, indent=1),
        encoding="utf-8",
    )


def zip_bomb_case(work: Path) -> tuple[str, float]:
    """Run the zip bomb (2 GB of sheet XML in a few MB) and return (failure, CPU seconds)."""
    book = wm.base_book("good", "xlsx")
    book.zip_edits.append(lambda data: wm.zip_bomb(data, inflated=2 * 1024**3))
    folder = Path(tempfile.mkdtemp(dir=work))
    try:
        path = wm.write_book(book, folder)
        outcome = wm.check_book(path, book, commands=True)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if not outcome.failure and outcome.exit_code != 2:
        return f"zip bomb accepted (exit {outcome.exit_code})", outcome.seconds
    return outcome.failure, outcome.seconds


def main() -> int:
    """Run the campaign and print a JSON summary."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=50_000, help="most cases to run")
    parser.add_argument("--until", default="", help="stop at this UTC time, HH:MM")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--commands-every", type=int, default=20)
    parser.add_argument(
        "--cli-every", type=int, default=5, help="refused workbooks also through `check`"
    )
    parser.add_argument("--slow-every", type=int, default=2000, help="100,000-row cases")
    parser.add_argument("--max-gb", type=float, default=4.0, help="address-space cap")
    parser.add_argument("--case-timeout", type=int, default=120, help="wall seconds per case")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "runs" / "mutate")
    args = parser.parse_args()

    cap = int(args.max_gb * 2**30)
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    signal.signal(signal.SIGALRM, _alarm)
    deadline = None
    if args.until:
        hh, mm = (int(x) for x in args.until.split(":"))
        now = dt.datetime.now(dt.UTC)
        deadline = now.replace(hour=hh, minute=mm, second=0, microsecond=0)
    args.out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="countyopt-mutate-"))
    counts: Counter[str] = Counter()
    exits: Counter[str] = Counter()
    failures: dict[str, dict[str, object]] = {}
    cpu = Counter[str]()
    slowest = (0.0, "")
    start = time.time()
    bomb_failure, bomb_s = zip_bomb_case(work)
    summary_bomb = {"failure": bomb_failure, "cpu_s": round(bomb_s, 2)}
    done = 0
    try:
        for index in range(args.count):
            if deadline is not None and dt.datetime.now(dt.UTC) >= deadline:
                break
            rng = random.Random(args.seed * 10_000_000 + index)
            lang = rng.choice(["en", "zh"])
            commands = index % args.commands_every == 0
            book = wm.Book({}, "csv", labels=["base:none:csv:None"])
            signal.alarm(args.case_timeout)
            try:
                book = draw_case(rng, index, args.slow_every)
                cli = commands or index % args.cli_every == 0
                outcome = run_case(book, lang, commands, cli, work)
            except CaseTimeout:
                outcome = wm.Outcome(-1, float(args.case_timeout), "wall-clock timeout")
            except MemoryError:
                outcome = wm.Outcome(-1, 0.0, "MemoryError")
            except Exception as exc:  # a failure of the harness is a finding too
                outcome = wm.Outcome(-1, 0.0, f"harness: {type(exc).__name__}: {exc}"[:300])
            finally:
                signal.alarm(0)
            done += 1
            fmt = book.labels[0].split(":")[2]
            for label in book.labels[1:]:
                counts[label.split(":")[0]] += 1
            counts[f"format:{fmt}"] += 1
            exits[str(outcome.exit_code)] += 1
            cpu[fmt] += outcome.seconds
            if outcome.seconds > slowest[0]:
                slowest = (outcome.seconds, ";".join(book.labels))
            if outcome.failure:
                key = outcome.failure.split(":")[0][:80]
                entry = failures.setdefault(key, {"count": 0, "first": index})
                entry["count"] = int(str(entry["count"])) + 1
                if entry["count"] == 1:
                    entry["example"] = {"failure": outcome.failure, "labels": book.labels}
                    keep_example(book, outcome.failure, args.out, index)
            if done % 1000 == 0:
                print(
                    f"{done} cases, {sum(int(str(f['count'])) for f in failures.values())} "
                    f"failures, {time.time() - start:.0f} s",
                    file=sys.stderr,
                    flush=True,
                )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    summary = {
        "cases": done,
        "seed": args.seed,
        "wall_s": round(time.time() - start, 1),
        "cpu_s_by_format": {k: round(v, 1) for k, v in cpu.items()},
        "exit_codes": dict(exits),
        "mutations": dict(sorted(counts.items())),
        "zip_bomb": summary_bomb,
        "slowest_case": {"cpu_s": round(slowest[0], 2), "labels": slowest[1]},
        "failures": failures,
    }
    text = json.dumps(summary, ensure_ascii=False, indent=1)
    (args.out / "summary.json").write_text(text, encoding="utf-8")
    print(text)
    return 1 if failures or bomb_failure else 0


if __name__ == "__main__":
    raise SystemExit(main())
