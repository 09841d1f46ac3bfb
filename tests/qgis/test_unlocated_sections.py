"""Sections created from the monitoring release have no coordinates: QGIS loads them
(the layer counts them, none has a geometry) beside the located ones."""

from __future__ import annotations

import shutil
from pathlib import Path

from pollution_map_plugin.core.db import create_database
from pollution_map_plugin.core.importer import ImportOptions, import_file
from pollution_map_plugin.qgis_desktop.layer_loading import group_layers, load_database

CORPUS = Path(__file__).resolve().parents[1] / "data" / "import"


def test_unlocated_sections_load_in_qgis(qgis_new_project, tmp_path: Path) -> None:
    for name in ("release_chongqing.csv", "sections_unlocated.csv"):
        shutil.copy(CORPUS / name, tmp_path / name)
    path = tmp_path / "u.gpkg"
    with create_database(path) as db:
        import_file(db, "sections", tmp_path / "sections_unlocated.csv")
        import_file(db, "measurements", tmp_path / "release_chongqing.csv",
                    ImportOptions(create_sections=True))
    layer = group_layers(load_database(path, qgis_new_project))["sections"]
    assert layer.isValid() and layer.featureCount() == 3 + 9
    located = [f for f in layer.getFeatures() if not f.geometry().isNull()]
    assert [f["code"] for f in located] == ["U001"]
