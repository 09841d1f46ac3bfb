"""The item-matched full trace the obvious way, for ``benchmarks/trace_shares.py``.

networkx for the reaches upstream and their distances (``trace_alternative``), then
pandas for one item's shares: contribution = load × exp(−rate × km), shares, the short
list (sorted, cumulative sum), and the shares by source type and by stretch.  It starts
from what the ``Tracer`` set up once (the sources placed, their item loads, types and
stretches as columns), so both sides time the same per-click work.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from trace_alternative import NxPandasTracer


class NxPandasShares(NxPandasTracer):
    """``NxPandasTracer`` plus per-item shares in pandas."""

    def __init__(self, tracer, nx, items: list[str]) -> None:
        super().__init__(tracer, nx)
        model = tracer.load_model()
        ctx = tracer.share_context()
        placed = np.flatnonzero(tracer.columns["reach_idx"] >= 0)
        # the frame's rows follow tracer.sources' placed rows; map them by code + layer
        key = pd.MultiIndex.from_arrays([tracer.columns["layer"][placed],
                                         tracer.columns["code"][placed]])
        pos = pd.Series(placed, index=key)
        mine = pd.MultiIndex.from_arrays([self.sources["layer"], self.sources["code"]])
        rows = pos.reindex(mine).to_numpy()
        for item in items:
            self.sources[f"load_{item}"] = model.loads(item).load[rows]
        self.sources["group"] = model.group[rows]
        self.sources["stretch"] = ctx.stretch[rows]
        self.settings = tracer.settings()

    def shares(self, start: str, fraction: float | None, item: str) -> dict:
        """(sources by contribution with shares, short-list size, by group, by stretch)."""
        _, s, _ = self.trace(start, fraction)
        rate = self.settings.decay_per_km(item)
        s = s[s[f"load_{item}"] > 0].copy()
        s["contribution"] = s[f"load_{item}"] * np.exp(-rate * s["distance_km"])
        total = s["contribution"].sum()
        s["share"] = s["contribution"] / total if total > 0 else 0.0
        s = s.sort_values("contribution", ascending=False, kind="mergesort")
        cum = s["share"].cumsum()
        short = int((cum < self.settings.short_list_share * (1 - 1e-12)).sum() + 1) \
            if total > 0 else 0
        by_group = s.groupby("group")["contribution"].sum() / (total or 1.0)
        by_stretch = s.groupby("stretch")["contribution"].sum().sort_values(ascending=False)
        return {"sources": s, "short_list_n": min(short, len(s)), "by_group": by_group,
                "by_stretch": by_stretch}
