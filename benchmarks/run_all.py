#!/usr/bin/env python3
"""Run every benchmark at Chongqing scale and rewrite its figures in docs/benchmarks/.

Generates the synthetic ``chongqing`` database once (benchmarks/out/chongqing.gpkg)
and hands it to each benchmark.  Benchmarks measure ratios against the obvious
alternative; they are not tests and never run in CI.  ``--only NAME`` runs one.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "benchmarks" / "out"
DOCS = REPO / "docs" / "benchmarks"
DB = OUT / "chongqing.gpkg"

# name -> (script, figures file, extra arguments; {db} is the chongqing database)
BENCHMARKS: dict[str, tuple[str, str, list[str]]] = {
    "generator": ("generate.py", "generator.md", []),
    "db": ("db_read.py", "db.md", ["--gpkg", "{db}"]),
    "import": ("import_csv.py", "import.md", []),
    "import-memory": ("import_memory.py", "import_memory.md", ["--before", "4cc62b1^"]),
    "assessment": ("assess.py", "assessment.md", ["--db", "{db}"]),
    "network": ("trace.py", "network.md", ["--gpkg", "{db}", "--before", "893353b^"]),
    "trace-shares": ("trace_shares.py", "trace_shares.md", ["--gpkg", "{db}"]),
    "network-import": ("network_import.py", "network_import.md", []),
    "html": ("html_export.py", "html.md", ["--db", "{db}"]),
    "qgis": ("qgis_load.py", "qgis.md", ["--db", "{db}"]),
    "map-export": ("map_export.py", "map_export.md", ["--db", "{db}"]),
    "service-reads": ("service_reads.py", "service_reads.md", ["--db", "{db}"]),
    "nation": ("nation.py", "nation.md", []),  # its own PostGIS server and data
}


def ensure_database() -> None:
    """Build the chongqing database once (synthetic; about a minute)."""
    if DB.exists():
        return
    OUT.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "pollution_map_plugin", "demo-db", str(DB),
                    "--scale", "chongqing"], cwd=REPO, check=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", choices=sorted(BENCHMARKS), action="append")
    args = ap.parse_args(argv)
    ensure_database()
    failed = []
    for name in args.only or BENCHMARKS:
        script, figures, extra = BENCHMARKS[name]
        cmd = [sys.executable, str(REPO / "benchmarks" / script),
               *[a.format(db=DB) for a in extra], "--write", str(DOCS / figures)]
        print(f"== {name}: {' '.join(cmd[1:])}", flush=True)
        started = time.monotonic()
        if subprocess.run(cmd, cwd=REPO).returncode != 0:
            failed.append(name)
        print(f"   ({time.monotonic() - started:.0f} s)", flush=True)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
