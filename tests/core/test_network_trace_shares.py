"""Item-matched tracing: loads, decay along the network, shares, flags (issue 13).

Hand-made networks whose answers follow by arithmetic.  Two tributaries A1 and B1
(10 km each) join into C1 (10 km); the section S sits at the end of C1, SA at the end of
A1.  With k = 0.864 /d and u = 0.5 m/s the decay is 0.02 per km.
"""

from __future__ import annotations

import json
import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from pollution_map_plugin.core.network import Tracer
from pollution_map_plugin.core.network.contribution import short_list_size, top_order
from pollution_map_plugin.core.network.load_estimates import item_code, load_trace_settings
from pollution_map_plugin.core.network.source_attribution import SourceAttribution
from tests.core.network_cases import box, points, reaches

RATE = 0.02  # per km
OVER = {"decay": {"velocity_m_s": 0.5, "k_per_day": {"NH3N": 0.864, "TP": 0.0}}}
TWO = [("A1", "a", "C1", 10.0, 1, [(0, 1), (1, 0)]),
       ("B1", "b", "C1", 10.0, 1, [(0, -1), (1, 0)]),
       ("C1", "c", None, 10.0, 2, [(1, 0), (2, 0)])]
PLANT_NH3N = 1000 * 365 * 5 / 1e6  # 1,000 m³/d × 一级A 5 mg/L


def two_tributaries() -> dict:
    sections = points([
        {"code": "S", "name": "汇合下游", "reach_code": "C1", "xy": (2, 0), "target_class": 3},
        {"code": "SA", "name": "甲支流", "reach_code": "A1", "xy": (1, 0), "target_class": 3},
    ])
    sections["level"] = "national"
    sections["water_body_type"] = "river"
    sections["river_code"] = ["c", "a"]
    enterprises = points([{"code": "E_A", "name": "甲厂", "industry": "农副食品加工业",
                           "nh3n_t_a": 10.0, "cod_t_a": 100.0, "tp_t_a": 1.0,
                           "xy": (0.5, 0.5)}])
    farms = points([{"code": "F_B", "name": "乙猪场", "species": "生猪", "nh3n_t_a": 6.0,
                     "xy": (0.5, -0.5)}])
    plants = points([{"code": "P_C", "name": "丙污水厂", "standard": "一级A",
                      "capacity_m3_d": 1000.0, "xy": (1.5, 0.0)}])  # no loads: estimated
    petrol = points([{"code": "G1", "name": "加油站", "xy": (1.6, 0.0)}])
    units = gpd.GeoDataFrame(pd.DataFrame({"code": ["U_A", "U_REST"],
                                           "name": ["甲单元", "其余"]}),
                             geometry=[box(-0.2, 0.05, 0.95, 1.2), box(-0.2, -1.2, 2.2, 0.05)],
                             crs="EPSG:4490")
    return {"reaches": reaches(TWO), "sections": sections, "enterprises": enterprises,
            "livestock_farms": farms, "sewage_plants": plants, "petrol_stations": petrol,
            "control_units": units}


@pytest.fixture(scope="module")
def tracer() -> Tracer:
    return Tracer(two_tributaries())


@pytest.fixture(scope="module")
def settings():
    return load_trace_settings(overrides=OVER)


def by(frame, column):
    return frame.set_index("code")[column].to_dict()


def test_two_tributaries_decay_and_shares(tracer, settings):
    sh = tracer.trace("S").shares("NH3N", settings)
    assert sh.decay_per_km == pytest.approx(RATE)
    frame = sh.sources_frame()
    want = {"E_A": 10 * math.exp(-RATE * 15), "F_B": 6 * math.exp(-RATE * 15),
            "P_C": PLANT_NH3N * math.exp(-RATE * 5)}
    assert by(frame, "distance_km") == pytest.approx({"E_A": 15, "F_B": 15, "P_C": 5})
    assert by(frame, "contribution_t_a") == pytest.approx(want)
    total = sum(want.values())
    assert by(frame, "share") == pytest.approx({k: v / total for k, v in want.items()})
    assert frame["code"].tolist() == ["E_A", "F_B", "P_C"]  # by contribution
    assert by(frame, "basis") == {"E_A": "measured", "F_B": "measured", "P_C": "estimated"}
    assert by(frame, "load_t_a")["P_C"] == pytest.approx(PLANT_NH3N)
    assert "G1" not in set(frame["code"])  # petrol stations emit petroleum only
    # 80 %: E_A alone is 55 %, with F_B 88 %
    assert sh.short_list_n == 2 and by(frame, "in_short_list") == {
        "E_A": True, "F_B": True, "P_C": False}
    groups = sh.by_group().set_index("group")["share"].to_dict()
    assert groups == pytest.approx({"industry": want["E_A"] / total,
                                    "livestock": want["F_B"] / total,
                                    "sewage": want["P_C"] / total, "other": 0.0})
    stretch = sh.by_stretch().set_index("section_code")["contribution_t_a"].to_dict()
    assert stretch == pytest.approx({"SA": want["E_A"], "S": want["F_B"] + want["P_C"]})
    units = sh.by_unit().set_index("unit_code")["contribution_t_a"].to_dict()
    assert units == pytest.approx({"U_A": want["E_A"], "U_REST": want["F_B"] + want["P_C"]})
    assert sh.not_covered_t_a == 0.0 and sh.observed_t_a is None


def test_without_decay_the_shares_are_the_loads(tracer, settings):
    flat = load_trace_settings(overrides={"decay": {"k_per_day": {"NH3N": 0.0}}})
    frame = tracer.trace("S").shares("NH3N", flat).sources_frame()
    total = 10 + 6 + PLANT_NH3N
    assert by(frame, "share") == pytest.approx({"E_A": 10 / total, "F_B": 6 / total,
                                                "P_C": PLANT_NH3N / total})
    assert by(frame, "decay_factor") == pytest.approx({"E_A": 1, "F_B": 1, "P_C": 1})


def test_a_tributary_section_sees_only_its_tributary(tracer, settings):
    sh = tracer.trace("SA").shares("NH3N", settings)
    frame = sh.sources_frame()
    assert frame["code"].tolist() == ["E_A"]
    assert frame["contribution_t_a"].iloc[0] == pytest.approx(10 * math.exp(-RATE * 5))
    assert frame["share"].iloc[0] == pytest.approx(1.0) and sh.short_list_n == 1


def test_observed_load_leaves_a_not_covered_remainder(tracer, settings):
    res = tracer.trace("S")
    modelled = res.shares("NH3N", settings).modelled_t_a
    conc = 2 * modelled / 31.5576  # mg/L at 1 m³/s: twice the listed sources
    sh = res.shares("NH3N", settings, concentration=conc, flow_m3_s=1.0)
    assert sh.observed_t_a == pytest.approx(2 * modelled)
    assert sh.not_covered_share == pytest.approx(0.5)
    assert sh.shares.sum() == pytest.approx(0.5)
    low = res.shares("NH3N", settings, concentration=conc / 4, flow_m3_s=1.0)
    assert low.not_covered_t_a == 0.0 and low.shares.sum() == pytest.approx(1.0)


def test_estimates_for_items_without_loads(tracer, settings):
    res = tracer.trace("S")
    oil = res.shares("Oil", settings).sources_frame()
    # the plant: 1,000 m³/d × 一级A 1 mg/L; the station its nominal 0.01 t/a;
    # the food factory does not emit petroleum in the industry table
    assert by(oil, "load_t_a") == pytest.approx({"P_C": 0.365, "G1": 0.01})
    assert set(by(oil, "basis").values()) == {"estimated"}
    assert by(oil, "group") == {"P_C": "sewage", "G1": "other"}
    codmn = res.shares("CODMn", settings).sources_frame()
    assert by(codmn, "load_t_a")["E_A"] == pytest.approx(0.3 * 100)  # proxy of COD
    assert by(codmn, "basis")["E_A"] == "proxy"
    farm = dict(two_tributaries())
    farm["livestock_farms"] = points([{"code": "F_EST", "name": "估算猪场", "species": "生猪",
                                       "head_count": 1000, "xy": (0.5, -0.5)}])
    est = Tracer(farm).trace("S").shares("NH3N", settings).sources_frame()
    # 1,000 pigs × 2.15 kg/a × 0.1 reaching water
    assert by(est, "load_t_a")["F_EST"] == pytest.approx(0.215)


def lake_network() -> dict:
    rows = [("X1", "x", "L1", 4.0, 1, [(0, 0), (1, 0)]),
            ("L1", "x", "X2", 2.0, 1, [(1, 0), (2, 0)]),
            ("X2", "x", None, 4.0, 1, [(2, 0), (3, 0)])]
    r = reaches(rows)
    r["water_body_type"] = ["river", "lake", "river"]
    sections = points([{"code": "S", "name": "出湖", "reach_code": "X2", "xy": (3, 0)}])
    sections["level"] = "national"
    sections["water_body_type"] = "river"
    ents = points([
        {"code": "E_UP", "name": "湖上游", "nh3n_t_a": 4.0, "xy": (0.5, 0.02)},
        {"code": "E_IN", "name": "入湖", "nh3n_t_a": 4.0, "xy": (1.5, 0.02)},
        {"code": "E_DOWN", "name": "湖下游", "nh3n_t_a": 4.0, "xy": (2.5, 0.02)},
    ])
    return {"reaches": r, "sections": sections, "enterprises": ents}


def test_a_lake_in_between_is_flagged_and_decay_goes_on(settings):
    sh = Tracer(lake_network()).trace("S").shares("NH3N", settings)
    frame = sh.sources_frame()
    assert by(frame, "beyond_lake") == {"E_UP": True, "E_IN": True, "E_DOWN": False}
    assert by(frame, "distance_km") == pytest.approx({"E_UP": 8, "E_IN": 5, "E_DOWN": 2})
    assert by(frame, "contribution_t_a") == pytest.approx(
        {c: 4 * math.exp(-RATE * d) for c, d in (("E_UP", 8), ("E_IN", 5), ("E_DOWN", 2))})
    assert not frame["no_flow_direction"].any()


def test_a_reach_without_flow_direction_is_flagged(settings):
    data = lake_network()
    data["reaches"] = data["reaches"].copy()
    data["reaches"]["flow_direction"] = ["unknown", None, None]
    frame = Tracer(data).trace("S").shares("NH3N", settings).sources_frame()
    assert by(frame, "no_flow_direction") == {"E_UP": True, "E_IN": False, "E_DOWN": False}
    inferred = lake_network()
    inferred["reaches"] = inferred["reaches"].copy()
    inferred["reaches"]["downstream_code"] = [None, "X2", None]  # X1's link from its line
    frame = Tracer(inferred).trace("S").shares("NH3N", settings).sources_frame()
    assert by(frame, "no_flow_direction") == {"E_UP": True, "E_IN": False, "E_DOWN": False}


def test_failing_items_drive_the_trace():
    data = two_tributaries()
    days = pd.to_datetime(["2025-03-01", "2025-06-01"])
    rows = []
    for d in days:
        rows += [{"section_code": "S", "sampled_on": d, "parameter": "NH3N", "value": 2.0},
                 {"section_code": "S", "sampled_on": d, "parameter": "TP", "value": 0.05},
                 {"section_code": "SA", "sampled_on": d, "parameter": "NH3N", "value": 0.3},
                 {"section_code": "S", "sampled_on": d, "parameter": "Q", "value": 3.0}]
    data["measurements"] = pd.DataFrame(rows)
    att = SourceAttribution.from_frames(data, "2025", settings=load_trace_settings(
        overrides=OVER))
    assert att.period == "2025" and att.flows == {"S": 3.0}
    res = att.attribute("S")
    assert [r["parameter"] for r in res.items] == ["NH3N"] and list(res.shares) == ["NH3N"]
    sh = res.shares["NH3N"]
    assert sh.concentration == pytest.approx(2.0)
    assert sh.observed_t_a == pytest.approx(2.0 * 3.0 * 31.5576)
    assert sh.not_covered_t_a == pytest.approx(sh.observed_t_a - sh.modelled_t_a)
    doc = json.loads(json.dumps(res.to_dict(top=2)))
    assert doc["items"][0]["parameter"] == "NH3N" and len(doc["items"][0]["sources"]) == 2
    assert att.attribute("SA").items == [] and "no failing item" in att.attribute("SA").notes[0]
    chosen = att.attribute("S", items=["总磷"])
    assert list(chosen.shares) == ["TP"]
    report = att.river_sources("c", top=2)
    assert [e["section_code"] for e in report] == ["S"] and report[0]["item"] == "NH3N"
    assert report[0]["sources"][0]["code"] == "E_A"
    assert report[0]["sources"][0]["share"] == pytest.approx(sh.shares[sh.top(1)][0])
    assert att.river_sources("a") == []  # SA meets its target


def test_settings_file_overrides_and_bad_values(tmp_path):
    path = tmp_path / "mine.json"
    path.write_text(json.dumps({"decay": {"k_per_day": {"NH3N": 0.5}},
                                "short_list_share": 0.9}), encoding="utf-8")
    s = load_trace_settings(path)
    assert s.k_per_day("NH3N") == 0.5 and s.short_list_share == 0.9
    assert s.k_per_day("COD") == load_trace_settings().k_per_day("COD")  # kept
    path.write_text('{"decay": {"velocity_m_s": 0}}', encoding="utf-8")
    with pytest.raises(ValueError, match="velocity_m_s must be a number > 0"):
        load_trace_settings(path)
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match="not valid JSON"):
        load_trace_settings(path)
    with pytest.raises(ValueError, match="cannot read"):
        load_trace_settings(tmp_path / "missing.json")


def test_item_names_and_bad_items(tracer):
    assert [item_code(x) for x in ("NH3N", "nh3-n", "氨氮", "总磷", "codmn", "石油类")] == [
        "NH3N", "NH3N", "NH3N", "TP", "CODMn", "Oil"]
    with pytest.raises(ValueError, match="unknown item 'lead-ish'"):
        tracer.trace("S").shares("lead-ish")
    with pytest.raises(ValueError, match="upstream trace"):
        tracer.trace("SA", mode="DM").shares("NH3N")


def test_short_list_and_top_order_helpers():
    v = np.array([5.0, 1.0, 3.0, 1.0])
    assert top_order(v, 3).tolist() == [0, 2, 1]  # ties: lower position first
    assert short_list_size(v, 0.8) == 2 and short_list_size(v, 0.5) == 1
    assert short_list_size(v, 1.0) == 4 and short_list_size(np.zeros(3), 0.8) == 0
    big = np.r_[np.ones(1000), 1000.0]
    assert short_list_size(big, 0.8) == 601  # the big one, then 600 of the small ones


def test_flags_follow_the_shortest_way_through_a_braid(settings):
    rows = [("X0", "x", None, 1.0, 1, [(0, 0), (1, 0)]),
            ("XA", "x", "X2", 2.0, 1, [(1, 0), (2, 0)]),  # the lake arm, shorter
            ("XB", "x", "X2", 5.0, 1, [(1, 0), (1.5, 1), (2, 0)]),
            ("X2", "x", None, 1.0, 1, [(2, 0), (3, 0)])]
    r = reaches(rows)
    r["water_body_type"] = ["river", "lake", "river", "river"]
    frames = {"reaches": r, "sections": points([{"code": "S", "name": "下游", "level": "national",
                                                 "water_body_type": "river",
                                                 "reach_code": "X2", "xy": (3, 0)}])}
    frames["reaches"] = frames["reaches"].copy()
    # the braid: X0 flows into both arms (two downstream links, from the nodes)
    frames["reaches"]["downstream_code"] = None
    frames["enterprises"] = points([
        {"code": "E0", "name": "分汊上游", "nh3n_t_a": 1.0, "xy": (0.5, 0.02)},
        {"code": "EB", "name": "非湖支汊", "nh3n_t_a": 1.0, "xy": (1.5, 1.02)}])
    tracer = Tracer(frames)
    assert any(i.kind == "braid" for i in tracer.network.issues)
    frame = tracer.trace("S").shares("NH3N", settings).sources_frame()
    assert by(frame, "beyond_lake") == {"E0": True, "EB": False}
    assert by(frame, "distance_km")["E0"] == pytest.approx(0.5 + 2 + 1)


def test_a_source_above_the_lake_alone_is_flagged(settings):
    data = lake_network()
    data["enterprises"] = data["enterprises"][data["enterprises"]["code"] == "E_UP"]
    frame = Tracer(data).trace("S").shares("NH3N", settings).sources_frame()
    assert by(frame, "beyond_lake") == {"E_UP": True}


def test_shares_from_a_clicked_point(tracer, settings):
    from tests.core.network_cases import at

    res = tracer.trace_point(*at(1.5, 0.0), max_distance_m=50)  # the middle of C1
    sh = res.shares("NH3N", settings)
    frame = sh.sources_frame()
    # the plant enters C1 at the point itself (0 km); the tributaries' sources 5 + 5 km up
    assert by(frame, "distance_km") == pytest.approx({"E_A": 10, "F_B": 10, "P_C": 0})
    assert sh.shares.sum() == pytest.approx(1.0)
    stretch = sh.by_stretch().set_index("section_code")["n_sources"].to_dict()
    assert stretch == {"SA": 1, "S": 2}  # no traced section: the first section below


def test_through_answers_the_same_for_few_and_many_reaches():
    net = Tracer(lake_network()).network
    start = net.index_of("X2")
    lake = np.zeros(len(net), dtype=bool)
    lake[net.index_of("L1")] = True
    idx = np.array([net.index_of(c) for c in ("X1", "L1", "X2")])
    few = net.through(start, idx, lake, include_start=False)
    many = net.through(start, np.tile(idx, 1000), lake, include_start=False)  # other branch
    assert few.tolist() == [True, True, False]
    assert many.tolist() == np.tile(few, 1000).tolist()
    assert net.through(start, idx, lake | (np.arange(len(net)) == start),
                       include_start=True).tolist() == [True, True, True]


def test_a_far_farm_goes_to_the_nearest_reach_of_its_control_unit():
    data = two_tributaries()
    data["livestock_farms"] = points([{"code": "F_FAR", "name": "远猪场", "species": "生猪",
                                       "nh3n_t_a": 1.0, "xy": (1.5, -4.0)}])
    data["control_units"] = gpd.GeoDataFrame(
        pd.DataFrame({"code": ["U_BIG"], "name": ["大单元"]}),
        geometry=[box(-0.2, -5.0, 2.2, 0.05)], crs="EPSG:4490")
    tracer = Tracer(data)
    row = tracer.sources.set_index("code").loc["F_FAR"]
    # B1's head (0, -1) is 3.6 km away: beyond the farms' 3 km, inside the unit
    assert tracer.network.codes[int(row["reach_idx"])] == "B1"
    assert row["via"] == "control unit" and 3500 < row["snap_m"] < 3700
    assert any("control unit" in n for n in tracer.notes)
    frame = tracer.trace("S").shares("NH3N").sources_frame()
    assert "F_FAR" in set(frame["code"])
    lost = Tracer(data, farm_unit_distance_m=0.0)
    assert int(lost.sources.set_index("code").loc["F_FAR", "reach_idx"]) == -1
