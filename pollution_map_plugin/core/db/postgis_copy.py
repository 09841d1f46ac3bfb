"""Bulk loading helpers of the PostGIS back end: COPY text and index handling."""

from __future__ import annotations

import io
import struct
from collections.abc import Iterator
from contextlib import contextmanager

from psycopg2 import sql

from ..schema import Table
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
    drop = rows >= _BULK_MIN_ROWS and db._count(table.name) < rows and db._exec(
        "SELECT 1 FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid "
        "JOIN pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = %s "
        "AND t.relname = %s AND c.conname = %s AND c.contype = 'u' AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint f WHERE f.confrelid = t.oid)",
        [db.schema, table.name, name], fetch=True)
    if drop:
        db._exec(sql.SQL("ALTER TABLE {} DROP CONSTRAINT {}").format(
            db._ident(table.name), sql.Identifier(name)))
    yield
    if drop:
        db._exec(sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} UNIQUE ({})").format(
            db._ident(table.name), sql.Identifier(name),
            sql.SQL(", ").join(sql.Identifier(k) for k in table.natural_key)))
