"""The dock's exports: the five print layouts (PNG + PDF), the HTML reports, the
one-river atlas, and the monthly class timeline for the Temporal Controller.

A mixin of ``PollutionDock`` (it uses the dock's ``group()``, ``data``, ``project``,
``db_tasks``, ``message`` and ``error``), kept apart so the dock stays readable.
"""

from __future__ import annotations

import contextlib
from typing import Any

from qgis.core import Qgis
from qgis.PyQt.QtWidgets import QFileDialog

from .layer_loading import group_source
from .map_themes import MAPS
from .qgis_compat import is_chinese
from .translation import tr


class DockExports:
    """``export_maps``, ``export_html``, ``export_atlas`` and ``show_timeline``."""

    def export_maps(self, out_dir: str | None = None, dpi: int = 150):
        """Export the five layouts to PNG and PDF in the background; returns the task.

        The layouts are kept in the project's layout manager (edit them there; an
        edited layout is exported as edited).  Nothing in the project changes.
        """
        from .layouts import ensure_layout_steps
        from .map_export import MapExport

        group = self.group()
        if group is None:
            return None
        out_dir = out_dir or QFileDialog.getExistingDirectory(self, tr("Export maps to"))
        if not out_dir:
            return None
        try:
            data, project = self.data, self.project
            pages = [lambda k=spec.key: ensure_layout_steps(group, k, data, project)
                     for spec in MAPS]
            self.export_task = MapExport(pages, out_dir, dpi, lambda files: self.message(
                tr("Wrote {0} files to {1}").format(len(files), out_dir),
                Qgis.MessageLevel.Success), self.error).start()
        except Exception as exc:  # noqa: BLE001
            self.error(exc)
            return None
        return self.export_task

    def export_html(self, out_dir: str | None = None, options: Any = None) -> Any:
        """``core.html.export_all`` in a task; returns the task.

        Without ``out_dir`` a dialog asks for the folder and every option (period,
        language, basemap, offline, Tianditu key, rivers); with it, ``options`` (an
        ``HtmlExportOptions``) or the current period in the interface's language.
        """
        from ..core.html.export_options import HtmlExportOptions

        group = self.group()
        if group is None:
            return None
        period = self.data.period if self.data is not None else None
        if out_dir is None:
            from .html_export_dialog import HtmlExportDialog

            dialog = HtmlExportDialog(period, self)
            if not dialog.exec() or not dialog.folder():
                return None
            out_dir, options = dialog.folder(), dialog.options()
        options = options or HtmlExportOptions(period=period,
                                               lang="zh" if is_chinese() else "en")
        target = group_source(group).core_target()

        def work(progress, cancelled):
            from ..core.db import open_database
            from ..core.html import export_all

            with open_database(target) as db:
                return export_all(db, out_dir, options,
                                  progress=lambda f, _m: progress(100.0 * f), cancel=cancelled)

        def done(result) -> None:
            if result.failed:
                self.message(tr("HTML export incomplete: {0} page(s) not written, listed in "
                                "{1}").format(len(result.failed), result.index),
                             Qgis.MessageLevel.Warning)
            else:
                self.message(tr("HTML reports written to {0}").format(out_dir),
                             Qgis.MessageLevel.Success)

        self.task = self.db_tasks.submit(tr("Exporting HTML reports"), work, done, self.error)
        return self.task


    def export_atlas(self, out_dir: str | None = None, rivers: Any = "key"):
        """The one-river atlas (一河一策图册): one PDF per river (the key rivers by
        default) and an index; the coverage in a task, the pages in the background.
        The atlas layout stays in the project's layout manager (edits are kept)."""
        from .atlas_actions import atlas_rows, start_atlas_export

        group = self.group()
        if group is None or self.data is None:
            return None
        out_dir = out_dir or QFileDialog.getExistingDirectory(self, tr("Export the atlas to"))
        if not out_dir:
            return None
        data, target = self.data, group_source(group).core_target()

        def work(_progress, _cancelled):
            return atlas_rows(target, data, rivers)

        def done(rows) -> None:
            if rows is None or len(rows) == 0:
                self.message(tr("No river to put in the atlas"), Qgis.MessageLevel.Warning)
                return
            self.atlas_export = start_atlas_export(
                group, data, rows, out_dir, self.project,
                on_done=lambda files: self.message(
                    tr("Wrote the atlas of {0} rivers to {1}").format(len(rows), out_dir),
                    Qgis.MessageLevel.Success),
                on_error=self.error)

        self.task = self.db_tasks.submit(tr("Preparing the one-river atlas"), work, done,
                                         self.error)
        return self.task

    def show_timeline(self):
        """The sections' monthly classes as a temporal layer with its map theme (use
        QGIS's Temporal Controller to play it); the history is read in a task."""
        from qgis.core import QgsLayerTreeModel

        from .section_timeline import TIMELINE_THEME, build_timeline, class_history

        group = self.group()
        if group is None:
            return None
        target = group_source(group).core_target()
        period = self.data.period if self.data is not None else None

        def done(history) -> None:
            live = self.group()
            if live is None:
                return
            build_timeline(live, self.project, history)
            root = self.project.layerTreeRoot()
            self.project.mapThemeCollection().applyTheme(TIMELINE_THEME, root,
                                                         QgsLayerTreeModel(root))
            self.message(tr("Monthly classes ready: play them with the Temporal Controller"),
                         Qgis.MessageLevel.Success)

        self.task = self.db_tasks.submit(tr("Reading the monthly class history"),
                                         lambda _p, _c: class_history(target, period), done,
                                         self.error)
        return self.task

    def cancel_atlas(self) -> None:
        export = getattr(self, "atlas_export", None)
        task = getattr(export, "task", None)
        if task is not None:
            with contextlib.suppress(RuntimeError):  # already finished and deleted
                task.cancel()

    def refill_saved_extras(self, group, data) -> None:
        """A reopened project's atlas coverage and monthly timeline come back empty
        (memory layers): rebuild them from the database, in the task queue."""
        from .map_themes import thematic_layers

        layers = thematic_layers(group)
        target = group_source(group).core_target()
        coverage = layers.get("atlas_coverage")
        if coverage is not None and coverage.featureCount() == 0:
            from .atlas_actions import atlas_rows
            from .river_atlas import coverage_layer

            def covered(rows) -> None:
                if rows is not None and len(rows):
                    coverage_layer(rows, self.project, group)

            self.db_tasks.submit(tr("Preparing the one-river atlas"),
                                 lambda _p, _c: atlas_rows(target, data, "key"), covered,
                                 self.error)
        timeline = layers.get("section_timeline")
        if timeline is not None and timeline.featureCount() == 0:
            from .section_timeline import build_timeline, class_history

            def rebuilt(history) -> None:
                build_timeline(group, self.project, history)

            self.db_tasks.submit(tr("Reading the monthly class history"),
                                 lambda _p, _c: class_history(target, data.period), rebuilt,
                                 self.error)
