"""The provider's "about" algorithm through processing.run and through qgis_process."""

from __future__ import annotations

import configparser
import json
import os
import subprocess
import zipfile
from pathlib import Path

from qgis import utils
from qgis.core import Qgis

from tests.fixtures.plugin import (
    PACKAGE,
    packaged_plugin,
    plugin_objects,
    provider_present,
)

ALGORITHM = "pollutionmap:about"


def _zip_version(plugin_zip: Path) -> str:
    with zipfile.ZipFile(plugin_zip) as zf:
        text = zf.read(f"{PACKAGE}/metadata.txt").decode("utf-8")
    parser = configparser.ConfigParser(interpolation=None)
    parser.read_string(text)
    return parser["general"]["version"]


def _check_results(results: dict, version: str) -> None:
    assert results["VERSION"] == version
    assert results["QGIS_VERSION"] == Qgis.version()
    assert results["PYTHON_VERSION"].count(".") == 2
    deps = json.loads(results["DEPENDENCIES"])
    assert {"geopandas", "folium", "pandas", "shapely", "pyproj", "osgeo"} <= set(deps)
    assert deps["pandas"], "pandas is installed here and must have a version"


def test_about_runs_through_processing_run(
    qgis_processing, packaged_plugin_dir: Path, plugin_zip: Path, qgis_errors
) -> None:
    import processing

    with packaged_plugin(packaged_plugin_dir):
        assert utils.loadPlugin(PACKAGE) and utils.startPlugin(PACKAGE)
        results = processing.run(ALGORITHM, {})
        _check_results(results, _zip_version(plugin_zip))
        assert utils.unloadPlugin(PACKAGE)
    assert not qgis_errors, qgis_errors


def test_processing_only_start_without_iface(
    qgis_processing, packaged_plugin_dir: Path, qgis_iface, monkeypatch, qgis_errors
) -> None:
    """What qgis_process does: classFactory(None), then initProcessing() only."""
    monkeypatch.setattr(utils, "iface", None)
    with packaged_plugin(packaged_plugin_dir):
        assert utils.loadPlugin(PACKAGE)
        assert utils.startProcessingPlugin(PACKAGE)
        assert provider_present()
        assert not any(plugin_objects(qgis_iface.mainWindow()).values())
        assert utils.unloadPlugin(PACKAGE)
        assert not provider_present()
    assert not qgis_errors, qgis_errors


def test_about_runs_through_qgis_process(
    qgis_process_cmd: list[str], qgis_profile: Path, plugin_zip: Path, tmp_path: Path
) -> None:
    """The ZIP installed by deploy.py into an isolated profile, run by qgis_process."""
    env = {**os.environ, "QGIS_CUSTOM_CONFIG_PATH": str(qgis_profile),
           "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path)}
    run = subprocess.run(
        [*qgis_process_cmd, "--json", "run", ALGORITHM],
        capture_output=True, text=True, env=env, timeout=180,
    )
    assert run.returncode == 0, f"qgis_process failed:\n{run.stdout}\n{run.stderr}"
    start = run.stdout.find("{")
    assert start >= 0, f"no JSON from qgis_process:\n{run.stdout}\n{run.stderr}"
    output = json.loads(run.stdout[start:])
    assert output["algorithm_details"]["id"] == ALGORITHM
    assert output["provider_details"]["version"] == _zip_version(plugin_zip)
    _check_results(output["results"], _zip_version(plugin_zip))
