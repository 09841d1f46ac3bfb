"""Loading the demo GeoPackage into QGIS: groups, layer counts, renderers built from
core.symbology, labels from QML, aliases, relations, credentials."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from qgis.core import QgsLayerTreeGroup, QgsWkbTypes

from pollution_map_plugin.core import schema
from pollution_map_plugin.core import symbology as sym
from pollution_map_plugin.core.db import open_database
from pollution_map_plugin.qgis_desktop.connection import TargetError, resolve
from pollution_map_plugin.qgis_desktop.layer_loading import (
    GROUPS,
    PROP_KIND,
    group_layers,
    load_database,
    load_database_task,
)
from pollution_map_plugin.qgis_desktop.styles import STYLES_DIR, quantile_breaks

SPATIAL = [t.name for t in schema.SPATIAL_TABLES]


@pytest.fixture(scope="module")
def demo_counts(demo_db_path) -> dict[str, int]:
    with open_database(demo_db_path) as db:
        return db.counts()


@pytest.fixture
def loaded(qgis_new_project, demo_db_path):
    return load_database(demo_db_path, qgis_new_project)


def test_group_named_after_database_with_ordered_subgroups(loaded, qgis_new_project):
    assert isinstance(loaded, QgsLayerTreeGroup)
    assert loaded.name() == "demo"
    assert loaded.customProperty(PROP_KIND) == "database"
    subs = [c.customProperty("pollution_map/group") for c in loaded.children()]
    assert subs == [key for key, _title, _tables in GROUPS]
    # drawing order: every point layer above every line layer above every polygon layer
    # (layerOrder() is top first; geometry types: point 0, line 1, polygon 2)
    order = [lyr for lyr in qgis_new_project.layerTreeRoot().layerOrder() if lyr.isSpatial()]
    kinds = [int(QgsWkbTypes.geometryType(lyr.wkbType())) for lyr in order]
    assert kinds == sorted(kinds) and set(kinds) == {0, 1, 2}


def test_every_layer_valid_with_the_database_counts(loaded, demo_counts):
    layers = group_layers(loaded)
    expected = {t for _k, _t, tables in GROUPS for t in tables}
    assert set(layers) == expected
    for table, layer in layers.items():
        assert layer.isValid(), table
        assert layer.providerType() == "ogr"
        assert layer.featureCount() == demo_counts[table], table
        if table in SPATIAL:
            assert layer.crs().authid() == "EPSG:4490"


def test_renderers_take_colours_and_shapes_from_symbology(loaded):
    layers = group_layers(loaded)
    # sections: one category per level, symbology's shape and size
    cats = layers["sections"].renderer().categories()
    assert {c.value() for c in cats} == set(sym.SECTION_LEVEL_SHAPES)
    for cat in cats:
        layer = cat.symbol().symbolLayer(0)
        assert layer.properties()["name"] == sym.SECTION_LEVEL_SHAPES[cat.value()]
        assert cat.symbol().size() == pytest.approx(sym.SECTION_LEVEL_SIZES_MM[cat.value()])
    # reaches: river colour, widths by stream order; the demo is sparse: always visible
    rules = layers["reaches"].renderer().rootRule().children()
    assert [r.symbol().color().name() for r in rules] == [sym.RIVER_COLOUR] * len(rules)
    assert [r.symbol().width() for r in rules] == [
        sym.RIVER_WIDTH_BY_ORDER_MM[k] for k in sorted(sym.RIVER_WIDTH_BY_ORDER_MM)]
    assert all(r.minimumScale() == 0 for r in rules)
    # sources: their symbology colour and shape, graduated size by load
    for table, spec in sym.SOURCE_SYMBOLS.items():
        renderer = layers[table].renderer()
        ranges = renderer.ranges() if renderer.type() == "graduatedSymbol" else []
        symbols = [r.symbol() for r in ranges] if ranges else [renderer.symbol()]
        for symbol in symbols:
            assert symbol.color().name() == spec.colour, table
            assert symbol.symbolLayer(0).properties()["name"] == spec.shape, table
        if table != "petrol_stations":
            sizes = [s.size() for s in symbols]
            assert len(sizes) >= 3 and sizes == sorted(sizes) and len(set(sizes)) == len(sizes)
    # areas: outlines and soft fills
    dw = layers["drinking_water_areas"].renderer().categories()
    assert {c.symbol().color().name() for c in dw} == {sym.DRINKING_WATER_FILL}
    assert all(c.symbol().color().alpha() < 255 for c in dw)
    cu = layers["control_units"].renderer().symbol().symbolLayer(0)
    assert cu.strokeColor().name() == sym.CONTROL_UNIT_OUTLINE
    assert cu.brushStyle() == 0  # Qt.NoBrush: outline only
    park = layers["industrial_parks"].renderer().symbol()
    assert park.color().name() == sym.PARK_FILL


def test_labels_from_qml_with_buffers_and_scale_limits(loaded):
    layers = group_layers(loaded)
    for table in ("outfalls", "control_units", "drinking_water_areas"):
        layer = layers[table]
        assert layer.labelsEnabled(), table
        settings = layer.labeling().settings()
        assert settings.format().buffer().enabled(), table
        assert settings.scaleVisibility and settings.minimumScale > 0, table


def test_rule_labels_with_halos_priorities_and_cjk_font(loaded):
    """Rivers, sections, districts and key enterprises: map_labels' rules (issue 14)."""
    from pollution_map_plugin.qgis_desktop.cjk_fonts import font_check_message, map_font_family

    assert font_check_message() is None  # the test machine has a Chinese font
    layers = group_layers(loaded)
    found = {}
    for table in ("rivers", "sections", "districts", "enterprises"):
        layer = layers[table]
        assert layer.labelsEnabled() and layer.labeling().type() == "rule-based", table
        rules = layer.labeling().rootRule().children()
        for rule in rules:
            s = rule.settings()
            assert s.format().buffer().enabled(), table
            assert s.format().font().family() == map_font_family(), table
        found[table] = [(r.filterExpression() or "ELSE", r.settings().priority,
                         r.minimumScale()) for r in rules]
    key_river = found["rivers"][0]
    assert key_river[0] == '"key_river"' and key_river[2] == 0  # always named
    assert key_river[1] > max(p for _e, p, _s in found["rivers"][1:])
    assert all(s > 0 for _e, _p, s in found["rivers"][1:])  # the others by scale
    assert found["districts"][0][1] < min(p for _e, p, _s in found["sections"])
    assert found["enterprises"] == [("\"category\" = 'key'", 4, 100_000)]


def test_qml_styles_carry_no_renderer():
    """The QML files only hold labels, so they can never contradict symbology."""
    files = sorted(STYLES_DIR.glob("*.qml"))
    assert len(files) >= 10
    for path in files:
        root = ET.parse(path).getroot()
        assert root.find("renderer-v2") is None, path.name
        assert root.get("styleCategories") == "Labeling", path.name
        assert root.find("labeling") is not None, path.name


def test_field_aliases_from_the_schema(loaded):
    layers = group_layers(loaded)
    for table in ("enterprises", "sections", "measurements"):
        layer = layers[table]
        decl = schema.table(table)
        for col in decl.columns:
            alias = layer.attributeAlias(layer.fields().indexOf(col.name))
            assert alias.startswith(col.en) or alias.startswith(col.zh), (table, col.name)
    cod = layers["enterprises"].fields().indexOf("cod_t_a")
    assert layers["enterprises"].attributeAlias(cod).endswith("(t/a)")


def test_relations_let_identify_show_children(loaded, qgis_new_project):
    layers = group_layers(loaded)
    relations = qgis_new_project.relationManager().relations().values()
    pairs = {(r.referencedLayer().customProperty("pollution_map/table"),
              r.referencingLayer().customProperty("pollution_map/table"),
              tuple(r.fieldPairs().items())) for r in relations}
    assert ("sections", "measurements", (("section_code", "code"),)) in pairs
    for child in ("river_chiefs", "problems", "projects"):
        assert ("rivers", child, (("river_code", "code"),)) in pairs
    rel = qgis_new_project.relationManager().referencedRelations(layers["sections"])
    assert rel and all(r.isValid() for r in rel)
    feature = next(layers["sections"].getFeatures())
    children = list(rel[0].getRelatedFeatures(feature))
    assert children and all(c["section_code"] == feature["code"] for c in children)


def test_loading_twice_gives_a_second_group(qgis_new_project, demo_db_path):
    first = load_database(demo_db_path, qgis_new_project)
    second = load_database(demo_db_path, qgis_new_project)
    assert {first.name(), second.name()} == {"demo", "demo (2)"}


def test_load_task_adds_the_group(qgis_new_project, demo_db_path, qtbot):
    groups = []
    load_database_task(demo_db_path, groups.append, project=qgis_new_project)
    qtbot.waitUntil(lambda: bool(groups), timeout=30000)
    layers = group_layers(groups[0])
    assert all(layer.isValid() for layer in layers.values())
    assert layers["sections"].thread() == qgis_new_project.thread()


def test_bad_targets_are_clear_errors(tmp_path):
    with pytest.raises(TargetError, match="not found"):
        resolve(tmp_path / "missing.gpkg")
    with pytest.raises(TargetError):
        resolve("not a database")


def test_dense_data_gets_scale_dependent_symbols():
    """Chongqing-like counts: small stream orders only when zoomed in, shrinking points."""
    from pollution_map_plugin.qgis_desktop.density import order_visibility, size_factor
    from pollution_map_plugin.qgis_desktop.styles import river_order_renderer

    counts = {1: 60000, 2: 21000, 3: 11000, 4: 6000, 5: 3000, 6: 2000, 7: 1500}
    full = 1_400_000.0
    shown_below = order_visibility(counts, full, sorted(sym.RIVER_WIDTH_BY_ORDER_MM))
    assert shown_below[5] == 0  # the widest class is always drawn
    assert 0 < shown_below[1] < shown_below[2] < shown_below[3] < shown_below[4] < full
    renderer = river_order_renderer(counts, full)  # kept alive: its rules belong to it
    rules = renderer.rootRule().children()
    assert [r.minimumScale() for r in rules] == [round(shown_below[k]) for k in sorted(shown_below)]
    assert size_factor(400, full) is None  # a demo city: full sizes
    assert "@map_scale" in size_factor(30000, full)


def test_quantile_breaks_are_round_and_increasing():
    values = [0.0, 0.1, 0.4, 1.3, 2.2, 7.7, 13.0, 450.0, 1e8]
    breaks = quantile_breaks(values, 5)
    assert breaks == sorted(set(breaks)) and len(breaks) == 4
    assert max(breaks) < 1e8  # an outlier does not make a class of its own


@pytest.fixture
def chinese_qgis():
    """QGIS's locale overridden to zh_CN for one test (restored afterwards)."""
    from qgis.core import QgsApplication, QgsSettings

    settings = QgsSettings()
    old = (settings.value("locale/overrideFlag"), settings.value("locale/userLocale"))
    settings.setValue("locale/overrideFlag", True)
    settings.setValue("locale/userLocale", "zh_CN")
    assert QgsApplication.locale().startswith("zh")
    yield
    for key, value in zip(("locale/overrideFlag", "locale/userLocale"), old):
        if value is None:
            settings.remove(key)
        else:
            settings.setValue(key, value)


def test_chinese_qgis_gets_chinese_names_and_aliases(chinese_qgis, qgis_new_project,
                                                     demo_db_path):
    layers = group_layers(load_database(demo_db_path, qgis_new_project))
    assert layers["enterprises"].name() == "涉水工业企业"
    assert layers["sections"].name() == "监测断面"
    idx = layers["enterprises"].fields().indexOf("cod_t_a")
    assert layers["enterprises"].attributeAlias(idx) == "化学需氧量年排放量 (t/a)"
    labels = [c.label() for c in layers["sections"].renderer().categories()]
    assert labels == [sym.SECTION_LEVEL_LABELS[k][0] for k in sym.SECTION_LEVEL_SHAPES]


def test_every_label_style_ships_and_a_missing_one_is_an_error(monkeypatch, tmp_path,
                                                               demo_db_path):
    """The installed plugin once looked for its styles one folder too high and silently
    drew no labels: the styles folder must hold every label style, and a missing
    file must stop the load with a message, not be skipped."""
    from pollution_map_plugin.qgis_desktop import styles
    from pollution_map_plugin.qgis_desktop.connection import resolve
    from pollution_map_plugin.qgis_desktop.layer_loading import make_layer

    assert {p.stem for p in STYLES_DIR.glob("*.qml")} == set(styles.LABEL_STYLES)
    monkeypatch.setattr(styles, "STYLES_DIR", tmp_path)
    with pytest.raises(styles.StyleError, match="Style file missing"):
        make_layer(resolve(demo_db_path), "sections")
