"""NLDI-style navigation (UT, UM, DM, DD) on hand-drawn networks with known answers."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from pollution_map_plugin.core.network import ReachNetwork
from pollution_map_plugin.core.network.graph import NAVIGATION_COLUMNS
from tests.core.network_cases import TREE, TREE_UT_FROM_M5, at, reaches


@pytest.fixture(scope="module")
def tree() -> ReachNetwork:
    return ReachNetwork.from_reaches(reaches())


def dist(frame: pd.DataFrame, column: str = "distance_km") -> dict[str, float]:
    return frame.set_index("reach_code")[column].to_dict()


def test_ut_without_limit(tree):
    out = tree.navigate("M5", "UT")
    assert list(out.columns) == NAVIGATION_COLUMNS
    assert dist(out) == pytest.approx(TREE_UT_FROM_M5)
    lengths = {r[0]: r[3] for r in TREE}
    far = {c: d + lengths[c] for c, d in TREE_UT_FROM_M5.items()}
    assert dist(out, "distance_far_km") == pytest.approx(far)
    assert not out["partial"].any()
    assert out["covered_km"].sum() == pytest.approx(sum(lengths.values()))
    # sorted by distance, then code
    assert out["reach_code"].tolist()[:3] == ["M5", "M4", "U2"]


def test_ut_with_limit_keeps_partly_covered_reaches(tree):
    out = tree.navigate("M5", "UT", distance_km=3.0)
    assert dist(out) == pytest.approx({"M5": 0, "M4": 2, "U2": 2, "U1": 3, "V1": 3})
    part = out.set_index("reach_code")["partial"].to_dict()
    assert part == {"M5": False, "M4": True, "U2": False, "U1": True, "V1": True}
    cov = dist(out, "covered_km")
    assert cov == pytest.approx({"M5": 2, "M4": 1, "U2": 1, "U1": 0, "V1": 0})
    assert tree.navigate("M5", "UT", distance_km=0)["reach_code"].tolist() == ["M5"]
    assert len(tree.navigate("M5", "UT", distance_km=2.999)) == 1 + 2


def test_ut_from_a_point_along_the_start_reach(tree):
    out = tree.navigate("M5", "UT", fraction=0.25)
    d = dist(out)
    assert d["M5"] == 0 and d["M4"] == pytest.approx(0.5) and d["M1"] == pytest.approx(6.5)
    assert dist(out, "distance_far_km")["M5"] == pytest.approx(0.5)
    assert dist(tree.navigate("M5", "UT", 1.0, fraction=0.25)) == pytest.approx(
        {"M5": 0, "M4": 0.5, "U2": 0.5})
    assert dist(tree.navigate("M5", "UT", 1.5, fraction=0.25)) == pytest.approx(
        {"M5": 0, "M4": 0.5, "U2": 0.5, "U1": 1.5, "V1": 1.5})


def test_um_follows_the_same_river(tree):
    out = tree.navigate("M5", "UM")
    assert out["reach_code"].tolist() == ["M5", "M4", "M3", "M2", "M1"]
    assert out["distance_km"].tolist() == pytest.approx([0, 2, 4, 6, 8])
    assert tree.navigate("M5", "UM", 4.0)["reach_code"].tolist() == ["M5", "M4", "M3"]
    assert tree.navigate("M5", "UM", 3.9)["reach_code"].tolist() == ["M5", "M4"]
    assert tree.navigate("U2", "UM")["reach_code"].tolist() == ["U2", "U1"]
    assert tree.navigate("T1", "UM")["reach_code"].tolist() == ["T1"]


def test_dm_and_dd(tree):
    out = tree.navigate("T1", "DM")
    assert out["reach_code"].tolist() == ["T1", "T2", "M3", "M4", "M5"]
    assert out["distance_km"].tolist() == pytest.approx([0, 1, 2, 4, 6])
    assert tree.navigate("T1", "DM", 2.0)["reach_code"].tolist() == ["T1", "T2", "M3"]
    half = tree.navigate("T1", "DM", fraction=0.5)
    assert half["distance_km"].tolist() == pytest.approx([0, 0.5, 1.5, 3.5, 5.5])
    assert half["distance_far_km"].tolist()[0] == pytest.approx(0.5)
    dd = tree.navigate("V1", "DD", 2.6)
    assert dist(dd) == pytest.approx({"V1": 0, "U2": 1.5, "M5": 2.5})
    assert dist(dd, "partial") == {"V1": False, "U2": False, "M5": True}
    assert tree.navigate("M5", "DM")["reach_code"].tolist() == ["M5"]


def test_mode_is_case_insensitive_and_bad_input_raises(tree):
    assert len(tree.navigate("M5", "ut")) == 10
    with pytest.raises(KeyError, match="NOPE"):
        tree.navigate("NOPE")
    with pytest.raises(ValueError, match="mode"):
        tree.navigate("M5", "XX")
    with pytest.raises(ValueError, match="distance_km"):
        tree.navigate("M5", "UT", -1)


def _chain_frame(rows):
    return pd.DataFrame(rows, columns=["code", "river_code", "downstream_code", "length_km",
                                       "stream_order"])


def test_um_without_river_codes_uses_order_then_longest_path_then_code():
    by_order = _chain_frame([("X", None, None, 1.0, 3), ("A", None, "X", 1.0, 2),
                             ("B", None, "X", 10.0, 1)])
    assert ReachNetwork.from_reaches(by_order).navigate("X", "UM")["reach_code"].tolist() \
        == ["X", "A"]
    # same order: B's path to a headwater (3 km) is longer than A0 + A (2 km)
    by_length = _chain_frame([("X", None, None, 1.0, 2), ("A", None, "X", 1.0, 1),
                              ("A0", None, "A", 1.0, 1), ("B", None, "X", 3.0, 1)])
    net = ReachNetwork.from_reaches(by_length)
    assert net.navigate("X", "UM")["reach_code"].tolist() == ["X", "B"]
    assert net.longest_upstream_km()[net.index_of("X")] == pytest.approx(4.0)
    tie = _chain_frame([("X", None, None, 1.0, 1), ("B", None, "X", 1.0, 1),
                        ("A", None, "X", 1.0, 1)])
    assert ReachNetwork.from_reaches(tie).navigate("X", "UM")["reach_code"].tolist() == \
        ["X", "A"]
    # the same river wins over a higher order
    river = _chain_frame([("X", "m", None, 1.0, 3), ("A", "t", "X", 1.0, 3),
                          ("B", "m", "X", 1.0, 1)])
    assert ReachNetwork.from_reaches(river).navigate("X", "UM")["reach_code"].tolist() == \
        ["X", "B"]


def test_zero_length_reaches_are_traversed():
    frame = _chain_frame([("A", "r", "B", 0.0, 1), ("B", "r", "C", 0.0, 1),
                          ("C", "r", None, 1.0, 1)])
    net = ReachNetwork.from_reaches(frame)
    assert dist(net.navigate("C", "UT", 1.0)) == pytest.approx({"C": 0, "B": 1, "A": 1})
    assert net.navigate("A", "DM", 0.0)["reach_code"].tolist() == ["A", "B", "C"]


def _reference_upstream(frame: pd.DataFrame, start: str) -> dict[str, float]:
    """Independent reference: walk down from every reach to ``start``."""
    down = dict(zip(frame["code"], frame["downstream_code"]))
    length = dict(zip(frame["code"], frame["length_km"]))
    out = {}
    for code in frame["code"]:
        d, cur = 0.0, code
        while cur is not None and cur != start:
            cur = down[cur]
            if cur is not None and cur != start:
                d += length[cur]
        if cur == start:
            out[code] = d + (length[start] if code != start else 0.0)
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_ut_matches_an_independent_walk_on_random_trees(seed):
    rng = np.random.default_rng(seed)
    n = 300
    parent = [None] + [f"R{int(rng.integers(0, i))}" for i in range(1, n)]
    frame = pd.DataFrame({"code": [f"R{i}" for i in range(n)], "downstream_code": parent,
                          "length_km": rng.uniform(0.1, 5.0, n).round(3)})
    net = ReachNetwork.from_reaches(frame)
    for start in rng.choice(n, 10, replace=False):
        code = f"R{start}"
        ref = _reference_upstream(frame, code)
        got = dist(net.navigate(code, "UT"))
        assert got.keys() == ref.keys()
        assert got == pytest.approx(ref)
        lim = float(np.median(list(ref.values())))
        assert set(dist(net.navigate(code, "UT", lim))) == {c for c, d in ref.items()
                                                               if d <= lim}


def test_nearest_reach(tree):
    lon, lat = at(4.03, -1.25)
    hit = tree.nearest_reach(lon, lat, max_distance_m=100)
    assert hit["reach_code"] == "U1"
    assert hit["fraction"] == pytest.approx(0.75)
    assert hit["distance_m"] == pytest.approx(0.03 * 0.01 * 111195 * np.cos(np.radians(29.49)),
                                              rel=0.03)
    assert tree.nearest_reach(lon, lat, max_distance_m=10) is None
    far = at(50, 50)
    assert tree.nearest_reach(*far, max_distance_m=500) is None
    idx, d, f = tree.locate([at(0.5, 0.001), at(np.nan, 0), at(2, 1.5)], 200)
    assert tree.codes[idx[0]] == "M1" and idx[1] == -1 and tree.codes[idx[2]] == "T1"
    assert f[0] == pytest.approx(0.5) and f[2] == pytest.approx(0.5)


@pytest.mark.parametrize("seed", [4, 5])
def test_tree_slices_match_the_graph_search(seed):
    """UT by depth-first slices (trees) equals the Dijkstra search used below braids."""
    rng = np.random.default_rng(seed)
    n = 400
    parent = [None] + [f"R{int(rng.integers(max(0, i - 30), i))}" for i in range(1, n)]
    frame = pd.DataFrame({"code": [f"R{i}" for i in range(n)], "downstream_code": parent,
                          "length_km": rng.uniform(0.0, 3.0, n)})
    fast = ReachNetwork.from_reaches(frame)
    slow = ReachNetwork.from_reaches(frame)
    assert fast._tree.exact.all()
    slow._tree.exact[:] = False
    for start in rng.choice(n, 25, replace=False):
        for lim in (None, 2.0):
            for f in (None, 0.3):
                a = fast.navigate(f"R{start}", "UT", lim, fraction=f)
                b = slow.navigate(f"R{start}", "UT", lim, fraction=f)
                assert a["reach_code"].tolist() == b["reach_code"].tolist()
                np.testing.assert_allclose(a["distance_km"], b["distance_km"], atol=1e-9)


def test_reaches_below_a_braid_use_the_graph_search():
    # A -> (B | C) -> D -> E, and F -> E: A's water has two ways down, so the
    # depth-first slices of B, C, D and E may miss it
    frame = pd.DataFrame({"code": list("ABCDEF"), "from_node": ["a", "b", "b", "c", "d", "f"],
                          "to_node": ["b", "c", "c", "d", "e", "d"],
                          "length_km": [1.0, 1.0, 3.0, 1.0, 1.0, 2.0]})
    net = ReachNetwork.from_reaches(frame)
    exact = dict(zip(net.codes, net._tree.exact))
    assert exact == {"A": True, "B": False, "C": False, "D": False, "E": False, "F": True}
    assert dist(net.navigate("E", "UT")) == pytest.approx(
        {"E": 0, "D": 1, "F": 1, "B": 2, "C": 2, "A": 3})
    assert dist(net.navigate("B", "UT")) == pytest.approx({"B": 0, "A": 1})
    assert dist(net.navigate("C", "UT")) == pytest.approx({"C": 0, "A": 3})


def test_nearest_reach_is_exact_against_shapely():
    """Nearest reach by the segment index equals a brute-force shapely search."""
    from shapely.geometry import LineString, Point

    from pollution_map_plugin.core.network.geometry import EARTH_RADIUS_M

    rng = np.random.default_rng(7)
    lines = []
    for _ in range(150):
        p = rng.uniform(0, 20, 2)
        steps = rng.normal(0, 1.0, (rng.integers(1, 6), 2))
        lines.append(LineString([tuple(p)] + [tuple(p + c) for c in np.cumsum(steps, 0)]))
    gdf = gpd.GeoDataFrame({"code": [f"L{i}" for i in range(len(lines))]},
                           geometry=[LineString([at(*c) for c in g.coords]) for g in lines],
                           crs="EPSG:4490")
    net = ReachNetwork.from_reaches(gdf)
    pts = rng.uniform(-1, 21, (300, 2))
    idx, d, _ = net.locate([at(*p) for p in pts], max_distance_m=800.0)
    k = np.radians(0.01) * EARTH_RADIUS_M  # metres per grid unit (north-south)
    c = np.cos(np.radians(net._b.projection.lat0))
    # the same local metric: grid x scaled by cos(lat0), grid y as is
    scaled = [LineString([(x * c, y) for x, y in g.coords]) for g in lines]
    for p, i, di in zip(pts, idx, d):
        dists = np.array([g.distance(Point(p[0] * c, p[1])) for g in scaled]) * k
        if dists.min() > 800.0:
            assert i == -1
        else:
            assert dists[i] == pytest.approx(dists.min(), abs=1e-6)
            assert di == pytest.approx(dists.min(), rel=1e-9, abs=1e-6)
