"""HTML export with folium: river-chief reports (一河一策), the overview, batch export.

>>> from pollution_map_plugin.core.html import export_all, export_river_report
>>> result = export_all(db, "out/", lang="zh", basemap="none", offline=True,
...                     progress=lambda f, msg: print(f, msg), cancel=lambda: False)
>>> result.index, result.overview, result.reports["R001"]
>>> m = build_river_map(db, "R001")  # a folium.Map: add folium layers, then m.save(path)

Every page inlines its scripts and styles (Leaflet and plugins from npm, pinned
by ``package-lock.json``), so it opens with no network; every database value
is escaped wherever it lands.
"""

from __future__ import annotations

from .basemaps import BASEMAPS, TIANDITU_ENV
from .batch import ExportCancelled, ExportResult, export_all
from .context import ExportContext
from .escaping import safe_filename
from .export_options import HtmlExportOptions
from .overview import build_overview_map, export_overview
from .page_strings import LANGUAGES
from .report import build_river_map, export_river_report, report_filename

__all__ = [
    "BASEMAPS", "LANGUAGES", "TIANDITU_ENV", "ExportCancelled", "ExportContext", "ExportResult",
    "HtmlExportOptions", "build_overview_map", "build_river_map",
    "export_all", "export_overview", "export_river_report", "report_filename", "safe_filename",
]
