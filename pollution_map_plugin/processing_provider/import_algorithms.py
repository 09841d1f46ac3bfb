"""The "Import table" algorithm: a CSV/XLSX file into a table, validated, with a rejects file."""

from __future__ import annotations

from qgis.core import (
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
)

from .algorithm_base import PollutionAlgorithm
from .database_input import DatabaseInputMixin
from .processing_enums import file_behavior, number_type

# Kept in step with core.importer.IMPORTABLE_TABLES (not imported here: the core needs
# pandas, which the plugin must not require just to list its algorithms).
TABLES = ("enterprises", "outfalls", "sewage_plants", "livestock_farms", "petrol_stations",
          "sections", "measurements", "river_chiefs", "problems", "projects")
CRS_VALUES = ("wgs84", "cgcs2000", "gcj02", "bd09")
ENCODINGS = ("auto", "utf-8", "gbk", "gb18030", "big5")
BLANKS = ("keep", "clear")  # core.importer.BLANK_CHOICES
WATER_BODIES = ("guess", "river", "lake")  # core.importer.options.WATER_BODY_CHOICES


def parse_mapping_text(text: str | None) -> dict[str, str]:
    """``"单位=name; 备注="`` → ``{"单位": "name", "备注": ""}`` (``;`` or new lines)."""
    mapping: dict[str, str] = {}
    for part in (text or "").replace("\n", ";").split(";"):
        if not part.strip():
            continue
        if "=" not in part:
            raise ValueError(f"expected 'header=column', not {part.strip()!r}")
        header, column = part.rsplit("=", 1)
        mapping[header.strip()] = column.strip()
    return mapping


class ImportTable(DatabaseInputMixin, PollutionAlgorithm):
    """Import a CSV or XLSX file into one table of the database (``DatabaseInputMixin``)."""

    NAME = "import_table"
    GROUP_ID = "import"
    TABLE = "TABLE"
    INPUT = "INPUT"
    CRS = "CRS"
    ENCODING = "ENCODING"
    SHEET = "SHEET"
    MAPPING = "MAPPING"
    REJECTS = "REJECTS"
    BLANK = "BLANK"
    YEAR = "YEAR"
    CREATE_SECTIONS = "CREATE_SECTIONS"
    WATER_BODY = "WATER_BODY"
    CLASS_REPORT = "CLASS_REPORT"
    COUNTS = ("ROWS_READ", "ACCEPTED", "REJECTED", "INSERTED", "UPDATED", "UNCHANGED")

    def displayName(self) -> str:
        return self.tr("Import table from CSV/XLSX")

    def shortHelpString(self) -> str:
        return self.tr(
            "Imports a CSV (UTF-8, UTF-8 with BOM, GBK or GB18030, detected) or XLSX file "
            "into a table of the pollution-source database. Headers may be Chinese or "
            "English (企业名称/name, 经度/lon, 纬度/lat, …) or mapped explicitly as "
            "'header=column; header=column'. Coordinates may be decimal or "
            "degrees-minutes-seconds in WGS84, CGCS2000, GCJ-02 (Amap, Tencent) or BD-09 "
            "(Baidu); they are stored in CGCS2000. Every row is validated; rejected rows go "
            "to the rejects file with their line number and reason. The accepted rows are "
            "written in one transaction, inserting or updating by the natural key: "
            "importing the same file again changes nothing. A blank cell keeps the value "
            "already stored unless you choose to clear it; the summary counts them. A "
            "doubtful encoding guess is refused: then choose the encoding (Big5 included). "
            "Sections without coordinates are stored unlocated. The national automatic "
            "monitoring release (省份, 断面名称, 监测时间 without a year, 水质类别, one column per "
            "item) is read as measurements: give the year unless the file carries its date; "
            "'--' and '*' are no value; a bad cell loses only that value (listed in the rejects "
            "file); unknown stations can be created as unlocated sections coded from province "
            "and name, their water-body type guessed from the name; rows whose published class "
            "disagrees with the computed one go to the class report."
        )

    def initAlgorithm(self, config: dict | None = None) -> None:
        self.add_database_parameter()
        self.addParameter(QgsProcessingParameterEnum(
            self.TABLE, self.tr("Table"), options=list(TABLES), defaultValue=0))
        self.addParameter(QgsProcessingParameterFile(
            self.INPUT, self.tr("Input file (CSV or XLSX)"),
            behavior=file_behavior("File"),
            fileFilter="CSV / Excel (*.csv *.txt *.tsv *.xlsx *.xlsm);;All files (*.*)"))
        self.addParameter(QgsProcessingParameterEnum(
            self.CRS, self.tr("Coordinate system of the input"),
            options=["WGS84", "CGCS2000", self.tr("GCJ-02 (Amap/Gaode, Tencent)"),
                     self.tr("BD-09 (Baidu)")], defaultValue=0))
        self.addParameter(QgsProcessingParameterEnum(
            self.ENCODING, self.tr("Encoding"),
            options=[self.tr("Detect"), "UTF-8", "GBK", "GB18030", "Big5"], defaultValue=0))
        self.addParameter(QgsProcessingParameterString(
            self.SHEET, self.tr("Sheet (XLSX; default the first)"), optional=True))
        self.addParameter(QgsProcessingParameterString(
            self.MAPPING, self.tr("Header mapping (header=column; …)"), optional=True,
            multiLine=True))
        self.addParameter(QgsProcessingParameterEnum(
            self.BLANK, self.tr("Blank cells of rows already stored"),
            options=[self.tr("Keep the stored value"), self.tr("Clear the stored value")],
            defaultValue=0))
        self.addParameter(QgsProcessingParameterFileDestination(
            self.REJECTS, self.tr("Rejected rows"), fileFilter="CSV (*.csv)", optional=True,
            createByDefault=True))
        self.addParameter(QgsProcessingParameterNumber(
            self.YEAR, self.tr("Year of dates without one (monitoring release; default: the "
                               "file's own date)"), number_type("Integer"), optional=True,
            minValue=1900, maxValue=2100))
        self.addParameter(QgsProcessingParameterBoolean(
            self.CREATE_SECTIONS, self.tr("Create unknown stations as unlocated sections"),
            defaultValue=False))
        self.addParameter(QgsProcessingParameterEnum(
            self.WATER_BODY, self.tr("Water-body type of created sections"),
            options=[self.tr("Guess from the name (湖, 水库, 库心, 库区: lake)"),
                     self.tr("River"), self.tr("Lake or reservoir")], defaultValue=0))
        self.addParameter(QgsProcessingParameterFileDestination(
            self.CLASS_REPORT, self.tr("Published class disagreements"),
            fileFilter="CSV (*.csv)", optional=True, createByDefault=False))
        for name, label in zip(self.COUNTS, (
                self.tr("Rows read"), self.tr("Rows accepted"), self.tr("Rows rejected"),
                self.tr("Rows inserted"), self.tr("Rows updated"), self.tr("Rows unchanged"))):
            self.addOutput(QgsProcessingOutputNumber(name, label))
        self.addOutput(QgsProcessingOutputString("ENCODING", self.tr("Detected encoding")))
        self.addOutput(QgsProcessingOutputString("SUMMARY", self.tr("Summary")))
        self.addOutput(QgsProcessingOutputNumber("SECTIONS_CREATED",
                                                 self.tr("Sections created")))

    def processAlgorithm(self, parameters: dict, context: QgsProcessingContext,
                         feedback: QgsProcessingFeedback) -> dict:
        self.require_modules("pandas", "geopandas")
        from ..core.db import DatabaseError
        from ..core.importer import ImportFileError, ImportOptions, import_file

        target = self.database_target(parameters, context)
        table = TABLES[self.parameterAsEnum(parameters, self.TABLE, context)]
        source = self.parameterAsFile(parameters, self.INPUT, context)
        crs = CRS_VALUES[self.parameterAsEnum(parameters, self.CRS, context)]
        encoding = ENCODINGS[self.parameterAsEnum(parameters, self.ENCODING, context)]
        sheet = self.parameterAsString(parameters, self.SHEET, context) or None
        blank = BLANKS[self.parameterAsEnum(parameters, self.BLANK, context)]
        rejects = self.parameterAsFileOutput(parameters, self.REJECTS, context) or None
        classes = self.parameterAsFileOutput(parameters, self.CLASS_REPORT, context) or None
        year = None
        if parameters.get(self.YEAR) not in (None, ""):
            year = self.parameterAsInt(parameters, self.YEAR, context)
        create = self.parameterAsBoolean(parameters, self.CREATE_SECTIONS, context)
        water_body = WATER_BODIES[self.parameterAsEnum(parameters, self.WATER_BODY, context)]
        self.check_outputs(files=tuple(f for f in (rejects, classes) if f), database=target,
                           inputs=(source,))
        try:
            mapping = parse_mapping_text(self.parameterAsString(parameters, self.MAPPING,
                                                                context))
            with self.open_current(parameters, context, feedback) as db:
                options = ImportOptions(crs=crs, encoding=encoding, mapping=mapping or None,
                                        sheet=sheet, rejects_path=rejects, blank=blank,
                                        year=year, create_sections=create,
                                        water_body=water_body, class_report_path=classes)
                report = import_file(db, table, source, options)
        except (ImportFileError, DatabaseError, ValueError, OSError) as exc:
            raise QgsProcessingException(str(exc)) from exc
        for note in report.warnings:
            feedback.pushInfo(note)
        feedback.pushInfo(report.summary())
        values = (report.rows_read, report.accepted, report.rejected, report.inserted,
                  report.updated, report.unchanged)
        results: dict = dict(zip(self.COUNTS, values))
        results.update({"ENCODING": report.encoding, "SUMMARY": report.summary(),
                        self.REJECTS: report.rejects_path,
                        self.CLASS_REPORT: report.class_report_path,
                        "SECTIONS_CREATED": report.sections_created})
        return results


ALGORITHMS: list = [ImportTable]
