"""Benchmark (issue 16 pt 6): ``assess --period 2025`` reads only what it needs.

    .venv/bin/python benchmarks/service_reads.py --db benchmarks/out/chongqing.gpkg
        [--pg DSN] [--period 2025] [--write docs/benchmarks/service_reads.md]

Side by side, at Chongqing scale (10 years, ~1.1 M measurement rows), each in a fresh
process, wall time from start to the result (imports included):

* the service as a user runs it: ``python -m pollution_map_plugin assess DB --period P``;
* the service as it was: every measurement row read, then the period filtered
  (``PM_READ_ALL=1`` → ``load_frames`` + ``assess_frames``);
* a plain pandas script reading one year (sqlite3 / psycopg2 + ``read_sql``, the
  non-detect rule, means per section × item): what a user would otherwise write.

The GeoPackage is copied and given the ``sampled_on`` index new databases have.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

PANDAS_SCRIPT = r'''
import sys, sqlite3
import pandas as pd
db, year = sys.argv[1], int(sys.argv[2])
q = ("SELECT section_code, parameter, value, below_detection, detection_limit "
     "FROM measurements WHERE sampled_on >= ? AND sampled_on < ?")
args = (f"{year}-01-01", f"{year + 1}-01-01")
if db.startswith("postgresql"):
    import psycopg2
    conn = psycopg2.connect(db.split("&schema=")[0])
    m = pd.read_sql(q.replace("?", "%s"), conn, params=args)
else:
    conn = sqlite3.connect(db)
    m = pd.read_sql(q, conn, params=args)
nd = m["below_detection"].fillna(0).astype(bool)
v = m["value"].where(~nd, m["detection_limit"].fillna(m["value"]) / 2)
means = v.groupby([m["section_code"], m["parameter"]]).mean()
print(len(m), len(means))
'''

SERVICE_ALL = r'''
import sys
from pollution_map_plugin.core.db import open_database
from pollution_map_plugin.core.assessment.database_reads import load_frames
from pollution_map_plugin.core.assessment.service import AssessmentRequest, assess_frames
db = open_database(sys.argv[1])
req = AssessmentRequest(period=sys.argv[2])
frames = load_frames(db)
b = assess_frames(frames, req, db.read_layer("reaches"), db.metadata())
print(len(frames["measurements"]), len(b.sections))
'''


def _time(cmd: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, cwd=REPO, check=True, capture_output=True)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def measure(target: str, period: str, runs: int) -> dict[str, float]:
    py = sys.executable
    # a file of our own: the CLI writes atomically (a temporary file renamed over the
    # output), which must never be /dev/null
    out = REPO / "benchmarks" / "out" / "service_reads_assess.csv"
    return {
        "service": _time([py, "-m", "pollution_map_plugin", "assess", target, "--period",
                          period, "--format", "csv", "--out", str(out)], runs),
        "all rows": _time([py, "-c", SERVICE_ALL, target, period], runs),
        "pandas": _time([py, "-c", PANDAS_SCRIPT, target, period], runs),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", default=str(REPO / "benchmarks" / "out" / "chongqing.gpkg"))
    ap.add_argument("--pg", help="a PostGIS DSN holding the same data (optional)")
    ap.add_argument("--period", default="2025")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--write")
    args = ap.parse_args(argv)
    from pollution_map_plugin.core.db import open_database

    copy = Path(args.db).with_name(Path(args.db).stem + "-indexed.gpkg")
    if not copy.exists() or copy.stat().st_mtime < Path(args.db).stat().st_mtime:
        shutil.copyfile(args.db, copy)
        with open_database(copy) as db:
            db.ensure_time_index()
    with open_database(copy) as db:
        rows = db.count("measurements")
    results = {"GeoPackage": measure(str(copy), args.period, args.runs)}
    if args.pg:
        results["PostGIS"] = measure(args.pg, args.period, args.runs)
    lines = [
        "# Assessing one period: the service reads only what it needs",
        "",
        f"`assess --period {args.period}` on {rows:,} measurement rows (10 years), wall time "
        f"per fresh process (median of {args.runs}; imports included), "
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs.",
        "",
        "| back end | service (reads the window) | service reading all rows (before) "
        "| plain pandas, one year | service ÷ pandas | before ÷ pandas |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, r in results.items():
        lines.append(f"| {name} | {r['service']:.2f} s | {r['all rows']:.2f} s | "
                     f"{r['pandas']:.2f} s | {r['service'] / r['pandas']:.1f}× | "
                     f"{r['all rows'] / r['pandas']:.1f}× |")
    lines += ["", "The service does more than the pandas script: the comparison with the year "
              "before (a second year read), the warnings (each item's latest samples and "
              "their history), problem stretches, every section's class, main pollutants "
              "and groups; the pandas script only averages one year.", ""]
    text = "\n".join(lines)
    print(text)
    if args.write:
        Path(args.write).parent.mkdir(parents=True, exist_ok=True)
        Path(args.write).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
