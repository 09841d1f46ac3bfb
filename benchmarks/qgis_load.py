"""Benchmark: loading the chongqing database into a QGIS project, styled, side by side
with the obvious alternatives.

    .venv/bin/python benchmarks/qgis_load.py [--db chongqing.gpkg] [--runs 5]
                                             [--write docs/benchmarks/qgis.md]

Variants (each timed in a fresh process, so every run pays for opening the file):

* ``plugin``: ``qgis_desktop.load_database`` — 15 layers, groups, renderers from
  ``core.symbology`` (graduated sizes from the load values), labels from QML, bilingual
  aliases, relations.
* ``unstyled``: one ``QgsVectorLayer(path|layername=…, "ogr")`` per table added to the
  project with QGIS's defaults (what a user gets from Layer ▸ Add Vector Layer).
* ``all_sublayers``: QGIS's "add all layers of the GeoPackage": the provider's sublayer
  query, then one layer per sublayer (17 layers, unstyled).

Without ``--db`` the database is generated first (``demo-db --scale chongqing``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
VARIANTS = ("plugin", "unstyled", "all_sublayers")


def worker(variant: str, db: str) -> dict:
    """One timed load in this (fresh) process; returns the figures as a dict."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from qgis.core import QgsApplication, QgsProject, QgsProviderRegistry, QgsVectorLayer

    app = QgsApplication([], False)
    app.initQgis()
    project = QgsProject.instance()
    from pollution_map_plugin.qgis_desktop.layer_loading import GROUPS, load_database

    t0 = time.perf_counter()
    if variant == "plugin":
        group = load_database(db, project)
        n = len(group.findLayers())
    elif variant == "unstyled":
        tables = [t for _k, _title, ts in GROUPS for t in ts]
        layers = [QgsVectorLayer(f"{db}|layername={t}", t, "ogr") for t in tables]
        project.addMapLayers(layers)
        n = len(layers)
    else:
        details = QgsProviderRegistry.instance().querySublayers(db)
        layers = [QgsVectorLayer(d.uri(), d.name(), d.providerKey()) for d in details]
        project.addMapLayers(layers)
        n = len(layers)
    elapsed = time.perf_counter() - t0
    valid = all(lyr.isValid() for lyr in project.mapLayers().values())
    project.clear()
    return {"variant": variant, "seconds": elapsed, "layers": n, "valid": valid}


def run(variant: str, db: str) -> dict:
    proc = subprocess.run([sys.executable, __file__, "--worker", variant, "--db", db],
                          capture_output=True, text=True, timeout=600,
                          env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
    if proc.returncode:
        raise SystemExit(f"{variant} failed: {proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def counts(db: str) -> dict[str, int]:
    from pollution_map_plugin.core.db import open_database

    with open_database(db) as handle:
        return handle.counts()


def report(db: str, results: dict[str, list[dict]], n_rows: dict[str, int]) -> str:
    med = {v: statistics.median(r["seconds"] for r in rs) for v, rs in results.items()}
    best = {v: min(r["seconds"] for r in rs) for v, rs in results.items()}
    lines = [
        "# QGIS benchmark: loading the chongqing database",
        "",
        "`benchmarks/qgis_load.py`: the time to put the database's layers into a QGIS "
        "project, each run in a fresh process (QGIS started before the clock starts).",
        "",
        f"- data: `{Path(db).name}` (`demo-db --scale chongqing`, seed 1): "
        + ", ".join(f"{n:,} {t}" for t, n in n_rows.items()
                    if t in ("reaches", "rivers", "livestock_farms", "enterprises",
                             "sections", "measurements")),
        f"- machine: {os.cpu_count()} CPUs, load average "
        + ", ".join(f"{x:.1f}" for x in os.getloadavg())
        + f"; {platform.machine()}, Python {platform.python_version()}, "
        + _qgis_version(),
        "",
        "| variant | what you get | layers | median | best |",
        "|---|---|---:|---:|---:|",
    ]
    what = {
        "plugin": "groups, symbology renderers, QML labels, aliases, relations",
        "unstyled": "one ogr layer per table, QGIS defaults",
        "all_sublayers": "QGIS's add-all-sublayers of the GeoPackage, unstyled",
    }
    for v in VARIANTS:
        rs = results[v]
        lines.append(f"| `{v}` | {what[v]} | {rs[0]['layers']} | {med[v]:.2f} s | "
                     f"{best[v]:.2f} s |")
    lines += [
        "",
        f"Ratio plugin / unstyled (median): **{med['plugin'] / med['unstyled']:.2f}×**; "
        f"plugin / all sublayers: **{med['plugin'] / med['all_sublayers']:.2f}×**.",
        f"Target: under 3 s — median {med['plugin']:.2f} s.",
        "",
    ]
    return "\n".join(lines)


def _qgis_version() -> str:
    from qgis.core import Qgis

    return f"QGIS {Qgis.version()}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", help="the chongqing GeoPackage (generated when missing)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--write", help="write the Markdown report to this file")
    parser.add_argument("--worker", choices=VARIANTS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.db)))
        return 0
    db = args.db or str(REPO / "benchmarks" / "out" / "chongqing.gpkg")
    if not Path(db).is_file():
        Path(db).parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "pollution_map_plugin", "demo-db", db,
                        "--scale", "chongqing"], check=True, cwd=REPO)
    run("unstyled", db)  # warm the file cache once
    results: dict[str, list[dict]] = {v: [] for v in VARIANTS}
    for _ in range(args.runs):
        for v in VARIANTS:  # interleaved, so that load changes hit every variant
            results[v].append(run(v, db))
    text = report(db, results, counts(db))
    print(text)
    if args.write:
        Path(args.write).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
