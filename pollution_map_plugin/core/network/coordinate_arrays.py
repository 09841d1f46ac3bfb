"""Coordinates of many shapely geometries at once, fast with shapely 2.x and 1.8.

* shapely 2: the vectorised ``get_parts`` / ``get_coordinates``;
* shapely 1.8: GEOS's own ``GEOSCoordSeq_copyToBuffer`` (GEOS ≥ 3.10) called through
  ctypes on shapely's GEOS library, one coordinate sequence per call (about 10× faster
  than ``geom.coords`` or WKB, which allocate Python objects per geometry);
* otherwise geometry by geometry through ``coords``.
"""

from __future__ import annotations

import ctypes
from collections.abc import Sequence

import numpy as np

#: GEOS type ids: 0 Point, 1 LineString, 2 LinearRing, 4 MultiPoint, 5 MultiLineString,
#: 7 GeometryCollection (polygons, 3 and 6, are not read).
SIMPLE_TYPES = (0, 1, 2)
MULTI_TYPES = (4, 5, 7)
_NAMES = {"Point": 0, "LineString": 1, "LinearRing": 2, "MultiPoint": 4,
          "MultiLineString": 5, "GeometryCollection": 7}


def object_array(items) -> np.ndarray:
    """A 1-D object array of ``items`` (geometries are not unpacked into coordinates)."""
    if isinstance(items, np.ndarray) and items.dtype == object and items.ndim == 1:
        return items
    if hasattr(items, "values") and hasattr(items.values, "__array__"):
        values = items.values  # GeoSeries: its GeometryArray is backed by an object array
        arr = np.asarray(values)
        if arr.dtype == object and arr.ndim == 1:
            return arr
    items = list(items)
    out = np.empty(len(items), dtype=object)
    for i, g in enumerate(items):
        out[i] = g
    return out


class _Parts:
    """Simple parts: ``xy[offsets[p]:offsets[p+1]]`` of geometry ``owner[p]``, type ``kind``."""

    def __init__(self, xy, offsets, owner, kind) -> None:
        self.xy = np.asarray(xy, dtype=float).reshape(-1, 2)
        self.offsets = np.asarray(offsets, dtype=np.int64)
        self.owner = np.asarray(owner, dtype=np.int64)
        self.kind = np.asarray(kind, dtype=np.int64)


def _parts_shapely2(arr: np.ndarray) -> _Parts:
    import shapely

    parts, owner = shapely.get_parts(arr, return_index=True)
    kind = shapely.get_type_id(parts)
    # shapely 2.1 returns an empty single geometry as its own (empty) part; 2.0 drops it.
    keep = np.isin(kind, SIMPLE_TYPES) & ~shapely.is_empty(parts)
    parts, owner, kind = parts[keep], owner[keep], kind[keep]
    xy, pidx = shapely.get_coordinates(parts, return_index=True)
    counts = np.bincount(pidx, minlength=len(parts)) if len(parts) else np.zeros(0, int)
    return _Parts(xy, np.concatenate(([0], np.cumsum(counts))), owner, kind)


class _Geos18:
    """ctypes access to the GEOS library that shapely 1.8 loaded."""

    def __init__(self) -> None:
        from shapely.geos import lgeos

        lib = ctypes.CDLL(lgeos._lgeos._name)  # own function objects, shapely's untouched
        vp, c_int = ctypes.c_void_p, ctypes.c_int
        self.handle = lgeos.geos_handle
        self.type_id = lib.GEOSGeomTypeId_r
        self.type_id.argtypes, self.type_id.restype = [vp, vp], c_int
        self.coord_seq = lib.GEOSGeom_getCoordSeq_r
        self.coord_seq.argtypes, self.coord_seq.restype = [vp, vp], vp
        self.size = lib.GEOSCoordSeq_getSize_r
        self.size.argtypes = [vp, vp, ctypes.POINTER(ctypes.c_uint)]
        self.size.restype = c_int
        self.copy = lib.GEOSCoordSeq_copyToBuffer_r  # AttributeError before GEOS 3.10
        self.copy.argtypes, self.copy.restype = [vp, vp, vp, c_int, c_int], c_int
        self.num = lib.GEOSGetNumGeometries_r
        self.num.argtypes, self.num.restype = [vp, vp], c_int
        self.nth = lib.GEOSGetGeometryN_r
        self.nth.argtypes, self.nth.restype = [vp, vp, c_int], vp

    def parts(self, arr: np.ndarray) -> _Parts:
        from shapely.geometry import LinearRing, LineString, Point

        known = {LineString: 1, Point: 0, LinearRing: 2}  # no GEOS call for the type
        h, type_id, coord_seq, size = self.handle, self.type_id, self.coord_seq, self.size
        seqs, counts, owner, kind = [], [], [], []
        n = ctypes.c_uint()
        ref = ctypes.byref(n)
        for i, g in enumerate(arr):
            if g is None:
                continue
            ptr = g._geom
            if not ptr:
                continue
            t = known.get(g.__class__)
            if t is None:
                t = type_id(h, ptr)
            if t in SIMPLE_TYPES:
                subs = ((ptr, t),)
            elif t in MULTI_TYPES:
                subs = [(s, type_id(h, s)) for s in
                        (self.nth(h, ptr, k) for k in range(self.num(h, ptr)))]
            else:
                continue
            for sub, st in subs:
                if st not in SIMPLE_TYPES:
                    continue
                cs = coord_seq(h, sub)
                if not cs or not size(h, cs, ref):
                    continue
                seqs.append(cs)
                counts.append(n.value)
                owner.append(i)
                kind.append(st)
        counts_arr = np.asarray(counts, dtype=np.int64)
        offsets = np.concatenate(([0], np.cumsum(counts_arr)))
        xy = np.empty((int(offsets[-1]), 2))
        base = xy.ctypes.data
        copy = self.copy
        for cs, off in zip(seqs, offsets[:-1].tolist()):
            copy(h, cs, base + 16 * off, 0, 0)
        return _Parts(xy, offsets, owner, kind)


def _parts_python(arr: np.ndarray) -> _Parts:
    chunks, owner, kind = [], [], []
    for i, g in enumerate(arr):
        if g is None or g.is_empty:
            continue
        t = _NAMES.get(g.geom_type)
        if t in SIMPLE_TYPES:
            subs = [g]
        elif t in MULTI_TYPES:
            subs = list(getattr(g, "geoms", []))
        else:
            continue
        for s in subs:
            st = _NAMES.get(s.geom_type)
            if st not in SIMPLE_TYPES:
                continue
            c = np.asarray(s.coords, dtype=float) if not s.is_empty else np.empty((0, 2))
            chunks.append(c.reshape(len(c), -1)[:, :2])
            owner.append(i)
            kind.append(st)
    counts = np.asarray([len(c) for c in chunks], dtype=np.int64)
    xy = np.concatenate(chunks) if chunks else np.empty((0, 2))
    return _Parts(xy, np.concatenate(([0], np.cumsum(counts))), owner, kind)


_DEFAULT: str | None = None
_GEOS: _Geos18 | None = None


def default_reader() -> str:
    """"shapely2", "geos" (shapely 1.8 with GEOS >= 3.10) or "python"."""
    global _DEFAULT, _GEOS
    if _DEFAULT is None:
        import shapely

        if hasattr(shapely, "from_wkb"):  # shapely 2 (its __version__ may be "0+unknown")
            _DEFAULT = "shapely2"
        else:
            try:
                _GEOS = _Geos18()
                _DEFAULT = "geos"
            except (ImportError, AttributeError, OSError):
                _DEFAULT = "python"
    return _DEFAULT


def simple_parts(geoms: Sequence, reader: str | None = None) -> _Parts:
    """The points and lines of ``geoms`` (multi-geometries split, polygons left out).

    ``reader`` forces "python" (or the default one); used by the tests.
    """
    arr = object_array(geoms)
    default = default_reader()
    reader = reader or default
    if reader == "shapely2" and default == "shapely2":
        return _parts_shapely2(arr)
    if reader == "geos" and _GEOS is not None:
        return _GEOS.parts(arr)
    return _parts_python(arr)
