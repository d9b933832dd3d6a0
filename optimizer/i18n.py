"""Bilingual user-facing text (English and Chinese).

Library code returns data; only the CLI, reports and maps turn it into text,
and they pick the language with :func:`tr`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Lang = Literal["en", "zh"]
LANGS: tuple[Lang, ...] = ("en", "zh")


def tr(lang: Lang, en: str, zh: str) -> str:
    """Return ``zh`` when ``lang`` is Chinese, else ``en``."""
    return zh if lang == "zh" else en


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
