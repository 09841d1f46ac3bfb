"""Render the five maps of a database to PNG and PDF in one call (CLI and Processing).

Works in a project of its own, so the user's current project is left untouched.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from qgis.core import QgsProject

from .layer_loading import load_database
from .layouts import DEFAULT_DPI, export_maps
from .map_data import compute_map_data
from .map_themes import build_maps
from .tasks import Feedback


def render_maps(target: Any, out_dir: Path | str, period: str | None = None,
                compare: tuple[str, str] | None = None, dpi: int = DEFAULT_DPI,
                density: bool = False, feedback: Any = None,
                project_file: Path | str | None = None) -> list[Path]:
    """Load ``target``, assess ``period`` (default latest year), export the five maps.

    ``compare`` picks the two periods of the change map (default: the year before
    ``period`` and ``period``).  With ``project_file`` (a QGIS project where the
    database is loaded) the maps are printed from its saved layouts, as the panel does:
    the user's title, logo or footer stay (the file is not changed).  Returns the
    written files, PNG and PDF per map.
    """
    project = QgsProject()
    try:
        group = _project_group(project, project_file, target) if project_file else None
        if group is None:
            group = load_database(target, project)
        source_target = _core_target(group)
        progress = (lambda v: feedback.setProgress(v * 0.3)) if feedback else None
        cancelled = feedback.isCanceled if feedback else None
        data = compute_map_data(source_target, period, compare, progress, cancelled)
        if data is None:
            return []
        build_maps(group, data, project, density=density)
        sub = None
        if feedback is not None:
            sub = Feedback(lambda v: feedback.setProgress(30 + 0.7 * v), feedback.isCanceled)
        if project_file:
            return _export_saved_layouts(group, data, out_dir, project, dpi, sub)
        return export_maps(group, data, out_dir, project, dpi=dpi, feedback=sub)
    finally:
        project.clear()


def _project_group(project: QgsProject, project_file: Path | str, target: Any):
    """Read ``project_file`` into ``project``: the group of the database ``target`` in
    it (matched by its path or connection), else None (the database is loaded anew)."""
    from .layer_loading import database_groups, group_source

    if not project.read(str(project_file)):
        raise RuntimeError(f"Could not read the project {project_file}: "
                           f"{project.error()}")
    wanted = str(target)
    if os.path.exists(wanted):
        wanted = os.path.realpath(wanted)
    for group in database_groups(project):
        try:
            core = group_source(group).core_target()
        except Exception:  # noqa: BLE001 - a group the plugin cannot read: not this one
            core = None
        if core is not None and \
                (os.path.realpath(core) if os.path.exists(core) else core) == wanted:
            return group
    return None


def _export_saved_layouts(group, data, out_dir: Path | str, project: QgsProject, dpi: int,
                          feedback: Any = None) -> list[Path]:
    """The five maps from the project's layouts (``layouts.ensure_layout``: a saved one
    kept with the user's edits, its period line and footer brought up to date)."""
    from .layouts import ensure_layout, export_layout
    from .map_themes import MAPS

    files: list[Path] = []
    for i, spec in enumerate(MAPS):
        if feedback is not None and feedback.isCanceled():
            break
        basename, layout = ensure_layout(group, spec.key, data, project)
        files.extend(export_layout(layout, out_dir, basename, dpi))
        if feedback is not None:
            feedback.setProgress(100.0 * (i + 1) / len(MAPS))
    return files


def render_atlas(target: Any, out_dir: Path | str, rivers: Any = "key",
                 period: str | None = None, dpi: int = DEFAULT_DPI, png: bool = False,
                 feedback: Any = None) -> list[Path]:
    """The one-river atlas of ``rivers`` ("key", "all", or codes/names): one PDF per
    river (PNG pages with ``png``), index.html and index.csv.  The written files."""
    from ..core.db import open_database
    from ..core.river_atlas_facts import river_atlas_rows
    from .atlas_export import AtlasExport
    from .river_atlas import coverage_layer, ensure_atlas_layout

    project = QgsProject()
    try:
        group = load_database(target, project)
        source_target = _core_target(group)
        data = compute_map_data(source_target, period)
        build_maps(group, data, project)
        with open_database(source_target) as db:
            rows = river_atlas_rows(db, data.sections if data else None, rivers,
                                    data.period if data else "")
        coverage = coverage_layer(rows, project, group)
        layout = ensure_atlas_layout(group, coverage, data, project)
        progress = feedback.setProgress if feedback is not None else None
        cancelled = feedback.isCanceled if feedback is not None else None
        return AtlasExport(layout, out_dir, dpi, png, progress=progress,
                           cancelled=cancelled).run()
    finally:
        project.clear()


def render_river_year(target: Any, out_dir: Path | str, river: str, year: int,
                      size: tuple[int, int] = (1200, 850)) -> list[Path]:
    """A river's year of monthly section classes: 12 PNG frames and a GIF (Pillow)."""
    from ..core.db import open_database
    from ..core.river_atlas_facts import pick_rivers
    from .section_timeline import build_timeline, export_river_year

    project = QgsProject()
    try:
        group = load_database(target, project)
        source_target = _core_target(group)
        with open_database(source_target) as db:
            rivers = db.read_layer("rivers", ["code", "name", "key_river"])
        code = pick_rivers(rivers, [river])[0]
        name = dict(zip(rivers["code"], rivers["name"]))[code]
        build_maps(group, None, project)
        build_timeline(group, project)
        return export_river_year(group, project, code, year, out_dir, size, title=name)
    finally:
        project.clear()


def _core_target(group) -> str:
    from .layer_loading import group_source

    return group_source(group).core_target()


def start_headless_qgis() -> Any:
    """A QgsApplication without GUI (offscreen when there is no display); reuses a
    running one.  Returns the application."""
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from qgis.core import QgsApplication

    app = QgsApplication.instance()
    if app is not None:
        return app
    app = QgsApplication([], False)
    prefix = os.environ.get("QGIS_PREFIX_PATH")
    if prefix:
        QgsApplication.setPrefixPath(prefix, True)
    app.initQgis()
    return app
