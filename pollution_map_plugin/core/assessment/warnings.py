"""超标及临界突变预警: warnings from the latest sample of every section.

* ``exceedance``: an item's class is worse than the section's target class.
* ``critical``: not exceeding, but close: ``value / limit ≥ critical_share`` for the
  "≤" items; for DO (a minimum) the mirror, ``limit / value ≥ critical_share``.
  pH has no critical warning.
* ``sudden_change``: the item's class is worse by ``class_jump`` or more than at its
  previous sample, or the value moved in the worse direction (up; DO down; pH either)
  by more than ``variability_k`` standard deviations of its previous ``window``
  samples (at least ``min_history`` of them).

The latest sample of a section is its latest sampling day (several samples of one item
that day are averaged).  Non-detects count per ``non_detect`` but never raise a warning.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from .. import gb3838
from .engine import section_attributes
from .measurement_values import (
    check_non_detect,
    effective_values,
    factorize,
    group_means,
    non_detect_mask,
)

KINDS = ("exceedance", "critical", "sudden_change")
WARNING_COLUMNS = (
    "section_code", "section_name", "parameter", "name_zh", "unit", "value", "limit",
    "limit_text", "target_class", "item_class", "sampled_on", "kind", "ratio",
    "previous_value", "previous_sampled_on", "previous_class", "baseline", "message_zh",
    "message_en",
)


@dataclass(frozen=True)
class WarningSettings:
    """Thresholds of the warnings (all settings, none hard-wired)."""

    critical_share: float = 0.9
    class_jump: int = 2
    variability_k: float = 3.0
    window: int = 12
    min_history: int = 4
    default_target_class: int | None = None  # for sections without a target
    items: tuple[str, ...] = field(default=gb3838.ROUTINE_ITEMS)
    kinds: tuple[str, ...] = KINDS
    non_detect: str = "half"

    def __post_init__(self) -> None:
        if not 0 < self.critical_share <= 1:
            raise ValueError("critical_share must be in (0, 1]")
        if self.class_jump < 1 or self.window < 2 or self.min_history < 2:
            raise ValueError("class_jump ≥ 1, window ≥ 2 and min_history ≥ 2 are required")
        if self.variability_k <= 0:
            raise ValueError("variability_k must be positive")
        if self.default_target_class is not None and not 1 <= self.default_target_class <= 5:
            raise ValueError("default_target_class must be 1..5 or None")
        unknown = set(self.kinds) - set(KINDS)
        if unknown:
            raise ValueError(f"unknown warning kinds {sorted(unknown)}; known: {KINDS}")
        check_non_detect(self.non_detect)


def _daily(measurements: pd.DataFrame, settings: WarningSettings) -> dict[str, np.ndarray]:
    """Per (section, item, day) the mean value and whether all were non-detects, as
    arrays sorted by section, item and date."""
    m = measurements.loc[measurements["parameter"].isin(settings.items)
                         & measurements["sampled_on"].notna()]
    values = effective_values(m, settings.non_detect)
    nd = non_detect_mask(m)
    sec, sec_u = factorize(m["section_code"])
    par, par_u = factorize(m["parameter"])
    dk, dk_u = factorize(m["sampled_on"].to_numpy(dtype="datetime64[D]").astype(np.int64))
    chrono = np.argsort(np.asarray(dk_u, dtype=np.int64))
    rank = np.empty_like(chrono)
    rank[chrono] = np.arange(len(chrono))
    dk = np.where(dk >= 0, rank[np.maximum(dk, 0)], -1)
    days = np.asarray(dk_u, dtype=np.int64)[chrono]
    keys, sizes = [sec, par, dk], [len(sec_u), len(par_u), len(dk_u)]
    (sk, pk, kk), means, _ = group_means(keys, sizes, values)
    # the same rows (NaN where the value is NaN), so the groups align with ``means``
    _, nd_share, _ = group_means(keys, sizes, np.where(np.isnan(values), np.nan, nd * 1.0))
    return {"s": sk, "p": pk, "day": days[kk] if len(kk) else kk, "value": means,
            "all_nd": nd_share >= 1.0, "sections": np.asarray(sec_u, dtype=object),
            "parameters": np.asarray(par_u, dtype=object)}


def _latest(d: dict[str, np.ndarray], window: int) -> pd.DataFrame:
    """The latest sample of every section, with the previous value and the recent spread."""
    s, p, day, v = d["s"], d["p"], d["day"], d["value"]
    n = len(s)
    g = s * (len(d["parameters"]) + 1) + p
    new = np.r_[True, g[1:] != g[:-1]]
    gi = np.cumsum(new) - 1
    ends = np.flatnonzero(np.r_[g[1:] != g[:-1], True])
    rank = ends[gi] - np.arange(n)  # 0 = the item's latest value
    sec_starts = np.flatnonzero(np.r_[True, s[1:] != s[:-1]])
    last = np.maximum.reduceat(day, sec_starts)[np.cumsum(np.r_[True, s[1:] != s[:-1]]) - 1]
    n_groups = len(ends)
    prev_v = np.full(n_groups, np.nan)
    prev_d = np.full(n_groups, np.iinfo(np.int64).min)
    one = rank == 1
    prev_v[gi[one]], prev_d[gi[one]] = v[one], day[one]
    hist = (rank >= 1) & (rank <= window)
    cnt = np.bincount(gi[hist], minlength=n_groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.bincount(gi[hist], weights=v[hist], minlength=n_groups) / cnt
        dev = (v[hist] - mean[gi[hist]]) ** 2
        std = np.sqrt(np.bincount(gi[hist], weights=dev, minlength=n_groups) / (cnt - 1))
    sel = np.flatnonzero((rank == 0) & (day == last))
    gs = gi[sel]
    return pd.DataFrame({
        "section_code": d["sections"][s[sel]], "parameter": d["parameters"][p[sel]],
        "day": day[sel], "value": v[sel], "all_nd": d["all_nd"][sel],
        "prev_day": np.where(prev_d[gs] == np.iinfo(np.int64).min, np.nan, prev_d[gs]),
        "previous_value": prev_v[gs], "mean": mean[gs], "std": std[gs], "count": cnt[gs],
    })


def _message(kind: str, r: dict, settings: WarningSettings) -> tuple[str, str]:
    it = gb3838.ITEMS[r["parameter"]]
    name = r["section_name"] or r["section_code"]
    v = f"{r['value']:.4g}{(' ' + it.unit) if it.unit else ''}"
    when = r["sampled_on"].isoformat()
    tr = gb3838.roman(r["target_class"])
    ir = gb3838.roman(r["item_class"])
    if kind == "exceedance":
        return (f"{name} {when} {it.name_zh} {v}，{ir}类，超过目标{tr}类限值 {r['limit_text']}",
                f"{name} {when}: {it.name_en} {v} (class {ir}) exceeds the class {tr} "
                f"target limit {r['limit_text']}")
    if kind == "critical":
        pct = f"{r['ratio'] * 100:.0f}%"
        return (f"{name} {when} {it.name_zh} {v}，达到目标{tr}类限值 {r['limit_text']} 的 "
                f"{pct}，临界超标",
                f"{name} {when}: {it.name_en} {v} is at {pct} of the class {tr} target "
                f"limit {r['limit_text']} (critical)")
    pv = r["previous_value"]
    if r.get("_jump_class"):
        prev = f"{pv:.4g}（{gb3838.roman(r['previous_class'])}类，{r['previous_sampled_on']}）"
        return (f"{name} {when} {it.name_zh} 由 {prev} 突变为 {v}（{ir}类）",
                f"{name} {when}: {it.name_en} jumped from {pv:.4g} (class "
                f"{gb3838.roman(r['previous_class'])}, {r['previous_sampled_on']}) to {v} "
                f"(class {ir})")
    k = settings.variability_k
    return (f"{name} {when} {it.name_zh} {v}，偏离近期均值 {r['baseline']:.4g} "
            f"超过 {k:g} 倍标准差，突变",
            f"{name} {when}: {it.name_en} {v} departs from its recent mean "
            f"{r['baseline']:.4g} by more than {k:g} standard deviations (sudden change)")


def find_warnings(
    measurements: pd.DataFrame,
    sections: pd.DataFrame | None = None,
    settings: WarningSettings | None = None,
    *,
    as_of: date | str | None = None,
) -> pd.DataFrame:
    """All warnings at the latest sample of every section (up to ``as_of`` if given).

    Columns :data:`WARNING_COLUMNS`; ``limit`` is the target-class limit (NaN for pH),
    ``ratio`` value/limit (DO: limit/value), ``baseline`` the recent mean (sudden
    changes by variability), ``sampled_on`` a date.  Sorted by kind, section, item.
    """
    s = settings or WarningSettings()
    m = measurements
    if as_of is not None:
        cutoff = np.datetime64(pd.Timestamp(as_of).normalize() + pd.Timedelta(days=1), "ns")
        m = m.loc[m["sampled_on"].to_numpy(dtype="datetime64[ns]") < cutoff]
    d = _daily(m, s)
    if len(d["s"]) == 0:
        return pd.DataFrame(columns=list(WARNING_COLUMNS))
    attrs = section_attributes(sections)
    latest = _latest(d, s.window)

    by_code = attrs.set_index("section_code")
    latest["section_name"] = latest["section_code"].map(by_code["name"])
    target = pd.to_numeric(latest["section_code"].map(by_code["target_class"].astype("float64")),
                           errors="coerce").astype("float64")
    if s.default_target_class is not None:
        target = target.fillna(s.default_target_class)
    wbt = latest["section_code"].map(by_code["water_body_type"]).fillna("river")
    lake = wbt.map(gb3838.is_lake).fillna(False).astype(bool).to_numpy()
    par = latest["parameter"].to_numpy()
    v = latest["value"].to_numpy(dtype=float)
    tc = target.to_numpy(dtype=float)
    cls = gb3838.classify_values(par, v, lake).astype(float)
    prev_cls = gb3838.classify_values(par, latest["previous_value"].to_numpy(float), lake)
    limit = gb3838.class_limits_array(par, tc, lake)
    rule = np.array([gb3838.ITEMS[p].rule for p in par], dtype=object)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(rule == "ge", limit / v, v / limit)
        z = (v - latest["mean"].to_numpy()) / latest["std"].to_numpy()
    counted = ~latest["all_nd"].to_numpy()
    exceed = counted & ~np.isnan(tc) & (cls > tc)
    critical = counted & ~exceed & ~np.isnan(tc) & (rule != "range") & (
        ratio >= s.critical_share) & (ratio <= 1 + gb3838.REL_TOL)
    jump_class = (prev_cls > 0) & (cls - prev_cls >= s.class_jump)
    worse_z = np.select([rule == "ge", rule == "range"], [-z, np.abs(z)], default=z)
    jump_var = (latest["count"].fillna(0).to_numpy() >= s.min_history) & (
        latest["std"].fillna(0).to_numpy() > 0) & (worse_z > s.variability_k)
    sudden = counted & (jump_class | jump_var)

    latest = latest.assign(
        target_class=pd.array(np.where(np.isnan(tc), None, tc), dtype="Int64"),
        item_class=pd.array(np.where(cls > 0, cls, None), dtype="Int64"),
        limit=limit, ratio=ratio, baseline=latest["mean"],
        previous_class=pd.array(np.where(prev_cls > 0, prev_cls, None), dtype="Int64"),
        sampled_on=pd.to_datetime(latest["day"], unit="D").dt.date,
        previous_sampled_on=pd.to_datetime(latest["prev_day"], unit="D").dt.date,
        _jump_class=jump_class,
    )
    latest["previous_sampled_on"] = latest["previous_sampled_on"].where(
        latest["prev_day"].notna(), None)
    latest["name_zh"] = latest["parameter"].map(lambda p: gb3838.ITEMS[p].name_zh)
    latest["unit"] = latest["parameter"].map(lambda p: gb3838.ITEMS[p].unit)
    latest["limit_text"] = [
        gb3838.format_limit(p, int(t), "lake" if lk else "river") if not np.isnan(t) else ""
        for p, t, lk in zip(par, tc, lake)
    ]
    parts = []
    for kind, mask in (("exceedance", exceed), ("sudden_change", sudden),
                       ("critical", critical)):
        if kind in s.kinds and mask.any():
            parts.append(latest.loc[mask].assign(kind=kind))
    if not parts:
        return pd.DataFrame(columns=list(WARNING_COLUMNS))
    out = pd.concat(parts, ignore_index=True)
    msgs = [_message(k, r, s) for k, r in zip(out["kind"], out.to_dict("records"))]
    out["message_zh"] = [a for a, _ in msgs]
    out["message_en"] = [b for _, b in msgs]
    order = {k: i for i, k in enumerate(KINDS)}
    out = out.assign(_k=out["kind"].map(order)).sort_values(
        ["_k", "section_code", "parameter"], kind="stable")
    return out[list(WARNING_COLUMNS)].reset_index(drop=True)


#: Alias of :func:`find_warnings` (the name the QGIS layer looks for).
compute_warnings = find_warnings
