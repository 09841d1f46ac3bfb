"""JSON-friendly output of the result DataFrames (records, JSON text, flat tables)."""

from __future__ import annotations

import json
import math
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd


def plain(value: Any) -> Any:
    """``value`` as plain JSON-able Python: NA/NaN → None, numpy → Python, dates → ISO."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [plain(v) for v in value]
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat() if value == value.normalize() else value.isoformat()
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    return value


def to_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of ``frame`` as a list of JSON-able dicts."""
    cols = list(frame.columns)
    return [{c: plain(v) for c, v in zip(cols, row)}
            for row in frame.itertuples(index=False, name=None)]


def to_json(frame: pd.DataFrame, indent: int | None = 1) -> str:
    """``frame`` as a JSON array of objects (UTF-8 text, Chinese kept as is)."""
    return json.dumps(to_records(frame), ensure_ascii=False, indent=indent)


def flat(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with list and dict cells written as text (for CSV, tables, QGIS fields).

    Lists of item codes join with ``,``; lists of dicts and dicts become JSON.
    """
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype != object:
            continue
        sample = next((v for v in out[col] if isinstance(v, (list, dict))), None)
        if sample is None:
            continue
        out[col] = [_cell(v) for v in out[col]]
    return out


def _cell(v: Any) -> Any:
    if isinstance(v, list) and all(isinstance(x, str) for x in v):
        return ",".join(v)
    if isinstance(v, (list, dict)):
        return json.dumps(plain(v), ensure_ascii=False)
    return v
