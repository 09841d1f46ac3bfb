"""The data of a river report's charts: each section's measured items over the years
(GB 3838 class limits, the target's limit, non-detects, the Spearman trend verdict of
``core.assessment.trend``), and the river's share of I–III and 劣V sections by year."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .. import gb3838
from ..assessment.periods import parse_period
from ..assessment.trend import MIN_PERIODS, group_trends, section_trends


def _verdict(row: Any, lang: str) -> str:
    """'无显著变化趋势 (r_s = 0.12, N = 10, W_p = 0.564)' or 'significant rise, worsening
    (…)'; with fewer than 5 periods the method's note (no W_p for N < 5)."""
    if row is None:
        return ""
    words = row.get("trend_en" if lang == "en" else "trend_zh") or ""
    quality = row.get("quality_en" if lang == "en" else "quality_zh") if lang == "en" \
        else row.get("quality_zh")
    if isinstance(quality, str) and quality and quality not in words:
        words = f"{words}, {quality}" if lang == "en" else f"{words}（{quality}）"
    rs, n = row.get("rs"), row.get("n")
    stats = []
    if rs is not None and not pd.isna(rs):
        stats.append(f"r_s = {float(rs):.3f}")
    if n is not None and not pd.isna(n):
        stats.append(f"N = {int(n)}")
    wp = row.get("critical_value")
    if wp is not None and not pd.isna(wp):
        stats.append(f"W_p = {float(wp):.3f}")
    if (wp is None or pd.isna(wp)) and n is not None and not pd.isna(n):  # too few: why
        too_few = (f"N = {int(n)} < {MIN_PERIODS}: too few periods for the test"
                   if lang == "en" else f"N = {int(n)} < {MIN_PERIODS}，期数不足，不作检验")
        stats = [x for x in stats if not x.startswith("N = ")] + [too_few]
    return f"{words} ({', '.join(stats)})" if stats else words


def _years(ctx: Any) -> list[str]:
    hist = ctx.history_by.get("year")
    if hist is None or not len(hist):
        return []
    return sorted(hist["period"].astype(str).unique())


def section_series(ctx: Any, secs: pd.DataFrame) -> list[list[dict]]:
    """Per section (in ``secs`` order): its items' yearly means with the class limits,
    the target class's limit, non-detect flags and the trend verdict."""
    codes = secs["code"].astype(str).tolist()
    years = _years(ctx)
    series = ctx.item_series()
    series = series.loc[series["section_code"].isin(set(codes))]
    trends = pd.DataFrame()
    if len(years) >= 2 and len(series):
        trends = section_trends(ctx.measurements_of(codes), ctx.layers["sections"],
                                [parse_period(y) for y in years])
    tr = {(r["section_code"], r["parameter"]): r for r in trends.to_dict("records")}
    wbt = dict(zip(secs["code"].astype(str), secs["water_body_type"]
                   if "water_body_type" in secs else [None] * len(secs)))
    target = dict(zip(secs["code"].astype(str),
                      pd.to_numeric(secs["target_class"], errors="coerce")))
    groups = {k: g for k, g in series.groupby(["section_code", "parameter"], sort=True)}
    out = []
    for code in codes:
        items = []
        for par, it in gb3838.ITEMS.items():
            g = groups.get((code, par))
            if g is None or it.rule == "none" or not it.limits:
                continue
            body = wbt.get(code) or "river"
            lims = gb3838.limits(par, body) or it.limits
            tc = target.get(code)
            tl = gb3838.class_limit(par, int(tc), body) if tc is not None and \
                not pd.isna(tc) and 1 <= tc <= 5 else None
            items.append({
                "p": par, "name": it.short_en if ctx.lang == "en" else it.name_zh,
                "unit": it.unit, "rule": it.rule, "limits": list(lims),
                "target": tl, "years": [int(y) for y in g["year"]],
                "v": [None if not np.isfinite(v) else round(float(v), 4) for v in g["value"]],
                "nd": [bool(x) for x in g["nd"]],
                "trend": _verdict(tr.get((code, par)), ctx.lang)})
        out.append(items)
    return out


def river_share(ctx: Any, secs: pd.DataFrame) -> dict | None:
    """The share (%) of the river's sections in I–III and in 劣V, by year, and the
    Spearman verdict on the I–III share."""
    hist = ctx.history_by.get("year")
    if hist is None or not len(hist) or not len(secs):
        return None
    codes = set(secs["code"].astype(str))
    h = hist.loc[hist["section_code"].astype(str).isin(codes)]
    cls = pd.to_numeric(h["water_class"], errors="coerce")
    h = h.assign(cls=cls).loc[cls.notna() & (cls > 0)]
    if not len(h):
        return None
    per = h.groupby(h["period"].astype(str))["cls"]
    good = (per.apply(lambda c: (c <= 3).mean() * 100)).round(1)
    bad = (per.apply(lambda c: (c == 6).mean() * 100)).round(1)
    n = per.size()
    verdict = ""
    years = list(good.index)
    if len(years) >= 2:
        m = ctx.measurements_of(codes)
        sections = ctx.layers["sections"]
        sections = sections.loc[sections["code"].astype(str).isin(codes)]
        g = group_trends(m, sections, [parse_period(y) for y in years], by="all")
        if len(g):
            verdict = _verdict(g.iloc[0].to_dict(), ctx.lang)
    return {"years": years, "good": good.tolist(), "bad": bad.tolist(),
            "n": [int(v) for v in n], "trend": verdict}
