"""Replaced thematic layers live until no canvas draws (the 3.22 reopen crash)."""

from __future__ import annotations

import gc
import weakref

import pytest
from qgis.core import QgsProject, QgsVectorLayer

from pollution_map_plugin.qgis_desktop import retired_layers
from pollution_map_plugin.qgis_desktop.layer_loading import load_database
from pollution_map_plugin.qgis_desktop.map_data import compute_map_data
from pollution_map_plugin.qgis_desktop.map_themes import build_maps, thematic_layers


class _Canvas:
    def __init__(self) -> None:
        self.drawing = True

    def isDrawing(self) -> bool:  # noqa: N802 - QgsMapCanvas's name
        return self.drawing


@pytest.fixture
def canvas(monkeypatch):
    fake = _Canvas()
    monkeypatch.setattr(retired_layers, "_canvases", lambda: [fake])
    yield fake
    retired_layers.release_all()


def _layer(name: str) -> QgsVectorLayer:
    return QgsVectorLayer("Point?crs=EPSG:4490", name, "memory")


def test_a_layer_retired_while_a_canvas_draws_outlives_the_drawing(canvas, qtbot):
    # a project of its own: pytest-qgis's stand-in canvas keeps the instance's layers
    project = QgsProject()
    layer = _layer("old")
    project.addMapLayer(layer)
    layer_id, ref = layer.id(), weakref.ref(layer)
    retired_layers.retire(project, layer)
    del layer
    gc.collect()
    assert project.mapLayer(layer_id) is None  # out of the project at once
    assert ref() is not None and retired_layers.pending() == 1
    qtbot.wait(int(retired_layers.POLL_MS * 2.5))  # still drawing: kept
    assert ref() is not None
    canvas.drawing = False
    qtbot.waitUntil(lambda: retired_layers.pending() == 0,
                    timeout=retired_layers.POLL_MS * 4)
    gc.collect()
    assert ref() is None  # deleted once the drawing stopped


def test_without_a_canvas_a_layer_is_removed_at_once(qgis_new_project, monkeypatch):
    monkeypatch.setattr(retired_layers, "_canvases", lambda: [])
    layer = _layer("old")
    qgis_new_project.addMapLayer(layer)
    layer_id = layer.id()
    retired_layers.retire(qgis_new_project, layer)
    assert qgis_new_project.mapLayer(layer_id) is None
    assert retired_layers.pending() == 0


def test_rebuilt_maps_retire_the_replaced_layers_until_release(qgis_new_project, canvas,
                                                                demo_db_path):
    data = compute_map_data(demo_db_path)
    group = load_database(demo_db_path, qgis_new_project)
    build_maps(group, data, qgis_new_project)
    first = {kind: layer.id() for kind, layer in thematic_layers(group).items()}
    build_maps(group, data, qgis_new_project)
    second = thematic_layers(group)
    assert set(second) == set(first)
    assert all(qgis_new_project.mapLayer(lid) is None for lid in first.values())
    assert retired_layers.pending() == len(first)
    retired_layers.release_all()
    assert retired_layers.pending() == 0
