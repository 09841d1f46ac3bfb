"""The only step that touches the database: upsert the accepted rows in one transaction.

The rows already in the database with the same natural keys are read first and
compared column by column (only the columns the file provides, and the point):
identical rows are **not written at all**, so importing the same file twice leaves
the database untouched the second time.  New and changed rows are written with
``db.write(table, frame, mode="upsert")`` inside ``db.transaction()``: an error
or an interruption (KeyboardInterrupt included) rolls the whole file back.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from ..schema import Table

REAL_TOLERANCE = 1e-12
POINT_TOLERANCE = 1e-10  # degrees (~0.01 mm)


@dataclass(frozen=True)
class WriteCounts:
    """Rows new to the database, rows changed, rows identical (not written)."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0


def _na(series: pd.Series) -> np.ndarray:
    return np.asarray(series.isna(), dtype=bool)


def _same_values(new: pd.Series, old: pd.Series, kind: str) -> np.ndarray:
    new_na, old_na = _na(new), _na(old)
    if kind in ("real", "integer"):
        a = pd.to_numeric(new, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        b = pd.to_numeric(old, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        equal = np.isclose(a, b, rtol=REAL_TOLERANCE, atol=REAL_TOLERANCE)
    elif kind == "date":
        a = pd.to_datetime(new).dt.normalize().to_numpy()
        b = pd.to_datetime(old).dt.normalize().to_numpy()
        equal = a == b
    else:
        a_list, b_list = new.tolist(), old.tolist()
        if kind == "boolean":
            equal = np.array([bool(x) == bool(y) if not (n or o) else False
                              for x, y, n, o in zip(a_list, b_list, new_na, old_na)], dtype=bool)
        else:  # text: compare as str, element-wise on object arrays
            a = np.array(["" if n else str(x) for x, n in zip(a_list, new_na)], dtype=object)
            b = np.array(["" if n else str(y) for y, n in zip(b_list, old_na)], dtype=object)
            equal = np.asarray(a == b, dtype=bool)
    return (new_na & old_na) | (~new_na & ~old_na & equal)


def _same_points(new, old) -> np.ndarray:
    """Points within ``POINT_TOLERANCE`` (missing or empty geometries never match)."""
    new = gpd.GeoSeries(new).reset_index(drop=True)
    old = gpd.GeoSeries(old).reset_index(drop=True)
    same = new.geom_equals_exact(old, tolerance=POINT_TOLERANCE)
    return np.asarray(same.fillna(False), dtype=bool)


def changed_rows(table: Table, frame: pd.DataFrame, existing: pd.DataFrame
                 ) -> tuple[np.ndarray, np.ndarray]:
    """(is_new, is_changed) boolean arrays over the rows of ``frame``."""
    key = list(table.natural_key)
    n = len(frame)
    if n == 0:
        return np.zeros(0, bool), np.zeros(0, bool)
    new_index = pd.MultiIndex.from_frame(frame[key].reset_index(drop=True))
    old = existing.drop_duplicates(key).reset_index(drop=True)
    old_index = pd.MultiIndex.from_frame(old[key])
    position = old_index.get_indexer(new_index)
    is_new = position < 0
    present = np.flatnonzero(~is_new)
    changed = np.zeros(n, dtype=bool)
    if len(present) == 0:
        return is_new, changed
    new_rows = frame.iloc[present].reset_index(drop=True)
    old_rows = old.iloc[position[present]].reset_index(drop=True)
    same = np.ones(len(present), dtype=bool)
    for column in frame.columns:
        if column in key or column == "geometry":
            continue
        same &= _same_values(new_rows[column], old_rows[column], table.column(column).type)
    if table.is_spatial and "geometry" in frame.columns:
        same &= _same_points(new_rows["geometry"], old_rows["geometry"])
    changed[present] = ~same
    return is_new, changed


def _existing(db, table: Table, columns: list[str]) -> pd.DataFrame:
    if table.is_spatial:
        return db.read_layer(table.name, columns=columns)
    return db.read_table(table.name, columns=columns)


def write_frame(db, table: Table, frame: pd.DataFrame) -> WriteCounts:
    """Upsert ``frame`` into ``table`` in one transaction; return what happened."""
    if len(frame) == 0:
        return WriteCounts()
    columns = [c for c in frame.columns if c != "geometry"]
    existing = _existing(db, table, columns)
    # Keys in the database are normalised the same way as the file's (dates as days).
    for name in table.natural_key:
        if table.column(name).type == "date":
            existing[name] = pd.to_datetime(existing[name]).dt.normalize()
            frame = frame.assign(**{name: pd.to_datetime(frame[name]).dt.normalize()})
    is_new, changed = changed_rows(table, frame, existing)
    to_write = frame.iloc[np.flatnonzero(is_new | changed)]
    if len(to_write):
        with db.transaction():
            db.write(table.name, to_write, mode="upsert")
    inserted = int(is_new.sum())
    updated = int(changed.sum())
    return WriteCounts(inserted, updated, len(frame) - inserted - updated)
