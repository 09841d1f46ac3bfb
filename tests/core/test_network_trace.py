"""Tracing from a section to candidate sources, ranking, control units, JSON output."""

from __future__ import annotations

import json
import math

import geopandas as gpd
import pytest

from pollution_map_plugin.core.network import (
    ReachNetwork,
    Tracer,
    nearest_section,
    trace_section,
)
from pollution_map_plugin.core.network.result import SOURCE_RESULT_COLUMNS, UNIT_RESULT_COLUMNS
from tests.core.network_cases import LAT0, STEP, at, tree_dataset

# Equivalent loads (COD/20 + NH3-N/1 + TP/0.2) of the tree's sources
EQ = {"E_BIG": 30.0, "E_SMALL": 3.0, "E_NOOUT": 7.0, "E_BADOUT": 1.25, "P1": 15.0,
      "F1": 7.5, "O_M4": 33.0, "O_T1": 15.0}
# Network distances from S_OUT (the downstream end of M5) to where each source enters
FROM_OUT = {"O_M4": 3.0, "E_BIG": 3.0, "E_SMALL": 3.0, "O_T1": 7.5, "P1": 7.5,
            "O_NEAR": 3.75, "O_M3_LOW": 4.5, "E_NOOUT": 7.0, "E_BADOUT": 9.0, "F1": 3.75}


@pytest.fixture(scope="module")
def data():
    return tree_dataset()


@pytest.fixture(scope="module")
def tracer(data) -> Tracer:
    return Tracer(data)


def by_code(result, column):
    return result.sources_gdf.set_index("code")[column].to_dict()


def test_trace_from_the_outlet_finds_every_source_with_its_path(tracer):
    res = tracer.trace("S_OUT")
    assert res.start_reach == "M5" and res.start_fraction == pytest.approx(1.0)
    assert len(res.reaches_gdf) == 10
    assert by_code(res, "distance_km") == pytest.approx(FROM_OUT)
    via = by_code(res, "via")
    assert via == {"O_M4": "reach_code", "O_T1": "reach_code", "O_M3_LOW": "reach_code",
                   "O_NEAR": "nearest reach", "E_BIG": "O_M4", "E_SMALL": "O_M4",
                   "P1": "O_T1", "E_NOOUT": "nearest reach", "E_BADOUT": "nearest reach",
                   "F1": "nearest reach"}
    reach = by_code(res, "reach_code")
    assert reach["O_NEAR"] == "U1" and reach["E_NOOUT"] == "M2" and reach["F1"] == "V1"
    assert reach["E_BADOUT"] == "M1" and reach["P1"] == "T1"
    assert by_code(res, "layer")["F1"] == "livestock_farms"
    assert by_code(res, "n_dischargers")["O_M4"] == 2
    assert list(res.sources_gdf.columns) == [*SOURCE_RESULT_COLUMNS, "geometry"]
    assert res.sources_gdf.crs.to_epsg() == 4490 and res.reaches_gdf.crs.to_epsg() == 4490
    assert any("no reach within 500 m" in n for n in res.notes)
    assert any("unknown" in n for n in res.notes)


def test_ranking_by_distance_load_and_score(tracer):
    res = tracer.trace("S_OUT")
    load = by_code(res, "load")
    assert {k: v for k, v in load.items() if not math.isnan(v)} == pytest.approx(EQ)
    assert res.by_load()["code"].tolist() == ["O_M4", "E_BIG", "O_T1", "P1", "F1", "E_NOOUT",
                                              "E_SMALL", "E_BADOUT", "O_NEAR", "O_M3_LOW"]
    assert res.by_distance()["code"].tolist() == ["O_M4", "E_BIG", "E_SMALL", "F1", "O_NEAR",
                                                  "O_M3_LOW", "E_NOOUT", "O_T1", "P1",
                                                  "E_BADOUT"]
    expected = {c: EQ.get(c, 0.0) / 33.0 * math.exp(-FROM_OUT[c] / 20.0) for c in FROM_OUT}
    assert by_code(res, "score") == pytest.approx(expected)
    assert res.sources_gdf["code"].tolist() == ["O_M4", "E_BIG", "O_T1", "P1", "F1",
                                                "E_NOOUT", "E_SMALL", "E_BADOUT", "O_NEAR",
                                                "O_M3_LOW"]
    assert res.sources_gdf["rank"].tolist() == list(range(1, 11))
    cod = tracer.trace("S_OUT", load_field="cod_t_a", decay_km=1.0)
    assert cod.by_load()["code"].tolist()[:4] == ["O_M4", "E_BIG", "O_T1", "P1"]
    # a short decay length favours the near sources
    assert cod.sources_gdf["code"].tolist()[:3] == ["O_M4", "E_BIG", "E_SMALL"]
    assert res.total_loads()["cod_t_a"] == pytest.approx(200 + 20 + 50 + 5 + 100 + 30)


def test_trace_from_mid_reach_excludes_sources_below_the_section(tracer):
    res = tracer.trace("S_MID")
    assert res.start_reach == "M3" and res.start_fraction == pytest.approx(0.5)
    got = res.reaches_gdf.set_index("reach_code")["distance_km"].to_dict()
    assert got == pytest.approx({"M3": 0.0, "M2": 1.0, "T2": 1.0, "M1": 3.0, "T1": 2.0})
    assert by_code(res, "distance_km") == pytest.approx(
        {"O_T1": 2.5, "P1": 2.5, "E_NOOUT": 2.0, "E_BADOUT": 4.0})


def test_distance_limit_applies_to_sources(tracer):
    res = tracer.trace("S_OUT", distance_km=3.5)
    assert set(res.reaches_gdf["reach_code"]) == {"M5", "M4", "U2", "U1", "V1"}
    assert set(res.sources_gdf["code"]) == {"O_M4", "E_BIG", "E_SMALL"}
    res = tracer.trace("S_OUT", distance_km=3.75)
    assert set(res.sources_gdf["code"]) == {"O_M4", "E_BIG", "E_SMALL", "F1", "O_NEAR"}


def test_mainstem_and_downstream_modes(tracer):
    um = tracer.trace("S_OUT", mode="UM")
    assert um.reaches_gdf["reach_code"].tolist() == ["M5", "M4", "M3", "M2", "M1"]
    assert set(um.sources_gdf["code"]) == {"O_M4", "E_BIG", "E_SMALL", "O_M3_LOW", "E_NOOUT",
                                           "E_BADOUT"}
    dm = tracer.trace("S_MID", mode="DM")
    assert dm.reaches_gdf["reach_code"].tolist() == ["M3", "M4", "M5"]
    assert by_code(dm, "distance_km") == pytest.approx(
        {"O_M3_LOW": 0.5, "O_M4": 2.0, "E_BIG": 2.0, "E_SMALL": 2.0})


def test_section_without_reach_code_is_snapped(tracer):
    res = tracer.trace("S_NOREACH")
    assert res.start_reach == "U1" and res.start_fraction == pytest.approx(0.5)
    assert any("snapped to reach U1" in n for n in res.notes)
    assert res.reaches_gdf["reach_code"].tolist() == ["U1"]
    assert res.reaches_gdf["distance_far_km"].tolist() == pytest.approx([1.5])
    assert len(res.sources_gdf) == 0  # O_NEAR enters U1 below the section
    assert res.summary()["n_sources"] == 0


def test_trace_from_a_clicked_point(tracer):
    res = tracer.trace_point(*at(3.5, 0.02), distance_km=10)
    assert res.start_reach == "M4" and res.start_fraction == pytest.approx(0.5)
    assert res.section["code"] is None and res.section["lon"] == pytest.approx(at(3.5, 0)[0])
    assert dist_of(res) == pytest.approx({"M4": 0, "M3": 1, "M2": 3, "T2": 3, "T1": 4,
                                          "M1": 5})
    assert by_code(res, "distance_km")["O_M4"] == pytest.approx(0.0, abs=1e-6)
    assert res.control_units_gdf["contains_section"].sum() == 1
    with pytest.raises(ValueError, match="no reach within 10 m"):
        tracer.trace_point(*at(3.5, 0.5), max_distance_m=10)


def dist_of(res):
    return res.reaches.set_index("reach_code")["distance_km"].to_dict()


def test_bad_sections_raise_clear_errors(tracer):
    with pytest.raises(ValueError, match="unknown section code 'NOPE'"):
        tracer.trace("NOPE")
    with pytest.raises(ValueError, match="S_FAR has no reach"):
        tracer.trace("S_FAR")
    with pytest.raises(ValueError, match="mode"):
        tracer.trace("S_OUT", mode="UP")
    with pytest.raises(ValueError, match="load field"):
        tracer.trace("S_OUT", load_field="lead")


def _box_km2(x0, y0, x1, y1):
    """Area of a grid box on the sphere (R = 6371.0088 km)."""
    r = 6371.0088
    lat0, lat1 = math.radians(LAT0 + y0 * STEP), math.radians(LAT0 + y1 * STEP)
    return r * r * math.radians((x1 - x0) * STEP) * (math.sin(lat1) - math.sin(lat0))


def test_control_units_and_drainage_area(tracer):
    res = tracer.trace("S_OUT")
    units = res.control_units_gdf.set_index("code")
    assert list(res.control_units_gdf.columns) == [*UNIT_RESULT_COLUMNS, "geometry"]
    assert set(units.index) == {"CU_UP", "CU_DOWN"}
    assert units.loc["CU_UP", "area_km2"] == pytest.approx(_box_km2(-0.5, -0.5, 2.6, 2.5),
                                                           rel=5e-3)
    assert units.loc["CU_DOWN", "area_km2"] == pytest.approx(_box_km2(2.6, -2.5, 5.5, 0.5),
                                                             rel=5e-3)
    assert units["n_reaches"].to_dict() == {"CU_UP": 5, "CU_DOWN": 6}  # M3 crosses both
    assert units["contains_section"].to_dict() == {"CU_UP": False, "CU_DOWN": True}
    assert res.drainage_area_km2 == pytest.approx(units["area_km2"].sum())
    trib = tracer.trace("S_T")
    assert trib.control_units_gdf["code"].tolist() == ["CU_UP"]
    assert trib.control_units_gdf["n_reaches"].tolist() == [2]


def test_json_output_is_geojson_and_keeps_chinese(tracer):
    res = tracer.trace("S_OUT", distance_km=5)
    text = res.to_json()
    assert "大企业" in text and "\\u" not in text
    doc = json.loads(text)
    assert doc["mode"] == "UT" and doc["distance_km"] == 5
    assert doc["reaches"]["type"] == "FeatureCollection"
    assert len(doc["reaches"]["features"]) == len(res.reaches_gdf)
    feat = doc["sources"]["features"][0]
    assert feat["geometry"]["type"] == "Point"
    assert feat["properties"]["code"] == res.sources_gdf["code"].iloc[0]
    lon, lat = feat["geometry"]["coordinates"]
    assert lon == pytest.approx(at(3.5, 0.05)[0])
    # an unknown load (NaN in the frame) is JSON null, a known one its number
    loads = {f["properties"]["code"]: f["properties"]["load"]
             for f in doc["sources"]["features"]}
    assert loads == {"O_M4": EQ["O_M4"], "E_BIG": EQ["E_BIG"], "F1": EQ["F1"],
                     "E_SMALL": EQ["E_SMALL"], "O_NEAR": None, "O_M3_LOW": None}
    assert res.sources_gdf.set_index("code")["load"][["O_NEAR", "O_M3_LOW"]].isna().all()
    summary = doc["summary"]
    assert summary["section_code"] == "S_OUT" and summary["n_reaches"] == len(res.reaches_gdf)
    assert summary["top_sources"][0]["code"] == "O_M4"
    assert "exp(-distance_km / decay_km)" in summary["score_formula"]


def test_trace_section_with_a_prebuilt_network_and_missing_layers(data):
    net = ReachNetwork.from_reaches(data["reaches"])
    only = {"reaches": data["reaches"], "sections": data["sections"]}
    res = trace_section(only, "S_OUT", network=net)
    assert len(res.reaches_gdf) == 10 and len(res.sources_gdf) == 0
    assert len(res.control_units_gdf) == 0 and res.drainage_area_km2 == 0.0
    with pytest.raises(ValueError, match="sections"):
        trace_section({"reaches": data["reaches"]}, "S_OUT")


def test_snap_distance_controls_nearest_reach(data):
    tight = trace_section(data, "S_OUT", snap_distance_m=40.0)
    codes = set(tight.sources_gdf["code"])
    assert "F1" in codes and "O_NEAR" in codes  # 33 m and 29 m from their reaches
    assert "E_NOOUT" not in codes and "E_BADOUT" not in codes  # 111 m away


def test_broken_network_still_traces(data):
    frames = dict(data)
    reaches = data["reaches"].copy()
    reaches.loc[reaches["code"] == "T2", "downstream_code"] = None  # inferred from lines
    reaches.loc[reaches["code"] == "M2", "geometry"] = reaches.loc[
        reaches["code"] == "M2", "geometry"].map(lambda g: type(g)(list(g.coords)[::-1]))
    frames["reaches"] = reaches
    res = trace_section(frames, "S_OUT")
    assert len(res.reaches_gdf) == 10
    assert {i.kind for i in res.issues} == {"inferred_links", "reversed"}
    assert by_code(res, "distance_km")["E_NOOUT"] == pytest.approx(7.0)


def test_real_geopackage(tmp_path, data):
    from pollution_map_plugin.core.db import create_database

    with create_database(tmp_path / "tree.gpkg") as db:
        for name, frame in data.items():
            db.write(name, frame)
        res = trace_section(db, "S_OUT")
    assert by_code(res, "distance_km") == pytest.approx(FROM_OUT)
    assert res.sources_gdf["code"].tolist()[:2] == ["O_M4", "E_BIG"]


def test_nearest_section(data):
    hit = nearest_section(data["sections"], *at(2.52, 0.01), max_distance_m=100)
    assert hit["code"] == "S_MID" and 0 < hit["distance_m"] < 40
    assert "geometry" not in hit
    assert nearest_section(data["sections"], *at(2.52, 0.5), max_distance_m=100) is None
    assert nearest_section(gpd.GeoDataFrame(geometry=[], crs=4490), 106, 29, 10) is None
