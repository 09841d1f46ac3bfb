"""What the five maps need from the core, computed in one call (no QGIS objects).

:func:`compute_map_data` reads the database and runs the assessment; it touches no
QGIS object, so the dock runs it in a ``QgsTask`` thread and builds the layers from
the result on the main thread.
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

    @property
    def change_label(self) -> str:
        return f"{self.compare[0]} → {self.compare[1]}" if self.compare else ""


STRETCH_COLUMNS = ("code", "river_code", "section_code", "section_name", "period",
                   "water_class", "roman", "target_class", "failing_items_text")


def controlled_stretches(reaches: pd.DataFrame, results: pd.DataFrame) -> pd.DataFrame:
    """The river stretch each failing section controls: its own reach and the reaches
    of the same river upstream of it, up to (not including) the reaches of other
    sections (tributaries are rivers of their own, with their own sections).

    One row per reach (the worst controlling section wins); columns STRETCH_COLUMNS.
    """
    import pandas as pd

    from ..core.network import ReachNetwork

    failing = results.loc[results["meets_target"].fillna(True).eq(False)]
    if failing.empty or reaches is None or len(reaches) == 0:
        return pd.DataFrame(columns=list(STRETCH_COLUMNS))
    net = ReachNetwork.from_reaches(reaches)
    river = dict(zip(net.frame["code"].astype(str), net.frame.get("river_code", pd.Series(
        [None] * len(net.frame)))))
    monitored = {str(c) for c in results["reach_code"].dropna()}
    rows: dict[str, dict] = {}
    for sec in failing.sort_values("water_class").to_dict("records"):
        start = sec.get("reach_code")
        if start is None or pd.isna(start) or start not in net:
            continue
        todo, seen = [str(start)], {str(start)}
        while todo:
            code = todo.pop()
            rows[code] = {"code": code, "section_code": sec["section_code"],
                          "section_name": sec.get("name"), "period": sec.get("period"),
                          "water_class": sec.get("water_class"), "roman": sec.get("roman"),
                          "target_class": sec.get("target_class"),
                          "failing_items_text": sec.get("failing_items_text")}
            for up in net.upstream(code):
                if up not in seen and up not in monitored and river.get(up) == river.get(
                        str(start)):
                    seen.add(up)
                    todo.append(up)
    out = pd.DataFrame(list(rows.values()))
    out["river_code"] = out["code"].map(river)
    return out[list(STRETCH_COLUMNS)].sort_values("code").reset_index(drop=True)


def available_periods(measurements: pd.DataFrame) -> list[str]:
    """The years with measurements, oldest first (labels ``parse_period`` accepts)."""
    import pandas as pd

    if measurements.empty:
        return []
    years = pd.to_datetime(measurements["sampled_on"]).dt.year.dropna().astype(int)
    return [str(y) for y in sorted(years.unique())]


def available_months(measurements: pd.DataFrame) -> list[str]:
    """The months with measurements (``YYYY-MM``), oldest first."""
    import pandas as pd

    if measurements.empty:
        return []
    days = pd.to_datetime(measurements["sampled_on"]).dropna()
    return sorted(set(days.dt.strftime("%Y-%m")))


def compute_map_data(
    target: Any,
    period: str | None = None,
    compare: tuple[str, str] | None = None,
    progress: Callable[[float], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> MapData | None:
    """Assess ``period`` (default: latest year) and compare two periods.

    ``target``: what ``core.db.open_database`` accepts.  ``compare`` defaults to the
    year before ``period`` and ``period`` when both have data.  Returns None when
    ``cancelled()`` turns true.
    """
    from ..core.assessment.compare import compare_assessments
    from ..core.assessment.database import load_frames
    from ..core.assessment.sections import assess
    from ..core.assessment.warnings import find_warnings
    from ..core.db import open_database

    def step(value: float) -> bool:
        if progress is not None:
            progress(value)
        return bool(cancelled and cancelled())

    with open_database(target) as db:
        meta = db.metadata()
        frames = load_frames(db)
        reaches_frame = db.read_layer("reaches")
    if step(50):
        return None
    measurements, sections = frames["measurements"], frames["sections"]
    groups = {"rivers": frames.get("rivers"), "control_units": frames.get("control_units")}
    periods = available_periods(measurements)
    months = available_months(measurements)
    if period is None and periods:
        period = periods[-1]
    result = assess(measurements, sections, period, **groups)
    if step(70):
        return None
    reaches = controlled_stretches(reaches_frame, result.sections)
    if compare is None and str(period) in periods:
        i = periods.index(str(period))
        compare = (periods[i - 1], periods[i]) if i > 0 else None
    change = None
    if compare is not None:
        before = assess(measurements, sections, compare[0], **groups)
        after = result if compare[1] == result.period.label else assess(
            measurements, sections, compare[1], **groups)
        change = compare_assessments(before, after)
    if step(85):
        return None
    warnings = find_warnings(measurements, sections)
    step(100)
    return MapData(
        period=result.period.label, sections=result.sections, problem_reaches=reaches,
        change=change, compare=compare, warnings=warnings, periods=periods, months=months,
        synthetic=str(meta.get("synthetic", "")).lower() in ("yes", "true", "1"),
    )
