"""Writing rows into PostGIS: COPY text, index handling, appends and upserts.

Works on a ``PostGISDatabase`` through its helper protocol (``execute``,
``execute_count``, ``copy_in``, ``qualified``, ``count``, ``usable``), never its
private members."""

from __future__ import annotations

import io
import struct
from collections.abc import Iterator
from contextlib import contextmanager

from psycopg2 import sql

from .. import schema
from ..schema import Table
from .errors import DatabaseError
from .frame_conversion import Prepared

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_SEP = "\x00"  # cannot occur in PostgreSQL text, so it can join values for one translate()
_BULK_MIN_ROWS = 10_000


def copy_fields(values: list) -> list[str]:
    """Values as fields of COPY's text format (NULL is ``\\N``)."""
    nulls = [i for i, v in enumerate(values) if v is None]
    if any(isinstance(v, str) for v in values):
        texts = ["" if v is None else v if isinstance(v, str) else repr(v) for v in values]
        fields = _SEP.join(texts).translate(_ESCAPES).split(_SEP)
    elif nulls:
        fields = ["" if v is None else repr(v) for v in values]
    else:
        fields = list(map(repr, values))
    for i in nulls:
        fields[i] = "\\N"
    return fields


def ewkb_hex(wkb: bytes, srid: int) -> str:
    """Hex EWKB (WKB with an SRID), which PostGIS takes as text input."""
    order = "<" if wkb[0] == 1 else ">"
    (kind,) = struct.unpack_from(order + "I", wkb, 1)
    return (wkb[:1] + struct.pack(order + "Ii", kind | 0x20000000, srid) + wkb[5:]).hex()


def copy_buffer(prepared: Prepared, srid: int | None = None) -> io.StringIO:
    """The rows of ``prepared`` for ``COPY … FROM STDIN``: with ``srid``, straight into
    the table (geometry as hex EWKB); without, for the staging table (row number first,
    hex WKB last)."""
    columns = [] if srid else [[str(i) for i in range(prepared.n)]]
    columns += [copy_fields(v) for v in prepared.values]
    if prepared.wkb is not None:
        columns.append(["\\N" if w is None else ewkb_hex(w, srid) if srid else w.hex()
                        for w in prepared.wkb])
    return io.StringIO("".join("\t".join(row) + "\n" for row in zip(*columns)))


@contextmanager
def key_constraint_off(db, table: Table, rows: int) -> Iterator[None]:
    """For a load bigger than the table: drop its natural-key constraint and add it back
    after (one sort instead of a million index insertions; duplicates still fail)."""
    name = f"{table.name}_key"
    drop = rows >= _BULK_MIN_ROWS and db.count(table.name) < rows and db.execute(
        "SELECT 1 FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid "
        "JOIN pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = %s "
        "AND t.relname = %s AND c.conname = %s AND c.contype = 'u' "
        "AND pg_has_role(t.relowner, 'USAGE') AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint f WHERE f.confrelid = t.oid)",
        [db.schema, table.name, name], fetch=True)
    if drop:
        db.execute(sql.SQL("ALTER TABLE {} DROP CONSTRAINT {}").format(
            db.qualified(table.name), sql.Identifier(name)))
    yield
    if drop:
        db.execute(sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} UNIQUE ({})").format(
            db.qualified(table.name), sql.Identifier(name),
            sql.SQL(", ").join(sql.Identifier(k) for k in table.natural_key)))


# --- inserting prepared rows (the back end's _insert) ---------------------------------

PG_TYPES = {"text": "text", "integer": "integer", "real": "double precision",
            "date": "date", "boolean": "boolean"}


def row_security_applies(db, table: Table) -> bool:
    """Whether row-level security applies to this user on ``table`` (then COPY straight
    into it is refused: rows go through a staging table and INSERT)."""
    rows = db.execute("SELECT c.relrowsecurity AND NOT pg_has_role(c.relowner, 'USAGE') "
                      "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                      "WHERE n.nspname = %s AND c.relname = %s", [db.schema, table.name],
                      fetch=True)
    return bool(rows and rows[0][0])


def _stage(db, prepared: Prepared) -> tuple[sql.Identifier, list, list]:
    """COPY the rows into a temporary table; (its name, target columns, values)."""
    table, names = prepared.table, list(prepared.columns)
    stage = sql.Identifier("pm_stage")
    defs = [sql.SQL("pm_i integer")] + [
        sql.SQL("{} {}").format(sql.Identifier(n), sql.SQL(PG_TYPES[table.column(n).type]))
        for n in names]
    if prepared.wkb is not None:
        defs.append(sql.SQL("pm_geom text"))
    db.execute(sql.SQL("DROP TABLE IF EXISTS pg_temp.{}").format(stage))
    db.execute(sql.SQL("CREATE TEMP TABLE {} ({})").format(stage, sql.SQL(", ").join(defs)))
    db.copy_in(sql.SQL("COPY {} FROM STDIN").format(stage), copy_buffer(prepared),
               f"writing {table.name}: ")
    targets = [sql.Identifier(n) for n in names]
    values: list = [sql.Identifier(n) for n in names]
    if prepared.wkb is not None:
        targets.append(sql.Identifier(schema.GEOMETRY_COLUMN))
        values.append(sql.SQL("ST_GeomFromWKB(decode(pm_geom, 'hex'), {})")
                      .format(sql.Literal(schema.DEFAULT_SRID)))
    return stage, targets, values


def _drop_stage(db, stage: sql.Identifier) -> None:
    if db.usable():
        db.execute(sql.SQL("DROP TABLE IF EXISTS pg_temp.{}").format(stage))


def insert_prepared(db, prepared: Prepared, upsert: bool) -> None:
    """Append (COPY; a duplicate key is an error) or upsert by the natural key."""
    table = prepared.table
    if not upsert and not row_security_applies(db, table):  # straight into the table
        cols = list(prepared.columns) + (
            [schema.GEOMETRY_COLUMN] if prepared.wkb is not None else [])
        target = sql.SQL("{} ({})").format(
            db.qualified(table.name), sql.SQL(", ").join(sql.Identifier(c) for c in cols))
        with key_constraint_off(db, table, prepared.n):
            db.copy_in(sql.SQL("COPY {} FROM STDIN").format(target),
                       copy_buffer(prepared, schema.DEFAULT_SRID), f"writing {table.name}: ")
        return
    stage, targets, values = _stage(db, prepared)
    try:
        if not upsert:
            db.execute(sql.SQL("INSERT INTO {} ({}) SELECT {} FROM {} ORDER BY pm_i").format(
                db.qualified(table.name), sql.SQL(", ").join(targets),
                sql.SQL(", ").join(values), stage))
            return
        keys = sql.SQL(", ").join(sql.Identifier(k) for k in table.natural_key)
        updates = [sql.SQL("{0} = EXCLUDED.{0}").format(t) for t in targets
                   if t.string not in table.natural_key]
        action = (sql.SQL("DO UPDATE SET {}").format(sql.SQL(", ").join(updates))
                  if updates else sql.SQL("DO NOTHING"))
        match = sql.SQL(" AND ").join(
            sql.SQL("t.{0} = {1}.{0}").format(sql.Identifier(k), stage)
            for k in table.natural_key)
        # Existing rows first, by a plain UPDATE: new rows must pass NOT NULL
        # checks before ON CONFLICT applies, updates of some columns need not.
        _update_existing(db, table, targets, values, stage)
        db.execute(sql.SQL("INSERT INTO {0} ({1}) SELECT {2} FROM {3} WHERE NOT EXISTS "
                           "(SELECT 1 FROM {0} t WHERE {4}) ORDER BY pm_i "
                           "ON CONFLICT ({5}) {6}").format(
            db.qualified(table.name), sql.SQL(", ").join(targets),
            sql.SQL(", ").join(values), stage, match, keys, action))
    except DatabaseError as exc:
        raise DatabaseError(f"writing {table.name}: {exc}") from None
    finally:
        _drop_stage(db, stage)


def _update_existing(db, table: Table, targets: list, values: list,
                     stage: sql.Identifier) -> None:
    pairs = [(t, v) for t, v in zip(targets, values) if t.string not in table.natural_key]
    if not pairs:
        return
    match = sql.SQL(" AND ").join(sql.SQL("t.{0} = s.{0}").format(sql.Identifier(k))
                                  for k in table.natural_key)
    sets = sql.SQL(", ").join(
        sql.SQL("{} = {}").format(t, v if not isinstance(v, sql.Identifier)
                                  else sql.SQL("s.{}").format(v)) for t, v in pairs)
    db.execute(sql.SQL("UPDATE {} t SET {} FROM {} s WHERE {}").format(
        db.qualified(table.name), sets, stage, match))
