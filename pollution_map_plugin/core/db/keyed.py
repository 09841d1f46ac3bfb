"""Reads and locks for writers that work in chunks (the importer), on both back ends.

* ``read_by_keys(db, table, keys, columns)``: the stored rows whose natural key is in
  ``keys`` (a frame of key columns): an indexed join against a temporary key table,
  so a chunk of a big file is compared with its own rows only, never the whole table.
* ``lock_for_write(db, table)``: inside ``db.transaction()``, make later writers
  wait for this one (GeoPackage: ``BEGIN IMMEDIATE`` already holds the write lock;
  PostGIS: ``LOCK TABLE … IN SHARE ROW EXCLUSIVE MODE``), so what is read after it
  cannot change before the commit.
* ``set_lock_wait(db, seconds)``: how long to wait for another writer.
* ``is_busy(error)``: the error says another writer held the lock too long.
"""

from __future__ import annotations

import pandas as pd

from .. import schema
from ..schema import Table
from .backend import Database
from .errors import DatabaseError
from .frame_conversion import build_frame, build_geoframe, prepare

_BUSY = ("database is locked", "database table is locked", "lock timeout",
         "could not obtain lock")


def is_busy(error: BaseException) -> bool:
    """True when ``error`` reports a lock held by another writer."""
    text = str(error).lower()
    return any(marker in text for marker in _BUSY)


def set_lock_wait(db: Database, seconds: float) -> None:
    """Before ``db.transaction()``: a GeoPackage waits up to ``seconds`` for another
    writer at ``BEGIN IMMEDIATE`` (PostGIS: see ``lock_for_write``)."""
    if db.kind == "gpkg":
        db.set_busy_timeout(seconds)  # type: ignore[attr-defined]


def lock_for_write(db: Database, table: Table, wait_s: float = 30.0) -> None:
    """Block other writers of ``table`` until the current transaction ends (waiting up
    to ``wait_s`` for one that holds it; the setting ends with the transaction)."""
    if not db.in_transaction:
        raise RuntimeError("lock_for_write needs an open transaction")
    if db.kind == "postgis":
        from psycopg2 import sql

        ms = max(int(wait_s * 1000), 1)
        db.execute("SELECT set_config('lock_timeout', %s, true)",  # type: ignore[attr-defined]
                 [f"{ms}ms"])
        db.execute(sql.SQL("LOCK TABLE {} IN SHARE ROW EXCLUSIVE MODE")  # type: ignore[attr-defined]
                   .format(db.qualified(table.name)))  # type: ignore[attr-defined]


def _key_values(table: Table, keys: pd.DataFrame) -> list[tuple]:
    prepared = prepare(table, keys[list(table.natural_key)], "upsert")
    return prepared.rows()


def read_by_keys(db: Database, table: Table, keys: pd.DataFrame, columns: list[str]
                 ) -> pd.DataFrame:
    """Stored rows of ``table`` whose natural key is among ``keys`` (key columns and
    ``columns``; a GeoDataFrame with the geometry for layers)."""
    names = list(dict.fromkeys([*table.natural_key, *columns]))
    if len(keys) == 0:
        rows: list[tuple] = []
    elif db.kind == "gpkg":
        rows = _gpkg_rows(db, table, _key_values(table, keys), names)
    else:
        rows = _postgis_rows(db, table, _key_values(table, keys), names)
    data = [list(c) for c in zip(*rows)] if rows else [[] for _ in range(len(names) + 1)]
    frame = build_frame(table, names, data[: len(names)])
    if len(frame.columns) == 0:
        frame = pd.DataFrame({n: [] for n in names})
    if table.is_spatial:
        return build_geoframe(frame, data[len(names)])
    return frame


def _gpkg_rows(db, table: Table, keys: list[tuple], names: list[str]) -> list[tuple]:
    from .gpkg_geom import blobs_to_wkb
    from .gpkg_sql import NULL, compose, join, marks

    conn = db.connection
    k = len(table.natural_key)
    cols = [f"k{j}" for j in range(k)]
    geom = compose("m.{}", schema.GEOMETRY_COLUMN) if table.is_spatial else NULL
    try:
        conn.execute("DROP TABLE IF EXISTS temp._pm_find")
        conn.execute(compose("CREATE TEMP TABLE _pm_find ({})", cols))
        conn.executemany(compose("INSERT INTO temp._pm_find VALUES ({})", marks(k)), keys)
        on = join(" AND ", (compose("m.{} = t.{}", c, kc)
                            for c, kc in zip(table.natural_key, cols)))
        select = [compose("m.{}", n) for n in names] + [geom]
        found = conn.execute(compose("SELECT {} FROM temp._pm_find t JOIN main.{} m ON {}",
                                     select, table.name, on)).fetchall()
        conn.execute("DROP TABLE temp._pm_find")
    except Exception as exc:  # sqlite3.Error
        raise DatabaseError(f"{db.describe()}: {exc}") from None
    if table.is_spatial and found:
        wkb = blobs_to_wkb([r[-1] for r in found])
        return [(*r[:-1], w) for r, w in zip(found, wkb)]
    return found


def _postgis_rows(db, table: Table, keys: list[tuple], names: list[str]) -> list[tuple]:
    from psycopg2 import sql
    from psycopg2.extras import execute_values

    types = {"text": "text", "integer": "integer", "real": "double precision",
             "date": "date", "boolean": "boolean"}
    defs = sql.SQL(", ").join(
        sql.SQL("{} {}").format(sql.Identifier(f"k{j}"),
                                sql.SQL(types[table.column(c).type]))
        for j, c in enumerate(table.natural_key))
    exprs = []
    for n in names:
        kind = table.column(n).type
        ident = sql.SQL("m.{}").format(sql.Identifier(n))
        if kind == "date":
            exprs.append(sql.SQL("to_char({}, 'YYYY-MM-DD')").format(ident))
        elif kind == "boolean":
            exprs.append(sql.SQL("{}::int").format(ident))
        else:
            exprs.append(ident)
    exprs.append(sql.SQL("encode(ST_AsBinary(m.{}), 'hex')").format(
        sql.Identifier(schema.GEOMETRY_COLUMN)) if table.is_spatial else sql.SQL("NULL"))
    on = sql.SQL(" AND ").join(sql.SQL("m.{} = t.{}").format(sql.Identifier(c),
                                                             sql.Identifier(f"k{j}"))
                               for j, c in enumerate(table.natural_key))
    stage = sql.Identifier("pm_find")
    try:
        with db.connection.cursor() as cur:
            cur.execute(sql.SQL("DROP TABLE IF EXISTS pg_temp.{}").format(stage))
            cur.execute(sql.SQL("CREATE TEMP TABLE {} ({})").format(stage, defs))
            execute_values(cur, sql.SQL("INSERT INTO {} VALUES %s").format(stage)
                           .as_string(db.connection), keys, page_size=5000)
            cur.execute(sql.SQL("SELECT {} FROM {} t JOIN {} m ON {}").format(
                sql.SQL(", ").join(exprs), stage, db.qualified(table.name), on))
            found = cur.fetchall()
            cur.execute(sql.SQL("DROP TABLE {}").format(stage))
    except Exception as exc:  # psycopg2.Error: scrubbed like the back end's own errors
        raise DatabaseError(db.scrub(f"{db.describe()}: {exc}")) from None
    return found
