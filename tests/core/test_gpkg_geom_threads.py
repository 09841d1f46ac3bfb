"""The envelope functions the R-tree triggers call are safe across threads and connections."""

from __future__ import annotations

import sqlite3
import struct
import sys
import threading

from pollution_map_plugin.core.db import gpkg_geom
from pollution_map_plugin.core.db.gpkg_geom import encode_blobs, register_functions

POINT_WKB = struct.Struct("<BI2d")


def _point_blob(x: float, y: float) -> bytes:
    wkb = POINT_WKB.pack(1, 1, x, y)
    return encode_blobs([wkb], None, 4490, points=True)[0]


class _Interleaving(bytes):
    """A blob whose comparison lets another thread run a trigger function in between:
    the worst-case scheduling of two writers, made deterministic."""

    other: bytes = b""
    functions: tuple = ()

    def __eq__(self, other):  # noqa: D105 - called by the cache lookup
        worker = threading.Thread(target=lambda: [f(self.other) for f in self.functions])
        worker.start()
        worker.join()
        return bytes.__eq__(self, other)

    __hash__ = bytes.__hash__


def _functions() -> dict:
    captured: dict = {}

    class Capture:
        def create_function(self, name, _n, fn, **_kw):
            captured[name] = fn

    register_functions(Capture())  # type: ignore[arg-type]
    return captured


def test_a_thread_in_between_cannot_swap_the_envelope() -> None:
    fns = _functions()
    mine = _Interleaving(_point_blob(106.5, 29.5))
    mine.other = _point_blob(120.0, 31.0)
    mine.functions = (fns["ST_MinX"],)
    assert fns["ST_MinX"](bytes(mine)) == 106.5  # now the cache holds this blob
    assert fns["ST_MinX"](mine) == 106.5  # another thread runs during the lookup
    assert fns["ST_MaxY"](mine) == 29.5


def test_many_threads_and_connections_get_their_own_envelopes() -> None:
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    errors: list[str] = []

    def work(k: int) -> None:
        conn = sqlite3.connect(":memory:", check_same_thread=False)
        register_functions(conn)
        points = [(100.0 + k + i * 1e-3, 20.0 + k + i * 1e-3) for i in range(300)]
        blobs = [(_point_blob(x, y),) for x, y in points]
        for _ in range(5):
            got = conn.execute("SELECT ST_MinX(b), ST_MaxX(b), ST_MinY(b), ST_MaxY(b) FROM "
                               "(SELECT column1 AS b FROM (VALUES " +
                               ", ".join("(?)" for _ in blobs) + "))",
                               [b for (b,) in blobs]).fetchall()
            for (x, y), row in zip(points, got):
                if row != (x, x, y, y):
                    errors.append(f"thread {k}: {row} for {(x, y)}")
        conn.close()

    try:
        threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(old)
    assert not errors, errors[:5]


def test_no_module_level_cache_is_shared() -> None:
    assert not hasattr(gpkg_geom, "_last")
