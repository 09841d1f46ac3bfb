"""A monthly rollup of the measurements on PostGIS: what the period means need, per month.

``measurement_months`` holds, per non-detect rule (``half``/``limit``/``zero``), section,
item and calendar month, what :mod:`postgis_aggregates` computes from the rows: the
count and the sum of the evaluated values (summed in fid order, as the in-process engine
sums a month's rows), pH's minimum, maximum, worst sample (with its fid) and samples
outside 6–9, the first fid; rows of ``kind`` 1 hold per section and month the distinct
sampling days, one row of ``kind`` 2 per month the number of rows (evaluated or not:
:func:`months`).  A period's mean is then the sum of its months' sums, in month order,
over the sum of the counts — the order in which the in-process engine
(``measurement_values.monthly_group_means``) sums too, so both are bit-identical.

Completeness: statement triggers on ``measurements`` (every write: imports, the
automatic stream, a QGIS edit, a deletion) put the months a statement touches into
``measurement_months_dirty``; :func:`refresh_rollup` recomputes those months from the
rows (one transaction per month; the import paths call it) and the aggregates read a
month from the rollup only when it is not dirty, from the rows otherwise.
"""

from __future__ import annotations

from datetime import date

from psycopg2 import sql

ROLLUP = "measurement_months"
DIRTY = "measurement_months_dirty"
YEARS = "measurement_years"  # a calendar year's sums of the rollup's months
RULES = {"half": 0.5, "limit": 1.0, "zero": 0.0}

_TABLES = """
CREATE TABLE IF NOT EXISTS {rollup} (
  rule text NOT NULL, kind smallint NOT NULL, section_code text, parameter text,
  month date NOT NULL, n bigint NOT NULL, total double precision,
  ph_min double precision, ph_max double precision, ph_worst double precision,
  ph_worst_fid bigint, ph_out bigint, first bigint);
CREATE INDEX IF NOT EXISTS {rollup_idx} ON {rollup} (rule, month);
CREATE TABLE IF NOT EXISTS {dirty} (month date PRIMARY KEY);
GRANT SELECT ON {rollup}, {dirty} TO PUBLIC;
CREATE OR REPLACE FUNCTION {s}.pm_rollup_dirty() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = pg_catalog AS $$
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO {dirty} SELECT DISTINCT date_trunc('month', sampled_on)::date FROM pm_new
      WHERE sampled_on IS NOT NULL ON CONFLICT DO NOTHING;
  END IF;
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    INSERT INTO {dirty} SELECT DISTINCT date_trunc('month', sampled_on)::date FROM pm_old
      WHERE sampled_on IS NOT NULL ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END $$;
"""

_TRIGGERS = [
    ("pm_rollup_ins", "INSERT", "NEW TABLE AS pm_new"),
    ("pm_rollup_upd", "UPDATE", "OLD TABLE AS pm_old NEW TABLE AS pm_new"),
    ("pm_rollup_del", "DELETE", "OLD TABLE AS pm_old"),
]

# One month from the rows, for every rule (the scan is shared).
_MONTH = """
INSERT INTO {rollup} (rule, kind, section_code, parameter, month, n, total, ph_min, ph_max,
                      ph_worst, ph_worst_fid, ph_out, first)
WITH f(rule, factor) AS (VALUES ('half', 0.5::float8), ('limit', 1.0::float8),
                                ('zero', 0.0::float8)),
m AS (
  SELECT x.fid, x.section_code AS s, btrim(x.parameter) AS q, x.sampled_on AS d, f.rule,
         CASE WHEN coalesce(x.below_detection, false)
              THEN CASE WHEN coalesce(x.detection_limit, x.value) IS NOT NULL
                        THEN f.factor * coalesce(x.detection_limit, x.value) END
              ELSE x.value END AS v
  FROM {measurements} x CROSS JOIN f
  WHERE x.sampled_on >= %s::date AND x.sampled_on < %s::date),
e AS (SELECT * FROM m WHERE v IS NOT NULL AND v <> 'NaN'::float8)
SELECT rule, 0, s, q, %s::date, count(*), sum(v ORDER BY fid),
       min(v) FILTER (WHERE q = 'pH'), max(v) FILTER (WHERE q = 'pH'),
       (array_agg(v ORDER BY {bad} DESC, fid DESC) FILTER (WHERE q = 'pH'))[1],
       (array_agg(fid ORDER BY {bad} DESC, fid DESC) FILTER (WHERE q = 'pH'))[1],
       count(*) FILTER (WHERE q = 'pH' AND greatest({lo} - v, v - {hi}) > 0), min(fid)
FROM e GROUP BY rule, s, q
UNION ALL
SELECT rule, 1, s, NULL, %s::date, count(*), NULL, NULL, NULL, NULL, NULL, NULL,
       min(first)
FROM (SELECT rule, s, d, min(fid) AS first FROM e GROUP BY rule, s, d) days GROUP BY rule, s
UNION ALL
SELECT 'half', 2, NULL, NULL, %s::date, count(*), NULL, NULL, NULL, NULL, NULL, NULL, NULL
FROM m WHERE rule = 'half' HAVING count(*) > 0
"""


_YEARS_TABLE = """
CREATE TABLE IF NOT EXISTS {years} (
  rule text NOT NULL, kind smallint NOT NULL, section_code text, parameter text,
  year date NOT NULL, n bigint NOT NULL, total double precision,
  ph_min double precision, ph_max double precision, ph_worst double precision,
  ph_worst_fid bigint, ph_out bigint, first bigint);
CREATE INDEX IF NOT EXISTS {years_idx} ON {years} (rule, year);
CREATE INDEX IF NOT EXISTS {marks_idx} ON {years} (year) WHERE kind = 2;
GRANT SELECT ON {years} TO PUBLIC;
"""

# A year from its clean months in the rollup: the months' sums in month order (as the
# period aggregates sum them), so a year read from here is bit-identical.
_YEAR = """
INSERT INTO {years} (rule, kind, section_code, parameter, year, n, total, ph_min, ph_max,
                     ph_worst, ph_worst_fid, ph_out, first)
SELECT rule, kind, section_code, parameter, %s::date, sum(n)::bigint,
       sum(total ORDER BY month), min(ph_min), max(ph_max),
       (array_agg(ph_worst ORDER BY {bad} DESC, ph_worst_fid DESC)
          FILTER (WHERE ph_worst IS NOT NULL))[1],
       (array_agg(ph_worst_fid ORDER BY {bad} DESC, ph_worst_fid DESC)
          FILTER (WHERE ph_worst IS NOT NULL))[1],
       sum(ph_out)::bigint, min(first)
FROM {rollup} WHERE month >= %s::date AND month < %s::date AND kind < 2
GROUP BY rule, kind, section_code, parameter
UNION ALL  -- the year's mark (kind 2: its months with rows), even without a value
SELECT 'half', 2, NULL, NULL, %s::date, count(*), NULL, NULL, NULL, NULL, NULL, NULL, NULL
FROM {rollup} WHERE month >= %s::date AND month < %s::date AND kind = 2
"""


def badness(value: str, lo: float, hi: float) -> str:
    """SQL of the engine's pH badness of ``value`` (farther outside 6–9 is worse, then
    farther from the middle): what orders the worst sample."""
    mid = (lo + hi) / 2
    return (f"CASE WHEN greatest({lo!r} - {value}, {value} - {hi!r}) > 0 "
            f"THEN 10 + greatest({lo!r} - {value}, {value} - {hi!r}) "
            f"ELSE abs({value} - {mid!r}) / 10 END")


def _ph_limits() -> tuple[float, float]:
    from .. import gb3838

    lo, hi = gb3838.ITEMS["pH"].limits  # type: ignore[misc]
    return float(lo), float(hi)


def exists(db) -> bool:
    """Whether the rollup (and its triggers) exist and this user may read it."""
    row = db.execute("SELECT to_regclass(%s) IS NOT NULL AND to_regclass(%s) IS NOT NULL",
                     [f'"{db.schema}"."{ROLLUP}"', f'"{db.schema}"."{DIRTY}"'], fetch=True)
    if not row[0][0]:
        return False
    row = db.execute("SELECT has_table_privilege(%s, 'SELECT')",
                     [f'"{db.schema}"."{ROLLUP}"'], fetch=True)
    return bool(row[0][0])


def ensure_rollup(db) -> bool:
    """Create the rollup, its dirty marks and the triggers if missing; every month that
    has measurements is then dirty (to be computed by :func:`refresh_rollup`).  Return
    whether they were created."""
    if exists(db):
        return False
    q = db.qualified
    with db.transaction():
        # no write between the marks and the triggers
        db.execute(sql.SQL("LOCK TABLE {} IN SHARE ROW EXCLUSIVE MODE").format(
            q("measurements")))
        if exists(db):
            # another client created it while this one waited for the lock: its DDL
            # again (CREATE INDEX locks the rollup) would deadlock with that client's
            # first refresh (the trixie matrix run's ten clients did)
            return False
        db.execute(sql.SQL(_TABLES).format(
            rollup=q(ROLLUP), dirty=q(DIRTY), s=sql.Identifier(db.schema),
            rollup_idx=sql.Identifier(f"{ROLLUP}_rule_month")))
        for name, event, refs in _TRIGGERS:
            db.execute(sql.SQL("DROP TRIGGER IF EXISTS {} ON {}").format(
                sql.Identifier(name), q("measurements")))
            db.execute(sql.SQL(
                "CREATE TRIGGER {} AFTER " + event + " ON {} REFERENCING " + refs
                + " FOR EACH STATEMENT EXECUTE FUNCTION {}.pm_rollup_dirty()").format(
                sql.Identifier(name), q("measurements"), sql.Identifier(db.schema)))
        db.execute(sql.SQL(
            "INSERT INTO {} SELECT DISTINCT date_trunc('month', sampled_on)::date FROM {} "
            "WHERE sampled_on IS NOT NULL ON CONFLICT DO NOTHING").format(
            q(DIRTY), q("measurements")))
    return True


def dirty_months(db) -> set[date]:
    """The months whose rollup is not to be trusted (written since it was computed)."""
    return {r[0] for r in db.execute(sql.SQL("SELECT month FROM {}").format(
        db.qualified(DIRTY)), fetch=True)}


def months(db) -> list[str] | None:
    """The months (``YYYY-MM``) with measurements, from the rollup (clean months) and
    a probe of each dirty one; None without a rollup."""
    if not exists(db):
        return None
    q = db.qualified
    found = {r[0] for r in db.execute(sql.SQL(
        "SELECT month FROM {} WHERE kind = 2 AND n > 0 AND month NOT IN "
        "(SELECT month FROM {})").format(q(ROLLUP), q(DIRTY)), fetch=True)}
    for month in dirty_months(db):
        if db.execute(sql.SQL("SELECT EXISTS (SELECT 1 FROM {} WHERE sampled_on >= %s AND "
                              "sampled_on < %s)").format(q("measurements")),
                      [month, next_month(month)], fetch=True)[0][0]:
            found.add(month)
    return [f"{m:%Y-%m}" for m in sorted(found)]


def next_month(d: date) -> date:
    """The first day of the month after ``d``'s."""
    return date(d.year + d.month // 12, d.month % 12 + 1, 1)


def may_refresh(db) -> bool:
    """Whether this user may create and write the rollup (its owner or the schema's)."""
    if exists(db):
        row = db.execute("SELECT has_table_privilege(%s, 'INSERT, DELETE')",
                         [f'"{db.schema}"."{ROLLUP}"'], fetch=True)
    else:
        row = db.execute("SELECT has_schema_privilege(%s, 'CREATE') AND "
                         "pg_has_role((SELECT tableowner FROM pg_tables WHERE schemaname = %s "
                         "AND tablename = 'measurements'), 'USAGE')",
                         [db.schema, db.schema], fetch=True)
    return bool(row and row[0][0])


def maintain(db) -> int:
    """:func:`refresh_rollup` after an import, where this user may (others' imports leave
    their months dirty: the aggregates read those from the rows); the months recomputed.
    The yearly rows of the years written are recomputed by ``db-rollup`` (meanwhile
    those years are read month by month)."""
    return refresh_rollup(db, years=False) if may_refresh(db) else 0


def years_exist(db) -> bool:
    """Whether the yearly level of the rollup exists (a rollup built before it lacks it)."""
    row = db.execute("SELECT to_regclass(%s) IS NOT NULL",
                     [f'"{db.schema}"."{YEARS}"'], fetch=True)
    return bool(row[0][0])


def clean_years(db) -> set[date]:
    """The years (1 January) whose yearly rows hold every month of the rollup: those
    computed and without a dirty month since."""
    if not years_exist(db):
        return set()
    rows = db.execute(sql.SQL(
        "SELECT year FROM {} WHERE kind = 2 AND year NOT IN "
        "(SELECT date_trunc('year', month)::date FROM {})").format(
        db.qualified(YEARS), db.qualified(DIRTY)), fetch=True)
    return {r[0] for r in rows}


def refresh_years(db) -> int:
    """Compute the yearly rows of the years that lack them and have no dirty month
    (after :func:`refresh_rollup`; ``db-rollup``); return the years computed."""
    q = db.qualified
    lo_ph, hi_ph = _ph_limits()
    with db.transaction():
        db.execute(sql.SQL(_YEARS_TABLE).format(
            years=q(YEARS), years_idx=sql.Identifier(f"{YEARS}_rule_year"),
            marks_idx=sql.Identifier(f"{YEARS}_marks")))
    todo = [r[0] for r in db.execute(sql.SQL(
        "SELECT DISTINCT date_trunc('year', month)::date AS y FROM {r} WHERE kind = 2 "
        "EXCEPT SELECT year FROM {y} WHERE kind = 2 "
        "EXCEPT SELECT date_trunc('year', month)::date FROM {d} ORDER BY 1").format(
        r=q(ROLLUP), y=q(YEARS), d=q(DIRTY)), fetch=True)]
    query = sql.SQL(_YEAR).format(years=q(YEARS), rollup=q(ROLLUP),
                                  bad=sql.SQL(badness("ph_worst", lo_ph, hi_ph)))
    for year in todo:
        with db.transaction():
            db.execute("SELECT set_config('work_mem', %s, true)", ["256MB"])
            db.execute("SELECT set_config('jit', 'off', true)")
            db.execute(sql.SQL("DELETE FROM {} WHERE year = %s").format(q(YEARS)), [year])
            nxt = date(year.year + 1, 1, 1)
            db.execute(query, [year, year, nxt, year, year, nxt])
    return len(todo)


def refresh_rollup(db, years: bool = True) -> int:
    """Create the rollup if missing and recompute its dirty months from the rows (one
    transaction per month; a recomputed month's year loses its yearly rows), then
    (``years``) the yearly rows missing; return the months recomputed."""
    ensure_rollup(db)
    has_years = years_exist(db)
    lo_ph, hi_ph = _ph_limits()
    query = sql.SQL(_MONTH).format(
        rollup=db.qualified(ROLLUP), measurements=db.qualified("measurements"),
        bad=sql.SQL(badness("v", lo_ph, hi_ph)), lo=sql.Literal(lo_ph),
        hi=sql.Literal(hi_ph))
    done = 0
    for month in sorted(dirty_months(db)):
        with db.transaction():
            # the mark goes first: a write committed after this statement marks again
            gone = db.execute_count(sql.SQL("DELETE FROM {} WHERE month = %s").format(
                db.qualified(DIRTY)), [month])
            if not gone:  # another client refreshed it meanwhile
                continue
            db.execute("SELECT set_config('work_mem', %s, true)", ["256MB"])
            db.execute("SELECT set_config('jit', 'off', true)")
            db.execute(sql.SQL("DELETE FROM {} WHERE month = %s").format(
                db.qualified(ROLLUP)), [month])
            db.execute(query, [month, next_month(month), month, month, month])
            if has_years:
                db.execute(sql.SQL("DELETE FROM {} WHERE year = %s").format(
                    db.qualified(YEARS)), [date(month.year, 1, 1)])
        done += 1
    if years:
        refresh_years(db)
    return done
