"""A minimal ``QgisInterface`` for running the plugin in headless QGIS (scripts/demo.py).

It offers what the plugin uses — a real (offscreen) main window with a menu bar,
toolbars and docks, a map canvas bound to the project, a message bar — and records
the messages pushed to the bar so that scripts can print them.
"""

from __future__ import annotations

from qgis.core import QgsMapLayer, QgsProject, QgsVectorLayer
from qgis.gui import QgsLayerTreeMapCanvasBridge, QgsLayerTreeView, QgsMapCanvas, QgsMessageBar
from qgis.PyQt.QtCore import QObject, QSize
from qgis.PyQt.QtWidgets import QDockWidget, QMainWindow, QMenu, QToolBar


class HeadlessInterface(QObject):
    """The parts of ``qgis.gui.QgisInterface`` a plugin commonly calls."""

    def __init__(self) -> None:
        super().__init__()
        self._window = QMainWindow()
        self._window.setObjectName("QgisApp")
        self._window.resize(1200, 800)
        self._canvas = QgsMapCanvas(self._window)
        self._window.setCentralWidget(self._canvas)
        self._bridge = QgsLayerTreeMapCanvasBridge(
            QgsProject.instance().layerTreeRoot(), self._canvas
        )
        self._tree_view = QgsLayerTreeView(self._window)
        self._message_bar = QgsMessageBar(self._window)
        self.messages: list[str] = []
        self._message_bar.widgetAdded.connect(self._record)
        menu_bar = self._window.menuBar()
        self._plugin_menu = menu_bar.addMenu("&Plugins")
        self._help_menu = menu_bar.addMenu("&Help")
        self._active_layer: QgsMapLayer | None = None

    def _record(self, item) -> None:
        self.messages.append(f"{item.title()}: {item.text()}")

    def mainWindow(self) -> QMainWindow:
        return self._window

    def mapCanvas(self) -> QgsMapCanvas:
        return self._canvas

    def layerTreeView(self) -> QgsLayerTreeView:
        return self._tree_view

    def messageBar(self) -> QgsMessageBar:
        return self._message_bar

    def helpMenu(self) -> QMenu:
        return self._help_menu

    def pluginMenu(self) -> QMenu:
        return self._plugin_menu

    def addToolBar(self, name: str) -> QToolBar:
        return self._window.addToolBar(name)

    def addDockWidget(self, area, dock: QDockWidget) -> None:
        self._window.addDockWidget(area, dock)

    def removeDockWidget(self, dock: QDockWidget) -> None:
        self._window.removeDockWidget(dock)

    def addPluginToMenu(self, name: str, action) -> None:
        self._plugin_menu.addAction(action)

    def removePluginMenu(self, name: str, action) -> None:
        self._plugin_menu.removeAction(action)

    def iconSize(self, docked: bool = False) -> QSize:
        return QSize(16, 16) if docked else QSize(24, 24)

    def activeLayer(self) -> QgsMapLayer | None:
        return self._active_layer

    def setActiveLayer(self, layer: QgsMapLayer) -> bool:
        self._active_layer = layer
        return True

    def addVectorLayer(self, uri: str, name: str, provider: str) -> QgsVectorLayer | None:
        layer = QgsVectorLayer(uri, name, provider)
        if not layer.isValid():
            return None
        QgsProject.instance().addMapLayer(layer)
        return layer

    def newProject(self, prompt: bool = False) -> bool:
        QgsProject.instance().clear()
        return True
