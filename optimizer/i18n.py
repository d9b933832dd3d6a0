"""Bilingual user-facing text (English and Chinese).

Library code returns data; only the CLI, reports and maps turn it into text,
and they pick the language with :func:`tr`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

Lang = Literal["en", "zh"]
LANGS: tuple[Lang, ...] = ("en", "zh")


def tr(lang: Lang, en: str, zh: str) -> str:
    """Return ``zh`` when ``lang`` is Chinese, else ``en``."""
    return zh if lang == "zh" else en


@functools.cache
def _pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{(\w+)\}", template)
    regex = "".join(re.escape(p) if k % 2 == 0 else f"(?P<{p}>.+?)" for k, p in enumerate(parts))
    return re.compile(f"^{regex}$", re.DOTALL)


def translate(
    text: str,
    templates: Iterable[tuple[str, str]],
    lang: Lang,
    *,
    convert: Callable[[str, str], str] | None = None,
) -> str:
    """Return ``text``, written from one of ``templates``' English forms, in ``lang``.

    Results keep their messages in English (a JSON file has one language);
    this reads the fields back out of an English message (``{name}``
    placeholders) and fills the Chinese form, after ``convert(name, value)``
    if given (e.g. stream ids to stream names). Text no template matches is
    returned as given.
    """
    if lang != "zh" or not text:
        return text
    for en, zh in templates:
        match = _pattern(en).match(text)
        if match is not None:
            values = match.groupdict()
            if convert is not None:
                values = {k: convert(k, v) for k, v in values.items()}
            return zh.format(**values)
    return text


@dataclass(frozen=True)
class Text:
    """A message written in both languages at the place it is composed.

    Messages that reach users are built as ``Text(en, zh)`` rather than
    translated later from English, so that no text can miss its Chinese.
    ``str()`` gives the English; :meth:`pick` gives either.
    """

    en: str
    zh: str

    def __str__(self) -> str:
        return self.en

    def __add__(self, other: Text) -> Text:
        return Text(self.en + other.en, self.zh + other.zh)

    def pick(self, lang: Lang) -> str:
        """Return the text in ``lang``."""
        return tr(lang, self.en, self.zh)
