"""The districts (区县) layer of the demo: the generator's district partition as polygons.

Every generated point takes its ``district`` from the same grid partition
(``places.districts``), so a source's district attribute and the polygon it lies in
always agree; the division codes are the ones the enterprises' credit codes carry.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import places
from .river_network import Network
from .schema_frames import table

# Chongqing's planning regions (主城, 渝西, 渝东北, 渝东南), roughly by position.
_CITY_CENTRE = (106.55, 29.56)


def division_codes(n: int) -> list[str]:
    """The six-digit division codes of ``n`` districts (``500101`` …), as the credit
    codes of the generated enterprises carry them."""
    return [f"500{101 + k:03d}" for k in range(n)]


def region_of(lon: float, lat: float) -> str:
    """The planning region of a district seat at ``lon``/``lat`` (Chongqing-like area)."""
    dx = (lon - _CITY_CENTRE[0]) * 96.8
    dy = (lat - _CITY_CENTRE[1]) * 111.0
    if dx * dx + dy * dy < 45.0 ** 2:
        return "主城"
    if lon < 106.6:
        return "渝西"
    if lat < 30.0 and lon > 107.3:
        return "渝东南"
    return "渝东北"


def districts_frame(net: Network, dist: places.Districts, regions: bool) -> pd.DataFrame:
    """The ``districts`` table: one multipolygon per district of the partition."""
    n = len(dist.name)
    geoms = places.cell_polygons(net.terrain.grid, dist.of_cell, n)
    lon, lat = net.terrain.grid.centres(np.asarray(dist.seat))
    frame = pd.DataFrame({
        "code": division_codes(n), "name": dist.name,
        "region": [region_of(float(x), float(y)) for x, y in zip(lon, lat)] if regions
        else [None] * n,
    })
    return table("districts", frame, geoms)
