"""The assessment service: read the database, assess a period, compare two periods,
class history, warnings and problem stretches — once, the same way for every front end.

The CLI, Processing, the QGIS panel and the HTML export all call :func:`run_assessment`
with one :class:`AssessmentRequest` and get one :class:`AssessmentBundle`; the default
period (the latest year with data) and comparison (the period before: the year before,
or the same quarter or month a year earlier, 同比) are decided here and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any, Callable

import pandas as pd

from .compare import compare_assessments, compare_groups
from .database_reads import (
    load_frames,
    load_request_frames,
    months_and_years,
    plan_reads,
    reads_windows,
)
from .drinking_water import assess_drinking_water, noncompliant_areas
from .periods import Period, parse_period
from .section_assessment import Assessment, assess, class_history
from .stretches import controlled_stretches
from .trend import group_trends, parse_periods, section_trends
from .warnings import WarningSettings, find_warnings

HISTORY_FREQUENCIES = ("year", "quarter", "month")


@dataclass(frozen=True)
class AssessmentRequest:
    """What to assess.  ``None`` means the service's default for that choice."""

    period: str | None = None  # default: the latest year with measurements
    compare: tuple[str, str | None] | None = None  # (before, after); after None: the period
    # (default: see default_comparison())
    compare_default: bool = True  # False: no comparison unless ``compare`` is given
    non_detect: str = "half"  # "half" | "limit" | "zero" (of the detection limit)
    history: str | None = None  # "year" | "quarter" | "month": class history up to the end
    warnings: WarningSettings | None = None  # None: WarningSettings() when with_warnings
    with_warnings: bool = True
    with_stretches: bool = True  # the river stretches failing sections control
    with_groups: bool = True  # rivers and control units for the group assessments
    trend: str | None = None  # "year" | "quarter" | "month": Spearman trends up to the end
    with_drinking_water: bool = True  # source areas against their protection zones

    def __post_init__(self) -> None:
        for name in ("history", "trend"):
            value = getattr(self, name)
            if value is not None and value not in HISTORY_FREQUENCIES:
                raise ValueError(f"{name} must be one of {', '.join(HISTORY_FREQUENCIES)}")


@dataclass
class AssessmentBundle:
    """Everything one assessment produces (DataFrames; no QGIS object)."""

    request: AssessmentRequest
    assessment: Assessment | None  # None: the database has no measurements
    period: Period | None
    compare: tuple[str, str] | None = None
    change: pd.DataFrame | None = None  # compare_assessments(before, after)
    history: pd.DataFrame | None = None
    warnings: pd.DataFrame | None = None
    stretches: pd.DataFrame | None = None  # STRETCH_COLUMNS
    years: list[str] = field(default_factory=list)  # with measurements, oldest first
    months: list[str] = field(default_factory=list)  # YYYY-MM with measurements
    metadata: dict[str, str] = field(default_factory=dict)
    # compare_groups(before, after) by river and for the whole area (column ``by``)
    group_change: pd.DataFrame | None = None
    trends: pd.DataFrame | None = None  # section_trends (request.trend), per section, item
    group_trends: pd.DataFrame | None = None  # group_trends by river and the whole area
    drinking_water: pd.DataFrame | None = None  # DRINKING_COLUMNS (drinking_water.py)

    @property
    def drinking_noncompliant(self) -> pd.DataFrame:
        """The source-area zones and sections out of compliance (``complies`` False)."""
        return noncompliant_areas(self.drinking_water)

    @property
    def sections(self) -> pd.DataFrame:
        return self.assessment.sections if self.assessment is not None else pd.DataFrame()

    @property
    def period_label(self) -> str:
        return self.period.label if self.period is not None else ""

    @property
    def synthetic(self) -> bool:
        return str(self.metadata.get("synthetic", "")).lower() in ("yes", "true", "1")


def available_years(measurements: pd.DataFrame) -> list[str]:
    """The years with measurements, oldest first (labels ``parse_period`` accepts)."""
    if measurements.empty:
        return []
    years = pd.to_datetime(measurements["sampled_on"]).dt.year.dropna().astype(int)
    return [str(y) for y in sorted(years.unique())]


def available_months(measurements: pd.DataFrame) -> list[str]:
    """The months with measurements (``YYYY-MM``), oldest first."""
    if measurements.empty:
        return []
    days = pd.to_datetime(measurements["sampled_on"]).dropna()
    return sorted(set(days.dt.strftime("%Y-%m")))


def history_periods(months: list[str], freq: str, end: Any) -> list[Period]:
    """The years, quarters or months (``freq``) with measurements up to ``end``, in
    time order (the periods ``class_history`` lists)."""
    out: dict[str, Period] = {}
    for m in months:
        year, month = int(m[:4]), int(m[5:7])
        p = (Period.year(year) if freq == "year" else
             Period.quarter(year, (month - 1) // 3 + 1) if freq == "quarter" else
             Period.month(year, month))
        if p.start <= end:
            out.setdefault(p.label, p)
    return list(out.values())


def default_comparison(period: Period, years: list[str],
                       months: list[str]) -> tuple[str, str] | None:
    """The period the change map compares ``period`` with: the year before for a year;
    the same quarter or month a year earlier (同比) for those; none for other ranges
    or when that period has no measurements."""
    label = period.label
    if period.kind == "year":
        before = str(int(label) - 1)
        return (before, label) if before in years else None
    if period.kind in ("quarter", "month"):
        before = f"{int(label[:4]) - 1:04d}{label[4:]}"
        start = parse_period(before)
        has_data = any(start.start.strftime("%Y-%m") <= m <= start.end.strftime("%Y-%m")
                       for m in months)
        return (before, label) if has_data else None
    return None


def run_assessment(db: Any, request: AssessmentRequest | None = None,
                   step: Callable[[float], bool] | None = None) -> AssessmentBundle | None:
    """Assess ``db`` as ``request`` asks.  ``step(percent)`` reports progress and returns
    True to cancel (then None is returned)."""
    request = request or AssessmentRequest()

    def cancelled(value: float) -> bool:
        return bool(step is not None and step(value))

    if reads_windows(db):
        frames = read_request(db, request)
    else:  # not a core.db Database: everything, as before
        frames = load_frames(db, with_groups=request.with_groups)
    metadata = dict(db.metadata()) if hasattr(db, "metadata") else {}
    reaches = db.read_layer("reaches") if request.with_stretches else None
    if request.with_drinking_water:
        frames["drinking_water_areas"] = _drinking_areas(db)
    if cancelled(40):
        return None
    return assess_frames(frames, request, reaches, metadata, cancelled)


def _drinking_areas(db: Any) -> pd.DataFrame | None:
    """The drinking-water source areas layer, or None (missing in an older database)."""
    try:
        return db.read_layer("drinking_water_areas")
    except Exception:  # noqa: BLE001 - an optional layer that is missing or empty
        return None


def read_request(db: Any, request: AssessmentRequest,
                 on_server: bool | None = None) -> dict[str, Any]:
    """The frames ``request`` needs and nothing more: the measurements of its period,
    of the comparison, of the history (everything up to the period's end) and of the
    warnings' look-back; ``years``/``months`` of the whole database.

    ``on_server`` (default: on PostGIS): the period means are computed by SQL on the
    server and only they travel (``period_stats(periods)``); the rows read are the
    warnings' (each item's latest samples and their history)."""
    if on_server is None:
        on_server = getattr(db, "kind", "") == "postgis"
    months, years = months_and_years(db)
    frames: dict[str, Any]
    if not months:
        frames = load_frames(db, with_groups=request.with_groups, dates=(None, None))
    else:
        period = parse_period(request.period or years[-1])
        compare = request.compare
        if compare is None and request.compare_default:
            compare = default_comparison(period, years, months)
        plan = plan_reads(period, compare, bool(request.history or request.trend))
        settings = None
        if request.with_warnings:
            settings = request.warnings or WarningSettings(non_detect=request.non_detect)
        frames = load_request_frames(db, plan, with_groups=request.with_groups,
                                     warnings=settings,
                                     warnings_end=period.end + timedelta(days=1),
                                     read_measurements=not on_server)
        if on_server:
            from ..db.postgis_aggregates import group_stats

            frames["period_stats"] = lambda periods, until=None: group_stats(
                db, periods, request.non_detect, until=until)
    frames["months"], frames["years"] = months, years
    return frames


def assess_frames(frames: dict[str, Any], request: AssessmentRequest,
                  reaches: pd.DataFrame | None = None, metadata: dict | None = None,
                  cancelled: Callable[[float], bool] = lambda _v: False
                  ) -> AssessmentBundle | None:
    """:func:`run_assessment` over frames already read (``load_frames``' keys)."""
    measurements, sections = frames["measurements"], frames["sections"]
    groups = {"rivers": frames.get("rivers"), "control_units": frames.get("control_units")}
    if "months" in frames:  # read_request: the database's months, not the rows read
        months, years = frames["months"], frames["years"]
    else:
        years, months = available_years(measurements), available_months(measurements)
    bundle = AssessmentBundle(request, None, None, years=years, months=months,
                              metadata=dict(metadata or {}))
    if not months:
        return bundle
    period = request.period or (years[-1] if years else None)
    kw = {**groups, "non_detect": request.non_detect}
    stats = frames.get("period_stats")  # read_request on PostGIS: the server aggregates

    def source(label: Any) -> Any:  # the rows, or the database's statistics of a period
        return stats([parse_period(label)]) if stats is not None else measurements

    result = assess(source(period), sections, period, **kw)
    bundle.assessment, bundle.period = result, result.period
    if cancelled(60):
        return None
    compare = request.compare
    if compare is None and request.compare_default:
        compare = default_comparison(result.period, years, months)
    if compare is not None:
        before = assess(source(compare[0]), sections, compare[0], **kw)
        same = compare[1] is None or parse_period(compare[1]).label == result.period.label
        after = result if same else assess(source(compare[1]), sections, compare[1], **kw)
        bundle.compare = (before.period.label, after.period.label)
        bundle.change = compare_assessments(before, after)
        bundle.group_change = pd.concat(
            [compare_groups(before, after, by) for by in ("river", "all")], ignore_index=True)
    if cancelled(75):
        return None
    end = pd.Timestamp(result.period.end) + pd.Timedelta(days=1)
    upto = measurements.loc[pd.to_datetime(measurements["sampled_on"]) < end]
    if request.history:
        rows = upto if stats is None else stats(history_periods(
            months, request.history, result.period.end), until=end.date())
        bundle.history = class_history(rows, sections, request.history,
                                       non_detect=request.non_detect)
    if request.with_warnings:
        settings = request.warnings or WarningSettings(non_detect=request.non_detect)
        rows = frames.get("warning_measurements")  # read_request: only what they need
        bundle.warnings = find_warnings(upto if rows is None else rows, sections, settings)
    if request.with_stretches and reaches is not None:
        bundle.stretches = controlled_stretches(reaches, result.sections)
    if request.trend and not upto.empty:
        periods = parse_periods(None, upto["sampled_on"], request.trend)
        bundle.trends = section_trends(upto, sections, periods, non_detect=request.non_detect)
        bundle.group_trends = pd.concat(
            [group_trends(upto, sections, periods, by, non_detect=request.non_detect)
             for by in ("river", "all")], ignore_index=True)
    if request.with_drinking_water:
        bundle.drinking_water = assess_drinking_water(
            result, frames.get("drinking_water_areas"), sections)
    cancelled(100)
    return bundle


def with_period(request: AssessmentRequest, period: str | None,
                compare: tuple[str, str] | None = None) -> AssessmentRequest:
    """``request`` for another period (and comparison)."""
    return replace(request, period=period, compare=compare)
