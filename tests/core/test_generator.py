"""The synthetic demo generator: determinism, schema, hydrological invariants, counts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pyproj import Geod
from shapely.ops import unary_union

from pollution_map_plugin.core import schema
from pollution_map_plugin.core.identifiers import is_valid_credit_code
from pollution_map_plugin.synthetic_data import generate, get_scale
from pollution_map_plugin.synthetic_data.measurement_series import ROUTINE, item_class

GEOD = Geod(ellps="GRS80")
GEOM_TYPES = {"POINT": "Point", "LINESTRING": "LineString", "MULTILINESTRING": "MultiLineString",
              "MULTIPOLYGON": "MultiPolygon"}
TABLES = [t.name for t in schema.TABLES if t.name not in ("db_metadata", "schema_version")]


@pytest.fixture(scope="module")
def d(demo_dataset):
    return demo_dataset


def _equal(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    if list(a.columns) != list(b.columns) or len(a) != len(b):
        return False
    for col in a.columns:
        if col == "geometry":
            if [g.wkb for g in a.geometry] != [g.wkb for g in b.geometry]:
                return False
        elif not a[col].equals(b[col]):
            return False
    return True


def test_same_seed_same_data_other_seed_other_data(d):
    again = generate("demo", seed=1)
    for name in TABLES:
        assert _equal(d[name], again[name]), name
    other = generate("demo", seed=2, measurements=False)
    assert not _equal(d["reaches"], other["reaches"])
    assert not _equal(d["enterprises"], other["enterprises"])


def test_frames_have_exactly_the_schema_columns(d):
    assert set(d) == set(TABLES)
    for name in TABLES:
        t = schema.table(name)
        frame = d[name]
        expected = t.column_names + (["geometry"] if t.is_spatial else [])
        assert list(frame.columns) == expected, name
        if t.is_spatial:
            assert frame.crs.to_epsg() == 4490
            kinds = set(frame.geometry.geom_type)
            assert kinds == {GEOM_TYPES[t.geometry]}, (name, kinds)
        for col in t.columns:
            if not col.nullable:
                assert frame[col.name].notna().all(), (name, col.name)
            if col.choices:
                assert set(frame[col.name].dropna()) <= set(col.choices), (name, col.name)
        key = list(t.natural_key)
        assert not frame.duplicated(key).any(), name


def test_demo_counts(d):
    sc = get_scale("demo")
    assert len(d["rivers"]) == sc.n_rivers
    assert 150 <= len(d["reaches"]) <= 300
    assert d["rivers"]["key_river"].sum() == sc.n_key_rivers
    levels = d["sections"]["level"].value_counts()
    assert (levels["national"], levels["municipal"], levels["control"]) == sc.sections
    assert len(d["control_units"]) == sc.n_control_units
    assert len(d["enterprises"]) >= sc.n_enterprises
    assert len(d["livestock_farms"]) >= sc.n_farms
    assert len(d["sewage_plants"]) == sc.n_plants
    assert len(d["petrol_stations"]) == sc.n_petrol
    assert len(d["industrial_parks"]) == sc.n_parks
    sources = sum(len(d[n]) for n in schema.SOURCE_LAYERS)
    assert 300 <= sources <= 700
    assert len(d["measurements"]["sampled_on"].unique()) == 12 * sc.n_years


def test_coordinates_around_the_demo_city(d):
    b = d["reaches"].total_bounds
    assert 106.0 < b[0] < b[2] < 107.0 and 29.1 < b[1] < b[3] < 30.0
    for name in schema.SOURCE_LAYERS:
        x, y = d[name].geometry.x, d[name].geometry.y
        assert x.between(106.0, 107.0).all() and y.between(29.1, 30.0).all(), name


def _walk_to_outlet(reaches: pd.DataFrame) -> dict[str, int]:
    down = dict(zip(reaches["code"], reaches["downstream_code"]))
    steps = {}
    for code in down:
        seen, c = set(), code
        while c is not None and not pd.isna(c):
            assert c not in seen, f"cycle through {c}"
            seen.add(c)
            c = down[c]
        steps[code] = len(seen)
    return steps


def test_reach_network_is_a_tree_draining_to_an_outlet(d):
    r = d["reaches"]
    codes = set(r["code"])
    down = r["downstream_code"].dropna()
    assert set(down) <= codes
    assert r["downstream_code"].isna().sum() == 1  # the one outlet of the demo
    steps = _walk_to_outlet(r)
    assert max(steps.values()) < len(r)
    # nodes: a reach ends where its downstream reach starts, and geometry agrees
    by_code = r.set_index("code")
    for row in r.itertuples():
        last = row.geometry.coords[-1]
        if isinstance(row.downstream_code, str):
            nxt = by_code.loc[row.downstream_code]
            assert row.to_node == nxt.from_node
            assert last == nxt.geometry.coords[0]
    node_xy: dict[str, tuple] = {}
    for row in r.itertuples():
        for node, xy in ((row.from_node, row.geometry.coords[0]),
                         (row.to_node, row.geometry.coords[-1])):
            assert node_xy.setdefault(node, xy) == xy, node
    # one reach leaves each from-node (a tree has no bifurcations)
    assert not r["from_node"].duplicated().any()


def test_reaches_flow_downhill_in_order_and_into_their_parent_river(d):
    r, rivers = d["reaches"], d["rivers"].set_index("code")
    river_of = dict(zip(r["code"], r["river_code"]))
    order = dict(zip(r["code"], r["stream_order"]))
    ups: dict[str, list[str]] = {}
    for code, dn in zip(r["code"], r["downstream_code"]):
        if isinstance(dn, str):
            ups.setdefault(dn, []).append(code)
            assert order[dn] >= order[code]
            if river_of[dn] != river_of[code]:
                assert rivers.loc[river_of[code], "parent_code"] == river_of[dn]
    for dn, up in ups.items():
        top = max(order[u] for u in up)
        if sum(order[u] == top for u in up) >= 2:
            assert order[dn] == top + 1
    # every river's reaches form one chain
    for code, group in r.groupby("river_code"):
        inside = group["downstream_code"].isin(group["code"])
        assert (~inside).sum() == 1, code


def test_lengths_are_geodesic(d):
    for frame in (d["reaches"].head(40), d["rivers"]):
        for geom, km in zip(frame.geometry, frame["length_km"]):
            geoms = getattr(geom, "geoms", [geom])
            total = sum(GEOD.line_length(*zip(*g.coords)) for g in geoms) / 1000
            if frame is d["reaches"].head(40):
                assert km == pytest.approx(total, abs=2e-3)
    r = d["reaches"]
    total = r.groupby("river_code")["length_km"].sum()
    rivers = d["rivers"].set_index("code")
    assert np.allclose(rivers.loc[total.index, "length_km"], total, atol=0.02)


def test_sections_lie_on_their_reach_and_river(d):
    s, r = d["sections"], d["reaches"].set_index("code")
    for row in s.itertuples():
        reach = r.loc[row.reach_code]
        assert reach.geometry.distance(row.geometry) < 1e-9
        assert reach.river_code == row.river_code
    assert set(s["water_body_type"]) == {"river", "lake"}
    assert set(s["target_class"]) <= {2, 3, 4}
    lake_rivers = s.loc[s["water_body_type"] == "lake", "river_code"]
    assert not lake_rivers.isin(["R00001", "R00002"]).any()  # no lake on the big rivers


def test_control_units_partition_the_area(d):
    cu = d["control_units"]
    geoms = list(cu.geometry)
    assert all(g.is_valid for g in geoms)
    union = unary_union(geoms)
    assert sum(g.area for g in geoms) == pytest.approx(union.area, rel=1e-9)
    for i in range(len(geoms)):
        for j in range(i + 1, len(geoms)):
            assert geoms[i].intersection(geoms[j]).area < 1e-12
    assert d["reaches"].geometry.within(union.buffer(1e-9)).all()
    # each reach midpoint lies in exactly one unit; sections in their unit
    mids = [g.interpolate(0.5, normalized=True) for g in d["reaches"].geometry]
    hits = [sum(g.covers(m) for g in geoms) for m in mids]
    assert min(hits) >= 1
    by_code = cu.set_index("code").geometry
    for row in d["sections"].itertuples():
        assert by_code[row.control_unit_code].covers(row.geometry)
    assert set(cu["outlet_section_code"]) <= set(d["sections"]["code"])
    outlet_units = d["sections"].set_index("code").loc[cu["outlet_section_code"],
                                                      "control_unit_code"]
    assert list(outlet_units) == list(cu["code"])


def test_outfalls_on_banks_of_their_reach(d):
    o, r = d["outfalls"], d["reaches"].set_index("code")
    for row in o.itertuples():
        reach = r.loc[row.reach_code]
        assert reach.river_code == row.river_code
        p = reach.geometry.interpolate(reach.geometry.project(row.geometry))
        _, _, metres = GEOD.inv(p.x, p.y, row.geometry.x, row.geometry.y)
        assert 5 < metres < 100, (row.code, metres)
    owners = set(d["enterprises"]["code"]) | set(d["sewage_plants"]["code"])
    assert set(o["owner_code"].dropna()) <= owners
    assert set(o["type"]) == {"industrial", "sewage_plant", "agricultural", "other"}


def test_enterprises_codes_outfalls_parks(d):
    e = d["enterprises"]
    assert e["code"].map(is_valid_credit_code).all()
    assert e["outfall_code"].notna().all()
    assert set(e["outfall_code"]) <= set(d["outfalls"]["code"])
    assert set(d["sewage_plants"]["outfall_code"].dropna()) <= set(d["outfalls"]["code"])
    parks = d["industrial_parks"].set_index("code").geometry
    in_park = e[e["park_code"].notna()]
    assert len(in_park) > 0
    assert all(parks[p].buffer(1e-9).contains(g) for p, g in zip(in_park["park_code"],
                                                                  in_park.geometry))
    loads = ["wastewater_t_a", "cod_t_a", "nh3n_t_a", "tp_t_a"]
    assert (e[loads] >= 0).all().all()
    closed = e["status"].isin(["closed", "relocated"])
    assert (e.loc[closed, loads] == 0).all().all()


def test_sources_are_near_rivers(d):
    utm = "EPSG:32648"  # UTM zone 48N, metres
    rivers = unary_union(list(d["reaches"].to_crs(utm).geometry))
    for name, km in (("livestock_farms", 3.0), ("enterprises", 4.0)):
        frame = d[name][d[name]["park_code"].isna()] if name == "enterprises" else d[name]
        metres = frame.to_crs(utm).geometry.distance(rivers)
        assert (metres < km * 1000).mean() > 0.95, name


def test_measurements_items_units_and_non_detects(d):
    m = d["measurements"]
    s = d["sections"]
    per = m.groupby(["section_code", "sampled_on"])["parameter"].apply(frozenset)
    lakes = set(s.loc[s["water_body_type"] == "lake", "code"])
    routine = frozenset(ROUTINE) | {"WT"}
    for (code, _), items in per.items():
        assert items == (routine | {"TN"} if code in lakes else routine)
    assert (m["sampled_on"].dt.day == 10).all()
    assert m.loc[m["parameter"] == "pH", "unit"].isna().all()
    assert (m.loc[~m["parameter"].isin(["pH", "WT"]), "unit"] == "mg/L").all()
    nd = m[m["below_detection"]]
    assert len(nd) > 0 and nd["value"].isna().all() and (nd["detection_limit"] > 0).all()
    det = m[~m["below_detection"]]
    assert det["value"].notna().all() and det["detection_limit"].isna().all()
    assert m.loc[m["parameter"] == "pH", "value"].between(6, 9).all()
    assert (det["value"] > 0).all()


def _yearly_classes(d, year: int) -> pd.Series:
    m, s = d["measurements"], d["sections"].set_index("code")
    m = m[m["sampled_on"].dt.year == year]
    worst = pd.Series(1, index=s.index)
    for item in ("COD", "CODMn", "BOD5", "NH3N", "TP", "DO"):
        mean = m[m["parameter"] == item].groupby("section_code")["value"].mean()
        lake = (s.loc[mean.index, "water_body_type"] == "lake").to_numpy()
        cls = item_class(item, mean.to_numpy(), lake)
        worst = np.maximum(worst, pd.Series(cls, index=mean.index))
    return worst


def test_some_sections_miss_their_target_because_of_upstream_hotspots(d):
    last = int(d["measurements"]["sampled_on"].dt.year.max())
    cls = _yearly_classes(d, last)
    s = d["sections"].set_index("code")
    failing = cls[cls > s.loc[cls.index, "target_class"]].index
    assert 0.05 * len(s) <= len(failing) <= 0.5 * len(s)
    # planted hotspots are in the problem list, and lie upstream of their section
    r = d["reaches"]
    down = dict(zip(r["code"], r["downstream_code"]))
    names = s.reset_index().set_index("name")
    outfall_reach = d["outfalls"].set_index("code")["reach_code"]
    ent = d["enterprises"].set_index("name")
    hot = d["problems"][d["problems"]["description"].str.contains("排污超负荷")]
    assert len(hot) >= 2
    for text in hot["description"]:
        who, rest = text.split("排污超负荷，")
        section = names.loc[rest.split("断面")[0]]
        c = outfall_reach[ent.loc[who, "outfall_code"]]
        path = []
        while isinstance(c, str):
            path.append(c)
            c = down[c]
        assert section["reach_code"] in path


def test_sudden_changes_in_the_last_months(d):
    m = d["measurements"]
    s = d["sections"].set_index("name")
    sudden = d["problems"][d["problems"]["description"].str.contains("突然升高")]
    assert len(sudden) >= 2
    items = {"氨氮": "NH3N", "总磷": "TP", "化学需氧量": "COD"}
    last = m["sampled_on"].max()
    for text in sudden["description"]:
        name = text.split("，")[1].split("断面")[0]
        item = next(v for k, v in items.items() if k in text)
        series = m[(m["section_code"] == s.loc[name, "code"]) & (m["parameter"] == item)]
        recent = series["sampled_on"] > last - pd.DateOffset(months=3)
        assert series.loc[recent, "value"].max() > 1.8 * series.loc[~recent, "value"].median()


def test_governance_tables(d):
    key = set(d["rivers"].loc[d["rivers"]["key_river"], "code"])
    chiefs = d["river_chiefs"]
    assert set(chiefs["river_code"]) == key
    assert {"city", "county", "township", "village"} <= set(chiefs["level"])
    assert chiefs["name"].str.contains("某").all()  # clearly anonymised
    assert set(d["problems"]["river_code"]) == key
    assert set(d["projects"]["river_code"]) == key
    assert d["projects"]["progress"].between(0, 100).all()
    assert pd.api.types.is_datetime64_any_dtype(d["problems"]["deadline"])


def test_drinking_water_areas(d):
    w = d["drinking_water_areas"]
    assert set(w["level"]) <= {"first", "second", "quasi"}
    assert {"river", "reservoir"} <= set(w["water_body_type"])
    assert w.geometry.is_valid.all()
    rivers = set(d["rivers"]["code"])
    assert set(w["river_code"].dropna()) <= rivers
    first = w[w["level"] == "first"]
    river_areas = first[first["water_body_type"] == "river"]
    reaches = unary_union(list(d["reaches"].geometry))
    assert river_areas.geometry.intersects(reaches).all()


@pytest.mark.slow
def test_chongqing_scale_counts():
    """The full-size preset without measurements (their count is derived below)."""
    c = generate("chongqing", seed=1, measurements=False)
    sc = get_scale("chongqing")
    assert len(c["enterprises"]) >= 7000
    assert len(c["sewage_plants"]) >= 2000
    assert 1400 <= len(c["petrol_stations"]) <= 1600
    assert len(c["livestock_farms"]) >= 30000
    assert len(c["outfalls"]) >= 1000
    assert len(c["industrial_parks"]) >= 100
    assert len(c["drinking_water_areas"]) >= 1500
    assert len(c["control_units"]) == 42
    assert len(c["sections"]) >= 400
    levels = c["sections"]["level"].value_counts()
    assert (levels["national"], levels["municipal"]) == (42, 105)
    assert levels["control"] >= 211
    assert len(set(c["rivers"]["water_system"])) == 6
    assert c["rivers"]["key_river"].sum() == 37
    assert 90_000 <= len(c["reaches"]) <= 130_000
    assert c["reaches"]["downstream_code"].isna().sum() == 1
    b = c["reaches"].total_bounds
    assert b[0] > 105.2 and b[2] < 110.3 and b[1] > 28.1 and b[3] < 32.3
    months = 12 * sc.n_years
    assert 0.95e6 <= len(c["sections"]) * months * 21 <= 1.2e6


def test_demo_database_is_complete_and_says_it_is_synthetic(demo_db_path, demo_dataset):
    from pollution_map_plugin.core.db import open_database

    with open_database(demo_db_path) as db:
        meta = db.metadata()
        assert meta["synthetic"] == "yes"
        assert meta["scale"] == "demo" and meta["seed"] == "1"
        assert "虚构" in meta["notice_zh"] and "Synthetic" in meta["notice_en"]
        counts = db.counts()
        for name, frame in demo_dataset.items():
            assert counts[name] == len(frame), name
        assert db.validate() == []
        reaches = db.read_layer("reaches")
        assert reaches.crs.to_epsg() == 4490
        assert set(reaches["code"]) == set(demo_dataset["reaches"]["code"])
