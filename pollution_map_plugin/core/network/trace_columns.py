"""The columns of a trace's tables and JSON-ready values (shared by the trace modules)."""

from __future__ import annotations

import math
from datetime import date, datetime

import numpy as np
import pandas as pd

from pollution_map_plugin.core.network.source_entry import LOAD_COLUMNS

SCORE_FORMULA = "score = load / max(load) * exp(-distance_km / decay_km)"
#: Columns of ``TraceResult.sources_gdf`` (plus geometry), in order.
SOURCE_RESULT_COLUMNS = [
    "rank", "layer", "code", "name", "type", "via", "outfall_code", "reach_code",
    "river_code", "distance_km", "load", *LOAD_COLUMNS, "equivalent_load", "discharge_m3_d",
    "n_dischargers", "snap_m", "rank_distance", "rank_load", "score",
]
#: Columns of ``TraceResult.control_units_gdf`` (plus geometry), in order.
UNIT_RESULT_COLUMNS = ["code", "name", "water_system", "outlet_section_code", "district",
                       "area_km2", "n_reaches", "reach_length_km", "contains_section"]


def jsonable(value):
    """A JSON-ready Python value: numpy scalars unwrapped, NaN/NA → None, dates ISO."""
    if value is None or isinstance(value, (str, bool)):
        return value
    if isinstance(value, (np.bool_,)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if not math.isfinite(float(value)) else float(value)
    if isinstance(value, (pd.Timestamp, datetime, date)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [jsonable(v) for v in value]
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return str(value)
