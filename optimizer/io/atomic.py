"""Atomic writes: a reader never sees a half-written output file or folder.

A file is written to a temporary name in its own directory and renamed over
the target (``os.replace`` is atomic on one file system). A set of files is
written into a temporary folder next to the output folder and moved in only
once every file is complete.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path


def _umask() -> int:
    # os.umask can only be read by setting it; restore it at once.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path that replaces ``path`` when the block succeeds.

    The temporary file lives in the target's directory so that the final
    rename never crosses file systems. On an exception it is removed and
    ``path`` is left untouched.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        # mkstemp creates 0600 files; outputs should get the user's usual mode.
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_text_atomic(path: str | os.PathLike[str], text: str, *, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``path`` atomically."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding=encoding, newline="")


def write_folder_atomic(
    out_dir: str | os.PathLike[str], writers: Mapping[str, Callable[[Path], object]]
) -> list[Path]:
    """Write several files into ``out_dir``: all of them, or none.

    Parameters
    ----------
    out_dir
        The output folder; created if missing. Files in it that are not
        among ``writers`` are kept.
    writers
        File name -> function writing that file at the path it is given.

    Returns
    -------
    list[Path]
        The written files, in the order of ``writers``.

    """
    target = Path(out_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    # A sibling of the output folder: same file system, so the moves below are renames.
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    os.chmod(staging, 0o777 & ~_umask())
    moved = False
    try:
        for name, write in writers.items():
            write(staging / name)
        if not target.exists():
            os.replace(staging, target)
            moved = True
        else:
            for name in writers:
                os.replace(staging / name, target / name)
    finally:
        if not moved:
            shutil.rmtree(staging, ignore_errors=True)
    return [target / name for name in writers]
