"""Bulk loading helpers of the PostGIS back end: COPY text and index handling."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager

from psycopg2 import sql

from ..schema import Table
from .frames import Prepared

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_SEP = "\x00"  # cannot occur in PostgreSQL text, so it can join values for one translate()
_BULK_MIN_ROWS = 10_000


def copy_fields(values: list) -> list[str]:
    """Values as fields of COPY's text format (NULL is ``\\N``)."""
    if any(isinstance(v, str) for v in values):
        texts = ["" if v is None else v if isinstance(v, str) else repr(v) for v in values]
        fields = _SEP.join(texts).translate(_ESCAPES).split(_SEP)
    else:
        fields = ["" if v is None else repr(v) for v in values]
    for i, v in enumerate(values):
        if v is None:
            fields[i] = "\\N"
    return fields


def copy_buffer(prepared: Prepared) -> io.StringIO:
    """The rows of ``prepared`` (row number first, hex WKB last) for ``COPY … FROM STDIN``."""
    columns = [[str(i) for i in range(prepared.n)]]
    columns += [copy_fields(v) for v in prepared.values]
    if prepared.wkb is not None:
        columns.append(["\\N" if w is None else w.hex() for w in prepared.wkb])
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
