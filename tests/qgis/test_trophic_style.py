"""The section map's trophic-state style for lakes and the change map's method words
(issue 12 points 1 and 2)."""

from __future__ import annotations

import pandas as pd
from qgis.core import QgsFeature, QgsGeometry, QgsPointXY, QgsRenderContext

from pollution_map_plugin.core import symbology as sym
from pollution_map_plugin.core.assessment.trophic import GRADES, TROPHIC_COLOURS
from pollution_map_plugin.qgis_desktop.thematic_layers import (
    CHANGE_FIELDS,
    SECTION_FIELDS,
    change_renderer,
    memory_layer,
    section_class_renderer,
    trophic_state_renderer,
)


def _layer(rows):
    layer = memory_layer("Point", "t", SECTION_FIELDS)
    feats = []
    for i, (wc, state) in enumerate(rows):
        f = QgsFeature(layer.fields())
        f.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(106 + i * 0.01, 29.5)))
        f["code"], f["level"], f["water_class"], f["trophic_state"] = f"S{i}", "national", wc, \
            state
        feats.append(f)
    layer.dataProvider().addFeatures(feats)
    return layer


def _legend_for(renderer, layer, feature) -> list[str]:
    ctx = QgsRenderContext()
    renderer.startRender(ctx, layer.fields())
    try:
        return [s.color().name() for s in renderer.symbolsForFeature(feature, ctx)] + [
            s.symbolLayer(0).strokeColor().name() for s in renderer.symbolsForFeature(
                feature, ctx)]
    finally:
        renderer.stopRender(ctx)


def test_lakes_get_a_halo_in_their_trophic_colour():
    layer = _layer([(3, "轻度富营养"), (2, None)])
    lake, river = list(layer.getFeatures())
    renderer = section_class_renderer()
    got = _legend_for(renderer, layer, lake)
    assert sym.class_colour(3) in got and TROPHIC_COLOURS["轻度富营养"] in got
    assert not set(TROPHIC_COLOURS.values()) & set(_legend_for(renderer, layer, river))
    rules = renderer.rootRule().children()
    exprs = [r.filterExpression() for r in rules[8:]]
    assert exprs == [f"\"trophic_state\" = '{zh}'" for _b, _i, zh, _e in GRADES]
    alone_renderer = trophic_state_renderer()
    alone = alone_renderer.rootRule().children()
    assert len(alone) == len(GRADES) + 1


def test_the_change_map_uses_the_methods_words():
    renderer = change_renderer()
    assert renderer.classAttribute() == "change_method"
    assert [c.value() for c in renderer.categories()][:5] == [
        "clearly_better", "better", "no_clear_change", "worse", "clearly_worse"]
    names = [n for n, _ in CHANGE_FIELDS]
    assert {"change_method", "change_method_zh", "level_before", "level_after"} <= set(names)


def test_drinking_water_zones_for_the_problem_map():
    import geopandas as gpd
    from shapely.geometry import MultiPolygon, Point, box

    from pollution_map_plugin.core.assessment import assess
    from pollution_map_plugin.core.assessment.drinking_water import assess_drinking_water
    from pollution_map_plugin.qgis_desktop.thematic_layers import (
        DRINKING_FIELDS,
        drinking_renderer,
        drinking_rows,
        join_polygons,
    )

    secs = gpd.GeoDataFrame({"code": ["S1", "S2"], "name": ["甲", "乙"],
                             "water_body_type": "river", "target_class": 3},
                            geometry=[Point(0.5, 0.5), Point(0.6, 0.6)], crs="EPSG:4490")
    areas = gpd.GeoDataFrame({"code": ["Y1", "Y2"], "name": ["甲一级保护区", "乙二级保护区"],
                              "level": ["first", "second"], "water_body_type": "river"},
                             geometry=[MultiPolygon([box(0, 0, 1, 1)]),
                                       MultiPolygon([box(5, 5, 6, 6)])], crs="EPSG:4490")
    m = pd.DataFrame({"section_code": ["S1", "S2"], "sampled_on": pd.Timestamp("2025-06-01"),
                      "parameter": "NH3N", "value": [0.3, 0.9], "below_detection": False})
    frame = assess_drinking_water(assess(m, secs, "2025"), areas, secs)
    rows = drinking_rows(frame)
    assert rows["Y1"]["section_code"] == "S2" and rows["Y1"]["complies"] == 0  # the worst
    assert rows["Y2"]["complies"] is None
    base = memory_layer("MultiPolygon", "areas", [("code", "string")])
    feats = []
    for code, geom in zip(areas["code"], areas.geometry):
        f = QgsFeature(base.fields())
        f.setGeometry(QgsGeometry.fromWkt(geom.wkt))
        f["code"] = code
        feats.append(f)
    base.dataProvider().addFeatures(feats)
    layer = join_polygons(base, rows, "zones", DRINKING_FIELDS)
    got = {f["code"]: f["complies"] for f in layer.getFeatures()}
    assert got["Y1"] == 0 and (got["Y2"] is None or str(got["Y2"]) == "NULL")
    renderer = drinking_renderer()  # kept alive while its rules are read
    exprs = [r.filterExpression() for r in renderer.rootRule().children()]
    assert exprs == ['"complies" = 0', '"complies" = 1', '"complies" IS NULL']
