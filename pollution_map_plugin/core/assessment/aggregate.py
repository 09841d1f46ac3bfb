"""Rivers, control units, water systems and districts (环办〔2011〕22号, 河流/流域).

* 5 or more evaluated sections: the qualitative label by the class-share rule
  (I–III ≥ 90 % 优; 75–90 % 良好; below 75 %: 劣V < 20 % 轻度污染,
  20–40 % 中度污染, ≥ 40 % 重度污染); main pollutants are the items with the largest
  share of sections worse than Class III (断面超标率), written ``总磷(40%)``.
* 1–4 sections: each item is averaged over the sections and the averages are
  classified as one section (class, label and main pollutants as for a section).
  River and lake sections are averaged apart, each with its own limits (lake TP); the
  group's class is the worst of them.
* A group of lakes and reservoirs only: the item means over its points, however many
  (the method's lake rule: 多个点位各评价指标浓度算术平均值, then single factor).
* A group labelled 优 or 良好 lists no main pollutants (the method).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import gb3838
from ..symbology import LABEL_EN
from .assessment_basics import BY_COLUMNS, AssessmentLike, class_labels, round_half_up
from .engine import main_pollutants

MIN_SECTIONS_FOR_SHARES = 5
_NAME_ZH = {c: it.name_zh for c, it in gb3838.ITEMS.items()}
_SHORT_EN = {c: it.short_en for c, it in gb3838.ITEMS.items()}

#: Columns of :func:`assess_groups`.
GROUP_COLUMNS = (
    "by", "group", "period", "n_sections", "n_class_1", "n_class_2", "n_class_3",
    "n_class_4", "n_class_5", "n_class_6", "share_i_iii", "share_worse_than_v",
    "n_with_target", "n_meeting_target", "share_meeting_target", "method",
    "water_class", "roman", "label_zh", "label_en", "main_pollutants", "main_pollutants_en",
)


def share_label(share_i_iii: float, share_worse_than_v: float) -> str:
    """The class-share label (优 … 重度污染) from two shares in 0..1."""
    eps = 1e-12
    if share_i_iii >= 0.9 - eps:
        return "优"
    if share_i_iii >= 0.75 - eps:
        return "良好"
    if share_worse_than_v < 0.2 - eps:
        return "轻度污染"
    if share_worse_than_v < 0.4 - eps:
        return "中度污染"
    return "重度污染"


def _share_pollutants(items: pd.DataFrame, key: pd.Series, n_by_group: pd.Series) -> pd.DataFrame:
    """Top three routine items by the share of sections worse than Class III."""
    worse = items["item_class"].fillna(0).astype(int) > 3
    it = items.loc[items["routine"].astype(bool) & worse]
    it = it.assign(group=it["section_code"].map(key)).dropna(subset=["group"])
    if it.empty:
        return pd.DataFrame(columns=["main_pollutants", "main_pollutants_en"])
    counts = it.groupby(["group", "parameter"]).agg(
        n=("section_code", "nunique"), exc=("exceedance", "mean")).reset_index()
    counts["rate"] = counts["n"] / counts["group"].map(n_by_group)
    counts["prio"] = counts["parameter"].isin(gb3838.PRIORITY_ITEMS)
    counts = counts.sort_values(["group", "rate", "prio", "exc"],
                                ascending=[True, False, False, False])
    top = counts.groupby("group", sort=False).head(3)
    pct = [f"({p:.0f}%)" for p in round_half_up(top["rate"].to_numpy() * 100, 0)]
    top = top.assign(zh=top["parameter"].map(_NAME_ZH) + pct,
                     en=top["parameter"].map(_SHORT_EN) + [" " + p for p in pct])
    g = top.groupby("group", sort=False)
    return pd.DataFrame({"main_pollutants": g["zh"].agg("、".join),
                         "main_pollutants_en": g["en"].agg(", ".join)})


def _mean_items(items: pd.DataFrame, key: pd.Series, small: pd.Index,
                lake_of: pd.Series) -> pd.DataFrame:
    """Average each item over the sections of the small groups and classify.

    River and lake sections are averaged apart (``lake_of``: section → is a lake) and
    each mean is classified with its own limits (lake TP); the group's class is the
    worst of them, and an item appears once among the main pollutants (its worse mean).
    """
    it = items.assign(group=items["section_code"].map(key),
                      lake=items["section_code"].map(lake_of).fillna(False).astype(bool))
    it = it.loc[it["group"].isin(small)]
    mean = it.groupby(["group", "lake", "parameter"], sort=False)["value"].mean().reset_index()
    lake = mean["lake"].to_numpy(dtype=bool)
    mean["item_class"] = gb3838.classify_values(mean["parameter"], mean["value"], lake)
    mean["exceedance"] = gb3838.exceedance_multiples(mean["parameter"], mean["value"], lake)
    mean["routine"] = mean["parameter"].isin(gb3838.ROUTINE_ITEMS)
    gids, groups = pd.factorize(mean["group"])
    mean["gid"] = gids
    ev = mean.loc[mean["routine"] & (mean["item_class"] > 0)]
    wc = ev.groupby("gid")["item_class"].max()
    once = mean.assign(_e=mean["exceedance"].fillna(-np.inf)).sort_values(
        ["gid", "parameter", "item_class", "_e"], ascending=[True, True, False, False])
    pol = main_pollutants(once.drop_duplicates(["gid", "parameter"]))
    out = pd.DataFrame({"water_class": wc}).join(pol[["main_pollutants", "main_pollutants_en"]])
    pos = out.index.to_numpy().astype(np.int64)
    out.index = pd.Index(np.asarray(groups, dtype=object)[pos], name="group", dtype=object)
    return out


def assess_groups(assessment: AssessmentLike, by: str = "river") -> pd.DataFrame:
    """Aggregate the sections of ``assessment`` by river, control unit, water system
    or district (``by``: a key of :data:`BY_COLUMNS`).

    One row per group with a key; columns :data:`GROUP_COLUMNS`.  Counts and shares
    count the sections with a class; ``share_meeting_target`` those with a class and
    a target.  ``method`` is ``class_share`` (≥ 5 sections; ``water_class`` NA) or
    ``mean_items`` (1–4 sections).  ``by="section"`` returns the section table.
    """
    if by not in BY_COLUMNS:
        raise ValueError(f"by must be one of {', '.join(BY_COLUMNS)}, not {by!r}")
    secs = assessment.sections
    if by == "section":
        return secs
    col = BY_COLUMNS[by]
    ev = secs.loc[secs["water_class"].notna() & secs[col].notna()]
    if ev.empty:
        return pd.DataFrame(columns=list(GROUP_COLUMNS))
    key = pd.Series(ev[col].to_numpy(), index=ev["section_code"].to_numpy())
    wc = ev["water_class"].astype(int)
    counts = pd.crosstab(ev[col], wc).reindex(columns=range(1, 7), fill_value=0)
    out = pd.DataFrame(index=counts.index.rename("group"))
    for k in range(1, 7):
        out[f"n_class_{k}"] = counts[k].astype(int)
    out["n_sections"] = counts.sum(axis=1).astype(int)
    out["share_i_iii"] = counts[[1, 2, 3]].sum(axis=1) / out["n_sections"]
    out["share_worse_than_v"] = counts[6] / out["n_sections"]
    with_target = ev.loc[ev["target_class"].notna()]
    out["n_with_target"] = with_target.groupby(col).size().reindex(out.index, fill_value=0)
    met = with_target["meets_target"].astype(bool)
    out["n_meeting_target"] = met.groupby(with_target[col]).sum().reindex(
        out.index, fill_value=0).astype(int)
    out["share_meeting_target"] = (out["n_meeting_target"] / out["n_with_target"]).where(
        out["n_with_target"] > 0)
    lake_of = pd.Series([gb3838.is_lake(v) for v in ev["water_body_type"]],
                        index=ev["section_code"].to_numpy())
    all_lakes = lake_of.groupby(key.reindex(lake_of.index).to_numpy()).all().reindex(
        out.index, fill_value=False)
    # lakes and reservoirs: the points' item means, however many (the method's lake rule)
    big = (out["n_sections"] >= MIN_SECTIONS_FOR_SHARES) & ~all_lakes.to_numpy(dtype=bool)
    out["method"] = np.where(big, "class_share", "mean_items")
    small = _mean_items(assessment.items, key, out.index[~big], lake_of)
    shares = _share_pollutants(assessment.items, key, out["n_sections"])
    out["water_class"] = small["water_class"].reindex(out.index).astype("Int64")
    labels = class_labels(out["water_class"])
    out["roman"] = labels["roman"]
    share_lbl = [share_label(a, b) for a, b in zip(out["share_i_iii"], out["share_worse_than_v"])]
    out["label_zh"] = np.where(big, share_lbl, labels["label_zh"])
    out["label_en"] = out["label_zh"].map(LABEL_EN)
    good = out["label_zh"].isin(("优", "良好")).to_numpy()  # no main pollutants (the method)
    for c in ("main_pollutants", "main_pollutants_en"):
        out[c] = small[c].reindex(out.index).where(~big, shares[c].reindex(out.index)).fillna("")
        out.loc[good, c] = ""
    out["by"] = by
    out["period"] = assessment.period.label
    out = out.reset_index()
    return out[list(GROUP_COLUMNS)]
