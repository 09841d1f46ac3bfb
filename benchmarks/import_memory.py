"""Benchmark: peak memory (RSS) of importing a 200 MB CSV (1.4 M rows), beside pandas.

    .venv/bin/python benchmarks/import_memory.py [--rows 1400000] [--before REV]
                                                 [--write docs/benchmarks/import_memory.md]

The file is the synthetic GBK enterprises list of ``import_csv.py`` (1 % of the rows
with a wrong credit-code check character).  Each job runs in a fresh child process
and reports its own peak resident set size (``VmHWM`` of ``/proc/self/status``):

* **ours**: ``import_file`` into a fresh GeoPackage (read lazily, validated and
  written in chunks of ``ImportOptions.chunk_rows`` rows, one transaction);
* **ours, again**: the same file into the same database (every row compared with
  the stored one, nothing written);
* the obvious alternative, ``pandas.read_csv(encoding="gbk")`` — reading only, no
  validation and no database;
* with ``--before REV``: the importer as it was at git revision REV (extracted with
  ``git archive``), which read and validated the whole file at once.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def child(job: str, csv: str, db: str) -> dict:
    """Run one job in this process; its peak RSS and time."""
    start = time.perf_counter()
    rows = 0
    if job == "pandas":
        import pandas as pd

        rows = len(pd.read_csv(csv, encoding="gbk", dtype={"统一社会信用代码": str}))
    else:
        from pollution_map_plugin.core.db import create_database, open_database
        from pollution_map_plugin.core.importer import import_file

        if not Path(db).exists():
            create_database(db).close()
        with open_database(db) as database:
            report = import_file(database, "enterprises", csv,
                                 rejects_path=str(Path(db).with_suffix(".rejects.csv")))
        rows = report.rows_read
        assert report.accepted + report.rejected == rows
    return {"job": job, "rows": rows, "seconds": time.perf_counter() - start,
            "peak_mb": peak_rss_kb() / 1024}


def peak_rss_kb() -> int:
    """This process's peak resident set size: ``VmHWM`` (reset by exec, unlike
    ``ru_maxrss``, which a child forked from a big parent inherits)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def run_child(job: str, csv: Path, db: Path, code: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(code)}
    out = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child", job,
                          str(csv), str(db)], env=env, cwd=str(code), check=True,
                         capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def extract(rev: str, into: Path) -> Path:
    """The tree of git revision ``rev`` in ``into`` (for the 'before' figure)."""
    archive = subprocess.run(["git", "-C", str(REPO), "archive", rev], check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=1_400_000)
    ap.add_argument("--before", metavar="REV", help="also measure the importer at REV")
    ap.add_argument("--write", type=Path, help="write the figures as Markdown here")
    ap.add_argument("--child", nargs=3, metavar=("JOB", "CSV", "DB"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(child(*args.child)))
        return 0
    sys.path.insert(0, str(REPO))
    from benchmarks.import_csv import write_csv

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        csv = work / "enterprises_gbk.csv"
        bad = write_csv(csv, args.rows)
        size = csv.stat().st_size
        results = [run_child("pandas", csv, work / "none.gpkg", REPO),
                   run_child("ours", csv, work / "ours.gpkg", REPO)]
        again = run_child("ours", csv, work / "ours.gpkg", REPO)
        again["job"] = "ours, again"
        results.append(again)
        if args.before:
            old = extract(args.before, Path(tempfile.mkdtemp(dir=work)))
            before = run_child("before", csv, work / "before.gpkg", old)
            before["job"] = f"before ({args.before})"
            results.append(before)
    for r in results:
        print(f"{r['job']}: {r['rows']} rows, peak RSS {r['peak_mb']:.0f} MB, "
              f"{r['seconds']:.1f} s")
    if args.write:
        write_markdown(args.write, args.rows, size, bad, results)
    return 0


def write_markdown(path: Path, rows: int, size: int, bad: int, results: list[dict]) -> None:
    labels = {"pandas": "alternative: `pandas.read_csv(encoding=\"gbk\")` (reading only)",
              "ours": "**ours**: `import_file` into a fresh GeoPackage (chunks, one "
                      "transaction)",
              "ours, again": "ours, the same file again (every row compared, nothing written)"}
    lines = [
        "## Import memory: a 200 MB CSV",
        "",
        f"`benchmarks/import_memory.py` — the synthetic GBK enterprises list ({rows:,} rows, "
        f"{size / 1e6:.0f} MB, {bad:,} bad rows); each job in a fresh process, peak resident "
        "set size (`VmHWM`).",
        "",
        "| job | peak RSS MB | wall s |",
        "|---|---:|---:|",
    ]
    for r in results:
        label = labels.get(r["job"], "the importer " + r["job"].replace("before (", "at (")
                           + ", before chunking: the whole file at once")
        lines.append(f"| {label} | {r['peak_mb']:,.0f} | {r['seconds']:.0f} |")
    lines += ["", f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, Python "
              f"{platform.python_version()}; other jobs were running, so wall times vary.", ""]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")


if __name__ == "__main__":
    raise SystemExit(main())
