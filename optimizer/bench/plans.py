"""The plans of a sweep: where each run's plan is written, which are kept, compression.

Every run writes its plan under ``OUT/plans/<folder>/<instance>/`` as
``<engine>_s<seed>_<limit>s`` plus the format's suffix: ``.sol`` (VRPLIB
solution, for instances read from VRPLIB files), ``.json`` (countyopt
``solution.json`` for other routing files), ``.siting.json`` (open
facilities and the assignment) or ``.carbon.json`` (objective, recomputed
cost, new capacities). The run's record names the file (``plan``).

``--keep`` bounds the disk used: ``all`` keeps every plan, ``best`` only
the best run's plan per instance (feasible first, then fewest vehicles where
the set ranks by vehicles, then the lowest objective), ``none`` none. Plans
larger than :data:`GZIP_ABOVE_BYTES` are gzipped (``.gz`` added).
"""

from __future__ import annotations

import gzip
import re
import shutil
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

KEEP_CHOICES = ("best", "all", "none")
PLANS = "plans"
GZIP_ABOVE_BYTES = 200_000


def plan_stem(key: str, engine: str, seed: int, time_limit_s: float) -> str:
    """Return the plan path of a run, relative to the output folder and without suffix."""
    folder, _, name = key.partition("/")
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", engine)
    stem = re.sub(r"\.(vrp|vrptw|txt|dat)$", "", name)
    return f"{PLANS}/{folder}/{stem}/{safe}_s{seed}_{float(time_limit_s):g}s"


def plan_file(out_dir: Path, record: dict[str, Any]) -> Path | None:
    """Return the plan file of ``record`` still on disk (gzipped or not), or None."""
    rel = record.get("plan")
    if not rel:
        return None
    for path in (out_dir / rel, out_dir / f"{rel}.gz"):
        if path.is_file():
            return path
    return None


def read_plan_text(path: Path) -> str:
    """Return the text of a plan file, gzipped or not."""
    if path.suffix == ".gz":
        with gzip.open(path, "rt", encoding="utf-8") as f:
            return f.read()
    return path.read_text(encoding="utf-8")


def rank(record: dict[str, Any]) -> tuple[int, float, float]:
    """Return the sort key of a run's plan: feasible, then vehicles (if ranked so), then cost."""
    vehicles = float(record.get("routes") or 0) if record.get("rank_by_vehicles") else 0.0
    objective = record.get("objective")
    return (
        0 if record.get("feasible") else 1,
        vehicles,
        float("inf") if objective is None else float(objective),
    )


def best_per_instance(records: Iterable[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Return the best run with a plan per instance key."""
    best: dict[str, dict[str, Any]] = {}
    for r in records:
        if not r.get("plan") or r.get("status") != "ok":
            continue
        held = best.get(r["key"])
        if held is None or rank(r) < rank(held):
            best[r["key"]] = r
    return best


def apply_keep(out_dir: Path, records: Sequence[dict[str, Any]], keep: str) -> list[Path]:
    """Delete the plans ``keep`` does not keep, gzip large ones; return the plans kept."""
    if keep not in KEEP_CHOICES:
        raise ValueError(f"keep must be one of {', '.join(KEEP_CHOICES)}, got {keep!r}")
    root = out_dir / PLANS
    if not root.is_dir():
        return []
    if keep == "all":
        wanted = [r for r in records if r.get("plan")]
    elif keep == "best":
        wanted = list(best_per_instance(records).values())
    else:
        wanted = []
    kept: set[Path] = set()
    for r in wanted:
        path = plan_file(out_dir, r)
        if path is not None:
            kept.add(_compressed(path).resolve())
    for path in sorted(root.rglob("*"), reverse=True):  # files before their folders
        if path.is_file() and path.resolve() not in kept:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    if root.is_dir() and not any(root.iterdir()):
        root.rmdir()
    return sorted(kept)


def _compressed(path: Path) -> Path:
    if path.suffix == ".gz" or path.stat().st_size <= GZIP_ABOVE_BYTES:
        return path
    target = path.with_name(path.name + ".gz")
    with (
        path.open("rb") as src,
        target.open("wb") as raw,
        gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0) as dst,
    ):
        shutil.copyfileobj(src, dst)
    path.unlink()
    return target
