"""The atlas pages' legends (issue 14): decided off the main thread from the features
within the river's clipped catchment, set without QGIS's filter-by-map hit test (which
QGIS 3.22 runs on the main thread, seconds per page at Chongqing scale), counted where
the five maps count, long headings wrapped to the legend's column."""

from __future__ import annotations

import time

import pytest
from qgis.core import (
    QgsCoordinateTransform,
    QgsFeatureRequest,
    QgsGeometry,
    QgsLayoutItemLegend,
    QgsMapLayerLegendUtils,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QEventLoop, QTimer
from qgis.PyQt.QtGui import QFont

from pollution_map_plugin.core.db import open_database
from pollution_map_plugin.core.river_atlas_facts import river_atlas_rows
from pollution_map_plugin.qgis_desktop.atlas_export import AtlasExport
from pollution_map_plugin.qgis_desktop.atlas_legend import text_width_mm, wrap
from pollution_map_plugin.qgis_desktop.layer_loading import load_database
from pollution_map_plugin.qgis_desktop.layout_legend import COUNTED, item_filters, shown_at
from pollution_map_plugin.qgis_desktop.map_data import compute_map_data
from pollution_map_plugin.qgis_desktop.map_themes import build_maps
from pollution_map_plugin.qgis_desktop.river_atlas import coverage_layer, ensure_atlas_layout
from pollution_map_plugin.qgis_desktop.thematic_layers import PROP_THEMATIC


@pytest.fixture
def jialing(qgis_new_project, demo_db_path):
    data = compute_map_data(demo_db_path)
    group = load_database(demo_db_path, qgis_new_project)
    build_maps(group, data, qgis_new_project)
    with open_database(demo_db_path) as db:
        rows = river_atlas_rows(db, data.sections, ["R00002"], data.period)
    coverage = coverage_layer(rows, qgis_new_project, group)
    return ensure_atlas_layout(group, coverage, data, qgis_new_project)


def _expected(legend: QgsLayoutItemLegend, layer: QgsVectorLayer, region: QgsGeometry,
              project) -> tuple[list[int], dict[int, int]]:
    """The legend items of ``layer`` with a feature intersecting ``region`` (the map's
    CRS), and how many (read on the main thread, feature by feature)."""
    item = legend.linkedMap()
    geom = QgsGeometry(region)
    geom.transform(QgsCoordinateTransform(item.crs(), layer.crs(), project))
    exprs = item_filters(layer, item.scale()) or ["TRUE"]
    keep, counts = [], {}
    for i, expr in enumerate(exprs):
        request = QgsFeatureRequest().setFilterRect(geom.boundingBox())
        if expr not in ("TRUE", "FALSE"):
            request.setFilterExpression(expr)
        n = 0 if expr == "FALSE" else sum(
            1 for f in layer.getFeatures(request) if f.geometry().intersects(geom))
        if n:
            keep.append(i)
            counts[i] = n
    return keep, counts


def _export_watching_pages(layout, out, monkeypatch):
    """``start()`` in an event loop; each map page's legends as composed: [(page,
    legend, filter-by-map on, {layer id: (order, labels)}, the river's catchment)]."""
    seen = []
    compose = AtlasExport._bg_page

    def watched(self):
        feature = self.pages_layout.reportContext().feature()
        compose(self)  # sets the page's legends, then paints the page
        for legend in [i for i in self.pages_layout.items()
                       if isinstance(i, QgsLayoutItemLegend) and i.page() == self.page]:
            model = legend.model()
            nodes = {}
            for node in model.rootGroup().findLayers():
                order = (QgsMapLayerLegendUtils.legendNodeOrder(node)
                         if QgsMapLayerLegendUtils.hasLegendNodeOrder(node) else None)
                labels = [n.data(0) for n in model.layerLegendNodes(node)]
                nodes[node.layerId()] = (order, labels, node)
            seen.append((self.page, legend, legend.legendFilterByMapEnabled()
                         or legend.legendFilterOutAtlas(), nodes,
                         QgsGeometry(feature.geometry())))

    monkeypatch.setattr(AtlasExport, "_bg_page", watched)
    result = {}
    loop = QEventLoop()
    export = AtlasExport(layout, out, 60,
                         on_done=lambda files: (result.update(files=files), loop.quit()),
                         on_error=lambda exc: (result.update(error=exc), loop.quit()))
    QTimer.singleShot(300_000, loop.quit)
    export.start()
    loop.exec()
    assert "error" not in result and result.get("files"), result
    return seen


def test_page_legends_list_the_clipped_catchments_features_without_a_hit_test(
        jialing, tmp_path, qgis_new_project, monkeypatch):
    seen = _export_watching_pages(jialing, tmp_path, monkeypatch)
    assert len(seen) == 5  # the five map pages, one legend each
    counted = outside = 0
    for page, legend, filtered, nodes, catchment in seen:
        assert not filtered, page  # no filter-by-map: QGIS 3.22 would hit-test here
        item = legend.linkedMap()
        catchment.transform(QgsCoordinateTransform(
            jialing.atlas().coverageLayer().crs(), item.crs(), qgis_new_project))
        frame = QgsGeometry.fromQPolygonF(item.visibleExtentPolygon())
        region = catchment.intersection(frame)
        original = next(i for i in jialing.items() if isinstance(i, QgsLayoutItemLegend)
                        and i.page() == page).model().rootGroup().findLayers()
        for node in original:
            layer = node.layer()
            if not isinstance(layer, QgsVectorLayer):
                continue
            keep, counts = _expected(legend, layer, region, qgis_new_project)
            if not shown_at(layer, item.scale()) or not keep:
                assert layer.id() not in nodes, (page, layer.name())
                continue
            in_frame, _ = _expected(legend, layer, frame, qgis_new_project)
            outside += in_frame != keep  # the frame shows items the catchment does not
            order, labels, _node = nodes[layer.id()]
            if item_filters(layer) is not None:
                assert order == keep, (page, layer.name(), order, keep)
            if layer.customProperty(PROP_THEMATIC) in COUNTED:
                items = layer.renderer().legendSymbolItems()
                want = [f"{items[i].label()} ({counts[i]})" for i in keep]
                assert [label.replace("\n", " ") for label in labels] == want, page
                counted += 1
    assert counted >= 3  # section classes, problems, changes: "Class III (4)"
    assert outside >= 1  # the catchment, not the frame, decides


def test_a_map_page_is_composed_without_the_hit_test_even_when_it_is_slow(
        jialing, tmp_path, monkeypatch):
    """A legend layer as slow to hit-test as a Chongqing-scale one: the main-thread
    page step stays short (the filter-by-map would test every marker)."""
    from qgis.core import QgsFeature, QgsProject

    layer = QgsVectorLayer("Point?crs=EPSG:4490", "many points", "memory")
    coverage = jialing.atlas().coverageLayer()
    box = coverage.extent()
    features = []
    for k in range(20_000):
        f = QgsFeature()
        f.setGeometry(QgsGeometry.fromWkt(
            f"POINT({box.xMinimum() + box.width() * (k % 200) / 200} "
            f"{box.yMinimum() + box.height() * (k // 200) / 100})"))
        features.append(f)
    layer.dataProvider().addFeatures(features)
    QgsProject.instance().addMapLayer(layer, False)
    item = jialing.itemById("pm_atlas_sections")
    item.setFollowVisibilityPreset(False)
    item.setLayers([layer, *QgsProject.instance().mapThemeCollection()
                    .mapThemeVisibleLayers(item.followVisibilityPresetName())])
    legend = next(i for i in jialing.items() if isinstance(i, QgsLayoutItemLegend)
                  and i.linkedMap() is item)
    legend.model().rootGroup().insertLayer(0, layer)
    steps: dict[int, float] = {}

    def timed(step):
        def run(self):
            started = time.perf_counter()
            step(self)
            steps[self.page] = max(steps.get(self.page, 0.0), time.perf_counter() - started)
        return run

    # the page's legends set, then the page composed: each a main-thread step
    monkeypatch.setattr(AtlasExport, "_bg_page", timed(AtlasExport._bg_page))
    monkeypatch.setattr(AtlasExport, "_bg_pdf", timed(AtlasExport._bg_pdf))
    result = {}
    loop = QEventLoop()
    AtlasExport(jialing, tmp_path, 60,
                on_done=lambda files: (result.update(files=files), loop.quit()),
                on_error=lambda exc: (result.update(error=exc), loop.quit())).start()
    QTimer.singleShot(300_000, loop.quit)
    loop.exec()
    assert "error" not in result, result
    page = steps[2]  # the sections map: its longest step
    # the same page composed as before: its map hidden, its legend filtered by map
    from qgis.core import QgsLayoutExporter
    from qgis.PyQt.QtCore import QSize

    item.setVisibility(False)
    atlas = jialing.atlas()
    assert atlas.beginRender() and atlas.seekTo(0)
    started = time.perf_counter()
    QgsLayoutExporter(jialing).renderPageToImage(2, QSize(), 60)
    hit_test = time.perf_counter() - started
    atlas.endRender()
    print(f"page step {page:.3f} s; composed with the filter-by-map {hit_test:.3f} s")
    from qgis.core import Qgis

    assert page < 0.5, (page, hit_test)  # the export's stall target, on every version
    if Qgis.versionInt() < 33800:
        # 3.22's filter-by-map hit-tests every marker on the main thread (3.44 composed
        # this page in 0.06 s: there the comparison says nothing)
        assert hit_test > 0.2  # the layer is slow to hit-test
        assert page < 0.5 * hit_test, (page, hit_test)


def test_long_headings_are_wrapped_to_the_column():
    from pollution_map_plugin.qgis_desktop.cjk_fonts import map_font_family

    font = QFont(map_font_family())
    text = "Sources per 11.8 km hexagon (COD load; beyond 1:250,000)"
    assert text_width_mm(text, font, 8) > 52
    lines = wrap(text, font, 8, 52).split("\n")
    assert len(lines) >= 2 and " ".join(lines) == text
    assert all(text_width_mm(line, font, 8) <= 52 for line in lines)
    chinese = "每11.8公里六边形内的污染源（化学需氧量负荷；比例尺小于1:250,000）"
    assert all(text_width_mm(line, font, 8) <= 40 for line in wrap(chinese, font, 8, 40)
               .split("\n"))
    assert wrap("Class II (4)", font, 7, 52) == "Class II (4)"


def test_the_layout_cloned_in_steps_draws_the_same_pages(jialing):
    from qgis.core import QgsLayoutExporter, QgsLayoutItemMap
    from qgis.PyQt.QtCore import QSize

    from pollution_map_plugin.qgis_desktop.layout_clone import clone_steps

    steps = clone_steps(jialing)
    turns = 0
    while True:
        try:
            next(steps)
            turns += 1
        except StopIteration as done:
            stepped = done.value
            break
    assert turns > 5  # in parts, not at once
    clone = jialing.clone()
    assert len(stepped.items()) == len(clone.items())
    legends = [i for i in stepped.items() if isinstance(i, QgsLayoutItemLegend)]
    assert legends and all(isinstance(i.linkedMap(), QgsLayoutItemMap)
                           and i.linkedMap().layout() is stepped for i in legends)
    assert len(stepped.multiFrames()) == len(clone.multiFrames()) >= 3
    images = []
    for layout in (clone, stepped):
        for item in layout.items():  # the maps' own drawing (labels) may vary run to run
            if isinstance(item, QgsLayoutItemMap):
                item.setVisibility(False)
        atlas = layout.atlas()
        assert atlas.beginRender() and atlas.seekTo(0)
        images.append([QgsLayoutExporter(layout).renderPageToImage(p, QSize(), 40)
                       for p in range(layout.pageCollection().pageCount())])
        atlas.endRender()
    assert len(images[1]) == 7
    assert [a == b for a, b in zip(*images)] == [True] * 7
