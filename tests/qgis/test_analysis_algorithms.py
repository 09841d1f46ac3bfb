"""The analysis algorithms through processing.run: a hand-made database with known
answers, and the demo database checked against the core."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from qgis.core import QgsApplication, QgsGeometry, QgsProcessingProvider, QgsVectorLayer

from pollution_map_plugin.processing_provider import analysis_algorithms as aa
from pollution_map_plugin.processing_provider.provider import algorithm_classes

PROVIDER = "pollutionmap_analysis_test"


class _Provider(QgsProcessingProvider):
    """Only this module's algorithms, under an id of its own (no clash with the plugin)."""

    def id(self) -> str:
        return PROVIDER

    def name(self) -> str:
        return "analysis test"

    def loadAlgorithms(self) -> None:
        for cls in aa.ALGORITHMS:
            self.addAlgorithm(cls())


@pytest.fixture(scope="module")
def provider(qgis_processing):
    reg = QgsApplication.processingRegistry()
    prov = _Provider()
    assert reg.addProvider(prov)
    yield prov
    reg.removeProvider(prov)


@pytest.fixture(scope="module")
def small_db(tmp_path_factory) -> Path:
    """Two sections with hand-worked classes (S1 IV fails III; S2 II meets II)."""
    import geopandas as gpd
    from shapely.geometry import Point

    from pollution_map_plugin.core.db import create_database

    path = tmp_path_factory.mktemp("analysis") / "small.gpkg"
    secs = gpd.GeoDataFrame(
        {"code": ["S1", "S2"], "name": ["甲", "乙"], "level": ["national", "control"],
         "river_code": ["R1", "R1"], "water_body_type": ["river", "river"],
         "target_class": [3, 2], "district": ["D1", "D1"]},
        geometry=[Point(106.5, 29.5), Point(106.6, 29.6)], crs="EPSG:4490")
    rows = [("S1", "2025-03-01", "NH3N", 1.2), ("S1", "2025-04-01", "NH3N", 1.4),
            ("S1", "2025-03-01", "TP", 0.1), ("S2", "2025-03-01", "NH3N", 0.3),
            ("S2", "2025-04-01", "NH3N", 0.49), ("S2", "2025-04-01", "TP", 0.05)]
    meas = pd.DataFrame([{"section_code": s, "sampled_on": pd.Timestamp(d), "parameter": p,
                          "value": v, "below_detection": False, "unit": "mg/L"}
                         for s, d, p, v in rows])
    with create_database(path, overwrite=True) as db, db.transaction():
        db.write("sections", secs)
        db.write("measurements", meas)
    return path


def _features(layer_or_path) -> list[dict]:
    """Attributes (and ``_geom``) of an output: a layer, or the path of a file."""
    layer = layer_or_path
    if isinstance(layer_or_path, str):
        layer = QgsVectorLayer(layer_or_path, "out", "ogr")
    assert layer.isValid()
    names = layer.fields().names()
    return [dict(zip(names, f.attributes()), _geom=f.geometry()) for f in layer.getFeatures()]


def test_the_provider_lists_the_algorithms():
    classes, errors = algorithm_classes()
    assert "analysis_algorithms" not in errors
    names = {c.NAME for c in classes}
    assert {"assess_sections", "assess_groups", "warnings"} <= names


def test_assess_sections_known_answers(provider, small_db, tmp_path):
    import processing

    out = tmp_path / "sections.gpkg"
    res = processing.run(f"{PROVIDER}:assess_sections", {
        "DATABASE": str(small_db), "PERIOD": "2025", "OUTPUT": str(out)})
    feats = {f["section_code"]: f for f in _features(res["OUTPUT"])}
    s1, s2 = feats["S1"], feats["S2"]
    assert (s1["water_class"], s1["roman"], s1["label_zh"]) == (4, "IV", "轻度污染")
    assert s1["meets_target"] is False and s1["main_pollutants"] == "氨氮(0.3)"
    assert s1["failing_items"] == "氨氮 1.3 (≤1)"
    assert (s2["water_class"], s2["meets_target"], s2["target_class"]) == (2, True, 2)
    assert s1["_geom"].asPoint().x() == pytest.approx(106.5)
    # a bad period is a clear Processing error
    from qgis.core import QgsProcessingException

    with pytest.raises(QgsProcessingException):
        processing.run(f"{PROVIDER}:assess_sections", {
            "DATABASE": str(small_db), "PERIOD": "2025-13", "OUTPUT": "TEMPORARY_OUTPUT"})


def test_groups_and_warnings(provider, small_db):
    import processing

    res = processing.run(f"{PROVIDER}:assess_groups", {
        "DATABASE": str(small_db), "PERIOD": "2025", "BY": 0, "OUTPUT": "TEMPORARY_OUTPUT"})
    rows = _features(res["OUTPUT"])
    assert len(rows) == 1 and rows[0]["group"] == "R1" and rows[0]["method"] == "mean_items"
    # NH3N (1.3 + 0.395) / 2 = 0.8475 → III; TP (0.1 + 0.05) / 2 → II
    assert rows[0]["water_class"] == 3 and rows[0]["n_sections"] == 2

    res = processing.run(f"{PROVIDER}:warnings", {
        "DATABASE": str(small_db), "CRITICAL_SHARE": 0.9, "OUTPUT": "TEMPORARY_OUTPUT"})
    got = {(w["section_code"], w["parameter"], w["kind"]) for w in _features(res["OUTPUT"])}
    # S1 NH3N 1.4 > 1.0; S2 NH3N 0.49 is 98 % of 0.5; S2 TP 0.05 = 50 % of 0.1
    assert got == {("S1", "NH3N", "exceedance"), ("S2", "NH3N", "critical")}


def test_demo_database_matches_the_core(provider, request):
    try:
        demo = request.getfixturevalue("demo_db_path")
    except pytest.FixtureLookupError:
        pytest.skip("the demo database fixture (tests/fixtures/demo.py) is not there yet")
    import processing

    from pollution_map_plugin.core.assessment import assess_database, warnings_database
    from pollution_map_plugin.core.db import open_database

    res = processing.run(f"{PROVIDER}:assess_sections", {
        "DATABASE": str(demo), "OUTPUT": "TEMPORARY_OUTPUT"})
    feats = _features(res["OUTPUT"])
    with open_database(demo) as db:
        core = assess_database(db).sections.set_index("section_code")
        warn = warnings_database(db)
    assert len(feats) == len(core) > 0
    point = QgsGeometry.fromWkt("POINT (0 0)").type()  # the point geometry type, on QGIS 3 and 4
    for f in feats:
        row = core.loc[f["section_code"]]
        want = None if pd.isna(row["water_class"]) else int(row["water_class"])
        assert (f["water_class"], f["main_pollutants"]) == (want, row["main_pollutants"])
        assert f["_geom"].type() == point
    res = processing.run(f"{PROVIDER}:warnings", {
        "DATABASE": str(demo), "OUTPUT": "TEMPORARY_OUTPUT"})
    got = sorted((w["section_code"], w["parameter"], w["kind"])
                 for w in _features(res["OUTPUT"]))
    assert got == sorted(zip(warn["section_code"], warn["parameter"], warn["kind"]))
    if any(c.NAME == "trace_upstream" for c in aa.ALGORITHMS):
        from pollution_map_plugin.core.network import trace_section

        code = core.index[0]
        res = processing.run(f"{PROVIDER}:trace_upstream", {
            "DATABASE": str(demo), "SECTION": code, "MODE": 0, "DISTANCE_KM": 20,
            "OUTPUT_REACHES": "TEMPORARY_OUTPUT", "OUTPUT_SOURCES": "TEMPORARY_OUTPUT"})
        with open_database(demo) as db:
            want = trace_section(db, code, mode="UT", distance_km=20)
        assert res["OUTPUT_REACHES"].featureCount() == len(want.reaches_gdf) >= 1
        assert res["OUTPUT_SOURCES"].featureCount() == len(want.sources_gdf)
        assert json.loads(res["SUMMARY"])["section_code"] == code


def test_warnings_since_a_date(provider, small_db):
    import processing

    res = processing.run(f"{PROVIDER}:warnings", {
        "DATABASE": str(small_db), "SINCE": "2025-03-01", "OUTPUT": "TEMPORARY_OUTPUT"})
    got = sorted((w["section_code"], w["parameter"], w["kind"], str(w["sampled_on"])[:10])
                 for w in _features(res["OUTPUT"]))
    # every sample since 1 March: S1's NH3N 1.2 (March) and 1.4 (April) both exceed III;
    # S2's NH3N 0.49 (April) is critical, its 0.3 (March) is not
    assert got == [("S1", "NH3N", "exceedance", "2025-03-01"),
                   ("S1", "NH3N", "exceedance", "2025-04-01"),
                   ("S2", "NH3N", "critical", "2025-04-01")]
