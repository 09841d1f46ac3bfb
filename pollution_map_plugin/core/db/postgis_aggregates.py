"""Period statistics computed by SQL on the PostGIS server: only aggregates travel.

:func:`group_stats` returns, for a list of periods, what the assessment engine takes
from the measurement rows (``core.assessment.engine.GroupStats``): per (section,
period, item) the count and mean of the evaluated values — the non-detect rule applied
in SQL exactly as ``measurement_values.effective_values`` does (``half``/``limit``/
``zero`` of the detection limit; a non-detect without a limit uses its value as the
limit; with neither, or a detected row without a value, not evaluated) — pH's minimum,
maximum, worst sample (farthest outside 6–9, else farthest from 7.5; ties: the later
row) and samples outside 6–9, and per (section, period) the distinct sampling days.
Classes, targets, main pollutants and texts are then computed in-process by the same
engine as for rows, so both paths share every rule downstream of the means.

Whole months come from the monthly rollup (``postgis_rollup``) where it is present and
not marked dirty (a period that is one calendar year from its yearly rows, the sums
of its months in month order, when no month of it is dirty), the other months (and
months a period or ``until`` cuts) from the rows, partition pruning keeping that scan
to their dates.  Sums run in the engine's order: a month's values in fid order, then
the months in order (``measurement_values.monthly_group_means``), so the means are
bit-identical to the in-process engine's on the same rows, from the rollup or the rows.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd
from psycopg2 import sql

from .. import gb3838
from . import postgis_rollup as rollup
from .postgis_rollup import next_month

_FACTOR = {"half": 0.5, "limit": 1.0, "zero": 0.0}
WORK_MEM = "512MB"  # for this query only (SET LOCAL): a year's rows sort in memory

# Per (section, period, item, month) partials from the rows (months not in the rollup,
# or cut by the period) and from the rollup, then per (section, period, item) the sums
# of the months' sums in month order, as the in-process engine does.
_STATS = """
WITH r(idx, lo, hi, mo) AS (SELECT * FROM unnest(%s::int[], %s::date[], %s::date[],
                                                 %s::date[])),
m AS (
  SELECT x.fid, x.section_code AS s, btrim(x.parameter) AS q, x.sampled_on AS d, r.idx, r.mo,
         CASE WHEN coalesce(x.below_detection, false)
              THEN CASE WHEN coalesce(x.detection_limit, x.value) IS NOT NULL
                        THEN {factor} * coalesce(x.detection_limit, x.value) END
              ELSE x.value END AS v
  FROM {measurements} x JOIN r ON x.sampled_on >= r.lo AND x.sampled_on < r.hi
  WHERE x.sampled_on >= %s::date AND x.sampled_on < %s::date),
e AS (SELECT * FROM m WHERE v IS NOT NULL AND v <> 'NaN'::float8),
part AS (
  SELECT 0 AS kind, s, idx, q, mo, count(*) AS n, sum(v ORDER BY fid) AS total,
         min(v) FILTER (WHERE q = 'pH') AS ph_min, max(v) FILTER (WHERE q = 'pH') AS ph_max,
         (array_agg(v ORDER BY {bad_v} DESC, fid DESC) FILTER (WHERE q = 'pH'))[1] AS ph_worst,
         (array_agg(fid ORDER BY {bad_v} DESC, fid DESC) FILTER (WHERE q = 'pH'))[1] AS wfid,
         count(*) FILTER (WHERE q = 'pH' AND greatest({lo} - v, v - {hi}) > 0) AS ph_out,
         min(fid) AS first
  FROM e GROUP BY s, idx, q, mo
  UNION ALL
  SELECT 1, s, idx, NULL, mo, count(*), NULL, NULL, NULL, NULL, NULL, NULL, min(first)
  FROM (SELECT s, idx, mo, d, min(fid) AS first FROM e GROUP BY s, idx, mo, d) days
  GROUP BY s, idx, mo
  UNION ALL
  SELECT u.kind, u.section_code, k.idx, u.parameter, u.month, u.n, u.total, u.ph_min,
         u.ph_max, u.ph_worst, u.ph_worst_fid, u.ph_out, u.first
  FROM {rollup} u JOIN unnest(%s::int[], %s::date[]) k(idx, mo) ON u.month = k.mo
  WHERE u.rule = %s AND u.kind < 2 AND u.month >= %s::date AND u.month <= %s::date
  UNION ALL
  SELECT u.kind, u.section_code, k.idx, u.parameter, u.year, u.n, u.total, u.ph_min,
         u.ph_max, u.ph_worst, u.ph_worst_fid, u.ph_out, u.first
  FROM {years} u JOIN unnest(%s::int[], %s::date[]) k(idx, yr) ON u.year = k.yr
  WHERE u.rule = %s AND u.kind < 2 AND u.year >= %s::date AND u.year <= %s::date)
SELECT s, idx, q, sum(n)::bigint, sum(total ORDER BY mo) / sum(n)::float8,
       min(ph_min), max(ph_max),
       (array_agg(ph_worst ORDER BY {bad_w} DESC, wfid DESC) FILTER (WHERE q = 'pH'))[1],
       sum(ph_out)::bigint, min(first), kind
FROM part GROUP BY kind, s, idx, q
"""


_NO_ROLLUP = ("(SELECT 0::smallint AS kind, ''::text AS section_code, ''::text AS parameter, "
              "NULL::date AS month, 0::bigint AS n, 0::float8 AS total, 0::float8 AS ph_min, "
              "0::float8 AS ph_max, 0::float8 AS ph_worst, 0::bigint AS ph_worst_fid, "
              "0::bigint AS ph_out, 0::bigint AS first, ''::text AS rule WHERE false)")


_NO_YEARS = ("(SELECT 0::smallint AS kind, ''::text AS section_code, ''::text AS parameter, "
             "NULL::date AS year, 0::bigint AS n, 0::float8 AS total, 0::float8 AS ph_min, "
             "0::float8 AS ph_max, 0::float8 AS ph_worst, 0::bigint AS ph_worst_fid, "
             "0::bigint AS ph_out, 0::bigint AS first, ''::text AS rule WHERE false)")


def _whole_years(rows: list, rolled: list, clean: set) -> tuple[list, list]:
    """``rolled`` (idx, month) with the months of every period that is exactly one
    clean calendar year (``clean``: 1 January of the years whose yearly rows hold every
    month; no part of the period from the rows) replaced by one (idx, year) of the
    yearly rows — its total is then the same sum, in the same order: (months, years)."""
    from_rows = {r[0] for r in rows}
    months: dict[int, set[date]] = {}
    for i, mo in rolled:
        months.setdefault(i, set()).add(mo)
    years = []
    for i, got in sorted(months.items()):
        year = date(min(got).year, 1, 1)
        if i not in from_rows and year in clean and \
                got == {date(year.year, m, 1) for m in range(1, 13)}:
            years.append((i, year))
    whole = {i for i, _y in years}
    return [(i, mo) for i, mo in rolled if i not in whole], years


def _plan(periods: list, until: Any, rolled_ok) -> tuple[list, list]:
    """Per period index its months: ``rows`` (idx, lo, hi, month) read from the rows,
    ``rolled`` (idx, month) read from the rollup (whole months it holds and trusts)."""
    rows, rolled = [], []
    for i, p in enumerate(periods):
        lo, hi = p.start, p.end + timedelta(days=1)
        if until is not None:
            hi = min(hi, until)
        mo = date(lo.year, lo.month, 1)
        while mo < hi:
            nxt = next_month(mo)
            if mo >= lo and nxt <= hi and rolled_ok(mo):
                rolled.append((i, mo))
            else:
                rows.append((i, max(lo, mo), min(hi, nxt), mo))
            mo = nxt
    return rows, rolled


_NAMES = ["s", "idx", "q", "n", "mean", "ph_min", "ph_max", "ph_worst", "ph_out", "first",
          "kind"]


def group_stats(db, periods: list, non_detect: str = "half", until: Any = None,
                use_rollup: bool = True, use_years: bool = True) -> Any:
    """The engine's ``GroupStats`` of ``periods`` (core Periods), computed on the server;
    only rows before ``until`` (a date) if given; whole months from the monthly rollup
    where it holds them (``use_rollup``), whole calendar years from its yearly rows
    (``use_years``), the rest from the rows."""
    from ..assessment.engine import GroupStats

    if non_detect not in _FACTOR:
        raise ValueError(f"non_detect must be one of {tuple(_FACTOR)}, not {non_detect!r}")
    ph_lo, ph_hi = (float(x) for x in gb3838.ITEMS["pH"].limits)  # type: ignore[union-attr]
    years: list = []
    year_table: sql.Composable = sql.SQL(_NO_YEARS)
    if use_rollup and rollup.exists(db):
        dirty = rollup.dirty_months(db)
        plan_rows, rolled = _plan(periods, until, lambda mo: mo not in dirty)
        target: sql.Composable = db.qualified(rollup.ROLLUP)
        clean = rollup.clean_years(db) if use_years else set()
        if clean:  # whole clean years from the yearly rows: 1 row per pair, not 12
            rolled, years = _whole_years(plan_rows, rolled, clean)
            year_table = db.qualified(rollup.YEARS)
    else:  # every month from the rows
        plan_rows, rolled = _plan(periods, until, lambda _mo: False)
        target = sql.SQL(_NO_ROLLUP)
    query = sql.SQL(_STATS).format(
        factor=sql.Literal(_FACTOR[non_detect]), measurements=db.qualified("measurements"),
        rollup=target, years=year_table, lo=sql.Literal(ph_lo), hi=sql.Literal(ph_hi),
        bad_v=sql.SQL(rollup.badness("v", ph_lo, ph_hi)),
        bad_w=sql.SQL(rollup.badness("ph_worst", ph_lo, ph_hi)))
    r_lo = [r[1] for r in plan_rows]
    r_hi = [r[2] for r in plan_rows]
    months = [m for _i, m in rolled]
    far = date(1, 1, 1)
    params = [[r[0] for r in plan_rows], r_lo, r_hi, [r[3] for r in plan_rows],
              min(r_lo, default=far), max(r_hi, default=far),
              [i for i, _m in rolled], months, non_detect,
              min(months, default=far), max(months, default=far),
              [i for i, _y in years], [y for _i, y in years], non_detect,
              min((y for _i, y in years), default=far),
              max((y for _i, y in years), default=far)]
    with db.transaction():  # sorts and hashes in memory: one pass, no temporary files
        db.execute("SELECT set_config('work_mem', %s, true)", [WORK_MEM])
        db.execute("SELECT set_config('jit', 'off', true)")
        rows = db.execute(query, params, fetch=True)
    frame = pd.DataFrame(rows, columns=_NAMES)
    for col in ("mean", "ph_min", "ph_max", "ph_worst"):
        frame[col] = pd.to_numeric(frame[col], errors="coerce").astype(float)
    groups = frame.loc[frame["kind"] == 0]
    samples = frame.loc[frame["kind"] == 1]
    # codes in order of first appearance (lowest fid), as factorize numbers rows
    sec_first = pd.concat([groups, samples]).groupby("s")["first"].min().sort_values()
    sec_uniq = sec_first.index.to_numpy(dtype=object)
    par_first = groups.groupby("q")["first"].min().sort_values()
    par_uniq = par_first.index.to_numpy(dtype=object)
    n_per = max(len(periods), 1)
    sec_code = pd.Index(sec_uniq).get_indexer(groups["s"])
    par_code = pd.Index(par_uniq).get_indexer(groups["q"])
    idx = groups["idx"].to_numpy(dtype=np.int64)
    order = np.lexsort((par_code, idx, sec_code))
    g = groups.iloc[order]
    sk, pk, qk = sec_code[order], idx[order], par_code[order]
    ph = None
    if "pH" in set(par_uniq):
        ph = (g["ph_min"].to_numpy(dtype=float), g["ph_max"].to_numpy(dtype=float),
              g["ph_worst"].to_numpy(dtype=float),
              g["ph_out"].fillna(0).to_numpy(dtype=np.int64))
    s_code = pd.Index(sec_uniq).get_indexer(samples["s"])
    gids = s_code * n_per + samples["idx"].to_numpy(dtype=np.int64)
    o = np.argsort(gids, kind="stable")
    return GroupStats(sec_uniq, par_uniq, n_per, tuple(periods), sk.astype(np.int64),
                      pk, qk.astype(np.int64), g["mean"].to_numpy(dtype=float),
                      g["n"].to_numpy(dtype=np.int64), ph, gids[o].astype(np.int64),
                      samples["n"].to_numpy(dtype=np.int64)[o])
