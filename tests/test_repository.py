"""Repository hygiene: the tracked tree holds only source, docs, tests, benchmark tables and data.

Run outputs (result folders, logs, pid files, solver dumps) committed by
accident make every clone heavier and confuse users about what is part of the
tool. The allowlist below says, by folder and suffix, what may be tracked;
anything else fails with the file named, so the author either removes it
(``git rm --cached``) or, for a genuinely new kind of file, extends the list.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path, PurePosixPath

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: Files allowed at the top level of the repository (source, docs and config).
TOP_LEVEL = frozenset(
    {
        "README.md",
        "LICENSE",
        "LICENSE.md",
        "CHANGELOG.md",
        "CONTRIBUTING.md",
        "pyproject.toml",
        "cli.py",
        ".gitignore",
        ".gitattributes",
        ".pre-commit-config.yaml",
    }
)

_SOURCE = frozenset({".py", ".pyi", ".typed", ".md"})
_TABLES = frozenset({".csv", ".md", ".jsonl", ".png", ".svg"})
_INSTANCE_DATA = frozenset(
    {".csv", ".xlsx", ".json", ".geojson", ".txt", ".vrp", ".sol", ".md", ".toml", ".yaml"}
)

#: (folder, suffixes allowed anywhere below it); the longest matching folder wins.
#: "" stands for a file without a suffix (e.g. the CI script ``.ci/run``).
ALLOWED: tuple[tuple[str, frozenset[str]], ...] = (
    (".ci", frozenset({"", ".sh", ".yml", ".yaml"})),
    (".github", frozenset({".yml", ".yaml", ".md"})),
    ("optimizer", _SOURCE),
    # Packaged defaults: emission factors, truck specs, prices (each with its source).
    ("optimizer/data", frozenset({".csv", ".toml", ".yaml", ".json", ".md"})),
    # Tests, and the small workbooks and benchmark files they read.
    ("tests", _SOURCE | _INSTANCE_DATA),
    # benchmark scripts, tables and the kept plans behind them (VRPLIB .sol, gzipped JSON)
    (
        "benchmarks",
        _SOURCE | _TABLES | frozenset({".json", ".toml", ".yaml", ".sh", ".sol", ".gz"}),
    ),
    ("instances", _INSTANCE_DATA),
    ("maps", frozenset({".md"})),
    ("maps/showcase", frozenset({".png", ".md"})),
)

#: No tracked file is bigger than this: data sets come from the shared store, not git.
MAX_BYTES = 2_000_000


def _rule(path: PurePosixPath) -> tuple[str, frozenset[str]] | None:
    best: tuple[str, frozenset[str]] | None = None
    for folder, suffixes in ALLOWED:
        if path.parts[: len(PurePosixPath(folder).parts)] == PurePosixPath(folder).parts and (
            best is None or len(folder) > len(best[0])
        ):
            best = (folder, suffixes)
    return best


def unexpected_files(paths: list[str]) -> list[str]:
    """Return one line per tracked path outside the allowlist, saying why."""
    out = []
    for name in paths:
        path = PurePosixPath(name)
        if len(path.parts) == 1:
            if name not in TOP_LEVEL:
                out.append(f"{name}: not one of the top-level files allowed (TOP_LEVEL)")
            continue
        rule = _rule(path)
        if rule is None:
            out.append(f"{name}: folder {path.parts[0]!r}/ is not one the repository tracks")
        elif path.suffix.lower() not in rule[1]:
            out.append(
                f"{name}: a {path.suffix or 'suffix-less'} file under {rule[0]}/ "
                f"(allowed there: {', '.join(sorted(s or '(none)' for s in rule[1]))})"
            )
    return out


def _tracked() -> list[str]:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    run = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=False, timeout=60
    )
    if run.returncode != 0:
        pytest.skip("not a git checkout")
    return [p for p in run.stdout.decode("utf-8").split("\0") if p]


def test_tracked_tree_holds_no_run_outputs() -> None:
    """Every tracked file is source, docs, a test, a benchmark table or instance data."""
    bad = unexpected_files(_tracked())
    assert not bad, (
        "Tracked files that look like run outputs or strays (git rm --cached them, "
        "or extend ALLOWED in tests/test_repository.py if they belong):\n  " + "\n  ".join(bad)
    )


def test_no_tracked_file_is_huge() -> None:
    """No tracked file exceeds 2 MB: big data and results stay out of the repository."""
    big = [
        f"{p} ({(ROOT / p).stat().st_size:,} bytes)"
        for p in _tracked()
        if (ROOT / p).is_file() and (ROOT / p).stat().st_size > MAX_BYTES
    ]
    assert not big, "Tracked files over 2 MB:\n  " + "\n  ".join(big)


def test_allowlist_names_the_stray_files_the_lead_removed() -> None:
    """The run outputs once committed at the top level (int2.out, int2.pid, s9/) are refused."""
    bad = unexpected_files(
        ["int2.out", "int2.pid", "s9/siting.json", "optimizer/x.log", "optimizer/io/cells.py"]
    )
    assert [line.split(":")[0] for line in bad] == [
        "int2.out",
        "int2.pid",
        "s9/siting.json",
        "optimizer/x.log",
    ]
