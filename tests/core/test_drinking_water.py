"""Drinking-water source areas against their protection zones (issue 12.6)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import MultiPolygon, Point, box

from pollution_map_plugin.core import gb3838
from pollution_map_plugin.core.assessment import assess
from pollution_map_plugin.core.assessment.drinking_water import (
    ZONE_CLASS,
    area_name,
    assess_drinking_water,
    noncompliant_areas,
)
from pollution_map_plugin.core.assessment.service import AssessmentRequest, assess_frames

DAY = "2025-06-01"


def frame(rows):
    return pd.DataFrame([{"section_code": s, "sampled_on": pd.Timestamp(DAY), "parameter": p,
                          "value": v, "below_detection": False, "detection_limit": np.nan}
                         for s, p, v in rows])


SECTIONS = gpd.GeoDataFrame(
    {"code": ["S1", "S2", "S3", "S4", "S5", "S6"], "name": list("甲乙丙丁戊己"),
     "water_body_type": ["river"] * 6, "target_class": [4, 4, 4, 4, 4, 3],
     "river_code": "R1"},
    geometry=[Point(0.5, 0.5), Point(1.5, 0.5), Point(0.6, 0.6), Point(5.5, 5.5),
              Point(3.5, 0.5), Point(9, 9)], crs="EPSG:4490")
AREAS = gpd.GeoDataFrame(
    {"code": ["Y1", "Y2", "Y3", "Y4"],
     "name": ["甲水源地一级保护区", "甲水源地二级保护区", "乙地下水水源地一级保护区",
              "丙水源地准保护区"],
     "level": ["first", "second", "first", "quasi"],
     "water_body_type": ["river", "river", "groundwater", "reservoir"],
     "river_code": ["R1", "R1", None, "R1"], "district": "D"},
    geometry=[MultiPolygon([box(0, 0, 1, 1)]), MultiPolygon([box(1, 0, 2, 1)]),
              MultiPolygon([box(5, 5, 6, 6)]), MultiPolygon([box(3, 0, 4, 1)])],
    crs="EPSG:4490")
# S1 NH3N III in the first zone (needs II) → out; S3 II but iron 0.5 > 0.3 → out;
# S2 III in the second zone → complies; S4 in a groundwater zone → not assessed;
# S5 III in a quasi zone (held to III) → complies, though nitrate 9.9 ≤ 10
M = frame([("S1", "NH3N", 0.9), ("S2", "NH3N", 0.9), ("S3", "NH3N", 0.4),
           ("S3", "Fe", 0.5), ("S3", "Mn", 0.1), ("S4", "NH3N", 3.0), ("S5", "NH3N", 0.9),
           ("S5", "NO3N", 9.9), ("S6", "NH3N", 3.0)])


def test_zones_classes_and_supplementary_items():
    assert ZONE_CLASS == {"first": 2, "second": 3, "quasi": 3}
    assert gb3838.TABLE2_LIMITS == {"SO4": 250.0, "Cl": 250.0, "NO3N": 10.0, "Fe": 0.3,
                                    "Mn": 0.1}
    a = assess(M, SECTIONS, "2025")
    out = assess_drinking_water(a, AREAS, SECTIONS).set_index("section_code")
    assert set(out.index) == {"S1", "S2", "S3", "S5"}  # not S4 (groundwater), not S6
    assert out.loc["S1", "required_class"] == 2 and not out.loc["S1", "complies"]
    assert out.loc["S1", "failing_items_text"] == "氨氮 0.9 (≤0.5)"
    assert out.loc["S1", "area_name"] == "甲水源地"
    assert out.loc["S1", "zone_level_zh"] == "一级保护区"
    assert out.loc["S3", "water_class"] == 2 and not out.loc["S3", "complies"]
    assert out.loc["S3", "supplementary_text"] == "铁 0.5 (≤0.3)"  # Mn 0.1 = the limit
    assert out.loc["S3", "failing_parameters"] == ["Fe"]
    assert out.loc["S2", "complies"] and out.loc["S2", "required_class"] == 3
    assert out.loc["S5", "complies"] and out.loc["S5", "zone_level"] == "quasi"
    bad = noncompliant_areas(assess_drinking_water(a, AREAS, SECTIONS))
    assert sorted(bad["section_code"]) == ["S1", "S3"]
    # the sections' own targets (IV) play no part: S1 meets its target
    assert bool(a.sections.set_index("section_code").loc["S1", "meets_target"])


def test_the_bundle_lists_areas_out_of_compliance():
    frames = {"measurements": M, "sections": SECTIONS, "drinking_water_areas": AREAS}
    b = assess_frames(frames, AssessmentRequest(with_stretches=False))
    assert sorted(b.drinking_noncompliant["section_code"]) == ["S1", "S3"]
    b = assess_frames(frames, AssessmentRequest(with_drinking_water=False,
                                                with_stretches=False))
    assert b.drinking_water is None and b.drinking_noncompliant.empty
    # no areas layer (an older database): an empty list, no error
    b = assess_frames({"measurements": M, "sections": SECTIONS}, AssessmentRequest())
    assert b.drinking_water is not None and b.drinking_water.empty


def test_area_names_and_a_zone_without_a_section():
    assert area_name("下滩饮用水水源地二级保护区") == "下滩饮用水水源地"
    assert area_name("某水库") == "某水库" and area_name(None) is None
    a = assess(M.loc[M["section_code"] != "S2"], SECTIONS.loc[SECTIONS["code"] != "S2"], "2025")
    out = assess_drinking_water(a, AREAS, SECTIONS.loc[SECTIONS["code"] != "S2"])
    empty_zone = out.loc[out["area_code"] == "Y2"].iloc[0]
    assert empty_zone["section_code"] is None and pd.isna(empty_zone["complies"])
