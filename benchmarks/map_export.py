"""Benchmark: exporting the five print layouts (PNG + PDF) at Chongqing scale, measured
as a desktop user feels it — how long the main thread stops answering — side by side
with QGIS's own synchronous export (``QgsLayoutExporter`` on the main thread, what the
panel did before and what a user gets from the layout designer's *Export*).

    .venv/bin/python benchmarks/map_export.py [--db chongqing.gpkg] [--dpi 150]
                                              [--write docs/benchmarks/map_export.md]

A 20 ms Qt timer runs throughout; its longest gap is the worst stall.  Both variants
export the same five layouts of the same project, in one process, the synchronous one
after the background one (so the background one pays for the cold caches).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def measure(db: str, dpi: int, out: Path) -> dict:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from qgis.core import QgsApplication, QgsProject
    from qgis.PyQt.QtCore import QEventLoop, QTimer

    app = QgsApplication([], False)
    app.initQgis()
    from pollution_map_plugin.qgis_desktop import layouts
    from pollution_map_plugin.qgis_desktop.layer_loading import load_database
    from pollution_map_plugin.qgis_desktop.map_data import compute_map_data
    from pollution_map_plugin.qgis_desktop.map_export import MapExport
    from pollution_map_plugin.qgis_desktop.map_themes import MAPS, build_maps

    project = QgsProject.instance()
    group = load_database(db, project)
    data = compute_map_data(db)
    build_maps(group, data, project)
    gaps = {"worst": 0.0, "last": time.perf_counter()}

    def tick() -> None:
        now = time.perf_counter()
        gaps["worst"] = max(gaps["worst"], now - gaps["last"] - 0.02)
        gaps["last"] = now

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(20)
    results: dict = {}

    loop = QEventLoop()
    gaps.update(worst=0.0, last=time.perf_counter())
    t0 = time.perf_counter()
    export = MapExport([lambda k=m.key: layouts.ensure_layout_steps(group, k, data, project)
                        for m in MAPS], out / "background", dpi,
                       lambda _f: loop.quit(), lambda exc: (print(exc), loop.quit())).start()
    loop.exec()
    results["background"] = {"seconds": time.perf_counter() - t0,
                             "worst_stall_s": gaps["worst"],
                             "files": len(list((out / "background").glob("*.p*")))}
    results["background"]["main_thread_steps"] = sorted(export.timings, key=lambda x: -x[1])[:3]

    def synchronous() -> None:
        t1 = time.perf_counter()
        files = layouts.export_maps(group, data, out / "synchronous", project, dpi=dpi)
        results["synchronous"] = {"seconds": time.perf_counter() - t1, "files": len(files)}
        QTimer.singleShot(100, loop.quit)

    gaps.update(worst=0.0, last=time.perf_counter())
    QTimer.singleShot(50, synchronous)
    loop.exec()
    results["synchronous"]["worst_stall_s"] = gaps["worst"]
    return results


def write(results: dict, path: Path, db: str) -> None:
    bg, sync = results["background"], results["synchronous"]
    lines = [
        "# Map export: five layouts, PNG + PDF, Chongqing scale",
        "",
        f"Database: `{Path(db).name}`; {platform.machine()}, Python "
        f"{platform.python_version()}; `benchmarks/map_export.py`.",
        "",
        "| variant | total | worst main-thread stall | files |",
        "|---|---:|---:|---:|",
        f"| panel (background: `MapExport`) | {bg['seconds']:.1f} s | "
        f"{bg['worst_stall_s']:.2f} s | {bg['files']} |",
        f"| QGIS's `QgsLayoutExporter` on the main thread | {sync['seconds']:.1f} s | "
        f"{sync['worst_stall_s']:.2f} s | {sync['files']} |",
        "",
        f"Stall ratio: {sync['worst_stall_s'] / max(bg['worst_stall_s'], 1e-3):.0f}× shorter; "
        f"the longest main-thread steps of the background export: "
        + ", ".join(f"{name} {sec:.2f} s" for name, sec in bg["main_thread_steps"]) + ".",
        "",
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=str(REPO / "benchmarks" / "out" / "chongqing.gpkg"))
    parser.add_argument("--dpi", type=int, default=150)
    parser.add_argument("--write", type=Path)
    args = parser.parse_args()
    out = REPO / "benchmarks" / "out" / "map_export"
    results = measure(args.db, args.dpi, out)
    print(json.dumps(results, indent=1))
    if args.write:
        write(results, args.write, args.db)
    os._exit(0)  # skip QGIS's teardown


if __name__ == "__main__":
    sys.exit(main())
