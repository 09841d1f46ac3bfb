"""The only step that touches the database: upsert the accepted rows in one transaction.

``write_frame`` / ``write_chunk`` run inside the caller's ``db.transaction()``, after
``keyed.lock_for_write``: the rows already stored with the same natural keys are read
**after the lock** (so two concurrent imports cannot both count the same rows as
new) and compared column by column (only the columns the file provides, and the
point): identical rows are **not written at all**, so importing the same file twice
leaves the database untouched the second time.  New and changed rows are written with
``db.write(table, frame, mode="upsert")``: an error or an interruption
(KeyboardInterrupt included) rolls the whole file back.

Blank cells of rows already stored: ``blank="keep"`` (default) leaves the stored
value, ``"clear"`` erases it; both are counted per column (``WriteCounts.blank``).
Measurements are exempt (their empty value means "below detection").
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from ..schema import Table

REAL_TOLERANCE = 1e-12
POINT_TOLERANCE = 1e-10  # degrees (~0.01 mm)


@dataclass
class WriteCounts:
    """Rows new to the database, rows changed, rows identical (not written), and the
    blank cells that met a stored value (column → cells), kept or cleared."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    blank: dict[str, int] = field(default_factory=dict)

    def add(self, other: WriteCounts) -> None:
        self.inserted += other.inserted
        self.updated += other.updated
        self.unchanged += other.unchanged
        for column, n in other.blank.items():
            self.blank[column] = self.blank.get(column, 0) + n


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


def apply_blanks(table: Table, frame: pd.DataFrame, existing: pd.DataFrame, blank: str
                 ) -> tuple[pd.DataFrame, dict[str, int]]:
    """Blank cells of stored rows: filled with the stored value (``keep``) or left to
    erase it (``clear``); returns the frame and the cells concerned per column."""
    key = list(table.natural_key)
    counts: dict[str, int] = {}
    if table.name == "measurements" or len(frame) == 0 or len(existing) == 0:
        return frame, counts
    old = existing.drop_duplicates(key).reset_index(drop=True)
    position = pd.MultiIndex.from_frame(old[key]).get_indexer(
        pd.MultiIndex.from_frame(frame[key].reset_index(drop=True)))
    present = np.flatnonzero(position >= 0)
    if len(present) == 0:
        return frame, counts
    out = frame.reset_index(drop=True)
    if table.is_spatial and "geometry" in frame.columns and "geometry" in old.columns:
        out = _keep_points(out, old, present, position, blank, counts)
    for column in frame.columns:
        if column in key or column == "geometry" or column not in old.columns:
            continue
        new_values = out[column].iloc[present]
        old_values = old[column].iloc[position[present]]
        mask = np.asarray(new_values.isna(), bool) & ~np.asarray(old_values.isna(), bool)
        if not mask.any():
            continue
        counts[column] = int(mask.sum())
        if blank == "keep":
            rows = present[mask]
            filled = out[column].astype(object).to_numpy(copy=True)
            filled[rows] = old_values.to_numpy(dtype=object)[mask]
            out[column] = pd.Series(filled, index=out.index).astype(out[column].dtype) \
                if out[column].dtype != object else pd.Series(filled, index=out.index)
    return out, counts


def _keep_points(out: pd.DataFrame, old: pd.DataFrame, present: np.ndarray,
                 position: np.ndarray, blank: str, counts: dict[str, int]) -> pd.DataFrame:
    """A row without coordinates (an unlocated section) keeps the stored point."""
    new_geoms = gpd.GeoSeries(out["geometry"]).iloc[present]
    old_geoms = gpd.GeoSeries(old["geometry"]).iloc[position[present]]
    mask = np.asarray(new_geoms.isna(), bool) & ~np.asarray(old_geoms.isna(), bool)
    if not mask.any():
        return out
    counts["geometry"] = int(mask.sum())
    if blank == "keep":
        geoms = np.asarray(gpd.GeoSeries(out["geometry"]).values, dtype=object).copy()
        geoms[present[mask]] = np.asarray(old_geoms.values, dtype=object)[mask]
        out = gpd.GeoDataFrame(out.drop(columns="geometry"),
                               geometry=gpd.GeoSeries(list(geoms), crs=out.crs).values,
                               crs=out.crs)
    return out


def write_chunk(db, table: Table, frame: pd.DataFrame, blank: str = "keep") -> WriteCounts:
    """Upsert one chunk inside the caller's transaction (after ``lock_for_write``)."""
    from ..db.keyed import read_by_keys

    if len(frame) == 0:
        return WriteCounts()
    columns = [c for c in frame.columns if c != "geometry"]
    existing = read_by_keys(db, table, frame, columns)
    for name in table.natural_key:
        if table.column(name).type == "date":
            existing[name] = pd.to_datetime(existing[name]).dt.normalize()
            frame = frame.assign(**{name: pd.to_datetime(frame[name]).dt.normalize()})
    frame, blanks = apply_blanks(table, frame, existing, blank)
    is_new, changed = changed_rows(table, frame, existing)
    to_write = frame.iloc[np.flatnonzero(is_new | changed)]
    if len(to_write):
        db.write(table.name, to_write, mode="upsert")
    inserted = int(is_new.sum())
    updated = int(changed.sum())
    return WriteCounts(inserted, updated, len(frame) - inserted - updated, blanks)


def write_frame(db, table: Table, frame: pd.DataFrame, blank: str = "keep") -> WriteCounts:
    """Upsert ``frame`` into ``table`` in one transaction (locked); return what happened."""
    from ..db.keyed import lock_for_write

    if len(frame) == 0:
        return WriteCounts()
    with db.transaction():
        lock_for_write(db, table)
        return write_chunk(db, table, frame, blank)
