"""Benchmark and renders (issue 14): the one-river atlas of the 37 key rivers at
Chongqing scale against the five whole-area maps (the baseline), and the renders a
reader checks by eye — each map at the whole area and two zoom levels (A4, 150 dpi),
the pollution map on screen (1600 × 1000 px) and on A3 at 300 dpi, and every atlas
page of two rivers.

    .venv/bin/python benchmarks/atlas_vs_maps.py [--db benchmarks/out/chongqing.gpkg]
        [--renders tests/artifacts/maps_chongqing] [--atlas-renders tests/artifacts/atlas]
        [--json benchmarks/out/atlas_vs_maps.json] [--rivers 37] [--no-map-renders]

The database is regenerated (``demo-db --scale chongqing``) when it is missing or older
than schema 3 (no districts).  The atlas runs as the panel runs it (``AtlasExport.start``:
each river's maps drawn in a task, its pages composed one per event-loop turn, a
cancellable status-bar task) with a 20 ms timer whose gaps are the GUI stalls (median
and worst); the five maps as ``render-maps`` does.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

ZOOMS = {"whole": None, "region": 800_000, "city": 150_000}  # scale denominators
CITY = (106.55, 29.56)  # the main city, where the sources are densest


def ensure_db(path: Path) -> None:
    from pollution_map_plugin.core.db import open_database

    if path.exists():
        with open_database(path) as db:
            if db.schema_version() >= 3 and db.count("districts"):
                return
    path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "pollution_map_plugin", "demo-db", str(path),
                    "--scale", "chongqing", "--overwrite"], cwd=REPO, check=True)


def city_extent(project, crs, scale: float, frame_mm=(203.0, 170.0)):
    from qgis.core import (
        QgsCoordinateReferenceSystem,
        QgsCoordinateTransform,
        QgsPointXY,
        QgsRectangle,
    )

    t = QgsCoordinateTransform(QgsCoordinateReferenceSystem("EPSG:4490"), crs, project)
    c = t.transform(QgsPointXY(*CITY))
    w, h = frame_mm[0] * scale / 1000.0, frame_mm[1] * scale / 1000.0
    return QgsRectangle(c.x() - w / 2, c.y() - h / 2, c.x() + w / 2, c.y() + h / 2)


def run_in_background(layout, out_dir: Path, dpi: int, png: bool = False):
    """``AtlasExport.start`` in an event loop, with a 20 ms timer: (the export, the
    sorted stalls in seconds: each gap between two ticks beyond the 20 ms, and the
    five longest as (gap, the export's steps that ran during it))."""
    from qgis.PyQt.QtCore import QEventLoop, QTimer

    from pollution_map_plugin.qgis_desktop.atlas_export import AtlasExport

    gaps: list[float] = []
    ends: list[float] = []
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        gaps.append(max(0.0, now - last[0] - 0.02))
        ends.append(now)
        last[0] = now

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(20)
    loop = QEventLoop()
    result: dict = {}
    export = AtlasExport(layout, out_dir, dpi, png,
                         on_done=lambda files: (result.update(files=files), loop.quit()),
                         on_error=lambda exc: (result.update(error=str(exc)), loop.quit()))
    last[0] = time.perf_counter()
    export.start()
    loop.exec()
    timer.stop()
    if "error" in result:
        raise RuntimeError(result["error"])
    longest = []
    for k in sorted(range(len(gaps)), key=gaps.__getitem__)[-5:]:
        begin, end = ends[k] - gaps[k] - 0.02, ends[k]
        during = [(name, round(t, 3)) for (name, t), at in zip(export.steps, export.step_starts)
                  if at < end and at + t > begin]
        longest.append((round(gaps[k], 3), during))
    export.longest_gaps = longest
    return export, sorted(gaps)


def measure(db: Path, renders: Path | None, atlas_renders: Path, n_rivers: int) -> dict:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from qgis.core import QgsApplication, QgsProject

    app = QgsApplication([], False)
    app.initQgis()
    from pollution_map_plugin.core.river_atlas_facts import river_atlas_rows
    from pollution_map_plugin.qgis_desktop import layouts
    from pollution_map_plugin.qgis_desktop.layer_loading import load_database
    from pollution_map_plugin.qgis_desktop.map_data import compute_map_data
    from pollution_map_plugin.qgis_desktop.map_themes import MAPS, build_maps, projected_crs
    from pollution_map_plugin.qgis_desktop.map_views import render_map_image
    from pollution_map_plugin.qgis_desktop.river_atlas import coverage_layer, ensure_atlas_layout

    out: dict = {"db": str(db), "load_average_start": [round(v, 1) for v in os.getloadavg()]}
    project = QgsProject.instance()
    t0 = time.perf_counter()
    group = load_database(str(db), project)
    data = compute_map_data(str(db))
    out["load_and_assess_s"] = round(time.perf_counter() - t0, 2)
    t0 = time.perf_counter()
    build_maps(group, data, project)
    out["build_maps_s"] = round(time.perf_counter() - t0, 2)
    crs = projected_crs(group, project)

    # baseline: the five whole-area maps, PNG + PDF at 150 dpi (what render-maps writes)
    tmp = REPO / "benchmarks" / "out" / "atlas_bench"
    t0, c0 = time.perf_counter(), time.process_time()
    layouts.export_maps(group, data, tmp / "maps", project)
    out["five_maps_s"] = round(time.perf_counter() - t0, 2)
    out["five_maps_cpu_s"] = round(time.process_time() - c0, 2)

    # the renders to look at: three zoom levels per map
    shots = []
    for spec in MAPS if renders is not None else ():
        renders.mkdir(parents=True, exist_ok=True)
        for zoom, scale in ZOOMS.items():
            extent = city_extent(project, crs, scale) if scale else None
            layout = layouts.build_layout(group, spec.key, data, project, extent)
            path = renders / f"{spec.key}_{zoom}.png"
            layouts.export_layout_file(layout, path, 150)
            shots.append(str(path.relative_to(REPO)))
    for name, size, dpi in (("screen", (1600, 1000), 96), ("a3_300dpi", (4960, 3508), 300)) \
            if renders is not None else ():
        path = renders / f"pollution_whole_{name}.png"
        render_map_image(group, "pollution", project, path, size, dpi)
        shots.append(str(path.relative_to(REPO)))
    out["renders"] = shots

    # the atlas of the key rivers, in the background as the panel runs it
    t0 = time.perf_counter()
    from pollution_map_plugin.core.db import open_database

    with open_database(db) as core_db:
        rows = river_atlas_rows(core_db, data.sections, "key", data.period)
    rows = rows.iloc[:n_rivers]
    coverage = coverage_layer(rows, project, group)
    layout = ensure_atlas_layout(group, coverage, data, project)
    out["atlas_prepare_s"] = round(time.perf_counter() - t0, 2)
    t0, c0 = time.perf_counter(), time.process_time()
    export, gaps = run_in_background(layout, tmp / "atlas", 150)
    out["atlas_s"] = round(time.perf_counter() - t0, 2)
    out["atlas_cpu_s"] = round(time.process_time() - c0, 2)
    steps = sorted(export.page_timings)
    out["atlas_main_thread_step_s"] = {"median": round(steps[len(steps) // 2], 3),
                                       "max": round(steps[-1], 3), "n": len(steps)}
    out["atlas_slowest_steps"] = [(name, round(t, 2)) for name, t in
                                  sorted(export.steps, key=lambda st: st[1])[-8:]]
    kinds: dict[str, list[float]] = {}
    for name, t in export.steps:
        kinds.setdefault(name.split(" river")[0], []).append(t)
    out["atlas_step_median_s"] = {k: round(sorted(v)[len(v) // 2], 3) for k, v in kinds.items()}
    out["atlas_step_max_s"] = {k: round(max(v), 3) for k, v in kinds.items()}
    out["load_average"] = [round(v, 1) for v in os.getloadavg()]
    out["atlas_rivers"] = len(rows)
    out["atlas_pages"] = len(rows) * layout.pageCollection().pageCount()
    out["atlas_pdf_pages"] = sum(r["pages"] for r in export.index)
    out["atlas_longest_stalls"] = export.longest_gaps
    out["atlas_stall_s"] = {"median": round(gaps[len(gaps) // 2], 3),
                            "worst": round(gaps[-1], 3),
                            "over_0.5s": sum(g > 0.5 for g in gaps)}
    per_river = sorted(export.timings)
    out["atlas_per_river_main_thread_s"] = {"median": round(per_river[len(per_river) // 2], 2),
                                            "max": round(per_river[-1], 2)}
    out["ratio_atlas_vs_five_maps"] = round(out["atlas_s"] / out["five_maps_s"], 1)

    # every page of two rivers (the main river and a tributary) as PNG
    atlas_renders.mkdir(parents=True, exist_ok=True)
    two = coverage_layer(rows.iloc[[0, 1]], project, group)
    run_in_background(ensure_atlas_layout(group, two, data, project), atlas_renders, 100,
                      png=True)
    out["atlas_renders"] = sorted(str(p.relative_to(REPO)) for p in atlas_renders.glob("*.png"))
    project.clear()
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=str(REPO / "benchmarks/out/chongqing.gpkg"))
    parser.add_argument("--renders", default=str(REPO / "tests/artifacts/maps_chongqing"))
    parser.add_argument("--atlas-renders", default=str(REPO / "tests/artifacts/atlas"))
    parser.add_argument("--json", default=str(REPO / "benchmarks/out/atlas_vs_maps.json"))
    parser.add_argument("--rivers", type=int, default=37)
    parser.add_argument("--no-map-renders", action="store_true",
                        help="skip the five maps' zoom renders (the atlas and its pages only)")
    args = parser.parse_args()
    db = Path(args.db)
    ensure_db(db)
    renders = None if args.no_map_renders else Path(args.renders)
    result = measure(db, renders, Path(args.atlas_renders), args.rivers)
    Path(args.json).write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n",
                               encoding="utf-8")
    print(json.dumps({k: v for k, v in result.items() if "renders" not in k}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
