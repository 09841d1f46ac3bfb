"""SQL text for the GeoPackage back end: identifiers quoted here, values always bound.

The one place where the GeoPackage code quotes SQLite identifiers (what ``psycopg2.sql``
is for the PostGIS code).  ``compose(template, *parts)`` fills the ``{}`` fields of a
constant template:

* a ``str`` part is an **identifier** (a table, column, index, trigger or savepoint
  name) and is quoted by :func:`ident`;
* a :class:`Sql` part is text this module composed before (a fragment, :func:`marks`,
  :func:`column_type`);
* a list or tuple is its items composed the same way, joined with ``", "``;
* anything else (a number, ``None``, bytes) is refused: a **value** reaches SQLite only
  as a bound ``?`` parameter, never as text.

So no text from a file or a user can end up in a statement except as a quoted name.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Union


class Sql(str):
    """SQL text composed by this module (its names quoted, its values ``?`` marks)."""

    __slots__ = ()


Part = Union[Sql, str, list, tuple]
NULL = Sql("NULL")


def ident(name: str) -> Sql:
    """``name`` as a quoted SQLite identifier (``"`` doubled); ValueError for an empty
    name or one with a NUL character, which SQLite cannot hold."""
    if not isinstance(name, str) or isinstance(name, Sql):
        raise TypeError(f"an identifier must be a plain str, not {type(name).__name__}")
    if not name or "\x00" in name:
        raise ValueError(f"invalid SQLite identifier {name!r}")
    return Sql('"' + name.replace('"', '""') + '"')


def _part(part: Part) -> Sql:
    if isinstance(part, Sql):
        return part
    if isinstance(part, str):
        return ident(part)
    if isinstance(part, (list, tuple)):
        return Sql(", ".join(_part(p) for p in part))
    raise TypeError(f"SQL parts are identifiers or composed SQL, not {type(part).__name__}: "
                    "bind values as ? parameters")


def compose(template: str, *parts: Part) -> Sql:
    """``template`` (a constant) with its ``{}`` fields filled by ``parts`` (see above)."""
    return Sql(template.format(*(_part(p) for p in parts)))


def join(separator: str, parts: Iterable[Part]) -> Sql:
    """``parts`` composed and joined with ``separator`` (``" AND "``, ``" "`` …)."""
    if separator.strip().upper() not in ("", ",", "AND", "OR"):
        raise ValueError(f"unexpected SQL separator {separator!r}")
    return Sql(separator.join(_part(p) for p in parts))


_COLUMN_TYPES = {"text": Sql("TEXT"), "integer": Sql("INTEGER"), "real": Sql("REAL"),
                 "date": Sql("DATE"), "boolean": Sql("BOOLEAN")}


def column_type(kind: str) -> Sql:
    """The SQLite column type of a schema column type (``text``, ``integer`` …)."""
    return _COLUMN_TYPES[kind]


def marks(count: int) -> Sql:
    """``count`` parameter marks: ``?, ?, ?``."""
    return Sql(", ".join("?" * int(count)))
