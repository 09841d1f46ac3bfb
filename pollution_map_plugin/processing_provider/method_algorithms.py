"""Processing algorithms of the evaluation method beyond one period's class: the trend
over several periods (Spearman), the change between two periods (明显好转 … 明显变差) and
the drinking-water source areas against their protection zones (环办〔2011〕22号,
GB 3838-2002)."""

from __future__ import annotations

from qgis.core import (
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterString,
)

from .analysis_algorithms import NON_DETECT, AnalysisAlgorithm, wkb_type, write_frame
from .processing_enums import source_type

#: ``by`` of the trend and change algorithms (the CLI's choices).
BY = ("section", "river", "control_unit", "water_system", "district", "all")
FREQ = ("year", "quarter", "month")
ALPHA = (0.05, 0.01)


def _by_options(alg: AnalysisAlgorithm) -> list[str]:
    return [alg.tr("Section"), alg.tr("River"), alg.tr("Control unit"), alg.tr("Water system"),
            alg.tr("District"), alg.tr("The whole area")]


def _nd_options(alg: AnalysisAlgorithm) -> list[str]:
    return [alg.tr("half the detection limit"), alg.tr("the detection limit"), alg.tr("zero")]


class _MethodAlgorithm(AnalysisAlgorithm):
    """Frames read once; a layer of points for sections, a table for groups."""

    def frames(self, parameters: dict, context: QgsProcessingContext) -> dict:
        from ..core.assessment import load_frames

        with self.open_database(parameters, context) as db:
            return load_frames(db)

    def write(self, parameters: dict, context: QgsProcessingContext, frame, sections,
              by: str) -> str:
        if by == "section" and len(frame):
            geoms = self.section_geometries(sections, frame["section_code"])
            return write_frame(self, parameters, self.OUTPUT, context, frame, geoms,
                               wkb_type("Point"))
        return write_frame(self, parameters, self.OUTPUT, context, frame, None,
                           wkb_type("NoGeometry"))


class TrendAlgorithm(_MethodAlgorithm):
    """Spearman's rank correlation of each section's item means, or a group's share of
    I–III sections, over several periods."""

    NAME = "trend"
    PERIODS = "PERIODS"
    FREQ_P = "FREQ"
    BY_P = "BY"
    ITEMS = "ITEMS"
    ALPHA_P = "ALPHA"
    NON_DETECT_P = "NON_DETECT"

    def displayName(self) -> str:
        return self.tr("Trend over several periods (Spearman)")

    def shortHelpString(self) -> str:
        return self.tr(
            "Spearman's rank correlation r_s of each section's item means (or, for a river, "
            "control unit, water system, district or the whole area, the share of I–III "
            "sections) against time, tested against the critical value W_p of the method's "
            "table for N periods (one-tailed α 0.05 or 0.01): |r_s| ≥ W_p is a significant "
            "rise or fall (a rising concentration is worsening, except DO and transparency; "
            "a rising share is improving). With |r_s| below W_p, or fewer than 5 periods, "
            "there is no significant trend. Periods: 2019,2020,… or a range 2019..2025 split "
            "by the frequency (empty: every period with data). Fields n, rs, "
            "critical_value, trend_zh, quality_zh and note state the test.")

    def initAlgorithm(self, config: dict | None = None) -> None:
        self.add_database_parameter()
        self.addParameter(QgsProcessingParameterString(
            self.PERIODS, self.tr("Periods (empty: every period with data)"), optional=True))
        self.addParameter(QgsProcessingParameterEnum(
            self.FREQ_P, self.tr("Period length"),
            options=[self.tr("Year"), self.tr("Quarter"), self.tr("Month")], defaultValue=0))
        self.addParameter(QgsProcessingParameterEnum(
            self.BY_P, self.tr("Trend of"), options=_by_options(self), defaultValue=0))
        self.addParameter(QgsProcessingParameterString(
            self.ITEMS, self.tr("Items, e.g. NH3N,TP (sections; empty: every item measured)"),
            optional=True))
        self.addParameter(QgsProcessingParameterEnum(
            self.ALPHA_P, self.tr("One-tailed significance"), options=["0.05", "0.01"],
            defaultValue=0))
        self.addParameter(QgsProcessingParameterEnum(
            self.NON_DETECT_P, self.tr("Non-detects count as"), options=_nd_options(self),
            defaultValue=0))
        self.addParameter(QgsProcessingParameterFeatureSink(
            self.OUTPUT, self.tr("Trends"), source_type("Vector")))

    def processAlgorithm(self, parameters: dict, context: QgsProcessingContext,
                         feedback: QgsProcessingFeedback) -> dict:
        from ..core import gb3838
        from ..core.assessment.trend import group_trends, parse_periods, section_trends

        spec = (self.parameterAsString(parameters, self.PERIODS, context) or "").strip()
        freq = FREQ[self.parameterAsEnum(parameters, self.FREQ_P, context)]
        by = BY[self.parameterAsEnum(parameters, self.BY_P, context)]
        alpha = ALPHA[self.parameterAsEnum(parameters, self.ALPHA_P, context)]
        nd = NON_DETECT[self.parameterAsEnum(parameters, self.NON_DETECT_P, context)]
        text = self.parameterAsString(parameters, self.ITEMS, context) or ""
        items = [i.strip() for i in text.split(",") if i.strip()] or None
        unknown = [i for i in items or [] if i not in gb3838.ITEMS]
        if unknown:
            raise QgsProcessingException(self.tr("Unknown item(s): {items}").format(
                items=", ".join(unknown)))
        f = self.frames(parameters, context)
        m = f["measurements"]
        try:
            periods = parse_periods(spec or None, m["sampled_on"], freq)
            if by == "section":
                frame = section_trends(m, f["sections"], periods, items=items, alpha=alpha,
                                       non_detect=nd)
            else:
                frame = group_trends(m, f["sections"], periods, by, alpha=alpha,
                                     non_detect=nd)
        except ValueError as exc:
            raise QgsProcessingException(str(exc)) from exc
        feedback.setProgress(80)
        dest = self.write(parameters, context, frame, f["sections"], by)
        feedback.pushInfo(self.tr("{n} trends over {first}..{last} ({count} periods)").format(
            n=len(frame), first=periods[0].label, last=periods[-1].label, count=len(periods)))
        return {self.OUTPUT: dest}


class ChangeAlgorithm(_MethodAlgorithm):
    """The change between two periods by the method."""

    NAME = "change"
    BEFORE = "BEFORE"
    AFTER = "AFTER"
    BY_P = "BY"
    ALL_SECTIONS = "ALL_SECTIONS"

    def displayName(self) -> str:
        return self.tr("Change between two periods (by the method)")

    def shortHelpString(self) -> str:
        return self.tr(
            "Sections: the qualitative level before and after (优 I–II, 良好 III, 轻度污染 IV, "
            "中度污染 V, 重度污染 劣V); the same level is 无明显变化 (I → II is no change), one "
            "level 有所好转/有所变差, two or more 明显好转/明显变差. Rivers, control units, water "
            "systems, districts and the whole area: ΔG − ΔD (the change of the share of I–III "
            "sections minus that of 劣V sections, percentage points); within ±10 no clear "
            "change, 10–20 slight, beyond 20 clear. The figures are fields of the output.")

    def initAlgorithm(self, config: dict | None = None) -> None:
        self.add_database_parameter()
        self.addParameter(QgsProcessingParameterString(self.BEFORE, self.tr("Earlier period")))
        self.addParameter(QgsProcessingParameterString(self.AFTER, self.tr("Later period")))
        self.addParameter(QgsProcessingParameterEnum(
            self.BY_P, self.tr("Change of"), options=_by_options(self), defaultValue=0))
        self.addParameter(QgsProcessingParameterBoolean(
            self.ALL_SECTIONS, self.tr("Groups: count every section assessed in each period "
                                       "(default: only those with a class in both)"),
            defaultValue=False))
        self.addParameter(QgsProcessingParameterFeatureSink(
            self.OUTPUT, self.tr("Change"), source_type("Vector")))

    def processAlgorithm(self, parameters: dict, context: QgsProcessingContext,
                         feedback: QgsProcessingFeedback) -> dict:
        from ..core.assessment import assess, compare_assessments, compare_groups

        before_p = (self.parameterAsString(parameters, self.BEFORE, context) or "").strip()
        after_p = (self.parameterAsString(parameters, self.AFTER, context) or "").strip()
        by = BY[self.parameterAsEnum(parameters, self.BY_P, context)]
        every = self.parameterAsBool(parameters, self.ALL_SECTIONS, context)
        f = self.frames(parameters, context)
        kw = {"rivers": f.get("rivers"), "control_units": f.get("control_units")}
        try:
            before = assess(f["measurements"], f["sections"], before_p, **kw)
            after = assess(f["measurements"], f["sections"], after_p, **kw)
        except ValueError as exc:
            raise QgsProcessingException(str(exc)) from exc
        if by == "section":
            frame = compare_assessments(before, after)
        else:
            frame = compare_groups(before, after, by, comparable=not every)
        dest = self.write(parameters, context, frame, f["sections"], by)
        feedback.pushInfo(self.tr("{before} → {after}: {n} rows").format(
            before=before.period.label, after=after.period.label, n=len(frame)))
        return {self.OUTPUT: dest}


class DrinkingWaterAlgorithm(_MethodAlgorithm):
    """Drinking-water source-area zones against their protection-zone class."""

    NAME = "drinking_water"
    PERIOD = "PERIOD"
    ONLY_FAILING = "ONLY_FAILING"

    def displayName(self) -> str:
        return self.tr("Drinking-water source areas")

    def shortHelpString(self) -> str:
        return self.tr(
            "Each surface-water protection zone with the sections inside it, assessed "
            "against the zone's class (GB 3838-2002: first zone II, second zone III; the "
            "quasi zone is held to III) over a period (empty: the latest year), with the "
            "supplementary items of Table 2 where measured (sulfate 250, chloride 250, "
            "nitrate as N 10, iron 0.3, manganese 0.1 mg/L). complies is false for the "
            "zones out of compliance. Groundwater sources are not assessed.")

    def initAlgorithm(self, config: dict | None = None) -> None:
        self.add_database_parameter()
        self.addParameter(QgsProcessingParameterString(
            self.PERIOD, self.tr("Period"), optional=True))
        self.addParameter(QgsProcessingParameterBoolean(
            self.ONLY_FAILING, self.tr("Only the zones out of compliance"), defaultValue=False))
        self.addParameter(QgsProcessingParameterFeatureSink(
            self.OUTPUT, self.tr("Source-area zones"), source_type("VectorPolygon")))

    def processAlgorithm(self, parameters: dict, context: QgsProcessingContext,
                         feedback: QgsProcessingFeedback) -> dict:
        from ..core.assessment.drinking_water import assess_drinking_water, noncompliant_areas

        period = (self.parameterAsString(parameters, self.PERIOD, context) or "").strip()
        result, f = self._assess(parameters, context, period, "half")
        with self.open_database(parameters, context) as db:
            try:
                areas = db.read_layer("drinking_water_areas")
            except Exception as exc:  # noqa: BLE001 - a database without the layer
                raise QgsProcessingException(self.tr(
                    "The database has no drinking-water source areas.")) from exc
        frame = assess_drinking_water(result, areas, f["sections"])
        if self.parameterAsBool(parameters, self.ONLY_FAILING, context):
            frame = noncompliant_areas(frame)
        geom = dict(zip(areas["code"], areas.geometry)) if len(areas) else {}
        geoms = [geom.get(c) for c in frame["area_code"]]
        dest = write_frame(self, parameters, self.OUTPUT, context, frame, geoms,
                           wkb_type("MultiPolygon"))
        n_bad = int(frame["complies"].fillna(True).eq(False).sum()) if len(frame) else 0
        feedback.pushInfo(self.tr("Period {period}: {n} zone/section rows, {bad} out of "
                                  "compliance").format(period=result.period.label,
                                                       n=len(frame), bad=n_bad))
        return {self.OUTPUT: dest}


ALGORITHMS: list = [TrendAlgorithm, ChangeAlgorithm, DrinkingWaterAlgorithm]
