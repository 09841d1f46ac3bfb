"""Trace from the map: a simulated canvas click on a hand-made network, through the
dock's map tool, lists the expected candidate sources and saves them as layers."""

from __future__ import annotations

from pathlib import Path

import pytest
from qgis.core import QgsPointXY
from qgis.gui import QgsMapMouseEvent
from qgis.PyQt.QtCore import QEvent, QPoint, Qt

from pollution_map_plugin.qgis_desktop.dock import PollutionDock
from pollution_map_plugin.qgis_desktop.layer_loading import group_layers, load_database
from pollution_map_plugin.qgis_desktop.map_themes import group_extent
from pollution_map_plugin.qgis_desktop.trace_tool import SectionPickTool
from tests.qgis.tiny_network import (
    NOT_UPSTREAM,
    UPSTREAM_OF_S1,
    UPSTREAM_OF_S3,
    X0,
    Y0,
    D,
    build_tiny_network,
    enterprise_codes,
)


@pytest.fixture(scope="module")
def tiny_gpkg(tmp_path_factory) -> Path:
    return build_tiny_network(tmp_path_factory.mktemp("tiny") / "tiny.gpkg")


def _codes(short: set[str]) -> set[str]:
    names = enterprise_codes()
    return {names.get(c, c) for c in short}


def _click(canvas, tool, lon: float, lat: float) -> None:
    """Press and release the left button at (lon, lat) on ``canvas`` through ``tool``."""
    from qgis.core import QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsProject

    to_canvas = QgsCoordinateTransform(QgsCoordinateReferenceSystem("EPSG:4490"),
                                       canvas.mapSettings().destinationCrs(),
                                       QgsProject.instance())
    pixel = canvas.getCoordinateTransform().transform(to_canvas.transform(QgsPointXY(lon, lat)))
    pos = QPoint(round(pixel.x()), round(pixel.y()))
    for kind, handler in ((QEvent.Type.MouseButtonPress, tool.canvasPressEvent),
                          (QEvent.Type.MouseButtonRelease, tool.canvasReleaseEvent)):
        event = QgsMapMouseEvent(canvas, kind, pos, Qt.MouseButton.LeftButton,
                                 Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
        handler(event)


@pytest.fixture
def dock(qgis_iface, qgis_canvas, qgis_new_project, tiny_gpkg):
    group = load_database(tiny_gpkg, qgis_new_project)
    qgis_canvas.resize(600, 400)
    qgis_canvas.setDestinationCrs(qgis_new_project.crs())
    layers = list(group_layers(group).values())
    qgis_canvas.setLayers([lyr for lyr in layers if lyr.isSpatial()])
    extent = group_extent(group, qgis_canvas.mapSettings().destinationCrs(), qgis_new_project)
    qgis_canvas.setExtent(extent)
    widget = PollutionDock(qgis_iface)
    widget.set_database(group)
    widget.trace_panel.session.build()  # the task's work, synchronously
    yield widget
    widget.trace_panel.set_tool_active(False)
    widget.trace_panel.clear()
    widget.deleteLater()


@pytest.mark.parametrize(("lonlat", "expected"), [
    ((X0 + 2.5 * D, Y0), UPSTREAM_OF_S3),
    ((X0 + 0.5 * D, Y0), UPSTREAM_OF_S1),
])
def test_click_on_section_lists_upstream_sources(dock, qgis_canvas, lonlat, expected):
    panel = dock.trace_panel
    panel.set_tool_active(True)
    tool = qgis_canvas.mapTool()
    assert isinstance(tool, SectionPickTool)
    _click(qgis_canvas, tool, *lonlat)
    listed = panel.listed_codes()
    assert set(listed) == _codes(expected)
    assert not set(listed) & _codes(NOT_UPSTREAM)
    ranks = [int(panel.table.item(r, 0).text()) for r in range(panel.table.rowCount())]
    assert ranks == list(range(1, len(expected) + 1))
    # the highlight: reaches and sources rubber bands on the canvas
    assert len(panel.highlight.bands) == 2
    assert panel.highlight.bands[1].numberOfVertices() == len(expected)


def test_click_far_from_sections_traces_nothing(dock, qgis_canvas):
    panel = dock.trace_panel
    panel.set_tool_active(True)
    _click(qgis_canvas, qgis_canvas.mapTool(), X0 + 1.5 * D, Y0 + 0.9 * D)
    assert panel.result is None
    assert panel.table.rowCount() == 0


def test_trace_result_saved_as_styled_layers(dock, qgis_canvas, qgis_new_project):
    panel = dock.trace_panel
    panel.set_tool_active(True)
    _click(qgis_canvas, qgis_canvas.mapTool(), X0 + 2.5 * D, Y0)
    sources, reaches, units = panel.save()
    assert {f["code"] for f in sources.getFeatures()} == _codes(UPSTREAM_OF_S3)
    assert {f["reach_code"] for f in reaches.getFeatures()} == {"RA-1", "RA-2", "RA-3", "RB-1"}
    assert units.featureCount() == 1
    for layer in (sources, reaches, units):
        assert layer.isValid() and qgis_new_project.mapLayer(layer.id()) is layer
    from pollution_map_plugin.core import symbology

    colours = {c.value(): c.symbol().color().name() for c in sources.renderer().categories()}
    assert colours == {k: s.colour for k, s in symbology.SOURCE_SYMBOLS.items()}


def _choose_item(panel, code: str) -> None:
    panel.item_combo.setCurrentIndex(panel.item_combo.findData(code))


def test_item_trace_lists_shares_with_a_bar_and_highlights(dock, qgis_canvas, tmp_path):
    import math

    from pollution_map_plugin.qgis_desktop.trace_share_bar import ShareBar

    panel = dock.trace_panel
    _choose_item(panel, "NH3N")
    panel.set_tool_active(True)
    _click(qgis_canvas, qgis_canvas.mapTool(), X0 + 2.5 * D, Y0)
    # E1's own load (the outfall O1 only carries it), O2's estimate (2,000 m³/d × 8 mg/L of
    # 一级B, the default grade), F1's load: decay over 1–2 km barely matters
    assert panel.listed_codes() == [_codes({"E1"}).pop(), "O2", "F1"]
    shares = panel.shares
    assert shares.item == "NH3N" and shares.short_list_n == 2
    frame = shares.sources_frame()
    assert frame["load_t_a"].tolist() == [8.0, 2000 * 365 * 8 / 1e6, 2.0]
    rate = 0.15 / (0.5 * 86.4)
    assert frame["decay_factor"].tolist() == pytest.approx(
        [math.exp(-rate * d) for d in frame["distance_km"]], rel=1e-12)
    shown = [panel.table.item(r, 5).text() for r in range(panel.table.rowCount())]
    assert shown == [f"{100 * s:.1f} %" for s in frame["share"]]
    assert panel.table.item(1, 6).text() == "estimated"
    # the bar: industry, sewage, livestock, nothing uncovered (no flow known)
    bar = panel.bar
    assert isinstance(bar, ShareBar) and not bar.isHidden()
    got = dict(bar.segments)
    assert set(got) == {"industry", "sewage", "livestock"}
    assert sum(got.values()) == pytest.approx(1.0)
    assert got["industry"] == pytest.approx(frame["share"].iloc[0])
    # the map: units filled by share (CU1), the reaches, one ring per source
    assert len(panel.highlight.bands) == 1 + 1 + 3
    sizes = [b.iconSize() for b in panel.highlight.bands[2:]]
    assert sizes == sorted(sizes, reverse=True) and sizes[0] > sizes[-1]
    assert "2" in panel.summary.text() and "80" in panel.summary.text()
    panel.resize(520, 420)
    panel.grab().save(str(tmp_path / "panel.png"))
    # back to the old ranking: no bar, the score columns
    _choose_item(panel, "")
    assert panel.shares is None and panel.bar.isHidden()
    assert set(panel.listed_codes()) == _codes(UPSTREAM_OF_S3)


def test_main_failing_item_falls_back_without_measurements(dock, qgis_canvas):
    panel = dock.trace_panel
    _choose_item(panel, "auto")
    panel.set_tool_active(True)
    _click(qgis_canvas, qgis_canvas.mapTool(), X0 + 2.5 * D, Y0)
    assert panel.shares is None  # no measurements: no failing item, ranked by score
    assert set(panel.listed_codes()) == _codes(UPSTREAM_OF_S3)


def test_item_trace_saved_with_a_share_layer(dock, qgis_canvas):
    panel = dock.trace_panel
    _choose_item(panel, "NH3N")
    panel.set_tool_active(True)
    _click(qgis_canvas, qgis_canvas.mapTool(), X0 + 2.5 * D, Y0)
    shares, sources, _reaches, _units = panel.save()
    got = {f["code"]: f["share"] for f in shares.getFeatures()}
    want = panel.shares.sources_frame().set_index("code")["share"].to_dict()
    assert got == pytest.approx(want) and len(got) == 3
    assert sources.featureCount() == len(UPSTREAM_OF_S3)


def test_period_without_measurements_is_refused_clearly(dock, qgis_canvas):
    panel = dock.trace_panel
    said = []
    panel.message = lambda text, *a, **k: said.append(text)
    panel.set_period("2024")
    assert said and "no measurements" in said[-1]
