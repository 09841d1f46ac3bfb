"""The five thematic maps: map themes, the period layers joined from the assessment,
their renderers' colours from core.symbology, and the dock's period and warnings."""

from __future__ import annotations

import pandas as pd
import pytest
from qgis.core import QgsLayerTreeModel, QgsPointXY

from pollution_map_plugin.core import symbology as sym
from pollution_map_plugin.qgis_desktop.dock import PollutionDock
from pollution_map_plugin.qgis_desktop.layer_loading import group_layers, load_database
from pollution_map_plugin.qgis_desktop.map_data import compute_map_data
from pollution_map_plugin.qgis_desktop.map_themes import (
    MAPS,
    THEME_LAYERS,
    apply_theme,
    build_maps,
    thematic_layers,
    theme_layers,
)

THEMES = ("流域水系图", "监测断面图", "污染分布图", "问题水体图", "水质变化图")


@pytest.fixture(scope="module")
def data(demo_db_path):
    return compute_map_data(demo_db_path)


@pytest.fixture
def maps(qgis_new_project, demo_db_path, data):
    group = load_database(demo_db_path, qgis_new_project)
    themes = build_maps(group, data, qgis_new_project, density=True)
    return group, themes


def _kind(layer) -> str:
    return str(layer.customProperty("pollution_map/thematic")
               or layer.customProperty("pollution_map/table"))


def test_five_map_themes_with_their_layers(maps, qgis_new_project):
    group, themes = maps
    collection = qgis_new_project.mapThemeCollection()
    assert tuple(m.theme for m in MAPS) == THEMES
    assert set(themes.values()) == set(THEMES)
    assert set(THEMES) <= set(collection.mapThemes())
    for spec in MAPS:
        layers = theme_layers(qgis_new_project, spec.key)
        assert layers and all(lyr.isValid() for lyr in layers)
        # the demo is sparse: no source hexagons (source_aggregation.AGGREGATE_ABOVE)
        assert {_kind(lyr) for lyr in layers} == set(THEME_LAYERS[spec.key]) - {
            "source_hexagons"}, spec.key


def test_section_classes_joined_from_the_assessment(maps, data):
    layer = thematic_layers(maps[0])["section_classes"]
    expected = data.sections.set_index("section_code")["water_class"]
    got = {f["code"]: f["water_class"] for f in layer.getFeatures()}
    assert len(got) == len(expected) > 0
    for code, value in got.items():
        want = expected[code]
        assert (value in (None,) or str(value) == "NULL") if pd.isna(want) else value == want
    missing = {f["code"] for f in layer.getFeatures() if f["meets_target"] == 0}
    assert missing == set(data.sections.loc[data.sections["meets_target"].eq(False)
                                            .fillna(False), "section_code"])
    assert missing, "the demo has sections missing their targets"


def test_class_colours_equal_symbology(maps):
    thematic = thematic_layers(maps[0])
    for kind in ("section_classes", "problem_sections"):
        rules = thematic[kind].renderer().rootRule().children()
        colours = {r.filterExpression(): r.symbol().color().name() for r in rules[:7]}
        expected = {f'"water_class" = {c.value}': c.colour for c in sym.WATER_CLASSES}
        expected['"water_class" IS NULL'] = sym.NO_DATA_COLOUR
        assert colours == expected
        ring = rules[7]
        assert ring.filterExpression() == '"meets_target" = 0'
        assert ring.symbol().symbolLayer(1).strokeColor().name() == sym.PROBLEM_REACH_COLOUR
    cats = thematic["section_changes"].renderer().categories()
    # the method's words (明显好转 … 明显变差) in the change colours (issue 12.2)
    from pollution_map_plugin.qgis_desktop.thematic_layers import METHOD_CHANGE_COLOUR

    assert {c.value(): c.symbol().color().name() for c in cats if c.value()} == {
        k: sym.CHANGE_COLOURS[v] for k, v in METHOD_CHANGE_COLOUR.items()}
    rules = thematic["problem_reaches"].renderer().rootRule().children()
    assert rules and {r.symbol().color().name() for r in rules} == {sym.PROBLEM_REACH_COLOUR}


def test_change_between_periods(maps, data):
    assert data.compare == (data.periods[-2], data.periods[-1])
    layer = thematic_layers(maps[0])["section_changes"]
    got = {f["code"]: f["change"] for f in layer.getFeatures()}
    want = data.change.set_index("section_code")["change"]
    assert {k: v for k, v in got.items() if isinstance(v, str)} == \
        {k: v for k, v in want.items() if isinstance(v, str)}
    assert set(got.values()) & {"improved", "worsened"}


def test_problem_reaches_are_the_stretches_failing_sections_control(maps, data):
    thematic = thematic_layers(maps[0])
    reaches = {f["code"]: f["section_code"] for f in thematic["problem_reaches"].getFeatures()}
    failing = data.sections.loc[data.sections["meets_target"].eq(False).fillna(False)]
    assert set(failing["reach_code"]) <= set(reaches)
    assert set(reaches.values()) <= set(failing["section_code"])
    meeting = data.sections.loc[data.sections["meets_target"].eq(True).fillna(False)]
    assert not (set(meeting["reach_code"]) - set(failing["reach_code"])) & set(reaches)
    assert thematic["problem_sections"].featureCount() == len(failing)


def test_density_option_is_a_heatmap_below_the_sources(maps):
    group = maps[0]
    density = thematic_layers(group)["density"]
    assert density.renderer().type() == "heatmapRenderer"
    sources = group_layers(group)
    expected = sum(sources[t].featureCount() for t in ("enterprises", "sewage_plants",
                                                       "livestock_farms"))
    assert density.featureCount() == expected


def test_applying_a_theme_shows_its_layers(maps, qgis_new_project):
    root = qgis_new_project.layerTreeRoot()
    apply_theme(qgis_new_project, "change", QgsLayerTreeModel(root))
    visible = {lyr.id() for lyr in root.checkedLayers()}
    assert visible == {lyr.id() for lyr in theme_layers(qgis_new_project, "change")}


def test_dock_periods_warnings_and_zoom(qgis_iface, qgis_canvas, qgis_new_project,
                                        demo_db_path, data):
    group = load_database(demo_db_path, qgis_new_project)
    qgis_canvas.setDestinationCrs(qgis_new_project.crs())  # as QGIS's canvas follows it
    dock = PollutionDock(qgis_iface)
    dock.set_database(group)
    dock.update_maps(sync=True)
    combo = dock.period_picker.period_combo
    assert [combo.itemText(i) for i in range(combo.count())] == data.periods
    assert dock.period_picker.period() == data.period
    assert dock.warnings_count() == len(data.warnings) > 0
    # another period: the maps follow, each layer replaced in its place in the tree
    # (refilled in place, a reopened project's memory layers corrupted QGIS 3.22's heap)
    def place(kind):
        node = qgis_new_project.layerTreeRoot().findLayer(thematic_layers(group)[kind].id())
        return node.parent().name(), node.parent().children().index(node)

    before = place("section_classes")
    old_id = thematic_layers(group)["section_classes"].id()
    assert dock.choose_period("year", 0) == data.periods[0]
    dock.update_maps(sync=True)
    assert dock.data.period == data.periods[0]
    assert thematic_layers(group)["section_classes"].name().endswith(data.periods[0])
    assert place("section_classes") == before
    assert qgis_new_project.mapLayer(old_id) is None  # replaced, not left beside
    assert sum(1 for lyr in qgis_new_project.mapLayers().values()
               if lyr.customProperty("pollution_map/thematic") == "section_classes") == 1
    # a quarter
    quarter = dock.choose_period("quarter")
    dock.update_maps(sync=True)
    assert dock.data.period == quarter and "-Q" in quarter
    # a warning zooms the canvas to its section
    code = dock.click_warning(0)
    section = next(f for f in group_layers(group)["sections"].getFeatures()
                   if f["code"] == code)
    from qgis.core import QgsCoordinateTransform

    to_canvas = QgsCoordinateTransform(group_layers(group)["sections"].crs(),
                                       qgis_canvas.mapSettings().destinationCrs(),
                                       qgis_new_project)
    centre = to_canvas.transform(QgsPointXY(section.geometry().asPoint()))
    extent = qgis_canvas.extent()
    assert extent.contains(centre) and min(extent.width(), extent.height()) <= 4001  # m
    dock.show_map("sections")
    dock.deleteLater()


def test_dock_exports_maps_and_html(qgis_iface, qgis_new_project, demo_db_path, data,
                                    tmp_path, qtbot):
    group = load_database(demo_db_path, qgis_new_project)
    dock = PollutionDock(qgis_iface)
    dock.set_database(group)
    dock._assessed(data)
    names_before = sorted(lyr.name() for lyr in qgis_new_project.mapLayers().values())
    export = dock.export_maps(str(tmp_path / "maps"), dpi=50)
    qtbot.waitUntil(lambda: not export.is_active(), timeout=120_000)
    files = sorted((tmp_path / "maps").iterdir())
    assert len(files) == 10 and all(f.stat().st_size > 10_000 for f in files), files
    assert len(qgis_new_project.layoutManager().layouts()) == 5
    # the user's layers keep their names
    assert sorted(lyr.name() for lyr in qgis_new_project.mapLayers().values()) == names_before
    dock.export_html(str(tmp_path / "html"))
    qtbot.waitUntil(lambda: (tmp_path / "html" / "index.html").is_file(), timeout=120_000)

    def finished() -> bool:
        try:
            return dock.task.status() >= 3  # Complete or Terminated
        except RuntimeError:  # the task manager deleted the finished task
            return True

    qtbot.waitUntil(finished, timeout=120_000)
    assert "<html" in (tmp_path / "html" / "index.html").read_text(encoding="utf-8")
    dock.deleteLater()


def test_dock_loads_and_assesses_in_tasks(qgis_iface, qgis_new_project, demo_db_path, qtbot):
    dock = PollutionDock(qgis_iface)
    dock.project = qgis_new_project
    dock.load(str(demo_db_path))
    qtbot.waitUntil(lambda: dock.data is not None, timeout=120_000)
    group = dock.group()
    assert group is not None and group.name() == "demo"
    assert set(thematic_layers(group)) >= {"section_classes", "section_changes",
                                           "problem_reaches"}
    assert dock.period_picker.period_combo.count() >= 2
    assert dock.map_buttons["change"].isEnabled()
    dock.deleteLater()


def test_codes_with_backslashes_and_quotes_reach_the_maps(qgis_new_project, demo_db_path,
                                                          tmp_path):
    """A section code with a backslash once emptied the section and problem maps (it
    was read as an escape in the layer filter); a quote must not break it either."""
    import shutil

    from osgeo import ogr

    path = tmp_path / "codes.gpkg"
    shutil.copy(demo_db_path, path)
    ds = ogr.Open(str(path), 1)
    layer = ds.ExecuteSQL("SELECT code FROM sections ORDER BY code LIMIT 2")
    first, second = [f.GetField(0) for f in layer]
    ds.ReleaseResultSet(layer)
    for old, new in ((first, first + "\\01"), (second, second + "''B")):
        for table, column in (("sections", "code"), ("measurements", "section_code")):
            ds.ExecuteSQL(f"UPDATE {table} SET {column} = '{new}' WHERE {column} = '{old}'")
    ds = None
    data = compute_map_data(str(path))
    group = load_database(path, qgis_new_project)
    build_maps(group, data, qgis_new_project)
    classes = thematic_layers(group)["section_classes"]
    codes = {f["code"] for f in classes.getFeatures()}
    assert first + "\\01" in codes and second + "'B" in codes, sorted(codes)[:5]
    assert classes.featureCount() == len(data.sections)


def test_dock_imports_a_river_network(qgis_iface, qgis_new_project, demo_db_path, tmp_path,
                                      qtbot):
    """The panel's *Import river network…*: the same core job as the command, in a task;
    the database group's river layers show the new network."""
    import json
    import shutil

    from pollution_map_plugin.core.db import open_database

    db = tmp_path / "bureau.gpkg"
    shutil.copy(demo_db_path, db)
    lines = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"NAME": name},
         "geometry": {"type": "LineString", "coordinates": coords}}
        for name, coords in (
            ("干流河", [[106.30, 29.50], [106.40, 29.52], [106.50, 29.55]]),
            ("干流河", [[106.50, 29.55], [106.62, 29.58]]),
            ("支流溪", [[106.45, 29.70], [106.48, 29.62], [106.50, 29.55]]))]}
    path = tmp_path / "rivers.geojson"
    path.write_text(json.dumps(lines, ensure_ascii=False), encoding="utf-8")
    group = load_database(db, qgis_new_project)
    dock = PollutionDock(qgis_iface)
    dock.project = qgis_new_project
    dock.set_database(group)
    messages: list[str] = []
    errors: list[BaseException] = []
    dock.message = lambda text, *_a: messages.append(text)
    dock.error = errors.append
    dock.import_network([str(path)], replace=True)
    qtbot.waitUntil(lambda: any("River network imported" in m for m in messages) or bool(errors),
                    timeout=120_000)
    assert not errors, errors
    with open_database(db) as check:
        reaches, rivers = check.count("reaches"), check.count("rivers")
    assert rivers == 2 and reaches >= 2
    assert group_layers(group)["reaches"].featureCount() == reaches
    assert (tmp_path / "bureau_network_report.csv").is_file()
    dock.unload()
    dock.deleteLater()


def test_html_export_dialog_offers_every_option(qgis_iface, demo_db_path, qgis_new_project,
                                                tmp_path, qtbot):
    """The panel's HTML export once dropped the language, basemap and key: the dialog
    fills one HtmlExportOptions with all of them, and the export uses it."""
    from pollution_map_plugin.qgis_desktop.html_export_dialog import HtmlExportDialog

    dialog = HtmlExportDialog("2024")
    dialog.folder_edit.setText(str(tmp_path / "html"))
    dialog.lang_combo.setCurrentIndex(dialog.lang_combo.findData("en"))
    dialog.basemap_combo.setCurrentIndex(dialog.basemap_combo.findData("tianditu"))
    dialog.key_edit.setText("0123456789abcdef0123456789abcdef")
    dialog.rivers_combo.setCurrentIndex(1)
    options = dialog.options()
    assert (options.period, options.lang, options.basemap, options.rivers) == \
        ("2024", "en", "tianditu", "all")
    assert options.tianditu_key and options.offline
    dialog.basemap_combo.setCurrentIndex(dialog.basemap_combo.findData("none"))
    dialog.offline_check.setChecked(False)
    assert dialog.options().basemap == "none"  # "none" stays none online too

    group = load_database(demo_db_path, qgis_new_project)
    dock = PollutionDock(qgis_iface)
    dock.project = qgis_new_project
    dock.set_database(group)
    from pollution_map_plugin.core.html import HtmlExportOptions

    out = tmp_path / "html"
    dock.export_html(str(out), HtmlExportOptions(period="2024", lang="en"))
    qtbot.waitUntil(lambda: (out / "index.html").is_file(), timeout=120_000)
    text = (out / "overview.html").read_text(encoding="utf-8")
    assert 'lang="en"' in text and "2024" in text
    dock.unload()
    dock.deleteLater()


def test_errors_stay_in_the_message_bar_with_details(qgis_iface):
    """An error once vanished after 8 s: it stays until closed, with a button that
    opens the log panel where the details are."""
    from qgis.core import Qgis
    from qgis.PyQt.QtWidgets import QPushButton

    dock = PollutionDock(qgis_iface)
    bar = qgis_iface.messageBar()
    bar.clearWidgets()
    dock.error(RuntimeError("the database is locked"))
    items = bar.items()
    assert len(items) == 1, items
    item = items[0]
    assert item.duration() == 0
    assert item.level() == Qgis.MessageLevel.Critical
    assert "the database is locked" in item.text()
    assert [b.text() for b in item.findChildren(QPushButton) if b.text()] == ["Details…"]
    dock.unload()
    dock.deleteLater()


def test_section_layer_says_why_a_section_has_no_verdict(maps, data):
    """Identify on a section shows its status (no target / no data are not misses) and,
    for lakes, the trophic state fields."""
    group = maps[0]
    layer = thematic_layers(group)["section_classes"]
    names = layer.fields().names()
    assert {"status", "tli", "trophic_state"} <= set(names)
    statuses = {f["status"] for f in layer.getFeatures()}
    assert statuses and statuses <= {"meets_target", "misses_target", "no_target", "no_data"}
    assert statuses == set(data.sections["status"].dropna())
