"""Trend over several periods by Spearman's rank correlation (环办〔2011〕22号, 多时段的
变化趋势评价).

r_s = 1 − 6 Σ d_i² / (N³ − N), d_i = X_i − Y_i, X_i the rank of period i's value
(ascending), Y_i its rank in time; |r_s| ≥ W_p (the critical value of the method's
table for N periods) is a significant trend: r_s > 0 rising, r_s < 0 falling.  Below
W_p, or with fewer than 5 periods (the table starts at N = 5), there is no significant
trend.  A rising concentration is worsening, except DO and transparency (SD); a rising
share of I–III sections is improving; pH has no direction of quality.

Where values tie, X_i are mid-ranks and r_s is the correlation of the ranks (the
method's formula assumes no ties: it would give a flat series r_s = 0.5); a flat series
has r_s = 0.  r_s is rounded to three decimals, as the table is, before the comparison.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .. import gb3838
from .engine import build_items, section_attributes, section_classes
from .measurement_values import check_non_detect
from .periods import Period, parse_period

#: W_p of the method's table (附表 秩相关系数 r_s 的临界值): N → (one-tailed α = 0.05,
#: α = 0.01), the same as two-tailed α = 0.10, 0.02.  Source: 《地表水环境质量评价办法
#: （试行）》(环办〔2011〕22号); the values are Olds' (1938) and, from N = 14, 1.645/√(N−1)
#: and 2.326/√(N−1) to three decimals.
CRITICAL_VALUES: dict[int, tuple[float, float]] = {
    5: (0.900, 1.000), 6: (0.829, 0.943), 7: (0.714, 0.893), 8: (0.643, 0.833),
    9: (0.600, 0.783), 10: (0.564, 0.746), 12: (0.506, 0.712), 14: (0.456, 0.645),
    16: (0.425, 0.601), 18: (0.399, 0.564), 20: (0.377, 0.534),
}
ALPHAS = (0.05, 0.01)
_Z = {0.05: 1.645, 0.01: 2.326}
MIN_PERIODS = min(CRITICAL_VALUES)
#: Items whose rising value is an improvement; pH has no direction.
RISING_IS_BETTER = frozenset({"DO", "SD"})
NO_DIRECTION = frozenset({"pH", "WT"})
TREND_WORDS = {
    "significant_rise": ("显著上升", "significant rise"),
    "significant_fall": ("显著下降", "significant fall"),
    "no_significant_trend": ("无显著变化趋势", "no significant trend"),
}
QUALITY_WORDS = {"better": ("好转", "improving"), "worse": ("变差", "worsening")}
_TEST_COLUMNS = ("n", "rs", "critical_value", "alpha", "test", "significant", "trend",
                 "trend_zh", "trend_en", "quality", "quality_zh", "note")
#: Columns of :func:`section_trends`.
SECTION_TREND_COLUMNS = ("section_code", "name", "river_code", "parameter", "name_zh",
                         "unit", "periods", "values", *_TEST_COLUMNS)
#: Columns of :func:`group_trends`.
GROUP_TREND_COLUMNS = ("by", "group", "periods", "values", "n_sections_min",
                       "n_sections_max", *_TEST_COLUMNS)


def critical_value(n: int, alpha: float = 0.05) -> float | None:
    """W_p for ``n`` periods (one-tailed ``alpha`` 0.05 or 0.01); None when n < 5.

    Between rows of the table: linear interpolation; beyond N = 20: z/√(N−1), which
    the table's last rows already are (both to three decimals).
    """
    if alpha not in ALPHAS:
        raise ValueError(f"alpha must be one of {ALPHAS}, not {alpha!r}")
    col = ALPHAS.index(alpha)
    if n < MIN_PERIODS:
        return None
    if n in CRITICAL_VALUES:
        return CRITICAL_VALUES[n][col]
    rows = sorted(CRITICAL_VALUES)
    if n > rows[-1]:
        return round(_Z[alpha] / math.sqrt(n - 1), 3)
    lo = max(k for k in rows if k < n)
    hi = min(k for k in rows if k > n)
    a, b = CRITICAL_VALUES[lo][col], CRITICAL_VALUES[hi][col]
    return round(a + (b - a) * (n - lo) / (hi - lo), 3)


def spearman(values: list[float] | np.ndarray) -> float | None:
    """r_s of ``values`` in time order against time; None for fewer than 2 values."""
    x = pd.Series(np.asarray(values, dtype=float)).dropna()
    n = len(x)
    if n < 2:
        return None
    rank = x.rank(method="average").to_numpy()
    t = np.arange(1, n + 1, dtype=float)
    if len(np.unique(rank)) == n:  # no ties: the method's formula
        return float(1 - 6 * np.sum((rank - t) ** 2) / (n ** 3 - n))
    if np.all(rank == rank[0]):
        return 0.0
    return float(np.corrcoef(rank, t)[0, 1])


def trend_test(values: list[float] | np.ndarray, alpha: float = 0.05,
               rising_is_better: bool | None = False) -> dict:
    """The test of one series (time order): the :data:`_TEST_COLUMNS` as a dict.

    ``rising_is_better`` None: no direction of quality (pH).
    """
    series = [float(v) for v in values if v is not None and np.isfinite(v)]
    n = len(series)
    rs = spearman(series)
    rs3 = None if rs is None else round(rs, 3) + 0.0  # no −0.0
    crit = critical_value(n, alpha)
    significant = bool(crit is not None and rs3 is not None and abs(rs3) >= crit)
    trend = "no_significant_trend"
    quality = None
    if significant:
        trend = "significant_rise" if rs3 > 0 else "significant_fall"
        if rising_is_better is not None:
            quality = "better" if (rs3 > 0) == rising_is_better else "worse"
    note = (f"N = {n} < {MIN_PERIODS}: too few periods for the test" if crit is None
            else f"|r_s| {'≥' if significant else '<'} W_p {crit:.3f} (N = {n})")
    return {
        "n": n, "rs": rs3, "critical_value": crit, "alpha": alpha,
        "test": "one-tailed", "significant": significant, "trend": trend,
        "trend_zh": TREND_WORDS[trend][0], "trend_en": TREND_WORDS[trend][1],
        "quality": quality, "quality_zh": QUALITY_WORDS[quality][0] if quality else None,
        "note": note,
    }


def split_period(period: Period | str, freq: str = "year") -> list[Period]:
    """The years, quarters or months (``freq``) that ``period`` covers, in order."""
    p = parse_period(period)
    out: list[Period] = []
    y, m = p.start.year, p.start.month
    while True:
        if freq == "year":
            cur, y = Period.year(y), y + 1
        elif freq == "quarter":
            cur = Period.quarter(y, (m - 1) // 3 + 1)
            m += 3 - (m - 1) % 3
        elif freq == "month":
            cur = Period.month(y, m)
            m += 1
        else:
            raise ValueError(f"freq must be year, quarter or month, not {freq!r}")
        if m > 12:
            y, m = y + 1, m - 12
        if cur.start > p.end:
            return out
        out.append(cur)


def parse_periods(spec: str | None, dates: pd.Series, freq: str = "year") -> list[Period]:
    """Periods from ``2019,2020,2021`` (any spellings), a range ``2019..2025`` split by
    ``freq``, or (None) every ``freq`` period from the first to the last date."""
    if spec is None or not str(spec).strip():
        d = pd.to_datetime(pd.Series(dates), errors="coerce").dropna()
        if d.empty:
            raise ValueError("no dates: the measurements table is empty")
        return split_period(Period.between(d.min().date(), d.max().date()), freq)
    parts = [s.strip() for s in str(spec).split(",") if s.strip()]
    if len(parts) == 1:
        return split_period(parts[0], freq)
    return sorted((parse_period(s) for s in parts), key=lambda p: p.start)


def _codes(dates: pd.Series, periods: list[Period]) -> np.ndarray:
    codes = np.full(len(dates), -1, dtype=np.int64)
    for i, p in enumerate(periods):
        inside = p.mask(dates)
        if (inside & (codes >= 0)).any():
            raise ValueError(f"periods overlap: {p.label} and {periods[codes[inside][0]].label}")
        codes[inside] = i
    return codes


def _items(measurements, sections, periods, non_detect):
    check_non_detect(non_detect)
    if not periods:
        raise ValueError("no periods given")
    attrs = section_attributes(sections)
    codes = _codes(measurements["sampled_on"], periods)
    return attrs, build_items(measurements, attrs, codes, len(periods), non_detect)


def _span(periods: list[Period], used: np.ndarray) -> str:
    labels = [periods[int(i)].label for i in used]
    return f"{labels[0]}..{labels[-1]}" if labels else ""


def section_trends(measurements: pd.DataFrame, sections: pd.DataFrame | None,
                   periods: list[Period], *, items: list[str] | None = None,
                   alpha: float = 0.05, non_detect: str = "half") -> pd.DataFrame:
    """Per section and item: the trend of the period means; :data:`SECTION_TREND_COLUMNS`.

    ``items`` limits the parameters (default: every one measured but WT); ``values``
    lists the period means in time order (periods without a value are left out).
    """
    attrs, it = _items(measurements, sections, periods, non_detect)
    df = pd.DataFrame({"sk": it.sk, "pk": it.pk, "parameter": it.parameters[it.qk],
                       "value": it.value})
    keep = df["parameter"].isin(items) if items else df["parameter"].ne("WT")
    df = df.loc[keep & df["parameter"].isin(list(gb3838.ITEMS))]
    info = attrs.set_index("section_code")
    rows = []
    for (sk, par), grp in df.groupby(["sk", "parameter"], sort=True):
        grp = grp.sort_values("pk")
        code = it.sections[int(sk)]
        better = None if par in NO_DIRECTION else par in RISING_IS_BETTER
        row = {"section_code": code,
               "name": info["name"].get(code) if code in info.index else None,
               "river_code": info["river_code"].get(code) if code in info.index else None,
               "parameter": par, "name_zh": gb3838.ITEMS[par].name_zh,
               "unit": gb3838.ITEMS[par].unit, "periods": _span(periods, grp["pk"].to_numpy()),
               "values": [round(float(v), 6) for v in grp["value"]]}
        row.update(trend_test(grp["value"].to_numpy(), alpha, better))
        rows.append(row)
    out = pd.DataFrame(rows, columns=list(SECTION_TREND_COLUMNS))
    return out.sort_values(["section_code", "parameter"], kind="stable").reset_index(drop=True)


def group_trends(measurements: pd.DataFrame, sections: pd.DataFrame | None,
                 periods: list[Period], by: str = "river", *, alpha: float = 0.05,
                 non_detect: str = "half") -> pd.DataFrame:
    """Per group (``by``: river, control_unit, water_system, district or ``all``): the
    trend of the share of I–III sections (%, sections with a class in each period);
    :data:`GROUP_TREND_COLUMNS`.  A rising share is improving."""
    from .compare import GROUP_BY, WHOLE_AREA

    if by not in GROUP_BY:
        raise ValueError(f"by must be one of {', '.join(GROUP_BY)}, not {by!r}")
    attrs, it = _items(measurements, sections, periods, non_detect)
    classes = section_classes(it, codes=False)
    gid = classes.index.to_numpy(dtype=np.int64)
    df = pd.DataFrame({"section_code": it.sections[gid // it.n_periods],
                       "pk": gid % it.n_periods,
                       "water_class": classes["water_class"].to_numpy()})
    df = df.loc[df["water_class"].notna()]
    if by == "all":
        df["group"] = WHOLE_AREA
    else:
        from .aggregate import BY_COLUMNS

        key = attrs.set_index("section_code")[BY_COLUMNS[by]]
        df["group"] = df["section_code"].map(key)
        df = df.loc[df["group"].notna()]
    df["good"] = df["water_class"].astype(int) <= 3
    rows = []
    for group, grp in df.groupby("group", sort=True):
        per = grp.groupby("pk").agg(n=("good", "size"), good=("good", "sum")).sort_index()
        shares = (100.0 * per["good"] / per["n"]).to_numpy()
        row = {"by": by, "group": group, "periods": _span(periods, per.index.to_numpy()),
               "values": [round(float(v), 3) for v in shares],
               "n_sections_min": int(per["n"].min()), "n_sections_max": int(per["n"].max())}
        row.update(trend_test(shares, alpha, True))
        rows.append(row)
    return pd.DataFrame(rows, columns=list(GROUP_TREND_COLUMNS))
