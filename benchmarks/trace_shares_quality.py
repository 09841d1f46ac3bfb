"""Quality of the item-matched trace (issue 13) on the generator's data.

``measure(scale, seed)`` makes the data in memory (as ``demo-db`` does), reads what the
generator planted (the culprit it sized to break each section: ``Quality.hotspots``) and
measures, for the sections failing in the last year:

* the short list (the fewest sources making up 80 % of the modelled load of the
  section's main failing item) against the upstream candidates (every source upstream);
* whether each planted culprit is in its section's short list for the item it was sized
  on, and its rank.

Used by ``trace_shares.py`` (the figures in docs/benchmarks/trace_shares.md) and by
tests/core/test_trace_planted_culprits.py; run alone (``--seeds 1,2,3,4``) it prints each
seed's table and a summary line per seed.
"""

from __future__ import annotations

import importlib
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script
from pollution_map_plugin.core.network.source_attribution import SourceAttribution


@dataclass
class Figures:
    scale: str
    seed: int
    period: str | None
    n_failing: int
    #: per failing section with an upstream source emitting its main item
    short: np.ndarray
    candidates: np.ndarray
    n_no_candidates: int  # failing sections with no source upstream at all
    n_no_emitter: int  # with sources upstream, none modelled to emit the main item
    #: per planted culprit: (kind, in its section's short list, rank or None)
    culprits: list[tuple[str, bool, int | None]] = field(default_factory=list)

    @property
    def ratio(self) -> np.ndarray:
        return self.short / self.candidates

    @property
    def meets(self) -> int:
        """Failing sections whose short list is ≤ 1/10 of the candidates (sections with
        nothing to list count as not meeting)."""
        return int((self.ratio <= 0.1).sum())

    @property
    def n_sections(self) -> int:
        return len(self.short) + self.n_no_candidates + self.n_no_emitter

    @property
    def found(self) -> int:
        return sum(ok for _, ok, _ in self.culprits)

    def by_kind(self) -> dict[str, tuple[int, int]]:
        out: dict[str, list[int]] = {}
        for kind, ok, _ in self.culprits:
            out.setdefault(kind, [0, 0])
            out[kind][0] += ok
            out[kind][1] += 1
        return {k: (v[0], v[1]) for k, v in sorted(out.items())}


def measure(scale: str = "chongqing", seed: int = 1) -> Figures:
    gen = importlib.import_module("pollution_map_plugin.synthetic_data.generate")
    captured: dict = {}
    original = gen.build_quality

    def capture(net, sec, src, *args):  # read what the generator planted
        q = original(net, sec, src, *args)
        captured["hot"] = [dict(h, section_code=sec.code[h["section"]]) for h in q.hotspots]
        return q

    gen.build_quality = capture
    try:
        frames = gen.generate(scale, seed=seed)
    finally:
        gen.build_quality = original
    att = SourceAttribution.from_frames(frames)
    culprits = []
    for h in captured["hot"]:
        sh = att.attribute(h["section_code"], [h["item"]]).shares[h["item"]]
        f = sh.sources_frame()
        r = f.loc[f["code"] == h["code"], "rank"]
        rank = int(r.iloc[0]) if len(r) else None
        culprits.append((h["kind"], rank is not None and rank <= sh.short_list_n, rank))
    s = att.assessment.sections
    fail = s[s["meets_target"].astype("boolean") == False]  # noqa: E712
    short, cand, none, no_emitter = [], [], 0, 0
    for code in fail["section_code"]:
        item = att.main_item(code)
        sh = att.attribute(code, [item]).shares.get(item) if item else None
        if sh is None or not sh.n_candidates:
            none += 1
        elif not sh.short_list_n:
            no_emitter += 1
        else:
            short.append(sh.short_list_n)
            cand.append(sh.n_candidates)
    return Figures(scale, seed, att.period, len(fail), np.array(short, dtype=float),
                   np.array(cand, dtype=float), none, no_emitter, culprits)


def report(fig: Figures, say) -> None:
    """The quality table (markdown) through ``say``."""
    n, frac = fig.n_sections, fig.ratio
    big = fig.candidates >= 20
    q = np.quantile(frac, [0.1, 0.25, 0.5, 0.75, 0.9]).round(3).tolist()
    ranks = [r for _, _, r in fig.culprits]
    found = [r for r in ranks if r is not None]
    say(f"Quality on `{fig.scale}` (seed {fig.seed}, made in memory), period {fig.period}: "
        f"{fig.n_failing} failing sections, {len(fig.culprits)} planted culprits.")
    say()
    say("| measure | value |")
    say("|---|---|")
    say(f"| planted culprit in its section's short list (its item) | {fig.found} of "
        f"{len(ranks)} ({100 * fig.found / max(len(ranks), 1):.0f} %); " + ", ".join(
            f"{k}: {a} of {b}" for k, (a, b) in fig.by_kind().items()) + " |")
    say(f"| culprit's rank where found upstream | {sum(r == 1 for r in found)} first, "
        f"{len(found)} found of {len(ranks)} |")
    say(f"| short list ≤ 1/10 of the upstream candidates | {fig.meets} of {n} failing "
        f"sections ({100 * fig.meets / max(n, 1):.0f} %) |")
    say(f"| … failing sections with nothing to list (counted as not meeting) | "
        f"{fig.n_no_candidates} with no source upstream, {fig.n_no_emitter} with none "
        f"modelled to emit the main item |")
    say(f"| … of those with ≥ 20 candidates | {int((frac[big] <= 0.1).sum())} of "
        f"{int(big.sum())} |")
    say(f"| … of those with < 10 candidates (≤ 1/10 impossible) | "
        f"{int((fig.candidates < 10).sum())} |")
    say(f"| short list / candidates, p10 / p25 / p50 / p75 / p90 | "
        f"{' / '.join(str(v) for v in q)} |")
    say(f"| short list length: median, max | {int(np.median(fig.short))}, "
        f"{int(fig.short.max())} |")
    say(f"| upstream candidates: p25 / median / p75, max | "
        f"{' / '.join(str(int(v)) for v in np.quantile(fig.candidates, [0.25, 0.5, 0.75]))}"
        f", {int(fig.candidates.max())} |")


SUMMARY_HEAD = ("| seed | failing sections | upstream candidates p25 / median / p75 | "
                "short list median (max) | short list ≤ 1/10 of the candidates | "
                "planted culprits in their short list (farms) |\n|---|---|---|---|---|---|")


def summary_row(fig: Figures) -> str:
    """One line of the seeds' summary table (``SUMMARY_HEAD``)."""
    q = " / ".join(str(int(v)) for v in np.quantile(fig.candidates, [0.25, 0.5, 0.75]))
    farm = fig.by_kind().get("farm", (0, 0))
    return (f"| {fig.seed} | {fig.n_sections} | {q} | {int(np.median(fig.short))} "
            f"({int(fig.short.max())}) | {fig.meets} ({100 * fig.meets / fig.n_sections:.0f} %)"
            f" | {fig.found} of {len(fig.culprits)} ({farm[0]} of {farm[1]}) |")


def main(argv=None) -> int:
    import argparse
    import os

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", default="chongqing")
    ap.add_argument("--seeds", default="1", help="generator seeds, e.g. 1,2,3,4")
    args = ap.parse_args(argv)
    rows = []
    for seed in (int(v) for v in args.seeds.split(",")):
        fig = measure(args.scale, seed)
        report(fig, print)
        print(flush=True)
        rows.append(summary_row(fig))
    print(SUMMARY_HEAD)
    print("\n".join(rows))
    print(f"\nLoad average: {' / '.join(f'{v:.1f}' for v in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
