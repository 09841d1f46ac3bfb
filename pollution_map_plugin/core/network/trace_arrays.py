"""What a trace finds, as arrays (indices into a ``Tracer``'s arrays), and its frames.

``Tracer.trace`` does the navigation, the ranking and the control-unit lookup on arrays
only; ``TraceResult`` makes its DataFrames from a ``TraceArrays`` on first use, so that a
click on the map waits for the arrays, and a table of 40,000 sources is only made when
it is read.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from pollution_map_plugin.core.network.source_entry import DEFAULT_DECAY_KM, scores
from pollution_map_plugin.core.network.trace_columns import SOURCE_RESULT_COLUMNS


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


#: How many sources a trace puts in rank order at once (``top``); the rest on first use.
EAGER_TOP = 100


@dataclass
class TraceArrays:
    """The reaches, sources and control units a trace found, as arrays.

    ``reach_idx``, ``near``, ``far``: the reaches (network indices, unsorted) and the km
    from the start point to their near and far ends.  ``rows`` (rows of the tracer's
    source arrays, ascending: the tie-break order), ``reach``, ``km``, ``rounded`` (km to
    the mm, as ranked) and ``scores`` (both made on first use): the candidate sources.
    ``order`` puts them in rank order (made on first use; ``best(n)`` gives its first
    ``n`` without the rest), and
    ``source_rows``, ``source_reach``, ``source_km`` and ``score`` are in that order.
    ``unit_idx``: the control units met (ascending).
    """

    tracer: Any  # the Tracer: its ``network``, ``columns`` (source arrays) and ``units``
    reach_idx: np.ndarray
    near: np.ndarray
    far: np.ndarray
    distance_km: float | None
    rows: np.ndarray
    reach: np.ndarray
    km: np.ndarray
    load_field: str
    unit_idx: np.ndarray
    point: object = None
    unit_code: object = None
    start: int = -1  # the start reach
    section_code: object = None  # the traced section (None from a point)
    decay_km: float = DEFAULT_DECAY_KM

    @cached_property
    def rounded(self) -> np.ndarray:
        """``km`` to the millimetre, as ranked."""
        return np.round(self.km, 6)

    @cached_property
    def scores(self) -> np.ndarray:
        """The score of each candidate (``source_entry.scores``), made on first use."""
        return scores(self.rounded, self.tracer.columns[self.load_field][self.rows],
                      self.decay_km)

    @cached_property
    def top_order(self) -> np.ndarray:
        """The first ``EAGER_TOP`` positions in rank order (made on first use)."""
        return self.best(EAGER_TOP)

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
    def best(self, n: int) -> np.ndarray:
        """Positions of the ``n`` best-ranked sources, in rank order (``order[:n]``)."""
        total = len(self.rows)
        n = min(max(int(n), 0), total)
        if "order" in self.__dict__ or n == total:
            return self.order[:n]
        if n == 0:
            return np.empty(0, dtype=np.int64)
        kth = np.partition(self.scores, total - n)[total - n]  # the n-th highest score
        cand = np.flatnonzero(self.scores >= kth)
        return cand[rank_order(self.scores[cand], self.rounded[cand])][:n]

    @cached_property
    def order(self) -> np.ndarray:
        return rank_order(self.scores, self.rounded)

    @cached_property
    def source_rows(self) -> np.ndarray:
        return self.rows[self.order]

    @cached_property
    def source_reach(self) -> np.ndarray:
        return self.reach[self.order]

    @cached_property
    def source_km(self) -> np.ndarray:
        return self.km[self.order]

    @cached_property
    def score(self) -> np.ndarray:
        return self.scores[self.order]

    def _rank_keys(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        col = self.tracer.columns
        load = np.asarray(col[self.load_field][self.rows], dtype=float)
        return (col["tiebreak"][self.rows], np.where(np.isnan(load), np.inf, -load),
                self.rounded)

    @cached_property
    def secondary_ranks(self) -> tuple[np.ndarray, np.ndarray]:
        """(rank_distance, rank_load) of the sources, by position in ``rows``."""
        tiebreak, neg_load, dist = self._rank_keys()
        return (_ranks(np.lexsort((tiebreak, neg_load, dist))),
                _ranks(np.lexsort((tiebreak, dist, neg_load))))

    def _secondary_of(self, pos: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(rank_distance, rank_load) of the sources at ``pos``: counted for a few."""
        if "secondary_ranks" in self.__dict__ or len(pos) * len(self.rows) > 2_000_000:
            rd, rl = self.secondary_ranks
            return rd[pos], rl[pos]
        tiebreak, neg_load, dist = self._rank_keys()

        def before(a, b, c) -> np.ndarray:  # 1 + how many sort before, by (a, b, c)
            a0, b0, c0 = a[pos, None], b[pos, None], c[pos, None]
            first = (a < a0) | ((a == a0) & ((b < b0) | ((b == b0) & (c < c0))))
            return 1 + first.sum(axis=1)

        return before(dist, neg_load, tiebreak), before(neg_load, dist, tiebreak)

    def source_frame(self, n: int | None = None) -> pd.DataFrame:
        """``SOURCE_RESULT_COLUMNS`` of the first ``n`` ranked sources (all if None)."""
        net, col = self.tracer.network, self.tracer.columns
        pos = self._positions(n)
        rows, r = self.rows[pos], self.reach[pos]
        rank_distance, rank_load = self._secondary_of(pos)
        out = {c: col[c][rows] for c in SOURCE_RESULT_COLUMNS if c in col}
        out.update(rank=np.arange(1, len(rows) + 1, dtype=np.int64),
                   rank_distance=rank_distance.astype(np.int64),
                   rank_load=rank_load.astype(np.int64), score=self.scores[pos],
                   reach_code=net.codes[r], river_code=net.river_codes[r],
                   distance_km=self.km[pos], load=col[self.load_field][rows])
        return pd.DataFrame({c: out[c] for c in SOURCE_RESULT_COLUMNS},
                            columns=SOURCE_RESULT_COLUMNS)

    def source_geometries(self, n: int | None = None) -> np.ndarray:
        return self.tracer.columns["geometry"][self.rows[self._positions(n)]]

    def _positions(self, n: int | None) -> np.ndarray:
        if n is None:
            return self.order
        n = max(int(n), 0)
        return self.top_order[:n] if n <= len(self.top_order) else self.best(n)

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
