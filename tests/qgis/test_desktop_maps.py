"""The five maps in the real QGIS desktop under Xvfb: one screenshot per map lands in
tests/artifacts/desktop/ (look at them)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from qgis.PyQt.QtGui import QImage

from pollution_map_plugin.qgis_layer.themes import MAPS

HERE = Path(__file__).resolve().parent


def _distinct_colours(path: Path, step: int = 17) -> int:
    image = QImage(str(path))
    return len({image.pixel(x, y) for x in range(0, image.width(), step)
                for y in range(0, image.height(), step)})


@pytest.mark.slow
def test_five_maps_in_the_qgis_desktop(demo_db_path, artifacts_dir, tmp_path, repo_root):
    if shutil.which("xvfb-run") is None or shutil.which("qgis") is None:
        pytest.fail("xvfb-run and the qgis desktop are needed (make setup)")
    out = artifacts_dir / "desktop"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    profile = tmp_path / "profile"  # an isolated QGIS profile
    profile.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    env.update(QGIS_CUSTOM_CONFIG_PATH=str(profile), PM_REPO=str(repo_root),
               PM_DB=str(demo_db_path), PM_OUT=str(out), LANG="C.UTF-8")
    proc = subprocess.run(
        ["xvfb-run", "-a", "-s", "-screen 0 1600x1000x24", "qgis", "--nologo",
         "--noversioncheck", "--noplugins", "--code", str(HERE / "desktop_script.py")],
        env=env, capture_output=True, text=True, timeout=240)
    report_path = out / "report.json"
    assert report_path.is_file(), f"QGIS wrote no report: {proc.stderr[-3000:]}"
    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert not report["errors"], report["errors"][0]
    assert report["dock"]["object_name"] == "PollutionMapDock"
    assert report["dock"]["warnings"] > 0 and report["dock"]["periods"] >= 2
    assert set(report["maps"]) == {m.key for m in MAPS}
    layer_sets = []
    for spec in MAPS:
        shot = Path(report["maps"][spec.key]["png"])
        assert shot.is_file() and shot.stat().st_size > 50_000, shot
        image = QImage(str(shot))
        assert image.width() >= 1200 and image.height() >= 700
        assert _distinct_colours(shot) > 30, f"{shot.name} looks empty"
        layer_sets.append(tuple(report["maps"][spec.key]["canvas_layers"]))
    assert len(set(layer_sets)) == len(MAPS), "each map shows its own layers"
