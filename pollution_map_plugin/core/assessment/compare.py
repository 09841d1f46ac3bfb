"""Change between two periods, and problem water bodies (sections, reaches, rivers
missing their targets).

The change by the evaluation method (环办〔2011〕22号, 水质变化趋势分析):

* a section: its qualitative level (优 I–II, 良好 III, 轻度污染 IV, 中度污染 V, 重度污染 劣V)
  before and after; the same level is 无明显变化 (I → II is no change), one level
  有所好转 / 有所变差, two or more 明显好转 / 明显变差;
* a group (river, control unit, water system, district, the whole area): ΔG − ΔD,
  ΔG the change of the share of I–III sections and ΔD of the share of 劣V sections, in
  percentage points; > 0 better, < 0 worse; |ΔG − ΔD| ≤ 10 无明显变化,
  10 < |ΔG − ΔD| ≤ 20 有所好转 / 有所变差, > 20 明显好转 / 明显变差 (:func:`compare_groups`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..symbology import CHANGE_LABELS
from .assessment_basics import BY_COLUMNS, AssessmentLike, class_labels, sections_of
from .periods import Period
from .problem_bodies import (  # noqa: F401 - re-exported (they lived here)
    PROBLEM_GROUP_COLUMNS,
    PROBLEM_LEVELS,
    PROBLEM_SECTION_COLUMNS,
    problem_water_bodies,
)
from .section_assessment import assess

#: The method's words for a change: code → (zh, en), best first.
METHOD_CHANGES: dict[str, tuple[str, str]] = {
    "clearly_better": ("明显好转", "clearly improved"),
    "better": ("有所好转", "slightly improved"),
    "no_clear_change": ("无明显变化", "no clear change"),
    "worse": ("有所变差", "slightly worsened"),
    "clearly_worse": ("明显变差", "clearly worsened"),
}
#: Class 1..6 → qualitative level 1..5 (优 I–II, 良好, 轻度污染, 中度污染, 重度污染).
LEVEL_OF_CLASS = {1: 1, 2: 1, 3: 2, 4: 3, 5: 4, 6: 5}
LEVEL_LABELS = {1: "优", 2: "良好", 3: "轻度污染", 4: "中度污染", 5: "重度污染"}
#: |ΔG − ΔD| thresholds in percentage points: ≤ 10 no clear change, ≤ 20 slight.
SHARE_THRESHOLDS = (10.0, 20.0)

#: Columns of :func:`compare_assessments` / :func:`compare_periods`.
CHANGE_COLUMNS = (
    "section_code", "name", "river_code", "reach_code", "period_before", "period_after",
    "class_before", "class_after", "roman_before", "roman_after", "class_delta",
    "class_steps", "change", "change_zh", "change_en", "meets_target_before",
    "meets_target_after", "main_pollutants_before", "main_pollutants_after",
    "level_before", "level_after", "level_delta", "change_method", "change_method_zh",
    "change_method_en",
)


def change_by_levels(level_delta: float | None) -> str | None:
    """The method's change code for a section moving ``level_delta`` levels (after −
    before; negative = better); None when unknown."""
    if level_delta is None or pd.isna(level_delta):
        return None
    steps = int(level_delta)
    if steps == 0:
        return "no_clear_change"
    if abs(steps) == 1:
        return "better" if steps < 0 else "worse"
    return "clearly_better" if steps < 0 else "clearly_worse"


def change_by_shares(g_minus_d: float | None) -> str | None:
    """The method's change code for ΔG − ΔD (percentage points); None when unknown."""
    if g_minus_d is None or pd.isna(g_minus_d):
        return None
    x = round(float(g_minus_d), 6)  # 70 % − 60 % is 10.000000000000009 in floats
    small, large = SHARE_THRESHOLDS
    if abs(x) <= small:
        return "no_clear_change"
    if abs(x) <= large:
        return "better" if x > 0 else "worse"
    return "clearly_better" if x > 0 else "clearly_worse"


def _levels(classes: pd.Series) -> pd.Series:
    return classes.astype("float64").map(LEVEL_OF_CLASS).astype("Int64")


def _method_words(codes: pd.Series) -> tuple[pd.Series, pd.Series]:
    zh = codes.map(lambda c: METHOD_CHANGES[c][0] if isinstance(c, str) else None)
    en = codes.map(lambda c: METHOD_CHANGES[c][1] if isinstance(c, str) else None)
    return zh, en


def _frame(result: AssessmentLike | pd.DataFrame) -> pd.DataFrame:
    return sections_of(result)


def compare_assessments(
    before: AssessmentLike | pd.DataFrame, after: AssessmentLike | pd.DataFrame
) -> pd.DataFrame:
    """Per section: the class before and after, and the change.

    ``class_delta`` = after − before (negative = better), ``class_steps`` its size,
    ``change`` ``improved``/``unchanged``/``worsened`` (None when either class is
    missing).  By the method: ``level_before``/``level_after`` (优 … 重度污染),
    ``level_delta`` (levels, negative = better) and ``change_method`` (a key of
    :data:`METHOD_CHANGES`) with its words ``change_method_zh``/``_en``.  Sections
    present in either result appear once.
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
    lb, la = _levels(df["class_before"]), _levels(df["class_after"])
    df["level_before"] = lb.map(LEVEL_LABELS.get, na_action="ignore").astype(object)
    df["level_after"] = la.map(LEVEL_LABELS.get, na_action="ignore").astype(object)
    df["level_delta"] = (la - lb).astype("Int64")
    df["change_method"] = df["level_delta"].astype(object).map(change_by_levels)
    df["change_method_zh"], df["change_method_en"] = _method_words(df["change_method"])
    for col in ("level_before", "level_after", "change_method", "change_method_zh",
                "change_method_en"):
        df[col] = df[col].astype(object).where(df[col].notna(), None)
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


#: Columns of :func:`compare_groups`.
GROUP_CHANGE_COLUMNS = (
    "by", "group", "period_before", "period_after", "n_sections_before",
    "n_sections_after", "share_i_iii_before", "share_i_iii_after",
    "share_worse_than_v_before", "share_worse_than_v_after", "delta_g", "delta_d",
    "delta_g_minus_d", "change_method", "change_method_zh", "change_method_en",
)
#: ``by`` of :func:`compare_groups`: the group columns, and ``all`` (the whole area).
GROUP_BY = tuple(k for k in BY_COLUMNS if k != "section") + ("all",)
WHOLE_AREA = "全部断面"


def _shares(secs: pd.DataFrame, col: str | None, keep: set | None) -> pd.DataFrame:
    """Per group: sections with a class, % of I–III and % of 劣V (percentage points)."""
    ev = secs.loc[secs["water_class"].notna()].reset_index(drop=True)
    if keep is not None:
        ev = ev.loc[ev["section_code"].isin(keep)].reset_index(drop=True)
    key = pd.Series(WHOLE_AREA, index=ev.index) if col is None else ev[col]
    ev, key = ev.loc[key.notna()], key.loc[key.notna()]
    wc = ev["water_class"].astype(int).to_numpy()
    g = pd.DataFrame({"n": 1, "good": (wc <= 3).astype(int), "bad": (wc == 6).astype(int),
                      "group": key.to_numpy(dtype=object)}).groupby("group").sum()
    return pd.DataFrame({"n": g["n"], "g": 100.0 * g["good"] / g["n"],
                         "d": 100.0 * g["bad"] / g["n"]})


def compare_groups(
    before: AssessmentLike | pd.DataFrame,
    after: AssessmentLike | pd.DataFrame,
    by: str = "river",
    *,
    comparable: bool = True,
) -> pd.DataFrame:
    """ΔG − ΔD per river, control unit, water system, district or the whole area (``by``
    in :data:`GROUP_BY`; ``all`` gives one row, group ``全部断面``).

    Shares count the sections with a class; with ``comparable`` (the method's
    requirement that the sections be the same) only those with a class in both periods.
    ``share_*`` and ``delta_*`` are percentage points; ``delta_g_minus_d`` > 0 is
    better.  ``change_method``: :func:`change_by_shares`.  Columns
    :data:`GROUP_CHANGE_COLUMNS`; groups in either period appear once.
    """
    if by not in GROUP_BY:
        raise ValueError(f"by must be one of {', '.join(GROUP_BY)}, not {by!r}")
    b, a = _frame(before), _frame(after)
    col = None if by == "all" else BY_COLUMNS[by]
    keep = None
    if comparable:
        keep = set(b.loc[b["water_class"].notna(), "section_code"]) & set(
            a.loc[a["water_class"].notna(), "section_code"])
    sb, sa = _shares(b, col, keep), _shares(a, col, keep)
    df = sb.join(sa, how="outer", lsuffix="_before", rsuffix="_after")
    df.index.name = "group"
    out = pd.DataFrame({
        "by": by, "group": df.index.to_numpy(dtype=object),
        "period_before": b["period"].dropna().iloc[0] if b["period"].notna().any() else None,
        "period_after": a["period"].dropna().iloc[0] if a["period"].notna().any() else None,
        "n_sections_before": df["n_before"].fillna(0).astype(int).to_numpy(),
        "n_sections_after": df["n_after"].fillna(0).astype(int).to_numpy(),
        "share_i_iii_before": df["g_before"].to_numpy(),
        "share_i_iii_after": df["g_after"].to_numpy(),
        "share_worse_than_v_before": df["d_before"].to_numpy(),
        "share_worse_than_v_after": df["d_after"].to_numpy(),
    })
    out["delta_g"] = out["share_i_iii_after"] - out["share_i_iii_before"]
    out["delta_d"] = out["share_worse_than_v_after"] - out["share_worse_than_v_before"]
    out["delta_g_minus_d"] = out["delta_g"] - out["delta_d"]
    out["change_method"] = [change_by_shares(x) for x in out["delta_g_minus_d"]]
    out["change_method_zh"], out["change_method_en"] = _method_words(out["change_method"])
    out = out.sort_values("group", kind="stable").reset_index(drop=True)
    return out[list(GROUP_CHANGE_COLUMNS)]
