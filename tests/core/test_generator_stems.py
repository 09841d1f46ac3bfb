"""The generator's imposed big rivers join their parent, and its drainage has no loop.

Regression: seed 2 at Chongqing scale crashed in ``river_network.build_network``
(``np.bincount``: negative elements).  The 乌江's course ended on the 长江's line at a
cell the 长江's rasterisation had cut out (its line stepped into that cell and straight
back), so the tributary ended beside its parent; its imposed flow ran into a filled pit
whose steepest neighbour was the tributary itself: a two-cell loop in the drainage tree,
whose 135,731 upstream cells belonged to no river.
"""

from __future__ import annotations

import numpy as np
import pytest

from pollution_map_plugin.synthetic_data.grid import Grid
from pollution_map_plugin.synthetic_data.stems import join_parent, rasterise_stem
from pollution_map_plugin.synthetic_data.terrain import drains_to


def _grid(ny: int = 8, nx: int = 12) -> Grid:
    return Grid(0.0, 0.0, 1.0, ny, nx, np.ones(ny * nx, bool))


def _adjacent(cells: np.ndarray, nx: int) -> bool:
    i, j = np.divmod(cells, nx)
    return bool((np.maximum(abs(np.diff(i)), abs(np.diff(j))) == 1).all())


def test_a_tributary_ending_on_a_cell_cut_from_its_parent_is_joined():
    g = _grid()
    taken = np.zeros(g.n, bool)
    # the parent runs east along row 2 and steps up into (3, 5) and straight back
    parent = rasterise_stem(g, [(0.5, 2.5), (5.5, 2.5), (5.5, 3.5), (5.5, 2.5), (11.5, 2.5)],
                            taken)
    spike = 3 * g.nx + 5
    assert spike not in parent.tolist()  # the loop was cut out
    taken[parent] = True
    trib = rasterise_stem(g, [(5.5, 7.5), (5.5, 3.5)], taken)  # ends at the spike's tip
    assert trib[-1] == spike and not taken[trib[-1]]  # the bug: beside its parent
    joined = join_parent(g, trib, taken)
    assert taken[joined[-1]] and not taken[joined[:-1]].any()
    assert list(joined[: len(trib)]) == list(trib) and len(joined) == len(trib) + 1
    assert _adjacent(joined, g.nx)


def test_join_takes_the_shortest_path_inside_the_area_and_leaves_a_joined_stem_alone():
    g = _grid()
    taken = np.zeros(g.n, bool)
    taken[2 * g.nx: 3 * g.nx] = True  # the parent: row 2
    trib = np.array([7 * g.nx + 4, 6 * g.nx + 4], np.int64)
    g.mask[5 * g.nx + 3: 5 * g.nx + 6] = False  # the area's edge right below the end
    joined = join_parent(g, trib, taken)
    assert taken[joined[-1]] and _adjacent(joined, g.nx)
    assert g.mask[joined].all() and len(joined) == len(trib) + 5  # round the edge
    on = np.r_[trib, 2 * g.nx + 4]
    assert list(join_parent(g, on, taken)) == list(on)


def test_join_fails_loudly_when_the_parent_cannot_be_reached():
    g = _grid()
    taken = np.zeros(g.n, bool)
    taken[: g.nx] = True
    g.mask[2 * g.nx: 3 * g.nx] = False  # a cut across the area
    with pytest.raises(ValueError):
        join_parent(g, np.array([5 * g.nx + 4], np.int64), taken)


@pytest.mark.parametrize("loop", [2, 3, 5])
def test_drains_to_finds_loops_of_any_length(loop):
    n = 40
    recv = np.arange(n) - 1  # a chain 39 -> ... -> 0, the root
    recv[0] = -1
    ring = np.arange(20, 20 + loop)
    recv[ring] = np.roll(ring, -1)  # a loop, with 20 + loop .. 39 draining into it
    ok = drains_to(recv, 0)
    assert ok[:20].all() and not ok[20:].any()


@pytest.mark.slow
def test_chongqing_seed_2_builds_its_network():
    from pollution_map_plugin.synthetic_data.config import get_scale, stream
    from pollution_map_plugin.synthetic_data.river_network import build_network
    from pollution_map_plugin.synthetic_data.terrain import build_terrain

    sc = get_scale("chongqing")
    t = build_terrain(sc, stream(2, "terrain"))
    on_earlier = np.zeros(t.grid.n, bool)
    for stem, cells in zip(sc.stems, t.stem_cells):
        if stem.parent is not None:
            assert on_earlier[cells[-1]] and not on_earlier[cells[:-1]].any(), stem.name
        on_earlier[cells] = True
    assert drains_to(t.recv, t.outlet)[t.grid.mask].all()
    net = build_network(t, sc, stream(2, "network"))
    assert (net.reach_river >= 0).all() and net.n_reaches > 100_000
