"""Where the tracer will see a planted culprit enter the network: the core's own rule.

The generator routes a farm's manure from the land cell it drains from, but the tracer
places a farm on the *nearest reach* (``core.network.source_entry.assign_sources``, within
``core.network.trace.FARM_SNAP_DISTANCE_M``), which can lie on another stream.  A culprit
the generator makes responsible for a section must enter upstream of that section in the
tracer's network too, so candidate positions are checked here with the core's functions
on the reaches the generator writes (not a copy of the rule).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np

from ..core.network.graph import ReachNetwork
from ..core.network.source_entry import assign_sources
from ..core.network.trace import FARM_SNAP_DISTANCE_M

#: The tracer's default snapping distance (``Tracer(snap_distance_m=500)``).
SNAP_DISTANCE_M = 500.0


class EntryCheck:
    """The reaches as the tracer reads them, to test planted culprits' entry points."""

    def __init__(self, reaches: gpd.GeoDataFrame) -> None:
        self.net = ReachNetwork.from_reaches(reaches)
        self._upstream: dict[int, np.ndarray] = {}

    def farm_reaches(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """The reach index the tracer gives livestock farms at these points (-1: none
        within the farm snapping distance; the control-unit fallback is not used)."""
        pts = gpd.GeoDataFrame({"code": [f"c{i}" for i in range(len(lon))]},
                               geometry=gpd.points_from_xy(lon, lat), crs=self.net.crs)
        table, _ = assign_sources(self.net, {"livestock_farms": pts}, SNAP_DISTANCE_M,
                                  FARM_SNAP_DISTANCE_M)
        return table["reach_idx"].to_numpy(np.int64)

    def strictly_upstream(self, section_reach: str, reaches: np.ndarray) -> np.ndarray:
        """True where a reach is upstream of the section's reach (the section's own reach
        excluded: where on it the section lies is not checked)."""
        start = self.net.index_of(section_reach)
        if start not in self._upstream:
            idx = self.net.navigate_indices(start, "UT")[0]
            self._upstream[start] = np.sort(idx[idx != start])
        up = self._upstream[start]
        reaches = np.asarray(reaches, dtype=np.int64)
        if len(up) == 0:
            return np.zeros(len(reaches), dtype=bool)
        pos = np.clip(np.searchsorted(up, reaches), 0, len(up) - 1)
        return (reaches >= 0) & (up[pos] == reaches)
