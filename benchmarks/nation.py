"""Benchmark (issue 17): a shared national PostGIS database, server-side aggregation
side by side with reading the rows into pandas.

    .venv/bin/python benchmarks/nation.py [--pg DSN] [--years 10] [--reading-days 7]
                                          [--write docs/benchmarks/nation.md]

Loads the ``nation`` preset (``synthetic_data.national_store``: 3,641 sections, ten
years of monthly samples of 21 items, a year of the 1,900 automatic stations' daily
means, ``--reading-days`` of their 4-hourly readings) into PostGIS — a throwaway
server (Debian's PostgreSQL, as the tests start it) unless ``--pg`` names one — and
times, each in a fresh client process (wall time, imports included; peak RSS):

* a year's assessment (``run_assessment``, period 2025, with the comparison and the
  warnings): the service as it is on PostGIS (means by SQL), against the rows read
  into pandas as before (every row, ``load_frames`` + ``assess_frames``), and against
  a plain pandas script reading one year and averaging per section × item;
* a monthly class history (server vs rows), the warnings alone (the rows they need
  vs all rows);
* an incremental append of one day of automatic readings, and re-running it (no-op);
* 1 and 10 concurrent clients assessing.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

CHILD = r'''
import json, sys, time, resource
t0 = time.perf_counter()
target, job = sys.argv[1], sys.argv[2]
from pollution_map_plugin.core.db import open_database
from pollution_map_plugin.core.assessment.service import (
    AssessmentRequest, assess_frames, read_request, run_assessment)
from pollution_map_plugin.core.assessment.database_reads import load_frames
from pollution_map_plugin.core.assessment.warnings import find_warnings
db = open_database(target)
out = {}
if job == "server":
    b = run_assessment(db, AssessmentRequest(period="2025"))
    out["sections"] = int(b.sections["water_class"].notna().sum())
elif job == "server-nowarn":
    b = run_assessment(db, AssessmentRequest(period="2025", with_warnings=False))
    out["sections"] = int(b.sections["water_class"].notna().sum())
elif job == "server-nowarn-norollup":
    import functools
    from pollution_map_plugin.core.db import postgis_aggregates as pa
    pa.group_stats = functools.partial(pa.group_stats, use_rollup=False)
    b = run_assessment(db, AssessmentRequest(period="2025", with_warnings=False))
    out["sections"] = int(b.sections["water_class"].notna().sum())
elif job == "server-nowarn-noyears":  # the monthly rollup only, no yearly rows
    import functools
    from pollution_map_plugin.core.db import postgis_aggregates as pa
    pa.group_stats = functools.partial(pa.group_stats, use_years=False)
    b = run_assessment(db, AssessmentRequest(period="2025", with_warnings=False))
    out["sections"] = int(b.sections["water_class"].notna().sum())
elif job == "stats":
    from pollution_map_plugin.core.assessment.periods import parse_period
    from pollution_map_plugin.core.db.postgis_aggregates import group_stats
    for key, use, years in (("rollup_s", True, True), ("months_s", True, False),
                            ("rows_s", False, False)):
        t = time.perf_counter()
        out["groups"] = len(group_stats(db, [parse_period("2025")], use_rollup=use,
                                        use_years=years).means)
        out[key] = time.perf_counter() - t
elif job == "rows":
    frames = load_frames(db)
    out["rows"] = len(frames["measurements"])
    b = assess_frames(frames, AssessmentRequest(period="2025"), db.read_layer("reaches"),
                      db.metadata())
    out["sections"] = int(b.sections["water_class"].notna().sum())
elif job == "history-server":
    b = run_assessment(db, AssessmentRequest(period="2025", history="month",
                                             with_warnings=False, compare_default=False))
    out["history"] = len(b.history)
elif job == "history-rows":
    frames = load_frames(db)
    b = assess_frames(frames, AssessmentRequest(period="2025", history="month",
                      with_warnings=False, compare_default=False), None, {})
    out["history"] = len(b.history)
elif job == "warnings-server":
    req = AssessmentRequest(period="2025", compare_default=False)
    frames = read_request(db, req)
    w = find_warnings(frames["warning_measurements"], frames["sections"])
    out["warnings"], out["rows"] = len(w), len(frames["warning_measurements"])
    # JudgedSamples: the server judged; only one row per judged sample travelled
    out["judged_on_server"] = not hasattr(frames["warning_measurements"], "columns")
elif job == "warnings-rows":
    frames = load_frames(db, with_groups=False)
    m = frames["measurements"]
    w = find_warnings(m.loc[m["sampled_on"] < "2026-01-01"], frames["sections"])
    out["warnings"], out["rows"] = len(w), len(m)
elif job == "pandas":
    import pandas as pd
    import psycopg2
    dsn, schema = target.split("&schema=")
    conn = psycopg2.connect(dsn)
    m = pd.read_sql(f'SELECT section_code, parameter, value, below_detection, '
                    f'detection_limit FROM "{schema}".measurements WHERE sampled_on >= '
                    "'2025-01-01' AND sampled_on < '2026-01-01'", conn)
    nd = m["below_detection"].fillna(False).astype(bool)
    v = m["value"].where(~nd, m["detection_limit"].fillna(m["value"]) / 2)
    out["means"] = len(v.groupby([m["section_code"], m["parameter"]]).mean())
    out["rows"] = len(m)
db.close()
out["s"] = time.perf_counter() - t0
# VmHWM: this program's peak (ru_maxrss would keep the forking parent's RSS across exec)
with open("/proc/self/status") as status:
    hwm = [line.split()[1] for line in status if line.startswith("VmHWM:")]
out["rss_mb"] = (int(hwm[0]) if hwm else
                 resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) / 1024
print(json.dumps(out))
'''


QGIS_CHILD = r'''
import json, os, sys, time
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from qgis.core import QgsApplication, QgsProject
app = QgsApplication([], False)
app.initQgis()
from pollution_map_plugin.qgis_desktop.connection import resolve
from pollution_map_plugin.qgis_desktop.layer_loading import GROUPS, load_database
target, variant = sys.argv[1], sys.argv[2]
project = QgsProject.instance()
t0 = time.perf_counter()
if variant == "plugin":  # groups, renderers, labels, aliases, relations
    n = len(load_database(target, project).findLayers())
else:  # one provider layer per table, QGIS's defaults
    source = resolve(target)
    layers = [source.layer(t, t) for _k, _title, ts in GROUPS for t in ts]
    project.addMapLayers([lyr for lyr in layers if lyr.isValid()])
    n = len(project.mapLayers())
out = {"s": time.perf_counter() - t0, "layers": n,
       "valid": all(lyr.isValid() for lyr in project.mapLayers().values())}
project.clear()
print(json.dumps(out))
'''


def qgis_load(target: str, runs: int) -> dict:
    """The layers loaded into a QGIS project from the store, each run a fresh process
    (QGIS started before the clock): the plugin's styled load and unstyled layers."""
    out: dict = {}
    for variant in ("plugin", "unstyled"):
        times = []
        for _ in range(runs):
            proc = subprocess.run([sys.executable, "-c", QGIS_CHILD, target, variant],
                                  cwd=REPO, capture_output=True, text=True, check=False,
                                  env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
            if proc.returncode:
                raise SystemExit(f"qgis {variant} failed:\n{proc.stderr[-3000:]}")
            times.append(json.loads(proc.stdout.strip().splitlines()[-1]))
        out[variant] = times
    return out


JOBS = ("server", "server-nowarn", "server-nowarn-noyears", "server-nowarn-norollup", "stats",
        "pandas", "history-server", "warnings-server", "warnings-rows", "history-rows", "rows")


def child(target: str, job: str) -> dict:
    result = subprocess.run([sys.executable, "-c", CHILD, target, job], cwd=REPO,
                            capture_output=True, text=True, check=False)
    if result.returncode:
        raise SystemExit(f"{job} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def concurrent(target: str, n: int) -> tuple[float, float]:
    started = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, "-c", CHILD, target, "server-nowarn"], cwd=REPO,
                              stdout=subprocess.PIPE, text=True) for _ in range(n)]
    each = [json.loads(p.communicate()[0].strip().splitlines()[-1])["s"] for p in procs]
    return time.perf_counter() - started, max(each)


def load(target: str, years: int, reading_days: int) -> dict:
    import geopandas as gpd
    from shapely.geometry import Point

    from pollution_map_plugin.core.db import create_database
    from pollution_map_plugin.core.db.postgis_rollup import refresh_rollup
    from pollution_map_plugin.core.db.postgis_store import import_readings
    from pollution_map_plugin.synthetic_data import national_store as ns
    from pollution_map_plugin.synthetic_data.config import NATION

    scale = NATION if years == NATION.n_years else \
        type(NATION)(**{**NATION.__dict__, "start_year": NATION.auto_year + 1 - years,
                        "n_years": years})
    figures: dict = {}
    t = time.perf_counter()
    sec = ns.sections(scale)
    db = create_database(target)
    f = sec.frame
    db.write("sections", gpd.GeoDataFrame(
        f.drop(columns=["lon", "lat"]), crs=4490,
        geometry=[Point(x, y) for x, y in zip(f["lon"], f["lat"])]))
    rows = 0
    for frame in ns.monthly(sec, scale):
        rows += db.write("measurements", frame)
    for frame in ns.daily_means(sec, NATION.auto_year):
        rows += db.write("measurements", frame)
    figures["load_s"] = time.perf_counter() - t
    figures["rows"] = rows
    t = time.perf_counter()
    figures["rollup_months"] = refresh_rollup(db)
    figures["rollup_s"] = time.perf_counter() - t
    t = time.perf_counter()
    readings = 0
    days = list(ns.readings(sec, f"{NATION.auto_year}-12-{31 - reading_days:02d}",
                            reading_days + 1))
    for frame in days[:-1]:
        readings += import_readings(db, frame).new
    figures["readings_load_s"] = time.perf_counter() - t
    figures["readings"] = readings
    db.execute("ANALYZE")
    t = time.perf_counter()
    first = import_readings(db, days[-1])
    figures["append_day_s"] = time.perf_counter() - t
    figures["append_day"] = (first.new, first.days)
    t = time.perf_counter()
    again = import_readings(db, days[-1])
    figures["append_again_s"] = time.perf_counter() - t
    figures["append_again"] = (again.new, again.days)
    figures.update(_db_rollup_years(db))
    db.close()
    return figures


def _db_rollup_years(db) -> dict:
    """What ``db-rollup`` does after a day's imports: the yearly rows of the year written
    (an import's own maintenance leaves them out), timed."""
    from pollution_map_plugin.core.db.postgis_rollup import refresh_years

    t = time.perf_counter()
    n = refresh_years(db)
    return {"years_s": time.perf_counter() - t, "years": n}


def append(target: str, pickled: str) -> dict:
    """Time the incremental append of one day of readings, then the same day again."""
    import pandas as pd

    from pollution_map_plugin.core.db import open_database
    from pollution_map_plugin.core.db.postgis_store import import_readings

    day = pd.read_pickle(pickled)
    figures: dict = {}
    with open_database(target) as db:
        for key in ("append_day", "append_again"):
            t = time.perf_counter()
            result = import_readings(db, day)
            figures[key + "_s"] = time.perf_counter() - t
            figures[key] = (result.new, result.days)
        figures.update(_db_rollup_years(db))
    return figures


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pg", help="a PostGIS DSN (default: a throwaway local server)")
    ap.add_argument("--years", type=int, default=10)
    ap.add_argument("--reading-days", type=int, default=7)
    ap.add_argument("--clients", type=int, default=10)
    ap.add_argument("--existing", help="a target already loaded (skip the load)")
    ap.add_argument("--figures", help="the load figures (JSON) of --existing")
    ap.add_argument("--append-day", help="with --existing: a pickled day of automatic "
                    "readings to append (timed, then again as a no-op)")
    ap.add_argument("--qgis-runs", type=int, default=0,
                    help="with --existing: only time loading the layers into QGIS")
    ap.add_argument("--jobs", help="with --existing: only these jobs (comma-separated) "
                    "and the concurrent clients, printed as JSON")
    ap.add_argument("--write")
    args = ap.parse_args(argv)
    if args.existing and args.jobs:  # some jobs only, and the concurrent clients
        res = {job: child(args.existing, job) for job in args.jobs.split(",")}
        print(json.dumps({**res, "clients_1": concurrent(args.existing, 1),
                          f"clients_{args.clients}": concurrent(args.existing, args.clients)}))
        return 0
    if args.existing and args.qgis_runs:
        print(json.dumps(qgis_load(args.existing, args.qgis_runs)), flush=True)
        return 0
    if args.existing:
        figures = json.loads(Path(args.figures).read_text())
        if args.append_day:
            figures.update(append(args.existing, args.append_day))
            print(json.dumps(figures), flush=True)
        res = {job: child(args.existing, job) for job in JOBS}
        print(json.dumps(res), flush=True)
        write(args, figures, res, concurrent(args.existing, 1),
              concurrent(args.existing, args.clients))
        return 0
    server = None
    dsn = args.pg
    if dsn is None:
        from tests.fixtures.postgis import PASSWORD, TEMPLATE, USER, Server

        server = Server()
        server.start()
        server.admin_sql(f'CREATE ROLE "{USER}" LOGIN CREATEDB PASSWORD %s', [PASSWORD])
        server.admin_sql(f'CREATE DATABASE "{TEMPLATE}"')
        server.admin_sql("CREATE EXTENSION postgis", dbname=TEMPLATE)
        dsn = server.dsn(server.new_database())
    target = dsn + ("&" if "?" in dsn else "?") + "schema=nation_" + uuid.uuid4().hex[:6]
    try:
        figures = load(target, args.years, args.reading_days)
        print(json.dumps(figures), flush=True)
        res = {job: child(target, job) for job in JOBS}
        print(json.dumps(res), flush=True)
        one = concurrent(target, 1)
        many = concurrent(target, args.clients)
    finally:
        if server is not None:
            server.stop()
    write(args, figures, res, one, many)
    return 0


def write(args, figures: dict, res: dict, one: tuple, many: tuple) -> None:
    s, p, r = res["server"], res["pandas"], res["rows"]
    figures.setdefault("append_day", (0, 0))
    figures.setdefault("append_again", (0, 0))
    judged = ("judged samples from SQL" if res["warnings-server"].get("judged_on_server")
              else "rows")
    lines = [
        "# A national shared database (PostGIS): aggregation on the server",
        "",
        f"`benchmarks/nation.py`, {platform.machine()}, {os.cpu_count()} CPUs, local "
        f"PostgreSQL; {figures['rows']:,} measurement rows ({args.years} years of monthly "
        f"samples at 3,641 sections + a year of 1,900 stations' daily means), "
        f"{figures['readings']:,} automatic readings ({args.reading_days} days).  Each "
        "figure is one fresh client process (imports included); RSS = its peak memory.",
        "",
        "| job | server-side (SQL aggregates) | rows into pandas | ratio |",
        "|---|---:|---:|---:|",
        f"| a year's assessment (2025, comparison, warnings) | {s['s']:.2f} s, "
        f"{s['rss_mb']:.0f} MB | {r['s']:.1f} s, {r['rss_mb']:.0f} MB | "
        f"{r['s'] / s['s']:.1f}× |",
        f"| the same without the warnings | {res['server-nowarn']['s']:.2f} s, "
        f"{res['server-nowarn']['rss_mb']:.0f} MB | | |",
        f"| the same from the rows on the server (no rollup) | "
        f"{res['server-nowarn-norollup']['s']:.2f} s, "
        f"{res['server-nowarn-norollup']['rss_mb']:.0f} MB | | "
        f"{res['server-nowarn-norollup']['s'] / res['server-nowarn']['s']:.1f}× |",
        f"| a year's period statistics alone (`group_stats`, 2025; in one process) | "
        f"{res['stats']['rollup_s']:.2f} s from the rollup | "
        f"{res['stats']['rows_s']:.2f} s from the rows (on the server) | "
        f"{res['stats']['rows_s'] / res['stats']['rollup_s']:.1f}× |",
        f"| monthly class history | {res['history-server']['s']:.2f} s, "
        f"{res['history-server']['rss_mb']:.0f} MB | {res['history-rows']['s']:.1f} s, "
        f"{res['history-rows']['rss_mb']:.0f} MB | "
        f"{res['history-rows']['s'] / res['history-server']['s']:.1f}× |",
        f"| the warnings ({res['warnings-server']['warnings']:,}) | "
        f"{res['warnings-server']['s']:.2f} s ({res['warnings-server']['rows']:,} "
        f"{judged}), "
        f"{res['warnings-server']['rss_mb']:.0f} MB | {res['warnings-rows']['s']:.1f} s "
        f"({res['warnings-rows']['rows']:,} rows), {res['warnings-rows']['rss_mb']:.0f} MB | "
        f"{res['warnings-rows']['s'] / res['warnings-server']['s']:.1f}× |",
        "",
        f"A plain pandas script reading one year ({p['rows']:,} rows) and averaging per "
        f"section × item: {p['s']:.2f} s, {p['rss_mb']:.0f} MB — the service's full "
        f"assessment is {s['s'] / p['s']:.1f}× that.",
        "",
        f"Incremental append of one day of automatic readings ({figures['append_day'][0]:,} "
        f"readings, {figures['append_day'][1]:,} daily means): "
        f"{figures['append_day_s']:.2f} s; the same day again (a no-op): "
        f"{figures['append_again_s']:.2f} s; the yearly rows of its year then "
        f"(`db-rollup`): {figures.get('years_s', float('nan')):.1f} s.  Initial load: "
        f"{figures['load_s']:.0f} s for "
        f"the measurements, {figures.get('rollup_s', float('nan')):.0f} s to compute the "
        f"monthly rollup ({figures.get('rollup_months', 0)} months), "
        f"{figures['readings_load_s']:.0f} s for the readings.",
        "",
        f"Concurrent clients assessing 2025 on the server (without the warnings): "
        f"1 client {one[0]:.2f} s; "
        f"{args.clients} clients at once {many[0]:.1f} s wall, the slowest "
        f"{many[1]:.1f} s (2 CPUs shared by the server and the clients).",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    if args.write:
        Path(args.write).parent.mkdir(parents=True, exist_ok=True)
        Path(args.write).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    raise SystemExit(main())
