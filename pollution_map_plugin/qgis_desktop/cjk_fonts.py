"""A font that can write the Chinese names on the maps, checked once at start.

Labels, titles and legends use :func:`map_font_family`: the first installed family of
:data:`PREFERRED` that covers Simplified Chinese, else any installed family that does.
:func:`font_check_message` returns the message the panel shows in the message bar
when none exists (names would be drawn as empty boxes), else None.
"""

from __future__ import annotations

from functools import lru_cache

from .translation import tr

PREFERRED = (
    "Noto Sans CJK SC", "Source Han Sans SC", "Source Han Sans CN", "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei", "Microsoft YaHei", "SimHei", "PingFang SC", "Hiragino Sans GB",
    "Noto Sans SC", "Droid Sans Fallback", "AR PL UMing CN", "SimSun",
)
FALLBACK = "Sans Serif"  # Qt's alias: whatever the system substitutes
SAMPLE = "嘉陵江长江区县断面"


@lru_cache(maxsize=1)
def cjk_families() -> tuple[str, ...]:
    """Installed families that cover Simplified Chinese, preferred ones first."""
    from qgis.PyQt.QtGui import QFontDatabase

    db = QFontDatabase()
    chinese = QFontDatabase.WritingSystem.SimplifiedChinese
    found = [f for f in db.families(chinese) if not f.startswith("@")]
    ranked = [f for f in PREFERRED if f in found]
    return tuple(ranked + sorted(f for f in found if f not in ranked))


def map_font_family() -> str:
    """The family the maps use for text (a CJK family when one is installed)."""
    families = cjk_families()
    return families[0] if families else FALLBACK


def font_check_message() -> str | None:
    """None when a Chinese font is installed; otherwise what to tell the user."""
    if cjk_families():
        return None
    return tr("No font with Chinese characters is installed: map labels, titles and "
              "legends will show empty boxes. Install one (Debian/Ubuntu: apt install "
              "fonts-noto-cjk or fonts-wqy-microhei; Windows has Microsoft YaHei) and "
              "restart QGIS.")
