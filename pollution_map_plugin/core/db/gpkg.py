"""The GeoPackage back end: sqlite3 for speed, GDAL/OGR to create a valid schema."""

from __future__ import annotations

import contextlib
import datetime as _dt
import os
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import schema
from ..atomic_files import replacing
from ..schema import Column, Table
from .backend import Database, initial_metadata
from .date_window import DateWindow
from .errors import DatabaseError, SchemaError
from .frame_conversion import Prepared
from .gpkg_geom import blobs_to_wkb, register_functions
from .gpkg_read import read_columns
from .gpkg_sql import Sql, column_type, compose, ident, join, marks
from .gpkg_write import delete_all, insert_rows
from .table_creation import create_gpkg_table

_GPKG_APPLICATION_ID = 0x47504B47  # "GPKG"
_GDAL_MIN_ROWS = 5000  # smaller tables are read with sqlite3 alone
_SIDECARS = ("-wal", "-shm", "-journal")


_NO_SQL = Sql("")


def _window_where(window: DateWindow | None) -> tuple[Sql, list]:
    """`` WHERE column >= ? AND column < ?`` and its parameters (or nothing)."""
    if window is None:
        return _NO_SQL, []
    parts, params = [], []
    for op, bound in ((">=", window.start), ("<", window.end)):
        if bound:
            parts.append(compose("{} " + op + " ?", window.column))
            params.append(bound)
    for column, values in window.among:
        parts.append(compose("{} IN (" + ", ".join("?" * len(values)) + ")", column)
                     if values else Sql("0"))
        params.extend(values)
    if window.pairs:  # SQLite row values (3.15+); at most 32,766 bound values a statement
        parts.append(compose("({}, {}) IN (VALUES " + ", ".join(["(?, ?)"] * len(window.pairs))
                             + ")", "section_code", "parameter"))
        params.extend(v for pair in window.pairs for v in pair)
    return (compose(" WHERE {}", Sql(" AND ".join(parts))) if parts else _NO_SQL), params


def _ogr_filter(window: DateWindow | None) -> str | None:
    """The same window as an OGR attribute filter (the bounds are ISO dates that
    ``DateWindow`` formatted itself, never text from a user)."""
    if window is None:
        return None
    if window.among or window.pairs:
        raise ValueError("value lists are read with sqlite3 (bound parameters)")
    parts = [f"{ident(window.column)} {op} '{pd.Timestamp(bound).strftime('%Y-%m-%d')}'"
             for op, bound in ((">=", window.start), ("<", window.end)) if bound]
    return " AND ".join(parts) or None


class _MovedError(Exception):
    """The rows differ between GDAL's read and sqlite3's."""


def _ogr_errors():
    """Turn on GDAL exceptions locally where GDAL supports it (3.7+)."""
    from osgeo import gdal, ogr, osr

    stack = contextlib.ExitStack()
    for module in (gdal, ogr, osr):
        if hasattr(module, "ExceptionMgr"):
            stack.enter_context(module.ExceptionMgr(useExceptions=True))
    return stack


@contextlib.contextmanager
def _gdal_failures() -> Iterator[list[str]]:
    """GDAL's failure messages during the block, collected instead of printed."""
    from osgeo import gdal

    failures: list[str] = []

    def handler(err_class: int, _err_no: int, message: str) -> None:
        if err_class >= gdal.CE_Failure:
            failures.append(str(message))

    gdal.PushErrorHandler(handler)
    try:
        yield failures
    finally:
        gdal.PopErrorHandler()


def _create_layers(path: Path) -> None:
    """Create every table of the schema, empty, with GDAL (valid GeoPackage, R-trees);
    DatabaseError with GDAL's reason (e.g. "database or disk is full") on failure."""
    with _gdal_failures() as failures:
        try:
            _write_layers(path)
        except (RuntimeError, DatabaseError) as exc:  # RuntimeError: GDAL 3.7+ exceptions
            failures.append(str(exc))
    if failures:
        reasons = [m.rsplit(" failed: ", 1)[-1] for m in failures]
        reason = next((r for r in reasons if "full" in r), reasons[0])
        raise DatabaseError(f"cannot create GeoPackage {path}: {reason[:300]}")


def _write_layers(path: Path) -> None:
    from osgeo import ogr, osr

    geom_types = {"POINT": ogr.wkbPoint, "LINESTRING": ogr.wkbLineString,
                  "MULTILINESTRING": ogr.wkbMultiLineString, "POLYGON": ogr.wkbPolygon,
                  "MULTIPOLYGON": ogr.wkbMultiPolygon}
    field_types = {"text": ogr.OFTString, "integer": ogr.OFTInteger, "real": ogr.OFTReal,
                   "date": ogr.OFTDate, "boolean": ogr.OFTInteger}
    with _ogr_errors():
        srs = osr.SpatialReference()
        if srs.ImportFromEPSG(schema.DEFAULT_SRID) != 0:
            raise DatabaseError(f"GDAL does not know EPSG:{schema.DEFAULT_SRID}")
        driver = ogr.GetDriverByName("GPKG")
        ds = driver.CreateDataSource(str(path))
        if ds is None:
            raise DatabaseError(f"cannot create GeoPackage {path}")
        try:
            for table in schema.TABLES:
                options = ["FID=" + schema.PRIMARY_KEY, f"IDENTIFIER={table.name}",
                           f"DESCRIPTION={table.zh} {table.en}"]
                if table.is_spatial:
                    options += ["GEOMETRY_NAME=" + schema.GEOMETRY_COLUMN, "SPATIAL_INDEX=YES"]
                    layer = ds.CreateLayer(table.name, srs, geom_types[table.geometry], options)
                else:
                    layer = ds.CreateLayer(table.name, None, ogr.wkbNone, options)
                if layer is None:
                    raise DatabaseError(f"cannot create layer {table.name} in {path}")
                for col in table.columns:
                    field = ogr.FieldDefn(col.name, field_types[col.type])
                    if col.type == "boolean":
                        field.SetSubType(ogr.OFSTBoolean)
                    field.SetNullable(col.nullable)
                    if layer.CreateField(field) != 0:
                        raise DatabaseError(f"cannot create field {table.name}.{col.name}")
        finally:
            ds = None  # noqa: F841 - closing the dataset writes the R-trees


def create_gpkg(path: Path, overwrite: bool = False,
                populate: Callable[[Database], None] | None = None) -> GeoPackageDatabase:
    """Create a GeoPackage with the schema (and the rows ``populate(db)`` writes).

    FileExistsError unless ``overwrite``.  The file is built under a temporary name
    beside ``path`` and renamed over it only when complete: an interruption leaves
    no half-built database, and a replaced database survives until then.
    """
    path = Path(path)
    if path.exists() and not overwrite:
        raise FileExistsError(f"{path} exists (overwrite to replace it)")
    with replacing(path) as tmp, _named(tmp, path):
        _create_layers(tmp)
        db = GeoPackageDatabase(tmp)
        try:
            with db.transaction():
                for table in schema.TABLES:
                    db.execute(compose("CREATE UNIQUE INDEX {} ON {} ({})",
                                     f"ux_{table.name}_key", table.name,
                                     list(table.natural_key)))
                db.ensure_time_index()
                db.record_version(schema.SCHEMA_VERSION)
                db.set_metadata(initial_metadata())
                if populate is not None:
                    populate(db)
        finally:
            db.close()
        if path.exists():
            if not overwrite:
                raise FileExistsError(f"{path} exists (overwrite to replace it)")
            _settle(path)
    return GeoPackageDatabase(path)


@contextlib.contextmanager
def _named(tmp: Path, path: Path) -> Iterator[None]:
    """Errors name the database being built, not its temporary file."""
    try:
        yield
    except DatabaseError as exc:
        raise DatabaseError(str(exc).replace(str(tmp), str(path))) from None


def _settle(path: Path) -> None:
    """Before ``path`` is replaced: let SQLite roll back a hot journal or checkpoint a
    WAL of the old file, then remove its sidecar files, which must not be applied to
    the new file."""
    if any(os.path.exists(str(path) + s) for s in _SIDECARS):
        with contextlib.suppress(sqlite3.Error):
            conn = sqlite3.connect(str(path), timeout=5)
            try:
                conn.execute("PRAGMA journal_mode=DELETE").fetchone()
            finally:
                conn.close()
    for suffix in _SIDECARS:
        with contextlib.suppress(FileNotFoundError):
            os.remove(str(path) + suffix)


class GeoPackageDatabase(Database):
    """A GeoPackage file.  One connection; use it from one thread at a time."""

    kind = "gpkg"

    def __init__(self, path: Path | str) -> None:
        super().__init__()
        self.path = Path(path)
        if not self.path.is_file():
            raise FileNotFoundError(f"no GeoPackage at {self.path}")
        try:
            self._conn = sqlite3.connect(str(self.path), timeout=30, isolation_level=None,
                                         check_same_thread=False)
            (app_id,) = self._conn.execute("PRAGMA application_id").fetchone()
        except sqlite3.DatabaseError as exc:
            raise SchemaError(f"{self.path} is not a GeoPackage: {exc}") from None
        if app_id != _GPKG_APPLICATION_ID or "gpkg_contents" not in self._tables():
            self._conn.close()
            raise SchemaError(f"{self.path} is not a GeoPackage")
        register_functions(self._conn)

    def describe(self) -> str:
        return f"GeoPackage {self.path}"

    def connection_info(self) -> dict[str, Any]:
        return {"kind": self.kind, "path": str(self.path.resolve())}

    def _close(self) -> None:
        if self._depth:
            self._rollback()
        self._conn.close()

    # The back-end helper protocol (what the modules of ``core.db`` that work on a
    # GeoPackage use, instead of private members).

    def execute(self, sql: str, params: Sequence = ()) -> sqlite3.Cursor:
        """Run one statement (SQL composed by ``gpkg_sql``; values only as ``params``);
        DatabaseError on failure."""
        try:
            return self._conn.execute(sql, params)
        except sqlite3.Error as exc:
            raise DatabaseError(f"{self.describe()}: {exc}") from None

    _exec = execute

    @property
    def connection(self) -> sqlite3.Connection:
        """The sqlite3 connection (autocommit outside ``transaction()``)."""
        return self._conn

    def set_busy_timeout(self, seconds: float) -> None:
        """How long ``BEGIN IMMEDIATE`` waits for another writer."""
        self._conn.execute(f"PRAGMA busy_timeout = {max(int(seconds * 1000), 0)}")

    def _add_table(self, table: Table) -> None:
        create_gpkg_table(self, table)

    # transactions
    def _begin(self) -> None:
        self._exec("BEGIN IMMEDIATE")

    def _commit(self) -> None:
        try:
            self._conn.execute("COMMIT")
        except sqlite3.Error as exc:
            message = f"{self.describe()}: commit failed, nothing was written: {exc}"
            self._rollback()
            raise DatabaseError(message) from None

    def _rollback(self) -> None:
        # SQLite itself rolls back after some errors (a full disk, out of memory): then
        # there is no transaction left, and the error that caused it must be reported,
        # not "cannot rollback - no transaction is active".
        if self._conn.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                self._conn.execute("ROLLBACK")

    def _savepoint(self, name: str) -> None:
        self._exec(compose("SAVEPOINT {}", name))

    def _release(self, name: str) -> None:
        self._exec(compose("RELEASE SAVEPOINT {}", name))

    def _rollback_to(self, name: str) -> None:
        if not self._conn.in_transaction:
            return  # SQLite already rolled back everything (see _rollback)
        with contextlib.suppress(sqlite3.Error):
            self._conn.execute(compose("ROLLBACK TO SAVEPOINT {}", name))
            self._conn.execute(compose("RELEASE SAVEPOINT {}", name))

    # reading and writing
    def _read(self, table: Table, columns: list[str], geometry: bool,
              window: DateWindow | None = None) -> tuple[list, list | None]:
        where, params = _window_where(window)
        if not self._depth and (columns or geometry) and self._max_fid(table) > _GDAL_MIN_ROWS \
                and not (window is not None and (window.among or window.pairs)):
            # Outside a transaction GDAL's columnar reader sees the same data, faster
            # for big tables (opening the dataset costs some milliseconds).
            fast = read_columns(self.path, table, columns, geometry,
                                ogr_filter=_ogr_filter(window))
            if fast is not None:
                data, wkb, fids = fast
                try:
                    for c in columns:
                        if c not in data:
                            data[c] = self._read_flags(table, c, fids, where, params)
                    return [data[c] for c in columns], wkb
                except _MovedError:
                    pass  # the table changed between the two reads: read it again
        names = list(columns) + ([schema.GEOMETRY_COLUMN] if geometry else [])
        if not names:
            names = [schema.PRIMARY_KEY]
        sql = compose("SELECT {} FROM {}{} ORDER BY {}", names, table.name, where,
                      schema.PRIMARY_KEY)
        rows = self._exec(sql, params).fetchall()
        data = list(zip(*rows)) if rows else [()] * len(names)
        if not columns:
            data = [()] * len(data) if not geometry else [data[-1]]
        if geometry:
            return list(data[: len(columns)]), blobs_to_wkb(list(data[-1]))
        return list(data[: len(columns)]), None

    def _max_fid(self, table: Table) -> int:
        sql = compose("SELECT max({}) FROM {}", schema.PRIMARY_KEY, table.name)
        return int(self._exec(sql).fetchone()[0] or 0)

    def _read_flags(self, table: Table, column: str, fids: np.ndarray,
                    where: Sql = _NO_SQL, params: Sequence = ()) -> pd.Series:
        """A boolean column in fid order, as one string of 0/1/2 (2 = NULL)."""
        sql = compose("SELECT group_concat(f, ''), sum(fid * f) FROM (SELECT {0} AS fid, "
                      "CASE WHEN {1} IS NULL THEN 2 WHEN {1} THEN 1 ELSE 0 END AS f "
                      "FROM {2}{3} ORDER BY {0})", schema.PRIMARY_KEY, column, table.name,
                      where)
        text, checksum = self._exec(sql, params).fetchone()
        flags = np.frombuffer((text or "").encode("ascii"), dtype=np.uint8) - ord("0")
        if len(flags) != len(fids) or int((fids * flags).sum()) != int(checksum or 0):
            raise _MovedError
        if (flags == 2).any():
            return pd.Series(pd.arrays.BooleanArray(flags == 1, flags == 2))
        return pd.Series(flags == 1)

    def ensure_time_index(self) -> None:
        """The index on measurements.sampled_on that period reads use (created if
        missing: databases made before it read the same rows, only slower)."""
        self._exec(compose("CREATE INDEX IF NOT EXISTS {} ON {} ({})",
                           "ix_measurements_sampled_on", "measurements", "sampled_on"))

    def _months(self, name: str, column: str) -> list[str]:
        sql = compose("WITH RECURSIVE m(d) AS (SELECT min({0}) FROM {1} UNION ALL SELECT "
                      "(SELECT min({0}) FROM {1} WHERE {0} >= date(m.d, 'start of month', "
                      "'+1 month')) FROM m WHERE m.d IS NOT NULL) "
                      "SELECT substr(d, 1, 7) FROM m WHERE d IS NOT NULL", column, name)
        return [r[0] for r in self._exec(sql).fetchall()]

    def _spans(self, name: str, by: tuple[str, ...], column: str, before: str | None
               ) -> list[tuple]:
        where = compose(" WHERE {} < ?", column) if before else _NO_SQL
        sql = compose("SELECT {0}, min({1}), max({1}) FROM {2}{3} GROUP BY {0}",
                      list(by), column, name, where)
        return self._exec(sql, [before] if before else []).fetchall()

    def _insert(self, prepared: Prepared, upsert: bool) -> None:
        try:
            insert_rows(self._conn, prepared, upsert)
        except sqlite3.Error as exc:
            raise DatabaseError(f"writing {prepared.table.name}: {exc}") from None

    def _delete_all(self, table: Table) -> None:
        try:
            delete_all(self._conn, table)
        except sqlite3.Error as exc:
            raise DatabaseError(f"emptying {table.name}: {exc}") from None

    def _delete_where(self, table: Table, column: str, values: list) -> None:
        self._conn.executemany(compose("DELETE FROM {} WHERE {} = ?", table.name, column),
                               [(v,) for v in values])

    def _after_write(self, table: Table) -> None:
        """Keep gpkg_contents (extent, last change) and OGR's feature count current."""
        now = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")[:-4] + "Z"
        rtree = f"rtree_{table.name}_{schema.GEOMETRY_COLUMN}"
        if table.is_spatial and rtree in self._tables():
            self._exec(compose(
                "UPDATE gpkg_contents SET last_change = ?, (min_x, max_x, min_y, max_y) = "
                "(SELECT min(minx), max(maxx), min(miny), max(maxy) FROM {}) "
                "WHERE table_name = ?", rtree), (now, table.name))
        else:
            self._exec("UPDATE gpkg_contents SET last_change = ? WHERE table_name = ?",
                       (now, table.name))
        if "gpkg_ogr_contents" in self._tables():
            self._exec(compose("UPDATE gpkg_ogr_contents SET feature_count = "
                               "(SELECT count(*) FROM {}) WHERE table_name = ?", table.name),
                       (table.name,))

    def _count(self, name: str) -> int:
        return int(self._exec(compose("SELECT count(*) FROM {}", name)).fetchone()[0])

    # introspection
    def _tables(self) -> set[str]:
        rows = self._conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")
        return {r[0] for r in rows}

    def _columns(self, name: str) -> list[str]:
        return [r[1] for r in self._exec(compose("PRAGMA table_info({})", name))]

    def _geometry_column(self, name: str) -> tuple[str, int] | None:
        row = self._exec(
            "SELECT geometry_type_name, srs_id FROM gpkg_geometry_columns "
            "WHERE table_name = ? AND column_name = ?", (name, schema.GEOMETRY_COLUMN)).fetchone()
        return (str(row[0]), int(row[1])) if row else None

    def _unique_keys(self, name: str) -> set[tuple[str, ...]]:
        keys = set()
        for index in self._exec(compose("PRAGMA index_list({})", name)).fetchall():
            if index[2]:  # unique
                cols = self._exec(compose("PRAGMA index_info({})", index[1])).fetchall()
                keys.add(tuple(c[2] for c in sorted(cols)))
        return keys

    def _values_not_in(self, name: str, column: str, allowed: Sequence[str]) -> list[tuple]:
        sql = compose("SELECT {0}, count(*) FROM {1} WHERE {0} IS NOT NULL "
                      "AND {0} NOT IN ({2}) GROUP BY 1 ORDER BY 2 DESC, 1",
                      column, name, marks(len(allowed)))
        return [tuple(r) for r in self._exec(sql, list(allowed)).fetchall()]

    def _orphans(self, link) -> list[tuple]:
        col = compose("c.{}", link.column)
        absent = join(" ", (compose("AND NOT EXISTS (SELECT 1 FROM {} p WHERE p.{} = {})",
                                    t, c, col) for t, c in link.targets))
        sql = compose("SELECT {0}, count(*) FROM {1} c WHERE {0} IS NOT NULL {2} "
                      "GROUP BY 1 ORDER BY 1", col, link.table, absent)
        return [tuple(r) for r in self._exec(sql).fetchall()]

    def _add_column(self, table: Table, column: Column) -> None:
        template = ("ALTER TABLE {} ADD COLUMN {} {}" if column.nullable
                    else "ALTER TABLE {} ADD COLUMN {} {} NOT NULL DEFAULT ''")
        self._exec(compose(template, table.name, column.name, column_type(column.type)))
