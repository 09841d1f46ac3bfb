"""Fast GeoPackage reads through GDAL's columnar (Arrow) interface (GDAL ≥ 3.6).

``read_columns`` returns ready pandas Series per column, or None when this GDAL
cannot read columnar, so that the caller falls back to plain sqlite3.  Boolean
columns are left to the caller (GDAL 3.6 misreads booleans next to NULLs), which
gets the fids to read them with.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

from .. import schema
from ..schema import Table

# GDAL 3.7 to 3.11.3's columnar GeoPackage reader crashes at random (OSGeo/gdal#12934,
# fixed in 3.11.4): on Debian 13 (GDAL 3.10) it crashed in GetNextRecordBatch with two
# tasks reading, with one read at a time and one worker thread inside QGIS (QGIS's
# renderer threads read the same file), and once in a single-threaded command reading
# with an attribute filter.  On those versions it is not used at all: the caller's plain
# sqlite3 path reads instead (``columnar_allowed``).  Inside QGIS it is not used on any
# version (QGIS 3.22 on Debian 12 aborted once with a corrupted heap in the desktop run).
_THREADED_ARROW_CRASHES = (3070000, 3110400)  # [from, to) as GDAL's VERSION_NUM


def columnar_allowed(version_num: int, modules=None) -> bool:
    """Whether GDAL's columnar reader may be used: never on the crashing versions, and
    never inside QGIS (``qgis._core`` loaded), whose renderer threads read the same
    files through GDAL meanwhile: a QGIS 3.22 desktop run aborted with a corrupted heap
    once too.  The sqlite3 path reads the same rows there."""
    modules = sys.modules if modules is None else modules
    return not threaded_arrow_crashes(version_num) and "qgis._core" not in modules


def threaded_arrow_crashes(version_num: int) -> bool:
    """Whether GDAL ``version_num`` has the crashing multi-threaded GeoPackage reader."""
    low, high = _THREADED_ARROW_CRASHES
    return low <= version_num < high


def _split(arr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return np.ma.getdata(arr), np.ma.getmaskarray(arr)


def _text(arr: np.ndarray) -> pd.Series:
    data, mask = _split(arr)
    if data.dtype.kind == "S":
        uniques, inverse = np.unique(data, return_inverse=True)
        decoded = np.array([u.decode("utf-8") for u in uniques.tolist()] + [None], dtype=object)
    else:  # object arrays of bytes or str (newer GDAL)
        inverse, uniques = pd.factorize(data)  # None -> -1
        decoded = np.array([u.decode("utf-8") if isinstance(u, bytes) else u
                            for u in uniques] + [None], dtype=object)
    inverse = np.where(mask | (inverse < 0), len(decoded) - 1, inverse)
    return pd.Series(decoded[inverse], dtype=object)


def _series(kind: str, arr: np.ndarray) -> pd.Series:
    if kind == "text":
        return _text(arr)
    data, mask = _split(arr)
    if kind == "real":
        out = data.astype(float)
        out[mask] = np.nan
        return pd.Series(out)
    if kind == "integer":
        return pd.Series(pd.arrays.IntegerArray(data.astype("int64"), mask.copy()))
    if kind == "date":
        out = data.astype("datetime64[ns]")
        out[mask] = np.datetime64("NaT")
        return pd.Series(out)
    if kind == "boolean":
        values = data.astype(bool)
        if mask.any():
            return pd.Series(pd.arrays.BooleanArray(values, mask.copy()))
        return pd.Series(values)
    raise ValueError(f"unknown column type {kind!r}")


def _empty(table: Table, wanted: list[str], geometry: bool
           ) -> tuple[dict[str, pd.Series], list | None, np.ndarray]:
    """No row matched the filter."""
    empty = {"text": object, "integer": "Int64", "real": float, "date": "datetime64[ns]"}
    data = {c: pd.Series([], dtype=empty[table.column(c).type]) for c in wanted}
    return data, ([] if geometry else None), np.zeros(0, dtype=np.int64)


def _wkb(arr: np.ndarray) -> list:
    data, mask = _split(arr)
    if data.dtype.kind == "V":  # fixed width: every geometry has the same size
        raw, width = data.tobytes(), data.dtype.itemsize
        out = [raw[i:i + width] for i in range(0, len(raw), width)]
    else:
        out = [None if v is None else bytes(v) for v in data.tolist()]
    if mask.any():
        for i in np.flatnonzero(mask).tolist():
            out[i] = None
    return out


def read_columns(path: Path, table: Table, columns: list[str], geometry: bool,
                 ogr_filter: str | None = None
                 ) -> tuple[dict[str, pd.Series], list | None, np.ndarray] | None:
    """Non-boolean ``columns``, WKB and fids of ``table`` in fid order, or None;
    only the rows matching the OGR attribute filter ``ogr_filter`` if given."""
    try:
        from osgeo import gdal
    except ImportError:  # pragma: no cover - GDAL is a dependency
        return None
    if not columnar_allowed(int(gdal.VersionInfo("VERSION_NUM"))):
        return None  # the caller reads through sqlite3
    return _read_columns(path, table, columns, geometry, where=ogr_filter)


def _read_columns(path: Path, table: Table, columns: list[str], geometry: bool,
                  where: str | None = None
                  ) -> tuple[dict[str, pd.Series], list | None, np.ndarray] | None:
    from osgeo import ogr
    ds = ogr.Open(str(path))
    if ds is None:
        return None
    layer = ds.GetLayerByName(table.name)
    if layer is None or not hasattr(layer, "GetArrowStreamAsNumPy"):
        return None
    defn = layer.GetLayerDefn()
    have = {defn.GetFieldDefn(i).GetName() for i in range(defn.GetFieldCount())}
    if not set(columns) <= have:
        return None
    wanted = [c for c in columns if table.column(c).type != "boolean"]
    ignored = [name for name in have if name not in wanted]
    if table.is_spatial and not geometry:
        ignored.append("OGR_GEOMETRY")
    layer.SetIgnoredFields(ignored)
    if where and layer.SetAttributeFilter(where) != 0:
        return None
    try:
        batches = list(layer.GetArrowStreamAsNumPy(options=["INCLUDE_FID=YES"]))
    except Exception:  # noqa: BLE001 - any failure: the sqlite3 path reads instead
        return None
    if not batches:
        return None if not where else _empty(table, wanted, geometry)
    geom_name = layer.GetGeometryColumn() or schema.GEOMETRY_COLUMN
    fid_name = layer.GetFIDColumn() or schema.PRIMARY_KEY

    def whole(name: str) -> np.ndarray:
        parts = [b[name] for b in batches]
        return parts[0] if len(parts) == 1 else np.ma.concatenate(parts)

    data = {c: _series(table.column(c).type, whole(c)) for c in wanted}
    wkb = _wkb(whole(geom_name)) if geometry else None
    fids = np.ma.getdata(whole(fid_name)).astype(np.int64)
    ds = None  # noqa: F841 - close the dataset
    return data, wkb, fids
