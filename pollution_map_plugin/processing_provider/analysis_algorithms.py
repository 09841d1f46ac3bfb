"""Processing algorithms over the assessment, warnings and tracing of the core."""

from __future__ import annotations

import importlib.util
import json
import math
import re
from typing import Any

from qgis.core import (
    Qgis,
    QgsCoordinateReferenceSystem,
    QgsFeature,
    QgsField,
    QgsFields,
    QgsGeometry,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProcessingOutputString,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QVariant

from ..qgis_desktop.qgis_compat import enum_value
from .algorithm_base import PollutionAlgorithm
from .database_input import DatabaseInputMixin
from .processing_enums import FAST_INSERT, number_type, source_type
from .trace_outputs import add_share_parameters

NON_DETECT = ("half", "limit", "zero")
BY = ("river", "control_unit", "water_system", "district")
MODES = ("UT", "UM", "DM")
CRS = "EPSG:4490"


def wkb_type(name: str) -> Any:
    return enum_value(Qgis, "WkbType", name, QgsWkbTypes, name)


def _field(name: str, kind: str) -> QgsField:
    """A QgsField of ``kind`` int | double | bool | text, on QGIS 3.22 and newer."""
    if Qgis.QGIS_VERSION_INT >= 33800:
        from qgis.PyQt.QtCore import QMetaType

        types = {"int": QMetaType.Type.Int, "double": QMetaType.Type.Double,
                 "bool": QMetaType.Type.Bool, "text": QMetaType.Type.QString}
    else:
        types = {"int": QVariant.Int, "double": QVariant.Double, "bool": QVariant.Bool,
                 "text": QVariant.String}
    return QgsField(name, types[kind])


def _kind(series) -> str:
    import pandas as pd

    dt = series.dtype
    if pd.api.types.is_bool_dtype(dt):
        return "bool"
    if pd.api.types.is_integer_dtype(dt):
        return "int"
    if pd.api.types.is_float_dtype(dt):
        return "double"
    return "text"


def _value(v: Any) -> Any:
    """A pandas/numpy cell as a QGIS attribute (None = NULL)."""
    if v is None:
        return None
    try:
        import pandas as pd

        if v is pd.NA or v is pd.NaT:
            return None
    except ImportError:  # pragma: no cover
        pass
    if hasattr(v, "item") and not isinstance(v, (list, dict)):
        v = v.item()
    if isinstance(v, float) and math.isnan(v):
        return None
    if isinstance(v, (list, dict)):
        return json.dumps(v, ensure_ascii=False, default=str)
    if hasattr(v, "isoformat"):
        return v.isoformat()
    return v


def _check_layer_output(alg: AnalysisAlgorithm, parameters: dict, name: str,
                        context: QgsProcessingContext) -> None:
    """Refuse a layer output that is the database (a sink to its .gpkg would replace
    the file) or one of its sidecars."""
    dest = alg.parameterAsOutputLayer(parameters, name, context) or ""
    if dest.startswith("ogr:"):
        match = re.search(r"dbname='((?:[^'\\]|\\.)*)'", dest)
        dest = match.group(1) if match else ""
    path = dest.split("|", 1)[0]
    if not path or path.startswith(("memory:", "postgres:", "postgis:", "postgresql:")):
        return  # no file
    alg.check_outputs(files=(path,), database=alg.database_target(parameters, context))


def write_frame(alg: AnalysisAlgorithm, parameters: dict, name: str,
                context: QgsProcessingContext, frame, geometries: list | None,
                wkb: Any) -> str:
    """Write a DataFrame (and shapely geometries) to the sink ``name``; its id."""
    fields = QgsFields()
    kinds = {c: _kind(frame[c]) for c in frame.columns}
    for col, kind in kinds.items():
        fields.append(_field(str(col), kind))
    _check_layer_output(alg, parameters, name, context)
    sink, dest = alg.parameterAsSink(parameters, name, context, fields, wkb,
                                     QgsCoordinateReferenceSystem(CRS))
    if sink is None:
        raise QgsProcessingException(alg.invalidSinkError(parameters, name))
    geoms = geometries if geometries is not None else [None] * len(frame)
    multi = QgsWkbTypes.isMultiType(wkb)
    for row, geom in zip(frame.itertuples(index=False, name=None), geoms):
        feat = QgsFeature(fields)
        feat.setAttributes([_value(v) for v in row])
        if geom is not None and not geom.is_empty:
            g = QgsGeometry.fromWkt(geom.wkt)
            if multi:
                g.convertToMultiType()
            feat.setGeometry(g)
        sink.addFeature(feat, FAST_INSERT)
    return dest


class AnalysisAlgorithm(DatabaseInputMixin, PollutionAlgorithm):
    """Shared parameters: the database (``DatabaseInputMixin``: a GeoPackage, a DSN, a
    saved connection or ``authcfg``; the old ``DSN`` parameter still works)."""

    GROUP_ID = "analysis"
    OUTPUT = "OUTPUT"

    def _assess(self, parameters: dict, context: QgsProcessingContext, period: str,
                non_detect: str):
        """The period's assessment by the assessment service, and the frames read."""
        from ..core.assessment import load_frames
        from ..core.assessment.service import AssessmentRequest, assess_frames

        with self.open_database(parameters, context) as db:
            frames = load_frames(db)
        request = AssessmentRequest(period=period or None, compare_default=False,
                                    non_detect=non_detect, with_warnings=False,
                                    with_stretches=False)
        try:
            bundle = assess_frames(frames, request)
        except ValueError as exc:
            raise QgsProcessingException(str(exc)) from exc
        if bundle.assessment is None:
            raise QgsProcessingException(self.tr("The database has no measurements."))
        return bundle.assessment, frames

    def section_geometries(self, sections, codes) -> list:
        geom = dict(zip(sections["code"], sections.geometry)) if len(sections) else {}
        return [geom.get(c) for c in codes]


class AssessSectionsAlgorithm(AnalysisAlgorithm):
    """Class, label, target and main pollutants of every section for a period."""

    NAME = "assess_sections"
    PERIOD = "PERIOD"
    NON_DETECT_P = "NON_DETECT"

    def displayName(self) -> str:
        return self.tr("Assess sections (GB 3838-2002)")

    def shortHelpString(self) -> str:
        return self.tr(
            "Water-quality class of every monitoring section over a period (2025, 2025-Q3, "
            "2025-10 or 2025-01-01/2025-06-30; empty: the latest year with data): the mean "
            "of each item over the period, single-factor class over the 21 routine items, "
            "qualitative label, target met or not, failing items and main pollutants "
            "(环办〔2011〕22号). Lakes and reservoirs also get TLI(Σ) and their trophic state "
            "(fields tli, trophic_state; lake TN apart in tn_value, tn_class). pH is never "
            "averaged: its worst sample counts, with the period's range (ph_min, ph_max) "
            "and the samples outside 6–9 (ph_outside). Non-detects count as half the "
            "detection limit by default.")

    def initAlgorithm(self, config: dict | None = None) -> None:
        self.add_database_parameter()
        self.addParameter(QgsProcessingParameterString(
            self.PERIOD, self.tr("Period"), optional=True))
        self.addParameter(QgsProcessingParameterEnum(
            self.NON_DETECT_P, self.tr("Non-detects count as"),
            options=[self.tr("half the detection limit"), self.tr("the detection limit"),
                     self.tr("zero")], defaultValue=0))
        self.addParameter(QgsProcessingParameterFeatureSink(
            self.OUTPUT, self.tr("Assessed sections"), source_type("VectorPoint")))

    def processAlgorithm(self, parameters: dict, context: QgsProcessingContext,
                         feedback: QgsProcessingFeedback) -> dict:
        period = (self.parameterAsString(parameters, self.PERIOD, context) or "").strip()
        nd = NON_DETECT[self.parameterAsEnum(parameters, self.NON_DETECT_P, context)]
        result, f = self._assess(parameters, context, period, nd)
        feedback.setProgress(80)
        frame = result.sections.drop(columns=["failing_items"]).rename(
            columns={"failing_items_text": "failing_items"})
        frame["main_pollutant_codes"] = frame["main_pollutant_codes"].map(",".join)
        geoms = self.section_geometries(f["sections"], frame["section_code"])
        dest = write_frame(self, parameters, self.OUTPUT, context, frame, geoms, wkb_type("Point"))
        feedback.pushInfo(self.tr("Period {period}: {n} sections").format(
            period=result.period.label, n=len(frame)))
        return {self.OUTPUT: dest}


class AssessGroupsAlgorithm(AnalysisAlgorithm):
    """Rivers, control units, water systems or districts by the class-share rule."""

    NAME = "assess_groups"
    PERIOD = "PERIOD"
    BY_P = "BY"

    def displayName(self) -> str:
        return self.tr("Assess rivers and areas")

    def shortHelpString(self) -> str:
        return self.tr(
            "Water quality of each river, control unit, water system or district over a "
            "period: with 5 or more sections the label by the share of sections per class, "
            "with fewer the class of the items averaged over the sections (river and lake "
            "sections apart, each with its own limits; a group of lake points always by "
            "the item means, the method's lake rule); counts per class "
            "and the share of sections meeting their targets.")

    def initAlgorithm(self, config: dict | None = None) -> None:
        self.add_database_parameter()
        self.addParameter(QgsProcessingParameterString(
            self.PERIOD, self.tr("Period"), optional=True))
        self.addParameter(QgsProcessingParameterEnum(
            self.BY_P, self.tr("Group by"),
            options=[self.tr("River"), self.tr("Control unit"), self.tr("Water system"),
                     self.tr("District")], defaultValue=0))
        self.addParameter(QgsProcessingParameterFeatureSink(
            self.OUTPUT, self.tr("Assessed groups"), source_type("Vector")))

    def processAlgorithm(self, parameters: dict, context: QgsProcessingContext,
                         feedback: QgsProcessingFeedback) -> dict:
        period = (self.parameterAsString(parameters, self.PERIOD, context) or "").strip()
        by = BY[self.parameterAsEnum(parameters, self.BY_P, context)]
        result, _f = self._assess(parameters, context, period, "half")
        frame = result.groups(by)
        dest = write_frame(self, parameters, self.OUTPUT, context, frame, None,
                           wkb_type("NoGeometry"))
        return {self.OUTPUT: dest}


class WarningsAlgorithm(AnalysisAlgorithm):
    """Exceedance, critical and sudden-change warnings at the latest samples."""

    NAME = "warnings"
    CRITICAL = "CRITICAL_SHARE"
    JUMP = "CLASS_JUMP"
    K = "VARIABILITY_K"
    WINDOW = "WINDOW"
    SINCE = "SINCE"

    def displayName(self) -> str:
        return self.tr("Exceedance and sudden-change warnings")

    def shortHelpString(self) -> str:
        return self.tr(
            "Warnings over every sample since a date (empty: the latest sample of every "
            "item of every section), each with its sample's date: items worse than the "
            "section's target (exceedance; sections without a target get none), items "
            "within the critical share of the target limit (critical), and items that moved "
            "at least 10 % in the worse direction and whose class worsened by the class jump "
            "or more, or which departed beyond k standard deviations of their recent "
            "measured samples (sudden change). Non-detects never warn.")

    def initAlgorithm(self, config: dict | None = None) -> None:
        self.add_database_parameter()
        double = number_type("Double")
        integer = number_type("Integer")
        self.addParameter(QgsProcessingParameterNumber(
            self.CRITICAL, self.tr("Critical share of the target limit"), double, 0.9,
            minValue=0.01, maxValue=1.0))
        self.addParameter(QgsProcessingParameterNumber(
            self.JUMP, self.tr("Class jump for a sudden change"), integer, 2,
            minValue=1, maxValue=5))
        self.addParameter(QgsProcessingParameterNumber(
            self.K, self.tr("Sudden change beyond k standard deviations"), double, 3.0,
            minValue=0.1))
        self.addParameter(QgsProcessingParameterNumber(
            self.WINDOW, self.tr("Recent samples for the standard deviation"), integer, 12,
            minValue=2))
        self.addParameter(QgsProcessingParameterString(
            self.SINCE, self.tr("Every sample since (date; empty: the latest of each item)"),
            optional=True))
        self.addParameter(QgsProcessingParameterFeatureSink(
            self.OUTPUT, self.tr("Warnings"), source_type("VectorPoint")))

    def processAlgorithm(self, parameters: dict, context: QgsProcessingContext,
                         feedback: QgsProcessingFeedback) -> dict:
        from ..core.assessment import WarningSettings, find_warnings, load_frames

        try:
            settings = WarningSettings(
                critical_share=self.parameterAsDouble(parameters, self.CRITICAL, context),
                class_jump=self.parameterAsInt(parameters, self.JUMP, context),
                variability_k=self.parameterAsDouble(parameters, self.K, context),
                window=self.parameterAsInt(parameters, self.WINDOW, context),
                since=(self.parameterAsString(parameters, self.SINCE, context) or "").strip()
                or None)
        except ValueError as exc:
            raise QgsProcessingException(str(exc)) from exc
        with self.open_database(parameters, context) as db:
            f = load_frames(db, with_groups=False)
        frame = find_warnings(f["measurements"], f["sections"], settings)
        geoms = self.section_geometries(f["sections"], frame["section_code"])
        dest = write_frame(self, parameters, self.OUTPUT, context, frame, geoms, wkb_type("Point"))
        feedback.pushInfo(self.tr("{n} warnings").format(n=len(frame)))
        return {self.OUTPUT: dest}


class TraceUpstreamAlgorithm(AnalysisAlgorithm):
    """Reaches, sources and control units upstream (or downstream) of a section."""

    NAME = "trace_upstream"
    SECTION = "SECTION"
    MODE = "MODE"
    DISTANCE = "DISTANCE_KM"
    REACHES = "OUTPUT_REACHES"
    SOURCES = "OUTPUT_SOURCES"
    UNITS = "OUTPUT_UNITS"
    SUMMARY = "SUMMARY"

    def displayName(self) -> str:
        return self.tr("Trace upstream from a section")

    def shortHelpString(self) -> str:
        return self.tr(
            "Navigates the river network from a section like the USGS NLDI (UT upstream "
            "with tributaries, UM upstream mainstem, DM downstream mainstem) within a "
            "distance (0 = unlimited) and lists the reaches, the pollution sources "
            "discharging into them ranked by distance and load, and the control units. "
            "With items (or 'every failing item'), each item's sources are ranked by the "
            "load arriving at the section (first-order decay along the network, "
            "coefficients in the user guide, overridable with a JSON file); the summary "
            "and the share outputs give each source's share, the shares by source type, "
            "stretch and control unit, and the short list making up 80 % of it.")

    def initAlgorithm(self, config: dict | None = None) -> None:
        self.add_database_parameter()
        self.addParameter(QgsProcessingParameterString(self.SECTION, self.tr("Section code")))
        self.addParameter(QgsProcessingParameterEnum(
            self.MODE, self.tr("Mode"),
            options=[self.tr("UT upstream with tributaries"), self.tr("UM upstream mainstem"),
                     self.tr("DM downstream mainstem")], defaultValue=0))
        double = number_type("Double")
        self.addParameter(QgsProcessingParameterNumber(
            self.DISTANCE, self.tr("Distance (km, 0 = unlimited)"), double, 0.0, minValue=0))
        self.addParameter(QgsProcessingParameterFeatureSink(
            self.REACHES, self.tr("Traced reaches"), source_type("VectorLine")))
        self.addParameter(QgsProcessingParameterFeatureSink(
            self.SOURCES, self.tr("Traced sources"), source_type("VectorPoint")))
        self.addParameter(QgsProcessingParameterFeatureSink(
            self.UNITS, self.tr("Drainage control units"), source_type("VectorPolygon"),
            optional=True, createByDefault=False))
        add_share_parameters(self)
        self.addOutput(QgsProcessingOutputString(self.SUMMARY, self.tr("Summary (JSON)")))

    def processAlgorithm(self, parameters: dict, context: QgsProcessingContext,
                         feedback: QgsProcessingFeedback) -> dict:
        self.require_modules("pandas", "geopandas", "scipy")
        from ..core.network import trace_section
        from .trace_outputs import SHARES, UNIT_SHARES, attribute, wanted_items, write_shares

        code = (self.parameterAsString(parameters, self.SECTION, context) or "").strip()
        mode = MODES[self.parameterAsEnum(parameters, self.MODE, context)]
        distance = self.parameterAsDouble(parameters, self.DISTANCE, context) or None
        for key in (self.REACHES, self.SOURCES, self.UNITS, SHARES, UNIT_SHARES):
            if parameters.get(key) is not None:  # all refused before any is made
                _check_layer_output(self, parameters, key, context)
        items, failing = wanted_items(self, parameters, context)
        found = None
        with self.open_database(parameters, context) as db:
            if items or failing:
                found = attribute(self, parameters, context, db, code, mode, distance)
                result = found.trace
            else:
                try:
                    result = trace_section(db, code, mode=mode, distance_km=distance)
                except (KeyError, ValueError) as exc:
                    raise QgsProcessingException(str(exc)) from exc
        summary = result.summary()
        if found is not None:
            summary["attribution"] = found.to_dict(20)
        out = {self.SUMMARY: json.dumps(summary, ensure_ascii=False, default=str)}
        if found is not None:
            out.update(write_shares(self, parameters, context, found, write_frame, wkb_type))
        for key, gdf, wkb in ((self.REACHES, result.reaches_gdf, "LineString"),
                              (self.SOURCES, result.sources_gdf, "Point"),
                              (self.UNITS, result.control_units_gdf, "MultiPolygon")):
            if parameters.get(key) is None and key == self.UNITS:
                continue
            frame = gdf.drop(columns=[gdf.geometry.name])
            out[key] = write_frame(self, parameters, key, context, frame,
                                   list(gdf.geometry), wkb_type(wkb))
        feedback.pushInfo(self.tr("{n} reaches, {m} sources").format(
            n=len(result.reaches_gdf), m=len(result.sources_gdf)))
        return out


def _network_available() -> bool:
    """True when ``core.network`` exists (found without importing it or geopandas)."""
    package = __package__.rsplit(".", 1)[0]
    return importlib.util.find_spec(f"{package}.core.network") is not None


ALGORITHMS: list = [AssessSectionsAlgorithm, AssessGroupsAlgorithm, WarningsAlgorithm]
if _network_available():
    ALGORITHMS.append(TraceUpstreamAlgorithm)
