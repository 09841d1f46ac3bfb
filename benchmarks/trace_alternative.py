"""The full trace the obvious way, for ``benchmarks/trace.py``: networkx for the reaches
upstream and their distances, pandas for the sources, their ranking and the control units.

It starts from what a ``Tracer`` has set up once (the sources placed on their reaches, the
reaches of every control unit), so that both sides time the same per-click work:
navigation with distances, the candidate sources with their network distance, the score
and the rank, and the control units met.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

TOL = 1e-6


class NxPandasTracer:
    """Upstream (UT) traces with ``nx.single_source_dijkstra_path_length`` and pandas."""

    def __init__(self, tracer, nx) -> None:
        net = tracer.network
        self.nx = nx
        self.length = dict(zip(net.codes.tolist(), net.length_km.tolist()))
        up = nx.DiGraph()
        up.add_nodes_from(net.codes.tolist())
        rows = np.repeat(np.arange(len(net)), np.diff(net.up_ptr))
        up.add_weighted_edges_from(zip(net.codes[rows].tolist(), net.codes[net.up_idx].tolist(),
                                       net.length_km[rows].tolist()), weight="km")
        self.up = up
        s = tracer.sources
        placed = s[s["reach_idx"] >= 0].copy()
        placed["reach_code"] = net.codes[placed["reach_idx"].to_numpy()]
        placed["reach_km"] = net.length_km[placed["reach_idx"].to_numpy()]
        self.sources = placed.drop(columns=["reach_idx", "geometry"]).reset_index(drop=True)
        self.rows_of = self.sources.groupby("reach_code").indices  # reach -> source rows
        m = tracer.units.members().tocoo()
        self.members = pd.DataFrame({"reach_code": net.codes[m.row],
                                     "unit_code": tracer.units.codes[m.col]})

    def trace(self, start: str, fraction: float | None, load_field: str = "equivalent_load",
              decay_km: float = 20.0) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
        """(reaches by distance, sources by rank, unit codes) upstream of ``start``."""
        length0 = self.length[start]
        f0 = 1.0 if fraction is None else fraction
        skipped = length0 - f0 * length0  # the start reach below the start point
        dist = self.nx.single_source_dijkstra_path_length(self.up, start, weight="km")
        reaches = pd.DataFrame({"reach_code": list(dist.keys()),
                                "distance_km": list(dist.values())})
        reaches["distance_km"] = (reaches["distance_km"] - skipped).clip(lower=0.0)
        reaches.loc[reaches["reach_code"] == start, "distance_km"] = 0.0
        reaches = reaches.sort_values(["distance_km", "reach_code"], kind="mergesort")
        hits = [self.rows_of[c] for c in dist if c in self.rows_of]
        s = self.sources.take(np.sort(np.concatenate(hits)) if hits else [])
        s = s.assign(distance_km=s["reach_code"].map(reaches.set_index("reach_code")
                                                     ["distance_km"]).to_numpy())
        on_start = s["reach_code"] == start
        frac = s["fraction"]
        d = s["distance_km"] + ((1.0 - frac) * s["reach_km"]).fillna(0.0)
        d[on_start] = ((f0 - frac[on_start]) * length0).fillna(0.0)
        s["distance_km"] = d
        s = s[s["distance_km"] >= -TOL].copy()
        s["distance_km"] = s["distance_km"].clip(lower=0.0)
        load = s[load_field]
        top = load.max()
        share = (load / top).fillna(0.0) if top > 0 else pd.Series(0.0, index=s.index)
        s["rounded"] = s["distance_km"].round(6)
        s["score"] = share.clip(lower=0.0) * np.exp(-s["rounded"] / decay_km)
        s["load"] = load
        s = s.sort_values(["score", "rounded", "layer", "code"],
                          ascending=[False, True, True, True], kind="mergesort")
        s["rank"] = np.arange(1, len(s) + 1)
        units = self.members.loc[self.members["reach_code"].isin(reaches["reach_code"]),
                                 "unit_code"].unique()
        return reaches, s.reset_index(drop=True), units
