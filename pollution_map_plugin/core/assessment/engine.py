"""The vectorised engine: item means per section and period, their classes, the
section class (single factor over the 21 routine items) and the main pollutants.

Everything works on integer codes with ``numpy.bincount`` and pandas groupby; no
Python loop runs per row, per section or per period.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import gb3838
from .values import effective_values, factorize, group_means

SECTION_ATTRS = (
    "name", "level", "river_code", "reach_code", "control_unit_code", "district",
    "water_system", "water_body_type", "target_class",
)
_NAME_ZH = {c: it.name_zh for c, it in gb3838.ITEMS.items()}
_SHORT_EN = {c: it.short_en for c, it in gb3838.ITEMS.items()}


def section_attributes(
    sections: pd.DataFrame | None,
    rivers: pd.DataFrame | None = None,
    control_units: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per section: ``section_code`` and :data:`SECTION_ATTRS` (as present).

    ``water_system`` comes from the section, else its river, else its control unit.
    ``water_body_type`` defaults to ``river``; ``target_class`` is ``Int64`` (1..5 or NA).
    """
    if sections is None or len(sections) == 0:
        df = pd.DataFrame({"section_code": pd.Series([], dtype=object)})
    else:
        cols = [c for c in SECTION_ATTRS if c in sections.columns]
        df = pd.DataFrame(sections[["code", *cols]]).rename(columns={"code": "section_code"})
        df = df.drop_duplicates("section_code", keep="last").reset_index(drop=True)
    for col in SECTION_ATTRS:
        if col not in df:
            df[col] = pd.Series([None] * len(df), dtype=object)
    for frame, key in ((rivers, "river_code"), (control_units, "control_unit_code")):
        if frame is not None and len(frame) and "water_system" in frame:
            lookup = pd.Series(frame["water_system"].to_numpy(), index=frame["code"].to_numpy())
            lookup = lookup[~lookup.index.duplicated(keep="last")]
            df["water_system"] = df["water_system"].where(
                df["water_system"].notna(), df[key].map(lookup))
    df["water_body_type"] = df["water_body_type"].where(df["water_body_type"].notna(), "river")
    target = pd.to_numeric(df["target_class"], errors="coerce")
    target = target.where((target >= 1) & (target <= 5)).round()
    df["target_class"] = target.astype("Int64")
    return df


def _lake_by_code(codes: np.ndarray, attrs: pd.DataFrame) -> np.ndarray:
    wbt = pd.Series(attrs["water_body_type"].to_numpy(), index=attrs["section_code"].to_numpy())
    mapped = pd.Series(codes).map(wbt).fillna("river")
    return mapped.astype(str).str.strip().str.lower().isin(gb3838.LAKE_TYPES).to_numpy()


def build_items(
    measurements: pd.DataFrame,
    attrs: pd.DataFrame,
    period_codes: np.ndarray,
    n_periods: int,
    non_detect: str = "half",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Item means per (section, period) and the number of samples per (section, period).

    ``period_codes`` assigns each measurement row to a period (−1: outside all).
    Returns ``items`` (``gid, section_code, period_idx, parameter, value, n_values,
    lake, item_class, exceedance, routine``) and ``samples`` (``gid, n_samples``),
    where ``gid = section index × n_periods + period_idx`` and ``section_code``
    is categorical.
    """
    values = effective_values(measurements, non_detect)
    sec, sec_uniq = factorize(measurements["section_code"])
    par, par_uniq = factorize(measurements["parameter"].astype(str).str.strip()
                              if measurements["parameter"].dtype == object
                              else measurements["parameter"])
    n_per = max(int(n_periods), 1)
    (sk, pk, qk), means, counts = group_means(
        [sec, period_codes, par], [len(sec_uniq), n_per, len(par_uniq)], values)
    sec_cat = pd.Categorical.from_codes(sk, categories=pd.Index(sec_uniq, dtype=object))
    par_cat = pd.Categorical.from_codes(qk, categories=pd.Index(par_uniq, dtype=object))
    lake = _lake_by_code(sec_uniq, attrs)[sk] if len(sk) else np.zeros(0, dtype=bool)
    item_class = gb3838.classify_values(par_cat, means, lake)
    routine_idx = [i for i, p in enumerate(par_uniq) if p in gb3838.ROUTINE_ITEMS]
    items = pd.DataFrame({
        "gid": sk * n_per + pk,
        "section_code": sec_cat,
        "period_idx": pk,
        "parameter": par_cat,
        "value": means,
        "n_values": counts,
        "lake": lake,
        "item_class": item_class,
        "exceedance": gb3838.exceedance_multiples(par_cat, means, lake),
        "routine": np.isin(qk, routine_idx),
    })
    # distinct sampling days per (section, period), among rows that were evaluated
    ok = ~np.isnan(values) & (sec >= 0) & (period_codes >= 0)
    days = measurements["sampled_on"].to_numpy(dtype="datetime64[D]").astype(np.int64)[ok]
    span = int(days.max() - days.min() + 1) if days.size else 1
    row_gid = sec[ok] * n_per + period_codes[ok]
    uniq_sd = pd.unique(row_gid * span + (days - (days.min() if days.size else 0)))
    gids, n_samples = np.unique(uniq_sd // span, return_counts=True)
    samples = pd.DataFrame({"gid": gids, "n_samples": n_samples})
    return items, samples


def _fmt_multiple(m: float) -> str:
    s = f"{m:.1f}"
    return f"{m:.2f}" if s == "0.0" else s


def main_pollutants(items: pd.DataFrame, top: int = 3) -> pd.DataFrame:
    """主要污染指标 per ``gid``: ``main_pollutants`` (+ ``_en``) and ``main_pollutant_codes``.

    Routine items worse than Class III; cyanide and heavy metals first, then by
    worse class, then by larger exceedance multiple (DO and pH, which have none,
    last within their class); at most ``top``.  Text like ``氨氮(1.3)、总磷(0.5)``.
    """
    cand = items.loc[items["routine"] & (items["item_class"] > 3),
                     ["gid", "parameter", "item_class", "exceedance"]]
    cols = ["main_pollutants", "main_pollutants_en", "main_pollutant_codes"]
    if cand.empty:
        return pd.DataFrame(columns=cols, index=pd.Index([], name="gid"))
    cand = cand.assign(
        parameter=cand["parameter"].astype(str),
        prio=cand["parameter"].astype(str).isin(gb3838.PRIORITY_ITEMS),
        exc=cand["exceedance"].fillna(-np.inf),
    ).sort_values(["gid", "prio", "item_class", "exc"], ascending=[True, False, False, False])
    cand = cand.groupby("gid", sort=False).head(top)
    exc_txt = [("" if np.isnan(e) else f"({_fmt_multiple(e)})") for e in cand["exceedance"]]
    cand["zh"] = cand["parameter"].map(_NAME_ZH) + exc_txt
    cand["en"] = cand["parameter"].map(_SHORT_EN) + [t.replace("(", " (") for t in exc_txt]
    g = cand.groupby("gid", sort=False)
    return pd.DataFrame({
        "main_pollutants": g["zh"].agg("、".join),
        "main_pollutants_en": g["en"].agg(", ".join),
        "main_pollutant_codes": g["parameter"].agg(list),
    })


def section_classes(items: pd.DataFrame, samples: pd.DataFrame) -> pd.DataFrame:
    """Per ``gid``: ``water_class`` (worst routine item), ``n_items`` and ``n_samples``."""
    ev = items.loc[items["routine"] & (items["item_class"] > 0), ["gid", "item_class"]]
    g = ev.groupby("gid")["item_class"]
    out = pd.DataFrame({"water_class": g.max(), "n_items": g.size()})
    out = out.join(samples.set_index("gid"), how="outer")
    out["n_items"] = out["n_items"].fillna(0).astype(int)
    out["n_samples"] = out["n_samples"].fillna(0).astype(int)
    out["water_class"] = out["water_class"].astype("Int64")
    return out


def separate_items(items: pd.DataFrame) -> pd.DataFrame:
    """Per ``gid``: TN (lakes and reservoirs only) and FC, value and class."""
    out = []
    for code, lake_only in (("TN", True), ("FC", False)):
        sel = items["parameter"].astype(str).eq(code).to_numpy()
        if lake_only:
            sel &= items["lake"].to_numpy()
        sub = items.loc[sel, ["gid", "value", "item_class"]].set_index("gid")
        key = code.lower()
        out.append(pd.DataFrame({
            f"{key}_value": sub["value"],
            f"{key}_class": sub["item_class"].where(sub["item_class"] > 0).astype("Int64"),
        }))
    return pd.concat(out, axis=1)
