"""Issue 13's test point on the Chongqing-scale demo (seed 1, as ``demo-db``).

* Every culprit the generator planted (the discharger it sized to break a section) is
  in that section's short list for the item it was sized on.
* The short list is ≤ 1/10 of the upstream candidates for at least half the failing
  sections (81 % on seed 1 when measured; seeds 2-4: 79-90 %).  It was 48 % while the
  generator broke sections drawn uniformly, half of them headwaters with fewer than ten
  sources upstream; it now breaks sections where sources are (``synthetic_data.quality``,
  point 3).  Figures: docs/benchmarks/trace_shares.md.

The data is made in memory (``generate("chongqing", seed=1)``, about 35 s): slow tests.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _quality_module():
    spec = importlib.util.spec_from_file_location(
        "trace_shares_quality", ROOT / "benchmarks" / "trace_shares_quality.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # its dataclass looks itself up there
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def fig():
    return _quality_module().measure("chongqing", seed=1)


@pytest.mark.slow
def test_every_planted_culprit_is_in_its_sections_short_list(fig):
    assert len(fig.culprits) >= 20
    kinds = fig.by_kind()
    assert kinds["farm"][1] >= 5 and kinds["enterprise"][1] >= 5  # both kinds planted
    missed = [c for c in fig.culprits if not c[1]]
    assert not missed
    assert sum(rank == 1 for _, _, rank in fig.culprits) >= 0.9 * len(fig.culprits)


@pytest.mark.slow
def test_failing_sections_are_not_only_small_catchments(fig):
    # the generator plants culprits whatever the catchment's size
    assert (fig.candidates >= 20).sum() >= 0.25 * fig.n_sections
    assert fig.candidates.max() >= 200


@pytest.mark.slow
def test_short_list_against_the_candidates(fig):
    big = fig.candidates >= 20
    assert (fig.ratio[big] <= 0.1).mean() >= 0.9  # where a tenth is at least two sources
    assert fig.meets / fig.n_sections >= 0.5  # the target, over every failing section


@pytest.mark.slow
def test_failing_sections_are_mostly_not_headwaters(fig):
    # where fewer than ten sources are upstream a short list cannot be a tenth of them
    assert (fig.candidates < 10).sum() <= 0.2 * fig.n_sections
