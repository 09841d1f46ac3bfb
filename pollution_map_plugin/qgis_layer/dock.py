"""The plugin's dock panel (filled in by the QGIS-layer issue)."""

from __future__ import annotations

from qgis.PyQt.QtWidgets import QDockWidget, QLabel, QWidget

from .i18n import tr


class PollutionDock(QDockWidget):
    """Dock with the plugin's tools: database, period, maps, tracing, warnings, export."""

    OBJECT_NAME = "PollutionMapDock"

    def __init__(self, iface, parent: QWidget | None = None) -> None:
        super().__init__(tr("Pollution Map"), parent)
        self.iface = iface
        self.setObjectName(self.OBJECT_NAME)
        self.setWidget(QLabel(tr("No database loaded.")))
