"""Bilingual user-facing text (English and Chinese).

Library code returns data; only the CLI, reports and maps turn it into text,
and they pick the language with :func:`tr`.
"""

from __future__ import annotations

from typing import Literal

Lang = Literal["en", "zh"]
LANGS: tuple[Lang, ...] = ("en", "zh")


def tr(lang: Lang, en: str, zh: str) -> str:
    """Return ``zh`` when ``lang`` is Chinese, else ``en``."""
    return zh if lang == "zh" else en
