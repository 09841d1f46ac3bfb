"""The generator's lon/lat grid of square cells, and degree-to-kilometre constants."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

KM_PER_DEG_LAT = 110.574  # km per degree of latitude around 30°N
KM_PER_DEG_LON_EQ = 111.320  # km per degree of longitude at the equator


@dataclass
class Grid:
    """A lon/lat grid; cell (i, j) has its centre at lon0 + (j+.5)d, lat0 + (i+.5)d."""

    lon0: float
    lat0: float
    d: float
    ny: int
    nx: int
    mask: np.ndarray  # flat bool, inside the area

    @property
    def n(self) -> int:
        return self.ny * self.nx

    def centres(self, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        i, j = np.divmod(np.asarray(idx), self.nx)
        return self.lon0 + (j + 0.5) * self.d, self.lat0 + (i + 0.5) * self.d

    def cell_of(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """Flat cell index of points; -1 outside the grid or the area."""
        j = np.floor((np.asarray(lon, float) - self.lon0) / self.d).astype(np.int64)
        i = np.floor((np.asarray(lat, float) - self.lat0) / self.d).astype(np.int64)
        ok = (i >= 0) & (i < self.ny) & (j >= 0) & (j < self.nx)
        idx = np.where(ok, i * self.nx + j, 0)
        return np.where(ok & self.mask[idx], idx, -1)

    def km_per_deg_lon(self, lat: np.ndarray | float) -> np.ndarray:
        return KM_PER_DEG_LON_EQ * np.cos(np.radians(lat))

    def cell_area_km2(self, idx: np.ndarray) -> np.ndarray:
        _, lat = self.centres(idx)
        return (self.d * KM_PER_DEG_LAT) * (self.d * self.km_per_deg_lon(lat))
