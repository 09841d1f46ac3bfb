"""The GeoPackage back end's one identifier-quoting helper (core/db/gpkg_sql.py)."""

from __future__ import annotations

import sqlite3

import pytest

from pollution_map_plugin.core.db.gpkg_sql import (
    NULL,
    Sql,
    column_type,
    compose,
    ident,
    join,
    marks,
)


def test_identifiers_are_quoted_and_quotes_doubled() -> None:
    assert ident("sections") == '"sections"'
    assert ident('a"b') == '"a""b"'
    assert compose("SELECT {} FROM {}", ["a", "b"], "t") == 'SELECT "a", "b" FROM "t"'
    assert compose("{0} = {0}", "x") == '"x" = "x"'


@pytest.mark.parametrize("value", [1, 2.5, None, b"x", True])
def test_values_are_refused(value: object) -> None:
    with pytest.raises(TypeError, match="bind values"):
        compose("SELECT * FROM t WHERE a = {}", value)


@pytest.mark.parametrize("name", ["", "a\x00b"])
def test_invalid_identifiers_are_refused(name: str) -> None:
    with pytest.raises(ValueError):
        ident(name)


def test_composed_text_is_kept_and_plain_text_is_a_name() -> None:
    inner = compose("m.{} = ?", "code")
    assert compose("WHERE {}", inner) == 'WHERE m."code" = ?'
    # Text that was not composed here is a name, never SQL: it cannot inject.
    assert compose("WHERE {}", "1 = 1; DROP TABLE t") == 'WHERE "1 = 1; DROP TABLE t"'
    assert join(" AND ", [inner, inner]) == 'm."code" = ? AND m."code" = ?'
    assert marks(3) == "?, ?, ?" and isinstance(marks(0), Sql) and marks(0) == ""
    assert column_type("real") == "REAL" and NULL == "NULL"
    with pytest.raises(ValueError):
        join("; ", ["a"])


def test_hostile_names_round_trip_in_sqlite() -> None:
    conn = sqlite3.connect(":memory:")
    table, column = 'river"; DROP TABLE x; --', "名 称"
    conn.execute(compose("CREATE TABLE {} ({} {})", table, column, column_type("text")))
    conn.execute(compose("INSERT INTO {} ({}) VALUES ({})", table, [column], marks(1)),
                 ["'); DROP TABLE y; --"])
    rows = conn.execute(compose("SELECT {} FROM {}", column, table)).fetchall()
    assert rows == [("'); DROP TABLE y; --",)]
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert names == {table}
