"""Without geopandas and folium the plugin still loads and explains how to install them.

The packages are hidden for the test's duration: removed from ``sys.modules`` and
blocked by a meta-path finder, as if QGIS's Python lacked them (common on Windows).
"""

from __future__ import annotations

import importlib.abc
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from qgis import utils
from qgis.core import Qgis, QgsApplication

from tests.fixtures.plugin import PACKAGE, all_messages, packaged_plugin, plugin_objects

HIDDEN = ("geopandas", "folium")


class _Blocker(importlib.abc.MetaPathFinder):
    """Refuses to import the hidden packages and their sub-modules."""

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in HIDDEN:
            raise ModuleNotFoundError(f"No module named {name!r} (hidden by the test)",
                                      name=name)
        return None


@pytest.fixture
def hidden_packages(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in list(sys.modules):
        if name.split(".")[0] in HIDDEN:
            monkeypatch.delitem(sys.modules, name)
    monkeypatch.setattr(sys, "meta_path", [_Blocker(), *sys.meta_path])
    with pytest.raises(ImportError):
        import geopandas  # noqa: F401
    yield


def _install_hints(messages: list[str]) -> list[str]:
    return [m for m in messages if "pip install" in m and "apt install" in m]


def test_plugin_loads_without_geopandas_and_folium(
    hidden_packages, qgis_processing, packaged_plugin_dir: Path, qgis_iface, qgis_errors
) -> None:
    import processing

    bar = qgis_iface.messageBar()
    bar.clear_messages()
    with packaged_plugin(packaged_plugin_dir):
        assert utils.loadPlugin(PACKAGE), "the plugin must import without geopandas/folium"
        assert utils.startPlugin(PACKAGE), "the plugin must start without geopandas/folium"
        plugin = utils.plugins[PACKAGE]
        found = plugin_objects(qgis_iface.mainWindow())
        assert found["toolbars"] and found["menus"], found
        registry = QgsApplication.processingRegistry()
        assert registry.algorithmById("pollutionmap:about") is not None

        # Whatever part could not load must have said how to install what it lacks.
        degraded = plugin.dock is None or bool(plugin.provider.import_errors)
        if degraded:
            hints = _install_hints(all_messages(bar))
            assert hints, f"a part failed without explanation: {plugin.provider.import_errors}"
            assert any(h for h in hints if any(p in h for p in HIDDEN)), hints

        results = processing.run("pollutionmap:about", {})
        deps = json.loads(results["DEPENDENCIES"])
        assert deps["geopandas"] is None and deps["folium"] is None, deps
        assert deps["pandas"], deps

        bar.clear_messages()
        action = next(a for a in found["actions"]
                      if a.objectName() == "PollutionMapDependenciesAction")
        action.trigger()
        warnings = bar.get_messages(Qgis.MessageLevel.Warning) or all_messages(bar)
        hint = "\n".join(_install_hints(warnings))
        assert "geopandas" in hint and "folium" in hint, warnings
        assert "python -m pip install geopandas folium" in hint, hint
        assert "sudo apt install python3-geopandas python3-folium" in hint, hint
        assert utils.unloadPlugin(PACKAGE)
    assert not qgis_errors, qgis_errors


def test_require_explains_in_the_message_bar(hidden_packages, qgis_iface) -> None:
    from pollution_map_plugin.qgis_desktop.dependencies import missing_modules, require

    bar = qgis_iface.messageBar()
    bar.clear_messages()
    assert require("pandas", iface=qgis_iface)
    assert all_messages(bar) == []
    assert missing_modules("pandas", "folium", "geopandas") == ["folium", "geopandas"]
    assert not require("pandas", "folium", iface=qgis_iface)
    (message,) = all_messages(bar)
    assert "folium" in message and "pip install folium" in message
    assert "pandas" not in message.split("pip install")[1], message


def test_require_without_iface_logs_the_explanation(
    hidden_packages, qgis_iface, monkeypatch
) -> None:
    """Under qgis_process there is no message bar: the explanation goes to the log."""
    from pollution_map_plugin.qgis_desktop.dependencies import require

    monkeypatch.setattr(utils, "iface", None)
    logged: list[str] = []

    def on_message(message: str, tag: str, level) -> None:
        logged.append(message)

    QgsApplication.messageLog().messageReceived.connect(on_message)
    try:
        assert not require("geopandas")
    finally:
        QgsApplication.messageLog().messageReceived.disconnect(on_message)
    assert any("pip install geopandas" in m for m in logged), logged
