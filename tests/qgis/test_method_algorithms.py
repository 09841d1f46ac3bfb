"""The trend, change and drinking-water algorithms through processing.run, on a
hand-made database with known answers (issue 12 points 1–3 and 6)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from qgis.core import QgsApplication, QgsProcessingProvider, QgsVectorLayer

from pollution_map_plugin.processing_provider import analysis_algorithms as aa
from pollution_map_plugin.processing_provider import method_algorithms as ma
from pollution_map_plugin.processing_provider.provider import algorithm_classes

PROVIDER = "pollutionmap_method_test"


class _Provider(QgsProcessingProvider):
    def id(self) -> str:
        return PROVIDER

    def name(self) -> str:
        return "method test"

    def loadAlgorithms(self) -> None:
        for cls in ma.ALGORITHMS + [aa.AssessSectionsAlgorithm]:
            self.addAlgorithm(cls())


@pytest.fixture(scope="module")
def provider(qgis_processing):
    reg = QgsApplication.processingRegistry()
    prov = _Provider()
    assert reg.addProvider(prov)
    yield prov
    reg.removeProvider(prov)


# S1 NH3N rises 0.3 … 1.3 over 2020–2025 (r_s = 1 ≥ W_p(6) 0.829; II → IV: 明显变差);
# S2 flat 0.3 (r_s = 0: no significant trend); L1 a lake with its trophic parameters
YEARS = range(2020, 2026)
S1 = [0.3, 0.5, 0.7, 0.9, 1.1, 1.3]


@pytest.fixture(scope="module")
def method_db(tmp_path_factory) -> Path:
    import geopandas as gpd
    from shapely.geometry import MultiPolygon, Point, box

    from pollution_map_plugin.core.db import create_database

    path = tmp_path_factory.mktemp("method") / "method.gpkg"
    secs = gpd.GeoDataFrame(
        {"code": ["S1", "S2", "L1"], "name": ["甲", "乙", "湖心"],
         "level": ["national", "control", "national"], "river_code": ["R1", "R1", "R1"],
         "water_body_type": ["river", "river", "lake"], "target_class": [3, 2, 3],
         "district": ["D1", "D1", "D1"]},
        geometry=[Point(106.5, 29.5), Point(106.6, 29.6), Point(106.7, 29.7)],
        crs="EPSG:4490")
    rows = [("S1", f"{y}-06-01", "NH3N", v) for y, v in zip(YEARS, S1)]
    rows += [("S2", f"{y}-06-01", "NH3N", 0.3) for y in YEARS]
    rows += [("L1", "2025-06-01", p, v) for p, v in
             (("chla", 10.0), ("TP", 0.05), ("TN", 1.0), ("SD", 1.0), ("CODMn", 4.0))]
    meas = pd.DataFrame([{"section_code": s, "sampled_on": pd.Timestamp(d), "parameter": p,
                          "value": v, "below_detection": False} for s, d, p, v in rows])
    areas = gpd.GeoDataFrame(
        {"code": ["Y1", "Y2"], "name": ["甲水源地一级保护区", "甲水源地二级保护区"],
         "level": ["first", "second"], "water_body_type": ["river", "river"],
         "river_code": ["R1", "R1"], "district": ["D1", "D1"]},
        geometry=[MultiPolygon([box(106.45, 29.45, 106.55, 29.55)]),
                  MultiPolygon([box(106.55, 29.55, 106.65, 29.65)])], crs="EPSG:4490")
    with create_database(path, overwrite=True) as db, db.transaction():
        db.write("sections", secs)
        db.write("measurements", meas)
        db.write("drinking_water_areas", areas)
    return path


def _rows(layer) -> list[dict]:
    if isinstance(layer, str):
        layer = QgsVectorLayer(layer, "out", "ogr")
    assert layer.isValid()
    names = layer.fields().names()
    return [dict(zip(names, f.attributes()), _geom=f.geometry()) for f in layer.getFeatures()]


def test_the_provider_lists_the_method_algorithms():
    classes, errors = algorithm_classes()
    assert "method_algorithms" not in errors
    assert {"trend", "change", "drinking_water"} <= {c.NAME for c in classes}


def test_trend_sections_and_groups(provider, method_db):
    import processing

    res = processing.run(f"{PROVIDER}:trend", {
        "DATABASE": str(method_db), "BY": 0, "ITEMS": "NH3N", "OUTPUT": "TEMPORARY_OUTPUT"})
    got = {r["section_code"]: r for r in _rows(res["OUTPUT"])}
    s1, s2 = got["S1"], got["S2"]
    assert (s1["n"], s1["rs"], s1["critical_value"]) == (6, 1.0, 0.829)
    assert s1["trend_zh"] == "显著上升" and s1["quality_zh"] == "变差" and s1["significant"]
    assert s2["trend_zh"] == "无显著变化趋势" and s2["rs"] == 0.0
    assert s1["_geom"].asPoint().x() == pytest.approx(106.5)
    res = processing.run(f"{PROVIDER}:trend", {
        "DATABASE": str(method_db), "BY": 5, "OUTPUT": "TEMPORARY_OUTPUT"})
    (whole,) = _rows(res["OUTPUT"])
    # the share of I–III: 100 % until S1 reaches IV (1.1) in 2024 (50 %), 2025 67 %
    # with the lake (III): r_s −0.778, inside W_p(6) 0.829: no significant trend
    assert whole["group"] == "全部断面" and whole["n"] == 6
    assert whole["values"] == "[100.0, 100.0, 100.0, 100.0, 50.0, 66.667]"
    assert whole["rs"] == -0.778 and whole["trend_zh"] == "无显著变化趋势"
    from qgis.core import QgsProcessingException

    with pytest.raises(QgsProcessingException, match="Unknown item"):
        processing.run(f"{PROVIDER}:trend", {"DATABASE": str(method_db), "ITEMS": "XX",
                                             "OUTPUT": "TEMPORARY_OUTPUT"})


def test_change_words_and_figures(provider, method_db):
    import processing

    res = processing.run(f"{PROVIDER}:change", {
        "DATABASE": str(method_db), "BEFORE": "2020", "AFTER": "2025", "BY": 0,
        "OUTPUT": "TEMPORARY_OUTPUT"})
    got = {r["section_code"]: r for r in _rows(res["OUTPUT"])}
    assert (got["S1"]["level_before"], got["S1"]["level_after"]) == ("优", "轻度污染")
    assert got["S1"]["change_method_zh"] == "明显变差" and got["S1"]["level_delta"] == 2
    assert got["S2"]["change_method_zh"] == "无明显变化"
    res = processing.run(f"{PROVIDER}:change", {
        "DATABASE": str(method_db), "BEFORE": "2020", "AFTER": "2025", "BY": 1,
        "OUTPUT": "TEMPORARY_OUTPUT"})
    (river,) = _rows(res["OUTPUT"])
    # 2 sections with a class in both: I–III 100 % → 50 %, 劣V 0 → 0: ΔG − ΔD = −50
    assert (river["delta_g"], river["delta_d"], river["delta_g_minus_d"]) == (-50, 0, -50)
    assert river["change_method_zh"] == "明显变差"


def test_drinking_water_and_trophic_state_fields(provider, method_db):
    import processing

    res = processing.run(f"{PROVIDER}:drinking_water", {
        "DATABASE": str(method_db), "PERIOD": "2025", "OUTPUT": "TEMPORARY_OUTPUT"})
    rows = {r["area_code"]: r for r in _rows(res["OUTPUT"])}
    # S1 (NH3N 1.3, IV) in the first zone (II): out; S2 (II) in the second zone: complies
    assert rows["Y1"]["section_code"] == "S1" and rows["Y1"]["complies"] is False
    assert rows["Y1"]["required_class"] == 2 and "氨氮" in rows["Y1"]["failing_items_text"]
    assert rows["Y2"]["complies"] is True
    assert rows["Y1"]["_geom"].area() > 0
    res = processing.run(f"{PROVIDER}:drinking_water", {
        "DATABASE": str(method_db), "PERIOD": "2025", "ONLY_FAILING": True,
        "OUTPUT": "TEMPORARY_OUTPUT"})
    assert [r["area_code"] for r in _rows(res["OUTPUT"])] == ["Y1"]
    res = processing.run(f"{PROVIDER}:assess_sections", {
        "DATABASE": str(method_db), "PERIOD": "2025", "OUTPUT": "TEMPORARY_OUTPUT"})
    lake = next(r for r in _rows(res["OUTPUT"]) if r["section_code"] == "L1")
    assert lake["trophic_state"] == "中营养" and 30 <= lake["tli"] <= 50
    assert lake["tli_parameters"] == "chla,TP,TN,SD,CODMn"
