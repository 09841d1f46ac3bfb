"""The plugin's dock: load a database, choose periods, show and print the five maps,
trace from the map, list the warnings, export the HTML reports.

Long work runs in QgsTasks (status-bar progress and cancel); errors go to the message
bar and the QGIS log.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qgis.core import Qgis, QgsLayerTreeGroup, QgsProject
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDockWidget,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from .connection import saved_connections
from .i18n import tr
from .layers import PROP_SOURCE, database_groups, group_layers, group_source, load_database_task
from .map_data import MapData, compute_map_data
from .tasks import log, run_task
from .themes import MAPS, apply_theme, build_maps, group_extent
from .trace_panel import TracePanel, zoom_canvas_to


class PollutionDock(QDockWidget):
    """Dock with the plugin's tools: database, period, maps, tracing, warnings, export."""

    OBJECT_NAME = "PollutionMapDock"

    def __init__(self, iface, parent: QWidget | None = None) -> None:
        super().__init__(tr("Pollution Map"), parent)
        self.iface = iface
        self.setObjectName(self.OBJECT_NAME)
        self.project = QgsProject.instance()
        self.source_key: str | None = None  # PROP_SOURCE of the current database group
        self.data: MapData | None = None
        self.task = None
        self._build_ui()
        self._set_enabled(False)

    # --- UI ------------------------------------------------------------------------
    def _build_ui(self) -> None:
        body = QWidget()
        box = QVBoxLayout(body)
        top = QHBoxLayout()
        self.load_button = QToolButton()
        self.load_button.setText(tr("Load database"))
        self.load_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.load_menu = QMenu(self.load_button)
        self.load_menu.aboutToShow.connect(self._fill_load_menu)
        self.load_button.setMenu(self.load_menu)
        self.database_label = QLabel(tr("No database loaded."))
        self.database_label.setWordWrap(True)
        self.database_label.setTextFormat(Qt.TextFormat.PlainText)  # names come from data
        top.addWidget(self.load_button)
        top.addWidget(self.database_label, 1)
        box.addLayout(top)

        periods = QGroupBox(tr("Periods"))
        grid = QGridLayout(periods)
        self.period_combo, self.before_combo, self.after_combo = QComboBox(), QComboBox(), \
            QComboBox()
        grid.addWidget(QLabel(tr("Period")), 0, 0)
        grid.addWidget(self.period_combo, 0, 1, 1, 3)
        grid.addWidget(QLabel(tr("Change")), 1, 0)
        grid.addWidget(self.before_combo, 1, 1)
        grid.addWidget(QLabel("→"), 1, 2)
        grid.addWidget(self.after_combo, 1, 3)
        self.update_button = QPushButton(tr("Update maps"))
        self.update_button.clicked.connect(self.update_maps)
        grid.addWidget(self.update_button, 2, 0, 1, 4)
        box.addWidget(periods)

        maps = QGroupBox(tr("Maps"))
        mgrid = QGridLayout(maps)
        self.map_buttons: dict[str, QPushButton] = {}
        for i, spec in enumerate(MAPS):
            button = QPushButton(spec.zh)
            button.setToolTip(tr(spec.en))
            button.clicked.connect(lambda _=False, k=spec.key: self.show_map(k))
            mgrid.addWidget(button, i // 2, i % 2)
            self.map_buttons[spec.key] = button
        self.density_check = QCheckBox(tr("Density (heatmap)"))
        self.density_check.toggled.connect(self._density_toggled)
        mgrid.addWidget(self.density_check, 2, 1)
        self.print_button = QPushButton(tr("Export maps (PNG + PDF)…"))
        self.print_button.clicked.connect(lambda: self.export_maps())
        self.html_button = QPushButton(tr("Export HTML reports…"))
        self.html_button.clicked.connect(lambda: self.export_html())
        mgrid.addWidget(self.print_button, 3, 0)
        mgrid.addWidget(self.html_button, 3, 1)
        box.addWidget(maps)

        self.trace_panel = TracePanel(self.iface, self.project, self.group, self.message)
        box.addWidget(self.trace_panel)

        warn = QGroupBox(tr("Warnings (latest samples)"))
        wbox = QVBoxLayout(warn)
        self.warnings_list = QListWidget()
        self.warnings_list.itemClicked.connect(self._warning_clicked)
        wbox.addWidget(self.warnings_list)
        box.addWidget(warn, 1)
        self.setWidget(body)

    def _set_enabled(self, loaded: bool) -> None:
        for widget in (self.period_combo, self.before_combo, self.after_combo, self.update_button,
                       self.density_check, self.print_button, self.html_button,
                       self.trace_panel, *self.map_buttons.values()):
            widget.setEnabled(loaded)

    def _fill_load_menu(self) -> None:
        self.load_menu.clear()
        self.load_menu.addAction(tr("GeoPackage file…"), self._pick_gpkg)
        for name in saved_connections():
            self.load_menu.addAction(tr("PostGIS: {0}").format(name),
                                     lambda _=False, n=name: self.load(f"pg:{n}"))
        self.load_menu.addAction(tr("PostgreSQL connection string…"), self._ask_dsn)

    def _pick_gpkg(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("Open a pollution-source database"), "",
                                              tr("GeoPackage (*.gpkg)"))
        if path:
            self.load(path)

    def _ask_dsn(self) -> None:
        text, ok = QInputDialog.getText(self, tr("PostgreSQL"),
                                        tr("Connection string (service=… or host=… dbname=…)"))
        if ok and text.strip():
            self.load(text.strip())

    # --- messages ------------------------------------------------------------------
    def message(self, text: str, level: Any = Qgis.MessageLevel.Info) -> None:
        """To the message bar and the log."""
        log(text, level)
        if self.iface is not None:
            self.iface.messageBar().pushMessage(tr("Pollution Map"), text, level, 8)

    def error(self, exc: BaseException) -> None:
        self.message(str(exc), Qgis.MessageLevel.Critical)

    # --- database and maps -----------------------------------------------------------
    def load(self, target: Any) -> None:
        """Load ``target`` in a task, then assess its latest period."""
        try:
            self.task = load_database_task(target, self._loaded, self.error, self.project)
        except Exception as exc:  # noqa: BLE001 - bad target: tell the user
            self.error(exc)

    def _loaded(self, group: QgsLayerTreeGroup) -> None:
        self.set_database(group)
        self.message(tr("Loaded {0}").format(group.name()), Qgis.MessageLevel.Success)
        self.update_maps()

    def set_database(self, group: QgsLayerTreeGroup) -> None:
        """Make ``group`` (a loaded database) the dock's current database."""
        self.source_key = str(group.customProperty(PROP_SOURCE))
        self.trace_panel.set_source(group_source(group))
        self.database_label.setText(group.name())
        self._set_enabled(True)
        if self.iface is not None:
            canvas = self.iface.mapCanvas()
            extent = group_extent(group, canvas.mapSettings().destinationCrs(), self.project)
            if not extent.isEmpty():
                extent.scale(1.05)
                canvas.setExtent(extent)
                canvas.refresh()

    def group(self) -> QgsLayerTreeGroup | None:
        for group in database_groups(self.project):
            if str(group.customProperty(PROP_SOURCE)) == self.source_key:
                return group
        return None

    def update_maps(self, sync: bool = False) -> None:
        """Assess the chosen periods (a task) and rebuild the thematic maps."""
        group = self.group()
        if group is None:
            return
        period = self.period_combo.currentText() or None
        before, after = self.before_combo.currentText(), self.after_combo.currentText()
        compare = (before, after) if before and after and before != after else None
        target = group_source(group).core_target()

        def work(progress, cancelled):
            return compute_map_data(target, period, compare, progress, cancelled)

        if sync:
            self._assessed(work(lambda _: None, lambda: False))
        else:
            self.task = run_task(tr("Assessing water quality"), work, self._assessed, self.error)

    def _assessed(self, data: MapData | None) -> None:
        group = self.group()
        if group is None or data is None:
            return
        self.data = data
        build_maps(group, data, self.project, density=self.density_check.isChecked())
        self._fill_periods(data)
        self._fill_warnings(data)

    def _density_toggled(self, on: bool) -> None:
        group = self.group()
        if group is not None and self.data is not None:
            build_maps(group, self.data, self.project, density=on)

    def _fill_periods(self, data: MapData) -> None:
        for combo, value in ((self.period_combo, data.period),
                             (self.before_combo, data.compare[0] if data.compare else ""),
                             (self.after_combo, data.compare[1] if data.compare else "")):
            combo.blockSignals(True)
            combo.clear()
            combo.addItems(data.periods)
            combo.setCurrentText(value)
            combo.blockSignals(False)

    def show_map(self, key: str) -> None:
        """Show map ``key`` on the canvas (its map theme)."""
        view = self.iface.layerTreeView() if self.iface is not None else None
        model = view.layerTreeModel() if hasattr(view, "layerTreeModel") else None
        try:
            apply_theme(self.project, key, model if _is_model(model) else None)
        except Exception as exc:  # noqa: BLE001
            self.error(exc)

    # --- print and HTML --------------------------------------------------------------
    def export_maps(self, out_dir: str | None = None, dpi: int = 150) -> list[Path]:
        """Export the five layouts to PNG and PDF.

        Layouts render project layers, so this runs on the main thread; a proxy task
        shows the progress in the status bar and its cancel button stops the export.
        """
        from qgis.core import QgsApplication, QgsProxyProgressTask
        from qgis.PyQt.QtWidgets import QApplication

        from .layouts import export_maps

        group = self.group()
        if group is None:
            return []
        out_dir = out_dir or QFileDialog.getExistingDirectory(self, tr("Export maps to"))
        if not out_dir:
            return []
        task = QgsProxyProgressTask(tr("Exporting the maps"))
        QgsApplication.taskManager().addTask(task)

        class _Feedback:
            def setProgress(self, value: float) -> None:
                task.setProxyProgress(value)
                QApplication.processEvents()

            def isCanceled(self) -> bool:
                return task.isCanceled()

        files: list[Path] = []
        try:
            files = export_maps(group, self.data, out_dir, self.project, dpi=dpi,
                                feedback=_Feedback())
        except Exception as exc:  # noqa: BLE001
            self.error(exc)
        finally:
            task.finalize(bool(files))
        if files:
            self.message(tr("Wrote {0} files to {1}").format(len(files), out_dir),
                         Qgis.MessageLevel.Success)
        return files

    def export_html(self, out_dir: str | None = None) -> None:
        """``core.html.export_all`` in a task."""
        group = self.group()
        if group is None:
            return
        out_dir = out_dir or QFileDialog.getExistingDirectory(self, tr("Export HTML reports to"))
        if not out_dir:
            return
        target = group_source(group).core_target()
        period = self.period_combo.currentText() or None

        def work(progress, cancelled):
            from ..core.db import open_database
            from ..core.html import export_all

            with open_database(target) as db:
                return export_all(db, out_dir, period=period,
                                  progress=lambda f, _m: progress(100.0 * f), cancel=cancelled)

        self.task = run_task(tr("Exporting HTML reports"), work, lambda _r: self.message(
            tr("HTML reports written to {0}").format(out_dir), Qgis.MessageLevel.Success),
            self.error)

    # --- warnings --------------------------------------------------------------------
    def _fill_warnings(self, data: MapData) -> None:
        self.warnings_list.clear()
        frame = data.warnings
        if frame is None:
            return
        from .compat import is_chinese

        column = "message_zh" if is_chinese() else "message_en"
        kinds = {"exceedance": tr("Exceedance"), "critical": tr("Critical"),
                 "sudden_change": tr("Sudden change")}
        for rec in frame.to_dict("records"):
            kind = kinds.get(rec["kind"], rec["kind"])
            item = QListWidgetItem(f"[{kind}] {rec.get(column) or ''}")
            item.setData(Qt.ItemDataRole.UserRole, rec["section_code"])
            self.warnings_list.addItem(item)

    def _warning_clicked(self, item: QListWidgetItem) -> None:
        self.zoom_to_section(str(item.data(Qt.ItemDataRole.UserRole)))

    def zoom_to_section(self, code: str) -> bool:
        """Centre the canvas on section ``code`` and flash it."""
        group = self.group()
        layer = group_layers(group).get("sections") if group is not None else None
        if layer is None or self.iface is None:
            return False
        from qgis.core import QgsFeatureRequest

        escaped = code.replace("'", "''")
        feats = list(layer.getFeatures(QgsFeatureRequest().setFilterExpression(
            f"\"code\" = '{escaped}'")))
        if not feats:
            return False
        point = feats[0].geometry().asPoint()
        self._zoom_to_lonlat(point.x(), point.y(), layer.crs())
        self.iface.mapCanvas().flashFeatureIds(layer, [feats[0].id()])
        return True

    def _zoom_to_lonlat(self, x: float, y: float, crs: Any = None) -> None:
        zoom_canvas_to(self.iface.mapCanvas(), x, y, crs, self.project)


def _is_model(model: Any) -> bool:
    from qgis.core import QgsLayerTreeModel

    return isinstance(model, QgsLayerTreeModel)
