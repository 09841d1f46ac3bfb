"""Processing: render the five thematic maps of a database to PNG and PDF."""

from __future__ import annotations

from qgis.core import (
    Qgis,
    QgsProcessingAlgorithm,
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
)

from ..qgis_desktop.qgis_compat import enum_value
from .algorithm_base import PollutionAlgorithm, core_target, split_authcfg
from .database_input import DatabaseInputMixin
from .processing_enums import number_type


class RenderMaps(DatabaseInputMixin, PollutionAlgorithm):
    """The watershed, section, pollution, problem-water-body and change maps.

    The database: ``DatabaseInputMixin`` (``DATABASE`` keeps its name; it was a string
    parameter, and a string is still what it takes)."""

    NAME = "render_maps"
    GROUP_ID = "maps"
    PERIOD = "PERIOD"
    BEFORE = "COMPARE_FROM"
    AFTER = "COMPARE_TO"
    DENSITY = "DENSITY"
    DPI = "DPI"
    OUTPUT = "OUTPUT"
    FILES = "FILES"
    COUNT = "COUNT"

    def displayName(self) -> str:
        return self.tr("Render the five thematic maps (PNG + PDF)")

    def shortHelpString(self) -> str:
        return self.tr(
            "Loads the database (a GeoPackage, a PostgreSQL connection string or a saved "
            "connection) "
            "into a project of its own, assesses the period (default: the latest year "
            "with data) and exports the watershed river-system, monitoring-section, "
            "pollution-distribution, problem-water-body and water-quality change maps as "
            "A4 print layouts to PNG and PDF."
        )

    def flags(self):
        # print layouts render project layers: run on the main thread
        no_threading = enum_value(Qgis, "ProcessingAlgorithmFlag", "NoThreading",
                                  QgsProcessingAlgorithm, "FlagNoThreading")
        return super().flags() | no_threading

    def initAlgorithm(self, config: dict | None = None) -> None:
        self.add_database_parameter()
        for name, text in ((self.PERIOD, self.tr("Period (e.g. 2024; empty: latest year)")),
                           (self.BEFORE, self.tr("Change map: first period")),
                           (self.AFTER, self.tr("Change map: second period"))):
            self.addParameter(QgsProcessingParameterString(name, text, optional=True))
        self.addParameter(QgsProcessingParameterBoolean(
            self.DENSITY, self.tr("Add the pollution-load density (heatmap)"), False))
        integer = number_type("Integer")
        self.addParameter(QgsProcessingParameterNumber(
            self.DPI, self.tr("PNG resolution (dpi)"), integer, 150, False, 50, 600))
        self.addParameter(QgsProcessingParameterFolderDestination(
            self.OUTPUT, self.tr("Output folder")))
        self.addOutput(QgsProcessingOutputString(self.FILES, self.tr("Written files")))
        self.addOutput(QgsProcessingOutputNumber(self.COUNT, self.tr("Number of files")))

    def processAlgorithm(self, parameters, context, feedback):
        self.require_modules("geopandas", "scipy")  # scipy: the problem-water-body map
        from ..qgis_desktop.render import render_maps

        target = self.database_target(parameters, context)
        period = self.parameterAsString(parameters, self.PERIOD, context).strip() or None
        before = self.parameterAsString(parameters, self.BEFORE, context).strip()
        after = self.parameterAsString(parameters, self.AFTER, context).strip()
        if bool(before) != bool(after):
            raise QgsProcessingException(self.tr("Give both change periods or neither."))
        out = self.parameterAsString(parameters, self.OUTPUT, context)
        self.check_outputs(folders=(out,), database=target)
        if split_authcfg(target)[1]:
            target = core_target(target)  # QGIS's auth database gives the credentials
        try:
            files = render_maps(target, out, period, (before, after) if before else None,
                                self.parameterAsInt(parameters, self.DPI, context),
                                self.parameterAsBool(parameters, self.DENSITY, context),
                                feedback)
        except QgsProcessingException:
            raise
        except Exception as exc:  # noqa: BLE001 - shown in the Processing log
            raise QgsProcessingException(str(exc)) from exc
        for path in files:
            feedback.pushInfo(str(path))
        return {self.OUTPUT: out, self.FILES: ";".join(str(p) for p in files),
                self.COUNT: len(files)}


class RenderAtlas(DatabaseInputMixin, PollutionAlgorithm):
    """The one-river atlas (一河一策图册): one PDF per river plus an index."""

    NAME = "render_atlas"
    GROUP_ID = "maps"
    RIVERS = "RIVERS"
    PERIOD = "PERIOD"
    DPI = "DPI"
    PNG = "PNG"
    OUTPUT = "OUTPUT"
    FILES = "FILES"
    COUNT = "COUNT"

    def displayName(self) -> str:
        return self.tr("Render the one-river atlas (一河一策图册)")

    def shortHelpString(self) -> str:
        return self.tr(
            "Per river (default: the key rivers; or codes/names separated by commas, or "
            "'all'): a cover with the dossier facts, the five thematic maps zoomed to the "
            "river's catchment and clipped to it, and its tables (sections and classes, "
            "problems, largest sources, projects), through a QGIS atlas layout. Writes one "
            "PDF per river, index.html and index.csv."
        )

    def flags(self):
        no_threading = enum_value(Qgis, "ProcessingAlgorithmFlag", "NoThreading",
                                  QgsProcessingAlgorithm, "FlagNoThreading")
        return super().flags() | no_threading

    def initAlgorithm(self, config: dict | None = None) -> None:
        self.add_database_parameter()
        self.addParameter(QgsProcessingParameterString(
            self.RIVERS, self.tr("Rivers (codes or names, comma-separated; empty: key "
                                 "rivers; all: every river)"), optional=True))
        self.addParameter(QgsProcessingParameterString(
            self.PERIOD, self.tr("Period (e.g. 2024; empty: latest year)"), optional=True))
        self.addParameter(QgsProcessingParameterNumber(
            self.DPI, self.tr("Resolution (dpi)"), number_type("Integer"), 150, False, 50, 600))
        self.addParameter(QgsProcessingParameterBoolean(
            self.PNG, self.tr("Also a PNG of every page"), False))
        self.addParameter(QgsProcessingParameterFolderDestination(
            self.OUTPUT, self.tr("Output folder")))
        self.addOutput(QgsProcessingOutputString(self.FILES, self.tr("Written files")))
        self.addOutput(QgsProcessingOutputNumber(self.COUNT, self.tr("Number of files")))

    def processAlgorithm(self, parameters, context, feedback):
        self.require_modules("geopandas", "scipy")
        from ..qgis_desktop.render import render_atlas

        target = self.database_target(parameters, context)
        out = self.parameterAsString(parameters, self.OUTPUT, context)
        self.check_outputs(folders=(out,), database=target)
        if split_authcfg(target)[1]:
            target = core_target(target)
        text = self.parameterAsString(parameters, self.RIVERS, context).strip()
        rivers = "key" if not text else "all" if text.lower() == "all" else [
            t.strip() for t in text.replace("，", ",").split(",") if t.strip()]
        period = self.parameterAsString(parameters, self.PERIOD, context).strip() or None
        try:
            files = render_atlas(target, out, rivers, period,
                                 self.parameterAsInt(parameters, self.DPI, context),
                                 self.parameterAsBool(parameters, self.PNG, context), feedback)
        except QgsProcessingException:
            raise
        except Exception as exc:  # noqa: BLE001 - shown in the Processing log
            raise QgsProcessingException(str(exc)) from exc
        if feedback.isCanceled():
            return {self.OUTPUT: out, self.FILES: "", self.COUNT: 0}
        return {self.OUTPUT: out, self.FILES: ";".join(str(p) for p in files),
                self.COUNT: len(files)}


ALGORITHMS = [RenderMaps, RenderAtlas]
