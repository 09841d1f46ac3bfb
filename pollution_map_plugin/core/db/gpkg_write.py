"""Bulk writes into GeoPackage tables with sqlite3.

Per-row triggers are what makes SQLite slow here: OGR's feature-count triggers and
the R-tree triggers (which call back into Python for ``ST_MinX`` & co.).  A bulk
insert drops them inside its transaction, gives the rows explicit fids, fills the
R-tree directly from the bounds it already has, and restores the triggers; a
rollback restores them as well.  Feature counts are fixed after each write.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from .. import schema
from ..schema import Table
from .frame_conversion import Prepared
from .gpkg_geom import encode_blobs
from .gpkg_sql import compose, join, marks


def rtree_name(table: Table) -> str:
    return f"rtree_{table.name}_{schema.GEOMETRY_COLUMN}"


@contextmanager
def triggers_off(conn: sqlite3.Connection, table: Table, names: list[str]) -> Iterator[None]:
    """Drop the named triggers of ``table`` for the block; recreate them after it."""
    saved = conn.execute(compose(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ? "
        "AND name IN ({})", marks(len(names))), [table.name, *names]).fetchall()
    for name, _ in saved:
        conn.execute(compose("DROP TRIGGER {}", name))
    yield
    for _, sql in saved:
        conn.execute(sql)


def _next_fid(conn: sqlite3.Connection, table: Table) -> int:
    (top,) = conn.execute(compose("SELECT max({}) FROM {}", schema.PRIMARY_KEY,
                                  table.name)).fetchone()
    seq = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = ?", (table.name,)).fetchone() \
        if _has_table(conn, "sqlite_sequence") else None
    return max(top or 0, (seq[0] if seq else 0) or 0) + 1


def _has_table(conn: sqlite3.Connection, name: str) -> bool:
    row = conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (name,)).fetchone()
    return row is not None


def _existing(conn: sqlite3.Connection, table: Table, names: list[str], rows: list[tuple]
              ) -> list[tuple[int, int]]:
    """(index, fid) of ``rows`` whose natural key is in the table (an indexed join)."""
    keys = list(table.natural_key)
    key_idx = [names.index(k) for k in keys]
    cols = [f"k{j}" for j in range(len(keys))]
    conn.execute(compose("CREATE TEMP TABLE _pm_keys (i INTEGER, {})", cols))
    try:
        conn.executemany(compose("INSERT INTO temp._pm_keys VALUES (?, {})", marks(len(keys))),
                         [(i, *(r[j] for j in key_idx)) for i, r in enumerate(rows)])
        on = join(" AND ", (compose("m.{} = t.{}", k, c) for k, c in zip(keys, cols)))
        found = conn.execute(compose("SELECT t.i, m.{} FROM temp._pm_keys t JOIN main.{} m "
                                     "ON {} ORDER BY t.i", schema.PRIMARY_KEY, table.name,
                                     on)).fetchall()
    finally:
        conn.execute("DROP TABLE temp._pm_keys")
    return [(r[0], r[1]) for r in found]


@contextmanager
def indexes_off(conn: sqlite3.Connection, table: Table, rows: int) -> Iterator[None]:
    """For a load bigger than the table: drop its indexes, rebuild them after (faster)."""
    (count,) = conn.execute(compose("SELECT count(*) FROM {}", table.name)).fetchone()
    saved = []
    if rows > max(count, 1000):
        saved = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                             "AND tbl_name = ? AND sql IS NOT NULL", (table.name,)).fetchall()
    for name, _ in saved:
        conn.execute(compose("DROP INDEX {}", name))
    yield
    for _, sql in saved:
        conn.execute(sql)


def _update(conn: sqlite3.Connection, table: Table, names: list[str], rows: list[tuple]) -> None:
    keys = list(table.natural_key)
    key_idx = [names.index(k) for k in keys]
    other_idx = [i for i, n in enumerate(names) if n not in keys]
    if not other_idx:
        return
    sql = compose("UPDATE {} SET {} WHERE {}", table.name,
                  join(", ", (compose("{} = ?", names[i]) for i in other_idx)),
                  join(" AND ", (compose("{} = ?", k) for k in keys)))
    conn.executemany(sql, [tuple(r[i] for i in other_idx + key_idx) for r in rows])


def insert_rows(conn: sqlite3.Connection, prepared: Prepared, upsert: bool) -> None:
    """Insert (or upsert by the natural key) the prepared rows."""
    table = prepared.table
    names = list(prepared.columns)
    blobs = None
    if prepared.wkb is not None:
        names.append(schema.GEOMETRY_COLUMN)
        blobs = encode_blobs(prepared.wkb, prepared.bounds, schema.DEFAULT_SRID,
                             table.geometry == "POINT")
    rows = prepared.rows(blobs)
    new = list(range(len(rows)))
    rtree = rtree_name(table) if table.is_spatial and _has_table(conn, rtree_name(table)) else ""
    if upsert:
        old = _existing(conn, table, names, rows)
        if old:
            off = [f"{rtree}_update{k}" for k in range(1, 8)] if blobs is not None and rtree \
                else []
            with triggers_off(conn, table, off):
                _update(conn, table, names, [rows[i] for i, _ in old])
                if off:
                    conn.executemany(compose("DELETE FROM {} WHERE id = ?", rtree),
                                     [(fid,) for _, fid in old])
                    _boxes(conn, rtree, prepared, old)
            taken = {i for i, _ in old}
            new = [i for i in new if i not in taken]
    if not new:
        return
    off = [f"trigger_insert_feature_count_{table.name}"] + ([f"{rtree}_insert"] if rtree else [])
    with triggers_off(conn, table, off), indexes_off(conn, table, len(new)):
        start = _next_fid(conn, table)
        fid_rows = [(start + k, *rows[i]) for k, i in enumerate(new)]
        cols = [schema.PRIMARY_KEY, *names]
        conn.executemany(compose("INSERT INTO {} ({}) VALUES ({})", table.name, cols,
                                 marks(len(cols))), fid_rows)
        if rtree and prepared.wkb is not None:
            _boxes(conn, rtree, prepared, [(i, start + k) for k, i in enumerate(new)])


def _boxes(conn: sqlite3.Connection, rtree: str, prepared: Prepared,
           rows: list[tuple[int, int]]) -> None:
    """Insert the R-tree boxes of the prepared rows (index, fid) that have a geometry."""
    bounds = prepared.bounds.tolist()
    boxes = [(fid, bounds[i][0], bounds[i][2], bounds[i][1], bounds[i][3])
             for i, fid in rows if prepared.wkb[i] is not None]
    conn.executemany(compose("INSERT INTO {} VALUES (?, ?, ?, ?, ?)", rtree), boxes)


def delete_all(conn: sqlite3.Connection, table: Table) -> None:
    """Empty ``table`` (and its R-tree) without per-row triggers."""
    rtree = rtree_name(table) if table.is_spatial else ""
    off = [f"trigger_delete_feature_count_{table.name}"]
    if rtree and _has_table(conn, rtree):
        off.append(f"{rtree}_delete")
    else:
        rtree = ""
    with triggers_off(conn, table, off):
        conn.execute(compose("DELETE FROM {}", table.name))
        if rtree:
            conn.execute(compose("DELETE FROM {}", rtree))
