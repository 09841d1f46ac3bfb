"""The back-end independent part of a database: reading, writing, checks, migration."""

from __future__ import annotations

import abc
import datetime as _dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import geopandas as gpd
import pandas as pd

from .. import schema
from ..schema import Column, Table
from .date_window import DateWindow, iso_date
from .errors import SchemaError
from .frame_conversion import Prepared, build_frame, build_geoframe, fill_missing, prepare
from .links import LINKS
from .migrations import plan

WRITE_MODES = ("append", "upsert", "replace")
_BOOKKEEPING = ("schema_version", "db_metadata")


def initial_metadata() -> dict[str, str]:
    """The metadata of a new database."""
    now = _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()
    return {"created_at": now, "created_by": "Pollution Source Map (污染源地图)",
            "crs": f"EPSG:{schema.DEFAULT_SRID}"}


class Database(abc.ABC):
    """One database holding the plugin's schema (a GeoPackage or a PostGIS schema)."""

    kind: str = ""

    def __init__(self) -> None:
        self._depth = 0
        self._closed = False
        self._present: dict[str, set[str]] = {}  # columns each table really has
        self._current = False  # the schema version is known to be current
        self._migrating = False

    # --- life cycle ----------------------------------------------------------------

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection (idempotent); an open transaction is rolled back."""
        if not self._closed:
            self._closed = True
            self._close()

    def _check_open(self) -> None:
        if self._closed:
            raise ValueError(f"{self.describe()} is closed")

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.describe()}>"

    # --- transactions --------------------------------------------------------------

    @property
    def in_transaction(self) -> bool:
        return self._depth > 0

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        """All-or-nothing block.  Nested blocks join the outer transaction: they commit
        with it, and an exception inside one undoes that block (a savepoint) and
        propagates."""
        self._check_open()
        if self._depth == 0:
            self._begin()
            self._depth = 1
            try:
                yield self
            except BaseException:
                self._depth = 0
                self._present.clear()  # a rolled-back migration leaves the old columns
                self._current = False
                self._rollback()
                raise
            self._depth = 0
            self._commit()
        else:
            name = f"pm_savepoint_{self._depth}"
            self._savepoint(name)
            self._depth += 1
            try:
                yield self
            except BaseException:
                self._depth -= 1
                self._present.clear()
                self._current = False
                self._rollback_to(name)
                raise
            self._depth -= 1
            self._release(name)

    # --- reading and writing -------------------------------------------------------

    def _select(self, table: Table, columns: Sequence[str] | None) -> list[str]:
        if columns is None:
            return table.column_names
        wanted = [c for c in columns if c not in ("geometry", schema.GEOMETRY_COLUMN)]
        unknown = [c for c in wanted if c not in table.column_names]
        if unknown:
            raise KeyError(f"{table.name} has no column(s) {', '.join(unknown)}")
        return list(dict.fromkeys(wanted))

    def forget_columns(self, name: str) -> None:
        """Read table ``name``'s columns afresh next time (after adding one)."""
        self._present.pop(name, None)

    def present_columns(self, name: str) -> set[str]:
        """The columns table ``name`` really has (an older schema lacks some)."""
        if name not in self._present:
            self._present[name] = set(self._columns(name))
        return self._present[name]

    def _read_frame(self, table: Table, cols: list[str], geometry: bool,
                    window: DateWindow | None = None) -> tuple[pd.DataFrame, list | None]:
        """Columns ``cols``; those the database lacks (an older schema) read as empty."""
        present = self.present_columns(table.name) if cols else set()
        have = [c for c in cols if c in present]
        if window is not None and window.active:
            data, wkb = self._read(table, have, geometry=geometry, window=window)
        else:
            data, wkb = self._read(table, have, geometry=geometry)
        frame = build_frame(table, have, data)
        if len(have) < len(cols):
            n = len(wkb) if wkb is not None else len(frame) if have else self._count(table.name)
            frame = fill_missing(table, frame, cols, n)
        return frame, wkb

    def read_layer(self, name: str, columns: Sequence[str] | None = None) -> gpd.GeoDataFrame:
        """Layer ``name`` as a GeoDataFrame in EPSG:4490, geometry column "geometry".

        Columns of the current schema that an older database lacks read as empty."""
        self._check_open()
        table = schema.table(name)
        if not table.is_spatial:
            raise ValueError(f"{name} is a table without geometry: use read_table()")
        frame, wkb = self._read_frame(table, self._select(table, columns), geometry=True)
        return build_geoframe(frame, wkb)

    def read_table(self, name: str, columns: Sequence[str] | None = None, *,
                   dates: tuple[Any, Any] | None = None,
                   among: dict[str, Sequence] | None = None,
                   pairs: Sequence[tuple[str, str]] | None = None) -> pd.DataFrame:
        """Table ``name`` (or a layer's attributes) as a DataFrame, in ``fid`` order.

        Dtypes: text object, integer Int64, real float64, date datetime64[ns],
        boolean bool (nullable ``boolean`` if NULLs occur).  Columns of the current
        schema that an older database lacks read as empty (None, NaN, <NA>, NaT).

        ``dates=(start, end)``: only the rows whose date (the table's first date
        column of its natural key, e.g. ``sampled_on``) lies in ``[start, end)``;
        either bound may be None.  ``among={column: values}`` (with ``dates``): only
        rows whose ``column`` is one of ``values``; ``pairs`` (measurements): only these
        (section_code, parameter) pairs.  The database filters (an index range), so only
        those rows travel.
        """
        self._check_open()
        table = schema.table(name)
        window = DateWindow.of(table, dates, among, pairs) if dates is not None else None
        frame, _ = self._read_frame(table, self._select(table, columns), geometry=False,
                                    window=window)
        return frame

    def measurement_months(self) -> list[str]:
        """The months (``YYYY-MM``) with measurements, oldest first (an index skip
        scan: one probe per month, never a read of the rows)."""
        self._check_open()
        return self._months("measurements", "sampled_on")

    def sampling_spans(self, before: Any = None) -> pd.DataFrame:
        """Per (section_code, parameter): ``first`` and ``last`` sampling day (only
        days before ``before`` if given), as datetime64 columns."""
        self._check_open()
        rows = self._spans("measurements", ("section_code", "parameter"), "sampled_on",
                           iso_date(before) if before is not None else None)
        frame = pd.DataFrame(rows, columns=["section_code", "parameter", "first", "last"])
        for col in ("first", "last"):
            frame[col] = pd.to_datetime(frame[col])
        return frame

    def require_current(self) -> None:
        """SchemaError naming the ``migrate`` command unless the schema is current."""
        if self._current or self._migrating:
            return
        version = self.schema_version()
        if version < schema.SCHEMA_VERSION:
            raise SchemaError(
                f"{self.describe()} has schema version {version}, older than "
                f"{schema.SCHEMA_VERSION}: nothing was written. Migrate it first: "
                f"python -m pollution_map_plugin migrate TARGET (Processing: "
                f"Database → Migrate database); reading works without it")
        self._current = True

    def write(self, name: str, frame: pd.DataFrame, mode: str = "append") -> int:
        """Write ``frame`` to ``name``; return the number of rows written.

        ``append`` inserts (a duplicate natural key is an error), ``upsert`` inserts
        or updates by the natural key (only the columns present in ``frame``),
        ``replace`` deletes every row first.  One transaction (or the caller's).
        SchemaError (nothing written) when the database's schema is older than the
        plugin's: writers migrate explicitly first (``migrate``).
        """
        self._check_open()
        if mode not in WRITE_MODES:
            raise ValueError(f"mode must be one of {', '.join(WRITE_MODES)}, not {mode!r}")
        table = schema.table(name)
        if name not in _BOOKKEEPING:
            self.require_current()
        prepared = prepare(table, frame, mode)
        with self.transaction():
            if mode == "replace":
                self._delete_all(table)
            if prepared.n:
                self._insert(prepared, upsert=mode == "upsert")
            self._after_write(table)
        return prepared.n

    def table_names(self) -> set[str]:
        """The names of the tables (and views) in the database."""
        self._check_open()
        return self._tables()

    def count(self, name: str) -> int:
        """Number of rows in ``name``."""
        self._check_open()
        return self._count(schema.table(name).name)

    def counts(self) -> dict[str, int]:
        """Rows per table of the schema that exists in the database."""
        existing = self._tables()
        return {t.name: self.count(t.name) for t in schema.TABLES if t.name in existing}

    # --- metadata and versions -----------------------------------------------------

    def metadata(self) -> dict[str, str]:
        """The ``db_metadata`` table as a dict."""
        frame = self.read_table("db_metadata")
        return dict(zip(frame["key"], frame["value"]))

    def set_metadata(self, values: dict[str, Any]) -> None:
        """Set keys of ``db_metadata``; a value of None deletes the key."""
        keep = {str(k): str(v) for k, v in values.items() if v is not None}
        drop = [str(k) for k, v in values.items() if v is None]
        with self.transaction():
            if keep:
                frame = pd.DataFrame({"key": list(keep), "value": list(keep.values())})
                self.write("db_metadata", frame, mode="upsert")
            if drop:
                self._delete_where(schema.table("db_metadata"), "key", drop)

    def schema_version(self) -> int:
        """The highest version in ``schema_version`` (0 if none is recorded)."""
        self._check_open()
        if "schema_version" not in self._tables():
            return 0
        versions = self.read_table("schema_version", ["version"])["version"].dropna()
        return int(versions.max()) if len(versions) else 0

    def record_version(self, version: int) -> None:
        """Record that the schema reached ``version`` (creation and migrations)."""
        self._record_version(version)

    def _record_version(self, version: int) -> None:
        now = _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()
        self.write("schema_version", pd.DataFrame({"version": [version], "applied_at": [now]}))

    def migrate(self, target: int | None = None) -> list[int]:
        """Apply the registered migrations up to ``target`` (default: the current
        schema version) in one transaction; return the versions reached."""
        self._check_open()
        steps = plan(self.schema_version(), schema.SCHEMA_VERSION if target is None else target)
        self._migrating = True
        try:
            with self.transaction():
                for step in steps:
                    step.apply(self)
                    self.record_version(step.to_version)
        finally:
            self._migrating = False
            self._present.clear()
            self._current = False
        return [s.to_version for s in steps]

    def add_table(self, table: Table) -> None:
        """Create ``table`` of the schema, empty, unless it exists (for migrations; in
        the caller's transaction)."""
        self._check_open()
        if table.name in self._tables():
            return
        with self.transaction():
            self._add_table(table)
        self._present.pop(table.name, None)

    def add_column(self, name: str, column: Column) -> None:
        """Add ``column`` to table ``name`` (for migrations)."""
        self._check_open()
        with self.transaction():
            self._add_column(schema.table(name), column)
        self._present.pop(name, None)

    # --- validation ----------------------------------------------------------------

    def validate(self) -> list[str]:
        """Problems found, as messages (an empty list when the database is sound)."""
        self._check_open()
        messages: list[str] = []
        existing = self._tables()
        version = self.schema_version() if "schema_version" in existing else 0
        if version < schema.SCHEMA_VERSION:
            messages.append(f"schema version {version} is older than {schema.SCHEMA_VERSION}: "
                            "run migrate")
        elif version > schema.SCHEMA_VERSION:
            messages.append(f"schema version {version} is newer than this plugin "
                            f"({schema.SCHEMA_VERSION})")
        complete: dict[str, set[str]] = {}
        for table in schema.TABLES:
            if table.name not in existing:
                messages.append(f"missing table {table.name} ({table.zh})")
                continue
            columns = set(self._columns(table.name))
            complete[table.name] = columns
            missing = [c for c in table.column_names if c not in columns]
            if missing:
                messages.append(f"{table.name}: missing column(s) {', '.join(missing)}")
            messages += self._check_table(table, columns)
        for link in LINKS:
            if link.column not in complete.get(link.table, ()):
                continue
            if not all(c in complete.get(t, ()) for t, c in link.targets):
                continue
            bad = self._orphans(link)
            if bad:
                rows, examples = _rows_and_examples(bad)
                messages.append(f"{link.table}.{link.column}: {rows} row(s) refer to "
                                f"{len(bad)} unknown {link.describe()}, e.g. {examples}")
        return messages + self._emptiness(complete)

    def _emptiness(self, present: dict[str, set[str]]) -> list[str]:
        """A message when no data table has a row, or the sections layer is empty."""
        data = [t.name for t in schema.TABLES
                if t.name in present and t.name not in _BOOKKEEPING]
        if not data:
            return []
        counts = {name: self._count(name) for name in data}
        if not any(counts.values()):
            return ["the database is empty: no rows in any layer or table (an interrupted "
                    "build? rebuild it, or import data)"]
        if counts.get("sections") == 0:
            return ["no monitoring sections: the sections layer is empty"]
        return []

    def _check_table(self, table: Table, columns: set[str]) -> list[str]:
        messages = []
        if table.is_spatial:
            info = self._geometry_column(table.name)
            if info is None:
                messages.append(f"{table.name}: no geometry column {schema.GEOMETRY_COLUMN}")
            else:
                kind, srid = info
                if kind.upper() != table.geometry:
                    messages.append(f"{table.name}: geometry type {kind}, "
                                    f"expected {table.geometry}")
                if srid != schema.DEFAULT_SRID:
                    messages.append(f"{table.name}: SRID {srid}, expected {schema.DEFAULT_SRID}")
        if set(table.natural_key) <= columns and \
                tuple(table.natural_key) not in self._unique_keys(table.name):
            messages.append(f"{table.name}: natural key ({', '.join(table.natural_key)}) "
                            "has no UNIQUE index")
        for col in table.columns:
            if col.choices and col.name in columns:
                bad = self._values_not_in(table.name, col.name, col.choices)
                if bad:
                    rows, examples = _rows_and_examples(bad)
                    messages.append(f"{table.name}.{col.name}: {rows} row(s) with values "
                                    f"outside {'/'.join(col.choices)}, e.g. {examples}")
        return messages

    # --- back-end primitives -------------------------------------------------------

    @abc.abstractmethod
    def describe(self) -> str:
        """A one-line description without credentials."""

    @abc.abstractmethod
    def connection_info(self) -> dict[str, Any]:
        """What the QGIS layer needs to load layers (never a password)."""

    @abc.abstractmethod
    def _close(self) -> None: ...

    @abc.abstractmethod
    def _begin(self) -> None: ...

    @abc.abstractmethod
    def _commit(self) -> None: ...

    @abc.abstractmethod
    def _rollback(self) -> None: ...

    @abc.abstractmethod
    def _savepoint(self, name: str) -> None: ...

    @abc.abstractmethod
    def _release(self, name: str) -> None: ...

    @abc.abstractmethod
    def _rollback_to(self, name: str) -> None: ...

    @abc.abstractmethod
    def _read(self, table: Table, columns: list[str], geometry: bool,
              window: DateWindow | None = None) -> tuple[list, list | None]:
        """Per-column value sequences (and WKB per row if ``geometry``), fid order;
        only the rows inside ``window`` if given."""

    @abc.abstractmethod
    def _months(self, name: str, column: str) -> list[str]:
        """Distinct ``YYYY-MM`` of date ``column``, oldest first."""

    @abc.abstractmethod
    def _spans(self, name: str, by: tuple[str, ...], column: str, before: str | None
               ) -> list[tuple]:
        """(``by`` values…, min, max of ``column``) per group (dates before ``before``)."""

    @abc.abstractmethod
    def _insert(self, prepared: Prepared, upsert: bool) -> None: ...

    @abc.abstractmethod
    def _delete_all(self, table: Table) -> None: ...

    @abc.abstractmethod
    def _delete_where(self, table: Table, column: str, values: list) -> None: ...

    def _after_write(self, table: Table) -> None:  # noqa: B027 - an optional hook
        """Hook after a write, inside its transaction."""

    @abc.abstractmethod
    def _count(self, name: str) -> int: ...

    @abc.abstractmethod
    def _tables(self) -> set[str]: ...

    @abc.abstractmethod
    def _columns(self, name: str) -> list[str]: ...

    @abc.abstractmethod
    def _geometry_column(self, name: str) -> tuple[str, int] | None:
        """(geometry type, SRID) of the ``geom`` column, or None."""

    @abc.abstractmethod
    def _unique_keys(self, name: str) -> set[tuple[str, ...]]:
        """Column tuples with a UNIQUE index or constraint."""

    @abc.abstractmethod
    def _values_not_in(self, name: str, column: str, allowed: Sequence[str]) -> list[tuple]:
        """(value, rows) of non-NULL values outside ``allowed``."""

    @abc.abstractmethod
    def _orphans(self, link) -> list[tuple]:
        """(value, rows) of non-NULL link values found in none of the targets."""

    @abc.abstractmethod
    def _add_column(self, table: Table, column: Column) -> None: ...

    @abc.abstractmethod
    def _add_table(self, table: Table) -> None: ...


def _rows_and_examples(bad: list[tuple[object, int]]) -> tuple[int, str]:
    """Rows affected and up to three example values of (value, count) pairs."""
    return sum(n for _, n in bad), ", ".join(repr(v) for v, _ in bad[:3])
