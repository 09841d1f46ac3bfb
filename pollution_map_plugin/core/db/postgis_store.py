"""A measurement store that grows (PostGIS): yearly partitions, the automatic stream.

* ``measurements`` is a declarative partitioned table (``PARTITION BY RANGE
  (sampled_on)``, one partition per year, ``measurements_y2025``), created by
  ``create-db``; :func:`ensure_partitions` adds the years a write brings, before the
  write, on a short side connection (creating a partition locks its parent, which
  must not wait for a long import).  Indexes: the natural key (section × time × item,
  UNIQUE) and section × item × time (the latest samples of an item).
  :func:`partition_measurements` converts a database created before (one
  transaction).
* ``auto_readings`` keeps the automatic stations' readings as read (a timestamp,
  every 4 hours; partitioned by month).  :func:`import_readings` appends the readings
  not stored yet (COPY into a staging table, ``ON CONFLICT DO NOTHING``) and rewrites
  the daily means of the days it touched from every stored reading of those days,
  with the importer's rule (``core.importer.daily``): one reading is stored as read;
  several are averaged, non-detects as half their detection limit, and a day is a
  non-detect only when all its readings were (its limit the highest).  Re-running an
  import is a no-op; a later file with more readings of a day gives the day's new mean.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import pandas as pd
from psycopg2 import sql

from .. import schema
from ..schema import Table
from .errors import DatabaseError

MEASUREMENTS = "measurements"
READINGS = "auto_readings"
_TYPES = {"text": "text", "integer": "integer", "real": "double precision",
          "date": "date", "boolean": "boolean"}
READING_COLUMNS = ("section_code", "read_at", "parameter", "value", "below_detection",
                   "detection_limit", "unit")


def _lock_partitions(db) -> None:
    """Serialise partition creation of this schema (advisory, ends with the transaction)."""
    db.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"pm_partitions:{db.schema}"])


def is_partitioned(db, name: str = MEASUREMENTS) -> bool:
    rows = db.execute("SELECT c.relkind = 'p' FROM pg_class c JOIN pg_namespace n ON "
                      "n.oid = c.relnamespace WHERE n.nspname = %s AND c.relname = %s",
                      [db.schema, name], fetch=True)
    return bool(rows and rows[0][0])


def create_partitioned_measurements(db, table: Table, name: str = MEASUREMENTS) -> None:
    """The measurements table, partitioned by year of ``sampled_on`` (no partition yet)."""
    seq = sql.Identifier(db.schema, f"{name}_fids")
    seq_text = seq.as_string(db.connection)
    defs = [sql.SQL("{} bigint NOT NULL DEFAULT nextval({}::regclass)").format(
        sql.Identifier(schema.PRIMARY_KEY), sql.Literal(seq_text))]
    for col in table.columns:
        null = sql.SQL("" if col.nullable else " NOT NULL")
        defs.append(sql.SQL("{} {}{}").format(sql.Identifier(col.name),
                                               sql.SQL(_TYPES[col.type]), null))
    defs.append(sql.SQL("PRIMARY KEY ({}, sampled_on)").format(
        sql.Identifier(schema.PRIMARY_KEY)))
    defs.append(sql.SQL("CONSTRAINT {} UNIQUE ({})").format(
        sql.Identifier(f"{table.name}_key"),
        sql.SQL(", ").join(sql.Identifier(k) for k in table.natural_key)))
    db.execute(sql.SQL("CREATE SEQUENCE {} AS bigint").format(seq))
    db.execute(sql.SQL("CREATE TABLE {} ({}) PARTITION BY RANGE (sampled_on)").format(
        db.qualified(name), sql.SQL(", ").join(defs)))
    db.execute(sql.SQL("ALTER SEQUENCE {} OWNED BY {}.{}").format(
        seq, db.qualified(name), sql.Identifier(schema.PRIMARY_KEY)))
    db.execute(sql.SQL("CREATE INDEX {} ON {} (section_code, parameter, sampled_on)").format(
        sql.Identifier(f"{name}_item_time_idx"), db.qualified(name)))
    create_partition_function(db)


def partitions(db, name: str = MEASUREMENTS) -> list[str]:
    """The partitions of ``name``, oldest first."""
    rows = db.execute(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace n ON n.oid = p.relnamespace "
        "WHERE n.nspname = %s AND p.relname = %s ORDER BY 1", [db.schema, name], fetch=True)
    return [r[0] for r in rows]


_ADD_PARTITION = """
CREATE OR REPLACE FUNCTION {s}.pm_add_partition(parent text, part text, lo date, hi date)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
BEGIN
  IF parent NOT IN ('measurements', 'auto_readings') THEN
    RAISE EXCEPTION 'not a partitioned table of the plugin: %', parent;
  END IF;
  EXECUTE format('CREATE TABLE IF NOT EXISTS %I.%I PARTITION OF %I.%I FOR VALUES FROM (%L) '
                 'TO (%L)', {schema}, part, {schema}, parent, lo, hi);
END $$
"""


def create_partition_function(db) -> None:
    """``pm_add_partition``: lets every editor's write add the partition of a new year
    (it runs as the tables' owner, for the plugin's two partitioned tables only)."""
    db.execute(sql.SQL(_ADD_PARTITION).format(s=sql.Identifier(db.schema),
                                              schema=sql.Literal(db.schema)))


def _partition_ddl(db, name: str, key: str, lo: date, hi: date) -> sql.Composed:
    return sql.SQL("SELECT {}.pm_add_partition({}, {}, {}, {})").format(
        sql.Identifier(db.schema), sql.Literal(name), sql.Literal(key),
        sql.Literal(lo.isoformat()), sql.Literal(hi.isoformat()))


def _wanted(name: str, periods: Iterable[date]) -> list[tuple[str, date, date]]:
    out = []
    for p in sorted(set(periods)):
        if name == READINGS:  # monthly
            hi = date(p.year + (p.month == 12), p.month % 12 + 1, 1)
            out.append((f"{name}_m{p.year:04d}{p.month:02d}", date(p.year, p.month, 1), hi))
        else:
            out.append((f"{name}_y{p.year:04d}", date(p.year, 1, 1), date(p.year + 1, 1, 1)))
    return out


def _holds_lock(db, name: str) -> bool:
    """Whether this connection's transaction holds a lock on table ``name``."""
    rows = db.execute("SELECT 1 FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                      "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE l.pid = "
                      "pg_backend_pid() AND n.nspname = %s AND c.relname = %s",
                      [db.schema, name], fetch=True)
    return bool(rows)


def _on_side(db, name: str, missing: list[tuple[str, date, date]]) -> bool:
    """Create ``missing`` on a short side connection; False when its lock would wait
    (readers or a writer hold the table: then the caller creates them inside its own
    transaction, at the cost of holding the parent's lock until it ends)."""
    side = db.side_connection()
    try:
        with side.cursor() as cur:
            cur.execute("BEGIN")
            cur.execute("SET LOCAL lock_timeout = '2s'")
            cur.execute("SELECT pg_advisory_xact_lock(hashtext(%s))",
                        [f"pm_partitions:{db.schema}"])
            for key, lo, hi in missing:
                cur.execute(_partition_ddl(db, name, key, lo, hi))
            cur.execute("COMMIT")
        return True
    except Exception as exc:  # noqa: BLE001 - psycopg2.Error, scrubbed
        if "lock timeout" in str(exc):
            return False
        raise db.error(exc, f"creating partitions of {name}: ") from None
    finally:
        side.close()


def ensure_partitions(db, days: Iterable[date], name: str = MEASUREMENTS) -> list[str]:
    """Create the partitions of ``name`` that ``days`` fall in and that do not exist
    (a side connection when ``db`` is inside a transaction); return those created."""
    have = set(partitions(db, name))
    missing = [w for w in _wanted(name, days) if w[0] not in have]
    if not missing:
        return []
    if db.in_transaction and not _holds_lock(db, name) and _on_side(db, name, missing):
        pass  # created and committed on a side connection
    elif db.in_transaction:  # this transaction locks the table: add them inside it
        _lock_partitions(db)
        for key, lo, hi in missing:
            db.execute(_partition_ddl(db, name, key, lo, hi))
    else:
        with db.transaction():
            _lock_partitions(db)
            for key, lo, hi in missing:
                db.execute(_partition_ddl(db, name, key, lo, hi))
    return [m[0] for m in missing]


def partition_measurements(db) -> int:
    """Convert an unpartitioned ``measurements`` table (a database created before) into
    the partitioned one, rows and fids kept; one transaction; return the rows moved
    (0 when it is partitioned already)."""
    if is_partitioned(db):
        return 0
    table = schema.table(MEASUREMENTS)
    old = f"{MEASUREMENTS}_unpartitioned"
    with db.transaction():
        db.execute(sql.SQL("LOCK TABLE {} IN ACCESS EXCLUSIVE MODE").format(
            db.qualified(MEASUREMENTS)))
        db.execute(sql.SQL("ALTER TABLE {} RENAME TO {}").format(
            db.qualified(MEASUREMENTS), sql.Identifier(old)))
        db.execute(sql.SQL("ALTER TABLE {} RENAME CONSTRAINT {} TO {}").format(
            db.qualified(old), sql.Identifier(f"{MEASUREMENTS}_key"),
            sql.Identifier(f"{old}_key")))
        create_partitioned_measurements(db, table)
        years = db.execute(sql.SQL("SELECT DISTINCT date_trunc('year', sampled_on)::date "
                                   "FROM {}").format(db.qualified(old)), fetch=True)
        for key, lo, hi in _wanted(MEASUREMENTS, [r[0] for r in years]):
            db.execute(_partition_ddl(db, MEASUREMENTS, key, lo, hi))
        cols = sql.SQL(", ").join(sql.Identifier(c) for c in
                                  [schema.PRIMARY_KEY, *table.column_names])
        db.execute(sql.SQL("INSERT INTO {0} ({1}) SELECT {1} FROM {2}").format(
            db.qualified(MEASUREMENTS), cols, db.qualified(old)))
        moved = db.count(MEASUREMENTS)
        db.execute(sql.SQL("SELECT setval({}::regclass, greatest((SELECT max(fid) FROM {}), 1))")
                   .format(sql.Literal(sql.Identifier(db.schema, f"{MEASUREMENTS}_fids")
                                       .as_string(db.connection)), db.qualified(MEASUREMENTS)))
        db.execute(sql.SQL("DROP TABLE {}").format(db.qualified(old)))
    return moved


def days_in(prepared) -> list[date]:
    """The distinct days of the ``sampled_on`` values of a prepared write."""
    if "sampled_on" not in prepared.columns:
        return []
    values = prepared.values[list(prepared.columns).index("sampled_on")]
    return sorted({date.fromisoformat(str(v)[:10]) for v in set(values) if v})


# --- the automatic stations' readings -------------------------------------------------


def ensure_readings_table(db) -> None:
    """``auto_readings`` (partitioned by month), created if missing."""
    if READINGS in db.table_names():
        return
    defs = sql.SQL(
        "section_code text NOT NULL, read_at timestamp NOT NULL, parameter text NOT NULL, "
        "value double precision, below_detection boolean, detection_limit double precision, "
        "unit text, imported_at timestamptz NOT NULL DEFAULT now(), "
        "PRIMARY KEY (section_code, parameter, read_at)")
    with db.transaction():
        _lock_partitions(db)
        db.execute(sql.SQL("CREATE TABLE IF NOT EXISTS {} ({}) PARTITION BY RANGE (read_at)")
                   .format(db.qualified(READINGS), defs))
        create_partition_function(db)
        db.execute(sql.SQL("COMMENT ON TABLE {} IS %s").format(db.qualified(READINGS)),
                   ["自动监测数据 automatic-station readings (daily means go to measurements)"])


def readings_count(db) -> int:
    """How many automatic readings are stored (0 without the table)."""
    if READINGS not in db.table_names():
        return 0
    return int(db.execute(sql.SQL("SELECT count(*) FROM {}").format(db.qualified(READINGS)),
                          fetch=True)[0][0])


@dataclass(frozen=True)
class ReadingsImport:
    """What :func:`import_readings` did."""

    read: int  # readings in the input
    new: int  # of them not stored before
    days: int  # (section, day, item) daily means written
    partitions: tuple[str, ...]  # partitions created

    def summary(self) -> str:
        if not self.new:
            return f"{self.read} readings, none new: nothing changed"
        return (f"{self.read} readings, {self.new} new; {self.days} daily mean(s) of "
                f"(section, day, item) written")


def _readings_frame(frame: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in ("section_code", "read_at", "parameter", "value") if c not in frame]
    if missing:
        raise ValueError(f"readings lack column(s) {', '.join(missing)}")
    out = pd.DataFrame({
        "section_code": frame["section_code"].astype(str).str.strip(),
        "read_at": pd.to_datetime(frame["read_at"], errors="coerce"),
        "parameter": frame["parameter"].astype(str).str.strip(),
        "value": pd.to_numeric(frame["value"], errors="coerce"),
        "below_detection": frame["below_detection"].fillna(False).astype(bool)
        if "below_detection" in frame else False,
        "detection_limit": pd.to_numeric(frame["detection_limit"], errors="coerce")
        if "detection_limit" in frame else float("nan"),
        "unit": frame.get("unit", None),
    })
    bad = out["read_at"].isna() | (out["section_code"] == "") | (out["parameter"] == "")
    if bad.any():
        first = int(bad.to_numpy().nonzero()[0][0])
        raise ValueError(f"{int(bad.sum())} reading(s) without a time, section or item "
                         f"(the first at row {first + 1}): nothing imported")
    return out


def _copy_text(frame: pd.DataFrame) -> io.StringIO:
    buf = io.StringIO()
    frame.to_csv(buf, index=False, header=False, na_rep="\\N", date_format="%Y-%m-%d %H:%M:%S")
    buf.seek(0)
    return buf


_DAILY = """
WITH days AS (
  SELECT r.section_code, r.read_at::date AS day, r.parameter,
         count(*) AS n, count(*) FILTER (WHERE coalesce(r.below_detection, false)) AS nd,
         avg(CASE WHEN coalesce(r.below_detection, false)
                  THEN coalesce(r.detection_limit, r.value) / 2 ELSE r.value END) AS mean,
         max(coalesce(r.detection_limit, r.value))
             FILTER (WHERE coalesce(r.below_detection, false)) AS limit_nd,
         (array_agg(r.value ORDER BY r.read_at))[1] AS v1,
         (array_agg(r.below_detection ORDER BY r.read_at))[1] AS b1,
         (array_agg(r.detection_limit ORDER BY r.read_at))[1] AS d1,
         (array_agg(r.unit ORDER BY r.read_at))[1] AS unit
  FROM {readings} r JOIN pm_touched t ON t.section_code = r.section_code
       AND t.parameter = r.parameter AND r.read_at >= t.day AND r.read_at < t.day + 1
  GROUP BY 1, 2, 3)
INSERT INTO {measurements} AS m (section_code, sampled_on, parameter, value,
                                 below_detection, detection_limit, unit)
SELECT section_code, day, parameter,
       CASE WHEN n = 1 THEN v1 WHEN nd = n THEN NULL ELSE mean END,
       CASE WHEN n = 1 THEN b1 ELSE nd = n END,
       CASE WHEN n = 1 THEN d1 WHEN nd = n THEN limit_nd ELSE NULL END, unit
FROM days
ON CONFLICT (section_code, sampled_on, parameter) DO UPDATE SET
  value = EXCLUDED.value, below_detection = EXCLUDED.below_detection,
  detection_limit = EXCLUDED.detection_limit, unit = EXCLUDED.unit
WHERE (m.value, m.below_detection, m.detection_limit) IS DISTINCT FROM
      (EXCLUDED.value, EXCLUDED.below_detection, EXCLUDED.detection_limit)
"""


def import_readings(db, frame: pd.DataFrame, lock_wait_s: float = 30.0) -> ReadingsImport:
    """Append the readings of ``frame`` (columns :data:`READING_COLUMNS`; ``read_at`` a
    time of day) that are not stored yet, and write the daily means of the days they
    fall on.  One transaction; re-running with the same readings changes nothing."""
    if db.kind != "postgis":
        raise DatabaseError("the automatic-station stream is kept in PostGIS only; a "
                            "GeoPackage takes the daily means through the import command")
    db.require_current()
    readings = _readings_frame(frame)
    ensure_readings_table(db)
    created = ensure_partitions(db, readings["read_at"].dt.date.unique(), READINGS)
    created += ensure_partitions(db, readings["read_at"].dt.date.unique(), MEASUREMENTS) \
        if is_partitioned(db) else []
    stage = sql.Identifier("pm_readings_stage")
    try:
        with db.transaction():
            result = _import(db, readings, stage, lock_wait_s, tuple(created))
    except DatabaseError as exc:
        if "lock timeout" in str(exc):
            raise DatabaseError(
                f"busy: another import of automatic readings held {db.describe()} for more "
                f"than {lock_wait_s:g} s; nothing was imported — try again later (or "
                "with a longer --lock-wait)") from None
        raise
    if result.days:  # the months of the new daily means, recomputed in the rollup
        from .postgis_rollup import maintain

        maintain(db)
    return result


def _import(db, readings: pd.DataFrame, stage, lock_wait_s: float,
            created: tuple[str, ...]) -> ReadingsImport:
    """The body of :func:`import_readings`, inside its transaction."""
    db.execute("SELECT set_config('lock_timeout', %s, true)",
               [f"{max(int(lock_wait_s * 1000), 1)}ms"])
    # One import at a time (readers are not blocked): two imports of readings of the
    # same day would each average only the readings they see, and the later commit
    # would lose the other's readings from the day's mean.
    db.execute(sql.SQL("LOCK TABLE {} IN SHARE ROW EXCLUSIVE MODE").format(
        db.qualified(READINGS)))
    db.execute(sql.SQL("DROP TABLE IF EXISTS pg_temp.{}").format(stage))
    db.execute(sql.SQL("CREATE TEMP TABLE {} (section_code text, read_at timestamp, "
                       "parameter text, value double precision, below_detection "
                       "boolean, detection_limit double precision, unit text) "
                       "ON COMMIT DROP").format(stage))
    db.copy_in(sql.SQL("COPY {} FROM STDIN WITH (FORMAT csv, NULL '\\N')").format(stage),
               _copy_text(readings[list(READING_COLUMNS)]))
    db.execute("DROP TABLE IF EXISTS pg_temp.pm_touched")
    db.execute("CREATE TEMP TABLE pm_touched (section_code text, day date, "
               "parameter text, n bigint) ON COMMIT DROP")
    db.execute(sql.SQL(
        "WITH new AS ("
        "INSERT INTO {} (section_code, read_at, parameter, value, below_detection, "
        "detection_limit, unit) SELECT DISTINCT ON (section_code, parameter, read_at) "
        "section_code, read_at, parameter, value, below_detection, detection_limit, unit "
        "FROM {} ORDER BY section_code, parameter, read_at "
        "ON CONFLICT DO NOTHING RETURNING section_code, read_at, parameter) "
        "INSERT INTO pm_touched SELECT section_code, read_at::date AS day, parameter, "
        "count(*) AS n FROM new "
        "GROUP BY 1, 2, 3").format(db.qualified(READINGS), stage))
    new = db.execute("SELECT coalesce(sum(n), 0), count(*) FROM pm_touched", fetch=True)[0]
    days = 0
    if new[0]:
        days = db.execute_count(sql.SQL(_DAILY).format(
            readings=db.qualified(READINGS), measurements=db.qualified(MEASUREMENTS)))
    return ReadingsImport(len(readings), int(new[0]), int(days), created)
