"""Problem water bodies: the sections, reaches and rivers missing their targets."""

from __future__ import annotations

import pandas as pd

from .. import gb3838
from .assessment_basics import AssessmentLike, sections_of

PROBLEM_LEVELS = {"section": "section_code", "reach": "reach_code", "river": "river_code"}
#: Columns of :func:`problem_water_bodies` for ``level="section"``.
PROBLEM_SECTION_COLUMNS = (
    "section_code", "name", "river_code", "reach_code", "district", "period", "water_class",
    "roman", "target_class", "target_roman", "failing_parameters", "failing_items",
    "failing_items_text", "main_pollutants",
)
#: Columns for ``level="reach"`` and ``level="river"``.
PROBLEM_GROUP_COLUMNS = (
    "level", "code", "river_code", "period", "n_sections", "n_failing", "section_codes",
    "reach_codes", "worst_class", "worst_roman", "failing_parameters", "failing_items_zh",
    "details",
)


def problem_water_bodies(
    results: AssessmentLike | pd.DataFrame, level: str = "section"
) -> pd.DataFrame:
    """The sections (``level="section"``), reaches or rivers missing their targets.

    A section is a problem when its class is worse than its target.  Reaches and
    rivers list their failing sections, the union of the failing items
    (``failing_parameters`` codes, ``failing_items_zh`` names) and per-section
    ``details`` such as ``S01: 氨氮 1.32 (≤1)``; ``n_sections`` counts the assessed
    sections with a target, ``n_failing`` the problem ones.  Worst first.
    """
    if level not in PROBLEM_LEVELS:
        raise ValueError(f"level must be one of {', '.join(PROBLEM_LEVELS)}, not {level!r}")
    secs = sections_of(results)
    bad = secs.loc[secs["meets_target"].fillna(True).eq(False)].copy()
    bad["failing_parameters"] = [[f["parameter"] for f in items]
                                 for items in bad["failing_items"]]
    if level == "section":
        bad = bad.sort_values(["water_class", "section_code"], ascending=[False, True])
        return bad[list(PROBLEM_SECTION_COLUMNS)].reset_index(drop=True)
    col = PROBLEM_LEVELS[level]
    judged = secs.loc[secs["meets_target"].notna() & secs[col].notna()]
    bad = bad.loc[bad[col].notna()]
    if bad.empty:
        return pd.DataFrame(columns=list(PROBLEM_GROUP_COLUMNS))
    bad["detail"] = bad["section_code"] + ": " + bad["failing_items_text"]
    order = list(gb3838.ITEMS)
    rows = []
    for code, grp in bad.groupby(col, sort=True):
        params = sorted({p for ps in grp["failing_parameters"] for p in ps}, key=order.index)
        worst = int(grp["water_class"].max())
        rivers = grp["river_code"].dropna().unique()
        rows.append({
            "level": level, "code": code,
            "river_code": rivers[0] if len(rivers) else None,
            "period": grp["period"].iloc[0],
            "n_sections": int((judged[col] == code).sum()),
            "n_failing": len(grp),
            "section_codes": grp["section_code"].tolist(),
            "reach_codes": sorted(grp["reach_code"].dropna().unique().tolist()),
            "worst_class": worst,
            "worst_roman": gb3838.roman(worst),
            "failing_parameters": params,
            "failing_items_zh": "、".join(gb3838.ITEMS[p].name_zh for p in params),
            "details": "；".join(grp["detail"]),
        })
    out = pd.DataFrame(rows, columns=list(PROBLEM_GROUP_COLUMNS))
    out["worst_class"] = out["worst_class"].astype("Int64")
    return out.sort_values(["worst_class", "code"], ascending=[False, True]).reset_index(drop=True)
