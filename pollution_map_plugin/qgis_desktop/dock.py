"""The plugin's dock: load a database, choose periods, show and print the five maps,
trace from the map, list the warnings, export the HTML reports.

Long work runs in QgsTasks (status-bar progress and cancel); errors go to the message
bar (with a button to the log) and the QGIS log.  The dock follows the project: a
saved project reopens bound to its database, with its maps refilled.
"""

from __future__ import annotations

import contextlib
from typing import Any

from qgis.core import Qgis, QgsLayerTreeGroup, QgsProject, QgsVectorLayer
from qgis.PyQt.QtCore import Qt, QTimer
from qgis.PyQt.QtWidgets import (
    QCheckBox,
    QDockWidget,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMenu,
    QPushButton,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from .assessment_summary import AssessmentSummary
from .connection import saved_connections
from .database_role import RoleBadge, apply_role, read_role
from .dock_exports import DockExports
from .layer_loading import (
    PROP_CRS,
    PROP_PERIOD,
    PROP_SOURCE,
    database_groups,
    ensure_project_crs,
    group_layers,
    group_source,
    load_database_task,
    resolve,
)
from .map_data import TREND_MIN_YEARS, MapData, compute_map_data, compute_trends
from .map_themes import MAPS, apply_theme, build_maps, group_extent
from .period_picker import PeriodPicker
from .qgis_compat import is_chinese
from .tasks import TaskQueue, log
from .trace_panel import TracePanel, zoom_canvas_to
from .translation import tr, tr_noop
from .warnings_panel import WarningsPanel

#: Short English button titles (the Chinese map names are short already).
SHORT_TITLES = {"watershed": tr_noop("Watershed map"), "sections": tr_noop("Section map"),
                "pollution": tr_noop("Pollution map"), "problems": tr_noop("Problem map"),
                "change": tr_noop("Change map")}


class PollutionDock(DockExports, QDockWidget):
    """Dock with the plugin's tools: database, period, maps, tracing, warnings, export."""

    OBJECT_NAME = "PollutionMapDock"

    def __init__(self, iface, parent: QWidget | None = None) -> None:
        super().__init__(tr("Pollution Map"), parent)
        self.iface = iface
        self.setObjectName(self.OBJECT_NAME)
        self.setMinimumWidth(440)
        self.project = QgsProject.instance()
        self.source_key: str | None = None  # PROP_SOURCE of the current database group
        self.data: MapData | None = None
        self.task = None
        self.export_task = None
        self.db_tasks = TaskQueue()  # assessments and exports read the database one at a time
        self._build_ui()
        self._set_enabled(False)
        self.project.readProject.connect(self._project_read)
        self.project.cleared.connect(self._project_cleared)
        QTimer.singleShot(0, self.bind_project)  # a project already open
        QTimer.singleShot(0, self._check_fonts)

    def _check_fonts(self) -> None:
        """Say so once when no Chinese font exists (labels would be boxes)."""
        from .cjk_fonts import font_check_message

        text = font_check_message()
        if text:
            self.message(text, Qgis.MessageLevel.Warning)

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
        self.role_badge = RoleBadge()  # who the user is on a shared database
        box.addWidget(self.role_badge)

        self.period_picker = PeriodPicker()
        self.update_button = QPushButton(tr("Update maps"))
        self.update_button.clicked.connect(lambda: self.update_maps())
        self.period_picker.layout().addWidget(self.update_button,
                                              PeriodPicker.BUTTON_ROW, 0, 1, 4)
        box.addWidget(self.period_picker)

        maps = QGroupBox(tr("Maps"))
        mgrid = QGridLayout(maps)
        self.map_buttons: dict[str, QPushButton] = {}
        for i, spec in enumerate(MAPS):
            button = QPushButton(spec.zh if is_chinese() else tr(SHORT_TITLES[spec.key]))
            button.setToolTip(f"{spec.title} · {tr(spec.en)}")
            button.clicked.connect(lambda _=False, k=spec.key: self.show_map(k))
            mgrid.addWidget(button, i // 2, i % 2)
            self.map_buttons[spec.key] = button
        self.density_check = QCheckBox(tr("Density (heatmap)"))
        self.density_check.toggled.connect(self._density_toggled)
        mgrid.addWidget(self.density_check, 2, 1)
        self.print_button = QPushButton(tr("Export maps…"))
        self.print_button.setToolTip(tr("The five print layouts as PNG and PDF"))
        self.print_button.clicked.connect(lambda: self.export_maps())
        self.html_button = QPushButton(tr("HTML reports…"))
        self.html_button.setToolTip(tr("Offline HTML maps for river chiefs: one per river "
                                       "and an overview"))
        self.html_button.clicked.connect(lambda: self.export_html())
        mgrid.addWidget(self.print_button, 3, 0)
        mgrid.addWidget(self.html_button, 3, 1)
        self.atlas_button = QPushButton(tr("River atlas (PDF)…"))
        self.atlas_button.setToolTip(tr("One PDF per key river: cover, the five maps of its "
                                        "catchment and its tables (一河一策图册)"))
        self.atlas_button.clicked.connect(lambda: self.export_atlas())
        self.timeline_button = QPushButton(tr("Monthly timeline"))
        self.timeline_button.setToolTip(tr("The sections' monthly classes as a temporal "
                                           "layer: play them with the Temporal Controller"))
        self.timeline_button.clicked.connect(lambda: self.show_timeline())
        mgrid.addWidget(self.atlas_button, 4, 0)
        mgrid.addWidget(self.timeline_button, 4, 1)
        box.addWidget(maps)

        self.trace_panel = TracePanel(self.iface, self.project, self.group, self.message)
        box.addWidget(self.trace_panel)

        self.summary = AssessmentSummary()
        self.summary.sectionChosen.connect(self.zoom_to_section)
        box.addWidget(self.summary)

        self.warnings_panel = WarningsPanel()
        self.warnings_panel.sectionChosen.connect(self.zoom_to_section)
        box.addWidget(self.warnings_panel, 1)
        scroll = QScrollArea()  # the panel scrolls on small screens
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        self.setWidget(scroll)

    def _set_enabled(self, loaded: bool) -> None:
        for widget in (self.period_picker, self.update_button, self.density_check,
                       self.print_button, self.html_button, self.atlas_button,
                       self.timeline_button, self.trace_panel,
                       *self.map_buttons.values()):
            widget.setEnabled(loaded)

    def _fill_load_menu(self) -> None:
        self.load_menu.clear()
        self.load_menu.addAction(tr("GeoPackage file…"), self._pick_gpkg)
        for name in saved_connections():
            self.load_menu.addAction(tr("PostGIS: {0}").format(name),
                                     lambda _=False, n=name: self.load(f"pg:{n}"))
        self.load_menu.addAction(tr("PostgreSQL connection string…"), self._ask_dsn)
        self.load_menu.addSeparator()
        network = self.load_menu.addAction(tr("Import river network…"),
                                           lambda: self.import_network())
        network.setEnabled(self.group() is not None)
        if self.group() is not None and self.role_badge.info is not None:
            apply_role(self.role_badge.info, {"import_network": network})

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
        """To the message bar and the log; errors stay until closed, with a button to
        the log panel where the details are."""
        log(text, level)
        if self.iface is None:
            return
        bar = self.iface.messageBar()
        if level in (Qgis.MessageLevel.Critical, Qgis.MessageLevel.Warning):
            item = bar.createMessage(tr("Pollution Map"), text)
            details = QPushButton(tr("Details…"))
            details.clicked.connect(self.iface.openMessageLog)
            item.layout().addWidget(details)
            bar.pushWidget(item, level, 0)
        else:
            bar.pushMessage(tr("Pollution Map"), text, level, 8)

    def error(self, exc: BaseException) -> None:
        from .dependencies import explain

        self.message(explain(exc), Qgis.MessageLevel.Critical)

    # --- database and project --------------------------------------------------------
    def load(self, target: Any) -> None:
        """Load ``target`` (the layers are built on the main thread), then assess it.

        A database already in the project is not added twice: the dock binds to it.
        """
        try:
            source = resolve(target)
            for group in database_groups(self.project):
                if str(group.customProperty(PROP_SOURCE)) == source.to_json():
                    self.message(tr("{0} is already loaded").format(group.name()))
                    self._loaded(group)
                    return
            self.task = load_database_task(source, self._loaded, self.error, self.project)
        except Exception as exc:  # noqa: BLE001 - bad target: tell the user
            self.error(exc)

    def _loaded(self, group: QgsLayerTreeGroup) -> None:
        self.set_database(group)
        self.message(tr("Loaded {0}").format(group.name()), Qgis.MessageLevel.Success)
        self.update_maps()

    def set_database(self, group: QgsLayerTreeGroup) -> None:
        """Make ``group`` (a loaded database) the dock's current database."""
        self.source_key = str(group.customProperty(PROP_SOURCE))
        self.project.writeEntry("pollution_map", "current", self.source_key)
        self.trace_panel.set_source(group_source(group))
        self.database_label.setText(group.name())
        self._set_enabled(True)
        self._read_role(group)
        if self.iface is not None:
            # after QGIS's canvas bridge has seen the new layers (its next turn)
            QTimer.singleShot(0, self._frame_canvas)

    def _read_role(self, group: QgsLayerTreeGroup) -> None:
        """The connected user's role (a few catalogue queries, in the task queue)."""
        source = group_source(group)
        self.role_badge.info = None
        self.role_badge.setText("")

        def shown(info) -> None:
            with contextlib.suppress(RuntimeError):  # the dock was closed meanwhile
                self.role_badge.show_role(info)

        def failed(exc: BaseException) -> None:
            with contextlib.suppress(RuntimeError):
                self.role_badge.show_error(str(exc))  # scrubbed of credentials by the core

        self.db_tasks.submit(tr("Reading your database role"),
                             lambda _p, _c: read_role(source), shown, failed)

    def _frame_canvas(self) -> None:
        """The map CRS chosen at loading, checked, and the data in view."""
        group = self.group()
        if group is None or self.iface is None:
            return
        ensure_project_crs(self.project, str(group.customProperty(PROP_CRS) or ""))
        canvas = self.iface.mapCanvas()
        if canvas.mapSettings().destinationCrs() != self.project.crs():
            canvas.setDestinationCrs(self.project.crs())
        extent = group_extent(group, canvas.mapSettings().destinationCrs(), self.project)
        if not extent.isEmpty():
            extent.scale(1.05)
            canvas.setExtent(extent)
            canvas.refresh()

    def bind_project(self) -> None:
        """After a project opens: refill every database group's maps from its database
        (memory layers come back empty) and bind the dock to the current one."""
        if self.group() is not None:
            return
        groups = database_groups(self.project)
        if not groups:
            return
        current, _ok = self.project.readEntry("pollution_map", "current", "")
        chosen = next((g for g in groups if str(g.customProperty(PROP_SOURCE)) == current),
                      groups[0])
        for group in groups:
            period, compare = _saved_period(group)
            if group is chosen:
                try:
                    self.set_database(group)
                except Exception as exc:  # noqa: BLE001 - e.g. an unreadable source
                    self.error(exc)
                    continue
                self.update_maps(period=period, compare=compare)
            else:
                self._refill(group, period, compare)

    def _refill(self, group: QgsLayerTreeGroup, period: str | None,
                compare: tuple[str, str] | None) -> None:
        """Recompute and refill the maps of a database group the dock is not bound to."""
        try:
            target = group_source(group).core_target()
        except Exception as exc:  # noqa: BLE001
            self.error(exc)
            return
        key = str(group.customProperty(PROP_SOURCE))

        def work(progress, cancelled):
            return compute_map_data(target, period, compare, progress, cancelled)

        def done(data):
            for candidate in database_groups(self.project):
                if data is not None and str(candidate.customProperty(PROP_SOURCE)) == key:
                    build_maps(candidate, data, self.project)
                    self.refill_saved_extras(candidate, data)

        self.db_tasks.submit(tr("Assessing water quality"), work, done, self.error,
                             key=f"assess:{key}")

    def _project_read(self, *_args) -> None:
        self.source_key = None
        self.data = None
        QTimer.singleShot(0, self.bind_project)

    def _project_cleared(self) -> None:
        self.source_key = None
        self.data = None
        self.trace_panel.clear()
        self.warnings_panel.set_warnings(None, False)
        self.summary.set_data(None)
        self.role_badge.info = None
        self.role_badge.setText("")
        self.database_label.setText(tr("No database loaded."))
        self._set_enabled(False)

    def group(self) -> QgsLayerTreeGroup | None:
        for group in database_groups(self.project):
            if str(group.customProperty(PROP_SOURCE)) == self.source_key:
                return group
        return None

    def base_layer(self, table: str) -> QgsVectorLayer | None:
        """The current database's layer of ``table``."""
        group = self.group()
        return group_layers(group).get(table) if group is not None else None

    def import_network(self, files: list[str] | None = None, replace: bool | None = None):
        """Import a bureau's river network into the current database (a task)."""
        from .network_import_action import import_network_task

        group = self.group()
        if group is None:
            return None
        try:
            self.task = import_network_task(self, group, self.message, self.error, files,
                                            replace)
        except Exception as exc:  # noqa: BLE001
            self.error(exc)
            return None
        return self.task

    # --- assessment and maps -----------------------------------------------------------
    def update_maps(self, sync: bool = False, period: str | None = None,
                    compare: tuple[str, str] | None = None) -> None:
        """Assess the chosen periods (a task) and refill the thematic maps."""
        group = self.group()
        if group is None:
            return
        if period is None and self.data is not None:
            period, compare = self.period_picker.period(), self.period_picker.compare()
        target = group_source(group).core_target()

        def work(progress, cancelled):
            return compute_map_data(target, period, compare, progress, cancelled)

        if sync:
            self._assessed(work(lambda _: None, lambda: False))
        else:
            self.task = self.db_tasks.submit(tr("Assessing water quality"), work,
                                             self._assessed, self.error,
                                             key=f"assess:{self.source_key}")

    def _assessed(self, data: MapData | None) -> None:
        if data is None or not _alive(self.density_check):  # the plugin was unloaded
            return
        group = self.group()
        if group is None:
            return
        self.data = data
        build_maps(group, data, self.project, density=self.density_check.isChecked())
        self.period_picker.set_months(data.months, data.period, data.compare)
        compare = f"{data.compare[0]}>{data.compare[1]}" if data.compare else ""
        group.setCustomProperty(PROP_PERIOD, f"{data.period}|{compare}")
        self.warnings_panel.set_warnings(data.warnings, is_chinese())
        self.summary.set_data(data)
        self._queue_trends(group, data)
        self.refill_saved_extras(group, data)

    def _queue_trends(self, group: QgsLayerTreeGroup, data: MapData) -> None:
        """Spearman trends over the years read the whole history: computed after the
        maps, in a task of their own (a newer assessment cancels it), then shown."""
        if len(data.periods) < TREND_MIN_YEARS or data.bundle is None:
            return
        target, key = group_source(group).core_target(), self.source_key

        def work(progress, cancelled):
            return compute_trends(target, data.period, progress, cancelled)

        def done(trends) -> None:
            if trends is not None and self.data is data and _alive(self.summary):
                data.bundle.trends, data.bundle.group_trends = trends
                self.summary.set_data(data)

        self.db_tasks.submit(tr("Trends over the years"), work, done, self.error,
                             key=f"assess:{key}")

    def _density_toggled(self, on: bool) -> None:
        group = self.group()
        if group is not None and self.data is not None:
            build_maps(group, self.data, self.project, density=on)

    def choose_period(self, kind: str, index: int = -1) -> str | None:
        """Select a period of ``kind`` (year, quarter, month, range) as the user would."""
        return self.period_picker.choose(kind, index)

    def show_map(self, key: str) -> None:
        """Show map ``key`` on the canvas (its map theme)."""
        view = self.iface.layerTreeView() if self.iface is not None else None
        model = view.layerTreeModel() if hasattr(view, "layerTreeModel") else None
        try:
            apply_theme(self.project, key, model if _is_model(model) else None)
        except Exception as exc:  # noqa: BLE001
            self.error(exc)

    # --- warnings --------------------------------------------------------------------
    def warnings_count(self) -> int:
        return self.warnings_panel.count()

    def click_warning(self, index: int = 0) -> str | None:
        """Act as a click on the ``index``-th warning (most severe first)."""
        return self.warnings_panel.click(index)

    def section_lonlat(self, code: str) -> list[float] | None:
        """Longitude and latitude of section ``code``."""
        feature = self._section_feature(code)
        if feature is None:
            return None
        point = feature.geometry().asPoint()
        return [point.x(), point.y()]

    def _section_feature(self, code: str):
        from qgis.core import QgsExpression, QgsFeatureRequest

        layer = self.base_layer("sections")
        if layer is None:
            return None
        request = QgsFeatureRequest().setFilterExpression(
            f'"code" = {QgsExpression.quotedValue(code)}')
        return next(layer.getFeatures(request), None)

    def zoom_to_section(self, code: str) -> bool:
        """Centre the canvas on section ``code`` and flash it."""
        layer = self.base_layer("sections")
        feature = self._section_feature(code)
        if feature is None or self.iface is None:
            return False
        point = feature.geometry().asPoint()
        zoom_canvas_to(self.iface.mapCanvas(), point.x(), point.y(), layer.crs(), self.project)
        self.iface.mapCanvas().flashFeatureIds(layer, [feature.id()])
        return True

    # --- unload --------------------------------------------------------------------
    def unload(self) -> None:
        """Release the map tool, the highlight, the project signals and running tasks."""
        from .layer_loading import stop_loaders
        from .retired_layers import release_all
        from .tasks import stop_tasks

        for signal, slot in ((self.project.readProject, self._project_read),
                             (self.project.cleared, self._project_cleared)):
            with contextlib.suppress(TypeError, RuntimeError):
                signal.disconnect(slot)
        if self.export_task is not None:
            self.export_task.cancel()
        self.cancel_atlas()
        self.trace_panel.unload()
        self.db_tasks.clear()
        stop_loaders()
        stop_tasks()
        release_all()


def _alive(widget: Any) -> bool:
    """Whether ``widget``'s C++ object still exists (a task may end after an unload)."""
    try:
        widget.objectName()
    except RuntimeError:
        return False
    return True


def _saved_period(group: QgsLayerTreeGroup) -> tuple[str | None, tuple[str, str] | None]:
    """The period and comparison last assessed for ``group`` (kept in the project)."""
    saved = str(group.customProperty(PROP_PERIOD) or "")
    period, _, compare = saved.partition("|")
    before, _, after = compare.partition(">")
    return period or None, (before, after) if before and after else None


def _is_model(model: Any) -> bool:
    from qgis.core import QgsLayerTreeModel

    return isinstance(model, QgsLayerTreeModel)

