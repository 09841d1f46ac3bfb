"""Processing: district (区县) polygons — import from a polygon file, statistics by
district (sections by class, share meeting target, sources by type and load)."""

from __future__ import annotations

from qgis.core import (
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterString,
)

from .algorithm_base import PollutionAlgorithm
from .database_input import DatabaseInputMixin


class DistrictStatistics(DatabaseInputMixin, PollutionAlgorithm):
    """``core.district_stats.district_statistics`` to a CSV table."""

    NAME = "district_statistics"
    GROUP_ID = "analysis"
    PERIOD = "PERIOD"
    BY_ATTRIBUTE = "BY_ATTRIBUTE"
    OUTPUT = "OUTPUT"
    ROWS = "ROWS"

    def displayName(self) -> str:
        return self.tr("Statistics by district")

    def shortHelpString(self) -> str:
        return self.tr(
            "Per district (区县): monitoring sections by water-quality class for the period, "
            "the share meeting their target, and pollution sources by type with their "
            "COD, NH3-N and TP loads; a total row last. Points are placed by the district "
            "polygons (or by their district attribute where the database has none)."
        )

    def initAlgorithm(self, config: dict | None = None) -> None:
        self.add_database_parameter()
        self.addParameter(QgsProcessingParameterString(
            self.PERIOD, self.tr("Period (e.g. 2024; empty: latest year)"), optional=True))
        self.addParameter(QgsProcessingParameterBoolean(
            self.BY_ATTRIBUTE, self.tr("Place points by their district attribute"), False))
        self.addParameter(QgsProcessingParameterFileDestination(
            self.OUTPUT, self.tr("Statistics table"), "CSV (*.csv)"))
        self.addOutput(QgsProcessingOutputNumber(self.ROWS, self.tr("Districts")))

    def processAlgorithm(self, parameters, context, feedback):
        from ..core.atomic_files import write_text_atomic
        from ..core.district_stats import DistrictStatsRequest, district_statistics

        out = self.parameterAsFileOutput(parameters, self.OUTPUT, context)
        target = self.database_target(parameters, context)
        self.check_outputs(files=(out,), database=target)
        period = self.parameterAsString(parameters, self.PERIOD, context).strip() or None
        by_polygon = not self.parameterAsBool(parameters, self.BY_ATTRIBUTE, context)
        with self.open_database(parameters, context) as db:
            try:
                stats = district_statistics(db, DistrictStatsRequest(period, by_polygon))
            except Exception as exc:  # noqa: BLE001 - shown in the Processing log
                raise QgsProcessingException(str(exc)) from exc
        write_text_atomic(out, stats.table.to_csv(index=False), encoding="utf-8-sig")
        for layer, n in stats.disagreements.items():
            feedback.pushWarning(self.tr("{0}: {1} point(s) whose district attribute differs "
                                         "from their polygon").format(layer, n))
        return {self.OUTPUT: out, self.ROWS: len(stats.table) - 1}


class ImportDistricts(DatabaseInputMixin, PollutionAlgorithm):
    """``core.district_import.import_districts``: replace the districts with a file's."""

    NAME = "import_districts"
    GROUP_ID = "import"
    FILE = "FILE"
    NAME_FIELD = "NAME_FIELD"
    CODE_FIELD = "CODE_FIELD"
    CRS = "CRS"
    REPORT = "REPORT"
    WRITTEN = "WRITTEN"

    def displayName(self) -> str:
        return self.tr("Import districts (区县) from a polygon file")

    def shortHelpString(self) -> str:
        return self.tr(
            "Replaces the districts layer with the polygons of a Shapefile, GeoPackage "
            "(path|layer=name) or GeoJSON: the name from a field such as name/名称/区县/XZQMC, "
            "the code from code/区划代码/adcode/XZQDM (or the fields given). Features without "
            "a polygon or a name are rejected and listed; duplicate codes write nothing."
        )

    def initAlgorithm(self, config: dict | None = None) -> None:
        self.add_database_parameter()
        self.addParameter(QgsProcessingParameterFile(self.FILE, self.tr("Polygon file")))
        for name, text in ((self.NAME_FIELD, self.tr("Name field (empty: guess)")),
                           (self.CODE_FIELD, self.tr("Code field (empty: guess)")),
                           (self.CRS, self.tr("CRS of a file without projection"))):
            self.addParameter(QgsProcessingParameterString(name, text, optional=True))
        self.addOutput(QgsProcessingOutputString(self.REPORT, self.tr("Report")))
        self.addOutput(QgsProcessingOutputNumber(self.WRITTEN, self.tr("Districts written")))

    def processAlgorithm(self, parameters, context, feedback):
        from ..core.district_import import DistrictImportOptions, import_districts

        def text(name: str) -> str | None:
            return self.parameterAsString(parameters, name, context).strip() or None

        options = DistrictImportOptions(self.parameterAsFile(parameters, self.FILE, context),
                                        text(self.NAME_FIELD), text(self.CODE_FIELD),
                                        text(self.CRS))
        with self.open_current(parameters, context, feedback) as db:
            try:
                report = import_districts(db, options)
            except Exception as exc:  # noqa: BLE001 - shown in the Processing log
                raise QgsProcessingException(str(exc)) from exc
        feedback.pushInfo(report.summary())
        return {self.REPORT: report.summary(), self.WRITTEN: report.written}


ALGORITHMS = [DistrictStatistics, ImportDistricts]
