"""Statistics by district (区县): sections by class, share meeting target, sources by
type and load — one function for the CLI (``districts``), Processing (*Statistics by
district*), the panel and the reports.

>>> stats = district_statistics(db, DistrictStatsRequest(period="2025"))
>>> stats.table          # one row per district (DISTRICT_COLUMNS), a total row last
>>> stats.sources        # long form: district, layer, count, cod_t_a, nh3n_t_a, tp_t_a

A point's district is the ``districts`` polygon it lies in; where the database has no
district polygons (or a point lies outside all of them) its ``district`` attribute is
used.  ``stats.disagreements`` counts the points whose attribute names another district
than their polygon (a data-quality hint the CLI prints).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from . import schema

UNKNOWN = "—"  # points with neither a polygon nor a district attribute
LOAD_FIELDS = ("cod_t_a", "nh3n_t_a", "tp_t_a")
CLASS_COLUMNS = tuple(f"class_{k}" for k in range(1, 7))
DISTRICT_COLUMNS = (
    "district_code", "district", "sections", *CLASS_COLUMNS, "no_data", "with_target",
    "meeting_target", "share_meeting_target",
    *(f"n_{layer}" for layer in schema.SOURCE_LAYERS), *LOAD_FIELDS,
)


@dataclass(frozen=True)
class DistrictStatsRequest:
    """What to count: the assessment ``period`` (default: the service's, the latest
    year), and whether points are placed by polygon (``by_polygon``) or attribute."""

    period: str | None = None
    by_polygon: bool = True


@dataclass
class DistrictStats:
    """The result (plain DataFrames)."""

    table: pd.DataFrame  # DISTRICT_COLUMNS, one row per district, then "合计/Total"
    sources: pd.DataFrame  # district, layer, count, loads
    period: str = ""
    disagreements: dict[str, int] = field(default_factory=dict)  # layer -> points
    placed_by: str = "attribute"  # "polygon" | "attribute"

    def row(self, district: str) -> dict[str, Any]:
        """The row of ``district`` (its name or code) as a dict; KeyError if unknown."""
        t = self.table
        hit = t[(t["district"] == district) | (t["district_code"] == district)]
        if hit.empty:
            raise KeyError(f"no district {district!r}")
        return hit.iloc[0].to_dict()


def has_districts(db: Any) -> bool:
    """Whether ``db`` has district polygons (an older database has no such table)."""
    return "districts" in db.table_names() and db.count("districts") > 0


def assign_districts(points, districts, attribute: pd.Series | None = None) -> pd.Series:
    """The district name of each point: the polygon it lies in, else ``attribute``."""
    out = pd.Series([None] * len(points), index=points.index, dtype=object)
    if districts is not None and len(districts) and len(points):
        from .geometry_io import point_coords
        from .polygon_lookup import polygon_of_points

        x, y = point_coords(list(points.geometry))  # NaN where no point: no district
        idx = polygon_of_points(x, y, list(districts.geometry))
        names = np.asarray(list(districts["name"]) + [None], dtype=object)
        out = pd.Series(names[idx], index=points.index, dtype=object)
    if attribute is not None:
        missing = out.isna()
        out[missing] = attribute[missing]
    return out.where(out.notna(), UNKNOWN)


def district_statistics(db: Any, request: DistrictStatsRequest | None = None,
                        assessment: Any = None) -> DistrictStats:
    """Statistics by district of ``db`` (see the module).  ``assessment``: a bundle of
    ``run_assessment`` already computed for the period (else it is run here)."""
    from .assessment.service import AssessmentRequest, run_assessment

    request = request or DistrictStatsRequest()
    polygons = db.read_layer("districts", ["code", "name"]) if (
        request.by_polygon and has_districts(db)) else None
    if assessment is None:
        assessment = run_assessment(db, AssessmentRequest(
            period=request.period, compare_default=False, with_warnings=False,
            with_stretches=False, with_groups=False))
    sections = db.read_layer("sections", ["code", "target_class", "district"])
    sections["district_name"] = assign_districts(sections, polygons, sections["district"])
    result = assessment.sections if assessment is not None else pd.DataFrame()
    frames = []
    disagreements: dict[str, int] = {}
    _count_disagreement(disagreements, "sections", sections, polygons)
    for layer in schema.SOURCE_LAYERS:
        present = set(db.present_columns(layer)) if layer in db.table_names() else set()
        loads = [c for c in LOAD_FIELDS if c in schema.table(layer).column_names]
        frame = db.read_layer(layer, ["district", *loads])
        frame["district_name"] = assign_districts(frame, polygons, frame["district"])
        _count_disagreement(disagreements, layer, frame, polygons)
        agg = frame.groupby("district_name", dropna=False).agg(
            count=("district_name", "size"),
            **{c: (c, "sum") for c in loads if c in present})
        agg["layer"] = layer
        frames.append(agg.reset_index().rename(columns={"district_name": "district"}))
    sources = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    for c in LOAD_FIELDS:
        if c not in sources:
            sources[c] = 0.0
    sources[list(LOAD_FIELDS)] = sources[list(LOAD_FIELDS)].fillna(0.0)
    table = _table(sections, result, sources, polygons)
    period = getattr(getattr(assessment, "period", None), "label", "") or ""
    return DistrictStats(table, sources[["district", "layer", "count", *LOAD_FIELDS]], period,
                         disagreements, "polygon" if polygons is not None else "attribute")


def _count_disagreement(out: dict[str, int], layer: str, frame, polygons) -> None:
    if polygons is None or "district" not in frame:
        return
    attr = frame["district"]
    bad = attr.notna() & (frame["district_name"] != UNKNOWN) & (attr != frame["district_name"])
    if int(bad.sum()):
        out[layer] = int(bad.sum())


def _table(sections: pd.DataFrame, result: pd.DataFrame, sources: pd.DataFrame,
           polygons) -> pd.DataFrame:
    names = list(polygons["name"]) if polygons is not None else []
    codes = dict(zip(polygons["name"], polygons["code"])) if polygons is not None else {}
    seen = set(sections["district_name"]) | set(sources.get("district", []))
    extra = sorted(seen - set(names), key=lambda x: (x == UNKNOWN, str(x)))
    names += extra
    sec = sections[["code", "district_name", "target_class"]].rename(
        columns={"code": "section_code"})
    if len(result) and "section_code" in result:
        cols = [c for c in ("section_code", "water_class", "meets_target") if c in result]
        sec = sec.merge(result[cols], on="section_code", how="left")
    else:
        sec["water_class"] = pd.NA
        sec["meets_target"] = pd.NA
    rows = []
    for name in names:
        s = sec[sec["district_name"] == name]
        wc = pd.to_numeric(s["water_class"], errors="coerce")
        meets = s["meets_target"]
        judged = meets.notna()
        row: dict[str, Any] = {"district_code": codes.get(name), "district": name,
                               "sections": len(s)}
        for k, col in enumerate(CLASS_COLUMNS, start=1):
            row[col] = int((wc == k).sum())
        row["no_data"] = int(wc.isna().sum())
        row["with_target"] = int(judged.sum())
        row["meeting_target"] = int(meets[judged].astype(bool).sum())
        row["share_meeting_target"] = (row["meeting_target"] / row["with_target"]
                                       if row["with_target"] else np.nan)
        src = sources[sources["district"] == name]
        for layer in schema.SOURCE_LAYERS:
            row[f"n_{layer}"] = int(src.loc[src["layer"] == layer, "count"].sum())
        for c in LOAD_FIELDS:
            row[c] = float(src[c].sum())
        rows.append(row)
    table = pd.DataFrame(rows, columns=list(DISTRICT_COLUMNS))
    total: dict[str, Any] = {c: table[c].sum() for c in DISTRICT_COLUMNS[2:]}
    total.update({"district_code": None, "district": "合计 Total"})
    total["share_meeting_target"] = (total["meeting_target"] / total["with_target"]
                                     if total["with_target"] else np.nan)
    return pd.concat([table, pd.DataFrame([total])], ignore_index=True)
