"""The dock's trace panel: the pick tool, mode and distance, the ranked source list."""

from __future__ import annotations

import contextlib
from typing import Any, Callable

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsLayerTreeGroup,
    QgsPointXY,
    QgsProject,
    QgsRectangle,
)
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDoubleSpinBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from .connection import DataSource
from .dependencies import explain
from .layer_loading import group_layers
from .tasks import run_task
from .trace_share_bar import ShareBar, group_title
from .trace_tool import SectionPickTool, TraceHighlight, TraceSession, result_layers
from .translation import tr

TRACE_COLUMNS = ("rank", "name", "layer", "distance_km", "load", "score")
#: Columns of the list when an item is traced (the item's shares).
SHARE_COLUMNS = ("rank", "name", "group", "distance_km", "contribution_t_a", "share", "basis")
MAX_ROWS = 200  # sources listed (all are in "Save as layers")
AUTO_ITEM = "auto"  # the item combo's "main failing item"
TRACED_ITEMS = ("NH3N", "TP", "COD", "CODMn", "BOD5", "DO", "Oil", "VPhen", "CN", "S2",
                "F", "LAS", "Cr6", "Cd", "Pb", "Hg", "As", "Cu", "Zn")


def _item_title(code: str) -> str:
    from ..core import gb3838

    it = gb3838.ITEMS.get(code)
    return code if it is None else f"{code} {it.name_zh}"


def _basis_title(basis: str) -> str:
    return {"measured": tr("measured"), "permitted": tr("permitted"),
            "estimated": tr("estimated"), "proxy": tr("from COD / NH3-N")}.get(basis, basis)


def zoom_canvas_to(canvas: Any, x: float, y: float, crs: Any, project: QgsProject,
                   half_m: float = 2000.0) -> None:
    """Centre ``canvas`` on (x, y) in ``crs`` (default EPSG:4490) at a local scale."""
    src = crs or QgsCoordinateReferenceSystem("EPSG:4490")
    dest = canvas.mapSettings().destinationCrs()
    centre = QgsCoordinateTransform(src, dest, project).transform(QgsPointXY(x, y))
    geographic = dest.isGeographic() if dest.isValid() else src.isGeographic()
    half = half_m / 100000.0 if geographic else half_m
    canvas.setExtent(QgsRectangle(centre.x() - half, centre.y() - half,
                                  centre.x() + half, centre.y() + half))
    canvas.refresh()


def _type_title(table: str, title) -> str:
    """The source type in the user's language (a schema table name otherwise raw)."""
    try:
        return title(table)
    except KeyError:
        return table


class TracePanel(QGroupBox):
    """Trace from a clicked section; list the candidate sources ranked."""

    def __init__(self, iface: Any, project: QgsProject,
                 group: Callable[[], QgsLayerTreeGroup | None],
                 message: Callable[..., None]) -> None:
        super().__init__(tr("Trace upstream"))
        self.iface = iface
        self.project = project
        self.group = group
        self.message = message
        self.session: TraceSession | None = None
        self.result: Any = None
        self.tool: SectionPickTool | None = None
        self.task = None
        self.highlight = TraceHighlight(iface.mapCanvas()) if iface is not None else None
        box = QVBoxLayout(self)
        row = QHBoxLayout()
        self.pick_button = QPushButton(tr("Pick a section"))
        self.pick_button.setCheckable(True)
        self.pick_button.setToolTip(tr("Click a monitoring section on the map to trace from it"))
        self.pick_button.toggled.connect(self.set_tool_active)
        self.mode_combo = QComboBox()
        for mode, text in (("UT", tr("Upstream with tributaries")),
                           ("UM", tr("Upstream mainstem")), ("DM", tr("Downstream mainstem"))):
            self.mode_combo.addItem(text, mode)
        self.distance_spin = QDoubleSpinBox()
        self.distance_spin.setRange(0, 10000)
        self.distance_spin.setSuffix(" km")
        self.distance_spin.setSpecialValueText(tr("no limit"))
        self.item_combo = QComboBox()
        self.item_combo.setToolTip(tr("The pollutant whose sources are ranked by the load "
                                      "arriving at the section"))
        self.item_combo.addItem(tr("Main failing item"), AUTO_ITEM)
        self.item_combo.addItem(tr("All sources (equivalent load)"), "")
        for code in TRACED_ITEMS:
            self.item_combo.addItem(_item_title(code), code)
        self.item_combo.currentIndexChanged.connect(self._retrace)
        for widget in (self.pick_button, self.mode_combo):
            row.addWidget(widget)
        box.addLayout(row)
        item_row = QHBoxLayout()  # its own row: the panel must fit a narrow dock
        item_label = QLabel(tr("Item"))
        item_label.setBuddy(self.item_combo)
        item_row.addWidget(item_label)
        item_row.addWidget(self.item_combo, 1)
        item_row.addWidget(self.distance_spin)
        box.addLayout(item_row)
        for combo in (self.mode_combo, self.item_combo):
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(10)
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        box.addWidget(self.summary)
        self.bar = ShareBar()
        self.bar.setVisible(False)
        box.addWidget(self.bar)
        self.shares: Any = None
        self.section_code: str | None = None
        self.table = QTableWidget(0, len(TRACE_COLUMNS))
        self._set_headers(False)
        self.table.cellDoubleClicked.connect(self._zoom_to_source)
        self.table.setMinimumHeight(200)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        box.addWidget(self.table)
        row2 = QHBoxLayout()
        save = QPushButton(tr("Save as layers"))
        save.clicked.connect(self.save)
        clear = QPushButton(tr("Clear"))
        clear.clicked.connect(self.clear)
        row2.addWidget(save)
        row2.addWidget(clear)
        box.addLayout(row2)

    def set_source(self, source: DataSource) -> None:
        """A new current database: a new (lazily built) tracer."""
        self.session = TraceSession(source)
        self.clear()

    def set_period(self, period: str | None) -> None:
        """The period whose failing items the trace starts from (None: the latest year);
        the dock calls it when the user picks a period.  Traces again if one is shown."""
        if self.session is None:
            return
        try:
            self.session.set_period(period)
        except ValueError as exc:
            self.message(str(exc))
            return
        self._retrace()

    def set_tool_active(self, on: bool) -> None:
        """Activate the section pick tool on the canvas (or release it)."""
        canvas = self.iface.mapCanvas() if self.iface is not None else None
        group = self.group()
        if canvas is None or group is None:
            return
        if on:
            self.tool = SectionPickTool(canvas, group_layers(group)["sections"])
            self.tool.sectionPicked.connect(self.trace)
            self.tool.deactivated.connect(lambda: self.pick_button.setChecked(False))
            canvas.setMapTool(self.tool)
        elif self.tool is not None and canvas.mapTool() is self.tool:
            canvas.unsetMapTool(self.tool)

    def _set_headers(self, shares: bool) -> None:
        if shares:
            labels = [tr("Rank"), tr("Source"), tr("Type"), tr("Distance (km)"),
                      tr("At the section (t/a)"), tr("Share"), tr("Load from")]
        else:
            labels = [tr("Rank"), tr("Source"), tr("Type"), tr("Distance (km)"), tr("Load"),
                      tr("Score")]
        self.table.setColumnCount(len(labels))
        self.table.setHorizontalHeaderLabels(labels)

    def _retrace(self, _index: int = 0) -> None:
        if self.section_code is not None and self.session is not None \
                and self.session.tracer is not None:
            self.trace(self.section_code)

    def trace(self, section_code: str) -> None:
        """Trace from ``section_code``; the first trace builds the network in a task."""
        if self.session is None:
            return
        mode = self.mode_combo.currentData()
        distance = self.distance_spin.value() or None
        if self.session.tracer is None:
            self.task = run_task(tr("Building the river network"), self.session.build,
                                 lambda _t: self.trace(section_code),
                                 lambda exc: self.message(explain(exc)))
            return
        self.section_code = section_code
        item = self.item_combo.currentData()
        if item == AUTO_ITEM:
            item = self.session.main_item(section_code) or ""
        try:
            if item and mode in ("UT", "UM"):
                result, shares, notes = self.session.attribute(section_code, item, mode,
                                                               distance)
                self.show_result(result, shares)
                for note in notes:
                    self.message(note)
            else:
                self.show_result(self.session.trace(section_code, mode, distance))
        except ValueError as exc:
            self.message(str(exc))

    def show_result(self, result: Any, shares: Any = None) -> None:
        """Highlight a trace result and list its ranked sources (by ``shares`` of an
        item when given, else by the score of the equivalent load)."""
        self.result = result
        self.shares = shares
        if shares is not None:
            self._show_shares(result, shares)
            return
        self.bar.setVisible(False)
        self.summary.setText("")
        self._set_headers(False)
        if self.highlight is not None:
            self.highlight.show(result)
        frame = result.top(MAX_ROWS)  # the ranked head only: the outlet has 36,000 sources
        self._fill(frame, TRACE_COLUMNS)
        self.message(tr("{0}: {1} upstream reaches, {2} candidate sources").format(
            result.section.get("name") or result.section.get("code"),
            result.n_reaches, result.n_sources))

    def _fill(self, frame, columns) -> None:
        from .layer_loading import table_title

        self.table.setRowCount(len(frame))
        for r, row in enumerate(frame[list(columns)].itertuples(index=False)):
            for c, value in enumerate(row):
                name = columns[c]
                if name == "layer":
                    text = _type_title(str(value), table_title)
                elif name == "group":
                    text = group_title(str(value))
                elif name == "basis":
                    text = _basis_title(str(value))
                elif name == "share":
                    text = f"{100 * value:.1f} %"
                elif isinstance(value, float):
                    text = "" if value != value else f"{value:.3g}"
                else:
                    text = str(value)
                item = QTableWidgetItem(text)
                if isinstance(value, (int, float)) and name not in ("layer", "group", "basis"):
                    item.setTextAlignment(int(Qt.AlignmentFlag.AlignRight |
                                              Qt.AlignmentFlag.AlignVCenter))
                self.table.setItem(r, c, item)

    def _show_shares(self, result: Any, shares: Any) -> None:
        self._set_headers(True)
        if self.highlight is not None:
            self.highlight.show_shares(result, shares)
        frame = shares.sources_frame(MAX_ROWS)
        self._fill(frame, SHARE_COLUMNS)
        for r, (no_dir, lake) in enumerate(zip(frame["no_flow_direction"],
                                               frame["beyond_lake"])):
            notes = ([tr("reaches the section only through a reach without flow "
                         "direction")] if no_dir else []) + \
                    ([tr("reaches the section through a lake")] if lake else [])
            if notes:
                self.table.item(r, 1).setToolTip("; ".join(notes))
                self.table.item(r, 1).setText(self.table.item(r, 1).text() + " ⚠")
        contrib, _count = shares.group_totals()
        d = shares.denominator
        from ..core.network.load_estimates import SOURCE_GROUPS

        segments = [(g, c / d if d > 0 else 0.0) for g, c in zip(SOURCE_GROUPS, contrib)]
        segments.append(("not_covered", shares.not_covered_share))
        self.bar.set_shares(segments)
        self.bar.setVisible(True)
        text = tr("{0}: {1} sources make up {2} % of the modelled load ({3} with a load of "
                  "{4} candidates upstream)").format(
            _item_title(shares.item), shares.short_list_n,
            round(100 * shares.short_list_share), len(shares.pos), shares.n_candidates)
        if shares.observed_t_a is not None:
            text += tr("; {0} % of the observed load is not covered by listed "
                       "sources").format(round(100 * shares.not_covered_share))
        self.summary.setText(text)
        self.message(text)

    def listed_codes(self) -> list[str]:
        """Codes of the listed sources in rank order (what the user sees)."""
        if self.result is None:
            return []
        if self.shares is not None:
            return [str(c) for c in self.shares.sources_frame(MAX_ROWS)["code"]]
        return [str(c) for c in self.result.top(MAX_ROWS)["code"]]

    def save(self) -> list:
        """Save the current result as layers in the database group."""
        group = self.group()
        if self.result is None or group is None:
            return []
        return result_layers(self.result, group, self.project, self.shares)

    def unload(self) -> None:
        """Release the pick tool and the highlight (the plugin is being unloaded)."""
        canvas = self.iface.mapCanvas() if self.iface is not None else None
        if self.tool is not None:
            with contextlib.suppress(TypeError, RuntimeError):
                self.tool.deactivated.disconnect()
            if canvas is not None and canvas.mapTool() is self.tool:
                canvas.unsetMapTool(self.tool)
            self.tool = None
        self.clear()

    def clear(self) -> None:
        self.result = None
        self.shares = None
        self.section_code = None
        self.summary.setText("")
        self.bar.setVisible(False)
        self.table.setRowCount(0)
        if self.highlight is not None:
            self.highlight.clear()

    def _zoom_to_source(self, row: int, _col: int) -> None:
        if self.result is None or self.iface is None:
            return
        if self.shares is not None:
            geom = self.shares.source_geometries(row + 1)[row]
        else:
            geom = self.result.sources_gdf.geometry.iloc[row]
        zoom_canvas_to(self.iface.mapCanvas(), geom.x, geom.y, None, self.project)
        self.table.selectRow(row)
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
