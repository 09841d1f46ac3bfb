"""Benchmark and check of the item-matched trace (issue 13) at Chongqing scale.

    .venv/bin/python benchmarks/trace_shares.py --gpkg benchmarks/out/chongqing.gpkg \
        [--scale chongqing] [--write docs/benchmarks/trace_shares.md]

1. Timing, side by side with networkx + pandas (``trace_shares_alternative``): the full
   trace (navigation, candidate sources, one item's contributions with decay, shares, the
   short list, shares by type and by stretch, and the 20 rows the panel lists) from every
   section and 20 times from the outlet (the section with the largest upstream set).
2. Quality, on the generator's data made again in memory (``--scale``, ``--seeds``; seed
   1 is ``demo-db``'s): how long the short list is against the upstream candidates for
   the failing sections, and how often the generator's planted culprits (it knows which
   discharger it sized to break each section) are in their section's short list
   (``trace_shares_quality``).
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pollution_map_plugin.core.network.source_attribution import (  # noqa: E402
    SourceAttribution,
)

INTRO = """`nice .venv/bin/python benchmarks/trace_shares.py --gpkg benchmarks/out/chongqing.gpkg
--scale chongqing --write docs/benchmarks/trace_shares.md`. "Full trace" is what a click
does: `Tracer.trace` (navigation, candidates, control units as arrays), `shares(item)`
(each source's load carried down with first-order decay, the shares, the flags), the
short list, the shares by source type and by stretch (arrays: the panel's bar and map),
and the 20 rows the panel lists (a DataFrame). The alternative does the same with
networkx (`single_source_dijkstra_path_length`) and pandas (sort, cumsum, groupby), from
the same set-up (`benchmarks/trace_shares_alternative.py`).

"""
CPU: list[float] = []  # the CPU time of each ``timed`` call, in order


def timed(fn, repeat: int = 1):
    best, cpu, out = float("inf"), float("inf"), None
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        best = min(best, time.perf_counter() - t0)
        cpu = min(cpu, time.process_time() - c0)
    CPU.append(cpu)
    return best, out


def ms(values) -> str:
    v = sorted(values)
    return (f"p50 {1000 * statistics.median(v):.2f} ms, p95 {1000 * v[int(0.95 * len(v))]:.2f}"
            f" ms, max {1000 * v[-1]:.2f} ms")


def ratio(theirs, ours) -> str:
    t, o = sorted(theirs), sorted(ours)
    return (f"{statistics.median(t) / statistics.median(o):.1f}× p50, "
            f"{t[int(0.95 * len(t))] / o[int(0.95 * len(o))]:.1f}× p95, "
            f"{t[-1] / o[-1]:.1f}× max")


def full_trace(att: SourceAttribution, code: str, item: str):
    """What a click does: trace, shares, short list, the shares by type and by stretch
    (arrays: the bar and the map), and the 20 rows the panel lists (a frame)."""
    sh = att.tracer.trace(code).shares(item, att.settings)
    return (sh.short_list_n, sh.group_totals(), sh.stretch_totals(), sh.sources_frame(20))


def timing(path: str, say) -> None:
    import networkx as nx
    from trace_shares_alternative import NxPandasShares

    from pollution_map_plugin.core.db import open_database

    with open_database(path) as db:
        t_read, att = timed(lambda: SourceAttribution.from_database(db))
    tracer = att.tracer
    t_ctx, _ = timed(tracer.share_context)
    items = ["NH3N", "TP", "COD", "CODMn", "BOD5", "Oil", "DO", "LAS", "F", "VPhen"]
    t_alt, alt = timed(lambda: NxPandasShares(tracer, nx, items))
    todo = {}
    for c in tracer.section_codes():
        try:
            start, frac = tracer.section_start(c)[:2]
        except ValueError:
            continue
        todo[c] = (start, frac, att.main_item(c) or "NH3N")
    ours, theirs, sizes, same, c_ours, c_theirs = [], [], [], 0, [], []
    gc.collect()
    gc.disable()
    for c, (start, frac, item) in todo.items():
        t, (n_short, *_rest) = timed(lambda c=c, i=item: full_trace(att, c, i), 3)
        ours.append(t)
        c_ours.append(CPU[-1])
        t, alt_out = timed(lambda s=start, f=frac, i=item: alt.shares(tracer.network.codes[s],
                                                                       f, i))
        theirs.append(t)
        c_theirs.append(CPU[-1])
        sizes.append(tracer.trace(c).n_sources)
        same += alt_out["short_list_n"] == n_short
    outlet = list(todo)[int(np.argmax(sizes))]
    start, frac, item = todo[outlet]
    o_ours = [timed(lambda: full_trace(att, outlet, item))[0] for _ in range(20)]
    oc_ours = CPU[-20:]
    o_alt = [timed(lambda: alt.shares(tracer.network.codes[start], frac, item))[0]
             for _ in range(5)]
    oc_alt = CPU[-5:]
    gc.enable()
    say(f"Database `{Path(path).name}`: {len(tracer.network):,} reaches, "
        f"{len(tracer.sources):,} sources, {len(todo)} sections traced (their main failing "
        f"item, else NH3-N); read, assessed and indexed once in {t_read:.1f} s, the share "
        f"context (stretches, units, flags) {t_ctx:.2f} s, the networkx + pandas tables "
        f"{t_alt:.1f} s.")
    say()
    say("| full trace: navigation, candidates, contributions, shares, short list, by type, "
        "by stretch, 20 rows | ours | networkx + pandas | ratio |")
    say("|---|---|---|---|")
    say(f"| every section, wall clock (ours best of 3) | {ms(ours)} | {ms(theirs)} | "
        f"{ratio(theirs, ours)} |")
    say(f"| every section, CPU time | {ms(c_ours)} | {ms(c_theirs)} | "
        f"{ratio(c_theirs, c_ours)} |")
    say(f"| the outlet `{outlet}` ({max(sizes):,} candidate sources; 20 runs, theirs 5), "
        f"wall clock | {ms(o_ours)} | {ms(o_alt)} | {ratio(o_alt, o_ours)} |")
    say(f"| the outlet, CPU time | {ms(oc_ours)} | {ms(oc_alt)} | {ratio(oc_alt, oc_ours)} |")
    say(f"| the outlet, best run (CPU) | {1000 * min(oc_ours):.2f} ms | "
        f"{1000 * min(oc_alt):.2f} ms | {min(oc_alt) / min(oc_ours):.1f}× |")
    say()
    say(f"Load average while measuring: {' / '.join(f'{v:.1f}' for v in os.getloadavg())} "
        f"(2 cores shared with other work: wall-clock figures are pessimistic).")
    say()
    faster = sum(a < b for a, b in zip(c_ours, c_theirs))
    say(f"Ours is faster (CPU time) from {faster} of {len(todo)} sections; both find the "
        f"same short-list length from {same} of {len(todo)}.")


def quality(scale: str, say, seeds: tuple[int, ...] = (1,)) -> None:
    from trace_shares_quality import measure, report

    for seed in seeds:
        say()
        report(measure(scale, seed), say)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gpkg", help="time every section of this demo database")
    ap.add_argument("--scale", default="chongqing", help="generator scale for the quality")
    ap.add_argument("--no-quality", action="store_true")
    ap.add_argument("--seeds", default="1", help="generator seeds for the quality, e.g. 1,2,3")
    ap.add_argument("--write", help="write the figures (markdown) here")
    args = ap.parse_args(argv)
    lines: list[str] = []

    def say(text: str = "") -> None:
        print(text, flush=True)
        lines.append(text)

    if args.gpkg:
        timing(args.gpkg, say)
    if not args.no_quality:
        quality(args.scale, say, tuple(int(v) for v in args.seeds.split(",")))
    if args.write:
        Path(args.write).write_text("# Item-matched trace (issue 13)\n\n" + INTRO
                                    + "\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
