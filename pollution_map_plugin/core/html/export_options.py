"""The options of an HTML export, in one frozen object that every front end builds.

The CLI (``export-html``), Processing (*Export HTML reports*) and the QGIS panel fill an
:class:`HtmlExportOptions`; ``ExportContext``, ``export_all``, ``export_overview`` and
``export_river_report`` read it.  Keyword arguments of those functions are shorthand
for the fields (``export_all(db, out, lang="en")``).
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

FARM_DISTANCE_M = 2000.0  # farms within this distance of a river's reaches belong to it


@dataclass(frozen=True)
class HtmlExportOptions:
    """What to export and how."""

    period: str | None = None  # default: the assessment service's (the latest year)
    lang: str = "zh"  # "zh" | "en"
    basemap: str | None = None  # osm | tianditu | gaode | none (default: none offline)
    offline: bool = True  # everything inlined; no tile requests unless a basemap is chosen
    tianditu_key: str | None = None  # the user's key (or TIANDITU_KEY in the environment)
    farm_distance_m: float = FARM_DISTANCE_M
    rivers: Any = None  # None: the key rivers (all with sections or sources if none is
    # flagged); "all"; or codes / names
    overview: bool = True  # also overview.html

    @classmethod
    def build(cls, options: HtmlExportOptions | None = None, **changes: Any
              ) -> HtmlExportOptions:
        """``options`` (default: the defaults) with the ``changes`` given (not None)."""
        known = {f.name for f in fields(cls)}
        unknown = set(changes) - known
        if unknown:
            raise TypeError(f"unknown HTML export option(s): {', '.join(sorted(unknown))}")
        return replace(options or cls(), **{k: v for k, v in changes.items()
                                            if v is not None})
