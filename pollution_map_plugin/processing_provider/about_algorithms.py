"""The "About / version" algorithm: plugin, QGIS, Python and dependency versions."""

from __future__ import annotations

import importlib
import json
import platform
from importlib import metadata as importlib_metadata

from qgis.core import (
    Qgis,
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProcessingOutputString,
)

from .. import paths
from .algorithm_base import PollutionAlgorithm

# import name → distribution name, for the versions the core relies on.
CORE_DEPENDENCIES: dict[str, str] = {
    "numpy": "numpy",
    "pandas": "pandas",
    "shapely": "shapely",
    "pyproj": "pyproj",
    "geopandas": "geopandas",
    "folium": "folium",
    "branca": "branca",
    "psycopg2": "psycopg2",
    "openpyxl": "openpyxl",
    "scipy": "scipy",
    "osgeo": "GDAL",
}


def module_version(module: str, distribution: str | None = None) -> str | None:
    """Version of ``module``; None when it does not import."""
    try:
        mod = importlib.import_module(module)
    except Exception:  # noqa: BLE001 - a broken install counts as missing
        return None
    version = getattr(mod, "__version__", None)
    if module == "osgeo":
        from osgeo import gdal

        version = gdal.__version__
    if not version or version in ("unknown", "0.0.0"):
        try:
            version = importlib_metadata.version(distribution or module)
        except importlib_metadata.PackageNotFoundError:
            version = None
    if not version or version == "0.0.0":
        return "unknown"
    return str(version).split()[0]  # psycopg2 appends build flags


def dependency_versions() -> dict[str, str | None]:
    """Import name → version (None when missing) of every core dependency."""
    return {m: module_version(m, d) for m, d in CORE_DEPENDENCIES.items()}


class AboutAlgorithm(PollutionAlgorithm):
    """Report the plugin version and the versions it runs with."""

    NAME = "about"
    VERSION = "VERSION"
    QGIS_VERSION = "QGIS_VERSION"
    PYTHON_VERSION = "PYTHON_VERSION"
    DEPENDENCIES = "DEPENDENCIES"

    def displayName(self) -> str:
        return self.tr("About / version")

    def shortHelpString(self) -> str:
        return self.tr(
            "Reports the version of the Pollution Map plugin, of QGIS and Python, and of "
            "the Python packages it uses (missing ones are reported as missing)."
        )

    def initAlgorithm(self, config: dict | None = None) -> None:
        self.addOutput(QgsProcessingOutputString(self.VERSION, self.tr("Plugin version")))
        self.addOutput(QgsProcessingOutputString(self.QGIS_VERSION, self.tr("QGIS version")))
        self.addOutput(
            QgsProcessingOutputString(self.PYTHON_VERSION, self.tr("Python version"))
        )
        self.addOutput(
            QgsProcessingOutputString(self.DEPENDENCIES, self.tr("Dependency versions (JSON)"))
        )

    def processAlgorithm(
        self, parameters: dict, context: QgsProcessingContext, feedback: QgsProcessingFeedback
    ) -> dict:
        versions = dependency_versions()
        feedback.pushInfo(self.tr("Pollution Map {version}").format(version=paths.plugin_version()))
        feedback.pushInfo(self.tr("QGIS {version}").format(version=Qgis.version()))
        for module, version in versions.items():
            feedback.pushInfo(f"{module}: {version or self.tr('missing')}")
        return {
            self.VERSION: paths.plugin_version(),
            self.QGIS_VERSION: Qgis.version(),
            self.PYTHON_VERSION: platform.python_version(),
            self.DEPENDENCIES: json.dumps(versions, sort_keys=True),
        }


ALGORITHMS: list = [AboutAlgorithm]
