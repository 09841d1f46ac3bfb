"""A version-1 GeoPackage (the previous release's schema) in QGIS: every layer loads
with the file's own counts, and ``render-maps`` draws the five maps from it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from pollution_map_plugin.core.db import open_database
from pollution_map_plugin.qgis_desktop.layer_loading import group_layers, load_database

ROOT = Path(__file__).resolve().parents[2]


def test_qgis_loads_a_version_1_geopackage(qgis_new_project, v1_demo_gpkg, tmp_path):
    path = tmp_path / "v1.gpkg"
    shutil.copy(v1_demo_gpkg, path)
    with open_database(path) as db:
        counts = db.counts()
    layers = group_layers(load_database(path, qgis_new_project))
    assert len(layers) == 15
    for table, layer in layers.items():
        assert layer.isValid(), table
        assert layer.featureCount() == counts[table], table
    assert layers["enterprises"].fields().indexOf("reach_code") < 0


def test_render_maps_on_a_version_1_geopackage(v1_demo_gpkg, tmp_path):
    path = tmp_path / "v1.gpkg"
    shutil.copy(v1_demo_gpkg, path)
    out = tmp_path / "maps"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    run = subprocess.run([sys.executable, "-m", "pollution_map_plugin", "render-maps",
                          str(path), "--out", str(out)], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    assert len(list(out.glob("*.png"))) == 5 and len(list(out.glob("*.pdf"))) == 5
    with open_database(path) as db:
        assert db.schema_version() == 1
