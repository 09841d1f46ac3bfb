"""Benchmark of the reach-network index and upstream tracing, side by side with networkx.

    .venv/bin/python benchmarks/trace.py [--reaches 100000] [--traces 1000]
                                         [--gpkg DEMO.gpkg] [--write docs/benchmarks/network.md]

A river tree of ``--reaches`` reaches is synthesised (D8 drainage on a jittered 1 km grid
around Chongqing: 4-vertex lines about 1 km long, downstream_code links), with
Chongqing-scale sources (30,000 farms, 7,000 enterprises, 2,000 plants, 1,000 outfalls)
and 400 sections.  With ``--gpkg`` the reaches and sections of a demo database are traced
as well.  The alternative is the obvious one: a networkx DiGraph and ``nx.ancestors``.
"""

from __future__ import annotations

import argparse
import gc
import platform
import statistics
import sys
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import LineString, Point

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pollution_map_plugin.core.network import ReachNetwork, Tracer  # noqa: E402

LON0, LAT0, KM = 107.5, 30.0, 0.009  # ~1 km in degrees of latitude


def synth_tree(n: int, seed: int = 0) -> gpd.GeoDataFrame:
    """A D8-style river tree on a jittered ~1 km grid: every node drains to its lowest
    neighbour on a noisy cone falling to an outlet on the southern edge, so long
    mainstems and tributaries form as on real terrain (~1.2 km of river per km²)."""
    rng = np.random.default_rng(seed)
    side = int(np.ceil(np.sqrt(n)))
    iy, ix = np.divmod(np.arange(side * side), side)
    # a cone towards (side/2, -1), with noise: always a lower neighbour towards the outlet
    z = np.hypot(ix - side / 2, iy + 1) + rng.uniform(0, 0.45, side * side)
    best = np.full(side * side, -1)
    best_z = z.copy()
    for dx, dy in [(-1, -1), (0, -1), (1, -1), (-1, 0), (1, 0), (-1, 1), (0, 1), (1, 1)]:
        jx, jy = ix + dx, iy + dy
        ok = (jx >= 0) & (jx < side) & (jy >= 0) & (jy < side)
        j = np.where(ok, jy * side + jx, 0)
        lower = ok & (z[j] < best_z)
        best[lower] = j[lower]
        best_z[lower] = z[j][lower]
    keep = np.arange(side * side) < n  # the first n nodes, rows from the south
    parent = np.where(keep[np.maximum(best, 0)] & (best >= 0), best, -1)[:n]
    xy = np.column_stack((ix, iy)).astype(float)[:n] + rng.uniform(-0.3, 0.3, (n, 2))
    deg = np.array([1.0 / np.cos(np.radians(LAT0)), 1.0]) * KM
    start = np.array([LON0, LAT0]) + xy * deg
    end = np.where(parent[:, None] >= 0, start[np.maximum(parent, 0)], start + [0, -KM])
    # river codes: the first tributary (in z order) continues its receiving river
    river = np.empty(n, dtype=object)
    taken = np.zeros(n, dtype=bool)
    for i in np.argsort(z[:n]):
        p = parent[i]
        if p >= 0 and not taken[p]:
            river[i], taken[p] = river[p], True
        else:
            river[i] = f"R{i}"
    t = np.array([1 / 3, 2 / 3])
    mid = start[:, None, :] + (end - start)[:, None, :] * t[None, :, None]
    mid += rng.normal(0, KM * 0.08, mid.shape)
    geoms = [LineString([tuple(start[i]), tuple(mid[i, 0]), tuple(mid[i, 1]), tuple(end[i])])
             for i in range(n)]
    codes = np.array([f"R{i:06d}" for i in range(n)], dtype=object)
    return gpd.GeoDataFrame({
        "code": codes, "river_code": river,
        "downstream_code": [codes[p] if p >= 0 else None for p in parent],
        "length_km": None, "stream_order": 1,
    }, geometry=geoms, crs="EPSG:4490")


def synth_points(reaches: gpd.GeoDataFrame, n: int, rng, prefix: str) -> gpd.GeoDataFrame:
    """Points within ~300 m of random reaches, with loads."""
    pick = rng.integers(0, len(reaches), n)
    geoms = []
    for g in reaches.geometry.values[pick]:
        p = g.interpolate(float(rng.uniform(0, 1)), normalized=True)
        geoms.append(Point(p.x + rng.normal(0, KM * 0.2), p.y + rng.normal(0, KM * 0.2)))
    return gpd.GeoDataFrame({
        "code": [f"{prefix}{i}" for i in range(n)], "name": [f"{prefix}{i}" for i in range(n)],
        "cod_t_a": rng.gamma(2, 20, n), "nh3n_t_a": rng.gamma(2, 2, n),
        "tp_t_a": rng.gamma(2, 0.3, n), "reach_code": reaches["code"].to_numpy()[pick],
    }, geometry=geoms, crs="EPSG:4490")


def synth_units(reaches: gpd.GeoDataFrame, nx_: int = 7, ny: int = 6) -> gpd.GeoDataFrame:
    """42 control units: a 7 × 6 grid of boxes over the reaches."""
    from shapely.geometry import box

    x0, y0, x1, y1 = reaches.total_bounds
    xs, ys = np.linspace(x0, x1, nx_ + 1), np.linspace(y0, y1, ny + 1)
    geoms = [box(xs[i], ys[j], xs[i + 1], ys[j + 1]) for j in range(ny) for i in range(nx_)]
    return gpd.GeoDataFrame({"code": [f"CU{k:02d}" for k in range(len(geoms))],
                             "name": [f"单元{k}" for k in range(len(geoms))]},
                            geometry=geoms, crs="EPSG:4490")


def timed(fn, repeat: int = 1) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def ms(values) -> str:
    v = sorted(values)
    return (f"median {1000 * statistics.median(v):.2f} ms, p95 {1000 * v[int(0.95 * len(v))]:.2f}"
            f" ms, max {1000 * v[-1]:.2f} ms")


def gpkg_figures(path: str, say, nx, before: str | None = None) -> None:
    """The same measures on a demo database (``demo-db --scale chongqing``), the full trace
    side by side with networkx + pandas and, with ``before``, with ``Tracer`` at that
    revision (times, and a digest of every result that must be the same)."""
    from trace_alternative import NxPandasTracer
    from trace_before import LAYERS, digest, run_before

    from pollution_map_plugin.core.db import open_database
    from pollution_map_plugin.core.network.trace_arrays import EAGER_TOP

    old = run_before(before, path) if before else None
    with open_database(path) as db:
        t_read, demo = timed(lambda: {n: db.read_layer(n) for n in LAYERS})
    gc.collect()
    reaches = demo["reaches"]
    src = reaches["code"].to_numpy()
    dst = reaches["downstream_code"].to_numpy()

    def nx_build():
        g = nx.DiGraph()
        g.add_nodes_from(src)
        g.add_edges_from((a, b) for a, b in zip(src, dst) if isinstance(b, str))
        return g

    t_nx, graph = timed(nx_build, 3)
    t_b, net = timed(lambda: ReachNetwork.from_reaches(reaches), 3)
    t_i, tracer = timed(lambda: Tracer(demo, network=net))
    t_alt, alt = timed(lambda: NxPandasTracer(tracer, nx))
    starts = {}
    for c in tracer.section_codes():
        try:
            tracer.trace(c)  # the first trace of a section also finds where it lies
        except ValueError:
            continue
        starts[c] = tracer.locate_section(c)[1:3]
    ours, theirs, sizes, full, frames, top, pandas_t, same, order = ([] for _ in range(9))
    digests = {}
    gc.collect()
    for c, (start, frac) in starts.items():
        t, (idx, _, _) = timed(lambda s=start, f=frac: net.navigate_indices(s, "UT",
                                                                           fraction=f))
        ours.append(t)
        theirs.append(timed(lambda s=start: nx.ancestors(graph, net.codes[s]))[0])
        sizes.append(len(idx))
        t, res = timed(lambda c=c: tracer.trace(c))
        full.append(t)
        frames.append(timed(lambda r=res: (r.sources_gdf, r.reaches_gdf))[0])
        top.append(timed(lambda c=c: tracer.trace(c).top(20))[0])
        t, (_, alt_src, _) = timed(lambda s=start, f=frac: alt.trace(net.codes[s], f))
        pandas_t.append(t)
        mine = res.sources
        same.append(set(mine["code"]) == set(alt_src["code"]) and np.allclose(
            mine.sort_values("code")["distance_km"], alt_src.sort_values("code")["distance_km"],
            rtol=0, atol=1e-6))
        order.append(mine["code"].tolist() == alt_src["code"].tolist())
        if old is not None:
            digests[c] = digest(res)
        del res
    outlet = max(starts, key=lambda c: sizes[list(starts).index(c)])
    o_full, o_frames, o_top, o_alt, o_order = [], [], [], [], []
    for _ in range(20):
        t, res = timed(lambda: tracer.trace(outlet))
        o_full.append(t)
        o_order.append(timed(lambda r=res: r.found.order)[0])
        o_frames.append(timed(lambda r=res: (r.sources_gdf, r.reaches_gdf))[0])
        o_top.append(timed(lambda: tracer.trace(outlet).top(20))[0])
        del res
        gc.collect()
    o_src = tracer.trace(outlet).n_sources
    for _ in range(5):
        o_alt.append(timed(lambda: alt.trace(net.codes[starts[outlet][0]], starts[outlet][1]))[0])
    say()
    say(f"Demo database `{Path(path).name}` ({len(net):,} reaches, {len(full)} sections "
        f"traced, upstream sets median {int(np.median(sizes)):,}, max {max(sizes):,} "
        f"reaches; layers read in {t_read:.1f} s):")
    say()
    say("| measure | ReachNetwork / Tracer | networkx (+ pandas) | ratio |")
    say("|---|---|---|---|")
    say(f"| index build (best of 3) | {t_b:.2f} s | {t_nx:.2f} s | {t_nx / t_b:.2f} |")
    say(f"| UT from every section | {ms(ours)} | {ms(theirs)} | {ratios(theirs, ours)} |")
    say(f"| set-up (sources placed; the networkx + pandas tables from it) | {t_i:.1f} s | "
        f"{t_alt:.1f} s | |")
    say(f"| **full trace** from every section (navigation, scored sources and the best "
        f"{EAGER_TOP} ranked, control units: the arrays) | {ms(full)} | {ms(pandas_t)} | "
        f"{ratios(pandas_t, full)} |")
    say(f"| the same plus the two frames the panel reads (`sources_gdf`, `reaches_gdf`) | "
        f"{ms([a + b for a, b in zip(full, frames)])} | {ms(pandas_t)} | "
        f"{ratios(pandas_t, [a + b for a, b in zip(full, frames)])} |")
    say(f"| full trace plus `top(20)` only | {ms(top)} | | |")
    say(f"| **full trace from the outlet** `{outlet}` ({max(sizes):,} reaches, {o_src:,} "
        f"sources; 20 runs, networkx + pandas 5) | {ms(o_full)} | {ms(o_alt)} | "
        f"{ratios(o_alt, o_full)} |")
    say(f"| the outlet, the rank order beyond the first {EAGER_TOP} (on first use) | "
        f"{ms(o_order)} | | |")
    say(f"| the outlet, frames the panel reads (after the trace) | {ms(o_frames)} | | |")
    say(f"| the outlet, full trace plus `top(20)` | {ms(o_top)} | | |")
    say()
    say(f"networkx + pandas finds the same sources at the same distances (±1 µm) from "
        f"{sum(same)} of {len(same)} sections, in the same rank order from {sum(order)}.")
    if old is not None:
        hit = sum(digests[c] == old["digests"].get(c) for c in digests)
        say()
        say(f"`Tracer.trace` at `{before}` (before the arrays; the frames made in the trace): "
            f"every section {ms(old['times'].values())}; the outlet {ms(old['outlet_times'])}. "
            f"Its three GeoDataFrames (columns, dtypes, values, order, geometries) are "
            f"identical to today's from {hit} of {len(digests)} sections.")


def ratios(theirs, ours) -> str:
    """networkx / ours at the median and at the 95th percentile."""
    t, o = sorted(theirs), sorted(ours)
    p95 = int(0.95 * len(t))
    return f"{t[len(t) // 2] / o[len(o) // 2]:.0f}× median, {t[p95] / o[p95]:.0f}× p95"


HEADER = """# Benchmark: reach network and upstream tracing

Written by `benchmarks/trace.py` (rerun: `.venv/bin/python benchmarks/trace.py --gpkg
CHONGQING.gpkg --write docs/benchmarks/network.md`, with the database from
`python -m pollution_map_plugin demo-db CHONGQING.gpkg --scale chongqing`).

The alternative is the obvious one: a `networkx.DiGraph` of the `downstream_code` links
and `nx.ancestors` for the reaches upstream.  `ReachNetwork` keeps the links as CSR
arrays and a depth-first order from the outlets, in which the reaches draining to a
reach are one contiguous slice (`core/network/order.py`); distances come from one
precomputed "river below" array.  Reaches below a braid or in a cycle fall back to
SciPy's Dijkstra.  The build reads every line (end points for the reversed-reach and
gap checks, lengths where `length_km` is missing), which the networkx build does not.

The full trace (`Tracer.trace`: navigation, the candidate sources with their network
distances and scores, the best 100 of them in rank order, the control units met) works
on arrays (the rank order of the others is made on first use): the result holds
indices into the tracer's arrays, and its DataFrames and GeoDataFrames are made on first
use (`core/network/trace_arrays.py`), so a click waits for the arrays and then for the
frames the panel reads; `top(n)` makes the first n ranked sources alone.  The
alternative for the full trace (`benchmarks/trace_alternative.py`) is networkx
(`single_source_dijkstra_path_length` upstream) and pandas (the sources grouped by reach
once; per trace `take`, `map`, the score, `sort_values`, `isin` for the units), from the
same sources placed once.  `--before REV` also runs `Tracer.trace` as at REV
(`benchmarks/trace_before.py`) and compares every result (`benchmarks/run_all.py --only
network` passes `--before 893353b^`, the last revision that made the frames in the trace).

Times are wall-clock on a shared 2-core machine with other jobs running (expect noise in
the maxima; the garbage collector is off inside the timings, as in `timeit`).  Targets
of the issue: index build < 2 s for 100,000 reaches; a trace < 10 ms.

"""


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reaches", type=int, default=100_000)
    ap.add_argument("--traces", type=int, default=1000)
    ap.add_argument("--gpkg", help="also trace every section of this demo database")
    ap.add_argument("--write", help="write the figures (markdown) to this file")
    ap.add_argument("--before", metavar="REV", help="with --gpkg: also Tracer.trace at REV")
    args = ap.parse_args(argv)
    import networkx as nx

    rng = np.random.default_rng(1)
    lines: list[str] = []
    gc.disable()  # as timeit does: no collector pauses inside the timings

    def say(text: str = "") -> None:
        print(text, flush=True)
        lines.append(text)

    t, reaches = timed(lambda: synth_tree(args.reaches))
    gc.collect()
    say(f"Synthetic tree: {len(reaches):,} reaches (made in {t:.1f} s). "
        f"Python {platform.python_version()}, numpy {np.__version__}, "
        f"networkx {nx.__version__}, {platform.machine()}.")
    say()
    plain = pd.DataFrame(reaches.drop(columns="geometry"))
    plain["length_km"] = 1.0
    no_links = reaches.drop(columns="downstream_code")
    say("| build (best of 3) | time | networkx time / this |")
    say("|---|---|---|")
    src = plain["code"].to_numpy()
    dst = plain["downstream_code"].to_numpy()

    def nx_build():
        g = nx.DiGraph()
        g.add_nodes_from(src)
        g.add_edges_from((a, b) for a, b in zip(src, dst) if b is not None)
        return g

    t_nx, graph = timed(nx_build, 3)
    t_plain, _ = timed(lambda: ReachNetwork.from_reaches(plain), 3)
    t_geo, net = timed(lambda: ReachNetwork.from_reaches(reaches), 3)
    t_snap, snapped = timed(lambda: ReachNetwork.from_reaches(no_links), 1)
    say(f"| networkx DiGraph from downstream_code (the alternative) | {t_nx:.2f} s | 1 |")
    say(f"| ReachNetwork, links only (a DataFrame) | {t_plain:.2f} s | {t_nx / t_plain:.2f} |")
    say(f"| ReachNetwork, links + lines (GeoDataFrame: lengths, reversed and gap checks) | "
        f"{t_geo:.2f} s | {t_nx / t_geo:.2f} |")
    say(f"| ReachNetwork, lines only (end points snapped at 5 m) | {t_snap:.2f} s | "
        f"{t_nx / t_snap:.2f} |")
    say()
    say(f"Issues found: links+lines {[i.kind for i in net.issues]}, "
        f"lines only {[i.kind for i in snapped.issues]}.")
    say()

    starts = rng.choice(len(net), args.traces, replace=False)
    ours, theirs, sizes = [], [], []
    for s in starts:
        t0 = time.perf_counter()
        idx, _, _ = net.navigate_indices(int(s), "UT")
        ours.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        anc = nx.ancestors(graph, net.codes[s])
        theirs.append(time.perf_counter() - t0)
        assert len(anc) + 1 == len(idx)
        sizes.append(len(idx))
    big = np.argsort(sizes)[-max(1, args.traces // 20):]
    t_out, (out_idx, _, _) = timed(
        lambda: net.navigate_indices(net.index_of(net.outlets()[0]), "UT"), 3)
    t_out_nx, _ = timed(lambda: nx.ancestors(graph, net.outlets()[0]), 3)
    t_lim = [timed(lambda s=s: net.navigate_indices(int(s), "UT", 10.0))[0] for s in starts]
    t_um = [timed(lambda s=s: net.navigate_indices(int(s), "UM"))[0] for s in starts]
    t_dm = [timed(lambda s=s: net.navigate_indices(int(s), "DM"))[0] for s in starts]
    t_df = [timed(lambda s=s: net.navigate(net.codes[s], "UT"))[0] for s in starts[:200]]
    say(f"UT from {args.traces:,} random reaches (upstream sets: median "
        f"{int(np.median(sizes))}, max {max(sizes):,} reaches):")
    say()
    say("| navigation | ReachNetwork | networkx ancestors | ratio |")
    say("|---|---|---|---|")
    say(f"| UT, random reaches | {ms(ours)} | {ms(theirs)} | {ratios(theirs, ours)} |")
    b_o, b_t = [ours[i] for i in big], [theirs[i] for i in big]
    say(f"| UT, largest 5 % | {ms(b_o)} | {ms(b_t)} | {ratios(b_t, b_o)} |")
    say(f"| UT from the outlet ({len(out_idx):,} reaches) | {1000 * t_out:.1f} ms | "
        f"{1000 * t_out_nx:.1f} ms | {t_out_nx / t_out:.1f}× |")
    say(f"| UT within 10 km | {ms(t_lim)} | — | |")
    say(f"| UM | {ms(t_um)} | — | |")
    say(f"| DM | {ms(t_dm)} | — | |")
    say(f"| UT as a DataFrame (`navigate`) | {ms(t_df)} | — | |")
    say()

    # full traces with Chongqing-scale sources and 42 control units on the synthetic network
    frames = {"reaches": reaches,
              "livestock_farms": synth_points(reaches, 30_000, rng, "F"),
              "enterprises": synth_points(reaches, 7_000, rng, "E"),
              "sewage_plants": synth_points(reaches, 2_000, rng, "P"),
              "outfalls": synth_points(reaches, 1_000, rng, "O"),
              "sections": synth_points(reaches, 400, rng, "S"),
              "control_units": synth_units(reaches)}
    frames["enterprises"]["outfall_code"] = [f"O{i}" if i < 1000 else None
                                             for i in range(7000)]
    t_init, tracer = timed(lambda: Tracer(frames, network=net))
    codes = tracer.section_codes()
    first = [timed(lambda c=c: tracer.trace(c))[0] for c in codes]
    full = [timed(lambda c=c: tracer.trace(c))[0] for c in codes]
    lim = [timed(lambda c=c: tracer.trace(c, distance_km=20.0))[0] for c in codes]

    def with_outputs(c):
        res = tracer.trace(c)
        return res.reaches_gdf, res.sources_gdf, res.control_units_gdf, res.to_json()

    out = [timed(lambda c=c: with_outputs(c))[0] for c in codes[:100]]
    sizes = [tracer.trace(c).n_sources for c in codes[:100]]
    say(f"`Tracer.trace` from 400 sections (40,000 sources, 42 control units); set-up "
        f"(every source placed on its reach) {t_init:.1f} s:")
    say()
    say(f"- full trace (arrays), first call (also finds the control units of every reach, "
        f"once): {ms(first)}")
    say(f"- full trace (arrays), again: {ms(full)}")
    say(f"- UT within 20 km: {ms(lim)}")
    say(f"- UT plus the three GeoDataFrames and `to_json()` (100 sections, median "
        f"{int(np.median(sizes))} sources): {ms(out)}")
    if args.gpkg:
        gpkg_figures(args.gpkg, say, nx, args.before)
    if args.write:
        Path(args.write).parent.mkdir(parents=True, exist_ok=True)
        Path(args.write).write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
