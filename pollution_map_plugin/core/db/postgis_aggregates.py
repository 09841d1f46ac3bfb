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

Partition pruning keeps the scan to the periods' years; the mean is ``sum / count``
like the engine's (values equal to within floating-point summation order).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import numpy as np
import pandas as pd
from psycopg2 import sql

from .. import gb3838

_FACTOR = {"half": 0.5, "limit": 1.0, "zero": 0.0}
WORK_MEM = "512MB"  # for this query only (SET LOCAL): a year's rows sort in memory

_STATS = """
WITH p(idx, lo, hi) AS (SELECT * FROM unnest(%s::int[], %s::date[], %s::date[])),
m AS (
  SELECT x.fid, x.section_code AS s, btrim(x.parameter) AS q, x.sampled_on AS d, p.idx,
         CASE WHEN coalesce(x.below_detection, false)
              THEN CASE WHEN coalesce(x.detection_limit, x.value) IS NOT NULL
                        THEN {factor} * coalesce(x.detection_limit, x.value) END
              ELSE x.value END AS v
  FROM {measurements} x JOIN p ON x.sampled_on >= p.lo AND x.sampled_on < p.hi
  WHERE x.sampled_on >= %s::date AND x.sampled_on < %s::date),
e AS (SELECT * FROM m WHERE v IS NOT NULL AND v <> 'NaN'::float8)
SELECT s, idx, q, count(*), sum(v ORDER BY fid) / count(*),
       min(v) FILTER (WHERE q = 'pH'), max(v) FILTER (WHERE q = 'pH'),
       (array_agg(v ORDER BY CASE WHEN greatest({lo} - v, v - {hi}) > 0
                                  THEN 10 + greatest({lo} - v, v - {hi})
                                  ELSE abs(v - {mid}) / 10 END DESC, fid DESC)
        FILTER (WHERE q = 'pH'))[1],
       count(*) FILTER (WHERE q = 'pH' AND greatest({lo} - v, v - {hi}) > 0),
       min(fid), 0
FROM e GROUP BY s, idx, q
UNION ALL
SELECT s, idx, NULL, count(*), NULL, NULL, NULL, NULL, NULL, min(first), 1
FROM (SELECT s, idx, d, min(fid) AS first FROM e GROUP BY s, idx, d) days GROUP BY s, idx
"""


_NAMES = ["s", "idx", "q", "n", "mean", "ph_min", "ph_max", "ph_worst", "ph_out", "first",
          "kind"]


def group_stats(db, periods: list, non_detect: str = "half", until: Any = None) -> Any:
    """The engine's ``GroupStats`` of ``periods`` (core Periods), computed on the server;
    only rows before ``until`` (a date) if given."""
    from ..assessment.engine import GroupStats

    if non_detect not in _FACTOR:
        raise ValueError(f"non_detect must be one of {tuple(_FACTOR)}, not {non_detect!r}")
    lo = [p.start for p in periods]
    hi = [p.end + timedelta(days=1) for p in periods]
    if until is not None:
        hi = [min(h, until) for h in hi]
    ph_lo, ph_hi = gb3838.ITEMS["pH"].limits  # type: ignore[misc]
    query = sql.SQL(_STATS).format(factor=sql.Literal(_FACTOR[non_detect]),
                                   measurements=db.qualified("measurements"),
                                   lo=sql.Literal(float(ph_lo)), hi=sql.Literal(float(ph_hi)),
                                   mid=sql.Literal((float(ph_lo) + float(ph_hi)) / 2))
    params = [list(range(len(periods))), lo, hi, min(lo), max(hi)]
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
