"""Benchmark: read every layer and table at Chongqing scale, GeoPackage and PostGIS.

    .venv/bin/python benchmarks/db_read.py [--gpkg PATH] [--no-postgis] [--repeat N]
                                          [--write docs/benchmarks/db.md]

Builds the ``chongqing`` synthetic database with the generator (or uses ``--gpkg``),
copies it into a throwaway PostGIS server (tests/fixtures/postgis.Server), then times
``read_layer`` / ``read_table`` of ``core.db`` against the obvious alternative on the
same data: ``geopandas.read_file`` (layers) and ``pandas.read_sql`` over sqlite3
(tables) for GeoPackage; ``geopandas.read_postgis`` and ``pandas.read_sql`` over
psycopg2 for PostGIS.  Ratios > 1 mean ``core.db`` is faster.  The alternatives return
raw types (dates as text, booleans as integers); ``core.db`` converts them.
"""

from __future__ import annotations

import argparse
import os
import platform
import sqlite3
import sys
import tempfile
import time
import warnings
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import geopandas as gpd  # noqa: E402
import pandas as pd  # noqa: E402

from pollution_map_plugin.core import schema  # noqa: E402
from pollution_map_plugin.core.db import create_database, open_database  # noqa: E402

warnings.filterwarnings("ignore", category=UserWarning)  # pandas on a DBAPI connection


def best(func, repeat: int) -> float:
    """The best wall time of ``repeat`` runs of ``func``."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def build_gpkg(path: Path) -> float:
    from pollution_map_plugin.synthetic_data import build_database

    start = time.perf_counter()
    build_database(path, "chongqing", seed=1, overwrite=True).close()
    return time.perf_counter() - start


def copy_to(db, target) -> float:
    """Copy every table of ``db`` into ``target`` (created); return the seconds."""
    start = time.perf_counter()
    with target.transaction():
        for table in schema.TABLES:
            if table.name in ("schema_version", "db_metadata") or not db.count(table.name):
                continue
            frame = db.read_layer(table.name) if table.is_spatial else db.read_table(table.name)
            target.write(table.name, frame)
    return time.perf_counter() - start


def gpkg_rows(path: Path, repeat: int) -> list[dict]:
    rows = []
    with open_database(path) as db:
        for table in schema.TABLES:
            n = db.count(table.name)
            if not n or table.name in ("schema_version", "db_metadata"):
                continue
            if table.is_spatial:
                ours = best(lambda t=table: db.read_layer(t.name), repeat)
                other = best(lambda t=table: gpd.read_file(path, layer=t.name), repeat)
                how = "geopandas.read_file"
            else:
                ours = best(lambda t=table: db.read_table(t.name), repeat)

                def read_sql(t=table):
                    con = sqlite3.connect(path)
                    try:
                        pd.read_sql(f'SELECT * FROM "{t.name}"', con)
                    finally:
                        con.close()

                other = best(read_sql, repeat)
                how = "pandas.read_sql (sqlite3)"
            rows.append({"backend": "GeoPackage", "table": table.name, "rows": n, "ours": ours,
                         "other": other, "how": how})
            print(f"gpkg {table.name:<22} {n:>9,}  ours {ours:7.2f} s  {how} {other:7.2f} s")
    return rows


def postgis_rows(dsn: str, repeat: int) -> list[dict]:
    import psycopg2

    rows = []
    with open_database(dsn) as db:
        for table in schema.TABLES:
            n = db.count(table.name)
            if not n or table.name in ("schema_version", "db_metadata"):
                continue
            con = psycopg2.connect(dsn)
            try:
                if table.is_spatial:
                    ours = best(lambda t=table: db.read_layer(t.name), repeat)
                    other = best(lambda t=table, c=con: gpd.read_postgis(
                        f'SELECT * FROM "{t.name}"', c, geom_col="geom"), repeat)
                    how = "geopandas.read_postgis"
                else:
                    ours = best(lambda t=table: db.read_table(t.name), repeat)
                    other = best(lambda t=table, c=con: pd.read_sql(f'SELECT * FROM "{t.name}"', c),
                                 repeat)
                    how = "pandas.read_sql (psycopg2)"
            finally:
                con.close()
            rows.append({"backend": "PostGIS", "table": table.name, "rows": n, "ours": ours,
                         "other": other, "how": how})
            print(f"pg   {table.name:<22} {n:>9,}  ours {ours:7.2f} s  {how} {other:7.2f} s")
    return rows


def report(rows: list[dict], notes: list[str]) -> str:
    lines = [
        "# Benchmark: reading the database at Chongqing scale",
        "",
        "`benchmarks/db_read.py` (figures below from one run; not a test).  "
        "`core.db` reads against the obvious alternative on the same data; "
        "ratio = alternative time / `core.db` time (> 1: `core.db` is faster).  "
        "Best of the runs.  The alternatives return raw values (dates as text, booleans "
        "as 0/1, `geom` not renamed); `core.db` returns typed columns, EPSG:4490.",
        "",
        *notes,
        "",
        "| back end | table | rows | core.db (s) | alternative | alternative (s) | ratio |",
        "|---|---|---:|---:|---|---:|---:|",
    ]
    for r in rows:
        lines.append(f"| {r['backend']} | {r['table']} | {r['rows']:,} | {r['ours']:.2f} | "
                     f"{r['how']} | {r['other']:.2f} | {r['other'] / r['ours']:.1f}× |")
    for backend in ("GeoPackage", "PostGIS"):
        sub = [r for r in rows if r["backend"] == backend]
        if sub:
            ours, other = sum(r["ours"] for r in sub), sum(r["other"] for r in sub)
            lines.append(f"| **{backend}** | **every table** | {sum(r['rows'] for r in sub):,} "
                         f"| **{ours:.2f}** | | **{other:.2f}** | **{other / ours:.1f}×** |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gpkg", type=Path,
                        help="a Chongqing-scale GeoPackage (built there if missing)")
    parser.add_argument("--no-postgis", action="store_true")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--write", type=Path, help="write the Markdown report here")
    args = parser.parse_args(argv)
    notes = [f"Machine: {platform.machine()}, {os.cpu_count()} CPU(s), Python "
             f"{platform.python_version()}, geopandas {gpd.__version__}, pandas "
             f"{pd.__version__}."]
    with tempfile.TemporaryDirectory(prefix="pm-bench-") as tmp:
        path = args.gpkg or Path(tmp) / "chongqing.gpkg"
        if not path.exists():
            seconds = build_gpkg(path)
            notes.append(f"Generating and writing the chongqing GeoPackage: {seconds:.1f} s.")
        rows = gpkg_rows(path, args.repeat)
        if not args.no_postgis:
            from tests.fixtures.postgis import Server

            server = Server()
            try:
                server.start()
                server.admin_sql("CREATE EXTENSION IF NOT EXISTS postgis", dbname="postgres")
                dsn = f"host={server.base} port={server.port} dbname=postgres " \
                      f"user={server.superuser}"
                with open_database(path) as src, create_database(dsn) as dst:
                    seconds = copy_to(src, dst)
                notes.append(f"Copying every table into PostGIS with `write()` (COPY): "
                             f"{seconds:.1f} s.")
                rows += postgis_rows(dsn, args.repeat)
            finally:
                server.stop()
    text = report(rows, notes)
    print(text)
    if args.write:
        args.write.parent.mkdir(parents=True, exist_ok=True)
        args.write.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
