"""Benchmark: the overview beside ``GeoDataFrame.explore()`` and folium ``MarkerCluster``.

    .venv/bin/python benchmarks/html_overview_compare.py [--db benchmarks/out/chongqing.gpkg]
        [--scales 1 4] [--runs 3] [--write benchmarks/out/html_compare.md]

The same sources (every source layer of the ``chongqing`` demo database, then the same
sources four times over, each copy shifted by up to ±0.02°) written three ways in one
run: our overview (supercluster per source type, time slider, search, tables, inline
assets), ``explore()`` (one circle marker per source coloured by type, popups) and a
folium map with one ``MarkerCluster`` per source type (a marker per source, tooltips).
Each page is opened in headless Chromium with the network off (the CDN links of
explore and MarkerCluster are swapped for the pinned local Leaflet and
Leaflet.markercluster from ``node_modules``), and measured: time to write, file size,
time from navigation until every point is held by the map, and one zoom step (from the
``setZoom`` call until two animation frames later, median of steps in and out from the
first view).  qgis2web is not measured: it is a QGIS plugin, not installable from PyPI
or npm here.
"""

from __future__ import annotations

import argparse
import copy
import os
import platform
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from shapely.geometry import Point

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.html_export import (  # noqa: E402
    _mapclassify_stand_in,
    explore_ready,
    offline_copy_of_explore,
    sources_frame,
    time_to_usable,
)
from pollution_map_plugin.core.html import ExportContext  # noqa: E402
from pollution_map_plugin.core.html.overview import overview_page  # noqa: E402
from pollution_map_plugin.core.schema import SOURCE_LAYERS  # noqa: E402
from tests.fixtures.browser import Browser, make_driver  # noqa: E402

OURS_READY = "document.documentElement.getAttribute('data-psm-ready') === '1'"
NODE = REPO / "node_modules"
FIND_MAP = ("(window.PSM_STATE && PSM_STATE.map) || (function () { for (var k in window) {"
            " if (/^map_/.test(k) && window[k] instanceof L.Map) { return window[k]; } } }())")
ZOOM_STEP = """
var done = arguments[arguments.length - 1], dz = arguments[0], map = """ + FIND_MAP + """;
var t0 = performance.now();
map.setZoom(map.getZoom() + dz, {animate: false});
requestAnimationFrame(function () { requestAnimationFrame(function () {
  done(performance.now() - t0); }); });
"""


def scaled(ctx: ExportContext, k: int, seed: int = 7) -> ExportContext:
    """A context whose source layers hold ``k`` copies of each source (copies shifted)."""
    if k == 1:
        return ctx
    rng = np.random.default_rng(seed)
    out = copy.copy(ctx)
    out.layers = dict(ctx.layers)
    for name in SOURCE_LAYERS:
        g = ctx.layers[name]
        parts = [g]
        for j in range(1, k):
            c = g.copy()
            dx, dy = rng.uniform(-0.02, 0.02, len(c)), rng.uniform(-0.02, 0.02, len(c))
            c["geometry"] = type(c.geometry)(
                [None if p is None or p.is_empty else Point(p.x + a, p.y + b)
                 for p, a, b in zip(c.geometry, dx, dy)], crs=g.crs)
            c["code"] = c["code"].astype(str) + f"-{j}"
            parts.append(c)
        out.layers[name] = type(g)(pd.concat(parts, ignore_index=True), geometry="geometry",
                                   crs=g.crs)
    out._xy, out._names, out._groups, out._boxes = {}, {}, {}, {}
    out._farms_metric = None
    return out


def write_markercluster(gdf, path: Path) -> float:
    """A folium map with one MarkerCluster per source type; seconds to build and save."""
    import folium
    from folium.plugins import MarkerCluster

    t0 = time.perf_counter()
    b = gdf.total_bounds
    m = folium.Map(location=[(b[1] + b[3]) / 2, (b[0] + b[2]) / 2], zoom_start=8, tiles=None)
    m.options["maxZoom"] = 19  # MarkerCluster needs one (folium sets it on tiles only)
    m.fit_bounds([[b[1], b[0]], [b[3], b[2]]])
    for kind, part in gdf.groupby("type"):
        mc = MarkerCluster(name=str(kind)).add_to(m)
        for p, name in zip(part.geometry, part["name"].astype(str)):
            if p is not None:
                folium.Marker([p.y, p.x], tooltip=name).add_to(mc)
    folium.LayerControl().add_to(m)
    m.save(str(path))
    return time.perf_counter() - t0


def offline_markercluster(src: Path, dst: Path) -> None:
    """The MarkerCluster page with its CDN scripts swapped for the local npm copies."""
    html = src.read_text(encoding="utf-8")
    local = {
        "leaflet.js": NODE / "leaflet/dist/leaflet.js",
        "leaflet.css": NODE / "leaflet/dist/leaflet.css",
        "leaflet.markercluster.js": NODE / "leaflet.markercluster/dist/leaflet.markercluster.js",
        "MarkerCluster.css": NODE / "leaflet.markercluster/dist/MarkerCluster.css",
        "MarkerCluster.Default.css": NODE / "leaflet.markercluster/dist/MarkerCluster.Default.css",
    }

    def swap(m: re.Match) -> str:
        url = m.group(2)
        base = url.rsplit("/", 1)[-1]
        if base in local:
            return m.group(0).replace(url, local[base].as_uri())
        return ""

    html = re.sub(r'<(script|link)[^>]*(?:src|href)="(https?://[^"]*)"[^>]*>(</script>)?',
                  swap, html)
    dst.write_text(html, encoding="utf-8")


def markercluster_ready(n: int) -> str:
    return ("(function () { if (!window.L || !L.MarkerClusterGroup) { return false; }"
            " var t = 0; for (var k in window) { var v = window[k];"
            "  if (v && v instanceof L.MarkerClusterGroup) { t += v.getLayers().length; } }"
            f" return t === {n}; }})()")


def zoom_steps(browser: Browser, steps: int = 6) -> tuple[float, float | None]:
    """Median ms of a zoom step (in, out, in …) and, for ours, of the clusterers' work."""
    times, inner = [], []
    for k in range(steps):
        dz = 1 if k % 2 == 0 else -1
        times.append(browser.driver.execute_async_script(
            ZOOM_STEP, dz))
        if browser.js("return !!window.PSM_STATE"):
            inner.append(browser.js(
                "var t = 0, o = PSM_STATE.overlays; for (var k in o) {"
                " if (o[k].lastUpdateMs !== undefined && o[k].lastUpdateMs !== null &&"
                " PSM_STATE.map.hasLayer(o[k])) { t += o[k].lastUpdateMs; } } return t;"))
    return statistics.median(times), (statistics.median(inner) if inner else None)


def measure(browser: Browser, path: Path, ready: str, runs: int) -> dict:
    from selenium.common.exceptions import TimeoutException

    try:
        usable, _ = time_to_usable(browser, path, ready, runs)
    except (TimeoutError, TimeoutException):  # not usable within 120 s (or not loaded)
        return {"usable": float("inf"), "zoom": float("nan"), "inner": None,
                "errors": browser.console_errors()[:3], "remote": []}
    zoom, inner = zoom_steps(browser)
    only = None
    if browser.js("return !!window.PSM_STATE"):  # the sources alone, as on the others' pages
        browser.js("var s = PSM_STATE, m = s.map; for (var k in s.holders) {"
                   " if (s.specs[k].layerKind !== 'points') { m.removeLayer(s.holders[k]); } }"
                   "m.eachLayer(function (l) { if (l instanceof L.Path) { m.removeLayer(l); } });")
        only, _ = zoom_steps(browser)
    errors = browser.console_errors()
    return {"usable": usable, "zoom": zoom, "inner": inner, "sources_only": only,
            "errors": errors[:3], "remote": browser.remote_requests()[:3]}


def run_scale(ctx: ExportContext, k: int, out: Path, browser: Browser, runs: int,
              pages: tuple[str, ...] = ("ours", "explore", "markercluster")) -> dict:
    sc = scaled(ctx, k)
    n = sum(len(sc.layers[name]) for name in SOURCE_LAYERS)
    print(f"× {k}: {n:,} sources", flush=True)
    rows = {}
    ours = out / f"ours_x{k}.html"
    t0 = time.perf_counter()
    ours.write_text(overview_page(sc), encoding="utf-8")
    rows["ours"] = {"write": time.perf_counter() - t0, "size": ours.stat().st_size,
                    **measure(browser, ours, OURS_READY, runs)}
    browser.screenshot(f"bench_overview_x{k}")
    print("  ours", rows["ours"], flush=True)
    gdf = sources_frame(sc)
    if "explore" in pages:
        rows["explore"] = run_explore(gdf, k, out, browser, runs)
    if "markercluster" in pages:
        rows["markercluster"] = run_markercluster(gdf, k, out, browser, runs)
    return {"k": k, "n": n, "rows": rows}


def run_explore(gdf, k: int, out: Path, browser: Browser, runs: int) -> dict:
    explore = out / f"explore_x{k}.html"
    t0 = time.perf_counter()
    gdf.explore(column="type", popup=True, tooltip="name", tiles=None).save(str(explore))
    t_explore = time.perf_counter() - t0
    local = out / f"explore_x{k}_local.html"
    offline_copy_of_explore(explore, local)
    row = {"write": t_explore, "size": explore.stat().st_size,
           **measure(browser, local, explore_ready(len(gdf)), runs)}
    print("  explore", row, flush=True)
    return row


def run_markercluster(gdf, k: int, out: Path, browser: Browser, runs: int) -> dict:
    mc = out / f"markercluster_x{k}.html"
    t_mc = write_markercluster(gdf, mc)
    mc_local = out / f"markercluster_x{k}_local.html"
    offline_markercluster(mc, mc_local)
    n_points = int(gdf.geometry.notna().sum())
    row = {"write": t_mc, "size": mc.stat().st_size,
           **measure(browser, mc_local, markercluster_ready(n_points), runs)}
    print("  markercluster", row, flush=True)
    return row


def markdown(results: list[dict], runs: int, load: float, load_end: float | None = None) -> str:
    lines = [
        "| sources | page | write | file | usable in Chromium | zoom step, whole page "
        "(the clusterers' own work; the sources alone) |",
        "|---:|---|---:|---:|---:|---:|"]
    for r in results:
        ours = r["rows"]["ours"]
        for name, row in r["rows"].items():
            inner = f" ({row['inner']:.0f} ms" if row["inner"] is not None else ""
            if row.get("sources_only") is not None:
                inner += f"; sources alone {row['sources_only']:.0f} ms)"
            elif inner:
                inner += ")"
            ratio = "" if name == "ours" else (
                f" — {row['usable'] / ours['usable']:.1f}× ours")
            zratio = "" if name == "ours" or row["zoom"] != row["zoom"] else (
                f" — {row['zoom'] / ours['zoom']:.1f}× ours")
            if row["usable"] == float("inf"):
                ratio = " (not usable within 120 s)"
            lines.append(
                f"| {r['n']:,} | {name} | {row['write']:.1f} s | {row['size'] / 1e6:.1f} MB "
                f"| {row['usable']:.2f} s{ratio} | {row['zoom']:.0f} ms{inner}{zratio} |")
    end = f", {load_end:.1f} at the end" if load_end is not None else ""
    head = (f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs (load average "
            f"{load:.1f} at the start{end}), headless Chromium, network off; median of {runs} "
            "loads and of 6 zoom steps.")
    return head + "\n\n" + "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", type=Path, default=REPO / "benchmarks" / "out" / "chongqing.gpkg")
    ap.add_argument("--out", type=Path, default=REPO / "benchmarks" / "out" / "html_compare")
    ap.add_argument("--scales", type=int, nargs="+", default=[1, 4])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--write", type=Path, default=None)
    ap.add_argument("--pages", nargs="+", default=["ours", "explore", "markercluster"],
                    choices=["ours", "explore", "markercluster"],
                    help="which pages to measure (ours always)")
    args = ap.parse_args(argv)
    if not args.db.exists():
        sys.exit(f"{args.db} is missing: python -m pollution_map_plugin demo-db {args.db} "
                 "--scale chongqing")
    args.out.mkdir(parents=True, exist_ok=True)
    _mapclassify_stand_in()
    from pollution_map_plugin.core.db import open_database

    with open_database(args.db) as db:
        ctx = ExportContext(db, offline=True)
    load = os.getloadavg()[0]  # after reading the database: the load the pages met
    driver = make_driver(tempfile.mkdtemp(prefix="psm-bench-compare-"))
    driver.set_page_load_timeout(120)
    browser = Browser(driver, REPO / "tests" / "artifacts")
    try:
        results = [run_scale(ctx, k, args.out, browser, args.runs, tuple(args.pages))
                   for k in args.scales]
    finally:
        driver.quit()
    text = markdown(results, args.runs, load, os.getloadavg()[0])
    print(text)
    if args.write:
        args.write.parent.mkdir(parents=True, exist_ok=True)
        args.write.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
