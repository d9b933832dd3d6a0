"""On-disk cache of road matrices, keyed by what they are computed from.

The key hashes the extract's bytes, the points' coordinates, the vehicle
profile and the road speeds, so a cached matrix is reused only for the very
same inputs. Entries are plain ``.npz`` arrays read without pickle.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

CACHE_VERSION = "roads-2"  # bump when the way matrices are computed changes


def default_cache_dir() -> Path:
    """Return the cache folder: ``$COUNTYOPT_CACHE_DIR`` or ``$XDG_CACHE_HOME/countyopt``.

    Without either, ``~/.cache/countyopt``.
    """
    if os.environ.get("COUNTYOPT_CACHE_DIR"):
        return Path(os.environ["COUNTYOPT_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "countyopt"


def file_digest(path: Path) -> str:
    """Return the SHA-256 of a file's bytes, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def cache_key(*parts: str | NDArray[np.float64]) -> str:
    """Return the cache key of an entry computed from ``parts`` (texts and arrays)."""
    h = hashlib.sha256(CACHE_VERSION.encode())
    for part in parts:
        if isinstance(part, str):
            h.update(part.encode())
        else:
            h.update(np.ascontiguousarray(part, dtype=np.float64).tobytes())
        h.update(b"\0")
    return h.hexdigest()


def load(folder: Path, key: str) -> dict[str, NDArray[Any]] | None:
    """Return the arrays cached under ``key``, or None."""
    path = folder / "roads" / f"{key}.npz"
    try:
        with np.load(path, allow_pickle=False) as data:
            return {name: np.asarray(data[name]) for name in data.files}
    except (OSError, ValueError):
        return None


def store(folder: Path, key: str, arrays: Mapping[str, NDArray[Any]]) -> None:
    """Cache ``arrays`` under ``key``; a cache that cannot be written is skipped."""
    target = folder / "roads" / f"{key}.npz"
    tmp = target.with_name(f".{key}.{os.getpid()}.npz")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        savez: Any = np.savez  # its stub types **kwds as if one could be allow_pickle
        savez(tmp, **arrays)
        os.replace(tmp, target)
    except OSError:
        tmp.unlink(missing_ok=True)
