"""Geometry I/O in one place: the shapely 1.8 / 2 differences, and metres from lon/lat.

Debian 12 ships shapely 1.8, Debian 13 and newer shapely 2.x; the plugin runs on both.
Every place that needs many geometries' coordinates, WKB or a metric length goes
through here, so there is one fast path per job:

* points and lines: ``simple_parts`` / ``point_coords`` — shapely 2's vectorised
  ``get_parts`` / ``get_coordinates``; on shapely 1.8 GEOS's own
  ``GEOSCoordSeq_copyToBuffer`` (GEOS ≥ 3.10) through ctypes on shapely's GEOS library
  (about 10× faster than ``geom.coords``; it uses shapely 1.8's ``_geom`` pointer and
  ``lgeos`` handle, the only reach into a library's internals); otherwise ``coords``;
* lines and polygons with their rings: ``read_many`` parses each geometry's WKB once
  (``numpy.frombuffer`` per ring; the same code on both shapely versions);
* WKB to geometries: ``geometries_from_wkb`` (geopandas on shapely 2; shapely 1.8's
  loader one by one, as geopandas' checks there are slow);
* metres: ``EARTH_RADIUS_M``, ``metres_per_degree`` (equirectangular at a latitude),
  ``local_metres`` and ``polyline_lengths_m``; great-circle distances in
  ``core.coords.distance_m`` use the same radius.
"""

from __future__ import annotations

import ctypes
import math
import struct
import threading
from collections.abc import Sequence

import numpy as np

try:
    import shapely
except ImportError:  # the plugin loads without geopandas/shapely and says what to install
    shapely = None
#: shapely 2 by its API: Debian testing's shapely 2.2 reports __version__ "0+unknown".
SHAPELY_2 = shapely is not None and hasattr(shapely, "from_wkb")
#: mean earth radius (IUGG), metres
EARTH_RADIUS_M = 6371008.8

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
        # A GEOS context of our own per thread: shapely 1.8's one handle, shared by every
        # thread while ctypes calls run without the GIL, corrupted the heap when a task
        # read coordinates while the main thread did (the QGIS desktop run).
        self._init = lib.GEOS_init_r
        self._init.argtypes, self._init.restype = [], vp
        self._local = threading.local()
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

    def handle(self) -> int:
        """This thread's GEOS context (made on first use, kept for the thread's life)."""
        handle = getattr(self._local, "handle", None)
        if handle is None:
            handle = self._local.handle = self._init()
        return handle

    def parts(self, arr: np.ndarray) -> _Parts:
        from shapely.geometry import LinearRing, LineString, Point

        known = {LineString: 1, Point: 0, LinearRing: 2}  # no GEOS call for the type
        h, type_id, coord_seq, size = self.handle(), self.type_id, self.coord_seq, self.size
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
        if SHAPELY_2:
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


def point_coords(geoms: Sequence) -> tuple[np.ndarray, np.ndarray]:
    """Lon and lat of point geometries; NaN where missing, empty or not a single point."""
    arr = object_array(geoms)
    x = np.full(len(arr), np.nan)
    y = np.full(len(arr), np.nan)
    if len(arr) == 0:
        return x, y
    parts = simple_parts(arr)
    counts = parts.offsets[1:] - parts.offsets[:-1]
    single = np.bincount(parts.owner, minlength=len(arr)) == 1
    ok = (parts.kind == 0) & (counts == 1) & single[parts.owner]
    first = parts.offsets[:-1][ok]
    x[parts.owner[ok]], y[parts.owner[ok]] = parts.xy[first, 0], parts.xy[first, 1]
    return x, y


def geometries_from_wkb(wkb: Sequence, crs: str):
    """A geopandas GeometryArray from WKB bytes or hex strings (None stays missing)."""
    import geopandas as gpd

    if SHAPELY_2:
        return gpd.GeoSeries.from_wkb(list(wkb), crs=crs).values
    from geopandas.array import GeometryArray
    from shapely import wkb as shapely_wkb

    data = np.empty(len(wkb), dtype=object)
    loads = shapely_wkb.loads
    for i, blob in enumerate(wkb):
        if blob is not None:
            data[i] = loads(blob, hex=isinstance(blob, str))
    return GeometryArray(data, crs=crs)


# --- metres from lon/lat ------------------------------------------------------------
def metres_per_degree(lat: float) -> tuple[float, float]:
    """Metres per degree of longitude and of latitude at ``lat`` (equirectangular)."""
    k = math.radians(1.0) * EARTH_RADIUS_M
    return k * math.cos(math.radians(lat)), k


def local_metres(xy: np.ndarray, lon0: float, lat0: float) -> np.ndarray:
    """(n, 2) lon/lat as metres east and north of (lon0, lat0), equirectangular."""
    xy = np.asarray(xy, dtype=float).reshape(-1, 2)
    kx, ky = metres_per_degree(lat0)
    return np.column_stack(((xy[:, 0] - lon0) * kx, (xy[:, 1] - lat0) * ky))


def lonlat_from_local(xy: np.ndarray, lon0: float, lat0: float) -> np.ndarray:
    """The inverse of ``local_metres``."""
    xy = np.asarray(xy, dtype=float).reshape(-1, 2)
    kx, ky = metres_per_degree(lat0)
    return np.column_stack((xy[:, 0] / kx + lon0, xy[:, 1] / ky + lat0))


def segment_lengths_m(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Lengths in metres of lon/lat segments ``a[i] → b[i]`` (equirectangular at each
    segment's mean latitude)."""
    k = math.radians(1.0) * EARTH_RADIUS_M
    coslat = np.cos(np.radians((a[:, 1] + b[:, 1]) / 2.0))
    return np.hypot((b[:, 0] - a[:, 0]) * coslat * k, (b[:, 1] - a[:, 1]) * k)


def polyline_lengths_m(lines: Sequence[np.ndarray]) -> np.ndarray:
    """Length in metres of each lon/lat polyline (an (n, 2) array each)."""
    return np.array([float(segment_lengths_m(c[:-1], c[1:]).sum()) if len(c) > 1 else 0.0
                     for c in lines])


# --- lines and polygons from WKB ----------------------------------------------------
POINT, LINESTRING, POLYGON = 1, 2, 3
MULTI = {4: POINT, 5: LINESTRING, 6: POLYGON}
COLLECTION = 7


def _header(buf: bytes, off: int) -> tuple[str, int, int, int]:
    """Byte order, base type, dimensions and the offset after the header."""
    endian = "<" if buf[off] == 1 else ">"
    (code,) = struct.unpack_from(endian + "I", buf, off + 1)
    off += 5
    dims = 2
    if code & 0x80000000:  # EWKB flags
        dims += 1
    if code & 0x40000000:
        dims += 1
    if code & 0x20000000:  # EWKB SRID
        off += 4
    code &= 0x0FFFFFFF
    if code >= 1000:  # ISO: 1000 Z, 2000 M, 3000 ZM
        dims += {1: 1, 2: 1, 3: 2}[code // 1000]
        code %= 1000
    return endian, code, dims, off


def read_wkb(buf: bytes, off: int, rings: list) -> tuple[object, int]:
    """Parse one geometry at ``off``: a nested structure of ring indices into ``rings``."""
    endian, code, dims, off = _header(buf, off)
    if code == LINESTRING:
        (n,) = struct.unpack_from(endian + "I", buf, off)
        off += 4
        rings.append(np.frombuffer(buf, endian + "f8", n * dims, off).reshape(n, dims)[:, :2])
        return ("line", len(rings) - 1), off + 8 * n * dims
    if code == POLYGON:
        (nr,) = struct.unpack_from(endian + "I", buf, off)
        off += 4
        ids = []
        for _ in range(nr):
            (n,) = struct.unpack_from(endian + "I", buf, off)
            off += 4
            rings.append(np.frombuffer(buf, endian + "f8", n * dims, off)
                         .reshape(n, dims)[:, :2])
            ids.append(len(rings) - 1)
            off += 8 * n * dims
        return ("polygon", ids), off
    if code == POINT:
        return ("point", None), off + 8 * dims
    if code in MULTI or code == COLLECTION:
        (k,) = struct.unpack_from(endian + "I", buf, off)
        off += 4
        parts = []
        for _ in range(k):
            part, off = read_wkb(buf, off, rings)
            parts.append(part)
        return ("multi", parts), off
    raise ValueError(f"unsupported WKB geometry type {code}")


def flatten(structure: object, kind: str) -> list:
    """The line parts (``kind='line'``) or polygons (``'polygon'``) of a structure."""
    if structure is None:
        return []
    tag, value = structure
    if tag == "multi":
        return [x for part in value for x in flatten(part, kind)]
    return [value] if tag == kind else []


def read_many(geoms: list) -> tuple[list, list]:
    """Per geometry its structure (None when missing or empty), and every ring's
    ``(n, 2)`` coordinates."""
    rings: list = []
    out = []
    for g in geoms:
        if g is None or g.is_empty:
            out.append(None)
            continue
        structure, _ = read_wkb(g.wkb, 0, rings)
        out.append(structure)
    return out, rings
