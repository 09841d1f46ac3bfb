"""Building the reach network: links from codes, nodes or geometry; broken networks."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from pyproj import Geod
from shapely.geometry import LineString, MultiLineString, MultiPoint, Point

from pollution_map_plugin.core.network import ISSUE_KINDS, ReachNetwork
from pollution_map_plugin.core.network.geometry import line_coords, point_xy
from tests.core.network_cases import TREE, at, line, reaches


def edges(net: ReachNetwork) -> set[tuple[str, str]]:
    return {(c, d) for c in net.codes for d in net.downstream(c)}


TREE_EDGES = {(r[0], r[2]) for r in TREE if r[2]}


def kinds(net: ReachNetwork) -> dict[str, tuple[str, ...]]:
    return {i.kind: i.reach_codes for i in net.issues}


def test_tree_from_downstream_code():
    net = ReachNetwork.from_reaches(reaches())
    assert net.link_source == "downstream_code"
    assert net.issues == []
    assert edges(net) == TREE_EDGES
    assert net.outlets() == ["M5"]
    assert sorted(net.headwaters()) == ["M1", "T1", "U1", "V1"]
    assert sorted(net.upstream("M5")) == ["M4", "U2"]
    assert len(net) == 10 and "M3" in net and "X" not in net
    comps = net.components()
    assert len(comps) == 1 and comps.loc[0, "outlets"] == ["M5"]
    assert comps.loc[0, "length_km"] == pytest.approx(17.5)


def test_tree_from_geometry_only_snaps_end_points():
    net = ReachNetwork.from_reaches(reaches(links=False))
    assert net.link_source == "geometry"
    assert edges(net) == TREE_EDGES
    assert net.issues == []


def test_snapping_tolerance_in_metres():
    # B starts 3 m east of A's end (0.00003° lon ≈ 2.9 m at 29.5° N)
    a = LineString([at(0, 0), at(1, 0)])
    b = LineString([(a.coords[-1][0] + 0.00003, a.coords[-1][1]), at(2, 0)])
    gdf = gpd.GeoDataFrame({"code": ["A", "B"]}, geometry=[a, b], crs="EPSG:4490")
    assert edges(ReachNetwork.from_reaches(gdf, snap_tolerance_m=5)) == {("A", "B")}
    loose = ReachNetwork.from_reaches(gdf, snap_tolerance_m=1)
    assert edges(loose) == set()
    assert "disconnected" in kinds(loose)


def test_from_and_to_nodes_with_a_braid():
    # A -> n1 -> (B | C) -> n2 -> D: the braid of B and C rejoins
    frame = pd.DataFrame({
        "code": ["A", "B", "C", "D"], "river_code": ["r", "r", "s", "r"],
        "from_node": ["n0", "n1", "n1", "n2"], "to_node": ["n1", "n2", "n2", "n3"],
        "length_km": [1.0, 2.0, 5.0, 1.0],
    })
    net = ReachNetwork.from_reaches(frame)
    assert net.link_source == "nodes"
    assert edges(net) == {("A", "B"), ("A", "C"), ("B", "D"), ("C", "D")}
    assert kinds(net) == {"braid": ("A",)}
    # shortest path counts: A's downstream end is 2 km (via B) above D's upstream end
    ut = net.navigate("D", "UT").set_index("reach_code")["distance_km"]
    assert ut.to_dict() == pytest.approx({"D": 0.0, "B": 1.0, "C": 1.0, "A": 3.0})
    assert net.navigate("A", "DM")["reach_code"].tolist() == ["A", "B", "D"]
    dd = net.navigate("A", "DD").set_index("reach_code")["distance_km"]
    assert dd.to_dict() == pytest.approx({"A": 0.0, "B": 1.0, "C": 1.0, "D": 3.0})


def test_cycle_is_reported_and_navigation_ends():
    frame = pd.DataFrame({"code": ["A", "B", "C", "D"],
                          "downstream_code": ["B", "C", "A", "A"],
                          "length_km": [1.0, 1.0, 1.0, 1.0]})
    net = ReachNetwork.from_reaches(frame)
    assert kinds(net)["cycle"] == ("A", "B", "C")
    assert set(net.navigate("A", "UT")["reach_code"]) == {"A", "B", "C", "D"}
    assert net.navigate("A", "UM")["reach_code"].tolist()[0] == "A"
    assert net.navigate("D", "DM")["reach_code"].tolist() == ["D", "A", "B", "C"]
    assert np.isfinite(net.longest_upstream_km()).all()


def test_self_loop_and_dangling_link_and_duplicates_and_missing_codes():
    frame = pd.DataFrame({"code": ["A", "B", "B", None, " ", "C"],
                          "downstream_code": ["A", "C", "A", "A", "A", "NOPE"],
                          "length_km": [1.0, 1.0, 9.0, 1.0, 1.0, 1.0]})
    net = ReachNetwork.from_reaches(frame)
    found = kinds(net)
    assert found["self_loop"] == ("A",)
    assert found["dangling_link"] == ("C",)
    assert found["duplicate_code"] == ("B",)
    assert "missing_code" in found
    assert sorted(net.codes) == ["A", "B", "C"]
    assert net.downstream("B") == ["C"]  # the first B is kept
    assert net.length_km[net.index_of("B")] == 1.0
    assert net.outlets() == ["A", "C"]
    assert set(found) <= set(ISSUE_KINDS)
    frame_issues = net.issues_frame()
    assert list(frame_issues.columns) == ["kind", "n_reaches", "reach_codes", "message"]


def test_disconnected_parts_each_with_an_outlet():
    rows = TREE + [("X1", "x", "X2", 1.0, 1, [(10, 0), (11, 0)]),
                   ("X2", "x", None, 1.0, 1, [(11, 0), (12, 0)]),
                   ("LONE", "y", None, 1.0, 1, [(20, 0), (21, 0)])]
    net = ReachNetwork.from_reaches(reaches(rows))
    assert kinds(net)["disconnected"] == ("M5", "X2", "LONE")
    comps = net.components()
    assert comps["n_reaches"].tolist() == [10, 2, 1]
    assert comps["outlets"].tolist() == [["M5"], ["X2"], ["LONE"]]


def _with_geometry(rows, code, pts):
    return [r if r[0] != code else (*r[:5], pts) for r in rows]


@pytest.mark.parametrize("code", ["M3", "T1", "M5", "U1"])
def test_reversed_reach_with_links_is_detected_and_turned(code):
    pts = [r[5] for r in TREE if r[0] == code][0]
    gdf = reaches(_with_geometry(TREE, code, pts[::-1]))
    net = ReachNetwork.from_reaches(gdf)
    assert kinds(net) == {"reversed": (code,)}
    assert edges(net) == TREE_EDGES
    i = net.index_of(code)
    assert net.reversed[i]
    assert list(net.geometries([i])[0].coords) == [at(*p) for p in pts]
    # a point a quarter down the flow is at fraction 0.25 along the flow
    q = np.add(np.multiply(at(*pts[0]), 0.75), np.multiply(at(*pts[1]), 0.25))
    assert net.position_on([i], [q])[1][0] == pytest.approx(0.25)
    kept = ReachNetwork.from_reaches(gdf, fix_reversed=False)
    assert "reversed" in kinds(kept) and not kept.reversed.any()
    assert kept.position_on([i], [q])[1][0] == pytest.approx(0.75)


@pytest.mark.parametrize("code", ["M3", "T1", "M5", "U1"])
def test_reversed_reach_without_links_is_turned_in_the_topology(code):
    pts = [r[5] for r in TREE if r[0] == code][0]
    gdf = reaches(_with_geometry(TREE, code, pts[::-1]), links=False)
    net = ReachNetwork.from_reaches(gdf)
    assert kinds(net) == {"reversed": (code,)}
    assert edges(net) == TREE_EDGES
    broken = ReachNetwork.from_reaches(gdf, fix_reversed=False)
    assert "reversed" in kinds(broken)
    assert edges(broken) != TREE_EDGES


def test_missing_links_are_inferred_from_end_points():
    rows = [r if r[0] != "T2" else (r[0], r[1], None, *r[3:]) for r in TREE]
    net = ReachNetwork.from_reaches(reaches(rows))
    assert kinds(net) == {"inferred_links": ("T2",)}
    assert edges(net) == TREE_EDGES
    strict = ReachNetwork.from_reaches(reaches(rows), use_links="downstream_code")
    assert ("T2", "M3") not in edges(strict)
    assert "disconnected" in kinds(strict)


def test_link_gap_between_lines_that_do_not_meet():
    gdf = reaches(_with_geometry(TREE, "M1", [(0, 0.5), (1, 0.5)]))
    net = ReachNetwork.from_reaches(gdf)
    assert kinds(net)["link_gap"] == ("M1", "M2")
    assert edges(net) == TREE_EDGES


def test_lengths_from_geometry_when_missing():
    gdf = reaches()
    gdf["length_km"] = [np.nan, 0.0, None, 2.0, 2.0, 1.0, 1.0, 3.0, 1.0, 1.5]
    net = ReachNetwork.from_reaches(gdf)
    geod = Geod(ellps="GRS80")
    for code in ("M1", "M2", "M3"):
        g = gdf.geometry[gdf["code"] == code].iloc[0]
        expected = geod.geometry_length(g) / 1000.0
        assert net.length_km[net.index_of(code)] == pytest.approx(expected, rel=2e-3)
    assert net.length_km[net.index_of("M4")] == 2.0
    frame = pd.DataFrame({"code": ["A"], "downstream_code": [None]})
    no_len = ReachNetwork.from_reaches(frame)
    assert kinds(no_len) == {"missing_length": ("A",)}
    assert no_len.length_km.tolist() == [0.0]


def test_plain_frame_and_bad_arguments():
    frame = pd.DataFrame({"code": ["A", "B"], "downstream_code": ["B", None]})
    net = ReachNetwork.from_reaches(frame)
    assert edges(net) == {("A", "B")} and not net.has_geometry
    with pytest.raises(ValueError, match="geometry"):
        ReachNetwork.from_reaches(frame, use_links="geometry")
    with pytest.raises(ValueError, match="use_links"):
        ReachNetwork.from_reaches(frame, use_links="magic")
    with pytest.raises(ValueError, match="from_node"):
        ReachNetwork.from_reaches(frame, use_links="nodes")
    with pytest.raises(ValueError, match="code"):
        ReachNetwork.from_reaches(pd.DataFrame({"name": ["x"]}))
    empty = ReachNetwork.from_reaches(pd.DataFrame({"code": []}))
    assert len(empty) == 0 and empty.issues == []


def test_numeric_codes_and_nodes_match_as_text():
    frame = pd.DataFrame({"code": [1, 2, 3], "from_node": [10, 11, 12],
                          "to_node": [11.0, 12.0, np.nan]})
    net = ReachNetwork.from_reaches(frame)
    assert edges(net) == {("1", "2"), ("2", "3")}


@pytest.mark.parametrize("reader", [None, "python"])
def test_geometry_readers_handle_every_shape(reader):
    geoms = [LineString([(0, 0), (1, 0), (1, 1)]), None, LineString(),
             MultiLineString([[(5, 5), (6, 5)], [(6, 5), (6, 7)]]),
             LineString([(0, 0, 1), (2, 0, 3)]), Point(3, 4)]
    lc = line_coords(geoms, reader)
    start, end = lc.endpoints()
    assert start[0].tolist() == [0, 0] and end[0].tolist() == [1, 1]
    assert np.isnan(start[1]).all() and np.isnan(start[2]).all() and np.isnan(start[5]).all()
    assert start[3].tolist() == [5, 5] and end[3].tolist() == [6, 7]
    assert start[4].tolist() == [0, 0] and end[4].tolist() == [2, 0]
    assert lc.part_owner.tolist() == [0, 3, 3, 4]
    pts = point_xy([Point(1, 2), None, Point(3, 4, 5), LineString([(0, 0), (2, 0)])], reader)
    assert pts[0].tolist() == [1, 2] and np.isnan(pts[1]).all()
    assert pts[2].tolist() == [3, 4]
    assert pts[3][1] == 0 and 0 <= pts[3][0] <= 2  # a point on the line
    assert point_xy([Point(), MultiPoint([(7, 8)])], reader)[1].tolist() == [7, 8]


def test_fast_reader_equals_the_plain_one():
    gdf = reaches()
    fast, plain = line_coords(gdf.geometry), line_coords(gdf.geometry, "python")
    np.testing.assert_array_equal(fast.xy, plain.xy)
    np.testing.assert_array_equal(fast.part_offsets, plain.part_offsets)
    np.testing.assert_array_equal(fast.part_owner, plain.part_owner)


def test_multilinestring_reach_and_projected_crs():
    gdf = gpd.GeoDataFrame(
        {"code": ["A", "B"]},
        geometry=[MultiLineString([[(0, 0), (500, 0)], [(500, 0), (1000, 0)]]),
                  LineString([(1000, 0), (1000, 2000)])], crs="EPSG:32648")
    net = ReachNetwork.from_reaches(gdf)
    assert edges(net) == {("A", "B")}
    assert net.length_km.tolist() == pytest.approx([1.0, 2.0])
    assert net.position_on([0], [[750, 10]])[1][0] == pytest.approx(0.75)


def test_line_helper_matches_tree():
    assert line((0, 0), (1, 0)).coords[0] == at(0, 0)
