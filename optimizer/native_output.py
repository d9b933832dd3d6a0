"""Keep third-party solvers' banners off the console.

HiGHS prints its banner ("Running HiGHS … Copyright …") from C++ straight to
file descriptor 1 whenever a model is built, whatever PuLP's ``msg`` says;
Python-level redirection cannot catch it. The CLI runs solver calls inside
:func:`native_stdout_silenced`, which points descriptor 1 at the null device
for the duration and flushes the C library's buffer before restoring it.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import sys
from collections.abc import Iterator


def _flush_c_stdio() -> None:
    """Flush the C library's stdout buffer (where native code's printf output waits)."""
    name = ctypes.util.find_library("c")
    if name is None:
        return
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(name).fflush(None)


@contextlib.contextmanager
def native_stdout_silenced() -> Iterator[None]:
    """Discard what native code writes to descriptor 1 inside the block.

    Python's own ``sys.stdout`` is flushed first, so nothing printed before
    the block is lost; if descriptor 1 cannot be duplicated the block runs
    unchanged.
    """
    with contextlib.suppress(ValueError, OSError):
        sys.stdout.flush()
    try:
        saved = os.dup(1)
    except OSError:
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        yield
    finally:
        _flush_c_stdio()
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)
