"""The plugin object QGIS drives: toolbar, menu, dock panel and Processing provider.

``initProcessing`` alone runs under ``qgis_process`` (no ``iface``); ``initGui``
adds the user interface; ``unload`` removes every object either created.
"""

from __future__ import annotations

import sys

from qgis.core import Qgis, QgsApplication
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtGui import QIcon
from qgis.PyQt.QtWidgets import QDockWidget, QMenu, QToolBar

try:  # Qt 6: QAction lives in QtGui
    from qgis.PyQt.QtGui import QAction
except ImportError:  # Qt 5
    from qgis.PyQt.QtWidgets import QAction

from . import paths
from .processing_provider.provider import PollutionMapProvider
from .qgis_desktop.dependencies import (
    OPTIONAL_FEATURE_MODULES,
    install_hint,
    missing_packages_of,
    require,
)
from .qgis_desktop.translation import install_translator, remove_translator, tr

OBJECT_PREFIX = "PollutionMap"


class PollutionMapPlugin:
    """QGIS plugin entry object (see ``classFactory``)."""

    TOOLBAR_NAME = "PollutionMapToolbar"
    MENU_NAME = "PollutionMapMenu"

    def __init__(self, iface) -> None:
        self.iface = iface
        self.translator = install_translator()
        self.provider: PollutionMapProvider | None = None
        self.toolbar: QToolBar | None = None
        self.menu: QMenu | None = None
        self.dock: QDockWidget | None = None
        self.actions: list[QAction] = []

    # Processing -------------------------------------------------------------------
    def initProcessing(self) -> None:
        """Register the Processing provider (once)."""
        if self.provider is not None:
            return
        provider = PollutionMapProvider()
        if QgsApplication.processingRegistry().addProvider(provider):
            self.provider = provider

    # GUI ----------------------------------------------------------------------------
    def initGui(self) -> None:
        """Create the dock, actions, toolbar and menu; register the provider."""
        self.initProcessing()
        if self.iface is None:
            return
        main_window = self.iface.mainWindow()
        icon = QIcon(str(paths.icon_path()))
        self.dock = self._create_dock()

        panel = self._add_action("PanelAction", icon, tr("Pollution Map panel"))
        panel.setCheckable(True)
        panel.setToolTip(tr("Show or hide the Pollution Map panel"))
        if self.dock is not None:
            panel.setChecked(self.dock.isVisible())
            # triggered (user action only), not toggled: a dock hidden behind a tab
            # reports visibilityChanged(False) and must not be closed by that.
            panel.triggered.connect(self.dock.setVisible)
            self.dock.visibilityChanged.connect(panel.setChecked)
        else:
            panel.setEnabled(False)
        deps = self._add_action("DependenciesAction", QIcon(), tr("Check Python packages"))
        deps.triggered.connect(self.check_dependencies)
        about = self._add_action("AboutAction", QIcon(), tr("About Pollution Map"))
        about.triggered.connect(self.show_about)
        guide = self._add_action("HelpAction", QIcon(), tr("Usage guide"))
        guide.triggered.connect(self.show_help)

        self.toolbar = self.iface.addToolBar(tr("Pollution Map"))
        self.toolbar.setObjectName(self.TOOLBAR_NAME)
        self.toolbar.addAction(panel)

        self.menu = QMenu(tr("Pollution Map / 污染源地图"), main_window)
        self.menu.setObjectName(self.MENU_NAME)
        for action in self.actions:
            self.menu.addAction(action)
        menu_bar = main_window.menuBar()
        help_menu = self.iface.helpMenu()
        if isinstance(help_menu, QMenu):
            menu_bar.insertMenu(help_menu.menuAction(), self.menu)
        else:
            menu_bar.addMenu(self.menu)

    def _add_action(self, name: str, icon: QIcon, text: str) -> QAction:
        action = QAction(icon, text, self.iface.mainWindow())
        action.setObjectName(OBJECT_PREFIX + name)
        self.actions.append(action)
        return action

    def _create_dock(self) -> QDockWidget | None:
        """The dock panel; None (with an explanation) when it cannot be built."""
        try:
            from .qgis_desktop.dock import PollutionDock

            dock = PollutionDock(self.iface, self.iface.mainWindow())
        except ImportError as exc:
            missing = missing_packages_of([exc])
            self.iface.messageBar().pushMessage(
                tr("Pollution Map"),
                tr("The panel is unavailable: {error}").format(
                    error=install_hint(missing) if missing else exc
                ),
                Qgis.MessageLevel.Warning,
                0,
            )
            return None
        self.iface.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        return dock

    # Actions ------------------------------------------------------------------------
    def check_dependencies(self) -> bool:
        """Tell in the message bar whether the optional Python packages are installed."""
        if not require(*OPTIONAL_FEATURE_MODULES, iface=self.iface):
            return False
        self.iface.messageBar().pushMessage(
            tr("Pollution Map"),
            tr("All optional Python packages are installed."),
            Qgis.MessageLevel.Success,
            5,
        )
        return True

    def show_about(self) -> None:
        """Show the plugin and QGIS versions in the message bar."""
        self.iface.messageBar().pushMessage(
            tr("Pollution Map"),
            tr("Pollution Map {version} on QGIS {qgis}").format(
                version=paths.plugin_version(), qgis=Qgis.version()
            ),
            Qgis.MessageLevel.Info,
            10,
        )

    def show_help(self) -> bool:
        """Open the bundled usage guide (offline) in the system's browser."""
        from qgis.PyQt.QtCore import QUrl
        from qgis.PyQt.QtGui import QDesktopServices

        path = paths.help_path()
        if not path.is_file():
            self.iface.messageBar().pushMessage(
                tr("Pollution Map"), tr("The usage guide is missing: {0}").format(path),
                Qgis.MessageLevel.Warning, 0)
            return False
        return bool(QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))))

    # Unload -------------------------------------------------------------------------
    def unload(self) -> None:
        """Remove the provider, menu, toolbar, dock, actions and translator."""
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
        if self.iface is not None:
            main_window = self.iface.mainWindow()
            if self.menu is not None:
                main_window.menuBar().removeAction(self.menu.menuAction())
                self.menu.deleteLater()
            if self.toolbar is not None:
                main_window.removeToolBar(self.toolbar)
                self.toolbar.deleteLater()
            if self.dock is not None:
                cleanup = getattr(self.dock, "unload", None)
                if callable(cleanup):  # map tools, project signals, running tasks
                    cleanup()
                self.iface.removeDockWidget(self.dock)
                self.dock.deleteLater()
            for action in self.actions:
                action.deleteLater()
        self.menu = self.toolbar = self.dock = None
        self.actions = []
        remove_translator(self.translator)
        self.translator = None
        _let_qgis_unload_all_modules()


def _let_qgis_unload_all_modules() -> None:
    """Have QGIS drop every sub-module of the plugin after ``unload``.

    QGIS forgets only the modules it saw imported through ``builtins.__import__``;
    parent packages of ``from .a.b import c`` and modules imported with importlib
    would stay in ``sys.modules`` and survive a reload.
    """
    from qgis import utils

    package = __package__ or __name__.rpartition(".")[0]
    tracked = getattr(utils, "_plugin_modules", None)
    if isinstance(tracked, dict) and isinstance(tracked.get(package), set):
        tracked[package].update(
            name for name in list(sys.modules) if name.startswith(package + ".")
        )
