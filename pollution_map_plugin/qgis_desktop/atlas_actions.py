"""The panel's "One-river atlas" button in two calls (see the hand-off note):

1. ``atlas_rows(core_target, data, rivers)`` — core only (no QGIS object): run it in a
   ``tasks.FunctionTask`` (about 5 s at Chongqing scale: the catchments);
2. ``start_atlas_export(group, data, rows, out_dir, ...)`` — on the main thread: fills the
   coverage, keeps or creates the atlas layout in the project (the user's edits stay) and
   exports river by river with a cancellable status-bar task.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from qgis.core import QgsLayerTreeGroup, QgsProject

from .atlas_export import AtlasExport
from .river_atlas import coverage_layer, ensure_atlas_layout


def atlas_rows(core_target: str, data: Any, rivers: Any = "key"):
    """The atlas coverage rows (catchments and dossier facts) of ``rivers``."""
    from ..core.db import open_database
    from ..core.river_atlas_facts import river_atlas_rows

    with open_database(core_target) as db:
        return river_atlas_rows(db, data.sections if data is not None else None, rivers,
                                data.period if data is not None else "")


def start_atlas_export(group: QgsLayerTreeGroup, data: Any, rows, out_dir: Path | str,
                       project: QgsProject | None = None, dpi: int = 150, png: bool = False,
                       on_done: Callable[[list[Path]], None] | None = None,
                       on_error: Callable[[BaseException], None] | None = None
                       ) -> AtlasExport:
    """Export the atlas of ``rows`` in the background; returns the running export."""
    project = project or QgsProject.instance()
    coverage = coverage_layer(rows, project, group)
    layout = ensure_atlas_layout(group, coverage, data, project)
    return AtlasExport(layout, out_dir, dpi, png, on_done=on_done, on_error=on_error).start()
