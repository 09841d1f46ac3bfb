"""Benchmark: generate the ``chongqing``-scale synthetic database, in memory and to GeoPackage.

    .venv/bin/python benchmarks/generate.py [--seed 1] [--no-gpkg] [--walk-sample 2000]
                                            [--write docs/benchmarks/generator.md]

Times ``generate("chongqing")`` stage by stage (wall and CPU), then writing it to a
GeoPackage with ``build_database``.  Two ratios against the obvious alternative:

* load routing: the generator's level-by-level vectorised routing of every source's
  loads to the sections, against walking each source down the network in Python
  (timed on ``--walk-sample`` sources, extrapolated linearly);
* geometry construction on shapely 1.8: filling an object array then a
  ``GeometryArray``, against ``GeoSeries(list_of_lines)`` (which asks every geometry
  for its NumPy array interface).  Skipped on shapely 2, where both are fast.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import geopandas as gpd  # noqa: E402
import shapely  # noqa: E402

from pollution_map_plugin.synthetic_data import build_database, generate  # noqa: E402
from pollution_map_plugin.synthetic_data.config import CHONGQING, stream  # noqa: E402
from pollution_map_plugin.synthetic_data.river_network import build_network  # noqa: E402
from pollution_map_plugin.synthetic_data.routing import ROUTED, Router  # noqa: E402
from pollution_map_plugin.synthetic_data.schema_frames import geoseries  # noqa: E402
from pollution_map_plugin.synthetic_data.terrain import build_terrain  # noqa: E402


def clock(func):
    """Run ``func``; return (wall s, CPU s, result)."""
    t, c = time.perf_counter(), time.process_time()
    out = func()
    return time.perf_counter() - t, time.process_time() - c, out


def routing_ratio(seed: int, sample: int) -> dict:
    """Vectorised routing of all farms' loads vs per-source Python walks."""
    terrain = build_terrain(CHONGQING, stream(seed, "terrain"))
    net = build_network(terrain, CHONGQING, stream(seed, "network"))
    rng = np.random.default_rng(seed)
    channel = np.flatnonzero(net.channel)
    sections = rng.choice(channel, 420, replace=False)
    entries = rng.choice(channel, 40_000)
    loads = rng.random((len(entries), len(ROUTED)))
    router = Router(net, sections)
    vec_wall, _, routed = clock(lambda: router.route(entries, loads))

    def walk(n: int) -> np.ndarray:
        out = np.zeros((len(sections), len(ROUTED)))
        for k in range(n):
            for s, f in router.path_factor(int(entries[k])).items():
                out[s] += loads[k] * f
        return out

    n = min(sample, len(entries))
    walk_wall, _, _ = clock(lambda: walk(n))
    return {"sources": len(entries), "reaches_cells": len(channel), "vector_s": vec_wall,
            "walk_sample": n, "walk_s": walk_wall * len(entries) / n,
            "check": float(routed.sum())}


def geometry_ratio(reaches: gpd.GeoDataFrame) -> dict | None:
    if hasattr(shapely, "from_wkb"):  # shapely 2 (its __version__ may be "0+unknown")
        return None
    lines = list(reaches.geometry)
    fast, _, _ = clock(lambda: geoseries(lines))
    slow, _, _ = clock(lambda: gpd.GeoSeries(lines, crs="EPSG:4490"))
    return {"n": len(lines), "fast_s": fast, "slow_s": slow}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-gpkg", action="store_true", help="skip writing the GeoPackage")
    ap.add_argument("--walk-sample", type=int, default=2000)
    ap.add_argument("--write", type=Path, help="write the figures as Markdown here")
    args = ap.parse_args(argv)

    stages: dict[str, float] = {}
    wall, cpu, tables = clock(lambda: generate("chongqing", args.seed, timings=stages))
    counts = {k: len(v) for k, v in tables.items()}
    print(f"generate(chongqing): {wall:.1f} s wall, {cpu:.1f} s CPU")
    for k, v in stages.items():
        print(f"  {k:<34}{v:7.2f} s")
    gpkg = None
    if not args.no_gpkg:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "chongqing.gpkg"
            gw, gc, db = clock(lambda: build_database(path, "chongqing", args.seed,
                                                       data=tables))
            db.close()
            gpkg = {"wall": gw, "cpu": gc, "mb": path.stat().st_size / 1e6}
        print(f"write GeoPackage: {gw:.1f} s wall, {gc:.1f} s CPU, {gpkg['mb']:.0f} MB")
    route = routing_ratio(args.seed, args.walk_sample)
    print(f"routing {route['sources']} sources: vectorised {route['vector_s']:.2f} s, "
          f"Python walks ~{route['walk_s']:.1f} s (x{route['walk_s'] / route['vector_s']:.0f})")
    geom = geometry_ratio(tables["reaches"])
    if geom:
        print(f"{geom['n']} reach lines: object array {geom['fast_s']:.2f} s, "
              f"GeoSeries(list) {geom['slow_s']:.2f} s (x{geom['slow_s'] / geom['fast_s']:.0f})")
    if args.write:
        args.write.write_text(report(wall, cpu, stages, counts, gpkg, route, geom),
                              encoding="utf-8")
        print(f"wrote {args.write}")
    return 0


def report(wall, cpu, stages, counts, gpkg, route, geom) -> str:
    lines = [
        "# Benchmark: generating the Chongqing-scale synthetic database",
        "",
        "`.venv/bin/python benchmarks/generate.py --write docs/benchmarks/generator.md`",
        "",
        f"Machine: {platform.platform()}, Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs; numpy {np.__version__}, shapely {shapely.__version__}, "
        f"geopandas {gpd.__version__}.  Single process; load average when the report was "
        f"written: {os.getloadavg()[0]:.1f} (other jobs share the CPUs: CPU time is the "
        "steadier figure).",
        "",
        "## Generation in memory (`generate(\"chongqing\", seed=1)`)",
        "",
        f"Total **{wall:.1f} s** wall, {cpu:.1f} s CPU (budget: 2 minutes).",
        "",
        "| stage | seconds |",
        "|---|---:|",
    ]
    lines += [f"| {k} | {v:.2f} |" for k, v in stages.items()]
    lines += ["", "| table | rows |", "|---|---:|"]
    lines += [f"| {k} | {v:,} |" for k, v in counts.items()]
    if gpkg:
        lines += ["", "## Written to GeoPackage (`build_database`, one transaction)", "",
                  f"{gpkg['wall']:.1f} s wall, {gpkg['cpu']:.1f} s CPU; file "
                  f"{gpkg['mb']:.0f} MB."]
    lines += [
        "", "## Ratios against the obvious alternative", "",
        "| task | generator | alternative | ratio |", "|---|---:|---:|---:|",
        f"| route {route['sources']:,} sources' loads ({len(ROUTED)} items) to 420 sections "
        f"over {route['reaches_cells']:,} channel cells | {route['vector_s']:.2f} s "
        f"(level-by-level NumPy) | {route['walk_s']:.1f} s (walk each source downstream, "
        f"extrapolated from {route['walk_sample']:,}) | "
        f"{route['walk_s'] / route['vector_s']:.0f}x |",
    ]
    if geom:
        lines.append(
            f"| build a GeoSeries of {geom['n']:,} reach lines (shapely 1.8) | "
            f"{geom['fast_s']:.2f} s (object array + GeometryArray) | {geom['slow_s']:.2f} s "
            f"(`GeoSeries(list)`) | {geom['slow_s'] / geom['fast_s']:.0f}x |")
    lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
