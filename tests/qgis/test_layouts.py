"""Print layouts of the five maps: their items, and PNG and PDF exports from the
layout API, the command line (headless QGIS of its own) and Processing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from qgis.core import (
    QgsLayoutItemLabel,
    QgsLayoutItemLegend,
    QgsLayoutItemMap,
    QgsLayoutItemPicture,
    QgsLayoutItemScaleBar,
)
from qgis.PyQt.QtGui import QImage

from pollution_map_plugin.core import symbology as sym
from pollution_map_plugin.qgis_desktop.layer_loading import load_database
from pollution_map_plugin.qgis_desktop.layouts import (
    build_layout,
    expected_png_size,
    export_layout,
)
from pollution_map_plugin.qgis_desktop.map_data import compute_map_data
from pollution_map_plugin.qgis_desktop.map_themes import MAPS, build_maps

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def data(demo_db_path):
    return compute_map_data(demo_db_path)


@pytest.fixture
def group(qgis_new_project, demo_db_path, data):
    group = load_database(demo_db_path, qgis_new_project)
    build_maps(group, data, qgis_new_project)
    return group


def _map_area_colours(path: Path, dpi: int) -> int:
    """Distinct colours in a coarse grid over the map frame of an exported page."""
    image = QImage(str(path))
    px = dpi / 25.4
    colours = set()
    for x in range(int(20 * px), int(200 * px), int(3 * px)):
        for y in range(int(30 * px), int(190 * px), int(3 * px)):
            colours.add(image.pixel(x, y))
    return len(colours)


def _check_png(path: Path, dpi: int = 150) -> None:
    assert path.is_file() and path.stat().st_size > 20_000, path
    image = QImage(str(path))
    assert (image.width(), image.height()) == expected_png_size(dpi)
    assert _map_area_colours(path, dpi) > 8, f"{path.name}: the map looks empty"


def _check_pdf(path: Path) -> None:
    assert path.is_file() and path.stat().st_size > 10_000, path
    assert path.read_bytes()[:5] == b"%PDF-"


@pytest.mark.parametrize("key", [m.key for m in MAPS])
def test_layout_has_its_items_and_exports(group, data, qgis_new_project, key, tmp_path,
                                          artifacts_dir):
    layout = build_layout(group, key, data, qgis_new_project)
    items = layout.items()
    labels = " ".join(i.text() for i in items if isinstance(i, QgsLayoutItemLabel))
    spec = next(m for m in MAPS if m.key == key)
    assert spec.zh in labels
    assert (data.change_label if key == "change" else data.period) in labels
    assert "demo.gpkg" in labels and "synthetic" in labels.lower()
    maps = [i for i in items if isinstance(i, QgsLayoutItemMap)]
    assert len(maps) == 1 and maps[0].followVisibilityPresetName() == spec.theme
    assert not maps[0].extent().isEmpty()
    assert any(isinstance(i, QgsLayoutItemScaleBar) for i in items)
    assert any(isinstance(i, QgsLayoutItemPicture) and "North" in i.picturePath()
               for i in items)
    legend = next(i for i in items if isinstance(i, QgsLayoutItemLegend))
    assert legend.model().rootGroup().findLayers()
    png, pdf = export_layout(layout, artifacts_dir / "layouts", f"{key}")
    _check_png(png)
    _check_pdf(pdf)


def test_render_maps_command(demo_db_path, data, tmp_path):
    out = tmp_path / "maps"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    before, after = data.periods[0], data.periods[-1]
    proc = subprocess.run(
        [sys.executable, "-m", "pollution_map_plugin", "render-maps", str(demo_db_path),
         "--out", str(out), "--period", data.periods[-1], "--compare", before, after,
         "--dpi", "100"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    files = [Path(line) for line in proc.stdout.split()]
    assert len(files) == 10 and all(f.parent == out for f in files)
    for png in (f for f in files if f.suffix == ".png"):
        _check_png(png, 100)
    assert any(f"{before}-{after}" in f.name for f in files)
    for pdf in (f for f in files if f.suffix == ".pdf"):
        _check_pdf(pdf)


@pytest.fixture
def provider(qgis_processing):
    """The plugin's Processing provider, registered for the test only (if not already)."""
    from qgis.core import QgsApplication

    from pollution_map_plugin.processing_provider.provider import PollutionMapProvider

    registry = QgsApplication.processingRegistry()
    added = None
    if registry.providerById("pollutionmap") is None:
        added = PollutionMapProvider()
        registry.addProvider(added)
    yield registry.providerById("pollutionmap")
    if added is not None:
        registry.removeProvider(added)


def test_render_maps_processing_algorithm(provider, demo_db_path, tmp_path):
    import processing

    result = processing.run("pollutionmap:render_maps", {
        "DATABASE": str(demo_db_path), "DPI": 60, "OUTPUT": str(tmp_path / "proc")})
    files = [Path(p) for p in result["FILES"].split(";")]
    assert result["COUNT"] == 10 == len(files)
    for png in (f for f in files if f.suffix == ".png"):
        _check_png(png, 60)


def test_render_maps_rejects_half_a_comparison(provider, demo_db_path, tmp_path):
    import processing
    from qgis.core import QgsProcessingException

    with pytest.raises(QgsProcessingException):
        processing.run("pollutionmap:render_maps", {
            "DATABASE": str(demo_db_path), "COMPARE_FROM": "2024",
            "OUTPUT": str(tmp_path / "x")})


@pytest.mark.parametrize("text", ["[% env('PGPASSWORD') %]", "a [%1+1%] b", "[%", "plain"])
def test_text_from_the_data_is_never_evaluated_in_a_layout(qgis_new_project, text):
    """A database or file named like an expression prints as it is (issue: a name
    ``[% env('PGPASSWORD') %]`` printed the password on every map)."""
    from qgis.core import QgsLayoutItemLabel, QgsPrintLayout

    from pollution_map_plugin.qgis_desktop.layouts import literal

    os.environ["PGPASSWORD"] = "canary-secret"
    layout = QgsPrintLayout(qgis_new_project)
    label = QgsLayoutItemLabel(layout)
    label.setText(literal(text))
    assert label.currentText() == text
    assert "canary-secret" not in label.currentText()


def test_footer_of_a_database_named_like_an_expression(qgis_new_project, demo_db_path,
                                                       tmp_path, data):
    import shutil

    from qgis.core import QgsLayoutItemLabel

    from pollution_map_plugin.qgis_desktop.layouts import build_layout

    os.environ["PGPASSWORD"] = "canary-secret"
    named = tmp_path / "[% env('PGPASSWORD') %].gpkg"
    shutil.copy(demo_db_path, named)
    group = load_database(named, qgis_new_project)
    build_maps(group, data, qgis_new_project)
    layout = build_layout(group, "sections", data, qgis_new_project)
    texts = [i.currentText() for i in layout.items() if isinstance(i, QgsLayoutItemLabel)]
    assert any("[% env('PGPASSWORD') %].gpkg" in t for t in texts), texts
    assert not any("canary-secret" in t for t in texts), texts


@pytest.mark.parametrize("width", [float("nan"), 0.0, -1.0, float("inf")])
def test_scale_bar_segment_of_a_map_without_extent(width):
    """A database where nothing is located yet has no extent: no crash, a 1 km bar."""
    from pollution_map_plugin.qgis_desktop.layouts import nice_segment

    assert nice_segment(width) == 1.0
    assert nice_segment(250.0) == 20.0 or nice_segment(250.0) == 50.0


def test_section_legends_count_what_they_stand_for(group, data, qgis_new_project):
    """'Class IV (7)': the counts of a section map's legend add up to its sections."""
    import re

    from qgis.core import QgsLayoutItemLegend, QgsLegendRenderer

    layout = build_layout(group, "sections", data, qgis_new_project)
    legend = next(i for i in layout.items() if isinstance(i, QgsLayoutItemLegend))
    model = legend.model()
    texts = []
    for node in model.rootGroup().findLayers():
        for legend_node in model.layerLegendNodes(node):
            texts.append(legend_node.data(0))
    from pollution_map_plugin.qgis_desktop.styles import class_label

    names = {class_label(c.value) for c in sym.WATER_CLASSES} | {class_label(None)}
    classes = [t for t in texts if re.search(r"\(\d+\)$", str(t))
               and re.sub(r" \(\d+\)$", "", str(t)) in names]
    counts = [int(re.search(r"\((\d+)\)$", str(t)).group(1)) for t in classes]
    assert counts and sum(counts) == len(data.sections), [str(t) for t in texts]
    assert QgsLegendRenderer(model, legend.legendSettings()).minimumSize().width() > 0


@pytest.mark.parametrize("table", ["enterprises", "livestock_farms", "sewage_plants",
                                   "outfalls"])
@pytest.mark.parametrize("scale", [0.0, 2_000_000.0, 50_000.0])
def test_legend_presence_from_distinct_values_matches_a_scan(group, table, scale):
    """The quick legend check of graduated source layers (distinct values) finds the
    same classes as one filtered request per class."""
    from qgis.core import QgsFeatureRequest

    from pollution_map_plugin.qgis_desktop.layer_loading import group_layers
    from pollution_map_plugin.qgis_desktop.layouts import (
        graduated_presence,
        item_filters,
        present_items,
    )

    layer = group_layers(group)[table]
    assert layer.renderer().type() == "graduatedSymbol"
    scanned = [i for i, expr in enumerate(item_filters(layer, scale))
               if next(layer.getFeatures(QgsFeatureRequest().setFilterExpression(expr)
                                         .setLimit(1)), None) is not None]
    assert graduated_presence(layer, scale) == scanned == present_items(layer, scale)
