"""Processing: export the river-chief reports, the overview and the index as HTML."""

from __future__ import annotations

from qgis.core import (
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProcessingOutputFile,
    QgsProcessingOutputFolder,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterString,
)

from .algorithm_base import PollutionAlgorithm
from .database_input import DatabaseInputMixin

BASEMAPS = ("none", "osm", "tianditu", "gaode")
LANGS = ("zh", "en")


class ExportHtml(DatabaseInputMixin, PollutionAlgorithm):
    """index.html, overview.html and one report (一河一策) per river, or one river.

    The database: ``DatabaseInputMixin`` (the old ``DSN`` parameter still works)."""

    NAME = "export_html"
    GROUP_ID = "html"
    RIVER = "RIVER"
    BASEMAP = "BASEMAP"
    LANGUAGE = "LANGUAGE"
    OFFLINE = "OFFLINE"
    PERIOD = "PERIOD"
    TIANDITU_KEY = "TIANDITU_KEY"
    OUTPUT = "OUTPUT"
    INDEX = "INDEX"

    def displayName(self) -> str:
        return self.tr("Export river reports as HTML (一河一策)")

    def shortHelpString(self) -> str:
        return self.tr(
            "Writes web pages from a pollution-source database: one report per key river "
            "(header with chiefs, period, overall quality; map with sections by class, "
            "sources, drinking-water areas; problems, warnings and projects), an overview "
            "of every source and section, and index.html linking them. Give a river code to "
            "write that river's report only. Scripts and styles are inlined, so the pages "
            "open without internet; offline, a tile basemap is offered but not loaded at "
            "start. Tianditu needs your key; Gaode shifts the data to GCJ-02.")

    def initAlgorithm(self, config: dict | None = None) -> None:
        self.add_database_parameter()
        self.addParameter(QgsProcessingParameterString(
            self.RIVER, self.tr("River code (empty: every key river, overview and index)"),
            optional=True))
        self.addParameter(QgsProcessingParameterEnum(
            self.BASEMAP, self.tr("Basemap"),
            options=[self.tr("None (water systems as background)"), "OpenStreetMap",
                     self.tr("Tianditu (needs a key)"), self.tr("Gaode (GCJ-02)")],
            defaultValue=0))
        self.addParameter(QgsProcessingParameterEnum(
            self.LANGUAGE, self.tr("Language"), options=["中文", "English"], defaultValue=0))
        self.addParameter(QgsProcessingParameterBoolean(
            self.OFFLINE, self.tr("Offline (no request to any other host at start)"),
            defaultValue=True))
        self.addParameter(QgsProcessingParameterString(
            self.PERIOD, self.tr("Period (e.g. 2024, 2024-Q3; empty: the latest year)"),
            optional=True))
        self.addParameter(QgsProcessingParameterString(
            self.TIANDITU_KEY, self.tr("Tianditu key (or the TIANDITU_KEY variable)"),
            optional=True))
        self.addParameter(QgsProcessingParameterFolderDestination(
            self.OUTPUT, self.tr("Output folder")))
        self.addOutput(QgsProcessingOutputFolder(self.OUTPUT, self.tr("Output folder")))
        self.addOutput(QgsProcessingOutputFile(self.INDEX, self.tr("Main page")))

    def processAlgorithm(self, parameters: dict, context: QgsProcessingContext,
                         feedback: QgsProcessingFeedback) -> dict:
        self.require_modules("pandas", "geopandas", "folium")
        from ..core.html import (
            ExportCancelled,
            ExportContext,
            HtmlExportOptions,
            export_all,
            export_river_report,
        )

        target = self.database_target(parameters, context)
        out = self.parameterAsString(parameters, self.OUTPUT, context)
        river = (self.parameterAsString(parameters, self.RIVER, context) or "").strip()
        period = (self.parameterAsString(parameters, self.PERIOD, context) or "").strip() or None
        key = (self.parameterAsString(parameters, self.TIANDITU_KEY, context) or "").strip()
        basemap = BASEMAPS[self.parameterAsEnum(parameters, self.BASEMAP, context)]
        lang = LANGS[self.parameterAsEnum(parameters, self.LANGUAGE, context)]
        offline = self.parameterAsBoolean(parameters, self.OFFLINE, context)
        self.check_outputs(folders=(out,), database=target)
        try:
            with self.open_database(parameters, context) as db:
                feedback.pushInfo(self.tr("Reading {db}").format(db=db.describe()))
                ctx = ExportContext(db, HtmlExportOptions(
                    period=period, lang=lang, basemap=basemap, offline=offline,
                    tianditu_key=key or None))
                if river:
                    main = export_river_report(ctx, river, out)
                else:
                    result = export_all(
                        ctx, out, progress=lambda f, msg: (feedback.setProgress(100 * f),
                                                           feedback.setProgressText(msg)),
                        cancel=feedback.isCanceled)
                    main = result.index
                    feedback.pushInfo(self.tr("{n} river reports").format(n=len(result.reports)))
        except ExportCancelled:
            feedback.reportError(self.tr("Cancelled; the files written so far stay."))
            return {self.OUTPUT: out, self.INDEX: ""}
        except (KeyError, ValueError, OSError) as exc:
            raise QgsProcessingException(str(exc)) from exc
        if not river:
            for page, reason in result.failed.items():
                feedback.reportError(self.tr("Not written: {page} ({reason})").format(
                    page=page, reason=reason))
        feedback.pushInfo(self.tr("Written: {path}").format(path=str(main)))
        return {self.OUTPUT: out, self.INDEX: str(main)}


ALGORITHMS: list = [ExportHtml]
