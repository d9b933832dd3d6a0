"""Chart fonts shared by the reports: a CJK font for Chinese labels, or English without one."""

from __future__ import annotations

from pathlib import Path

from optimizer.i18n import Lang

#: Families that cover Chinese, in order of preference (Noto Sans CJK is what CI installs).
CJK_FAMILIES: tuple[str, ...] = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Noto Serif CJK SC",
)


def cjk_font() -> str | None:
    """Return a font family that can draw Chinese, or None if the system has none.

    matplotlib's font cache may predate fonts installed later, so system font
    files whose names suggest CJK coverage are registered before giving up.
    """
    from matplotlib import font_manager

    def known() -> str | None:
        names = {f.name for f in font_manager.fontManager.ttflist}
        return next((family for family in CJK_FAMILIES if family in names), None)

    found = known()
    if found is None:
        hints = ("cjk", "wqy", "simhei", "msyh", "pingfang", "sourcehan")
        for path in font_manager.findSystemFonts():
            if any(h in Path(path).name.lower() for h in hints):
                try:
                    font_manager.fontManager.addfont(path)
                except (OSError, RuntimeError, ValueError):
                    continue
        found = known()
    return found


def chart_lang(lang: Lang) -> Lang:
    """Return the language charts can be drawn in: Chinese only if a CJK font exists."""
    # Without a CJK font Chinese labels render as empty boxes; English is readable.
    return "zh" if lang == "zh" and cjk_font() is not None else "en"
