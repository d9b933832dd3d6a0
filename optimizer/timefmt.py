"""Clock times as people write them ("07:30") and as the model keeps them (seconds).

The model counts seconds from midnight of the planning day; hours continue
past 24 ("25:30") so that night shifts stay ordered. This module is the one
place that turns one into the other.
"""

from __future__ import annotations

import math
import re

__all__ = ["format_clock", "parse_clock"]

_CLOCK = re.compile(r"^(\d{1,3}):([0-5]\d)(?::([0-5]\d))?$")


def format_clock(seconds: float, *, exact: bool = False) -> str:
    """Return a time in seconds from midnight as "HH:MM".

    Parameters
    ----------
    seconds
        Seconds from midnight; past 24 h the hours keep counting ("25:30"),
        before midnight the text carries a minus sign.
    exact
        Round to the second and add ":SS" when the time is not a whole
        minute, so that :func:`parse_clock` reads back the same time (for
        files); by default round to the nearest minute (for people).

    Returns
    -------
    str
        "HH:MM", or "HH:MM:SS" with ``exact`` when the seconds are not zero.

    """
    step = 1 if exact else 60
    # Half a step rounds up, not to even, so 29.5 s and 30.5 s both read "00:01".
    total = math.floor(seconds / step + 0.5) * step
    sign = "-" if total < 0 else ""
    hours, rest = divmod(abs(total), 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{sign}{hours:02d}:{minutes:02d}"
    return f"{text}:{secs:02d}" if secs else text


def parse_clock(text: str) -> int | None:
    """Return "HH:MM" or "HH:MM:SS" (full-width colons allowed) as seconds, or None if malformed.

    Hours past 24 stand for the next day (night shifts: "26:30").
    """
    match = _CLOCK.match(text.strip().replace("：", ":"))
    if match is None:
        return None
    hours, minutes, secs = match.group(1), match.group(2), match.group(3) or "0"
    return int(hours) * 3600 + int(minutes) * 60 + int(secs)
