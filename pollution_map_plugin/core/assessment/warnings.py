"""超标及临界突变预警: warnings over every sample in a window.

The window (:attr:`WarningSettings.since`): every sample on or after that date, each
warning with its own sample's date; by default (``since`` None) the latest sample of
every item of every section, whatever day the section's other items were sampled
(up to ``as_of`` if given).  Several samples of one item on one day are averaged.

* ``exceedance``: an item's class is worse than the section's target class.  A section
  without a target gets no exceedance (nor critical) warning, unless
  ``default_target_class`` gives one.
* ``critical``: not exceeding, but close: ``value / limit ≥ critical_share`` for the
  "≤" items; for DO (a minimum) the mirror, ``limit / value ≥ critical_share``.
  pH has no critical warning.
* ``sudden_change``: against the item's previous sample (the one before it, in the
  window or not), the value moved in the worse direction (up; DO down; pH either) by at
  least ``min_relative_change`` of the previous value (10 %: COD 15 → 15.1, "I → III"
  across the shared limit, never fires), and either its class is worse by
  ``class_jump`` or more, or it departs from the mean of the previous ``window``
  measured samples (at least ``min_history``) by more than ``variability_k`` standard
  deviations — the deviation at least ``spread_floor`` of that mean, so that a flat
  history (0.3, 0.3, 0.3, …) does not switch the rule off (0.3 → 0.9 fires).

Non-detects never raise a warning, a non-detect as the previous sample raises no sudden
change, and non-detects are left out of the recent mean: a warning shows measured values
only (half the detection limit is for classification, not for display).  Where one day
has both detected and non-detected samples of an item, the detected ones make its value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from .. import gb3838
from .engine import section_attributes
from .measurement_values import check_non_detect, factorize, non_detect_mask

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
    non_detect: str = "half"  # accepted for the callers; warnings show measured values only
    since: date | str | None = None  # window start; None: the latest sample of every item
    min_relative_change: float = 0.1  # a sudden change moves at least this share
    spread_floor: float = 0.05  # the k·σ rule's σ is at least this share of the mean

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
        if not 0 <= self.min_relative_change < 10 or not 0 <= self.spread_floor < 10:
            raise ValueError("min_relative_change and spread_floor must be 0 ≤ x < 10")
        window_start(self.since)  # a clear error now, not later
        check_non_detect(self.non_detect)


def window_start(value: date | str | None) -> int | None:
    """``since`` as a day number (days since 1970-01-01), or None."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        day = pd.Timestamp(value).normalize()
    except (ValueError, TypeError) as exc:
        raise ValueError(f"cannot read the window start {value!r} as a date") from exc
    return int(np.datetime64(day, "D").astype(np.int64))


def _daily(measurements: pd.DataFrame, settings: WarningSettings) -> dict[str, np.ndarray]:
    """Per (section, item, day): the mean of the detected values (NaN when every sample
    of the day was a non-detect, ``nd`` True), sorted by section, item and day."""
    m = measurements.loc[measurements["parameter"].isin(settings.items)
                         & measurements["sampled_on"].notna()]
    value = pd.to_numeric(m["value"], errors="coerce").to_numpy(dtype=float)
    nd = non_detect_mask(m)
    sec, sec_u = factorize(m["section_code"])
    par, par_u = factorize(m["parameter"])
    day = m["sampled_on"].to_numpy(dtype="datetime64[D]").astype(np.int64)
    ok = (sec >= 0) & (par >= 0) & (nd | ~np.isnan(value))
    sec, par, day, value, nd = sec[ok], par[ok], day[ok], value[ok], nd[ok]
    empty = np.zeros(0, dtype=np.int64)
    if not len(sec):
        return {"s": empty, "p": empty, "day": empty, "value": np.zeros(0), "nd": empty > 0,
                "sections": np.asarray(sec_u, dtype=object),
                "parameters": np.asarray(par_u, dtype=object)}
    d0 = int(day.min())
    span = int(day.max()) - d0 + 1
    key = (sec * len(par_u) + par) * span + (day - d0)
    uniq, inv = np.unique(key, return_inverse=True)
    inv = inv.reshape(-1)
    detected = ~nd
    n_det = np.bincount(inv, weights=detected * 1.0, minlength=len(uniq))
    total = np.bincount(inv, weights=np.where(detected, value, 0.0), minlength=len(uniq))
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(n_det > 0, total / n_det, np.nan)
    rest, dd = np.divmod(uniq, span)
    sk, pk = np.divmod(rest, len(par_u))
    return {"s": sk, "p": pk, "day": dd + d0, "value": mean, "nd": n_det == 0,
            "sections": np.asarray(sec_u, dtype=object),
            "parameters": np.asarray(par_u, dtype=object)}


def _samples(d: dict[str, np.ndarray], window: int, since: int | None) -> pd.DataFrame:
    """The samples in the window, each with its previous sample and the mean and
    standard deviation of the up to ``window`` measured samples before it."""
    s, p, day, v, nd = d["s"], d["p"], d["day"], d["value"], d["nd"]
    n = len(s)
    g = s * (len(d["parameters"]) + 1) + p
    new = np.r_[True, g[1:] != g[:-1]]
    last = np.r_[g[1:] != g[:-1], True]
    sel = (day >= since) if since is not None else last
    # the previous sample of the same item (measured or not)
    has_prev = ~new
    idx = np.arange(n)
    prev = np.where(has_prev, idx - 1, 0)
    # the history: the up to ``window`` measured samples before each selected row, summed
    # sample by sample (not as a difference of running sums: the result must not depend
    # on how many rows precede the group, e.g. a read of a date window vs every row)
    det = ~nd
    c = np.r_[0, np.cumsum(det)]            # measured samples before row i: c[i]
    first = np.maximum.accumulate(np.where(new, idx, 0))  # the group's first row
    i = np.flatnonzero(sel)
    hi = c[i]
    lo = np.maximum(hi - window, c[first[i]])
    xm = v[det]  # the measured values in order
    cnt = hi - lo
    sum1 = np.zeros(len(i))
    for k in range(1, window + 1):
        m = hi - k
        ok = m >= lo
        sum1 += np.where(ok, xm[np.where(ok, m, 0)] if len(xm) else 0.0, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(cnt > 0, sum1 / np.maximum(cnt, 1), np.nan)
        ss = np.zeros(len(i))
        for k in range(1, window + 1):
            m = hi - k
            ok = m >= lo
            dev = (xm[np.where(ok, m, 0)] if len(xm) else 0.0) - mean
            ss += np.where(ok, dev * dev, 0.0)
        var = np.where(cnt > 1, ss / (cnt - 1), np.nan)
    std = np.sqrt(var)
    pi = prev[i]
    hp = has_prev[i]
    return pd.DataFrame({
        "section_code": d["sections"][s[i]], "parameter": d["parameters"][p[i]],
        "day": day[i], "value": v[i], "all_nd": nd[i],
        "prev_day": np.where(hp, day[pi], np.nan),
        "prev_nd": np.where(hp, nd[pi], False),
        "previous_value": np.where(hp & ~nd[pi], v[pi], np.nan),
        "mean": mean, "std": std, "count": cnt,
    })


@dataclass(frozen=True)
class JudgedSamples:
    """The samples the warnings judge, with their window statistics, as computed by a
    database (``core.db.postgis_warnings``): :func:`find_warnings` judges them as it
    judges those it computes from rows (:func:`_samples`' columns)."""

    frame: pd.DataFrame
    items: tuple[str, ...]
    window: int
    since: int | None  # the window start as a day number (None: the latest samples)
    rows_read: int = 0  # measurement rows the database read (none travelled)

    def __len__(self) -> int:
        return len(self.frame)

    def matches(self, settings: WarningSettings, start: int | None) -> bool:
        """Whether these samples are those ``settings`` (window start ``start``) judge."""
        return (tuple(self.items) == tuple(settings.items) and self.window == settings.window
                and self.since == start)


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
    measurements: pd.DataFrame | JudgedSamples,
    sections: pd.DataFrame | None = None,
    settings: WarningSettings | None = None,
    *,
    as_of: date | str | None = None,
    since: date | str | None = None,
) -> pd.DataFrame:
    """All warnings over the samples in the window (``since``, else ``settings.since``,
    else the latest sample of every item), up to ``as_of`` if given.

    Columns :data:`WARNING_COLUMNS`; ``sampled_on`` is the date of the warning's
    sample; ``limit`` the target-class limit (NaN for pH), ``ratio`` value/limit (DO:
    limit/value), ``baseline`` the recent mean of measured samples (sudden changes by
    variability); ``previous_value`` the previous sample (NaN when it was a
    non-detect).  Sorted by kind, section, item and date.  ``measurements``: the rows,
    or the :class:`JudgedSamples` a database computed for these settings.
    """
    s = settings or WarningSettings()
    start = window_start(since if since is not None else s.since)
    if isinstance(measurements, JudgedSamples):  # computed by the database
        if as_of is not None or not measurements.matches(s, start):
            raise ValueError("the judged samples were computed for other warning settings")
        return _judge(measurements.frame, sections, s)
    m = measurements
    if as_of is not None:
        cutoff = np.datetime64(pd.Timestamp(as_of).normalize() + pd.Timedelta(days=1), "ns")
        m = m.loc[m["sampled_on"].to_numpy(dtype="datetime64[ns]") < cutoff]
    d = _daily(m, s)
    if len(d["s"]) == 0:
        return pd.DataFrame(columns=list(WARNING_COLUMNS))
    return _judge(_samples(d, s.window, start), sections, s)


def _judge(latest: pd.DataFrame, sections: pd.DataFrame | None,
           s: WarningSettings) -> pd.DataFrame:
    """The warnings of the judged samples (:func:`_samples`' frame)."""
    if latest.empty:
        return pd.DataFrame(columns=list(WARNING_COLUMNS))
    attrs = section_attributes(sections)
    latest = latest.copy()
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
    pv = latest["previous_value"].to_numpy(dtype=float)
    tc = target.to_numpy(dtype=float)
    cls = gb3838.classify_values(par, v, lake).astype(float)
    prev_cls = gb3838.classify_values(par, pv, lake).astype(float)
    limit = gb3838.class_limits_array(par, tc, lake)
    rule = np.array([gb3838.ITEMS[p].rule for p in par], dtype=object)
    mean = latest["mean"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(rule == "ge", limit / v, v / limit)
        sigma = np.fmax(latest["std"].to_numpy(dtype=float), s.spread_floor * np.abs(mean))
        z = (v - mean) / sigma
        step = (v - pv) / np.abs(pv)  # relative move from the previous sample
        away = (v - mean) / np.abs(mean)  # relative departure from the recent mean
    worse = {"ge": -1.0, "range": 0.0}
    sign = np.array([worse.get(r, 1.0) for r in rule])
    step_w = np.where(sign == 0, np.abs(step), sign * step)
    away_w = np.where(sign == 0, np.abs(away), sign * away)
    z_w = np.where(sign == 0, np.abs(z), sign * z)
    counted = ~latest["all_nd"].to_numpy(dtype=bool)
    exceed = counted & ~np.isnan(tc) & (cls > tc)
    critical = counted & ~exceed & ~np.isnan(tc) & (rule != "range") & (
        ratio >= s.critical_share) & (ratio <= 1 + gb3838.REL_TOL)
    prev_ok = ~latest["prev_nd"].to_numpy(dtype=bool) & ~np.isnan(pv)
    moved = prev_ok & (step_w >= s.min_relative_change * (1 - gb3838.REL_TOL))
    jump_class = moved & (prev_cls > 0) & (cls - prev_cls >= s.class_jump)
    jump_var = moved & (latest["count"].to_numpy() >= s.min_history) & (sigma > 0) & (
        z_w > s.variability_k) & (away_w >= s.min_relative_change * (1 - gb3838.REL_TOL))
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
        ["_k", "section_code", "parameter", "day"], kind="stable")
    return out[list(WARNING_COLUMNS)].reset_index(drop=True)


#: Alias of :func:`find_warnings` (the name the QGIS layer looks for).
compute_warnings = find_warnings
