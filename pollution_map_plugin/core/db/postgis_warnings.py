"""The warnings' window statistics computed by SQL on the PostGIS server.

:func:`judged_samples` returns what ``core.assessment.warnings`` takes from the rows
before judging them: per (section, item) the samples judged (the latest day before
``end``, or every day from ``since``), each with its day value (the mean of the day's
detected values; none when every sample of the day was a non-detect), its previous
sample and the count, sum and two-pass sum of squares of the up to ``window``
measured days before it — one row per judged sample travels, never the rows.

The rows read on the server: per (section, item), those from the month where its
latest months in the monthly rollup (``postgis_rollup``, clean months) hold
``window + 1`` rows, and from the first dirty month it has rows in; a pair whose first
measured judged sample then lacks its previous sample or its ``window`` measured days
(fewer non-detect-free days than rows, sparse sampling, a month written since the
rollup) is computed again from all its rows.  Sums run in the in-process engine's
order (a day's values in fid order; the history most recent first), so the results
are bit-identical to ``find_warnings`` over the rows.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd
from psycopg2 import sql

from . import postgis_rollup as rollup
from .postgis_rollup import next_month

WORK_MEM = "256MB"

_MEASURED = ("(coalesce(x.below_detection, false) OR "
             "(x.value IS NOT NULL AND x.value <> 'NaN'::float8))")

# Per pair: the first day to read (mode "guess": the rollup and the dirty months).
_GUESS = """
st AS (
  SELECT s, q, min(month) AS lo FROM (
    SELECT section_code AS s, parameter AS q, month, n,
           sum(n) OVER (PARTITION BY section_code, parameter ORDER BY month DESC) AS acc
    FROM {rollup} WHERE rule = 'half' AND kind = 0 AND month < %(mhi)s::date
      AND parameter = ANY(%(items)s::text[]) AND month <> ALL(%(dirty)s::date[])) g
  WHERE acc - n < %(need)s GROUP BY s, q
  {dirty_rows}),
p AS (SELECT s, q, least(min(lo), %(since)s::date) AS lo FROM st GROUP BY s, q),
"""

# Mode "pairs": every row of the pairs given.
# The pairs with rows in the dirty months (those months' ranges given: partitions pruned).
_DIRTY_ROWS = """
  UNION ALL
  SELECT x.section_code, x.parameter, min(date_trunc('month', x.sampled_on)::date)
  FROM {measurements} x
  WHERE x.sampled_on >= %(dlo)s::date AND x.sampled_on < %(dhi)s::date
    AND x.sampled_on < %(end)s::date
    AND date_trunc('month', x.sampled_on)::date = ANY(%(dirty)s::date[])
    AND x.parameter = ANY(%(items)s::text[]) AND x.section_code IS NOT NULL
  GROUP BY 1, 2"""

_PAIRS = """
p AS (SELECT s, q, NULL::date AS lo FROM unnest(%(ps)s::text[], %(pq)s::text[]) AS t(s, q)),
"""

_WINDOW = """
WITH {pairs}
r AS (
  SELECT x.fid, x.section_code AS s, x.parameter AS q, x.sampled_on AS d,
         coalesce(x.below_detection, false) AS nd, x.value
  FROM p JOIN {measurements} x ON x.section_code = p.s AND x.parameter = p.q
  WHERE (p.lo IS NULL OR x.sampled_on >= p.lo) AND x.sampled_on < %(end)s::date
    AND {measured}),
dd AS (
  SELECT s, q, d, count(*) FILTER (WHERE NOT nd) AS k,
         sum(value ORDER BY fid) FILTER (WHERE NOT nd) AS t
  FROM r GROUP BY s, q, d),
dv AS (SELECT s, q, d, k = 0 AS nd,
              CASE WHEN k > 0 THEN (t + 0.0::float8) / k::float8 END AS v FROM dd),
w AS (  -- one window pass (a day is unique in its pair: RANGE frames are ROWS frames)
  SELECT s, q, d, nd, v, lag(d) OVER o AS pd, lag(nd) OVER o AS pnd, lag(v) OVER o AS pv,
         count(*) FILTER (WHERE NOT nd) OVER o AS cm, lead(d) OVER o IS NULL AS last
  FROM dv WINDOW o AS (PARTITION BY s, q ORDER BY d)),
h AS (SELECT s, q, v, cm FROM w WHERE NOT nd),  -- cm: the rank among measured days
j AS (
  SELECT s, q, d, nd, v, pd, pnd, pv, cm - CASE WHEN nd THEN 0 ELSE 1 END AS mb FROM w
  WHERE CASE WHEN %(since)s::date IS NULL THEN last ELSE d >= %(since)s::date END),
a AS (
  SELECT j.s, j.q, j.d, count(h.v) AS n, sum(h.v ORDER BY h.cm DESC) AS t
  FROM j LEFT JOIN h ON h.s = j.s AND h.q = j.q AND h.cm <= j.mb
       AND h.cm > j.mb - %(window)s
  GROUP BY j.s, j.q, j.d),
m AS (SELECT s, q, d, n, CASE WHEN n > 0 THEN (t + 0.0::float8) / n::float8 END AS mean
      FROM a),
b AS (
  SELECT j.s, j.q, j.d, sum((h.v - m.mean) * (h.v - m.mean) ORDER BY h.cm DESC) AS ss
  FROM j JOIN m ON m.s = j.s AND m.q = j.q AND m.d = j.d
  LEFT JOIN h ON h.s = j.s AND h.q = j.q AND h.cm <= j.mb AND h.cm > j.mb - %(window)s
  GROUP BY j.s, j.q, j.d),
f AS (SELECT s, q, min(d) AS d FROM j WHERE NOT nd GROUP BY s, q)
SELECT j.s, j.q, j.d - DATE '1970-01-01', j.v, j.nd, j.pd - DATE '1970-01-01',
       coalesce(j.pnd, false), j.pv, m.mean, b.ss, m.n,
       f.d IS NOT NULL AND (j.pd IS NULL OR j.mb < %(window)s) AS short
FROM j JOIN m ON m.s = j.s AND m.q = j.q AND m.d = j.d
JOIN b ON b.s = j.s AND b.q = j.q AND b.d = j.d
LEFT JOIN f ON f.s = j.s AND f.q = j.q AND f.d = j.d
"""

_NAMES = ["section_code", "parameter", "day", "value", "all_nd", "prev_day", "prev_nd",
          "previous_value", "mean", "ss", "count", "short"]


def supported(db: Any) -> bool:
    """Whether ``db`` is a PostGIS database with a monthly rollup this user may read."""
    return getattr(db, "kind", "") == "postgis" and rollup.exists(db)


def _run(db: Any, pairs: sql.Composable, params: dict) -> pd.DataFrame:
    q = db.qualified
    query = sql.SQL(_WINDOW).format(
        pairs=pairs, measurements=q("measurements"), measured=sql.SQL(_MEASURED))
    with db.transaction():
        db.execute("SELECT set_config('work_mem', %s, true)", [WORK_MEM])
        db.execute("SELECT set_config('jit', 'off', true)")
        # the planner cannot see how many pairs the CTEs hold: nested loops would be
        # quadratic in them
        db.execute("SELECT set_config('enable_nestloop', 'off', true)")
        rows = db.execute(query, params, fetch=True)
    return pd.DataFrame(rows, columns=_NAMES)


def judged_samples(db: Any, items: list[str], end: date, window: int,
                   since: date | None = None) -> pd.DataFrame:
    """The judged samples with their window statistics (``warnings._samples``'
    columns, ``std`` from the two-pass sum of squares), rows before ``end`` only."""
    q = db.qualified
    last = end - timedelta(days=1)
    upto = since if since is not None and since < end else last
    params = {"items": [str(i) for i in items], "end": end, "since": since,
              "window": int(window), "need": int(window) + 1,
              "mhi": next_month(date(upto.year, upto.month, 1))}
    dirty = sorted(m for m in rollup.dirty_months(db) if m < end)
    params.update(dirty=dirty, dlo=min(dirty, default=end),
                  dhi=next_month(max(dirty)) if dirty else end)
    guess = sql.SQL(_GUESS).format(
        rollup=q(rollup.ROLLUP), dirty_rows=sql.SQL(_DIRTY_ROWS if dirty else "").format(
            measurements=q("measurements")))
    frame = _run(db, guess, params)
    short = frame.loc[frame["short"].astype(bool), ["section_code", "parameter"]]
    short = short.drop_duplicates()
    if len(short):
        again = _run(db, sql.SQL(_PAIRS), {**params, "ps": short["section_code"].tolist(),
                                           "pq": short["parameter"].tolist()})
        keys = pd.MultiIndex.from_frame(frame[["section_code", "parameter"]])
        frame = pd.concat([frame.loc[~keys.isin(pd.MultiIndex.from_frame(short))], again],
                          ignore_index=True)
    return _as_samples(frame)


def _as_samples(frame: pd.DataFrame) -> pd.DataFrame:
    """The server's rows with ``_samples``' dtypes; the spread as numpy computes it."""
    frame = frame.sort_values(["section_code", "parameter", "day"], kind="stable")
    cnt = frame["count"].to_numpy(dtype=np.int64)
    ss = pd.to_numeric(frame["ss"], errors="coerce").to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        var = np.where(cnt > 1, ss / (cnt - 1), np.nan)
    return pd.DataFrame({
        "section_code": frame["section_code"].to_numpy(dtype=object),
        "parameter": frame["parameter"].to_numpy(dtype=object),
        "day": frame["day"].to_numpy(dtype=np.int64),
        "value": pd.to_numeric(frame["value"], errors="coerce").to_numpy(dtype=float),
        "all_nd": frame["all_nd"].to_numpy(dtype=bool),
        "prev_day": pd.to_numeric(frame["prev_day"], errors="coerce").to_numpy(dtype=float),
        "prev_nd": frame["prev_nd"].to_numpy(dtype=bool),
        "previous_value": pd.to_numeric(frame["previous_value"],
                                        errors="coerce").to_numpy(dtype=float),
        "mean": pd.to_numeric(frame["mean"], errors="coerce").to_numpy(dtype=float),
        "std": np.sqrt(var), "count": cnt,
    })
