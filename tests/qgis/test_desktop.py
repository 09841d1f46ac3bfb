"""The real QGIS desktop under Xvfb with the packaged plugin enabled in a fresh profile.

A startup script (``qgis --code``) waits for QGIS to settle, records what the plugin
added, saves a screenshot to ``tests/artifacts/desktop.png`` and quits.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

TIMEOUT_S = 90
STARTUP_SCRIPT = r'''
import json, os, traceback
from qgis.core import QgsApplication
from qgis.PyQt.QtCore import QTimer
from qgis.PyQt.QtWidgets import QApplication, QDockWidget, QMenu, QToolBar
from qgis.utils import active_plugins, iface, plugins

def _shoot():
    result = {}
    try:
        mw = iface.mainWindow()
        toolbar = mw.findChild(QToolBar, "PollutionMapToolbar")
        dock = mw.findChild(QDockWidget, "PollutionMapDock")
        result = {
            "active_plugins": list(active_plugins),
            "toolbar": toolbar is not None,
            "toolbar_visible": bool(toolbar and toolbar.isVisible()),
            "toolbar_actions": [a.objectName() for a in toolbar.actions()] if toolbar else [],
            "toolbar_geometry": list(toolbar.geometry().getRect()) if toolbar else None,
            "menus": [a.text() for a in mw.menuBar().actions() if a.menu() is not None],
            "dock_visible": bool(dock and dock.isVisible()),
            "provider": QgsApplication.processingRegistry().providerById("pollutionmap")
            is not None,
            "window_size": [mw.width(), mw.height()],
        }
        plugin = plugins.get("pollution_map_plugin")
        if plugin is None:  # say why: import it here to get the traceback
            try:
                import pollution_map_plugin.plugin  # noqa: F401
            except Exception:
                result["load_error"] = traceback.format_exc()
        elif plugin.provider is not None:
            result["import_errors"] = {k: repr(v) for k, v in plugin.provider.import_errors.items()}
        if toolbar is not None:
            toolbar.grab().save(os.environ["PM_TOOLBAR_SHOT"])
        result["screenshot"] = mw.grab().save(os.environ["PM_SHOT"])
    except Exception:
        result["error"] = traceback.format_exc()
    with open(os.environ["PM_RESULT"], "w", encoding="utf-8") as f:
        json.dump(result, f)
    QApplication.instance().quit()

iface.mainWindow().resize(1400, 900)
QTimer.singleShot(4000, _shoot)
'''


def _require(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.fail(f"{tool} is not installed; run `make setup` (Debian: xvfb, qgis)")
    return path


def _set_locale(profile_root: Path, locale: str) -> None:
    """Make QGIS start in ``locale`` (as Settings › Options › General would)."""
    ini = profile_root / "profiles" / "default" / "QGIS" / "QGIS3.ini"
    with ini.open("a", encoding="utf-8") as f:
        f.write(f"\n[locale]\noverrideFlag=true\nuserLocale={locale}\n")


@pytest.mark.parametrize(
    ("locale", "menu_title"),
    [("", "Pollution Map / 污染源地图"), ("zh_CN", "污染源地图")],
    ids=["system-locale", "zh_CN"],
)
def test_desktop_shows_the_toolbar(
    qgis_profile: Path, artifacts_dir: Path, tmp_path: Path, locale: str, menu_title: str
) -> None:
    xvfb_run, qgis = _require("xvfb-run"), _require("qgis")
    if locale:
        _set_locale(qgis_profile, locale)
    script = tmp_path / "startup.py"
    script.write_text(STARTUP_SCRIPT, encoding="utf-8")
    stem = f"desktop_{locale}" if locale else "desktop"
    shot = artifacts_dir / f"{stem}.png"
    toolbar_shot = artifacts_dir / f"{stem}_toolbar.png"
    result_file = artifacts_dir / f"{stem}.json"
    for stale in (shot, toolbar_shot, result_file):
        stale.unlink(missing_ok=True)
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    env.update(QGIS_CUSTOM_CONFIG_PATH=str(qgis_profile), HOME=str(tmp_path),
               PM_SHOT=str(shot), PM_TOOLBAR_SHOT=str(toolbar_shot),
               PM_RESULT=str(result_file))
    command = [xvfb_run, "-a", "-s", "-screen 0 1600x1000x24", qgis,
               "--noversioncheck", "--nologo", "--code", str(script)]
    try:
        run = subprocess.run(command, capture_output=True, text=True, env=env,
                             timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"QGIS desktop did not finish within {TIMEOUT_S} s:\n{exc.stderr}")
    assert result_file.is_file(), (
        f"the startup script wrote no result (rc={run.returncode}):\n"
        f"{run.stdout[-3000:]}\n{run.stderr[-3000:]}"
    )
    result = json.loads(result_file.read_text(encoding="utf-8"))
    assert "error" not in result, result["error"]
    assert "pollution_map_plugin" in result["active_plugins"], result.get("load_error", result)
    assert not result.get("import_errors"), result["import_errors"]
    assert result["toolbar"] and result["toolbar_visible"], result
    assert "PollutionMapPanelAction" in result["toolbar_actions"], result
    assert menu_title in result["menus"], result
    assert result["dock_visible"] and result["provider"], result
    x, y, w, h = result["toolbar_geometry"]
    width, height = result["window_size"]
    assert w > 0 and h > 0 and x + w <= width and y + h <= height, result
    assert result["screenshot"] and shot.stat().st_size > 20_000, "empty screenshot"
    assert toolbar_shot.is_file()
