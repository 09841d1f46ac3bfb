"""Change between two periods, and problem water bodies (sections, reaches, rivers
missing their targets)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import gb3838
from ..symbology import CHANGE_LABELS
from .periods import Period
from .sections import Assessment, assess, class_labels

#: Columns of :func:`compare_assessments` / :func:`compare_periods`.
CHANGE_COLUMNS = (
    "section_code", "name", "river_code", "reach_code", "period_before", "period_after",
    "class_before", "class_after", "roman_before", "roman_after", "class_delta",
    "class_steps", "change", "change_zh", "change_en", "meets_target_before",
    "meets_target_after", "main_pollutants_before", "main_pollutants_after",
)


def _frame(result: Assessment | pd.DataFrame) -> pd.DataFrame:
    return result.sections if isinstance(result, Assessment) else result


def compare_assessments(
    before: Assessment | pd.DataFrame, after: Assessment | pd.DataFrame
) -> pd.DataFrame:
    """Per section: the class before and after, and the change.

    ``class_delta`` = after − before (negative = better), ``class_steps`` its size,
    ``change`` ``improved``/``unchanged``/``worsened`` (None when either class is
    missing).  Sections present in either result appear once.
    """
    b, a = _frame(before), _frame(after)
    keep = ["section_code", "name", "river_code", "reach_code", "period", "water_class",
            "meets_target", "main_pollutants"]
    df = b[keep].merge(a[keep], on="section_code", how="outer", suffixes=("_before", "_after"))
    for col in ("name", "river_code", "reach_code"):
        df[col] = df[f"{col}_after"].where(df[f"{col}_after"].notna(), df[f"{col}_before"])
    df = df.rename(columns={"water_class_before": "class_before",
                            "water_class_after": "class_after"})
    df["class_before"] = df["class_before"].astype("Int64")
    df["class_after"] = df["class_after"].astype("Int64")
    df["roman_before"] = class_labels(df["class_before"])["roman"]
    df["roman_after"] = class_labels(df["class_after"])["roman"]
    df["class_delta"] = (df["class_after"] - df["class_before"]).astype("Int64")
    df["class_steps"] = df["class_delta"].abs()
    delta = df["class_delta"].astype("float64").to_numpy()
    change = np.full(len(df), None, dtype=object)
    change[delta < 0], change[delta == 0], change[delta > 0] = (
        "improved", "unchanged", "worsened")
    df["change"] = change
    df["change_zh"] = df["change"].map(lambda c: CHANGE_LABELS[c][0] if c else None)
    df["change_en"] = df["change"].map(lambda c: CHANGE_LABELS[c][1] if c else None)
    for col in ("meets_target_before", "meets_target_after"):
        df[col] = df[col].astype("boolean")
    for col in ("main_pollutants_before", "main_pollutants_after"):
        df[col] = df[col].fillna("")
    df = df.sort_values("section_code", kind="stable").reset_index(drop=True)
    return df[list(CHANGE_COLUMNS)]


def compare_periods(
    measurements: pd.DataFrame,
    sections: pd.DataFrame | None,
    before: Period | str,
    after: Period | str,
    **kwargs: object,
) -> pd.DataFrame:
    """:func:`compare_assessments` of two periods (``kwargs`` go to :func:`assess`)."""
    return compare_assessments(assess(measurements, sections, before, **kwargs),  # type: ignore[arg-type]
                               assess(measurements, sections, after, **kwargs))  # type: ignore[arg-type]


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
    results: Assessment | pd.DataFrame, level: str = "section"
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
    secs = _frame(results)
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
