"""What the five maps need from the core: the assessment service's bundle, shaped for
the thematic layers (no QGIS objects).

:func:`compute_map_data` calls ``core.assessment.service.run_assessment``; it touches no
QGIS object, so the dock runs it in a ``QgsTask`` thread and builds the layers from the
result on the main thread.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:  # pandas is imported when needed: loading layers must not pay for it
    import pandas as pd


@dataclass
class MapData:
    """Assessment results behind the thematic maps of one period."""

    period: str
    sections: pd.DataFrame  # core.assessment SECTION_COLUMNS
    problem_reaches: pd.DataFrame  # STRETCH_COLUMNS: the reaches failing sections control
    change: pd.DataFrame | None = None  # core.assessment CHANGE_COLUMNS
    compare: tuple[str, str] | None = None
    warnings: pd.DataFrame | None = None
    periods: list[str] = field(default_factory=list)  # years with data, oldest first
    months: list[str] = field(default_factory=list)  # YYYY-MM with data, oldest first
    synthetic: bool = False
    bundle: Any = None  # the service's AssessmentBundle (trends, group change, drinking water)
    districts: Any = None  # core.district_stats.DistrictStats, when the database has any
    hex_bins: Any = None  # core.source_hexbins.HexBins for a dense database (else None)

    @property
    def change_label(self) -> str:
        return f"{self.compare[0]} → {self.compare[1]}" if self.compare else ""


def compute_map_data(
    target: Any,
    period: str | None = None,
    compare: tuple[str, str] | None = None,
    progress: Callable[[float], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> MapData | None:
    """Assess ``period`` and compare two periods, with the service's defaults (the
    latest year; the period before).  ``target``: what ``core.db.open_database``
    accepts.  Returns None when ``cancelled()`` turns true."""
    import pandas as pd

    from ..core.assessment.service import AssessmentRequest, run_assessment
    from ..core.assessment.stretches import STRETCH_COLUMNS
    from ..core.db import open_database

    def step(value: float) -> bool:
        if progress is not None:
            progress(value)
        return bool(cancelled and cancelled())

    request = AssessmentRequest(period=period, compare=compare)
    with open_database(target) as db:
        bundle = run_assessment(db, request, step)
        if bundle is None:
            return None
        districts = _district_statistics(db, bundle)
        hex_bins = _hex_bins(db)
    stretches = bundle.stretches if bundle.stretches is not None else pd.DataFrame(
        columns=list(STRETCH_COLUMNS))
    return MapData(
        period=bundle.period_label, sections=bundle.sections, problem_reaches=stretches,
        change=bundle.change, compare=bundle.compare, warnings=bundle.warnings,
        periods=bundle.years, months=bundle.months, synthetic=bundle.synthetic,
        bundle=bundle, districts=districts, hex_bins=hex_bins,
    )


def _hex_bins(db: Any) -> Any:
    """The sources' hexagon bins, read here in the task (not on the main thread)."""
    from ..core import schema
    from ..core.source_hexbins import AGGREGATE_ABOVE, hexbin_sources, read_source_points

    present = db.table_names()
    if sum(db.count(t) for t in schema.SOURCE_LAYERS if t in present) <= AGGREGATE_ABOVE:
        return None
    return hexbin_sources(read_source_points(db))


def _district_statistics(db: Any, bundle: Any) -> Any:
    """Statistics by district for the bundle's period; None without district polygons
    or district names (an older database, a bureau's own without them)."""
    from ..core.district_stats import DistrictStatsRequest, district_statistics, has_districts

    if not has_districts(db):
        return None
    return district_statistics(db, DistrictStatsRequest(period=bundle.period_label), bundle)


#: Spearman's test needs as many periods as the method's critical-value table starts at.
TREND_MIN_YEARS = 5  # core.assessment.trend.MIN_PERIODS (not imported: it needs pandas); tested


def compute_trends(target: Any, period: str | None,
                   progress: Callable[[float], None] | None = None,
                   cancelled: Callable[[], bool] | None = None) -> tuple[Any, Any] | None:
    """(section trends, group trends) by year up to the end of ``period``; None when
    ``cancelled()`` turns true."""
    from ..core.assessment.service import AssessmentRequest, run_assessment
    from ..core.db import open_database

    def step(value: float) -> bool:
        if progress is not None:
            progress(value)
        return bool(cancelled and cancelled())

    request = AssessmentRequest(period=period, compare_default=False, with_warnings=False,
                                with_stretches=False, trend="year")
    with open_database(target) as db:
        bundle = run_assessment(db, request, step)
    return None if bundle is None else (bundle.trends, bundle.group_trends)
