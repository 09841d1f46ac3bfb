"""What a trace finds, as arrays (indices into a ``Tracer``'s arrays), and its frames.

``Tracer.trace`` does the navigation, the ranking and the control-unit lookup on arrays
only; ``TraceResult`` makes its DataFrames from a ``TraceArrays`` on first use, so that a
click on the map waits for the arrays, and a table of 40,000 sources is only made when
it is read.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from pollution_map_plugin.core.network.result import SOURCE_RESULT_COLUMNS

if TYPE_CHECKING:  # pragma: no cover
    from pollution_map_plugin.core.network.trace import Tracer


def rank_order(score: np.ndarray, distance: np.ndarray) -> np.ndarray:
    """Indices by ``score`` (highest first), then ``distance``, then index.

    The same as ``np.lexsort((np.arange(n), distance, -score))``, faster: one quicksort
    on the score (scores are >= 0 and not NaN, so their bits sort as integers), then only
    the runs of equal score are ordered by distance and index.
    """
    n = len(score)
    if n < 2:
        return np.arange(n, dtype=np.int64)
    bits = np.ascontiguousarray(score + 0.0).view(np.int64)  # + 0.0: no -0.0
    order = np.argsort(-bits).astype(np.int64, copy=False)
    s = score[order]
    tie = s[1:] == s[:-1]
    if not tie.any():
        return order
    group = np.concatenate(([0], np.cumsum(~tie)))
    k = np.flatnonzero(np.concatenate((tie, [False])) | np.concatenate(([False], tie)))
    sub = order[k]
    order[k] = sub[np.lexsort((sub, distance[sub], group[k]))]
    return order


@dataclass
class TraceArrays:
    """The reaches, sources and control units a trace found, as arrays.

    ``reach_idx``, ``near``, ``far``: the reaches (network indices, unsorted) and the km
    from the start point to their near and far ends.  ``source_rows`` (rows of the
    tracer's source arrays), ``source_reach``, ``source_km`` and ``score``: the candidate
    sources in rank order.  ``unit_idx``: the control units met (ascending).
    """

    tracer: Tracer
    reach_idx: np.ndarray
    near: np.ndarray
    far: np.ndarray
    distance_km: float | None
    source_rows: np.ndarray
    source_reach: np.ndarray
    source_km: np.ndarray
    score: np.ndarray
    load_field: str
    unit_idx: np.ndarray
    point: object = None
    unit_code: object = None

    # ------------------------------------------------------------------ reaches
    @cached_property
    def sorted_reaches(self) -> tuple[pd.DataFrame, np.ndarray]:
        """(the navigation frame, sorted by distance then code; the reach indices in it)."""
        return self.tracer.network.navigation_frame(self.reach_idx, self.near, self.far,
                                                    self.distance_km)

    def reach_geometries(self) -> np.ndarray:
        """The reaches' lines in the frame's order (turned to the flow where reversed)."""
        return self.tracer.network.geometry_array(self.sorted_reaches[1])

    # ------------------------------------------------------------------ sources
    @cached_property
    def secondary_ranks(self) -> tuple[np.ndarray, np.ndarray]:
        """(rank_distance, rank_load) of the sources, in rank order."""
        col = self.tracer._columns
        rows = self.source_rows
        tiebreak = col["tiebreak"][rows]
        dist = np.round(self.source_km, 6)
        load = np.asarray(col[self.load_field][rows], dtype=float)
        neg_load = np.where(np.isnan(load), np.inf, -load)
        return (_ranks(np.lexsort((tiebreak, neg_load, dist))),
                _ranks(np.lexsort((tiebreak, dist, neg_load))))

    def source_frame(self, n: int | None = None) -> pd.DataFrame:
        """``SOURCE_RESULT_COLUMNS`` of the first ``n`` ranked sources (all if None)."""
        net, col = self.tracer.network, self.tracer._columns
        cut = slice(None) if n is None else slice(0, max(int(n), 0))
        rows, r = self.source_rows[cut], self.source_reach[cut]
        rank_distance, rank_load = self.secondary_ranks
        out = {c: col[c][rows] for c in SOURCE_RESULT_COLUMNS if c in col}
        out.update(rank=np.arange(1, len(rows) + 1, dtype=np.int64),
                   rank_distance=rank_distance[cut], rank_load=rank_load[cut],
                   score=self.score[cut], reach_code=net.codes[r],
                   river_code=net.river_codes[r], distance_km=self.source_km[cut],
                   load=col[self.load_field][rows])
        return pd.DataFrame({c: out[c] for c in SOURCE_RESULT_COLUMNS},
                            columns=SOURCE_RESULT_COLUMNS)

    def source_geometries(self, n: int | None = None) -> np.ndarray:
        rows = self.source_rows if n is None else self.source_rows[:max(int(n), 0)]
        return self.tracer._columns["geometry"][rows]

    # ------------------------------------------------------------ control units
    @cached_property
    def units(self) -> tuple[pd.DataFrame, list]:
        """(``UNIT_RESULT_COLUMNS`` of the units met, their polygons)."""
        frame, idx = self.sorted_reaches
        return self.tracer.units.for_trace(idx, frame["covered_km"].to_numpy(), self.point,
                                           self.unit_code)


def _ranks(order: np.ndarray) -> np.ndarray:
    ranks = np.empty(len(order), dtype=np.int64)
    ranks[order] = np.arange(1, len(order) + 1)
    return ranks
