"""import-network on a real national network: 1:4M hydrography cut to the Chongqing box.

The package's lines are ArcInfo arc-node data digitised in arbitrary direction, without a
projection or code-page file, with islands as closed loops, the Yangtze drawn as two
banks and the main rivers repeated in both files.  The truth used here is geography:
the Yangtze flows west → east across the box, the Jialing south into it at Chongqing,
the Wujiang north into it at Fuling.
"""

from __future__ import annotations

import numpy as np
import pytest

from pollution_map_plugin.core.db import create_database
from pollution_map_plugin.core.network import ReachNetwork
from pollution_map_plugin.core.network.network_import import (
    NetworkImportOptions,
    build_network,
    import_network,
)
from tests.fixtures.real_network import CHONGQING_BOX

CHONGQING = (106.58, 29.57)  # Jialing mouth
FULING = (107.40, 29.71)  # Wujiang mouth


@pytest.fixture(scope="module")
def both(real_network):
    opts = NetworkImportOptions([str(real_network["hyd1_4l"]), str(real_network["hyd2_4l"])],
                                bbox=CHONGQING_BOX)
    return build_network(opts)


@pytest.fixture(scope="module")
def hyd2(real_network):
    return build_network(NetworkImportOptions([str(real_network["hyd2_4l"])],
                                              bbox=CHONGQING_BOX))


def _ends(reaches, name_code):
    sel = reaches[reaches["river_code"] == name_code]
    return [(g.coords[0], g.coords[-1]) for g in sel.geometry]


def _code(result, name):
    codes = result.rivers.loc[result.rivers["name"] == name, "code"].tolist()
    assert len(codes) == 1, f"{name}: {codes}"
    return codes[0]


@pytest.mark.parametrize("which", ["both", "hyd2"])
def test_yangtze_jialing_wujiang_flow_downstream(which, request):
    res = request.getfixturevalue(which)
    reaches = res.reaches
    yangtze, jialing, wujiang = (_code(res, n) for n in ("长江", "嘉陵江", "乌江"))
    for start, end in _ends(reaches, yangtze):
        assert end[0] > start[0], f"a Yangtze reach flows west: {start} → {end}"
    mouth = reaches[(reaches["river_code"] == yangtze) & reaches["downstream_code"].isna()]
    assert len(mouth) == 1 and mouth.geometry.iloc[0].coords[-1][0] > 110.1  # near Wushan
    assert res.outlets.iloc[0]["river_name"] == "长江"
    for code, mouth_at, northwards in ((jialing, CHONGQING, False), (wujiang, FULING, True)):
        rows = reaches[reaches["river_code"] == code]
        last = rows[~rows["downstream_code"].isin(rows["code"])]
        assert len(last) == 1
        end = np.array(last.geometry.iloc[0].coords[-1])
        assert np.hypot(*(end - mouth_at)) < 0.05, end
        down = reaches.set_index("code").loc[last["downstream_code"].iloc[0], "river_code"]
        assert down == yangtze
        for start, stop in _ends(reaches, code):
            assert (stop[1] > start[1]) == northwards
    assert set(res.rivers.set_index("code").loc[[jialing, wujiang], "parent_code"]) == {yangtze}


def test_reversed_arcs_are_exactly_those_drawn_against_the_flow(hyd2, real_network):
    """The Yangtze arcs turned are exactly the used ones digitised from east to west."""
    from osgeo import ogr

    feats = hyd2.features
    used = feats[(feats["name"] == "长江") & (feats["outcome"] == "used")]
    ds = ogr.Open(str(real_network["hyd2_4l"]))  # keep: the layer lives in it
    layer = ds.GetLayer(0)
    west = set()
    for fid in used["fid"]:
        feature = layer.GetFeature(int(fid))  # keep: the geometry lives in it
        pts = feature.GetGeometryRef().GetPoints()
        if pts[-1][0] < pts[0][0]:
            west.add(int(fid))
    reversed_fids = set(hyd2.reversed.loc[hyd2.reversed["name"] == "长江", "fid"])
    assert reversed_fids == west and len(west) == 3
    counts = hyd2.reversed["name"].value_counts().to_dict()
    assert counts == {"长江": 3, "嘉陵江": 5, "乌江": 5, "沅江": 2}
    # arc-node fields of the 1:4M data follow the digitised direction
    assert any(f.kind == "node_fields" and "first point" in f.message for f in hyd2.findings)


def test_the_yangtze_is_one_line_where_it_was_drawn_as_two_banks(both):
    """The two banks between Luzhou and Wanzhou become one: the Jialing and the Wujiang,
    which joined opposite banks, meet the same line, one after the other."""
    r = both.reaches.set_index("code")
    yangtze = _code(both, "长江")
    jialing = r[r["river_code"] == _code(both, "嘉陵江")]
    wujiang = r[r["river_code"] == _code(both, "乌江")]
    j_down, w_down = jialing["downstream_code"].iloc[-1], wujiang["downstream_code"].iloc[-1]
    assert r.at[j_down, "river_code"] == yangtze == r.at[w_down, "river_code"]
    chain, code = [], j_down
    while isinstance(code, str):
        chain.append(code)
        code = r.at[code, "downstream_code"]
    assert w_down in chain  # the Wujiang joins below the Jialing on the same line
    west_ends = [g.coords[0] for c, g in r.geometry.items()
                 if r.at[c, "river_code"] == yangtze and g.coords[0][0] < 105.21]
    assert len(west_ends) == 1  # one line enters the box, not two banks
    banks = [f for f in both.findings if f.kind == "double_bank"]
    assert banks and "centreline" in banks[0].message
    assert both.features["reason"].str.contains("second bank line").sum() >= 3


def test_every_input_feature_is_accounted_for(both):
    f = both.features
    assert len(f) == 840 + 2143  # both files, every feature
    assert set(f["outcome"]) <= {"used", "merged", "dropped"}
    assert (f.loc[f["outcome"] != "used", "reason"].str.len() > 0).all()
    used = f[f["outcome"] == "used"]
    assert (used["reach_codes"].str.len() > 0).all()
    reasons = f["reason"].value_counts()
    assert reasons.filter(like="closed loop").sum() == 39  # the islands of both files
    assert reasons.filter(like="duplicate").sum() > 0  # hyd1's rivers are in hyd2 too
    kinds = {x.kind for x in both.findings}
    assert {"island_loop", "duplicate", "reversed", "braid", "double_bank",
            "separate_parts"} <= kinds
    assert any("GB18030" in n for n in both.notes) and any("lon/lat" in n for n in both.notes)


def test_import_writes_a_network_the_tracer_navigates(real_network, tmp_path):
    db = create_database(tmp_path / "real.gpkg")
    opts = NetworkImportOptions([str(real_network["hyd2_4l"])], bbox=CHONGQING_BOX)
    res = import_network(db, opts)
    reaches = db.read_layer("reaches")
    assert len(reaches) == len(res.reaches) and db.count("rivers") == len(res.rivers)
    assert not [m for m in db.validate() if "reaches" in m or "rivers" in m]
    net = ReachNetwork.from_reaches(reaches)
    assert not [i for i in net.issues if i.kind in ("reversed", "cycle", "dangling_link")]
    yangtze = res.rivers.loc[res.rivers["name"] == "长江", "code"].iloc[0]
    mouth = reaches[(reaches["river_code"] == yangtze) & reaches["downstream_code"].isna()]
    up = set(net.navigate(mouth["code"].iloc[0], mode="UT")["reach_code"])
    main = res.rivers.loc[res.rivers["name"].isin(["长江", "嘉陵江", "乌江"]), "code"]
    assert set(reaches.loc[reaches["river_code"].isin(main), "code"]) <= up
    with pytest.raises(ValueError, match="--replace"):
        import_network(db, opts)
    db.close()
