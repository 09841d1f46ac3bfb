"""The Processing provider "pollutionmap": every algorithm of every area."""

from __future__ import annotations

import sys

from qgis.core import Qgis, QgsMessageLog, QgsProcessingProvider
from qgis.PyQt.QtGui import QIcon

from .. import paths
from ..qgis_desktop.dependencies import missing_packages_of, require
from ..qgis_desktop.translation import tr

PROVIDER_ID = "pollutionmap"
# One module per area, each with ``ALGORITHMS`` (a list of algorithm classes).
ALGORITHM_MODULES = (
    "about_algorithms",
    "database_algorithms",
    "demo_algorithms",
    "import_algorithms",
    "network_algorithms",
    "analysis_algorithms",
    "method_algorithms",
    "html_algorithms",
    "maps_algorithms",
    "district_algorithms",
)


def algorithm_classes() -> tuple[list[type], dict[str, Exception]]:
    """The algorithm classes of every module, and the modules that failed to import.

    Modules are imported through ``__import__`` so that QGIS's plugin loader tracks
    them and removes them on unload.  A module that fails to import (e.g. because it
    imports a missing package at module level) loses its algorithms, not the provider.
    """
    classes: list[type] = []
    errors: dict[str, Exception] = {}
    for name in ALGORITHM_MODULES:
        full = f"{__package__}.{name}"
        try:
            __import__(full, fromlist=["ALGORITHMS"])
        except Exception as exc:  # noqa: BLE001 - report and keep the other areas
            errors[name] = exc
            continue
        classes.extend(getattr(sys.modules[full], "ALGORITHMS", []))
    return classes, errors


class PollutionMapProvider(QgsProcessingProvider):
    """Registers the plugin's algorithms with Processing."""

    def __init__(self) -> None:
        super().__init__()
        self.import_errors: dict[str, Exception] = {}

    def id(self) -> str:
        return PROVIDER_ID

    def name(self) -> str:
        return tr("Pollution Map")

    def longName(self) -> str:
        return tr("Pollution Map {version}").format(version=paths.plugin_version())

    def icon(self) -> QIcon:
        return QIcon(str(paths.icon_path()))

    def versionInfo(self) -> str:
        return paths.plugin_version()

    def loadAlgorithms(self) -> None:
        classes, self.import_errors = algorithm_classes()
        for module, error in self.import_errors.items():
            QgsMessageLog.logMessage(
                tr("Algorithms of {module} unavailable: {error}").format(
                    module=module, error=f"{type(error).__name__}: {error}"
                ),
                tr("Pollution Map"),
                Qgis.MessageLevel.Warning,
            )
        missing = missing_packages_of(self.import_errors.values())
        if missing:
            require(*missing)  # explains how to install them
        for cls in classes:
            self.addAlgorithm(cls())
