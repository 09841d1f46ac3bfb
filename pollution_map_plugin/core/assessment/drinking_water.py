"""Drinking-water source areas (集中式生活饮用水地表水源地) against their protection zones.

GB 3838-2002 §4 assigns a class to each zone: the first protection zone (一级保护区)
Class II, the second (二级保护区) Class III; the quasi zone (准保护区) has no class of
its own — its water must keep the second zone's, so it is held to Class III here.  The
sections serving an area are those inside one of its zones (a section point covered
by the zone's polygon); each is assessed against the zone's class, whatever the
section's own target:

* the single-factor class of the period (the 21 routine items, as everywhere) must be
  the zone's class or better;
* GB 3838 Table 2's supplementary items for centralised drinking-water sources, where
  measured (sulfate 250, chloride 250, nitrate as N 10, iron 0.3, manganese 0.1 mg/L),
  must not exceed their limit (period means).

Groundwater sources (GB/T 14848, not GB 3838) are not assessed.  A section inside no
zone is not listed; a zone without a section inside is listed with ``section_code``
None and ``complies`` NA (no evidence).
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from .. import gb3838
from .assessment_basics import AssessmentLike, class_labels

#: Zone level → the class GB 3838 assigns (quasi: held to the second zone's).
ZONE_CLASS = {"first": 2, "second": 3, "quasi": 3}
ZONE_LABELS = {"first": ("一级保护区", "first zone"), "second": ("二级保护区", "second zone"),
               "quasi": ("准保护区", "quasi zone")}
#: Columns of :func:`assess_drinking_water`.
DRINKING_COLUMNS = (
    "area_code", "area_name", "zone_level", "zone_level_zh", "zone_level_en",
    "water_body_type", "river_code", "district", "required_class", "required_roman",
    "section_code", "section_name", "period", "water_class", "roman", "complies",
    "failing_parameters", "failing_items_text", "supplementary_text",
)
_ZONE_SUFFIX = re.compile(r"(一级|二级|准)保护区$")


def area_name(zone_name: object) -> str | None:
    """The source area's name without the zone: ``下滩饮用水水源地一级保护区`` →
    ``下滩饮用水水源地``."""
    if not isinstance(zone_name, str):
        return None
    return _ZONE_SUFFIX.sub("", zone_name.strip()) or zone_name.strip()


def _inside(zones: pd.DataFrame, sections: pd.DataFrame) -> list[tuple[int, int]]:
    """(zone row, section row) pairs: the section point is covered by the zone."""
    from shapely.prepared import prep

    pts = [(i, g) for i, g in enumerate(sections.geometry)
           if g is not None and not g.is_empty]
    if not pts:
        return []
    xs = np.array([g.x for _, g in pts])
    ys = np.array([g.y for _, g in pts])
    rows = np.array([i for i, _ in pts])
    pairs = []
    for zi, geom in enumerate(zones.geometry):
        if geom is None or geom.is_empty:
            continue
        x0, y0, x1, y1 = geom.bounds
        cand = np.flatnonzero((xs >= x0) & (xs <= x1) & (ys >= y0) & (ys <= y1))
        if not len(cand):
            continue
        pg = prep(geom)
        pairs += [(zi, int(rows[k])) for k in cand if pg.covers(pts[k][1])]
    return pairs


def _fails(it: pd.DataFrame, required: int) -> tuple[list[str], str, str]:
    """Failing routine items (class worse than ``required``) and Table 2 items above
    their limit among one section's items ``it``: (codes, routine text, Table 2 text)."""
    cls = pd.to_numeric(it["item_class"], errors="coerce").fillna(0).to_numpy()
    routine = it["routine"].astype(bool).to_numpy()
    bad = it.loc[routine & (cls > required)].sort_values("item_class", ascending=False)
    wbt = "lake" if len(it) and str(it["water_body_type"].iloc[0]) == "lake" else "river"
    codes, texts, sup = [], [], []
    for p, v in zip(bad["parameter"].astype(str), bad["value"].astype(float)):
        codes.append(p)
        texts.append(f"{gb3838.ITEMS[p].name_zh} {v:.4g} "
                     f"({gb3838.format_limit(p, required, wbt)})")
    t2 = it.loc[it["parameter"].astype(str).isin(gb3838.TABLE2_LIMITS)]
    for p, v in zip(t2["parameter"].astype(str), t2["value"].astype(float)):
        limit = gb3838.TABLE2_LIMITS[p]
        if v > limit * (1 + gb3838.REL_TOL):
            codes.append(p)
            sup.append(f"{gb3838.ITEMS[p].name_zh} {v:.4g} (≤{limit:g})")
    return codes, "、".join(texts), "、".join(sup)


def assess_drinking_water(assessment: AssessmentLike, areas: pd.DataFrame | None,
                          sections: pd.DataFrame | None) -> pd.DataFrame:
    """One row per (surface-water zone, section inside it); columns
    :data:`DRINKING_COLUMNS`.

    ``areas`` is the ``drinking_water_areas`` layer (one polygon per zone: ``code``,
    ``name``, ``level`` first/second/quasi, ``water_body_type``), ``sections`` the
    sections layer with points.  ``complies`` is False when the section's class is worse
    than the zone's or a Table 2 item exceeds its limit, NA without any evaluated item.
    """
    empty = pd.DataFrame(columns=list(DRINKING_COLUMNS))
    if areas is None or len(areas) == 0 or sections is None or len(sections) == 0:
        return empty
    if "geometry" not in getattr(areas, "columns", ()) or not hasattr(sections, "geometry"):
        return empty
    zones = areas.loc[areas["level"].isin(ZONE_CLASS.keys())
                      & ~areas.get("water_body_type", pd.Series("", index=areas.index))
                      .astype(str).eq("groundwater")].reset_index(drop=True)
    secs = sections.reset_index(drop=True)
    pairs = _inside(zones, secs)
    by_code = assessment.sections.set_index("section_code")
    served_codes = {str(secs["code"].iloc[si]) for _, si in pairs}
    items = assessment.items
    mine = items.loc[items["section_code"].isin(served_codes)]
    by_section = {str(k): g for k, g in mine.groupby("section_code", sort=False)}
    period = getattr(assessment.period, "label", None)
    served = {zi for zi, _ in pairs}
    rows: list[dict[str, Any]] = []
    for zi, si in pairs + [(zi, None) for zi in range(len(zones)) if zi not in served]:
        z = zones.iloc[zi]
        level = str(z["level"])
        required = ZONE_CLASS[level]
        code = None if si is None else str(secs["code"].iloc[si])
        wc = by_code["water_class"].get(code) if code in by_code.index else None
        wc = None if wc is None or pd.isna(wc) else int(wc)
        it = by_section.get(code) if code is not None else None
        failing, text, sup = ([], "", "") if it is None else _fails(it, required)
        measured = it is not None
        complies = None if not measured or (wc is None and not sup) else not failing
        rows.append({
            "area_code": z["code"], "area_name": area_name(z.get("name")),
            "zone_level": level, "zone_level_zh": ZONE_LABELS[level][0],
            "zone_level_en": ZONE_LABELS[level][1],
            "water_body_type": z.get("water_body_type"), "river_code": z.get("river_code"),
            "district": z.get("district"), "required_class": required,
            "required_roman": gb3838.roman(required), "section_code": code,
            "section_name": by_code["name"].get(code) if code in by_code.index else None,
            "period": period, "water_class": wc, "complies": complies,
            "failing_parameters": failing, "failing_items_text": text,
            "supplementary_text": sup,
        })
    if not rows:
        return empty
    out = pd.DataFrame(rows)
    out["water_class"] = out["water_class"].astype("Int64")
    out["roman"] = class_labels(out["water_class"])["roman"]
    out["complies"] = out["complies"].astype("boolean")
    out = out.sort_values(["area_code", "section_code"], kind="stable", na_position="last")
    return out[list(DRINKING_COLUMNS)].reset_index(drop=True)


def noncompliant_areas(drinking: pd.DataFrame | None) -> pd.DataFrame:
    """The rows of :func:`assess_drinking_water` out of compliance (``complies`` False)."""
    if drinking is None or drinking.empty:
        return pd.DataFrame(columns=list(DRINKING_COLUMNS))
    return drinking.loc[drinking["complies"].fillna(True).eq(False)].reset_index(drop=True)
