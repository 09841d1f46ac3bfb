"""GeoPackage geometry blobs: header + WKB, encoded and decoded without GDAL.

Also the ``ST_*`` SQL functions that the GeoPackage R-tree triggers call (GDAL and
QGIS register them in their connections; plain ``sqlite3`` must do it too).
"""

from __future__ import annotations

import sqlite3
import struct

import numpy as np

_ENVELOPE_BYTES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}
_EMPTY_FLAG = 0x10
_POINT_HEADER = b"GP\x00\x01"  # version 0, little endian, no envelope
_ENV_HEADER = b"GP\x00\x03"  # version 0, little endian, xy envelope


def blob_to_wkb(blob: bytes | None) -> bytes | None:
    """The WKB inside a GeoPackage geometry blob (None for NULL or empty)."""
    if blob is None:
        return None
    flags = blob[3]
    if flags & _EMPTY_FLAG:
        return None
    return blob[8 + _ENVELOPE_BYTES[(flags >> 1) & 0x07]:]


def blobs_to_wkb(blobs: list) -> list:
    """``blob_to_wkb`` over a list, fast."""
    sizes = _ENVELOPE_BYTES
    out = []
    append = out.append
    for blob in blobs:
        if blob is None or blob[3] & _EMPTY_FLAG:
            append(None)
        else:
            append(blob[8 + sizes[(blob[3] >> 1) & 0x07]:])
    return out


def encode_blobs(wkbs: list, bounds: np.ndarray, srid: int, points: bool) -> list:
    """GeoPackage blobs from WKB and bounds (rows of minx, miny, maxx, maxy).

    Points carry no envelope (as GDAL writes them); other types an xy envelope.
    """
    srs = struct.pack("<i", srid)
    if points:
        head = _POINT_HEADER + srs
        return [None if w is None else head + w for w in wkbs]
    head = _ENV_HEADER + srs
    pack = struct.Struct("<4d").pack
    out = []
    for w, (minx, miny, maxx, maxy) in zip(wkbs, bounds.tolist()):
        out.append(None if w is None else head + pack(minx, maxx, miny, maxy) + w)
    return out


class _EnvelopeCache:
    """A one-entry cache of the last blob's envelope: the R-tree triggers ask for the
    four bounds and emptiness of the same blob, five calls per row.

    One per connection (``register_functions``), never shared through the module.
    The entry is a single ``(blob, envelope)`` tuple, replaced in one assignment and
    read once per lookup, so even a connection used from several threads can never
    pair a blob with another blob's envelope.
    """

    __slots__ = ("entry",)

    def __init__(self) -> None:
        self.entry: tuple[bytes | None, tuple | None] = (None, None)

    def envelope(self, blob: bytes | None) -> tuple[float, float, float, float] | None:
        """(minx, maxx, miny, maxy) of a blob, from its header or its WKB."""
        if blob is None or not isinstance(blob, bytes) or len(blob) < 8 or blob[:2] != b"GP":
            return None
        cached_blob, cached_env = self.entry  # one read: a consistent pair
        if cached_blob is not None and bytes(cached_blob) == bytes(blob):
            return cached_env
        env = _blob_envelope(blob)
        self.entry = (bytes(blob), env)
        return env


def _blob_envelope(blob: bytes) -> tuple[float, float, float, float] | None:
    flags = blob[3]
    if flags & _EMPTY_FLAG:
        return None
    order = "<" if flags & 1 else ">"
    if (flags >> 1) & 0x07:
        return struct.unpack_from(order + "4d", blob, 8)
    return _wkb_envelope(blob[8:])


def _wkb_envelope(wkb: bytes) -> tuple[float, float, float, float] | None:
    order = "<" if wkb[0] == 1 else ">"
    (gtype,) = struct.unpack_from(order + "I", wkb, 1)
    if gtype % 1000 == 1:  # a point, the common case without an envelope
        x, y = struct.unpack_from(order + "2d", wkb, 5)
        if x != x:  # NaN: empty point
            return None
        return (x, x, y, y)
    from shapely import wkb as shapely_wkb

    geom = shapely_wkb.loads(bytes(wkb))
    if geom.is_empty:
        return None
    minx, miny, maxx, maxy = geom.bounds
    return (minx, maxx, miny, maxy)


def register_functions(conn: sqlite3.Connection) -> None:
    """Register ST_IsEmpty, ST_MinX, ST_MaxX, ST_MinY, ST_MaxY on ``conn``, with a
    cache of their own (see ``_EnvelopeCache``)."""
    envelope = _EnvelopeCache().envelope
    kwargs = {"deterministic": True}

    def is_empty(blob) -> int | None:
        if blob is None:
            return None
        return 1 if envelope(blob) is None else 0

    def coord(index: int):
        def fn(blob):
            env = envelope(blob)
            return None if env is None else env[index]

        return fn

    conn.create_function("ST_IsEmpty", 1, is_empty, **kwargs)
    for index, name in enumerate(("ST_MinX", "ST_MaxX", "ST_MinY", "ST_MaxY")):
        conn.create_function(name, 1, coord(index), **kwargs)
