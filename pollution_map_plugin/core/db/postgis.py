"""The PostGIS back end: psycopg2, parameterised SQL only, COPY for bulk data.

Identifiers are composed with ``psycopg2.sql.Identifier``; values always travel as
parameters or through COPY.  Credentials never appear in messages: every error is
re-raised as ``DatabaseError`` with passwords scrubbed, and without the original
exception attached.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd
import psycopg2
from psycopg2 import sql
from psycopg2.extensions import parse_dsn

from .. import schema
from ..schema import Column, Table
from .backend import Database, initial_metadata
from .date_window import DateWindow
from .errors import DatabaseError
from .frame_conversion import Prepared
from .postgis_copy import PG_TYPES as _PG_TYPES
from .postgis_copy import insert_prepared
from .postgis_store import (
    create_partitioned_measurements,
    days_in,
    ensure_partitions,
    is_partitioned,
)
from .targets import DEFAULT_PG_SCHEMA, scrub, split_schema

_GEOMETRY_TYPES = {"POINT", "LINESTRING", "MULTILINESTRING", "POLYGON", "MULTIPOLYGON"}
_INFO_KEYS = ("host", "port", "dbname", "user", "sslmode")


def _safe_error(exc: Exception, secrets: Sequence[str], prefix: str = "") -> DatabaseError:
    text = " ".join(str(getattr(exc, "pgerror", None) or exc).split())
    return DatabaseError(scrub(f"{prefix}{text}", list(secrets)))


def window_sql(window: DateWindow | None, alias: str | None = None) -> sql.Composable:
    """`` WHERE column >= start AND column < end`` (literals: dates parsed before) or
    nothing."""
    if window is None:
        return sql.SQL("")
    col = sql.Identifier(alias, window.column) if alias else sql.Identifier(window.column)
    parts = []
    if window.start:
        parts.append(sql.SQL("{} >= {}::date").format(col, sql.Literal(window.start)))
    if window.end:
        parts.append(sql.SQL("{} < {}::date").format(col, sql.Literal(window.end)))
    for column, values in window.among:
        ident = sql.Identifier(alias, column) if alias else sql.Identifier(column)
        parts.append(sql.SQL("{} = ANY({})").format(ident, sql.Literal(list(values))))
    if window.pairs:
        parts.append(sql.SQL(
            "EXISTS (SELECT 1 FROM unnest({}::text[], {}::text[]) AS pm_p(s, q) "
            "WHERE pm_p.s = section_code AND pm_p.q = parameter)").format(
            sql.Literal([p[0] for p in window.pairs]),
            sql.Literal([p[1] for p in window.pairs])))
    return sql.SQL(" WHERE ") + sql.SQL(" AND ").join(parts) if parts else sql.SQL("")


def _percent_safe(query: sql.Composable, conn: Any) -> sql.Composable:
    """``query`` with the ``%`` of its identifiers and literals doubled: with parameters,
    psycopg2 formats the whole text, and a schema named ``a%s`` must stay a name."""
    if isinstance(query, sql.Composed):
        return sql.Composed([_percent_safe(part, conn) for part in query.seq])
    if isinstance(query, (sql.Identifier, sql.Literal)):
        return sql.SQL(query.as_string(conn).replace("%", "%%"))
    return query


class PostGISDatabase(Database):
    """The plugin's tables in one schema of a PostgreSQL database with PostGIS."""

    kind = "postgis"

    def __init__(self, target: str, schema_name: str | None = None) -> None:
        super().__init__()
        dsn, option = split_schema(target)
        self.schema = schema_name or option or DEFAULT_PG_SCHEMA
        error = None
        try:
            params = parse_dsn(dsn)
        except psycopg2.Error as exc:
            error = DatabaseError(scrub(f"invalid PostgreSQL connection string: {exc}"))
        if error is not None:
            raise error
        self._secrets = [v for k, v in params.items() if k == "password" and v]
        self._service = params.get("service")
        self._dsn = dsn  # for side connections only; never shown
        try:
            self._conn = psycopg2.connect(dsn)
        except psycopg2.Error as exc:
            error = _safe_error(exc, self._secrets, "cannot connect to PostgreSQL: ")
        if error is not None:
            raise error
        self._conn.autocommit = True
        self._info = self._read_info()
        self.postgis_on_path()

    # --- description ---------------------------------------------------------------

    def connection_info(self) -> dict[str, Any]:
        return dict(self._info)

    def _read_info(self) -> dict[str, Any]:
        params = self._conn.info.dsn_parameters  # libpq's view: never the password
        info: dict[str, Any] = {"kind": self.kind, "schema": self.schema}
        for key in _INFO_KEYS:
            info[key] = params.get(key)
        if self._service:
            info["service"] = self._service
        return info

    def describe(self) -> str:
        info = self._info
        where = f"{info.get('user')}@{info.get('host')}:{info.get('port')}/{info.get('dbname')}"
        service = f" (service {self._service})" if self._service else ""
        return scrub(f"PostGIS {where} schema {self.schema}{service}", self._secrets)

    def _close(self) -> None:
        if self._depth and not self._conn.closed:
            self._conn.rollback()
        self._conn.close()

    # --- SQL -------------------------------------------------------------------------

    # The back-end helper protocol: what the modules of ``core.db`` that work on a
    # PostGIS database (bulk loading, keyed reads, aggregation, partitions, roles) use,
    # instead of reaching into private members.

    def qualified(self, name: str) -> sql.Composed:
        """Table ``name`` of this database's schema, as a quoted identifier."""
        return sql.Identifier(self.schema, name)

    @property
    def connection(self) -> Any:
        """The psycopg2 connection (autocommit outside ``transaction()``)."""
        return self._conn

    def scrub(self, text: str) -> str:
        """``text`` without this connection's password."""
        return scrub(text, self._secrets)

    def error(self, exc: Exception, prefix: str = "") -> DatabaseError:
        """A DatabaseError for ``exc`` without credentials (nothing chained)."""
        return _safe_error(exc, self._secrets, prefix)

    def execute(self, query: sql.Composable | str, params: Sequence | None = None,
                fetch: bool = False) -> list[tuple] | None:
        """Run one statement (values only as ``params``); rows if ``fetch``;
        DatabaseError (scrubbed) on failure."""
        error = None
        if params is not None and isinstance(query, sql.Composable):
            query = _percent_safe(query, self._conn)
        try:
            with self._conn.cursor() as cur:
                cur.execute(query, params)
                if fetch:
                    return cur.fetchall()
                return None
        except psycopg2.Error as exc:
            error = _safe_error(exc, self._secrets)
        raise error

    def execute_count(self, query: sql.Composable, params: Sequence | None = None) -> int:
        """Run one statement; the number of rows it affected."""
        error = None
        try:
            with self._conn.cursor() as cur:
                cur.execute(_percent_safe(query, self._conn) if params is not None else query,
                            params)
                return cur.rowcount
        except psycopg2.Error as exc:
            error = _safe_error(exc, self._secrets)
        raise error

    def copy_in(self, query: sql.Composable, buffer: Any, prefix: str = "") -> None:
        """``COPY … FROM STDIN`` from the file-like ``buffer``."""
        error = None
        try:
            with self._conn.cursor() as cur:
                cur.copy_expert(query.as_string(self._conn), buffer)
        except psycopg2.Error as exc:
            error = _safe_error(exc, self._secrets, prefix)
        if error is not None:
            raise error

    def usable(self) -> bool:
        """The connection is open and not in a failed transaction."""
        return not self._conn.closed and self._conn.info.transaction_status != \
            psycopg2.extensions.TRANSACTION_STATUS_INERROR

    def side_connection(self) -> Any:
        """A second connection to the same database (autocommit), for work that must
        not wait for this connection's transaction; the caller closes it."""
        try:
            conn = psycopg2.connect(self._dsn)
        except psycopg2.Error as exc:
            raise _safe_error(exc, self._secrets, "cannot connect to PostgreSQL: ") from None
        conn.autocommit = True
        return conn

    _ident = qualified
    _exec = execute

    def _add_table(self, table: Table) -> None:
        _create_table(self, table)

    def postgis_on_path(self) -> None:
        """Put the schema holding PostGIS on the search path (where it is not)."""
        rows = self._exec("SELECT n.nspname, n.nspname = ANY(current_schemas(false)) "
                          "FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
                          "WHERE e.extname = 'postgis'", fetch=True)
        if rows and not rows[0][1]:
            self._exec("SELECT set_config('search_path', "
                       "current_setting('search_path') || ', ' || quote_ident(%s), false)",
                       [rows[0][0]])

    def has_postgis(self) -> bool:
        return bool(self._exec("SELECT 1 FROM pg_extension WHERE extname = 'postgis'",
                               fetch=True))

    # --- transactions ------------------------------------------------------------------

    def _begin(self) -> None:
        self._exec("BEGIN")

    def _commit(self) -> None:
        self._exec("COMMIT")

    def _rollback(self) -> None:
        if not self._conn.closed:
            self._exec("ROLLBACK")

    def _savepoint(self, name: str) -> None:
        self._exec(sql.SQL("SAVEPOINT {}").format(sql.Identifier(name)))

    def _release(self, name: str) -> None:
        self._exec(sql.SQL("RELEASE SAVEPOINT {}").format(sql.Identifier(name)))

    def _rollback_to(self, name: str) -> None:
        self._exec(sql.SQL("ROLLBACK TO SAVEPOINT {0}; RELEASE SAVEPOINT {0}")
                   .format(sql.Identifier(name)))

    # --- reading ---------------------------------------------------------------------

    def _read(self, table: Table, columns: list[str], geometry: bool,
              window: DateWindow | None = None) -> tuple[list, list | None]:
        exprs = []
        for name in columns:
            kind = table.column(name).type
            ident = sql.Identifier(name)
            if kind == "date":
                exprs.append(sql.SQL("to_char({}, 'YYYY-MM-DD')").format(ident))
            elif kind == "boolean":
                exprs.append(sql.SQL("{}::int").format(ident))
            else:
                exprs.append(ident)
        if geometry:
            exprs.append(sql.SQL("encode(ST_AsBinary({}), 'hex')")
                         .format(sql.Identifier(schema.GEOMETRY_COLUMN)))
        if not exprs:
            return [], None
        query = sql.SQL("COPY (SELECT {} FROM {}{} ORDER BY {}) TO STDOUT WITH (FORMAT csv, "
                        "NULL '\\N')").format(sql.SQL(", ").join(exprs), self._ident(table.name),
                                               window_sql(window),
                                               sql.Identifier(schema.PRIMARY_KEY))
        buffer = io.StringIO()
        error = None
        try:
            with self._conn.cursor() as cur:
                cur.copy_expert(query.as_string(self._conn), buffer)
        except psycopg2.Error as exc:
            error = _safe_error(exc, self._secrets)
        if error is not None:
            raise error
        buffer.seek(0)
        names = [f"c{i}" for i in range(len(exprs))]
        dtypes = {n: float if c in columns and table.column(c).type == "real" else str
                  for n, c in zip(names, [*columns, None])}
        frame = pd.read_csv(buffer, header=None, names=names, dtype=dtypes,
                            keep_default_na=False, na_values=["\\N"],
                            float_precision="round_trip")
        data = [frame[n] if dtypes[n] is float else
                frame[n].astype(object).where(frame[n].notna(), None).to_numpy(dtype=object)
                for n in names]
        if geometry:
            return data[:-1], list(data[-1])
        return data, None

    def _months(self, name: str, column: str) -> list[str]:
        if (name, column) == ("measurements", "sampled_on"):
            from .postgis_rollup import months

            rolled = months(self)  # the monthly rollup's, where there is one
            if rolled is not None:
                return rolled
        col, tab = sql.Identifier(column), self._ident(name)
        rows = self.execute(sql.SQL(
            "WITH RECURSIVE m(d) AS (SELECT min({0}) FROM {1} UNION ALL SELECT "
            "(SELECT min({0}) FROM {1} WHERE {0} >= (date_trunc('month', m.d) "
            "+ interval '1 month')::date) FROM m WHERE m.d IS NOT NULL) "
            "SELECT to_char(d, 'YYYY-MM') FROM m WHERE d IS NOT NULL").format(col, tab),
            fetch=True)
        return [r[0] for r in rows]

    def _spans(self, name: str, by: tuple[str, ...], column: str, before: str | None
               ) -> list[tuple]:
        where = sql.SQL(" WHERE {} < %s").format(sql.Identifier(column)) if before \
            else sql.SQL("")
        keys = sql.SQL(", ").join(sql.Identifier(b) for b in by)
        return self.execute(sql.SQL("SELECT {0}, min({1}), max({1}) FROM {2}{3} GROUP BY {0}")
                            .format(keys, sql.Identifier(column), self._ident(name), where),
                            [before] if before else None, fetch=True)

    # --- writing ---------------------------------------------------------------------

    def _insert(self, prepared: Prepared, upsert: bool) -> None:
        if prepared.table.name == "measurements" and is_partitioned(self):
            ensure_partitions(self, days_in(prepared))
        insert_prepared(self, prepared, upsert)

    def _delete_all(self, table: Table) -> None:
        self._exec(sql.SQL("DELETE FROM {}").format(self._ident(table.name)))

    def _delete_where(self, table: Table, column: str, values: list) -> None:
        self._exec(sql.SQL("DELETE FROM {} WHERE {} = ANY(%s)").format(
            self._ident(table.name), sql.Identifier(column)), [list(values)])

    def _count(self, name: str) -> int:
        rows = self._exec(sql.SQL("SELECT count(*) FROM {}").format(self._ident(name)), fetch=True)
        return int(rows[0][0])

    # --- introspection -----------------------------------------------------------------

    def _tables(self) -> set[str]:
        rows = self._exec("SELECT table_name FROM information_schema.tables "
                          "WHERE table_schema = %s", [self.schema], fetch=True)
        return {r[0] for r in rows}

    def _columns(self, name: str) -> list[str]:
        rows = self._exec("SELECT column_name FROM information_schema.columns WHERE "
                          "table_schema = %s AND table_name = %s ORDER BY ordinal_position",
                          [self.schema, name], fetch=True)
        return [r[0] for r in rows]

    def _geometry_column(self, name: str) -> tuple[str, int] | None:
        rows = self._exec("SELECT type, srid FROM geometry_columns WHERE f_table_schema = %s "
                          "AND f_table_name = %s AND f_geometry_column = %s",
                          [self.schema, name, schema.GEOMETRY_COLUMN], fetch=True)
        return (str(rows[0][0]), int(rows[0][1])) if rows else None

    def _unique_keys(self, name: str) -> set[tuple[str, ...]]:
        rows = self._exec(
            "SELECT array_agg(a.attname::text ORDER BY k.ord) FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) "
            "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum "
            "WHERE i.indisunique AND n.nspname = %s AND c.relname = %s "
            "GROUP BY i.indexrelid", [self.schema, name], fetch=True)
        return {tuple(r[0]) for r in rows}

    def _values_not_in(self, name: str, column: str, allowed: Sequence[str]) -> list[tuple]:
        query = sql.SQL("SELECT {0}, count(*) FROM {1} WHERE {0} IS NOT NULL AND NOT "
                        "({0} = ANY(%s)) GROUP BY 1 ORDER BY 2 DESC, 1").format(
            sql.Identifier(column), self._ident(name))
        return [tuple(r) for r in self._exec(query, [list(allowed)], fetch=True)]

    def _orphans(self, link) -> list[tuple]:
        col = sql.SQL("c.{}").format(sql.Identifier(link.column))
        absent = sql.SQL(" ").join(
            sql.SQL("AND NOT EXISTS (SELECT 1 FROM {} p WHERE p.{} = {})").format(
                self._ident(t), sql.Identifier(c), col) for t, c in link.targets)
        query = sql.SQL("SELECT {0}, count(*) FROM {1} c WHERE {0} IS NOT NULL {2} "
                        "GROUP BY 1 ORDER BY 1").format(col, self._ident(link.table), absent)
        return [tuple(r) for r in self._exec(query, fetch=True)]

    def _add_column(self, table: Table, column: Column) -> None:
        self._exec(sql.SQL("ALTER TABLE {} ADD COLUMN {} {}").format(
            self._ident(table.name), sql.Identifier(column.name),
            sql.SQL(_PG_TYPES[column.type])))


# --- creating the schema -------------------------------------------------------------


def _create_table(db: PostGISDatabase, table: Table, partitioned: bool = True) -> None:
    if table.name == "measurements" and partitioned:  # by year (postgis_store)
        create_partitioned_measurements(db, table)
        db.execute(sql.SQL("COMMENT ON TABLE {} IS %s").format(db.qualified(table.name)),
                   [f"{table.zh} {table.en}"])
        return
    defs = [sql.SQL("{} integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY")
            .format(sql.Identifier(schema.PRIMARY_KEY))]
    for col in table.columns:
        null = sql.SQL("" if col.nullable else " NOT NULL")
        defs.append(sql.SQL("{} {}{}").format(sql.Identifier(col.name),
                                               sql.SQL(_PG_TYPES[col.type]), null))
    if table.is_spatial:
        if table.geometry not in _GEOMETRY_TYPES:
            raise DatabaseError(f"unsupported geometry type {table.geometry}")
        defs.append(sql.SQL("{} geometry({}, {})").format(
            sql.Identifier(schema.GEOMETRY_COLUMN), sql.SQL(table.geometry),
            sql.Literal(schema.DEFAULT_SRID)))
    defs.append(sql.SQL("CONSTRAINT {} UNIQUE ({})").format(
        sql.Identifier(f"{table.name}_key"),
        sql.SQL(", ").join(sql.Identifier(k) for k in table.natural_key)))
    db.execute(sql.SQL("CREATE TABLE {} ({})").format(db.qualified(table.name),
                                                     sql.SQL(", ").join(defs)))
    if table.is_spatial:
        db.execute(sql.SQL("CREATE INDEX {} ON {} USING GIST ({})").format(
            sql.Identifier(f"{table.name}_geom_idx"), db.qualified(table.name),
            sql.Identifier(schema.GEOMETRY_COLUMN)))
    db.execute(sql.SQL("COMMENT ON TABLE {} IS %s").format(db.qualified(table.name)),
             [f"{table.zh} {table.en}"])


def create_postgis(target: str, overwrite: bool = False,
                   populate: Callable[[Database], None] | None = None) -> PostGISDatabase:
    """Create the schema's tables in the target database (and schema); FileExistsError
    if any of them exists, unless ``overwrite`` (which drops them first).  One
    transaction, with the rows ``populate(db)`` writes: all or nothing."""
    db = PostGISDatabase(target)
    try:
        with db.transaction():
            if not db.has_postgis():
                db.execute("CREATE EXTENSION IF NOT EXISTS postgis")
                db.postgis_on_path()
            db.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(db.schema)))
            present = [t for t in schema.TABLES if t.name in db.table_names()]
            if present and not overwrite:
                raise FileExistsError(
                    f"{db.describe()} already holds {', '.join(t.name for t in present)} "
                    "(overwrite to replace them)")
            for table in present:
                db.execute(sql.SQL("DROP TABLE {} CASCADE").format(db.qualified(table.name)))
            for table in schema.TABLES:
                _create_table(db, table)
            db.record_version(schema.SCHEMA_VERSION)
            db.set_metadata(initial_metadata())
            if populate is not None:
                populate(db)
    except BaseException:
        db.close()
        raise
    return db
