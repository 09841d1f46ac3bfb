"""Processing: import a river network from line files, and link points to its reaches."""

from __future__ import annotations

from qgis.core import (
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProcessingOutputNumber,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterMultipleLayers,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
)

from .algorithm_base import PollutionAlgorithm
from .database_input import DatabaseInputMixin
from .processing_enums import number_type, source_type


def _ogr_source(source: str) -> str:
    """``path|layername=x|…`` (a QGIS layer source) → ``path|layer=x`` (or the path)."""
    path, *options = source.split("|")
    names = [o.split("=", 1)[1] for o in options if o.startswith("layername=")]
    return f"{path}|layer={names[0]}" if names else path


class _DatabaseAlgorithm(DatabaseInputMixin, PollutionAlgorithm):
    """The database: ``DatabaseInputMixin`` (the old ``DSN`` parameter still works); an
    older schema is migrated before writing, and said so."""

    GROUP_ID = "import"


class ImportNetwork(_DatabaseAlgorithm):
    """Rivers and reaches from line layers, oriented downstream."""

    NAME = "import_network"
    LINES = "LINES"
    NAME_FIELD = "NAME_FIELD"
    CRS = "CRS"
    OUTLET = "OUTLET"
    TOLERANCE = "TOLERANCE"
    BBOX = "BBOX"
    REPLACE = "REPLACE"
    LINK = "LINK"
    REPORT = "REPORT"
    REACHES = "REACHES"
    REVERSED = "REVERSED"

    def displayName(self) -> str:
        return self.tr("Import river network")

    def shortHelpString(self) -> str:
        return self.tr(
            "Builds the rivers and reaches tables from river lines (Shapefile, GeoPackage, "
            "GeoJSON; several files at once; files without a projection are read as lon/lat "
            "unless a CRS is given). Line ends within the tolerance are joined, lines split "
            "at junctions and pseudo-nodes merged; reaches are grouped into rivers by name. "
            "The outlet of each part is found from the network (or given) and every reach is "
            "oriented downstream; lines drawn against the flow are reported and turned. "
            "Every input feature is listed in the report as used, merged or dropped.")

    def initAlgorithm(self, config: dict | None = None) -> None:
        self.add_database_parameter()
        self.addParameter(QgsProcessingParameterMultipleLayers(
            self.LINES, self.tr("River line layers or files"),
            layerType=source_type("VectorLine")))
        self.addParameter(QgsProcessingParameterString(
            self.NAME_FIELD, self.tr("Field with river names (empty: detected)"),
            optional=True))
        self.addParameter(QgsProcessingParameterString(
            self.CRS, self.tr("CRS of files without one (empty: lon/lat EPSG:4490)"),
            optional=True))
        self.addParameter(QgsProcessingParameterString(
            self.OUTLET, self.tr("Outlet as lon,lat (empty: found from the network)"),
            optional=True))
        self.addParameter(QgsProcessingParameterNumber(
            self.TOLERANCE, self.tr("Snapping tolerance (m)"),
            type=number_type("Double"), defaultValue=20.0, minValue=0.001))
        self.addParameter(QgsProcessingParameterString(
            self.BBOX, self.tr("Cut to the box W,S,E,N in lon/lat (empty: everything)"),
            optional=True))
        self.addParameter(QgsProcessingParameterBoolean(
            self.REPLACE, self.tr("Replace the rivers and reaches already in the database"),
            defaultValue=False))
        self.addParameter(QgsProcessingParameterBoolean(
            self.LINK, self.tr("Link sections and sources to the new reaches"),
            defaultValue=True))
        self.addParameter(QgsProcessingParameterFileDestination(
            self.REPORT, self.tr("Per-feature report"), fileFilter="CSV (*.csv)",
            optional=True))
        self.addOutput(QgsProcessingOutputNumber(self.REACHES, self.tr("Reaches")))
        self.addOutput(QgsProcessingOutputNumber(self.REVERSED,
                                                 self.tr("Lines turned downstream")))

    @staticmethod
    def _numbers(text: str, count: int, what: str) -> tuple[float, ...] | None:
        text = (text or "").strip()
        if not text:
            return None
        try:
            values = tuple(float(v) for v in text.split(","))
        except ValueError:
            values = ()
        if len(values) != count:
            raise QgsProcessingException(what)
        return values

    def processAlgorithm(self, parameters: dict, context: QgsProcessingContext,
                         feedback: QgsProcessingFeedback) -> dict:
        self.require_modules("pandas", "geopandas", "scipy")
        from ..core.linking import link
        from ..core.network.network_import import NetworkImportOptions, import_network

        self.database_target(parameters, context)  # a database is given
        layers = self.parameterAsLayerList(parameters, self.LINES, context)
        sources = [_ogr_source(lyr.source()) for lyr in layers]
        if not sources:
            raise QgsProcessingException(self.tr("Give at least one line layer"))
        outlet = self._numbers(self.parameterAsString(parameters, self.OUTLET, context), 2,
                               self.tr("The outlet is lon,lat"))
        bbox = self._numbers(self.parameterAsString(parameters, self.BBOX, context), 4,
                             self.tr("The box is W,S,E,N"))
        opts = NetworkImportOptions(
            sources, crs=(self.parameterAsString(parameters, self.CRS, context) or None),
            name_field=(self.parameterAsString(parameters, self.NAME_FIELD, context) or None),
            outlets=[outlet] if outlet else [],
            tolerance_m=self.parameterAsDouble(parameters, self.TOLERANCE, context),
            bbox=bbox, replace=self.parameterAsBoolean(parameters, self.REPLACE, context))
        report = self.parameterAsFileOutput(parameters, self.REPORT, context)
        try:
            with self.open_current(parameters, context, feedback) as db:
                result = import_network(db, opts)
                for line in result.report_lines():
                    feedback.pushInfo(line)
                if report:
                    result.write_report(report)
                if self.parameterAsBoolean(parameters, self.LINK, context):
                    for line in link(db).report_lines():
                        feedback.pushInfo(line)
        except (KeyError, ValueError, FileNotFoundError) as exc:
            raise QgsProcessingException(str(exc)) from exc
        return {self.REACHES: len(result.reaches), self.REVERSED: len(result.reversed),
                self.REPORT: report}


class LinkToNetwork(_DatabaseAlgorithm):
    """Every section, outfall and source linked to its nearest reach."""

    NAME = "link_network"
    DRY_RUN = "DRY_RUN"
    REPORT = "REPORT"
    TOO_FAR = "TOO_FAR"

    def displayName(self) -> str:
        return self.tr("Link sections and sources to the network")

    def shortHelpString(self) -> str:
        return self.tr(
            "Gives every section, outfall, sewage plant, enterprise, farm, petrol station and "
            "park its reach: the reach code in the data, its outfall's reach, a river named in "
            "its name, or the nearest reach within the tolerance of its type. Records the "
            "method and the distance, fills the river where it is empty, and lists what is "
            "too far or disagrees with the data (the data is kept).")

    def initAlgorithm(self, config: dict | None = None) -> None:
        self.add_database_parameter()
        self.addParameter(QgsProcessingParameterBoolean(
            self.DRY_RUN, self.tr("Report only, write nothing"), defaultValue=False))
        self.addParameter(QgsProcessingParameterFileDestination(
            self.REPORT, self.tr("Link report"), fileFilter="CSV (*.csv)", optional=True))
        self.addOutput(QgsProcessingOutputNumber(self.TOO_FAR,
                                                 self.tr("Records too far from any reach")))

    def processAlgorithm(self, parameters: dict, context: QgsProcessingContext,
                         feedback: QgsProcessingFeedback) -> dict:
        self.require_modules("pandas", "geopandas", "scipy")
        from ..core.linking import LinkOptions, link

        self.database_target(parameters, context)  # a database is given
        report = self.parameterAsFileOutput(parameters, self.REPORT, context)
        dry = self.parameterAsBoolean(parameters, self.DRY_RUN, context)
        try:
            with self.open_current(parameters, context, feedback) as db:
                rep = link(db, LinkOptions(dry_run=dry))
        except (KeyError, ValueError) as exc:
            raise QgsProcessingException(str(exc)) from exc
        for line in rep.report_lines():
            feedback.pushInfo(line)
        if report:
            rep.rows.to_csv(report, index=False, encoding="utf-8-sig")
        return {self.TOO_FAR: int((rep.rows["status"] == "too_far").sum()),
                self.REPORT: report}


ALGORITHMS: list = [ImportNetwork, LinkToNetwork]
