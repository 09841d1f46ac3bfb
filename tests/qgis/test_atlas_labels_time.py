"""Issue 14 in QGIS: labels the engine places, legends without an entry the frame does
not draw, sources aggregated at small scales, the one-river atlas (pages = rivers ×
pages, data text never evaluated, cancel writes nothing), user edits that survive a
re-render, and time (the temporal layer, a river's year as frames and a GIF)."""

from __future__ import annotations

import re

import pytest
from qgis.core import (
    QgsFeatureRequest,
    QgsLayoutItemLabel,
    QgsLayoutItemLegend,
    QgsMapLayerLegendUtils,
    QgsRectangle,
)

from pollution_map_plugin.core import schema
from pollution_map_plugin.core.db import open_database
from pollution_map_plugin.core.river_atlas_facts import river_atlas_rows
from pollution_map_plugin.qgis_desktop import source_aggregation
from pollution_map_plugin.qgis_desktop.atlas_export import AtlasExport
from pollution_map_plugin.qgis_desktop.layer_loading import PROP_TABLE, group_layers, load_database
from pollution_map_plugin.qgis_desktop.layout_legend import frame_rect, item_filters
from pollution_map_plugin.qgis_desktop.layouts import (
    build_layout,
    ensure_layout,
    layout_name,
)
from pollution_map_plugin.qgis_desktop.map_data import compute_map_data
from pollution_map_plugin.qgis_desktop.map_export import map_item
from pollution_map_plugin.qgis_desktop.map_themes import MAPS, build_maps, thematic_layers
from pollution_map_plugin.qgis_desktop.map_views import placed_labels, theme_settings
from pollution_map_plugin.qgis_desktop.river_atlas import (
    ATLAS_PAGES,
    coverage_layer,
    ensure_atlas_layout,
)


@pytest.fixture(scope="module")
def data(demo_db_path):
    return compute_map_data(demo_db_path)


@pytest.fixture
def group(qgis_new_project, demo_db_path, data):
    group = load_database(demo_db_path, qgis_new_project)
    build_maps(group, data, qgis_new_project)
    return group


def _atlas(group, project, data, db_path, rivers):
    with open_database(db_path) as db:
        rows = river_atlas_rows(db, data.sections, rivers, data.period)
    coverage = coverage_layer(rows, project, group)
    return coverage, ensure_atlas_layout(group, coverage, data, project)


def test_the_label_engine_places_rivers_sections_and_districts(group, qgis_new_project):
    layers = group_layers(group)
    settings = theme_settings(group, "sections", qgis_new_project, (1600, 1100), 96)
    placed = placed_labels(settings)
    rivers = set(placed.get(layers["rivers"].id(), []))
    key = {f["name"] for f in layers["rivers"].getFeatures() if f["key_river"]}
    assert key and key <= rivers  # key rivers are always named
    districts = {f["name"] for f in layers["districts"].getFeatures()}
    assert set(placed.get(layers["districts"].id(), [])) & districts
    sections = thematic_layers(group)["section_classes"]
    texts = placed.get(sections.id(), [])
    assert texts
    names = {f["name"] for f in sections.getFeatures()}
    failing = {(f["name"], f["roman"]) for f in sections.getFeatures() if f["meets_target"] == 0}
    with_class = [tuple(t.rsplit(" ", 1)) for t in texts if t not in names]
    assert with_class and set(with_class) <= failing  # the class only where it matters
    # zoomed out beyond the rules' scales: the other rivers are no longer labelled
    wide = theme_settings(group, "sections", qgis_new_project, (400, 280), 96)
    wide.setExtent(wide.extent().buffered(wide.extent().width() * 20))
    far = set(placed_labels(wide).get(layers["rivers"].id(), []))
    assert far <= key


def test_no_legend_entry_without_a_feature_in_the_frame(group, data, qgis_new_project):
    for spec in MAPS:
        layout = build_layout(group, spec.key, data, qgis_new_project)
        legend = next(i for i in layout.items() if isinstance(i, QgsLayoutItemLegend))
        model = legend.model()
        frame = map_item(layout)
        for node in model.rootGroup().findLayers():
            layer = node.layer()
            if layer.customProperty(PROP_TABLE) == "reaches":
                continue  # the network's one line stands for every river
            exprs = item_filters(layer) or ["TRUE"]  # a single symbol: any feature
            rect = frame_rect(frame, layer, qgis_new_project)
            indices = (QgsMapLayerLegendUtils.legendNodeOrder(node)
                       if QgsMapLayerLegendUtils.hasLegendNodeOrder(node) else range(len(exprs)))
            assert list(indices), (spec.key, layer.name())
            for i in indices:
                request = QgsFeatureRequest().setFilterExpression(exprs[i]).setFilterRect(rect)
                assert next(layer.getFeatures(request.setLimit(1)), None) is not None, (
                    spec.key, layer.name(), i)


def test_a_zoomed_frame_lists_fewer_entries(group, data, qgis_new_project):
    whole = build_layout(group, "sections", data, qgis_new_project)
    rect = map_item(whole).extent()
    c = rect.center()
    small = QgsRectangle(c.x() - 1500, c.y() - 1500, c.x() + 1500, c.y() + 1500)
    zoomed = build_layout(group, "sections", data, qgis_new_project, small)

    def entries(layout):
        legend = next(i for i in layout.items() if isinstance(i, QgsLayoutItemLegend))
        return sum(len(legend.model().layerLegendNodes(n))
                   for n in legend.model().rootGroup().findLayers())

    assert entries(zoomed) < entries(whole)


def test_sources_are_aggregated_at_small_scales(qgis_new_project, demo_db_path, data,
                                                monkeypatch):
    monkeypatch.setattr(source_aggregation, "AGGREGATE_ABOVE", 100)  # the demo as if dense
    group = load_database(demo_db_path, qgis_new_project)
    build_maps(group, data, qgis_new_project)
    hexagons = thematic_layers(group)[source_aggregation.KIND]
    layers = group_layers(group)
    total = sum(layers[t].featureCount() for t in schema.SOURCE_LAYERS)
    assert sum(f["n_sources"] for f in hexagons.getFeatures()) == total
    layout = build_layout(group, "pollution", data, qgis_new_project)
    scale = map_item(layout).scale()
    assert scale > source_aggregation.DETAIL_SCALE
    assert hexagons.isInScaleRange(scale)
    assert not any(layers[t].isInScaleRange(scale) for t in schema.SOURCE_LAYERS)
    legend = next(i for i in layout.items() if isinstance(i, QgsLayoutItemLegend))
    shown = {n.layer().id() for n in legend.model().rootGroup().findLayers()}
    assert hexagons.id() in shown
    assert not shown & {layers[t].id() for t in schema.SOURCE_LAYERS}
    # zoomed in: the symbols, not the hexagons
    assert not hexagons.isInScaleRange(100_000)
    assert all(layers[t].isInScaleRange(100_000) for t in schema.SOURCE_LAYERS)


def test_atlas_pages_are_rivers_times_pages(group, data, qgis_new_project, demo_db_path,
                                           tmp_path):
    coverage, layout = _atlas(group, qgis_new_project, data, demo_db_path,
                              ["R00001", "R00002"])
    assert layout.atlas().enabled() and layout.pageCollection().pageCount() == len(ATLAS_PAGES)
    assert qgis_new_project.layoutManager().layoutByName(layout.name()) is layout
    files = AtlasExport(layout, tmp_path, dpi=60).run()
    pdfs = sorted(p for p in files if p.suffix == ".pdf")
    assert len(pdfs) == 2 and {p.name for p in files} >= {"index.html", "index.csv"}
    for pdf in pdfs:
        pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))
        assert pages == len(ATLAS_PAGES), pdf.name
    index = (tmp_path / "index.csv").read_text(encoding="utf-8-sig")
    assert index.count("\n") == 3 and "嘉陵江" in index


def test_atlas_text_from_the_data_is_never_evaluated(group, data, qgis_new_project,
                                                     demo_db_path):
    coverage, layout = _atlas(group, qgis_new_project, data, demo_db_path, ["R00002"])
    feature = next(coverage.getFeatures())
    idx = coverage.fields().indexOf("name")
    coverage.dataProvider().changeAttributeValues({feature.id(): {idx: "[% 6*7 %]恶意"}})
    atlas = layout.atlas()
    assert atlas.beginRender() and atlas.seekTo(0)
    texts = [i.currentText() for i in layout.items() if isinstance(i, QgsLayoutItemLabel)]
    atlas.endRender()
    assert any("[% 6*7 %]恶意" in t for t in texts)
    assert not any("42恶意" in t for t in texts)


def test_a_cancelled_atlas_writes_nothing(group, data, qgis_new_project, demo_db_path,
                                          tmp_path, qtbot):
    _coverage, layout = _atlas(group, qgis_new_project, data, demo_db_path, "key")
    done = []
    export = AtlasExport(layout, tmp_path, dpi=50, on_done=done.append).start()
    qtbot.waitUntil(lambda: export.i >= 1, timeout=60_000)
    export.task.cancel()
    qtbot.waitUntil(lambda: export.tmp is not None and not export.tmp.exists(), timeout=60_000)
    assert not done and list(tmp_path.iterdir()) == []


def test_user_edits_survive_a_re_render(group, data, qgis_new_project, demo_db_path):
    _basename, layout = ensure_layout(group, "sections", data, qgis_new_project)
    footer = layout.itemById("pm_footer")
    footer.setText("某某区生态环境局 · 内部资料")
    title = layout.itemById("pm_title")
    title.setText("我们的标题")
    subtitle = layout.itemById("pm_subtitle")
    subtitle.setText("stale period line")
    subtitle.setCustomProperty("pm/auto-text", "stale period line")  # as the plugin wrote it
    again = ensure_layout(group, "sections", data, qgis_new_project)[1]
    assert again is layout
    assert layout.itemById("pm_footer").text() == "某某区生态环境局 · 内部资料"
    assert layout.itemById("pm_title").text() == "我们的标题"
    assert data.period in layout.itemById("pm_subtitle").text()
    assert qgis_new_project.layoutManager().layoutByName(layout_name(group, "sections"))
    _c, atlas = _atlas(group, qgis_new_project, data, demo_db_path, ["R00002"])
    logo = QgsLayoutItemLabel(atlas)
    logo.setText("LOGO")
    atlas.addLayoutItem(logo)
    _c2, again = _atlas(group, qgis_new_project, data, demo_db_path, ["R00002", "R00001"])
    assert again is atlas and logo in atlas.items() and atlas.atlas().updateFeatures() == 2


def test_a_temporal_layer_and_a_rivers_year(group, qgis_new_project, tmp_path):
    from pollution_map_plugin.qgis_desktop.section_timeline import (
        TIMELINE_THEME,
        build_timeline,
        export_river_year,
    )

    layer = build_timeline(group, qgis_new_project)
    sections = group_layers(group)["sections"].featureCount()
    months = {f["month"] for f in layer.getFeatures()}
    assert layer.featureCount() == sections * len(months) and len(months) >= 24
    assert layer.temporalProperties().isActive()
    assert TIMELINE_THEME in qgis_new_project.mapThemeCollection().mapThemes()
    files = export_river_year(group, qgis_new_project, "R00002", 2025, tmp_path, (400, 300))
    assert len([f for f in files if f.suffix == ".png"]) == 12
    from PIL import Image

    gif = Image.open(next(f for f in files if f.suffix == ".gif"))
    assert gif.n_frames == 12


def test_processing_district_statistics_and_atlas(qgis_processing, demo_db_path, tmp_path):
    import csv

    import processing

    from pollution_map_plugin.processing_provider.district_algorithms import DistrictStatistics
    from pollution_map_plugin.processing_provider.maps_algorithms import RenderAtlas

    out = tmp_path / "districts.csv"
    result = processing.run(DistrictStatistics(), {"DATABASE": str(demo_db_path),
                                                   "PERIOD": "2025", "OUTPUT": str(out)})
    assert result["ROWS"] == 6
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    assert rows[-1]["district"] == "合计 Total" and int(rows[-1]["sections"]) == 40
    folder = tmp_path / "atlas"
    result = processing.run(RenderAtlas(), {"DATABASE": str(demo_db_path), "RIVERS": "嘉陵江",
                                            "DPI": 50, "OUTPUT": str(folder)})
    assert result["COUNT"] == 3  # one PDF, index.html, index.csv
    assert len(list(folder.glob("*嘉陵江.pdf"))) == 1


def test_a_users_scale_range_on_a_source_layer_stays(group, data, qgis_new_project):
    layer = group_layers(group)["enterprises"]
    layer.setScaleBasedVisibility(True)
    layer.setMinimumScale(50_000)
    build_maps(group, data, qgis_new_project)  # the demo: not aggregated
    assert layer.hasScaleBasedVisibility() and layer.minimumScale() == 50_000


def test_a_missing_chinese_font_is_said_clearly(monkeypatch):
    from pollution_map_plugin.qgis_desktop import cjk_fonts

    assert cjk_fonts.font_check_message() is None
    assert cjk_fonts.map_font_family() in cjk_fonts.cjk_families()
    monkeypatch.setattr(cjk_fonts, "cjk_families", lambda: ())
    message = cjk_fonts.font_check_message()
    assert message and "fonts-noto-cjk" in message
    assert cjk_fonts.map_font_family() == cjk_fonts.FALLBACK
